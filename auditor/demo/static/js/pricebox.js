// Desktop price boxes: filled in after load from /api/offers/<id>.json.
(function () {
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text) node.textContent = text;
    return node;
  }
  function render(box, offer) {
    box.textContent = "";
    box.appendChild(el("p", "price-box__price", offer.monthly_price_text));
    box.appendChild(el("p", "price-box__contract", offer.contract_text));
    if (offer.campaign_text) box.appendChild(el("div", "campaign", offer.campaign_text));
    box.appendChild(el("p", "price-box__vat", offer.vat_text));
    var cta = el("a", "btn btn-primary btn--block", "Tilaa nyt");
    cta.href = "/asiakaspalvelu#tilaa";
    box.appendChild(cta);
    box.removeAttribute("aria-busy");
    box.setAttribute("data-loaded", "1");
  }
  function load(box) {
    var id = box.getAttribute("data-pricebox");
    fetch("/api/offers/" + encodeURIComponent(id) + ".json", { headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) throw new Error("HTTP " + r.status); return r.json(); })
      .then(function (offer) { render(box, offer); })
      .catch(function () {
        box.textContent = "";
        box.appendChild(el("p", "price-box__error", "Hintatietoja ei voitu ladata. Yritä hetken kuluttua uudelleen."));
        box.removeAttribute("aria-busy");
      });
  }
  function start() { document.querySelectorAll("[data-pricebox]").forEach(load); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
