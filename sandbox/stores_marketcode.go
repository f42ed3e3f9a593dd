package sandbox

// This file emulates 一物一码 (/intp/marketcode/*). An application (applycode) is
// generated one minute of simulated time after it was made (status "PROCESSING", then
// "FINISH"; the platform documents only "FINISH"). Its codes are split into ranges of
// 10,000, each one download package. The package format is the sandbox's own (the
// platform points to a decryption section its page does not have): lines
// "code_index,code,code_url" encrypted with AES-256-CBC under the account's 32-byte
// market-code key ([Sandbox.MarketCodeKey]), the 16-byte IV prepended, PKCS#7 padding,
// then base64 — [DecryptMarketCodes] reverses it. A user scanning an activated code
// ([Sandbox.ScanMarketCode]) brings a code_ticket to the mini-program, which
// tickettocode turns into the code.

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Limits and choices of the market-code endpoints.
const (
	marketCodeUnit        = 10000    // code_count is a multiple of it ("10000 的整数倍")
	marketCodeMax         = 20000000 // code_count at most ("范围 10000-20000000")
	marketCodeRange       = 10000    // codes per generated range (sandbox choice)
	marketCodeISVMax      = 64       // characters of isv_application_id (sandbox bound)
	marketCodeGenerate    = time.Minute
	marketCodeTicketTTL   = 30 * time.Minute // code_ticket lifetime (sandbox choice)
	marketCodeFirstID     = 581865877        // the first application_id (the platform's example)
	marketCodeStatusWait  = "PROCESSING"
	marketCodeStatusDone  = "FINISH"
	marketCodeTextMax     = 128 // characters of the activation's text fields (sandbox bound)
	marketCodeCodeLen     = 9   // "九位的字符串原始码"
	marketCodeURLLen      = 28  // "28位普通码字符"
	marketCodeSeqDigits   = 3   // base-36 digits of the application's sequence in a code
	marketCodeIndexDigits = 6   // base-36 digits of the index in a code
)

// storesMarketCodeState is the account's 一物一码 applications.
type storesMarketCodeState struct {
	apps    map[int64]*marketCodeApp
	byISV   map[string]int64
	bySeq   []int64 // application ids by sequence number - 1
	nextID  int64
	key     []byte // the account's package key (32 bytes), made on first use
	tickets map[string]marketCodeTicket
}

// marketCodeApp is one application.
type marketCodeApp struct {
	id          int64
	isv         string
	count       int64
	seq         int
	created     time.Time
	activations []marketCodeActivation
}

// marketCodeActivation is one codeactive call.
type marketCodeActivation struct {
	start, end   int64
	ActivityName string `json:"activity_name"`
	ProductBrand string `json:"product_brand"`
	ProductTitle string `json:"product_title"`
	ProductCode  string `json:"product_code"`
	WxaAppID     string `json:"wxa_appid"`
	WxaPath      string `json:"wxa_path"`
	WxaType      int    `json:"wxa_type"`
}

// marketCodeTicket is a code_ticket a scan produced.
type marketCodeTicket struct {
	openID  string
	appID   int64
	index   int64
	expires time.Time
}

func (a *marketCodeApp) status(now time.Time) string {
	if now.Sub(a.created) >= marketCodeGenerate {
		return marketCodeStatusDone
	}
	return marketCodeStatusWait
}

// activation returns the latest activation covering index (later calls win).
func (a *marketCodeApp) activation(index int64) (marketCodeActivation, bool) {
	for i := len(a.activations) - 1; i >= 0; i-- {
		if act := a.activations[i]; index >= act.start && index <= act.end {
			return act, true
		}
	}
	return marketCodeActivation{}, false
}

// keyOf returns the account's package key, making it on first use. Callers hold s.mu.
func (s *Sandbox) marketCodeKey(st *storesMarketCodeState) []byte {
	if st.key == nil {
		st.key = make([]byte, 32)
		for i := range st.key {
			st.key[i] = byte(s.rng.IntN(256))
		}
	}
	return st.key
}

// code is the 9-character code of index of application a.
func marketCodeOf(a *marketCodeApp, index int64) string {
	seq := strconv.FormatInt(int64(a.seq), 36)
	idx := strconv.FormatInt(index, 36)
	return strings.Repeat("0", marketCodeSeqDigits-len(seq)) + seq + strings.Repeat("0", marketCodeIndexDigits-len(idx)) + idx
}

// marketCodeURL is the 28-character code string of code: a keyed digest prefix and the
// code.
func marketCodeURL(key []byte, code string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(code))
	return hex.EncodeToString(m.Sum(nil))[:marketCodeURLLen-marketCodeCodeLen] + code
}

