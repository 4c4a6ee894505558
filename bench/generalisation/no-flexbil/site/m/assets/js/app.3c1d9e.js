/* FlexBil app shell – v2.4.1 (c) FlexBil AS */
(function () {
  "use strict";
  var API = "/m/api/v2/catalog.json";
  var nf = new Intl.NumberFormat("nb-NO");
  function n(v) { return nf.format(v); }
  function mnd(v) { return n(v) + " kr/mnd"; }
  function esc(s) { return String(s == null ? "" : s).replace(/[&<>"]/g, function (c) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c]; }); }
  var app = document.getElementById("app");
  var page = document.body.getAttribute("data-page");
  var slug = document.body.getAttribute("data-slug");

  /* ---------- consent sheet ---------- */
  function consent() {
    var sheet = document.getElementById("consent-sheet");
    var v = null;
    try { v = localStorage.getItem("fbapp_consent"); } catch (e) {}
    if (!v) sheet.hidden = false;
    sheet.addEventListener("click", function (ev) {
      var b = ev.target.closest("[data-consent]");
      if (!b) return;
      try { localStorage.setItem("fbapp_consent", b.getAttribute("data-consent")); } catch (e) {}
      sheet.hidden = true;
    });
  }

  function bindingLabel(c) { return c.bindingMonths ? c.bindingMonths + " mnd binding" : "Ingen binding"; }
  function noticeLabel(c) { return c.noticeMonths + " mnd oppsigelse"; }

  function carCard(c) {
    var was = c.listPrice ? "<s>" + n(c.listPrice) + "</s>" : "";
    var badge = c.badge ? '<span class="pill">' + esc(c.badge) + "</span>" : "";
    return '<a class="mcard" href="/m/bil/' + c.id + '/"><img class="mcard__img" src="' + c.image + '" alt="" loading="lazy">' +
      '<div class="mcard__body">' + badge + '<div class="mcard__title">' + esc(c.title) + '</div><div class="mcard__meta">' + esc(c.category) + " · " + bindingLabel(c) + " · " + n(c.kmIncluded) + " km/mnd</div>" +
      '<div class="mcard__price">fra ' + was + " " + mnd(c.monthlyPrice) + "</div></div></a>";
  }

  function addonRow(a) {
    var price;
    if (a.campaign) {
      price = "<s>" + mnd(a.monthlyPrice) + "</s>" + mnd(a.campaign.price) + '<span class="addon__camp">' + esc(a.campaign.label) + " – " + esc(a.campaign.text) + "</span>";
    } else {
      price = mnd(a.monthlyPrice);
    }
    return '<div class="addon"><div><div class="addon__title">' + esc(a.title) + '</div><div class="addon__desc">' + esc(a.description) + '</div></div><div class="addon__price">' + price + "</div></div>";
  }

  function shopCard(p, ship) {
    var was = p.compareAtPrice ? "<s>kr " + n(p.compareAtPrice) + "</s>" : "";
    return '<a class="mcard" href="/m/butikk/' + p.id + '/"><img class="mcard__img" src="' + p.image + '" alt="" loading="lazy"><div class="mcard__body"><div class="mcard__meta">' + esc(p.brand) + '</div><div class="mcard__title">' + esc(p.title) + '</div><div class="mcard__price">' + was + " kr " + n(p.price) + "</div></div></a>";
  }

  function renderHome(d) {
    document.title = "FlexBil – bil på abonnement";
    app.innerHTML =
      '<section class="hero"><h1>Bil på abonnement</h1><p>Forsikring, service og veihjelp inkludert. Bestill på minutter med BankID.</p><a class="btn btn--primary" style="background:#fff;color:#1E7A34" href="/m/biler/">Se bilene</a></section>' +
      '<section class="pad"><h2 class="h2">Våre biler</h2><div class="hscroll">' + d.cars.map(carCard).join("") + "</div>" +
      '<h2 class="h2">Tillegg</h2>' + d.addons.map(addonRow).join("") +
      '<h2 class="h2">Fra butikken</h2><p class="freeship">Fri frakt over kr ' + n(d.shipping.freeFrom) + '</p><div class="hscroll">' + d.shop.slice(0, 3).map(function (p) { return shopCard(p, d.shipping); }).join("") + "</div></section>";
  }

  function renderCars(d) {
    document.title = "Biler | FlexBil";
    app.innerHTML = '<section class="pad"><h1 class="h1">Velg bil</h1><p class="muted">Alle priser inkl. forsikring, service og veihjelp.</p><div class="cards">' + d.cars.map(carCard).join("") + "</div></section>";
  }

  function renderCar(d) {
    var c = d.cars.filter(function (x) { return x.id === slug; })[0];
    if (!c) { app.innerHTML = '<section class="pad"><h1 class="h1">Fant ikke bilen</h1></section>'; return; }
    document.title = c.title + " – " + mnd(c.monthlyPrice) + " | FlexBil";
    var was = c.listPrice ? "<s>" + mnd(c.listPrice) + "</s>" : "";
    var vat = c.priceExVat ? "inkl. mva. (" + n(c.priceExVat) + " kr/mnd ekskl. mva.)" : "inkl. mva.";
    var costs = "";
    if (c.setupFee) costs += "<li><span>Etableringsgebyr</span><b>" + n(c.setupFee) + " kr</b></li>";
    costs += c.deliveryFee ? "<li><span>Leveringsgebyr</span><b>" + n(c.deliveryFee) + " kr</b></li>" : "<li><span>Levering</span><b>Gratis</b></li>";
    var longB = c.longBindingDiscount ? '<p class="hint">Velger du 12 mnd binding blir månedsprisen ' + n(c.longBindingDiscount) + " kr lavere.</p>" : "";
    var others = d.cars.filter(function (x) { return x.id !== c.id; });
    var addons = d.addons.filter(function (a) { return !(c.b2b && a.id === "dekkhotell"); });
    app.innerHTML =
      '<section class="car-hero"><img src="' + c.image + '" alt="' + esc(c.title) + '"></section>' +
      '<section class="pad">' + (c.badge ? '<span class="pill">' + esc(c.badge) + "</span>" : "") +
      '<p class="muted" style="margin:6px 0 0">' + esc(c.category) + '</p><h1 class="h1">' + esc(c.title) + '</h1><p class="muted" style="margin:0">' + esc(c.variant) + "</p>" +
      '<div class="price">' + was + '<span class="price__big">' + n(c.monthlyPrice) + '</span><span class="price__unit">kr/mnd</span></div><p class="vat">' + vat + "</p>" +
      '<ul class="chips"><li>' + bindingLabel(c) + "</li><li>" + noticeLabel(c) + "</li><li>" + n(c.kmIncluded) + " km/mnd inkl.</li><li>" + String(c.extraKmPrice.toFixed(2)).replace(".", ",") + " kr per ekstra km</li></ul>" +
      '<ul class="costs">' + costs + "</ul>" + longB +
      '<details class="fold"><summary>Dette er inkludert</summary><div class="fold__body"><ul><li>Forsikring (kasko)</li><li>Service og vedlikehold</li><li>Sommerdekk</li><li>Veihjelp 24/7</li></ul></div></details>' +
      '<details class="fold"><summary>Tekniske data</summary><div class="fold__body"><ul><li>Rekkevidde ' + c.rangeKm + " km (WLTP)</li><li>" + c.seats + " seter</li><li>" + esc(c.cargo) + "</li><li>" + esc(c.charging) + "</li></ul></div></details>" +
      '<details class="fold"><summary>Vilkår</summary><div class="fold__body"><p>' + (c.bindingMonths ? "Bindingstid " + c.bindingMonths + " måneder, deretter " + c.noticeMonths + " måneders oppsigelsestid." : "Ingen bindingstid. Oppsigelsestid " + c.noticeMonths + " måned.") +
      " " + n(c.kmIncluded) + " km/mnd er inkludert; ekstra km faktureres etterskuddsvis.</p></div></details>" +
      '<h2 class="h2">Legg til</h2>' + addons.map(addonRow).join("") +
      '<h2 class="h2">Se også</h2><div class="hscroll">' + others.map(carCard).join("") + "</div></section>" +
      '<div class="sticky-cta"><div class="sticky-cta__price">' + mnd(c.monthlyPrice) + '<span class="sticky-cta__vat">inkl. mva.</span></div><a class="btn btn--primary" href="/m/bestill/?modell=' + c.id + '">Bestill nå</a></div>';
  }

  function renderAddons(d) {
    document.title = "Tillegg | FlexBil";
    app.innerHTML = '<section class="pad"><h1 class="h1">Tillegg</h1><p class="muted">Faktureres sammen med abonnementet. Endre når du vil i appen.</p>' + d.addons.map(addonRow).join("") + "</section>";
  }

  function renderShop(d) {
    document.title = "Butikk | FlexBil";
    app.innerHTML = '<section class="pad"><h1 class="h1">Butikk</h1><p class="freeship">Fri frakt over kr ' + n(d.shipping.freeFrom) + " · ellers kr " + n(d.shipping.price) + '</p><div class="cards" style="margin-top:12px">' + d.shop.map(function (p) { return shopCard(p, d.shipping); }).join("") + "</div></section>";
  }

  function renderProduct(d) {
    var p = d.shop.filter(function (x) { return x.id === slug; })[0];
    if (!p) { app.innerHTML = '<section class="pad"><h1 class="h1">Fant ikke produktet</h1></section>'; return; }
    document.title = p.title + " | FlexBil";
    var was = p.compareAtPrice ? "<s>kr " + n(p.compareAtPrice) + "</s>" : "";
    var ship = p.installationIncluded ? "Montering av elektriker inkludert – ingen frakt." :
      (p.price >= d.shipping.freeFrom ? "Fri frakt" : "Frakt kr " + n(d.shipping.price) + " · fri frakt over kr " + n(d.shipping.freeFrom));
    app.innerHTML = '<section class="car-hero"><img src="' + p.image + '" alt=""></section><section class="pad"><p class="muted" style="margin:0">' + esc(p.brand) + '</p><h1 class="h1">' + esc(p.fullTitle) + "</h1>" +
      '<div class="price">' + was + '<span class="price__big">kr ' + n(p.price) + '</span></div><p class="vat">inkl. mva.</p><p>' + esc(p.description) + '</p><p class="freeship">' + ship + "</p>" +
      '<button class="btn btn--primary btn--block" type="button" data-sku="' + p.sku + '">Legg i handlekurv</button>' +
      '<h2 class="h2">Andre kjøpte også</h2><div class="hscroll">' + d.shop.filter(function (x) { return x.id !== p.id; }).map(function (x) { return shopCard(x, d.shipping); }).join("") + "</div></section>";
  }

  var renderers = { home: renderHome, cars: renderCars, car: renderCar, addons: renderAddons, shop: renderShop, product: renderProduct };

  consent();
  if (renderers[page]) {
    fetch(API, { headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (d) { renderers[page](d); })
      .catch(function () { app.innerHTML = '<section class="pad"><h1 class="h1">Noe gikk galt</h1><p>Vi fikk ikke hentet innholdet. Prøv igjen om litt.</p></section>'; });
  }
})();
