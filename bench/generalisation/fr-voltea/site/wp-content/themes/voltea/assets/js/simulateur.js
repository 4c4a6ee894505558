/* Simulateur de facture Voltéa – tarifs TTC en vigueur au 1er août 2026 */
(function () {
  'use strict';
  var TARIFS = {
    fixe:    { nom: 'Voltéa Fixe',    kwh: 0.2276, abo: { 3: 11.73, 6: 15.47, 9: 19.39, 12: 23.32 } },
    indexee: { nom: 'Voltéa Indexée', kwh: 0.2329, abo: { 3: 11.73, 6: 15.47, 9: 19.39, 12: 23.32 } },
    verte:   { nom: 'Voltéa Verte',   kwh: 0.2516, abo: { 3: 12.05, 6: 15.89, 9: 19.90, 12: 23.95 } }
  };

  function euros(n) {
    return n.toFixed(2).replace('.', ',') + '\u00a0€';
  }
  function milliers(n) {
    return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, '\u00a0');
  }

  function calcule() {
    var root = document.getElementById('simulateur');
    if (!root) return;
    var conso = parseInt(root.querySelector('#sim-conso').value, 10);
    var kva = root.querySelector('#sim-puissance').value;
    var checked = root.querySelector('input[name="sim-offre"]:checked');
    var offre = TARIFS[checked ? checked.value : 'fixe'];
    var abo = offre.abo[kva];
    var consoMensuelle = (conso * offre.kwh) / 12;
    var total = abo + consoMensuelle;
    root.querySelector('#sim-conso-val').textContent = milliers(conso) + '\u00a0kWh/an';
    root.querySelector('#sim-result').textContent = euros(total);
    root.querySelector('#sim-offre-nom').textContent = offre.nom;
    root.querySelector('#sim-detail').textContent =
      'dont abonnement ' + euros(abo) + ' et consommation ' + euros(consoMensuelle);
  }

  document.addEventListener('DOMContentLoaded', function () {
    var root = document.getElementById('simulateur');
    if (!root) return;
    root.addEventListener('input', calcule);
    root.addEventListener('change', calcule);
    calcule();
  });
})();
