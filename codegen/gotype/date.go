package gotype

import "github.com/dave/jennifer/jen"

// dateDecl declares the Date type in the generated package: generated code
// may import only the standard library, runtime and forms, and none has a
// civil date type. The JSON form is the RFC 3339 full-date YYYY-MM-DD that
// JSON Schema's format "date" names (JSON Schema Validation 2020-12 §7.3.1).
func dateDecl() jen.Code {
	d := jen.Id("d")
	var c jen.Statement
	c.Comment(DateName + " is a calendar day with no time of day and no time zone: the JSON Schema").Line()
	c.Comment(`format "date", written in JSON as YYYY-MM-DD (RFC 3339 full-date).`).Line()
	c.Type().Id(DateName).Struct(
		jen.Id("Year").Int(),
		jen.Id("Month").Qual("time", "Month"),
		jen.Id("Day").Int(),
	).Line().Line()

	c.Comment("String returns the date as YYYY-MM-DD.").Line()
	c.Func().Params(d.Clone().Id(DateName)).Id("String").Params().String().Block(
		jen.Return(jen.Qual("fmt", "Sprintf").Call(jen.Lit("%04d-%02d-%02d"), jen.Id("d").Dot("Year"), jen.Int().Call(jen.Id("d").Dot("Month")), jen.Id("d").Dot("Day"))),
	).Line().Line()

	c.Comment("Time returns the start of the day in UTC, the instant CEL compares dates by.").Line()
	c.Func().Params(jen.Id("d").Id(DateName)).Id("Time").Params().Qual("time", "Time").Block(
		jen.Return(jen.Qual("time", "Date").Call(jen.Id("d").Dot("Year"), jen.Id("d").Dot("Month"), jen.Id("d").Dot("Day"),
			jen.Lit(0), jen.Lit(0), jen.Lit(0), jen.Lit(0), jen.Qual("time", "UTC"))),
	).Line().Line()

	c.Comment("MarshalJSON writes the date as a JSON string YYYY-MM-DD.").Line()
	c.Func().Params(jen.Id("d").Id(DateName)).Id("MarshalJSON").Params().Params(jen.Index().Byte(), jen.Error()).Block(
		jen.Return(jen.Index().Byte().Call(jen.Lit(`"`).Op("+").Id("d").Dot("String").Call().Op("+").Lit(`"`)), jen.Nil()),
	).Line().Line()

	c.Comment("UnmarshalJSON reads a JSON string YYYY-MM-DD.").Line()
	c.Func().Params(jen.Id("d").Op("*").Id(DateName)).Id("UnmarshalJSON").Params(jen.Id("b").Index().Byte()).Error().Block(
		jen.Var().Id("s").String(),
		jen.If(jen.Err().Op(":=").Qual("encoding/json", "Unmarshal").Call(jen.Id("b"), jen.Op("&").Id("s")), jen.Err().Op("!=").Nil()).Block(
			jen.Return(jen.Qual("fmt", "Errorf").Call(jen.Lit("date: %w"), jen.Err())),
		),
		jen.List(jen.Id("t"), jen.Err()).Op(":=").Qual("time", "Parse").Call(jen.Qual("time", "DateOnly"), jen.Id("s")),
		jen.If(jen.Err().Op("!=").Nil()).Block(
			jen.Return(jen.Qual("fmt", "Errorf").Call(jen.Lit("date: %w"), jen.Err())),
		),
		jen.List(jen.Id("y"), jen.Id("m"), jen.Id("day")).Op(":=").Id("t").Dot("Date").Call(),
		jen.Op("*").Id("d").Op("=").Id(DateName).Values(jen.Dict{
			jen.Id("Year"): jen.Id("y"), jen.Id("Month"): jen.Id("m"), jen.Id("Day"): jen.Id("day"),
		}),
		jen.Return(jen.Nil()),
	)
	return &c
}
