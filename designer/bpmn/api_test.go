package bpmn_test

import (
	"strings"
	"testing"

	"github.com/procedo/procedo/designer/bpmn"
)

// Compile-time checks that the concrete types implement the interfaces
// the model layer switches on.
var (
	_ bpmn.Activity        = (*bpmn.UserTask)(nil)
	_ bpmn.SubProcessLike  = (*bpmn.Transaction)(nil)
	_ bpmn.SubProcessLike  = (*bpmn.AdHocSubProcess)(nil)
	_ bpmn.CatchEvent      = (*bpmn.BoundaryEvent)(nil)
	_ bpmn.ThrowEvent      = (*bpmn.EndEvent)(nil)
	_ bpmn.Gateway         = (*bpmn.EventBasedGateway)(nil)
	_ bpmn.EventDefinition = (*bpmn.TimerEventDefinition)(nil)
	_ bpmn.RootElement     = (*bpmn.Collaboration)(nil)
	_ bpmn.Artifact        = (*bpmn.TextAnnotation)(nil)
	_ bpmn.DiagramElement  = (*bpmn.Edge)(nil)
	_ bpmn.Element         = (*bpmn.Node)(nil)
)

const vendorDoc = `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI"
    xmlns:omgdc="http://www.omg.org/spec/DD/20100524/DC"
    xmlns:omgdi="http://www.omg.org/spec/DD/20100524/DI"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
    xmlns:procedo="https://procedo.dev/bpmn/1.0"
    id="D" targetNamespace="http://example.com">
  <process id="P" camunda:versionTag="3">
    <extensionElements>
      <procedo:checklist><procedo:item>Documento d'identità</procedo:item><procedo:item>Libretto</procedo:item></procedo:checklist>
      <camunda:properties><camunda:property name="a" value="1"/></camunda:properties>
    </extensionElements>
    <startEvent id="S">
      <timerEventDefinition id="TD"><timeCycle xmlns:x="http://x" x:y="z">R3/PT10H</timeCycle></timerEventDefinition>
    </startEvent>
    <subProcess id="Sub"><task id="Inner"/></subProcess>
    <flowElement xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="tIntermediateCatchEvent" id="Typed"/>
    <choreographyTask id="Ch" initiatingParticipantRef="A"/>
  </process>
  <bpmndi:BPMNDiagram id="Di">
    <bpmndi:BPMNPlane id="Pl" bpmnElement="P">
      <bpmndi:BPMNShape id="S_di" bpmnElement="S"><omgdc:Bounds x="1.5" y="2" width="36" height="36"/></bpmndi:BPMNShape>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</definitions>`

