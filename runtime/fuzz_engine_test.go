package runtime_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/procedo/procedo/runtime"
	"github.com/procedo/procedo/runtime/processtest"
	"github.com/procedo/procedo/runtime/store"
)

// blockGen builds a random block-structured process from fuzz bytes:
// sequences, parallel and exclusive and inclusive blocks, embedded
// sub-processes, user, service and script tasks. Every such process must
// complete once every task is done, leaving nothing behind.
type blockGen struct {
	data  []byte
	pos   int
	n     int
	b     *runtime.Builder[runtime.JSON]
	vars  map[string]any
	depth int
}

func (g *blockGen) next() byte {
	if g.pos >= len(g.data) {
		return 0
	}
	c := g.data[g.pos]
	g.pos++
	return c
}

func (g *blockGen) id(prefix string) string {
	g.n++
	return fmt.Sprintf("%s%d", prefix, g.n)
}

func (g *blockGen) flow(from, to, _ string) {
	g.b.Flow(g.id("f"), from, to)
}

// block adds a block inside sub-process in ("" at process level) and
// returns its entry and exit nodes.
func (g *blockGen) block(in string) (string, string) {
	g.depth++
	defer func() { g.depth-- }()
	kind := g.next() % 8
	if g.depth > 4 || g.n > 60 {
		kind = 0
	}
	switch kind {
	case 0, 1:
		id := g.id("T")
		var r *runtime.NodeRef[runtime.JSON]
		c := g.next()
		switch c % 3 {
		case 0:
			r = g.b.UserTask(id).In(in)
		case 1:
			r = g.b.ServiceTask(id, "svc").In(in)
		default:
			r = g.b.ScriptTask(id, func(v *runtime.JSON) error { (*v)[id] = true; return nil }).In(in)
		}
		if c >= 192 { // a quarter of the tasks repeat, 0 to 3 times
			count := int(c % 4)
			r.MultiInstance(c&4 != 0, func(*runtime.JSON) (int, error) { return count, nil }, nil)
		}
		if b := g.next(); c%3 != 2 && b >= 160 {
			// A boundary timer: interrupting ones rejoin the flow
			// through an exclusive merge, non-interrupting ones end on
			// their own.
			bt := g.id("B")
			g.b.BoundaryTimer(bt, id, runtime.TimerSpec{Duration: fmt.Sprintf("P%dD", 1+b%3)}, b&1 == 0).In(in)
			if b&1 == 0 {
				merge := g.id("BM")
				g.b.ExclusiveGateway(merge).In(in)
				g.flow(id, merge, in)
				g.flow(bt, merge, in)
				return id, merge
			}
			end := g.id("BE")
			g.b.EndEvent(end).In(in)
			g.flow(bt, end, in)
		}
		return id, id
	case 2:
		a1, z1 := g.block(in)
		a2, z2 := g.block(in)
		g.flow(z1, a2, in)
		return a1, z2
	case 3, 4, 5:
		var split, join string
		var gw *runtime.NodeRef[runtime.JSON]
		branches := 2 + int(g.next()%3)
		switch kind {
		case 3:
			split, join = g.id("P"), g.id("PJ")
			gw = g.b.ParallelGateway(split).In(in)
			g.b.ParallelGateway(join).In(in)
		case 4:
			split, join = g.id("X"), g.id("XJ")
			gw = g.b.ExclusiveGateway(split).In(in)
			g.b.ExclusiveGateway(join).In(in)
		default:
			split, join = g.id("O"), g.id("OJ")
			gw = g.b.InclusiveGateway(split).In(in)
			g.b.InclusiveGateway(join).In(in)
		}
		cv := split + "_c"
		g.vars[cv] = float64(g.next())
		for i := range branches {
			a, z := g.block(in)
			f := g.id("f")
			switch {
			case kind == 3:
				g.b.Flow(f, split, a)
			case i == 0:
				// Branch 0 is the default flow of the split (BPMN
				// §13.3.2): taken when no condition holds.
				g.b.Flow(f, split, a)
				gw.Default(f)
			case kind == 4:
				g.b.FlowIf(f, split, a, fmt.Sprintf("%s %% %d == %d", cv, branches, i), func(v *runtime.JSON) (bool, error) {
					return int((*v)[cv].(float64))%branches == i, nil
				})
			default:
				g.b.FlowIf(f, split, a, fmt.Sprintf("bit %d of %s", i, cv), func(v *runtime.JSON) (bool, error) {
					return int((*v)[cv].(float64))>>i&1 == 1, nil
				})
			}
			g.flow(z, join, in)
		}
		return split, join
	default:
		sub := g.id("Sub")
		g.b.SubProcess(sub).In(in)
		s, e := g.id("SS"), g.id("SE")
		g.b.StartEvent(s).In(sub)
		g.b.EndEvent(e).In(sub)
		a, z := g.block(sub)
		g.flow(s, a, sub)
		g.flow(z, e, sub)
		return sub, sub
	}
}

