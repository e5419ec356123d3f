// Package designerweb serves the web designer of Procedo at /designer/:
// the BPMN modeler (bpmn-js with a properties panel for every procedo
// attribute, in Italian), live lint over a websocket with the same Go lint
// as `procedo lint`, the form designer with the server-rendered preview of
// package forms/render, versions (package designer/workspace) and deploy.
//
// The handler is built from explicit dependencies, so that `procedo serve`
// mounts it with one line:
//
//	mux.Handle("/designer/", designerweb.New(designerweb.Options{
//		Store:    store,          // *workspace.Store
//		Identify: auth.Analyst,   // who is asking, of which body (tenant)
//		Deploy:   deployer,       // optional: hands a revision to the runtime
//	}))
//
// Every request is authorised by Options.Identify and scoped to the
// identity's tenant. State-changing requests must carry the header
// X-Procedo-Designer (a cross-site form cannot set it, so it is the CSRF
// guard of this JSON API) and the websocket accepts only same-origin
// upgrades. Pages carry a strict Content-Security-Policy: scripts only from
// the handler's own assets.
//
// The websocket protocol (JSON text messages):
//
//	→ {"type":"lint","seq":7,"files":{"process.bpmn":"…","forms/a.schema.json":"…"}}
//	← {"type":"lint","seq":7,"diagnostics":[{rule,severity,file,line,col,element,message}],"unreadable":false,"micros":1234}
//
// The browser keeps the model; the server keeps no per-connection state
// beyond the request being answered, so a dropped connection loses nothing:
// the client reconnects and sends the current model again.
//
// Front-end sources are in web/designer/js, bundled by esbuild (`make web`)
// into web/dist/designer, which is embedded.
package designerweb
