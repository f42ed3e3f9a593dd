package sandbox

// This file emulates the custom-menu endpoints (/cgi-bin/menu/*,
// /cgi-bin/get_current_selfmenu_info): behaviour.md §2.5 and facts.md §6.1.

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// API paths of the menu endpoints.
const (
	pathMenuCreate          = "/cgi-bin/menu/create"
	pathMenuGet             = "/cgi-bin/menu/get"
	pathMenuDelete          = "/cgi-bin/menu/delete"
	pathMenuAddConditional  = "/cgi-bin/menu/addconditional"
	pathMenuDelConditional  = "/cgi-bin/menu/delconditional"
	pathMenuTryMatch        = "/cgi-bin/menu/trymatch"
	pathCurrentSelfMenuInfo = "/cgi-bin/get_current_selfmenu_info"
)

// Menu limits (facts.md §6.1, behaviour.md §2.5 and §5).
const (
	maxMenuButtons      = 3
	maxMenuSubButtons   = 5
	maxMenuNameBytes    = 16
	maxMenuSubNameBytes = 60
	maxMenuKeyBytes     = 128
	maxMenuURLBytes     = 1024
	// maxMenuMediaIDBytes bounds media_id and article_id: sandbox choice, the platform
	// documents 40117/40118 but no size.
	maxMenuMediaIDBytes = 128
	// maxConditionalMenus is the 65305 limit: sandbox choice (Q5, not documented).
	maxConditionalMenus = 20
	// maxConditionalDomains is how many domains all conditional menus may link to.
	maxConditionalDomains = 3
)

// menuKeyTypes are the button types that carry a key and push it as EventKey.
var menuKeyTypes = map[string]bool{
	"click": true, "scancode_push": true, "scancode_waitmsg": true, "pic_sysphoto": true,
	"pic_photo_or_album": true, "pic_weixin": true, "location_select": true,
}

// menuButton is a button in the platform's JSON shape.
type menuButton struct {
	Type      string       `json:"type,omitempty"`
	Name      string       `json:"name"`
	Key       string       `json:"key,omitempty"`
	URL       string       `json:"url,omitempty"`
	MediaID   string       `json:"media_id,omitempty"`
	ArticleID string       `json:"article_id,omitempty"`
	AppID     string       `json:"appid,omitempty"`
	PagePath  string       `json:"pagepath,omitempty"`
	SubButton []menuButton `json:"sub_button"`
}

// flexString decodes a JSON string or number into its text: the platform documents
// match-rule values as strings, older pages show numbers.
type flexString string

func (f *flexString) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if bytes.Equal(b, []byte("null")) {
		*f = ""
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*f = flexString(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return err
	}
	*f = flexString(n.String())
	return nil
}

// matchRule is a conditional menu's matchrule in the platform's JSON shape.
type matchRule struct {
	TagID              flexString `json:"tag_id,omitempty"`
	GroupID            flexString `json:"group_id,omitempty"` // the older name of tag_id
	Sex                flexString `json:"sex,omitempty"`
	Country            string     `json:"country,omitempty"`
	Province           string     `json:"province,omitempty"`
	City               string     `json:"city,omitempty"`
	ClientPlatformType flexString `json:"client_platform_type,omitempty"`
	Language           string     `json:"language,omitempty"`
}

func (r matchRule) empty() bool { return r == matchRule{} }

// privacy reports whether r uses the fields the platform no longer accepts (65320).
func (r matchRule) privacy() bool {
	return r.Sex != "" || r.Country != "" || r.Province != "" || r.City != "" || r.Language != ""
}

// conditionalMenu is a stored conditional menu.
type conditionalMenu struct {
	Button    []menuButton `json:"button"`
	MatchRule matchRule    `json:"matchrule"`
	MenuID    int64        `json:"menuid"`
}

// menusState is the account's menu (and console auto-reply) state. Guarded by Sandbox.mu.
type menusState struct {
	// def is the default menu; nil when none was created.
	def   []menuButton
	defID int64
	// conditional holds the conditional menus, oldest first (matching tries newest first).
	conditional []conditionalMenu
	// allowPrivacy accepts sex/region/language rules (SetMenuOptions).
	allowPrivacy bool
	// keepConditional keeps conditional menus when menu/create replaces the default.
	keepConditional bool
	// console is the selfmenu_info JSON of a console-made menu ("" for none).
	console     json.RawMessage
	consoleOpen bool
	// autoReply is the get_current_autoreply_info answer (nil: everything off).
	autoReply json.RawMessage
}

