package sandbox

import (
	"context"
	"errors"

	"connectrpc.com/connect"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	sandboxv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/sandbox/v1"
	"github.com/wxsuite/wxsuite/gen/go/wxsuite/sandbox/v1/sandboxv1connect"
)

// admin implements the SandboxService admin API on top of a Sandbox's methods.
type admin struct {
	s *Sandbox
}

var _ sandboxv1connect.SandboxServiceHandler = (*admin)(nil)

// Admin returns the wxsuite.sandbox.v1.SandboxService implementation of s; mount it with
// sandboxv1connect.NewSandboxServiceHandler. Bad input gives CodeInvalidArgument naming
// the field, an unknown AppID or openid CodeNotFound naming it.
func (s *Sandbox) Admin() sandboxv1connect.SandboxServiceHandler { return &admin{s: s} }

// adminError maps a Sandbox method's error to a connect error; it is the one place
// the admin API chooses codes.
func adminError(err error) error {
	var argErr *ArgumentError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &argErr):
		return connect.NewError(connect.CodeInvalidArgument, err)
	case errors.Is(err, ErrUnknownAccount), errors.Is(err, ErrUnknownUser):
		return connect.NewError(connect.CodeNotFound, err)
	case errors.Is(err, ErrNoCallback):
		return connect.NewError(connect.CodeFailedPrecondition, err)
	case errors.Is(err, ErrQuotaExhausted):
		return connect.NewError(connect.CodeResourceExhausted, err)
	case errors.Is(err, context.Canceled):
		return connect.NewError(connect.CodeCanceled, err)
	case errors.Is(err, context.DeadlineExceeded):
		return connect.NewError(connect.CodeDeadlineExceeded, err)
	}
	return connect.NewError(connect.CodeInternal, errors.New("internal error"))
}

func invalid(field, reason string) error {
	return adminError(&ArgumentError{Field: field, Reason: reason})
}

func requireAppID(appID string) error {
	if appID == "" {
		return invalid("app_id", "is required")
	}
	return nil
}

func requireOpenID(openID string) error {
	if openID == "" {
		return invalid("openid", "is required")
	}
	return nil
}

func toProtoAccount(a Account) *sandboxv1.SimulatedAccount {
	return &sandboxv1.SimulatedAccount{
		AppId: a.AppID, AppSecret: a.AppSecret, Name: a.Name, OauthDomains: a.OAuthDomains,
		CallbackUrl: a.CallbackURL, CallbackToken: a.CallbackToken, EncodingAesKey: a.EncodingAESKey,
		EncryptMode: sandboxv1.EncryptMode(a.EncryptMode), OriginalId: a.OriginalID,
	}
}

func fromProtoAccount(pa *sandboxv1.SimulatedAccount) Account {
	return Account{
		AppID: pa.GetAppId(), AppSecret: pa.GetAppSecret(), Name: pa.GetName(), OAuthDomains: pa.GetOauthDomains(),
		CallbackURL: pa.GetCallbackUrl(), CallbackToken: pa.GetCallbackToken(), EncodingAESKey: pa.GetEncodingAesKey(),
		EncryptMode: EncryptMode(pa.GetEncryptMode()), OriginalID: pa.GetOriginalId(),
	}
}

// CreateAccount adds or replaces a simulated account.
func (x *admin) CreateAccount(_ context.Context, req *sandboxv1.CreateAccountRequest) (*sandboxv1.CreateAccountResponse, error) {
	pa := req.GetAccount()
	if pa == nil {
		return nil, invalid("account", "is required")
	}
	a := fromProtoAccount(pa)
	if err := a.validate("account."); err != nil {
		return nil, adminError(err)
	}
	stored, err := x.s.addAccount(a)
	if err != nil {
		return nil, adminError(err)
	}
	return &sandboxv1.CreateAccountResponse{Account: toProtoAccount(stored)}, nil
}

