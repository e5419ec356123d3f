package ident_test

import (
	"fmt"

	"github.com/procedo/procedo/codegen/ident"
)

func ExampleNamer() {
	fields := ident.NewNamer()
	for _, name := range []string{"Verifica identità", "verifica_identita", "città di nascita", "type", "€"} {
		fmt.Println(fields.Exported(name, "Field"), fields.Unexported(name, "field"))
	}
	// Output:
	// VerificaIdentita verificaIdentita
	// VerificaIdentita2 verificaIdentita2
	// CittaDiNascita cittaDiNascita
	// Type type_
	// Field field
}

func ExampleCommentLines() {
	for _, l := range ident.CommentLines("Nome del richiedente */\n//go:generate rm -rf /") {
		fmt.Printf("// %s\n", l)
	}
	// Output:
	// // Nome del richiedente */
	// //  //go:generate rm -rf /
}
