package bpmn

// Diagram interchange (BPMN 2.0 chapter 12, BPMNDI.xsd, DI.xsd, DC.xsd).

// Diagram is <bpmndi:BPMNDiagram>.
type Diagram struct {
	Common
	Name          string        `bpmn:"name,attr"`
	Documentation string        `bpmn:"documentation,attr"`
	Resolution    *float64      `bpmn:"resolution,attr"`
	Plane         *Plane        `bpmn:"bpmndi:BPMNPlane"`
	LabelStyles   []*LabelStyle `bpmn:"bpmndi:BPMNLabelStyle"`
}

// DIExtension is <di:extension>: vendor elements kept verbatim.
type DIExtension struct {
	Common
	Items []*Node `bpmn:",any"`
}

// Plane is <bpmndi:BPMNPlane>: the shapes and edges of one diagram.
type Plane struct {
	Common
	BPMNElement string           `bpmn:"bpmnElement,attr,ref"`
	Extension   *DIExtension     `bpmn:"di:extension"`
	Elements    []DiagramElement `bpmn:",group"`
}

// DiagramElement is *Shape or *Edge.
type DiagramElement interface {
	Element
	// Target is the id of the BPMN element drawn (bpmnElement).
	Target() string
}

// Shape is <bpmndi:BPMNShape>.
type Shape struct {
	Common
	BPMNElement               string       `bpmn:"bpmnElement,attr,ref"`
	IsHorizontal              *bool        `bpmn:"isHorizontal,attr"`
	IsExpanded                *bool        `bpmn:"isExpanded,attr"`
	IsMarkerVisible           *bool        `bpmn:"isMarkerVisible,attr"`
	IsMessageVisible          *bool        `bpmn:"isMessageVisible,attr"`
	ParticipantBandKind       string       `bpmn:"participantBandKind,attr"`
	ChoreographyActivityShape string       `bpmn:"choreographyActivityShape,attr,ref"`
	Extension                 *DIExtension `bpmn:"di:extension"`
	Bounds                    *Bounds      `bpmn:"dc:Bounds"`
	Label                     *Label       `bpmn:"bpmndi:BPMNLabel"`
}

// Target returns bpmnElement.
func (s *Shape) Target() string { return s.BPMNElement }

// Edge is <bpmndi:BPMNEdge>.
type Edge struct {
	Common
	BPMNElement        string       `bpmn:"bpmnElement,attr,ref"`
	SourceElement      string       `bpmn:"sourceElement,attr,ref"`
	TargetElement      string       `bpmn:"targetElement,attr,ref"`
	MessageVisibleKind string       `bpmn:"messageVisibleKind,attr"`
	Extension          *DIExtension `bpmn:"di:extension"`
	Waypoints          []*Point     `bpmn:"di:waypoint"`
	Label              *Label       `bpmn:"bpmndi:BPMNLabel"`
}

// Target returns bpmnElement.
func (e *Edge) Target() string { return e.BPMNElement }

// Label is <bpmndi:BPMNLabel>.
type Label struct {
	Common
	LabelStyle string       `bpmn:"labelStyle,attr,ref"`
	Extension  *DIExtension `bpmn:"di:extension"`
	Bounds     *Bounds      `bpmn:"dc:Bounds"`
}

// LabelStyle is <bpmndi:BPMNLabelStyle>.
type LabelStyle struct {
	Common
	Extension *DIExtension `bpmn:"di:extension"`
	Font      *Font        `bpmn:"dc:Font"`
}

// Font is <dc:Font>.
type Font struct {
	Common
	Name            string   `bpmn:"name,attr"`
	Size            *float64 `bpmn:"size,attr"`
	IsBold          *bool    `bpmn:"isBold,attr"`
	IsItalic        *bool    `bpmn:"isItalic,attr"`
	IsUnderline     *bool    `bpmn:"isUnderline,attr"`
	IsStrikeThrough *bool    `bpmn:"isStrikeThrough,attr"`
}

// Bounds is <dc:Bounds>.
type Bounds struct {
	Common
	X      float64 `bpmn:"x,attr"`
	Y      float64 `bpmn:"y,attr"`
	Width  float64 `bpmn:"width,attr"`
	Height float64 `bpmn:"height,attr"`
}

// Point is a <di:waypoint>.
type Point struct {
	Common
	X float64 `bpmn:"x,attr"`
	Y float64 `bpmn:"y,attr"`
}
