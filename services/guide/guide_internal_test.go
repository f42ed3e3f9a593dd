package guide

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"google.golang.org/protobuf/reflect/protoreflect"

	guidev1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/guide/v1"
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
		guidev1.File_wxsuite_guide_v1_guide_proto, guidev1.File_wxsuite_guide_v1_group_proto,
		guidev1.File_wxsuite_guide_v1_buyer_proto, guidev1.File_wxsuite_guide_v1_tag_proto,
		guidev1.File_wxsuite_guide_v1_material_proto, guidev1.File_wxsuite_guide_v1_massjob_proto,
	} {
		for i := range fd.Services().Len() {
			sd := fd.Services().Get(i)
			for j := range sd.Methods().Len() {
				procedures = append(procedures, "/"+string(sd.FullName())+"/"+string(sd.Methods().Get(j).Name()))
			}
		}
	}
	if len(procedures) != 50 || len(got) != 50 {
		t.Errorf("%d procedures, %d policies; want 50 of each (one per endpoint)", len(procedures), len(got))
	}
	for _, proc := range procedures {
		p, ok := got[proc]
		if !ok {
			t.Errorf("no policy for %s", proc)
			continue
		}
		method := proc[strings.LastIndex(proc, "/")+1:]
		want := auth.ScopeGuideWrite
		for _, read := range []string{"Get", "List", "Query"} {
			if strings.HasPrefix(method, read) {
				want = auth.ScopeGuideRead
			}
		}
		if p.Scope != want {
			t.Errorf("%s: scope %q, want %q", proc, p.Scope, want)
		}
	}
}

func TestBodyOf(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		give interface{ ProtoReflect() protoreflect.Message }
		keep []string
		want string
	}{
		{"app_id left out, zero fields left out",
			&guidev1.AddGuideRequest{AppId: "wx1", GuideAccount: "advisor_a"}, nil,
			`{"guide_account":"advisor_a"}`},
		{"int64 stays a number",
			&guidev1.GetMassJobRequest{AppId: "wx1", TaskId: 9007199254740993}, nil,
			`{"task_id":9007199254740993}`},
		{"kept zero fields",
			&guidev1.ListGuidesRequest{AppId: "wx1", Num: 10}, []string{"page"},
			`{"num":10,"page":0}`},
		{"kept empty list",
			&guidev1.SetBuyerDisplayTagsRequest{AppId: "wx1", Openid: "o1"}, []string{"display_tag_list"},
			`{"display_tag_list":[],"openid":"o1"}`},
		{"nested messages and lists",
			&guidev1.CreateMassJobRequest{AppId: "wx1", TaskName: "n", PushTime: 1700000000, Openid: []string{"a", "b"},
				Material: []*guidev1.MassMaterial{{Type: 1, Word: "w"}, {Type: 49, Title: "t", Appid: "wx0123456789abcdef"}}}, nil,
			`{"material":[{"type":1,"word":"w"},{"appid":"wx0123456789abcdef","title":"t","type":49}],"openid":["a","b"],"push_time":1700000000,"task_name":"n"}`},
		{"bools",
			&guidev1.SetGuideConfigRequest{AppId: "wx1", IsDelete: true, GuideAutoReply: &guidev1.GuideAutoReply{Content: "c", Msgtype: 1}}, nil,
			`{"guide_auto_reply":{"content":"c","msgtype":1},"is_delete":true}`},
		{"repeated int32",
			&guidev1.ListMassJobsRequest{AppId: "wx1", GuideOpenid: "g", TaskStatus: []int32{1, 4}}, nil,
			`{"guide_openid":"g","task_status":[1,4]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			data, err := json.Marshal(bodyOf(tt.give.ProtoReflect(), tt.keep))
			if err != nil {
				t.Fatal(err)
			}
			if string(data) != tt.want {
				t.Errorf("body = %s, want %s", data, tt.want)
			}
		})
	}
}

func TestCheckGuide(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name            string
		prefix          string
		account, openID string
		optional        bool
		wantField       string // "" for no error
	}{
		{"account", "", "advisor_a", "", false, ""},
		{"openid", "", "", "oAbc_-1", false, ""},
		{"none optional", "", "", "", true, ""},
		{"none", "", "", "", false, "guide_account"},
		{"both", "", "advisor_a", "o1", false, "guide_account"},
		{"short id", "", "abc", "", false, "guide_account"},
		{"digit first", "", "1abcdef", "", false, "guide_account"},
		{"long id", "", "a" + strings.Repeat("b", 20), "", false, "guide_account"},
		{"bad openid", "", "", "o 1", false, "guide_openid"},
		{"prefixed", "old_", "", "", false, "old_guide_account"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := checkGuide(tt.prefix, tt.account, tt.openID, tt.optional)
			var arg *ArgumentError
			switch {
			case tt.wantField == "" && err != nil:
				t.Errorf("error %v, want none", err)
			case tt.wantField != "" && (!errors.As(err, &arg) || arg.Field != tt.wantField):
				t.Errorf("error %v, want one on %s", err, tt.wantField)
			}
		})
	}
}

func TestCheckTargets(t *testing.T) {
	t.Parallel()
	many := make([]string, maxBatch+1)
	for i := range many {
		many[i] = "o1"
	}
	tests := []struct {
		name      string
		openID    string
		list      []string
		wantField string
	}{
		{"one", "o1", nil, ""},
		{"list", "", []string{"o1", "o2"}, ""},
		{"200", "", many[:maxBatch], ""},
		{"201", "", many, "openid_list"},
		{"none", "", nil, "openid"},
		{"both", "o1", []string{"o2"}, "openid"},
		{"bad item", "", []string{"o1", "o/2"}, "openid_list[1]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := checkTargets(tt.openID, tt.list, "openid_list")
			var arg *ArgumentError
			switch {
			case tt.wantField == "" && err != nil:
				t.Errorf("error %v, want none", err)
			case tt.wantField != "" && (!errors.As(err, &arg) || arg.Field != tt.wantField):
				t.Errorf("error %v, want one on %s", err, tt.wantField)
			}
		})
	}
}
