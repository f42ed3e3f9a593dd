package messaging

// This file holds the custom-menu operations (自定义菜单) and their validation: the
// platform's limits (facts.md §6.1, behaviour.md §2.5) are checked before anything is
// sent, and errors name the field path.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	messagingv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/messaging/v1"
	"github.com/wxsuite/wxsuite/internal/platform/config"
	"github.com/wxsuite/wxsuite/internal/wechat"
)

// Menu limits of the platform (facts.md §6.1, behaviour.md §2.5).
const (
	maxMenuButtons        = 3
	maxMenuSubButtons     = 5
	maxMenuNameBytes      = 16
	maxMenuSubNameBytes   = 60
	maxMenuKeyBytes       = 128
	maxMenuURLBytes       = 1024
	maxConditionalDomains = 3
	// maxMenuIDBytes bounds media_id, article_id, appid and pagepath: not documented,
	// a generous bound that keeps requests small.
	maxMenuIDBytes = 1024
)

// menuLanguages are the client languages a match rule accepts (the platform's list).
var menuLanguages = []string{
	"zh_CN", "zh_TW", "zh_HK", "en", "id", "ms", "es", "ko", "it", "ja", "pl", "pt", "ru",
	"th", "vi", "ar", "hi", "he", "tr", "de", "fr",
}

// menuTypeNames maps button types to the platform's type strings.
var menuTypeNames = map[messagingv1.MenuButtonType]string{
	messagingv1.MenuButtonType_MENU_BUTTON_TYPE_CLICK:                "click",
	messagingv1.MenuButtonType_MENU_BUTTON_TYPE_VIEW:                 "view",
	messagingv1.MenuButtonType_MENU_BUTTON_TYPE_SCANCODE_PUSH:        "scancode_push",
	messagingv1.MenuButtonType_MENU_BUTTON_TYPE_SCANCODE_WAITMSG:     "scancode_waitmsg",
	messagingv1.MenuButtonType_MENU_BUTTON_TYPE_PIC_SYSPHOTO:         "pic_sysphoto",
	messagingv1.MenuButtonType_MENU_BUTTON_TYPE_PIC_PHOTO_OR_ALBUM:   "pic_photo_or_album",
	messagingv1.MenuButtonType_MENU_BUTTON_TYPE_PIC_WEIXIN:           "pic_weixin",
	messagingv1.MenuButtonType_MENU_BUTTON_TYPE_LOCATION_SELECT:      "location_select",
	messagingv1.MenuButtonType_MENU_BUTTON_TYPE_MEDIA_ID:             "media_id",
	messagingv1.MenuButtonType_MENU_BUTTON_TYPE_VIEW_LIMITED:         "view_limited",
	messagingv1.MenuButtonType_MENU_BUTTON_TYPE_ARTICLE_ID:           "article_id",
	messagingv1.MenuButtonType_MENU_BUTTON_TYPE_ARTICLE_VIEW_LIMITED: "article_view_limited",
	messagingv1.MenuButtonType_MENU_BUTTON_TYPE_MINIPROGRAM:          "miniprogram",
	messagingv1.MenuButtonType_MENU_BUTTON_TYPE_TEXT:                 "text",
	messagingv1.MenuButtonType_MENU_BUTTON_TYPE_IMG:                  "img",
	messagingv1.MenuButtonType_MENU_BUTTON_TYPE_VOICE:                "voice",
	messagingv1.MenuButtonType_MENU_BUTTON_TYPE_VIDEO:                "video",
	messagingv1.MenuButtonType_MENU_BUTTON_TYPE_NEWS:                 "news",
}

// menuTypesByName is menuTypeNames inverted.
var menuTypesByName = func() map[string]messagingv1.MenuButtonType {
	m := make(map[string]messagingv1.MenuButtonType, len(menuTypeNames))
	for t, n := range menuTypeNames {
		m[n] = t
	}
	return m
}()

// menuField names the fields a button type uses.
type menuField int

const (
	menuFieldKey menuField = 1 << iota
	menuFieldURL
	menuFieldMediaID
	menuFieldArticleID
	menuFieldAppID
	menuFieldPagePath
)

