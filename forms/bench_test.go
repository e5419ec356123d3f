//go:build unix

package forms

import (
	"bytes"
	"encoding/json"
	"net/url"
	"syscall"
	"testing"
	"time"
)

// BenchmarkValidateRealistic validates the 36-field ZTL application (valid
// data, with rules evaluated). Target: ≥ 50,000 validations/s on one core.
func BenchmarkValidateRealistic(b *testing.B) {
	f := ztlForm(b)
	data := canonical(b, ztlData(b))
	b.ReportAllocs()
	b.ResetTimer()
	start := cpuTime()
	for b.Loop() {
		if errs := f.Validate(data); errs != nil {
			b.Fatal(errs)
		}
	}
	reportRate(b, start, "validations")
}

// BenchmarkValidateRealisticInvalid validates data with three errors,
// messages included.
func BenchmarkValidateRealisticInvalid(b *testing.B) {
	f := ztlForm(b)
	data := ztlData(b)
	set(data, "/richiedente/codice_fiscale", "RSSMRA85T10A562T")
	set(data, "/residenza/cap", "99999")
	set(data, "/veicolo/targa", nil)
	b.ReportAllocs()
	b.ResetTimer()
	start := cpuTime()
	for b.Loop() {
		if errs := f.Validate(data); len(errs) != 3 {
			b.Fatal(errs)
		}
	}
	reportRate(b, start, "validations")
}

// BenchmarkDecodeStep decodes the post of the first step.
func BenchmarkDecodeStep(b *testing.B) {
	f := ztlForm(b)
	vals := f.Encode(ztlData(b), 0)
	body := vals.Encode()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		v, _ := url.ParseQuery(body)
		if d := f.Decode(nil, v, nil, 0); len(d.Errors) > 0 {
			b.Fatal(d.Errors)
		}
	}
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

// BenchmarkValidateRealisticJSONNumbers validates the instance as
// ValidateJSON decodes it (numbers as json.Number).
func BenchmarkValidateRealisticJSONNumbers(b *testing.B) {
	f := ztlForm(b)
	dec := json.NewDecoder(bytes.NewReader(readFile(b, "testdata/ztl.valid.json")))
	dec.UseNumber()
	var data any
	if err := dec.Decode(&data); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	start := cpuTime()
	for b.Loop() {
		if errs := f.Validate(data); errs != nil {
			b.Fatal(errs)
		}
	}
	reportRate(b, start, "validations")
}
