package sandbox

import (
	"bytes"
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// maxBody bounds the request bodies the sandbox reads; larger bodies get 47001.
const maxBody = 1 << 20

// callbackIPs and apiDomainIPs are the fixed answers of getcallbackip and
// get_api_domain_ip: plausible addresses from ranges the platform has listed.
var (
	callbackIPs  = []string{"101.226.62.77", "101.226.62.78", "101.226.62.79", "101.226.62.80", "101.226.103.59", "101.226.103.60", "182.254.11.176", "182.254.78.147"}
	apiDomainIPs = []string{"101.89.47.18", "101.91.34.103", "101.91.37.108", "109.244.129.223", "109.244.145.150", "183.3.224.139"}
)

// answer is what an endpoint returns: a success payload or an errcode envelope, or, for
// the browser-facing /connect/ pages, a redirect or an error page.
type answer struct {
	status   int    // HTTP status; 0 means 200 (the platform answers errors with 200 too)
	errcode  int    // errcode of the envelope (or page) when body is nil
	errmsg   string // errmsg of the envelope (or page); "" means the documented text
	body     any    // success payload; nil means the {"errcode","errmsg"} envelope
	location string // when set, a 302 Found redirect to it
	page     bool   // render errcode and errmsg as an HTML error page, not JSON
	raw      []byte // when set (with contentType), the answer's body as is: media downloads
	rawType  string // Content-Type of raw
}

func fail(code int) answer { return answer{errcode: code} }

// page is the HTML error page with code that the browser-facing endpoints show.
func page(code int) answer { return answer{errcode: code, page: true} }

func succeed(body any) answer { return answer{body: body} }

// envelope is the platform's error (and plain success) answer.
type envelope struct {
	Errcode int    `json:"errcode"`
	Errmsg  string `json:"errmsg"`
}

// tokenAnswer is the success answer of /cgi-bin/token and /cgi-bin/stable_token.
type tokenAnswer struct {
	AccessToken string `json:"access_token"`
	ExpiresIn   int64  `json:"expires_in"`
}

// ticketAnswer is the success answer of /cgi-bin/ticket/getticket.
type ticketAnswer struct {
	Errcode   int    `json:"errcode"`
	Errmsg    string `json:"errmsg"`
	Ticket    string `json:"ticket"`
	ExpiresIn int64  `json:"expires_in"`
}

// ipListAnswer is the success answer of getcallbackip and get_api_domain_ip (no errcode).
type ipListAnswer struct {
	IPList []string `json:"ip_list"`
}

// Handler returns the emulated WeChat API (the https://api.weixin.qq.com surface): use
// its server's URL as the client's API base URL. Every call is logged and passes the
// fault rules first.
func (s *Sandbox) Handler() http.Handler { return http.HandlerFunc(s.serveAPI) }

func (s *Sandbox) serveAPI(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	c := Call{
		Time:        s.Now(),
		Method:      r.Method,
		Path:        r.URL.Path,
		AppID:       q.Get("appid"),
		AccessToken: q.Get("access_token"),
	}
	if c.AppID == "" && c.AccessToken != "" {
		c.AppID = s.tokenOwner(c.AccessToken)
	}
	if f, hit := s.matchFault(c.Path); hit {
		c.FaultID = f.ID
		switch f.Kind {
		case FaultLatency:
			if !sleepContext(r.Context(), f.Latency) {
				s.record(c) // the client went away: HTTPStatus stays 0
				return
			}
		case FaultHTTPStatus:
			c.HTTPStatus = f.HTTPStatus
			s.record(c)
			w.WriteHeader(f.HTTPStatus)
			return
		case FaultErrcode:
			s.reply(w, &c, fail(f.Errcode))
			return
		case FaultDropConnection:
			s.record(c)
			dropConnection(w)
			return
		}
	}
	s.reply(w, &c, s.route(r, q, &c))
}

func (s *Sandbox) route(r *http.Request, q url.Values, c *Call) answer {
	switch r.URL.Path {
	case pathToken:
		return s.serveToken(r, q)
	case pathStableToken:
		return s.serveStableToken(r, c)
	case pathTicket:
		return s.serveTicket(r, q)
	case pathCallbackIP:
		return s.serveIPList(r, q, callbackIPs)
	case pathAPIDomainIP:
		return s.serveIPList(r, q, apiDomainIPs)
	case pathClearQuota:
		return s.serveClearQuota(r, q, c)
	case pathCheck:
		return s.serveCallbackCheck(r, q)
	case pathAuthorize:
		return s.serveAuthorize(r, q)
	case pathSNSAccessToken:
		return s.serveSNSAccessToken(r, q)
	case pathSNSRefresh:
		return s.serveSNSRefresh(r, q)
	case pathUserinfo:
		return s.serveUserinfo(r, q)
	case pathSNSAuth:
		return s.serveSNSAuth(r, q)
	case pathShowQRCode:
		return s.serveShowQRCode(r, q)
	case InvoicePDFPath:
		// The pdf_url of card/invoice/platform/getpdf: no access_token, like showqrcode.
		return s.serveInvoicePDF(r, q)
	}
	if e, ok := endpoints[r.URL.Path]; ok {
		return s.serveDomain(e, r, q, c)
	}
	// Emulator choice: the platform's answer to unknown paths is not documented; a 404
	// with an errcode envelope tells a client at once that it called a wrong path.
	return answer{status: http.StatusNotFound, errcode: codeSystemError, errmsg: "not found"}
}

// reply records c with the outcome of a and then writes a: as JSON, or as a redirect or
// an HTML error page for the browser-facing endpoints.
func (s *Sandbox) reply(w http.ResponseWriter, c *Call, a answer) {
	status := a.status
	if status == 0 {
		status = http.StatusOK
	}
	if a.location != "" {
		c.HTTPStatus = http.StatusFound
		s.record(*c)
		w.Header().Set("Location", a.location)
		w.WriteHeader(http.StatusFound)
		return
	}
	msg := a.errmsg
	if msg == "" {
		msg = errmsgFor(a.errcode)
	}
	if a.raw != nil {
		c.HTTPStatus = status
		s.record(*c)
		w.Header().Set("Content-Type", a.rawType)
		w.Header().Set("Content-Length", strconv.Itoa(len(a.raw)))
		w.WriteHeader(status)
		_, _ = w.Write(a.raw)
		return
	}
	var buf bytes.Buffer
	contentType := "application/json; charset=utf-8"
	switch {
	case a.page:
		contentType = "text/html; charset=utf-8"
		writePage(&buf, a.errcode, msg)
	default:
		body := a.body
		if body == nil {
			if s.rid && a.errcode != codeOK {
				msg += " rid: " + s.randRID()
			}
			body = envelope{Errcode: a.errcode, Errmsg: msg}
		}
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false) // the platform writes &, < and > raw
		_ = enc.Encode(body)     // the answer types always encode
	}
	c.Errcode = a.errcode
	c.HTTPStatus = status
	s.record(*c)
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes()) // a client that went away is not an error of ours
}

