package messaging

import (
	"errors"
	"strings"
	"testing"

	messagingv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/messaging/v1"
)

func vClick(name, key string) *messagingv1.MenuButton {
	return &messagingv1.MenuButton{Name: name, Type: messagingv1.MenuButtonType_MENU_BUTTON_TYPE_CLICK, Key: key}
}

func vView(url string) *messagingv1.MenuButton {
	return &messagingv1.MenuButton{Name: "v", Type: messagingv1.MenuButtonType_MENU_BUTTON_TYPE_VIEW, Url: url}
}

// vMenu is a valid menu: a click button and a parent with one sub-button of each kind
// of required field.
func vMenu() *messagingv1.CustomMenu {
	return &messagingv1.CustomMenu{Buttons: []*messagingv1.MenuButton{
		vClick("歌曲", "K"),
		{Name: "菜单", SubButtons: []*messagingv1.MenuButton{
			vView("https://a.example/"),
			{Name: "m", Type: messagingv1.MenuButtonType_MENU_BUTTON_TYPE_MEDIA_ID, MediaId: "M"},
			{Name: "a", Type: messagingv1.MenuButtonType_MENU_BUTTON_TYPE_ARTICLE_ID, ArticleId: "A"},
			{Name: "w", Type: messagingv1.MenuButtonType_MENU_BUTTON_TYPE_MINIPROGRAM, Url: "http://mp.weixin.qq.com", Appid: "wx286b93c14bbf93aa", Pagepath: "pages/index"},
		}},
	}}
}

func TestValidateCustomMenuValid(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		give func(m *messagingv1.CustomMenu)
	}{
		{"as is", func(*messagingv1.CustomMenu) {}},
		{"name 16 bytes", func(m *messagingv1.CustomMenu) { m.Buttons[0].Name = strings.Repeat("a", 16) }},
		{"name 5 Chinese characters", func(m *messagingv1.CustomMenu) { m.Buttons[0].Name = "一二三四五" }},
		{"sub name 60 bytes", func(m *messagingv1.CustomMenu) { m.Buttons[1].SubButtons[0].Name = strings.Repeat("a", 60) }},
		{"key 128 bytes", func(m *messagingv1.CustomMenu) { m.Buttons[0].Key = strings.Repeat("k", 128) }},
		{"url 1024 bytes", func(m *messagingv1.CustomMenu) {
			m.Buttons[1].SubButtons[0].Url = "https://a.example/" + strings.Repeat("p", 1024-18)
		}},
		{"three buttons, five sub-buttons", func(m *messagingv1.CustomMenu) {
			m.Buttons[1].SubButtons = append(m.Buttons[1].SubButtons, vClick("5", "K5"))
			m.Buttons = append(m.Buttons, vClick("3", "K3"))
		}},
		{"three conditional domains", func(m *messagingv1.CustomMenu) {
			rule := &messagingv1.MenuMatchRule{ClientPlatform: messagingv1.MenuClientPlatform_MENU_CLIENT_PLATFORM_IOS}
			m.ConditionalMenus = []*messagingv1.ConditionalMenu{
				{Buttons: []*messagingv1.MenuButton{vView("https://a.example/"), vView("https://B.example/")}, MatchRule: rule},
				{Buttons: []*messagingv1.MenuButton{vView("https://c.example/"), vView("https://b.example/y")}, MatchRule: rule},
			}
		}},
		{"full region rule", func(m *messagingv1.CustomMenu) {
			m.ConditionalMenus = []*messagingv1.ConditionalMenu{{Buttons: []*messagingv1.MenuButton{vClick("c", "C")},
				MatchRule: &messagingv1.MenuMatchRule{Country: "中国", Province: "广东", City: "广州", Language: "zh_CN"}}}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m := vMenu()
			tt.give(m)
			if err := validateCustomMenu(m); err != nil {
				t.Errorf("validateCustomMenu = %v", err)
			}
		})
	}
}

