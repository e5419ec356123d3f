// The properties provider for the procedo attributes
// (docs/bpmn-extensions.md) and for CEL conditions on sequence flows.
import { h } from "@bpmn-io/properties-panel/preact";
import {
  TextFieldEntry, TextAreaEntry, CheckboxEntry,
  isTextFieldEntryEdited, isTextAreaEntryEdited, isCheckboxEntryEdited,
} from "@bpmn-io/properties-panel";
import { useService } from "bpmn-js-properties-panel";
import { getBusinessObject, is } from "bpmn-js/lib/util/ModelUtil";

// target returns the moddle object an attribute lives on.
function target(element, on) {
  const bo = getBusinessObject(element);
  if (on === "process") return bo.processRef || bo; // a participant shows its process
  if (on === "loop") return bo.loopCharacteristics;
  return bo;
}

// AttrText is a text field (or text area) bound to procedo:<attr>.
function AttrText(props) {
  const { element, id, attr, label, description, on, area } = props;
  const modeling = useService("modeling");
  const translate = useService("translate");
  const debounce = useService("debounceInput");
  const obj = target(element, on);
  const getValue = () => (obj && obj.get("procedo:" + attr)) || "";
  const setValue = (value) => {
    const v = value && value.trim() !== "" ? value : undefined;
    if (obj === getBusinessObject(element)) {
      modeling.updateProperties(element, { ["procedo:" + attr]: v });
    } else {
      modeling.updateModdleProperties(element, obj, { ["procedo:" + attr]: v });
    }
  };
  return h(area ? TextAreaEntry : TextFieldEntry, {
    element, id, label: translate(label), description: description && translate(description),
    getValue, setValue, debounce, rows: 2,
  });
}

function AttrCheck(props) {
  const { element, id, attr, label, description } = props;
  const modeling = useService("modeling");
  const translate = useService("translate");
  const bo = getBusinessObject(element);
  return h(CheckboxEntry, {
    element, id, label: translate(label), description: description && translate(description),
    getValue: () => bo.get("procedo:" + attr) === "true",
    setValue: (v) => modeling.updateProperties(element, { ["procedo:" + attr]: v ? "true" : undefined }),
  });
}

// ConditionText edits the conditionExpression of a sequence flow as CEL.
function ConditionText(props) {
  const { element, id } = props;
  const modeling = useService("modeling");
  const bpmnFactory = useService("bpmnFactory");
  const translate = useService("translate");
  const debounce = useService("debounceInput");
  const bo = getBusinessObject(element);
  return h(TextAreaEntry, {
    element, id, label: translate("Condition (CEL)"), description: translate("e.g. domanda.esito == \"accolta\""),
    getValue: () => (bo.conditionExpression && bo.conditionExpression.body) || "",
    setValue: (value) => {
      const expr = value && value.trim() !== ""
        ? bpmnFactory.create("bpmn:FormalExpression", { body: value, language: "cel" })
        : undefined;
      modeling.updateProperties(element, { conditionExpression: expr });
    },
    debounce, rows: 2,
  });
}

// ScriptText edits a script task's script, always in CEL.
function ScriptText(props) {
  const { element, id } = props;
  const modeling = useService("modeling");
  const translate = useService("translate");
  const debounce = useService("debounceInput");
  const bo = getBusinessObject(element);
  return h(TextAreaEntry, {
    element, id, label: translate("Script (CEL)"),
    getValue: () => bo.script || "",
    setValue: (value) => modeling.updateProperties(element, { script: value || undefined, scriptFormat: value ? "cel" : undefined }),
    debounce, rows: 3,
  });
}

// MappingText edits the procedo:input / procedo:output extension elements
// of a call activity, one per line: "variable = CEL expression".
function MappingText(props) {
  const { element, id, kind, label } = props;
  const modeling = useService("modeling");
  const bpmnFactory = useService("bpmnFactory");
  const translate = useService("translate");
  const debounce = useService("debounceInput");
  const bo = getBusinessObject(element);
  const type = "procedo:" + kind;
  const values = () => (bo.extensionElements && bo.extensionElements.values) || [];
  return h(TextAreaEntry, {
    element, id, label: translate(label), description: translate("One per line: variable = CEL expression"), rows: 3, debounce,
    getValue: () => values().filter((v) => v.$type === type).map((v) => `${v.target || ""} = ${v.source || ""}`).join("\n"),
    setValue: (text) => {
      const mine = (text || "").split("\n").map((l) => l.trim()).filter(Boolean).map((l) => {
        const i = l.indexOf("=");
        const target = (i < 0 ? l : l.slice(0, i)).trim();
        const source = i < 0 ? "" : l.slice(i + 1).trim();
        return bpmnFactory.create(type, { target, source });
      });
      let ext = bo.extensionElements;
      if (!ext) {
        ext = bpmnFactory.create("bpmn:ExtensionElements", { values: [] });
        modeling.updateProperties(element, { extensionElements: ext });
      }
      const others = values().filter((v) => v.$type !== type);
      for (const v of mine) v.$parent = ext;
      modeling.updateModdleProperties(element, ext, { values: [...others, ...mine] });
    },
  });
}

