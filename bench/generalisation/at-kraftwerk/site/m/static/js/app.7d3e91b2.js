/* Kraftwerk Fitness mobile – app bundle v3.8.2 (2026-09-18) */
(function () {
  'use strict';
  var API = '/m/api/';
  var app = document.getElementById('app');
  var route = app.getAttribute('data-route');
  var itemId = app.getAttribute('data-id');

  function eur(v) {
    return '€ ' + v.toFixed(2).replace('.', ',');
  }
  function priceHtml(v, per) {
    var p = v.toFixed(2).split('.');
    return '<div class="kw-price"><span class="kw-price__cur">€</span> <span class="kw-price__int">' + p[0] +
      '</span><span class="kw-price__dec">,' + p[1] + '</span>' + (per ? ' <span class="kw-price__per">' + per + '</span>' : '') + '</div>';
  }
  function dateAT(iso) {
    var d = iso.split('-');
    return d[2] + '.' + d[1] + '.' + d[0];
  }
  function esc(s) {
    return String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;');
  }
  function get(name) {
    return fetch(API + name + '.json', { cache: 'no-cache' }).then(function (r) { return r.json(); });
  }

  /* ---------- chrome ---------- */
  function header() {
    return '<header class="kw-top">' +
      '<a class="kw-top__logo" href="/m/"><img src="/m/img/logo.svg" alt="Kraftwerk Fitness" width="150" height="36"></a>' +
      '<button class="kw-top__menu" aria-label="Menü" data-menu>☰</button>' +
      '</header>' +
      '<nav class="kw-drawer" hidden data-drawer><a href="/m/">Start</a><a href="/m/tarife/">Tarife</a><a href="/m/extras/">Extras</a>' +
      '<a href="/m/shop/">Shop</a><a href="/m/studios/">Studios</a><a href="/m/info/">Hilfe &amp; Impressum</a><a href="/">Desktop-Version</a></nav>';
  }
  function tabbar(active) {
    var tabs = [['start', '/m/', 'Start'], ['tarife', '/m/tarife/', 'Tarife'], ['studios', '/m/studios/', 'Studios'],
      ['shop', '/m/shop/', 'Shop'], ['info', '/m/info/', 'Mehr']];
    return '<nav class="kw-tabs">' + tabs.map(function (t) {
      return '<a href="' + t[1] + '" class="kw-tabs__item' + (t[0] === active ? ' is-active' : '') + '">' + t[2] + '</a>';
    }).join('') + '</nav>';
  }
  function stickyCta() {
    return '<div class="kw-sticky"><a class="kw-btn kw-btn--cta" href="/m/tarife/">Jetzt Mitglied werden</a></div>';
  }
  function footer() {
    return '<footer class="kw-foot"><p>© 2026 Kraftwerk Fitness · <a href="/m/info/">Impressum</a> · <a href="/m/info/#datenschutz">Datenschutz</a></p>' +
      '<p>Alle Preise in Euro inkl. 20 % USt.</p></footer>';
  }
  function consent() {
    var k = 'kwm_consent';
    var done = null;
    try { done = localStorage.getItem(k); } catch (e) {}
    if (done) return '';
    return '<div class="kw-sheet-backdrop" data-consent-sheet><div class="kw-sheet" role="dialog" aria-label="Datenschutz-Einstellungen">' +
      '<div class="kw-sheet__grip"></div><h2>Deine Privatsphäre</h2>' +
      '<p>Wir verwenden Cookies und vergleichbare Technologien für den Betrieb der App, für Statistiken und für personalisierte Angebote. ' +
      'Du kannst selbst entscheiden, welche Kategorien du zulässt.</p>' +
      '<button class="kw-btn kw-btn--cta" data-consent="all">Alle akzeptieren</button>' +
      '<button class="kw-btn kw-btn--ghost" data-consent="necessary">Nur notwendige</button>' +
      '</div></div>';
  }
  function layout(active, inner) {
    app.innerHTML = header() + '<main class="kw-main">' + inner + '</main>' + footer() + stickyCta() + tabbar(active) + consent();
    bind();
  }
  function bind() {
    app.querySelectorAll('[data-acc]').forEach(function (b) {
      b.addEventListener('click', function () {
        var p = document.getElementById(b.getAttribute('aria-controls'));
        var open = b.getAttribute('aria-expanded') === 'true';
        b.setAttribute('aria-expanded', open ? 'false' : 'true');
        p.hidden = open;
        b.classList.toggle('is-open', !open);
      });
    });
    var m = app.querySelector('[data-menu]');
    if (m) m.addEventListener('click', function () {
      var d = app.querySelector('[data-drawer]');
      d.hidden = !d.hidden;
    });
    app.querySelectorAll('[data-consent]').forEach(function (b) {
      b.addEventListener('click', function () {
        try { localStorage.setItem('kwm_consent', b.getAttribute('data-consent')); } catch (e) {}
        var s = app.querySelector('[data-consent-sheet]');
        if (s) s.parentNode.removeChild(s);
      });
    });
    var q = app.querySelector('[data-studio-q]');
    if (q) q.addEventListener('input', function () {
      var v = q.value.toLowerCase();
      app.querySelectorAll('[data-studio]').forEach(function (el) {
        el.hidden = v && el.getAttribute('data-studio').indexOf(v) === -1;
      });
    });
  }

  /* ---------- cards ---------- */
  function card(it, base, opts) {
    opts = opts || {};
    var id = 'acc-' + it.id;
    var promo = '';
    if (it.promo) {
      promo = '<p class="kw-card__promo">' + esc(it.promo.text) + ' Gültig bis ' + dateAT(it.promo.validUntil) + '</p>';
    }
    var old = it.oldPrice ? '<s class="kw-card__old">' + eur(it.oldPrice) + '</s>' : '';
    return '<article class="kw-card' + (opts.big ? ' kw-card--big' : '') + '" data-item="' + it.id + '">' +
      '<div class="kw-card__head"><h' + (opts.big ? '1' : '2') + ' class="kw-card__title">' + esc(it.name) + '</h' + (opts.big ? '1' : '2') + '>' +
      (it.badge ? '<span class="kw-badge">' + esc(it.badge) + '</span>' : '') + '</div>' +
      '<p class="kw-card__claim">' + esc(it.claim) + '</p>' + promo + old + priceHtml(it.price, it.period) +
      (it.minTerm ? '<p class="kw-card__term">' + esc(it.minTerm) + '</p>' : '') +
      '<ul class="kw-card__hl">' + it.highlights.map(function (h) { return '<li>' + esc(h) + '</li>'; }).join('') + '</ul>' +
      '<button class="kw-acc" data-acc aria-expanded="false" aria-controls="' + id + '">Leistungen &amp; Details</button>' +
      '<div class="kw-acc__panel" id="' + id + '" hidden><ul>' + it.details.map(function (d) { return '<li>' + esc(d) + '</li>'; }).join('') + '</ul></div>' +
      (opts.big ? '<a class="kw-btn kw-btn--cta" href="/anmeldung/?tarif=' + it.id + '&src=app">Jetzt abschließen</a>'
        : '<a class="kw-btn kw-btn--ghost" href="' + base + it.id + '/">Mehr erfahren</a>') +
      '</article>';
  }
  function mini(it, base) {
    return '<a class="kw-mini" href="' + base + it.id + '/"><span class="kw-mini__name">' + esc(it.name) + '</span>' +
      '<span class="kw-mini__price">' + eur(it.price) + ' <small>' + it.period + '</small></span></a>';
  }
  function productTile(p, ship) {
    return '<article class="kw-prod"><a href="/m/shop/' + p.id + '/"><img src="' + p.img + '" alt="" width="120" height="120"></a>' +
      '<h2 class="kw-prod__name"><a href="/m/shop/' + p.id + '/">' + esc(p.name) + '</a></h2>' + priceHtml(p.price) +
      '<button class="kw-btn kw-btn--small" data-buy="' + p.id + '">In den Warenkorb</button></article>';
  }
  function shipBanner(s) {
    return '<div class="kw-ship">Gratis Versand ab ' + eur(s.freeFrom) + ' – sonst ' + eur(s.shipping ? s.shipping.fee : s.fee) + ' · Abholung im Studio gratis</div>';
  }

  /* ---------- routes ---------- */
  var routes = {
    start: function () {
      Promise.all([get('tarife'), get('extras')]).then(function (r) {
        var t = r[0].items, x = r[1].items;
        var drinks = x.filter(function (i) { return i.id === 'drinks-flat'; })[0];
        layout('start',
          '<section class="kw-hero"><h1>Willkommen bei Kraftwerk Fitness</h1><p>7 Studios in Österreich · täglich 6–23 Uhr · Schnuppertraining gratis</p></section>' +
          (drinks && drinks.promo ? '<a class="kw-banner" href="/m/extras/drinks-flat/"><strong>' + esc(drinks.promo.text) + '</strong> Drinks-Flat – gültig bis ' + dateAT(drinks.promo.validUntil) + '</a>' : '') +
          '<h2 class="kw-h2">Unsere Tarife</h2><div class="kw-scroller">' + t.map(function (i) { return mini(i, '/m/tarife/'); }).join('') + '</div>' +
          '<h2 class="kw-h2">Extras</h2><div class="kw-scroller">' + x.map(function (i) { return mini(i, '/m/extras/'); }).join('') + '</div>' +
          '<a class="kw-btn kw-btn--ghost kw-btn--block" href="/m/studios/">Studio in deiner Nähe finden</a>');
      });
    },
    tarife: function () {
      get('tarife').then(function (d) {
        layout('tarife', '<h1 class="kw-h1">Tarife</h1><p class="kw-sub">Wähle die Mitgliedschaft, die zu dir passt.</p>' +
          d.items.map(function (i) { return card(i, '/m/tarife/'); }).join(''));
      });
    },
    tarif: function () {
      get('tarife').then(function (d) {
        var it = d.items.filter(function (i) { return i.id === itemId; })[0];
        var others = d.items.filter(function (i) { return i.id !== itemId; });
        layout('tarife', '<nav class="kw-crumb"><a href="/m/tarife/">‹ Alle Tarife</a></nav>' + card(it, '/m/tarife/', { big: true }) +
          '<h2 class="kw-h2">Andere Tarife</h2><div class="kw-scroller">' + others.map(function (i) { return mini(i, '/m/tarife/'); }).join('') + '</div>');
      });
    },
    extras: function () {
      get('extras').then(function (d) {
        layout('tarife', '<h1 class="kw-h1">Extras</h1>' + d.items.map(function (i) { return card(i, '/m/extras/'); }).join(''));
      });
    },
    extra: function () {
      get('extras').then(function (d) {
        var it = d.items.filter(function (i) { return i.id === itemId; })[0];
        var others = d.items.filter(function (i) { return i.id !== itemId; });
        layout('tarife', '<nav class="kw-crumb"><a href="/m/extras/">‹ Alle Extras</a></nav>' + card(it, '/m/extras/', { big: true }) +
          '<h2 class="kw-h2">Auch interessant</h2><div class="kw-scroller">' + others.map(function (i) { return mini(i, '/m/extras/'); }).join('') + '</div>');
      });
    },
    shop: function () {
      get('shop').then(function (d) {
        layout('shop', shipBanner({ freeFrom: d.shipping.freeFrom, fee: d.shipping.fee }) + '<h1 class="kw-h1">Shop</h1><div class="kw-prods">' +
          d.items.map(function (p) { return productTile(p); }).join('') + '</div>' +
          '<div class="kw-basket" data-basket>Warenkorb: <span data-basket-n>0</span> Artikel · <span data-basket-sum>€ 0,00</span></div>');
        basket(d);
      });
    },
    produkt: function () {
      get('shop').then(function (d) {
        var p = d.items.filter(function (i) { return i.id === itemId; })[0];
        var others = d.items.filter(function (i) { return i.id !== itemId; });
        layout('shop', shipBanner({ freeFrom: d.shipping.freeFrom, fee: d.shipping.fee }) +
          '<nav class="kw-crumb"><a href="/m/shop/">‹ Shop</a></nav>' +
          '<article class="kw-pdp"><img src="' + p.img + '" alt="' + esc(p.name) + '" width="260" height="260">' +
          '<h1 class="kw-h1">' + esc(p.name) + '</h1>' + priceHtml(p.price) +
          '<p class="kw-vat">inkl. 20 % USt., zzgl. Versand' + (p.unitPrice ? ' · Grundpreis ' + p.unitPrice : '') + '</p>' +
          '<p>' + esc(p.text) + '</p>' +
          '<button class="kw-btn kw-btn--cta" data-buy="' + p.id + '">In den Warenkorb</button>' +
          '<p class="kw-vat">Versand innerhalb Österreichs ' + eur(d.shipping.fee) + ', ab ' + eur(d.shipping.freeFrom) + ' gratis.</p></article>' +
          '<h2 class="kw-h2">Passt dazu</h2><div class="kw-scroller">' + others.map(function (o) {
            return '<a class="kw-mini" href="/m/shop/' + o.id + '/"><span class="kw-mini__name">' + esc(o.name) + '</span><span class="kw-mini__price">' + eur(o.price) + '</span></a>';
          }).join('') + '</div>' +
          '<div class="kw-basket" data-basket>Warenkorb: <span data-basket-n>0</span> Artikel · <span data-basket-sum>€ 0,00</span></div>');
        basket(d);
      });
    },
    studios: function () {
      get('studios').then(function (d) {
        layout('studios', '<h1 class="kw-h1">Studios</h1><input class="kw-input" type="search" placeholder="PLZ oder Ort" data-studio-q>' +
          d.items.map(function (s) {
            return '<article class="kw-studio" data-studio="' + (s.city + ' ' + s.plz + ' ' + s.name).toLowerCase() + '"><h2>' + esc(s.name) + '</h2>' +
              '<p>' + esc(s.street) + ', ' + s.plz + ' ' + esc(s.city) + '<br>' + esc(s.hours) + '</p>' +
              '<a class="kw-btn kw-btn--small" href="tel:' + s.tel.replace(/[^+\d]/g, '') + '">Anrufen</a></article>';
          }).join(''));
      });
    },
    info: function () {
      get('info').then(function (d) {
        layout('info', '<h1 class="kw-h1">Hilfe &amp; Impressum</h1>' + d.faq.map(function (f, i) {
          return '<div class="kw-faq"><button class="kw-acc" data-acc aria-expanded="false" aria-controls="faq-' + i + '">' + esc(f.q) + '</button>' +
            '<div class="kw-acc__panel" id="faq-' + i + '" hidden><p>' + esc(f.a) + '</p></div></div>';
        }).join('') + '<section class="kw-imprint" id="impressum"><h2>Impressum</h2><p>' + esc(d.imprint) + '</p><p>' + esc(d.priceNote) + '</p></section>' +
          '<section class="kw-imprint" id="datenschutz"><h2>Datenschutz</h2><p>Infos zur Datenverarbeitung findest du in der Datenschutzerklärung auf unserer Website.</p></section>');
      });
    }
  };

  function basket(d) {
    var k = 'kwm_basket';
    function load() { try { return JSON.parse(localStorage.getItem(k)) || {}; } catch (e) { return {}; } }
    function paint() {
      var b = load(), n = 0, s = 0;
      d.items.forEach(function (p) { if (b[p.id]) { n += b[p.id]; s += b[p.id] * p.price; } });
      var nEl = app.querySelector('[data-basket-n]'), sEl = app.querySelector('[data-basket-sum]');
      if (nEl) nEl.textContent = n;
      if (sEl) sEl.textContent = eur(s);
    }
    app.querySelectorAll('[data-buy]').forEach(function (b) {
      b.addEventListener('click', function () {
        var cur = load();
        var id = b.getAttribute('data-buy');
        cur[id] = (cur[id] || 0) + 1;
        try { localStorage.setItem(k, JSON.stringify(cur)); } catch (e) {}
        paint();
      });
    });
    paint();
  }

  (routes[route] || routes.start)();
})();
