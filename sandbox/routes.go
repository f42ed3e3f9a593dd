package sandbox

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"slices"
	"time"
)

// apiCall is one authenticated call of a domain endpoint, handed to endpoint.serve with
// s.mu held.
type apiCall struct {
	r    *http.Request
	q    url.Values
	body []byte // the request body, read before the lock (bounded by endpoint.maxBody)
	a    *account
	now  time.Time
	call *Call // the call-log entry (serve may fill its fields)
}

// object decodes the body as a JSON object (the platform's POST bodies); code is
// 44002 for an empty body and 47001 for anything that is not an object.
func (c *apiCall) object() (map[string]json.RawMessage, int) {
	data := bytes.TrimSpace(c.body)
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

// decode decodes the body into v (a struct of the platform's JSON shape): 44002 for an
// empty body, 47001 when it is not JSON of that shape.
func (c *apiCall) decode(v any) int {
	data := bytes.TrimSpace(c.body)
	if len(data) == 0 {
		return codeEmptyPostData
	}
	if data[0] != '{' || json.Unmarshal(data, v) != nil {
		return codeDataFormat
	}
	return codeOK
}

// endpoint is a domain API path of the sandbox that takes an access_token: serveDomain
// checks the method, reads the body, checks the token and spends the path's quota before
// calling serve with s.mu held.
type endpoint struct {
	// method is the HTTP method the platform requires (http.MethodGet or MethodPost);
	// "" accepts both.
	method string
	// maxBody bounds the body read; 0 means maxBody (1 MiB). Media uploads raise it.
	maxBody int64
	// serve answers the call; it runs with s.mu held and must not block.
	serve func(s *Sandbox, c *apiCall) answer
}

// domainEndpoints returns every domain endpoint by path. Each domain file registers its
// own paths through its register function.
func domainEndpoints() map[string]endpoint {
	m := make(map[string]endpoint)
	for _, register := range []func(map[string]endpoint){
		registerAudience,
		registerContent,
		registerMenus,
		registerKF,
		registerOutbound,
		registerAnalytics,
		registerSmart,
		registerNontax,
		registerInvoice,
		registerCard,
		registerStores,
		registerGuide,
	} {
		register(m)
	}
	return m
}

// endpoints is the table of domain endpoints, built once.
var endpoints = domainEndpoints()

// ServedPaths returns every API path the sandbox answers (token, OAuth and domain
// endpoints), sorted. The proxy's tests walk it.
func ServedPaths() []string {
	paths := []string{pathToken, pathStableToken, pathTicket, pathCallbackIP, pathAPIDomainIP,
		pathClearQuota, pathCheck, pathAuthorize, pathSNSAccessToken, pathSNSRefresh,
		pathUserinfo, pathSNSAuth}
	for p := range endpoints {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	return paths
}

// serveDomain answers a domain endpoint e: method, body, access_token and quota first
// (in the platform's order: a wrong method is refused before the token is looked at).
func (s *Sandbox) serveDomain(e endpoint, r *http.Request, q url.Values, c *Call) answer {
	if e.method != "" && r.Method != e.method {
		if e.method == http.MethodPost {
			return fail(codeRequirePOST)
		}
		return fail(codeRequireGET)
	}
	limit := e.maxBody
	if limit <= 0 {
		limit = maxBody
	}
	var body []byte
	if r.Body != nil {
		data, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
		if err != nil {
			return fail(codeDataFormat)
		}
		if int64(len(data)) > limit {
			return fail(codeDataFormat)
		}
		body = data
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
	return e.serve(s, &apiCall{r: r, q: q, body: body, a: a, now: now, call: c})
}
