(self.webpackChunk_N_E=self.webpackChunk_N_E||[]).push([[179],{4878:function(e,t,n){"use strict";
/* next/dist/client/index.js (static export, hydration stubbed) */
window.next={version:"14.2.15",router:null,emitter:null};}},function(e){e.O(0,[774],function(){return e(e.s=4878)});_N_E=e.O()}]);
