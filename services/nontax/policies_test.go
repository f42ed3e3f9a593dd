package nontax

import (
	"strings"
	"testing"

	"google.golang.org/protobuf/reflect/protoreflect"

	nontaxv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/nontax/v1"
	"github.com/wxsuite/wxsuite/internal/platform/auth"
)

// writeMethods are the procedures that change state or send something (nontax.write).
var writeMethods = map[string]bool{"UnifiedOrder": true, "Micropay": true, "Refund": true,
	"NotifyInconsistentOrder": true, "MockNotification": true, "MockQueryFee": true,
	"NotifyVehicleEntrance": true, "ApplyVehiclePayment": true}

func TestPoliciesCoverEveryProcedure(t *testing.T) {
	t.Parallel()
	got := map[string]auth.Policy{}
	for _, p := range policies() {
		if _, dup := got[p.Procedure]; dup {
			t.Errorf("two policies for %s", p.Procedure)
		}
		got[p.Procedure] = p
	}
	var procedures []string
	for _, fd := range []protoreflect.FileDescriptor{nontaxv1.File_wxsuite_nontax_v1_payment_proto,
		nontaxv1.File_wxsuite_nontax_v1_vehicle_proto, nontaxv1.File_wxsuite_nontax_v1_identity_proto} {
		for i := range fd.Services().Len() {
			sd := fd.Services().Get(i)
			for j := range sd.Methods().Len() {
				procedures = append(procedures, "/"+string(sd.FullName())+"/"+string(sd.Methods().Get(j).Name()))
			}
		}
	}
	if len(procedures) != 16 || len(got) != 16 {
		t.Errorf("%d procedures, %d policies, want 16 each", len(procedures), len(got))
	}
	for _, proc := range procedures {
		p, ok := got[proc]
		if !ok {
			t.Errorf("no policy for %s", proc)
			continue
		}
		want := auth.ScopeNontaxRead
		if writeMethods[proc[strings.LastIndex(proc, "/")+1:]] {
			want = auth.ScopeNontaxWrite
		}
		if p.Scope != want {
			t.Errorf("%s: scope %q, want %q", proc, p.Scope, want)
		}
	}
}

func TestChecker(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		give func(c *checker)
		want string // "" for no error
	}{
		{"region ok", func(c *checker) { c.region("r", "340000") }, ""},
		{"region short", func(c *checker) { c.region("r", "3400") }, "r: must be 6 to 12 digits"},
		{"region letters", func(c *checker) { c.region("r", "34000a") }, "r: must be 6 to 12 digits"},
		{"date ok", func(c *checker) { c.date("d", "20240229", true) }, ""},
		{"date bad day", func(c *checker) { c.date("d", "20230229", true) }, "d: must be a day"},
		{"date missing", func(c *checker) { c.date("d", "", true) }, "d: is required"},
		{"date optional", func(c *checker) { c.date("d", "", false) }, ""},
		{"fen zero", func(c *checker) { c.fen("f", 0) }, "f: must be a positive number of fen"},
		{"fen ok", func(c *checker) { c.fen("f", 1) }, ""},
		{"ip v6", func(c *checker) { c.ip("ip", "2001:db8::1") }, ""},
		{"ip bad", func(c *checker) { c.ip("ip", "1.2.3") }, "ip: must be an IPv4 or IPv6"},
		{"url ok", func(c *checker) { c.url("u", "https://a.example/x?y=1", true) }, ""},
		{"url relative", func(c *checker) { c.url("u", "/x", true) }, "u: must be an absolute"},
		{"id spaces", func(c *checker) { c.required("id", "a b") }, "id: must be UTF-8 without spaces"},
		{"id long", func(c *checker) { c.required("id", strings.Repeat("1", 65)) }, "id: must be at most 64 bytes"},
		{"text long", func(c *checker) { c.text("t", strings.Repeat("缴", 129), true) }, "t: must be at most 128 characters"},
		{"notice type", func(c *checker) { c.noticeType("n", 3) }, "n: must be 1 (ordinary) or 2"},
		{"openid bad", func(c *checker) { c.openID("o", "o!x", true) }, "o: must be 1 to 64 characters"},
		{"first error wins", func(c *checker) { c.fen("a", 0); c.fen("b", 0) }, "a: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var c checker
			tt.give(&c)
			switch {
			case tt.want == "" && c.err != nil:
				t.Errorf("error %v, want none", c.err)
			case tt.want != "" && (c.err == nil || !strings.HasPrefix(c.err.Error(), tt.want)):
				t.Errorf("error %v, want prefix %q", c.err, tt.want)
			}
		})
	}
}
