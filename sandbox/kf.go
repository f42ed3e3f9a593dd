package sandbox

// This file emulates the customer-service (客服) account, session and message-record
// endpoints: behaviour.md §2.3 and §2.4.

import (
	"bytes"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// API paths of the customer-service endpoints.
const (
	pathKfList          = "/cgi-bin/customservice/getkflist"
	pathKfOnlineList    = "/cgi-bin/customservice/getonlinekflist"
	pathKfAdd           = "/customservice/kfaccount/add"
	pathKfUpdate        = "/customservice/kfaccount/update"
	pathKfDel           = "/customservice/kfaccount/del"
	pathKfInvite        = "/customservice/kfaccount/inviteworker"
	pathKfUploadHeadImg = "/customservice/kfaccount/uploadheadimg"
	pathKfSessionCreate = "/customservice/kfsession/create"
	pathKfSessionClose  = "/customservice/kfsession/close"
	pathKfGetSession    = "/customservice/kfsession/getsession"
	pathKfSessionList   = "/customservice/kfsession/getsessionlist"
	pathKfWaitCase      = "/customservice/kfsession/getwaitcase"
	pathKfMsgList       = "/customservice/msgrecord/getmsglist"
)

// Customer-service limits (behaviour.md §2.3, §2.4 and §5).
const (
	maxKfAccounts       = 100
	maxKfPrefixLen      = 10
	maxKfAccountLen     = 30
	maxKfNickname       = 16
	maxKfHeadImgBytes   = 5 << 20
	maxKfWaitCaseList   = 100
	maxKfMsgListNumber  = 10000
	maxKfMsgListSeconds = 24 * 60 * 60
	// kfSessionIdle is how long a session may go without a message before the platform
	// closes it. behaviour.md §2.4 says "a session the agent has not closed for 30 min
	// ends automatically"; the sandbox reads the 30 minutes as measured since the
	// session's last message (either way, or its creation when it has none), the
	// platform's idle timeout: a conversation still going on is not cut in the middle.
	// A session closed this way pushes kf_close_session when it is next looked at (the
	// check is lazy, on the simulated clock).
	kfSessionIdle = 30 * time.Minute
	// kfInviteLifetime is how long an invitation waits: sandbox choice (Q9, 7 days).
	kfInviteLifetime = 7 * 24 * time.Hour
	// kfDefaultAutoAccept is the auto_accept of an agent signed in without one.
	kfDefaultAutoAccept = 3
	// Record operation codes.
	kfOpAgentSent     = 2002
	kfOpAgentReceived = 2003
)

var (
	kfPrefixPattern = regexp.MustCompile(`^[A-Za-z0-9_]{1,10}$`)
	// kfWeChatIDPattern is the syntax of a WeChat ID: 6 to 20 letters, digits, "_" or
	// "-", starting with a letter.
	kfWeChatIDPattern = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_-]{5,19}$`)
)

// Invitation states of getkflist's invite_status.
const (
	kfInviteWaiting  = "waiting"
	kfInviteRejected = "rejected"
	kfInviteExpired  = "expired"
)

// kfAccount is one customer-service account.
type kfAccount struct {
	name, nick, id, headImgURL string
	wx                         string // bound WeChat ID; "" while unbound
	inviteWx, inviteStatus     string
	inviteExpire               time.Time
	online                     bool
	autoAccept                 int
}

// kfSession is a user's session with an agent.
type kfSession struct {
	openID, worker string
	created, last  time.Time
}

// kfWaiting is a user in the waiting queue.
type kfWaiting struct {
	openID string
	latest time.Time
}

// kfRecord is one message record.
type kfRecord struct {
	openID, worker, text string
	opercode             int
	time                 time.Time
}

// kfState is the account's customer-service state. Guarded by Sandbox.mu.
type kfState struct {
	accounts []*kfAccount          // creation order
	sessions map[string]*kfSession // by openid
	waiting  []kfWaiting           // arrival order
	records  []kfRecord            // insertion order (time order: the clock only advances)
	nextID   int
	outbox   []kfEvent // session events not yet pushed (kf_events.go)
	flushing bool      // a goroutine is pushing the outbox
}

// registerKF adds the customer-service endpoints to m.
func registerKF(m map[string]endpoint) {
	m[pathKfList] = endpoint{method: http.MethodGet, serve: kfServe((*Sandbox).serveKfList)}
	m[pathKfOnlineList] = endpoint{method: http.MethodGet, serve: kfServe((*Sandbox).serveKfOnlineList)}
	m[pathKfAdd] = endpoint{method: http.MethodPost, serve: kfServe((*Sandbox).serveKfAdd)}
	m[pathKfUpdate] = endpoint{method: http.MethodPost, serve: kfServe((*Sandbox).serveKfUpdate)}
	m[pathKfDel] = endpoint{method: http.MethodGet, serve: kfServe((*Sandbox).serveKfDel)}
	m[pathKfInvite] = endpoint{method: http.MethodPost, serve: kfServe((*Sandbox).serveKfInvite)}
	m[pathKfUploadHeadImg] = endpoint{method: http.MethodPost, maxBody: maxKfHeadImgBytes + 64<<10, serve: kfServe((*Sandbox).serveKfUploadHeadImg)}
	m[pathKfSessionCreate] = endpoint{method: http.MethodPost, serve: kfServe((*Sandbox).serveKfSessionCreate)}
	m[pathKfSessionClose] = endpoint{method: http.MethodPost, serve: kfServe((*Sandbox).serveKfSessionClose)}
	m[pathKfGetSession] = endpoint{method: http.MethodGet, serve: kfServe((*Sandbox).serveKfGetSession)}
	m[pathKfSessionList] = endpoint{method: http.MethodGet, serve: kfServe((*Sandbox).serveKfSessionList)}
	m[pathKfWaitCase] = endpoint{method: http.MethodGet, serve: kfServe((*Sandbox).serveKfWaitCase)}
	m[pathKfMsgList] = endpoint{method: http.MethodPost, serve: kfServe((*Sandbox).serveKfMsgList)}
}

// kfServe wraps a customer-service endpoint: the session events it queued (or the idle
// close it applied) are pushed once the call releases s.mu.
func kfServe(serve func(*Sandbox, *apiCall) answer) func(*Sandbox, *apiCall) answer {
	return func(s *Sandbox, c *apiCall) answer {
		defer s.kfFlush(c.a.AppID)
		return serve(s, c)
	}
}

// sweep applies the passage of time: sessions idle for 30 minutes close and waiting
// invitations past their lifetime expire. Callers hold s.mu.
func (st *kfState) sweep(now time.Time) {
	var ended []*kfSession
	for openID, ss := range st.sessions {
		if now.Sub(ss.last) >= kfSessionIdle {
			delete(st.sessions, openID)
			ended = append(ended, ss)
		}
	}
	slices.SortFunc(ended, func(a, b *kfSession) int {
		if c := a.last.Compare(b.last); c != 0 {
			return c
		}
		return strings.Compare(a.openID, b.openID)
	})
	for _, ss := range ended {
		st.note(kfEventClose, ss.openID, ss.worker)
	}
	for _, k := range st.accounts {
		if k.inviteStatus == kfInviteWaiting && !now.Before(k.inviteExpire) {
			k.inviteStatus = kfInviteExpired
		}
	}
}

// kfState returns a's customer-service state after sweeping it. Callers hold s.mu.
func (a *account) kfNow(now time.Time) *kfState {
	st := &a.kf
	if st.sessions == nil {
		st.sessions = make(map[string]*kfSession)
	}
	st.sweep(now)
	return st
}

func (st *kfState) find(name string) *kfAccount {
	for _, k := range st.accounts {
		if k.name == name {
			return k
		}
	}
	return nil
}

// accepted counts the sessions worker is serving.
func (st *kfState) accepted(worker string) int {
	n := 0
	for _, ss := range st.sessions {
		if ss.worker == worker {
			n++
		}
	}
	return n
}

// validKfAccountName reports whether name is "prefix@wechat_id" within the limits.
// Sandbox choice: the suffix is not compared with the official account's WeChat ID
// (simulated accounts have none); any WeChat-ID-shaped suffix is accepted.
func validKfAccountName(name string) bool {
	prefix, suffix, ok := strings.Cut(name, "@")
	return ok && len(name) <= maxKfAccountLen && kfPrefixPattern.MatchString(prefix) && kfWeChatIDPattern.MatchString(suffix)
}

func validKfNickname(nick string) bool {
	n := utf8.RuneCountInString(nick)
	return utf8.ValidString(nick) && strings.TrimSpace(nick) != "" && n <= maxKfNickname
}

// kfListItem is one item of getkflist.
type kfListItem struct {
	KfAccount        string `json:"kf_account"`
	KfNick           string `json:"kf_nick"`
	KfID             string `json:"kf_id"`
	KfHeadImgURL     string `json:"kf_headimgurl"`
	KfWx             string `json:"kf_wx,omitempty"`
	InviteWx         string `json:"invite_wx,omitempty"`
	InviteExpireTime int64  `json:"invite_expire_time,omitempty"`
	InviteStatus     string `json:"invite_status,omitempty"`
}

func (s *Sandbox) serveKfList(c *apiCall) answer {
	st := c.a.kfNow(c.now)
	list := make([]kfListItem, 0, len(st.accounts))
	for _, k := range st.accounts {
		it := kfListItem{KfAccount: k.name, KfNick: k.nick, KfID: k.id, KfHeadImgURL: k.headImgURL, KfWx: k.wx}
		if k.wx == "" && k.inviteStatus != "" {
			it.InviteWx, it.InviteExpireTime, it.InviteStatus = k.inviteWx, k.inviteExpire.Unix(), k.inviteStatus
		}
		list = append(list, it)
	}
	return succeed(struct {
		KfList []kfListItem `json:"kf_list"`
	}{list})
}

type kfOnlineItem struct {
	KfAccount    string `json:"kf_account"`
	Status       int    `json:"status"`
	KfID         string `json:"kf_id"`
	AutoAccept   int    `json:"auto_accept"`
	AcceptedCase int    `json:"accepted_case"`
}

func (s *Sandbox) serveKfOnlineList(c *apiCall) answer {
	st := c.a.kfNow(c.now)
	list := []kfOnlineItem{}
	for _, k := range st.accounts {
		if k.online {
			list = append(list, kfOnlineItem{KfAccount: k.name, Status: 1, KfID: k.id, AutoAccept: k.autoAccept, AcceptedCase: st.accepted(k.name)})
		}
	}
	return succeed(struct {
		KfOnlineList []kfOnlineItem `json:"kf_online_list"`
	}{list})
}

// kfAccountBody is the body of kfaccount/add and kfaccount/update.
type kfAccountBody struct {
	KfAccount string `json:"kf_account"`
	Nickname  string `json:"nickname"`
}

func (s *Sandbox) serveKfAdd(c *apiCall) answer {
	var body kfAccountBody
	if code := c.decode(&body); code != codeOK {
		return fail(code)
	}
	st := c.a.kfNow(c.now)
	switch {
	case body.KfAccount == "" || body.Nickname == "":
		return fail(codeMissingFields)
	case !validKfAccountName(body.KfAccount):
		return fail(codeKfIllegalAccount)
	case !validKfNickname(body.Nickname):
		return fail(codeKfIllegalNickname)
	case st.find(body.KfAccount) != nil:
		return fail(codeKfAccountExists)
	case len(st.accounts) >= maxKfAccounts:
		return fail(codeKfAccountLimit)
	}
	st.nextID++
	st.accounts = append(st.accounts, &kfAccount{
		name: body.KfAccount, nick: body.Nickname, id: strconv.Itoa(1000 + st.nextID),
		headImgURL: "",
	})
	return fail(codeOK)
}

func (s *Sandbox) serveKfUpdate(c *apiCall) answer {
	var body kfAccountBody
	if code := c.decode(&body); code != codeOK {
		return fail(code)
	}
	st := c.a.kfNow(c.now)
	if body.KfAccount == "" || body.Nickname == "" {
		return fail(codeMissingFields)
	}
	k := st.find(body.KfAccount)
	switch {
	case k == nil:
		return fail(codeKfInvalidAccount)
	case !validKfNickname(body.Nickname):
		return fail(codeKfIllegalNickname)
	}
	k.nick = body.Nickname
	return fail(codeOK)
}

// serveKfDel answers GET kfaccount/del?kf_account=…; the agent's sessions end (sandbox
// choice, behaviour.md §2.3).
func (s *Sandbox) serveKfDel(c *apiCall) answer {
	name := c.q.Get("kf_account")
	st := c.a.kfNow(c.now)
	if name == "" {
		return fail(codeMissingFields)
	}
	i := slices.IndexFunc(st.accounts, func(k *kfAccount) bool { return k.name == name })
	if i < 0 {
		return fail(codeKfInvalidAccount)
	}
	st.accounts = slices.Delete(st.accounts, i, i+1)
	var ended []string
	for openID, ss := range st.sessions {
		if ss.worker == name {
			delete(st.sessions, openID)
			ended = append(ended, openID)
		}
	}
	slices.Sort(ended)
	for _, openID := range ended {
		st.note(kfEventClose, openID, name)
	}
	return fail(codeOK)
}

func (s *Sandbox) serveKfInvite(c *apiCall) answer {
	var body struct {
		KfAccount string `json:"kf_account"`
		InviteWx  string `json:"invite_wx"`
	}
	if code := c.decode(&body); code != codeOK {
		return fail(code)
	}
	st := c.a.kfNow(c.now)
	if body.KfAccount == "" || body.InviteWx == "" {
		return fail(codeMissingFields)
	}
	k := st.find(body.KfAccount)
	switch {
	case k == nil:
		return fail(codeKfInvalidAccount)
	case !kfWeChatIDPattern.MatchString(body.InviteWx):
		return fail(codeKfWeChatInvalid)
	case k.wx != "":
		return fail(codeKfAlreadyBound)
	case k.inviteStatus == kfInviteWaiting:
		return fail(codeKfInvitationExists)
	}
	for _, other := range st.accounts {
		switch {
		case other.wx == body.InviteWx:
			return fail(codeKfAlreadyWorker)
		case other.inviteStatus == kfInviteWaiting && other.inviteWx == body.InviteWx:
			return fail(codeKfAlreadyInvited)
		}
	}
	k.inviteWx, k.inviteStatus, k.inviteExpire = body.InviteWx, kfInviteWaiting, c.now.Add(kfInviteLifetime)
	return fail(codeOK)
}

// serveKfUploadHeadImg answers POST kfaccount/uploadheadimg?kf_account=… with the image
// in the multipart field "media" (at most 5 MB; sandbox choice: JPEG or PNG, else 40005).
func (s *Sandbox) serveKfUploadHeadImg(c *apiCall) answer {
	st := c.a.kfNow(c.now)
	name := c.q.Get("kf_account")
	if name == "" {
		return fail(codeMissingFields)
	}
	k := st.find(name)
	if k == nil {
		return fail(codeKfInvalidAccount)
	}
	data, code := multipartFile(c.r.Header.Get("Content-Type"), c.body, "media", maxKfHeadImgBytes)
	if code != codeOK {
		return fail(code)
	}
	ct := http.DetectContentType(data)
	if ct != "image/jpeg" && ct != "image/png" {
		return fail(codeKfInvalidFileType)
	}
	k.headImgURL = "http://mmbiz.qpic.cn/mmbiz/sandbox" + k.id + s.randAlnum(24) + "/300"
	return fail(codeOK)
}

// multipartFile returns the content of the file part field of a multipart body: 41005
// when there is none, 45001 when it is larger than limit, 47001 for a body that is not
// multipart.
func multipartFile(contentType string, body []byte, field string, limit int64) ([]byte, int) {
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil || mt != "multipart/form-data" || params["boundary"] == "" {
		return nil, codeDataFormat
	}
	mr := multipart.NewReader(bytes.NewReader(body), params["boundary"])
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			return nil, codeKfMediaMissing
		}
		if err != nil {
			return nil, codeDataFormat
		}
		if p.FormName() != field {
			continue
		}
		data, err := io.ReadAll(io.LimitReader(p, limit+1))
		if err != nil {
			return nil, codeDataFormat
		}
		if len(data) == 0 {
			return nil, codeKfMediaMissing
		}
		if int64(len(data)) > limit {
			return nil, codeKfMediaSize
		}
		return data, codeOK
	}
}

// kfSessionBody is the body of kfsession/create and kfsession/close.
type kfSessionBody struct {
	KfAccount string `json:"kf_account"`
	OpenID    string `json:"openid"`
}

// serveKfSessionCreate connects a user to a bound, online agent and pushes
// kf_create_session (kf_events.go). Sandbox choice: the agent's auto_accept does not
// limit sessions created through the API.
func (s *Sandbox) serveKfSessionCreate(c *apiCall) answer {
	var body kfSessionBody
	if code := c.decode(&body); code != codeOK {
		return fail(code)
	}
	st := c.a.kfNow(c.now)
	if body.KfAccount == "" || body.OpenID == "" {
		return fail(codeMissingFields)
	}
	k := st.find(body.KfAccount)
	switch {
	case k == nil:
		return fail(codeKfInvalidAccount)
	case k.wx == "":
		return fail(codeKfNeedBind)
	case !k.online:
		return fail(codeKfNotOnline)
	}
	if _, ok := c.a.users[body.OpenID]; !ok {
		return fail(codeInvalidOpenID)
	}
	if ss, ok := st.sessions[body.OpenID]; ok {
		if ss.worker != k.name {
			return fail(codeKfOtherWorker)
		}
		return fail(codeOK)
	}
	st.startSession(body.OpenID, k.name, c.now)
	return fail(codeOK)
}

// startSession opens a session, takes the user out of the waiting queue and queues
// kf_create_session.
func (st *kfState) startSession(openID, worker string, now time.Time) {
	st.sessions[openID] = &kfSession{openID: openID, worker: worker, created: now, last: now}
	st.note(kfEventCreate, openID, worker)
	st.waiting = slices.DeleteFunc(st.waiting, func(w kfWaiting) bool { return w.openID == openID })
}

func (s *Sandbox) serveKfSessionClose(c *apiCall) answer {
	var body kfSessionBody
	if code := c.decode(&body); code != codeOK {
		return fail(code)
	}
	st := c.a.kfNow(c.now)
	if body.KfAccount == "" || body.OpenID == "" {
		return fail(codeMissingFields)
	}
	if st.find(body.KfAccount) == nil {
		return fail(codeKfInvalidAccount)
	}
	ss, ok := st.sessions[body.OpenID]
	if !ok || ss.worker != body.KfAccount {
		return fail(codeKfNoSession)
	}
	delete(st.sessions, body.OpenID)
	st.note(kfEventClose, body.OpenID, body.KfAccount)
	return fail(codeOK)
}

// serveKfGetSession answers GET kfsession/getsession?openid=…; a user in no session has
// kf_account "" and createtime 0. Sandbox choice: an openid that is not a user of the
// account gives 40003.
func (s *Sandbox) serveKfGetSession(c *apiCall) answer {
	openID := c.q.Get("openid")
	st := c.a.kfNow(c.now)
	if openID == "" {
		return fail(codeOpenIDMissing)
	}
	if _, ok := c.a.users[openID]; !ok {
		return fail(codeInvalidOpenID)
	}
	out := struct {
		Errcode    int    `json:"errcode"`
		Errmsg     string `json:"errmsg"`
		CreateTime int64  `json:"createtime"`
		KfAccount  string `json:"kf_account"`
	}{Errmsg: errmsgs[codeOK]}
	if ss, ok := st.sessions[openID]; ok {
		out.CreateTime, out.KfAccount = ss.created.Unix(), ss.worker
	}
	return succeed(out)
}

type kfSessionItem struct {
	CreateTime int64  `json:"createtime"`
	OpenID     string `json:"openid"`
}

func (s *Sandbox) serveKfSessionList(c *apiCall) answer {
	name := c.q.Get("kf_account")
	st := c.a.kfNow(c.now)
	if name == "" {
		return fail(codeMissingFields)
	}
	if st.find(name) == nil {
		return fail(codeKfInvalidAccount)
	}
	list := []kfSessionItem{}
	for _, ss := range st.sessions {
		if ss.worker == name {
			list = append(list, kfSessionItem{CreateTime: ss.created.Unix(), OpenID: ss.openID})
		}
	}
	slices.SortFunc(list, func(a, b kfSessionItem) int {
		if a.CreateTime != b.CreateTime {
			return int(a.CreateTime - b.CreateTime)
		}
		return strings.Compare(a.OpenID, b.OpenID)
	})
	return succeed(struct {
		SessionList []kfSessionItem `json:"sessionlist"`
	}{list})
}

type kfWaitItem struct {
	LatestTime int64  `json:"latest_time"`
	OpenID     string `json:"openid"`
}

func (s *Sandbox) serveKfWaitCase(c *apiCall) answer {
	st := c.a.kfNow(c.now)
	list := []kfWaitItem{}
	for _, w := range st.waiting {
		if len(list) == maxKfWaitCaseList {
			break
		}
		list = append(list, kfWaitItem{LatestTime: w.latest.Unix(), OpenID: w.openID})
	}
	return succeed(struct {
		Count        int          `json:"count"`
		WaitCaseList []kfWaitItem `json:"waitcaselist"`
	}{len(st.waiting), list})
}

type kfRecordItem struct {
	OpenID   string `json:"openid"`
	Opercode int    `json:"opercode"`
	Text     string `json:"text"`
	Time     int64  `json:"time"`
	Worker   string `json:"worker"`
}

// serveKfMsgList answers POST msgrecord/getmsglist {"starttime","endtime","msgid",
// "number"}: the records with starttime <= time <= endtime (sandbox choice: both ends
// inclusive), numbered from 1 in time order; the page starts at msgid and holds at most
// number records; the answer's msgid is the one to ask for next.
func (s *Sandbox) serveKfMsgList(c *apiCall) answer {
	var body struct {
		StartTime *int64 `json:"starttime"`
		EndTime   *int64 `json:"endtime"`
		MsgID     *int64 `json:"msgid"`
		Number    *int64 `json:"number"`
	}
	if code := c.decode(&body); code != codeOK {
		return fail(code)
	}
	c.a.kfNow(c.now)
	if body.StartTime == nil || body.EndTime == nil || body.MsgID == nil || body.Number == nil {
		return fail(codeKfParamInvalid)
	}
	start, end, msgID, number := *body.StartTime, *body.EndTime, *body.MsgID, *body.Number
	switch {
	case start <= 0 || end < start || msgID < 1 || number < 1 || number > maxKfMsgListNumber:
		return fail(codeKfParamInvalid)
	case end-start > maxKfMsgListSeconds:
		return fail(codeKfTimeRangeTooLong)
	}
	list := []kfRecordItem{}
	var n int64
	for _, r := range c.a.kf.records {
		t := r.time.Unix()
		if t < start || t > end {
			continue
		}
		n++
		if n < msgID {
			continue
		}
		if int64(len(list)) == number {
			break
		}
		list = append(list, kfRecordItem{OpenID: r.openID, Opercode: r.opercode, Text: r.text, Time: t, Worker: r.worker})
	}
	return succeed(struct {
		RecordList []kfRecordItem `json:"recordlist"`
		Number     int            `json:"number"`
		MsgID      int64          `json:"msgid"`
	}{list, len(list), msgID + int64(len(list))})
}
