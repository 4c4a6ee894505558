/*! valokaista-mobile 2.14.0 | (c) Valokaista Oy */
(function () {
  'use strict';

  var API = '/m/api/tarjoukset.json';
  var app = document.getElementById('app');
  var DATA = null;

  function esc(s) {
    return String(s).replace(/[&<>"]/g, function (c) { return {'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;'}[c]; });
  }
  function fmt(n) { return n.toFixed(2).replace('.', ','); }
  function fmtDate(iso) { var p = iso.split('-'); return parseInt(p[2], 10) + '.' + parseInt(p[1], 10) + '.' + p[0]; }
  function priceHtml(n, unit) {
    var s = fmt(n).split(',');
    return '<div class="price"><span class="e">' + s[0] + '</span><span class="c">,' + s[1] + '</span>' +
      '<span class="u">' + unit + '</span></div>';
  }
  function unitOf(t) { return t.yksikko === 'kk' ? '€/kk' : '€'; }
  function byId(id) { return DATA.tuotteet.filter(function (t) { return t.id === id; })[0]; }

  function priceBlock(t) {
    var h = '';
    if (t.kampanja) {
      h += priceHtml(t.kampanja.hinta, unitOf(t));
      h += '<div class="camp">' + esc(t.kampanja.teksti) + ', sen jälkeen ' + fmt(t.hinta) + ' €/kk' +
        '<small>Kampanja voimassa ' + fmtDate(t.kampanja.voimassa) + ' asti</small></div>';
    } else {
      h += priceHtml(t.hinta, unitOf(t));
      if (t.normihinta) { h += '<div class="was">norm. <s>' + fmt(t.normihinta) + ' ' + unitOf(t) + '</s></div>'; }
    }
    if (t.osamaksu) {
      h += '<div class="inst">tai <b>' + fmt(t.osamaksu.era) + ' €/kk</b> × ' + t.osamaksu.kk + ' kk (yht. ' + fmt(t.osamaksu.yhteensa) + ' €)</div>';
    }
    return h;
  }

  function tile(t) {
    var feats = t.ominaisuudet.map(function (f) { return '<li>' + esc(f) + '</li>'; }).join('');
    return '<article class="tile" data-id="' + t.id + '">' +
      (t.merkki ? '<span class="tile__badge">' + esc(t.merkki) + '</span>' : '') +
      '<div class="tile__top"><img src="/m/static/img/' + t.kuva + '" alt=""><div>' +
      '<h3 class="tile__name">' + esc(t.nimi) + '</h3><p class="tile__desc">' + esc(t.kuvaus) + '</p></div></div>' +
      priceBlock(t) +
      '<ul class="feat">' + feats + '</ul>' +
      (t.pienella ? '<p class="fine">' + esc(t.pienella) + '</p>' : '') +
      '<div class="tile__actions"><a class="btn" href="/m/tuote/' + t.id + '/">Katso tarjous</a>' +
      '<button type="button" class="btn btn--fill" data-buy="' + t.id + '">Tilaa</button></div>' +
      '</article>';
  }

  function home() {
    var slides = DATA.nostot.map(function (n) {
      return '<div class="hero__slide" style="background:' + n.tausta + '"><h2>' + esc(n.otsikko) + '</h2><p>' +
        esc(n.teksti) + '</p><a href="/m/tuote/' + n.tuote + '/">Katso tarjous</a></div>';
    }).join('');
    var dots = DATA.nostot.map(function (n, i) { return '<i class="' + (i === 0 ? 'on' : '') + '"></i>'; }).join('');
    var cats = DATA.kategoriat.map(function (c) {
      return '<a class="cat" href="' + c.polku + '"><b>' + esc(c.nimi) + '</b>' +
        (c.alkaen ? '<span>alk. ' + fmt(c.alkaen) + ' e/kk</span>' : '<span>Katso valikoima</span>') + '</a>';
    }).join('');
    var pop = DATA.suositut.map(function (id) { return tile(byId(id)); }).join('');
    document.title = 'Valokaista – liittymät ja kotinetti';
    return '<section class="hero"><div class="hero__track" data-hero>' + slides + '</div><div class="hero__dots">' + dots + '</div></section>' +
      '<section class="section"><div class="cats">' + cats + '</div></section>' +
      '<section class="section"><h2>Suosituimmat</h2><div class="tiles">' + pop + '</div></section>';
  }

  function category(id) {
    var c = DATA.kategoriat.filter(function (k) { return k.id === id; })[0];
    if (!c) { return notFound(); }
    var list = DATA.tuotteet.filter(function (t) { return t.kategoria === id; }).map(tile).join('');
    document.title = c.nimi + ' – Valokaista';
    return '<div class="crumbs"><a href="/m/">Etusivu</a> / ' + esc(c.nimi) + '</div>' +
      '<section class="section"><h1>' + esc(c.nimi) + '</h1><div class="tiles">' + list + '</div></section>';
  }

  function detail(id) {
    var t = byId(id);
    if (!t) { return notFound(); }
    var c = DATA.kategoriat.filter(function (k) { return k.id === t.kategoria; })[0];
    var feats = t.ominaisuudet.map(function (f) { return '<li>' + esc(f) + '</li>'; }).join('');
    var others = DATA.tuotteet.filter(function (o) { return o.id !== t.id; });
    var same = others.filter(function (o) { return o.kategoria === t.kategoria; });
    var rest = others.filter(function (o) { return o.kategoria !== t.kategoria; });
    var rel = same.concat(rest).slice(0, 3).map(function (o) {
      var p = o.kampanja ? fmt(o.kampanja.hinta) : fmt(o.hinta);
      return '<a class="mini" href="/m/tuote/' + o.id + '/"><b>' + esc(o.nimi) + '</b><span>' + p + ' ' + unitOf(o) + '</span></a>';
    }).join('');
    document.title = t.nimi + ' – Valokaista';
    return '<div class="crumbs"><a href="/m/">Etusivu</a> / <a href="' + c.polku + '">' + esc(c.nimi) + '</a> / ' + esc(t.nimi) + '</div>' +
      '<article class="detail" data-id="' + t.id + '">' +
      (t.merkki ? '<span class="tile__badge">' + esc(t.merkki) + '</span>' : '') +
      '<h1>' + esc(t.nimi) + '</h1><p class="tile__desc">' + esc(t.kuvaus) + '</p>' +
      priceBlock(t) +
      '<ul class="feat">' + feats + '</ul>' +
      (t.pienella ? '<p class="fine">' + esc(t.pienella) + '</p>' : '') +
      '<div class="tile__actions"><button type="button" class="btn btn--fill" data-buy="' + t.id + '">Tilaa</button></div>' +
      '</article>' +
      '<section class="section"><h2>Muut katsoivat myös</h2><div class="minis">' + rel + '</div></section>';
  }

  function notFound() {
    document.title = 'Sivua ei löytynyt – Valokaista';
    return '<section class="section"><h1>Sivua ei löytynyt</h1><p><a href="/m/">Etusivulle</a></p></section>';
  }

  function route() {
    var p = location.pathname.replace(/index\.html$/, '');
    var m;
    if (p === '/m/' || p === '/m') { return home(); }
    if ((m = p.match(/^\/m\/(liittymat|netti|laitteet|lisapalvelut)\/?$/))) { return category(m[1]); }
    if ((m = p.match(/^\/m\/tuote\/([a-z0-9-]+)\/?$/))) { return detail(m[1]); }
    return notFound();
  }

  function render() {
    app.innerHTML = route();
    window.scrollTo(0, 0);
    startHero();
  }

  var heroTimer = null;
  function startHero() {
    if (heroTimer) { clearInterval(heroTimer); heroTimer = null; }
    var tr = document.querySelector('[data-hero]');
    if (!tr) { return; }
    var i = 0, n = tr.children.length, dots = document.querySelectorAll('.hero__dots i');
    heroTimer = setInterval(function () {
      i = (i + 1) % n;
      tr.style.transform = 'translateX(' + (-100 * i) + '%)';
      for (var k = 0; k < dots.length; k++) { dots[k].className = k === i ? 'on' : ''; }
    }, 5000);
  }

  /* cart */
  function getCart() { try { return JSON.parse(localStorage.getItem('vkm_cart') || '[]'); } catch (e) { return []; } }
  function setCart(c) { try { localStorage.setItem('vkm_cart', JSON.stringify(c)); } catch (e) {} }
  function renderCart() {
    var c = getCart();
    var sum = c.reduce(function (a, x) { return a + x.h; }, 0);
    var el = document.querySelector('[data-cart]');
    if (el) { el.innerHTML = '<b>' + c.length + '</b> ' + fmt(sum) + ' €'; }
  }
  function toast(msg) {
    var d = document.createElement('div');
    d.className = 'toast';
    d.textContent = msg;
    document.body.appendChild(d);
    setTimeout(function () { d.remove(); }, 2500);
  }

  document.addEventListener('click', function (ev) {
    var buy = ev.target.closest('[data-buy]');
    if (buy) {
      var t = byId(buy.getAttribute('data-buy'));
      var c = getCart();
      c.push({id: t.id, h: t.yksikko === 'kerta' ? t.hinta : 0});
      setCart(c);
      renderCart();
      toast(t.nimi + ' lisätty ostoskoriin');
      return;
    }
    var a = ev.target.closest('a[href^="/m/"]');
    if (a && !a.hasAttribute('download') && !ev.metaKey && !ev.ctrlKey) {
      ev.preventDefault();
      history.pushState({}, '', a.getAttribute('href'));
      closeDrawer();
      render();
    }
    if (ev.target.closest('[data-menu]')) { openDrawer(); }
    if (ev.target.classList && ev.target.classList.contains('drawer')) { closeDrawer(); }
  });
  window.addEventListener('popstate', render);

  function openDrawer() { document.getElementById('drawer').hidden = false; }
  function closeDrawer() { var d = document.getElementById('drawer'); if (d) { d.hidden = true; } }

  /* consent */
  function consent() {
    var k = 'vkm_consent';
    var v = null;
    try { v = localStorage.getItem(k); } catch (e) {}
    if (v) { return; }
    var box = document.createElement('div');
    box.className = 'consent';
    box.setAttribute('role', 'dialog');
    box.setAttribute('aria-modal', 'true');
    box.setAttribute('aria-labelledby', 'consent-title');
    box.innerHTML = '<div class="consent__box"><h2 id="consent-title">Evästeet</h2>' +
      '<p>Käytämme evästeitä, jotta sivusto toimii, voimme kehittää palveluamme ja näyttää sinulle kiinnostavaa sisältöä. ' +
      'Hyväksymällä kaikki sallit myös analytiikka- ja markkinointievästeet.</p>' +
      '<button type="button" class="btn btn--fill" data-c="all">Hyväksy kaikki</button>' +
      '<button type="button" class="btn" data-c="necessary">Vain välttämättömät</button></div>';
    document.body.appendChild(box);
    box.addEventListener('click', function (ev) {
      var b = ev.target.closest('[data-c]');
      if (!b) { return; }
      try { localStorage.setItem(k, b.getAttribute('data-c')); } catch (e) {}
      box.remove();
    });
  }

  fetch(API, {credentials: 'same-origin'})
    .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
    .then(function (d) { DATA = d; render(); renderCart(); consent(); })
    .catch(function () {
      app.innerHTML = '<section class="section"><h1>Hups!</h1><p>Tarjousten lataaminen epäonnistui. Yritä hetken päästä uudelleen.</p></section>';
    });
})();
