package messaging

// This file holds the customer-service (客服) operations: agent accounts, sessions and
// message records (behaviour.md §2.3, §2.4). Inputs are checked before anything is sent.

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"google.golang.org/protobuf/types/known/timestamppb"

	messagingv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/messaging/v1"
	"github.com/wxsuite/wxsuite/internal/platform/config"
	"github.com/wxsuite/wxsuite/internal/wechat"
)

// Customer-service limits of the platform (behaviour.md §2.3, §2.4).
const (
	maxKfAccountLen   = 30
	maxKfNickname     = 16
	maxKfAvatarBytes  = 5 << 20
	maxKfRecordNumber = 10000
	// kfRecordWindow is the longest range one getmsglist call may cover; windows are
	// one second shorter so that they do not overlap whether or not the platform counts
	// the end second.
	kfRecordWindow = 24 * time.Hour
	// maxKfRecordRange bounds a StreamKfMessageRecords range (31 windows).
	maxKfRecordRange = 31 * 24 * time.Hour
)

var (
	// kfAccountPattern is "prefix@wechat_id": a prefix of 1 to 10 of [A-Za-z0-9_] and a
	// WeChat ID of 1 to 20 of [A-Za-z0-9_-].
	kfAccountPattern = regexp.MustCompile(`^[A-Za-z0-9_]{1,10}@[A-Za-z0-9_-]{1,20}$`)
	kfWeChatID       = regexp.MustCompile(`^[A-Za-z0-9_-]{1,20}$`)
)

// CustomerService manages customer-service agents, sessions and records through the
// shared WeChat client.
type CustomerService struct {
	wx       *wechat.Client
	accounts config.Accounts
}

// NewCustomerService returns the customer-service operations for the configured
// accounts.
func NewCustomerService(wx *wechat.Client, accounts config.Accounts) *CustomerService {
	return &CustomerService{wx: wx, accounts: accounts}
}

func checkKfAccount(field, name string) error {
	switch {
	case name == "":
		return argErr(field, "is required")
	case utf8.RuneCountInString(name) > maxKfAccountLen:
		return argErr(field, "is %d characters; at most %d", utf8.RuneCountInString(name), maxKfAccountLen)
	case !kfAccountPattern.MatchString(name):
		return argErr(field, `must be "prefix@wechat_id": a prefix of 1 to 10 of [A-Za-z0-9_], "@", the official account's WeChat ID`)
	}
	return nil
}

func checkKfNickname(field, nick string) error {
	switch n := utf8.RuneCountInString(nick); {
	case strings.TrimSpace(nick) == "":
		return argErr(field, "is required")
	case n > maxKfNickname:
		return argErr(field, "is %d characters; at most %d", n, maxKfNickname)
	}
	return nil
}

func checkKfOpenID(field, openID string) error {
	if !isOpenID(openID) {
		if openID == "" {
			return argErr(field, "is required")
		}
		return argErr(field, "must be an openid (1 to 64 of [A-Za-z0-9_-])")
	}
	return nil
}

// wxKfAccount is an item of getkflist.
type wxKfAccount struct {
	KfAccount        string `json:"kf_account"`
	KfNick           string `json:"kf_nick"`
	KfID             wxText `json:"kf_id"`
	KfHeadImgURL     string `json:"kf_headimgurl"`
	KfHeadImg        string `json:"kf_headimg"` // older answers
	KfWx             string `json:"kf_wx"`
	InviteWx         string `json:"invite_wx"`
	InviteExpireTime int64  `json:"invite_expire_time"`
	InviteStatus     string `json:"invite_status"`
}

var kfInviteStatuses = map[string]messagingv1.KfInviteStatus{
	"waiting":  messagingv1.KfInviteStatus_KF_INVITE_STATUS_WAITING,
	"rejected": messagingv1.KfInviteStatus_KF_INVITE_STATUS_REJECTED,
	"expired":  messagingv1.KfInviteStatus_KF_INVITE_STATUS_EXPIRED,
}