// find resolves a code to its application and index.
func (st *storesMarketCodeState) find(code string) (*marketCodeApp, int64, bool) {
	if len(code) != marketCodeCodeLen {
		return nil, 0, false
	}
	seq, err1 := strconv.ParseInt(code[:marketCodeSeqDigits], 36, 64)
	idx, err2 := strconv.ParseInt(code[marketCodeSeqDigits:], 36, 64)
	if err1 != nil || err2 != nil || seq < 1 || int(seq) > len(st.bySeq) || strings.ToLower(code) != code {
		return nil, 0, false
	}
	a := st.apps[st.bySeq[seq-1]]
	if idx >= a.count {
		return nil, 0, false
	}
	return a, idx, true
}

// findURL resolves a code_url.
func (st *storesMarketCodeState) findURL(key []byte, u string) (*marketCodeApp, int64, bool) {
	if len(u) != marketCodeURLLen {
		return nil, 0, false
	}
	code := u[marketCodeURLLen-marketCodeCodeLen:]
	a, idx, ok := st.find(code)
	if !ok || !hmac.Equal([]byte(marketCodeURL(key, code)), []byte(u)) {
		return nil, 0, false
	}
	return a, idx, true
}

func (s *Sandbox) serveMarketCodeApply(c *apiCall) answer {
	var req struct {
		CodeCount        *int64 `json:"code_count"`
		IsvApplicationID string `json:"isv_application_id"`
	}
	if code := c.decode(&req); code != codeOK {
		return fail(code)
	}
	if req.CodeCount == nil || req.IsvApplicationID == "" {
		return storesFailMsg(codeMissingFields, "code_count and isv_application_id")
	}
	// The platform states the limits but gives no code: 40097.
	if n := *req.CodeCount; n < marketCodeUnit || n > marketCodeMax || n%marketCodeUnit != 0 {
		return storesFailMsg(codeInvalidArgs, "code_count must be a multiple of 10000 from 10000 to 20000000")
	}
	if len([]rune(req.IsvApplicationID)) > marketCodeISVMax || checkText("isv_application_id", req.IsvApplicationID) != nil {
		return storesFailMsg(codeInvalidArgs, "isv_application_id")
	}
	st := &c.a.stores.marketCode
	if id, ok := st.byISV[req.IsvApplicationID]; ok {
		// "相同 isv_application_id 视为同一申请单".
		if st.apps[id].count != *req.CodeCount {
			return storesFailMsg(codeInvalidArgs, "isv_application_id already names an application of another code_count")
		}
		return marketCodeApplied(id)
	}
	if st.apps == nil {
		st.apps, st.byISV, st.nextID = make(map[int64]*marketCodeApp), make(map[string]int64), marketCodeFirstID
	}
	if len(st.bySeq)+1 >= 36*36*36 {
		return storesFailMsg(codeInvalidArgs, "too many applications for the sandbox")
	}
	a := &marketCodeApp{id: st.nextID, isv: req.IsvApplicationID, count: *req.CodeCount, seq: len(st.bySeq) + 1, created: c.now}
	st.nextID++
	st.apps[a.id], st.byISV[a.isv] = a, a.id
	st.bySeq = append(st.bySeq, a.id)
	return marketCodeApplied(a.id)
}

func marketCodeApplied(id int64) answer {
	return succeed(struct {
		envelope
		ApplicationID int64 `json:"application_id"`
	}{envelope{Errmsg: "ok"}, id})
}

// marketCodeRangeJSON is an element of code_generate_list.
type marketCodeRangeJSON struct {
	CodeStart int64 `json:"code_start"`
	CodeEnd   int64 `json:"code_end"`
}

