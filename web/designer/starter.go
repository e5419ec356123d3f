package designerweb

// StarterBPMN is the model of a new bundle: an executable process with a
// start and an end event, laid out for bpmn-js.
const StarterBPMN = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:procedo="https://procedo.dev/bpmn/1.0" id="Definitions_1" targetNamespace="https://procedo.dev/procedure">
  <bpmn:process id="Procedimento" name="Procedimento" isExecutable="true" procedo:legalTerm="P30D">
    <bpmn:startEvent id="Avvio" name="Domanda presentata">
      <bpmn:outgoing>Flusso_1</bpmn:outgoing>
    </bpmn:startEvent>
    <bpmn:endEvent id="Fine" name="Procedimento concluso">
      <bpmn:incoming>Flusso_1</bpmn:incoming>
    </bpmn:endEvent>
    <bpmn:sequenceFlow id="Flusso_1" sourceRef="Avvio" targetRef="Fine" />
  </bpmn:process>
  <bpmndi:BPMNDiagram id="Diagramma_1">
    <bpmndi:BPMNPlane id="Piano_1" bpmnElement="Procedimento">
      <bpmndi:BPMNShape id="Avvio_di" bpmnElement="Avvio">
        <dc:Bounds x="180" y="160" width="36" height="36" />
        <bpmndi:BPMNLabel><dc:Bounds x="160" y="203" width="77" height="27" /></bpmndi:BPMNLabel>
      </bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="Fine_di" bpmnElement="Fine">
        <dc:Bounds x="432" y="160" width="36" height="36" />
        <bpmndi:BPMNLabel><dc:Bounds x="410" y="203" width="81" height="27" /></bpmndi:BPMNLabel>
      </bpmndi:BPMNShape>
      <bpmndi:BPMNEdge id="Flusso_1_di" bpmnElement="Flusso_1">
        <di:waypoint x="216" y="178" />
        <di:waypoint x="432" y="178" />
      </bpmndi:BPMNEdge>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>
`