func TestValidateCustomMenuInvalid(t *testing.T) {
	t.Parallel()
	tag := int64(-1)
	rule := func(r *messagingv1.MenuMatchRule) func(m *messagingv1.CustomMenu) {
		return func(m *messagingv1.CustomMenu) {
			m.ConditionalMenus = []*messagingv1.ConditionalMenu{{Buttons: []*messagingv1.MenuButton{vClick("c", "C")}, MatchRule: r}}
		}
	}
	tests := []struct {
		name string
		give func(m *messagingv1.CustomMenu)
		want string // field path, then the start of the reason
	}{
		{"no buttons", func(m *messagingv1.CustomMenu) { m.Buttons = nil }, "menu.buttons must hold 1 to 3"},
		{"four buttons", func(m *messagingv1.CustomMenu) {
			m.Buttons = append(m.Buttons, vClick("3", "3"), vClick("4", "4"))
		}, "menu.buttons must hold 1 to 3 buttons, has 4"},
		{"empty name", func(m *messagingv1.CustomMenu) { m.Buttons[0].Name = " " }, "menu.buttons[0].name is required"},
		{"name 17 bytes", func(m *messagingv1.CustomMenu) { m.Buttons[0].Name = strings.Repeat("a", 17) }, "menu.buttons[0].name is 17 bytes"},
		{"name 6 Chinese characters", func(m *messagingv1.CustomMenu) { m.Buttons[0].Name = "一二三四五六" }, "menu.buttons[0].name is 18 bytes"},
		{"sub name 61 bytes", func(m *messagingv1.CustomMenu) {
			m.Buttons[1].SubButtons[2].Name = strings.Repeat("a", 61)
		}, "menu.buttons[1].sub_buttons[2].name is 61 bytes"},
		{"six sub-buttons", func(m *messagingv1.CustomMenu) {
			m.Buttons[1].SubButtons = append(m.Buttons[1].SubButtons, vClick("5", "5"), vClick("6", "6"))
		}, "menu.buttons[1].sub_buttons must hold at most 5"},
		{"type and sub-buttons", func(m *messagingv1.CustomMenu) {
			m.Buttons[1].Type = messagingv1.MenuButtonType_MENU_BUTTON_TYPE_CLICK
		}, "menu.buttons[1].type must be unset"},
		{"key on a parent", func(m *messagingv1.CustomMenu) { m.Buttons[1].Key = "K" }, "menu.buttons[1].key is not used by buttons with sub_buttons"},
		{"no type", func(m *messagingv1.CustomMenu) { m.Buttons[0].Type = 0 }, "menu.buttons[0].type is required"},
		{"sub without type", func(m *messagingv1.CustomMenu) { m.Buttons[1].SubButtons[0].Type = 0 }, "menu.buttons[1].sub_buttons[0].type is required"},
		{"three levels", func(m *messagingv1.CustomMenu) {
			m.Buttons[1].SubButtons[0].SubButtons = []*messagingv1.MenuButton{vClick("x", "x")}
		}, "menu.buttons[1].sub_buttons[0].sub_buttons must be empty"},
		{"unknown type", func(m *messagingv1.CustomMenu) { m.Buttons[0].Type = 99 }, "menu.buttons[0].type 99 is not a button type"},
		{"console type", func(m *messagingv1.CustomMenu) {
			m.Buttons[0] = &messagingv1.MenuButton{Name: "t", Type: messagingv1.MenuButtonType_MENU_BUTTON_TYPE_TEXT}
		}, "menu.buttons[0].type MENU_BUTTON_TYPE_TEXT is a console-made type"},
		{"read-only value", func(m *messagingv1.CustomMenu) { m.Buttons[0].Value = "v" }, "menu.buttons[0].value is read-only"},
		{"missing key", func(m *messagingv1.CustomMenu) { m.Buttons[0].Key = "" }, "menu.buttons[0].key is required"},
		{"key 129 bytes", func(m *messagingv1.CustomMenu) { m.Buttons[0].Key = strings.Repeat("k", 129) }, "menu.buttons[0].key is 129 bytes"},
		{"url on a click button", func(m *messagingv1.CustomMenu) { m.Buttons[0].Url = "https://a.example/" }, "menu.buttons[0].url is not used by MENU_BUTTON_TYPE_CLICK"},
		{"missing url", func(m *messagingv1.CustomMenu) { m.Buttons[1].SubButtons[0].Url = "" }, "menu.buttons[1].sub_buttons[0].url is required"},
		{"url 1025 bytes", func(m *messagingv1.CustomMenu) {
			m.Buttons[1].SubButtons[0].Url = "https://a.example/" + strings.Repeat("p", 1025-18)
		}, "menu.buttons[1].sub_buttons[0].url is 1025 bytes"},
		{"relative url", func(m *messagingv1.CustomMenu) { m.Buttons[1].SubButtons[0].Url = "a.example/x" }, "menu.buttons[1].sub_buttons[0].url must be an absolute http or https URL"},
		{"missing media_id", func(m *messagingv1.CustomMenu) { m.Buttons[1].SubButtons[1].MediaId = "" }, "menu.buttons[1].sub_buttons[1].media_id is required"},
		{"missing article_id", func(m *messagingv1.CustomMenu) { m.Buttons[1].SubButtons[2].ArticleId = "" }, "menu.buttons[1].sub_buttons[2].article_id is required"},
		{"miniprogram without appid", func(m *messagingv1.CustomMenu) { m.Buttons[1].SubButtons[3].Appid = "" }, "menu.buttons[1].sub_buttons[3].appid is required"},
		{"miniprogram without pagepath", func(m *messagingv1.CustomMenu) { m.Buttons[1].SubButtons[3].Pagepath = "" }, "menu.buttons[1].sub_buttons[3].pagepath is required"},
		{"miniprogram without url", func(m *messagingv1.CustomMenu) { m.Buttons[1].SubButtons[3].Url = "" }, "menu.buttons[1].sub_buttons[3].url is required"},
		{"nil rule", rule(nil), "menu.conditional_menus[0].match_rule is required"},
		{"empty rule", rule(&messagingv1.MenuMatchRule{}), "menu.conditional_menus[0].match_rule must set at least one"},
		{"negative tag", rule(&messagingv1.MenuMatchRule{TagId: &tag}), "menu.conditional_menus[0].match_rule.tag_id must not be negative"},
		{"bad sex", rule(&messagingv1.MenuMatchRule{Sex: 7}), "menu.conditional_menus[0].match_rule.sex 7 is not a MenuSex"},
		{"bad platform", rule(&messagingv1.MenuMatchRule{ClientPlatform: 9}), "menu.conditional_menus[0].match_rule.client_platform 9"},
		{"province without country", rule(&messagingv1.MenuMatchRule{Province: "广东"}), "menu.conditional_menus[0].match_rule.country is required with province"},
		{"city without province", rule(&messagingv1.MenuMatchRule{Country: "中国", City: "广州"}), "menu.conditional_menus[0].match_rule.province is required with city"},
		{"unknown language", rule(&messagingv1.MenuMatchRule{Language: "klingon"}), "menu.conditional_menus[0].match_rule.language \"klingon\""},
		{"conditional menu without buttons", func(m *messagingv1.CustomMenu) {
			m.ConditionalMenus = []*messagingv1.ConditionalMenu{{MatchRule: &messagingv1.MenuMatchRule{Language: "en"}}}
		}, "menu.conditional_menus[0].buttons must hold 1 to 3"},
		{"four conditional domains", func(m *messagingv1.CustomMenu) {
			r := &messagingv1.MenuMatchRule{Language: "en"}
			m.ConditionalMenus = []*messagingv1.ConditionalMenu{
				{Buttons: []*messagingv1.MenuButton{vView("https://a.example/"), vView("https://b.example/")}, MatchRule: r},
				{Buttons: []*messagingv1.MenuButton{vView("https://c.example/"), {Name: "p", SubButtons: []*messagingv1.MenuButton{vView("https://d.example/")}}}, MatchRule: r},
			}
		}, "menu.conditional_menus[1].buttons[1].sub_buttons[0].url links to a 4th domain (d.example)"},
		{"nil menu", func(m *messagingv1.CustomMenu) { *m = messagingv1.CustomMenu{} }, "menu.buttons must hold 1 to 3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m := vMenu()
			tt.give(m)
			err := validateCustomMenu(m)
			var arg *ArgumentError
			if !errors.As(err, &arg) {
				t.Fatalf("validateCustomMenu = %v, want an *ArgumentError", err)
			}
			if !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("error = %q, want it to start with %q", err, tt.want)
			}
		})
	}
}

