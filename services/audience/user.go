package audience

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"unicode/utf8"

	"github.com/wxsuite/wxsuite/internal/wechat"
)

// WeChat paths of the user endpoints.
const (
	pathUserGet      = "/cgi-bin/user/get"
	pathUserInfo     = "/cgi-bin/user/info"
	pathUserBatchGet = "/cgi-bin/user/info/batchget"
	pathUpdateRemark = "/cgi-bin/user/info/updateremark"
)

// Platform limits of the user endpoints.
const (
	batchGetSize = 100 // users per user/info/batchget
	maxRemarkLen = 30  // a remark has fewer characters
)

// UserInfo is a user's profile as user/info returns it (nickname and avatar are no
// longer returned by the platform).
type UserInfo struct {
	// Subscribe is 1 for a follower, 0 otherwise (then only OpenID and UnionID are set).
	Subscribe int `json:"subscribe"`
	// OpenID is the user's openid for the account.
	OpenID string `json:"openid"`
	// Language is the user's language, e.g. "zh_CN".
	Language string `json:"language"`
	// SubscribeTime is the Unix time of the latest subscription.
	SubscribeTime int64 `json:"subscribe_time"`
	// UnionID is set when the account is bound to an open-platform account.
	UnionID string `json:"unionid"`
	// Remark is the account's remark on the user.
	Remark string `json:"remark"`
	// TagIDs are the ids of the tags the user carries.
	TagIDs []int `json:"tagid_list"`
	// SubscribeScene is how the user followed, e.g. "ADD_SCENE_QR_CODE".
	SubscribeScene string `json:"subscribe_scene"`
	// QRScene is the integer scene of the QR code the user followed through.
	QRScene int64 `json:"qr_scene"`
	// QRSceneStr is the string scene of the QR code the user followed through.
	QRSceneStr string `json:"qr_scene_str"`
}

// validLangs are the lang values of user/info ("" leaves it out: the platform's default).
var validLangs = map[string]bool{"": true, "zh_CN": true, "zh_TW": true, "en": true}

