package messaging

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"connectrpc.com/connect"
	"github.com/redis/go-redis/v9"
	"google.golang.org/protobuf/proto"

	messagingv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/messaging/v1"
	"github.com/wxsuite/wxsuite/gen/go/wxsuite/messaging/v1/messagingv1connect"
)

// Fields of an account's reply hash (keys.reply): the rule set and the registered
// ReplyHandler as protobuf bytes, and a version incremented by every change. The accept
// script returns the version with every push, so a replica notices a change without an
// extra round trip and reloads the hash once.
const (
	replyFieldRules   = "rules"
	replyFieldHandler = "handler"
	replyFieldVersion = "v"
)

// maxHandlerURLBytes bounds a ReplyHandler URL.
const maxHandlerURLBytes = 1024

// maxHandlerResponseBytes bounds what the gateway reads of a ReplyHandler's answer.
const maxHandlerResponseBytes = 1 << 20

// replyState is what the gateway uses to answer an account's pushes: a snapshot of the
// reply hash at one version.
type replyState struct {
	version int64
	rules   *compiledRules
	handler *handlerTarget // nil: no ReplyHandler
	source  messagingv1.ReplyHandlerSource
}

// handlerTarget is a ReplyHandler ready to call.
type handlerTarget struct {
	spec   *messagingv1.ReplyHandler
	client messagingv1connect.ReplyHandlerServiceClient
	late   bool // deliver late replies as customer-service messages
}

// checkReplyHandler validates a ReplyHandler; path prefixes the field names.
func checkReplyHandler(path string, h *messagingv1.ReplyHandler) error {
	if h == nil {
		return &ArgumentError{Field: path, Reason: "is required"}
	}
	raw := h.GetUrl()
	if raw == "" {
		return &ArgumentError{Field: path + ".url", Reason: "is required"}
	}
	if len(raw) > maxHandlerURLBytes {
		return &ArgumentError{Field: path + ".url", Reason: fmt.Sprintf("is %d bytes, at most %d", len(raw), maxHandlerURLBytes)}
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return &ArgumentError{Field: path + ".url", Reason: "must be an http:// or https:// base URL without credentials, query or fragment"}
	}
	switch h.GetProtocol() {
	case messagingv1.ReplyHandlerProtocol_REPLY_HANDLER_PROTOCOL_UNSPECIFIED, messagingv1.ReplyHandlerProtocol_REPLY_HANDLER_PROTOCOL_GRPC,
		messagingv1.ReplyHandlerProtocol_REPLY_HANDLER_PROTOCOL_CONNECT, messagingv1.ReplyHandlerProtocol_REPLY_HANDLER_PROTOCOL_GRPC_WEB:
	default:
		return &ArgumentError{Field: path + ".protocol", Reason: fmt.Sprintf("%d is not a ReplyHandlerProtocol", h.GetProtocol())}
	}
	return nil
}

// handlerFromConfig turns the configuration's reply_handler into a ReplyHandler.
func handlerFromConfig(c *ReplyHandlerConfig) (*messagingv1.ReplyHandler, error) {
	h := &messagingv1.ReplyHandler{Url: c.URL, DeliverLateReplies: c.DeliverLateReplies}
	switch c.Protocol {
	case "", "grpc":
		h.Protocol = messagingv1.ReplyHandlerProtocol_REPLY_HANDLER_PROTOCOL_GRPC
	case "connect":
		h.Protocol = messagingv1.ReplyHandlerProtocol_REPLY_HANDLER_PROTOCOL_CONNECT
	case "grpcweb":
		h.Protocol = messagingv1.ReplyHandlerProtocol_REPLY_HANDLER_PROTOCOL_GRPC_WEB
	default:
		return nil, fmt.Errorf("protocol %q: want grpc, connect or grpcweb", c.Protocol)
	}
	if err := checkReplyHandler("reply_handler", h); err != nil {
		var arg *ArgumentError
		if errors.As(err, &arg) {
			return nil, errors.New(strings.TrimPrefix(arg.Field, "reply_handler.") + " " + arg.Reason)
		}
		return nil, err
	}
	return h, nil
}

// newHandlerTarget builds the client of a validated ReplyHandler; apiKey, when not
// empty, is sent as a bearer token.
func (s *Service) newHandlerTarget(h *messagingv1.ReplyHandler, apiKey string) *handlerTarget {
	opts := []connect.ClientOption{connect.WithReadMaxBytes(maxHandlerResponseBytes)}
	if apiKey != "" {
		opts = append(opts, connect.WithInterceptors(bearerInterceptor("Bearer "+apiKey)))
	}
	hc := s.handlerHTTP
	switch h.GetProtocol() {
	case messagingv1.ReplyHandlerProtocol_REPLY_HANDLER_PROTOCOL_CONNECT:
	case messagingv1.ReplyHandlerProtocol_REPLY_HANDLER_PROTOCOL_GRPC_WEB:
		opts = append(opts, connect.WithGRPCWeb())
	default:
		opts = append(opts, connect.WithGRPC())
		if strings.HasPrefix(h.GetUrl(), "http://") {
			hc = s.handlerH2C // gRPC needs HTTP/2: cleartext h2c for http:// URLs
		}
	}
	return &handlerTarget{
		spec:   h,
		client: messagingv1connect.NewReplyHandlerServiceClient(hc, strings.TrimRight(h.GetUrl(), "/"), opts...),
		late:   h.DeliverLateReplies == nil || h.GetDeliverLateReplies(),
	}
}