// registerMenus adds the menu and auto-reply endpoints to m.
func registerMenus(m map[string]endpoint) {
	m[pathMenuCreate] = endpoint{method: http.MethodPost, serve: (*Sandbox).serveMenuCreate}
	m[pathMenuGet] = endpoint{method: http.MethodGet, serve: (*Sandbox).serveMenuGet}
	m[pathMenuDelete] = endpoint{method: http.MethodGet, serve: (*Sandbox).serveMenuDelete}
	m[pathMenuAddConditional] = endpoint{method: http.MethodPost, serve: (*Sandbox).serveMenuAddConditional}
	m[pathMenuDelConditional] = endpoint{method: http.MethodPost, serve: (*Sandbox).serveMenuDelConditional}
	m[pathMenuTryMatch] = endpoint{method: http.MethodPost, serve: (*Sandbox).serveMenuTryMatch}
	m[pathCurrentSelfMenuInfo] = endpoint{method: http.MethodGet, serve: (*Sandbox).serveCurrentSelfMenuInfo}
	registerAutoReply(m)
}

// newMenuID returns a platform-like menu id (9 digits, increasing per account).
// Callers hold s.mu.
func (s *Sandbox) newMenuID(st *menusState) int64 {
	id := int64(208_000_000) + s.rng.Int64N(300_000)
	for _, c := range st.conditional {
		id = max(id, c.MenuID+1+s.rng.Int64N(1000))
	}
	return max(id, st.defID+1)
}

// validateMenuButtons checks buttons as menu/create and addconditional do and returns the
// errcode of the first violation.
func validateMenuButtons(buttons []menuButton) int {
	if len(buttons) == 0 || len(buttons) > maxMenuButtons {
		return codeMenuButtonSize
	}
	for _, b := range buttons {
		if b.Name == "" || len(b.Name) > maxMenuNameBytes {
			return codeMenuButtonNameSize
		}
		if len(b.SubButton) > 0 {
			// A button with sub_button has no type; sandbox choice: a type given with
			// sub_button is ignored, as the client shows the sub-menu.
			if len(b.SubButton) > maxMenuSubButtons {
				return codeMenuSubButtonSize
			}
			for _, sb := range b.SubButton {
				if sb.Name == "" || len(sb.Name) > maxMenuSubNameBytes {
					return codeMenuSubNameSize
				}
				if len(sb.SubButton) > 0 {
					return codeMenuSubButtonType // a third level does not exist
				}
				if code := validateMenuLeaf(sb, true); code != codeOK {
					return code
				}
			}
			continue
		}
		if b.Type == "" {
			return codeMenuSubMenuMissing
		}
		if code := validateMenuLeaf(b, false); code != codeOK {
			return code
		}
	}
	return codeOK
}

// validateMenuLeaf checks a button with a type; sub selects the sub-button errcodes.
func validateMenuLeaf(b menuButton, sub bool) int {
	pick := func(top, subCode int) int {
		if sub {
			return subCode
		}
		return top
	}
	checkURL := func(u string) int {
		if u == "" || len(u) > maxMenuURLBytes {
			return pick(codeMenuURLSize, codeMenuSubURLSize)
		}
		if menuURLHost(u) == "" {
			return pick(codeMenuURLDomain, codeMenuSubURLDomain)
		}
		return codeOK
	}
	switch {
	case menuKeyTypes[b.Type]:
		if b.Key == "" || len(b.Key) > maxMenuKeyBytes {
			return pick(codeMenuKeySize, codeMenuSubKeySize)
		}
	case b.Type == "view":
		return checkURL(b.URL)
	case b.Type == "media_id" || b.Type == "view_limited":
		if b.MediaID == "" || len(b.MediaID) > maxMenuMediaIDBytes {
			return pick(codeMenuMediaIDSize, codeMenuSubMediaIDSize)
		}
	case b.Type == "article_id" || b.Type == "article_view_limited":
		// No errcode is documented for a bad article_id; sandbox choice: 41011.
		if b.ArticleID == "" || len(b.ArticleID) > maxMenuMediaIDBytes {
			return codeMissingFields
		}
	case b.Type == "miniprogram":
		if code := checkURL(b.URL); code != codeOK {
			return code
		}
		if !validWeappAppID(b.AppID) {
			return codeMenuWeappAppID
		}
		if b.PagePath == "" {
			return codeMenuWeappPagePath
		}
	default:
		return pick(codeMenuButtonType, codeMenuSubButtonType)
	}
	return codeOK
}

