package proxy_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"testing"
	"time"

	"github.com/wxsuite/wxsuite/sandbox/sandboxtest"
	"github.com/wxsuite/wxsuite/services/proxy"
)

const tenMB = 10 << 20

// TestMediaUploadDownload10MB uploads a 10 MB image through the proxy to the sandbox and
// downloads it again.
func TestMediaUploadDownload10MB(t *testing.T) {
	t.Parallel()
	e := newEnv(t, proxy.Config{})
	file := sandboxtest.GIF(tenMB)
	file[tenMB-1] = 0x5a
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("media", "big.gif")
	_, _ = fw.Write(file)
	_ = mw.Close()
	req, _ := http.NewRequest(http.MethodPost, e.url+"/wx/"+e.A+"/cgi-bin/media/upload?type=image", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("X-Api-Key", keyA)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var up struct {
		Errcode int    `json:"errcode"`
		MediaID string `json:"media_id"`
	}
	err = json.NewDecoder(resp.Body).Decode(&up)
	resp.Body.Close()
	if err != nil || up.MediaID == "" {
		t.Fatalf("upload: %v %+v", err, up)
	}
	if calls := e.rec.take(); len(calls) != 1 || len(calls[0].Body) < tenMB {
		t.Fatalf("upload reached the sandbox %d times", len(calls))
	}

	req, _ = http.NewRequest(http.MethodGet, e.url+"/wx/"+e.A+"/cgi-bin/media/get?media_id="+up.MediaID, nil)
	req.Header.Set("X-Api-Key", keyA)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != 200 || !bytes.Equal(got, file) {
		t.Fatalf("download: %v, status %d, %d bytes (equal %v), want the 10 MB uploaded", err, resp.StatusCode, len(got), bytes.Equal(got, file))
	}
	if calls := e.rec.take(); len(calls) != 1 || resp.Header.Get("Content-Type") != "image/gif" {
		t.Errorf("download: %d calls, Content-Type %q", len(calls), resp.Header.Get("Content-Type"))
	}
}

// TestStreamsWithoutBuffering proves both directions stream: the upstream sees the first
// megabyte of a 10 MB upload while the caller still holds the rest back, and the caller
// reads the first megabyte of a 10 MB download while the upstream still holds the rest.
// A proxy that buffered whole bodies would never get there (the test would time out).
func TestStreamsWithoutBuffering(t *testing.T) {
	t.Parallel()
	firstIn := make(chan struct{})  // the upstream has read 1 MB of the upload
	firstOut := make(chan struct{}) // the caller has read 1 MB of the download
	upstreamErr := make(chan error, 1)
	upstream := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/cgi-bin/media/upload" {
			if _, err := io.ReadFull(r.Body, make([]byte, 1<<20)); err != nil {
				upstreamErr <- err
				return
			}
			close(firstIn)
			n, err := io.Copy(io.Discard, r.Body)
			if err != nil || n != tenMB-(1<<20) {
				upstreamErr <- fmt.Errorf("upload: read %d more bytes, %v", n, err)
				return
			}
			upstreamErr <- nil
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, `{"type":"image","media_id":"M1","created_at":1}`)
			return
		}
		w.Header().Set("Content-Type", "image/gif")
		w.Header().Set("Content-Length", fmt.Sprint(tenMB))
		_, _ = w.Write(make([]byte, 1<<20))
		w.(http.Flusher).Flush()
		select {
		case <-firstOut:
		case <-time.After(20 * time.Second):
			return
		}
		_, _ = w.Write(make([]byte, tenMB-(1<<20)))
	})
	e := newEnvUpstream(t, proxy.Config{}, upstream)

	pr, pw := io.Pipe()
	go func() {
		_, _ = pw.Write(make([]byte, 1<<20))
		select {
		case <-firstIn:
		case <-time.After(20 * time.Second):
			pw.CloseWithError(errors.New("the proxy did not pass the first megabyte on: it buffers uploads"))
			return
		}
		_, _ = pw.Write(make([]byte, tenMB-(1<<20)))
		_ = pw.Close()
	}()
	req, _ := http.NewRequest(http.MethodPost, e.url+"/wx/"+e.A+"/cgi-bin/media/upload?type=image", pr)
	req.ContentLength = tenMB
	req.Header.Set("Content-Type", "multipart/form-data; boundary=x")
	req.Header.Set("X-Api-Key", keyA)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("upload: %v", err)
	}
	answer, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err := <-upstreamErr; err != nil || resp.StatusCode != 200 {
		t.Fatalf("upload: upstream %v, answer %d %s", err, resp.StatusCode, answer)
	}

	req, _ = http.NewRequest(http.MethodGet, e.url+"/wx/"+e.A+"/cgi-bin/media/get?media_id=M1", nil)
	req.Header.Set("X-Api-Key", keyA)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.Header.Get("Content-Length") != fmt.Sprint(tenMB) || resp.Header.Get("Content-Type") != "image/gif" {
		t.Errorf("download headers %v, want the upstream's", resp.Header)
	}
	done := make(chan error, 1)
	go func() {
		_, err := io.ReadFull(resp.Body, make([]byte, 1<<20))
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the first megabyte of the download did not arrive: the proxy buffers downloads")
	}
	close(firstOut)
	n, err := io.Copy(io.Discard, resp.Body)
	if err != nil || n != tenMB-(1<<20) {
		t.Errorf("download rest: %d bytes, %v", n, err)
	}
}
