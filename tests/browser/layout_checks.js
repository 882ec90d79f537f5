// Layout checks run inside a page at phone width (tests/browser/test_layout.py, make screenshots).
// Returns a list of problems, each a short string naming the element, so a failure says where.
() => {
  const problems = [];
  const vw = document.documentElement.clientWidth;
  const pageLang = (document.documentElement.lang || "").toLowerCase();

  const describe = (el) => {
    let s = el.tagName.toLowerCase();
    if (el.id) s += "#" + el.id;
    if (el.classList.length) s += "." + [...el.classList].join(".");
    const text = (el.innerText || el.value || el.getAttribute("aria-label") || "").trim();
    return s + (text ? ` "${text.slice(0, 40)}"` : "");
  };
  const visible = (el) => {
    // checkVisibility() also hides what a closed <details> holds (content-visibility).
    if (el.checkVisibility && !el.checkVisibility({ visibilityProperty: true })) return false;
    const style = getComputedStyle(el);
    if (style.visibility === "hidden" || style.display === "none") return false;
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0;
  };
  // Visually hidden (clip) elements and content inside a horizontal scroller are allowed out.
  const exempt = (el) => {
    for (let n = el; n && n !== document.body; n = n.parentElement) {
      const style = getComputedStyle(n);
      if (style.clip !== "auto" && style.position === "absolute") return true;
      if (style.clipPath && style.clipPath !== "none") return true;
      if (n.classList.contains("skip-link")) return true;
      if (n !== el && ["auto", "scroll"].includes(style.overflowX)) return true;
    }
    return false;
  };

  // 1. No horizontal scrolling.
  if (document.documentElement.scrollWidth > vw + 1) {
    problems.push(`page scrolls sideways: ${document.documentElement.scrollWidth}px > ${vw}px`);
  }

  // 2. Nothing sticks out of the viewport.
  for (const el of document.body.querySelectorAll("*")) {
    if (!visible(el) || exempt(el)) continue;
    const r = el.getBoundingClientRect();
    if (r.right > vw + 1 || r.left < -1) {
      // Report the outermost offender only.
      const parent = el.parentElement;
      const pr = parent && parent.getBoundingClientRect();
      if (parent && parent !== document.body && pr && (pr.right > vw + 1 || pr.left < -1) && !exempt(parent)) continue;
      problems.push(`sticks out of the screen (${Math.round(r.left)}..${Math.round(r.right)}): ${describe(el)}`);
    }
  }

  // 3. No amount, number or date split across lines.
  const amount = /(?:[-−]?(?:US)?\$\s?\d[\d,.]*\d|\d[\d,.\s]*\d\s?(?:US)?\$)|\d{1,3}(?:,\d{3})+(?:\.\d+)?/g;
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || !visible(parent) || exempt(parent)) continue;
    if (["SCRIPT", "STYLE", "TEXTAREA", "OPTION"].includes(parent.tagName)) continue;
    for (const m of node.data.matchAll(amount)) {
      const range = document.createRange();
      range.setStart(node, m.index);
      range.setEnd(node, m.index + m[0].length);
      const tops = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
      if (tops.size > 1) problems.push(`"${m[0]}" is split across lines in ${describe(parent)}`);
    }
  }

  // 4. Tap targets at least 24 by 24 px, except links inside a sentence (WCAG 2.5.8).
  const inSentence = (el) => {
    const block = el.closest("p, li, dd, td, span, label, small, h1, h2, h3, h4");
    if (!block || el.tagName !== "A") return false;
    const own = [...block.childNodes].some((n) => n.nodeType === 3 && n.data.trim().length > 1);
    return own && block.innerText.trim().length > el.innerText.trim().length + 1;
  };
  for (const el of document.querySelectorAll("a[href], button, input:not([type=hidden]), select, textarea, summary")) {
    if (!visible(el) || exempt(el) || inSentence(el)) continue;
    const r = el.getBoundingClientRect();
    const target = el.tagName === "INPUT" && ["checkbox", "radio"].includes(el.type) ? el.closest("label") || el : el;
    const tr = target.getBoundingClientRect();
    if (Math.min(r.height, tr.height) < 24 && tr.height < 24) problems.push(`tap target ${Math.round(tr.width)}x${Math.round(tr.height)}px: ${describe(el)}`);
    else if (tr.width < 24) problems.push(`tap target ${Math.round(tr.width)}x${Math.round(tr.height)}px: ${describe(el)}`);
  }

  // 5. Text in another script than the page's carries its own lang. On pages in a language
  //    not written in Latin letters, a run of five or more Latin words is a sentence in another
  //    language, and must sit inside an element whose lang says which.
  if (/^(zh|ar|ja|ko|ru|hy|fa|he|th)/.test(pageLang)) {
    const latinRun = /(?:\b[A-Za-zÀ-ÿ'’]{2,}\b[\s,.;:!?()-]+){4,}\b[A-Za-zÀ-ÿ'’]{2,}\b/;
    const walker2 = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker2.nextNode(); node; node = walker2.nextNode()) {
      const parent = node.parentElement;
      if (!parent || !visible(parent) || ["SCRIPT", "STYLE", "TEXTAREA", "OPTION"].includes(parent.tagName)) continue;
      if (parent.closest("[translate=no], code, kbd, samp")) continue;
      const m = node.data.match(latinRun);
      // Names (schools, people, places) are written in Title Case and are not sentences: a run
      // counts only when it has at least two lower-case words.
      if (!m || (m[0].match(/(?:^|[\s,.;:!?()-])[a-zà-ÿ]/g) || []).length < 2) continue;
      const tagged = parent.closest("[lang]");
      const lang = tagged ? tagged.getAttribute("lang").toLowerCase() : "";
      if (!lang || lang.split("-")[0] === pageLang.split("-")[0]) {
        problems.push(`text in another language without its lang: "${m[0].slice(0, 60)}" in ${describe(parent)}`);
      }
    }
  }
  return problems;
}
