package messaging

import (
	"strings"
	"testing"

	messagingv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/messaging/v1"
)

// FuzzTemplateData checks the validation of template data against template content
// that comes from the platform: no panic, and data built from the content's own
// placeholders always passes.
func FuzzTemplateData(f *testing.F) {
	f.Add("{{first.DATA}}\n支付金额：{{orderMoneySum.DATA}}\n{{Remark.DATA}}", "x")
	f.Add("{{thing1.DATA}}{{thing1.DATA}}{{ bad.DATA}}{{a.DATA", "长")
	f.Add("", "")
	f.Fuzz(func(t *testing.T, content, value string) {
		keys := outPlaceholderKeys(content)
		data := make(map[string]*messagingv1.TemplateDataValue, len(keys))
		for _, k := range keys {
			if strings.ContainsAny(k, "{}. ") {
				t.Fatalf("key %q holds template syntax", k)
			}
			data[k] = &messagingv1.TemplateDataValue{Value: "v"}
		}
		if err := outCheckTemplateData(MessageTemplate{TemplateID: "T", Content: content}, data); err != nil {
			t.Fatalf("own placeholders refused: %v", err)
		}
		_ = outKeywordRule(value, value)
		for _, k := range keys {
			if why := outKeywordRule(k, value); why == "" && value == "" {
				t.Fatalf("empty value accepted for %s", k)
			}
		}
	})
}
