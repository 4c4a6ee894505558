/* Vågnät web 4.12.3 */
(function () {
  'use strict';
  var CONSENT = 'vn_consent';
  var CART = 'vn_cart_desktop';
  var FREE_SHIPPING = 499;

  function ls(k, v) {
    try {
      if (v === undefined) return window.localStorage.getItem(k);
      window.localStorage.setItem(k, v);
    } catch (e) { return null; }
  }

  /* cookie banner */
  var banner = document.querySelector('.js-cookie-banner');
  function closeBanner(v) {
    ls(CONSENT, v);
    document.cookie = 'vn_consent=' + v + '; path=/; max-age=31536000; SameSite=Lax';
    if (banner) banner.hidden = true;
  }
  if (banner && !ls(CONSENT)) banner.hidden = false;
  if (banner) {
    banner.querySelector('.js-cookie-accept').addEventListener('click', function () { closeBanner('all'); });
    banner.querySelector('.js-cookie-necessary').addEventListener('click', function () { closeBanner('necessary'); });
    banner.querySelector('.js-cookie-customize').addEventListener('click', function () { window.location.href = '/integritet/cookies/'; });
  }

  /* accordions */
  Array.prototype.forEach.call(document.querySelectorAll('.js-accordion'), function (btn) {
    btn.addEventListener('click', function () {
      var open = btn.getAttribute('aria-expanded') === 'true';
      var panel = document.getElementById(btn.getAttribute('aria-controls'));
      btn.setAttribute('aria-expanded', String(!open));
      if (panel) panel.hidden = open;
      btn.closest('.accordion__item').classList.toggle('accordion__item--open', !open);
    });
  });

  /* carousel */
  Array.prototype.forEach.call(document.querySelectorAll('.related'), function (sec) {
    var c = sec.querySelector('.js-carousel');
    var prev = sec.querySelector('.js-carousel-prev');
    var next = sec.querySelector('.js-carousel-next');
    if (!c) return;
    if (prev) prev.addEventListener('click', function () { c.scrollLeft -= 280; });
    if (next) next.addEventListener('click', function () { c.scrollLeft += 280; });
  });

  /* mini cart */
  function getCart() { try { return JSON.parse(ls(CART)) || []; } catch (e) { return []; } }
  function fmt(n) { return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, '\u00a0'); }
  function renderCart() {
    var items = getCart();
    var monthly = 0, today = 0;
    var list = document.querySelector('.js-mini-cart-items');
    if (!list) return;
    list.innerHTML = '';
    items.forEach(function (it) {
      monthly += it.monthly; today += it.today;
      var li = document.createElement('li');
      li.className = 'mini-cart__item';
      li.textContent = it.name + ' – ' + fmt(it.monthly) + ' kr/mån';
      list.appendChild(li);
    });
    document.querySelector('.js-mini-cart-count').textContent = items.length;
    document.querySelector('.js-mini-cart-empty').hidden = items.length > 0;
    document.querySelector('.js-mini-cart-monthly').textContent = fmt(monthly) + ' kr/mån';
    document.querySelector('.js-mini-cart-today').textContent = fmt(today) + ' kr';
    var left = Math.max(0, FREE_SHIPPING - today);
    var ship = document.querySelector('.js-mini-cart-shipping');
    ship.querySelector('.progress__bar').style.width = Math.min(100, Math.round(today / FREE_SHIPPING * 100)) + '%';
    ship.querySelector('.mini-cart__shipping-text').textContent = left > 0 ?
      'Handla för ' + fmt(left) + ' kr till så får du fri frakt.' : 'Du har fri frakt!';
  }
  var toggle = document.querySelector('.js-mini-cart-toggle');
  if (toggle) toggle.addEventListener('click', function () {
    var panel = document.getElementById('mini-cart-panel');
    var open = toggle.getAttribute('aria-expanded') === 'true';
    toggle.setAttribute('aria-expanded', String(!open));
    panel.hidden = open;
  });
  Array.prototype.forEach.call(document.querySelectorAll('.js-add-to-cart'), function (b) {
    b.addEventListener('click', function () {
      var items = getCart();
      items.push({ sku: b.dataset.sku, name: b.dataset.name, monthly: +b.dataset.monthly, today: +b.dataset.today });
      ls(CART, JSON.stringify(items));
      renderCart();
      b.textContent = 'Tillagd i varukorgen';
    });
  });
  renderCart();
})();
