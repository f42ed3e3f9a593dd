package auth

// This file holds the types services build against; the authenticator, the interceptor
// and the key configuration live beside it.

import (
	"context"
	"slices"
)

// Scopes a key may hold. ScopeAdmin allows everything.
const (
	// ScopeAccountsRead allows ListAccounts and GetAccount.
	ScopeAccountsRead = "accounts.read"
	// ScopeTokenRead allows reading raw access tokens and tickets (and passive refresh).
	ScopeTokenRead = "token.read"
	// ScopeOAuth allows the web-authorization RPCs (without raw user tokens).
	ScopeOAuth = "oauth"
	// ScopeOAuthTokens additionally returns raw user access and refresh tokens.
	ScopeOAuthTokens = "oauth.tokens"
	// ScopeJSSDK allows JS-SDK and card signing.
	ScopeJSSDK = "jssdk"
	// ScopePlatform allows the platform operations (IP lists, network check).
	ScopePlatform = "platform"
	// ScopeEventsRead allows consuming and reading the stream of callback messages and events.
	ScopeEventsRead = "events.read"
	// ScopeMessagesSend allows sending messages (customer-service, template, subscribe
	// notifications, mass send) and managing message templates.
	ScopeMessagesSend = "messages.send"
	// ScopeMessagingManage allows managing menus, customer-service accounts and sessions,
	// reply rules and reply handlers.
	ScopeMessagingManage = "messaging.manage"
	// ScopeAudienceRead allows reading followers, tags, the blacklist, QR codes and short keys.
	ScopeAudienceRead = "audience.read"
	// ScopeAudienceWrite allows changing remarks, tags and the blacklist and creating QR
	// codes and short keys.
	ScopeAudienceWrite = "audience.write"
	// ScopeContentRead allows reading media, materials and comments.
	ScopeContentRead = "content.read"
	// ScopeContentWrite allows uploading and changing media, materials and comments.
	ScopeContentWrite = "content.write"
	// ScopeCardRead allows reading cards, codes, member-card data, stores and 一物一码 codes.
	ScopeCardRead = "card.read"
	// ScopeCardWrite allows creating and changing cards, codes, stores and 一物一码 orders.
	ScopeCardWrite = "card.write"
	// ScopeInvoiceRead allows reading invoices, authorization data and reimbursement state.
	ScopeInvoiceRead = "invoice.read"
	// ScopeInvoiceWrite allows issuing, inserting and changing invoices and fiscal bills.
	ScopeInvoiceWrite = "invoice.write"
	// ScopeNontaxRead allows reading non-tax payment orders, bills and fees.
	ScopeNontaxRead = "nontax.read"
	// ScopeNontaxWrite allows placing, paying and refunding non-tax payment orders.
	ScopeNontaxWrite = "nontax.write"
	// ScopeAnalyticsRead allows reading the datacube and publisher statistics.
	ScopeAnalyticsRead = "analytics.read"
	// ScopeSmart allows the semantic, voice, translation, OCR and image calls.
	ScopeSmart = "smart"
	// ScopeGuideRead allows reading advisors (顾问), their groups, buyers, tags, materials
	// and mass jobs.
	ScopeGuideRead = "guide.read"
	// ScopeGuideWrite allows changing advisors, groups, buyers, tags, materials and mass jobs.
	ScopeGuideWrite = "guide.write"
	// ScopeProxy allows calling the WeChat API through the transparent proxy.
	ScopeProxy = "proxy"
	// ScopeAdmin allows everything, including ClearQuota.
	ScopeAdmin = "admin"
)

// AllAccounts in a key's app_ids lets it use every account.
const AllAccounts = "*"

// Policy says what a caller needs to call one procedure.
type Policy struct {
	// Procedure is the full RPC path, e.g. "/wxsuite.token.v1.TokenService/GetAccessToken".
	Procedure string
	// Scope is the scope the caller's key must hold (ScopeAdmin always does).
	Scope string
	// Audit logs one line per call (key id, app_id, procedure): set it for every RPC that
	// returns a raw token.
	Audit bool
}

// Caller is the authenticated caller of an RPC.
type Caller struct {
	// KeyID names the API key (never the key itself).
	KeyID string
	// Scopes the key holds.
	Scopes []string
	// AppIDs the key may use; AllAccounts means every account.
	AppIDs []string
}

// HasScope reports whether the caller holds scope (or admin).
func (c *Caller) HasScope(scope string) bool {
	return c != nil && (slices.Contains(c.Scopes, scope) || slices.Contains(c.Scopes, ScopeAdmin))
}

// MayUse reports whether the caller may act on the account appID.
func (c *Caller) MayUse(appID string) bool {
	return c != nil && (slices.Contains(c.AppIDs, AllAccounts) || slices.Contains(c.AppIDs, appID))
}

type callerKey struct{}

// WithCaller returns ctx carrying c (the interceptor does this; tests may too).
func WithCaller(ctx context.Context, c *Caller) context.Context {
	return context.WithValue(ctx, callerKey{}, c)
}

// FromContext returns the caller the interceptor authenticated, if any.
func FromContext(ctx context.Context) (*Caller, bool) {
	c, ok := ctx.Value(callerKey{}).(*Caller)
	return c, ok
}
