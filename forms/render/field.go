package render

import (
	"html"
	"html/template"
	"strings"
)

// Field markup.
//
// The markup of a field is written here rather than by the template: the
// template engine's reflective evaluation of a dozen small actions per
// field made a step page cost four times the budget of the issue (5,000
// pages per second per core). Every text and attribute value goes through
// esc (html.EscapeString: < > & ' "), attribute values are always double
// quoted, and names and markup are constants, so the escaping guarantee
// of html/template holds: TestLabelsAndValuesAreEscaped checks it for
// every widget. Lists (which contain elements) stay in the template.

var esc = html.EscapeString

func fieldHTML(fv *fieldView) template.HTML {
	var b strings.Builder
	b.Grow(512 + 64*len(fv.Options))
	invalid := ""
	if fv.Error != "" {
		invalid = " is-invalid"
	}
	switch {
	case fv.IsInput, fv.IsTextarea:
		b.WriteString("\n<div class=\"form-group\">\n<label for=\"")
		b.WriteString(esc(fv.ID))
		b.WriteString("\" class=\"active\">")
		b.WriteString(string(fv.LabelHTML))
		b.WriteString("</label>\n")
		if fv.IsInput {
			b.WriteString("<input type=\"")
			b.WriteString(esc(fv.InputType))
			b.WriteString("\" class=\"form-control")
			b.WriteString(invalid)
			b.WriteString("\" id=\"")
			b.WriteString(esc(fv.ID))
			b.WriteString("\" name=\"")
			b.WriteString(esc(fv.Name))
			b.WriteString("\" value=\"")
			b.WriteString(esc(fv.Value))
			b.WriteString("\"")
			b.WriteString(string(fv.InputAttrs))
			b.WriteString(string(fv.Attrs))
			b.WriteString(">")
		} else {
			b.WriteString("<textarea class=\"form-control")
			b.WriteString(invalid)
			b.WriteString("\" id=\"")
			b.WriteString(esc(fv.ID))
			b.WriteString("\" name=\"")
			b.WriteString(esc(fv.Name))
			b.WriteString("\" rows=\"4\"")
			b.WriteString(string(fv.InputAttrs))
			b.WriteString(string(fv.Attrs))
			b.WriteString(">")
			b.WriteString(esc(fv.Value))
			b.WriteString("</textarea>")
		}
		helpAndError(&b, fv)
		b.WriteString("</div>")
	case fv.IsSelect:
		b.WriteString("\n<div class=\"select-wrapper mb-4\">\n<label for=\"")
		b.WriteString(esc(fv.ID))
		b.WriteString("\">")
		b.WriteString(string(fv.LabelHTML))
		b.WriteString("</label>\n<select id=\"")
		b.WriteString(esc(fv.ID))
		b.WriteString("\" name=\"")
		b.WriteString(esc(fv.Name))
		b.WriteString("\" class=\"")
		b.WriteString(strings.TrimSpace(invalid))
		b.WriteString("\"")
		b.WriteString(string(fv.Attrs))
		b.WriteString(">\n<option value=\"\">")
		b.WriteString(esc(fv.Choose))
		b.WriteString("</option>")
		for _, o := range fv.Options {
			b.WriteString("\n<option value=\"")
			b.WriteString(esc(o.Value))
			b.WriteString("\"")
			if o.Selected {
				b.WriteString(" selected")
			}
			b.WriteString(">")
			b.WriteString(esc(o.Label))
			b.WriteString("</option>")
		}
		b.WriteString("\n</select>")
		helpAndError(&b, fv)
		b.WriteString("</div>")
	case fv.IsRadio:
		b.WriteString("\n<fieldset class=\"mb-4 procedo-radio\" id=\"")
		b.WriteString(esc(fv.ID))
		b.WriteString("\"")
		b.WriteString(string(fv.Attrs))
		b.WriteString(" data-choice>\n<legend class=\"procedo-legend\">")
		b.WriteString(string(fv.LabelHTML))
		b.WriteString("</legend>")
		for _, o := range fv.Options {
			b.WriteString("\n<div class=\"form-check\">\n<input type=\"radio\" name=\"")
			b.WriteString(esc(fv.Name))
			b.WriteString("\" id=\"")
			b.WriteString(esc(o.ID))
			b.WriteString("\" value=\"")
			b.WriteString(esc(o.Value))
			b.WriteString("\"")
			if o.Selected {
				b.WriteString(" checked")
			}
			if fv.Disabled {
				b.WriteString(" disabled")
			}
			b.WriteString(">\n<label for=\"")
			b.WriteString(esc(o.ID))
			b.WriteString("\">")
			b.WriteString(esc(o.Label))
			b.WriteString("</label>\n</div>")
		}
		helpAndError(&b, fv)
		b.WriteString("</fieldset>")
	case fv.IsCheckbox:
		b.WriteString("\n<div class=\"form-check mb-4\">\n<input type=\"checkbox\" id=\"")
		b.WriteString(esc(fv.ID))
		b.WriteString("\" name=\"")
		b.WriteString(esc(fv.Name))
		b.WriteString("\" value=\"true\"")
		if fv.Checked {
			b.WriteString(" checked")
		}
		b.WriteString(string(fv.Attrs))
		b.WriteString(">\n<label for=\"")
		b.WriteString(esc(fv.ID))
		b.WriteString("\">")
		b.WriteString(string(fv.LabelHTML))
		b.WriteString("</label>")
		helpAndError(&b, fv)
		b.WriteString("</div>")
	case fv.IsFile:
		b.WriteString("\n<div class=\"form-group procedo-file\">\n<label for=\"")
		b.WriteString(esc(fv.ID))
		b.WriteString("\" class=\"active procedo-file-label\">")
		b.WriteString(string(fv.LabelHTML))
		b.WriteString("</label>")
		if fv.FileName != "" {
			b.WriteString("<p class=\"procedo-file-current mb-1\">")
			b.WriteString(esc(fv.FileName))
			b.WriteString("</p>")
		}
		b.WriteString("\n<input type=\"file\" class=\"form-control")
		b.WriteString(invalid)
		b.WriteString("\" id=\"")
		b.WriteString(esc(fv.ID))
		b.WriteString("\" name=\"")
		b.WriteString(esc(fv.Name))
		b.WriteString("\"")
		if fv.Accept != "" {
			b.WriteString(" accept=\"")
			b.WriteString(esc(fv.Accept))
			b.WriteString("\"")
		}
		if fv.FileName != "" {
			b.WriteString(" data-has-file")
		}
		b.WriteString(string(fv.Attrs))
		b.WriteString(">")
		helpAndError(&b, fv)
		b.WriteString("</div>")
	}
	return template.HTML(b.String())
}

// helpAndError writes the help text and the error box (always present,
// hidden when empty, so the script can fill it).
func helpAndError(b *strings.Builder, fv *fieldView) {
	b.WriteString(string(fv.HelpHTML))
	b.WriteString("\n<div class=\"invalid-feedback d-block procedo-error\" id=\"")
	b.WriteString(esc(fv.ErrorBoxID))
	b.WriteString("\"")
	if fv.Error == "" {
		b.WriteString(" hidden")
	}
	b.WriteString(">")
	b.WriteString(esc(fv.Error))
	b.WriteString("</div>\n")
}
