package stores

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/wxsuite/wxsuite/internal/platform/config"
	"github.com/wxsuite/wxsuite/internal/wechat"
)

// Params are the inputs of New.
type Params struct {
	// Accounts are the configured accounts; other app_ids are NotFound.
	Accounts config.Accounts
	// WeChat is the shared WeChat API client. Required.
	WeChat *wechat.Client
	// Logger receives the package's logs (nil discards them).
	Logger *slog.Logger
}

// Service implements PoiService, StoreService and MarketCodeService on top of the
// WeChat client. It is safe for concurrent use.
type Service struct {
	accounts map[string]bool
	wc       *wechat.Client
	log      *slog.Logger
}

// New returns a Service.
func New(p Params) (*Service, error) {
	if p.WeChat == nil {
		return nil, fmt.Errorf("card stores: a WeChat client is required")
	}
	s := &Service{accounts: make(map[string]bool, len(p.Accounts)), wc: p.WeChat, log: p.Logger}
	for _, a := range p.Accounts {
		s.accounts[a.AppID] = true
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	return s, nil
}

// checkAccount refuses an empty or unconfigured app_id.
func (s *Service) checkAccount(appID string) error {
	if appID == "" {
		return &ArgumentError{Field: "app_id", Reason: "is required"}
	}
	if !s.accounts[appID] {
		return &UnknownAccountError{AppID: appID}
	}
	return nil
}

// envelope is the answer of the calls that return nothing else (the client has already
// turned a non-zero errcode into an error).
type envelope struct {
	Errcode int    `json:"errcode"`
	Errmsg  string `json:"errmsg"`
}

// fieldValue is a request field's path and value, for checks in a fixed order.
type fieldValue struct{ field, v string }

// maxText bounds free-text fields (the platform documents no bound for most of them;
// this keeps absurd input from being sent).
const maxText = 300

// required refuses an empty or blank value.
func required(field, v string) error {
	if strings.TrimSpace(v) == "" {
		return &ArgumentError{Field: field, Reason: "is required"}
	}
	return text(field, v)
}

// text refuses invalid UTF-8 and values over maxText characters.
func text(field, v string) error {
	switch {
	case !utf8.ValidString(v):
		return &ArgumentError{Field: field, Reason: "must be UTF-8"}
	case utf8.RuneCountInString(v) > maxText:
		return &ArgumentError{Field: field, Reason: fmt.Sprintf("must be at most %d characters", maxText)}
	}
	return nil
}

// checkURL refuses a value that is not an absolute http(s) URL.
func checkURL(field, v string) error {
	u, err := url.Parse(v)
	if v == "" || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(v) > 1024 {
		return &ArgumentError{Field: field, Reason: "must be an absolute http(s) URL"}
	}
	return nil
}

// checkURLs refuses an empty list (when need is set) or a bad URL in it.
func checkURLs(field string, urls []string, need bool, maxN int) error {
	if need && len(urls) == 0 {
		return &ArgumentError{Field: field, Reason: "must hold at least one URL"}
	}
	if len(urls) > maxN {
		return &ArgumentError{Field: field, Reason: fmt.Sprintf("must hold at most %d URLs", maxN)}
	}
	for i, u := range urls {
		if err := checkURL(fmt.Sprintf("%s[%d]", field, i), u); err != nil {
			return err
		}
	}
	return nil
}

// checkPoiID refuses a poi_id that is not 1 to 18 digits.
func checkPoiID(field, id string) error {
	if id == "" {
		return &ArgumentError{Field: field, Reason: "is required"}
	}
	if len(id) > 18 || strings.Trim(id, "0123456789") != "" {
		return &ArgumentError{Field: field, Reason: "must be 1 to 18 digits"}
	}
	return nil
}

// width is the platform's length of a name: a character outside ASCII counts 2.
func width(s string) int {
	n := 0
	for _, r := range s {
		if r < utf8.RuneSelf {
			n++
		} else {
			n += 2
		}
	}
	return n
}

// flexInt is an integer the platform writes as a JSON number or a string of digits
// (poi_id, total_count).
type flexInt int64

// UnmarshalJSON accepts 123, "123", "" and null.
func (f *flexInt) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if bytes.Equal(b, []byte("null")) {
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		if s == "" {
			*f = 0
			return nil
		}
		b = []byte(s)
	}
	n, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil {
		return fmt.Errorf("not an integer: %q", b)
	}
	*f = flexInt(n)
	return nil
}

// String returns the decimal digits ("" for 0).
func (f flexInt) String() string {
	if f == 0 {
		return ""
	}
	return strconv.FormatInt(int64(f), 10)
}

// flexFloat is a number the platform writes as a JSON number or a string (the English
// get_store_list page types longitude and latitude as strings).
type flexFloat float64

// UnmarshalJSON accepts 1.5, "1.5", "" and null.
func (f *flexFloat) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if bytes.Equal(b, []byte("null")) {
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		if s == "" {
			return nil
		}
		b = []byte(s)
	}
	v, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return fmt.Errorf("not a number: %q", b)
	}
	*f = flexFloat(v)
	return nil
}
