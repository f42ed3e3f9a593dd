package sandbox

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
)

// ErrNotInMenu is wrapped by the errors of [Sandbox.ClickMenu] and [Sandbox.ViewMenu]
// when the button is not in the menu the user sees (or the account has no menu): a
// real user cannot tap it.
var ErrNotInMenu = errors.New("not in the menu the user sees")

// MenuOptions are an account's menu behaviours the platform does not pin down.
type MenuOptions struct {
	// AllowPrivacyRules accepts conditional menus whose rule uses sex, region or
	// language. Default false: addconditional answers 65320 as the current platform does,
	// and stored rules using them match nobody.
	AllowPrivacyRules bool
	// KeepConditionalOnCreate keeps the conditional menus when menu/create replaces the
	// default menu. Default false: they are deleted (behaviour.md Q4).
	KeepConditionalOnCreate bool
}

// SetMenuOptions sets the menu behaviours of the account appID; the error wraps
// [ErrUnknownAccount] for an unknown account.
func (s *Sandbox) SetMenuOptions(appID string, o MenuOptions) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.accounts[appID]
	if !ok {
		return unknownAccount(appID)
	}
	a.menus.allowPrivacy, a.menus.keepConditional = o.AllowPrivacyRules, o.KeepConditionalOnCreate
	return nil
}

