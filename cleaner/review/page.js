"use strict";
// The review page. INDEX is small and parsed at once: it holds no text. The bodies (raw texts and edits) and the
// clusters' diffs come after this script in chunks of INDEX.chunk documents or clusters, each parsed the first time
// one of its items is needed (the diffs of 1,200 near-duplicate pairs were 5.7 of the index's 7.7 MB, parsed before
// paint).
const INDEX = JSON.parse(document.getElementById("index").textContent);
const CHUNKS = {bodies: [], diffs: []};
function chunked(name, i, parse = rows => rows) {  // item i of the chunks `name`, its chunk parsed the first time
  const c = Math.floor(i / INDEX.chunk), parsed = CHUNKS[name];
  parsed[c] ||= parse(JSON.parse(document.getElementById(`${name}-${c}`).textContent));
  return parsed[c][i % INDEX.chunk];
}
function body(i) { return chunked("bodies", i, rows => rows.map(inUnits)); }  // [raw, edits, pairs, page metadata]
// A run's offsets count characters (code points, as Python does); a JavaScript string counts UTF-16 units, two for a
// character beyond U+FFFF (an emoji, 𝕏), so each one before a span moved its highlight a character to the left. The
// edits of a text holding such characters are turned into units as their chunk is parsed; `chars` turns one back.
function inUnits([raw, eds, extracted = {}]) {
  const pairs = [...raw.matchAll(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g)].map(m => m.index);  // where each such character starts
  if (pairs.length) for (const e of eds) for (const n of [0, 1]) {
    const at = e[n];
    e[n] += below(pairs, (p, k) => p - k < at);  // p - k: where the pair starts, in characters
  }
  return [raw, eds, pairs, extracted];
}
function below(list, test) {  // how many items of `list` from its start pass `test` (which passes a prefix)
  let lo = 0, hi = list.length;
  while (lo < hi) { const mid = (lo + hi) >> 1; if (test(list[mid], mid)) lo = mid + 1; else hi = mid; }
  return lo;
}
function chars(i, unit) { return unit - below(body(i)[2], p => p < unit); }  // a text offset in characters, as the run wrote it
function whenParsed(fn) {  // the bodies and diffs follow this script: act on them once the whole page is parsed
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", fn, {once: true}); else fn();
}
const RULES = INDEX.rules, DOCS = INDEX.docs, ROW = 26, WS = RULES.findIndex(r => r.id === "whitespace");
// by id, the copy that went on to dedup (a `repeated_id` copy of a kept id does not hide it)
const byId = new Map();
DOCS.forEach((d, i) => { if (d.status !== "repeated_id" || !byId.has(d.id)) byId.set(d.id, i); });
const $ = sel => document.querySelector(sel);
// a carriage return as a reference: the parser of innerHTML turns CR LF and a lone CR into LF, so a page's HTML lost its
// CRs (its pane held 25,314 of the 25,435 characters its header counted)
const esc = s => String(s).replace(/[&<>"'\r]/g, c => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;", "\r": "&#13;"}[c]));
const fmt = n => n.toLocaleString("en");
const named = d => d.id || "(no id)";  // a document's id as the page says it: one without (a malformed line) as such
const plural = (n, noun) => `${fmt(n)} ${noun}${n === 1 ? "" : "s"}`;  // "1 cluster", "2,000 clusters"
const state = {view: [], sort: "id", dir: 1, selected: -1, lower: null};

// ---- header, tabs ----
$("#run-name").textContent = INDEX.name;
const rep = INDEX.report;
$("#summary").textContent = `${plural(DOCS.length, "document")}: ${fmt(DOCS.length - INDEX.rejects.length)} kept, ${fmt(INDEX.rejects.length)} rejected`
  + (rep.raw_chars ? ` · ${fmt(rep.raw_chars - rep.clean_chars)} of ${fmt(rep.raw_chars)} characters removed from kept documents` : "")
  + ` · ${plural(INDEX.clusters.length, "duplicate cluster")}`;
const drawn = {};
function showTab(name) {
  for (const b of document.querySelectorAll("nav button")) b.setAttribute("aria-selected", String(b.dataset.tab === name));
  for (const s of document.querySelectorAll(".tab")) s.hidden = s.id !== "tab-" + name;
  if (!drawn[name]) { drawn[name] = true; ({rules: drawRules, clusters: drawClusters, rejects: drawRejects}[name] || (() => {}))(); }
}
for (const b of document.querySelectorAll("nav button")) b.onclick = () => showTab(b.dataset.tab);

