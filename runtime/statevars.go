package runtime

import (
	"encoding/json"
	"fmt"
)

// StateVariables returns the variables (a JSON object) kept in the State
// of a stored instance, without loading its definition: readers of the
// history such as the indicators read the answers of a completed form
// (e.g. an anti-corruption checklist) from there.
func StateVariables(state []byte) (json.RawMessage, error) {
	st := &instanceState{}
	if err := decodeState(state, st); err != nil {
		return nil, fmt.Errorf("instance state: %w", err)
	}
	if len(st.Vars) == 0 {
		return json.RawMessage(`{}`), nil
	}
	return st.Vars, nil
}
