/* TryggHem mobil – app shell v4.12.0 */
(function () {
  "use strict";
  var app = document.getElementById("app");
  var view = document.getElementById("view");
  var FEED = "/m/api/offers.json";

  function kr(n) { return Number(n).toLocaleString("sv-SE") + " kr"; }
  function esc(s) { return String(s).replace(/[&<>"]/g, function (c) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c]; }); }
  function byId(list, id) { for (var i = 0; i < list.length; i++) { if (list[i].id === id) return list[i]; } return null; }
  function bindingText(p) { return p.bindingMonths ? "Bindningstid " + p.bindingMonths + " mån" : "Ingen bindningstid"; }
  function feeText(p) {
    if (p.startFee === null || p.startFee === undefined) return "";
    if (p.startFee === 0) return '<p class="card__fee">Startavgift 0 kr – fri installation</p>';
    return '<p class="card__fee">Startavgift ' + kr(p.startFee) + "</p>";
  }
  function list(items) { return "<ul>" + items.map(function (x) { return "<li>" + esc(x) + "</li>"; }).join("") + "</ul>"; }
  function details(summary, inner) { return '<details class="collapse"><summary>' + summary + "</summary>" + inner + "</details>"; }

  function packageCard(p, compact) {
    return '<article class="card card--package">' +
      (p.badge ? '<span class="chip">' + esc(p.badge) + "</span>" : "") +
      '<h2 class="card__title">' + esc(p.title) + "</h2>" +
      (compact ? "" : '<p class="card__tag">' + esc(p.tagline) + "</p>") +
      '<p class="card__price"><b>' + p.monthly + '</b> kr/mån</p>' +
      (compact ? "" : feeText(p) + '<p class="card__meta">' + bindingText(p) + "</p>") +
      '<a class="mbtn mbtn--outline" href="/m/paket/' + p.id + '/">Se erbjudandet</a>' +
      "</article>";
  }

  function shopPrice(s) {
    if (s.campaign) {
      return '<span class="chip chip--hot">' + esc(s.campaign.label) + "</span>" +
        '<p class="card__price card__price--sale"><b>' + kr(s.campaign.price) + "</b></p>" +
        '<p class="card__was">ord. pris <s>' + kr(s.price) + "</s></p>" +
        '<p class="card__small">Erbjudandet gäller t.o.m. ' + esc(s.campaign.validTo) + "</p>";
    }
    var h = '<p class="card__price"><b>' + kr(s.price) + "</b></p>";
    if (s.wasPrice) h += '<p class="card__was">ord. pris <s>' + kr(s.wasPrice) + "</s></p>";
    return h;
  }
  function shopCard(s) {
    return '<article class="card card--product"><img src="' + s.img + '" alt="" width="120" height="120">' +
      '<h2 class="card__title"><a href="/m/butik/' + s.id + '/">' + esc(s.name) + "</a></h2>" + shopPrice(s) + "</article>";
  }
  function addonPrice(a) {
    if (a.perCallout) return '<p class="card__price"><b>' + kr(a.perCallout) + "</b> per utryckning</p>";
    return '<p class="card__price"><b>' + a.monthly + "</b> kr/mån " + '<span class="card__unit">' + esc(a.unit) + "</span></p>";
  }
  function addonCard(a) {
    return '<article class="card card--addon">' + (a.campaign ? '<span class="chip chip--hot">' + esc(a.campaign.label) + "</span>" : "") +
      '<h2 class="card__title">' + esc(a.name) + "</h2>" + addonPrice(a) +
      '<a class="mbtn mbtn--outline" href="/m/tillagg/' + a.id + '/">Läs mer</a></article>';
  }
  function sticky(html) {
    var d = document.createElement("div"); d.className = "stickycta"; d.innerHTML = html; app.appendChild(d);
    app.classList.add("has-sticky");
  }

  var render = {
    home: function (f) {
      var min = Math.min.apply(null, f.packages.map(function (p) { return p.monthly; }));
      var cam = byId(f.addons, "kamera");
      var h = '<section class="mhero"><h1>Tryggt hemma</h1><p>Larm med larmcentral dygnet runt. Larm från <b>' + min + " kr/mån</b>.</p></section>";
      if (cam && cam.campaign) h += '<a class="strip" href="/m/tillagg/kamera/">' + esc(cam.campaign.text) + "</a>";
      h += '<h2 class="section-title">Våra larmpaket</h2><div class="cards">' + f.packages.map(function (p) { return packageCard(p); }).join("") + "</div>";
      h += '<h2 class="section-title">Just nu i butiken</h2><div class="hscroll">' + f.shop.map(shopCard).join("") + "</div>";
      h += '<p class="shipnote">Fri frakt från ' + kr(f.shipping.freeFrom) + " (annars " + kr(f.shipping.fee) + ")</p>";
      view.innerHTML = h;
    },
    "package": function (f, id) {
      var p = byId(f.packages, id); if (!p) return notFound();
      var guard = p.guard.included ? "Väktarutryckning ingår" : "Väktarutryckning " + kr(p.guard.perCallout) + "/utryckning";
      var h = '<article class="detail">' + (p.badge ? '<span class="chip">' + esc(p.badge) + "</span>" : "") +
        "<h1>" + esc(p.title) + '</h1><p class="detail__tag">' + esc(p.tagline) + "</p>" +
        '<p class="detail__price"><b>' + p.monthly + "</b> kr/mån</p>" + feeText(p) +
        '<ul class="facts"><li>' + bindingText(p) + "</li><li>Uppsägningstid " + p.noticeMonths + (p.noticeMonths === 1 ? " månad" : " månader") + "</li><li>" + guard + "</li></ul>" +
        details("Det här ingår", list(p.features)) +
        details("Villkor och avgifter", list(p.terms)) + "</article>";
      h += '<h2 class="section-title">Andra paket</h2><div class="hscroll">' +
        f.packages.filter(function (o) { return o.id !== p.id; }).map(function (o) { return packageCard(o, true); }).join("") + "</div>";
      view.innerHTML = h;
      sticky('<span>' + esc(p.title) + " · " + p.monthly + ' kr/mån</span><a class="mbtn mbtn--primary" href="/m/bestall/?paket=' + p.id + '">Beställ</a>');
    },
    addons: function (f) {
      view.innerHTML = '<h1 class="pagetitle">Tillägg &amp; tjänster</h1><div class="cards">' + f.addons.map(addonCard).join("") + "</div>";
    },
    addon: function (f, id) {
      var a = byId(f.addons, id); if (!a) return notFound();
      var h = '<article class="detail">' + (a.campaign ? '<span class="chip chip--hot">' + esc(a.campaign.label) + "</span>" : "") +
        "<h1>" + esc(a.name) + "</h1><p>" + esc(a.text) + "</p>" + addonPrice(a);
      if (a.installFee) {
        h += a.campaign ? '<p class="card__fee">Installation <s>' + kr(a.installFee) + "</s> 0 kr</p><p class=\"card__small\">" + esc(a.campaign.text) + "</p>"
                        : '<p class="card__fee">Installation ' + kr(a.installFee) + "</p>";
      }
      h += details("Villkor", list(a.terms)) + "</article>";
      h += '<h2 class="section-title">Fler tillägg</h2><div class="hscroll">' + f.addons.filter(function (o) { return o.id !== a.id; }).map(addonCard).join("") + "</div>";
      view.innerHTML = h;
      if (!a.perCallout) sticky("<span>" + esc(a.name) + " · " + a.monthly + ' kr/mån</span><a class="mbtn mbtn--primary" href="/m/bestall/?tillagg=' + a.id + '">Beställ</a>');
    },
    shop: function (f) {
      view.innerHTML = '<h1 class="pagetitle">Webbutik</h1><p class="shipnote">Frakt ' + kr(f.shipping.fee) + " · Fri frakt från " + kr(f.shipping.freeFrom) + "</p>" +
        '<div class="grid">' + f.shop.map(shopCard).join("") + "</div>";
    },
    product: function (f, id) {
      var s = byId(f.shop, id); if (!s) return notFound();
      var h = '<article class="detail detail--product"><img src="' + s.img + '" alt="' + esc(s.name) + '" width="240" height="240">' +
        "<h1>" + esc(s.name) + "</h1><p>" + esc(s.text) + "</p>" + shopPrice(s) +
        details("Leverans och retur", "<p>Frakt " + kr(f.shipping.fee) + ", fri frakt från " + kr(f.shipping.freeFrom) + ". Leverans 1–3 vardagar. 30 dagars öppet köp.</p>") + "</article>";
      h += '<h2 class="section-title">Andra köpte även</h2><div class="hscroll">' + f.shop.filter(function (o) { return o.id !== s.id; }).map(shopCard).join("") + "</div>";
      view.innerHTML = h;
      var price = s.campaign ? s.campaign.price : s.price;
      sticky("<span>" + kr(price) + '</span><button class="mbtn mbtn--primary" type="button" data-add="' + s.sku + '">Lägg i varukorgen</button>');
    },
    order: function () {
      view.innerHTML = '<h1 class="pagetitle">Beställ</h1><p>Lämna dina uppgifter så ringer vi upp och bokar installation.</p>' +
        '<form class="mform"><label>Namn<input name="namn"></label><label>Mobilnummer<input name="tel" type="tel"></label><label>E-post<input name="epost" type="email"></label><button class="mbtn mbtn--primary" type="submit">Skicka</button></form>';
    },
    info: function () { view.innerHTML = ""; }
  };
  function notFound() { view.innerHTML = '<p class="noscript">Sidan kunde inte hittas.</p>'; }

  var v = app.getAttribute("data-view"), id = app.getAttribute("data-id");
  fetch(FEED, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (f) {
    (render[v] || notFound)(f, id);
  }).catch(function () { view.innerHTML = '<p class="noscript">Något gick fel. Försök igen senare.</p>'; });

  // drawer
  var t = document.querySelector("[data-menu-toggle]"), d = document.getElementById("drawer");
  if (t) t.addEventListener("click", function () { d.hidden = !d.hidden; });
  // consent sheet
  var sheet = document.getElementById("consentSheet"), c = null;
  try { c = localStorage.getItem("th_m_consent"); } catch (e) {}
  if (!c && sheet) { sheet.hidden = false; document.body.classList.add("sheet-open"); }
  document.addEventListener("click", function (e) {
    var b = e.target.closest("[data-consent]");
    if (b) { try { localStorage.setItem("th_m_consent", b.getAttribute("data-consent")); } catch (err) {} sheet.hidden = true; document.body.classList.remove("sheet-open"); }
    var a = e.target.closest("[data-add]");
    if (a) { a.textContent = "Tillagd ✓"; }
  });
})();