// validWeappAppID reports whether id looks like a mini program AppID ("wx" and 16 hex
// digits). Sandbox choice: any such AppID counts as linked to the account (45064 is
// not emulated).
func validWeappAppID(id string) bool {
	if len(id) != 18 || !strings.HasPrefix(id, "wx") {
		return false
	}
	for _, c := range id[2:] {
		if !strings.ContainsRune("0123456789abcdefABCDEF", c) {
			return false
		}
	}
	return true
}

// menuURLHost returns the lower-case host of an absolute http(s) URL, or "".
func menuURLHost(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" {
		return ""
	}
	return strings.ToLower(u.Hostname())
}

// menuDomains adds the hosts of the URLs of buttons (view and miniprogram fallback
// pages) to set.
func menuDomains(buttons []menuButton, set map[string]bool) {
	for _, b := range buttons {
		if b.URL != "" && (b.Type == "view" || b.Type == "miniprogram") && len(b.SubButton) == 0 {
			if h := menuURLHost(b.URL); h != "" {
				set[h] = true
			}
		}
		menuDomains(b.SubButton, set)
	}
}

// normalizeMenu returns a copy of buttons as menu/get answers them: every button carries
// sub_button (an empty array for leaves) and a parent carries no type.
func normalizeMenu(buttons []menuButton) []menuButton {
	out := make([]menuButton, len(buttons))
	for i, b := range buttons {
		if len(b.SubButton) > 0 {
			b = menuButton{Name: b.Name, SubButton: normalizeMenu(b.SubButton)}
		} else {
			b.SubButton = []menuButton{}
		}
		out[i] = b
	}
	return out
}

// menuBody is the body of menu/create and menu/addconditional.
type menuBody struct {
	Button    []menuButton `json:"button"`
	MatchRule *matchRule   `json:"matchrule"`
}

// decodeMenuBody reads the body: 65318 for invalid UTF-8, 47001 for anything that is
// not the documented JSON.
func decodeMenuBody(c *apiCall) (menuBody, int) {
	var body menuBody
	if data := bytes.TrimSpace(c.body); len(data) > 0 && !json.Valid(data) {
		return body, codeDataFormat
	}
	if !utf8.Valid(c.body) {
		return body, codeMenuCharset
	}
	if code := c.decode(&body); code != codeOK {
		return body, code
	}
	return body, codeOK
}

// serveMenuCreate answers POST /cgi-bin/menu/create {"button":[…]}.
func (s *Sandbox) serveMenuCreate(c *apiCall) answer {
	body, code := decodeMenuBody(c)
	if code != codeOK {
		return fail(code)
	}
	if code := validateMenuButtons(body.Button); code != codeOK {
		return fail(code)
	}
	st := &c.a.menus
	st.def = normalizeMenu(body.Button)
	st.defID = s.newMenuID(st)
	if !st.keepConditional {
		// Sandbox choice (behaviour.md Q4): replacing the default menu deletes the
		// conditional menus; SetMenuOptions keeps them.
		st.conditional = nil
	}
	return fail(codeOK)
}

// menuGetAnswer is the answer of menu/get.
type menuGetAnswer struct {
	Menu struct {
		Button []menuButton `json:"button"`
		MenuID int64        `json:"menuid,omitempty"`
	} `json:"menu"`
	ConditionalMenu []conditionalMenu `json:"conditionalmenu,omitempty"`
}

// serveMenuGet answers GET /cgi-bin/menu/get.
func (s *Sandbox) serveMenuGet(c *apiCall) answer {
	st := &c.a.menus
	if st.def == nil {
		return fail(codeMenuNoExist)
	}
	var out menuGetAnswer
	out.Menu.Button = st.def
	if len(st.conditional) > 0 {
		out.Menu.MenuID = st.defID
		out.ConditionalMenu = st.conditional
	}
	return succeed(out)
}

// serveMenuDelete answers GET /cgi-bin/menu/delete: the default and every conditional
// menu go.
func (s *Sandbox) serveMenuDelete(c *apiCall) answer {
	st := &c.a.menus
	st.def, st.defID, st.conditional = nil, 0, nil
	return fail(codeOK)
}

