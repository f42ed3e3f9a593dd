package sandbox

// This file implements the nontax (非税缴费) admin RPCs: receivables, vehicle owners,
// real-name tokens, payment notifications and payers paying orders.

import (
	"context"
	"errors"
	"strings"
	"unicode"

	"google.golang.org/protobuf/types/known/timestamppb"

	sandboxv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/sandbox/v1"
)

// adminRenameField maps the Field of an [*ArgumentError] in err through rename (so the
// message names the request's field, e.g. "bill.fee" for the method's "bill.Fee"),
// then maps err as adminError does.
func adminRenameField(err error, rename func(string) string) error {
	return adminError(renameArgumentField(err, rename))
}

// renameArgumentField returns err with the Field of its [*ArgumentError] mapped through
// rename; other errors are returned as they are.
func renameArgumentField(err error, rename func(string) string) error {
	var argErr *ArgumentError
	if errors.As(err, &argErr) {
		return &ArgumentError{Field: rename(argErr.Field), Reason: argErr.Reason}
	}
	return err
}

// adminSnakeField turns a Go field path such as "bill.PaymentNoticeNo" or
// "bill.Items[0]" into the request's "bill.payment_notice_no" or "bill.items[0]",
// after dropping prefix (e.g. "user.", whose fields are at the request's top level).
func adminSnakeField(prefix string) func(string) string {
	return func(field string) string {
		field = strings.TrimPrefix(field, prefix)
		rs := []rune(field)
		var b strings.Builder
		for i, r := range rs {
			if unicode.IsUpper(r) {
				prevLower := i > 0 && (unicode.IsLower(rs[i-1]) || unicode.IsDigit(rs[i-1]))
				acronymEnd := i > 0 && unicode.IsUpper(rs[i-1]) && i+1 < len(rs) && unicode.IsLower(rs[i+1])
				if prevLower || acronymEnd {
					b.WriteByte('_')
				}
				r = unicode.ToLower(r)
			}
			b.WriteRune(r)
		}
		return b.String()
	}
}

// AddNontaxBill registers a receivable.
func (x *admin) AddNontaxBill(_ context.Context, req *sandboxv1.AddNontaxBillRequest) (*sandboxv1.AddNontaxBillResponse, error) {
	if err := requireAppID(req.GetAppId()); err != nil {
		return nil, err
	}
	pb := req.GetBill()
	if pb == nil {
		return nil, invalid("bill", "is required")
	}
	b := NontaxBill{
		RegionCode: pb.GetRegionCode(), DepartmentCode: pb.GetDepartmentCode(), PaymentNoticeNo: pb.GetPaymentNoticeNo(),
		DepartmentName: pb.GetDepartmentName(), PaymentNoticeType: int(pb.GetPaymentNoticeType()), UserName: pb.GetUserName(),
		Fee: pb.GetFee(), CreateTime: pb.GetCreateTime(), ExpireDate: pb.GetExpireDate(),
	}
	for _, it := range pb.GetItems() {
		b.Items = append(b.Items, NontaxItem{No: int(it.GetNo()), ItemID: it.GetItemId(), ItemName: it.GetItemName(),
			Overdue: it.GetOverdue(), Penalty: it.GetPenalty(), Fee: it.GetFee()})
	}
	if err := x.s.AddNontaxBill(req.GetAppId(), b); err != nil {
		return nil, adminRenameField(err, adminSnakeField(""))
	}
	return &sandboxv1.AddNontaxBillResponse{}, nil
}

// SetNontaxVehicleUser adds or replaces a vehicle owner.
func (x *admin) SetNontaxVehicleUser(_ context.Context, req *sandboxv1.SetNontaxVehicleUserRequest) (*sandboxv1.SetNontaxVehicleUserResponse, error) {
	if err := requireAppID(req.GetAppId()); err != nil {
		return nil, err
	}
	if req.GetPlateNumber() == "" {
		return nil, invalid("plate_number", "is required")
	}
	err := x.s.SetNontaxVehicleUser(req.GetAppId(), NontaxVehicleUser{
		PlateNumber: req.GetPlateNumber(), OpenID: req.GetOpenid(), State: req.GetState(),
	})
	if err != nil {
		return nil, adminRenameField(err, adminSnakeField("user."))
	}
	return &sandboxv1.SetNontaxVehicleUserResponse{}, nil
}

// AddNontaxRealName records a payer's real-name authorization.
func (x *admin) AddNontaxRealName(_ context.Context, req *sandboxv1.AddNontaxRealNameRequest) (*sandboxv1.AddNontaxRealNameResponse, error) {
	if err := requireAppID(req.GetAppId()); err != nil {
		return nil, err
	}
	if req.GetRealName() == "" {
		return nil, invalid("real_name", "is required")
	}
	if req.GetCredId() == "" {
		return nil, invalid("cred_id", "is required")
	}
	tok, err := x.s.AddNontaxRealName(req.GetAppId(), NontaxRealName{
		OpenID: req.GetOpenid(), RealName: req.GetRealName(), CredID: req.GetCredId(), CredType: int(req.GetCredType()),
	})
	if err != nil {
		return nil, adminRenameField(err, adminSnakeField("realname."))
	}
	return &sandboxv1.AddNontaxRealNameResponse{WxRealnameToken: tok}, nil
}

// SetNontaxNotifyURL sets where payment notifications go.
func (x *admin) SetNontaxNotifyURL(_ context.Context, req *sandboxv1.SetNontaxNotifyURLRequest) (*sandboxv1.SetNontaxNotifyURLResponse, error) {
	if err := requireAppID(req.GetAppId()); err != nil {
		return nil, err
	}
	if err := x.s.SetNontaxNotifyURL(req.GetAppId(), req.GetUrl()); err != nil {
		return nil, adminError(err)
	}
	return &sandboxv1.SetNontaxNotifyURLResponse{}, nil
}

// PayNontaxOrder makes the payer pay an unpaid order.
func (x *admin) PayNontaxOrder(_ context.Context, req *sandboxv1.PayNontaxOrderRequest) (*sandboxv1.PayNontaxOrderResponse, error) {
	if err := requireAppID(req.GetAppId()); err != nil {
		return nil, err
	}
	if req.GetOrderId() == "" {
		return nil, invalid("order_id", "is required")
	}
	if err := x.s.PayNontaxOrder(req.GetAppId(), req.GetOrderId()); err != nil {
		return nil, adminError(err)
	}
	return &sandboxv1.PayNontaxOrderResponse{}, nil
}

// ListNontaxNotifications lists the notifications sent for an account.
func (x *admin) ListNontaxNotifications(_ context.Context, req *sandboxv1.ListNontaxNotificationsRequest) (*sandboxv1.ListNontaxNotificationsResponse, error) {
	if err := requireAppID(req.GetAppId()); err != nil {
		return nil, err
	}
	ns, err := x.s.NontaxNotifications(req.GetAppId())
	if err != nil {
		return nil, adminError(err)
	}
	out := make([]*sandboxv1.NontaxNotification, len(ns))
	for i, n := range ns {
		out[i] = &sandboxv1.NontaxNotification{Kind: n.Kind, Url: n.URL, Body: n.Body, Status: int32(n.Status),
			Error: n.Err, Time: timestamppb.New(n.Time)}
	}
	return &sandboxv1.ListNontaxNotificationsResponse{Notifications: out}, nil
}
