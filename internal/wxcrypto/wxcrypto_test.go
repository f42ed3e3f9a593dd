package wxcrypto

import "testing"

func TestJSSDKSignature(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		ticket    string
		nonce     string
		timestamp int64
		url       string
		want      string
	}{
		{
			// Official JS-SDK documentation, appendix 1 (facts §1c).
			name:      "official vector",
			ticket:    "sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg",
			nonce:     "Wm3WZYTPz0wzccnW",
			timestamp: 1414587457,
			url:       "http://mp.weixin.qq.com?params=value",
			want:      "0f9de62fce790f9a083d5c99e95740ceb90c27ed",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := JSSDKSignature(tt.ticket, tt.nonce, tt.timestamp, tt.url); got != tt.want {
				t.Errorf("JSSDKSignature = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestCardSignature(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		give []string
		want string
	}{
		{
			// Official JS-SDK documentation, appendix 4 (facts §1d): code, timestamp,
			// card_id, api_ticket, nonce_str.
			name: "official cardExt vector",
			give: []string{"1434008071", "1404896688", "pjZ8Yt1XGILfi-FUsewpnnolGgZk", "ojZ8YtyVyr30HheH3CM73y7h4jJE", "123"},
			want: "f137ab68b7f8112d20ee528ab6074564e2796250",
		},
		{
			name: "official vector in another order",
			give: []string{"ojZ8YtyVyr30HheH3CM73y7h4jJE", "123", "pjZ8Yt1XGILfi-FUsewpnnolGgZk", "1404896688", "1434008071"},
			want: "f137ab68b7f8112d20ee528ab6074564e2796250",
		},
		{
			name: "empty values are left out",
			give: []string{"", "1434008071", "1404896688", "", "pjZ8Yt1XGILfi-FUsewpnnolGgZk", "ojZ8YtyVyr30HheH3CM73y7h4jJE", "123", ""},
			want: "f137ab68b7f8112d20ee528ab6074564e2796250",
		},
		{
			// wechatpy tests/test_utils.py::test_wechat_card_signer.
			name: "wechatpy WeChatSigner",
			give: []string{"789", "456", "123"},
			want: "f7c3bc1d808e04732adf679965ccc34ca7ae3441",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			give := append([]string(nil), tt.give...)
			if got := CardSignature(give...); got != tt.want {
				t.Errorf("CardSignature(%q) = %s, want %s", tt.give, got, tt.want)
			}
			for i := range give {
				if give[i] != tt.give[i] {
					t.Fatalf("CardSignature modified its argument: %q", give)
				}
			}
		})
	}
}
