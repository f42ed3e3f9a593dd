package wechat_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"

	"github.com/wxsuite/wxsuite/internal/wechat"
)

// staticTokens hands out one fixed token; real services use the token service.
type staticTokens string

func (s staticTokens) AccessToken(context.Context, string) (string, error) { return string(s), nil }

func (s staticTokens) RefreshAccessToken(context.Context, string, string) (string, error) {
	return string(s), nil
}

func ExampleClient_Do() {
	// A stand-in for api.weixin.qq.com (use the wxsandbox in development).
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("access_token") != "ACCESS_TOKEN" {
			_, _ = io.WriteString(w, `{"errcode":40001,"errmsg":"invalid credential"}`)
			return
		}
		_, _ = io.WriteString(w, `{"total":2,"count":2,"data":{"openid":["OPENID1","OPENID2"]},"next_openid":"OPENID2"}`)
	}))
	defer srv.Close()

	client, err := wechat.New(wechat.Config{BaseURL: srv.URL}, wechat.WithTokenSource(staticTokens("ACCESS_TOKEN")))
	if err != nil {
		fmt.Println(err)
		return
	}
	var users struct {
		Total int `json:"total"`
		Data  struct {
			OpenID []string `json:"openid"`
		} `json:"data"`
	}
	err = client.Do(context.Background(), &wechat.Request{AppID: "wx1234567890", Path: "/cgi-bin/user/get"}, &users)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(users.Total, users.Data.OpenID)
	// Output: 2 [OPENID1 OPENID2]
}
