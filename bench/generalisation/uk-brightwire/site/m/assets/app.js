/* Brightwire mobile app v41 */
(function () {
  "use strict";
  var FEED = "/m/data/offers.json?v=41";
  var body = document.body, app = document.getElementById("app");
  var page = body.getAttribute("data-page");

  function esc(s) { return String(s).replace(/[&<>"]/g, function (c) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c]; }); }
  function price(n) {
    var p = Number(n).toFixed(2).split(".");
    return '<span class="mprice">\u00a3' + p[0] + (p[1] === "00" ? "" : "<span>." + p[1] + "</span>") + '</span><span class="per">/mo</span>';
  }
  function short(n) { var p = Number(n).toFixed(2); return "\u00a3" + (p.slice(-3) === ".00" ? p.slice(0, -3) : p); }
  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  function ukDate(iso) { var d = iso.split("-"); return parseInt(d[2], 10) + " " + MONTHS[parseInt(d[1], 10) - 1] + " " + d[0]; }

  function priceBlock(o) {
    var h = "";
    if (o.promo) {
      h += '<div class="price-row">' + price(o.promo.price) + '</div>';
      h += '<p class="then">for ' + o.promo.months + ' months, then ' + short(o.price) + '/mo</p>';
      h += '<p class="ends">Ends ' + ukDate(o.promo.ends) + '</p>';
    } else {
      h += '<div class="price-row">' + price(o.price);
      if (o.was) h += '<span class="was">Was <s>' + short(o.was) + '</s></span>';
      h += '</div>';
    }
    return h;
  }
  function flag(o) {
    if (o.promo) return '<span class="flag hot">' + esc(o.promo.label) + '</span>';
    if (o.flag) return '<span class="flag">' + esc(o.flag) + '</span>';
    return "";
  }
  function card(o, small) {
    return '<article class="card" data-offer="' + o.id + '">' + flag(o) + '<h3>' + esc(o.name) + '</h3><p class="sub">' + esc(o.sub) + '</p>' +
      priceBlock(o) + (small ? "" : '<ul class="chips">' + o.chips.map(function (c) { return "<li>" + esc(c) + "</li>"; }).join("") + '</ul>') +
      '<a class="cta' + (small ? " ghost" : "") + '" href="/m/deal/' + o.id + '/">View deal</a></article>';
  }

  function renderHome(d) {
    var h = "";
    d.promos.forEach(function (p) {
      h += '<a class="promo" href="' + p.href + '"><strong>' + esc(p.title) + '</strong>' + esc(p.text) + '<small>Ends ' + ukDate(p.ends) + '</small></a>';
    });
    h += '<div class="cats">' + d.categories.map(function (c) { return '<a href="' + c.href + '">' + esc(c.name) + '</a>'; }).join("") + '</div>';
    h += '<h2>Popular deals</h2>';
    ["full-fibre-300", "full-fibre-900", "tv-entertainment", "sim-5gb"].forEach(function (id) { h += card(find(d, id)); });
    app.innerHTML = h;
  }
  function renderList(d) {
    var cat = body.getAttribute("data-cat");
    var c = d.categories.filter(function (x) { return x.id === cat; })[0];
    var h = '<p class="crumb"><a href="/m/">&lsaquo; Home</a></p><h1>' + esc(c ? c.name : "") + '</h1>';
    d.offers.filter(function (o) { return o.cat === cat; }).forEach(function (o) { h += card(o); });
    app.innerHTML = h;
    document.title = (c ? c.name : "Deals") + " | Brightwire";
  }
  function renderDeal(d) {
    var o = find(d, body.getAttribute("data-offer"));
    if (!o) { app.innerHTML = '<div class="err">Sorry, this deal is no longer available.</div>'; return; }
    var c = d.categories.filter(function (x) { return x.id === o.cat; })[0];
    var h = '<p class="crumb"><a href="' + c.href + '">&lsaquo; ' + esc(c.name) + '</a></p>';
    h += '<section class="card">' + flag(o) + '<h1>' + esc(o.name) + '</h1><p class="sub">' + esc(o.sub) + '</p>' + priceBlock(o);
    h += '<ul class="chips">' + o.chips.map(function (x) { return "<li>" + esc(x) + "</li>"; }).join("") + '</ul>';
    h += '<button class="cta" type="button" data-buy="' + o.id + '">Get this deal</button></section>';
    h += '<section class="card"><h2 style="margin-top:0">What you get</h2><ul class="bul">' + o.bullets.map(function (b) { return "<li>" + esc(b) + "</li>"; }).join("") + '</ul></section>';
    h += '<section class="acc"><button class="acc-head" type="button" aria-expanded="false" aria-controls="terms-' + o.id + '">See full terms</button>' +
      '<div class="acc-body" id="terms-' + o.id + '" hidden>' + o.terms.map(function (t) { return "<p>" + esc(t) + "</p>"; }).join("") + '</div></section>';
    h += '<h2>You might also like</h2><div class="also">' + o.related.map(function (id) { return card(find(d, id), true); }).join("") + '</div>';
    app.innerHTML = h;
    document.title = o.name + " | Brightwire";
    var btn = app.querySelector(".acc-head");
    btn.addEventListener("click", function () {
      var open = btn.getAttribute("aria-expanded") === "true";
      btn.setAttribute("aria-expanded", open ? "false" : "true");
      document.getElementById(btn.getAttribute("aria-controls")).hidden = open;
    });
    app.querySelector("[data-buy]").addEventListener("click", function (e) {
      var n = parseInt(localStorage.getItem("bwm_basket") || "0", 10) + 1;
      localStorage.setItem("bwm_basket", String(n)); basketCount(); e.target.textContent = "Added \u2713";
    });
  }
  function find(d, id) { return d.offers.filter(function (o) { return o.id === id; })[0]; }

  function basketCount() { var b = document.querySelector(".topbar-basket b"); if (b) b.textContent = localStorage.getItem("bwm_basket") || "0"; }

  function menu() {
    var b = document.querySelector(".burger"), dr = document.getElementById("drawer");
    b.addEventListener("click", function () {
      var open = b.getAttribute("aria-expanded") === "true";
      b.setAttribute("aria-expanded", open ? "false" : "true"); dr.hidden = open;
    });
  }
  function cookies() {
    if (localStorage.getItem("bwm_cookies")) return;
    var s = document.createElement("div");
    s.className = "sheet"; s.setAttribute("role", "dialog"); s.setAttribute("aria-label", "Cookies");
    s.innerHTML = '<h2>Can we use cookies?</h2><p>We use essential cookies to make this site work. We\u2019d also like to set optional cookies to see how you use the site and to personalise adverts. Is that OK?</p>' +
      '<div class="row"><button type="button" data-k="no">No thanks</button><button type="button" class="yes" data-k="yes">Yes, that\u2019s fine</button></div>';
    document.body.appendChild(s);
    Array.prototype.forEach.call(s.querySelectorAll("button"), function (x) {
      x.addEventListener("click", function () { localStorage.setItem("bwm_cookies", x.getAttribute("data-k")); s.remove(); });
    });
  }
  function fullSite() {
    var a = document.querySelector("[data-fullsite]");
    if (a) a.addEventListener("click", function () { document.cookie = "bw_fullsite=1; path=/; max-age=2592000"; });
  }

  menu(); cookies(); basketCount(); fullSite();
  fetch(FEED, { credentials: "same-origin" })
    .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
    .then(function (d) {
      if (page === "home") renderHome(d); else if (page === "list") renderList(d); else if (page === "deal") renderDeal(d);
    })
    .catch(function () { app.innerHTML = '<div class="err">Sorry, we couldn\u2019t load our deals. Please try again.</div>'; });
})();
