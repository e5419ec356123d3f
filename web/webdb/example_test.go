package webdb_test

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/procedo/procedo/web/webdb"
)

// The audit trail is a hash chain per body: Verify recomputes it.
func ExampleDB_Verify() {
	dir, _ := os.MkdirTemp("", "webdb-example-")
	defer os.RemoveAll(dir)
	ctx := context.Background()
	db, err := webdb.OpenSQLite(ctx, dir)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer db.Close()
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	for _, action := range []string{"case.filed", "task.claim", "task.completed"} {
		e := &webdb.Entry{Body: "monza", At: at, Actor: "monza.laura.verdi", Action: action, CaseID: "ztl-access-1"}
		if err := db.Append(ctx, e); err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(e.Seq, e.Action, e.PrevHash[:8], "→", e.Hash[:8])
	}
	n, err := db.Verify(ctx, "monza")
	fmt.Println(n, "entries, error:", err)
	// Output:
	// 1 case.filed 00000000 → 87ac931e
	// 2 task.claim 87ac931e → 38c6aa40
	// 3 task.completed 38c6aa40 → e81c3c06
	// 3 entries, error: <nil>
}
