package wxcrypto_test

import (
	"fmt"

	"github.com/wxsuite/wxsuite/internal/wxcrypto"
)

func ExampleJSSDKSignature() {
	// The page URL as location.href has it, without the #fragment.
	sig := wxcrypto.JSSDKSignature(
		"sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg",
		"Wm3WZYTPz0wzccnW", 1414587457, "http://mp.weixin.qq.com?params=value")
	fmt.Println(sig)
	// Output: 0f9de62fce790f9a083d5c99e95740ceb90c27ed
}

func ExampleCardSignature() {
	// cardExt of wx.addCard: api_ticket, timestamp, card_id, code, openid (empty here)
	// and nonce_str.
	sig := wxcrypto.CardSignature("ojZ8YtyVyr30HheH3CM73y7h4jJE", "1404896688", "pjZ8Yt1XGILfi-FUsewpnnolGgZk", "1434008071", "", "123")
	fmt.Println(sig)
	// Output: f137ab68b7f8112d20ee528ab6074564e2796250
}
