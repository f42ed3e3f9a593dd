package card

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	"github.com/wxsuite/wxsuite/internal/platform/config"
	"github.com/wxsuite/wxsuite/internal/wechat"
)

// Params are the inputs of New.
type Params struct {
	// Accounts are the configured accounts; other app_ids are NotFound.
	Accounts config.Accounts
	// WeChat is the shared WeChat API client. Required.
	WeChat *wechat.Client
	// Logger receives the service's logs (nil discards them).
	Logger *slog.Logger
}

// Service implements the card RPCs on top of the WeChat client. It is safe for
// concurrent use.
type Service struct {
	accounts map[string]bool
	wc       *wechat.Client
	log      *slog.Logger
}

// New returns a Service.
func New(p Params) (*Service, error) {
	if p.WeChat == nil {
		return nil, fmt.Errorf("card: a WeChat client is required")
	}
	s := &Service{accounts: make(map[string]bool, len(p.Accounts)), wc: p.WeChat, log: p.Logger}
	for _, a := range p.Accounts {
		s.accounts[a.AppID] = true
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	return s, nil
}

// checkAccount refuses an empty or unconfigured app_id.
func (s *Service) checkAccount(appID string) error {
	if appID == "" {
		return &ArgumentError{Field: "app_id", Reason: "is required"}
	}
	if !s.accounts[appID] {
		return &UnknownAccountError{AppID: appID}
	}
	return nil
}

// The platform's JSON is the typed messages with their proto field names (which are
// the platform's names); answers may carry fields the messages do not model.
var (
	toPlatform   = protojson.MarshalOptions{UseProtoNames: true}
	fromPlatform = protojson.UnmarshalOptions{DiscardUnknown: true}
)

// object is a platform JSON object being built.
type object map[string]json.RawMessage

// wire returns m as a platform JSON object without the fields drop (app_id, path
// parameters, output-only fields). Fields with zero values are left out, as the
// platform's defaults are the zero values unless a caller builds them explicitly.
func wire(m proto.Message, drop ...string) (object, error) {
	data, err := toPlatform.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("encode %s: %w", m.ProtoReflect().Descriptor().Name(), err)
	}
	obj := object{}
	if err := json.Unmarshal(data, &obj); err != nil {
		return nil, fmt.Errorf("encode %s: %w", m.ProtoReflect().Descriptor().Name(), err)
	}
	for _, k := range drop {
		delete(obj, k)
	}
	return obj, nil
}

// set puts the JSON of v under key.
func (o object) set(key string, v any) object {
	data, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("card: encode %s: %v", key, err)) // only called with plain values
	}
	o[key] = data
	return o
}

// call sends body (nil for a GET) to path for appID and decodes the answer into out
// (nil to ignore it). idempotent marks calls that may be sent again after a failure.
func (s *Service) call(ctx context.Context, appID, path string, idempotent bool, body any, out proto.Message) error {
	req := &wechat.Request{AppID: appID, Method: http.MethodPost, Path: path, Idempotent: idempotent, Body: body}
	if body == nil {
		req.Method = http.MethodGet
	}
	var raw json.RawMessage
	if err := s.wc.Do(ctx, req, &raw); err != nil {
		return err
	}
	if out == nil {
		return nil
	}
	if err := fromPlatform.Unmarshal(raw, out); err != nil {
		// The answer may hold codes or openids: keep them out of the error.
		return fmt.Errorf("%s for %s: answer does not match %s", path, appID, out.ProtoReflect().Descriptor().Name())
	}
	return nil
}
