package flatxml

import (
	"bytes"
	"encoding/xml"
	"testing"
)

// doc is the struct both readers fill: a few string fields, like the push structs.
type doc struct {
	XMLName    xml.Name `xml:"xml"`
	ToUserName string   `xml:"ToUserName"`
	Content    string   `xml:"Content"`
	MsgId      string   `xml:"MsgId"` //nolint:revive // WeChat's element name
	Encrypt    []string `xml:"Encrypt"`
}

// scanDoc fills a doc with Scan; ok is Scan's answer.
func scanDoc(data []byte) (d doc, ok bool) {
	ok = Scan(data, "xml", func(name, value []byte) {
		switch string(name) {
		case "ToUserName":
			d.ToUserName = string(value)
		case "Content":
			d.Content = string(value)
		case "MsgId":
			d.MsgId = string(value)
		case "Encrypt":
			d.Encrypt = append(d.Encrypt, string(value))
		}
	})
	d.XMLName = xml.Name{Local: "xml"}
	return d, ok
}

// stdDoc fills a doc with encoding/xml the way the callers do.
func stdDoc(data []byte) (doc, error) {
	var d doc
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = true
	err := dec.Decode(&d)
	return d, err
}

func equal(a, b doc) bool {
	if a.ToUserName != b.ToUserName || a.Content != b.Content || a.MsgId != b.MsgId || len(a.Encrypt) != len(b.Encrypt) {
		return false
	}
	for i := range a.Encrypt {
		if a.Encrypt[i] != b.Encrypt[i] {
			return false
		}
	}
	return a.XMLName.Local == b.XMLName.Local
}

var seeds = []string{
	`<xml><ToUserName><![CDATA[gh_1]]></ToUserName><Content><![CDATA[hello]]></Content><MsgId>1234567890123456</MsgId></xml>`,
	"<xml>\n <ToUserName><![CDATA[gh_1]]></ToUserName>\n <Content>plain text</Content>\n</xml>\n",
	`<xml><Content><![CDATA[a]]]]><![CDATA[>b]]></Content></xml>`,
	`<xml><Content> <![CDATA[x]]> y </Content></xml>`,
	`<xml><Content></Content><Other>ignored</Other></xml>`,
	`<xml><Encrypt><![CDATA[abc]]></Encrypt><Encrypt><![CDATA[def]]></Encrypt></xml>`,
	`<xml><Content>a&amp;b</Content></xml>`,
	`<xml><Content>a` + "\r\n" + `b</Content></xml>`,
	`<xml><Nested><Content>x</Content></Nested></xml>`,
	`<xml><Content a="1">x</Content></xml>`,
	`<?xml version="1.0"?><xml><Content>x</Content></xml>`,
	`<xml><Content>x</Content><!-- c --></xml>`,
	`<xml><Content>x</Content></xml>trailing`,
	`<xml><Content>x</Contentt></xml>`,
	`<xml><Content>x</Content>`,
	`<xmlx><Content>x</Content></xmlx>`,
	`<xml><Content>` + "\xff" + `</Content></xml>`,
	`<xml><Content>` + "\x00" + `</Content></xml>`,
	`<xml><Content>中文 ✓</Content></xml>`,
	`<xml><Content/></xml>`,
	`<xml><Content>]]></Content></xml>`,
	`<xml><Content>x</Content><Content>y</Content></xml>`,
	`<xml></xml>`,
	`<xml>text<Content>x</Content></xml>`,
}

// TestScanAgreesWithEncodingXML checks the seeds by the same rule as the fuzz test and
// that the fast path takes the forms WeChat sends.
func TestScanAgreesWithEncodingXML(t *testing.T) {
	for _, s := range seeds {
		checkAgreement(t, []byte(s))
	}
	for _, s := range seeds[:6] {
		if _, ok := scanDoc([]byte(s)); !ok {
			t.Errorf("Scan refused the simple document %q", s)
		}
	}
	for _, s := range []string{seeds[6], seeds[7], seeds[8], seeds[9], seeds[10], seeds[11], seeds[14], seeds[16], seeds[17]} {
		if _, ok := scanDoc([]byte(s)); ok {
			t.Errorf("Scan took %q, which it must leave to encoding/xml", s)
		}
	}
	d, _ := scanDoc([]byte(seeds[2]))
	if d.Content != "a]]>b" {
		t.Errorf("split CDATA: got %q, want %q", d.Content, "a]]>b")
	}
}

func checkAgreement(t *testing.T, data []byte) {
	t.Helper()
	got, ok := scanDoc(data)
	if !ok {
		return // left to encoding/xml
	}
	want, err := stdDoc(data)
	if err != nil {
		t.Fatalf("Scan took %q, which encoding/xml refuses: %v", data, err)
	}
	if !equal(got, want) {
		t.Fatalf("Scan and encoding/xml differ on %q:\n scan %+v\n  std %+v", data, got, want)
	}
}

// FuzzScan checks that whenever Scan takes a document, encoding/xml reads the same
// values from it.
func FuzzScan(f *testing.F) {
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkAgreement(t, data)
	})
}

func BenchmarkScan(b *testing.B) {
	data := []byte(`<xml><ToUserName><![CDATA[gh_0123456789ab]]></ToUserName><FromUserName><![CDATA[oUser_0123456789abcdefghijkl]]></FromUserName><CreateTime>1732500000</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[hello world]]></Content><MsgId>1234567890123456</MsgId></xml>`)
	b.Run("flatxml", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			scanDoc(data)
		}
	})
	b.Run("encoding_xml", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_, _ = stdDoc(data)
		}
	})
}
