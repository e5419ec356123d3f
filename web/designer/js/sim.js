// The "Go" tab (what `procedo gen` writes for the current model) and the
// "Simulazione" tab (the process run in memory by the server through
// codegen.Load: start form, outcomes of user tasks, results of service
// tasks, a simulated clock; tokens on the diagram, trace and variables).
import NavigatedViewer from "bpmn-js/lib/NavigatedViewer";
import procedoModdle from "./procedo-moddle.json";
import { t } from "./i18n.js";
import { el } from "./formdesigner.js";

// skeleton is an object with a typed empty value for every property of a
// form schema: what the analyst fills in.
export function skeleton(schemaText) {
  let s;
  try { s = JSON.parse(schemaText || "{}"); } catch { return {}; }
  const out = {};
  for (const [k, p] of Object.entries(s.properties || {})) {
    if (Array.isArray(p.enum) && p.enum.length) { out[k] = p.enum[0]; continue; }
    switch (p.type) {
      case "integer": case "number": out[k] = p.minimum ?? 0; break;
      case "boolean": out[k] = false; break;
      case "array": out[k] = []; break;
      case "object": out[k] = {}; break;
      default: out[k] = p.format === "date" ? new Date().toISOString().slice(0, 10) : "";
    }
  }
  return out;
}

export class GoTab {
  constructor(root, host) {
    this.root = root;
    this.host = host; // {allFiles(), api()}
    this.current = null;
    this.seq = 0;
  }

  async refresh() {
    const seq = ++this.seq;
    this.root.querySelector("#go-status").textContent = t("goPending");
    let res;
    try {
      res = await this.host.api("POST", "/generate", { files: await this.host.allFiles() });
    } catch (e) {
      if (seq !== this.seq) return;
      const ds = e.data && Array.isArray(e.data.detail) ? e.data.detail.filter((d) => d.severity === "error") : [];
      this.root.querySelector("#go-status").replaceChildren(el("span", { class: "problem" }, e.message),
        el("ul", {}, ds.map((d) => el("li", {}, `${d.file}:${d.line}:${d.col}: ${d.message}`))));
      return;
    }
    if (seq !== this.seq) return;
    const paths = Object.keys(res.files).sort();
    if (!paths.includes(this.current)) this.current = paths.find((p) => p.endsWith("/process.go")) || paths[0];
    this.root.querySelector("#go-status").textContent = t("goFiles", { n: paths.length });
    const sel = this.root.querySelector("#go-file");
    sel.replaceChildren(...paths.map((p) => el("option", { value: p, selected: p === this.current }, p)));
    sel.onchange = () => { this.current = sel.value; this.root.querySelector("#go-source").textContent = res.files[this.current]; };
    this.root.querySelector("#go-source").textContent = this.current ? res.files[this.current] : "";
  }

  render() {
    this.root.replaceChildren(
      el("div", { class: "go-bar" },
        el("label", { for: "go-file" }, t("goFile") + " "), el("select", { id: "go-file" }), " ",
        el("span", { id: "go-status", role: "status" })),
      el("pre", { class: "go" }, el("code", { id: "go-source" })));
  }
}

export class SimTab {
  constructor(root, host) {
    this.root = root;
    this.host = host; // {allFiles(), api(), modeler, notice()}
    this.sim = null;
    this.viewer = null;
  }

  startForm() {
    const registry = this.host.modeler.get("elementRegistry");
    const start = registry.filter((e) => e.type === "bpmn:StartEvent" && !e.businessObject.$parent.$instanceOf("bpmn:SubProcess"))[0];
    return start && start.businessObject.get("procedo:form");
  }

  serviceTypes() {
    const types = new Set();
    for (const e of this.host.modeler.get("elementRegistry").getAll()) {
      const tp = e.businessObject && e.businessObject.get && (e.type === "bpmn:ServiceTask" || e.type === "bpmn:SendTask") && e.businessObject.get("procedo:type");
      if (tp) types.add(tp);
    }
    return [...types].sort();
  }

  render() {
    const files = this.host.files();
    const form = this.startForm();
    const vars = form ? skeleton(files[`forms/${form}.schema.json`]) : {};
    const services = Object.fromEntries(this.serviceTypes().map((s) => [s, {}]));
    this.root.replaceChildren(
      el("div", { class: "sim-main" },
        el("section", { class: "sim-controls", "aria-label": t("simTitle") },
          el("label", { for: "sim-vars" }, t("simStartData", { form: form || "—" })),
          el("textarea", { id: "sim-vars", rows: 6, spellcheck: "false", value: JSON.stringify(vars, null, 2) }),
          el("label", { for: "sim-services" }, t("simServices")),
          el("textarea", { id: "sim-services", rows: 4, spellcheck: "false", value: JSON.stringify(services, null, 2) }),
          el("button", { type: "button", id: "sim-start", class: "primary-dark", onclick: () => this.start() }, t("simStart")),
          el("div", { id: "sim-state" })),
        el("section", { class: "sim-diagram", "aria-label": t("tabDiagram") }, el("div", { id: "sim-canvas" }))));
    if (this.viewer) this.viewer.destroy();
    this.viewer = new NavigatedViewer({ container: this.root.querySelector("#sim-canvas"), moddleExtensions: { procedo: procedoModdle } });
    this.host.currentXML().then((xml) => this.viewer.importXML(xml)).then(() => this.viewer.get("canvas").zoom("fit-viewport", "auto")).catch(() => {});
  }

