package runtime_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"

	"github.com/procedo/procedo/runtime"
	"github.com/procedo/procedo/runtime/store"
	"github.com/procedo/procedo/runtime/store/storemem"
)

// Permit are the variables of the example, as generated code declares
// them.
type Permit struct {
	Plate string `json:"plate"`
	Valid bool   `json:"valid"`
}

func Example() {
	b := runtime.NewBuilder[Permit]("ztl", "ZTL permit")
	b.StartEvent("Start")
	b.ServiceTask("Check", "ztl.check-plate")
	b.ExclusiveGateway("Valid").Default("No")
	b.EndEvent("Granted")
	b.EndEvent("Refused")
	b.Flow("F1", "Start", "Check").Flow("F2", "Check", "Valid").Flow("No", "Valid", "Refused")
	b.FlowIf("Yes", "Valid", "Granted", "valid", func(v *Permit) (bool, error) { return v.Valid, nil })
	def, err := b.Build()
	if err != nil {
		panic(err)
	}

	st := storemem.New()
	eng, _ := runtime.New(runtime.Options{Store: st, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	eng.SetHandler("ztl.check-plate", runtime.Service(func(_ context.Context, _ *runtime.ServiceCall, v *Permit) error {
		v.Valid = len(v.Plate) == 7
		return nil
	}))
	ctx := context.Background()
	if _, err := eng.Deploy(ctx, &runtime.DeployParams{Body: "c_h501", Definition: def}); err != nil {
		panic(err)
	}
	in, _ := eng.Start(ctx, &runtime.StartParams{Body: "c_h501", ProcessKey: "ztl", Vars: []byte(`{"plate":"AB123CD"}`)})
	_, _ = eng.ProcessJobs(ctx) // runs the service task

	in, _ = st.GetInstance(ctx, &store.GetInstanceParams{Body: "c_h501", ID: in.ID})
	fmt.Println(in.Status)
	evs, _ := st.ListEvents(ctx, &store.ListEventsParams{Body: "c_h501", InstanceID: in.ID})
	for _, ev := range evs {
		if ev.Type == runtime.EventElementEntered {
			fmt.Print(ev.ElementID, " ")
		}
	}
	fmt.Println()
	// Output:
	// completed
	// Start Check Valid Granted
}

func ExampleParseDuration() {
	d, _ := runtime.ParseDuration("P1Y2M10DT2H30M")
	fmt.Println(d.Years, d.Months, d.Days, d.Clock)
	_, err := runtime.ParseDuration("30 giorni")
	fmt.Println(err)
	// Output:
	// 1 2 10 2h30m0s
	// "30 giorni" is not an ISO 8601 duration (it must start with P, e.g. P30D or PT1H)
}

func ExampleCalendar_Deadline() {
	cal := &runtime.Calendar{Location: rome}
	// A 30-day term from 7 March 2026 ends on Easter Monday: it moves to
	// the next working day.
	fmt.Println(cal.Deadline(day(2026, 3, 7), 30).Format("Mon 2 Jan 2006"))
	// Output:
	// Tue 7 Apr 2026
}
