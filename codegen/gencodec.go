package codegen

import (
	"fmt"

	"github.com/dave/jennifer/jen"

	"github.com/procedo/procedo/codegen/gotype"
	"github.com/procedo/procedo/codegen/jsonrt"
)

// CodecFile is the generated variables codec.
const CodecFile = "codec.go"

const jsonrtPkg = "github.com/procedo/procedo/codegen/jsonrt"

// codecGen renders the reflection-free codec of Variables: one append
// function and one decode function per struct it reaches. The engine
// encodes the variables after every step (runtime.Codec), so encoding/json's
// reflection was the largest cost of the generated path; the bytes stay
// those encoding/json writes, which the differential test checks.
type codecGen struct {
	structs []*gotype.Type
	seen    map[string]bool
}

func (c *codecGen) collect(t *gotype.Type) {
	t = t.Base()
	switch t.Kind {
	case gotype.Struct:
		if c.seen[t.Name] {
			return
		}
		c.seen[t.Name] = true
		c.structs = append(c.structs, t)
		for _, f := range t.Fields {
			c.collect(f.Type)
		}
	case gotype.Slice, gotype.Map:
		c.collect(t.Elem)
	}
}

func (p *Process) codecFile(pkg string) *jen.File {
	root := &gotype.Type{Kind: gotype.Struct, Name: "Variables"}
	for _, v := range p.vars {
		root.Fields = append(root.Fields, &gotype.Field{JSONName: v.Name, GoName: v.GoName, Type: v.Type})
	}
	// Variables fields are all omitzero; one is a pointer exactly when
	// its variable's field is (see variablesFile).
	ptr := map[*gotype.Field]bool{}
	for i, v := range p.vars {
		ptr[root.Fields[i]] = v.Field.Pointer()
	}
	c := &codecGen{seen: map[string]bool{}, structs: []*gotype.Type{root}}
	c.seen["Variables"] = true
	for _, f := range root.Fields {
		c.collect(f.Type)
	}
	f := jen.NewFile(pkg)
	header(f, p.formSources()...)
	f.Comment("variablesCodec encodes and decodes Variables without reflection, to the bytes encoding/json writes (runtime.Codec, plugged by Definition with Builder.Codec).")
	f.Type().Id("variablesCodec").Struct()
	f.Line()
	f.Var().Id("_").Qual(runtimePkg, "Codec").Op("=").Id("variablesCodec").Values()
	f.Line()
	f.Comment("Decode implements runtime.Codec: nil or empty data is the zero Variables.")
	f.Func().Params(jen.Id("variablesCodec")).Id("Decode").Params(jen.Id("data").Index().Byte()).Params(jen.Qual(runtimePkg, "Vars"), jen.Error()).Block(
		jen.Id("v").Op(":=").New(jen.Id("Variables")),
		jen.If(jen.Len(jen.Id("data")).Op(">").Lit(0)).Block(
			jen.If(jen.Err().Op(":=").Id("jsonDecodeAll").Call(jen.Id("data"), jen.Id("v")), jen.Err().Op("!=").Nil()).Block(
				jen.Return(jen.Nil(), jen.Qual("fmt", "Errorf").Call(jen.Lit("decoding variables: %w"), jen.Err())))),
		jen.Return(jen.Id("v"), jen.Nil()),
	)
	f.Line()
	f.Comment("Encode implements runtime.Codec.")
	f.Func().Params(jen.Id("variablesCodec")).Id("Encode").Params(jen.Id("v").Qual(runtimePkg, "Vars")).Params(jen.Index().Byte(), jen.Error()).Block(
		jen.List(jen.Id("p"), jen.Id("ok")).Op(":=").Id("v").Assert(jen.Op("*").Id("Variables")),
		jen.If(jen.Op("!").Id("ok")).Block(jen.Return(jen.Nil(), jen.Qual("fmt", "Errorf").Call(jen.Lit("variables are %T, want *Variables"), jen.Id("v")))),
		jen.If(jen.Id("p").Op("==").Nil()).Block(jen.Return(jen.Index().Byte().Call(jen.Lit("null")), jen.Nil())),
		jen.Return(jen.Qual(jsonrtPkg, "Encode").Call(jen.Func().Params(jen.Id("b").Index().Byte()).Params(jen.Index().Byte(), jen.Error()).Block(
			jen.Return(jen.Id("jsonAppendVariables").Call(jen.Id("b"), jen.Op("*").Id("p")))))),
	)
	f.Line()
	f.Comment("Merge implements runtime.Codec: patch overlays v as json.Unmarshal would, and a patch that is not JSON leaves v as it was.")
	f.Func().Params(jen.Id("variablesCodec")).Id("Merge").Params(jen.Id("v").Qual(runtimePkg, "Vars"), jen.Id("patch").Qual("encoding/json", "RawMessage")).Error().Block(
		jen.If(jen.Len(jen.Id("patch")).Op("==").Lit(0)).Block(jen.Return(jen.Nil())),
		jen.List(jen.Id("p"), jen.Id("ok")).Op(":=").Id("v").Assert(jen.Op("*").Id("Variables")),
		jen.If(jen.Op("!").Id("ok")).Block(jen.Return(jen.Qual("fmt", "Errorf").Call(jen.Lit("variables are %T, want *Variables"), jen.Id("v")))),
		jen.If(jen.Op("!").Qual("encoding/json", "Valid").Call(jen.Id("patch"))).Block(
			jen.Return(jen.Qual("fmt", "Errorf").Call(jen.Lit("merging variables: invalid JSON")))),
		jen.Return(jen.Id("jsonDecodeAll").Call(jen.Id("patch"), jen.Id("p"))),
	)
	f.Line()
	f.Comment("jsonDecodeAll decodes data, one JSON value and nothing else, into v.")
	f.Func().Id("jsonDecodeAll").Params(jen.Id("data").Index().Byte(), jen.Id("v").Op("*").Id("Variables")).Error().Block(
		jen.Id("d").Op(":=").Qual(jsonrtPkg, "NewDecoder").Call(jen.Id("data")),
		jen.If(jen.Id("d").Dot("Null").Call()).Block(jen.Return(jen.Id("d").Dot("End").Call())),
		jen.If(jen.Err().Op(":=").Id("jsonDecodeVariables").Call(jen.Id("d"), jen.Id("v")), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())),
		jen.Return(jen.Id("d").Dot("End").Call()),
	)
	for _, t := range c.structs {
		f.Line()
		c.structFuncs(f, t, ptr)
	}
	return f
}

