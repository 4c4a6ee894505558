// Mobile listings rendered in the browser from the inline JSON array #tiles-data.
(function () {
  var data = document.getElementById("tiles-data");
  var target = document.getElementById("tiles");
  if (!data || !target) return;
  var tiles = JSON.parse(data.textContent);
  function div(cls, text) {
    var node = document.createElement("div");
    node.className = cls;
    node.textContent = text;
    return node;
  }
  tiles.forEach(function (t) {
    var tile = document.createElement("div");
    tile.className = "tile";
    tile.setAttribute("data-id", t.id);
    tile.appendChild(div("tile__title", t.title));
    tile.appendChild(div("tile__meta", t.meta));
    tile.appendChild(div("tile__price", t.price));
    if (t.promo) tile.appendChild(div("m-promo", t.promo));
    var cta = document.createElement("a");
    cta.className = "tile__cta m-btn";
    cta.href = t.href;
    cta.textContent = "Valitse";
    tile.appendChild(cta);
    target.appendChild(tile);
  });
})();