func FuzzEngineBlocks(f *testing.F) {
	for _, seed := range [][]byte{
		{0, 0}, {2, 0, 0, 0, 1}, {3, 2, 0, 0, 1, 0, 2}, {4, 1, 7, 0, 0, 0, 1, 0, 2},
		{5, 2, 5, 0, 0, 0, 1, 0, 2}, {6, 3, 1, 0, 0, 0, 1}, {5, 0, 0, 3, 0, 1, 0, 0, 0, 1, 0, 2},
		{2, 6, 5, 1, 6, 0, 0, 0, 1, 3, 1, 9, 0, 2, 0, 0}, {7, 5, 2, 3, 6, 4, 1, 2, 0, 0, 0, 0, 0, 0, 0},
		{3, 1, 0, 0, 196, 0, 201, 0, 255}, {7, 0, 198},
		{0, 0, 160, 0, 0, 0}, {0, 0, 161, 0, 0, 0}, {7, 0, 192, 162, 0, 0, 0, 0}, {3, 0, 0, 0, 164, 0, 0, 0, 0, 1, 0, 0, 0},
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		g := &blockGen{data: data, b: runtime.NewBuilder[runtime.JSON]("rnd", ""), vars: map[string]any{}}
		g.b.StartEvent("S")
		g.b.EndEvent("E")
		a, z := g.block("")
		g.b.Flow("fS", "S", a).Flow("fE", z, "E")
		def, err := g.b.Build()
		if err != nil {
			t.Fatalf("generated an invalid process: %v", err)
		}
		env := processtest.New(t)
		env.Stub("svc", func(context.Context, *runtime.ServiceCall) error { return nil })
		env.Deploy(def)
		id := env.Start("rnd", g.vars)
		advances := 0
		for range 200 {
			tasks := env.Tasks(id)
			if len(tasks) == 0 {
				if len(env.WaitingAt(id)) == 0 {
					break
				}
				env.AdvanceDays(1) // timers only
				continue
			}
			if advances < 5 && g.pos < len(g.data) && g.next()%4 == 0 {
				advances++
				env.AdvanceDays(1) // let boundary timers fire
				continue
			}
			task := tasks[len(tasks)-1]
			if err := env.Engine.CompleteTask(context.Background(), &runtime.CompleteTaskParams{Body: env.Body, TaskID: task.ID, Actor: "anna"}); err != nil {
				t.Fatalf("completing %s at %s: %v", task.ID, task.ElementID, err)
			}
			env.Settle()
		}
		if st := env.Instance(id).Status; st != store.InstanceCompleted {
			jobs, _ := env.Store.ListJobs(context.Background(), &store.ListJobsParams{Body: env.Body})
			for _, j := range jobs {
				t.Logf("job %s %s %s due %v status %s attempts %d err %s", j.ID, j.Kind, j.ElementID, j.DueAt, j.Status, j.Attempts, j.LastError)
			}
			t.Fatalf("instance is %s, waiting at %v\n%s", st, env.Inspect(id).Waiting, env.Describe(id))
		}
		evs := env.Events(id)
		entered, left := 0, 0
		for i, ev := range evs {
			if ev.Seq != int64(i+1) {
				t.Fatalf("event %d has seq %d", i, ev.Seq)
			}
			switch ev.Type {
			case runtime.EventElementEntered:
				entered++
			case runtime.EventElementLeft:
				left++
			}
		}
		if entered != left {
			t.Fatalf("%d elements entered, %d left\n%s", entered, left, env.Describe(id))
		}
		if jobs, _ := env.Store.ListJobs(context.Background(), &store.ListJobsParams{Body: env.Body}); len(jobs) != 0 {
			t.Fatalf("%d jobs left", len(jobs))
		}
		if n := len(env.EventsOf(id, runtime.EventCompleted)); n != 1 {
			t.Fatalf("%d completed events", n)
		}
	})
}