func fieldPointer(f *gotype.Field, ptr map[*gotype.Field]bool) bool {
	if p, ok := ptr[f]; ok {
		return p
	}
	return f.Pointer()
}

// omitNil reports whether the field is left out when nil (omitzero on a
// pointer, slice, map or raw message).
func omitNil(f *gotype.Field, ptr map[*gotype.Field]bool) bool {
	if fieldPointer(f, ptr) {
		return !f.Required
	}
	switch f.Type.Base().Kind {
	case gotype.Slice, gotype.Map, gotype.Raw:
		return !f.Required
	}
	return false
}

func (c *codecGen) structFuncs(f *jen.File, t *gotype.Type, ptr map[*gotype.Field]bool) {
	// Encoder.
	var body []jen.Code
	body = append(body, jen.Var().Err().Error(), jen.Id("_").Op("=").Err(), jen.Id("b").Op("=").Append(jen.Id("b"), jen.LitRune('{')))
	for _, fd := range t.Fields {
		key := string(jsonrt.AppendString(nil, fd.JSONName)) + ":"
		val := jen.Id("v").Dot(fd.GoName)
		var stmts []jen.Code
		stmts = append(stmts, jen.If(jen.Id("b").Index(jen.Len(jen.Id("b")).Op("-").Lit(1)).Op("!=").LitRune('{')).Block(jen.Id("b").Op("=").Append(jen.Id("b"), jen.LitRune(','))))
		stmts = append(stmts, jen.Id("b").Op("=").Append(jen.Id("b"), jen.Lit(key).Op("...")))
		if fieldPointer(fd, ptr) {
			inner := c.encode(fd.Type, jen.Op("*").Add(val.Clone()), 0)
			if omitNil(fd, ptr) {
				stmts = append(stmts, inner...)
				body = append(body, jen.If(val.Clone().Op("!=").Nil()).Block(stmts...))
			} else {
				stmts = append(stmts, jen.If(val.Clone().Op("==").Nil()).Block(jen.Id("b").Op("=").Append(jen.Id("b"), jen.Lit("null").Op("..."))).Else().Block(inner...))
				body = append(body, stmts...)
			}
			continue
		}
		stmts = append(stmts, c.encode(fd.Type, val.Clone(), 0)...)
		if omitNil(fd, ptr) {
			body = append(body, jen.If(val.Clone().Op("!=").Nil()).Block(stmts...))
		} else {
			body = append(body, stmts...)
		}
	}
	body = append(body, jen.Return(jen.Append(jen.Id("b"), jen.LitRune('}')), jen.Nil()))
	f.Comment(fmt.Sprintf("jsonAppend%s appends v as encoding/json writes it.", t.Name))
	f.Func().Id("jsonAppend"+t.Name).Params(jen.Id("b").Index().Byte(), jen.Id("v").Id(t.Name)).Params(jen.Index().Byte(), jen.Error()).Block(body...)
	f.Line()

	// Field lookup: exact key first, then case-insensitive, as
	// encoding/json matches object keys to fields.
	var cases []jen.Code
	var names []jen.Code
	for i, fd := range t.Fields {
		cases = append(cases, jen.Case(jen.Lit(fd.JSONName)).Block(jen.Return(jen.Lit(i))))
		names = append(names, jen.Lit(fd.JSONName))
	}
	f.Comment(fmt.Sprintf("jsonKey%s returns the index of the field of %s that key names, -1 for none.", t.Name, t.Name))
	f.Func().Id("jsonKey"+t.Name).Params(jen.Id("key").Index().Byte()).Int().Block(
		jen.Switch(jen.String().Call(jen.Id("key"))).Block(cases...),
		jen.For(jen.List(jen.Id("i"), jen.Id("n")).Op(":=").Range().Index().String().Values(names...)).Block(
			jen.If(jen.Qual(jsonrtPkg, "Fold").Call(jen.Id("key"), jen.Id("n"))).Block(jen.Return(jen.Id("i")))),
		jen.Return(jen.Lit(-1)),
	)
	f.Line()
	var fcases []jen.Code
	for i, fd := range t.Fields {
		target := jen.Id("v").Dot(fd.GoName)
		var stmts []jen.Code
		if fieldPointer(fd, ptr) {
			stmts = append(stmts, jen.If(jen.Id("d").Dot("Null").Call()).Block(jen.Add(target.Clone()).Op("=").Nil(), jen.Return(jen.Nil())))
			stmts = append(stmts, jen.If(target.Clone().Op("==").Nil()).Block(jen.Add(target.Clone()).Op("=").New(fd.Type.Expr())))
			stmts = append(stmts, c.decodeAt(fd.Type, jen.Parens(jen.Op("*").Add(target.Clone())), target.Clone(), 0)...)
		} else {
			stmts = append(stmts, c.decode(fd.Type, target.Clone(), 0)...)
		}
		stmts = append(stmts, jen.Return(jen.Nil()))
		fcases = append(fcases, jen.Case(jen.Lit(i)).Block(stmts...))
	}
	fcases = append(fcases, jen.Default().Block(jen.Return(jen.Id("d").Dot("Skip").Call())))
	f.Comment(fmt.Sprintf("jsonDecode%s decodes an object into v as json.Unmarshal does: present keys overwrite, absent ones keep v's values, unknown ones are skipped.", t.Name))
	f.Func().Id("jsonDecode"+t.Name).Params(jen.Id("d").Op("*").Qual(jsonrtPkg, "Decoder"), jen.Id("v").Op("*").Id(t.Name)).Error().Block(
		jen.Return(jen.Id("d").Dot("Object").Call(jen.Func().Params(jen.Id("key").Index().Byte()).Error().Block(
			jen.Switch(jen.Id("jsonKey" + t.Name).Call(jen.Id("key"))).Block(fcases...),
		))),
	)
}

