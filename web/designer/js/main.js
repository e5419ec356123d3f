// The designer's page: bundles, the BPMN modeler with the properties
// panel, live lint over the websocket, forms, versions and deploy.
import BpmnModeler from "bpmn-js/lib/Modeler";
import { BpmnPropertiesPanelModule, BpmnPropertiesProviderModule } from "bpmn-js-properties-panel";
import procedoModdle from "./procedo-moddle.json";
import { procedoPropertiesModule } from "./properties.js";
import { translateModule, t } from "./i18n.js";
import { FormDesigner, el } from "./formdesigner.js";
import { GoTab, SimTab } from "./sim.js";

const root = document.getElementById("designer");
const prefix = root.dataset.prefix;
const canDeploy = root.dataset.deploy === "true";
const $ = (sel) => document.querySelector(sel);

const state = {
  bundle: null,   // {id, name, head}
  base: 0,        // revision the edits build on
  files: {},      // every file but process.bpmn, which the modeler holds
  dirty: false,
  lint: { seq: 0, inFlight: false, wanted: false, diagnostics: [] },
  importing: false,
};
// window.procedo lets the end-to-end test observe the page.
window.procedo = { state, lintRoundTrips: [] };

// ---- server ----

async function api(method, path, body, raw) {
  const opts = { method, headers: { "X-Procedo-Designer": "1" } };
  if (raw !== undefined) { opts.body = raw; opts.headers["Content-Type"] = "application/octet-stream"; }
  else if (body !== undefined) { opts.body = JSON.stringify(body); opts.headers["Content-Type"] = "application/json"; }
  const res = await fetch(prefix + "/api" + path, opts);
  const data = await res.json().catch(() => ({ message: res.statusText }));
  if (!res.ok) { const e = new Error(data.message || res.statusText); e.status = res.status; e.data = data; throw e; }
  return data;
}

function notice(text, kind = "info", extra) {
  const n = $("#notice");
  n.replaceChildren(el("span", {}, text), extra || "");
  n.className = "notice " + kind;
  n.hidden = !text;
}

function setDirty(d) {
  state.dirty = d;
  $("#dirty").textContent = d ? t("unsaved") : "";
}

// ---- modeler ----

const modeler = new BpmnModeler({
  container: "#canvas",
  propertiesPanel: { parent: "#properties" },
  additionalModules: [BpmnPropertiesPanelModule, BpmnPropertiesProviderModule, procedoPropertiesModule, translateModule],
  moddleExtensions: { procedo: procedoModdle },
});
window.procedo.modeler = modeler;

modeler.on("commandStack.changed", () => { setDirty(true); requestLint(); });

async function currentXML() {
  const { xml } = await modeler.saveXML({ format: true });
  return xml;
}

async function allFiles() {
  return { ...state.files, "process.bpmn": await currentXML() };
}

async function openFiles(files) {
  const { "process.bpmn": xml, ...rest } = files;
  await modeler.importXML(xml);
  modeler.get("canvas").zoom("fit-viewport", "auto");
  state.files = rest;
  formDesigner.load();
  requestLint();
}

// ---- live lint over the websocket ----

let ws = null;
let backoff = 250;

function connect() {
  const url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + prefix + "/ws";
  ws = new WebSocket(url);
  ws.onopen = () => {
    backoff = 250;
    $("#conn").textContent = t("connected");
    $("#conn").className = "conn on";
    state.lint.inFlight = false;
    requestLint(true); // whatever was edited meanwhile is linted now
  };
  ws.onclose = () => {
    $("#conn").textContent = t("disconnected");
    $("#conn").className = "conn off";
    state.lint.inFlight = false;
    setTimeout(connect, backoff);
    backoff = Math.min(backoff * 2, 5000);
  };
  ws.onmessage = (ev) => {
    const msg = JSON.parse(ev.data);
    if (msg.type !== "lint") return;
    state.lint.inFlight = false;
    if (msg.seq === state.lint.seq) {
      const rt = performance.now() - state.lint.sentAt;
      window.procedo.lintRoundTrips.push({ ms: rt, serverMicros: msg.micros, bytes: state.lint.bytes });
      showLint(msg);
    }
    if (state.lint.wanted) sendLint();
  };
}

let lintTimer = null;
function requestLint(now) {
  clearTimeout(lintTimer);
  lintTimer = setTimeout(() => {
    if (state.lint.inFlight || !ws || ws.readyState !== WebSocket.OPEN) { state.lint.wanted = true; return; }
    sendLint();
  }, now ? 0 : 150);
}

