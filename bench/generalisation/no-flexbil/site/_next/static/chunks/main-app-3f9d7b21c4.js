/* FlexBil web – main-app chunk (simplified, non-minified for debugging) */
(function () {
  "use strict";
  var nf = new Intl.NumberFormat("nb-NO", { maximumFractionDigits: 0 });
  function kr(n) { return nf.format(n); }
  var FREE_SHIPPING_FROM = 1500, SHIPPING = 99;

  /* ---------- cookie consent ---------- */
  function initConsent() {
    var banner = document.getElementById("cookie-banner");
    if (!banner) return;
    var stored = null;
    try { stored = window.localStorage.getItem("fb_consent_v3"); } catch (e) {}
    if (stored) banner.hidden = true;
    banner.addEventListener("click", function (ev) {
      var btn = ev.target.closest("[data-consent]");
      if (!btn) return;
      var choice = btn.getAttribute("data-consent");
      if (choice === "settings") { window.location.href = "/personvern/#informasjonskapsler"; return; }
      try { window.localStorage.setItem("fb_consent_v3", JSON.stringify({ choice: choice, ts: Date.now() })); } catch (e) {}
      banner.hidden = true;
    });
    document.querySelectorAll("[data-open-consent]").forEach(function (b) {
      b.addEventListener("click", function () { banner.hidden = false; });
    });
  }

  /* ---------- accordions ---------- */
  function initAccordions() {
    document.querySelectorAll(".accordion__trigger").forEach(function (btn) {
      btn.addEventListener("click", function () {
        var open = btn.getAttribute("aria-expanded") === "true";
        btn.setAttribute("aria-expanded", String(!open));
        var panel = document.getElementById(btn.getAttribute("aria-controls"));
        if (panel) panel.hidden = open;
      });
    });
  }

  /* ---------- km / binding configurator ---------- */
  function initConfigurator() {
    var form = document.querySelector("[data-configurator]");
    if (!form) return;
    var base = parseInt(form.getAttribute("data-base"), 10);
    var campaign = form.hasAttribute("data-campaign") ? parseInt(form.getAttribute("data-campaign"), 10) : null;
    var showExcl = form.getAttribute("data-show-excl") === "true";
    function update() {
      var delta = 0;
      form.querySelectorAll("input[type=radio]:checked").forEach(function (r) { delta += parseInt(r.getAttribute("data-delta") || "0", 10); });
      document.querySelectorAll("[data-price-output]").forEach(function (el) { el.textContent = kr(base + delta); });
      if (campaign !== null) document.querySelectorAll("[data-campaign-output]").forEach(function (el) { el.textContent = kr(campaign + delta); });
      if (showExcl) document.querySelectorAll("[data-price-excl]").forEach(function (el) { el.textContent = kr(Math.round((base + delta) / 1.25)); });
      var params = new URLSearchParams();
      form.querySelectorAll("input[type=radio]:checked").forEach(function (r) { params.set(r.name, r.value); });
      document.querySelectorAll('a[href^="/bestill/"]').forEach(function (a) {
        var u = new URL(a.href, window.location.origin);
        params.forEach(function (v, k) { u.searchParams.set(k, v); });
        a.href = u.pathname + u.search;
      });
    }
    form.addEventListener("change", update);
  }

  /* ---------- cart ---------- */
  function readCart() { try { return JSON.parse(window.localStorage.getItem("fb_cart") || "[]"); } catch (e) { return []; } }
  function writeCart(c) { try { window.localStorage.setItem("fb_cart", JSON.stringify(c)); } catch (e) {} }
  function renderCart() {
    var cart = readCart();
    var count = 0, total = 0;
    cart.forEach(function (l) { count += l.qty; total += l.qty * l.price; });
    document.querySelectorAll("[data-cart-count]").forEach(function (el) { el.textContent = String(count); });
    document.querySelectorAll("[data-cart-total]").forEach(function (el) { el.textContent = kr(total) + " kr"; });
    document.querySelectorAll("[data-cart-items]").forEach(function (ul) {
      if (!cart.length) { ul.innerHTML = '<li class="mini-cart__empty">Handlekurven din er tom.</li>'; return; }
      ul.innerHTML = cart.map(function (l) { return "<li><span>" + l.qty + " × " + l.name + "</span><span>" + kr(l.qty * l.price) + " kr</span></li>"; }).join("");
    });
    document.querySelectorAll("[data-cart-freeship]").forEach(function (el) {
      if (total === 0) el.textContent = "Fri frakt ved kjøp over " + kr(FREE_SHIPPING_FROM) + " kr";
      else if (total >= FREE_SHIPPING_FROM) el.textContent = "Du har fri frakt!";
      else el.textContent = "Handle for " + kr(FREE_SHIPPING_FROM - total) + " kr til for fri frakt (frakt " + SHIPPING + " kr)";
    });
    var page = document.querySelector("[data-cart-page]");
    if (page && cart.length) {
      var shipping = total >= FREE_SHIPPING_FROM ? 0 : SHIPPING;
      page.innerHTML = '<table class="compare"><tbody>' + cart.map(function (l) { return "<tr><td>" + l.name + "</td><td>" + l.qty + "</td><td>" + kr(l.qty * l.price) + " kr</td></tr>"; }).join("") +
        "<tr><td>Frakt</td><td></td><td>" + kr(shipping) + " kr</td></tr><tr><th>Totalt inkl. mva.</th><td></td><th>" + kr(total + shipping) + " kr</th></tr></tbody></table>";
    }
  }
  function initCart() {
    var toggle = document.querySelector(".mini-cart__toggle");
    var panel = document.getElementById("mini-cart-panel");
    if (toggle && panel) toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") === "true";
      toggle.setAttribute("aria-expanded", String(!open)); panel.hidden = open;
    });
    document.addEventListener("click", function (ev) {
      var b = ev.target.closest("[data-add-to-cart]");
      if (!b) return;
      ev.preventDefault();
      var item = JSON.parse(b.getAttribute("data-add-to-cart"));
      var cart = readCart(), line = cart.filter(function (l) { return l.sku === item.sku; })[0];
      if (line) line.qty += 1; else cart.push({ sku: item.sku, name: item.name, price: item.price, qty: 1 });
      writeCart(cart); renderCart();
      b.textContent = "Lagt i handlekurven ✓";
    });
    renderCart();
  }

  /* ---------- carousels ---------- */
  function initCarousels() {
    document.querySelectorAll(".carousel").forEach(function (c) {
      var track = c.querySelector("[data-carousel-track]");
      var prev = c.querySelector("[data-carousel-prev]"), next = c.querySelector("[data-carousel-next]");
      if (prev) prev.addEventListener("click", function () { track.scrollBy({ left: -320, behavior: "smooth" }); });
      if (next) next.addEventListener("click", function () { track.scrollBy({ left: 320, behavior: "smooth" }); });
    });
  }

  function boot() { initConsent(); initAccordions(); initConfigurator(); initCart(); initCarousels(); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", boot); else boot();
})();