// encode appends val, of type t, to b.
func (c *codecGen) encode(t *gotype.Type, val *jen.Statement, depth int) []jen.Code {
	named := t
	t = t.Base()
	errRet := jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Id("b"), jen.Err()))
	conv := func(goType jen.Code) *jen.Statement {
		if named.Name != "" && t.Kind != gotype.Struct && t.Kind != gotype.Date {
			return jen.Add(goType).Call(val.Clone())
		}
		return val.Clone()
	}
	switch t.Kind {
	case gotype.Bool:
		return []jen.Code{jen.Id("b").Op("=").Qual(jsonrtPkg, "AppendBool").Call(jen.Id("b"), conv(jen.Bool()))}
	case gotype.Int:
		return []jen.Code{jen.Id("b").Op("=").Qual(jsonrtPkg, "AppendInt").Call(jen.Id("b"), conv(jen.Int64()))}
	case gotype.Float:
		return []jen.Code{jen.List(jen.Id("b"), jen.Err()).Op("=").Qual(jsonrtPkg, "AppendFloat").Call(jen.Id("b"), conv(jen.Float64())), errRet}
	case gotype.String:
		return []jen.Code{jen.Id("b").Op("=").Qual(jsonrtPkg, "AppendString").Call(jen.Id("b"), conv(jen.String()))}
	case gotype.Date:
		return []jen.Code{jen.List(jen.Id("b"), jen.Err()).Op("=").Qual(jsonrtPkg, "AppendMarshaler").Call(jen.Id("b"), val.Clone()), errRet}
	case gotype.DateTime:
		return []jen.Code{jen.List(jen.Id("b"), jen.Err()).Op("=").Qual(jsonrtPkg, "AppendTime").Call(jen.Id("b"), val.Clone()), errRet}
	case gotype.Raw:
		return []jen.Code{jen.List(jen.Id("b"), jen.Err()).Op("=").Qual(jsonrtPkg, "AppendRaw").Call(jen.Id("b"), val.Clone()), errRet}
	case gotype.Struct:
		return []jen.Code{jen.List(jen.Id("b"), jen.Err()).Op("=").Id("jsonAppend"+t.Name).Call(jen.Id("b"), val.Clone()), errRet}
	case gotype.Slice:
		i, e := jen.Id(fmt.Sprintf("i%d", depth)), jen.Id(fmt.Sprintf("e%d", depth))
		loop := []jen.Code{jen.If(i.Clone().Op(">").Lit(0)).Block(jen.Id("b").Op("=").Append(jen.Id("b"), jen.LitRune(',')))}
		loop = append(loop, c.encode(t.Elem, e.Clone(), depth+1)...)
		return []jen.Code{jen.If(val.Clone().Op("==").Nil()).Block(jen.Id("b").Op("=").Append(jen.Id("b"), jen.Lit("null").Op("..."))).Else().Block(
			jen.Id("b").Op("=").Append(jen.Id("b"), jen.LitRune('[')),
			jen.For(jen.List(i.Clone(), e.Clone()).Op(":=").Range().Add(val.Clone())).Block(loop...),
			jen.Id("b").Op("=").Append(jen.Id("b"), jen.LitRune(']')),
		)}
	case gotype.Map:
		i, k, ks := jen.Id(fmt.Sprintf("i%d", depth)), jen.Id(fmt.Sprintf("k%d", depth)), jen.Id(fmt.Sprintf("keys%d", depth))
		loop := []jen.Code{jen.If(i.Clone().Op(">").Lit(0)).Block(jen.Id("b").Op("=").Append(jen.Id("b"), jen.LitRune(','))),
			jen.Id("b").Op("=").Qual(jsonrtPkg, "AppendString").Call(jen.Id("b"), k.Clone()),
			jen.Id("b").Op("=").Append(jen.Id("b"), jen.LitRune(':'))}
		loop = append(loop, c.encode(t.Elem, val.Clone().Index(k.Clone()), depth+1)...)
		return []jen.Code{jen.If(val.Clone().Op("==").Nil()).Block(jen.Id("b").Op("=").Append(jen.Id("b"), jen.Lit("null").Op("..."))).Else().Block(
			// encoding/json writes map keys sorted.
			ks.Clone().Op(":=").Qual("slices", "Sorted").Call(jen.Qual("maps", "Keys").Call(val.Clone())),
			jen.Id("b").Op("=").Append(jen.Id("b"), jen.LitRune('{')),
			jen.For(jen.List(i.Clone(), k.Clone()).Op(":=").Range().Add(ks.Clone())).Block(loop...),
			jen.Id("b").Op("=").Append(jen.Id("b"), jen.LitRune('}')),
		)}
	}
	panic(fmt.Sprintf("codegen: no encoder for %v", t.Kind))
}