const text = (attr, label, description, extra = {}) => ({ id: "procedo-" + attr, attr, label, description, component: AttrText, isEdited: extra.area ? isTextAreaEntryEdited : isTextFieldEntryEdited, ...extra });

// entriesFor lists the procedo entries of an element, by its type.
export function entriesFor(element) {
  const bo = getBusinessObject(element);
  const out = [];
  if (is(element, "bpmn:Process") || (is(element, "bpmn:Participant") && bo.processRef)) {
    out.push(text("legalTerm", "Legal term", "ISO 8601 duration in days, e.g. P30D (law 241/1990, art. 2)", { on: "process" }));
  }
  if (is(element, "bpmn:StartEvent") || is(element, "bpmn:UserTask")) {
    out.push(text("form", "Form", "Name of a form of this procedure, e.g. domanda"));
  }
  if (is(element, "bpmn:UserTask")) {
    out.push(text("offices", "Offices", "Comma-separated offices, e.g. Polizia Locale, Ambiente"));
    out.push(text("assignee", "Assignee", "CEL expression yielding a user id"));
    out.push(text("sla", "SLA", "ISO 8601 duration, e.g. P5D or PT48H"));
    out.push(text("checklist", "Checklist", "Name of a form of this procedure, e.g. domanda"));
  }
  if (is(element, "bpmn:UserTask") || is(element, "bpmn:ReceiveTask") || is(element, "bpmn:IntermediateCatchEvent")) {
    out.push({ id: "procedo-suspendsTerm", attr: "suspendsTerm", label: "Suspends the legal term", description: "Request for integration (law 241/1990, art. 2 c. 7)", component: AttrCheck, isEdited: isCheckboxEntryEdited });
  }
  if (is(element, "bpmn:ServiceTask") || is(element, "bpmn:SendTask")) {
    out.push(text("type", "Service type", "Dotted name, e.g. ztl.verifica-targa"));
    out.push(text("retries", "Retries", "Failed attempts before an incident (default 3)"));
  }
  if (is(element, "bpmn:ReceiveTask") || is(element, "bpmn:IntermediateCatchEvent") || is(element, "bpmn:BoundaryEvent")) {
    out.push(text("correlationKey", "Correlation key", undefined));
  }
  if (is(element, "bpmn:ScriptTask")) {
    out.push({ id: "procedo-script", component: ScriptText, isEdited: isTextAreaEntryEdited });
    out.push(text("resultVariable", "Result variable", undefined));
  }
  if (bo && bo.loopCharacteristics && is(bo.loopCharacteristics, "bpmn:MultiInstanceLoopCharacteristics")) {
    out.push(text("collection", "Collection", undefined, { on: "loop" }));
    out.push(text("elementVariable", "Element variable", undefined, { on: "loop" }));
  }
  if (is(element, "bpmn:CallActivity")) {
    out.push({ id: "procedo-input", kind: "Input", label: "Inputs", component: MappingText, isEdited: isTextAreaEntryEdited });
    out.push({ id: "procedo-output", kind: "Output", label: "Outputs", component: MappingText, isEdited: isTextAreaEntryEdited });
  }
  if (is(element, "bpmn:FlowNode")) {
    out.push(text("phase", "Phase", undefined));
  }
  return out;
}

// conditional: a flow whose source decides among its outgoing flows.
function conditional(element) {
  if (!is(element, "bpmn:SequenceFlow")) return false;
  const src = getBusinessObject(element).sourceRef;
  return src && !is(src, "bpmn:ParallelGateway") && !is(src, "bpmn:EventBasedGateway") && !is(src, "bpmn:StartEvent");
}

export default function ProcedoPropertiesProvider(propertiesPanel, translate) {
  this.getGroups = (element) => (groups) => {
    const entries = entriesFor(element);
    if (entries.length) {
      groups.splice(1, 0, { id: "procedo", label: translate("Procedo"), entries });
    }
    if (conditional(element)) {
      // bpmn-js-properties-panel's own condition group edits a generic
      // expression; ours writes language="cel".
      const i = groups.findIndex((g) => g.id === "condition");
      const group = { id: "procedo-condition", label: translate("Condition"), entries: [{ id: "procedo-condition", component: ConditionText, isEdited: isTextAreaEntryEdited }] };
      if (i >= 0) groups.splice(i, 1, group); else groups.splice(1, 0, group);
    }
    return groups;
  };
  propertiesPanel.registerProvider(500, this);
}
ProcedoPropertiesProvider.$inject = ["propertiesPanel", "translate"];

export const procedoPropertiesModule = {
  __init__: ["procedoPropertiesProvider"],
  procedoPropertiesProvider: ["type", ProcedoPropertiesProvider],
};
