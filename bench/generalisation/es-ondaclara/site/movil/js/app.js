/* OndaClara móvil · app.js · build 2026.11.02 */
(function () {
  'use strict';
  var FEED = '/movil/data/ofertas.json?v=20261102';
  var CONSENT = 'oc_m_consent';
  var body = document.body, page = body.getAttribute('data-page'), root = document.getElementById('app');

  function esc(s) { return String(s).replace(/[&<>"]/g, function (c) { return {'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;'}[c]; }); }
  function partes(n) { var s = n.toFixed(2).split('.'); return { ent: s[0], dec: s[1] }; }
  function precio(n, periodo, cls) {
    var p = partes(n);
    return '<div class="precio ' + (cls || '') + '"><span class="precio__ent">' + p.ent + '</span>' +
      '<span class="precio__dec">,' + p.dec + '€</span>' + (periodo ? '<span class="precio__per">' + esc(periodo) + '</span>' : '') + '</div>';
  }
  function eur(n) { return n.toFixed(2).replace('.', ','); }

  function tarjeta(o) {
    var h = '<article class="card">';
    if (o.etiqueta) h += '<span class="card__tag' + (o.promo ? ' card__tag--bf' : '') + '">' + esc(o.etiqueta) + '</span>';
    h += '<h3>' + esc(o.nombre) + '</h3><p class="sub">' + esc(o.subtitulo) + '</p>';
    if (o.promo) {
      h += '<div class="promo"><strong>' + esc(o.promo.titulo) + '</strong>' + precio(o.promo.precio, 'al mes') +
        esc(o.promo.texto) + '. ' + esc(o.promo.despues) + '<br><small>' + esc(o.promo.validez) + '</small></div>';
    } else {
      if (o.precioAnterior) h += '<div class="antes">antes<s>' + eur(o.precioAnterior) + '€</s></div>';
      h += precio(o.precio, o.periodo);
      if (o.financiacion) h += '<div class="antes">en ' + o.financiacion.meses + ' meses sin intereses</div>';
    }
    h += '<div class="chips">' + o.chips.map(function (c) { return '<span class="chip">' + esc(c) + '</span>'; }).join('') + '</div>';
    h += '<a class="btn" href="/movil/oferta/' + o.id + '/">Lo quiero</a></article>';
    return h;
  }

  function plegable(id, titulo, html) {
    return '<section class="fold"><button class="fold__btn" aria-expanded="false" aria-controls="f-' + id + '">' + esc(titulo) +
      '</button><div class="fold__body" id="f-' + id + '" hidden>' + html + '</div></section>';
  }

  function porId(feed, id) { for (var i = 0; i < feed.ofertas.length; i++) if (feed.ofertas[i].id === id) return feed.ofertas[i]; return null; }

  function home(feed) {
    var h = '<div class="slider" role="region" aria-label="Destacados">';
    feed.destacados.forEach(function (d) {
      h += '<div class="slide" style="background:' + d.color + '"><small>' + esc(d.antetitulo) + '</small><h2>' + esc(d.titulo) +
        '</h2><p>' + esc(d.texto) + '</p><a href="/movil/oferta/' + d.oferta + '/">Ver oferta ›</a></div>';
    });
    h += '</div><div class="cats">';
    feed.categorias.forEach(function (c) { h += '<a href="' + c.ruta + '">' + esc(c.titulo) + '</a>'; });
    h += '</div><h2 class="h-sec">Lo más vendido</h2>';
    feed.masVendidos.forEach(function (id) { h += tarjeta(porId(feed, id)); });
    h += llamame();
    root.innerHTML = h;
    document.title = 'OndaClara | Fibra, móvil y TV';
  }

  function categoria(feed) {
    var cat = body.getAttribute('data-cat'), c = null;
    feed.categorias.forEach(function (x) { if (x.id === cat) c = x; });
    var h = '<div class="m-wrap"><h1 style="margin:4px 0">' + esc(c.titulo) + '</h1><p class="sub">' + esc(c.intro) + '</p></div>';
    feed.ofertas.filter(function (o) { return o.categoria === cat; }).forEach(function (o) { h += tarjeta(o); });
    h += llamame();
    root.innerHTML = h;
    document.title = c.titulo + ' | OndaClara';
  }

  function oferta(feed) {
    var o = porId(feed, body.getAttribute('data-id'));
    var h = '<article class="card">';
    if (o.etiqueta) h += '<span class="card__tag' + (o.promo ? ' card__tag--bf' : '') + '">' + esc(o.etiqueta) + '</span>';
    h += '<h1 style="margin:0;font-size:22px">' + esc(o.nombre) + '</h1><p class="sub">' + esc(o.subtitulo) + '</p>';
    if (o.promo) {
      h += '<div class="promo"><strong>' + esc(o.promo.titulo) + '</strong>' + precio(o.promo.precio, 'al mes', 'precio--big') +
        esc(o.promo.texto) + '<br>' + esc(o.promo.despues) + '<br><small>' + esc(o.promo.validez) + '</small></div>';
    } else {
      if (o.precioAnterior) h += '<div class="antes">antes<s>' + eur(o.precioAnterior) + '€</s></div>';
      h += precio(o.precio, o.periodo, 'precio--big');
      if (o.financiacion) h += '<div class="antes">Financiado en ' + o.financiacion.meses + ' meses sin intereses · Pago inicial ' +
        esc(o.financiacion.entrada) + ' · Total ' + esc(o.financiacion.total) + '</div>';
      if (o.validez) h += '<div class="antes">' + esc(o.validez) + '</div>';
    }
    h += '<p class="antes">' + esc(feed.avisoLegal) + '</p>';
    h += '<div class="chips">' + o.chips.map(function (c) { return '<span class="chip">' + esc(c) + '</span>'; }).join('') + '</div>';
    h += plegable('incluye', 'Qué incluye', '<ul>' + o.incluye.map(function (x) { return '<li>' + esc(x) + '</li>'; }).join('') + '</ul>');
    h += plegable('condiciones', 'Condiciones', o.condiciones.map(function (x) { return '<p>' + esc(x) + '</p>'; }).join(''));
    h += '</article><h2 class="h-sec">Otras ofertas</h2><div class="rel">';
    o.relacionadas.forEach(function (id) { h += tarjeta(porId(feed, id)); });
    h += '</div>' + llamame();
    root.innerHTML = h;
    var pie = o.promo ? precio(o.promo.precio, 'al mes') : precio(o.precio, o.periodo);
    var s = document.createElement('div');
    s.className = 'sticky';
    s.innerHTML = pie + '<button class="btn" type="button" data-quiero="' + o.id + '">Lo quiero</button>';
    document.body.appendChild(s);
    s.querySelector('button').addEventListener('click', function () { location.href = '#llamame'; });
    document.title = o.nombre + ' | OndaClara';
  }

  function llamame() {
    return '<section class="callme" id="llamame"><h2 style="margin-top:0">Te llamamos gratis</h2>' +
      '<p class="sub">Déjanos tu teléfono y te llamamos de 9:00 a 22:00.</p>' +
      '<form data-cb><input type="tel" name="tel" placeholder="Tu teléfono" inputmode="tel" autocomplete="tel">' +
      '<button class="btn" type="submit">Llamadme</button></form></section>';
  }

  function enlazar() {
    Array.prototype.forEach.call(document.querySelectorAll('.fold__btn'), function (b) {
      b.addEventListener('click', function () {
        var p = document.getElementById(b.getAttribute('aria-controls')), abierto = b.getAttribute('aria-expanded') === 'true';
        b.setAttribute('aria-expanded', abierto ? 'false' : 'true'); p.hidden = abierto;
      });
    });
    Array.prototype.forEach.call(document.querySelectorAll('form[data-cb]'), function (f) {
      f.addEventListener('submit', function (e) { e.preventDefault(); f.innerHTML = '<p>¡Gracias! Te llamamos enseguida.</p>'; });
    });
  }

  function cookies() {
    try { if (localStorage.getItem(CONSENT)) return; } catch (e) {}
    var bg = document.createElement('div'); bg.className = 'sheet-bg';
    var sh = document.createElement('div'); sh.className = 'sheet'; sh.setAttribute('role', 'dialog'); sh.setAttribute('aria-modal', 'true');
    sh.innerHTML = '<h4>Tu privacidad es importante</h4><p>Usamos cookies propias y de terceros para que la web funcione, ' +
      'analizar cómo la usas y enseñarte publicidad adaptada a ti. <a href="/legal/cookies/">Política de cookies</a></p>' +
      '<button class="btn" data-c="all">Aceptar todas</button><button class="btn btn--line" data-c="cfg">Configurar</button>';
    document.body.appendChild(bg); document.body.appendChild(sh);
    Array.prototype.forEach.call(sh.querySelectorAll('button'), function (b) {
      b.addEventListener('click', function () {
        try { localStorage.setItem(CONSENT, b.getAttribute('data-c')); } catch (e) {}
        bg.remove(); sh.remove();
      });
    });
  }

  var menu = document.querySelector('.m-burger');
  if (menu) menu.addEventListener('click', function () {
    var n = document.getElementById('m-nav'); n.hidden = !n.hidden; menu.setAttribute('aria-expanded', String(!n.hidden));
  });

  fetch(FEED, { credentials: 'same-origin' }).then(function (r) { return r.json(); }).then(function (feed) {
    if (page === 'home') home(feed); else if (page === 'categoria') categoria(feed); else if (page === 'oferta') oferta(feed);
    enlazar();
    cookies();
  }).catch(function () {
    root.innerHTML = '<p class="m-wrap">No hemos podido cargar las ofertas. Llámanos gratis al 900 81 23 45.</p>';
    cookies();
  });
})();
