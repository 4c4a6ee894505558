/**
 * Fjellnett theme scripts
 * - accordions, product tabs, related-products carousel
 * - Complianz banner show/hide (fallback when the plugin script is deferred)
 * - mini cart badge (local, synced with WooCommerce fragments when available)
 */
(function () {
	'use strict';

	function qsa(sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); }

	/* ---------- accordions ---------- */
	qsa('.fn-accordion__toggle').forEach(function (btn) {
		btn.addEventListener('click', function () {
			var panel = document.getElementById(btn.getAttribute('aria-controls'));
			var open = btn.getAttribute('aria-expanded') === 'true';
			btn.setAttribute('aria-expanded', open ? 'false' : 'true');
			if (panel) { panel.hidden = open; }
		});
	});

	/* ---------- woocommerce tabs ---------- */
	qsa('.wc-tabs li a').forEach(function (a) {
		a.addEventListener('click', function (e) {
			e.preventDefault();
			var target = a.getAttribute('href');
			qsa('.wc-tabs li').forEach(function (li) { li.classList.remove('active'); });
			a.parentNode.classList.add('active');
			qsa('.woocommerce-Tabs-panel').forEach(function (p) { p.style.display = ('#' + p.id === target) ? '' : 'none'; });
		});
	});

	/* ---------- carousel ---------- */
	qsa('[data-fn-carousel]').forEach(function (c) {
		var list = c.querySelector('ul.products');
		var prev = c.querySelector('.fn-carousel__prev');
		var next = c.querySelector('.fn-carousel__next');
		function step() { return list.clientWidth / 2; }
		if (prev) { prev.addEventListener('click', function () { list.scrollLeft -= step(); }); }
		if (next) { next.addEventListener('click', function () { list.scrollLeft += step(); }); }
	});

	/* ---------- mobile menu ---------- */
	qsa('.menu-toggle').forEach(function (t) {
		t.addEventListener('click', function () {
			var nav = document.querySelector('.main-navigation ul.menu');
			var open = t.getAttribute('aria-expanded') === 'true';
			t.setAttribute('aria-expanded', open ? 'false' : 'true');
			if (nav) { nav.style.display = open ? '' : 'block'; }
		});
	});

	/* ---------- cookie banner (Complianz) ---------- */
	var banner = document.querySelector('.cmplz-cookiebanner');
	var KEY = 'cmplz_banner-status';
	function getStatus() { try { return window.localStorage.getItem(KEY); } catch (e) { return null; } }
	function setStatus(v) { try { window.localStorage.setItem(KEY, v); } catch (e) {} }
	if (banner) {
		if (getStatus() !== 'dismissed') { banner.classList.remove('cmplz-hidden'); }
		qsa('.cmplz-accept, .cmplz-deny, .cmplz-save-preferences, .cmplz-close', banner).forEach(function (b) {
			b.addEventListener('click', function () {
				setStatus('dismissed');
				banner.classList.add('cmplz-hidden');
				document.body.classList.remove('cmplz-banner-active');
			});
		});
		qsa('.cmplz-view-preferences, .cmplz-manage-options', banner).forEach(function (b) {
			b.addEventListener('click', function (e) { e.preventDefault(); banner.classList.add('cmplz-categories-visible'); });
		});
		qsa('.cmplz-show-banner').forEach(function (l) {
			l.addEventListener('click', function (e) { e.preventDefault(); banner.classList.remove('cmplz-hidden'); });
		});
	}

	/* ---------- mini cart ---------- */
	var CART = 'fn_cart_v2';
	function fmt(n) {
		var s = Math.round(n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
		return s + ',00';
	}
	function readCart() { try { return JSON.parse(window.localStorage.getItem(CART)) || []; } catch (e) { return []; } }
	function writeCart(c) { try { window.localStorage.setItem(CART, JSON.stringify(c)); } catch (e) {} }
	function renderCart() {
		var c = readCart();
		var total = 0, count = 0;
		c.forEach(function (i) { total += i.price * i.qty; count += i.qty; });
		qsa('.cart-contents').forEach(function (a) {
			var bdi = a.querySelector('bdi');
			if (bdi) { bdi.innerHTML = '<span class="woocommerce-Price-currencySymbol">kr</span>&nbsp;' + fmt(total); }
			var cnt = a.querySelector('.count');
			if (cnt) { cnt.textContent = count + (count === 1 ? ' produkt' : ' produkter'); }
		});
	}
	qsa('form.cart').forEach(function (f) {
		f.addEventListener('submit', function (e) {
			e.preventDefault();
			var btn = f.querySelector('.single_add_to_cart_button');
			var qty = parseInt((f.querySelector('.qty') || {}).value || '1', 10);
			var c = readCart();
			c.push({ id: btn.value, price: parseFloat(btn.getAttribute('data-price')), qty: qty });
			writeCart(c);
			renderCart();
			btn.classList.add('added');
		});
	});
	renderCart();
})();
