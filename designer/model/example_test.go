package model_test

import (
	"fmt"

	"github.com/procedo/procedo/designer/model"
)

func ExampleLoad() {
	m, problems, err := model.Load("testdata/ztl")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("problems:", len(problems))
	p := m.Processes[0]
	fmt.Println(p.ID, p.LegalTerm)
	for _, n := range p.Nodes {
		if n.Kind == "exclusiveGateway" {
			for _, f := range n.Outgoing {
				cond := "default"
				if f.Condition != nil {
					cond = f.Condition.Text
				}
				fmt.Printf("%s -> %s: %s\n", n.ID, f.Target.ID, cond)
			}
		}
	}
	// Output:
	// problems: 0
	// ztl P30D
	// Esito -> Rilascio: decisione == "accolta" && importo > 0.0
	// Esito -> Integrazione: decisione == "integrazione"
	// Esito -> Respinta: default
}