// menuTypeFields are the fields each creatable type requires (and the only ones it may
// carry).
var menuTypeFields = map[messagingv1.MenuButtonType]menuField{
	messagingv1.MenuButtonType_MENU_BUTTON_TYPE_CLICK:                menuFieldKey,
	messagingv1.MenuButtonType_MENU_BUTTON_TYPE_VIEW:                 menuFieldURL,
	messagingv1.MenuButtonType_MENU_BUTTON_TYPE_SCANCODE_PUSH:        menuFieldKey,
	messagingv1.MenuButtonType_MENU_BUTTON_TYPE_SCANCODE_WAITMSG:     menuFieldKey,
	messagingv1.MenuButtonType_MENU_BUTTON_TYPE_PIC_SYSPHOTO:         menuFieldKey,
	messagingv1.MenuButtonType_MENU_BUTTON_TYPE_PIC_PHOTO_OR_ALBUM:   menuFieldKey,
	messagingv1.MenuButtonType_MENU_BUTTON_TYPE_PIC_WEIXIN:           menuFieldKey,
	messagingv1.MenuButtonType_MENU_BUTTON_TYPE_LOCATION_SELECT:      menuFieldKey,
	messagingv1.MenuButtonType_MENU_BUTTON_TYPE_MEDIA_ID:             menuFieldMediaID,
	messagingv1.MenuButtonType_MENU_BUTTON_TYPE_VIEW_LIMITED:         menuFieldMediaID,
	messagingv1.MenuButtonType_MENU_BUTTON_TYPE_ARTICLE_ID:           menuFieldArticleID,
	messagingv1.MenuButtonType_MENU_BUTTON_TYPE_ARTICLE_VIEW_LIMITED: menuFieldArticleID,
	messagingv1.MenuButtonType_MENU_BUTTON_TYPE_MINIPROGRAM:          menuFieldURL | menuFieldAppID | menuFieldPagePath,
}

// Menus manages custom menus through the shared WeChat client.
type Menus struct {
	wx       *wechat.Client
	accounts config.Accounts
}

// NewMenus returns the menu operations for the configured accounts.
func NewMenus(wx *wechat.Client, accounts config.Accounts) *Menus {
	return &Menus{wx: wx, accounts: accounts}
}

func argErr(field, format string, args ...any) error {
	return &ArgumentError{Field: field, Reason: fmt.Sprintf(format, args...)}
}

// validateMenuButtons checks a menu's buttons; path is the field path of the list (e.g.
// "menu.buttons").
func validateMenuButtons(path string, buttons []*messagingv1.MenuButton) error {
	if len(buttons) == 0 || len(buttons) > maxMenuButtons {
		return argErr(path, "must hold 1 to %d buttons, has %d", maxMenuButtons, len(buttons))
	}
	for i, b := range buttons {
		p := fmt.Sprintf("%s[%d]", path, i)
		if b == nil {
			return argErr(p, "is required")
		}
		if err := checkMenuName(p+".name", b.GetName(), maxMenuNameBytes); err != nil {
			return err
		}
		if len(b.GetSubButtons()) == 0 {
			if b.GetType() == messagingv1.MenuButtonType_MENU_BUTTON_TYPE_UNSPECIFIED {
				return argErr(p+".type", "is required on a button without sub_buttons")
			}
			if err := validateMenuLeaf(p, b); err != nil {
				return err
			}
			continue
		}
		if b.GetType() != messagingv1.MenuButtonType_MENU_BUTTON_TYPE_UNSPECIFIED {
			return argErr(p+".type", "must be unset on a button with sub_buttons")
		}
		if err := checkMenuUnused(p, b, 0); err != nil {
			return err
		}
		if n := len(b.GetSubButtons()); n > maxMenuSubButtons {
			return argErr(p+".sub_buttons", "must hold at most %d buttons, has %d", maxMenuSubButtons, n)
		}
		for j, sb := range b.GetSubButtons() {
			sp := fmt.Sprintf("%s.sub_buttons[%d]", p, j)
			if sb == nil {
				return argErr(sp, "is required")
			}
			if err := checkMenuName(sp+".name", sb.GetName(), maxMenuSubNameBytes); err != nil {
				return err
			}
			if len(sb.GetSubButtons()) > 0 {
				return argErr(sp+".sub_buttons", "must be empty: only top-level buttons hold sub_buttons")
			}
			if sb.GetType() == messagingv1.MenuButtonType_MENU_BUTTON_TYPE_UNSPECIFIED {
				return argErr(sp+".type", "is required")
			}
			if err := validateMenuLeaf(sp, sb); err != nil {
				return err
			}
		}
	}
	return nil
}

