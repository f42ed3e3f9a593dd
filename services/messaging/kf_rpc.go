package messaging

import (
	"context"

	"connectrpc.com/connect"
	"google.golang.org/protobuf/types/known/timestamppb"

	messagingv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/messaging/v1"
	"github.com/wxsuite/wxsuite/gen/go/wxsuite/messaging/v1/messagingv1connect"
	"github.com/wxsuite/wxsuite/internal/platform/auth"
	"github.com/wxsuite/wxsuite/internal/platform/rpcserver"
)

// CustomerServiceHandler implements CustomerServiceService over CustomerService.
type CustomerServiceHandler struct {
	cs *CustomerService
}

var _ messagingv1connect.CustomerServiceServiceHandler = (*CustomerServiceHandler)(nil)

// NewCustomerServiceHandler returns the CustomerServiceService implementation of cs.
func NewCustomerServiceHandler(cs *CustomerService) *CustomerServiceHandler {
	return &CustomerServiceHandler{cs: cs}
}

// ListKfAccounts implements CustomerServiceService.ListKfAccounts.
func (h *CustomerServiceHandler) ListKfAccounts(ctx context.Context, req *messagingv1.ListKfAccountsRequest) (*messagingv1.ListKfAccountsResponse, error) {
	list, err := h.cs.ListAccounts(ctx, req.GetAppId())
	if err != nil {
		return nil, manageError(err)
	}
	return &messagingv1.ListKfAccountsResponse{KfAccounts: list}, nil
}

// ListOnlineKfAccounts implements CustomerServiceService.ListOnlineKfAccounts.
func (h *CustomerServiceHandler) ListOnlineKfAccounts(ctx context.Context, req *messagingv1.ListOnlineKfAccountsRequest) (*messagingv1.ListOnlineKfAccountsResponse, error) {
	list, err := h.cs.ListOnline(ctx, req.GetAppId())
	if err != nil {
		return nil, manageError(err)
	}
	return &messagingv1.ListOnlineKfAccountsResponse{KfAccounts: list}, nil
}

// CreateKfAccount implements CustomerServiceService.CreateKfAccount.
func (h *CustomerServiceHandler) CreateKfAccount(ctx context.Context, req *messagingv1.CreateKfAccountRequest) (*messagingv1.CreateKfAccountResponse, error) {
	if err := h.cs.CreateAccount(ctx, req.GetAppId(), req.GetKfAccount(), req.GetNickname()); err != nil {
		return nil, manageError(err)
	}
	return &messagingv1.CreateKfAccountResponse{}, nil
}

// InviteKfWorker implements CustomerServiceService.InviteKfWorker.
func (h *CustomerServiceHandler) InviteKfWorker(ctx context.Context, req *messagingv1.InviteKfWorkerRequest) (*messagingv1.InviteKfWorkerResponse, error) {
	if err := h.cs.InviteWorker(ctx, req.GetAppId(), req.GetKfAccount(), req.GetInviteWx()); err != nil {
		return nil, manageError(err)
	}
	return &messagingv1.InviteKfWorkerResponse{}, nil
}

// UpdateKfAccount implements CustomerServiceService.UpdateKfAccount.
func (h *CustomerServiceHandler) UpdateKfAccount(ctx context.Context, req *messagingv1.UpdateKfAccountRequest) (*messagingv1.UpdateKfAccountResponse, error) {
	if err := h.cs.UpdateAccount(ctx, req.GetAppId(), req.GetKfAccount(), req.GetNickname()); err != nil {
		return nil, manageError(err)
	}
	return &messagingv1.UpdateKfAccountResponse{}, nil
}

// UploadKfAvatar implements CustomerServiceService.UploadKfAvatar.
func (h *CustomerServiceHandler) UploadKfAvatar(ctx context.Context, req *messagingv1.UploadKfAvatarRequest) (*messagingv1.UploadKfAvatarResponse, error) {
	if err := h.cs.UploadAvatar(ctx, req.GetAppId(), req.GetKfAccount(), req.GetImage(), req.GetFilename()); err != nil {
		return nil, manageError(err)
	}
	return &messagingv1.UploadKfAvatarResponse{}, nil
}

// DeleteKfAccount implements CustomerServiceService.DeleteKfAccount.
func (h *CustomerServiceHandler) DeleteKfAccount(ctx context.Context, req *messagingv1.DeleteKfAccountRequest) (*messagingv1.DeleteKfAccountResponse, error) {
	if err := h.cs.DeleteAccount(ctx, req.GetAppId(), req.GetKfAccount()); err != nil {
		return nil, manageError(err)
	}
	return &messagingv1.DeleteKfAccountResponse{}, nil
}

// CreateKfSession implements CustomerServiceService.CreateKfSession.
func (h *CustomerServiceHandler) CreateKfSession(ctx context.Context, req *messagingv1.CreateKfSessionRequest) (*messagingv1.CreateKfSessionResponse, error) {
	if err := h.cs.CreateSession(ctx, req.GetAppId(), req.GetKfAccount(), req.GetOpenid()); err != nil {
		return nil, manageError(err)
	}
	return &messagingv1.CreateKfSessionResponse{}, nil
}

