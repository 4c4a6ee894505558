/* m.fjellnett app.js v19 */
(function () {
  'use strict';
  var $$ = function (s, r) { return [].slice.call((r || document).querySelectorAll(s)); };

  // meny
  var mk = document.querySelector('.hd-meny');
  var meny = document.getElementById('meny');
  if (mk && meny) {
    mk.addEventListener('click', function () {
      var apen = mk.getAttribute('aria-expanded') === 'true';
      mk.setAttribute('aria-expanded', apen ? 'false' : 'true');
      meny.hidden = apen;
    });
  }

  // cookies
  var ark = document.getElementById('cookie-ark');
  var SK = 'fn_m_samtykke';
  function hent(k) { try { return localStorage.getItem(k); } catch (e) { return null; } }
  function lagre(k, v) { try { localStorage.setItem(k, v); } catch (e) {} }
  if (ark) {
    if (!hent(SK)) { ark.hidden = false; }
    $$('[data-samtykke]', ark).forEach(function (b) {
      b.addEventListener('click', function () { lagre(SK, b.getAttribute('data-samtykke')); ark.hidden = true; });
    });
    $$('[data-cookie-innstillinger]').forEach(function (a) {
      a.addEventListener('click', function (e) { e.preventDefault(); ark.hidden = false; });
    });
  }

  // pris
  function tall(n) { return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, '\u00a0'); }
  function pris(p) {
    var h = '<span class="pr">';
    if (p.kr) { h += '<span class="pr-k">kr</span> '; }
    h += '<span class="pr-i">' + tall(p.pris) + '</span><span class="pr-d">,-</span><span class="pr-u">' + p.enhet + '</span></span>';
    if (p.tillegg) { h += ' <span class="pr-x">' + p.tillegg + '</span>'; }
    if (p['for']) { h += ' <s class="pr-f">før ' + tall(p['for']) + ',-</s>'; }
    return h;
  }
  function kort(p) {
    return '<a class="kort" href="' + p.url + '">' +
      (p.merke ? '<span class="merke">' + p.merke + '</span>' : '') +
      '<span class="kort-navn">' + p.navn + '</span>' +
      '<span class="kort-info">' + p.info + '</span>' +
      '<span class="kort-pris">' + pris(p) + '</span></a>';
  }

  // kurv
  var KK = 'fn_m_kurv';
  function lesKurv() { try { return JSON.parse(hent(KK)) || []; } catch (e) { return []; } }
  function oppdaterAntall() {
    var el = document.getElementById('kurv-antall');
    if (el) { el.textContent = lesKurv().length; }
  }
  oppdaterAntall();

  var data = null;
  function medData(fn) {
    if (data) { return fn(data); }
    fetch('/m/assets/tilbud.json', { credentials: 'same-origin' })
      .then(function (r) { return r.json(); })
      .then(function (d) { data = d; fn(d); })
      .catch(function () {});
  }

  var beholdere = $$('[data-kort]');
  if (beholdere.length) {
    medData(function (d) {
      beholdere.forEach(function (b) {
        var gruppe = b.getAttribute('data-kort');
        var utenom = b.getAttribute('data-utenom');
        var liste = d.produkter.filter(function (p) { return p.grupper.indexOf(gruppe) > -1 && p.id !== utenom; });
        if (gruppe === 'anbefalt') { liste = liste.slice(0, 4); }
        b.innerHTML = liste.map(kort).join('');
      });
    });
  }

  $$('[data-legg-til]').forEach(function (b) {
    b.addEventListener('click', function () {
      var k = lesKurv();
      k.push(b.getAttribute('data-legg-til'));
      lagre(KK, JSON.stringify(k));
      oppdaterAntall();
      b.textContent = 'Lagt i kurven \u2713';
      setTimeout(function () { location.href = '/m/kurv/'; }, 600);
    });
  });

  var innhold = document.getElementById('kurv-innhold');
  if (innhold) {
    var k = lesKurv();
    if (k.length) {
      medData(function (d) {
        var sum = 0;
        innhold.innerHTML = k.map(function (id) {
          var p = d.produkter.filter(function (x) { return x.id === id; })[0];
          if (!p) { return ''; }
          sum += p.pris;
          return '<div class="kort"><span class="kort-navn">' + p.navn + '</span>' + pris(p) + '</div>';
        }).join('');
        document.getElementById('kurv-sum').textContent = tall(sum) + ',-';
      });
    }
  }
})();
