package audience

import (
	"context"
	"errors"
	"strings"
	"testing"

	"google.golang.org/protobuf/reflect/protoreflect"

	audiencev1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/audience/v1"
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
		audiencev1.File_wxsuite_audience_v1_user_proto, audiencev1.File_wxsuite_audience_v1_tag_proto,
		audiencev1.File_wxsuite_audience_v1_qrcode_proto,
	} {
		for i := range fd.Services().Len() {
			sd := fd.Services().Get(i)
			for j := range sd.Methods().Len() {
				procedures = append(procedures, "/"+string(sd.FullName())+"/"+string(sd.Methods().Get(j).Name()))
			}
		}
	}
	if len(procedures) != len(got) {
		t.Errorf("%d procedures, %d policies", len(procedures), len(got))
	}
	for _, proc := range procedures {
		p, ok := got[proc]
		if !ok {
			t.Errorf("no policy for %s", proc)
			continue
		}
		method := proc[strings.LastIndex(proc, "/")+1:]
		want := auth.ScopeAudienceWrite
		for _, read := range []string{"Get", "List", "Stream", "BatchGet", "Fetch"} {
			if strings.HasPrefix(method, read) {
				want = auth.ScopeAudienceRead
			}
		}
		if p.Scope != want {
			t.Errorf("%s: scope %q, want %q", proc, p.Scope, want)
		}
	}
}

func TestInBatches(t *testing.T) {
	t.Parallel()
	items := make([]int, 120)
	for i := range items {
		items[i] = i
	}
	tests := []struct {
		name      string
		give      []int
		size      int
		failAt    int // 1-based call that fails; 0 for none
		wantCalls int
		wantSizes []int
		wantDone  int
	}{
		{name: "exact", give: items[:100], size: 50, wantCalls: 2, wantSizes: []int{50, 50}},
		{name: "remainder", give: items, size: 50, wantCalls: 3, wantSizes: []int{50, 50, 20}},
		{name: "one", give: items[:1], size: 20, wantCalls: 1, wantSizes: []int{1}},
		{name: "limit plus one", give: items[:101], size: 100, wantCalls: 2, wantSizes: []int{100, 1}},
		{name: "second fails", give: items, size: 50, failAt: 2, wantCalls: 1, wantSizes: []int{50, 50}, wantDone: 50},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var sizes []int
			next := 0
			calls, err := inBatches(context.Background(), "op", tt.give, tt.size, func(_ context.Context, b []int) error {
				sizes = append(sizes, len(b))
				if b[0] != next {
					t.Errorf("batch starts at %d, want %d", b[0], next)
				}
				next += len(b)
				if len(sizes) == tt.failAt {
					return errors.New("boom")
				}
				return nil
			})
			if calls != tt.wantCalls || len(sizes) != len(tt.wantSizes) {
				t.Fatalf("calls %d sizes %v, want %d %v", calls, sizes, tt.wantCalls, tt.wantSizes)
			}
			for i := range sizes {
				if sizes[i] != tt.wantSizes[i] {
					t.Errorf("sizes %v, want %v", sizes, tt.wantSizes)
				}
			}
			var be *BatchError
			switch {
			case tt.failAt == 0 && err != nil:
				t.Errorf("error %v", err)
			case tt.failAt != 0 && (!errors.As(err, &be) || be.Call != tt.failAt || be.Done != tt.wantDone || be.Total != len(tt.give)):
				t.Errorf("error %#v", err)
			}
		})
	}
}

// FuzzCheckOpenID: the openid check never panics, accepts exactly 1 to 64 characters of
// [A-Za-z0-9_-] and names the field.
func FuzzCheckOpenID(f *testing.F) {
	for _, s := range []string{"", "o-alice", "oLVPpjqs9BhvzwPj5A-vTYAX3GLc", "o bad", strings.Repeat("o", 65), "中文", "a\x00b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		err := checkOpenID("openids[3]", s)
		valid := len(s) >= 1 && len(s) <= 64 && strings.Trim(s, openIDChars) == ""
		if (err == nil) != valid {
			t.Fatalf("checkOpenID(%q) = %v, valid %v", s, err, valid)
		}
		if err != nil && !strings.HasPrefix(err.Error(), "openids[3]: ") {
			t.Fatalf("error %q does not name the field", err)
		}
	})
}

// FuzzQRCodeSpec: the QR code check never panics and refuses everything the platform
// refuses.
func FuzzQRCodeSpec(f *testing.F) {
	f.Add(true, uint32(1), "", int64(0))
	f.Add(false, uint32(0), "scene", int64(2592000))
	f.Add(true, uint32(100001), "", int64(0))
	f.Add(false, uint32(5), "x", int64(-1))
	f.Fuzz(func(t *testing.T, permanent bool, id uint32, str string, expire int64) {
		err := QRCodeSpec{Permanent: permanent, SceneID: id, SceneStr: str, ExpireSeconds: expire}.check()
		if err == nil {
			n := len([]rune(str))
			switch {
			case (id == 0) == (str == ""):
				t.Fatal("accepted zero or two scenes")
			case permanent && id > 100000:
				t.Fatal("accepted a permanent scene_id over 100000")
			case n > 64:
				t.Fatal("accepted a long scene_str")
			case expire < 0 || expire > 2592000 || (permanent && expire != 0):
				t.Fatal("accepted a bad expiry")
			}
		}
	})
}
