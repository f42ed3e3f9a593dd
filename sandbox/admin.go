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
// the field, an unknown AppID CodeNotFound naming it.
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
	case errors.Is(err, ErrUnknownAccount):
		return connect.NewError(connect.CodeNotFound, err)
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

func toProtoAccount(a Account) *sandboxv1.SimulatedAccount {
	return &sandboxv1.SimulatedAccount{AppId: a.AppID, AppSecret: a.AppSecret, Name: a.Name}
}

// CreateAccount adds or replaces a simulated account.
func (x *admin) CreateAccount(_ context.Context, req *sandboxv1.CreateAccountRequest) (*sandboxv1.CreateAccountResponse, error) {
	pa := req.GetAccount()
	if pa == nil {
		return nil, invalid("account", "is required")
	}
	a := Account{AppID: pa.GetAppId(), AppSecret: pa.GetAppSecret(), Name: pa.GetName()}
	if err := a.validate("account."); err != nil {
		return nil, adminError(err)
	}
	if err := x.s.AddAccount(a); err != nil {
		return nil, adminError(err)
	}
	return &sandboxv1.CreateAccountResponse{Account: toProtoAccount(a)}, nil
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
