package dashboard_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/procedo/procedo/runtime/insight"
	"github.com/procedo/procedo/runtime/store/storemem"
	"github.com/procedo/procedo/web/dashboard"
)

// TestEmptyBody: a body with no case yet (a new install) gets a page of
// zeros, not an error.
func TestEmptyBody(t *testing.T) {
	st := storemem.New()
	h, err := dashboard.New(dashboard.Options{Index: insight.New(st, insight.Options{}), Store: st})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	for _, path := range []string{"/dashboard/", "/dashboard/api/report", "/dashboard/export.csv", "/dashboard/export.xes", "/dashboard/api/cases?key=all"} {
		code, body, _ := get(t, srv.URL+path)
		if code != http.StatusOK {
			t.Errorf("GET %s: %d %s", path, code, body)
		}
		if path == "/dashboard/" && !strings.Contains(body, `data-figure="cases.total">0<`) {
			t.Errorf("the empty page does not show 0 cases")
		}
	}
	if _, err := dashboard.New(dashboard.Options{}); err == nil {
		t.Error("New without Index and Store: no error")
	}
}
