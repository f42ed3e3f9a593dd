package auth

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"unsafe"

	"connectrpc.com/connect"
	"github.com/prometheus/client_golang/prometheus"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
)

// AnonymousKeyID is the KeyID of the caller every call runs as while authentication is
// disabled (Config.Disabled); that caller holds ScopeAdmin and AllAccounts.
const AnonymousKeyID = "anonymous"

// Messages of the Unauthenticated errors; none ever contains the presented key.
const (
	msgMissingKey = "missing API key: send Authorization: Bearer <key> or X-Api-Key"
	msgUnknownKey = "unknown API key"
)

// Params are New's inputs.
type Params struct {
	// Config is the `auth` section; New validates it.
	Config Config
	// Policies say what each procedure needs; a procedure without one is refused.
	Policies []Policy
	// Logger receives the audit lines, denials (info for a known key, debug otherwise) and
	// the start-up warning of a disabled Authenticator (nil discards them).
	Logger *slog.Logger
	// Registerer receives wxsuite_auth_denied_total (nil records nothing).
	Registerer prometheus.Registerer
}

// Authenticator checks the API key and the access policy of every call. It is immutable
// after New and safe for concurrent use.
type Authenticator struct {
	disabled  bool
	anonymous *key
	keys      map[[sha256.Size]byte]*key
	policies  map[string]policy
	log       *slog.Logger
	denied    *prometheus.CounterVec
}

// key is one configured API key, with its scopes as a bit mask and its accounts as a set.
type key struct {
	caller  *Caller
	scopes  uint32
	allApps bool
	apps    map[string]struct{}
}

// policy is a Policy with its scope as a bit.
type policy struct {
	scope string
	bit   uint32
	audit bool
}

var adminBit, _ = scopeBit(ScopeAdmin)

// New validates cfg and the policies (each names a procedure once, with a known scope) and
// precomputes the key and policy maps. With Config.Disabled it logs a warning: every call
// is then allowed.
func New(p Params) (*Authenticator, error) {
	if err := p.Config.Validate(); err != nil {
		return nil, fmt.Errorf("auth: %w", err)
	}
	log := p.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	a := &Authenticator{
		disabled: p.Config.Disabled,
		keys:     make(map[[sha256.Size]byte]*key, len(p.Config.Keys)),
		policies: make(map[string]policy, len(p.Policies)),
		log:      log,
		anonymous: newKey(&Caller{KeyID: AnonymousKeyID, Scopes: []string{ScopeAdmin},
			AppIDs: []string{AllAccounts}}),
	}
	for _, kc := range p.Config.Keys {
		sum, _, err := kc.sum()
		if err != nil { // Validate has already refused this
			return nil, fmt.Errorf("auth: key %q: %w", kc.ID, err)
		}
		a.keys[sum] = newKey(&Caller{KeyID: kc.ID, Scopes: slices.Clone(kc.Scopes), AppIDs: slices.Clone(kc.AppIDs)})
	}
	for _, pol := range p.Policies {
		if !strings.HasPrefix(pol.Procedure, "/") || strings.Count(pol.Procedure, "/") != 2 {
			return nil, fmt.Errorf("auth: policy procedure %q: want \"/package.Service/Method\"", pol.Procedure)
		}
		bit, ok := scopeBit(pol.Scope)
		if !ok {
			return nil, fmt.Errorf("auth: policy for %s: unknown scope %q", pol.Procedure, pol.Scope)
		}
		if _, dup := a.policies[pol.Procedure]; dup {
			return nil, fmt.Errorf("auth: policy for %s given twice", pol.Procedure)
		}
		a.policies[pol.Procedure] = policy{scope: pol.Scope, bit: bit, audit: pol.Audit}
	}
	if p.Registerer != nil {
		a.denied = prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "wxsuite_auth_denied_total",
			Help: "Calls refused by caller authentication, by procedure and reason.",
		}, []string{"procedure", "reason"})
		if err := p.Registerer.Register(a.denied); err != nil {
			var are prometheus.AlreadyRegisteredError
			if !errors.As(err, &are) {
				return nil, fmt.Errorf("auth: register metrics: %w", err)
			}
			a.denied = are.ExistingCollector.(*prometheus.CounterVec)
		}
	}
	if a.disabled {
		log.Warn("AUTHENTICATION IS DISABLED (auth.disabled: true): every caller may call every RPC " +
			"and read raw access tokens without an API key; never run like this where anyone else can connect")
	}
	return a, nil
}

func newKey(c *Caller) *key {
	k := &key{caller: c, apps: make(map[string]struct{}, len(c.AppIDs))}
	for _, s := range c.Scopes {
		bit, _ := scopeBit(s)
		k.scopes |= bit
	}
	for _, id := range c.AppIDs {
		if id == AllAccounts {
			k.allApps = true
		}
		k.apps[id] = struct{}{}
	}
	return k
}

// Disabled reports whether authentication is off (Config.Disabled).
func (a *Authenticator) Disabled() bool { return a.disabled }

// Authenticate returns the caller whose key header carries, or an Unauthenticated
// *connect.Error (see KeyFromHeader). While disabled it returns the anonymous caller. The
// returned Caller is shared: do not modify it.
func (a *Authenticator) Authenticate(header http.Header) (*Caller, error) {
	k, err := a.authenticate(header)
	if err != nil {
		return nil, err
	}
	return k.caller, nil
}