async function sendLint() {
  if (!state.bundle) return;
  state.lint.wanted = false;
  state.lint.inFlight = true;
  const files = await allFiles();
  const msg = JSON.stringify({ type: "lint", seq: ++state.lint.seq, files });
  state.lint.sentAt = performance.now();
  state.lint.bytes = msg.length;
  $("#lint-summary").textContent = t("lintPending");
  try { ws.send(msg); } catch { state.lint.inFlight = false; state.lint.wanted = true; }
}

function showLint(msg) {
  const canvas = modeler.get("canvas");
  const registry = modeler.get("elementRegistry");
  const overlays = modeler.get("overlays");
  for (const d of state.lint.diagnostics) {
    if (d.element && registry.get(d.element)) {
      canvas.removeMarker(d.element, "procedo-lint-error");
      canvas.removeMarker(d.element, "procedo-lint-warning");
    }
  }
  overlays.remove({ type: "procedo-lint" });
  state.lint.diagnostics = msg.diagnostics || [];
  state.lint.errors = msg.errors;
  const counts = {};
  for (const d of state.lint.diagnostics) {
    if (!d.element || !registry.get(d.element)) continue;
    canvas.addMarker(d.element, "procedo-lint-" + d.severity);
    counts[d.element] = counts[d.element] || { n: 0, sev: "warning" };
    counts[d.element].n++;
    if (d.severity === "error") counts[d.element].sev = "error";
  }
  for (const [id, c] of Object.entries(counts)) {
    overlays.add(id, "procedo-lint", {
      position: { top: -8, right: 8 },
      html: el("div", { class: "lint-badge " + c.sev, "data-element": id, title: t(c.sev) }, String(c.n)),
    });
  }
  $("#lint-summary").textContent = state.lint.diagnostics.length
    ? t("lintCount", { errors: msg.errors, warnings: msg.warnings }) : t("lintClean");
  $("#lint-list").replaceChildren(...state.lint.diagnostics.map((d) => el("li", {},
    el("button", {
      type: "button", class: "lint-item " + d.severity, "data-element": d.element || "", "data-rule": d.rule,
      onclick: () => selectElement(d.element),
    }, el("span", { class: "sev" }, t(d.severity)), " ",
    d.element ? el("code", {}, d.element) : "", " ",
    d.message, " ", el("span", { class: "pos" }, `${d.file}:${d.line || 1}:${d.col || 1} [${d.rule}]`)))));
}

function selectElement(id) {
  const registry = modeler.get("elementRegistry");
  const element = id && registry.get(id);
  if (!element) return;
  showTab("diagram");
  modeler.get("selection").select(element);
  modeler.get("canvas").scrollToElement(element);
}

// ---- bundles ----

async function refreshList(selectID) {
  const list = await api("GET", "/bundles");
  $("#bundle-select").replaceChildren(
    el("option", { value: "" }, t("chooseBundle")),
    ...list.map((b) => el("option", { value: b.id, selected: b.id === selectID }, b.name)));
}

function confirmLeave() {
  return !state.dirty || window.confirm(t("confirmLeave"));
}

async function openBundle(id, rev) {
  const v = await api("GET", "/bundles/" + id);
  let files = v.revision.files;
  if (rev && rev !== v.revision.rev) files = (await api("GET", `/bundles/${id}/revisions/${rev}`)).files;
  state.bundle = v.bundle;
  state.base = v.bundle.head;
  await openFiles(files);
  setDirty(false);
  history.replaceState(null, "", "#" + id);
  notice("");
  $("#bundle-select").value = id;
  updateButtons();
  if ($("#tab-versions").getAttribute("aria-selected") === "true") loadVersions();
}

function updateButtons() {
  for (const b of document.querySelectorAll("[data-needs-bundle]")) b.disabled = !state.bundle;
  $("#deploy").hidden = !canDeploy;
}

async function save() {
  if (!state.bundle) return;
  const message = window.prompt(t("saveMessage"), "");
  if (message === null) return;
  await doSave(message);
}

async function doSave(message) {
  try {
    const v = await api("POST", `/bundles/${state.bundle.id}/save`, { base: state.base, message, files: await allFiles() });
    state.bundle = v.bundle;
    state.base = v.revision.rev;
    setDirty(false);
    notice(t("saved", { rev: v.revision.rev }), "ok");
    if ($("#tab-versions").getAttribute("aria-selected") === "true") loadVersions();
  } catch (e) {
    if (e.status === 409) {
      // Nothing is lost: the edits stay in the page; the analyst may
      // compare with the new head in Versioni, or save on top of it.
      const head = e.data.detail.rev;
      notice(e.message, "error", el("button", { type: "button", id: "save-anyway", onclick: () => { state.base = head; doSave(message); } }, t("saveAnyway", { rev: head })));
      return;
    }
    notice(e.message, "error");
  }
}