// writePage writes the error page open.weixin.qq.com shows instead of redirecting: a
// short HTML document whose text carries the errcode and its message.
func writePage(buf *bytes.Buffer, code int, msg string) {
	buf.WriteString("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>微信网页授权</title></head>\n<body>\n<h2>Oops! Something went wrong:(</h2>\n<p>errcode: ")
	buf.WriteString(strconv.Itoa(code))
	buf.WriteString("</p>\n<p>errmsg: ")
	buf.WriteString(html.EscapeString(msg))
	buf.WriteString("</p>\n</body></html>\n")
}

// authenticate checks client-credential parameters of /cgi-bin/token and stable_token.
// Callers hold s.mu.
func (s *Sandbox) authenticate(grantType, appID, secret string) (*account, int) {
	switch {
	case appID == "":
		return nil, codeAppIDMissing
	case secret == "":
		return nil, codeSecretMissing
	case grantType != "client_credential":
		return nil, codeInvalidGrantType
	}
	a, ok := s.accounts[appID]
	if !ok {
		return nil, codeInvalidAppID
	}
	if secret != a.AppSecret {
		// 40125 is the documented code for a wrong secret; some real answers have been
		// seen to use 40001 ("invalid credential") instead. Clients must handle both.
		return nil, codeInvalidAppSecret
	}
	return a, codeOK
}

// serveToken answers GET /cgi-bin/token: each successful call issues a new token.
func (s *Sandbox) serveToken(r *http.Request, q url.Values) answer {
	if r.Method != http.MethodGet {
		return fail(codeRequireGET)
	}
	now := s.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	a, code := s.authenticate(q.Get("grant_type"), q.Get("appid"), q.Get("secret"))
	if code != codeOK {
		return fail(code)
	}
	if code := s.spendQuota(a, pathToken, now); code != codeOK {
		return fail(code)
	}
	t := s.issueClassic(a, now)
	return succeed(tokenAnswer{AccessToken: t.value, ExpiresIn: t.expiresIn(now)})
}

