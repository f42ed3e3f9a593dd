package content

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"

	"github.com/wxsuite/wxsuite/internal/wechat"
)

// This file moves files between callers and WeChat: uploads are checked by their first
// bytes and streamed into a multipart/form-data body (field media) through a pipe, never
// copied into a second buffer by this service; downloads are streamed to a writer.

// File is the content of an upload.
type File struct {
	// Name is the file name sent to WeChat; "" picks a default with the extension of the
	// detected format, a name without extension gets that extension.
	Name string
	// Body is the content. It is read once, while the request is built.
	Body io.Reader
	// Size is the content's size when known in advance (-1 otherwise): it lets an
	// oversized file be refused before it is read.
	Size int64
	// Field and NameField name the request fields of Body and Name in errors ("data" and
	// "filename" for RPCs, "media" and "media" for forms).
	Field, NameField string
}

// errUploadDone ends the writer of an upload whose request was abandoned.
var errUploadDone = errors.New("content: upload finished")

// form is one multipart upload to WeChat.
type form struct {
	op, appID, path string
	query           url.Values
	kind            Kind
	rule            Rule
	defaultName     string
	fields          map[string]string // extra form fields, written after media
}

// upload checks f against fm's rule and sends it, decoding the answer into out. A file
// that breaks the rule is an *ArgumentError, and nothing reaches WeChat: the client reads
// the whole body before it sends anything, and the body fails as soon as the file does.
func (s *Service) upload(ctx context.Context, fm form, f File, out any) error {
	if f.Size > fm.rule.MaxBytes {
		return fm.rule.tooLarge(fm.kind, f.Field, f.Size)
	}
	br := bufio.NewReaderSize(f.Body, 32<<10)
	head, err := br.Peek(sniffLen)
	if err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("read %s: %w", f.Field, err)
	}
	format, err := fm.rule.checkHead(fm.kind, f.Field, head)
	if err != nil {
		return err
	}
	name, err := fileName(f.NameField, f.Name, fm.defaultName, format)
	if err != nil {
		return err
	}
	body := &checkedReader{r: br, rule: fm.rule, kind: fm.kind, field: f.Field}
	if fm.kind == KindVoice {
		body.play = newPlayCounter(format, head)
	}

	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() { _ = pw.CloseWithError(writeForm(mw, name, format, body, fm.fields)) }()
	// If the client returns without reading the whole body, this unblocks the writer.
	defer pr.CloseWithError(errUploadDone)

	err = s.call(ctx, fm.op, &wechat.Request{
		AppID: fm.appID, Method: http.MethodPost, Path: fm.path, Query: fm.query,
		RawBody: pr, ContentType: mw.FormDataContentType(),
	}, out)
	var arg *ArgumentError
	if errors.As(err, &arg) {
		return arg
	}
	return err
}

// writeForm writes the multipart body: the file as field media, then fields.
func writeForm(mw *multipart.Writer, name string, f Format, body io.Reader, fields map[string]string) error {
	h := make(textproto.MIMEHeader)
	h.Set("Content-Disposition", mime.FormatMediaType("form-data", map[string]string{"name": "media", "filename": name}))
	h.Set("Content-Type", f.ContentType())
	part, err := mw.CreatePart(h)
	if err != nil {
		return err
	}
	if _, err := io.Copy(part, body); err != nil {
		return err
	}
	for k, v := range fields {
		if err := mw.WriteField(k, v); err != nil {
			return err
		}
	}
	return mw.Close()
}

// Download is a downloaded media file: bytes with their type, or for videos the URL
// WeChat gives instead.
type Download struct {
	// ContentType is the bytes' type, e.g. "image/jpeg".
	ContentType string
	// Data is the file.
	Data []byte
	// JSON is WeChat's JSON answer when it answered with JSON (videos) instead of bytes.
	JSON []byte
}