// addConditionalAnswer is the answer of menu/addconditional (menuid is a string there).
type addConditionalAnswer struct {
	MenuID string `json:"menuid"`
}

// serveMenuAddConditional answers POST /cgi-bin/menu/addconditional.
func (s *Sandbox) serveMenuAddConditional(c *apiCall) answer {
	body, code := decodeMenuBody(c)
	if code != codeOK {
		return fail(code)
	}
	st := &c.a.menus
	if st.def == nil {
		return fail(codeMenuNoSelfMenu)
	}
	if body.MatchRule == nil || body.MatchRule.empty() {
		return fail(codeMenuMatchRuleEmpty)
	}
	r := *body.MatchRule
	if r.TagID == "" {
		r.TagID, r.GroupID = r.GroupID, ""
	}
	if code := validateMenuButtons(body.Button); code != codeOK {
		return fail(code)
	}
	switch {
	case r.Province != "" && r.Country == "":
		return fail(codeMenuCountryEmpty)
	case r.City != "" && r.Province == "":
		return fail(codeMenuProvinceEmpty)
	case r.privacy() && !st.allowPrivacy:
		return fail(codeMenuPrivacyRule)
	}
	// Sandbox choice: values outside the documented ones are invalid arguments.
	if !oneOf(string(r.Sex), "", "1", "2") || !oneOf(string(r.ClientPlatformType), "", "1", "2", "3") {
		return fail(codeInvalidArgs)
	}
	if r.TagID != "" {
		if _, err := strconv.ParseInt(string(r.TagID), 10, 64); err != nil {
			return fail(codeInvalidArgs)
		}
	}
	if len(st.conditional) >= maxConditionalMenus {
		return fail(codeMenuCountLimit)
	}
	domains := make(map[string]bool)
	for _, cm := range st.conditional {
		menuDomains(cm.Button, domains)
	}
	menuDomains(body.Button, domains)
	if len(domains) > maxConditionalDomains {
		return fail(codeMenuDomainLimit)
	}
	cm := conditionalMenu{Button: normalizeMenu(body.Button), MatchRule: r, MenuID: s.newMenuID(st)}
	st.conditional = append(st.conditional, cm)
	return succeed(addConditionalAnswer{MenuID: strconv.FormatInt(cm.MenuID, 10)})
}

func oneOf(v string, options ...string) bool { return slices.Contains(options, v) }

// serveMenuDelConditional answers POST /cgi-bin/menu/delconditional {"menuid":"…"}.
func (s *Sandbox) serveMenuDelConditional(c *apiCall) answer {
	var body struct {
		MenuID flexString `json:"menuid"`
	}
	if code := c.decode(&body); code != codeOK {
		return fail(code)
	}
	if body.MenuID == "" {
		return fail(codeMissingFields)
	}
	st := &c.a.menus
	for i, cm := range st.conditional {
		if strconv.FormatInt(cm.MenuID, 10) == string(body.MenuID) {
			st.conditional = slices.Delete(st.conditional, i, i+1)
			return fail(codeOK)
		}
	}
	return fail(codeMenuNotConditional)
}

// tryMatchAnswer is the answer of menu/trymatch.
type tryMatchAnswer struct {
	Button []menuButton `json:"button"`
}

// serveMenuTryMatch answers POST /cgi-bin/menu/trymatch {"user_id":"…"}: the menu the
// user sees. Sandbox users are known by openid only (a WeChat ID gives 65302).
func (s *Sandbox) serveMenuTryMatch(c *apiCall) answer {
	var body struct {
		UserID string `json:"user_id"`
	}
	if code := c.decode(&body); code != codeOK {
		return fail(code)
	}
	if body.UserID == "" {
		return fail(codeMissingFields)
	}
	u, ok := c.a.users[body.UserID]
	if !ok {
		return fail(codeMenuNoSuchUser)
	}
	buttons, _, ok := c.a.menuFor(u)
	if !ok {
		return fail(codeMenuNoExist)
	}
	return succeed(tryMatchAnswer{Button: buttons})
}

// menuFor returns the menu u sees and its id: the newest conditional menu whose rule
// matches, else the default menu. ok is false when the account has no menu. Callers
// hold s.mu.
func (a *account) menuFor(u *User) (buttons []menuButton, menuID int64, ok bool) {
	st := &a.menus
	if st.def == nil {
		return nil, 0, false
	}
	attrs := menuUserAttrsOf(u)
	for i := len(st.conditional) - 1; i >= 0; i-- {
		cm := st.conditional[i]
		if cm.MatchRule.matches(attrs, st.allowPrivacy) {
			return cm.Button, cm.MenuID, true
		}
	}
	return st.def, st.defID, true
}

