package messaging

import (
	"reflect"
	"strings"

	"github.com/wxsuite/wxsuite/internal/flatxml"
)

// pushFields maps the element name of every top-level string field of pushXML to the
// field's index, for the flat fast path of decodePush.
var pushFields, pushStructured = func() (map[string]int, map[string]bool) {
	fields := map[string]int{}
	structured := map[string]bool{}
	t := reflect.TypeFor[pushXML]()
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("xml")
		if f.Name == "XMLName" || tag == "" || tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if f.Type.Kind() == reflect.String && !strings.Contains(name, ">") && !strings.Contains(tag, ",") {
			fields[name] = i
			continue
		}
		// A struct, pointer or slice field (or a path): its element is left to
		// encoding/xml, which allocates pointers even for an element without children.
		first, _, _ := strings.Cut(name, ">")
		structured[first] = true
	}
	return fields, structured
}()

// decodePushFast fills x from raw when raw is a flat document (internal/flatxml) whose
// elements are all top-level string fields of pushXML or unknown to it; ok is false
// otherwise, and x must then be decoded with encoding/xml (which reads a flat document
// the same way: FuzzParseMessageFastPath checks it).
func decodePushFast(raw []byte, x *pushXML) (ok bool) {
	v := reflect.ValueOf(x).Elem()
	structured := false
	ok = flatxml.Scan(raw, "xml", func(name, value []byte) {
		if i, known := pushFields[string(name)]; known {
			v.Field(i).SetString(string(value))
			return
		}
		if pushStructured[string(name)] {
			structured = true
		}
	})
	if !ok || structured {
		*x = pushXML{}
		return false
	}
	x.XMLName.Local = "xml"
	return true
}