// ListAccounts lists the simulated accounts ordered by app_id.
func (x *admin) ListAccounts(context.Context, *sandboxv1.ListAccountsRequest) (*sandboxv1.ListAccountsResponse, error) {
	accounts := x.s.Accounts()
	out := make([]*sandboxv1.SimulatedAccount, len(accounts))
	for i, a := range accounts {
		out[i] = toProtoAccount(a)
	}
	return &sandboxv1.ListAccountsResponse{Accounts: out}, nil
}

// DeleteAccount removes an account and everything it issued.
func (x *admin) DeleteAccount(_ context.Context, req *sandboxv1.DeleteAccountRequest) (*sandboxv1.DeleteAccountResponse, error) {
	if err := requireAppID(req.GetAppId()); err != nil {
		return nil, err
	}
	if err := x.s.DeleteAccount(req.GetAppId()); err != nil {
		return nil, adminError(err)
	}
	return &sandboxv1.DeleteAccountResponse{}, nil
}

// RevokeTokens invalidates every token and ticket of an account.
func (x *admin) RevokeTokens(_ context.Context, req *sandboxv1.RevokeTokensRequest) (*sandboxv1.RevokeTokensResponse, error) {
	if err := requireAppID(req.GetAppId()); err != nil {
		return nil, err
	}
	if err := x.s.RevokeTokens(req.GetAppId()); err != nil {
		return nil, adminError(err)
	}
	return &sandboxv1.RevokeTokensResponse{}, nil
}

// IssueToken fetches a /cgi-bin/token token as an outside party.
func (x *admin) IssueToken(_ context.Context, req *sandboxv1.IssueTokenRequest) (*sandboxv1.IssueTokenResponse, error) {
	if err := requireAppID(req.GetAppId()); err != nil {
		return nil, err
	}
	value, expires, err := x.s.IssueToken(req.GetAppId())
	if err != nil {
		return nil, adminError(err)
	}
	return &sandboxv1.IssueTokenResponse{AccessToken: value, ExpiresAt: timestamppb.New(expires)}, nil
}

// GetClock returns the simulated time.
func (x *admin) GetClock(context.Context, *sandboxv1.GetClockRequest) (*sandboxv1.GetClockResponse, error) {
	return &sandboxv1.GetClockResponse{Now: timestamppb.New(x.s.Now())}, nil
}

// AdvanceClock moves the simulated time forward by a positive duration.
func (x *admin) AdvanceClock(_ context.Context, req *sandboxv1.AdvanceClockRequest) (*sandboxv1.AdvanceClockResponse, error) {
	by := req.GetBy()
	if by == nil {
		return nil, invalid("by", "is required")
	}
	if err := by.CheckValid(); err != nil {
		return nil, invalid("by", "is not a valid duration")
	}
	d := by.AsDuration()
	if d <= 0 {
		return nil, invalid("by", "must be positive")
	}
	return &sandboxv1.AdvanceClockResponse{Now: timestamppb.New(x.s.Advance(d))}, nil
}

// AddFault installs a fault rule.
func (x *admin) AddFault(_ context.Context, req *sandboxv1.AddFaultRequest) (*sandboxv1.AddFaultResponse, error) {
	pf := req.GetFault()
	if pf == nil {
		return nil, invalid("fault", "is required")
	}
	f := Fault{
		Kind:       FaultKind(pf.GetKind()),
		Paths:      pf.GetPaths(),
		Ratio:      pf.GetRatio(),
		Count:      int(pf.GetCount()),
		HTTPStatus: int(pf.GetHttpStatus()),
		Errcode:    int(pf.GetErrcode()),
	}
	if l := pf.GetLatency(); l != nil {
		if err := l.CheckValid(); err != nil {
			return nil, invalid("fault.latency", "is not a valid duration")
		}
		f.Latency = l.AsDuration()
	}
	added, err := x.s.AddFault(f)
	if err != nil {
		return nil, adminError(err)
	}
	return &sandboxv1.AddFaultResponse{Fault: toProtoFault(added)}, nil
}