// bearerInterceptor sets the Authorization header of every call.
func bearerInterceptor(value string) connect.UnaryInterceptorFunc {
	return func(next connect.UnaryFunc) connect.UnaryFunc {
		return func(ctx context.Context, req connect.AnyRequest) (connect.AnyResponse, error) {
			req.Header().Set("Authorization", value)
			return next(ctx, req)
		}
	}
}

// newHandlerHTTPClients returns the HTTP clients of ReplyHandler calls: one for HTTP/1.1
// and TLS HTTP/2, one for cleartext HTTP/2 (gRPC to an http:// URL).
func newHandlerHTTPClients() (std, h2c *http.Client) {
	var stdProtos, h2cProtos http.Protocols
	stdProtos.SetHTTP1(true)
	stdProtos.SetHTTP2(true)
	h2cProtos.SetUnencryptedHTTP2(true)
	base := http.DefaultTransport.(*http.Transport)
	t1 := base.Clone()
	t1.Protocols = &stdProtos
	t1.MaxIdleConnsPerHost = 64
	t2 := base.Clone()
	t2.Protocols = &h2cProtos
	return &http.Client{Transport: t1}, &http.Client{Transport: t2}
}

// initialReplyState is the state of an account before its reply hash is read: no rules,
// the configured ReplyHandler if any.
func (s *Service) initialReplyState(acc *account) *replyState {
	st := &replyState{rules: emptyRules}
	if acc.configHandler != nil {
		st.handler = s.newHandlerTarget(acc.configHandler, acc.configHandlerKey)
		st.source = messagingv1.ReplyHandlerSource_REPLY_HANDLER_SOURCE_CONFIG
	}
	return st
}

// replyStateAt returns the account's reply state at version (the one the accept script
// saw), reading the reply hash when the cached state is of another version. When Redis
// fails, the cached state is used: a push is never refused for its reply.
func (s *Service) replyStateAt(ctx context.Context, acc *account, version int64) *replyState {
	st := acc.reply.Load()
	if st.version == version {
		return st
	}
	acc.replyMu.Lock()
	defer acc.replyMu.Unlock()
	if st = acc.reply.Load(); st.version == version {
		return st
	}
	loaded, err := s.loadReplyState(ctx, acc)
	if err != nil {
		s.log.Warn("callback: cannot read the reply rules; using the previous ones", "app_id", acc.appID, "error", err)
		return st
	}
	acc.reply.Store(loaded)
	return loaded
}

// loadReplyState reads the account's reply hash.
func (s *Service) loadReplyState(ctx context.Context, acc *account) (*replyState, error) {
	vals, err := s.rdb.HMGet(ctx, acc.keys.reply(), replyFieldRules, replyFieldHandler, replyFieldVersion).Result()
	if err != nil {
		return nil, &StoreError{AppID: acc.appID, Op: "read reply rules", Err: err}
	}
	st := s.initialReplyState(acc)
	if v, ok := vals[2].(string); ok {
		st.version, _ = strconv.ParseInt(v, 10, 64)
	}
	if raw, ok := vals[0].(string); ok {
		rules := &messagingv1.ReplyRules{}
		if err := proto.Unmarshal([]byte(raw), rules); err != nil {
			return nil, fmt.Errorf("decode reply rules of %s: %w", acc.appID, err)
		}
		if st.rules, err = compileRules(rules); err != nil {
			return nil, fmt.Errorf("compile reply rules of %s: %w", acc.appID, err)
		}
	}
	if raw, ok := vals[1].(string); ok {
		h := &messagingv1.ReplyHandler{}
		if err := proto.Unmarshal([]byte(raw), h); err != nil {
			return nil, fmt.Errorf("decode reply handler of %s: %w", acc.appID, err)
		}
		st.handler = s.newHandlerTarget(h, "")
		st.source = messagingv1.ReplyHandlerSource_REPLY_HANDLER_SOURCE_API
	}
	return st, nil
}