func (a *Authenticator) authenticate(header http.Header) (*key, error) {
	if a.disabled {
		return a.anonymous, nil
	}
	presented, err := KeyFromHeader(header)
	if err != nil {
		return nil, err
	}
	// The header value is only read, never kept or changed: hash it without copying.
	k, ok := a.keys[sha256.Sum256(unsafe.Slice(unsafe.StringData(presented), len(presented)))]
	if !ok {
		return nil, connect.NewError(connect.CodeUnauthenticated, errors.New(msgUnknownKey))
	}
	return k, nil
}

// KeyFromHeader returns the API key of a request, following these rules:
//
//   - X-Api-Key: <key>, or Authorization: Bearer <key> (scheme in any case); surrounding
//     spaces are ignored.
//   - With both, the Bearer key must equal the X-Api-Key one; a non-Bearer Authorization
//     (e.g. Basic, for a proxy in front) is ignored when X-Api-Key is present.
//   - Neither header: Unauthenticated "missing API key: …". A header sent twice, an empty
//     one, or an Authorization that is not "Bearer <key>" (without X-Api-Key): Unauthenticated
//     naming the header.
//
// Errors are *connect.Error and never contain the key.
func KeyFromHeader(header http.Header) (string, error) {
	authz, apiKey := header["Authorization"], header["X-Api-Key"]
	if len(authz) > 1 {
		return "", unauthenticated("more than one Authorization header")
	}
	if len(apiKey) > 1 {
		return "", unauthenticated("more than one X-Api-Key header")
	}
	var bearer string
	if len(authz) == 1 {
		scheme, rest, _ := strings.Cut(strings.TrimSpace(authz[0]), " ")
		switch {
		case strings.EqualFold(scheme, "Bearer"):
			bearer = strings.TrimSpace(rest)
			if bearer == "" {
				return "", unauthenticated("malformed Authorization header: empty Bearer key")
			}
		case len(apiKey) == 0:
			return "", unauthenticated("malformed Authorization header: want Bearer <key>")
		}
	}
	if len(apiKey) == 1 {
		k := strings.TrimSpace(apiKey[0])
		switch {
		case k == "":
			return "", unauthenticated("malformed X-Api-Key header: empty")
		case bearer != "" && bearer != k:
			return "", unauthenticated("Authorization and X-Api-Key carry different keys: send one")
		}
		return k, nil
	}
	if bearer == "" {
		return "", unauthenticated(msgMissingKey)
	}
	return bearer, nil
}

func unauthenticated(msg string) error {
	return connect.NewError(connect.CodeUnauthenticated, errors.New(msg))
}

// authorize checks the policy of procedure for k; appID is checked separately (it is only
// known once the request message is read).
func (a *Authenticator) authorize(ctx context.Context, k *key, procedure string) (policy, error) {
	pol, ok := a.policies[procedure]
	if a.disabled {
		return pol, nil
	}
	if !ok {
		return pol, a.deny(ctx, k, procedure, "no_policy", "no access policy for "+procedure)
	}
	if k.scopes&(pol.bit|adminBit) == 0 {
		return pol, a.deny(ctx, k, procedure, "scope",
			fmt.Sprintf("key %q lacks scope %q", k.caller.KeyID, pol.scope))
	}
	return pol, nil
}

// checkAccount checks that k may use appID (an empty appID names no account).
func (a *Authenticator) checkAccount(ctx context.Context, k *key, procedure, appID string) error {
	if appID == "" || k.allApps {
		return nil
	}
	if _, ok := k.apps[appID]; ok {
		return nil
	}
	return a.deny(ctx, k, procedure, "account",
		fmt.Sprintf("key %q may not use account %q", k.caller.KeyID, appID))
}

// deny counts and logs a PermissionDenied and returns it.
func (a *Authenticator) deny(ctx context.Context, k *key, procedure, reason, msg string) error {
	if a.denied != nil {
		a.denied.WithLabelValues(procedure, reason).Inc()
	}
	a.log.LogAttrs(ctx, slog.LevelInfo, "rpc denied", slog.String("procedure", procedure),
		slog.String("key_id", k.caller.KeyID), slog.String("reason", reason))
	return connect.NewError(connect.CodePermissionDenied, errors.New(msg))
}

// unauthenticatedCall counts and logs (at debug: anyone can cause it) a refused key.
func (a *Authenticator) unauthenticatedCall(ctx context.Context, procedure string, err error) error {
	if a.denied != nil {
		a.denied.WithLabelValues(procedure, "unauthenticated").Inc()
	}
	a.log.LogAttrs(ctx, slog.LevelDebug, "rpc unauthenticated", slog.String("procedure", procedure),
		slog.String("err", err.Error()))
	return err
}

// audit writes the audit line of one call; never the request or response.
func (a *Authenticator) audit(ctx context.Context, k *key, procedure, appID string, err error) {
	a.log.LogAttrs(ctx, slog.LevelInfo, "audit: token read", slog.String("key_id", k.caller.KeyID),
		slog.String("app_id", appID), slog.String("procedure", procedure), slog.Bool("ok", err == nil))
}

// Uncovered returns, sorted, the procedures of the named proto services (as registered in
// the global protobuf registry) that have no policy: calls to them are refused. Unknown
// service names are skipped.
func (a *Authenticator) Uncovered(services ...string) []string {
	var out []string
	for _, name := range services {
		d, err := protoregistry.GlobalFiles.FindDescriptorByName(protoreflect.FullName(name))
		if err != nil {
			continue
		}
		sd, ok := d.(protoreflect.ServiceDescriptor)
		if !ok {
			continue
		}
		methods := sd.Methods()
		for i := range methods.Len() {
			proc := "/" + name + "/" + string(methods.Get(i).Name())
			if _, ok := a.policies[proc]; !ok {
				out = append(out, proc)
			}
		}
	}
	slices.Sort(out)
	return out
}
