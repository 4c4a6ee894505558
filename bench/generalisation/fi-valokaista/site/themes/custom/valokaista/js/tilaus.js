/* Valokaista checkout summary – generated from commerce_product export 2026-11-02 */
(function () {
  'use strict';
  var TUOTTEET = {
  "mobiili-5g-100": {
    "nimi": "Mobiili 5G 100M",
    "tyyppi": "kk",
    "kkhinta": "19,90",
    "avausmaksu": "0",
    "sopimus": "Toistaiseksi voimassa"
  },
  "mobiili-5g-300": {
    "nimi": "Mobiili 5G 300M",
    "tyyppi": "kk",
    "kkhinta": "19,90",
    "kampanjaKk": 6,
    "normHinta": "24,90",
    "avausmaksu": "0",
    "sopimus": "Toistaiseksi voimassa"
  },
  "mobiili-5g-600": {
    "nimi": "Mobiili 5G 600M",
    "tyyppi": "kk",
    "kkhinta": "29,90",
    "avausmaksu": "0",
    "sopimus": "Toistaiseksi voimassa"
  },
  "mobiili-5g-1000": {
    "nimi": "Mobiili 5G 1000M",
    "tyyppi": "kk",
    "kkhinta": "34,90",
    "avausmaksu": "4,90",
    "sopimus": "Toistaiseksi voimassa"
  },
  "mobiili-perus-4g": {
    "nimi": "Mobiili Perus 4G 10M",
    "tyyppi": "kk",
    "kkhinta": "12,90",
    "avausmaksu": "0",
    "sopimus": "Toistaiseksi voimassa"
  },
  "kuitu-100": {
    "nimi": "Kuitu 100M",
    "tyyppi": "kk",
    "kkhinta": "29,90",
    "avausmaksu": "0",
    "sopimus": "Määräaikainen 12 kk"
  },
  "kuitu-500": {
    "nimi": "Kuitu 500M",
    "tyyppi": "kk",
    "kkhinta": "39,90",
    "avausmaksu": "0",
    "sopimus": "Määräaikainen 12 kk"
  },
  "kuitu-1000": {
    "nimi": "Kuitu 1000M",
    "tyyppi": "kk",
    "kkhinta": "49,90",
    "sopimus": "Määräaikainen 12 kk"
  },
  "kotinetti-5g": {
    "nimi": "Kotinetti 5G 300M",
    "tyyppi": "kk",
    "kkhinta": "29,90",
    "avausmaksu": "0",
    "sopimus": "Määräaikainen 12 kk"
  },
  "5g-kotireititin": {
    "nimi": "5G-kotireititin Valo R5",
    "tyyppi": "laite",
    "kertamaksu": "239,00",
    "osamaksu": "9,96",
    "kk": 24,
    "yhteensa": "239,04",
    "toimitus": "0,00"
  },
  "valokaista-turva": {
    "nimi": "Valokaista Turva",
    "tyyppi": "kk",
    "kkhinta": "0,00",
    "kampanjaKk": 2,
    "normHinta": "4,90",
    "sopimus": "Toistaiseksi voimassa"
  }
};

  function eur(s) { return s + ' \u20ac'; }
  function rivi(label, value) {
    return '<div class="yhteenveto__rivi"><span>' + label + '</span><span>' + value + '</span></div>';
  }
  var params = new URLSearchParams(window.location.search);
  var id = params.get('tuote');
  var el = document.querySelector('[data-yhteenveto]');
  if (!id || !TUOTTEET[id] || !el) { return; }
  var t = TUOTTEET[id];
  var h = '<h3 class="yhteenveto__tuote">' + t.nimi + '</h3>';
  if (t.tyyppi === 'laite') {
    h += rivi('Kertamaksu', eur(t.kertamaksu));
    h += rivi('tai osamaksu', eur(t.osamaksu) + '/kk \u00d7 ' + t.kk + ' kk');
    h += rivi('Toimitus', eur(t.toimitus));
    h += '<div class="yhteenveto__yht">' + rivi('Maksettavaa nyt', eur(t.kertamaksu)) + '</div>';
  } else {
    if (t.kampanjaKk) {
      h += rivi('Kuukausimaksu ' + t.kampanjaKk + ' ensimm\u00e4ist\u00e4 kk', eur(t.kkhinta) + '/kk');
      h += rivi('Sen j\u00e4lkeen', eur(t.normHinta) + '/kk');
    } else {
      h += rivi('Kuukausimaksu', eur(t.kkhinta) + '/kk');
    }
    if (t.avausmaksu) { h += rivi('Avausmaksu', eur(t.avausmaksu)); }
    if (t.sopimus) { h += rivi('Sopimus', t.sopimus); }
    h += '<div class="yhteenveto__yht">' + rivi('Yhteens\u00e4 kuukaudessa', eur(t.kkhinta) + '/kk') + '</div>';
  }
  el.innerHTML = h;
})();
