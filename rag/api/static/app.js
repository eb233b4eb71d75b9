// The page's behaviour: ask, show the answer and its evidence, open a passage in context.
// Every piece of text from the server goes into the DOM as a text node (never innerHTML),
// so nothing in a report or a question can become markup.
"use strict";

const $ = (id) => document.getElementById(id);
const form = $("ask-form");
const input = $("q");
const button = $("ask-button");
const docSelect = $("doc");
const statusBox = $("status");
const result = $("result");
const CONTEXT = 400; // characters shown either side of a passage opened in context
let inflight = null; // AbortController of the question being asked

/** Build an element from a tag, attributes and children (strings become text nodes). */
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function showStatus(message, kind = "info") {
  statusBox.hidden = !message;
  statusBox.className = `status ${kind}`;
  statusBox.setAttribute("role", kind === "error" ? "alert" : "status");
  statusBox.textContent = message || "";
}

/** A regex finding the answer figure in running text, tolerant of line breaks and case. */
function answerPattern(answer) {
  if (!answer) return null;
  const words = answer.trim().split(/\s+/).map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  if (!words.length || !words[0]) return null;
  // Don't match 61 inside 615, or "four" inside "fourteen".
  const before = /^[\p{L}\p{N}]/u.test(answer.trim()) ? "(?<![\\p{L}\\p{N}])" : "";
  const after = /[\p{L}\p{N}]$/u.test(answer.trim()) ? "(?![\\p{L}\\p{N}])" : "";
  return new RegExp(before + words.join("\\s+") + after, "giu");
}

