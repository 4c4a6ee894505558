/* m.lemanphone – app.js v4.3.1 */
(function () {
  'use strict';

  var FEED = '/m/data/offres.json';
  var FREE_SHIPPING_FROM = 50;
  var SHIPPING_FEE = 7.9;

  function money(v) {
    var neg = v < 0;
    v = Math.abs(v);
    var whole = Math.floor(v + 1e-9);
    var cents = Math.round((v - whole) * 100);
    var w = String(whole).replace(/\B(?=(\d{3})+(?!\d))/g, '\u2019');
    return (neg ? '-' : '') + 'Fr. ' + w + '.' + (cents === 0 ? '\u2013' : (cents < 10 ? '0' : '') + cents);
  }

  function esc(s) {
    return String(s).replace(/[&<>"]/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c];
    });
  }

  function termText(o) {
    if (o.minTerm === 0) { return 'Sans engagement'; }
    return 'Durée minimale ' + o.minTerm + ' mois';
  }

  function card(o) {
    var h = '<a class="m-card" href="' + esc(o.url) + '" data-id="' + esc(o.id) + '">';
    h += '<div class="m-card__top"><div><div class="m-card__name">' + esc(o.name) + '</div>';
    h += '<div class="m-card__meta">' + esc(o.tagline) + '</div></div>';
    if (o.image) { h += '<img class="m-card__img" src="' + esc(o.image) + '" alt="">'; }
    h += '</div><div class="m-card__price">';
    if (o.was) { h += '<span class="m-card__was">' + money(o.was) + '</span>'; }
    h += money(o.price);
    if (o.period) { h += '<small>/' + esc(o.period) + '</small>'; }
    h += '</div>';
    if (o.flag) { h += '<span class="m-card__flag">' + esc(o.flag) + '</span>'; }
    h += '</a>';
    return h;
  }

  function priceTile(o) {
    var h = '';
    if (o.flag && o.type !== 'abo') { h += '<span class="m-card__flag">' + esc(o.flag) + '</span>'; }
    h += '<div class="m-card__price" style="font-size:30px">';
    if (o.was) { h += '<span class="m-card__was">au lieu de ' + money(o.was) + '</span><br>'; }
    h += money(o.price);
    if (o.period) { h += '<small>/' + esc(o.period) + '</small>'; }
    h += '</div>';
    if (o.promoText) { h += '<p class="m-card__fee" style="color:#b33f12;font-weight:700">' + esc(o.promoText) + '</p>'; }
    if (o.type === 'abo' || o.type === 'internet') {
      if (o.activationFee) { h += '<p class="m-card__fee">+ ' + money(o.activationFee) + ' frais d\u2019activation (unique)</p>'; }
      h += '<p class="m-card__fee">' + termText(o) + '</p>';
      h += '<button class="m-btn" type="button">Choisir cette offre</button>';
    } else {
      if (o.price >= FREE_SHIPPING_FROM) {
        h += '<p class="m-card__fee">Livraison gratuite · en stock</p>';
      } else {
        h += '<p class="m-card__fee">Livraison ' + money(SHIPPING_FEE) + ' (gratuite dès ' + money(FREE_SHIPPING_FROM) + ' d\u2019achat)</p>';
      }
      h += '<button class="m-btn" type="button">Ajouter au panier</button>';
    }
    return h;
  }

  function render(feed) {
    var byId = {};
    feed.offers.forEach(function (o) { byId[o.id] = o; });

    document.querySelectorAll('[data-tiles]').forEach(function (box) {
      var list;
      if (box.getAttribute('data-ids')) {
        list = box.getAttribute('data-ids').split(',').map(function (id) { return byId[id.trim()]; }).filter(Boolean);
      } else {
        var types = box.getAttribute('data-tiles').split(',');
        list = feed.offers.filter(function (o) { return types.indexOf(o.type) !== -1; });
      }
      box.innerHTML = list.map(card).join('');
    });

    document.querySelectorAll('[data-price-tile]').forEach(function (box) {
      var o = byId[box.getAttribute('data-price-tile')];
      if (o) { box.innerHTML = priceTile(o); }
    });
  }

  function loadFeed() {
    fetch(FEED, { credentials: 'same-origin' })
      .then(function (r) { return r.json(); })
      .then(render)
      .catch(function () {
        document.querySelectorAll('[data-price-tile],[data-tiles]').forEach(function (b) {
          b.innerHTML = '<p class="m-card__fee">Offres momentanément indisponibles. Veuillez réessayer.</p>';
        });
      });
  }

  function initDrawer() {
    var btn = document.querySelector('.m-burger');
    var drawer = document.querySelector('.m-drawer');
    if (!btn || !drawer) { return; }
    btn.addEventListener('click', function () { drawer.hidden = !drawer.hidden; });
    drawer.addEventListener('click', function (e) { if (e.target === drawer) { drawer.hidden = true; } });
  }

  function initAccordions() {
    document.querySelectorAll('.m-acc__head').forEach(function (h) {
      h.addEventListener('click', function () {
        var body = h.nextElementSibling;
        var open = h.getAttribute('aria-expanded') === 'true';
        h.setAttribute('aria-expanded', open ? 'false' : 'true');
        body.hidden = open;
      });
    });
  }

  function initConsent() {
    var sheet = document.querySelector('.m-sheet[data-consent]');
    if (!sheet) { return; }
    var v = null;
    try { v = localStorage.getItem('lp_m_consent'); } catch (e) { v = null; }
    if (v) { sheet.classList.add('hidden'); return; }
    sheet.addEventListener('click', function (e) {
      var b = e.target.closest('[data-choice]');
      if (!b) { return; }
      try { localStorage.setItem('lp_m_consent', b.getAttribute('data-choice')); } catch (err) { /* ignore */ }
      sheet.classList.add('hidden');
    });
  }

  document.addEventListener('DOMContentLoaded', function () {
    initDrawer();
    initAccordions();
    initConsent();
    window.setTimeout(loadFeed, 350);
  });
}());
