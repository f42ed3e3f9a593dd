package messaging

import (
	"encoding/json"
	"testing"
)

// FuzzManageAnswers feeds arbitrary WeChat answers to the decoders and mappers of the
// menu, customer-service and auto-reply reads: they must not panic.
func FuzzManageAnswers(f *testing.F) {
	f.Add([]byte(`{"menu":{"button":[{"type":"click","name":"a","key":"k","sub_button":[]}],"menuid":1},"conditionalmenu":[{"button":[],"matchrule":{"tag_id":"2","sex":1,"client_platform_type":"x"},"menuid":"208"}]}`))
	f.Add([]byte(`{"is_menu_open":1,"selfmenu_info":{"button":[{"name":"b","sub_button":{"list":[{"type":"news","name":"n","news_info":{"list":[{"title":"t","show_cover":1}]}}]}}]}}`))
	f.Add([]byte(`{"is_add_friend_reply_open":1,"keyword_autoreply_info":{"list":[{"rule_name":"r","reply_list_info":[{"type":"news","news_info":{"list":[{}]}}]}]}}`))
	f.Add([]byte(`{"menuid":12345678901234567890}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var get wxMenuGet
		if json.Unmarshal(data, &get) == nil {
			_ = fromWxButtons(get.Menu.Button)
			for _, cm := range get.ConditionalMenu {
				_ = fromWxMatchRule(cm.MatchRule)
				_ = parseMenuID(cm.MenuID)
			}
		}
		var self struct {
			SelfMenuInfo struct {
				Button []wxSelfMenuButton `json:"button"`
			} `json:"selfmenu_info"`
		}
		if json.Unmarshal(data, &self) == nil {
			_ = fromWxSelfMenu(self.SelfMenuInfo.Button)
		}
		var ar wxAutoReplyInfo
		if json.Unmarshal(data, &ar) == nil {
			_ = ar.typed()
		}
	})
}
