/**
 * Valokaista theme behaviours (Drupal.behaviors-style, no jQuery).
 */
(function () {
  'use strict';

  /* Cookie consent */
  var CONSENT_KEY = 'vk_cookie_consent';
  var banner = document.getElementById('cookie-consent');
  function readConsent() { try { return localStorage.getItem(CONSENT_KEY); } catch (e) { return null; } }
  function saveConsent(v) { try { localStorage.setItem(CONSENT_KEY, v); } catch (e) {} }
  if (banner) {
    if (!readConsent()) { banner.hidden = false; }
    banner.addEventListener('click', function (ev) {
      var b = ev.target.closest('[data-consent]');
      if (!b) { return; }
      saveConsent(b.getAttribute('data-consent'));
      banner.hidden = true;
    });
  }
  document.addEventListener('click', function (ev) {
    var s = ev.target.closest('[data-cookie-settings]');
    if (s && banner) { ev.preventDefault(); banner.hidden = false; }
  });

  /* Promo bar close */
  var promo = document.querySelector('.promo-bar__close');
  if (promo) {
    promo.addEventListener('click', function () { promo.closest('.promo-bar').remove(); });
  }

  /* Accordions */
  document.querySelectorAll('[data-accordion] .accordion__toggle').forEach(function (btn) {
    btn.addEventListener('click', function () {
      var panel = document.getElementById(btn.getAttribute('aria-controls'));
      var open = btn.getAttribute('aria-expanded') === 'true';
      btn.setAttribute('aria-expanded', open ? 'false' : 'true');
      panel.hidden = open;
    });
  });

  /* Hero carousel */
  var track = document.querySelector('[data-hero]');
  if (track) {
    var slides = track.children;
    var dots = document.querySelector('.hero__dots');
    var current = 0;
    var go = function (i) {
      current = (i + slides.length) % slides.length;
      track.style.transform = 'translateX(' + (-100 * current) + '%)';
      Array.prototype.forEach.call(dots.children, function (d, j) { d.setAttribute('aria-selected', j === current ? 'true' : 'false'); });
    };
    for (var i = 0; i < slides.length; i++) {
      var d = document.createElement('button');
      d.type = 'button';
      d.setAttribute('role', 'tab');
      d.setAttribute('aria-label', 'Dia ' + (i + 1));
      d.addEventListener('click', go.bind(null, i));
      dots.appendChild(d);
    }
    go(0);
    setInterval(function () { go(current + 1); }, 6000);
  }

  /* Related products carousel arrows */
  document.querySelectorAll('.karuselli').forEach(function (k) {
    var t = k.querySelector('[data-carousel]');
    var prev = k.querySelector('.karuselli__prev');
    var next = k.querySelector('.karuselli__next');
    if (prev) { prev.addEventListener('click', function () { t.scrollBy({left: -300, behavior: 'smooth'}); }); }
    if (next) { next.addEventListener('click', function () { t.scrollBy({left: 300, behavior: 'smooth'}); }); }
  });

  /* Mini cart (session cart kept in localStorage by commerce_cart_api shim) */
  function cart() { try { return JSON.parse(localStorage.getItem('vk_cart') || '[]'); } catch (e) { return []; } }
  function renderCart() {
    var c = cart();
    var count = document.querySelector('[data-minicart-count]');
    var total = document.querySelector('[data-minicart-total]');
    if (!count || !total) { return; }
    var sum = c.reduce(function (a, it) { return a + (it.hinta || 0); }, 0);
    count.textContent = String(c.length);
    total.textContent = sum.toFixed(2).replace('.', ',') + ' \u20ac';
  }
  renderCart();

  /* Chat launcher – opens Zendesk widget when consent is given */
  document.addEventListener('click', function (ev) {
    if (ev.target.closest('#launcher, [data-open-chat]')) {
      if (window.zE) { window.zE('webWidget', 'open'); }
    }
  });
})();
