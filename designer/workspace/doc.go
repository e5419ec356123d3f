// Package workspace keeps the procedure bundles that analysts edit in the
// designer, with their history: every save is a revision (author, time,
// message, the whole bundle), revisions can be listed, compared element by
// element and restored, and a save is accepted only when it builds on the
// current head revision (optimistic concurrency), so that when two analysts
// edit the same bundle the second save fails with a *ConflictError and
// neither edit is lost: the first is stored, the second is still in the
// analyst's browser and can be saved again on top of the new head.
//
// Every row carries its body (the tenant, "ente") and every query is scoped
// by it. The store runs on SQLite (modernc.org/sqlite, the embedded default)
// and PostgreSQL (pgx); both apply the numbered migrations embedded in this
// package, into tables of their own (designer_*), at Open.
//
//	s, err := workspace.OpenSQLite(ctx, "data/designer.db")
//	rev, err := s.Create(ctx, &workspace.CreateParams{Tenant: "comune-x", Name: "Permesso ZTL", Author: "anna", Files: files})
//	rev, err = s.Save(ctx, &workspace.SaveParams{Tenant: "comune-x", Bundle: rev.Bundle, Base: rev.Rev, ...})
//	var ce *workspace.ConflictError
//	if errors.As(err, &ce) { /* ce.Head is the revision saved meanwhile */ }
//
// A bundle's files are the files of a bundle folder (docs/bpmn-extensions.md):
// process.bpmn, forms/<name>.schema.json and forms/<name>.ui.json. Compare
// reports what changed between two revisions in the analyst's terms: which
// BPMN elements were added, removed, changed or moved, and which forms.
package workspace