async function deploy() {
  if (!state.bundle) return;
  if (state.dirty) { notice(t("deployUnsaved"), "error"); return; }
  if (!window.confirm(t("deployConfirm", { rev: state.base, name: state.bundle.name }))) return;
  try {
    const res = await api("POST", `/bundles/${state.bundle.id}/deploy`, { rev: state.base });
    notice(t("deployed", { rev: state.base, version: res.version }) + (res.message ? " " + res.message : ""), "ok");
  } catch (e) {
    notice(e.message, "error");
    if (e.data && Array.isArray(e.data.detail)) showLint({ diagnostics: e.data.detail, errors: e.data.detail.filter((d) => d.severity === "error").length, warnings: 0 });
  }
}

async function importFile(file) {
  const data = await file.arrayBuffer();
  try {
    const res = await api("POST", "/import?filename=" + encodeURIComponent(file.name), undefined, data);
    if (!state.bundle) {
      const v = await api("POST", "/bundles", { name: file.name.replace(/\.(bpmn|xml|zip)$/i, ""), files: res.files });
      await refreshList(v.bundle.id);
      await openBundle(v.bundle.id);
    } else {
      await openFiles(res.files);
      setDirty(true);
    }
    notice(t("importedFile", { file: file.name }), "ok");
  } catch (e) {
    // The current diagram is untouched: the file was refused by the server
    // before anything was imported.
    const lines = e.data && Array.isArray(e.data.detail) ? e.data.detail.map((d) => `${d.file}:${d.line}:${d.col}: ${d.message}`) : [];
    notice(t("importFailed") + " " + (lines.length ? "" : e.message), "error",
      lines.length ? el("ul", { id: "import-errors" }, lines.map((l) => el("li", {}, l))) : undefined);
  }
}

// ---- versions ----

async function loadVersions() {
  const box = $("#versions");
  if (!state.bundle) { box.replaceChildren(el("p", {}, t("noBundle"))); return; }
  const revs = await api("GET", `/bundles/${state.bundle.id}/revisions`);
  const fmt = (s) => new Date(s).toLocaleString("it-IT");
  const sel = (id, v) => el("select", { id }, revs.map((r) => el("option", { value: r.rev, selected: r.rev === v }, `${r.rev} – ${r.message || ""}`)));
  box.replaceChildren(
    el("h2", {}, t("revisions")),
    el("table", { class: "revs" },
      el("thead", {}, el("tr", {}, ...[t("revision"), t("author"), t("time"), t("message"), ""].map((h) => el("th", { scope: "col" }, h)))),
      el("tbody", {}, revs.map((r) => el("tr", { "data-rev": r.rev },
        el("td", {}, String(r.rev)), el("td", {}, r.author), el("td", {}, fmt(r.time)), el("td", {}, r.message),
        el("td", {}, r.rev !== state.bundle.head ? el("button", { type: "button", class: "restore", onclick: () => restore(r.rev) }, t("restore")) : ""))))),
    el("div", { class: "compare" },
      el("label", { for: "cmp-a" }, t("compare") + " "), sel("cmp-a", revs[1] ? revs[1].rev : revs[0].rev),
      el("label", { for: "cmp-b" }, " " + t("compareWith") + " "), sel("cmp-b", revs[0].rev), " ",
      el("button", { type: "button", id: "cmp-go", onclick: compare }, t("compare"))),
    el("div", { id: "diff" }));
}

async function compare() {
  const d = await api("GET", `/bundles/${state.bundle.id}/compare?a=${$("#cmp-a").value}&b=${$("#cmp-b").value}`);
  const rows = [
    ...d.files.map((f) => el("tr", {}, el("td", {}, t("file")), el("td", {}, el("code", {}, f.path)), el("td", {}, ""), el("td", {}, t("changes." + f.change)))),
    ...d.elements.map((e) => el("tr", {}, el("td", {}, t("element")),
      el("td", {}, el("button", { type: "button", class: "link", onclick: () => selectElement(e.id) }, el("code", {}, e.id))),
      el("td", {}, `${e.name || ""} (${e.kind})`), el("td", {}, t("changes." + e.change)))),
  ];
  $("#diff").replaceChildren(rows.length ? el("table", { class: "diff" },
    el("thead", {}, el("tr", {}, ...["", t("element"), t("fieldLabel"), t("change")].map((h) => el("th", { scope: "col" }, h)))),
    el("tbody", {}, rows)) : el("p", {}, t("noChanges")));
}

