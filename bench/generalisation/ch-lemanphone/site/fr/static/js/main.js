/* LémanPhone storefront – main.js (bundle app_lemanphone 26.10.2) */
(function () {
  'use strict';

  // --- Consentement cookies -------------------------------------------------
  var CONSENT_KEY = 'lp_consent_v3';
  function initConsent() {
    var el = document.querySelector('.consent-tracking');
    if (!el) { return; }
    var saved = null;
    try { saved = window.localStorage.getItem(CONSENT_KEY); } catch (e) { saved = null; }
    if (saved) { return; }
    el.classList.remove('d-none');
    el.addEventListener('click', function (ev) {
      var btn = ev.target.closest('[data-consent]');
      if (!btn) { return; }
      try { window.localStorage.setItem(CONSENT_KEY, btn.getAttribute('data-consent')); } catch (e) { /* navigation privée */ }
      el.classList.add('d-none');
    });
  }

  // --- Bandeau promo --------------------------------------------------------
  function initBanner() {
    var banner = document.querySelector('.header-banner');
    if (!banner) { return; }
    var close = banner.querySelector('.close-button');
    if (close) {
      close.addEventListener('click', function () { banner.classList.add('d-none'); });
    }
  }

  // --- Accordéons -----------------------------------------------------------
  function initCollapsibles() {
    document.querySelectorAll('.collapsible .title').forEach(function (btn) {
      btn.addEventListener('click', function () {
        var panel = document.getElementById(btn.getAttribute('aria-controls'));
        var open = btn.getAttribute('aria-expanded') === 'true';
        btn.setAttribute('aria-expanded', open ? 'false' : 'true');
        if (panel) { panel.hidden = open; }
      });
    });
  }

  // --- Carrousels "Vous aimerez aussi" -------------------------------------
  function initCarousels() {
    document.querySelectorAll('.carousel').forEach(function (car) {
      var inner = car.querySelector('.carousel-inner');
      var step = function (dir) {
        var item = inner.querySelector('.carousel-item');
        var w = item ? item.getBoundingClientRect().width + 18 : 280;
        inner.scrollLeft += dir * w;
      };
      var prev = car.querySelector('.carousel-control.prev');
      var next = car.querySelector('.carousel-control.next');
      if (prev) { prev.addEventListener('click', function () { step(-1); }); }
      if (next) { next.addEventListener('click', function () { step(1); }); }
    });
  }

  // --- Hero de la page d'accueil -------------------------------------------
  function initHero() {
    var hero = document.querySelector('.hero');
    if (!hero) { return; }
    var slides = hero.querySelectorAll('.slide');
    var dots = hero.querySelectorAll('.dots button');
    var i = 0;
    function show(n) {
      slides.forEach(function (s, k) { s.classList.toggle('active', k === n); });
      dots.forEach(function (d, k) { d.classList.toggle('active', k === n); });
      i = n;
    }
    dots.forEach(function (d, k) { d.addEventListener('click', function () { show(k); }); });
    window.setInterval(function () { show((i + 1) % slides.length); }, 6000);
  }

  // --- Ajout au panier (démo : la commande passe par le tunnel /fr/panier) --
  function initAddToCart() {
    document.querySelectorAll('.add-to-cart').forEach(function (btn) {
      btn.addEventListener('click', function () {
        var qty = document.querySelector('.minicart-quantity');
        if (qty) { qty.textContent = String(parseInt(qty.textContent, 10) + 1); }
        btn.textContent = 'Ajouté au panier ✓';
      });
    });
  }

  document.addEventListener('DOMContentLoaded', function () {
    initConsent();
    initBanner();
    initCollapsibles();
    initCarousels();
    initHero();
    initAddToCart();
  });
}());
