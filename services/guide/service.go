package guide

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"time"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

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
	// Now is the clock of the time windows checked before sending (chat record ranges,
	// mass job push times); default time.Now.
	Now func() time.Time
}

// Service sends the guide RPCs to WeChat. It is safe for concurrent use.
type Service struct {
	accounts map[string]bool
	wc       *wechat.Client
	log      *slog.Logger
	now      func() time.Time
}

// New returns a Service.
func New(p Params) (*Service, error) {
	if p.WeChat == nil {
		return nil, fmt.Errorf("guide: a WeChat client is required")
	}
	s := &Service{accounts: make(map[string]bool, len(p.Accounts)), wc: p.WeChat, log: p.Logger, now: p.Now}
	if s.now == nil {
		s.now = time.Now
	}
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

// call is one guide endpoint call.
type call struct {
	// path is the WeChat API path.
	path string
	// idempotent marks calls safe to send again (reads and changes that set a state).
	idempotent bool
	// keep names fields sent even when zero (the platform reads them as required).
	keep []string
}

// do checks the account, sends req's fields (all but app_id, by their proto names) as
// the JSON body of c.path and decodes the answer into out (nil ignores it). It is called
// after the request was validated.
func (s *Service) do(ctx context.Context, c call, req interface {
	proto.Message
	GetAppId() string
}, out proto.Message) error {
	if err := s.checkAccount(req.GetAppId()); err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := s.wc.Do(ctx, &wechat.Request{AppID: req.GetAppId(), Method: http.MethodPost, Path: c.path,
		Body: bodyOf(req.ProtoReflect(), c.keep), Idempotent: c.idempotent}, &buf); err != nil {
		return err
	}
	if out == nil {
		return nil
	}
	if err := (protojson.UnmarshalOptions{DiscardUnknown: true}).Unmarshal(buf.Bytes(), out); err != nil {
		// The decode error may quote the answer (openids): log only where it happened.
		s.log.WarnContext(ctx, "undecodable answer", "path", c.path, "app_id", req.GetAppId())
		return &DecodeError{Path: c.path}
	}
	return nil
}

// bodyOf is the JSON body of m: its populated fields by proto name (the platform's
// names), without app_id, plus the fields of keep even when zero. Integers stay JSON
// numbers (protojson would quote 64-bit ones).
func bodyOf(m protoreflect.Message, keep []string) map[string]any {
	body := map[string]any{}
	fields := m.Descriptor().Fields()
	for i := range fields.Len() {
		fd := fields.Get(i)
		name := string(fd.Name())
		if name == "app_id" {
			continue
		}
		if !m.Has(fd) && !slices.Contains(keep, name) {
			continue
		}
		v := m.Get(fd)
		if fd.IsList() {
			l := v.List()
			items := make([]any, l.Len())
			for j := range l.Len() {
				items[j] = valueOf(fd, l.Get(j))
			}
			body[name] = items
			continue
		}
		body[name] = valueOf(fd, v)
	}
	return body
}

// valueOf is one scalar or message value of fd as JSON.
func valueOf(fd protoreflect.FieldDescriptor, v protoreflect.Value) any {
	switch fd.Kind() {
	case protoreflect.MessageKind:
		return bodyOf(v.Message(), nil)
	case protoreflect.StringKind:
		return v.String()
	case protoreflect.BoolKind:
		return v.Bool()
	case protoreflect.Int32Kind, protoreflect.Int64Kind, protoreflect.Sint32Kind, protoreflect.Sint64Kind:
		return v.Int()
	case protoreflect.EnumKind:
		return int64(v.Enum())
	}
	return v.Interface()
}
