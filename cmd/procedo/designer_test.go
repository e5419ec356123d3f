package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/procedo/procedo/designer/workspace"
	designerweb "github.com/procedo/procedo/web/designer"
)

func TestDesignerFlags(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantErr  string
	}{
		{name: "help", args: []string{"-h"}, wantCode: 2, wantErr: "Usage: procedo designer"},
		{name: "unknown flag", args: []string{"--nope"}, wantCode: 2, wantErr: "flag provided but not defined"},
		{name: "unreachable database", args: []string{"--database-url", "postgres://nobody@127.0.0.1:1/x?connect_timeout=1"}, wantCode: 1, wantErr: "procedo designer:"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out, errw bytes.Buffer
			if code := run(append([]string{"designer"}, tc.args...), &out, &errw); code != tc.wantCode {
				t.Fatalf("exit %d, want %d: %s", code, tc.wantCode, errw.String())
			}
			if !strings.Contains(errw.String(), tc.wantErr) {
				t.Fatalf("stderr %q does not contain %q", errw.String(), tc.wantErr)
			}
		})
	}
}

func TestFolderDeployer(t *testing.T) {
	dir := t.TempDir()
	files := workspace.Files{"process.bpmn": designerweb.StarterBPMN, "forms/domanda.schema.json": `{"type":"object"}`}
	res, err := folderDeployer(dir)(context.Background(), &designerweb.Deployment{Bundle: "b1", Rev: 3, Files: files})
	if err != nil || len(res.Version) != 12 {
		t.Fatalf("deploy: %+v, %v", res, err)
	}
	for p, want := range files {
		got, err := os.ReadFile(filepath.Join(dir, "b1", "r3", p))
		if err != nil || string(got) != want {
			t.Fatalf("%s: %q, %v", p, got, err)
		}
	}
	again, _ := folderDeployer(t.TempDir())(context.Background(), &designerweb.Deployment{Bundle: "b1", Rev: 3, Files: files})
	if again.Version != res.Version {
		t.Fatalf("the version is not a content hash: %s, %s", again.Version, res.Version)
	}
}
