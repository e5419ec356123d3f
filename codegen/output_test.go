package codegen

import "testing"

func TestUnified(t *testing.T) {
	tests := []struct {
		name, a, b, want string
	}{
		{name: "equal", a: "x\ny\n", b: "x\ny\n", want: "--- a\n+++ b\n"},
		{name: "new file", a: "", b: "x\ny\n", want: "--- a\n+++ b\n@@ -0,0 +1,2 @@\n+x\n+y\n"},
		{name: "deleted file", a: "x\n", b: "", want: "--- a\n+++ b\n@@ -1,1 +0,0 @@\n-x\n"},
		{name: "one change with context", a: "1\n2\n3\n4\n5\n6\n7\n8\n", b: "1\n2\n3\n4\nV\n6\n7\n8\n",
			want: "--- a\n+++ b\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+V\n 6\n 7\n 8\n"},
		{name: "two hunks", a: "a\n1\n2\n3\n4\n5\n6\n7\n8\n9\nz\n", b: "A\n1\n2\n3\n4\n5\n6\n7\n8\n9\nZ\n",
			want: "--- a\n+++ b\n@@ -1,4 +1,4 @@\n-a\n+A\n 1\n 2\n 3\n@@ -8,4 +8,4 @@\n 7\n 8\n 9\n-z\n+Z\n"},
		{name: "insertion in the middle", a: "a\nb\n", b: "a\nx\nb\n", want: "--- a\n+++ b\n@@ -1,2 +1,3 @@\n a\n+x\n b\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := unified("a", "b", tt.a, tt.b); got != tt.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, tt.want)
			}
		})
	}
}