/** `text` as nodes, with every match of `pattern` wrapped in <mark>. */
function highlighted(text, pattern) {
  if (!pattern) return [text];
  const out = [];
  let last = 0;
  for (const m of text.matchAll(pattern)) {
    if (!m[0]) continue;
    if (m.index > last) out.push(text.slice(last, m.index));
    out.push(el("mark", { text: m[0] }));
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

/** JSON from the API, or an Error whose message is the API's `detail`. */
async function api(path, options = {}) {
  let response;
  try {
    response = await fetch(path, { headers: { Accept: "application/json" }, ...options });
  } catch (err) {
    if (err.name === "AbortError") throw err;
    throw new Error("Cannot reach the server. Is `rag serve` still running?");
  }
  let body = null;
  try { body = await response.json(); } catch { /* not JSON: fall through */ }
  if (!response.ok) {
    const detail = body && typeof body.detail === "string" ? body.detail : `HTTP ${response.status}`;
    const error = new Error(detail.charAt(0).toUpperCase() + detail.slice(1));
    error.status = response.status;
    throw error;
  }
  return body;
}

// --- asking ---------------------------------------------------------------------------

async function ask(question) {
  question = question.trim();
  if (!question) {
    showStatus("Type a question first, or pick one of the examples.", "error");
    input.focus();
    return;
  }
  if (inflight) inflight.abort();
  const controller = new AbortController();
  inflight = controller;
  const params = new URLSearchParams({ q: question });
  if (docSelect.value) params.set("doc", docSelect.value);
  history.replaceState(null, "", `?${params}`);

  button.setAttribute("aria-disabled", "true");
  result.setAttribute("aria-busy", "true");
  showStatus("Searching the reports…", "busy");
  try {
    const body = JSON.stringify({ question, k: 5, doc: docSelect.value || null });
    const answer = await api("/ask", {
      method: "POST", body, signal: controller.signal,
      headers: { "Content-Type": "application/json", Accept: "application/json" },
    });
    render(answer);
    // A cited report changed on disk after indexing: its passages may not match the file any more.
    const notes = [];
    if (answer.searched_as) notes.push(`Searched as: “${answer.searched_as}”.`);
    if (answer.stale && answer.stale.length) {
      notes.push(`Changed since the index was built: ${answer.stale.join(", ")}. Its passages may not match the file; rebuild the index (rag build).`);
    }
    showStatus(notes.join(" "));
    const card = $("answer-card").getBoundingClientRect();
    if (card.top > window.innerHeight * 0.6) {
      const smooth = !matchMedia("(prefers-reduced-motion: reduce)").matches;
      result.scrollIntoView({ block: "start", behavior: smooth ? "smooth" : "auto" });
    }
  } catch (err) {
    if (err.name === "AbortError") return;
    result.hidden = true;
    if (err.status === 503) showStatus(`${err.message} The page will work once the index is loaded.`, "error");
    else showStatus(err.message, "error");
  } finally {
    if (inflight === controller) {
      inflight = null;
      button.removeAttribute("aria-disabled");
      result.removeAttribute("aria-busy");
    }
  }
}

function render(data) {
  const pattern = answerPattern(data.answer);
  const card = $("answer-card");
  const found = data.answer !== null && data.answer !== undefined;
  card.classList.toggle("not-found", !found);
  $("answer-label").textContent = found ? "Answer" : "No answer";
  $("answer").replaceChildren(found ? data.answer : capitalise(data.message || "not found in the reports"));
  const sentence = $("sentence");
  const meta = $("answer-meta");
  if (found) {
    sentence.replaceChildren("“", ...highlighted(data.answer_sentence || "", pattern), "”");
    const source = data.citations.find((c) => c.rank === data.answer_citation);
    meta.replaceChildren(
      "From ",
      source ? el("a", { href: `#cite-${source.rank}`, text: `passage [${source.rank}]` }) : "the passages below",
      source ? ` — ${source.title}, ${source.date}` : "",
    );
  } else {
    sentence.replaceChildren();
    meta.replaceChildren(
      data.citations.length
        ? "None of the passages states this clearly. The closest ones are below, so you can check for yourself."
        : "No passages matched. Try other words, or search all reports.",
    );
  }
  $("citations-heading").textContent = found ? "Cited passages" : "Closest passages";
  $("citations").replaceChildren(...data.citations.map((c) => citation(c, pattern, c.rank === data.answer_citation)));
  result.hidden = false;
}

function capitalise(text) {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function citation(c, pattern, isSource) {
  const panelId = `context-${c.rank}`;
  const panel = el("div", { id: panelId, class: "context", hidden: true });
  const passage = el("p", { class: "passage" }, ...highlighted(c.text, pattern));
  const toggle = el("button", {
    type: "button", class: "link-button", "aria-expanded": "false", "aria-controls": panelId,
    text: "Show in context",
    onclick: () => toggleContext(toggle, passage, panel, c, pattern),
  });
  const spanUrl = `/documents/${encodeURIComponent(c.doc)}/span?start=${c.start}&end=${c.end}&context=${CONTEXT}`;
  return el("li", { id: `cite-${c.rank}`, class: isSource ? "citation source" : "citation" },
    el("div", { class: "citation-head" },
      el("span", { class: "rank", "aria-label": `Passage ${c.rank}`, text: String(c.rank) }),
      el("h3", {}, c.title, isSource ? el("span", { class: "badge", text: "answer source" }) : null),
    ),
    el("p", { class: "citation-meta" },
      `${c.date} · `, el("code", { text: c.doc }), ` chars ${c.start}–${c.end}`,
      c.page ? (c.end_page && c.end_page !== c.page ? ` · pages ${c.page}–${c.end_page}` : ` · page ${c.page}`) : "",
      c.section ? ` · key facts: ${c.section}` : "",
    ),
    passage,
    panel,
    el("div", { class: "citation-actions" },
      toggle,
      el("a", { href: spanUrl, class: "raw", text: "span as JSON", "aria-label": `Passage ${c.rank} as JSON` }),
    ),
  );
}

/** Swap the cleaned passage for the original file's text around it, and back. */
async function toggleContext(toggle, passage, panel, c, pattern) {
  const open = toggle.getAttribute("aria-expanded") === "true";
  toggle.setAttribute("aria-expanded", String(!open));
  toggle.textContent = open ? "Show in context" : "Hide context";
  panel.hidden = open;
  passage.hidden = !open;
  if (open || panel.dataset.loaded) return;
  panel.replaceChildren(el("p", { class: "context-caption", text: "Loading the original text…" }));
  try {
    const params = new URLSearchParams({ start: c.start, end: c.end, context: CONTEXT });
    const span = await api(`/documents/${encodeURIComponent(c.doc)}/span?${params}`);
    panel.replaceChildren(
      el("p", { class: "context-caption" },
        "The original file ", el("code", { text: span.doc }),
        `, characters ${span.start}–${span.end} highlighted, with the text either side.`),
      el("span", { class: "around" }, span.start > span.before.length ? "…" : "", span.before),
      el("span", { class: "span" }, ...highlighted(span.text, pattern)),
      el("span", { class: "around" }, span.after, span.after.length >= CONTEXT ? "…" : ""),
    );
    panel.dataset.loaded = "1";
  } catch (err) {
    panel.replaceChildren(el("p", { class: "context-caption", text: `Could not open the passage: ${err.message}` }));
  }
  panel.scrollIntoView({ block: "nearest" });
}

// --- start-up -------------------------------------------------------------------------

async function waitUntilReady() {
  for (let delay = 1000; ; delay = Math.min(delay * 1.5, 5000)) {
    try {
      const health = await api("/health");
      $("index-info").textContent =
        `Index: ${health.documents} reports, ${health.chunks} passages, built ${health.built_at}; model ${health.model}.`;
      return true;
    } catch (err) {
      if (err.status !== 503 || !/loading/i.test(err.message)) {
        showStatus(err.status === 503 ? `The service is not available: ${err.message}` : err.message, "error");
        return false;
      }
      showStatus("Loading the model and the index… this takes a few seconds.", "busy");
    }
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}

async function loadDocuments() {
  const docs = await api("/documents");
  for (const d of docs) {
    const title = d.title.length > 90 ? `${d.title.slice(0, 88)}…` : d.title;
    docSelect.append(el("option", { value: d.doc, title: d.title, text: `${title} (${d.date})` }));
  }
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  ask(input.value);
});

for (const example of document.querySelectorAll(".example")) {
  example.addEventListener("click", () => {
    input.value = example.textContent;
    ask(input.value);
  });
}

(async () => {
  const params = new URLSearchParams(location.search);
  if (params.get("q")) input.value = params.get("q");
  if (!(await waitUntilReady())) return;
  showStatus("");
  try {
    await loadDocuments();
  } catch (err) {
    showStatus(`Could not list the reports: ${err.message}`, "error");
  }
  if (params.get("doc")) docSelect.value = params.get("doc");
  if (params.get("q")) ask(params.get("q"));
})();
