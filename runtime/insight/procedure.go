package insight

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/procedo/procedo/runtime"
)

// Procedure tells the indicators what the history alone does not: which
// tasks instruct and which decide a case, where the outcome and the
// checklists are, and the legal term. A process without one still gets
// every indicator but the red flags that need roles.
type Procedure struct {
	Key  string `json:"key"`            // the BPMN process id
	Name string `json:"name,omitempty"` // for people; Key when empty
	// Term is the legal term (ISO 8601, e.g. "P30D", law 241/1990 art. 2)
	// of the procedure, to know the last day of a case that was never
	// suspended; "" when the procedure has none.
	Term string `json:"term,omitempty"`
	// Instruction and Decision are the element ids of the user tasks in
	// which an official instructs the case (istruttoria) and decides it
	// (provvedimento finale): the segregation of duties that red flag
	// RF01 checks (law 241/1990 art. 6-bis, PNA).
	Instruction []string `json:"instruction,omitempty"`
	Decision    []string `json:"decision,omitempty"`
	// Outcome is the variable holding the decision (a dotted path reaches
	// into a form: "esito.decisione") and Approved the values
	// that mean "granted" (e.g. "accolta"; true for a boolean).
	Outcome  string   `json:"outcome,omitempty"`
	Approved []string `json:"approved,omitempty"`
	// Checklists are the anti-corruption checklists of the procedure.
	Checklists []Checklist `json:"checklists,omitempty"`
}

// Checklist is a form attached to a user task (procedo:checklist) whose
// answers are stored with the case as task completion data: in the
// variables, under Field (an object item → answer) or at top level when
// Field is "".
type Checklist struct {
	Element string   `json:"element"`         // the user task
	Field   string   `json:"field,omitempty"` // "" for top-level items
	Items   []string `json:"items"`           // the item names, in the order to show them
}

func (p *Procedure) decides(element string) bool   { return contains(p.Decision, element) }
func (p *Procedure) instructs(element string) bool { return contains(p.Instruction, element) }

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// readVariables fills the checklist answers and the outcome of a case from
// its variables.
func (p *Procedure) readVariables(c *Case, vars json.RawMessage) {
	var m map[string]json.RawMessage
	if json.Unmarshal(vars, &m) != nil {
		return
	}
	if p.Outcome != "" {
		c.Approved = false
		if raw, ok := lookupPath(m, p.Outcome); ok {
			var v any
			if json.Unmarshal(raw, &v) == nil {
				s := strings.ToLower(strings.TrimSpace(toString(v)))
				for _, a := range p.Approved {
					if strings.ToLower(a) == s {
						c.Approved = true
					}
				}
			}
		}
	}
	for _, cl := range p.Checklists {
		if !c.completed(cl.Element) {
			continue
		}
		items := m
		if cl.Field != "" {
			items = nil
			_ = json.Unmarshal(m[cl.Field], &items)
		}
		ans := map[string]Answer{}
		for _, it := range cl.Items {
			var v any
			if raw, ok := items[it]; ok && json.Unmarshal(raw, &v) == nil {
				ans[it] = ParseAnswer(v)
			} else {
				ans[it] = AnswerNA
			}
		}
		if c.Checklists == nil {
			c.Checklists = map[string]map[string]Answer{}
		}
		c.Checklists[cl.Element] = ans
	}
}

// completed reports whether a task of element was completed.
func (c *Case) completed(element string) bool {
	for _, t := range c.Tasks {
		if t.Element == element && t.Status == "completed" {
			return true
		}
	}
	return false
}

// ParseAnswer reads a checklist answer: true, "si", "sì", "yes" are yes;
// false, "no" are no; anything else (null, "n/a", "non applicabile") is
// not applicable.
func ParseAnswer(v any) Answer {
	switch s := strings.ToLower(strings.TrimSpace(toString(v))); s {
	case "true", "si", "sì", "yes", "s", "y":
		return AnswerYes
	case "false", "no", "n":
		return AnswerNo
	}
	return AnswerNA
}

func toString(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case bool:
		if v {
			return "true"
		}
		return "false"
	case nil:
		return ""
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// initialDue is the last day of the term of a case started at start, as
// the engine computes it (runtime: startTerm): the nominal day of the term
// counted from the day after the start, moved off Sundays and holidays.
func initialDue(cal *runtime.Calendar, term string, start time.Time) (time.Time, bool) {
	if term == "" || start.IsZero() {
		return time.Time{}, false
	}
	d, err := runtime.ParseDuration(term)
	if err != nil {
		return time.Time{}, false
	}
	day := dateIn(start, cal.Location)
	nominal := d.AddTo(day, cal.Location)
	return cal.Deadline(start, cal.DaysBetween(start, nominal)), true
}

func dateIn(t time.Time, loc *time.Location) time.Time {
	t = t.In(loc)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc)
}

// lookupPath finds a variable by name, or by a dotted path into nested
// objects ("esito.decisione": the decisione field of the esito form).
func lookupPath(m map[string]json.RawMessage, path string) (json.RawMessage, bool) {
	if raw, ok := m[path]; ok {
		return raw, true
	}
	head, rest, found := strings.Cut(path, ".")
	if !found {
		return nil, false
	}
	var sub map[string]json.RawMessage
	if json.Unmarshal(m[head], &sub) != nil {
		return nil, false
	}
	return lookupPath(sub, rest)
}