func checkMenuName(field, name string, limit int) error {
	switch {
	case strings.TrimSpace(name) == "":
		return argErr(field, "is required")
	case len(name) > limit:
		return argErr(field, "is %d bytes; at most %d bytes of UTF-8 (%d Chinese characters)", len(name), limit, limit/3)
	}
	return nil
}

// validateMenuLeaf checks a button with a type: the type is creatable and exactly the
// fields it uses are set, within their limits.
func validateMenuLeaf(p string, b *messagingv1.MenuButton) error {
	t := b.GetType()
	need, ok := menuTypeFields[t]
	if !ok {
		if _, known := menuTypeNames[t]; known {
			return argErr(p+".type", "%s is a console-made type; the API cannot create it", t)
		}
		return argErr(p+".type", "%d is not a button type", int32(t))
	}
	if err := checkMenuUnused(p, b, need); err != nil {
		return err
	}
	if need&menuFieldKey != 0 {
		switch k := b.GetKey(); {
		case k == "":
			return argErr(p+".key", "is required for %s buttons", t)
		case len(k) > maxMenuKeyBytes:
			return argErr(p+".key", "is %d bytes; at most %d", len(k), maxMenuKeyBytes)
		}
	}
	if need&menuFieldURL != 0 {
		if err := checkMenuURL(p+".url", b.GetUrl()); err != nil {
			return err
		}
	}
	for _, f := range []struct {
		bit   menuField
		name  string
		value string
	}{{menuFieldMediaID, "media_id", b.GetMediaId()}, {menuFieldArticleID, "article_id", b.GetArticleId()},
		{menuFieldAppID, "appid", b.GetAppid()}, {menuFieldPagePath, "pagepath", b.GetPagepath()}} {
		if need&f.bit == 0 {
			continue
		}
		switch {
		case strings.TrimSpace(f.value) == "":
			return argErr(p+"."+f.name, "is required for %s buttons", t)
		case len(f.value) > maxMenuIDBytes:
			return argErr(p+"."+f.name, "is %d bytes; at most %d", len(f.value), maxMenuIDBytes)
		}
	}
	return nil
}

// checkMenuUnused refuses the fields of b that its type does not use (need), and the
// read-only ones.
func checkMenuUnused(p string, b *messagingv1.MenuButton, need menuField) error {
	what := "buttons with sub_buttons"
	if t := b.GetType(); t != messagingv1.MenuButtonType_MENU_BUTTON_TYPE_UNSPECIFIED {
		what = t.String() + " buttons"
	}
	for _, f := range []struct {
		bit   menuField
		name  string
		value string
	}{{menuFieldKey, "key", b.GetKey()}, {menuFieldURL, "url", b.GetUrl()}, {menuFieldMediaID, "media_id", b.GetMediaId()},
		{menuFieldArticleID, "article_id", b.GetArticleId()}, {menuFieldAppID, "appid", b.GetAppid()},
		{menuFieldPagePath, "pagepath", b.GetPagepath()}} {
		if need&f.bit == 0 && f.value != "" {
			return argErr(p+"."+f.name, "is not used by %s; leave it empty", what)
		}
	}
	if b.GetValue() != "" {
		return argErr(p+".value", "is read-only (console-made buttons)")
	}
	if len(b.GetNews()) > 0 {
		return argErr(p+".news", "is read-only (console-made buttons)")
	}
	return nil
}

// menuURLHost returns the lower-case host of an absolute http(s) URL, or "".
func menuURLHost(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" {
		return ""
	}
	return strings.ToLower(u.Hostname())
}