func kfUnixTime(sec int64) *timestamppb.Timestamp {
	if sec <= 0 {
		return nil
	}
	return timestamppb.New(time.Unix(sec, 0))
}

// ListAccounts lists the agent accounts.
func (s *CustomerService) ListAccounts(ctx context.Context, appID string) ([]*messagingv1.KfAccount, error) {
	if err := checkManage(s.wx, s.accounts, appID); err != nil {
		return nil, err
	}
	var out struct {
		KfList []wxKfAccount `json:"kf_list"`
	}
	if err := s.wx.Do(ctx, &wechat.Request{AppID: appID, Path: "/cgi-bin/customservice/getkflist"}, &out); err != nil {
		return nil, fmt.Errorf("list kf accounts: %w", err)
	}
	list := make([]*messagingv1.KfAccount, 0, len(out.KfList))
	for _, k := range out.KfList {
		head := k.KfHeadImgURL
		if head == "" {
			head = k.KfHeadImg
		}
		list = append(list, &messagingv1.KfAccount{
			KfAccount: k.KfAccount, Nickname: k.KfNick, KfId: string(k.KfID), Headimgurl: head, KfWx: k.KfWx,
			InviteWx: k.InviteWx, InviteExpireTime: kfUnixTime(k.InviteExpireTime), InviteStatus: kfInviteStatuses[k.InviteStatus],
		})
	}
	return list, nil
}

// ListOnline lists the online agents.
func (s *CustomerService) ListOnline(ctx context.Context, appID string) ([]*messagingv1.KfOnlineAccount, error) {
	if err := checkManage(s.wx, s.accounts, appID); err != nil {
		return nil, err
	}
	var out struct {
		KfOnlineList []struct {
			KfAccount    string `json:"kf_account"`
			Status       int32  `json:"status"`
			KfID         wxText `json:"kf_id"`
			AutoAccept   int32  `json:"auto_accept"`
			AcceptedCase int32  `json:"accepted_case"`
		} `json:"kf_online_list"`
	}
	if err := s.wx.Do(ctx, &wechat.Request{AppID: appID, Path: "/cgi-bin/customservice/getonlinekflist"}, &out); err != nil {
		return nil, fmt.Errorf("list online kf accounts: %w", err)
	}
	list := make([]*messagingv1.KfOnlineAccount, 0, len(out.KfOnlineList))
	for _, k := range out.KfOnlineList {
		list = append(list, &messagingv1.KfOnlineAccount{
			KfAccount: k.KfAccount, Status: k.Status, KfId: string(k.KfID), AutoAccept: k.AutoAccept, AcceptedCase: k.AcceptedCase,
		})
	}
	return list, nil
}

