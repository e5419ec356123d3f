package codegen

import "testing"

func TestPackageName(t *testing.T) {
	tests := []struct{ id, want string }{
		{id: "ztl-access", want: "ztlaccess"},
		{id: "Process_1", want: "process1"},
		{id: "pratica-città", want: "praticacitta"},
		{id: "123", want: "x123"},
		{id: "type", want: "processtype"}, // a keyword is no package name
		{id: "---", want: "process"},
	}
	for _, tt := range tests {
		if got := packageName(tt.id); got != tt.want {
			t.Errorf("packageName(%q) = %q, want %q", tt.id, got, tt.want)
		}
	}
}

func TestOffsetOf(t *testing.T) {
	tests := []struct {
		text      string
		line, col int
		want      int
	}{
		{text: "a && b", line: 1, col: 1, want: 0},
		{text: "a && b", line: 1, col: 6, want: 5},
		{text: "città > 1", line: 1, col: 7, want: 6}, // columns count code points
		{text: "a &&\n  b", line: 2, col: 3, want: 7},
		{text: "a", line: 3, col: 1, want: 1}, // past the end: the end
	}
	for _, tt := range tests {
		if got := offsetOf(tt.text, tt.line, tt.col); got != tt.want {
			t.Errorf("offsetOf(%q, %d, %d) = %d, want %d", tt.text, tt.line, tt.col, got, tt.want)
		}
	}
}
