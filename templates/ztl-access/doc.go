// Package ztlaccess is the procedure "Permesso di accesso alla ZTL" of the
// templates catalogue: the bundle (process.bpmn, forms/, scenarios/),
// embedded, and the Go code that makes it run.
//
// The citizen files the form "domanda" (applicant, plate, reason, the
// vehicle's registration document); the service task ztl.verifica-targa
// checks the plate against the vehicle registry; the Polizia Locale
// reviews the case with a checklist; the outcome gateway approves (the
// service task ztl.rilascio-permesso issues the permit as a PDF document
// of the case), asks the citizen for integration (the 30-day legal term
// of law 241/1990 art. 2 is suspended meanwhile, art. 2 c. 7), or rejects.
//
// TEMPORARY: Definition builds the runtime definition by hand, mirroring
// process.bpmn element by element, because the generator (procedo gen) is
// not on this branch yet. When it is, the generated package replaces
// definition.go and Services implements its typed interface; the service
// implementations below stay.
package ztlaccess
