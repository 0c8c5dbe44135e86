package engine

// fleetTargetReporter tells a fleet target's warnings and notes with the target's name
// ("training/h100-580: …") before them: a fleet run tells of several targets, and its
// results come only once every target is done. A Tracer stays one.
func fleetTargetReporter(r Reporter, name string) Reporter {
	if r == nil {
		return nil
	}
	named := namedReporter{Reporter: r, name: name}
	if t, ok := r.(Tracer); ok {
		return namedTracer{namedReporter: named, tracer: t}
	}
	return named
}

type namedReporter struct {
	Reporter
	name string
}

func (r namedReporter) Warn(msg string) { r.Reporter.Warn(r.name + ": " + msg) }
func (r namedReporter) Note(msg string) { r.Reporter.Note(r.name + ": " + msg) }

type namedTracer struct {
	namedReporter
	tracer Tracer
}

func (r namedTracer) Trace(e Event) { r.tracer.Trace(e) }
