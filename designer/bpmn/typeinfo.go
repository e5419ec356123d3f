package bpmn

import (
	"reflect"
	"strings"
	"sync"
)

// The codec is driven by the `bpmn` struct tags of the element types: the
// tags are read once per type into a typeInfo.

type fieldKind uint8

const (
	fieldAttr     fieldKind = iota // attribute
	fieldChild                     // child element(s) of one type
	fieldText                      // child element(s) holding text: string or []string
	fieldGroup                     // child element(s) of any type implementing an interface
	fieldChardata                  // text content
	fieldAny                       // every child element as *Node
)

type attrType uint8

const (
	attrString attrType = iota
	attrBoolPtr
	attrIntPtr
	attrFloat
	attrFloatPtr
)

type fieldInfo struct {
	kind   fieldKind
	index  []int
	space  string // namespace of a child element or attribute ("" for none)
	local  string
	ref    bool // value refers to an id of the document
	multi  bool // slice
	xsi    bool // xsi:type attribute
	atype  attrType
	elem   reflect.Type // struct type of a fieldChild
	iface  reflect.Type // interface type of a fieldGroup
	prefix string       // canonical prefix for writing
}

type childMatch struct {
	field *fieldInfo
	typ   reflect.Type // struct type to allocate
	local string       // for GlobalTask: element name
}

type typeInfo struct {
	typ      reflect.Type
	space    string // namespace of the element and of its unprefixed child names
	attrs    []*fieldInfo
	attrMap  map[string]*fieldInfo // by local name; "xsi:type" for xsi:type
	children []*fieldInfo
	childMap map[nameKey]childMatch
	chardata *fieldInfo
	any      *fieldInfo
	common   []int // index path of Common
}

type nameKey struct{ space, local string }

var (
	typeInfos  sync.Map // reflect.Type → *typeInfo
	registry   map[nameKey]reflect.Type
	registryMu sync.Once
	commonType = reflect.TypeFor[Common]()
)

func initRegistry() {
	registryMu.Do(func() {
		registry = make(map[nameKey]reflect.Type, len(registered))
		for _, r := range registered {
			registry[nameKey{r.space, r.local}] = reflect.TypeOf(r.proto).Elem()
		}
	})
}

// namespaceOf returns the namespace a struct type's element lives in: DI
// types in their DI namespaces, everything else in the BPMN model.
func namespaceOf(t reflect.Type) string {
	initRegistry()
	for _, r := range registered {
		if reflect.TypeOf(r.proto).Elem() == t {
			return r.space
		}
	}
	return ModelNS
}

func getTypeInfo(t reflect.Type) *typeInfo {
	if ti, ok := typeInfos.Load(t); ok {
		return ti.(*typeInfo)
	}
	initRegistry()
	ti := &typeInfo{typ: t, space: namespaceOf(t), attrMap: map[string]*fieldInfo{}, childMap: map[nameKey]childMatch{}}
	ti.collect(t, nil)
	for _, f := range ti.children {
		switch f.kind {
		case fieldChild, fieldText:
			ti.childMap[nameKey{f.space, f.local}] = childMatch{field: f, typ: f.elem}
		case fieldGroup:
			for _, r := range registered {
				pt := reflect.TypeOf(r.proto)
				if pt.Implements(f.iface) {
					ti.childMap[nameKey{r.space, r.local}] = childMatch{field: f, typ: pt.Elem(), local: r.local}
				}
			}
		}
	}
	actual, _ := typeInfos.LoadOrStore(t, ti)
	return actual.(*typeInfo)
}

func splitTagName(name, defSpace string) (space, local, prefix string) {
	if p, l, ok := strings.Cut(name, ":"); ok {
		switch p {
		case "bpmndi":
			return BPMNDINS, l, p
		case "dc":
			return DCNS, l, p
		case "di":
			return DINS, l, p
		case "xsi":
			return XSINS, l, p
		case "bpmn":
			return ModelNS, l, p
		}
		panic("bpmn: unknown prefix in tag " + name)
	}
	return defSpace, name, canonicalPrefix(defSpace)
}

func (ti *typeInfo) collect(t reflect.Type, index []int) {
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		idx := append(append([]int(nil), index...), i)
		tag := sf.Tag.Get("bpmn")
		if sf.Anonymous && tag == "" {
			if sf.Type == commonType {
				ti.common = idx
			}
			ti.collect(sf.Type, idx)
			continue
		}
		if tag == "" || tag == "-" || !sf.IsExported() {
			continue
		}
		parts := strings.Split(tag, ",")
		f := &fieldInfo{index: idx}
		opts := map[string]bool{}
		for _, o := range parts[1:] {
			opts[o] = true
		}
		f.ref = opts["ref"]
		switch {
		case opts["attr"]:
			f.kind = fieldAttr
			if parts[0] == "xsi:type" {
				f.xsi = true
				f.space, f.local, f.prefix = XSINS, "type", "xsi"
			} else {
				f.local = parts[0]
			}
			switch sf.Type {
			case reflect.TypeFor[string]():
				f.atype = attrString
			case reflect.TypeFor[*bool]():
				f.atype = attrBoolPtr
			case reflect.TypeFor[*int]():
				f.atype = attrIntPtr
			case reflect.TypeFor[float64]():
				f.atype = attrFloat
			case reflect.TypeFor[*float64]():
				f.atype = attrFloatPtr
			default:
				panic("bpmn: unsupported attribute type " + sf.Type.String())
			}
			ti.attrs = append(ti.attrs, f)
			if f.xsi {
				ti.attrMap["xsi:type"] = f
			} else {
				ti.attrMap[f.local] = f
			}
		case opts["chardata"]:
			f.kind = fieldChardata
			ti.chardata = f
		case opts["any"]:
			f.kind = fieldAny
			f.multi = true
			ti.any = f
		case opts["group"]:
			f.kind = fieldGroup
			ft := sf.Type
			if ft.Kind() == reflect.Slice {
				f.multi = true
				ft = ft.Elem()
			}
			f.iface = ft
			ti.children = append(ti.children, f)
		default:
			f.space, f.local, f.prefix = splitTagName(parts[0], ti.space)
			ft := sf.Type
			if ft.Kind() == reflect.Slice {
				f.multi = true
				ft = ft.Elem()
			}
			switch {
			case ft.Kind() == reflect.String:
				f.kind = fieldText
			case ft.Kind() == reflect.Pointer && ft.Elem().Kind() == reflect.Struct:
				f.kind = fieldChild
				f.elem = ft.Elem()
			default:
				panic("bpmn: unsupported child type " + sf.Type.String())
			}
			ti.children = append(ti.children, f)
		}
	}
}

func canonicalPrefix(space string) string {
	switch space {
	case ModelNS:
		return "bpmn"
	case BPMNDINS:
		return "bpmndi"
	case DCNS:
		return "dc"
	case DINS:
		return "di"
	case XSINS:
		return "xsi"
	case XMLNS:
		return "xml"
	}
	return ""
}

// commonOf returns the Common of an element struct value.
func commonOf(v reflect.Value, ti *typeInfo) *Common {
	return v.FieldByIndex(ti.common).Addr().Interface().(*Common)
}
