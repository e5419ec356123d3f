//go:build unix

package render

import (
	"io"
	"syscall"
	"testing"
	"time"
)

// BenchmarkRenderStep renders the first step of the realistic form (the
// largest: 14 fields in groups and rows). Target: ≥ 5,000 pages/s.
func BenchmarkRenderStep(b *testing.B) {
	_, r, data := ztl(b)
	p := Page{Kind: Data, Step: 0, Data: data, CSRF: "token", IdempotencyKey: "key", Draft: "draft"}
	b.ReportAllocs()
	b.ResetTimer()
	start := cpuTime()
	for b.Loop() {
		if err := r.Render(io.Discard, p); err != nil {
			b.Fatal(err)
		}
	}
	reportRate(b, start, "pages")
}

// BenchmarkRenderSummary renders the summary page.
func BenchmarkRenderSummary(b *testing.B) {
	_, r, data := ztl(b)
	p := Page{Kind: Summary, Data: data}
	b.ReportAllocs()
	b.ResetTimer()
	start := cpuTime()
	for b.Loop() {
		if err := r.Render(io.Discard, p); err != nil {
			b.Fatal(err)
		}
	}
	reportRate(b, start, "pages")
}

// cpuTime is the CPU time the process has used. On a shared machine the
// wall-clock ns/op of a benchmark depends on the other processes; the rate
// per CPU-second is what one dedicated core would do.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportRate reports n operations per wall second and per CPU second.
func reportRate(b *testing.B, start time.Duration, unit string) {
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), unit+"/s")
	if cpu := cpuTime() - start; cpu > 0 {
		b.ReportMetric(float64(b.N)/cpu.Seconds(), unit+"/cpu-s")
	}
}
