/*! vagnat-mweb 2.7.1 | (c) Vågnät AB */
(function () {
  'use strict';

  var CONSENT_KEY = 'vn_consent_v2';
  var CART_KEY = 'vn_cart';
  var MONTHS = ['jan', 'feb', 'mars', 'april', 'maj', 'juni', 'juli', 'aug', 'sep', 'okt', 'nov', 'dec'];

  function $(sel, ctx) { return (ctx || document).querySelector(sel); }
  function $$(sel, ctx) { return Array.prototype.slice.call((ctx || document).querySelectorAll(sel)); }

  function esc(s) {
    return String(s).replace(/[&<>"]/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c];
    });
  }

  function num(n) {
    return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, '\u00a0');
  }

  function datum(iso) {
    var p = iso.split('-');
    return parseInt(p[2], 10) + ' ' + MONTHS[parseInt(p[1], 10) - 1] + ' ' + p[0];
  }

  function readState() {
    var el = document.getElementById('vn-state');
    if (!el) return null;
    try { return JSON.parse(el.textContent); } catch (e) { return null; }
  }

  /* ---------- consent ---------- */
  function getConsent() {
    try { return window.localStorage.getItem(CONSENT_KEY); } catch (e) { return null; }
  }
  function setConsent(v) {
    try { window.localStorage.setItem(CONSENT_KEY, v); } catch (e) {}
    document.cookie = 'vn_consent=' + v + '; path=/; max-age=31536000; SameSite=Lax';
  }

  /* ---------- cart ---------- */
  function cart() {
    try { return JSON.parse(window.localStorage.getItem(CART_KEY)) || []; } catch (e) { return []; }
  }
  function updateBadge() {
    var b = $('[data-cart-count]');
    if (b) b.textContent = cart().length;
  }

  /* ---------- templates ---------- */
  function facts(o) {
    var f = (o.fakta || []).slice();
    if (typeof o.bindningstidManader === 'number') {
      f.push(o.bindningstidManader === 0 ? 'Ingen bindningstid' : 'Bindningstid ' + o.bindningstidManader + ' mån');
    }
    if (typeof o.startavgift === 'number') f.push('Startavgift ' + num(o.startavgift) + ' kr');
    if (typeof o.frakt === 'number') f.push(o.frakt === 0 ? 'Fri frakt' : 'Frakt ' + num(o.frakt) + ' kr');
    return f;
  }

  function price(o, cls) {
    var p = o.pris, k = o.kampanj, h = '';
    if (k) {
      h += '<span class="' + cls + '__camp">' + esc(k.namn) + '</span>';
      h += '<div class="' + cls + '__price"><span class="' + cls + '__amount">' + num(k.manad) + '</span><span class="' + cls + '__suffix">:-/mån</span></div>';
      h += '<p class="' + cls + '__note">i ' + k.antalManader + ' mån, sedan ' + num(p.manad) + ':-/mån. Gäller t.o.m. ' + datum(k.tom) + '.</p>';
      return h;
    }
    if (p.tidigare) h += '<del class="' + cls + '__was">' + num(p.tidigare) + ':-</del>';
    h += '<div class="' + cls + '__price"><span class="' + cls + '__amount">' + num(p.manad) + '</span><span class="' + cls + '__suffix">:-/mån</span></div>';
    if (p.antalManader) h += '<p class="' + cls + '__note">i ' + p.antalManader + ' mån · totalt ' + num(p.totalt) + ' kr</p>';
    return h;
  }

  function tile(o) {
    var f = facts(o).slice(0, 4).map(function (x) { return '<li>' + esc(x) + '</li>'; }).join('');
    return '<a class="tile tile--' + o.kategori + '" href="' + o.url + '" data-id="' + o.id + '">' +
      (o.etikett ? '<span class="tile__label">' + esc(o.etikett) + '</span>' : '') +
      '<h3 class="tile__title">' + esc(o.namn) + '</h3>' +
      '<ul class="tile__facts">' + f + '</ul>' +
      '<div class="tile__bottom">' + price(o, 'tile') + '<span class="tile__cta">Se erbjudandet</span></div>' +
      '</a>';
  }

  function renderStart(s) {
    return '<section class="m-hero"><h1 class="m-hero__title">' + esc(s.hero.rubrik) + '</h1>' +
      '<p class="m-hero__text">' + esc(s.hero.text) + '</p>' +
      '<a class="m-btn m-btn--primary" href="' + s.hero.url + '">' + esc(s.hero.knapp) + '</a></section>' +
      '<section class="m-cats">' + s.kategorier.map(function (c) {
        return '<a class="m-cat" href="' + c.url + '"><strong>' + esc(c.namn) + '</strong><span>' + esc(c.text) + '</span></a>';
      }).join('') + '</section>' +
      '<section class="m-section"><h2 class="m-section__title">Populärt just nu</h2><div class="tiles">' +
      s.utvalda.map(tile).join('') + '</div></section>';
  }

  function renderList(s) {
    return '<section class="m-section"><h1 class="m-section__h1">' + esc(s.rubrik) + '</h1>' +
      '<p class="m-section__intro">' + esc(s.ingress) + '</p>' +
      '<div class="tiles">' + s.erbjudanden.map(tile).join('') + '</div></section>';
  }

  function renderProduct(s) {
    var o = s.erbjudande;
    var f = facts(o).map(function (x) { return '<li>' + esc(x) + '</li>'; }).join('');
    return '<section class="pd" data-id="' + o.id + '">' +
      '<a class="m-back" href="' + s.kategori.url + '">&lsaquo; ' + esc(s.kategori.namn) + '</a>' +
      (o.etikett ? '<span class="pd__label">' + esc(o.etikett) + '</span>' : '') +
      '<h1 class="pd__title">' + esc(o.namn) + '</h1>' +
      (o.variant ? '<p class="pd__variant">' + esc(o.variant) + '</p>' : '') +
      '<div class="pd__pricebox">' + price(o, 'pd') + '</div>' +
      '<ul class="pd__facts">' + f + '</ul>' +
      '<button class="m-btn m-btn--primary m-btn--block" type="button" data-add="' + o.id + '">Välj erbjudandet</button>' +
      '<details class="pd__more"><summary>Mer information</summary><p>' + esc(o.info) + '</p></details>' +
      '</section>' +
      '<section class="m-section m-section--related"><h2 class="m-section__title">Andra tittade också</h2>' +
      '<div class="tiles tiles--scroll">' + s.relaterade.map(tile).join('') + '</div></section>';
  }

  function render() {
    var s = readState();
    var app = document.getElementById('app');
    if (!s || !app) return;
    var h = '';
    if (s.sida === 'start') h = renderStart(s);
    else if (s.sida === 'lista') h = renderList(s);
    else if (s.sida === 'produkt') h = renderProduct(s);
    app.innerHTML = h;
    app.removeAttribute('aria-busy');
    $$('[data-add]', app).forEach(function (b) {
      b.addEventListener('click', function () {
        var c = cart(); c.push(b.getAttribute('data-add'));
        try { window.localStorage.setItem(CART_KEY, JSON.stringify(c)); } catch (e) {}
        updateBadge();
        b.textContent = 'Tillagd i varukorgen ✓';
      });
    });
  }

  function openSheet() {
    var sheet = document.getElementById('consent-sheet');
    if (!sheet) return;
    sheet.hidden = false;
    document.body.classList.add('has-sheet');
    window.requestAnimationFrame(function () { sheet.classList.add('is-open'); });
    $$('[data-consent]', sheet).forEach(function (btn) {
      btn.addEventListener('click', function () {
        setConsent(btn.getAttribute('data-consent'));
        sheet.classList.remove('is-open');
        document.body.classList.remove('has-sheet');
        window.setTimeout(function () { sheet.hidden = true; }, 250);
        render();
      });
    });
  }

  function init() {
    updateBadge();
    var reset = $('[data-consent-reset]');
    if (reset) reset.addEventListener('click', function () {
      try { window.localStorage.removeItem(CONSENT_KEY); } catch (e) {}
      openSheet();
    });
    if (getConsent()) {
      render();
    } else {
      openSheet();
    }
    var menu = $('.m-top__menu');
    if (menu) menu.addEventListener('click', function () {
      var open = menu.getAttribute('aria-expanded') === 'true';
      menu.setAttribute('aria-expanded', String(!open));
      document.body.classList.toggle('menu-open', !open);
    });
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
