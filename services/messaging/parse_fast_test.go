package messaging

import (
	"bytes"
	"encoding/xml"
	"reflect"
	"testing"
)

// stdPush decodes raw with encoding/xml only, as parseMessage does without its fast path.
func stdPush(raw []byte) (pushXML, error) {
	var x pushXML
	d := xml.NewDecoder(bytes.NewReader(raw))
	d.Strict = true
	err := d.Decode(&x)
	return x, err
}

// checkFastPath fails when the fast path takes raw and reads anything else than
// encoding/xml does.
func checkFastPath(t *testing.T, raw []byte) (fast bool) {
	t.Helper()
	var got pushXML
	if !decodePushFast(raw, &got) {
		if !reflect.DeepEqual(got, pushXML{}) {
			t.Fatalf("decodePushFast refused %q but left fields set: %+v", raw, got)
		}
		return false
	}
	want, err := stdPush(raw)
	if err != nil {
		t.Fatalf("the fast path took %q, which encoding/xml refuses: %v", raw, err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("the fast path and encoding/xml differ on %q:\n fast %+v\n  std %+v", raw, got, want)
	}
	return true
}

// TestParseFastPathAgrees runs every fixture through both readers; the flat ones (every
// message and most events) must take the fast path, the structured ones must not.
func TestParseFastPathAgrees(t *testing.T) {
	structured := map[string]bool{}
	for n := range pushStructured {
		structured[n] = true
	}
	for _, fx := range fixtures(9_000_000) {
		fast := checkFastPath(t, []byte(fx.xml))
		hasStructured := false
		for n := range structured {
			if bytes.Contains([]byte(fx.xml), []byte("<"+n+">")) {
				hasStructured = true
			}
		}
		if fast == hasStructured {
			t.Errorf("%s: fast path %v for a push with structured elements %v", fx.name, fast, hasStructured)
		}
	}
	for _, n := range []string{"ToUserName", "MsgId", "Content", "Event", "EventKey", "Encrypt"} {
		if _, ok := pushFields[n]; ok != (n != "Encrypt") {
			t.Errorf("pushFields[%q] present %v", n, ok)
		}
	}
	for _, n := range []string{"ScanCodeInfo", "CopyrightCheckResult", "SubscribeMsgPopupEvent", "ArticleUrlResult"} {
		if !pushStructured[n] {
			t.Errorf("%s is not marked structured", n)
		}
	}
}

// FuzzParseMessageFastPath checks that the fast path never reads a push differently
// from encoding/xml and that parseMessage never panics.
func FuzzParseMessageFastPath(f *testing.F) {
	for _, fx := range fixtures(9_100_000) {
		f.Add([]byte(fx.xml))
	}
	f.Add([]byte(`<xml><MsgType>text</MsgType><ScanCodeInfo>x</ScanCodeInfo></xml>`))
	f.Add([]byte(`<xml><MsgType>text</MsgType><CopyrightCheckResult></CopyrightCheckResult></xml>`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		checkFastPath(t, raw)
		_, _, _ = parseMessage(raw)
	})
}
