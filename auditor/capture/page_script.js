// Runs inside the captured page (as a function expression) and returns plain data only.
// It reads the rendered DOM: text units with how they were shown, subject hints, links,
// the logo and the colours of the page chrome. It never modifies the page.
(opts) => {
  const SKIP = new Set(["SCRIPT", "STYLE", "NOSCRIPT", "TEMPLATE", "SVG", "IFRAME", "HEAD",
                        "META", "LINK", "BUTTON", "SELECT", "OPTION", "INPUT", "TEXTAREA"]);
  const TITLE_SEL = 'h1,h2,h3,h4,h5,h6,[role="heading"],[itemprop="name"],' +
                    '[class*="title"],[class*="name"],[class*="heading"]';
  const HEADING_SEL = 'h1,h2,h3,h4,h5,h6,[role="heading"]';
  const CHROME_SEL = 'header,nav,footer,[role="banner"],[role="navigation"],[role="contentinfo"]';
  const MAX_TEXT = 400;
  const vh = window.innerHeight, vw = window.innerWidth;
  const norm = (s) => (s || "").replace(/\s+/g, " ").trim();

  const cssPath = (el) => {
    const parts = [];
    while (el && el.nodeType === 1 && el !== document.body && el !== document.documentElement) {
      if (el.id && /^[A-Za-z][\w-]*$/.test(el.id)) { parts.unshift("#" + el.id); break; }
      let i = 1, sib = el;
      while ((sib = sib.previousElementSibling)) if (sib.tagName === el.tagName) i++;
      parts.unshift(el.tagName.toLowerCase() + ":nth-of-type(" + i + ")");
      el = el.parentElement;
    }
    if (!parts.length || !parts[0].startsWith("#")) parts.unshift("body");
    return parts.join(" > ");
  };

  const parseRgb = (s) => {
    const m = /rgba?\(([\d.]+)[, ]+([\d.]+)[, ]+([\d.]+)(?:[,\/ ]+([\d.]+))?\)/.exec(s || "");
    return m ? [ +m[1], +m[2], +m[3], m[4] === undefined ? 1 : +m[4] ] : null;
  };
  const lum = (c) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]);
  };
  const backgroundOf = (el) => {
    for (let e = el; e && e.nodeType === 1; e = e.parentElement) {
      const c = parseRgb(getComputedStyle(e).backgroundColor);
      if (c && c[3] > 0.5) return c;
    }
    return [255, 255, 255, 1];
  };
  const contrastOf = (el, cs) => {
    const fg = parseRgb(cs.color);
    if (!fg) return null;
    const a = lum(fg), b = lum(backgroundOf(el));
    return Math.round(((Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)) * 100) / 100;
  };
  const collapsedOf = (el) => {
    if (el.closest("details:not([open])") && !el.closest("summary")) return true;
    for (let e = el; e && e.nodeType === 1; e = e.parentElement) {
      if (e.hidden || e.getAttribute("aria-hidden") === "true") return true;
      const cs = getComputedStyle(e);
      if (cs.display === "none") return true;
      // A panel folded to no height with its overflow clipped: CSS-animated accordions
      // (max-height: 0; overflow: hidden) hide their text without display:none.
      if ((cs.overflowY === "hidden" || cs.overflowY === "clip") &&
          e.getBoundingClientRect().height < 1) return true;
    }
    return false;
  };

  // All elements in document order, so "precedes" is an index comparison.
  const all = Array.from(document.body ? document.body.querySelectorAll("*") : []);
  const order = new Map(all.map((e, i) => [e, i]));
  const titles = Array.from(document.querySelectorAll(TITLE_SEL))
    .filter((t) => !t.closest(CHROME_SEL) && norm(t.textContent).length > 1 &&
                   norm(t.textContent).length < 120)
    .sort((a, b) => order.get(a) - order.get(b));

  const hintsFor = (el) => {
    const idx = order.get(el);
    const out = [];
    // Nearest preceding title inside each ancestor, closest ancestor first: the card's own
    // title before the page's h1.
    for (let anc = el.parentElement; anc && anc !== document.documentElement; anc = anc.parentElement) {
      // The nearest one not already taken: a card's title is also the nearest title inside
      // the page's <main>, and the page's <h1> must still be found behind it.
      for (let i = titles.length - 1; i >= 0; i--) {
        const t = titles[i];
        if (order.get(t) > idx) continue;
        if (anc.contains(t)) {
          const txt = norm(t.textContent);
          if (out.includes(txt)) continue;
          out.push(txt);
          break;
        }
      }
      if (out.length >= 4) break;
    }
    const keyed = el.closest("[data-sku],[data-product-id],[data-offer-id],[data-offer]");
    if (keyed) {
      const k = keyed.getAttribute("data-sku") || keyed.getAttribute("data-product-id") ||
                keyed.getAttribute("data-offer-id") || keyed.getAttribute("data-offer");
      if (k) out.unshift("sku:" + k);
    }
    return out;
  };

  // A unit is an element with text and no descendant element that is itself a text block.
  const isBlock = (el) => {
    const d = getComputedStyle(el).display;
    return !(d === "inline" || d === "contents") ;
  };
  // Same answer as norm(text).length > 0 without building the normalised string: every
  // ancestor's textContent holds the whole subtree's text.
  const hasText = (el) => /\S/.test(el.textContent);
  const blocks = all.filter((el) => !SKIP.has(el.tagName) && !el.closest("script,style,noscript,template,svg") &&
                                      hasText(el) && isBlock(el));
  const blockSet = new Set(blocks);
  // Elements that contain a text block, found in one upward walk per block (linear; a
  // descendant scan per block is quadratic on large pages). Chains share ancestors, so a
  // walk stops at the first ancestor already marked.
  const holdsBlock = new Set();
  for (const b of blocks) {
    for (let a = b.parentElement; a && !holdsBlock.has(a); a = a.parentElement) holdsBlock.add(a);
  }
  const isLeaf = (el) => !holdsBlock.has(el);
  const startsWithAmount = (s) => /^[\s(]*(alk\.?\s*|from\s*)?[€$£]?\s*\d/i.test(s);

  const units = [];
  for (const el of blocks) {
    if (!isLeaf(el)) continue;
    let text = norm(el.textContent);
    if (!text || text.length > MAX_TEXT) continue;
    // A bare value takes its label from the previous sibling: th/td, dt/dd, label/value spans.
    // A heading is the offer's name, not a label: "Mobile Broadband 50" + "€14.90/month"
    // must not read as "50 €".
    const prev = el.previousElementSibling;
    if (startsWithAmount(text) && prev && blockSet.has(prev) && !prev.matches(HEADING_SEL)) {
      const label = norm(prev.textContent);
      if (label && label.length <= 60) text = label + " " + text;
    }
    const cs = getComputedStyle(el);
    const r = el.getBoundingClientRect();
    const collapsed = collapsedOf(el);
    const visible = !collapsed && r.width > 0 && r.height > 0 &&
      (el.checkVisibility ? el.checkVisibility({ checkOpacity: true, visibilityProperty: true }) : true);
    units.push({
      text,
      selector: cssPath(el),
      tag: el.tagName.toLowerCase(),
      visible,
      collapsed,
      font_px: parseFloat(cs.fontSize) || null,
      contrast: contrastOf(el, cs),
      above_fold: visible ? (r.top + window.scrollY) < vh : null,
      box: visible ? { x: r.left + window.scrollX, y: r.top + window.scrollY, w: r.width, h: r.height } : null,
      hints: hintsFor(el),
      chrome: !!el.closest(CHROME_SEL),
      html: el.outerHTML.slice(0, 600),
    });
  }

  // Elements named by the channel's configured selectors ("css:..." or "xpath:..."): their
  // text is the value of that attribute, whatever the heuristics would say.
  const selected = [];
  const selectorMap = (opts && opts.selectors) || {};
  for (const [attribute, rule] of Object.entries(selectorMap)) {
    let found = [];
    try {
      if (/^xpath:/i.test(rule)) {
        const res = document.evaluate(rule.slice(6), document, null,
                                      XPathResult.ORDERED_NODE_SNAPSHOT_TYPE, null);
        for (let i = 0; i < res.snapshotLength && i < 50; i++) found.push(res.snapshotItem(i));
      } else {
        found = Array.from(document.querySelectorAll(rule.replace(/^css:/i, ""))).slice(0, 50);
      }
    } catch (e) {
      selected.push({ attribute, rule, error: String(e && e.message || e).slice(0, 200) });
      continue;
    }
    for (let el of found) {
      if (el && el.nodeType !== 1) el = el.parentElement;  // an XPath text() or attribute node
      if (!el) continue;
      const r = el.getBoundingClientRect();
      const cs = getComputedStyle(el);
      const collapsed = collapsedOf(el);
      const visible = !collapsed && r.width > 0 && r.height > 0;
      selected.push({
        attribute, rule,
        text: norm(el.textContent).slice(0, MAX_TEXT),
        selector: cssPath(el),
        visible, collapsed,
        font_px: parseFloat(cs.fontSize) || null,
        contrast: contrastOf(el, cs),
        above_fold: visible ? (r.top + window.scrollY) < vh : null,
        box: visible ? { x: r.left + window.scrollX, y: r.top + window.scrollY, w: r.width, h: r.height } : null,
        hints: hintsFor(el),
        html: el.outerHTML.slice(0, 600),
      });
    }
  }

  const links = Array.from(document.querySelectorAll("a[href]"))
    .map((a) => a.href).filter((h) => /^https?:/i.test(h));

  // Logo: a configured selector, else the usual places.
  let logo = null;
  const logoSel = opts && opts.logoSelector ? [opts.logoSelector] :
    ['header img[class*="logo" i]', 'header [class*="logo" i] img', 'img[class*="logo" i]',
     '[class*="logo" i] img', 'img[alt*="logo" i]', 'header img', 'header svg'];
  for (const s of logoSel) {
    const el = document.querySelector(s);
    if (!el) continue;
    const r = el.getBoundingClientRect();
    if (r.width < 4 || r.height < 4) continue;
    logo = { selector: cssPath(el), alt: el.getAttribute("alt") || "", src: el.currentSrc || el.src || "",
             box: { x: r.left + window.scrollX, y: r.top + window.scrollY, w: r.width, h: r.height } };
    break;
  }

  // Colours of the page chrome and calls to action, weighted by area.
  const colours = [];
  const colourEls = document.querySelectorAll(
    'header,nav,[role="banner"],button,.btn,[class*="button"],[class*="btn"],a[class*="cta"],[class*="primary"]');
  for (const el of colourEls) {
    const r = el.getBoundingClientRect();
    if (r.width <= 0 || r.height <= 0) continue;
    const c = parseRgb(getComputedStyle(el).backgroundColor);
    if (!c || c[3] < 0.5) continue;
    colours.push({ rgb: c.slice(0, 3), area: r.width * r.height, selector: cssPath(el) });
  }
  const theme = document.querySelector('meta[name="theme-color"]');
  const fonts = {};
  for (const el of titles.slice(0, 10).concat(blocks.slice(0, 40))) {
    const f = getComputedStyle(el).fontFamily;
    fonts[f] = (fonts[f] || 0) + 1;
  }

  // The HTML goes back only when the page carries structured data (schema.org JSON-LD,
  // microdata, RDFa, OpenGraph) for extruct to read: serialising every page cost more than
  // the rest of the visit (Playwright's page.content() took 116 ms of a 330 ms visit on the
  // benchmark's shop), and most pages of a site have none.
  const STRUCTURED = 'script[type="application/ld+json"],[itemscope],[itemtype],[typeof],' +
                     '[vocab],[property]';
  let html = null;
  if (document.querySelector(STRUCTURED)) {
    const dt = document.doctype;
    html = (dt ? "<!DOCTYPE " + dt.name + ">" : "") + document.documentElement.outerHTML;
  }

  return {
    url: location.href,
    html,
    title: document.title,
    lang: document.documentElement.lang || null,
    viewport: { w: vw, h: vh },
    units, links, logo, colours, selected,
    theme_color: theme ? theme.getAttribute("content") : null,
    fonts,
  };
}
