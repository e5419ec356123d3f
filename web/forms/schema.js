// A small evaluator of the JSON Schema conditions of UI rules. It knows
// the keywords conditions use in practice; for any other it returns null
// ("cannot tell") and the page keeps the state the server rendered.

function type(v) {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  return typeof v;
}

function equal(a, b) {
  return JSON.stringify(a) === JSON.stringify(b);
}

const KNOWN = new Set([
  "const", "enum", "type", "not", "allOf", "anyOf", "oneOf", "minimum", "maximum",
  "exclusiveMinimum", "exclusiveMaximum", "minLength", "maxLength", "pattern", "title",
  "description", "$comment",
]);

export function holds(schema, v) {
  if (schema === true) return true;
  if (schema === false) return false;
  if (typeof schema !== "object" || schema === null) return null;
  for (const k of Object.keys(schema)) if (!KNOWN.has(k)) return null;
  const all = [];
  if ("const" in schema) all.push(equal(schema.const, v));
  if (schema.enum) all.push(schema.enum.some((e) => equal(e, v)));
  if (schema.type) {
    const types = Array.isArray(schema.type) ? schema.type : [schema.type];
    const t = type(v);
    all.push(types.includes(t) || (t === "integer" && types.includes("number")));
  }
  if (typeof v === "number") {
    if ("minimum" in schema) all.push(v >= schema.minimum);
    if ("maximum" in schema) all.push(v <= schema.maximum);
    if ("exclusiveMinimum" in schema) all.push(v > schema.exclusiveMinimum);
    if ("exclusiveMaximum" in schema) all.push(v < schema.exclusiveMaximum);
  }
  if (typeof v === "string") {
    const n = [...v].length;
    if ("minLength" in schema) all.push(n >= schema.minLength);
    if ("maxLength" in schema) all.push(n <= schema.maxLength);
    if ("pattern" in schema) {
      try {
        all.push(new RegExp(schema.pattern, "u").test(v));
      } catch {
        return null;
      }
    }
  }
  const sub = (s) => holds(s, v);
  if (schema.not !== undefined) {
    const r = sub(schema.not);
    if (r === null) return null;
    all.push(!r);
  }
  for (const [k, combine] of [
    ["allOf", (rs) => rs.every(Boolean)],
    ["anyOf", (rs) => rs.some(Boolean)],
    ["oneOf", (rs) => rs.filter(Boolean).length === 1],
  ]) {
    if (!schema[k]) continue;
    const rs = schema[k].map(sub);
    if (rs.includes(null)) return null;
    all.push(combine(rs));
  }
  return all.every(Boolean);
}
