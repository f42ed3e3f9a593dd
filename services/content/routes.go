package content

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"

	"connectrpc.com/connect"
	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"
	"google.golang.org/protobuf/types/known/timestamppb"

	contentv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/content/v1"
	"github.com/wxsuite/wxsuite/internal/platform/auth"
	"github.com/wxsuite/wxsuite/internal/platform/rpcserver"
)

// The plain HTTP routes of the REST surface that grpc-gateway cannot serve well:
// multipart/form-data uploads streamed to WeChat, and downloads of raw bytes with their
// Content-Type. They are not behind the RPC interceptors, so each checks the API key,
// the scope (content.write for uploads, content.read for downloads) and the account
// itself, and answers errors in the gateway's JSON shape ({"code","message","details"}).
const (
	RouteMediaUpload        = "POST /v1/apps/{app_id}/media:upload"
	RouteMaterialUpload     = "POST /v1/apps/{app_id}/materials:upload"
	RouteArticleImageUpload = "POST /v1/apps/{app_id}/article-images:upload"
	RouteMediaContent       = "GET /v1/apps/{app_id}/media/{media_id}/content"
	RouteMaterialContent    = "GET /v1/apps/{app_id}/materials/{media_id}/content"
)

// maxFormField bounds a form field other than media.
const maxFormField = 64 << 10

// routes serves the HTTP routes of a Service.
type routes struct {
	svc  *Service
	auth *auth.Authenticator
	log  *slog.Logger
}

// Routes returns the plain HTTP routes (see the Route* patterns); authn checks their
// API keys.
func (s *Service) Routes(authn *auth.Authenticator) []rpcserver.Route {
	rt := &routes{svc: s, auth: authn, log: s.log}
	return []rpcserver.Route{
		{Pattern: RouteMediaUpload, Handler: http.HandlerFunc(rt.uploadMedia)},
		{Pattern: RouteMaterialUpload, Handler: http.HandlerFunc(rt.uploadMaterial)},
		{Pattern: RouteArticleImageUpload, Handler: http.HandlerFunc(rt.uploadArticleImage)},
		{Pattern: RouteMediaContent, Handler: http.HandlerFunc(rt.mediaContent)},
		{Pattern: RouteMaterialContent, Handler: http.HandlerFunc(rt.materialContent)},
	}
}

// authorize checks the caller's key, scope and account; it writes the refusal and
// reports false when the call may not go on.
func (rt *routes) authorize(w http.ResponseWriter, r *http.Request, scope string) bool {
	caller, err := rt.auth.Authenticate(r.Header)
	if err != nil {
		rt.writeError(w, err)
		return false
	}
	appID := r.PathValue("app_id")
	switch {
	case !caller.HasScope(scope):
		rt.log.Info("rest route denied", "route", r.Pattern, "key_id", caller.KeyID, "reason", "scope")
		rt.writeError(w, connect.NewError(connect.CodePermissionDenied, fmt.Errorf("key %q lacks scope %q", caller.KeyID, scope)))
		return false
	case !caller.MayUse(appID):
		rt.log.Info("rest route denied", "route", r.Pattern, "key_id", caller.KeyID, "reason", "account")
		rt.writeError(w, connect.NewError(connect.CodePermissionDenied, fmt.Errorf("key %q may not use account %q", caller.KeyID, appID)))
		return false
	}
	return true
}

// formUpload is a multipart upload being read: the fields before the media part (and
// the query parameters, which they override), then the media part itself.
type formUpload struct {
	fields url.Values
	file   File
}

// readForm reads the form up to its media part. The media part is left unread in
// file.Body: it is streamed to WeChat.
func (rt *routes) readForm(w http.ResponseWriter, r *http.Request, svc *Service) (*formUpload, error) {
	r.Body = http.MaxBytesReader(w, r.Body, svc.cfg.MaxFormBytes)
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, &ArgumentError{Field: "body", Reason: "must be multipart/form-data with the file in the field media (curl -F media=@file)"}
	}
	fu := &formUpload{fields: r.URL.Query()}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return nil, &ArgumentError{Field: "media", Reason: "is required: the file, as the form field media"}
		}
		if err != nil {
			return nil, &ArgumentError{Field: "body", Reason: "is not a readable multipart/form-data body"}
		}
		name := part.FormName()
		if name == "media" {
			fname := fu.fields.Get("filename")
			if fname == "" {
				fname = part.FileName()
			}
			fu.file = File{Name: fname, Body: part, Size: -1, Field: "media", NameField: "filename"}
			return fu, nil
		}
		v, err := io.ReadAll(io.LimitReader(part, maxFormField+1))
		if err != nil || len(v) > maxFormField {
			return nil, &ArgumentError{Field: name, Reason: "is too long or unreadable"}
		}
		fu.fields.Set(name, string(v))
	}
}

// uploadKind is the kind the form names in "type" (before media, or in the query).
func uploadKind(fields url.Values) (Kind, error) {
	switch k := Kind(strings.ToLower(fields.Get("type"))); k {
	case KindImage, KindVoice, KindVideo, KindThumb:
		return k, nil
	case "":
		return "", &ArgumentError{Field: "type", Reason: "is required (image, voice, video or thumb) as ?type= or a form field before media"}
	}
	return "", &ArgumentError{Field: "type", Reason: "must be image, voice, video or thumb"}
}

