package insight

import (
	"encoding/json"
	"strconv"
	"strings"
)

// flatFields reads the string and integer members of a flat JSON object
// (no nested objects or arrays, no escapes in strings) — the shape of the
// element-entered and element-left data, half of every history — without
// encoding/json's reflection: folding a million events is dominated by it.
// It calls set for each member and returns false when the object is not
// that simple, so that the caller falls back to json.Unmarshal.
func flatFields(b []byte, set func(key string, str string, num int64, isNum bool)) bool {
	i, n := 0, len(b)
	space := func() {
		for i < n && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
			i++
		}
	}
	str := func() (string, bool) {
		if i >= n || b[i] != '"' {
			return "", false
		}
		start := i + 1
		for j := start; j < n; j++ {
			switch c := b[j]; {
			case c == '\\' || c < 0x20 || c >= 0x80:
				// Escapes, control characters and non-ASCII (which
				// encoding/json checks for valid UTF-8): the slow path.
				return "", false
			case c == '"':
				i = j + 1
				return string(b[start:j]), true
			}
		}
		return "", false
	}
	space()
	if i >= n || b[i] != '{' {
		return false
	}
	i++
	space()
	if i < n && b[i] == '}' {
		i++
		space()
		return i == n
	}
	for {
		space()
		key, ok := str()
		if !ok {
			return false
		}
		space()
		if i >= n || b[i] != ':' {
			return false
		}
		i++
		space()
		if i < n && b[i] == '"' {
			v, ok := str()
			if !ok {
				return false
			}
			set(key, v, 0, false)
		} else {
			start := i
			for i < n && (b[i] == '-' || b[i] >= '0' && b[i] <= '9') {
				i++
			}
			v, err := strconv.ParseInt(string(b[start:i]), 10, 64)
			if err != nil {
				return false
			}
			set(key, "", v, true)
		}
		space()
		if i >= n {
			return false
		}
		if b[i] == '}' {
			i++
			space()
			return i == n
		}
		if b[i] != ',' {
			return false
		}
		i++
	}
}

// activityData is what the fold needs of element-entered and element-left.
type activityData struct {
	Kind    string `json:"kind"`
	Token   string `json:"token"`
	Visit   int    `json:"visit"`
	Outcome string `json:"outcome"`
}

func decodeActivity(b []byte) activityData {
	var d activityData
	folded := false // a name that only matches case-insensitively
	ok := flatFields(b, func(key, s string, v int64, isNum bool) {
		switch key {
		case "kind", "token", "outcome", "visit":
		default:
			// encoding/json matches names case-insensitively.
			for _, k := range []string{"kind", "token", "outcome", "visit"} {
				if strings.EqualFold(key, k) {
					folded = true
				}
			}
			return
		}
		switch key {
		case "kind":
			d.Kind = s
		case "token":
			d.Token = s
		case "outcome":
			d.Outcome = s
		case "visit":
			if isNum {
				d.Visit = int(v)
			}
		}
	})
	if !ok || folded {
		d = activityData{}
		_ = json.Unmarshal(b, &d)
	}
	return d
}