// ---- document list: filters, sort, virtualised rows ----
function options(select, label, values) {
  select.innerHTML = `<option value="">${esc(label)}</option>` + values.map(([v, text]) => `<option value="${esc(v)}">${esc(text)}</option>`).join("");
}
function counted(key) {
  const c = new Map();
  for (const d of DOCS) if (d[key]) c.set(d[key], (c.get(d[key]) || 0) + 1);
  return [...c].sort((a, b) => b[1] - a[1]).map(([v, n]) => [v, `${v} (${fmt(n)})`]);
}
options($("#f-rule"), "any rule", RULES.map((r, i) => [i, `${r.id} (${fmt(r.docs)})`]).filter((_, i) => RULES[i].docs));
options($("#f-status"), "any status", counted("status"));
options($("#f-lang"), "any language", counted("lang"));
options($("#f-source"), "any source", counted("source"));
const SORTS = {
  id: (a, b) => a.id < b.id ? -1 : a.id > b.id ? 1 : 0,
  status: (a, b) => a.status.localeCompare(b.status), lang: (a, b) => a.lang.localeCompare(b.lang),
  removed: (a, b) => a.removed - b.removed, rules: (a, b) => a.rules.filter(r => r !== WS).length - b.rules.filter(r => r !== WS).length,
};
// the source name its fields show ("TÊTU", "الجزيرة"), which a search finds too: the list's source is the URL's host
const sourceName = d => d.fields.find(([name]) => name === "source")?.[1] || "";
// what a search compares: lowercased, any run of white space one space ("conseil municipal" finds it written over a
// line break, with two spaces or a no-break space)
const searched = s => s.toLowerCase().replace(/\s+/g, " ");
function lowerTexts() { return state.lower || (state.lower = DOCS.map((_, i) => searched(body(i)[0]))); }
function applyFilters() {
  const rule = $("#f-rule").value, st = $("#f-status").value, lang = $("#f-lang").value, src = $("#f-source").value;
  const q = searched($("#q").value.trim()), texts = q ? lowerTexts() : null;  // at any length: "ነው" is a word
  // a source is its URL's host without "www.": a host pasted with it, or a whole URL, finds it ("www." alone is none)
  const host = q.match(/^[a-z][a-z0-9+.-]*:\/\/(?:www\.)?([^\/?#:]+)/)?.[1] || q.replace(/^www\.(?=.)/, "");
  const view = [];
  DOCS.forEach((d, i) => {
    if (rule !== "" && !d.rules.includes(+rule)) return;
    if (st && d.status !== st) return;
    if (lang && d.lang !== lang) return;
    if (src && d.source !== src) return;
    if (q && !(searched(d.id).includes(q) || searched(d.title).includes(q) || d.source.includes(host)
               || searched(sourceName(d)).includes(q) || (texts && texts[i].includes(q)))) return;
    view.push(i);
  });
  const cmp = SORTS[state.sort];
  view.sort((a, b) => state.dir * cmp(DOCS[a], DOCS[b]) || a - b);
  state.view = view;
  for (const b of document.querySelectorAll(".row.head button")) b.className = b.dataset.sort === state.sort ? (state.dir > 0 ? "asc" : "desc") : "";
  $("#count").textContent = `${fmt(view.length)} of ${fmt(DOCS.length)}`;
  $("#spacer").style.height = view.length * ROW + "px";
  $("#list").scrollTop = 0;
  drawRows();
}
// a mark before the id of a document whose reading repaired its text or whose cleaning skipped a rule, saying what
const warned = d => d.warnings.length ? `<span class="warn" title="${esc(d.warnings.join("\n"))}">⚠</span> ` : "";
function drawRows() {
  const list = $("#list"), first = Math.max(0, Math.floor(list.scrollTop / ROW) - 5);
  const last = Math.min(state.view.length, first + Math.ceil(list.clientHeight / ROW) + 10);
  let html = "";
  for (let k = first; k < last; k++) {
    const i = state.view[k], d = DOCS[i];
    const fired = d.rules.filter(r => r !== WS), names = fired.map(r => RULES[r].id).join(", ");
    html += `<div class="row${i === state.selected ? " sel" : ""}" data-i="${i}" style="top:${k * ROW}px" title="${esc(d.title || named(d))}">`
      + `<span>${warned(d)}${esc(named(d))}</span>`
      + `<span class="st ${d.status === "kept" ? "kept" : "rej"}">${esc(d.status)}</span><span>${esc(d.lang)}</span>`
      + `<span class="num">${fmt(d.removed)}</span><span class="num" title="${esc(names)}">${fired.length}</span></div>`;
  }
  $("#spacer").innerHTML = html;
}
let ticking = false;
$("#list").addEventListener("scroll", () => { if (!ticking) { ticking = true; requestAnimationFrame(() => { ticking = false; drawRows(); }); } });
$("#spacer").addEventListener("click", e => { const row = e.target.closest(".row"); if (row) whenParsed(() => openDoc(+row.dataset.i)); });
for (const id of ["#f-rule", "#f-status", "#f-lang", "#f-source"]) $(id).addEventListener("change", applyFilters);
let timer = 0;
$("#q").addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(() => whenParsed(applyFilters), 150); });
for (const b of document.querySelectorAll(".row.head button")) b.onclick = () => {
  state.dir = state.sort === b.dataset.sort ? -state.dir : (b.dataset.sort === "removed" || b.dataset.sort === "rules" ? -1 : 1);
  state.sort = b.dataset.sort; applyFilters();
};
$("#list").addEventListener("keydown", e => {
  if (e.key !== "ArrowDown" && e.key !== "ArrowUp") return;
  e.preventDefault();
  const k = state.view.indexOf(state.selected) + (e.key === "ArrowDown" ? 1 : -1);
  if (k >= 0 && k < state.view.length) whenParsed(() => openDoc(state.view[k]));
});

// ---- document view ----
// The raw text is drawn in parts of PART edits, or up to twice that to cut where a line starts: the first
// part marked at once, each other one as plain text until it comes near the view. A part of whole lines
// is a block, laid out alone; one cut inside a line stays inline; either way the text lays out as one
// piece did. A document with 300,001 removed spans took 30 s to open, its 900,000 elements built and laid
// out at once.
const PART = 1000;
function edits(i) { return body(i)[1]; }
function parts(i) {  // [raw start, raw end, first edit, end edit] of each part
  const [raw, eds] = body(i), out = [];
  let from = 0, first = 0, pos = 0, nl = -1;
  eds.forEach(([, end], k) => {
    pos = Math.max(pos, end);
    if (k + 1 - first < PART) return;
    if (nl < pos) nl = raw.indexOf("\n", pos) >>> 0;  // the first line feed at or after pos (none: 2 ** 32 - 1)
    const next = k + 1 < eds.length ? eds[k + 1][0] : raw.length;
    const cut = raw[pos - 1] === "\n" ? pos : nl < next ? nl + 1 : k + 1 - first < 2 * PART ? -1 : pos;
    if (cut >= 0) { out.push([from, cut, first, k + 1]); from = cut; first = k + 1; }
  });
  return from < raw.length || !out.length ? [...out, [from, raw.length, first, eds.length]] : out;
}
function lines(raw, [from, to]) { return (!from || raw[from - 1] === "\n") && (to === raw.length || raw[to - 1] === "\n"); }
// A line takes its direction from its first letter; but the browser looks past a removed span (an isolate: a bidi
// control in it acts inside it only) and, to align the line, not past a rule's label: a line wholly removed from an
// Arabic text read left to right, and every line opening with a label was aligned by the label's Latin letters. A
// label that opens a line comes after a mark of the direction of the line's first letter, removed or not (the line
// breaks a span opens with passed over); the style sheet draws it (`.to-rtl`): no part of the text.
const LETTER = /[\p{L}\u200E\u200F\u061C]|\n/gu;  // a letter or a directional mark, or the line's end
const RTL = /[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF\u200F\u061C\u{10800}-\u{10FFF}\u{1E800}-\u{1EFFF}]/u;
function textClass(text) {  // a text pane's classes: "bidi", each line in its own direction, only where a line may need it
  return RTL.test(text) ? "text bidi" : "text";
}
function lineMark(raw, at) {  // the mark to put before a label at `at`: "" unless it opens a line (after blanks) with a letter
  let back = at;
  while (raw[back - 1] === " " || raw[back - 1] === "\t") back--;
  if (back && raw[back - 1] !== "\n") return "";
  while (raw[at] === "\n") at++;
  LETTER.lastIndex = at;
  const m = LETTER.exec(raw);
  return !m || m[0] === "\n" ? "" : `<span class="to-${RTL.test(m[0]) ? "rtl" : "ltr"}"></span>`;
}
// A blank span has no label of its own (it stood over nothing) when its group of adjacent edits, no kept text that
// shows between them, holds a span of its rule that shows, whose label is theirs (`fr.latest-links` takes a line break,
// then past `generic.php-warning`'s line its block; `fr.published-in` lifts a date, then removes the line break after
// it), or an earlier blank span of its rule. `diff._own_labels` says the same.
const shows = (raw, e) => raw.slice(e[0], e[1]).trim() !== "";
function groups(raw, eds) {  // [first edit, end edit] of each group of adjacent edits
  const out = [];
  let first = 0, reach = 0;
  eds.forEach(([start, end], k) => {
    if (k && raw.slice(reach, start).trim()) { out.push([first, k]); first = k; }
    reach = Math.max(reach, end);
  });
  return eds.length ? [...out, [first, eds.length]] : out;
}
function ownLabels(raw, eds) {  // per edit, whether a label of its own goes before it
  const own = eds.map(e => shows(raw, e));
  for (const [first, end] of groups(raw, eds)) {
    const shown = new Set(), seen = new Set();
    for (let k = first; k < end; k++) if (own[k]) shown.add(eds[k][2]);
    for (let k = first; k < end; k++) { own[k] ||= !shown.has(eds[k][2]) && !seen.has(eds[k][2]); seen.add(eds[k][2]); }
  }
  return own;
}
function label(i, k) {  // the label before edit k: its rule (and the field it fills), with a flag for a packed rule
  const [, , r, kind, field] = edits(i)[k], rule = RULES[r];
  const flag = `<button class="flag" data-i="${i}" data-k="${k}" title="flag this removal as wrong" `
    + `aria-label="flag ${esc(rule.id)} removal as wrong">⚑</button>`;
  const name = esc(rule.id) + (kind ? " → " + esc(field) : "");
  return `<span class="lbl" style="--c:${rule.color}">${name}${rule.pack ? flag : ""}</span>`;
}
// A span that opens with line breaks ("\nLire aussi : …") has them marked first, unlabelled: its label opens the line
// it removed, not the end of the kept line above it.
const BREAKS = /\s*\n/y;
function opening(raw, start, end) {  // where the line a labelled span removes starts: past the line breaks it opens with
  BREAKS.lastIndex = start;
  return BREAKS.test(raw) && BREAKS.lastIndex < end && raw.slice(BREAKS.lastIndex, end).trim() ? BREAKS.lastIndex : start;
}
function marked(i, [from, to, first, last], own) {
  const [raw, eds] = body(i);
  let html = "", pos = from;
  for (let k = first; k < last; k++) {
    const [start, end, r, kind] = eds[k], rule = RULES[r];
    html += esc(raw.slice(pos, start));
    const mark = (a, b, tab = 0) => `<mark class="e${kind ? " x" : ""}" data-i="${i}" data-k="${k}" data-rule="${esc(rule.id)}" `
      + `tabindex="${tab}" style="--c:${rule.color}">${esc(raw.slice(a, b))}</mark>`;  // its line breaks: no Tab stop
    const at = own[k] && r !== WS ? opening(raw, start, end) : start;
    if (r === WS) html += `<span class="ws" title="whitespace">${esc(raw.slice(start, end))}</span>`;
    else html += (at > start ? mark(start, at, -1) : "") + (own[k] ? lineMark(raw, at) + label(i, k) : "") + mark(at, end);
    pos = Math.max(pos, end);
  }
  return html + esc(raw.slice(pos, to));
}
let partsSeen = null;
function drawParts(i, P, own) {  // mark each part after the first once it is within a view's height of the view
  partsSeen?.disconnect();
  partsSeen = new IntersectionObserver((seen, observer) => seen.forEach(({isIntersecting, target}) => {
    if (isIntersecting) { observer.unobserve(target); target.innerHTML = marked(i, P[+target.dataset.p], own); }
  }), {root: $("#doc"), rootMargin: "100% 0px"});
  document.querySelectorAll("#raw-text .part + .part").forEach(part => partsSeen.observe(part));
}
function cleanText(i) {
  const [raw, eds] = body(i);
  let out = "", pos = 0;
  for (const [start, end] of eds) { out += raw.slice(pos, start); pos = Math.max(pos, end); }
  return out + raw.slice(pos);
}
// the ids an earlier batch kept (a shared --index), each with who kept it, "an earlier run", "an earlier service
// request" or "an earlier batch" (`entries.earlier_keepers`): not this run's document of the same id, when it has one
const EARLIER = new Map(Object.entries(INDEX.earlier));
function keptLink(id) {  // a kept copy's id: a link, or the id of a document an earlier batch kept, said who
  return EARLIER.has(id) ? `<span class="docid">${esc(id)}</span> (kept by ${esc(EARLIER.get(id))})` : docLink(id);
}
// a link to a document has an href, so Tab reaches it and Enter opens it; the page's click handler opens the document
function rowLink(i) {  // a link to the document in list row i, by its id or, for one without (bad input), as such
  return `<a class="doclink" href="#" data-i="${i}">${esc(named(DOCS[i]))}</a>`;
}
function docLink(id) {
  if (!byId.has(id)) return `<span class="docid">${esc(id)}</span>`;
  return `<a class="doclink" href="#" data-doc="${esc(id)}">${esc(id)}</a>`;
}
function dupStatus(d) {
  if (d.status !== "kept" && d.stage !== "dedup") return "not looked for (dropped before deduplication)";
  if (d.status === "already_indexed") return "already_indexed: an earlier batch kept this id (its detail says which)";  // its dup_of: its own id
  if (d.dup_of) return `${esc(d.status)} of ${keptLink(d.dup_of)}` + (d.similarity != null ? ` (similarity ${d.similarity.toFixed(3)})` : "");
  const c = INDEX.clusters.find(c => c.kept === d.id && !c.kept_in_index);
  if (c) return `kept copy of a cluster of ${c.members.length + 1}: ` + c.members.map(m => docLink(m.id)).join(", ");
  return "unique";
}
// where a field came from (`payload._fields`): the rule that lifted it (its position), or what the document was given
const GIVEN = {page: "the page's HTML (its metadata, as trafilatura read it)", record: "the input record's own field"};
function fieldFrom(by) {
  if (typeof by !== "number") return `<span title="${esc(GIVEN[by])}">${esc(by)}</span>`;
  return `<span class="swatch" style="--c:${RULES[by].color}"></span>${esc(RULES[by].id)}`;
}
// what the HTML path removed from a page before extraction (a pull quote, a caption, a pop-up, a button), each with its
// step and how many went (×3): trafilatura never read it, so no span of the raw text shows it
function beforeExtraction(d) {
  if (!d.before_extraction.length) return "";
  return `<div class="before"><h3>removed from the page before extraction</h3><ul>`
    + d.before_extraction.map(([step, text, count]) =>
      `<li><span class="step">${esc(step)}</span> <s>${esc(text)}</s>${count > 1 ? ` ×${count}` : ""}</li>`).join("")
    + `</ul></div>`;
}
// a page's metadata as trafilatura read it (`entries.extracted_metadata`): what the fields table does not show (a
// description, tags) and the lines the rules read (`right_aligned`, `headings`); a list's items apart, each isolated
// (<bdi>: a bidi control in one reorders it alone), an object as JSON; open when short
const META_OPEN = 300;
const metaItem = value => value !== null && typeof value === "object" ? JSON.stringify(value) : String(value);
function pageMetadata(extracted) {
  const rows = Object.entries(extracted).map(([key, value]) => [key, Array.isArray(value) ? value.map(metaItem)
    : [metaItem(value)]]);
  if (!rows.length) return "";
  const size = rows.reduce((n, [key, items]) => n + key.length + items.join("").length, 0);
  return `<details class="extracted"${size <= META_OPEN ? " open" : ""}><summary>the page's metadata: `
    + `${esc(rows.map(([key]) => key).join(", "))}</summary><table>`
    + rows.map(([key, items]) => `<tr><th>${esc(key)}</th><td>${items.map(item => `<bdi>${esc(item)}</bdi>`)
      .join('<span class="sep"> · </span>')}</td></tr>`).join("")
    + `</table></details>`;
}
// a document rejected before cleaning (bad input, too large): its raw text is no clean text, as a page's HTML is none
const uncleaned = d => d.status !== "kept" && !d.recleaned;
function openDoc(i) {
  const t0 = performance.now(), d = DOCS[i], [raw, eds] = body(i), P = parts(i), own = ownLabels(raw, eds);
  const clean = d.html || uncleaned(d) ? "" : cleanText(i);
  state.selected = i;
  const fields = d.fields.map(([name, value, by]) => `<tr><th>${esc(name)}</th><td>${esc(value)}</td><td>${fieldFrom(by)}</td></tr>`).join("");
  const used = [...new Set(eds.map(e => e[2]))].filter(r => r !== WS);
  const removed = eds.reduce((n, e) => n + chars(i, e[1]) - chars(i, e[0]), 0);
  $("#doc").innerHTML = `<h2>${esc(named(d))}</h2>`
    + `<p class="meta"><b class="st ${d.status === "kept" ? "kept" : "rej"}">${esc(d.status)}</b>${d.detail ? ` — <span class="detail">${esc(d.detail)}</span>` : ""}`
    + (d.lang ? ` · language <b>${esc(d.lang)}</b>${d.score != null ? " (score " + d.score.toFixed(2) + ")" : ""}`
       : d.status === "kept" ? " · no language found" : "")  // a dropped document cleaned again is not tagged
    + (d.source ? ` · source <b>${esc(d.source)}</b>` : "")
    + (d.no_page ? ` · not cleaned: ${esc(d.no_page)}` + (d.length ? ` (${plural(d.length, "character")}, not shown)` : "")
       : d.html ? ` · the page's HTML, ${fmt(d.length)} characters: no text was extracted`
       : uncleaned(d) ? ` · not cleaned${d.length === null ? "" : ` (${plural(d.length, "character")})`}`
       : ` · ${fmt(removed)} of ${fmt(d.length)} characters removed`)
    + `<br>duplicates: ${dupStatus(d)}${d.recleaned ? " · removals recomputed for this dropped document" : ""}</p>`
    + (d.warnings.length ? `<ul class="warnings">${d.warnings.map(w => `<li>⚠ ${esc(w)}</li>`).join("")}</ul>` : "")
    + beforeExtraction(d)
    + (fields ? `<table class="fields"><tr><th>field</th><th>value</th><th>from</th></tr>${fields}</table>` : "")
    + pageMetadata(body(i)[3])
    + `<div class="legend">${used.map(r => `<span class="lbl" style="--c:${RULES[r].color}">${esc(RULES[r].id)}</span>`).join("")}</div>`
    + `<div class="panes"><div><h3>raw</h3><pre class="${textClass(raw)}" id="raw-text">`
    + P.map((p, n) => `<span class="part${lines(raw, p) ? " lines" : ""}" data-p="${n}">`
      + `${n ? esc(raw.slice(p[0], p[1])) : marked(i, p, own)}</span>`).join("")
    + `</pre></div>`
    + `<div><h3>clean</h3><pre class="${textClass(clean)}" id="clean-text">${esc(clean)}</pre></div></div>`;
  $("#doc").scrollTop = 0;
  drawParts(i, P, own);
  reveal(state.view.indexOf(i));
  drawRows();
  performance.measure("open-doc", {start: t0, end: performance.now()});
}
function reveal(k) {  // scroll the list just enough to show row k (the arrow keys walked off the view)
  if (k < 0) return;
  const list = $("#list"), top = k * ROW;
  if (top < list.scrollTop) list.scrollTop = top;
  else if (top + ROW > list.scrollTop + list.clientHeight) list.scrollTop = top + ROW - list.clientHeight;
}
function openById(id) { showTab("docs"); if (byId.has(id)) whenParsed(() => openDoc(byId.get(id))); }
document.addEventListener("click", e => {
  const link = e.target.closest("a.doclink");
  if (link) e.preventDefault();  // its href is "#": the page stays where it is
  if (link && link.dataset.i) { showTab("docs"); whenParsed(() => openDoc(+link.dataset.i)); }
  else if (link) openById(link.dataset.doc);
  const flag = e.target.closest("button.flag"); if (flag) openFlag(+flag.dataset.i, +flag.dataset.k);
});

// ---- tooltip: rule id and description on hover or focus ----
function tip(el) {
  const i = +el.dataset.i, e = edits(i)[+el.dataset.k], rule = RULES[e[2]], box = el.getBoundingClientRect(), t = $("#tip");
  t.innerHTML = `<b>${esc(rule.id)}</b> ${esc(rule.kind)}${e[3] ? " · moved into " + esc(e[4]) : ""} · ${plural(chars(i, e[1]) - chars(i, e[0]), "character")}<br>${esc(rule.description)}${e[6] ? "<br>why: " + esc(e[6]) : ""}`;
  t.hidden = false;
  t.style.left = Math.min(box.left, innerWidth - 440) + "px";
  t.style.top = (box.bottom + 6 < innerHeight - 80 ? box.bottom + 6 : Math.max(4, box.top - 80)) + "px";
}
for (const type of ["mouseover", "focusin"]) document.addEventListener(type, e => { const m = e.target.closest && e.target.closest("mark.e"); if (m) tip(m); });
for (const type of ["mouseout", "focusout"]) document.addEventListener(type, e => { if (e.target.closest && e.target.closest("mark.e")) $("#tip").hidden = true; });

// ---- flag as wrong: the rule as a one-rule pack with the flagged lines as one more keep example ----
function yamlQuoted(s) {  // JSON's escapes, plus those of what YAML reads as a line break or refuses
  return JSON.stringify(s).replace(/[\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]/g, c => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0"));
}
function flaggedText(raw, start, end) {  // the lines start-end took text from: none for blank text (its lines are kept)
  if (!raw.slice(start, end).trim()) return "";
  const from = raw.lastIndexOf("\n", start - 1) + 1, nl = raw.indexOf("\n", Math.max(start, end - 1));
  return raw.slice(from, nl < 0 ? raw.length : nl).trim();
}
function ruleRun(raw, E, k) {  // a blank span's: its rule's nearest span that shows in its group, after (else before)
  if (shows(raw, E[k])) return [E[k][0], E[k][1]];
  const [first, end] = groups(raw, E).find(g => k < g[1]), near = j => E[j][2] === E[k][2] && shows(raw, E[j]);
  let j = k + 1;
  while (j < end && !near(j)) j++;
  if (j === end) for (j = k - 1; j >= first && !near(j); j--);
  return j >= first ? [E[j][0], E[j][1]] : [E[k][0], E[k][1]];
}
function keepItem(text, author) {  // a keep example, as `snippet.keep_item` writes one: with the author if it is given
  return author === null ? yamlQuoted(text) : `{text: ${yamlQuoted(text)}, author: ${yamlQuoted(author)}}`;
}
function openFlag(i, k) {
  const [raw] = body(i), E = edits(i), r = E[k][2], rule = RULES[r], d = DOCS[i];
  const [start, end] = ruleRun(raw, E, k);  // a lone line break's label flags the line it went with
  const text = flaggedText(raw, start, end), from = chars(i, start), to = chars(i, end);
  $("#flag-what").innerHTML = `<b>${esc(rule.id)}</b> removed characters ${from}–${to} of <b>${esc(d.id)}</b>; the keep example is the lines it took them from.`;
  $("#snippet").value = `# flagged in review: ${rule.id} should not remove this text of ${yamlQuoted(d.id)} (raw ${from}-${to})\n`
    + `# run: cleaner rules check THIS_FILE   then add the last keep example to ${rule.id} in its pack\n`
    + rule.pack + "    - " + keepItem(text, rule.kind === "signature" ? d.author : null) + "\n";
  $("#copied").textContent = "";
  $("#flag").showModal();
  $("#snippet").scrollTop = $("#snippet").scrollHeight;  // the new example is last
}
$("#copy").onclick = async () => {
  $("#snippet").select();
  try { await navigator.clipboard.writeText($("#snippet").value); $("#copied").textContent = "copied"; }
  catch { $("#copied").textContent = document.execCommand("copy") ? "copied" : "select and copy by hand"; }
};
$("#flag-close").onclick = () => $("#flag").close();

// ---- rules view: per rule, documents and characters, and every span it removed ----
function drawRules() {
  $("#rule-spans").innerHTML = `<p class="hint">Pick a rule to see every span it removed. The first counts are over every document of this page, dropped ones cleaned again; those of the kept documents alone are what report.json counts.</p>`;
  // each rule a tbody: its counts, then its description below them, wrapped to the table's width (page.css)
  const kept = `class="num" title="in the kept documents alone, as report.json counts"`;
  $("#rules-table").innerHTML = `<thead><tr><th>rule</th><th>kind</th><th class="num">docs</th>`
    + `<th class="num">chars</th><th ${kept}>kept docs</th><th ${kept}>kept chars</th></tr></thead>`
    + RULES.map((r, n) => `<tbody data-r="${n}"><tr><td><span class="swatch" style="--c:${r.color}"></span>`
      + `<button class="pick">${esc(r.id)}</button></td><td>${esc(r.kind)}</td>`
      + [r.docs, r.chars, r.kept_docs, r.kept_chars].map(count => `<td class="num">${fmt(count)}</td>`).join("")
      + `</tr><tr class="desc"><td colspan="6"><div>${esc(r.description)}</div></td></tr></tbody>`).join("");
  $("#rules-table").onclick = e => {
    const rule = e.target.closest("tbody[data-r]");
    if (rule) whenParsed(() => showRuleSpans(+rule.dataset.r));
  };
}
function showRuleSpans(r) {
  for (const row of document.querySelectorAll("#rules-table tbody")) row.classList.toggle("sel", +row.dataset.r === r);
  const spans = [];
  DOCS.forEach((_, i) => edits(i).forEach((e, k) => { if (e[2] === r) spans.push([i, k]); }));
  const box = $("#rule-spans"), rule = RULES[r];
  box.innerHTML = `<h3>${esc(rule.id)}: ${plural(spans.length, "span")} in ${plural(rule.docs, "document")}</h3><div id="span-list"></div>`;
  let shown = 0;
  const more = () => {
    const html = spans.slice(shown, shown + 200).map(([i, k]) => {
      const [start, end, , kind, field] = edits(i)[k], raw = body(i)[0], text = raw.slice(start, end);
      const cs = [...text];  // characters, not UTF-16 units: a cut between the two halves of an emoji showed "�"
      const short = cs.length > 400 ? cs.slice(0, 300).join("") + ` … [${fmt(cs.length - 380)} more] … ` + cs.slice(-80).join("") : text;
      return `<div class="span-item">${docLink(DOCS[i].id)} · ${chars(i, start)}–${chars(i, end)}${kind ? " → " + esc(field) : ""}`
        + (r === WS || !rule.pack ? "" : ` <button class="flag" data-i="${i}" data-k="${k}" title="flag this removal as wrong">⚑ flag</button>`)
        + `<pre class="${textClass(short)}"><mark class="e" style="--c:${rule.color}">${esc(short)}</mark></pre></div>`;
    }).join("");
    shown += 200;
    $("#span-list").insertAdjacentHTML("beforeend", html);
    box.querySelector("button.more")?.remove();
    if (shown < spans.length) {
      box.insertAdjacentHTML("beforeend", `<button class="more">show ${fmt(Math.min(200, spans.length - shown))} more of ${fmt(spans.length - shown)}</button>`);
      box.querySelector("button.more").onclick = more;
    }
  };
  more();
}

// ---- clusters view: kept vs dropped, similarity, and the diff of their clean texts ----
function diffHtml(ops) {
  if (!ops) return `<p class="hint">one of the texts is not in this run</p>`;
  if (!ops.some(([op]) => op === "-" || op === "+")) return `<p class="hint">identical clean text</p>`;
  return `<pre class="diff">${ops.map(([op, line]) => op === "…" ? `<div class="d-skip">… ${esc(line)}</div>`
    : `<div class="${op === "-" ? "d-del" : op === "+" ? "d-add" : ""}">${op} <span class="line">${esc(line)}</span></div>`).join("")}</pre>`;
}
function drawClusters() {
  const box = $("#tab-clusters");
  if (!INDEX.clusters.length) { box.innerHTML = `<p class="hint">No duplicates in this run.</p>`; return; }
  box.innerHTML = `<p>${plural(INDEX.clusters.length, "cluster")}. A diff shows the kept document's clean text (−) against the dropped copy's (+).</p>`
    + INDEX.clusters.map((c, n) => `<div class="card cluster" data-c="${n}"><h3>kept: ${keptLink(c.kept)}</h3>`
      + c.members.map((m, j) => `<details data-c="${n}" data-m="${j}"><summary>${m.status === "kept" ? "kept" : "dropped"}: ${docLink(m.id)} — ${esc(m.status)}`
        + (m.similarity != null ? ` · similarity ${m.similarity.toFixed(3)}` : "") + `</summary></details>`).join("") + `</div>`).join("");
  box.addEventListener("toggle", e => {
    const det = e.target;
    if (det.open && !det.dataset.drawn) {
      det.dataset.drawn = "1";
      whenParsed(() => det.insertAdjacentHTML("beforeend", diffHtml(chunked("diffs", +det.dataset.c)[+det.dataset.m])));
    }
  }, true);
}

// ---- rejects view ----
function drawRejects() {
  const box = $("#tab-rejects"), rows = INDEX.rejects;
  if (!rows.length) { box.innerHTML = `<p class="hint">Nothing was rejected.</p>`; return; }
  box.innerHTML = `<table id="rejects-table"><tr><th>id</th><th>stage</th><th>reason</th><th>detail</th><th>duplicate of</th><th class="num">similarity</th></tr></table>`;
  let shown = 0;
  const more = () => {
    $("#rejects-table").insertAdjacentHTML("beforeend", rows.slice(shown, shown + 500).map(r => `<tr><td>${rowLink(r.doc)}</td><td>${esc(r.stage)}</td>`
      + `<td>${esc(r.reason)}</td><td>${esc(r.detail || "")}</td><td>${r.dup_of ? keptLink(r.dup_of) : ""}</td><td class="num">${r.similarity != null ? r.similarity.toFixed(3) : ""}</td></tr>`).join(""));
    shown += 500;
    box.querySelector("button.more")?.remove();
    if (shown < rows.length) { box.insertAdjacentHTML("beforeend", `<button class="more">show more</button>`); box.querySelector("button.more").onclick = more; }
  };
  more();
}

applyFilters();
requestAnimationFrame(() => performance.mark("list-ready"));
window.review = {openDoc, openById, byId};
