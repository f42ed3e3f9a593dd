package audience

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/wxsuite/wxsuite/internal/wechat"
)

// WeChat paths of the tag endpoints.
const (
	pathTagCreate      = "/cgi-bin/tags/create"
	pathTagGet         = "/cgi-bin/tags/get"
	pathTagUpdate      = "/cgi-bin/tags/update"
	pathTagDelete      = "/cgi-bin/tags/delete"
	pathTagMembers     = "/cgi-bin/user/tag/get"
	pathBatchTagging   = "/cgi-bin/tags/members/batchtagging"
	pathBatchUntagging = "/cgi-bin/tags/members/batchuntagging"
	pathTagIDList      = "/cgi-bin/tags/getidlist"
)

// Platform limits of tags.
const (
	maxTagNameLen = 30 // characters of a tag name
	taggingSize   = 50 // openids per batchtagging / batchuntagging
	maxSysTagID   = 2  // tags 0, 1 and 2 are the platform's and cannot be changed
)

// Tag is one of the account's tags.
type Tag struct {
	// ID is the tag id (0, 1 and 2 are the platform's).
	ID int `json:"id"`
	// Name is the tag's name.
	Name string `json:"name"`
	// Count is how many followers carry it (tags/get only).
	Count int64 `json:"count"`
}

// checkTagName refuses an empty, blank or over-long name.
func checkTagName(name string) error {
	switch n := utf8.RuneCountInString(name); {
	case strings.TrimSpace(name) == "":
		return &ArgumentError{Field: "name", Reason: "is required"}
	case !utf8.ValidString(name):
		return &ArgumentError{Field: "name", Reason: "must be UTF-8"}
	case n > maxTagNameLen:
		return &ArgumentError{Field: "name", Reason: fmt.Sprintf("must be at most %d characters, got %d", maxTagNameLen, n)}
	}
	return nil
}

// checkTagID refuses a negative id, and a system tag (0, 1, 2) when mutable is asked.
func checkTagID(id int, mutable bool) error {
	switch {
	case id < 0:
		return &ArgumentError{Field: "tag_id", Reason: "must not be negative"}
	case mutable && id <= maxSysTagID:
		return &ArgumentError{Field: "tag_id", Reason: fmt.Sprintf("tag %d is a system tag (0, 1 and 2 cannot be changed)", id)}
	}
	return nil
}

// CreateTag creates a tag (tags/create).
func (s *Service) CreateTag(ctx context.Context, appID, name string) (*Tag, error) {
	if err := s.checkAccount(appID); err != nil {
		return nil, err
	}
	if err := checkTagName(name); err != nil {
		return nil, err
	}
	var res struct {
		Tag Tag `json:"tag"`
	}
	// Not idempotent: a resent create after a lost answer fails with 45157 (name taken).
	if err := s.wc.Do(ctx, &wechat.Request{AppID: appID, Method: http.MethodPost, Path: pathTagCreate,
		Body: map[string]any{"tag": map[string]string{"name": name}}}, &res); err != nil {
		return nil, err
	}
	return &res.Tag, nil
}

// ListTags lists the account's tags (tags/get).
func (s *Service) ListTags(ctx context.Context, appID string) ([]Tag, error) {
	if err := s.checkAccount(appID); err != nil {
		return nil, err
	}
	var res struct {
		Tags []Tag `json:"tags"`
	}
	if err := s.wc.Do(ctx, &wechat.Request{AppID: appID, Path: pathTagGet}, &res); err != nil {
		return nil, err
	}
	return res.Tags, nil
}

// UpdateTag renames a tag (tags/update).
func (s *Service) UpdateTag(ctx context.Context, appID string, id int, name string) error {
	if err := s.checkAccount(appID); err != nil {
		return err
	}
	if err := checkTagID(id, true); err != nil {
		return err
	}
	if err := checkTagName(name); err != nil {
		return err
	}
	return s.wc.Do(ctx, &wechat.Request{AppID: appID, Method: http.MethodPost, Path: pathTagUpdate, Idempotent: true,
		Body: map[string]any{"tag": map[string]any{"id": id, "name": name}}}, nil)
}

// DeleteTag deletes a tag (tags/delete).
func (s *Service) DeleteTag(ctx context.Context, appID string, id int) error {
	if err := s.checkAccount(appID); err != nil {
		return err
	}
	if err := checkTagID(id, true); err != nil {
		return err
	}
	return s.wc.Do(ctx, &wechat.Request{AppID: appID, Method: http.MethodPost, Path: pathTagDelete,
		Body: map[string]any{"tag": map[string]any{"id": id}}}, nil)
}

// ListTagMembers returns the page of a tag's followers after nextOpenID (user/tag/get);
// like ListFollowers, the call after the last page returns no openids and NextOpenID "".
func (s *Service) ListTagMembers(ctx context.Context, appID string, id int, nextOpenID string) (*FollowerPage, error) {
	if err := s.checkAccount(appID); err != nil {
		return nil, err
	}
	if err := checkTagID(id, false); err != nil {
		return nil, err
	}
	if err := checkCursor("next_openid", nextOpenID); err != nil {
		return nil, err
	}
	var raw rawAnswer
	if err := s.wc.Do(ctx, &wechat.Request{AppID: appID, Method: http.MethodPost, Path: pathTagMembers, Idempotent: true,
		Body: map[string]any{"tagid": id, "next_openid": nextOpenID}}, &raw); err != nil {
		return nil, err
	}
	res, err := parsePage(raw)
	if err != nil {
		return nil, fmt.Errorf("user/tag/get for %s: decode answer: %w", appID, err)
	}
	p := &FollowerPage{OpenIDs: res.Data.OpenID, NextOpenID: res.NextOpenID}
	if len(p.OpenIDs) == 0 {
		p.NextOpenID = ""
	}
	return p, nil
}

// TagUsers puts (tag true) or takes off a tag on openIDs in calls of 50
// (batchtagging / batchuntagging) and returns the number of calls.
func (s *Service) TagUsers(ctx context.Context, appID string, id int, openIDs []string, tag bool) (int, error) {
	if err := s.checkAccount(appID); err != nil {
		return 0, err
	}
	if err := checkTagID(id, false); err != nil {
		return 0, err
	}
	if err := checkOpenIDs("openids", openIDs); err != nil {
		return 0, err
	}
	op, path := "tag users", pathBatchTagging
	if !tag {
		op, path = "untag users", pathBatchUntagging
	}
	return inBatches(ctx, op, openIDs, taggingSize, func(ctx context.Context, batch []string) error {
		// Tagging a tagged user is not an error: a resent call is harmless.
		return s.wc.Do(ctx, &wechat.Request{AppID: appID, Method: http.MethodPost, Path: path, Idempotent: true,
			Body: map[string]any{"openid_list": batch, "tagid": id}}, nil)
	})
}

// GetUserTags returns the ids of the tags a user carries (tags/getidlist).
func (s *Service) GetUserTags(ctx context.Context, appID, openID string) ([]int, error) {
	if err := s.checkAccount(appID); err != nil {
		return nil, err
	}
	if err := checkOpenID("openid", openID); err != nil {
		return nil, err
	}
	var res struct {
		TagIDs []int `json:"tagid_list"`
	}
	if err := s.wc.Do(ctx, &wechat.Request{AppID: appID, Method: http.MethodPost, Path: pathTagIDList, Idempotent: true,
		Body: map[string]string{"openid": openID}}, &res); err != nil {
		return nil, err
	}
	return res.TagIDs, nil
}
