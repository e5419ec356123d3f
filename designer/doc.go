// Package designer holds design time: everything an analyst's model goes
// through before it is compiled.
//
//   - designer/bpmn reads and writes BPMN 2.0 XML (with diagram interchange),
//     keeping every vendor extension verbatim on a round trip;
//   - designer/model resolves a parsed definition into the executable process
//     graph (the IR that codegen and the runtime consume), with the procedo
//     extension attributes decoded;
//   - designer/lint checks a model and reports problems with a rule id, a
//     severity, the element id and a fix.
//
// Later issues add the web designer's back end (bundles, revisions, live lint
// over the websocket). Design time never imports codegen or the runtime.
package designer
