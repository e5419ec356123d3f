package bpmn_test

import (
	"fmt"
	"os"
	"strings"

	"github.com/procedo/procedo/designer/bpmn"
)

const exampleDoc = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn2:definitions xmlns:bpmn2="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    xmlns:procedo="https://procedo.dev/bpmn/1.0"
    id="Defs" targetNamespace="https://example.com/ztl">
  <bpmn2:process id="Ztl" name="Permesso ZTL" isExecutable="true" procedo:term="P30D">
    <bpmn2:startEvent id="Start"><bpmn2:outgoing>F1</bpmn2:outgoing></bpmn2:startEvent>
    <bpmn2:userTask id="Review" name="Istruttoria" procedo:form="istruttoria">
      <bpmn2:incoming>F1</bpmn2:incoming>
      <bpmn2:outgoing>F2</bpmn2:outgoing>
    </bpmn2:userTask>
    <bpmn2:endEvent id="End"><bpmn2:incoming>F2</bpmn2:incoming></bpmn2:endEvent>
    <bpmn2:sequenceFlow id="F1" sourceRef="Start" targetRef="Review"/>
    <bpmn2:sequenceFlow id="F2" sourceRef="Review" targetRef="End">
      <bpmn2:conditionExpression xsi:type="bpmn2:tFormalExpression" language="cel">approved == true</bpmn2:conditionExpression>
    </bpmn2:sequenceFlow>
  </bpmn2:process>
</bpmn2:definitions>`

func ExampleParseBytes() {
	defs, err := bpmn.ParseBytes("ztl.bpmn", []byte(exampleDoc))
	if err != nil {
		fmt.Println(err)
		return
	}
	proc := defs.RootElements[0].(*bpmn.Process)
	for _, fe := range proc.FlowElements {
		switch el := fe.(type) {
		case bpmn.FlowNode:
			fmt.Printf("%s %s at %s, out %v\n", el.Kind(), el.ElementID(), el.Position(), el.Node().Outgoing)
		case *bpmn.SequenceFlow:
			if c := el.ConditionExpression; c != nil {
				fmt.Printf("flow %s: %s [%s, %s]\n", el.ID, c.Text, c.Language, c.XSIType)
			}
		}
	}
	// Output:
	// startEvent Start at 7:5, out [F1]
	// userTask Review at 8:5, out [F2]
	// endEvent End at 12:5, out []
	// flow F2: approved == true [cel, bpmn:tFormalExpression]
}

func ExampleElement_Attr() {
	defs, _ := bpmn.ParseBytes("ztl.bpmn", []byte(exampleDoc))
	task := defs.ElementByID("Review")
	form, ok := task.Attr(bpmn.ProcedoNS, "form")
	fmt.Println(form, ok)
	task.SetAttr(bpmn.ProcedoNS, "offices", "polizia-locale")
	offices, _ := task.Attr(bpmn.ProcedoNS, "offices")
	fmt.Println(offices)
	// Output:
	// istruttoria true
	// polizia-locale
}

func ExampleWrite() {
	defs, _ := bpmn.ParseBytes("ztl.bpmn", []byte(exampleDoc))
	defs.ElementByID("Start").SetAttr(bpmn.ProcedoNS, "form", "domanda")
	if err := bpmn.Write(os.Stdout, defs.ElementByID("Start")); err != nil {
		fmt.Println(err)
	}
	// Output:
	// <?xml version="1.0" encoding="UTF-8"?>
	// <bpmn:startEvent xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:procedo="https://procedo.dev/bpmn/1.0" id="Start" procedo:form="domanda">
	//   <bpmn:outgoing>F1</bpmn:outgoing>
	// </bpmn:startEvent>
}

func ExampleErrors() {
	_, err := bpmn.ParseBytes("bad.bpmn", []byte(strings.Replace(exampleDoc, `targetRef="End"`, `targetRef="Fine"`, 1)))
	for _, e := range bpmn.Errors(err) {
		fmt.Printf("%s [%s] element %s\n", e, e.Code, e.ElementID)
	}
	// Output:
	// bad.bpmn:14:5: <sequenceFlow id="F2">: targetRef "Fine" does not match the id of any element [dangling-ref] element F2
}

func ExampleWalk() {
	defs, _ := bpmn.ParseBytes("ztl.bpmn", []byte(exampleDoc))
	bpmn.Walk(defs, func(el, parent bpmn.Element) bool {
		if _, ok := el.(bpmn.FlowNode); ok {
			fmt.Printf("%s %q in %s\n", el.ElementID(), bpmn.NameOf(el), parent.ElementID())
		}
		return true
	})
	// Output:
	// Start "" in Ztl
	// Review "Istruttoria" in Ztl
	// End "" in Ztl
}

func ExampleParseFragment() {
	el, err := bpmn.ParseFragment("snippet", []byte(`<timerEventDefinition xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL">
  <timeDuration>P30D</timeDuration>
</timerEventDefinition>`))
	if err != nil {
		fmt.Println(err)
		return
	}
	timer := el.(*bpmn.TimerEventDefinition)
	fmt.Println(timer.Kind(), timer.TimeDuration.Text)
	// Output:
	// timerEventDefinition P30D
}