// CloseKfSession implements CustomerServiceService.CloseKfSession.
func (h *CustomerServiceHandler) CloseKfSession(ctx context.Context, req *messagingv1.CloseKfSessionRequest) (*messagingv1.CloseKfSessionResponse, error) {
	if err := h.cs.CloseSession(ctx, req.GetAppId(), req.GetKfAccount(), req.GetOpenid()); err != nil {
		return nil, manageError(err)
	}
	return &messagingv1.CloseKfSessionResponse{}, nil
}

// GetKfSession implements CustomerServiceService.GetKfSession.
func (h *CustomerServiceHandler) GetKfSession(ctx context.Context, req *messagingv1.GetKfSessionRequest) (*messagingv1.GetKfSessionResponse, error) {
	resp, err := h.cs.GetSession(ctx, req.GetAppId(), req.GetOpenid())
	if err != nil {
		return nil, manageError(err)
	}
	return resp, nil
}

// ListKfSessions implements CustomerServiceService.ListKfSessions.
func (h *CustomerServiceHandler) ListKfSessions(ctx context.Context, req *messagingv1.ListKfSessionsRequest) (*messagingv1.ListKfSessionsResponse, error) {
	list, err := h.cs.ListSessions(ctx, req.GetAppId(), req.GetKfAccount())
	if err != nil {
		return nil, manageError(err)
	}
	return &messagingv1.ListKfSessionsResponse{Sessions: list}, nil
}

// ListKfWaitingCases implements CustomerServiceService.ListKfWaitingCases.
func (h *CustomerServiceHandler) ListKfWaitingCases(ctx context.Context, req *messagingv1.ListKfWaitingCasesRequest) (*messagingv1.ListKfWaitingCasesResponse, error) {
	count, list, err := h.cs.ListWaiting(ctx, req.GetAppId())
	if err != nil {
		return nil, manageError(err)
	}
	return &messagingv1.ListKfWaitingCasesResponse{Count: count, WaitingCases: list}, nil
}

// StreamKfMessageRecords implements CustomerServiceService.StreamKfMessageRecords.
func (h *CustomerServiceHandler) StreamKfMessageRecords(ctx context.Context, req *messagingv1.StreamKfMessageRecordsRequest, stream *connect.ServerStream[messagingv1.StreamKfMessageRecordsResponse]) error {
	q := RecordQuery{PageSize: int(req.GetPageSize())}
	if req.GetStartTime() != nil {
		if err := req.GetStartTime().CheckValid(); err != nil {
			return manageError(argErr("start_time", "is not a valid timestamp"))
		}
		q.Start = req.GetStartTime().AsTime()
	}
	if req.GetEndTime() != nil {
		if err := req.GetEndTime().CheckValid(); err != nil {
			return manageError(argErr("end_time", "is not a valid timestamp"))
		}
		q.End = req.GetEndTime().AsTime()
	}
	err := h.cs.Records(ctx, req.GetAppId(), q, func(p RecordPage) error {
		return stream.Send(&messagingv1.StreamKfMessageRecordsResponse{
			Records: p.Records, WindowStartTime: timestamppb.New(p.WindowStart), WindowEndTime: timestamppb.New(p.WindowEnd),
		})
	})
	return manageError(err)
}

func newKfRPCService(cs *CustomerService, opts rpcserver.HandlerOptions) rpcserver.Service {
	path, h := messagingv1connect.NewCustomerServiceServiceHandler(NewCustomerServiceHandler(cs), opts.Options...)
	return rpcserver.Service{
		Name: messagingv1connect.CustomerServiceServiceName, Path: path, Handler: h,
		RegisterGateway: messagingv1.RegisterCustomerServiceServiceHandler,
	}
}

// kfPolicies are the auth policies of CustomerServiceService: messaging.manage for every
// procedure.
func kfPolicies() []auth.Policy {
	procs := []string{
		messagingv1connect.CustomerServiceServiceListKfAccountsProcedure,
		messagingv1connect.CustomerServiceServiceListOnlineKfAccountsProcedure,
		messagingv1connect.CustomerServiceServiceCreateKfAccountProcedure,
		messagingv1connect.CustomerServiceServiceInviteKfWorkerProcedure,
		messagingv1connect.CustomerServiceServiceUpdateKfAccountProcedure,
		messagingv1connect.CustomerServiceServiceUploadKfAvatarProcedure,
		messagingv1connect.CustomerServiceServiceDeleteKfAccountProcedure,
		messagingv1connect.CustomerServiceServiceCreateKfSessionProcedure,
		messagingv1connect.CustomerServiceServiceCloseKfSessionProcedure,
		messagingv1connect.CustomerServiceServiceGetKfSessionProcedure,
		messagingv1connect.CustomerServiceServiceListKfSessionsProcedure,
		messagingv1connect.CustomerServiceServiceListKfWaitingCasesProcedure,
		messagingv1connect.CustomerServiceServiceStreamKfMessageRecordsProcedure,
	}
	out := make([]auth.Policy, len(procs))
	for i, p := range procs {
		out[i] = auth.Policy{Procedure: p, Scope: auth.ScopeMessagingManage}
	}
	return out
}