func TestLookupAndExtensions(t *testing.T) {
	defs, err := bpmn.ParseBytes("v.bpmn", []byte(vendorDoc))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		id   string
		kind string
	}{
		{name: "process", id: "P", kind: "process"},
		{name: "nested in sub-process", id: "Inner", kind: "task"},
		{name: "event definition", id: "TD", kind: "timerEventDefinition"},
		{name: "diagram shape", id: "S_di", kind: "BPMNShape"},
		{name: "unmodelled BPMN element kept as node", id: "Ch", kind: "choreographyTask"},
		{name: "abstract element typed with xsi:type", id: "Typed", kind: "intermediateCatchEvent"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			el := defs.ElementByID(tt.id)
			if el == nil {
				t.Fatalf("ElementByID(%q) = nil", tt.id)
			}
			if el.Kind() != tt.kind {
				t.Errorf("Kind = %q, want %q", el.Kind(), tt.kind)
			}
		})
	}

	if got := bpmn.NameOf(defs.ElementByID("P")); got != "" {
		t.Errorf("NameOf(process without name) = %q", got)
	}
	if got := bpmn.NameOf(defs.ElementByID("S_di")); got != "" {
		t.Errorf("NameOf(shape) = %q", got)
	}
	proc := defs.ElementByID("P").(*bpmn.Process)
	proc.Name = "Permesso"
	if got := bpmn.NameOf(proc); got != "Permesso" {
		t.Errorf("NameOf(process) = %q", got)
	}
	if v, ok := proc.Attr("http://camunda.org/schema/1.0/bpmn", "versionTag"); !ok || v != "3" {
		t.Errorf("camunda:versionTag = %q, %v", v, ok)
	}
	list := proc.ExtensionElements.Find(bpmn.ProcedoNS, "checklist")
	if list == nil {
		t.Fatal("procedo:checklist not found")
	}
	var items []string
	for _, it := range list.FindAll(bpmn.ProcedoNS, "item") {
		items = append(items, it.TextContent())
	}
	if got := strings.Join(items, "|"); got != "Documento d'identità|Libretto" {
		t.Errorf("checklist items = %q", got)
	}
	timer := defs.ElementByID("TD").(*bpmn.TimerEventDefinition)
	if timer.TimeCycle == nil || timer.TimeCycle.Text != "R3/PT10H" {
		t.Fatalf("timeCycle = %+v", timer.TimeCycle)
	}
	if v, _ := timer.TimeCycle.Attr("http://x", "y"); v != "z" {
		t.Errorf("nested vendor attribute = %q", v)
	}
	shape := defs.ElementByID("S_di").(*bpmn.Shape)
	if shape.Bounds.X != 1.5 || shape.Bounds.Width != 36 {
		t.Errorf("bounds = %+v", shape.Bounds)
	}

	// Walk visits parents before children and gives the parent.
	parents := map[string]string{}
	bpmn.Walk(defs, func(el, parent bpmn.Element) bool {
		if parent != nil && el.ElementID() != "" {
			parents[el.ElementID()] = parent.ElementID()
		}
		return true
	})
	if parents["Inner"] != "Sub" || parents["Sub"] != "P" || parents["S_di"] != "Pl" {
		t.Errorf("parents = %v", parents)
	}
}

func TestSetAttrRoundTrip(t *testing.T) {
	defs, err := bpmn.ParseBytes("v.bpmn", []byte(vendorDoc))
	if err != nil {
		t.Fatal(err)
	}
	task := defs.ElementByID("Inner")
	task.SetAttr(bpmn.ProcedoNS, "form", "domanda")
	task.SetAttr("http://new.example/ns", "flag", `a "quoted" <value>`+"\n")
	proc := defs.ElementByID("P")
	proc.SetAttr("http://camunda.org/schema/1.0/bpmn", "versionTag", "4")
	if !proc.(*bpmn.Process).RemoveAttr("http://camunda.org/schema/1.0/bpmn", "versionTag") {
		t.Error("RemoveAttr reported a missing attribute")
	}
	out, err := bpmn.Marshal(defs)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`xmlns:procedo="https://procedo.dev/bpmn/1.0"`,
		`xmlns:ns="http://new.example/ns"`,
		`<bpmn:task id="Inner" procedo:form="domanda" ns:flag="a &quot;quoted&quot; &lt;value&gt;&#xA;"/>`,
		`<bpmn:choreographyTask id="Ch" initiatingParticipantRef="A"/>`,
		`<dc:Bounds x="1.5" y="2" width="36" height="36"/>`,
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("output lacks %s\n%s", want, out)
		}
	}
	again, err := bpmn.ParseBytes("again.bpmn", out)
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := again.ElementByID("Inner").Attr("http://new.example/ns", "flag"); v != `a "quoted" <value>`+"\n" {
		t.Errorf("flag after round trip = %q", v)
	}
	if _, ok := again.ElementByID("P").Attr("http://camunda.org/schema/1.0/bpmn", "versionTag"); ok {
		t.Error("removed attribute came back")
	}
	if !bpmn.Equal(defs, again) {
		t.Error("model changed by write+parse")
	}
}

