/*! FunkHaus storefront bundle – build 2026-11-18 */
(function () {
  'use strict';

  // --- cookie permission --------------------------------------------------
  var COOKIE = 'cookie-preference';
  function hasCookie(name) {
    return document.cookie.split(';').some(function (c) { return c.trim().indexOf(name + '=') === 0; });
  }
  function setCookie(name, value) {
    var d = new Date(); d.setTime(d.getTime() + 30 * 24 * 3600 * 1000);
    document.cookie = name + '=' + value + ';expires=' + d.toUTCString() + ';path=/;SameSite=Lax';
  }
  var banner = document.querySelector('[data-cookie-permission]');
  if (banner) {
    if (hasCookie(COOKIE)) { banner.classList.add('is-hidden'); }
    banner.addEventListener('click', function (ev) {
      var t = ev.target;
      if (t.classList.contains('js-cookie-accept-all')) { setCookie(COOKIE, 'all'); banner.classList.add('is-hidden'); }
      if (t.classList.contains('js-cookie-deny')) { setCookie(COOKIE, '1'); banner.classList.add('is-hidden'); }
    });
  }
  document.querySelectorAll('[data-cookie-configure]').forEach(function (a) {
    a.addEventListener('click', function (ev) { ev.preventDefault(); if (banner) banner.classList.remove('is-hidden'); });
  });

  // --- mini cart (hover) --------------------------------------------------
  var cart = document.querySelector('.header-cart');
  var mini = document.getElementById('mini-cart');
  if (cart && mini) {
    cart.addEventListener('mouseenter', function () { mini.hidden = false; });
    cart.addEventListener('mouseleave', function () { mini.hidden = true; });
  }

  // --- product slider -----------------------------------------------------
  document.querySelectorAll('[data-product-slider]').forEach(function (slider) {
    var track = slider.querySelector('.product-slider-container');
    var prev = slider.querySelector('.product-slider-controls-prev');
    var next = slider.querySelector('.product-slider-controls-next');
    function step() { return track.clientWidth / 2; }
    if (prev) prev.addEventListener('click', function () { track.scrollLeft -= step(); });
    if (next) next.addEventListener('click', function () { track.scrollLeft += step(); });
  });

  // --- hero slider --------------------------------------------------------
  document.querySelectorAll('[data-hero-slider]').forEach(function (hero) {
    var slides = hero.querySelectorAll('.hero-slide');
    var dots = hero.querySelectorAll('.hero-dots button');
    var i = 0;
    function show(n) {
      slides[i].classList.remove('active'); dots[i].classList.remove('active');
      i = (n + slides.length) % slides.length;
      slides[i].classList.add('active'); dots[i].classList.add('active');
    }
    dots.forEach(function (d, n) { d.addEventListener('click', function () { show(n); }); });
    setInterval(function () { show(i + 1); }, 6000);
  });

  // --- accordions ---------------------------------------------------------
  document.querySelectorAll('[data-accordion] .accordion-button').forEach(function (btn) {
    btn.addEventListener('click', function () {
      var panel = btn.nextElementSibling;
      var open = btn.getAttribute('aria-expanded') === 'true';
      btn.setAttribute('aria-expanded', open ? 'false' : 'true');
      btn.classList.toggle('collapsed', open);
      panel.hidden = open;
    });
  });

  // --- campaign countdown -------------------------------------------------
  document.querySelectorAll('[data-countdown]').forEach(function (el) {
    var end = new Date(el.getAttribute('data-countdown'));
    function tick() {
      var ms = end - new Date();
      if (ms <= 0) { el.textContent = ''; return; }
      var d = Math.floor(ms / 864e5), h = Math.floor(ms % 864e5 / 36e5);
      el.textContent = 'Noch ' + d + ' Tage und ' + h + ' Stunden.';
    }
    tick(); setInterval(tick, 60000);
  });
})();
