package smart

import (
	"errors"
	"strings"
	"testing"

	"google.golang.org/protobuf/reflect/protoreflect"

	smartv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/smart/v1"
	"github.com/wxsuite/wxsuite/internal/platform/auth"
)

func TestPoliciesCoverEveryProcedure(t *testing.T) {
	t.Parallel()
	got := map[string]auth.Policy{}
	for _, p := range policies() {
		if _, dup := got[p.Procedure]; dup {
			t.Errorf("two policies for %s", p.Procedure)
		}
		got[p.Procedure] = p
	}
	n := 0
	for _, fd := range []protoreflect.FileDescriptor{smartv1.File_wxsuite_smart_v1_language_proto, smartv1.File_wxsuite_smart_v1_vision_proto} {
		for i := range fd.Services().Len() {
			sd := fd.Services().Get(i)
			for j := range sd.Methods().Len() {
				n++
				proc := "/" + string(sd.FullName()) + "/" + string(sd.Methods().Get(j).Name())
				if p, ok := got[proc]; !ok || p.Scope != auth.ScopeSmart {
					t.Errorf("%s: policy %+v, want scope smart", proc, p)
				}
			}
		}
	}
	if n != 14 || len(got) != n {
		t.Errorf("%d procedures, %d policies; want 14", n, len(got))
	}
}

// wantField fails unless err is an *ArgumentError on field.
func wantField(t *testing.T, err error, field string) {
	t.Helper()
	var ae *ArgumentError
	if !errors.As(err, &ae) || ae.Field != field {
		t.Errorf("error %v, want an ArgumentError on %q", err, field)
	}
}

func TestCheckImage(t *testing.T) {
	t.Parallel()
	jpeg := append([]byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00"), make([]byte, 100)...)
	valid := []struct {
		name string
		give *smartv1.RecognizeMenuRequest
	}{
		{name: "https url", give: &smartv1.RecognizeMenuRequest{Image: &smartv1.RecognizeMenuRequest_ImgUrl{ImgUrl: "https://e.com/a.jpg?x=1&y=中"}}},
		{name: "http url", give: &smartv1.RecognizeMenuRequest{Image: &smartv1.RecognizeMenuRequest_ImgUrl{ImgUrl: "http://e.com/a"}}},
		{name: "jpeg", give: &smartv1.RecognizeMenuRequest{Image: &smartv1.RecognizeMenuRequest_Img{Img: jpeg}}},
		{name: "png", give: &smartv1.RecognizeMenuRequest{Image: &smartv1.RecognizeMenuRequest_Img{Img: []byte("\x89PNG\r\n\x1a\n\x00\x00")}}},
		{name: "gif", give: &smartv1.RecognizeMenuRequest{Image: &smartv1.RecognizeMenuRequest_Img{Img: []byte("GIF89a\x01\x00")}}},
		{name: "2 MiB", give: &smartv1.RecognizeMenuRequest{Image: &smartv1.RecognizeMenuRequest_Img{Img: append(jpeg, make([]byte, MaxImageBytes-len(jpeg))...)}}},
	}
	for _, tt := range valid {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if _, err := checkImage(tt.give); err != nil {
				t.Errorf("checkImage: %v", err)
			}
		})
	}
	invalid := []struct {
		name  string
		give  *smartv1.RecognizeMenuRequest
		field string
	}{
		{name: "none", give: &smartv1.RecognizeMenuRequest{}, field: "img_url"},
		{name: "no scheme", give: &smartv1.RecognizeMenuRequest{Image: &smartv1.RecognizeMenuRequest_ImgUrl{ImgUrl: "e.com/a.jpg"}}, field: "img_url"},
		{name: "file scheme", give: &smartv1.RecognizeMenuRequest{Image: &smartv1.RecognizeMenuRequest_ImgUrl{ImgUrl: "file:///etc/passwd"}}, field: "img_url"},
		{name: "no host", give: &smartv1.RecognizeMenuRequest{Image: &smartv1.RecognizeMenuRequest_ImgUrl{ImgUrl: "https:///a"}}, field: "img_url"},
		{name: "2049 characters", give: &smartv1.RecognizeMenuRequest{Image: &smartv1.RecognizeMenuRequest_ImgUrl{ImgUrl: "https://e.com/" + strings.Repeat("a", 2035)}}, field: "img_url"},
		{name: "empty bytes", give: &smartv1.RecognizeMenuRequest{Image: &smartv1.RecognizeMenuRequest_Img{}}, field: "img"},
		{name: "text", give: &smartv1.RecognizeMenuRequest{Image: &smartv1.RecognizeMenuRequest_Img{Img: []byte("hello")}}, field: "img"},
		{name: "over 2 MiB", give: &smartv1.RecognizeMenuRequest{Image: &smartv1.RecognizeMenuRequest_Img{Img: append(jpeg, make([]byte, MaxImageBytes)...)}}, field: "img"},
	}
	for _, tt := range invalid {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := checkImage(tt.give)
			wantField(t, err, tt.field)
		})
	}
}