// boundedBuffer is a bytes.Buffer that refuses to grow beyond max.
type boundedBuffer struct {
	bytes.Buffer
	max  int64
	over bool
}

func (b *boundedBuffer) Write(p []byte) (int, error) {
	if int64(b.Len()+len(p)) > b.max {
		b.over = true
		return 0, errors.New("download too large")
	}
	return b.Buffer.Write(p)
}

// download fetches a file into memory (at most content.max_download_bytes).
func (s *Service) download(ctx context.Context, op, mediaID string, req *wechat.Request) (Download, error) {
	buf := &boundedBuffer{max: s.cfg.MaxDownloadBytes}
	// Once: a transport failure in the middle of the bytes must not be retried into the
	// same buffer.
	req.Once = true
	if err := s.call(ctx, op, req, buf); err != nil {
		if buf.over {
			return Download{}, &DownloadTooLargeError{AppID: req.AppID, MediaID: mediaID, Limit: s.cfg.MaxDownloadBytes}
		}
		return Download{}, err
	}
	data := buf.Bytes()
	if isJSON(data) {
		return Download{JSON: data}, nil
	}
	return Download{ContentType: contentTypeOf(data), Data: data}, nil
}

// isJSON reports whether an answer is WeChat's JSON rather than file bytes (no accepted
// file format starts with "{").
func isJSON(data []byte) bool {
	t := bytes.TrimLeft(data, " \t\r\n")
	return len(t) > 0 && t[0] == '{' && json.Valid(t)
}

// contentTypeOf is the type of file bytes: by magic bytes, else as net/http sniffs it.
func contentTypeOf(data []byte) string {
	if f := Sniff(data[:min(len(data), sniffLen)]); f != "" {
		return f.ContentType()
	}
	return http.DetectContentType(data)
}

// ResponseWriter is where streamed downloads go (an http.ResponseWriter).
type ResponseWriter interface {
	Header() http.Header
	Write([]byte) (int, error)
	WriteHeader(int)
}

// streamWriter sends a download to an HTTP response as it arrives: it holds back the
// first bytes until it can tell the type, then sets Content-Type (JSON for WeChat's JSON
// answers) and passes everything through.
type streamWriter struct {
	w         ResponseWriter
	name      string // attachment file name without extension
	head      []byte
	committed bool
}

func (sw *streamWriter) Write(p []byte) (int, error) {
	if sw.committed {
		return sw.w.Write(p)
	}
	sw.head = append(sw.head, p...)
	if len(sw.head) < sniffLen {
		return len(p), nil
	}
	if err := sw.commit(); err != nil {
		return 0, err
	}
	return len(p), nil
}

// commit writes the headers and the held-back bytes.
func (sw *streamWriter) commit() error {
	sw.committed = true
	h := sw.w.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	if len(sw.head) > 0 && sw.head[0] == '{' {
		h.Set("Content-Type", "application/json")
	} else {
		ct := contentTypeOf(sw.head)
		h.Set("Content-Type", ct)
		ext := ""
		if exts, _ := mime.ExtensionsByType(ct); len(exts) > 0 {
			ext = exts[0]
		}
		for f, i := range formatInfo {
			if f.ContentType() == ct {
				ext = i.ext
			}
		}
		h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": sw.name + ext}))
	}
	sw.w.WriteHeader(http.StatusOK)
	_, err := sw.w.Write(sw.head)
	sw.head = nil
	return err
}

// stream fetches a file and writes it to w as it arrives. started reports whether the
// response was begun (then a failure can no longer be reported as a status).
func (s *Service) stream(ctx context.Context, op, name string, req *wechat.Request, w ResponseWriter) (started bool, err error) {
	sw := &streamWriter{w: w, name: name}
	req.Once = true
	if err := s.call(ctx, op, req, sw); err != nil {
		return sw.committed, err
	}
	if !sw.committed {
		return true, sw.commit()
	}
	return true, nil
}
