package sandbox

import (
	"encoding/json"
	"testing"
)

// FuzzMenuBody feeds arbitrary menu/create and addconditional bodies to the sandbox's
// decoding, validation and matching: no panic, and an accepted menu normalizes.
func FuzzMenuBody(f *testing.F) {
	f.Add([]byte(`{"button":[{"type":"click","name":"a","key":"k"},{"name":"p","sub_button":[{"type":"view","name":"v","url":"http://a.b/"}]}],"matchrule":{"tag_id":"2","sex":1}}`))
	f.Add([]byte(`{"button":[{"name":"p","sub_button":[{"name":"q","sub_button":[{}]}]}]}`))
	f.Add([]byte(`{"button":null,"matchrule":{"tag_id":null}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		body, code := decodeMenuBody(&apiCall{body: data})
		if code != codeOK {
			return
		}
		if validateMenuButtons(body.Button) == codeOK {
			_ = normalizeMenu(body.Button)
			_ = toSelfMenu(body.Button)
			set := map[string]bool{}
			menuDomains(body.Button, set)
		}
		if body.MatchRule != nil {
			_ = body.MatchRule.matches(menuUserAttrs{tagIDs: []int{2}}, true)
		}
		_, _ = json.Marshal(body)
	})
}
