package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestServesFixtureAccounts(t *testing.T) {
	t.Parallel()
	fixture := filepath.Join(t.TempDir(), "accounts.json")
	if err := os.WriteFile(fixture, []byte(`{"accounts":[{"app_id":"wxfixture1","app_secret":"fixturesecret","name":"f"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() { done <- run(ctx, []string{"--addr", addr, "--fixture", fixture}, io.Discard, io.Discard) }()
	defer func() {
		cancel()
		if code := <-done; code != 0 {
			t.Errorf("exit code %d", code)
		}
	}()
	url := "http://" + addr + "/cgi-bin/token?grant_type=client_credential&appid=wxfixture1&secret=fixturesecret"
	var body string
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		resp, err := http.Get(url)
		if err != nil {
			continue
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		body = string(b)
		break
	}
	if !strings.Contains(body, `"access_token"`) {
		t.Fatalf("token from the fixture account: %q", body)
	}
}

func TestBadFixtureFails(t *testing.T) {
	t.Parallel()
	if code := run(context.Background(), []string{"--addr", "127.0.0.1:0", "--fixture", "/does/not/exist.json"}, io.Discard, io.Discard); code != 1 {
		t.Errorf("exit code %d, want 1", code)
	}
}