// menuUserAttrs are what conditional menus match on.
type menuUserAttrs struct {
	sex                     int
	country, province, city string
	language                string
	tagIDs                  []int // in the order applied; the last is the most recent
	platform                int   // 1 iOS, 2 Android, 3 others, 0 unknown
}

// matches reports whether r selects a user with attrs. Rules on sex, region or language
// match nobody while such rules are not allowed (behaviour.md §2.5: existing menus with
// them stop matching).
func (r matchRule) matches(attrs menuUserAttrs, allowPrivacy bool) bool {
	if r.privacy() && !allowPrivacy {
		return false
	}
	if r.TagID != "" {
		if len(attrs.tagIDs) == 0 || strconv.Itoa(attrs.tagIDs[len(attrs.tagIDs)-1]) != string(r.TagID) {
			return false
		}
	}
	if r.Sex != "" && strconv.Itoa(attrs.sex) != string(r.Sex) {
		return false
	}
	if r.ClientPlatformType != "" && strconv.Itoa(attrs.platform) != string(r.ClientPlatformType) {
		return false
	}
	for _, f := range [][2]string{{r.Country, attrs.country}, {r.Province, attrs.province}, {r.City, attrs.city}, {r.Language, attrs.language}} {
		if f[0] != "" && f[0] != f[1] {
			return false
		}
	}
	return true
}

// selfMenuButton is a button in get_current_selfmenu_info's shape: sub_button is an
// object holding a list.
type selfMenuButton struct {
	Type      string           `json:"type,omitempty"`
	Name      string           `json:"name"`
	Key       string           `json:"key,omitempty"`
	URL       string           `json:"url,omitempty"`
	Value     string           `json:"value,omitempty"`
	AppID     string           `json:"appid,omitempty"`
	PagePath  string           `json:"pagepath,omitempty"`
	SubButton *selfMenuSubList `json:"sub_button,omitempty"`
}

type selfMenuSubList struct {
	List []selfMenuButton `json:"list"`
}

// selfMenuAnswer is the answer of get_current_selfmenu_info.
type selfMenuAnswer struct {
	IsMenuOpen   int             `json:"is_menu_open"`
	SelfMenuInfo json.RawMessage `json:"selfmenu_info"`
}

// toSelfMenu converts API buttons to the selfmenu shape. API-made media_id and
// view_limited buttons report their media_id as value (sandbox choice).
func toSelfMenu(buttons []menuButton) []selfMenuButton {
	out := make([]selfMenuButton, len(buttons))
	for i, b := range buttons {
		sb := selfMenuButton{Type: b.Type, Name: b.Name, Key: b.Key, URL: b.URL, AppID: b.AppID, PagePath: b.PagePath}
		switch {
		case len(b.SubButton) > 0:
			sb = selfMenuButton{Name: b.Name, SubButton: &selfMenuSubList{List: toSelfMenu(b.SubButton)}}
		case b.MediaID != "":
			sb.Value = b.MediaID
		case b.ArticleID != "":
			sb.Value = b.ArticleID
		}
		out[i] = sb
	}
	return out
}

// serveCurrentSelfMenuInfo answers GET /cgi-bin/get_current_selfmenu_info: the API
// menu when one exists (is_menu_open 1), else the console menu set by SetConsoleMenu,
// else is_menu_open 0 with no buttons (sandbox choice).
func (s *Sandbox) serveCurrentSelfMenuInfo(c *apiCall) answer {
	st := &c.a.menus
	switch {
	case st.def != nil:
		info, _ := json.Marshal(struct {
			Button []selfMenuButton `json:"button"`
		}{toSelfMenu(st.def)}) // plain structs always encode
		return succeed(selfMenuAnswer{IsMenuOpen: 1, SelfMenuInfo: info})
	case st.console != nil:
		open := 0
		if st.consoleOpen {
			open = 1
		}
		return succeed(selfMenuAnswer{IsMenuOpen: open, SelfMenuInfo: st.console})
	}
	return succeed(selfMenuAnswer{SelfMenuInfo: json.RawMessage(`{"button":[]}`)})
}
