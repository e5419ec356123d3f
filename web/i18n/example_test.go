package i18n_test

import (
	"fmt"

	"github.com/procedo/procedo/web/i18n"
)

func ExampleT() {
	fmt.Println(i18n.T(i18n.IT, "case.term.left", 12, "14/04/2026"))
	fmt.Println(i18n.T(i18n.EN, "nav.mycases"))
	fmt.Println(i18n.T(i18n.EN, "desk.claim")) // not translated yet: Italian
	// Output:
	// 12 giorni rimanenti (scadenza 14/04/2026)
	// My applications
	// Prendi in carico
}
