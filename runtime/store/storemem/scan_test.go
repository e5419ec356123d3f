package storemem_test

import (
	"testing"

	"github.com/procedo/procedo/runtime/store"
	"github.com/procedo/procedo/runtime/store/storemem"
	"github.com/procedo/procedo/runtime/store/storetest"
)

func TestEventScanner(t *testing.T) {
	storetest.RunEventScanner(t, func(t *testing.T) store.Store { return storemem.New() })
}
