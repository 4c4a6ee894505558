/*! voltea-mobile v2.3.7 | (c) Voltea Energie */
(function () {
  'use strict';

  var API_URL = '/m/api/offres.json';
  var eur = new Intl.NumberFormat('fr-FR', { style: 'currency', currency: 'EUR' });
  var eur4 = new Intl.NumberFormat('fr-FR', { style: 'currency', currency: 'EUR', minimumFractionDigits: 4, maximumFractionDigits: 4 });

  function esc(s) {
    return String(s == null ? '' : s).replace(/[&<>"]/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c];
    });
  }

  /* "15,47 €" découpé : partie entière en gros, centimes en petit */
  function prixHTML(montant, unite) {
    var parts = eur.formatToParts(montant);
    var ent = '', reste = '';
    var apresDecimale = false;
    parts.forEach(function (p) {
      if (p.type === 'decimal') apresDecimale = true;
      if (!apresDecimale && (p.type === 'integer' || p.type === 'group' || p.type === 'minusSign')) ent += p.value;
      else reste += p.value;
    });
    return '<div class="prix"><span class="p-int">' + esc(ent) + '</span><span class="p-dec">' + esc(reste) + '</span>' +
      (unite ? '<span class="p-unit">' + esc(unite) + '</span>' : '') + '</div>';
  }

  function cellule(v) {
    if (typeof v === 'number') {
      return '<td class="n">' + esc(Math.abs(v) < 1 && v !== 0 && v > 0 ? eur4.format(v) : eur.format(v)) + '</td>';
    }
    return '<td>' + esc(v) + '</td>';
  }

  function lienOffre(o) {
    return '/m/offres/' + o.id + '/';
  }

  function carte(o) {
    var h = '<article class="card" data-offre="' + esc(o.id) + '">';
    if (o.promo) h += '<span class="ribbon">Promo</span>';
    h += '<h3>' + esc(o.nom) + '</h3>';
    h += '<p class="accroche">' + esc(o.accroche) + '</p>';
    if (o.badges && o.badges.length) {
      h += '<div class="tags">' + o.badges.map(function (b) { return '<span class="tag">' + esc(b) + '</span>'; }).join('') + '</div>';
    }
    if (o.prix.libelle) h += '<div class="prix-libelle">' + esc(o.prix.libelle) + '</div>';
    h += prixHTML(o.prix.montant, o.prix.unite);
    if (o.mensualites) h += '<p class="prix-kwh">ou ' + o.mensualites.nombre + ' × ' + esc(eur.format(o.mensualites.montant)) + ' ' + esc(o.mensualites.libelle) + '</p>';
    if (o.prix_kwh) h += '<p class="prix-kwh">' + esc(eur4.format(o.prix_kwh)) + '/kWh TTC</p>';
    if (o.promo) h += '<div class="promo-box">' + esc(o.promo.texte) + '</div>';
    h += '<a class="voir" href="' + lienOffre(o) + '">Voir l\'offre</a>';
    h += '</article>';
    return h;
  }

  function accordeon(d, i) {
    var id = 'acc-' + i;
    var corps = '';
    if (d.tableau) {
      corps += '<table><thead><tr>' + d.tableau.entetes.map(function (e) { return '<th>' + esc(e) + '</th>'; }).join('') + '</tr></thead><tbody>';
      corps += d.tableau.lignes.map(function (l) { return '<tr>' + l.map(cellule).join('') + '</tr>'; }).join('');
      corps += '</tbody></table>';
    }
    if (d.texte) corps += '<p>' + esc(d.texte) + '</p>';
    return '<div class="acc"><button class="acc-btn" type="button" aria-expanded="false" aria-controls="' + id + '">' + esc(d.titre) +
      '</button><div class="acc-body" id="' + id + '" hidden>' + corps + '</div></div>';
  }

  function miniCarte(o) {
    return '<a class="mini-card" href="' + lienOffre(o) + '"><strong>' + esc(o.nom) + '</strong><span>' +
      esc(eur.format(o.prix.montant)) + '</span> ' + esc(o.prix.unite || '') + '</a>';
  }

  function vueAccueil(app, data) {
    var h = '';
    data.categories.forEach(function (c) {
      var offres = data.offres.filter(function (o) { return o.categorie === c.id; });
      if (!offres.length) return;
      h += '<section class="m-section" id="' + esc(c.id) + '"><h2>' + esc(c.titre) + '</h2>' + offres.map(carte).join('') + '</section>';
    });
    app.innerHTML = h;
  }

  function vueBoutique(app, data) {
    var offres = data.offres.filter(function (o) { return o.categorie === 'boutique'; });
    app.innerHTML = '<section class="m-section"><h2>Boutique</h2><p class="prix-libelle">Livraison offerte dès 50 € d\'achat</p>' + offres.map(carte).join('') + '</section>';
  }

  function vueOffre(app, data, slug) {
    var o = data.offres.filter(function (x) { return x.id === slug; })[0];
    if (!o) { app.innerHTML = '<section class="m-section"><h2>Offre introuvable</h2><p><a href="/m/">Retour à l\'accueil</a></p></section>'; return; }
    document.title = o.nom + ' | Voltea Energie';
    var h = '<section class="m-section offre">';
    h += '<p class="prix-libelle"><a href="/m/">Accueil</a> › ' + esc(o.nom) + '</p>';
    h += '<h1 style="font-size:22px;margin:6px 0">' + esc(o.nom) + '</h1>';
    h += '<p class="accroche">' + esc(o.accroche) + '</p>';
    h += '<div class="card">';
    if (o.badges) h += '<div class="tags">' + o.badges.map(function (b) { return '<span class="tag">' + esc(b) + '</span>'; }).join('') + '</div>';
    if (o.prix.libelle) h += '<div class="prix-libelle">' + esc(o.prix.libelle) + '</div>';
    h += '<div id="prix-courant">' + prixHTML(o.prix.montant, o.prix.unite) + '</div>';
    if (o.variantes) {
      h += '<div class="variantes">' + o.variantes.map(function (v, i) {
        return '<button type="button" data-v="' + i + '" class="' + (i === 0 ? 'on' : '') + '">' + esc(v.libelle) + '</button>';
      }).join('') + '</div>';
    }
    if (o.mensualites) h += '<p class="prix-kwh">ou ' + o.mensualites.nombre + ' × ' + esc(eur.format(o.mensualites.montant)) + ' ' + esc(o.mensualites.libelle) + '</p>';
    if (o.prix_kwh) h += '<p class="prix-kwh">Prix du kWh : <strong>' + esc(eur4.format(o.prix_kwh)) + '</strong> TTC</p>';
    h += '<ul class="points">' + o.points_cles.map(function (p) { return '<li>' + esc(p) + '</li>'; }).join('') + '</ul>';
    if (o.promo) h += '<div class="promo-box">' + esc(o.promo.texte) + '</div>';
    h += '</div>';
    h += (o.details || []).map(accordeon).join('');
    if (o.associes && o.associes.length) {
      var assoc = o.associes.map(function (id) { return data.offres.filter(function (x) { return x.id === id; })[0]; }).filter(Boolean);
      h += '<h2>Vous aimerez aussi</h2><div class="mini-cards">' + assoc.map(miniCarte).join('') + '</div>';
    }
    h += '</section>';
    app.innerHTML = h;

    var cta = document.getElementById('sticky-cta');
    if (cta) {
      cta.innerHTML = '<span class="mini">' + esc(o.nom) + '<br><strong>' + esc(eur.format(o.prix.montant)) + (o.prix.unite ? ' ' + esc(o.prix.unite) : '') + '</strong></span>' +
        '<a href="' + esc(o.cta.url) + '">' + esc(o.cta.libelle) + '</a>';
    }

    if (o.variantes) {
      app.querySelector('.variantes').addEventListener('click', function (ev) {
        var b = ev.target.closest('button[data-v]');
        if (!b) return;
        var v = o.variantes[+b.getAttribute('data-v')];
        Array.prototype.forEach.call(this.querySelectorAll('button'), function (x) { x.classList.toggle('on', x === b); });
        var html = prixHTML(v.prix, '');
        if (v.prix_barre) html = html.replace('</div>', '<span class="prix-barre">' + esc(eur.format(v.prix_barre)) + '</span></div>');
        document.getElementById('prix-courant').innerHTML = html;
      });
    }
  }

  function accordeonsInit(root) {
    root.addEventListener('click', function (ev) {
      var b = ev.target.closest('.acc-btn');
      if (!b) return;
      var open = b.getAttribute('aria-expanded') === 'true';
      b.setAttribute('aria-expanded', String(!open));
      document.getElementById(b.getAttribute('aria-controls')).hidden = open;
    });
  }

  function consentInit() {
    var el = document.getElementById('consent');
    if (!el) return;
    var v = null;
    try { v = localStorage.getItem('vt_consent'); } catch (e) {}
    if (!v) el.hidden = false;
    el.addEventListener('click', function (ev) {
      var b = ev.target.closest('button[data-choix]');
      if (!b) return;
      if (b.getAttribute('data-choix') === 'perso') { alert('Paramétrage disponible prochainement.'); return; }
      try { localStorage.setItem('vt_consent', b.getAttribute('data-choix') + '|' + Date.now()); } catch (e) {}
      el.hidden = true;
    });
  }

  function menuInit() {
    var b = document.querySelector('.m-burger');
    var n = document.querySelector('.m-nav');
    if (b && n) b.addEventListener('click', function () { n.classList.toggle('open'); });
  }

  document.addEventListener('DOMContentLoaded', function () {
    consentInit();
    menuInit();
    var app = document.getElementById('app');
    if (!app) return;
    accordeonsInit(app);
    var vue = app.getAttribute('data-vue');
    if (['accueil', 'boutique', 'offre'].indexOf(vue) === -1) { app.innerHTML = ''; return; }
    fetch(API_URL, { credentials: 'same-origin' })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        if (vue === 'accueil') vueAccueil(app, data);
        else if (vue === 'boutique') vueBoutique(app, data);
        else if (vue === 'offre') vueOffre(app, data, app.getAttribute('data-slug'));
      })
      .catch(function () {
        app.innerHTML = '<section class="m-section"><p>Impossible de charger les offres. Vérifiez votre connexion.</p></section>';
      });
  });
})();
