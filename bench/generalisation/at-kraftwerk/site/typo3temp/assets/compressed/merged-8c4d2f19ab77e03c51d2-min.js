/*! kw_sitepackage main.js – build 2026-10-30 */
(function(){
  'use strict';
  var fmt = function(v){ return '€ ' + v.toFixed(2).replace('.', ',').replace(/\B(?=(\d{3})+(?!\d))/g, '.'); };

  /* ---------- Cookie consent ---------- */
  var CONSENT_KEY = 'kw_cookie_consent_v3';
  var banner = document.getElementById('cookie-banner');
  function saveConsent(level){
    try { localStorage.setItem(CONSENT_KEY, JSON.stringify({level: level, ts: Date.now()})); } catch(e) {}
    if (banner) { banner.hidden = true; }
  }
  if (banner) {
    var stored = null;
    try { stored = localStorage.getItem(CONSENT_KEY); } catch(e) {}
    if (!stored) { banner.hidden = false; }
    banner.addEventListener('click', function(ev){
      var b = ev.target.closest('[data-consent]');
      if (!b) return;
      var v = b.getAttribute('data-consent');
      if (v === 'settings') {
        var o = banner.querySelector('.cookie-banner__options');
        o.hidden = !o.hidden;
        return;
      }
      saveConsent(v);
    });
  }
  document.querySelectorAll('[data-cookie-settings]').forEach(function(a){
    a.addEventListener('click', function(ev){ ev.preventDefault(); if (banner) banner.hidden = false; });
  });

  /* ---------- Accordions ---------- */
  document.querySelectorAll('.accordion__button').forEach(function(btn){
    btn.addEventListener('click', function(){
      var open = btn.getAttribute('aria-expanded') === 'true';
      btn.setAttribute('aria-expanded', open ? 'false' : 'true');
      var p = document.getElementById(btn.getAttribute('aria-controls'));
      if (p) p.hidden = open;
    });
  });

  /* ---------- Main nav toggle ---------- */
  var tgl = document.querySelector('.main-nav__toggle');
  if (tgl) tgl.addEventListener('click', function(){
    var l = document.getElementById('main-nav-list');
    var open = tgl.getAttribute('aria-expanded') === 'true';
    tgl.setAttribute('aria-expanded', open ? 'false' : 'true');
    l.style.display = open ? '' : 'block';
  });

  /* ---------- Slider ---------- */
  document.querySelectorAll('[data-slider]').forEach(function(s){
    var track = s.querySelector('.slider__track');
    var prev = s.querySelector('.slider__prev'), next = s.querySelector('.slider__next');
    if (prev) prev.addEventListener('click', function(){ track.scrollBy({left:-280, behavior:'smooth'}); });
    if (next) next.addEventListener('click', function(){ track.scrollBy({left:280, behavior:'smooth'}); });
  });

  /* ---------- Basket (localStorage, synced with shop API on checkout) ---------- */
  var BASKET_KEY = 'kw_basket';
  var SHIPPING_FEE = 4.90, FREE_FROM = 50.00;
  function load(){ try { return JSON.parse(localStorage.getItem(BASKET_KEY)) || []; } catch(e){ return []; } }
  function save(b){ try { localStorage.setItem(BASKET_KEY, JSON.stringify(b)); } catch(e){} }
  function totals(b){
    var sub = 0, count = 0, physical = false;
    b.forEach(function(i){ sub += i.price * i.qty; count += i.qty; if (!i.digital) physical = true; });
    var ship = (!physical || sub >= FREE_FROM || sub === 0) ? 0 : SHIPPING_FEE;
    return {sub: sub, count: count, ship: ship, total: sub + ship, physical: physical};
  }
  function renderMini(){
    var b = load(), t = totals(b);
    document.querySelectorAll('[data-basket-count]').forEach(function(e){ e.textContent = t.count; });
    document.querySelectorAll('[data-basket-total]').forEach(function(e){ e.textContent = fmt(t.sub); });
    var list = document.querySelector('[data-basket-items]');
    if (list) {
      list.innerHTML = b.map(function(i){ return '<li>' + i.qty + ' × ' + i.name + ' <span>' + fmt(i.price * i.qty) + '</span></li>'; }).join('');
      var empty = document.querySelector('.mini-basket__empty');
      if (empty) empty.hidden = b.length > 0;
    }
    var sh = document.querySelector('[data-basket-shipping]');
    if (sh && t.sub > 0) {
      sh.textContent = t.sub >= FREE_FROM ? 'Deine Bestellung wird versandkostenfrei geliefert.' :
        'Noch ' + fmt(FREE_FROM - t.sub) + ' bis zum Gratisversand.';
    }
  }
  function renderCart(){
    var c = document.getElementById('cart');
    if (!c) return;
    var b = load(), t = totals(b);
    var table = c.querySelector('[data-cart-table]');
    c.querySelector('[data-cart-empty]').hidden = b.length > 0;
    table.hidden = b.length === 0;
    c.querySelector('[data-cart-checkout]').hidden = b.length === 0;
    c.querySelector('[data-cart-rows]').innerHTML = b.map(function(i){
      return '<tr><td>' + i.name + '</td><td>' + i.qty + '</td><td>' + fmt(i.price) + '</td><td>' + fmt(i.price * i.qty) + '</td></tr>';
    }).join('');
    c.querySelector('[data-cart-subtotal]').textContent = fmt(t.sub);
    c.querySelector('[data-cart-shipping]').textContent = t.ship ? fmt(t.ship) : 'gratis';
    c.querySelector('[data-cart-total]').textContent = fmt(t.total);
    var free = c.querySelector('[data-cart-free]');
    free.textContent = t.sub >= FREE_FROM ? 'Gratisversand erreicht!' : 'Noch ' + fmt(FREE_FROM - t.sub) + ' bis zum Gratisversand.';
  }
  document.addEventListener('click', function(ev){
    var btn = ev.target.closest('[data-add-to-basket]');
    if (!btn) return;
    var qtyInput = document.getElementById('qty');
    var qty = qtyInput ? Math.max(1, parseInt(qtyInput.value, 10) || 1) : 1;
    var b = load(), sku = btn.getAttribute('data-sku');
    var ex = b.filter(function(i){ return i.sku === sku; })[0];
    if (ex) { ex.qty += qty; } else {
      b.push({sku: sku, name: btn.getAttribute('data-name'), price: parseFloat(btn.getAttribute('data-price')), qty: qty,
              digital: btn.hasAttribute('data-digital')});
    }
    save(b); renderMini(); renderCart();
    btn.textContent = '✓ Im Warenkorb';
  });
  renderMini(); renderCart();

  /* ---------- Studio finder ---------- */
  var q = document.querySelector('[data-studio-search]');
  if (q) q.addEventListener('input', function(){
    var v = q.value.trim().toLowerCase();
    document.querySelectorAll('[data-studio-list] > li').forEach(function(li){
      var hit = !v || li.getAttribute('data-city').indexOf(v) === 0 || li.getAttribute('data-plz').indexOf(v) === 0;
      li.hidden = !hit;
    });
  });
})();
