// Runs inside the captured page (as a function expression) and returns plain data only.
// It reads the rendered DOM: text units with how they were shown, where they sit on the page
// (the page's own offer, the site's chrome, another product's card) and their subject hints,
// links, the logo, the top bar's colour. It never modifies the page.
//
// auditor/extract/units.py gives the same units for HTML that no browser rendered; the rules
// below and there are the same rules (docs/extraction.md, "From a page to observations").
(opts) => {
  const SKIP = new Set(["SCRIPT", "STYLE", "NOSCRIPT", "TEMPLATE", "SVG", "IFRAME", "HEAD",
                        "META", "LINK", "BUTTON", "SELECT", "OPTION", "INPUT", "TEXTAREA",
                        "OBJECT", "CANVAS", "VIDEO", "AUDIO"]);
  // Elements whose text never enters a unit or a label, wherever they are.
  const SKIP_TEXT = new Set(["SCRIPT", "STYLE", "NOSCRIPT", "TEMPLATE", "SVG", "IFRAME",
                             "SELECT", "OPTION", "TEXTAREA", "BUTTON", "OBJECT", "CANVAS"]);
  const STRUCK = new Set(["DEL", "S", "STRIKE"]);
  const ATOMIC = new Set(["inline-block", "inline-flex", "inline-grid", "inline-table"]);
  // Displays that flow inside a line of text: part of the unit around them.
  const INLINE = new Set(["inline", "inline-block", "inline-flex", "inline-grid",
                          "inline-table", "contents", "ruby", "ruby-text"]);
  const TITLE_SEL = 'h1,h2,h3,h4,h5,h6,[role="heading"],[itemprop="name"],' +
                    '[class*="title"],[class*="name"],[class*="heading"]';
  const HEADING_SEL = 'h1,h2,h3,h4,h5,h6,[role="heading"]';
  const CHROME_SEL = 'header,nav,footer,[role="banner"],[role="navigation"],[role="contentinfo"]';
  const KEYED_SEL = "[data-sku],[data-product-id],[data-offer-id],[data-offer]";
  // Longest unit text. A longer block (a legal note, terms in one paragraph) is read up to
  // its last full sentence within this; the same in the static path (extract/units.py).
  const MAX_TEXT = 2000;
  const cutLong = (text, struck) => {
    if (text.length <= MAX_TEXT) return [text, struck];
    const dot = text.lastIndexOf(". ", MAX_TEXT - 2);
    const at = dot > MAX_TEXT / 2 ? dot + 1 : MAX_TEXT;
    return [text.slice(0, at), struck.filter(([a]) => a < at).map(([a, b]) => [a, Math.min(b, at)])];
  };
  // A flex or grid row of short pieces ("19" ",90 €", "€" "229") reads as one line of text.
  const SHORT_ITEM = 40, SHORT_ROW = 100;
  const vh = window.innerHeight, vw = window.innerWidth;
  const here = location.href.split("#")[0];
  const norm = (s) => (s || "").replace(/\s+/g, " ").trim();
  const styles = new Map();
  const style = (el) => { let s = styles.get(el); if (!s) { s = getComputedStyle(el); styles.set(el, s); } return s; };

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
      const c = parseRgb(style(e).backgroundColor);
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
  // Text for screen readers only ("sr-only", WordPress's "screen-reader-text": a 1 px box,
  // clipped, taken out of the flow) is not on the screen. aria-hidden is the reverse: it
  // hides from screen readers what sighted customers do see (WooCommerce's struck and
  // current prices), so it hides nothing here.
  const srOnly = (e, cs) => {
    if (cs.position !== "absolute" && cs.position !== "fixed") return false;
    const r = e.getBoundingClientRect();
    if (r.width > 1 || r.height > 1) return false;
    return cs.overflow === "hidden" || cs.overflow === "clip" ||
      (cs.clip && cs.clip !== "auto") || (cs.clipPath && cs.clipPath !== "none");
  };
  const collapsedOf = (el) => {
    if (el.closest("details:not([open])") && !el.closest("summary")) return true;
    for (let e = el; e && e.nodeType === 1; e = e.parentElement) {
      if (e.hidden) return true;
      const cs = style(e);
      if (cs.display === "none" || srOnly(e, cs)) return true;
      // A panel folded to no height with its overflow clipped: CSS-animated accordions
      // (max-height: 0; overflow: hidden) hide their text without display:none.
      if ((cs.overflowY === "hidden" || cs.overflowY === "clip") &&
          e.getBoundingClientRect().height < 1) return true;
    }
    return false;
  };

  // The title of the closed section a collapsed element sits in: a closed <details>' summary,
  // the control naming the panel (aria-controls, aria-labelledby), or the button or heading
  // right before it. The same in the static path (extract/units.py fold_title).
  const foldTitle = (el) => {
    const details = el.closest("details:not([open])");
    if (details) {
      const summary = Array.from(details.children).find((c) => c.tagName === "SUMMARY");
      return summary ? norm(summary.textContent) || null : null;
    }
    for (let e = el; e && e.nodeType === 1 && e !== document.body; e = e.parentElement) {
      if (!(e.hidden || style(e).display === "none")) continue;
      const by = e.getAttribute("aria-labelledby");
      const named = by ? document.getElementById(by.split(/\s+/)[0]) : null;
      const control = named || (e.id ? document.querySelector(`[aria-controls="${CSS.escape(e.id)}"]`) : null);
      if (control) return norm(control.textContent) || null;
      const prev = e.previousElementSibling;
      if (prev && (prev.tagName === "BUTTON" || prev.matches(HEADING_SEL))) return norm(prev.textContent) || null;
      return null;
    }
    return null;
  };

  // All elements in document order, so "precedes" is an index comparison; end[i] is the
  // index of the last element inside all[i] (its subtree is all[i..end[i]]).
  const all = Array.from(document.body ? document.body.querySelectorAll("*") : []);
  const order = new Map(all.map((e, i) => [e, i]));
  const end = new Array(all.length);
  for (let i = all.length - 1; i >= 0; i--) {
    const last = all[i].lastElementChild;
    end[i] = last ? end[order.get(last)] : i;
  }
  const inside = (outer, inner) => {  // inner (an element) is outer or inside it
    const a = order.get(outer), b = order.get(inner);
    return a !== undefined && b !== undefined && a <= b && b <= end[a];
  };

  // --- text as a reader sees it -----------------------------------------------------------
  // Text of a list of nodes: hidden parts and script/style/template text left out, a space
  // where a line breaks, superscript cents joined to their amount ("$229<sup>99</sup>" is
  // $229.99), footnote marks dropped, struck-through parts noted as [start, end] spans.
  const compose = (nodes) => {
    let out = "";
    let edge = false;  // an element started or ended since the last text
    const struck = [];
    const put = (s, isStruck) => {
      s = s.replace(/\s+/g, " ");
      if (!s) return;
      if (s.startsWith(" ") && (out === "" || out.endsWith(" "))) s = s.slice(1);
      if (!s) return;
      // A word and a number in two elements with nothing between ("Familietillegg" +
      // "99,-") are two pieces of text; a letter never runs into a digit across elements.
      // Two numbers in two elements ("Fiber 250" + "199:-/mån") are two numbers too.
      if (edge && (/\p{L}$/u.test(out) && /^\d/.test(s) || /\d$/.test(out) && /^[\p{L}\d]/u.test(s))) out += " ";
      edge = false;
      const start = out.length;
      out += s;
      if (isStruck) {
        const a = start + (s.length - s.trimStart().length), b = out.trimEnd().length;
        if (b > a) struck.push([a, b]);
      }
    };
    const space = () => { if (out && !out.endsWith(" ")) out += " "; };
    // Hidden parts inside a unit are left out; a unit that is hidden as a whole is still
    // read (and marked hidden): a fee in a display:none panel is a hidden fee.
    const walk = (node, isStruck, root) => {
      if (node.nodeType === 3) { put(node.data, isStruck); return; }
      if (node.nodeType !== 1) return;
      const tag = node.tagName;
      if (SKIP_TEXT.has(tag)) return;
      if (tag === "BR") { space(); return; }
      const cs = style(node);
      if (srOnly(node, cs)) return;  // not on screen, even as an anonymous run's root
      if (!root && (cs.display === "none" || cs.visibility === "hidden")) return;
      const strike = isStruck || STRUCK.has(tag) ||
        (cs.textDecorationLine || "").includes("line-through");
      // A struck-through price is another value: it never runs into the text beside it.
      if (strike && !isStruck) space();
      if (tag === "SUP") {
        const t = norm(node.textContent);
        if (/^[0-9]{1,2}$/.test(t) && /[0-9][.,]?$/.test(out)) {
          // Cents set in superscript: "229" + "99" is 229.99, "1.299" + "00" is 1.299,00.
          if (/[0-9]$/.test(out)) {
            const num = /[0-9][0-9 .,'’]*$/.exec(out)[0];
            out += num.includes(".") && !num.includes(",") && /\.[0-9]{3}$/.test(num) ? "," : ".";
          }
          put(t.length === 1 ? t + "0" : t, strike);
          return;
        }
        if (/^[*†‡¹²³⁴0-9]{1,2}$/.test(t)) return;  // a footnote mark, not part of the amount
      }
      // A block, and an atomic inline box (a chip, a badge: inline-block, inline-flex),
      // stands apart from its neighbours; "19 ,90" split over boxes is joined again below.
      const apart = !INLINE.has(cs.display) || (!root && ATOMIC.has(cs.display));
      if (apart) space();
      edge = true;
      for (const child of node.childNodes) walk(child, strike, false);
      edge = true;
      if (apart || (strike && !isStruck)) space();
    };
    for (const n of nodes) walk(n, false, true);
    const lead = out.length - out.trimStart().length;
    out = out.trim();
    // Pieces of one amount split over flex items or spans ("19" ",90 €"): one number.
    const fixed = out.replace(/([0-9]) ([.,][0-9]{2}(?![0-9]))/g, "$1$2");
    const shift = out.length - fixed.length;
    return { text: fixed, struck: struck.map(([a, b]) => [Math.max(0, a - lead),
                                                           Math.max(0, b - lead - shift)]) };
  };

  // --- units -------------------------------------------------------------------------------
  const hasText = (el) => /\S/.test(el.textContent);
  const isFlexRow = (el) => {
    const cs = style(el);
    if (cs.display === "flex" || cs.display === "inline-flex")
      return !cs.flexDirection.startsWith("column");
    return cs.display === "grid" || cs.display === "inline-grid";
  };
  // Short leaf items of a short flex or grid row are pieces of one line, not units.
  const rowPiece = (el) => {
    const p = el.parentElement;
    if (!p) return false;
    if (!isFlexRow(p)) {
      // A stack inside a piece of such a row ("9" beside ",90" over "€/mes", set one above
      // the other) is part of the same line.
      const cs = style(p);
      return (cs.display === "flex" || cs.display === "inline-flex") &&
        el.textContent.length <= SHORT_ITEM && !el.matches(HEADING_SEL) && rowPiece(p);
    }
    const own = el.textContent.length;
    return own <= SHORT_ITEM && p.textContent.length <= SHORT_ROW * 3 &&
      norm(p.textContent).length <= SHORT_ROW && !el.querySelector(HEADING_SEL) &&
      !el.matches(HEADING_SEL);
  };
  const isBlock = (el) => !INLINE.has(style(el).display) && !rowPiece(el);
  const startsWithAmount = (s) => /^[\s(]*(alk\.?\s*|from\s*|ab\s*|fra\s*|från\s*|dès\s*)?[^\s\d]{0,3}\s*\d/i.test(s);

  // --- where a unit sits: chrome, another product's card, or the page's own offer ---------
  const chromeOf = (el) => el.closest(CHROME_SEL);
  // Titles, outermost only (a card's <h3> and the <a class="name"> inside it are one title).
  const titleEls = Array.from(document.querySelectorAll(TITLE_SEL))
    .filter((t) => !chromeOf(t) && order.has(t) && norm(t.textContent).length > 1 &&
                   norm(t.textContent).length < 120)
    .sort((a, b) => order.get(a) - order.get(b));
  const titles = [];
  for (const t of titleEls) {
    const last = titles[titles.length - 1];
    if (last && inside(last, t)) continue;
    titles.push(t);
  }
  const titleIdx = titles.map((t) => order.get(t));
  const titlesIn = (el) => {  // how many titles lie inside el
    const a = order.get(el), b = end[a];
    let lo = 0, hi = titleIdx.length;
    while (lo < hi) { const m = (lo + hi) >> 1; if (titleIdx[m] < a) lo = m + 1; else hi = m; }
    let n = 0;
    for (let i = lo; i < titleIdx.length && titleIdx[i] <= b; i++) n++;
    return n;
  };
  const linksAway = (el) => {
    const links = el.matches("a[href]") ? [el] : [];
    const up = el.closest("a[href]");
    if (up) links.push(up);
    for (const a of el.querySelectorAll("a[href]")) links.push(a);
    return links.some((a) => /^https?:/i.test(a.href) && a.href.split("#")[0] !== here);
  };
  // The item a title heads: its highest ancestor that holds no other title.
  const itemOf = new Map();
  for (const t of titles) {
    let item = t;
    for (let a = t.parentElement; a && a !== document.body && titlesIn(a) === 1; a = a.parentElement) item = a;
    itemOf.set(t, item);
  }
  // The page's own title: its first visible <h1> outside cards, else its most prominent
  // title in the first screens (the largest text), else none.
  const visibleBox = (el) => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
  let mainTitle = titles.find((t) => t.tagName === "H1" && visibleBox(t) && !linksAway(t)) ||
                  titles.find((t) => t.tagName === "H1" && visibleBox(t)) || null;
  if (!mainTitle) {
    let best = null, size = 0;
    for (const t of titles) {
      const r = t.getBoundingClientRect();
      if (!(r.width > 0 && r.height > 0) || r.top + window.scrollY > vh * 1.5) continue;
      const px = parseFloat(style(t).fontSize) || 0;
      if (px > size && !linksAway(t)) { best = t; size = px; }
    }
    mainTitle = best;
  }
  const mainText = mainTitle ? norm(mainTitle.textContent) : null;
  // A card: the item of a title that links to another page, or an element keyed by a
  // product code (data-sku …) — unless it is the page's own title or product.
  const cards = new Set();
  for (const t of titles) {
    if (t === mainTitle) continue;
    const item = itemOf.get(t);
    if (item !== t && item.contains(mainTitle)) continue;
    if (linksAway(t) || item.matches(KEYED_SEL)) cards.add(item);
  }
  // Cards without a title element: a link to another page that wraps a product's name and
  // price ("<a class=kort href=/m/abonnement/5gb/><span>Fjellnett 5 GB</span><span>299,-
  // </span></a>"), or one of several sibling boxes, each with a link away and a number.
  const cardTitles = new Map();
  // A tile's first two lines of words: a badge ("Most popular") often comes before the
  // name, and matching takes whichever names an offer.
  const firstLines = (el) => {
    const t = el.querySelector(TITLE_SEL);
    if (t && norm(t.textContent) && norm(t.textContent).length < 120) return [norm(t.textContent)];
    const out = [];
    for (const d of el.querySelectorAll("*")) {
      if (SKIP_TEXT.has(d.tagName) || d.querySelector("*:not(br):not(img)")) continue;
      const tx = norm(d.textContent);
      if (tx && tx.length <= 80 && /\p{L}{2}/u.test(tx) && /^[\p{L}\p{N}]/u.test(tx) &&
          !startsWithAmount(tx)) out.push(tx);
      if (out.length === 2) break;
    }
    if (out.length) return out;
    const label = el.getAttribute("aria-label") || el.getAttribute("title");
    return label ? [norm(label).slice(0, 120)] : null;
  };
  const TILE_MAX = 400;
  const isAway = (a) => /^https?:/i.test(a.href) && a.href.split("#")[0] !== here;
  const signature = (e) => e.tagName + "." + (e.getAttribute("class") || "");
  for (const a of document.querySelectorAll("a[href]")) {
    if (!isAway(a) || chromeOf(a) || (mainTitle && a.contains(mainTitle))) continue;
    const txt = norm(a.textContent);
    let card = null;
    if (a.children.length && /[0-9]/.test(txt) && txt.length <= 300) card = a;
    else {
      for (let e = a.parentElement, depth = 0; e && e !== document.body && depth < 5; e = e.parentElement, depth++) {
        if ((mainTitle && e.contains(mainTitle)) || e.textContent.length > 1200) break;
        const p = e.parentElement;
        if (!p) break;
        const twins = Array.from(p.children).filter((c) => signature(c) === signature(e));
        // Tiles of a grid or carousel: every twin links away and shows a number, and is a
        // tile's size (sections of a page that each hold a grid are not tiles).
        if (twins.length >= 2 && norm(e.textContent).length <= TILE_MAX && twins.every((c) => /[0-9]/.test(c.textContent) &&
            Array.from(c.querySelectorAll("a[href]")).some(isAway))) {
          card = e; break;
        }
      }
    }
    if (card && !cards.has(card) && !cardTitles.has(card)) {
      const lines = firstLines(card);
      if (lines) cardTitles.set(card, lines);
    }
  }
  const cardOf = (el) => {
    for (let e = el; e && e !== document.body; e = e.parentElement) {
      if (cards.has(e) || cardTitles.has(e)) return e;
    }
    const keyed = el.closest(KEYED_SEL);
    if (keyed && keyed !== document.body && !(mainTitle && keyed.contains(mainTitle))) return keyed;
    return null;
  };
  const keyOf = (el) => {
    const keyed = el.closest(KEYED_SEL);
    if (!keyed) return null;
    return keyed.getAttribute("data-sku") || keyed.getAttribute("data-product-id") ||
           keyed.getAttribute("data-offer-id") || keyed.getAttribute("data-offer");
  };

  // Candidate offer names for a unit, closest first. Inside a card: the card's own titles
  // only (another product's name never falls back to the page's). Elsewhere: the nearest
  // titles whose own item holds the unit (a title inside some other card does not count),
  // then the page's own title.
  // A comparison table: a cell's offer is its column's header ("5 GB" | "15 GB" | "Fri"),
  // its label the row's header ("Pris", "Binding").
  const headerOf = (table) => {
    const row = (table.tHead && table.tHead.rows[0]) || table.rows[0];
    if (!row) return null;
    const cells = Array.from(row.cells);
    const named = cells.filter((c) => norm(c.textContent));
    if (named.length < 2 || !cells.every((c) => c.tagName === "TH" || !norm(c.textContent))) return null;
    return row;
  };
  const tableContext = (el) => {
    const cell = el.closest("td,th");
    if (!cell || cell.tagName !== "TD") return null;
    const table = cell.closest("table"), row = cell.parentElement;
    const header = table ? headerOf(table) : null;
    if (!header || row === header) return null;
    let col = 0;
    for (const c of row.cells) { if (c === cell) break; col += c.colSpan || 1; }
    let at = 0, head = null;
    for (const c of header.cells) { if (at === col) { head = c; break; } at += c.colSpan || 1; }
    const first = row.cells[0];
    return { column: head ? norm(head.textContent) : null,
             label: first && first !== cell ? norm(first.textContent) : null,
             first: row.cells[1] === cell };
  };

  const hintsFor = (el, last, card, role) => {
    const idx = last;  // the unit's last element: titles inside the unit count
    const out = [];

    const limit = card || document.body;
    for (let anc = el; anc; anc = anc.parentElement) {
      for (let i = titles.length - 1; i >= 0; i--) {
        const t = titles[i];
        if (titleIdx[i] > idx || !inside(anc, t) && anc !== document.body) continue;
        if (!card && t !== mainTitle) {
          const tcard = cardOf(t);
          if (tcard && !tcard.contains(el)) continue;
        }
        const txt = norm(t.textContent);
        if (out.includes(txt)) continue;
        out.push(txt);
        break;
      }
      if (out.length >= 4 || anc === limit) break;
    }
    if (card && cardTitles.has(card)) {
      for (const line of cardTitles.get(card)) if (!out.includes(line)) out.push(line);
    }
    if (role === "main" && mainText && !out.includes(mainText)) out.push(mainText);
    const k = keyOf(card || el);
    if (k) out.unshift("sku:" + k);
    return out;
  };

  // A card is a box of its own, whatever its display says (a link wrapping a tile).
  const blocks = all.filter((el) => !SKIP.has(el.tagName) && !el.closest("script,style,noscript,template,svg") &&
                                      hasText(el) && (isBlock(el) || cards.has(el) || cardTitles.has(el)) &&
                                      // absolutely positioned, so blockified; but not on screen
                                      !srOnly(el, style(el)));
  const blockSet = new Set(blocks);
  // Elements that contain a text block, found in one upward walk per block (linear).
  const holdsBlock = new Set();
  for (const b of blocks) {
    for (let a = b.parentElement; a && !holdsBlock.has(a); a = a.parentElement) holdsBlock.add(a);
  }

  // What the shop's own markup says a price is: classes and ids such as "price-tag
  // old-price", "product-price--old", "was-price" mark a former price, "new-price",
  // "our-price", itemprop=price the current one. Shops name them in English whatever their
  // language; the element and three ancestors are read.
  const PRICE_WORDS = /price|preis|prix|precio|prezzo|pris|hinta|cena|fiyat|prijs|pre[cç]o|amount|cost/i;
  const LIST_WORDS = /(?:^|[-_\s])(?:old|was|before|regular|list|rrp|uvp|msrp|strike|striked|crossed|compare|original|previous|former|ord|normal)(?:$|[-_\s])|(?:old|was|list|regular|compare|original|strike)[-_]?price|price[-_]?(?:old|was|before|regular|list|compare|original|strike)/i;
  const priceClass = (el) => {
    // A unit that is one element's text ("<span class=price>590</span>") is that element.
    while (el.children.length === 1 && norm(el.children[0].textContent) === norm(el.textContent)) {
      el = el.children[0];
    }
    for (let e = el, n = 0; e && e !== document.body && n < 4; e = e.parentElement, n++) {
      const name = (e.getAttribute("class") || "") + " " + (e.id || "") + " " + (e.getAttribute("itemprop") || "");
      if (LIST_WORDS.test(name) && PRICE_WORDS.test(name)) return "list";
      if (PRICE_WORDS.test(name)) return "price";
    }
    return null;
  };

  const units = [];
  // lastIdx: the index of the unit's last element in document order (titles up to it may
  // name the unit; -1 before any element).
  const addUnit = (el, nodes, lastIdx, box) => {
    // Screen-reader-only text repeats what the screen shows ("Original price was: …"):
    // it is not a second statement to the customer.
    for (let e = el; e && e.nodeType === 1; e = e.parentElement) if (srOnly(e, style(e))) return;
    const composed = compose(nodes);
    if (!composed.text) return;
    let [text, struck] = cutLong(composed.text, composed.struck);
    // A bare value takes its label from the previous sibling: th/td, dt/dd, label/value;
    // a <dd> always does ("Danach" + "monatlich kündbar": its <dt> says what it is about).
    // A heading is the offer's name, not a label: "Mobile Broadband 50" + "€14.90/month"
    // must not read as "50 €".
    const prev = nodes.length === 1 && nodes[0] === el ? el.previousElementSibling : null;
    // A cell of a table with a header row: its column and row headers go along, and the
    // extractor decides which names the offer and which the attribute (page.py).
    const tc = nodes.length === 1 && nodes[0] === el ? tableContext(el) : null;
    if (tc) {
      // the headers replace the previous-sibling label
    } else if ((startsWithAmount(text) || (el.tagName === "DD" && prev && prev.tagName === "DT")) &&
               prev && blockSet.has(prev) && !prev.matches(HEADING_SEL) &&
               !prev.querySelector(HEADING_SEL)) {  // a section with a heading is no label
      const label = compose([prev]).text;
      // A label names no other number ("Mobile Broadband 50" is a name), save months and an
      // aside in parentheses ("Monatlicher Grundpreis (Monat 1–6)").
      if (label && label.length <= 60 && !/[0-9]/.test(label.replace(/\([^()]{0,80}\)/g, "").replace(/[0-9]+\s*(kk|mån|mnd|months?|Monate?)/gi, ""))) {
        text = label + " " + text;
        struck = struck.map(([a, b]) => [a + label.length + 1, b + label.length + 1]);
      }
    }
    const cs = style(el);
    const collapsed = collapsedOf(el);
    const visible = !collapsed && box.width > 0 && box.height > 0 &&
      (el.checkVisibility ? el.checkVisibility({ checkOpacity: true, visibilityProperty: true }) : true);
    const chrome = !!chromeOf(el);
    const card = chrome ? null : cardOf(el);
    const role = chrome ? "chrome" : card ? "other" : "main";
    units.push({
      text,
      struck,
      selector: cssPath(el),
      tag: el.tagName.toLowerCase(),
      visible,
      collapsed,
      section: collapsed ? foldTitle(el) : null,
      font_px: parseFloat(cs.fontSize) || null,
      contrast: contrastOf(el, cs),
      above_fold: visible ? (box.top + window.scrollY) < vh : null,
      box: visible ? { x: box.left + window.scrollX, y: box.top + window.scrollY, w: box.width, h: box.height } : null,
      hints: hintsFor(el, lastIdx, card, role),
      chrome,
      role,
      table: tc ? { column: tc.column, row: tc.label } : null,
      price_class: priceClass(el),
      linked: !!el.closest("a[href]"),
      html: el.outerHTML.slice(0, 600),
    });
  };
  const readBlock = (el) => {
    if (!holdsBlock.has(el)) {  // a leaf: its whole text is one unit
      addUnit(el, [el], el === document.body ? all.length - 1 : end[order.get(el)],
              el.getBoundingClientRect());
      return;
    }
    // Text beside blocks (loose text in <body>, a <span> next to an <h1>): each run of
    // inline content between block children is a unit of its own.
    let run = [];
    const flush = () => {
      if (run.some((n) => (n.nodeType === 3 ? /\S/.test(n.data) : hasText(n)))) {
        const range = document.createRange();
        range.setStartBefore(run[0]);
        range.setEndAfter(run[run.length - 1]);
        const lastEl = [...run].reverse().find((n) => n.nodeType === 1);
        const prev = run[0].previousElementSibling;
        const lastIdx = lastEl ? end[order.get(lastEl)] : prev ? end[order.get(prev)]
          : el === document.body ? -1 : order.get(el);
        addUnit(el, run, lastIdx, range.getBoundingClientRect());
      }
      run = [];
    };
    for (const child of el.childNodes) {
      if (child.nodeType === 1 && (blockSet.has(child) || holdsBlock.has(child) || SKIP.has(child.tagName))) {
        flush();
      } else if (child.nodeType === 1 || child.nodeType === 3) {
        run.push(child);
      }
    }
    flush();
  };
  for (const el of blocks) readBlock(el);
  // The body is a block too: text written straight into it is read like any other.
  if (document.body && hasText(document.body) && !SKIP.has(document.body.tagName)) readBlock(document.body);

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
      if (!el || !order.has(el) && el !== document.body) continue;
      const r = el.getBoundingClientRect();
      const cs = style(el);
      const collapsed = collapsedOf(el);
      const visible = !collapsed && r.width > 0 && r.height > 0;
      const composed = compose([el]);
      const chrome = !!chromeOf(el);
      const card = chrome ? null : cardOf(el);
      const role = chrome ? "chrome" : card ? "other" : "main";
      selected.push({
        attribute, rule,
        text: composed.text.slice(0, MAX_TEXT),
        struck: composed.struck,
        selector: cssPath(el),
        visible, collapsed,
        font_px: parseFloat(cs.fontSize) || null,
        contrast: contrastOf(el, cs),
        above_fold: visible ? (r.top + window.scrollY) < vh : null,
        box: visible ? { x: r.left + window.scrollX, y: r.top + window.scrollY, w: r.width, h: r.height } : null,
        hints: hintsFor(el, order.has(el) ? end[order.get(el)] : 0, card, role),
        chrome, role,
        html: el.outerHTML.slice(0, 600),
      });
    }
  }

  const links = Array.from(document.querySelectorAll("a[href]"))
    .map((a) => a.href).filter((h) => /^https?:/i.test(h));

  // --- the top bar and its colour ----------------------------------------------------------
  // The bar across the top of the page, whatever its tag (header, nav, div.appbar,
  // [role=banner]): the first element at the top that spans the viewport and paints a
  // background. Its colour is the brand's primary colour on most sites.
  let topbar = null;
  for (const el of all) {
    if (el.parentElement && el.parentElement !== document.body &&
        order.get(el.parentElement) !== undefined && !topbar &&
        all.indexOf(el.parentElement) > 40) break;
    const r = el.getBoundingClientRect();
    if (r.top + window.scrollY > 8 || r.width < vw * 0.9 || r.height < 24 || r.height > 240) continue;
    const c = parseRgb(style(el).backgroundColor);
    if (c && c[3] >= 0.5) { topbar = el; break; }
  }

  // --- logo ---------------------------------------------------------------------------------
  // A configured selector; else, in the top bar or header first, an element named for the
  // brand (alt, title, aria-label, file name) or for a logo (class, id), an inline <svg>, an
  // <img> (raster or SVG) or a CSS background image.
  const brand = (opts && opts.brand) ? String(opts.brand) : "";
  const fold = (s) => (s || "").normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/[^a-z0-9]/g, "");
  const brandKey = fold(brand);
  const named = (el) => {
    const says = [el.getAttribute("alt"), el.getAttribute("title"), el.getAttribute("aria-label"),
                  el.tagName === "IMG" ? (el.currentSrc || el.src || "").split("/").pop() : null,
                  el.tagName.toLowerCase() === "svg" && el.querySelector("title") ? el.querySelector("title").textContent : null];
    const anc = el.closest("a[aria-label],a[title]");
    if (anc) says.push(anc.getAttribute("aria-label"), anc.getAttribute("title"));
    return says.some((s) => s && ((brandKey && fold(s).includes(brandKey)) || /logo/i.test(s)));
  };
  const logoLike = (el) => /logo|brand/i.test((el.getAttribute("class") || "") + " " + (el.id || ""));
  const bgUrl = (el) => { const m = /url\(["']?([^"')]+)["']?\)/.exec(style(el).backgroundImage || ""); return m ? m[1] : null; };
  const boxOf = (el) => { const r = el.getBoundingClientRect(); return { x: r.left + window.scrollX, y: r.top + window.scrollY, w: r.width, h: r.height }; };
  const describeLogo = (el) => {
    const r = el.getBoundingClientRect();
    if (r.width < 4 || r.height < 4) return null;
    const tag = el.tagName.toLowerCase();
    const out = { selector: cssPath(el), alt: el.getAttribute("alt") || el.getAttribute("aria-label") ||
                  el.getAttribute("title") || "", box: boxOf(el), src: "", kind: "element" };
    if (tag === "img") { out.src = el.currentSrc || el.src || ""; out.kind = /\.svg(\?|$)/i.test(out.src) ? "svg-file" : "image"; }
    else if (tag === "svg") {
      // The SVG as drawn: computed fills and strokes inlined, so it renders the same alone.
      const clone = el.cloneNode(true);
      const src = [el, ...el.querySelectorAll("*")], dst = [clone, ...clone.querySelectorAll("*")];
      for (let i = 0; i < src.length && i < 2000; i++) {
        const cs = style(src[i]);
        dst[i].setAttribute("style", `fill:${cs.fill};stroke:${cs.stroke};opacity:${cs.opacity};` +
          `color:${cs.color};font-family:${cs.fontFamily};font-size:${cs.fontSize};font-weight:${cs.fontWeight}`);
      }
      clone.setAttribute("width", String(Math.round(r.width)));
      clone.setAttribute("height", String(Math.round(r.height)));
      if (!clone.getAttribute("xmlns")) clone.setAttribute("xmlns", "http://www.w3.org/2000/svg");
      out.svg = clone.outerHTML.slice(0, 200000);
      out.kind = "svg";
      if (!out.alt && el.querySelector("title")) out.alt = norm(el.querySelector("title").textContent);
    } else if (bgUrl(el)) { out.src = new URL(bgUrl(el), location.href).href; out.kind = /\.svg(\?|$)/i.test(out.src) ? "svg-file" : "image"; }
    else return null;
    return out;
  };
  let logo = null;
  if (opts && opts.logoSelector) {
    const el = document.querySelector(opts.logoSelector);
    if (el) logo = describeLogo(el) || (el.querySelector("img,svg") && describeLogo(el.querySelector("img,svg")));
  } else {
    const regions = [topbar, ...document.querySelectorAll('header,[role="banner"]'), document.body].filter(Boolean);
    search: for (const region of regions) {
      const candidates = Array.from(region.querySelectorAll("img,svg,[class*='logo' i],[id*='logo' i],[class*='brand' i],a[href]"))
        .filter((el) => !el.closest("svg") || el.tagName.toLowerCase() === "svg" && !el.parentElement.closest("svg"));
      const ranked = [
        ...candidates.filter((el) => (el.tagName === "IMG" || el.tagName.toLowerCase() === "svg") && named(el)),
        ...candidates.filter((el) => logoLike(el) && (el.tagName === "IMG" || el.tagName.toLowerCase() === "svg" || bgUrl(el))),
        ...candidates.filter((el) => logoLike(el)).map((el) => el.querySelector("img,svg")).filter(Boolean),
        ...candidates.filter((el) => el.tagName === "A" && /^\/?$|^[^?#]*\/$/.test(new URL(el.href, location.href).pathname) && (el.querySelector("img,svg") || bgUrl(el)))
          .map((el) => el.querySelector("img,svg") || el),
      ];
      for (const el of ranked) {
        if (region === document.body && !(named(el) || logoLike(el))) continue;
        const d = describeLogo(el);
        if (d) { logo = d; break search; }
      }
    }
  }

  // Colours of the page chrome and calls to action, weighted by area; the top bar's own.
  const colours = [];
  if (topbar) {
    const r = topbar.getBoundingClientRect();
    colours.push({ rgb: parseRgb(style(topbar).backgroundColor).slice(0, 3), area: r.width * r.height,
                   selector: cssPath(topbar), topbar: true });
  }
  const colourEls = document.querySelectorAll(
    'header,nav,[role="banner"],button,.btn,[class*="button"],[class*="btn"],a[class*="cta"],[class*="primary"]');
  for (const el of colourEls) {
    if (el === topbar) continue;
    const r = el.getBoundingClientRect();
    if (r.width <= 0 || r.height <= 0) continue;
    const c = parseRgb(style(el).backgroundColor);
    if (!c || c[3] < 0.5) continue;
    colours.push({ rgb: c.slice(0, 3), area: r.width * r.height, selector: cssPath(el) });
  }
  const theme = document.querySelector('meta[name="theme-color"]');
  const fonts = {};
  for (const el of titles.slice(0, 10).concat(blocks.slice(0, 40))) {
    const f = style(el).fontFamily;
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
    main_title: mainText,
    lang: document.documentElement.lang || null,
    viewport: { w: vw, h: vh },
    units, links, logo, colours, selected,
    theme_color: theme ? theme.getAttribute("content") : null,
    fonts,
  };
}
