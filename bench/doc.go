// Package bench compares Procedo's engine with other BPMN engines on the
// same process in the same run. It is a Go module of its own so that the
// engines it compares against never enter Procedo's go.mod; `go test
// ./...` at the repository root does not descend into it, and `make
// bench` runs it.
//
//	BenchmarkPeer/lib-bpmn-engine  github.com/nitram509/lib-bpmn-engine v0.2.4, in memory,
//	                               a fresh engine every 1,000 instances (it never frees
//	                               finished ones, and looks jobs up by a linear scan)
//	BenchmarkPeer/procedo-mem      Procedo's engine on its in-memory store
//
// Both run the reference process of issue 3 (start → service task →
// exclusive gateway → end) and report instances/s and start-to-end p50/p99.
package bench