func (s *Sandbox) serveMarketCodeQuery(c *apiCall) answer {
	fields, code := c.object()
	if code != codeOK {
		return fail(code)
	}
	st := &c.a.stores.marketCode
	var a *marketCodeApp
	if raw, ok := fields["application_id"]; ok && storesPresent(raw) {
		id, ok := storesID(raw)
		if !ok {
			return storesFailMsg(codeInvalidArgs, "application_id")
		}
		a = st.apps[id]
	} else if raw, ok := fields["isv_application_id"]; ok && storesPresent(raw) {
		var isv string
		if json.Unmarshal(raw, &isv) != nil {
			return fail(codeDataFormat)
		}
		if id, ok := st.byISV[isv]; ok {
			a = st.apps[id]
		}
	} else {
		return storesFailMsg(codeMissingFields, "application_id or isv_application_id")
	}
	if a == nil {
		return storesFailMsg(codeInvalidArgs, "no such application")
	}
	status := a.status(c.now)
	ranges := []marketCodeRangeJSON{}
	update := a.created
	if status == marketCodeStatusDone {
		for lo := int64(0); lo < a.count; lo += marketCodeRange {
			ranges = append(ranges, marketCodeRangeJSON{lo, min(lo+marketCodeRange, a.count) - 1})
		}
		update = a.created.Add(marketCodeGenerate)
	}
	return succeed(struct {
		envelope
		Status           string                `json:"status"`
		ApplicationID    int64                 `json:"application_id"`
		IsvApplicationID string                `json:"isv_application_id"`
		CodeGenerateList []marketCodeRangeJSON `json:"code_generate_list"`
		CreateTime       int64                 `json:"create_time"`
		UpdateTime       int64                 `json:"update_time"`
	}{envelope{Errmsg: "ok"}, status, a.id, a.isv, ranges, a.created.Unix(), update.Unix()})
}

// marketCodeRangeOf decodes application_id, code_start and code_end and checks them
// against a finished application: 41011 missing, 40097 otherwise (no documented code).
func (st *storesMarketCodeState) rangeOf(c *apiCall, appID, start, end *int64) (*marketCodeApp, answer, bool) {
	if appID == nil || start == nil || end == nil {
		return nil, storesFailMsg(codeMissingFields, "application_id, code_start and code_end"), false
	}
	a := st.apps[*appID]
	switch {
	case a == nil:
		return nil, storesFailMsg(codeInvalidArgs, "no such application"), false
	case a.status(c.now) != marketCodeStatusDone:
		return nil, storesFailMsg(codeInvalidArgs, "the application is not FINISH"), false
	case *start < 0 || *end < *start || *end >= a.count:
		return nil, storesFailMsg(codeInvalidArgs, "code_start and code_end must lie inside the application"), false
	}
	return a, answer{}, true
}

func (s *Sandbox) serveMarketCodeDownload(c *apiCall) answer {
	var req struct {
		ApplicationID *int64 `json:"application_id"`
		CodeStart     *int64 `json:"code_start"`
		CodeEnd       *int64 `json:"code_end"`
	}
	if code := c.decode(&req); code != codeOK {
		return fail(code)
	}
	st := &c.a.stores.marketCode
	a, ans, ok := st.rangeOf(c, req.ApplicationID, req.CodeStart, req.CodeEnd)
	if !ok {
		return ans
	}
	if *req.CodeStart/marketCodeRange != *req.CodeEnd/marketCodeRange {
		return storesFailMsg(codeInvalidArgs, "a package is at most one range of code_generate_list")
	}
	key := s.marketCodeKey(st)
	var plain bytes.Buffer
	for i := *req.CodeStart; i <= *req.CodeEnd; i++ {
		code := marketCodeOf(a, i)
		fmt.Fprintf(&plain, "%d,%s,%s\n", i, code, marketCodeURL(key, code))
	}
	iv := make([]byte, aes.BlockSize)
	for i := range iv {
		iv[i] = byte(s.rng.IntN(256))
	}
	return succeed(struct {
		envelope
		Buffer string `json:"buffer"`
	}{envelope{Errmsg: "ok"}, base64.StdEncoding.EncodeToString(marketCodeEncrypt(key, iv, plain.Bytes()))})
}

// marketCodeEncrypt is AES-256-CBC with PKCS#7 padding, the IV prepended.
func marketCodeEncrypt(key, iv, plain []byte) []byte {
	block, _ := aes.NewCipher(key) // the key is always 32 bytes
	pad := aes.BlockSize - len(plain)%aes.BlockSize
	data := append(bytes.Clone(plain), bytes.Repeat([]byte{byte(pad)}, pad)...)
	out := make([]byte, aes.BlockSize+len(data))
	copy(out, iv)
	cipher.NewCBCEncrypter(block, iv).CryptBlocks(out[aes.BlockSize:], data)
	return out
}

// MarketCode is one code of a downloaded package.
type MarketCode struct {
	// Index is the code's index in its application.
	Index int64
	// Code is the 9-character code.
	Code string
	// CodeURL is the 28-character code string printed in the QR code.
	CodeURL string
}

