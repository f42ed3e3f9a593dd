package messaging

// This file holds what the menu, customer-service and auto-reply RPCs share: the account
// check, the precondition error and the one error-mapping function of their boundary.

import (
	"errors"

	"connectrpc.com/connect"
	"go.uber.org/fx"

	"github.com/wxsuite/wxsuite/internal/platform/config"
	"github.com/wxsuite/wxsuite/internal/wechat"
)

// PreconditionError is a request that is valid but cannot be done in the account's
// current state (e.g. a conditional menu without a default menu).
type PreconditionError struct {
	// Reason says what is missing and how to get it.
	Reason string
}

// Error returns the reason.
func (e *PreconditionError) Error() string { return e.Reason }

// errNoWeChat is returned when the process has no WeChat client (no wechat.TokenSource
// was provided: neither the token service nor token_source is configured).
var errNoWeChat = errors.New("messaging: no WeChat client in this process (no wechat.TokenSource)")

// manageParams are the fx inputs of the menu, customer-service and auto-reply operations.
// The client is optional so that a process without a TokenSource still starts the
// callback gateway; their calls then fail with errNoWeChat.
type manageParams struct {
	fx.In
	WeChat   *wechat.Client `optional:"true"`
	Accounts config.Accounts
}

func newMenusFx(p manageParams) *Menus { return NewMenus(p.WeChat, p.Accounts) }

func newCustomerServiceFx(p manageParams) *CustomerService {
	return NewCustomerService(p.WeChat, p.Accounts)
}

func newAutoRepliesFx(p manageParams) *AutoReplies { return NewAutoReplies(p.WeChat, p.Accounts) }

// checkManage returns errNoWeChat without a client, an *UnknownAccountError (or an
// *ArgumentError for an empty app_id) unless appID is a configured account.
func checkManage(wx *wechat.Client, accounts config.Accounts, appID string) error {
	if wx == nil {
		return errNoWeChat
	}
	if appID == "" {
		return &ArgumentError{Field: "app_id", Reason: "is required"}
	}
	if _, ok := accounts.Find(appID); !ok {
		return &UnknownAccountError{AppID: appID}
	}
	return nil
}

// manageCodes are the connect codes of WeChat errcodes of the menu and customer-service
// endpoints that wechat.CodeFor does not map to what a caller of these RPCs expects.
var manageCodes = map[int]connect.Code{
	65301: connect.CodeNotFound,           // this menu is not conditionalmenu
	65302: connect.CodeNotFound,           // no such user
	65303: connect.CodeFailedPrecondition, // there is no selfmenu
	65304: connect.CodeInvalidArgument,    // match rule empty
	65307: connect.CodeInvalidArgument,
	65308: connect.CodeInvalidArgument,
	65309: connect.CodeFailedPrecondition, // conditional menu switch is closed
	65310: connect.CodeInvalidArgument,
	65311: connect.CodeInvalidArgument,
	65312: connect.CodeInvalidArgument,
	65313: connect.CodeInvalidArgument,
	65314: connect.CodeInvalidArgument,
	65316: connect.CodeInvalidArgument, // domain count reach limit
	65317: connect.CodeInvalidArgument,
	65318: connect.CodeInvalidArgument,
	65320: connect.CodeInvalidArgument, // privacy fields in a match rule
	65401: connect.CodeNotFound,        // invalid custom service account
	65403: connect.CodeInvalidArgument,
	65404: connect.CodeInvalidArgument,
	65407: connect.CodeFailedPrecondition,
	65408: connect.CodeFailedPrecondition,
	65409: connect.CodeInvalidArgument,
	65410: connect.CodeResourceExhausted,
	65411: connect.CodeFailedPrecondition,
	65412: connect.CodeFailedPrecondition,
	65416: connect.CodeInvalidArgument,
	65417: connect.CodeInvalidArgument,
}

// manageError maps the errors of the menu, customer-service and auto-reply RPCs: WeChat
// errcodes in manageCodes get that code (keeping the WECHAT_ERRCODE detail),
// preconditions FailedPrecondition, and everything else goes through connectError.
func manageError(err error) error {
	if err == nil {
		return nil
	}
	var we *wechat.Error
	if errors.As(err, &we) {
		ce := we.ConnectError()
		if code, ok := manageCodes[we.Code]; ok {
			out := connect.NewError(code, errors.New(ce.Message()))
			for _, d := range ce.Details() {
				out.AddDetail(d)
			}
			return out
		}
		return ce
	}
	var pre *PreconditionError
	if errors.As(err, &pre) {
		return connect.NewError(connect.CodeFailedPrecondition, pre)
	}
	return connectError(err)
}