func checkMenuURL(field, u string) error {
	switch {
	case u == "":
		return argErr(field, "is required")
	case len(u) > maxMenuURLBytes:
		return argErr(field, "is %d bytes; at most %d", len(u), maxMenuURLBytes)
	case menuURLHost(u) == "":
		return argErr(field, "must be an absolute http or https URL")
	}
	return nil
}

// validateMatchRule checks a conditional menu's rule.
func validateMatchRule(p string, r *messagingv1.MenuMatchRule) error {
	if r == nil {
		return argErr(p, "is required")
	}
	if r.TagId == nil && r.GetSex() == messagingv1.MenuSex_MENU_SEX_UNSPECIFIED && r.GetCountry() == "" &&
		r.GetProvince() == "" && r.GetCity() == "" && r.GetLanguage() == "" &&
		r.GetClientPlatform() == messagingv1.MenuClientPlatform_MENU_CLIENT_PLATFORM_UNSPECIFIED {
		return argErr(p, "must set at least one of tag_id, sex, country, province, city, client_platform, language")
	}
	if r.TagId != nil && r.GetTagId() < 0 {
		return argErr(p+".tag_id", "must not be negative")
	}
	if _, ok := messagingv1.MenuSex_name[int32(r.GetSex())]; !ok {
		return argErr(p+".sex", "%d is not a MenuSex", int32(r.GetSex()))
	}
	if _, ok := messagingv1.MenuClientPlatform_name[int32(r.GetClientPlatform())]; !ok {
		return argErr(p+".client_platform", "%d is not a MenuClientPlatform", int32(r.GetClientPlatform()))
	}
	switch {
	case r.GetProvince() != "" && r.GetCountry() == "":
		return argErr(p+".country", "is required with province")
	case r.GetCity() != "" && r.GetProvince() == "":
		return argErr(p+".province", "is required with city")
	case r.GetLanguage() != "" && !slices.Contains(menuLanguages, r.GetLanguage()):
		return argErr(p+".language", "%q is not a client language (%s)", r.GetLanguage(), strings.Join(menuLanguages, ", "))
	}
	return nil
}

// domainCheck accumulates the domains conditional menus link to and refuses a fourth.
type domainCheck map[string]bool

// add adds the URL domains of buttons (path names them) and returns an error naming the
// first URL that brings the count over the limit.
func (d domainCheck) add(path string, buttons []*messagingv1.MenuButton) error {
	for i, b := range buttons {
		p := fmt.Sprintf("%s[%d]", path, i)
		if err := d.add(p+".sub_buttons", b.GetSubButtons()); err != nil {
			return err
		}
		h := menuURLHost(b.GetUrl())
		if h == "" || d[h] {
			continue
		}
		d[h] = true
		if len(d) > maxConditionalDomains {
			known := make([]string, 0, len(d))
			for k := range d {
				if k != h {
					known = append(known, k)
				}
			}
			slices.Sort(known)
			return argErr(p+".url", "links to a %s domain (%s); all conditional menus together may link to at most %d domains (already %s)",
				ordinal(len(d)), h, maxConditionalDomains, strings.Join(known, ", "))
		}
	}
	return nil
}

func ordinal(n int) string {
	if n == 4 {
		return "4th"
	}
	return strconv.Itoa(n) + "th"
}

// wxMenuButton is a button in the platform's JSON shape (menu/create, menu/get).
type wxMenuButton struct {
	Type      string         `json:"type,omitempty"`
	Name      string         `json:"name"`
	Key       string         `json:"key,omitempty"`
	URL       string         `json:"url,omitempty"`
	MediaID   string         `json:"media_id,omitempty"`
	ArticleID string         `json:"article_id,omitempty"`
	AppID     string         `json:"appid,omitempty"`
	PagePath  string         `json:"pagepath,omitempty"`
	SubButton []wxMenuButton `json:"sub_button,omitempty"`
}

// wxText decodes a JSON string or number into its text (match-rule values and menu ids
// come both ways).
type wxText string

func (t *wxText) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case bytes.Equal(b, []byte("null")):
		*t = ""
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*t = wxText(s)
	default:
		var n json.Number
		if err := json.Unmarshal(b, &n); err != nil {
			return err
		}
		*t = wxText(n.String())
	}
	return nil
}