func toProtoFault(f Fault) *sandboxv1.Fault {
	pf := &sandboxv1.Fault{
		Id:         f.ID,
		Kind:       sandboxv1.FaultKind(f.Kind),
		Paths:      f.Paths,
		Ratio:      f.Ratio,
		Count:      int32(f.Count),
		HttpStatus: int32(f.HTTPStatus),
		Errcode:    int32(f.Errcode),
		Hits:       int32(f.Hits),
	}
	if f.Latency != 0 {
		pf.Latency = durationpb.New(f.Latency)
	}
	return pf
}

// ListFaults lists the fault rules in installation order.
func (x *admin) ListFaults(context.Context, *sandboxv1.ListFaultsRequest) (*sandboxv1.ListFaultsResponse, error) {
	faults := x.s.Faults()
	out := make([]*sandboxv1.Fault, len(faults))
	for i, f := range faults {
		out[i] = toProtoFault(f)
	}
	return &sandboxv1.ListFaultsResponse{Faults: out}, nil
}

// ClearFaults removes every fault rule.
func (x *admin) ClearFaults(context.Context, *sandboxv1.ClearFaultsRequest) (*sandboxv1.ClearFaultsResponse, error) {
	x.s.ClearFaults()
	return &sandboxv1.ClearFaultsResponse{}, nil
}

// SetQuota sets the daily limit of one API path.
func (x *admin) SetQuota(_ context.Context, req *sandboxv1.SetQuotaRequest) (*sandboxv1.SetQuotaResponse, error) {
	if req.GetPath() == "" {
		return nil, invalid("path", "is required")
	}
	if err := x.s.SetQuota(req.GetPath(), req.GetDailyLimit()); err != nil {
		return nil, adminError(err)
	}
	return &sandboxv1.SetQuotaResponse{}, nil
}

// ListCalls returns the logged calls matching the filter, oldest first.
func (x *admin) ListCalls(_ context.Context, req *sandboxv1.ListCallsRequest) (*sandboxv1.ListCallsResponse, error) {
	if req.GetAfterSeq() < 0 {
		return nil, invalid("after_seq", "must not be negative")
	}
	calls := x.s.Calls(CallFilter{Path: req.GetPath(), AppID: req.GetAppId(), AfterSeq: req.GetAfterSeq()})
	out := make([]*sandboxv1.Call, len(calls))
	for i, c := range calls {
		out[i] = &sandboxv1.Call{
			Seq:         c.Seq,
			Time:        timestamppb.New(c.Time),
			Method:      c.Method,
			Path:        c.Path,
			AppId:       c.AppID,
			AccessToken: c.AccessToken,
			Errcode:     int32(c.Errcode),
			HttpStatus:  int32(c.HTTPStatus),
			FaultId:     c.FaultID,
		}
	}
	return &sandboxv1.ListCallsResponse{Calls: out}, nil
}

// ClearCalls empties the call log.
func (x *admin) ClearCalls(context.Context, *sandboxv1.ClearCallsRequest) (*sandboxv1.ClearCallsResponse, error) {
	x.s.ClearCalls()
	return &sandboxv1.ClearCallsResponse{}, nil
}

func toProtoUser(u User) *sandboxv1.SimulatedUser {
	return &sandboxv1.SimulatedUser{
		Openid: u.OpenID, Unionid: u.UnionID, Nickname: u.Nickname, Sex: int32(u.Sex),
		Province: u.Province, City: u.City, Country: u.Country, Headimgurl: u.HeadImgURL,
		Language: u.Language, Privilege: u.Privilege,
	}
}