// SetConsoleMenu sets the menu made in the WeChat console of the account appID: the
// selfmenu_info object get_current_selfmenu_info answers (with isMenuOpen) while no menu
// was created through the API. Empty selfMenuInfo removes it. JSON that is not an object
// gives an [*ArgumentError].
func (s *Sandbox) SetConsoleMenu(appID string, selfMenuInfo []byte, isMenuOpen bool) error {
	selfMenuInfo = bytes.TrimSpace(selfMenuInfo)
	if len(selfMenuInfo) > 0 && (selfMenuInfo[0] != '{' || !json.Valid(selfMenuInfo)) {
		return &ArgumentError{Field: "selfmenu_info_json", Reason: "must be a JSON object"}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.accounts[appID]
	if !ok {
		return unknownAccount(appID)
	}
	a.menus.console, a.menus.consoleOpen = nil, isMenuOpen
	if len(selfMenuInfo) > 0 {
		a.menus.console = json.RawMessage(bytes.Clone(selfMenuInfo))
	}
	return nil
}

// findMenuButton returns the first leaf of buttons accepted by match.
func findMenuButton(buttons []menuButton, match func(menuButton) bool) (menuButton, bool) {
	for _, b := range buttons {
		if len(b.SubButton) > 0 {
			if found, ok := findMenuButton(b.SubButton, match); ok {
				return found, true
			}
			continue
		}
		if match(b) {
			return b, true
		}
	}
	return menuButton{}, false
}

// visibleButton finds a button of the menu the simulated user openID of appID sees.
func (s *Sandbox) visibleButton(appID, openID string, match func(menuButton) bool) (menuButton, int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, err := s.lookupUser(appID, openID)
	if err != nil {
		return menuButton{}, 0, err
	}
	buttons, menuID, ok := s.accounts[appID].menuFor(u)
	if !ok {
		return menuButton{}, 0, fmt.Errorf("app_id %q has no menu: %w", appID, ErrNotInMenu)
	}
	b, ok := findMenuButton(buttons, match)
	if !ok {
		return menuButton{}, 0, ErrNotInMenu
	}
	return b, menuID, nil
}

// ClickMenu makes the simulated user openID tap the button with key in the menu they
// see (the newest conditional menu whose rule matches their tags, sex, region, platform
// and language, else the default menu) and pushes the button's event to the account's
// callback URL: CLICK for click buttons; scancode_push and scancode_waitmsg with
// ScanCodeInfo (scanResult, default "sandbox"); pic_* with one picture in SendPicsInfo;
// location_select with SendLocationInfo. A key not in that menu gives an error wrapping
// [ErrNotInMenu]; the other errors are those of [Sandbox.PushMessage].
func (s *Sandbox) ClickMenu(ctx context.Context, appID, openID, key, scanResult string) (PushResult, error) {
	if key == "" {
		return PushResult{}, &ArgumentError{Field: "key", Reason: "is required"}
	}
	b, _, err := s.visibleButton(appID, openID, func(b menuButton) bool { return menuKeyTypes[b.Type] && b.Key == key })
	if err != nil {
		return PushResult{}, fmt.Errorf("key %q: %w", key, err)
	}
	if scanResult == "" {
		scanResult = "sandbox"
	}
	ev := Event{Event: b.Type, EventKey: b.Key}
	switch b.Type {
	case "click":
		ev.Event = "CLICK"
	case "scancode_push", "scancode_waitmsg":
		ev.ExtraXML = "<ScanCodeInfo><ScanType><![CDATA[qrcode]]></ScanType><ScanResult><![CDATA[" + cdataText(scanResult) + "]]></ScanResult></ScanCodeInfo>"
	case "pic_sysphoto", "pic_photo_or_album", "pic_weixin":
		s.mu.Lock()
		md5 := s.randFrom("0123456789abcdef", 32)
		s.mu.Unlock()
		ev.ExtraXML = "<SendPicsInfo><Count>1</Count><PicList><item><PicMd5Sum><![CDATA[" + md5 + "]]></PicMd5Sum></item></PicList></SendPicsInfo>"
	case "location_select":
		ev.ExtraXML = "<SendLocationInfo><Location_X><![CDATA[23]]></Location_X><Location_Y><![CDATA[113]]></Location_Y><Scale><![CDATA[15]]></Scale><Label><![CDATA[广州市海珠区]]></Label><Poiname><![CDATA[]]></Poiname></SendLocationInfo>"
	}
	return s.PushEvent(ctx, appID, openID, ev)
}

// cdataText makes v safe inside one CDATA section.
func cdataText(v string) string {
	out := []byte{}
	for i := 0; i < len(v); i++ {
		if i+2 < len(v) && v[i:i+3] == "]]>" {
			out = append(out, "]]]]><![CDATA[>"...)
			i += 2
			continue
		}
		out = append(out, v[i])
	}
	return string(out)
}

// ViewMenu makes the simulated user openID open a view button's url, or a miniprogram
// button's pagepath (set one of them), in the menu they see and pushes VIEW (EventKey
// the url) or view_miniprogram (EventKey the pagepath), each with the menu's MenuId. A
// url or pagepath not in that menu gives an error wrapping [ErrNotInMenu]; the other
// errors are those of [Sandbox.PushMessage].
func (s *Sandbox) ViewMenu(ctx context.Context, appID, openID, url, pagePath string) (PushResult, error) {
	var match func(menuButton) bool
	var field, value string
	switch {
	case url != "" && pagePath != "":
		return PushResult{}, &ArgumentError{Field: "pagepath", Reason: "must be empty when url is set"}
	case url != "":
		field, value = "url", url
		match = func(b menuButton) bool { return b.Type == "view" && b.URL == url }
	case pagePath != "":
		field, value = "pagepath", pagePath
		match = func(b menuButton) bool { return b.Type == "miniprogram" && b.PagePath == pagePath }
	default:
		return PushResult{}, &ArgumentError{Field: "url", Reason: "or pagepath is required"}
	}
	b, menuID, err := s.visibleButton(appID, openID, match)
	if err != nil {
		return PushResult{}, fmt.Errorf("%s %q: %w", field, value, err)
	}
	ev := Event{Event: "VIEW", EventKey: b.URL, Fields: map[string]string{"MenuId": strconv.FormatInt(menuID, 10)}}
	if b.Type == "miniprogram" {
		ev.Event, ev.EventKey = "view_miniprogram", b.PagePath
	}
	return s.PushEvent(ctx, appID, openID, ev)
}