// serveStableToken answers POST /cgi-bin/stable_token (JSON body only).
func (s *Sandbox) serveStableToken(r *http.Request, c *Call) answer {
	if r.Method != http.MethodPost {
		return fail(codeRequirePOST)
	}
	fields, code := readObject(r)
	if code != codeOK {
		return fail(code)
	}
	var (
		grantType, appID, secret string
		force                    bool
	)
	for _, f := range []struct {
		key string
		dst any
	}{{"grant_type", &grantType}, {"appid", &appID}, {"secret", &secret}, {"force_refresh", &force}} {
		if raw, ok := fields[f.key]; ok && json.Unmarshal(raw, f.dst) != nil {
			return fail(codeDataFormat)
		}
	}
	c.AppID = appID
	now := s.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	a, code := s.authenticate(grantType, appID, secret)
	if code != codeOK {
		return fail(code)
	}
	if code := s.spendQuota(a, pathStableToken, now); code != codeOK {
		return fail(code)
	}
	t, code := s.stableToken(a, force, now)
	if code != codeOK {
		return fail(code)
	}
	return succeed(tokenAnswer{AccessToken: t.value, ExpiresIn: t.expiresIn(now)})
}

// serveTicket answers GET /cgi-bin/ticket/getticket?type=jsapi|wx_card.
func (s *Sandbox) serveTicket(r *http.Request, q url.Values) answer {
	if r.Method != http.MethodGet {
		return fail(codeRequireGET)
	}
	now := s.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	a, code := s.checkToken(q.Get("access_token"), now)
	if code != codeOK {
		return fail(code)
	}
	if code := s.spendQuota(a, pathTicket, now); code != codeOK {
		return fail(code)
	}
	typ := q.Get("type")
	if !ticketTypes[typ] {
		return fail(codeInvalidArgs)
	}
	t := s.ticketFor(a, typ, now)
	return succeed(ticketAnswer{Errcode: codeOK, Errmsg: errmsgs[codeOK], Ticket: t.value, ExpiresIn: int64(t.expires.Sub(now) / time.Second)})
}

// serveIPList answers getcallbackip and get_api_domain_ip.
func (s *Sandbox) serveIPList(r *http.Request, q url.Values, ips []string) answer {
	if r.Method != http.MethodGet {
		return fail(codeRequireGET)
	}
	now := s.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	a, code := s.checkToken(q.Get("access_token"), now)
	if code != codeOK {
		return fail(code)
	}
	if code := s.spendQuota(a, r.URL.Path, now); code != codeOK {
		return fail(code)
	}
	return succeed(ipListAnswer{IPList: ips})
}

// serveClearQuota answers POST /cgi-bin/clear_quota {"appid":…} (behaviour.md §1.4).
func (s *Sandbox) serveClearQuota(r *http.Request, q url.Values, c *Call) answer {
	if r.Method != http.MethodPost {
		return fail(codeRequirePOST)
	}
	now := s.Now()
	s.mu.Lock()
	a, code := s.checkToken(q.Get("access_token"), now)
	var tokenAppID string
	if code == codeOK {
		tokenAppID = a.AppID // read under s.mu: AddAccount may replace a.Account
		code = s.spendQuota(a, pathClearQuota, now)
	}
	s.mu.Unlock()
	if code != codeOK {
		return fail(code)
	}
	fields, code := readObject(r)
	if code != codeOK {
		return fail(code)
	}
	var appID string
	if raw, ok := fields["appid"]; ok && json.Unmarshal(raw, &appID) != nil {
		return fail(codeDataFormat)
	}
	if appID == "" {
		return fail(codeAppIDMissing)
	}
	if appID != tokenAppID {
		// The documented body names the token's own account; any other appid is
		// treated as an invalid appid (behaviour.md §1.4, code inferred).
		return fail(codeInvalidAppID)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.accounts[appID] != a { // deleted while the body was read
		return fail(codeInvalidCredential)
	}
	return fail(s.clearQuota(a, now)) // codeOK gives {"errcode":0,"errmsg":"ok"}
}

// readObject reads a JSON object body and returns its members by exact key (the
// platform's keys are case-sensitive, unlike encoding/json's struct matching): 44002
// for an empty body, 47001 for anything that is not one JSON object.
func readObject(r *http.Request) (map[string]json.RawMessage, int) {
	data, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil || len(data) > maxBody {
		return nil, codeDataFormat
	}
	data = bytes.TrimSpace(data)
	if len(data) == 0 {
		return nil, codeEmptyPostData
	}
	if data[0] != '{' {
		return nil, codeDataFormat
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(data, &fields); err != nil {
		return nil, codeDataFormat
	}
	return fields, codeOK
}
