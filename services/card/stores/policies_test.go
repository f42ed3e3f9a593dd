package stores

import (
	"strings"
	"testing"

	"google.golang.org/protobuf/reflect/protoreflect"

	cardv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/card/v1"
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
	var procedures []string
	for _, fd := range []protoreflect.FileDescriptor{
		cardv1.File_wxsuite_card_v1_poi_proto, cardv1.File_wxsuite_card_v1_store_proto,
		cardv1.File_wxsuite_card_v1_marketcode_proto,
	} {
		for i := range fd.Services().Len() {
			sd := fd.Services().Get(i)
			for j := range sd.Methods().Len() {
				procedures = append(procedures, "/"+string(sd.FullName())+"/"+string(sd.Methods().Get(j).Name()))
			}
		}
	}
	if len(procedures) != 24 || len(got) != 24 {
		t.Errorf("%d procedures, %d policies, want 24 each", len(procedures), len(got))
	}
	for _, proc := range procedures {
		p, ok := got[proc]
		if !ok {
			t.Errorf("no policy for %s", proc)
			continue
		}
		method := proc[strings.LastIndex(proc, "/")+1:]
		want := auth.ScopeCardWrite
		for _, read := range []string{"Get", "List", "Search", "Download"} {
			if strings.HasPrefix(method, read) {
				want = auth.ScopeCardRead
			}
		}
		if p.Scope != want {
			t.Errorf("%s: scope %q, want %q", proc, p.Scope, want)
		}
	}
}

func TestFlexInt(t *testing.T) {
	t.Parallel()
	tests := []struct {
		give string
		want flexInt
	}{
		{`123`, 123}, {`"271262077"`, 271262077}, {`""`, 0}, {`null`, 0},
	}
	for _, tt := range tests {
		var got flexInt
		if err := got.UnmarshalJSON([]byte(tt.give)); err != nil || got != tt.want {
			t.Errorf("%s: %d, %v; want %d", tt.give, got, err, tt.want)
		}
	}
	for _, bad := range []string{`"12a"`, `1.5`, `true`} {
		var got flexInt
		if err := got.UnmarshalJSON([]byte(bad)); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
}

func TestCheckHour(t *testing.T) {
	t.Parallel()
	for _, ok := range []string{"09:00-21:00", "00:00-24:00", "23:59-01:00"} {
		if err := checkHour("hour", ok); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
	for _, bad := range []string{"9-21", "9:00-21:00", "25:00-26:00", "09:00~21:00", ""} {
		if err := checkHour("hour", bad); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
}
