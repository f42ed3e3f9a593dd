package sandbox

// This file simulates users following and unfollowing an account: the state change and
// the subscribe / unsubscribe push.

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// ErrFollowState is wrapped by the errors of Subscribe for a follower and of Unsubscribe
// for a user who does not follow.
var ErrFollowState = errors.New("user is already in that follow state")

// FollowResult is what a simulated subscribe or unsubscribe did.
type FollowResult struct {
	// OpenID is the user (generated for a new user).
	OpenID string
	// Pushed reports whether the event was pushed: false when the account has no
	// callback URL (the state changes anyway).
	Pushed bool
	// Push is what happened to the push when Pushed.
	Push PushResult
}

// Subscribe makes the user openID follow the account appID with subscribe_scene scene
// ("" means ADD_SCENE_OTHERS) and pushes the subscribe event (no EventKey) when the
// account has a callback URL. An unknown or empty openID makes a new user (a generated
// openid for ""); a user who unfollowed follows again and moves to the end of the
// follower list, keeping tags and remark. The error wraps [ErrFollowState] for a
// follower or [ErrUnknownAccount], or is an [*ArgumentError] for a malformed openid or
// an unknown scene.
func (s *Sandbox) Subscribe(ctx context.Context, appID, openID, scene string) (FollowResult, error) {
	if scene == "" {
		scene = sceneOthers
	}
	if !slices.Contains(SubscribeScenes, scene) {
		return FollowResult{}, &ArgumentError{Field: "subscribe_scene", Reason: "must be one of " + strings.Join(SubscribeScenes, ", ")}
	}
	if openID != "" {
		if err := (User{OpenID: openID}).validate(""); err != nil {
			return FollowResult{}, err
		}
	}
	now := s.Now()
	s.mu.Lock()
	a, ok := s.accounts[appID]
	if !ok {
		s.mu.Unlock()
		return FollowResult{}, unknownAccount(appID)
	}
	if openID == "" {
		openID = s.newOpenID(a)
	}
	old := a.users[openID]
	if isFollower(old) {
		s.mu.Unlock()
		return FollowResult{}, fmt.Errorf("app_id %q openid %q follows already: %w", appID, openID, ErrFollowState)
	}
	u := &User{OpenID: openID, Language: "zh_CN"}
	if old != nil {
		c := old.clone()
		u = &c
	}
	u.Unsubscribed, u.SubscribeTime, u.SubscribeScene, u.QRScene, u.QRSceneStr = false, now.Unix(), scene, 0, ""
	a.audience.noteUser(old, u)
	a.users[openID] = u
	callback := a.CallbackURL != ""
	s.mu.Unlock()
	res := FollowResult{OpenID: openID}
	var err error
	res.Pushed, res.Push, err = s.pushIfCallback(ctx, callback, appID, openID, Event{Event: "subscribe"})
	return res, err
}

// Unsubscribe makes the follower openID unfollow the account appID and pushes the
// unsubscribe event when the account has a callback URL. The user stays known: user/info
// answers subscribe 0. The error wraps [ErrUnknownAccount], [ErrUnknownUser] or
// [ErrFollowState] (not following).
func (s *Sandbox) Unsubscribe(ctx context.Context, appID, openID string) (FollowResult, error) {
	s.mu.Lock()
	u, err := s.lookupUser(appID, openID)
	if err != nil {
		s.mu.Unlock()
		return FollowResult{}, err
	}
	if !isFollower(u) {
		s.mu.Unlock()
		return FollowResult{}, fmt.Errorf("app_id %q openid %q does not follow: %w", appID, openID, ErrFollowState)
	}
	a := s.accounts[appID]
	c := u.clone()
	c.Unsubscribed = true
	a.analytics.noteUnfollow(u, s.Now())
	a.audience.noteUser(u, &c)
	a.users[openID] = &c
	callback := a.CallbackURL != ""
	s.mu.Unlock()
	res := FollowResult{OpenID: openID}
	res.Pushed, res.Push, err = s.pushIfCallback(ctx, callback, appID, openID, Event{Event: "unsubscribe"})
	return res, err
}