// CreateUser adds or replaces a simulated user of an account.
func (x *admin) CreateUser(_ context.Context, req *sandboxv1.CreateUserRequest) (*sandboxv1.CreateUserResponse, error) {
	if err := requireAppID(req.GetAppId()); err != nil {
		return nil, err
	}
	pu := req.GetUser()
	if pu == nil {
		return nil, invalid("user", "is required")
	}
	u, err := x.s.AddUser(req.GetAppId(), User{
		OpenID: pu.GetOpenid(), UnionID: pu.GetUnionid(), Nickname: pu.GetNickname(), Sex: int(pu.GetSex()),
		Province: pu.GetProvince(), City: pu.GetCity(), Country: pu.GetCountry(), HeadImgURL: pu.GetHeadimgurl(),
		Language: pu.GetLanguage(), Privilege: pu.GetPrivilege(),
	})
	if err != nil {
		return nil, adminError(err)
	}
	return &sandboxv1.CreateUserResponse{User: toProtoUser(u)}, nil
}

// ListUsers lists an account's simulated users ordered by openid.
func (x *admin) ListUsers(_ context.Context, req *sandboxv1.ListUsersRequest) (*sandboxv1.ListUsersResponse, error) {
	if err := requireAppID(req.GetAppId()); err != nil {
		return nil, err
	}
	users, err := x.s.Users(req.GetAppId())
	if err != nil {
		return nil, adminError(err)
	}
	out := make([]*sandboxv1.SimulatedUser, len(users))
	for i, u := range users {
		out[i] = toProtoUser(u)
	}
	return &sandboxv1.ListUsersResponse{Users: out}, nil
}

// DeleteUser removes a simulated user and everything issued for them.
func (x *admin) DeleteUser(_ context.Context, req *sandboxv1.DeleteUserRequest) (*sandboxv1.DeleteUserResponse, error) {
	if err := requireAppID(req.GetAppId()); err != nil {
		return nil, err
	}
	if err := requireOpenID(req.GetOpenid()); err != nil {
		return nil, err
	}
	if err := x.s.DeleteUser(req.GetAppId(), req.GetOpenid()); err != nil {
		return nil, adminError(err)
	}
	return &sandboxv1.DeleteUserResponse{}, nil
}

// SetAuthorizingUser chooses who logs in at the account's /connect/oauth2/authorize.
func (x *admin) SetAuthorizingUser(_ context.Context, req *sandboxv1.SetAuthorizingUserRequest) (*sandboxv1.SetAuthorizingUserResponse, error) {
	if err := requireAppID(req.GetAppId()); err != nil {
		return nil, err
	}
	if err := requireOpenID(req.GetOpenid()); err != nil {
		return nil, err
	}
	if err := x.s.SetAuthorizingUser(req.GetAppId(), req.GetOpenid()); err != nil {
		return nil, adminError(err)
	}
	return &sandboxv1.SetAuthorizingUserResponse{}, nil
}

// IssueOAuthCode issues a web-authorization code for a simulated user.
func (x *admin) IssueOAuthCode(_ context.Context, req *sandboxv1.IssueOAuthCodeRequest) (*sandboxv1.IssueOAuthCodeResponse, error) {
	if err := requireAppID(req.GetAppId()); err != nil {
		return nil, err
	}
	if err := requireOpenID(req.GetOpenid()); err != nil {
		return nil, err
	}
	if req.GetScope() == "" {
		return nil, invalid("scope", "is required")
	}
	code, err := x.s.IssueOAuthCode(req.GetAppId(), req.GetOpenid(), req.GetScope())
	if err != nil {
		return nil, adminError(err)
	}
	return &sandboxv1.IssueOAuthCodeResponse{Code: code}, nil
}

func toProtoPushResult(r PushResult) *sandboxv1.PushResult {
	return &sandboxv1.PushResult{
		MsgId: r.MsgID, Xml: r.XML, Attempts: int32(r.Attempts), Delivered: r.Delivered,
		ReplyXml: r.ReplyXML, InvalidReason: r.InvalidReason, RoutedToKf: r.RoutedToKf, KfAccount: r.KfAccount,
	}
}