// uploadMedia serves RouteMediaUpload: fields type (and optional filename), then media.
func (rt *routes) uploadMedia(w http.ResponseWriter, r *http.Request) {
	if !rt.authorize(w, r, auth.ScopeContentWrite) {
		return
	}
	appID := r.PathValue("app_id")
	if err := rt.svc.checkAccount(appID); err != nil {
		rt.writeError(w, err)
		return
	}
	fu, err := rt.readForm(w, r, rt.svc)
	if err != nil {
		rt.writeError(w, err)
		return
	}
	kind, err := uploadKind(fu.fields)
	if err != nil {
		rt.writeError(w, err)
		return
	}
	m, err := rt.svc.UploadMedia(r.Context(), appID, kind, fu.file)
	if err != nil {
		rt.writeError(w, err)
		return
	}
	rt.writeMessage(w, &contentv1.UploadMediaResponse{MediaId: m.MediaID, Type: protoKinds[m.Kind],
		CreatedAt: timestamppb.New(m.CreatedAt), ExpireTime: timestamppb.New(m.ExpireTime())})
}

// uploadMaterial serves RouteMaterialUpload: fields type, and for videos title and
// introduction (or WeChat's description JSON), before media.
func (rt *routes) uploadMaterial(w http.ResponseWriter, r *http.Request) {
	if !rt.authorize(w, r, auth.ScopeContentWrite) {
		return
	}
	appID := r.PathValue("app_id")
	if err := rt.svc.checkAccount(appID); err != nil {
		rt.writeError(w, err)
		return
	}
	fu, err := rt.readForm(w, r, rt.svc)
	if err != nil {
		rt.writeError(w, err)
		return
	}
	kind, err := uploadKind(fu.fields)
	if err != nil {
		rt.writeError(w, err)
		return
	}
	video := Video{Title: fu.fields.Get("title"), Introduction: fu.fields.Get("introduction")}
	if d := fu.fields.Get("description"); d != "" && video.Title == "" {
		var v struct {
			Title        string `json:"title"`
			Introduction string `json:"introduction"`
		}
		if json.Unmarshal([]byte(d), &v) != nil {
			rt.writeError(w, &ArgumentError{Field: "description", Reason: `must be JSON {"title":…,"introduction":…}`})
			return
		}
		video = Video{Title: v.Title, Introduction: v.Introduction}
	}
	m, err := rt.svc.AddMaterial(r.Context(), appID, kind, fu.file, video)
	if err != nil {
		rt.writeError(w, err)
		return
	}
	rt.writeMessage(w, &contentv1.AddMaterialResponse{MediaId: m.MediaID, Url: m.URL})
}

// uploadArticleImage serves RouteArticleImageUpload: the field media.
func (rt *routes) uploadArticleImage(w http.ResponseWriter, r *http.Request) {
	if !rt.authorize(w, r, auth.ScopeContentWrite) {
		return
	}
	appID := r.PathValue("app_id")
	if err := rt.svc.checkAccount(appID); err != nil {
		rt.writeError(w, err)
		return
	}
	fu, err := rt.readForm(w, r, rt.svc)
	if err != nil {
		rt.writeError(w, err)
		return
	}
	u, err := rt.svc.UploadArticleImage(r.Context(), appID, fu.file)
	if err != nil {
		rt.writeError(w, err)
		return
	}
	rt.writeMessage(w, &contentv1.UploadArticleImageResponse{Url: u})
}

// mediaContent serves RouteMediaContent: the bytes of temporary media.
func (rt *routes) mediaContent(w http.ResponseWriter, r *http.Request) {
	if !rt.authorize(w, r, auth.ScopeContentRead) {
		return
	}
	started, err := rt.svc.StreamMedia(r.Context(), r.PathValue("app_id"), r.PathValue("media_id"), w)
	rt.finishDownload(w, started, err)
}

// materialContent serves RouteMaterialContent: the bytes (or JSON) of a material.
func (rt *routes) materialContent(w http.ResponseWriter, r *http.Request) {
	if !rt.authorize(w, r, auth.ScopeContentRead) {
		return
	}
	started, err := rt.svc.StreamMaterial(r.Context(), r.PathValue("app_id"), r.PathValue("media_id"), w)
	rt.finishDownload(w, started, err)
}

// finishDownload reports a download's failure: as an error answer while nothing was
// written, else by aborting the response so that the client sees a broken transfer
// rather than a complete-looking truncated file.
func (rt *routes) finishDownload(w http.ResponseWriter, started bool, err error) {
	switch {
	case err == nil:
	case !started:
		rt.writeError(w, err)
	default:
		rt.log.Warn("download failed after it started; aborting the response", "err", err)
		panic(http.ErrAbortHandler) // net/http's documented way to abort a response; it is recovered and not logged
	}
}

// marshaler writes answers as the gateway does (proto field names).
var marshaler = protojson.MarshalOptions{UseProtoNames: true}

func (rt *routes) writeMessage(w http.ResponseWriter, m proto.Message) {
	data, err := marshaler.Marshal(m)
	if err != nil {
		rt.writeError(w, err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(data)
}

// writeError answers err in the gateway's error shape, with the HTTP status the gateway
// gives its code. Errors the service does not know are Internal and logged.
func (rt *routes) writeError(w http.ResponseWriter, err error) {
	var ce *connect.Error
	if !errors.As(connectError(err), &ce) {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			ce = connect.NewError(connect.CodeInvalidArgument, fmt.Errorf("body: larger than content.max_form_bytes (%d bytes)", mbe.Limit))
		} else {
			rt.log.Error("rest route failed with an internal error", "err", err)
			ce = connect.NewError(connect.CodeInternal, errors.New("internal error"))
		}
	}
	st := &status.Status{Code: int32(ce.Code()), Message: ce.Message()}
	for _, d := range ce.Details() {
		if v, derr := d.Value(); derr == nil {
			if a, aerr := anypb.New(v); aerr == nil {
				st.Details = append(st.Details, a)
			}
		}
	}
	data, _ := protojson.Marshal(st) // a Status with known details always marshals
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(runtime.HTTPStatusFromCode(codes.Code(ce.Code())))
	_, _ = w.Write(data)
}
