package format_test

import (
	"fmt"

	"github.com/procedo/procedo/forms/format"
)

func ExampleCodiceFiscale() {
	fmt.Println(format.CodiceFiscale("RSSMRA85T10A562S"))
	fmt.Println(format.CodiceFiscale("RSSMRA85T10A562T"))
	// Output:
	// <nil>
	// not a valid codice-fiscale: the check character is T, expected S
}