func TestCheckRatios(t *testing.T) {
	t.Parallel()
	valid := []struct {
		give []float64
		want string
	}{
		{give: nil, want: ""},
		{give: []float64{1}, want: "1"},
		{give: []float64{0.5, 1.25, 100, 2, 3}, want: "0.5,1.25,100,2,3"},
	}
	for _, tt := range valid {
		q, err := checkRatios(tt.give)
		if err != nil || q.Get("ratios") != tt.want {
			t.Errorf("checkRatios(%v) = %v, %v; want %q", tt.give, q, err, tt.want)
		}
	}
	invalid := []struct {
		give  []float64
		field string
	}{
		{give: []float64{1, 1, 1, 1, 1, 1}, field: "ratios"},
		{give: []float64{1, 0}, field: "ratios[1]"},
		{give: []float64{-1}, field: "ratios[0]"},
		{give: []float64{100.5}, field: "ratios[0]"},
	}
	for _, tt := range invalid {
		_, err := checkRatios(tt.give)
		wantField(t, err, tt.field)
	}
}

func TestCheckSemantic(t *testing.T) {
	t.Parallel()
	f := func(v float64) *float64 { return &v }
	ok := func() *smartv1.SemanticSearchRequest {
		return &smartv1.SemanticSearchRequest{Query: "天气", Categories: []string{"weather"}}
	}
	if err := checkSemantic(ok()); err != nil {
		t.Fatalf("valid: %v", err)
	}
	tests := []struct {
		name  string
		edit  func(r *smartv1.SemanticSearchRequest)
		field string
	}{
		{name: "no query", edit: func(r *smartv1.SemanticSearchRequest) { r.Query = "" }, field: "query"},
		{name: "bad utf-8", edit: func(r *smartv1.SemanticSearchRequest) { r.Query = "\xff" }, field: "query"},
		{name: "no categories", edit: func(r *smartv1.SemanticSearchRequest) { r.Categories = nil }, field: "categories"},
		{name: "empty category", edit: func(r *smartv1.SemanticSearchRequest) { r.Categories = []string{"weather", ""} }, field: "categories[1]"},
		{name: "long city", edit: func(r *smartv1.SemanticSearchRequest) { r.City = strings.Repeat("北", 65) }, field: "city"},
		{name: "long region", edit: func(r *smartv1.SemanticSearchRequest) { r.Region = strings.Repeat("a", 65) }, field: "region"},
		{name: "longitude alone", edit: func(r *smartv1.SemanticSearchRequest) { r.Longitude = f(1) }, field: "latitude"},
		{name: "longitude range", edit: func(r *smartv1.SemanticSearchRequest) { r.Latitude, r.Longitude = f(1), f(-181) }, field: "longitude"},
		{name: "long uid", edit: func(r *smartv1.SemanticSearchRequest) { r.Uid = strings.Repeat("o", 65) }, field: "uid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := ok()
			tt.edit(r)
			wantField(t, checkSemantic(r), tt.field)
		})
	}
	r := ok()
	r.Latitude, r.Longitude, r.City = f(-90), f(180), strings.Repeat("北", 64)
	if err := checkSemantic(r); err != nil {
		t.Errorf("edge values: %v", err)
	}
}
