/*! BrightLine mobile web app v3.8.2 | (c) BrightLine Mobile, Inc. */
(function () {
  'use strict';

  var API = '/m/api/catalog.json';
  var body = document.body;
  var PAGE = body.getAttribute('data-page');
  var HANDLE = body.getAttribute('data-handle');
  var app = document.getElementById('app');

  /* ---------------- helpers ---------------- */
  function esc(s) {
    return String(s == null ? '' : s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  }
  function usd(n) {
    return '$' + (Math.round(n) === n ? String(n) : n.toFixed(2));
  }
  function bigPrice(n, per) {
    var whole = Math.floor(n);
    var cents = Math.round((n - whole) * 100);
    return '<div class="pp"><span class="pp__cur">$</span><span class="pp__amt">' + whole + '</span>' +
      (cents ? '<span class="pp__cents">.' + (cents < 10 ? '0' : '') + cents + '</span>' : '') +
      (per ? '<span class="pp__per">' + per + '</span>' : '') + '</div>';
  }
  function mdy(iso) {
    if (!iso) return '';
    var p = iso.slice(0, 10).split('-');
    return p[1] + '/' + p[2] + '/' + p[0];
  }
  function find(list, handle) {
    for (var i = 0; i < list.length; i++) if (list[i].handle === handle) return list[i];
    return null;
  }
  function acc(title, html, open) {
    return '<details class="acc"' + (open ? ' open' : '') + '><summary>' + title + '</summary><div class="acc__body">' + html + '</div></details>';
  }
  function promosFor(cat, placement) {
    // TODO(mobile-web#412): hide promos after `ends` once CMS scheduling ships
    return cat.promos.filter(function (p) { return p.placements.indexOf(placement) !== -1; });
  }

  /* ---------------- cards ---------------- */
  function planCard(p) {
    return '<article class="pc" data-handle="' + p.handle + '">' +
      '<div class="pc__top"><h3 class="pc__name">' + esc(p.name) + '</h3>' + (p.badge ? '<span class="pc__badge">' + esc(p.badge) + '</span>' : '') + '</div>' +
      '<div class="pc__data">' + esc(p.data) + '</div>' +
      bigPrice(p.autopay_price, '/mo') +
      '<div class="pp__sub">with AutoPay &middot; <s>' + usd(p.price) + '/mo</s> without</div>' +
      '<ul>' + p.features.map(function (f) { return '<li>' + esc(f) + '</li>'; }).join('') + '</ul>' +
      '<a class="m-btn m-btn--block" href="/m/plans/' + p.handle + '/">See plan</a></article>';
  }
  function deviceTile(d) {
    var price;
    if (d.financing) {
      price = '<div class="dt__price">' + usd(d.financing.monthly) + '/mo</div><div class="dt__note">for ' + d.financing.months + ' mos, $0 down</div>';
    } else if (d.was) {
      price = '<div class="dt__price">' + usd(d.price) + '<s>' + usd(d.was) + '</s></div>';
    } else {
      price = '<div class="dt__price">' + usd(d.price) + '</div>';
    }
    if (d.activation_fee) price += '<div class="dt__note">+ ' + usd(d.activation_fee) + ' activation fee</div>';
    return '<a class="dt" href="/m/phones/' + d.handle + '/"><img src="' + d.image + '" alt="' + esc(d.name) + '" loading="lazy">' +
      '<div class="dt__name">' + esc(d.name) + '</div>' + price + '</a>';
  }
  function promoSlide(p) {
    return '<div class="m-slide"><div class="m-slide__eyebrow">' + esc(p.eyebrow) + '</div>' +
      '<p class="m-slide__title">' + esc(p.title) + '</p><p class="m-slide__sub">' + esc(p.subtitle) + '</p>' +
      '<p class="m-slide__body">' + esc(p.body) + '</p><a class="m-btn" href="' + p.href + '">' + esc(p.cta) + '</a></div>';
  }

  /* ---------------- lazy loading ---------------- */
  function lazyFill(root, render) {
    var nodes = root.querySelectorAll('[data-lazy]');
    function fill(node) {
      var html = render(node.getAttribute('data-lazy'));
      if (html) node.outerHTML = html;
    }
    if (!('IntersectionObserver' in window)) { Array.prototype.forEach.call(nodes, fill); return; }
    var io = new IntersectionObserver(function (entries) {
      entries.forEach(function (e) {
        if (e.isIntersecting) { io.unobserve(e.target); setTimeout(function () { fill(e.target); }, 150); }
      });
    }, { rootMargin: '0px 0px 120px 0px' });
    Array.prototype.forEach.call(nodes, function (n) { io.observe(n); });
  }
  function skeletons(cls, handles) {
    return handles.map(function (h) { return '<div class="' + cls + '" data-lazy="' + h + '"></div>'; }).join('');
  }

  /* ---------------- pages ---------------- */
  var render = {
    home: function (cat) {
      var slides = promosFor(cat, 'home_carousel');
      var hi = cat.home_internet;
      app.innerHTML =
        '<div class="m-carousel" aria-roledescription="carousel"><div class="m-carousel__track">' + slides.map(promoSlide).join('') + '</div></div>' +
        '<div class="m-dots">' + slides.map(function (s, i) { return '<span' + (i ? '' : ' class="on"') + '></span>'; }).join('') + '</div>' +
        '<section class="m-sec"><h2>Plans</h2><p class="m-sec__lead">Unlimited talk &amp; text on every plan. Save $5/mo with AutoPay.</p>' +
        '<div class="pc-list" id="home-plans">' + skeletons('pc pc--skeleton', cat.plans.map(function (p) { return p.handle; })) + '</div></section>' +
        '<section class="m-sec"><h2>Phones &amp; hotspots</h2><p class="m-sec__lead">Free shipping on orders $50+.</p>' +
        '<div class="dt-list" id="home-devices">' + skeletons('dt dt--skeleton', cat.devices.map(function (d) { return d.handle; })) + '</div></section>' +
        '<section class="m-sec"><h2>Home Internet</h2><div class="pc"><div class="pc__data">' + esc(hi.tagline) + ' &middot; ' + hi.price_lock_months + '-month price lock</div>' +
        bigPrice(hi.autopay_price, '/mo') + '<div class="pp__sub">with AutoPay &middot; <s>' + usd(hi.price) + '/mo</s> without</div>' +
        '<a class="m-btn m-btn--block" href="/m/home-internet/" style="margin-top:12px">Check availability</a></div></section>';
      carousel();
      lazyFill(document.getElementById('home-plans'), function (h) { return planCard(find(cat.plans, h)); });
      lazyFill(document.getElementById('home-devices'), function (h) { return deviceTile(find(cat.devices, h)); });
    },

    plans: function (cat) {
      app.innerHTML = '<section class="m-sec"><h1 style="font-size:24px;margin:0">Plans</h1>' +
        '<p class="m-sec__lead">Prepaid, month-to-month. No annual contract. Prices before taxes &amp; fees.</p>' +
        '<div class="pc-list" id="plan-list">' + skeletons('pc pc--skeleton', cat.plans.map(function (p) { return p.handle; })) + '</div></section>';
      lazyFill(document.getElementById('plan-list'), function (h) { return planCard(find(cat.plans, h)); });
    },

    plan: function (cat) {
      var p = find(cat.plans, HANDLE);
      if (!p) return notFound();
      var others = cat.plans.filter(function (x) { return x.handle !== p.handle; });
      var net = p.handle === 'unlimited-max'
        ? 'Unlimited Max data is premium data and is not deprioritized during congestion. Video streams at up to 1080p.'
        : 'During congestion, customers on this plan may notice lower speeds than other customers due to data prioritization. Video typically streams at 480p.';
      app.innerHTML = '<a class="m-back" href="/m/plans/">&lsaquo; All plans</a>' +
        '<div class="pd"><h1>' + esc(p.name) + '</h1><p class="pd__tag">' + esc(p.tagline) + ' &middot; ' + esc(p.data) + '</p>' +
        '<div id="pd-price">' + bigPrice(p.autopay_price, '/mo') + '<div class="pp__sub">with AutoPay &middot; <s>' + usd(p.price) + '/mo</s> without</div></div>' +
        '<p class="pd__tax">Plus taxes &amp; fees &middot; No annual contract</p>' +
        '<label class="toggle">AutoPay (save $5/mo)<input type="checkbox" id="ap-toggle" checked></label>' +
        '<ul>' + p.features.map(function (f) { return '<li>' + esc(f) + '</li>'; }).join('') + '</ul>' +
        '<a class="m-btn m-btn--block" href="/m/cart/">Get this plan</a>' +
        '<div style="margin-top:16px">' +
        acc('Plan details', '<p>' + esc(p.details) + '</p><p>Unlimited talk and text nationwide. Wi-Fi calling and eSIM on compatible phones.</p>') +
        acc('Taxes &amp; fees', '<p>Prices are before taxes &amp; fees, which depend on your address. AutoPay with a debit card or bank account saves $5/mo; without AutoPay this plan is ' + usd(p.price) + '/mo. No activation fee on mobile plans ordered online.</p>') +
        acc('Network management', '<p>' + net + '</p>') +
        '</div></div>' +
        '<section class="m-sec"><h2>You might also like</h2><div class="hscroll" id="more-plans">' + skeletons('pc pc--skeleton', others.map(function (x) { return x.handle; })) + '</div></section>';
      document.getElementById('ap-toggle').addEventListener('change', function (e) {
        document.getElementById('pd-price').innerHTML = e.target.checked
          ? bigPrice(p.autopay_price, '/mo') + '<div class="pp__sub">with AutoPay &middot; <s>' + usd(p.price) + '/mo</s> without</div>'
          : bigPrice(p.price, '/mo') + '<div class="pp__sub">without AutoPay &middot; ' + usd(p.autopay_price) + '/mo with AutoPay</div>';
      });
      lazyFill(document.getElementById('more-plans'), function (h) { return planCard(find(cat.plans, h)); });
    },

    phones: function (cat) {
      app.innerHTML = '<section class="m-sec"><h1 style="font-size:24px;margin:0">Phones &amp; hotspots</h1>' +
        '<p class="m-sec__lead">Free shipping on orders $50+. Or bring your own phone.</p>' +
        '<div class="dt-list" id="device-list">' + skeletons('dt dt--skeleton', cat.devices.map(function (d) { return d.handle; })) + '</div></section>';
      lazyFill(document.getElementById('device-list'), function (h) { return deviceTile(find(cat.devices, h)); });
    },

    device: function (cat) {
      var d = find(cat.devices, HANDLE);
      if (!d) return notFound();
      var price, extra = '', pay = '';
      if (d.financing) {
        var f = d.financing;
        price = bigPrice(f.monthly, '/mo') + '<div class="pp__sub">for ' + f.months + ' months &middot; $0 down &middot; 0% APR</div>' +
          '<p class="pd__fee">or ' + usd(d.price) + ' paid in full</p>';
        pay = acc('BrightLine Pay financing', '<p>$0 down and ' + f.months + ' monthly payments of ' + usd(f.monthly) + ' at 0% APR (total ' + usd(d.price) + '). ' +
          'Requires a ' + f.months + '-month installment agreement, credit approval and an active BrightLine line. Pay off early anytime; if you cancel your line, the remaining balance is due.</p>');
      } else if (d.was) {
        price = bigPrice(d.price) + '<div class="pp__sub">reg. <s>' + usd(d.was) + '</s><span class="pd__save">Save ' + usd(Math.round(d.was - d.price)) + '</span></div>';
        extra = '<p class="pd__tax">Pay in full. Plus sales tax.</p>';
      } else {
        price = bigPrice(d.price);
        extra = '<p class="pd__tax">Plus sales tax. Plan sold separately.</p>';
      }
      if (d.activation_fee) {
        price += '<p class="pd__fee">+ ' + usd(d.activation_fee) + ' one-time activation fee</p>';
      }
      var colors = d.colors.length ? '<div class="chips">' + d.colors.map(function (c, i) { return '<span class="chip"' + (i ? '' : ' style="border-color:#F47B20"') + '>' + esc(c) + '</span>'; }).join('') + '</div>' : '';
      var plan = d.type === 'hotspot' ? acc('Which plan do I need?', '<p>The GoSpot 5G needs its own line with any BrightLine plan, starting with Starter 5GB. Hotspot data comes from the plan on the GoSpot line.</p>') : '';
      app.innerHTML = '<a class="m-back" href="/m/phones/">&lsaquo; Phones &amp; hotspots</a>' +
        '<div class="pd"><div class="pd__media"><img src="' + d.image + '" alt="' + esc(d.name) + '"></div>' +
        '<h1>' + esc(d.name) + '</h1><p class="pd__tag">' + esc(d.brand) + '</p>' + price + extra + colors +
        '<ul>' + d.features.map(function (x) { return '<li>' + esc(x) + '</li>'; }).join('') + '</ul>' +
        '<a class="m-btn m-btn--block" href="/m/cart/">Add to cart</a>' +
        '<div style="margin-top:16px">' + pay + plan +
        acc('Specs', '<table>' + d.specs.map(function (s) { return '<tr><th>' + esc(s[0]) + '</th><td>' + esc(s[1]) + '</td></tr>'; }).join('') + '</table>') +
        acc('Shipping &amp; returns', '<p>Free standard shipping on orders of $50 or more; otherwise $5.99. 2-day shipping $14.99.</p><p>Return within 15 days of delivery. Opened devices not returned in original condition: $25 restocking fee.</p>') +
        '</div></div>';
    },

    'home-internet': function (cat) {
      var hi = cat.home_internet;
      var promos = promosFor(cat, 'home-internet');
      app.innerHTML = promos.map(function (p) {
        return '<div class="promo-card"><div class="m-slide__eyebrow">' + esc(p.eyebrow) + '</div><h2>' + esc(p.title) + ' ' + esc(p.subtitle) + '</h2>' +
          '<p>' + esc(p.body) + '</p><a class="m-btn" href="#order">' + esc(p.cta) + '</a>' +
          (p.ends ? '<p class="promo-card__ends" style="margin-top:8px">Offer ends ' + mdy(p.ends) + '.</p>' : '') + '</div>';
      }).join('') +
        '<div class="pd" id="order"><div class="pd__media"><img src="/m/static/img/p/home-internet-gateway.svg" alt="Wi-Fi 6 gateway"></div>' +
        '<h1>' + esc(hi.name) + '</h1><p class="pd__tag">' + esc(hi.tagline) + '</p>' +
        bigPrice(hi.autopay_price, '/mo') + '<div class="pp__sub">with AutoPay &middot; <s>' + usd(hi.price) + '/mo</s> without</div>' +
        '<p class="pd__tax">Plus taxes &amp; fees</p>' +
        '<div class="chips"><span class="chip">' + hi.price_lock_months + '-month price lock</span><span class="chip">' + esc(hi.contract) + '</span><span class="chip">Unlimited data</span></div>' +
        '<ul>' + hi.features.map(function (x) { return '<li>' + esc(x) + '</li>'; }).join('') + '</ul>' +
        '<a class="m-btn m-btn--block" href="/m/cart/">Check availability</a>' +
        '<div style="margin-top:16px">' +
        acc('What&rsquo;s included', '<p>' + esc(hi.details) + '</p>') +
        acc(hi.price_lock_months + '-month price lock', '<p>' + esc(hi.price_lock) + '</p>') +
        acc('No annual contract', '<p>Month-to-month. Cancel anytime and return the gateway within 30 days.</p>') +
        '</div></div>';
    },

    'add-ons': function (cat) {
      app.innerHTML = '<section class="m-sec"><h1 style="font-size:24px;margin:0">Add-ons</h1><p class="m-sec__lead">Add to any plan. Cancel anytime.</p></section>' +
        cat.addons.map(function (a) {
          return '<div class="pd" id="' + a.handle + '"><h1>' + esc(a.name) + '</h1><p class="pd__tag">' + esc(a.tagline) + '</p>' +
            bigPrice(a.price, '/mo') + '<div class="pp__sub">' + esc(a.unit) + ' &middot; plus taxes &amp; fees</div>' +
            '<ul>' + a.features.map(function (x) { return '<li>' + esc(x) + '</li>'; }).join('') + '</ul>' +
            '<a class="m-btn m-btn--block m-btn--ghost" href="/m/cart/">Add to my plan</a>' +
            '<div style="margin-top:12px">' + acc('Details', '<p>' + esc(a.details) + '</p>') + '</div></div>';
        }).join('');
    },

    cart: function () {
      app.innerHTML = '<div class="pd"><h1>Your cart</h1><p class="pd__tag">Your cart is empty.</p>' +
        '<p>Subtotal <strong>$0.00</strong></p><p class="pd__tax">Free shipping on orders $50+. Taxes calculated at checkout.</p>' +
        '<a class="m-btn m-btn--block" href="/m/plans/">Shop plans</a></div>';
    }
  };

  function notFound() {
    app.innerHTML = '<div class="pd"><h1>Page not found</h1><p><a href="/m/">Back to home</a></p></div>';
  }

  /* ---------------- shell ---------------- */
  function carousel() {
    var track = document.querySelector('.m-carousel__track');
    if (!track) return;
    var dots = document.querySelectorAll('.m-dots span');
    var n = track.children.length, i = 0;
    setInterval(function () {
      i = (i + 1) % n;
      track.style.transform = 'translateX(' + (-100 * i) + '%)';
      Array.prototype.forEach.call(dots, function (d, k) { d.className = k === i ? 'on' : ''; });
    }, 5000);
  }

  function consent() {
    var sheet = document.getElementById('consent-sheet');
    if (!sheet) return;
    var v = null;
    try { v = localStorage.getItem('bl_cookie_pref'); } catch (e) {}
    if (!v) setTimeout(function () { sheet.classList.add('show'); }, 600);
    sheet.addEventListener('click', function (e) {
      var b = e.target.closest('[data-pref]');
      if (!b) return;
      e.preventDefault();
      try { localStorage.setItem('bl_cookie_pref', b.getAttribute('data-pref')); } catch (err) {}
      sheet.classList.remove('show');
    });
  }

  function menu() {
    var btn = document.querySelector('.m-burger');
    var drawer = document.getElementById('m-drawer');
    if (!btn || !drawer) return;
    btn.addEventListener('click', function () { drawer.classList.add('open'); });
    drawer.addEventListener('click', function (e) { if (e.target.classList.contains('m-drawer__bg')) drawer.classList.remove('open'); });
  }

  function cartCount() {
    var el = document.querySelector('.m-cart__count');
    var items = [];
    try { items = JSON.parse(localStorage.getItem('bl_m_cart') || '[]'); } catch (e) {}
    if (el) el.textContent = items.length;
  }

  menu();
  consent();
  cartCount();
  if (app && render[PAGE]) {
    if (PAGE === 'cart') { render.cart(); app.removeAttribute('aria-busy'); }
    else {
      fetch(API, { credentials: 'same-origin' })
        .then(function (r) { return r.json(); })
        .then(function (cat) { render[PAGE](cat); app.removeAttribute('aria-busy'); })
        .catch(function () { app.innerHTML = '<div class="pd"><p>Something went wrong. Pull down to refresh.</p></div>'; });
    }
  }
})();
