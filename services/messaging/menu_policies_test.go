package messaging

import (
	"testing"

	"google.golang.org/protobuf/reflect/protoreflect"

	messagingv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/messaging/v1"
	"github.com/wxsuite/wxsuite/internal/platform/auth"
)

// TestManagePolicies checks that every procedure of MenuService, CustomerServiceService
// and AutoReplyService has exactly one policy, with scope messaging.manage.
func TestManagePolicies(t *testing.T) {
	t.Parallel()
	got := map[string]auth.Policy{}
	for _, p := range append(append(menuPolicies(), kfPolicies()...), autoReplyPolicies()...) {
		if _, dup := got[p.Procedure]; dup {
			t.Errorf("two policies for %s", p.Procedure)
		}
		got[p.Procedure] = p
	}
	n := 0
	for _, fd := range []protoreflect.FileDescriptor{
		messagingv1.File_wxsuite_messaging_v1_menu_proto,
		messagingv1.File_wxsuite_messaging_v1_customer_service_proto,
		messagingv1.File_wxsuite_messaging_v1_autoreply_proto,
	} {
		for i := range fd.Services().Len() {
			sd := fd.Services().Get(i)
			for j := range sd.Methods().Len() {
				proc := "/" + string(sd.FullName()) + "/" + string(sd.Methods().Get(j).Name())
				n++
				p, ok := got[proc]
				if !ok {
					t.Errorf("no policy for %s", proc)
					continue
				}
				if p.Scope != auth.ScopeMessagingManage || p.Audit {
					t.Errorf("policy of %s = %+v", proc, p)
				}
			}
		}
	}
	if n != len(got) {
		t.Errorf("%d procedures, %d policies", n, len(got))
	}
}

func BenchmarkValidateCustomMenu(b *testing.B) {
	m := vMenu()
	rule := &messagingv1.MenuMatchRule{Language: "en"}
	m.ConditionalMenus = []*messagingv1.ConditionalMenu{{Buttons: vMenu().GetButtons(), MatchRule: rule}}
	b.ReportAllocs()
	for b.Loop() {
		if err := validateCustomMenu(m); err != nil {
			b.Fatal(err)
		}
	}
}
