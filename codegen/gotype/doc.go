// Package gotype generates Go type declarations from JSON Schema 2020-12
// documents with github.com/dave/jennifer, and describes the generated types
// ([Type], [Field]) so that other generators — the CEL translator of
// codegen/celgo, the process assembly — can refer to them.
//
// # Mapping
//
//	object with properties        struct, one field per property, `json` tag
//	array                         slice of the items' type ([]json.RawMessage without items)
//	string / integer / number     string / int64 / float64
//	boolean                       bool
//	enum or const of strings      named string type + constants + Valid() method
//	enum or const of integers     named int64 type + constants + Valid() method
//	format "date"                 Date, generated into the same package (YYYY-MM-DD)
//	format "date-time"            time.Time (RFC 3339)
//	$ref "#/$defs/Name", "#/…"    named type, generated once per target
//	object, no properties,        map[string]T
//	  additionalProperties: T
//	allOf with one subschema      that subschema
//
// # Required and optional properties
//
// A required property is a value field and is always marshalled. An
// optional property is a pointer (*T, tag `omitzero`) when T is a scalar, a
// struct, an enum or a date; an optional slice, map or json.RawMessage stays
// as it is, also with `omitzero`, because nil already means absent and an
// empty non-nil value (`[]`, `{}`) is present. Pointers rather than zero
// values are used because presence is observable: CEL's has() and the
// "absent field is an error" rule of the conditions need to tell an absent
// amount from 0, and a round trip must not invent `"importo": 0`.
//
// # Fallbacks
//
// Constructs with no faithful Go type become json.RawMessage (or
// map[string]json.RawMessage), always with a comment saying why: oneOf,
// anyOf, allOf with several subschemas, prefixItems, type lists
// (["string","null"]), enums of mixed values, and schemas that allow any
// value. Validation keywords (minLength, pattern, if/then/else, not, …) do
// not change the Go type: the forms package validates instances against the
// schema before they reach a typed struct. Properties not declared in an
// object with properties are dropped on decoding. Constructs that cannot
// be generated at all — remote or anchor references, $dynamicRef, property
// names that encoding/json cannot carry in a tag — are reported as an
// [*UnsupportedError] naming the schema file and JSON pointer.
//
// # Determinism
//
// Struct fields follow the order of "properties" in the schema file (read
// with an order-preserving decoder); named types are declared in the order
// they are first reached from the root, depth first. Comments carry the
// schema file as given by the caller (relative) and the JSON pointer.
package gotype