// DecryptMarketCodes decrypts a package of applycodedownload (the buffer,
// base64-decoded) with the account's key from [Sandbox.MarketCodeKey] and returns its
// codes. An error says the package is malformed or the key wrong.
func DecryptMarketCodes(key, pkg []byte) ([]MarketCode, error) {
	block, err := aes.NewCipher(key)
	if err != nil || len(key) != 32 {
		return nil, &ArgumentError{Field: "key", Reason: "must be 32 bytes"}
	}
	if len(pkg) < 2*aes.BlockSize || len(pkg)%aes.BlockSize != 0 {
		return nil, &ArgumentError{Field: "package", Reason: "is not an IV and whole AES blocks"}
	}
	data := make([]byte, len(pkg)-aes.BlockSize)
	cipher.NewCBCDecrypter(block, pkg[:aes.BlockSize]).CryptBlocks(data, pkg[aes.BlockSize:])
	pad := int(data[len(data)-1])
	if pad < 1 || pad > aes.BlockSize || !bytes.Equal(data[len(data)-pad:], bytes.Repeat([]byte{byte(pad)}, pad)) {
		return nil, &ArgumentError{Field: "package", Reason: "has bad padding (wrong key?)"}
	}
	var codes []MarketCode
	for _, line := range strings.Split(strings.TrimSuffix(string(data[:len(data)-pad]), "\n"), "\n") {
		parts := strings.Split(line, ",")
		if len(parts) != 3 {
			return nil, &ArgumentError{Field: "package", Reason: "has a malformed line"}
		}
		idx, err := strconv.ParseInt(parts[0], 10, 64)
		if err != nil {
			return nil, &ArgumentError{Field: "package", Reason: "has a malformed index"}
		}
		codes = append(codes, MarketCode{Index: idx, Code: parts[1], CodeURL: parts[2]})
	}
	return codes, nil
}

// MarketCodeKey returns the account appID's 32-byte 一物一码 package key (the sandbox
// makes one per account). Errors: [ErrUnknownAccount].
func (s *Sandbox) MarketCodeKey(appID string) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.accounts[appID]
	if !ok {
		return nil, unknownAccount(appID)
	}
	return bytes.Clone(s.marketCodeKey(&a.stores.marketCode)), nil
}

func (s *Sandbox) serveMarketCodeActive(c *apiCall) answer {
	var req struct {
		ApplicationID *int64 `json:"application_id"`
		ActivityName  string `json:"activity_name"`
		ProductBrand  string `json:"product_brand"`
		ProductTitle  string `json:"product_title"`
		ProductCode   string `json:"product_code"`
		WxaAppID      string `json:"wxa_appid"`
		WxaPath       string `json:"wxa_path"`
		WxaType       *int   `json:"wxa_type"`
		CodeStart     *int64 `json:"code_start"`
		CodeEnd       *int64 `json:"code_end"`
	}
	if code := c.decode(&req); code != codeOK {
		return fail(code)
	}
	for _, v := range []string{req.ActivityName, req.ProductBrand, req.ProductTitle, req.ProductCode, req.WxaAppID, req.WxaPath} {
		if strings.TrimSpace(v) == "" {
			return storesFailMsg(codeMissingFields, "activity_name, product_brand, product_title, product_code, wxa_appid and wxa_path are required")
		}
		if len([]rune(v)) > marketCodeTextMax || checkText("field", v) != nil {
			return storesFailMsg(codeInvalidArgs, "a text field is too long")
		}
	}
	wxaType := 0
	if req.WxaType != nil {
		wxaType = *req.WxaType
	}
	if wxaType < 0 || wxaType > 2 {
		return storesFailMsg(codeInvalidArgs, "wxa_type must be 0, 1 or 2")
	}
	st := &c.a.stores.marketCode
	a, ans, ok := st.rangeOf(c, req.ApplicationID, req.CodeStart, req.CodeEnd)
	if !ok {
		return ans
	}
	a.activations = append(a.activations, marketCodeActivation{start: *req.CodeStart, end: *req.CodeEnd,
		ActivityName: req.ActivityName, ProductBrand: req.ProductBrand, ProductTitle: req.ProductTitle,
		ProductCode: req.ProductCode, WxaAppID: req.WxaAppID, WxaPath: req.WxaPath, WxaType: wxaType})
	return succeed(envelope{Errmsg: "ok"})
}

// marketCodeInfo is the answer of codeactivequery and tickettocode: the code, and the
// activation's fields when it is activated.
type marketCodeInfo struct {
	envelope
	Code             string `json:"code"`
	ApplicationID    int64  `json:"application_id"`
	IsvApplicationID string `json:"isv_application_id"`
	CodeStart        *int64 `json:"code_start,omitempty"`
	CodeEnd          *int64 `json:"code_end,omitempty"`
	*marketCodeActivation
	Openid string `json:"openid,omitempty"`
}