  parse(id) {
    const text = this.root.querySelector(id).value;
    try { return JSON.parse(text || "{}"); } catch (e) { throw new Error(t("simBadJSON", { message: e.message })); }
  }

  async call(method, path, body) {
    try {
      this.show(await this.host.api(method, path, body));
    } catch (e) {
      this.host.notice(e.message, "error");
    }
  }

  async start() {
    let vars, services;
    try { vars = this.parse("#sim-vars"); services = this.parse("#sim-services"); } catch (e) { this.host.notice(e.message, "error"); return; }
    const xml = await this.host.currentXML();
    await this.viewer.importXML(xml);
    this.viewer.get("canvas").zoom("fit-viewport", "auto");
    await this.call("POST", "/simulate", { files: await this.host.allFiles(), vars, services });
  }

  show(s) {
    this.sim = s;
    window.procedo.simulation = s;
    const canvas = this.viewer.get("canvas");
    const overlays = this.viewer.get("overlays");
    const registry = this.viewer.get("elementRegistry");
    overlays.remove({ type: "procedo-token" });
    for (const e of registry.getAll()) { canvas.removeMarker(e.id, "procedo-visited"); canvas.removeMarker(e.id, "procedo-waiting"); }
    for (const id of Object.keys(s.visits || {})) if (registry.get(id)) canvas.addMarker(id, "procedo-visited");
    for (const w of s.waiting) {
      if (!registry.get(w.element)) continue;
      canvas.addMarker(w.element, "procedo-waiting");
      overlays.add(w.element, "procedo-token", { position: { bottom: 8, left: -8 }, html: el("div", { class: "sim-token", "data-element": w.element, title: t("simToken") }) });
    }
    const name = (id) => { const e = registry.get(id); return (e && e.businessObject.name) || id; };
    const files = this.host.files();
    const box = this.root.querySelector("#sim-state");
    box.replaceChildren(
      el("p", { id: "sim-status", "data-status": s.status }, t("simStatus", { status: t("simStatuses." + s.status) }), " · ",
        t("simNow", { now: new Date(s.now).toLocaleString("it-IT") })),
      el("div", { class: "sim-advance" },
        el("label", { for: "sim-days" }, t("simAdvance") + " "),
        el("input", { id: "sim-days", type: "number", min: 0, value: 1, size: 4 }), " " + t("simDays") + " ",
        el("button", { type: "button", id: "sim-advance", onclick: () => this.call("POST", `/simulate/${s.session}/advance`, { days: Number(this.root.querySelector("#sim-days").value) || 0 }) }, t("simAdvanceGo"))),
      el("h3", {}, t("simWaiting")),
      s.waiting.length ? el("ul", { class: "sim-tasks" }, s.waiting.map((w) => el("li", { "data-element": w.element },
        el("strong", {}, name(w.element)), ` (${w.kind})`,
        w.kind === "task" && el("div", {},
          el("label", { for: "sim-payload-" + w.task }, t("simOutcome", { form: w.form || "—" })),
          el("textarea", { id: "sim-payload-" + w.task, class: "sim-payload", rows: 4, spellcheck: "false", value: JSON.stringify(w.form ? skeleton(files[`forms/${w.form}.schema.json`]) : {}, null, 2) }),
          el("button", { type: "button", class: "sim-complete", "data-element": w.element, onclick: () => {
            let payload;
            try { payload = JSON.parse(this.root.querySelector("#sim-payload-" + w.task).value || "{}"); } catch (e) { this.host.notice(t("simBadJSON", { message: e.message }), "error"); return; }
            this.call("POST", `/simulate/${s.session}/complete`, { task: w.task, payload });
          } }, t("simComplete")))))) : el("p", {}, t("simNothingWaiting")),
      el("h3", {}, t("simTrace")),
      el("ol", { id: "sim-trace" }, s.trace.map((e) => el("li", { "data-type": e.type, "data-element": e.element || "" },
        `${new Date(e.time).toLocaleString("it-IT")} · ${t("simEvents." + e.type)}${e.element ? " · " + name(e.element) : ""}`))),
      el("h3", {}, t("simVars")),
      el("pre", { id: "sim-vars-out" }, JSON.stringify(s.vars ?? {}, null, 2)));
  }
}
