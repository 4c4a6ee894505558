// Cookie consent: the banner covers the page until the visitor chooses; the choice is
// remembered in the `consent` cookie (the server then leaves the banner out).
(function () {
  var banner = document.getElementById("cookie-consent");
  if (!banner) return;
  function choose(value) {
    document.cookie = "consent=" + value + "; path=/; max-age=31536000; SameSite=Lax";
    banner.hidden = true;
    banner.style.display = "none";
    banner.setAttribute("aria-hidden", "true");
  }
  document.getElementById("accept-cookies").addEventListener("click", function () { choose("1"); });
  document.getElementById("reject-cookies").addEventListener("click", function () { choose("necessary"); });
})();