// wxMatchRule is a match rule in the platform's JSON shape.
type wxMatchRule struct {
	TagID              wxText `json:"tag_id,omitempty"`
	GroupID            wxText `json:"group_id,omitempty"`
	Sex                wxText `json:"sex,omitempty"`
	Country            string `json:"country,omitempty"`
	Province           string `json:"province,omitempty"`
	City               string `json:"city,omitempty"`
	ClientPlatformType wxText `json:"client_platform_type,omitempty"`
	Language           string `json:"language,omitempty"`
}

func toWxButtons(buttons []*messagingv1.MenuButton) []wxMenuButton {
	out := make([]wxMenuButton, len(buttons))
	for i, b := range buttons {
		out[i] = wxMenuButton{
			Type: menuTypeNames[b.GetType()], Name: b.GetName(), Key: b.GetKey(), URL: b.GetUrl(),
			MediaID: b.GetMediaId(), ArticleID: b.GetArticleId(), AppID: b.GetAppid(), PagePath: b.GetPagepath(),
			SubButton: toWxButtons(b.GetSubButtons()),
		}
		if len(b.GetSubButtons()) > 0 {
			out[i].Type = ""
		}
	}
	return out
}

func fromWxButtons(buttons []wxMenuButton) []*messagingv1.MenuButton {
	out := make([]*messagingv1.MenuButton, 0, len(buttons))
	for _, b := range buttons {
		pb := &messagingv1.MenuButton{
			Name: b.Name, Key: b.Key, Url: b.URL, MediaId: b.MediaID, ArticleId: b.ArticleID,
			Appid: b.AppID, Pagepath: b.PagePath,
		}
		if len(b.SubButton) > 0 {
			pb.SubButtons = fromWxButtons(b.SubButton)
		} else {
			pb.Type = menuTypesByName[b.Type]
		}
		out = append(out, pb)
	}
	return out
}

func toWxMatchRule(r *messagingv1.MenuMatchRule) wxMatchRule {
	w := wxMatchRule{Country: r.GetCountry(), Province: r.GetProvince(), City: r.GetCity(), Language: r.GetLanguage()}
	if r.TagId != nil {
		w.TagID = wxText(strconv.FormatInt(r.GetTagId(), 10))
	}
	if r.GetSex() != messagingv1.MenuSex_MENU_SEX_UNSPECIFIED {
		w.Sex = wxText(strconv.Itoa(int(r.GetSex())))
	}
	if r.GetClientPlatform() != messagingv1.MenuClientPlatform_MENU_CLIENT_PLATFORM_UNSPECIFIED {
		w.ClientPlatformType = wxText(strconv.Itoa(int(r.GetClientPlatform())))
	}
	return w
}

func fromWxMatchRule(w wxMatchRule) *messagingv1.MenuMatchRule {
	r := &messagingv1.MenuMatchRule{Country: w.Country, Province: w.Province, City: w.City, Language: w.Language}
	tag := w.TagID
	if tag == "" {
		tag = w.GroupID
	}
	if id, err := strconv.ParseInt(string(tag), 10, 64); err == nil {
		r.TagId = &id
	}
	if n, err := strconv.Atoi(string(w.Sex)); err == nil {
		r.Sex = messagingv1.MenuSex(n)
	}
	if n, err := strconv.Atoi(string(w.ClientPlatformType)); err == nil {
		r.ClientPlatform = messagingv1.MenuClientPlatform(n)
	}
	return r
}

// validateCustomMenu checks a whole menu set, including the domain limit of its
// conditional menus.
func validateCustomMenu(m *messagingv1.CustomMenu) error {
	if m == nil {
		return argErr("menu", "is required")
	}
	if err := validateMenuButtons("menu.buttons", m.GetButtons()); err != nil {
		return err
	}
	domains := domainCheck{}
	for i, cm := range m.GetConditionalMenus() {
		p := fmt.Sprintf("menu.conditional_menus[%d]", i)
		if cm == nil {
			return argErr(p, "is required")
		}
		if err := validateMenuButtons(p+".buttons", cm.GetButtons()); err != nil {
			return err
		}
		if err := validateMatchRule(p+".match_rule", cm.GetMatchRule()); err != nil {
			return err
		}
		if err := domains.add(p+".buttons", cm.GetButtons()); err != nil {
			return err
		}
	}
	return nil
}

