package storesqlite_test

import (
	"testing"

	"github.com/procedo/procedo/runtime/store"
	"github.com/procedo/procedo/runtime/store/storesqlite"
	"github.com/procedo/procedo/runtime/store/storetest"
)

func newStore(t *testing.T) *storesqlite.Store {
	t.Helper()
	s, err := storesqlite.Open(t.Context(), t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Error(err)
		}
	})
	return s
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return newStore(t) })
}

func TestMigrateIsIdempotent(t *testing.T) {
	dir := t.TempDir()
	first, err := storesqlite.Migrate(t.Context(), dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	all, err := storesqlite.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	if len(first) != len(all) || first[0].Name != "0001_init.sql" {
		t.Fatalf("first run applied %v, want all %d migrations", first, len(all))
	}
	again, err := storesqlite.Migrate(t.Context(), dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(again) != 0 {
		t.Fatalf("second run applied %v, want nothing", again)
	}
	// Open on a migrated folder works and keeps data across reopen.
	s, err := storesqlite.Open(t.Context(), dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Commit(t.Context(), &store.CommitParams{Steps: []*store.Step{{Instance: storetest.NewInstance(storetest.BodyA, "kept")}}}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err = storesqlite.Open(t.Context(), dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.GetInstance(t.Context(), &store.GetInstanceParams{Body: storetest.BodyA, ID: "kept"}); err != nil {
		t.Fatalf("instance lost across reopen: %v", err)
	}
}

func TestOptionsRefused(t *testing.T) {
	_, err := storesqlite.Open(t.Context(), t.TempDir(), &storesqlite.Options{Synchronous: "OFF"})
	if err == nil {
		t.Fatal("synchronous OFF accepted")
	}
}

func TestClosedStore(t *testing.T) {
	s, err := storesqlite.Open(t.Context(), t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	_, err = s.NextNumber(t.Context(), &store.NextNumberParams{Body: storetest.BodyA, Name: "x", Year: 2026})
	if err == nil {
		t.Fatal("write on a closed store succeeded")
	}
}
