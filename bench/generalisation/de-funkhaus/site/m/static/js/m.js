/* m.funkhaus app.js v4.12.0 */
(function () {
  var API = '/m/api/tiles.json';

  /* consent sheet */
  var sheet = document.getElementById('m-consent');
  try {
    if (sheet && !localStorage.getItem('fh_consent')) { sheet.hidden = false; }
  } catch (e) { if (sheet) sheet.hidden = false; }
  if (sheet) {
    sheet.addEventListener('click', function (ev) {
      var v = ev.target.getAttribute('data-consent');
      if (!v) return;
      try { localStorage.setItem('fh_consent', JSON.stringify({v: v, ts: Date.now()})); } catch (e) {}
      sheet.hidden = true;
    });
  }

  /* drawer */
  var burger = document.querySelector('.m-burger');
  var drawer = document.getElementById('m-drawer');
  if (burger && drawer) {
    burger.addEventListener('click', function () {
      var open = !drawer.hidden;
      drawer.hidden = open;
      burger.setAttribute('aria-expanded', String(!open));
    });
  }

  /* accordions "Details & Kosten" etc. */
  Array.prototype.forEach.call(document.querySelectorAll('.m-acc__btn'), function (btn) {
    btn.addEventListener('click', function () {
      var panel = document.getElementById(btn.getAttribute('aria-controls'));
      var open = btn.getAttribute('aria-expanded') === 'true';
      btn.setAttribute('aria-expanded', String(!open));
      panel.hidden = open;
    });
  });

  /* client-rendered tiles */
  function esc(s) {
    return String(s == null ? '' : s).replace(/[&<>"]/g, function (c) {
      return {'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;'}[c];
    });
  }
  function tile(a) {
    return '<a class="m-tile" href="' + esc(a.url) + '">' +
      (a.badge ? '<span class="m-tile__badge">' + esc(a.badge) + '</span>' : '') +
      '<img src="' + esc(a.bild) + '" alt="" loading="lazy">' +
      '<span class="m-tile__name">' + esc(a.name) + '</span>' +
      '<span class="m-tile__sub">' + esc(a.sub) + '</span>' +
      '<span class="m-tile__price">' + (a.statt ? '<s>' + esc(a.statt) + ' €</s>' : '') +
        esc(a.preis) + ' €' + (a.einheit ? ' <small>' + esc(a.einheit) + '</small>' : '') + '</span>' +
      '<span class="m-tile__info">' + esc(a.info) + '</span>' +
      '</a>';
  }
  var targets = document.querySelectorAll('[data-render="tiles"]');
  if (targets.length) {
    fetch(API, {credentials: 'same-origin'})
      .then(function (r) { return r.json(); })
      .then(function (data) {
        var list = data.angebote || [];
        Array.prototype.forEach.call(targets, function (el) {
          var items = list;
          var ids = el.getAttribute('data-ids');
          var typ = el.getAttribute('data-typ');
          if (ids) {
            items = ids.split(',').map(function (id) {
              return list.filter(function (a) { return a.id === id; })[0];
            }).filter(Boolean);
          } else if (typ) {
            items = list.filter(function (a) { return a.typ === typ; });
          }
          el.innerHTML = items.map(tile).join('');
        });
      })
      .catch(function () {
        Array.prototype.forEach.call(targets, function (el) {
          el.innerHTML = '<p class="m-small">Angebote konnten nicht geladen werden.</p>';
        });
      });
  }
})();
