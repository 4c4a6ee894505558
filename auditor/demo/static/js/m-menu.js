// Mobile hamburger menu: toggles the `hidden` attribute; the links stay in the DOM.
(function () {
  var button = document.querySelector(".m-menu-toggle");
  var menu = document.getElementById("m-menu");
  if (!button || !menu) return;
  button.addEventListener("click", function () {
    var open = menu.hidden;
    menu.hidden = !open;
    button.setAttribute("aria-expanded", open ? "true" : "false");
    button.setAttribute("aria-label", open ? "Sulje valikko" : "Avaa valikko");
  });
})();
