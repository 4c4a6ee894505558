/* BrightLine 2025 theme — global.js + custom sections (countdown, cart drawer, FBT, privacy banner) */
(function () {
  'use strict';

  var MONEY_FORMAT = '${{amount}}';

  function formatMoney(cents, format) {
    var value = (Number(cents) / 100).toFixed(2);
    var parts = value.split('.');
    parts[0] = parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, ',');
    return (format || MONEY_FORMAT).replace('{{amount}}', parts.join('.'));
  }
  window.BL = window.BL || {};
  window.BL.formatMoney = formatMoney;

  /* ---------- countdown (announcement bar + promo sections) ---------- */
  function pad(n) { return (n < 10 ? '0' : '') + n; }
  function tickCountdowns() {
    var els = document.querySelectorAll('[data-countdown-end]');
    var now = Date.now();
    els.forEach(function (el) {
      var end = Date.parse(el.getAttribute('data-countdown-end'));
      var diff = Math.max(0, Math.floor((end - now) / 1000));
      var d = Math.floor(diff / 86400);
      var h = Math.floor((diff % 86400) / 3600);
      var m = Math.floor((diff % 3600) / 60);
      var s = diff % 60;
      el.textContent = d + 'd ' + pad(h) + 'h ' + pad(m) + 'm ' + pad(s) + 's';
    });
  }

  /* ---------- privacy banner ---------- */
  function initPrivacyBanner() {
    var banner = document.getElementById('shopify-pc__banner');
    if (!banner) return;
    var stored = null;
    try { stored = window.localStorage.getItem('_tracking_consent'); } catch (e) { stored = null; }
    if (!stored) banner.classList.add('is-visible');
    banner.addEventListener('click', function (evt) {
      var btn = evt.target.closest('button[data-consent]');
      if (!btn) return;
      try { window.localStorage.setItem('_tracking_consent', btn.getAttribute('data-consent')); } catch (e) {}
      banner.classList.remove('is-visible');
    });
  }

  /* ---------- cart drawer ---------- */
  var FREE_SHIPPING_THRESHOLD = 5000;

  function renderCart(cart) {
    var drawer = document.querySelector('cart-drawer');
    var bubble = document.querySelector('.cart-count-bubble');
    if (bubble) bubble.textContent = cart.item_count;
    if (!drawer) return;
    var contents = drawer.querySelector('.drawer__contents');
    var subtotal = drawer.querySelector('[data-cart-subtotal]');
    var shipping = drawer.querySelector('[data-cart-shipping]');
    if (subtotal) subtotal.textContent = formatMoney(cart.total_price) + ' USD';
    if (shipping) {
      var remaining = FREE_SHIPPING_THRESHOLD - cart.total_price;
      var pct = Math.min(100, Math.round(cart.total_price / FREE_SHIPPING_THRESHOLD * 100));
      shipping.innerHTML = (remaining > 0
        ? 'You\u2019re <strong>' + formatMoney(remaining) + '</strong> away from free shipping'
        : 'Nice! Your order ships free.') +
        '<div class="drawer__progress"><span style="width:' + pct + '%"></span></div>';
    }
    if (!contents) return;
    if (!cart.items.length) {
      contents.innerHTML = '<p class="cart-drawer__empty">Your cart is empty</p>' +
        '<a href="/collections/plans" class="button button--secondary button--full">Shop plans</a>';
      return;
    }
    contents.innerHTML = cart.items.map(function (item) {
      return '<div class="cart-item"><strong>' + item.product_title + '</strong> ' +
        (item.variant_title ? '<span>' + item.variant_title + '</span>' : '') +
        '<div>' + item.quantity + ' \u00d7 ' + formatMoney(item.final_price) + '</div></div>';
    }).join('');
  }

  function initCartDrawer() {
    var drawer = document.querySelector('cart-drawer');
    var icon = document.getElementById('cart-icon-bubble');
    fetch('/cart.js', { headers: { 'Accept': 'application/json' } })
      .then(function (r) { return r.json(); })
      .then(renderCart)
      .catch(function () { /* cart unavailable */ });
    if (icon && drawer) {
      icon.addEventListener('click', function (evt) {
        evt.preventDefault();
        drawer.classList.add('active');
      });
      drawer.addEventListener('click', function (evt) {
        if (evt.target.closest('.drawer__close') || evt.target.classList.contains('drawer__overlay')) {
          drawer.classList.remove('active');
        }
      });
    }
  }

  /* ---------- variant picker ---------- */
  function initVariantPicker() {
    var json = document.querySelector('script[type="application/json"][id^="ProductJson-"]');
    var picker = document.querySelector('variant-radios');
    if (!json || !picker) return;
    var product;
    try { product = JSON.parse(json.textContent); } catch (e) { return; }
    var perMonth = product.tags && product.tags.indexOf('billing:monthly') !== -1;
    picker.addEventListener('change', function () {
      var selected = Array.prototype.map.call(picker.querySelectorAll('input[type=radio]:checked'), function (i) { return i.value; });
      var variant = product.variants.filter(function (v) {
        return v.options.every(function (opt, idx) { return opt === selected[idx]; });
      })[0];
      if (!variant) return;
      var idInput = document.querySelector('form[action="/cart/add"] input[name="id"]');
      if (idInput) idInput.value = variant.id;
      var target = document.querySelector('[data-variant-price]');
      if (target && perMonth) {
        var dollars = Math.floor(variant.price / 100);
        var cents = variant.price % 100;
        target.innerHTML = '<sup>$</sup>' + dollars + (cents ? '<sup class="money__cents">' + (cents < 10 ? '0' : '') + cents + '</sup>' : '');
        var note = document.querySelector('[data-variant-note]');
        if (note) note.textContent = variant.option1 === 'With AutoPay' ? 'with AutoPay' : 'without AutoPay';
      }
      if (window.history && window.history.replaceState) {
        window.history.replaceState({}, '', window.location.pathname + '?variant=' + variant.id);
      }
    });
  }

  /* ---------- Frequently bought together (app block) ---------- */
  function fbtPrice(p) {
    var monthly = p.tags.indexOf('billing:monthly') !== -1;
    var financing = p.tags.filter(function (t) { return t.indexOf('financing:') === 0; })[0];
    if (financing) {
      var months = parseInt(financing.split(':')[1], 10);
      return formatMoney(Math.round(p.price / months)) + '/mo for ' + months + ' mos';
    }
    var html = '';
    if (p.compare_at_price && p.compare_at_price > p.price) html += '<s>' + formatMoney(p.compare_at_price) + '</s>';
    html += formatMoney(p.price) + (monthly ? '/mo' : '');
    return html;
  }

  function initFbt() {
    document.querySelectorAll('[data-fbt-handles]').forEach(function (section) {
      var root = section.querySelector('[data-fbt-root]');
      var handles = section.getAttribute('data-fbt-handles').split(',');
      var showTotal = section.hasAttribute('data-fbt-total');
      var current = section.getAttribute('data-fbt-current');
      var list = current ? [current].concat(handles) : handles;
      Promise.all(list.map(function (h) {
        return fetch('/products/' + h.trim() + '.js').then(function (r) { return r.json(); });
      })).then(function (products) {
        root.innerHTML = products.map(function (p, i) {
          return (i ? '<span class="fbt__plus" aria-hidden="true">+</span>' : '') +
            '<div class="fbt__item">' +
            '<input type="checkbox" checked aria-label="Select ' + p.title + '">' +
            '<img src="' + p.featured_image + '" alt="" loading="lazy">' +
            '<div><a class="fbt__item-title" href="' + p.url + '">' + (i === 0 && current ? 'This item: ' : '') + p.title + '</a>' +
            '<div class="fbt__item-price">' + fbtPrice(p) + '</div></div></div>';
        }).join('');
        if (showTotal) {
          var total = products.reduce(function (sum, p) { return sum + p.price; }, 0);
          var totalEl = section.querySelector('[data-fbt-total-price]');
          if (totalEl) totalEl.textContent = formatMoney(total);
        }
      }).catch(function () { root.innerHTML = ''; });
    });
  }

  document.addEventListener('DOMContentLoaded', function () {
    document.documentElement.classList.remove('no-js');
    tickCountdowns();
    setInterval(tickCountdowns, 1000);
    initPrivacyBanner();
    initCartDrawer();
    initVariantPicker();
    initFbt();
  });
})();
