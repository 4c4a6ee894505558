(self.webpackChunk_N_E=self.webpackChunk_N_E||[]).push([[888],{6840:function(){"use strict";
(function(){
  function eur(n){return n.toFixed(2).replace('.',',')}
  function $(s,r){return (r||document).querySelector(s)}
  function $$(s,r){return Array.prototype.slice.call((r||document).querySelectorAll(s))}
  var KEY='oc_consent_v3', CART='oc_cart';
  function ready(fn){document.readyState!=='loading'?fn():document.addEventListener('DOMContentLoaded',fn)}
  ready(function(){
    // cookie banner
    var cb=$('[data-cookie-banner]');
    try{ if(cb && !localStorage.getItem(KEY)){ cb.hidden=false; } }catch(e){ if(cb) cb.hidden=false; }
    $$('[data-cookie]').forEach(function(b){b.addEventListener('click',function(){
      try{localStorage.setItem(KEY,JSON.stringify({choice:b.getAttribute('data-cookie'),ts:Date.now()}))}catch(e){}
      if(b.getAttribute('data-cookie')!=='config'){cb.hidden=true}
    })});
    // accordions
    $$('[aria-controls]').forEach(function(btn){
      if(!/acc-/.test(btn.getAttribute('aria-controls')))return;
      btn.addEventListener('click',function(){
        var p=document.getElementById(btn.getAttribute('aria-controls'));
        var open=btn.getAttribute('aria-expanded')==='true';
        btn.setAttribute('aria-expanded',open?'false':'true'); p.hidden=open;
      });
    });
    // mini cart
    function readCart(){try{return JSON.parse(sessionStorage.getItem(CART)||'[]')}catch(e){return []}}
    function paint(){
      var items=readCart(), tot=items.reduce(function(a,i){return a+i.price},0);
      $$('[data-minicart-count]').forEach(function(n){n.textContent=String(items.length)});
      $$('[data-minicart-total]').forEach(function(n){n.textContent=eur(tot)+' €/mes'});
      var cp=$('[data-cart-page]');
      if(cp){ $('[data-cart-empty]').hidden=items.length>0;
        $('[data-cart-lines]').innerHTML=items.map(function(i){return '<li>'+i.id+'</li>'}).join('');
        $('[data-cart-total]').textContent=eur(tot)+' €/mes'; }
    }
    $$('[data-add-to-cart]').forEach(function(b){b.addEventListener('click',function(){
      var items=readCart(); items.push({id:b.getAttribute('data-add-to-cart'),price:parseFloat(b.getAttribute('data-price'))});
      try{sessionStorage.setItem(CART,JSON.stringify(items))}catch(e){} paint();
    })});
    paint();
    // carousel arrows
    $$('[aria-roledescription="carrusel"]').forEach(function(c){
      var t=c.children[2]; var p=c.children[1], n=c.children[3];
      p&&p.addEventListener('click',function(){t.scrollBy({left:-300,behavior:'smooth'})});
      n&&n.addEventListener('click',function(){t.scrollBy({left:300,behavior:'smooth'})});
    });
    // call-back form
    $$('[data-callback-form]').forEach(function(f){f.addEventListener('submit',function(ev){
      ev.preventDefault(); var ok=f.querySelector('p[hidden]'); if(ok) ok.hidden=false;
    })});
  });
})();
}},function(e){var n=function(n){return e(e.s=n)};e.O(0,[774,179],function(){return n(6840)});_N_E=e.O()}]);
