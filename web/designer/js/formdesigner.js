// The form designer: a list of fields edited visually, turned into a JSON
// Schema 2020-12 + a UI schema (docs/forms.md), with raw JSON editors for
// advanced users and the server-rendered preview.
import { t } from "./i18n.js";

const SCALAR = ["string", "integer", "number", "boolean"];

// el builds a DOM element: el("button", {class: "x", onclick: f}, "text").
export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else if (k === "value") e.value = v;
    else if (k === "checked") e.checked = v;
    else e.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

// fieldsFromSchema reads the visual model from a schema and UI schema;
// it returns null when the schema uses what the visual editor cannot
// show (nested objects, arrays): the raw editors are then the way.
export function fieldsFromSchema(schema, ui) {
  if (!schema || schema.type !== "object") return null;
  const props = schema.properties || {};
  const required = new Set(schema.required || []);
  const fields = [];
  for (const [name, p] of Object.entries(props)) {
    if (!SCALAR.includes(p.type)) return null;
    let type = p.type;
    if (type === "string" && p.format === "date") type = "date";
    if (type === "string" && p.format === "email") type = "email";
    fields.push({
      name, type, label: p.title || "", help: p.description || "", required: required.has(name),
      enum: Array.isArray(p.enum) ? p.enum.join(", ") : "",
      format: type === "string" ? p.format || "" : "",
      min: p.minimum ?? p.minLength ?? "", max: p.maximum ?? p.maxLength ?? "",
      pattern: p.pattern || "", step: "", group: "", rule: null,
    });
  }
  const byName = Object.fromEntries(fields.map((f) => [f.name, f]));
  const visit = (node, step, group) => {
    if (!node || typeof node !== "object") return;
    if (node.type === "Category") step = node.label || "";
    if (node.type === "Group") group = node.label || "";
    if (node.type === "Control" && typeof node.scope === "string") {
      const m = node.scope.match(/^#\/properties\/([^/]+)$/);
      const f = m && byName[m[1]];
      if (f) {
        f.step = step; f.group = group;
        const r = node.rule;
        if (r && r.condition && typeof r.condition.scope === "string" && r.condition.schema && "const" in r.condition.schema) {
          const rm = r.condition.scope.match(/^#\/properties\/([^/]+)$/);
          if (rm) f.rule = { effect: r.effect, field: rm[1], value: JSON.stringify(r.condition.schema.const) };
        }
      }
    }
    (node.elements || []).forEach((c) => visit(c, step, group));
  };
  visit(ui, "", "");
  return { title: schema.title || "", fields };
}

function num(s) {
  if (s === "" || s === null || s === undefined) return undefined;
  const n = Number(String(s).replace(",", "."));
  return Number.isFinite(n) ? n : undefined;
}

// schemaFromFields writes the JSON Schema and the UI schema of the model.
export function schemaFromFields(model) {
  const schema = { $schema: "https://json-schema.org/draft/2020-12/schema", type: "object" };
  if (model.title) schema.title = model.title;
  schema.properties = {};
  const required = [];
  for (const f of model.fields) {
    const p = {};
    switch (f.type) {
      case "date": p.type = "string"; p.format = "date"; break;
      case "email": p.type = "string"; p.format = "email"; break;
      default: p.type = f.type;
    }
    if (f.label) p.title = f.label;
    if (f.help) p.description = f.help;
    if (f.type === "string" && f.format) p.format = f.format;
    if (f.enum && f.type !== "boolean") {
      const vals = f.enum.split(",").map((s) => s.trim()).filter((s) => s !== "");
      if (vals.length) p.enum = vals.map((v) => (f.type === "integer" || f.type === "number") ? (num(v) ?? v) : v);
    }
    const lo = num(f.min), hi = num(f.max);
    if (f.type === "integer" || f.type === "number") {
      if (lo !== undefined) p.minimum = lo;
      if (hi !== undefined) p.maximum = hi;
    } else if (f.type === "string") {
      if (lo !== undefined) p.minLength = lo;
      if (hi !== undefined) p.maxLength = hi;
      if (f.pattern) p.pattern = f.pattern;
    }
    schema.properties[f.name] = p;
    if (f.required) required.push(f.name);
  }
  if (required.length) schema.required = required;

  const control = (f) => {
    const c = { type: "Control", scope: "#/properties/" + f.name };
    if (f.rule && f.rule.field) {
      let v;
      try { v = JSON.parse(f.rule.value); } catch { v = f.rule.value; }
      c.rule = { effect: f.rule.effect, condition: { scope: "#/properties/" + f.rule.field, schema: { const: v } } };
    }
    return c;
  };
  const layout = (fields) => {
    const out = [];
    const groups = new Map();
    for (const f of fields) {
      if (!f.group) { out.push(control(f)); continue; }
      if (!groups.has(f.group)) {
        const g = { type: "Group", label: f.group, elements: [] };
        groups.set(f.group, g);
        out.push(g);
      }
      groups.get(f.group).elements.push(control(f));
    }
    return out;
  };
  let ui;
  if (model.fields.some((f) => f.step)) {
    const steps = new Map();
    for (const f of model.fields) {
      const s = f.step || t("fieldStep") + " 1";
      if (!steps.has(s)) steps.set(s, []);
      steps.get(s).push(f);
    }
    ui = { type: "Categorization", elements: [...steps].map(([label, fs]) => ({ type: "Category", label, elements: layout(fs) })) };
  } else {
    ui = { type: "VerticalLayout", elements: layout(model.fields) };
  }
  return { schema, ui };
}

// position turns a JSON.parse error into line and column.
export function jsonProblem(text) {
  try { JSON.parse(text); return null; } catch (e) {
    const m = String(e.message).match(/position (\d+)/);
    let line = 1, col = 1;
    if (m) {
      const pos = Number(m[1]);
      for (let i = 0; i < pos && i < text.length; i++) {
        if (text[i] === "\n") { line++; col = 1; } else col++;
      }
    } else {
      const lm = String(e.message).match(/line (\d+) column (\d+)/);
      if (lm) { line = Number(lm[1]); col = Number(lm[2]); }
    }
    return { line, col, message: String(e.message) };
  }
}

// FormDesigner is the "Moduli" tab. host gives it the bundle's files and
// is told of every change.
export class FormDesigner {
  constructor(root, host) {
    this.root = root;
    this.host = host; // {files(), setFile(path, text), removeFile(path), preview(req) → Promise, changed()}
    this.current = null;
    this.step = 0;
    this.previewSeq = 0;
    this.timer = null;
  }

  names() {
    return Object.keys(this.host.files()).map((p) => p.match(/^forms\/(.+)\.schema\.json$/)).filter(Boolean).map((m) => m[1]).sort();
  }

  // load is called when a bundle is opened.
  load() {
    const names = this.names();
    if (!names.includes(this.current)) this.current = names[0] || null;
    this.readCurrent();
    this.render();
  }

  readCurrent() {
    this.model = null;
    this.rawSchema = "";
    this.rawUI = "";
    if (!this.current) return;
    const files = this.host.files();
    this.rawSchema = files[`forms/${this.current}.schema.json`] || "";
    this.rawUI = files[`forms/${this.current}.ui.json`] || "";
    let schema, ui;
    try { schema = JSON.parse(this.rawSchema); } catch { schema = null; }
    try { ui = this.rawUI ? JSON.parse(this.rawUI) : null; } catch { ui = null; }
    this.model = schema ? fieldsFromSchema(schema, ui) : null;
  }

  addForm() {
    const name = (window.prompt(t("newFormName"), "domanda") || "").trim();
    if (!name) return;
    if (!/^[a-z0-9][a-z0-9_-]{0,63}$/.test(name)) { this.host.notice(t("formNameInvalid"), "error"); return; }
    this.current = name;
    this.model = { title: "", fields: [] };
    this.commitModel();
    this.render();
  }

  removeForm() {
    if (!this.current || !window.confirm(t("confirmRemoveForm", { name: this.current }))) return;
    this.host.removeFile(`forms/${this.current}.schema.json`);
    this.host.removeFile(`forms/${this.current}.ui.json`);
    this.current = null;
    this.load();
  }

  // commitModel writes the visual model into the bundle's files.
  commitModel() {
    const { schema, ui } = schemaFromFields(this.model);
    this.rawSchema = JSON.stringify(schema, null, 2) + "\n";
    this.rawUI = JSON.stringify(ui, null, 2) + "\n";
    this.host.setFile(`forms/${this.current}.schema.json`, this.rawSchema);
    this.host.setFile(`forms/${this.current}.ui.json`, this.rawUI);
    const s = this.root.querySelector("#raw-schema"), u = this.root.querySelector("#raw-ui");
    if (s) s.value = this.rawSchema;
    if (u) u.value = this.rawUI;
    this.schedulePreview();
  }

  // commitRaw takes what the analyst typed in a raw editor.
  commitRaw(which, text) {
    if (which === "schema") this.rawSchema = text; else this.rawUI = text;
    const p = jsonProblem(text);
    const status = this.root.querySelector(`#raw-${which}-status`);
    if (p && !(which === "ui" && text.trim() === "")) {
      status.textContent = t("rawInvalid", p);
      status.className = "raw-status invalid";
      this.root.querySelector(`#raw-${which}`).setAttribute("aria-invalid", "true");
      return;
    }
    status.textContent = t("rawValid");
    status.className = "raw-status valid";
    this.root.querySelector(`#raw-${which}`).removeAttribute("aria-invalid");
    this.host.setFile(`forms/${this.current}.schema.json`, this.rawSchema);
    if (this.rawUI.trim() === "") this.host.removeFile(`forms/${this.current}.ui.json`);
    else this.host.setFile(`forms/${this.current}.ui.json`, this.rawUI);
    let schema, ui;
    try { schema = JSON.parse(this.rawSchema); ui = this.rawUI.trim() ? JSON.parse(this.rawUI) : null; } catch { return this.schedulePreview(); }
    this.model = fieldsFromSchema(schema, ui);
    this.renderFields();
    this.schedulePreview();
  }

  schedulePreview() {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.refreshPreview(), 200);
  }

  async refreshPreview() {
    if (!this.current) return;
    const seq = ++this.previewSeq;
    const ans = await this.host.preview({ name: this.current, schema: this.rawSchema, ui: this.rawUI, step: this.step });
    if (seq !== this.previewSeq || !ans) return;
    const frame = this.root.querySelector("#form-preview");
    const problem = this.root.querySelector("#preview-problem");
    if (ans.problem) {
      const p = ans.problem;
      problem.textContent = `${p.source === "ui" ? t("rawUI") : t("rawSchema")}${p.line ? ` ${p.line}:${p.col}` : ""}${p.pointer ? ` (${p.pointer})` : ""}: ${p.message}`;
      problem.hidden = false;
      const status = this.root.querySelector(`#raw-${p.source}-status`);
      if (status) { status.textContent = problem.textContent; status.className = "raw-status invalid"; }
      return;
    }
    problem.hidden = true;
    frame.srcdoc = ans.html;
    const sel = this.root.querySelector("#preview-step");
    sel.replaceChildren(...Array.from({ length: Math.max(ans.steps, 1) }, (_, i) => el("option", { value: i, selected: i === this.step }, String(i + 1))));
  }

  render() {
    const names = this.names();
    this.root.replaceChildren(
      el("div", { class: "forms-bar" },
        el("label", { for: "form-select" }, t("forms") + " "),
        el("select", { id: "form-select", onchange: (e) => { this.current = e.target.value; this.step = 0; this.readCurrent(); this.render(); } },
          names.map((n) => el("option", { value: n, selected: n === this.current }, n))),
        el("button", { type: "button", id: "form-new", onclick: () => this.addForm() }, t("newForm")),
        this.current && el("button", { type: "button", id: "form-remove", onclick: () => this.removeForm() }, t("removeForm"))),
      !this.current ? el("p", { class: "empty" }, t("noForms")) : el("div", { class: "forms-main" },
        el("section", { class: "forms-editor", "aria-label": t("fields") },
          el("div", { id: "fields" }),
          el("details", { class: "raw", open: this.model ? undefined : true },
            el("summary", {}, t("rawSchema") + " / " + t("rawUI")),
            el("label", { for: "raw-schema" }, t("rawSchema")),
            el("textarea", { id: "raw-schema", spellcheck: "false", rows: 12, value: this.rawSchema, oninput: (e) => this.commitRaw("schema", e.target.value) }),
            el("div", { id: "raw-schema-status", class: "raw-status", role: "status" }),
            el("label", { for: "raw-ui" }, t("rawUI")),
            el("textarea", { id: "raw-ui", spellcheck: "false", rows: 10, value: this.rawUI, oninput: (e) => this.commitRaw("ui", e.target.value) }),
            el("div", { id: "raw-ui-status", class: "raw-status", role: "status" }))),
        el("section", { class: "forms-preview", "aria-label": t("preview") },
          el("div", { class: "preview-bar" }, el("strong", {}, t("preview")), " ",
            el("label", { for: "preview-step" }, t("previewStep") + " "),
            el("select", { id: "preview-step", onchange: (e) => { this.step = Number(e.target.value); this.refreshPreview(); } })),
          el("div", { id: "preview-problem", class: "problem", role: "alert", hidden: true }),
          el("iframe", { id: "form-preview", title: t("preview"), sandbox: "allow-same-origin allow-scripts" }))),
    );
    this.renderFields();
    this.schedulePreview();
  }

  renderFields() {
    const box = this.root.querySelector("#fields");
    if (!box) return;
    if (!this.model) { box.replaceChildren(el("p", { class: "problem" }, t("advancedOnly"))); return; }
    const m = this.model;
    const change = () => this.commitModel();
    const fieldNames = m.fields.map((f) => f.name);
    box.replaceChildren(
      el("label", { for: "form-title" }, t("formTitle")),
      el("input", { id: "form-title", value: m.title, oninput: (e) => { m.title = e.target.value; change(); } }),
      el("h3", {}, t("fields")),
      el("ol", { class: "field-list" }, m.fields.map((f, i) => this.fieldItem(f, i, fieldNames, change))),
      el("button", { type: "button", id: "field-add", onclick: () => {
        let n = m.fields.length + 1;
        while (m.fields.some((f) => f.name === "campo" + n)) n++;
        m.fields.push({ name: "campo" + n, type: "string", label: "", help: "", required: false, enum: "", format: "", min: "", max: "", pattern: "", step: "", group: "", rule: null });
        change(); this.renderFields();
        box.querySelector(`#field-${m.fields.length - 1}-name`).focus();
      } }, t("addField")),
    );
  }

  fieldItem(f, i, names, change) {
    const m = this.model;
    const id = (k) => `field-${i}-${k}`;
    const input = (k, label, attrs = {}) => el("div", { class: "fd" },
      el("label", { for: id(k) }, label),
      el("input", { id: id(k), value: f[k], ...attrs, oninput: (e) => { f[k] = e.target.value; change(); } }));
    const move = (d) => { const j = i + d; if (j < 0 || j >= m.fields.length) return; [m.fields[i], m.fields[j]] = [m.fields[j], m.fields[i]]; change(); this.renderFields(); };
    const rule = f.rule || { effect: "", field: "", value: "" };
    return el("li", { class: "field", "data-field": f.name },
      el("div", { class: "field-head" },
        el("strong", {}, f.label || f.name),
        el("button", { type: "button", title: t("moveUp"), "aria-label": t("moveUp") + " " + f.name, onclick: () => move(-1) }, "↑"),
        el("button", { type: "button", title: t("moveDown"), "aria-label": t("moveDown") + " " + f.name, onclick: () => move(1) }, "↓"),
        el("button", { type: "button", class: "danger", "aria-label": t("removeField") + " " + f.name, onclick: () => { m.fields.splice(i, 1); change(); this.renderFields(); } }, t("removeField"))),
      el("div", { class: "field-grid" },
        el("div", { class: "fd" }, el("label", { for: id("name") }, t("fieldName")),
          el("input", { id: id("name"), value: f.name, pattern: "[A-Za-z_][A-Za-z0-9_]*", onchange: (e) => {
            const v = e.target.value.trim();
            if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(v) || m.fields.some((o) => o !== f && o.name === v)) { e.target.setAttribute("aria-invalid", "true"); return; }
            e.target.removeAttribute("aria-invalid");
            for (const o of m.fields) if (o.rule && o.rule.field === f.name) o.rule.field = v;
            f.name = v; change();
          } })),
        el("div", { class: "fd" }, el("label", { for: id("type") }, t("fieldType")),
          el("select", { id: id("type"), onchange: (e) => { f.type = e.target.value; change(); this.renderFields(); } },
            Object.keys(TYPES()).map((k) => el("option", { value: k, selected: f.type === k }, TYPES()[k])))),
        input("label", t("fieldLabel")),
        input("help", t("fieldHelp")),
        el("div", { class: "fd check" },
          el("input", { type: "checkbox", id: id("required"), checked: f.required, onchange: (e) => { f.required = e.target.checked; change(); } }),
          el("label", { for: id("required") }, t("fieldRequired"))),
        f.type !== "boolean" && input("enum", t("fieldEnum")),
        f.type === "string" && el("div", { class: "fd" }, el("label", { for: id("format") }, t("fieldFormat")),
          el("select", { id: id("format"), onchange: (e) => { f.format = e.target.value; change(); } },
            Object.keys(FORMATS()).map((k) => el("option", { value: k, selected: f.format === k }, FORMATS()[k])))),
        ["string", "integer", "number"].includes(f.type) && input("min", t("fieldMin"), { inputmode: "decimal" }),
        ["string", "integer", "number"].includes(f.type) && input("max", t("fieldMax"), { inputmode: "decimal" }),
        f.type === "string" && input("pattern", t("fieldPattern")),
        input("step", t("fieldStep")),
        input("group", t("fieldGroup")),
        el("div", { class: "fd rule" }, el("label", { for: id("rule") }, t("fieldRule")),
          el("select", { id: id("rule"), onchange: (e) => {
            if (!e.target.value) f.rule = null; else f.rule = { ...rule, effect: e.target.value, field: rule.field || names.find((n) => n !== f.name) || "" };
            change(); this.renderFields();
          } },
          el("option", { value: "", selected: !f.rule }, t("ruleNone")),
          el("option", { value: "SHOW", selected: rule.effect === "SHOW" }, t("ruleShow")),
          el("option", { value: "HIDE", selected: rule.effect === "HIDE" }, t("ruleHide"))),
          f.rule && el("select", { id: id("rule-field"), "aria-label": t("fieldRule") + ": " + t("fieldName"), onchange: (e) => { f.rule.field = e.target.value; change(); } },
            names.filter((n) => n !== f.name).map((n) => el("option", { value: n, selected: n === rule.field }, n))),
          f.rule && el("span", {}, " " + t("ruleEquals") + " "),
          f.rule && el("input", { id: id("rule-value"), "aria-label": t("fieldRule") + ": " + t("ruleEquals"), value: rule.value, placeholder: "true", oninput: (e) => { f.rule.value = e.target.value; change(); } }))),
    );
  }
}

const TYPES = () => ({ string: t("types.string"), integer: t("types.integer"), number: t("types.number"), boolean: t("types.boolean"), date: t("types.date"), email: t("types.email") });
const FORMATS = () => ({ "": "—", "codice-fiscale": t("formats.codice-fiscale"), iban: t("formats.iban"), targa: t("formats.targa"), "partita-iva": t("formats.partita-iva"), uri: t("formats.uri") });