func marketCodeAnswer(a *marketCodeApp, index int64) marketCodeInfo {
	info := marketCodeInfo{envelope: envelope{Errmsg: "ok"}, Code: marketCodeOf(a, index), ApplicationID: a.id, IsvApplicationID: a.isv}
	if act, ok := a.activation(index); ok {
		info.CodeStart, info.CodeEnd, info.marketCodeActivation = &act.start, &act.end, &act
	}
	return info
}

func (s *Sandbox) serveMarketCodeActiveQuery(c *apiCall) answer {
	var req struct {
		ApplicationID *int64 `json:"application_id"`
		CodeIndex     *int64 `json:"code_index"`
		CodeURL       string `json:"code_url"`
		Code          string `json:"code"`
	}
	if code := c.decode(&req); code != codeOK {
		return fail(code)
	}
	st := &c.a.stores.marketCode
	var (
		a   *marketCodeApp
		idx int64
		ok  bool
	)
	switch {
	case req.ApplicationID != nil:
		if req.CodeIndex == nil {
			return storesFailMsg(codeMissingFields, "code_index is required with application_id")
		}
		a, idx = st.apps[*req.ApplicationID], *req.CodeIndex
		ok = a != nil && idx >= 0 && idx < a.count
	case req.Code != "":
		a, idx, ok = st.find(req.Code)
	case req.CodeURL != "":
		a, idx, ok = st.findURL(s.marketCodeKey(st), req.CodeURL)
	default:
		return storesFailMsg(codeMissingFields, "application_id and code_index, code or code_url")
	}
	if !ok {
		return storesFailMsg(codeInvalidArgs, "no such code")
	}
	if a.status(c.now) != marketCodeStatusDone {
		return storesFailMsg(codeInvalidArgs, "the application is not FINISH")
	}
	return succeed(marketCodeAnswer(a, idx))
}

func (s *Sandbox) serveMarketCodeTicketToCode(c *apiCall) answer {
	var req struct {
		OpenID     string `json:"openid"`
		CodeTicket string `json:"code_ticket"`
	}
	if code := c.decode(&req); code != codeOK {
		return fail(code)
	}
	if req.OpenID == "" || req.CodeTicket == "" {
		return storesFailMsg(codeMissingFields, "openid and code_ticket")
	}
	st := &c.a.stores.marketCode
	t, ok := st.tickets[req.CodeTicket]
	if !ok || !c.now.Before(t.expires) {
		return storesFailMsg(codeInvalidArgs, "invalid code_ticket")
	}
	if t.openID != req.OpenID {
		return fail(codeInvalidOpenID)
	}
	info := marketCodeAnswer(st.apps[t.appID], t.index)
	info.Openid = t.openID
	return succeed(info)
}

// ScanMarketCode makes the user openID scan the code (the 9-character code or the
// 28-character code_url) of the account appID: the platform opens the activated
// mini-program page with a code_ticket, which this returns. Tickets live 30 minutes of
// simulated time. Errors: [ErrUnknownAccount]; an [*ArgumentError] for a malformed
// openid, an unknown code or one that is not activated.
func (s *Sandbox) ScanMarketCode(appID, openID, code string) (string, error) {
	if openID == "" || len(openID) > maxOpenIDLen || strings.Trim(openID, alphabet) != "" {
		return "", &ArgumentError{Field: "openid", Reason: "must be 1 to " + strconv.Itoa(maxOpenIDLen) + " characters of [A-Za-z0-9_-]"}
	}
	now := s.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	acc, ok := s.accounts[appID]
	if !ok {
		return "", unknownAccount(appID)
	}
	st := &acc.stores.marketCode
	a, idx, found := st.find(code)
	if !found {
		a, idx, found = st.findURL(s.marketCodeKey(st), code)
	}
	if !found {
		return "", &ArgumentError{Field: "code", Reason: "is not a code of " + appID}
	}
	if _, active := a.activation(idx); !active || a.status(now) != marketCodeStatusDone {
		return "", &ArgumentError{Field: "code", Reason: "is not activated"}
	}
	if st.tickets == nil {
		st.tickets = make(map[string]marketCodeTicket)
	}
	for k, t := range st.tickets {
		if !now.Before(t.expires) {
			delete(st.tickets, k)
		}
	}
	ticket := s.randAlnum(32)
	st.tickets[ticket] = marketCodeTicket{openID: openID, appID: a.id, index: idx, expires: now.Add(marketCodeTicketTTL)}
	return ticket, nil
}