// GetUser returns one user's profile (user/info).
func (s *Service) GetUser(ctx context.Context, appID, openID, lang string) (*UserInfo, error) {
	if err := s.checkAccount(appID); err != nil {
		return nil, err
	}
	if err := checkOpenID("openid", openID); err != nil {
		return nil, err
	}
	if !validLangs[lang] {
		return nil, &ArgumentError{Field: "lang", Reason: "must be zh_CN, zh_TW or en"}
	}
	q := url.Values{"openid": {openID}}
	if lang != "" {
		q.Set("lang", lang)
	}
	var out UserInfo
	if err := s.wc.Do(ctx, &wechat.Request{AppID: appID, Path: pathUserInfo, Query: q}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// BatchGetUsers returns the profiles of openIDs in order (user/info/batchget), in calls
// of 100. It also returns the number of calls made.
func (s *Service) BatchGetUsers(ctx context.Context, appID string, openIDs []string, lang string) ([]UserInfo, int, error) {
	if err := s.checkAccount(appID); err != nil {
		return nil, 0, err
	}
	if err := checkOpenIDs("openids", openIDs); err != nil {
		return nil, 0, err
	}
	if !validLangs[lang] {
		return nil, 0, &ArgumentError{Field: "lang", Reason: "must be zh_CN, zh_TW or en"}
	}
	type item struct {
		OpenID string `json:"openid"`
		Lang   string `json:"lang,omitempty"`
	}
	out := make([]UserInfo, 0, len(openIDs))
	calls, err := inBatches(ctx, "get users", openIDs, batchGetSize, func(ctx context.Context, batch []string) error {
		list := make([]item, len(batch))
		for i, id := range batch {
			list[i] = item{OpenID: id, Lang: lang}
		}
		var res struct {
			UserInfoList []UserInfo `json:"user_info_list"`
		}
		err := s.wc.Do(ctx, &wechat.Request{AppID: appID, Method: http.MethodPost, Path: pathUserBatchGet, Idempotent: true,
			Body: map[string]any{"user_list": list}}, &res)
		if err != nil {
			return err
		}
		if len(res.UserInfoList) != len(batch) {
			return fmt.Errorf("user/info/batchget for %s: %d profiles for %d openids", appID, len(res.UserInfoList), len(batch))
		}
		out = append(out, res.UserInfoList...)
		return nil
	})
	if err != nil {
		return nil, calls, err
	}
	return out, calls, nil
}

// FollowerPage is one user/get page.
type FollowerPage struct {
	// Total is the account's follower count.
	Total int64
	// OpenIDs are up to 10,000 openids.
	OpenIDs []string
	// NextOpenID is the cursor of the next page; "" when this page is the last.
	NextOpenID string
}

// ListFollowers returns the page of followers after nextOpenID (user/get). Like the
// platform, a page's NextOpenID is its last openid, the last page's included; the call
// after the last page returns no openids and NextOpenID "". (A page shorter than 10,000
// is not taken as the end: the platform does not promise full pages.)
func (s *Service) ListFollowers(ctx context.Context, appID, nextOpenID string) (*FollowerPage, error) {
	if err := s.checkAccount(appID); err != nil {
		return nil, err
	}
	if err := checkCursor("next_openid", nextOpenID); err != nil {
		return nil, err
	}
	return s.followerPage(ctx, appID, nextOpenID)
}

// followerPage fetches one user/get page.
func (s *Service) followerPage(ctx context.Context, appID, next string) (*FollowerPage, error) {
	q := url.Values{}
	if next != "" {
		q.Set("next_openid", next)
	}
	var raw rawAnswer
	if err := s.wc.Do(ctx, &wechat.Request{AppID: appID, Path: pathUserGet, Query: q}, &raw); err != nil {
		return nil, err
	}
	res, err := parsePage(raw)
	if err != nil {
		return nil, fmt.Errorf("user/get for %s: decode answer: %w", appID, err)
	}
	p := &FollowerPage{Total: res.Total, OpenIDs: res.Data.OpenID, NextOpenID: res.NextOpenID}
	if len(p.OpenIDs) == 0 {
		p.NextOpenID = ""
	}
	return p, nil
}

// StreamFollowers calls send with every user/get page after startOpenID, in order,
// fetching the next page while send runs (at most two pages are held). It stops at the
// first page without openids or without next_openid (the platform's end), at a send
// error, or when ctx ends.
func (s *Service) StreamFollowers(ctx context.Context, appID, startOpenID string, send func(*FollowerPage) error) error {
	if err := s.checkAccount(appID); err != nil {
		return err
	}
	if err := checkCursor("start_openid", startOpenID); err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type result struct {
		page *FollowerPage
		err  error
	}
	pages := make(chan result, 1) // one page fetched ahead of the one being sent
	go func() {
		defer close(pages)
		next := startOpenID
		for {
			p, err := s.followerPage(ctx, appID, next)
			select {
			case pages <- result{p, err}:
			case <-ctx.Done():
				return
			}
			if err != nil || len(p.OpenIDs) == 0 || p.NextOpenID == "" {
				return
			}
			next = p.NextOpenID
		}
	}()
	for r := range pages {
		if r.err != nil {
			return r.err
		}
		if len(r.page.OpenIDs) == 0 {
			return nil
		}
		if err := send(r.page); err != nil {
			return err
		}
	}
	return ctx.Err()
}

// UpdateRemark sets the account's remark on a user (user/info/updateremark).
func (s *Service) UpdateRemark(ctx context.Context, appID, openID, remark string) error {
	if err := s.checkAccount(appID); err != nil {
		return err
	}
	if err := checkOpenID("openid", openID); err != nil {
		return err
	}
	if n := utf8.RuneCountInString(remark); n >= maxRemarkLen {
		return &ArgumentError{Field: "remark", Reason: fmt.Sprintf("must be shorter than %d characters, got %d", maxRemarkLen, n)}
	}
	if !utf8.ValidString(remark) {
		return &ArgumentError{Field: "remark", Reason: "must be UTF-8"}
	}
	return s.wc.Do(ctx, &wechat.Request{AppID: appID, Method: http.MethodPost, Path: pathUpdateRemark, Idempotent: true,
		Body: map[string]string{"openid": openID, "remark": remark}}, nil)
}