async function restore(rev) {
  try {
    const v = await api("POST", `/bundles/${state.bundle.id}/restore`, { rev, base: state.base });
    await openBundle(v.bundle.id);
    notice(t("restored", { rev, head: v.revision.rev }), "ok");
  } catch (e) { notice(e.message, "error"); }
}

// ---- tabs ----

const TABS = ["diagram", "forms", "go", "simulate", "versions"];

function showTab(name) {
  for (const tab of TABS) {
    $("#tab-" + tab).setAttribute("aria-selected", String(tab === name));
    $("#panel-" + tab).hidden = tab !== name;
  }
  if (name === "versions") loadVersions();
  if (name === "go") { goTab.render(); goTab.refresh(); }
  if (name === "simulate") simTab.render();
  if (name === "forms") formDesigner.schedulePreview();
}

// ---- wiring ----

const formDesigner = new FormDesigner($("#forms"), {
  files: () => state.files,
  setFile: (p, text) => { state.files[p] = text; setDirty(true); requestLint(); },
  removeFile: (p) => { if (p in state.files) { delete state.files[p]; setDirty(true); requestLint(); } },
  preview: async (req) => { try { return await api("POST", "/preview", req); } catch (e) { notice(e.message, "error"); return null; } },
  notice,
});

const tabHost = {
  files: () => state.files,
  allFiles,
  currentXML,
  api,
  modeler,
  notice,
};
const goTab = new GoTab($("#go"), tabHost);
const simTab = new SimTab($("#simulate"), tabHost);

// The Go tab follows the model live while it is shown.
let goTimer = null;
function refreshGoLater() {
  if ($("#tab-go").getAttribute("aria-selected") !== "true") return;
  clearTimeout(goTimer);
  goTimer = setTimeout(() => goTab.refresh(), 500);
}
modeler.on("commandStack.changed", refreshGoLater);

function button(id, label, onclick, needsBundle) {
  const b = $(id);
  b.textContent = label;
  b.addEventListener("click", () => onclick().catch((e) => notice(e.message, "error")));
  if (needsBundle) b.setAttribute("data-needs-bundle", "");
}

document.title = t("title");
$("#label-bundle").textContent = t("bundles");
button("#new", t("newBundle"), async () => {
  if (!confirmLeave()) return;
  const name = window.prompt(t("newBundleName"), "");
  if (!name) return;
  const v = await api("POST", "/bundles", { name });
  await refreshList(v.bundle.id);
  await openBundle(v.bundle.id);
});
button("#duplicate", t("duplicate"), async () => {
  const name = window.prompt(t("duplicateName"), state.bundle.name + " (copia)");
  if (!name || !confirmLeave()) return;
  const v = await api("POST", `/bundles/${state.bundle.id}/duplicate`, { name });
  await refreshList(v.bundle.id);
  await openBundle(v.bundle.id);
}, true);
button("#rename", t("rename"), async () => {
  const name = window.prompt(t("renameName"), state.bundle.name);
  if (!name) return;
  state.bundle = await api("POST", `/bundles/${state.bundle.id}/rename`, { name });
  await refreshList(state.bundle.id);
}, true);
button("#export", t("export"), async () => { location.href = `${prefix}/api/bundles/${state.bundle.id}/export?rev=${state.base}`; }, true);
button("#save", t("save"), save, true);
button("#deploy", t("deploy"), deploy, true);
$("#import-label").textContent = t("import");
$("#import-label").title = t("importHelp");
$("#import-file").addEventListener("change", async (e) => {
  const f = e.target.files[0];
  e.target.value = "";
  if (f) await importFile(f);
});
$("#bundle-select").addEventListener("change", async (e) => {
  if (!e.target.value) return;
  if (!confirmLeave()) { e.target.value = state.bundle ? state.bundle.id : ""; return; }
  await openBundle(e.target.value).catch((err) => notice(err.message, "error"));
});
for (const tab of TABS) {
  $("#tab-" + tab).textContent = t("tab" + tab[0].toUpperCase() + tab.slice(1));
  $("#tab-" + tab).addEventListener("click", () => showTab(tab));
}
$("#lint-title").textContent = t("lintTitle");
window.addEventListener("beforeunload", (e) => { if (state.dirty) { e.preventDefault(); e.returnValue = ""; } });

updateButtons();
connect();
(async () => {
  const id = location.hash.slice(1);
  await refreshList(id);
  if (id) await openBundle(id).catch((e) => notice(e.message, "error"));
  else notice(t("noBundle"), "info");
})();
