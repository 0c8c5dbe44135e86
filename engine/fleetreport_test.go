package engine

import (
	"reflect"
	"testing"
)

type recordingTracer struct{ warnings, notes, events []string }

func (r *recordingTracer) Warn(msg string) { r.warnings = append(r.warnings, msg) }
func (r *recordingTracer) Note(msg string) { r.notes = append(r.notes, msg) }
func (r *recordingTracer) Progress(string, func() (int64, int64)) func() {
	return func() {}
}
func (r *recordingTracer) Trace(e Event) { r.events = append(r.events, e.Text) }

// A fleet target's warnings and notes name it; its events still reach a Tracer (-v).
func TestFleetTargetReporter(t *testing.T) {
	rec := &recordingTracer{}
	r := fleetTargetReporter(rec, "training/h100-580")
	r.Warn("no hints: the index failed")
	r.Note("resolved")
	tr, ok := r.(Tracer)
	if !ok {
		t.Fatalf("%T is not a Tracer", r)
	}
	tr.Trace(Event{Text: "GET /simple/torch/"})
	if want := []string{"training/h100-580: no hints: the index failed"}; !reflect.DeepEqual(rec.warnings, want) {
		t.Errorf("warnings %q, want %q", rec.warnings, want)
	}
	if want := []string{"training/h100-580: resolved"}; !reflect.DeepEqual(rec.notes, want) {
		t.Errorf("notes %q, want %q", rec.notes, want)
	}
	if want := []string{"GET /simple/torch/"}; !reflect.DeepEqual(rec.events, want) {
		t.Errorf("events %q, want %q", rec.events, want)
	}
	if fleetTargetReporter(nil, "training/h100-580") != nil {
		t.Error("no reporter became one")
	}
}
