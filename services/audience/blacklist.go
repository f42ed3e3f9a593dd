package audience

import (
	"context"
	"fmt"
	"net/http"

	"github.com/wxsuite/wxsuite/internal/wechat"
)

// WeChat paths of the blacklist endpoints.
const (
	pathGetBlacklist     = "/cgi-bin/tags/members/getblacklist"
	pathBatchBlacklist   = "/cgi-bin/tags/members/batchblacklist"
	pathBatchUnblacklist = "/cgi-bin/tags/members/batchunblacklist"
)

// blacklistSize is the platform's limit of openids per batchblacklist / batchunblacklist.
const blacklistSize = 20

// ListBlacklist returns the page of blocked users after beginOpenID (getblacklist);
// like ListFollowers, the call after the last page returns no openids and NextOpenID "".
// (The platform's page size differs across its docs: 1,000 or 10,000.)
func (s *Service) ListBlacklist(ctx context.Context, appID, beginOpenID string) (*FollowerPage, error) {
	if err := s.checkAccount(appID); err != nil {
		return nil, err
	}
	if err := checkCursor("begin_openid", beginOpenID); err != nil {
		return nil, err
	}
	var raw rawAnswer
	if err := s.wc.Do(ctx, &wechat.Request{AppID: appID, Method: http.MethodPost, Path: pathGetBlacklist, Idempotent: true,
		Body: map[string]string{"begin_openid": beginOpenID}}, &raw); err != nil {
		return nil, err
	}
	res, err := parsePage(raw)
	if err != nil {
		return nil, fmt.Errorf("getblacklist for %s: decode answer: %w", appID, err)
	}
	p := &FollowerPage{Total: res.Total, OpenIDs: res.Data.OpenID, NextOpenID: res.NextOpenID}
	if len(p.OpenIDs) == 0 {
		p.NextOpenID = ""
	}
	return p, nil
}

// BlockUsers blacklists (block true) or unblocks openIDs in calls of 20 and returns the
// number of calls.
func (s *Service) BlockUsers(ctx context.Context, appID string, openIDs []string, block bool) (int, error) {
	if err := s.checkAccount(appID); err != nil {
		return 0, err
	}
	if err := checkOpenIDs("openids", openIDs); err != nil {
		return 0, err
	}
	op, path := "block users", pathBatchBlacklist
	if !block {
		op, path = "unblock users", pathBatchUnblacklist
	}
	return inBatches(ctx, op, openIDs, blacklistSize, func(ctx context.Context, batch []string) error {
		return s.wc.Do(ctx, &wechat.Request{AppID: appID, Method: http.MethodPost, Path: path, Idempotent: true,
			Body: map[string]any{"openid_list": batch}}, nil)
	})
}