// updateReply sets (value non-nil) or deletes a field of the account's reply hash and
// bumps its version, in one transaction.
func (s *Service) updateReply(ctx context.Context, acc *account, field string, value []byte) error {
	key := acc.keys.reply()
	_, err := s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		if value != nil {
			p.HSet(ctx, key, field, value)
		} else {
			p.HDel(ctx, key, field)
		}
		p.HIncrBy(ctx, key, replyFieldVersion, 1)
		return nil
	})
	if err != nil {
		return &StoreError{AppID: acc.appID, Op: "store reply settings", Err: err}
	}
	return nil
}

// SetReplyRules validates rules and replaces the account's rule set with them.
func (s *Service) SetReplyRules(ctx context.Context, appID string, rules *messagingv1.ReplyRules) (*messagingv1.ReplyRules, error) {
	acc, err := s.account(appID)
	if err != nil {
		return nil, err
	}
	if rules == nil {
		rules = &messagingv1.ReplyRules{}
	}
	if _, err := compileRules(rules); err != nil {
		return nil, err
	}
	var data []byte
	if proto.Size(rules) > 0 {
		if data, err = proto.Marshal(rules); err != nil {
			return nil, fmt.Errorf("encode reply rules: %w", err)
		}
	}
	if err := s.updateReply(ctx, acc, replyFieldRules, data); err != nil {
		return nil, err
	}
	return rules, nil
}

// GetReplyRules returns the account's rule set (empty when none was set).
func (s *Service) GetReplyRules(ctx context.Context, appID string) (*messagingv1.ReplyRules, error) {
	acc, err := s.account(appID)
	if err != nil {
		return nil, err
	}
	raw, err := s.rdb.HGet(ctx, acc.keys.reply(), replyFieldRules).Bytes()
	if errors.Is(err, redis.Nil) {
		return &messagingv1.ReplyRules{}, nil
	}
	if err != nil {
		return nil, &StoreError{AppID: appID, Op: "read reply rules", Err: err}
	}
	rules := &messagingv1.ReplyRules{}
	if err := proto.Unmarshal(raw, rules); err != nil {
		return nil, fmt.Errorf("decode reply rules of %s: %w", appID, err)
	}
	return rules, nil
}

// SetReplyHandler validates h and registers it as the account's ReplyHandler.
func (s *Service) SetReplyHandler(ctx context.Context, appID string, h *messagingv1.ReplyHandler) (*messagingv1.ReplyHandler, error) {
	acc, err := s.account(appID)
	if err != nil {
		return nil, err
	}
	if err := checkReplyHandler("handler", h); err != nil {
		return nil, err
	}
	h = proto.CloneOf(h)
	if h.GetProtocol() == messagingv1.ReplyHandlerProtocol_REPLY_HANDLER_PROTOCOL_UNSPECIFIED {
		h.Protocol = messagingv1.ReplyHandlerProtocol_REPLY_HANDLER_PROTOCOL_GRPC
	}
	if h.DeliverLateReplies == nil {
		h.DeliverLateReplies = proto.Bool(true)
	}
	data, err := proto.Marshal(h)
	if err != nil {
		return nil, fmt.Errorf("encode reply handler: %w", err)
	}
	if err := s.updateReply(ctx, acc, replyFieldHandler, data); err != nil {
		return nil, err
	}
	return h, nil
}

// GetReplyHandler returns the account's ReplyHandler in use and its source; nil and
// REPLY_HANDLER_SOURCE_UNSPECIFIED when it has none.
func (s *Service) GetReplyHandler(ctx context.Context, appID string) (*messagingv1.ReplyHandler, messagingv1.ReplyHandlerSource, error) {
	acc, err := s.account(appID)
	if err != nil {
		return nil, 0, err
	}
	raw, err := s.rdb.HGet(ctx, acc.keys.reply(), replyFieldHandler).Bytes()
	switch {
	case errors.Is(err, redis.Nil):
		if acc.configHandler != nil {
			return proto.CloneOf(acc.configHandler), messagingv1.ReplyHandlerSource_REPLY_HANDLER_SOURCE_CONFIG, nil
		}
		return nil, messagingv1.ReplyHandlerSource_REPLY_HANDLER_SOURCE_UNSPECIFIED, nil
	case err != nil:
		return nil, 0, &StoreError{AppID: appID, Op: "read reply handler", Err: err}
	}
	h := &messagingv1.ReplyHandler{}
	if err := proto.Unmarshal(raw, h); err != nil {
		return nil, 0, fmt.Errorf("decode reply handler of %s: %w", appID, err)
	}
	return h, messagingv1.ReplyHandlerSource_REPLY_HANDLER_SOURCE_API, nil
}

// DeleteReplyHandler removes the ReplyHandler registered by SetReplyHandler.
func (s *Service) DeleteReplyHandler(ctx context.Context, appID string) error {
	acc, err := s.account(appID)
	if err != nil {
		return err
	}
	return s.updateReply(ctx, acc, replyFieldHandler, nil)
}
