package invoice

import (
	"errors"
	"strings"
	"testing"

	"google.golang.org/protobuf/reflect/protoreflect"

	invoicev1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/invoice/v1"
	"github.com/wxsuite/wxsuite/internal/platform/auth"
	"github.com/wxsuite/wxsuite/internal/wechat"
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
	var procedures []string
	for _, fd := range []protoreflect.FileDescriptor{
		invoicev1.File_wxsuite_invoice_v1_merchant_proto, invoicev1.File_wxsuite_invoice_v1_platform_proto,
		invoicev1.File_wxsuite_invoice_v1_reimburse_proto, invoicev1.File_wxsuite_invoice_v1_title_proto,
		invoicev1.File_wxsuite_invoice_v1_fiscal_proto,
	} {
		for i := range fd.Services().Len() {
			sd := fd.Services().Get(i)
			for j := range sd.Methods().Len() {
				procedures = append(procedures, "/"+string(sd.FullName())+"/"+string(sd.Methods().Get(j).Name()))
			}
		}
	}
	if len(procedures) != len(got) || len(procedures) != 28 {
		t.Errorf("%d procedures, %d policies", len(procedures), len(got))
	}
	for _, proc := range procedures {
		p, ok := got[proc]
		if !ok {
			t.Errorf("no policy for %s", proc)
			continue
		}
		method := proc[strings.LastIndex(proc, "/")+1:]
		want := auth.ScopeInvoiceWrite
		for _, read := range []string{"Get", "BatchGet", "Query", "Scan"} {
			if strings.HasPrefix(method, read) {
				want = auth.ScopeInvoiceRead
			}
		}
		if p.Scope != want {
			t.Errorf("%s: scope %q, want %q", proc, p.Scope, want)
		}
	}
}

func TestAmount(t *testing.T) {
	t.Parallel()
	tests := []struct {
		give string
		ok   bool
	}{
		{"1", true}, {"1.0", true}, {"12.50", true}, {"0.06", true},
		{"", false}, {".5", false}, {"1.", false}, {"1.234", false}, {"-1", false}, {"1e3", false}, {"1,00", false},
	}
	for _, tt := range tests {
		err := amount("jshj", tt.give)()
		if (err == nil) != tt.ok {
			t.Errorf("amount(%q) = %v, want ok %v", tt.give, err, tt.ok)
		}
	}
}

func TestConnectErrorCodes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		give *wechat.Error
		want string
	}{
		{&wechat.Error{Code: 73200, Path: pathReimburseGet}, "not_found"},
		{&wechat.Error{Code: 72038, Path: pathGetAuthData}, "not_found"},
		{&wechat.Error{Code: 72038, Path: pathInsert}, "failed_precondition"},
		{&wechat.Error{Code: 72061, Path: pathReimburseUpdate}, "failed_precondition"},
		{&wechat.Error{Code: 72018, Path: pathInsert}, "already_exists"},
		{&wechat.Error{Code: 72037, Path: pathReimburseUpdateBatch}, "invalid_argument"},
		{&wechat.Error{Code: 45009, Path: pathInsert}, "resource_exhausted"},
	}
	for _, tt := range tests {
		err := connectError(tt.give)
		var ce interface{ Error() string }
		if !errors.As(err, &ce) || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("%d on %s: %v, want %s", tt.give.Code, tt.give.Path, err, tt.want)
		}
	}
}
