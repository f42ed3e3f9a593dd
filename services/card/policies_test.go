package card

import (
	"strings"
	"testing"

	"google.golang.org/protobuf/reflect/protoreflect"

	cardv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/card/v1"
	"github.com/wxsuite/wxsuite/internal/platform/auth"
)

// TestPoliciesCoverEveryProcedure: every procedure of the card protos has exactly one
// policy; reads (Get, BatchGet, List, Check, Decrypt) need card.read, the rest card.write.
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
	for _, fd := range []protoreflect.FileDescriptor{
		cardv1.File_wxsuite_card_v1_card_proto, cardv1.File_wxsuite_card_v1_card_code_proto,
		cardv1.File_wxsuite_card_v1_card_member_proto, cardv1.File_wxsuite_card_v1_card_merchant_proto,
	} {
		for i := range fd.Services().Len() {
			sd := fd.Services().Get(i)
			for j := range sd.Methods().Len() {
				procedures = append(procedures, "/"+string(sd.FullName())+"/"+string(sd.Methods().Get(j).Name()))
			}
		}
	}
	if len(procedures) != 40 || len(got) != 40 {
		t.Errorf("%d procedures, %d policies, want 40 of each", len(procedures), len(got))
	}
	for _, proc := range procedures {
		p, ok := got[proc]
		if !ok {
			t.Errorf("no policy for %s", proc)
			continue
		}
		method := proc[strings.LastIndex(proc, "/")+1:]
		want := auth.ScopeCardWrite
		for _, read := range []string{"Get", "BatchGet", "List", "Check", "Decrypt"} {
			if strings.HasPrefix(method, read) && method != "CheckInBoardingPass" {
				want = auth.ScopeCardRead
			}
		}
		if p.Scope != want {
			t.Errorf("%s: scope %q, want %q", proc, p.Scope, want)
		}
	}
}

// FuzzCheckCode: the code check never panics, accepts exactly 1 to 20 printable ASCII
// characters without spaces and names the field.
func FuzzCheckCode(f *testing.F) {
	for _, s := range []string{"", "123456789012", "A-1", "a b", strings.Repeat("1", 21), "中文", "a\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		err := checkCode("code[2]", s)
		valid := len(s) >= 1 && len(s) <= 20
		for i := 0; i < len(s); i++ {
			if s[i] <= ' ' || s[i] > '~' {
				valid = false
			}
		}
		if (err == nil) != valid {
			t.Fatalf("checkCode(%q) = %v, valid %v", s, err, valid)
		}
		if err != nil && !strings.HasPrefix(err.Error(), "code[2]: ") {
			t.Fatalf("error %q does not name the field", err)
		}
	})
}