// post sends a JSON body to path and expects errcode 0.
func (s *CustomerService) post(ctx context.Context, appID, path string, body any, what string) error {
	if err := s.wx.Do(ctx, &wechat.Request{AppID: appID, Method: http.MethodPost, Path: path, Body: body}, nil); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// CreateAccount adds an agent account.
func (s *CustomerService) CreateAccount(ctx context.Context, appID, kfAccount, nickname string) error {
	if err := checkManage(s.wx, s.accounts, appID); err != nil {
		return err
	}
	if err := checkKfAccount("kf_account", kfAccount); err != nil {
		return err
	}
	if err := checkKfNickname("nickname", nickname); err != nil {
		return err
	}
	return s.post(ctx, appID, "/customservice/kfaccount/add", map[string]string{"kf_account": kfAccount, "nickname": nickname}, "add kf account")
}

// UpdateAccount changes an agent's nickname.
func (s *CustomerService) UpdateAccount(ctx context.Context, appID, kfAccount, nickname string) error {
	if err := checkManage(s.wx, s.accounts, appID); err != nil {
		return err
	}
	if err := checkKfAccount("kf_account", kfAccount); err != nil {
		return err
	}
	if err := checkKfNickname("nickname", nickname); err != nil {
		return err
	}
	return s.post(ctx, appID, "/customservice/kfaccount/update", map[string]string{"kf_account": kfAccount, "nickname": nickname}, "update kf account")
}

// InviteWorker invites a WeChat user to bind an agent account.
func (s *CustomerService) InviteWorker(ctx context.Context, appID, kfAccount, inviteWx string) error {
	if err := checkManage(s.wx, s.accounts, appID); err != nil {
		return err
	}
	if err := checkKfAccount("kf_account", kfAccount); err != nil {
		return err
	}
	if !kfWeChatID.MatchString(inviteWx) {
		if inviteWx == "" {
			return argErr("invite_wx", "is required")
		}
		return argErr("invite_wx", "must be a WeChat ID (1 to 20 of [A-Za-z0-9_-])")
	}
	return s.post(ctx, appID, "/customservice/kfaccount/inviteworker", map[string]string{"kf_account": kfAccount, "invite_wx": inviteWx}, "invite kf worker")
}

// UploadAvatar uploads an agent's avatar (JPEG or PNG, at most 5 MB) as the multipart
// field "media".
func (s *CustomerService) UploadAvatar(ctx context.Context, appID, kfAccount string, image []byte, filename string) error {
	if err := checkManage(s.wx, s.accounts, appID); err != nil {
		return err
	}
	if err := checkKfAccount("kf_account", kfAccount); err != nil {
		return err
	}
	if len(image) == 0 {
		return argErr("image", "is required")
	}
	if len(image) > maxKfAvatarBytes {
		return argErr("image", "is %d bytes; at most %d (5 MB)", len(image), maxKfAvatarBytes)
	}
	var ext, ctype string
	switch http.DetectContentType(image) {
	case "image/jpeg":
		ext, ctype = ".jpg", "image/jpeg"
	case "image/png":
		ext, ctype = ".png", "image/png"
	default:
		return argErr("image", "must be a JPEG or PNG image")
	}
	if filename == "" {
		filename = "avatar" + ext
	}
	if len(filename) > 128 || strings.ContainsAny(filename, "\"\\/\r\n") {
		return argErr("filename", "must be a plain file name of at most 128 bytes")
	}
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	h := make(textproto.MIMEHeader)
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="media"; filename="%s"`, filename))
	h.Set("Content-Type", ctype)
	part, err := mw.CreatePart(h)
	if err != nil {
		return fmt.Errorf("build avatar upload: %w", err)
	}
	_, _ = part.Write(image) // writes to a bytes.Buffer do not fail
	if err := mw.Close(); err != nil {
		return fmt.Errorf("build avatar upload: %w", err)
	}
	req := &wechat.Request{
		AppID: appID, Method: http.MethodPost, Path: "/customservice/kfaccount/uploadheadimg",
		Query: url.Values{"kf_account": {kfAccount}}, RawBody: &buf, ContentType: mw.FormDataContentType(), Idempotent: true,
	}
	if err := s.wx.Do(ctx, req, nil); err != nil {
		return fmt.Errorf("upload kf avatar: %w", err)
	}
	return nil
}

// DeleteAccount deletes an agent account.
func (s *CustomerService) DeleteAccount(ctx context.Context, appID, kfAccount string) error {
	if err := checkManage(s.wx, s.accounts, appID); err != nil {
		return err
	}
	if err := checkKfAccount("kf_account", kfAccount); err != nil {
		return err
	}
	req := &wechat.Request{AppID: appID, Path: "/customservice/kfaccount/del", Query: url.Values{"kf_account": {kfAccount}}}
	if err := s.wx.Do(ctx, req, nil); err != nil {
		return fmt.Errorf("delete kf account: %w", err)
	}
	return nil
}

func (s *CustomerService) sessionCall(ctx context.Context, appID, kfAccount, openID, path, what string) error {
	if err := checkManage(s.wx, s.accounts, appID); err != nil {
		return err
	}
	if err := checkKfAccount("kf_account", kfAccount); err != nil {
		return err
	}
	if err := checkKfOpenID("openid", openID); err != nil {
		return err
	}
	return s.post(ctx, appID, path, map[string]string{"kf_account": kfAccount, "openid": openID}, what)
}

// CreateSession connects a user to an agent.
func (s *CustomerService) CreateSession(ctx context.Context, appID, kfAccount, openID string) error {
	return s.sessionCall(ctx, appID, kfAccount, openID, "/customservice/kfsession/create", "create kf session")
}

// CloseSession ends a user's session with an agent.
func (s *CustomerService) CloseSession(ctx context.Context, appID, kfAccount, openID string) error {
	return s.sessionCall(ctx, appID, kfAccount, openID, "/customservice/kfsession/close", "close kf session")
}

// GetSession reports a user's session: the agent ("" for none) and when it began.
func (s *CustomerService) GetSession(ctx context.Context, appID, openID string) (*messagingv1.GetKfSessionResponse, error) {
	if err := checkManage(s.wx, s.accounts, appID); err != nil {
		return nil, err
	}
	if err := checkKfOpenID("openid", openID); err != nil {
		return nil, err
	}
	var out struct {
		CreateTime int64  `json:"createtime"`
		KfAccount  string `json:"kf_account"`
	}
	req := &wechat.Request{AppID: appID, Path: "/customservice/kfsession/getsession", Query: url.Values{"openid": {openID}}}
	if err := s.wx.Do(ctx, req, &out); err != nil {
		return nil, fmt.Errorf("get kf session: %w", err)
	}
	resp := &messagingv1.GetKfSessionResponse{KfAccount: out.KfAccount}
	if out.KfAccount != "" {
		resp.CreateTime = kfUnixTime(out.CreateTime)
	}
	return resp, nil
}

// ListSessions lists an agent's sessions.
func (s *CustomerService) ListSessions(ctx context.Context, appID, kfAccount string) ([]*messagingv1.KfSession, error) {
	if err := checkManage(s.wx, s.accounts, appID); err != nil {
		return nil, err
	}
	if err := checkKfAccount("kf_account", kfAccount); err != nil {
		return nil, err
	}
	var out struct {
		SessionList []struct {
			CreateTime int64  `json:"createtime"`
			OpenID     string `json:"openid"`
		} `json:"sessionlist"`
	}
	req := &wechat.Request{AppID: appID, Path: "/customservice/kfsession/getsessionlist", Query: url.Values{"kf_account": {kfAccount}}}
	if err := s.wx.Do(ctx, req, &out); err != nil {
		return nil, fmt.Errorf("list kf sessions: %w", err)
	}
	list := make([]*messagingv1.KfSession, 0, len(out.SessionList))
	for _, ss := range out.SessionList {
		list = append(list, &messagingv1.KfSession{Openid: ss.OpenID, CreateTime: kfUnixTime(ss.CreateTime)})
	}
	return list, nil
}

// ListWaiting lists the waiting queue: the total and the first (at most 100) users.
func (s *CustomerService) ListWaiting(ctx context.Context, appID string) (int32, []*messagingv1.KfWaitingCase, error) {
	if err := checkManage(s.wx, s.accounts, appID); err != nil {
		return 0, nil, err
	}
	var out struct {
		Count        int32 `json:"count"`
		WaitCaseList []struct {
			LatestTime int64  `json:"latest_time"`
			CreateTime int64  `json:"createtime"` // older answers
			OpenID     string `json:"openid"`
		} `json:"waitcaselist"`
	}
	if err := s.wx.Do(ctx, &wechat.Request{AppID: appID, Path: "/customservice/kfsession/getwaitcase"}, &out); err != nil {
		return 0, nil, fmt.Errorf("list kf waiting cases: %w", err)
	}
	list := make([]*messagingv1.KfWaitingCase, 0, len(out.WaitCaseList))
	for _, w := range out.WaitCaseList {
		t := w.LatestTime
		if t == 0 {
			t = w.CreateTime
		}
		list = append(list, &messagingv1.KfWaitingCase{Openid: w.OpenID, LatestTime: kfUnixTime(t)})
	}
	return out.Count, list, nil
}

// RecordQuery selects message records.
type RecordQuery struct {
	// Start and End bound the range (both inclusive, second precision).
	Start, End time.Time
	// PageSize is the number of records per platform call (0 means 10000).
	PageSize int
}

// RecordPage is one platform page of records.
type RecordPage struct {
	// Records are the page's records.
	Records []*messagingv1.KfMessageRecord
	// WindowStart and WindowEnd bound the window the page belongs to.
	WindowStart, WindowEnd time.Time
}

// checkRecordQuery validates q and applies its default.
func checkRecordQuery(q *RecordQuery) error {
	switch {
	case q.Start.IsZero():
		return argErr("start_time", "is required")
	case q.End.IsZero():
		return argErr("end_time", "is required")
	case q.Start.Unix() <= 0:
		return argErr("start_time", "must be after 1970")
	case q.End.Before(q.Start):
		return argErr("end_time", "must not be before start_time")
	case q.End.Sub(q.Start) > maxKfRecordRange:
		return argErr("end_time", "is %s after start_time; at most %s (31 days)", q.End.Sub(q.Start), maxKfRecordRange)
	case q.PageSize < 0 || q.PageSize > maxKfRecordNumber:
		return argErr("page_size", "must be 1 to %d (0 means %d)", maxKfRecordNumber, maxKfRecordNumber)
	}
	if q.PageSize == 0 {
		q.PageSize = maxKfRecordNumber
	}
	return nil
}

var kfOperations = map[int32]messagingv1.KfOperation{
	2002: messagingv1.KfOperation_KF_OPERATION_AGENT_SENT,
	2003: messagingv1.KfOperation_KF_OPERATION_AGENT_RECEIVED,
}

// Records reads the message records of q and calls emit with each non-empty page, in
// order: the range is split into windows of at most 24 hours (the platform's limit), and
// each window is read page by page (msgid from 1; a full page means there may be more).
// It stops at the first error, from WeChat or from emit.
func (s *CustomerService) Records(ctx context.Context, appID string, q RecordQuery, emit func(RecordPage) error) error {
	if err := checkManage(s.wx, s.accounts, appID); err != nil {
		return err
	}
	if err := checkRecordQuery(&q); err != nil {
		return err
	}
	start, end := q.Start.Unix(), q.End.Unix()
	window := int64(kfRecordWindow/time.Second) - 1
	for ws := start; ws <= end; ws += window + 1 {
		we := min(ws+window, end)
		msgID := int64(1)
		for {
			var out struct {
				RecordList []struct {
					OpenID   string `json:"openid"`
					Opercode int32  `json:"opercode"`
					Text     string `json:"text"`
					Time     int64  `json:"time"`
					Worker   string `json:"worker"`
				} `json:"recordlist"`
				Number int64 `json:"number"`
				MsgID  int64 `json:"msgid"`
			}
			body := map[string]int64{"starttime": ws, "endtime": we, "msgid": msgID, "number": int64(q.PageSize)}
			req := &wechat.Request{AppID: appID, Method: http.MethodPost, Path: "/customservice/msgrecord/getmsglist", Body: body, Idempotent: true}
			if err := s.wx.Do(ctx, req, &out); err != nil {
				return fmt.Errorf("get kf message records %d-%d from msgid %d: %w", ws, we, msgID, err)
			}
			page := RecordPage{WindowStart: time.Unix(ws, 0), WindowEnd: time.Unix(we, 0)}
			for _, r := range out.RecordList {
				page.Records = append(page.Records, &messagingv1.KfMessageRecord{
					Openid: r.OpenID, Operation: kfOperations[r.Opercode], Opercode: r.Opercode, Text: r.Text,
					Time: kfUnixTime(r.Time), Worker: r.Worker,
				})
			}
			if len(page.Records) > 0 {
				if err := emit(page); err != nil {
					return err
				}
			}
			if len(out.RecordList) < q.PageSize {
				break
			}
			next := out.MsgID
			if next <= msgID {
				// An answer without a usable next msgid: continue after this page.
				next = msgID + int64(len(out.RecordList))
			}
			msgID = next
		}
	}
	return nil
}