// Create publishes the menu set: the default menu, then the conditional menus left on
// the platform are deleted (whatever menu/create does to them), then each conditional
// menu of m is added. It returns the new conditional menu ids in order.
func (s *Menus) Create(ctx context.Context, appID string, m *messagingv1.CustomMenu) ([]int64, error) {
	if err := checkManage(s.wx, s.accounts, appID); err != nil {
		return nil, err
	}
	if err := validateCustomMenu(m); err != nil {
		return nil, err
	}
	body := struct {
		Button []wxMenuButton `json:"button"`
	}{toWxButtons(m.GetButtons())}
	if err := s.wx.Do(ctx, &wechat.Request{AppID: appID, Method: http.MethodPost, Path: "/cgi-bin/menu/create", Body: body, Idempotent: true}, nil); err != nil {
		return nil, fmt.Errorf("create menu: %w", err)
	}
	current, err := s.getAPI(ctx, appID)
	if err != nil {
		return nil, fmt.Errorf("read back menu: %w", err)
	}
	for _, cm := range current.GetConditionalMenus() {
		if err := s.deleteConditional(ctx, appID, cm.GetMenuId()); err != nil {
			return nil, fmt.Errorf("delete old conditional menu %d: %w", cm.GetMenuId(), err)
		}
	}
	ids := make([]int64, 0, len(m.GetConditionalMenus()))
	for i, cm := range m.GetConditionalMenus() {
		id, err := s.addConditional(ctx, appID, cm.GetButtons(), cm.GetMatchRule())
		if err != nil {
			return ids, fmt.Errorf("add menu.conditional_menus[%d]: %w", i, err)
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// wxMenuGet is the answer of menu/get.
type wxMenuGet struct {
	Menu struct {
		Button []wxMenuButton `json:"button"`
		MenuID wxText         `json:"menuid"`
	} `json:"menu"`
	ConditionalMenu []struct {
		Button    []wxMenuButton `json:"button"`
		MatchRule wxMatchRule    `json:"matchrule"`
		MenuID    wxText         `json:"menuid"`
	} `json:"conditionalmenu"`
}

func parseMenuID(t wxText) int64 {
	id, _ := strconv.ParseInt(string(t), 10, 64) // absent or malformed: 0
	return id
}

// Get reads the menu from source.
func (s *Menus) Get(ctx context.Context, appID string, source messagingv1.MenuSource) (*messagingv1.CustomMenu, error) {
	if err := checkManage(s.wx, s.accounts, appID); err != nil {
		return nil, err
	}
	switch source {
	case messagingv1.MenuSource_MENU_SOURCE_UNSPECIFIED, messagingv1.MenuSource_MENU_SOURCE_API:
		return s.getAPI(ctx, appID)
	case messagingv1.MenuSource_MENU_SOURCE_CURRENT:
		return s.getCurrent(ctx, appID)
	}
	return nil, argErr("source", "%d is not a MenuSource", int32(source))
}

func (s *Menus) getAPI(ctx context.Context, appID string) (*messagingv1.CustomMenu, error) {
	var out wxMenuGet
	if err := s.wx.Do(ctx, &wechat.Request{AppID: appID, Path: "/cgi-bin/menu/get"}, &out); err != nil {
		return nil, fmt.Errorf("get menu: %w", err)
	}
	m := &messagingv1.CustomMenu{Buttons: fromWxButtons(out.Menu.Button), MenuId: parseMenuID(out.Menu.MenuID)}
	for _, cm := range out.ConditionalMenu {
		m.ConditionalMenus = append(m.ConditionalMenus, &messagingv1.ConditionalMenu{
			Buttons: fromWxButtons(cm.Button), MatchRule: fromWxMatchRule(cm.MatchRule), MenuId: parseMenuID(cm.MenuID),
		})
	}
	return m, nil
}

// wxSelfMenuButton is a button of get_current_selfmenu_info: sub_button is an object
// holding a list, console-made buttons carry value or news_info.
type wxSelfMenuButton struct {
	Type      string `json:"type"`
	Name      string `json:"name"`
	Key       string `json:"key"`
	URL       string `json:"url"`
	Value     string `json:"value"`
	AppID     string `json:"appid"`
	PagePath  string `json:"pagepath"`
	MediaID   string `json:"media_id"`
	ArticleID string `json:"article_id"`
	NewsInfo  struct {
		List []wxNewsArticle `json:"list"`
	} `json:"news_info"`
	SubButton struct {
		List []wxSelfMenuButton `json:"list"`
	} `json:"sub_button"`
}

// wxNewsArticle is an article of a console-made news button or reply.
type wxNewsArticle struct {
	Title      string `json:"title"`
	Author     string `json:"author"`
	Digest     string `json:"digest"`
	ShowCover  int    `json:"show_cover"`
	CoverURL   string `json:"cover_url"`
	ContentURL string `json:"content_url"`
	SourceURL  string `json:"source_url"`
}

func fromWxSelfMenu(buttons []wxSelfMenuButton) []*messagingv1.MenuButton {
	out := make([]*messagingv1.MenuButton, 0, len(buttons))
	for _, b := range buttons {
		pb := &messagingv1.MenuButton{Name: b.Name}
		if len(b.SubButton.List) > 0 {
			pb.SubButtons = fromWxSelfMenu(b.SubButton.List)
			out = append(out, pb)
			continue
		}
		pb.Type = menuTypesByName[b.Type]
		pb.Key, pb.Url, pb.Appid, pb.Pagepath, pb.MediaId, pb.ArticleId = b.Key, b.URL, b.AppID, b.PagePath, b.MediaID, b.ArticleID
		switch pb.Type {
		case messagingv1.MenuButtonType_MENU_BUTTON_TYPE_TEXT, messagingv1.MenuButtonType_MENU_BUTTON_TYPE_IMG,
			messagingv1.MenuButtonType_MENU_BUTTON_TYPE_VOICE, messagingv1.MenuButtonType_MENU_BUTTON_TYPE_VIDEO:
			pb.Value = b.Value
		case messagingv1.MenuButtonType_MENU_BUTTON_TYPE_MEDIA_ID, messagingv1.MenuButtonType_MENU_BUTTON_TYPE_VIEW_LIMITED:
			if pb.MediaId == "" {
				pb.MediaId = b.Value
			}
		case messagingv1.MenuButtonType_MENU_BUTTON_TYPE_ARTICLE_ID, messagingv1.MenuButtonType_MENU_BUTTON_TYPE_ARTICLE_VIEW_LIMITED:
			if pb.ArticleId == "" {
				pb.ArticleId = b.Value
			}
		}
		for _, a := range b.NewsInfo.List {
			pb.News = append(pb.News, &messagingv1.MenuNewsArticle{
				Title: a.Title, Author: a.Author, Digest: a.Digest, ShowCover: a.ShowCover != 0,
				CoverUrl: a.CoverURL, ContentUrl: a.ContentURL, SourceUrl: a.SourceURL,
			})
		}
		out = append(out, pb)
	}
	return out
}

func (s *Menus) getCurrent(ctx context.Context, appID string) (*messagingv1.CustomMenu, error) {
	var out struct {
		IsMenuOpen   int `json:"is_menu_open"`
		SelfMenuInfo struct {
			Button []wxSelfMenuButton `json:"button"`
		} `json:"selfmenu_info"`
	}
	if err := s.wx.Do(ctx, &wechat.Request{AppID: appID, Path: "/cgi-bin/get_current_selfmenu_info"}, &out); err != nil {
		return nil, fmt.Errorf("get current menu: %w", err)
	}
	open := out.IsMenuOpen != 0
	return &messagingv1.CustomMenu{Buttons: fromWxSelfMenu(out.SelfMenuInfo.Button), IsMenuOpen: &open}, nil
}

// Delete deletes every menu.
func (s *Menus) Delete(ctx context.Context, appID string) error {
	if err := checkManage(s.wx, s.accounts, appID); err != nil {
		return err
	}
	if err := s.wx.Do(ctx, &wechat.Request{AppID: appID, Path: "/cgi-bin/menu/delete"}, nil); err != nil {
		return fmt.Errorf("delete menu: %w", err)
	}
	return nil
}

// AddConditional validates and adds one conditional menu. The default menu must exist
// and the domains of the existing conditional menus count toward the limit.
func (s *Menus) AddConditional(ctx context.Context, appID string, buttons []*messagingv1.MenuButton, rule *messagingv1.MenuMatchRule) (int64, error) {
	if err := checkManage(s.wx, s.accounts, appID); err != nil {
		return 0, err
	}
	if err := validateMenuButtons("buttons", buttons); err != nil {
		return 0, err
	}
	if err := validateMatchRule("match_rule", rule); err != nil {
		return 0, err
	}
	current, err := s.getAPI(ctx, appID)
	if err != nil {
		if code, ok := wechat.Code(err); ok && code == 46003 {
			return 0, &PreconditionError{Reason: "the account has no default menu: create one first (MenuService.CreateMenu); conditional menus need it"}
		}
		return 0, err
	}
	domains := domainCheck{}
	for _, cm := range current.GetConditionalMenus() {
		_ = domains.add("", cm.GetButtons()) // the platform accepted them; only count them
	}
	if err := domains.add("buttons", buttons); err != nil {
		return 0, err
	}
	return s.addConditional(ctx, appID, buttons, rule)
}

func (s *Menus) addConditional(ctx context.Context, appID string, buttons []*messagingv1.MenuButton, rule *messagingv1.MenuMatchRule) (int64, error) {
	body := struct {
		Button    []wxMenuButton `json:"button"`
		MatchRule wxMatchRule    `json:"matchrule"`
	}{toWxButtons(buttons), toWxMatchRule(rule)}
	var out struct {
		MenuID wxText `json:"menuid"`
	}
	if err := s.wx.Do(ctx, &wechat.Request{AppID: appID, Method: http.MethodPost, Path: "/cgi-bin/menu/addconditional", Body: body}, &out); err != nil {
		return 0, fmt.Errorf("add conditional menu: %w", err)
	}
	return parseMenuID(out.MenuID), nil
}

// DeleteConditional deletes one conditional menu.
func (s *Menus) DeleteConditional(ctx context.Context, appID string, menuID int64) error {
	if err := checkManage(s.wx, s.accounts, appID); err != nil {
		return err
	}
	if menuID <= 0 {
		return argErr("menu_id", "must be positive")
	}
	return s.deleteConditional(ctx, appID, menuID)
}

func (s *Menus) deleteConditional(ctx context.Context, appID string, menuID int64) error {
	body := map[string]string{"menuid": strconv.FormatInt(menuID, 10)}
	if err := s.wx.Do(ctx, &wechat.Request{AppID: appID, Method: http.MethodPost, Path: "/cgi-bin/menu/delconditional", Body: body}, nil); err != nil {
		return fmt.Errorf("delete conditional menu %d: %w", menuID, err)
	}
	return nil
}

// TryMatch returns the buttons the user sees.
func (s *Menus) TryMatch(ctx context.Context, appID, userID string) ([]*messagingv1.MenuButton, error) {
	if err := checkManage(s.wx, s.accounts, appID); err != nil {
		return nil, err
	}
	switch {
	case userID == "":
		return nil, argErr("user_id", "is required")
	case len(userID) > 128 || strings.ContainsAny(userID, " \t\r\n"):
		return nil, argErr("user_id", "must be an openid or WeChat ID")
	}
	var out struct {
		Button []wxMenuButton `json:"button"`
		Menu   struct {
			Button []wxMenuButton `json:"button"`
		} `json:"menu"`
	}
	body := map[string]string{"user_id": userID}
	if err := s.wx.Do(ctx, &wechat.Request{AppID: appID, Method: http.MethodPost, Path: "/cgi-bin/menu/trymatch", Body: body, Idempotent: true}, &out); err != nil {
		return nil, fmt.Errorf("try match menu: %w", err)
	}
	if len(out.Button) == 0 {
		out.Button = out.Menu.Button
	}
	return fromWxButtons(out.Button), nil
}
