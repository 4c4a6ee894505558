/* Voltéa 2025 – scripts du thème (v3.4.1) */
(function () {
  'use strict';

  /* ---------- Bandeau cookies (CMP maison) ---------- */
  var CMP_KEY = 'voltea_cmp_v2';
  function cmpInit() {
    var banner = document.getElementById('cmp-banner');
    if (!banner) return;
    var saved = null;
    try { saved = window.localStorage.getItem(CMP_KEY); } catch (e) {}
    if (!saved) { banner.hidden = false; }
    banner.addEventListener('click', function (ev) {
      var t = ev.target.closest('[data-cmp]');
      if (!t) return;
      var choice = t.getAttribute('data-cmp');
      if (choice === 'custom') {
        var p = document.getElementById('cmp-purposes');
        if (p) p.hidden = !p.hidden;
        return;
      }
      try { window.localStorage.setItem(CMP_KEY, JSON.stringify({ choice: choice, date: new Date().toISOString() })); } catch (e) {}
      banner.hidden = true;
    });
  }

  /* ---------- Accordéons FAQ ---------- */
  function accordionInit() {
    var buttons = document.querySelectorAll('.accordion-item > button[aria-controls]');
    Array.prototype.forEach.call(buttons, function (btn) {
      btn.addEventListener('click', function () {
        var open = btn.getAttribute('aria-expanded') === 'true';
        var panel = document.getElementById(btn.getAttribute('aria-controls'));
        btn.setAttribute('aria-expanded', open ? 'false' : 'true');
        if (panel) panel.hidden = open;
      });
    });
  }

  /* ---------- Carrousels ---------- */
  function carouselInit() {
    var carousels = document.querySelectorAll('.carousel');
    Array.prototype.forEach.call(carousels, function (c) {
      var track = c.querySelector('.carousel-track');
      var prev = c.querySelector('.carousel-btn.prev');
      var next = c.querySelector('.carousel-btn.next');
      if (!track) return;
      if (prev) prev.addEventListener('click', function () { track.scrollBy({ left: -290, behavior: 'smooth' }); });
      if (next) next.addEventListener('click', function () { track.scrollBy({ left: 290, behavior: 'smooth' }); });
    });
  }

  /* ---------- Onglets WooCommerce ---------- */
  function tabsInit() {
    var tabs = document.querySelectorAll('.woocommerce-tabs .tabs a');
    Array.prototype.forEach.call(tabs, function (a) {
      a.addEventListener('click', function (ev) {
        ev.preventDefault();
        var target = a.getAttribute('href').slice(1);
        Array.prototype.forEach.call(document.querySelectorAll('.woocommerce-Tabs-panel'), function (p) {
          p.hidden = p.id !== target;
        });
        Array.prototype.forEach.call(tabs, function (o) { o.parentNode.classList.toggle('active', o === a); });
      });
    });
  }

  /* ---------- Variations produit (prix affiché) ---------- */
  function variationsInit() {
    var form = document.querySelector('form.variations_form');
    if (!form) return;
    var data = [];
    try { data = JSON.parse(form.getAttribute('data-product_variations')) || []; } catch (e) {}
    var select = form.querySelector('select');
    var out = form.querySelector('.woocommerce-variation-price');
    function render() {
      var v = data.filter(function (d) { return d.attributes.attribute_pa_conditionnement === select.value; })[0];
      if (v && out) { out.innerHTML = v.price_html; }
    }
    if (select) { select.addEventListener('change', render); render(); }
  }

  document.addEventListener('DOMContentLoaded', function () {
    cmpInit(); accordionInit(); carouselInit(); tabsInit(); variationsInit();
  });
})();
