// Progressive enhancement of the forms rendered by package forms/render.
// The pages work without this script; with it, rules apply while the
// citizen types and the constraints are checked before the page is sent,
// with the messages the server wrote into data-msg-* attributes (so every
// text still comes from the server's message catalogue).
import { checks } from "./formats.js";
import { holds } from "./schema.js";

// NOT_ON_PAGE marks a rule whose condition reads a field of another page:
// the server evaluated it with the draft, and the script leaves it alone.
const NOT_ON_PAGE = Symbol("not on page");

function fieldValue(form, pointer) {
  const name = "$" + pointer;
  const els = Array.from(form.elements).filter((e) => e.name === name);
  if (els.length === 0) return NOT_ON_PAGE;
  const el = els[0];
  if (el.type === "radio") {
    const c = els.find((e) => e.checked);
    return c ? JSON.parse(c.value) : undefined;
  }
  if (el.type === "checkbox") return el.checked;
  if (el.tagName === "SELECT") return el.value === "" ? undefined : JSON.parse(el.value);
  if (el.hasAttribute("data-number")) {
    if (el.value.trim() === "") return undefined;
    const n = Number(el.value.replace(",", "."));
    return Number.isNaN(n) ? el.value : n;
  }
  return el.value === "" ? undefined : el.value;
}

function applyRules(form) {
  for (const el of form.querySelectorAll("[data-rule]")) {
    let rule;
    try {
      rule = JSON.parse(el.getAttribute("data-rule"));
    } catch {
      continue;
    }
    const v = fieldValue(form, rule.pointer);
    if (v === NOT_ON_PAGE) continue;
    const ok = v !== undefined && holds(rule.schema, v);
    if (ok === null) continue; // a condition the script cannot evaluate: the server decides
    switch (rule.effect) {
      case "SHOW":
        el.hidden = !ok;
        break;
      case "HIDE":
        el.hidden = ok;
        break;
      case "ENABLE":
        setDisabled(el, !ok);
        break;
      case "DISABLE":
        setDisabled(el, ok);
        break;
    }
  }
}

function setDisabled(el, disabled) {
  if (el.tagName === "FIELDSET") {
    el.disabled = disabled;
    return;
  }
  for (const input of el.querySelectorAll("input, select, textarea")) input.disabled = disabled;
}

function isShown(el) {
  return !el.closest("[hidden]") && !el.disabled && !el.closest("fieldset:disabled");
}

// check returns the message of the first constraint the field breaks, or "".
function check(el) {
  const msg = (k) => el.getAttribute("data-msg-" + k) || "";
  if (el.hasAttribute("data-choice")) {
    const chosen = el.querySelector("input:checked");
    return !chosen && el.hasAttribute("data-required") ? msg("required") : "";
  }
  if (el.type === "checkbox") {
    return el.hasAttribute("data-required") && !el.checked ? msg("required") : "";
  }
  if (el.type === "file") {
    const has = el.files && el.files.length > 0;
    return el.hasAttribute("data-required") && !has && !el.hasAttribute("data-has-file") ? msg("required") : "";
  }
  const v = el.value;
  if (v === "" || (el.tagName !== "TEXTAREA" && v.trim() === "")) {
    return el.hasAttribute("data-required") ? msg("required") : "";
  }
  const minLen = Number(el.getAttribute("data-minlength") || 0);
  if (minLen && [...v].length < minLen) return msg("minlength");
  const maxLen = Number(el.getAttribute("maxlength") || 0);
  if (maxLen && [...v].length > maxLen) return msg("maxlength");
  if (el.hasAttribute("data-pattern")) {
    try {
      if (!new RegExp(el.getAttribute("data-pattern"), "u").test(v)) return msg("pattern");
    } catch {
      // a pattern JavaScript cannot compile: the server checks it
    }
  }
  const fmt = el.getAttribute("data-format");
  if (fmt && checks[fmt] && !checks[fmt](v)) return msg("format");
  if (el.hasAttribute("data-number")) {
    const n = Number(v.replace(",", "."));
    if (Number.isNaN(n) || (el.inputMode === "numeric" && !Number.isInteger(n))) return msg("number");
    if (el.hasAttribute("data-min") && n < Number(el.getAttribute("data-min"))) return msg("min");
    if (el.hasAttribute("data-max") && n > Number(el.getAttribute("data-max"))) return msg("max");
  } else if (el.type === "date") {
    if (el.hasAttribute("data-min") && v < el.getAttribute("data-min")) return msg("min");
    if (el.hasAttribute("data-max") && v > el.getAttribute("data-max")) return msg("max");
  }
  return "";
}

function errorBox(el) {
  return document.getElementById(el.id + "-error");
}

function show(el, message) {
  const box = errorBox(el);
  const target = el;
  if (message) {
    target.setAttribute("aria-invalid", "true");
    if (el.classList.contains("form-control")) el.classList.add("is-invalid");
    if (box) {
      box.textContent = message;
      box.hidden = false;
      const ids = (target.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
      if (!ids.includes(box.id)) ids.push(box.id);
      target.setAttribute("aria-describedby", ids.join(" "));
    }
  } else {
    target.removeAttribute("aria-invalid");
    el.classList.remove("is-invalid");
    if (box) {
      box.textContent = "";
      box.hidden = true;
      const ids = (target.getAttribute("aria-describedby") || "").split(" ").filter((i) => i && i !== box.id);
      if (ids.length) target.setAttribute("aria-describedby", ids.join(" "));
      else target.removeAttribute("aria-describedby");
    }
  }
}

function summary(form, errors) {
  let box = document.getElementById("error-summary");
  if (errors.length === 0) {
    if (box) box.remove();
    return;
  }
  const title = form.getAttribute("data-errors-" + (errors.length === 1 ? "one" : "many")) || "";
  if (!box) {
    box = document.createElement("div");
    box.id = "error-summary";
    box.className = "alert alert-danger procedo-error-summary";
    box.setAttribute("role", "alert");
    box.setAttribute("tabindex", "-1");
    box.setAttribute("aria-labelledby", "error-summary-title");
    form.parentNode.insertBefore(box, form);
  }
  box.replaceChildren();
  const h = document.createElement("h2");
  h.className = "h5";
  h.id = "error-summary-title";
  h.textContent = title.replace("%d", String(errors.length));
  const ul = document.createElement("ul");
  ul.className = "mb-0";
  for (const [el, message] of errors) {
    const li = document.createElement("li");
    const a = document.createElement("a");
    a.href = "#" + el.id;
    a.textContent = message;
    li.append(a);
    ul.append(li);
  }
  box.append(h, ul);
  box.focus();
}

function fields(form) {
  return Array.from(form.querySelectorAll("[data-field], #privacy-accept")).filter(isShown);
}

function init(form) {
  applyRules(form);
  form.addEventListener("change", () => applyRules(form));
  form.addEventListener("input", () => applyRules(form));
  form.addEventListener(
    "blur",
    (ev) => {
      const el = ev.target.closest("[data-field]");
      if (el && isShown(el) && el.getAttribute("aria-invalid") === "true") show(el, check(el));
    },
    true,
  );
  form.addEventListener("submit", (ev) => {
    const action = ev.submitter ? ev.submitter.value : "next";
    if (action !== "next" && action !== "submit") return; // back, save, add, remove: no checks
    const errors = [];
    for (const el of fields(form)) {
      const m = check(el);
      show(el, m);
      if (m) errors.push([el, m]);
    }
    if (errors.length > 0) {
      ev.preventDefault();
      summary(form, errors);
    }
  });
}

for (const form of document.querySelectorAll("form.procedo-form")) init(form);
