package codegen_test

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/procedo/procedo/codegen"
	"github.com/procedo/procedo/designer/model"
	"github.com/procedo/procedo/runtime/store"
)

func zipBundle(t *testing.T, dir, prefix string, extra map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	add := func(name string, data []byte) {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(data); err != nil {
			t.Fatal(err)
		}
	}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		data, err := os.ReadFile(p)
		add(prefix+filepath.ToSlash(rel), data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range extra {
		add(name, []byte(data))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestLoadZipAndResolver(t *testing.T) {
	want, err := codegen.Load("testdata/suap/bundle")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		prefix string
		extra  map[string]string
	}{
		{name: "files at the root", prefix: ""},
		{name: "one folder", prefix: "suap/"},
		{name: "files outside the model are ignored", prefix: "suap/", extra: map[string]string{"../evil.txt": "x", "suap/README.md": "x"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := zipBundle(t, "testdata/suap/bundle", tt.prefix, tt.extra)
			got, err := codegen.LoadZip(data)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(want) {
				t.Fatalf("%d definitions, want %d", len(got), len(want))
			}
			for i := range got {
				if got[i].Hash != want[i].Hash || got[i].Key != want[i].Key {
					t.Errorf("definition %d: %s %s, want %s %s", i, got[i].Key, got[i].Hash, want[i].Key, want[i].Hash)
				}
			}
			def, err := codegen.Resolver()(context.Background(), &store.Deployment{ProcessKey: want[1].Key, Version: 3, Hash: want[1].Hash, Bundle: data})
			if err != nil || def.Hash != want[1].Hash {
				t.Fatalf("resolver: %v", err)
			}
		})
	}
	if _, err := codegen.Resolver()(context.Background(), &store.Deployment{ProcessKey: "suap", Version: 1, Hash: "sha256:00", Bundle: zipBundle(t, "testdata/suap/bundle", "", nil)}); err == nil {
		t.Error("a hash that is not in the bundle resolved")
	}
	if _, err := codegen.LoadZip([]byte("not a zip")); !errors.Is(err, model.ErrUnreadable) {
		t.Errorf("not a zip: %v", err)
	}
	if _, err := codegen.LoadZip(zipBundle(t, "testdata/suap/bundle/forms", "", nil)); !errors.Is(err, model.ErrUnreadable) {
		t.Errorf("no process.bpmn: %v", err)
	}
}