// A model built in Go (no source) is written with declared namespaces,
// and two vendor namespaces that want the same prefix get distinct ones.
func TestEmptyAttributesSurvive(t *testing.T) {
	src := doc(`<bpmn:process id="P" name=""><bpmn:sequenceFlow id="F" name="" sourceRef="P" targetRef="P"/></bpmn:process>`)
	defs, err := bpmn.ParseBytes("e.bpmn", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	out, err := bpmn.Marshal(defs)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`<bpmn:process id="P" name="">`, `<bpmn:sequenceFlow id="F" name="" sourceRef="P" targetRef="P"/>`} {
		if !strings.Contains(string(out), want) {
			t.Errorf("output lacks %s\n%s", want, out)
		}
	}
}

func TestWriteBuiltModel(t *testing.T) {
	task := &bpmn.UserTask{}
	task.ID = "T"
	task.Name = "Istruttoria & verifica"
	task.SetAttr("http://a.example", "x", "1")
	task.ExtAttrs = append(task.ExtAttrs, bpmn.Attr{Space: "http://b.example", Local: "y", Prefix: "ns", Value: "2"})
	proc := &bpmn.Process{FlowElements: []bpmn.FlowElement{task}}
	proc.ID = "P"
	defs := &bpmn.Definitions{RootElements: []bpmn.RootElement{proc}}
	defs.ID = "D"
	out, err := bpmn.Marshal(defs)
	if err != nil {
		t.Fatal(err)
	}
	want := `<bpmn:userTask id="T" name="Istruttoria &amp; verifica" ns:x="1" ns1:y="2"/>`
	if !strings.Contains(string(out), want) {
		t.Errorf("output lacks %s\n%s", want, out)
	}
	again, err := bpmn.ParseBytes("built.bpmn", out)
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := again.ElementByID("T").Attr("http://b.example", "y"); v != "2" {
		t.Errorf("y = %q", v)
	}
}

func TestWriteRejectsInvalidCharacters(t *testing.T) {
	task := &bpmn.Task{}
	task.ID = "T"
	task.Name = "bad\x00name"
	if _, err := bpmn.Marshal(task); err == nil || !strings.Contains(err.Error(), "not allowed in XML") {
		t.Errorf("err = %v, want a refusal of U+0000", err)
	}
}

func TestWriteRejectsShadowedField(t *testing.T) {
	task := &bpmn.Task{}
	task.ID = "T"
	task.SetAttr("", "name", "twice")
	if _, err := bpmn.Marshal(task); err == nil || !strings.Contains(err.Error(), `foreign attribute "name" shadows a field`) {
		t.Errorf("err = %v, want a refusal to write name twice", err)
	}
}

func TestParseFragmentKinds(t *testing.T) {
	tests := []struct {
		name, src, kind string
	}{
		{name: "BPMN element", src: `<semantic:operation xmlns:semantic="http://www.omg.org/spec/BPMN/20100524/MODEL" id="op"/>`, kind: "operation"},
		{name: "DI element", src: `<di:BPMNEdge xmlns:di="http://www.omg.org/spec/BPMN/20100524/DI" id="e" bpmnElement="x"/>`, kind: "BPMNEdge"},
		{name: "foreign element", src: `<c:inputOutput xmlns:c="http://camunda.org/schema/1.0/bpmn"/>`, kind: "inputOutput"},
		{name: "global task variant", src: `<globalUserTask xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="g"/>`, kind: "globalUserTask"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			el, err := bpmn.ParseFragment("f.bpmn", []byte(tt.src))
			if err != nil {
				t.Fatal(err)
			}
			if el.Kind() != tt.kind {
				t.Errorf("Kind = %q, want %q", el.Kind(), tt.kind)
			}
			out, err := bpmn.Marshal(el)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(out), ":"+tt.kind) {
				t.Errorf("output lacks the element name:\n%s", out)
			}
		})
	}
}
