/*! brightwire-web 4.18.2 | (c) Brightwire Ltd */
(function () {
  "use strict";
  var S = window.__BW_STATE__ || {};
  var LS_BASKET = "bw_basket_v2", LS_CONSENT = "bw_cookie_consent";

  function $(s, r) { return (r || document).querySelector(s); }
  function $$(s, r) { return Array.prototype.slice.call((r || document).querySelectorAll(s)); }
  function gbp(n) { return "\u00a3" + Number(n).toFixed(2); }
  function gbpShort(n) { return Math.round(n * 100) % 100 === 0 ? "\u00a3" + Math.round(n) : gbp(n); }
  function el(tag, cls, html) { var e = document.createElement(tag); if (cls) e.className = cls; if (html != null) e.innerHTML = html; return e; }

  function priceHtml(n, suffix) {
    var s = Number(n).toFixed(2).split(".");
    var h = '<span class="price inline-flex items-start leading-none"><span class="text-3xl font-extrabold tracking-tight">\u00a3' + s[0] + '</span>';
    if (s[1] !== "00") h += '<sup class="text-base font-bold mt-1">.' + s[1] + '</sup>';
    return h + '</span><span class="text-sm text-slate-600 ml-1">' + (suffix || " a month") + '</span>';
  }

  /* ---------- promo ribbon ---------- */
  function ribbon() {
    var root = $("[data-ribbon]"); if (!root) return;
    var slides = $$(".ribbon-slide", root), i = 0, t;
    function show(n) {
      slides[i].classList.remove("is-active"); slides[i].classList.add("hidden");
      i = (n + slides.length) % slides.length;
      slides[i].classList.add("is-active"); slides[i].classList.remove("hidden");
    }
    function auto() { clearInterval(t); t = setInterval(function () { show(i + 1); }, 6000); }
    $("[data-ribbon-prev]", root).addEventListener("click", function () { show(i - 1); auto(); });
    $("[data-ribbon-next]", root).addEventListener("click", function () { show(i + 1); auto(); });
    auto();
  }

  /* ---------- basket ---------- */
  function readBasket() { try { return JSON.parse(localStorage.getItem(LS_BASKET)) || []; } catch (e) { return []; } }
  function writeBasket(b) { try { localStorage.setItem(LS_BASKET, JSON.stringify(b)); } catch (e) {} }
  function renderBasket() {
    var b = readBasket(), total = 0;
    b.forEach(function (x) { total += x.price; });
    $$("[data-basket-count]").forEach(function (e) { e.textContent = String(b.length); });
    $$("[data-basket-total]").forEach(function (e) { e.textContent = gbp(total) + " a month"; });
  }
  function basket() {
    renderBasket();
    $$("[data-add-to-basket]").forEach(function (btn) {
      btn.addEventListener("click", function () {
        var b = readBasket(), sku = btn.getAttribute("data-add-to-basket");
        if (!b.some(function (x) { return x.sku === sku; })) b.push({ sku: sku, price: parseFloat(btn.getAttribute("data-price")) });
        writeBasket(b); renderBasket();
        btn.textContent = "Added to your basket";
      });
    });
    var mb = $("[data-mini-basket]");
    if (mb) mb.addEventListener("click", function () {
      var d = $("#basket-drawer");
      if (d) { d.remove(); return; }
      var b = readBasket();
      d = el("div", "basket-drawer fixed right-6 top-20 z-50 w-80 rounded-2xl border border-slate-200 bg-white p-5 shadow-xl text-sm");
      d.id = "basket-drawer";
      d.innerHTML = b.length ? b.map(function (x) { return '<div class="flex justify-between py-1"><span>' + x.sku + '</span><span>' + gbp(x.price) + '</span></div>'; }).join("") :
        '<p class="text-slate-600">Your basket is empty.</p>';
      d.innerHTML += '<p class="mt-3 text-xs text-slate-500">Free delivery on accessories when you spend \u00a330 or more.</p>';
      document.body.appendChild(d);
    });
  }

  /* ---------- "Popular with other customers" ---------- */
  function related() {
    var row = $("#popular-row"); if (!row || !S.related) return;
    row.innerHTML = "";
    S.related.forEach(function (c) {
      var card = el("article", "tile flex flex-col rounded-2xl border border-slate-200 bg-white p-5 shadow-sm");
      var h = '<h3 class="text-lg font-bold text-ink">' + c.name + '</h3>';
      if (c.promo) {
        h += '<div class="mt-3">' + priceHtml(c.promo.price) + '</div><p class="text-xs text-slate-600 mt-1">for ' + c.promo.months + ' months, then ' + gbpShort(c.price) + ' a month</p>';
      } else {
        h += '<div class="mt-3 flex items-end gap-2">' + priceHtml(c.price);
        if (c.was) h += '<span class="text-xs text-slate-500 mb-1">Was <s>' + gbp(c.was) + '</s></span>';
        h += '</div>';
      }
      h += '<a class="btn-secondary mt-4 text-center" href="' + c.href + '">See deal</a>';
      card.innerHTML = h;
      row.appendChild(card);
    });
  }

  /* ---------- postcode checker ---------- */
  function postcode() {
    $$("[data-postcode-check]").forEach(function (f) {
      f.addEventListener("submit", function (ev) {
        ev.preventDefault();
        var v = (f.postcode.value || "").trim().toUpperCase(), out = $("[data-postcode-result]", f);
        if (!/^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$/.test(v)) { out.textContent = "Please enter a full UK postcode."; return; }
        out.textContent = "Good news \u2013 this plan is available at " + v + ".";
      });
    });
  }

  /* ---------- cookie consent ---------- */
  function consent() {
    var saved = null; try { saved = localStorage.getItem(LS_CONSENT); } catch (e) {}
    if (saved) return;
    var b = el("div", "cookie-banner fixed inset-x-0 bottom-0 z-50 border-t border-slate-200 bg-white shadow-2xl");
    b.setAttribute("role", "dialog"); b.setAttribute("aria-label", "Cookie preferences");
    b.innerHTML = '<div class="mx-auto max-w-7xl px-6 py-5 flex items-center gap-8">' +
      '<div class="text-sm text-slate-700"><p class="font-bold text-ink">We value your privacy</p>' +
      '<p class="mt-1">We use cookies to make our website work, to understand how you use it and to show you relevant Brightwire adverts on other sites. Choose &ldquo;Accept all cookies&rdquo; to allow all of them, or &ldquo;Reject non-essential&rdquo; to use only the ones we need. <a class="underline" href="/legal/">Cookie policy</a></p></div>' +
      '<div class="flex shrink-0 gap-3"><button type="button" class="btn-secondary" data-c="settings">Cookie settings</button>' +
      '<button type="button" class="btn-secondary" data-c="reject">Reject non-essential</button>' +
      '<button type="button" class="btn-primary" data-c="accept">Accept all cookies</button></div></div>';
    document.body.appendChild(b);
    $$("[data-c]", b).forEach(function (btn) {
      btn.addEventListener("click", function () {
        var c = btn.getAttribute("data-c");
        if (c === "settings") { btn.textContent = "Settings saved as essential only"; c = "reject"; }
        try { localStorage.setItem(LS_CONSENT, JSON.stringify({ v: 3, choice: c, t: Date.now() })); } catch (e) {}
        b.remove();
      });
    });
  }

  function live() {
    var l = $("[data-login]");
    if (l) l.addEventListener("click", function () { alert("My Brightwire is available in the Brightwire app."); });
  }

  function boot() { ribbon(); basket(); related(); postcode(); consent(); live(); document.documentElement.setAttribute("data-hydrated", "true"); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", boot); else boot();
})();