// PushMessage makes a simulated user send a message and pushes it to the account.
func (x *admin) PushMessage(ctx context.Context, req *sandboxv1.PushMessageRequest) (*sandboxv1.PushMessageResponse, error) {
	if err := requireAppID(req.GetAppId()); err != nil {
		return nil, err
	}
	if err := requireOpenID(req.GetOpenid()); err != nil {
		return nil, err
	}
	var m Message
	switch msg := req.GetMessage().(type) {
	case *sandboxv1.PushMessageRequest_Text:
		m = Message{Type: MsgText, Content: msg.Text}
	case *sandboxv1.PushMessageRequest_Image:
		m = Message{Type: MsgImage, PicURL: msg.Image.GetPicUrl(), MediaID: msg.Image.GetMediaId()}
	case *sandboxv1.PushMessageRequest_Voice:
		m = Message{Type: MsgVoice, MediaID: msg.Voice.GetMediaId(), Format: msg.Voice.GetFormat(), Recognition: msg.Voice.GetRecognition()}
	case *sandboxv1.PushMessageRequest_Video:
		m = Message{Type: MsgVideo, MediaID: msg.Video.GetMediaId(), ThumbMediaID: msg.Video.GetThumbMediaId()}
	case *sandboxv1.PushMessageRequest_ShortVideo:
		m = Message{Type: MsgShortVideo, MediaID: msg.ShortVideo.GetMediaId(), ThumbMediaID: msg.ShortVideo.GetThumbMediaId()}
	case *sandboxv1.PushMessageRequest_Location:
		l := msg.Location
		m = Message{Type: MsgLocation, Latitude: l.GetLatitude(), Longitude: l.GetLongitude(), Scale: int(l.GetScale()), Label: l.GetLabel()}
	case *sandboxv1.PushMessageRequest_Link:
		m = Message{Type: MsgLink, Title: msg.Link.GetTitle(), Description: msg.Link.GetDescription(), URL: msg.Link.GetUrl()}
	default:
		return nil, invalid("message", "is required (one of text, image, voice, video, short_video, location, link)")
	}
	res, err := x.s.PushMessage(ctx, req.GetAppId(), req.GetOpenid(), m)
	if err != nil {
		return nil, adminError(err)
	}
	return &sandboxv1.PushMessageResponse{Result: toProtoPushResult(res)}, nil
}

// PushEvent pushes an event to the account.
func (x *admin) PushEvent(ctx context.Context, req *sandboxv1.PushEventRequest) (*sandboxv1.PushEventResponse, error) {
	if err := requireAppID(req.GetAppId()); err != nil {
		return nil, err
	}
	if err := requireOpenID(req.GetOpenid()); err != nil {
		return nil, err
	}
	if req.GetEvent() == "" {
		return nil, invalid("event", "is required")
	}
	res, err := x.s.PushEvent(ctx, req.GetAppId(), req.GetOpenid(), Event{
		Event: req.GetEvent(), EventKey: req.GetEventKey(), Fields: req.GetFields(), ExtraXML: req.GetExtraXml(),
	})
	if err != nil {
		return nil, adminError(err)
	}
	return &sandboxv1.PushEventResponse{Result: toProtoPushResult(res)}, nil
}

// ListInbox lists what a simulated user received from the account.
func (x *admin) ListInbox(_ context.Context, req *sandboxv1.ListInboxRequest) (*sandboxv1.ListInboxResponse, error) {
	if err := requireAppID(req.GetAppId()); err != nil {
		return nil, err
	}
	if err := requireOpenID(req.GetOpenid()); err != nil {
		return nil, err
	}
	in, err := x.s.Inbox(req.GetAppId(), req.GetOpenid())
	if err != nil {
		return nil, adminError(err)
	}
	items := make([]*sandboxv1.InboxItem, len(in.Items))
	for i, it := range in.Items {
		items[i] = &sandboxv1.InboxItem{Time: timestamppb.New(it.Time), Channel: it.Channel, MsgType: it.MsgType, Body: it.Body}
	}
	return &sandboxv1.ListInboxResponse{Items: items, InvalidReplies: int32(in.InvalidReplies)}, nil
}