// decode reads a value of type t into target, an addressable expression;
// the statements return an error from the enclosing func() error.
func (c *codecGen) decode(t *gotype.Type, target *jen.Statement, depth int) []jen.Code {
	return c.decodeAt(t, target, jen.Op("&").Add(target.Clone()), depth)
}

// decodeAt is decode with the address of target spelled out: ptr for a
// pointer field, rather than &(*ptr), which staticcheck flags (SA4001).
func (c *codecGen) decodeAt(t *gotype.Type, target, addr *jen.Statement, depth int) []jen.Code {
	named := t
	t = t.Base()
	x := jen.Id(fmt.Sprintf("x%d", depth))
	errRet := jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err()))
	set := func() jen.Code {
		if named.Name != "" && t.Kind != gotype.Struct && t.Kind != gotype.Date {
			return jen.Add(target.Clone()).Op("=").Id(named.Name).Call(x.Clone())
		}
		return jen.Add(target.Clone()).Op("=").Add(x.Clone())
	}
	scalar := func(method string) []jen.Code {
		// null leaves a scalar as it was (encoding/json ignores it).
		return []jen.Code{jen.If(jen.Op("!").Id("d").Dot("Null").Call()).Block(
			jen.List(x.Clone(), jen.Err()).Op(":=").Id("d").Dot(method).Call(), errRet, set())}
	}
	switch t.Kind {
	case gotype.Bool:
		return scalar("Bool")
	case gotype.Int:
		return scalar("Int")
	case gotype.Float:
		return scalar("Float")
	case gotype.String:
		return scalar("String")
	case gotype.Date, gotype.DateTime:
		// As encoding/json: the value, null included, goes to UnmarshalJSON.
		return []jen.Code{jen.If(jen.Err().Op(":=").Id("d").Dot("Unmarshal").Call(addr.Clone()), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err()))}
	case gotype.Raw:
		return []jen.Code{jen.List(x.Clone(), jen.Err()).Op(":=").Id("d").Dot("Raw").Call(), errRet, set()}
	case gotype.Struct:
		return []jen.Code{jen.If(jen.Op("!").Id("d").Dot("Null").Call()).Block(
			jen.If(jen.Err().Op(":=").Id("jsonDecode"+t.Name).Call(jen.Id("d"), addr.Clone()), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())))}
	case gotype.Slice:
		s, n, i := jen.Id(fmt.Sprintf("s%d", depth)), jen.Id(fmt.Sprintf("n%d", depth)), jen.Id(fmt.Sprintf("i%d", depth))
		elem := []jen.Code{jen.If(i.Clone().Op(">=").Len(s.Clone())).Block(jen.Var().Id(fmt.Sprintf("z%d", depth)).Add(t.Elem.Expr()), s.Clone().Op("=").Append(s.Clone(), jen.Id(fmt.Sprintf("z%d", depth))))}
		elem = append(elem, c.decode(t.Elem, s.Clone().Index(i.Clone()), depth+1)...)
		elem = append(elem, n.Clone().Op("=").Add(i.Clone()).Op("+").Lit(1), jen.Return(jen.Nil()))
		return []jen.Code{jen.If(jen.Id("d").Dot("Null").Call()).Block(jen.Add(target.Clone()).Op("=").Nil()).Else().Block(
			// As encoding/json: existing elements are decoded into, the
			// length becomes the array's, and [] is an empty non-nil slice.
			jen.List(s.Clone(), n.Clone()).Op(":=").List(target.Clone(), jen.Lit(0)),
			jen.If(jen.Err().Op(":=").Id("d").Dot("Array").Call(jen.Func().Params(i.Clone().Int()).Error().Block(elem...)), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())),
			jen.If(s.Clone().Op("==").Nil()).Block(s.Clone().Op("=").Add(t.Expr()).Values()),
			jen.Add(target.Clone()).Op("=").Add(s.Clone()).Index(jen.Empty(), n.Clone()),
		)}
	case gotype.Map:
		m, e := jen.Id(fmt.Sprintf("m%d", depth)), jen.Id(fmt.Sprintf("e%d", depth))
		elem := []jen.Code{jen.Var().Add(e.Clone()).Add(t.Elem.Expr())}
		elem = append(elem, c.decode(t.Elem, e.Clone(), depth+1)...)
		elem = append(elem, m.Clone().Index(jen.String().Call(jen.Id("key"))).Op("=").Add(e.Clone()), jen.Return(jen.Nil()))
		return []jen.Code{jen.If(jen.Id("d").Dot("Null").Call()).Block(jen.Add(target.Clone()).Op("=").Nil()).Else().Block(
			jen.If(target.Clone().Op("==").Nil()).Block(jen.Add(target.Clone()).Op("=").Add(t.Expr()).Values()),
			m.Clone().Op(":=").Add(target.Clone()),
			jen.If(jen.Err().Op(":=").Id("d").Dot("Object").Call(jen.Func().Params(jen.Id("key").Index().Byte()).Error().Block(elem...)), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())),
		)}
	}
	panic(fmt.Sprintf("codegen: no decoder for %v", t.Kind))
}