func TestMenuWireMapping(t *testing.T) {
	t.Parallel()
	tag := int64(100)
	r := &messagingv1.MenuMatchRule{TagId: &tag, Sex: messagingv1.MenuSex_MENU_SEX_FEMALE, ClientPlatform: messagingv1.MenuClientPlatform_MENU_CLIENT_PLATFORM_OTHERS, Language: "en"}
	w := toWxMatchRule(r)
	if w.TagID != "100" || w.Sex != "2" || w.ClientPlatformType != "3" || w.Language != "en" {
		t.Errorf("toWxMatchRule = %+v", w)
	}
	back := fromWxMatchRule(w)
	if back.GetTagId() != 100 || back.GetSex() != r.GetSex() || back.GetClientPlatform() != r.GetClientPlatform() {
		t.Errorf("fromWxMatchRule = %v", back)
	}
	// Older answers name the tag group_id and use numbers.
	if got := fromWxMatchRule(wxMatchRule{GroupID: "7"}); got.GetTagId() != 7 || got.TagId == nil {
		t.Errorf("group_id = %v", got)
	}
	if got := fromWxMatchRule(wxMatchRule{}); got.TagId != nil {
		t.Errorf("no tag = %v", got)
	}
	wb := toWxButtons(vMenu().GetButtons())
	if wb[1].Type != "" || len(wb[1].SubButton) != 4 || wb[1].SubButton[3].Type != "miniprogram" || wb[0].Type != "click" {
		t.Errorf("toWxButtons = %+v", wb)
	}
}
