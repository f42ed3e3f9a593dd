package rpcserver_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"connectrpc.com/connect"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/metadata"

	tokenv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/token/v1"
	"github.com/wxsuite/wxsuite/gen/go/wxsuite/token/v1/tokenv1connect"
	"github.com/wxsuite/wxsuite/internal/platform/rpcserver"
)

// testPKI is a CA, a server certificate for 127.0.0.1 and a client certificate, all
// written to dir as PEM.
type testPKI struct {
	dir         string
	roots       *x509.CertPool
	client      tls.Certificate
	strayClient tls.Certificate // signed by another CA
	caFile      string
	serverCert  string
	serverKey   string
}

func newTestPKI(t *testing.T) *testPKI {
	t.Helper()
	p := &testPKI{dir: t.TempDir(), roots: x509.NewCertPool()}
	caCert, caKey := newCert(t, nil, nil, &x509.Certificate{
		Subject: pkix.Name{CommonName: "wxsuite test CA"}, IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign,
	})
	p.roots.AddCert(caCert)
	p.caFile = p.write(t, "ca.pem", "CERTIFICATE", caCert.Raw)
	srvCert, srvKey := newCert(t, caCert, caKey, &x509.Certificate{
		Subject: pkix.Name{CommonName: "wxsuite"}, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, KeyUsage: x509.KeyUsageDigitalSignature,
	})
	p.serverCert = p.write(t, "server.pem", "CERTIFICATE", srvCert.Raw)
	p.serverKey = p.write(t, "server-key.pem", "PRIVATE KEY", marshalKey(t, srvKey))
	p.client = clientCert(t, caCert, caKey)
	otherCA, otherKey := newCert(t, nil, nil, &x509.Certificate{
		Subject: pkix.Name{CommonName: "other CA"}, IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign,
	})
	p.strayClient = clientCert(t, otherCA, otherKey)
	return p
}

func clientCert(t *testing.T, ca *x509.Certificate, caKey *ecdsa.PrivateKey) tls.Certificate {
	t.Helper()
	cert, key := newCert(t, ca, caKey, &x509.Certificate{
		Subject: pkix.Name{CommonName: "backend-1"}, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
		KeyUsage: x509.KeyUsageDigitalSignature,
	})
	return tls.Certificate{Certificate: [][]byte{cert.Raw}, PrivateKey: key}
}

// newCert signs tmpl with parent (self-signed when parent is nil).
func newCert(t *testing.T, parent *x509.Certificate, parentKey *ecdsa.PrivateKey, tmpl *x509.Certificate) (*x509.Certificate, *ecdsa.PrivateKey) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	serial, _ := rand.Int(rand.Reader, big.NewInt(1<<62))
	tmpl.SerialNumber = serial
	tmpl.NotBefore = time.Now().Add(-time.Hour)
	tmpl.NotAfter = time.Now().Add(time.Hour)
	if parent == nil {
		parent, parentKey = tmpl, key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &key.PublicKey, parentKey)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return cert, key
}

func marshalKey(t *testing.T, key *ecdsa.PrivateKey) []byte {
	t.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return der
}

func (p *testPKI) write(t *testing.T, name, typ string, der []byte) string {
	t.Helper()
	path := filepath.Join(p.dir, name)
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// tlsClient is an HTTP/2-capable client trusting the test CA and presenting certs. Its
// connections are closed before the server stops (else HTTP/2's graceful close waits 1s).
func (p *testPKI) tlsClient(t *testing.T, certs ...tls.Certificate) *http.Client {
	tr := &http.Transport{
		TLSClientConfig:   &tls.Config{RootCAs: p.roots, Certificates: certs, MinVersion: tls.VersionTLS12},
		ForceAttemptHTTP2: true,
	}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr}
}

func (p *testPKI) grpcConn(t *testing.T, addr string, certs ...tls.Certificate) *grpc.ClientConn {
	t.Helper()
	creds := credentials.NewTLS(&tls.Config{RootCAs: p.roots, Certificates: certs, MinVersion: tls.VersionTLS12})
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(creds))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return conn
}

func TestMutualTLS(t *testing.T) {
	t.Parallel()
	pki := newTestPKI(t)
	keys := newTestKeys(t)
	ts := startServerWith(t, func(c *rpcserver.Config) {
		c.TLS = rpcserver.TLSConfig{CertFile: pki.serverCert, KeyFile: pki.serverKey, ClientCAFile: pki.caFile}
	}, withAuth(t, keys.config()))
	if !strings.HasPrefix(ts.srv.URL(), "https://") {
		t.Fatalf("URL = %s", ts.srv.URL())
	}
	ctx := context.Background()

	t.Run("grpc-go with client certificate", func(t *testing.T) {
		t.Parallel()
		client := tokenv1.NewTokenServiceClient(pki.grpcConn(t, ts.srv.Addr(), pki.client))
		resp, err := client.GetAccessToken(metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+keys.backend),
			&tokenv1.GetAccessTokenRequest{AppId: "wx1"})
		if err != nil || resp.GetAccessToken() != "tok-wx1" {
			t.Errorf("%v, %v", resp, err)
		}
	})
	t.Run("connect with client certificate", func(t *testing.T) {
		t.Parallel()
		for _, opt := range []connect.ClientOption{connect.WithProtoJSON(), connect.WithGRPC()} {
			cctx, info := connect.NewClientContext(ctx)
			info.RequestHeader().Set("X-Api-Key", keys.backend)
			client := tokenv1connect.NewTokenServiceClient(pki.tlsClient(t, pki.client), ts.srv.URL(), opt)
			resp, err := client.GetAccessToken(cctx, &tokenv1.GetAccessTokenRequest{AppId: "wx1"})
			if err != nil || resp.GetAccessToken() != "tok-wx1" {
				t.Errorf("%v, %v", resp, err)
			}
		}
	})
	t.Run("rest with client certificate", func(t *testing.T) {
		t.Parallel()
		req, _ := http.NewRequest(http.MethodGet, ts.srv.URL()+"/v1/apps/wx1/access-token", nil)
		req.Header.Set("Authorization", "Bearer "+keys.backend)
		resp, err := pki.tlsClient(t, pki.client).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var got struct {
			AccessToken string `json:"access_token"`
		}
		if resp.StatusCode != http.StatusOK || decodeJSON(resp, &got) != nil || got.AccessToken != "tok-wx1" {
			t.Errorf("status %d, %+v", resp.StatusCode, got)
		}
		if resp.ProtoMajor != 2 {
			t.Errorf("protocol %s, want HTTP/2 by ALPN", resp.Proto)
		}
		// REST still needs the key: TLS identifies the connection, not the caller's scopes.
		req, _ = http.NewRequest(http.MethodGet, ts.srv.URL()+"/v1/apps/wx1/access-token", nil)
		resp2, err := pki.tlsClient(t, pki.client).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp2.Body.Close()
		if resp2.StatusCode != http.StatusUnauthorized {
			t.Errorf("REST without key: %d", resp2.StatusCode)
		}
	})
	t.Run("http/1.1 with client certificate", func(t *testing.T) {
		t.Parallel()
		c := pki.tlsClient(t, pki.client)
		c.Transport.(*http.Transport).ForceAttemptHTTP2 = false
		c.Transport.(*http.Transport).TLSClientConfig.NextProtos = []string{"http/1.1"}
		resp, err := c.Get(ts.srv.URL() + "/healthz")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || resp.ProtoMajor != 1 {
			t.Errorf("%s %d", resp.Proto, resp.StatusCode)
		}
	})

	refused := []struct {
		name  string
		certs []tls.Certificate
	}{
		{"no client certificate", nil},
		{"certificate of another CA", []tls.Certificate{pki.strayClient}},
	}
	for _, tt := range refused {
		t.Run("handshake refuses "+tt.name, func(t *testing.T) {
			t.Parallel()
			conn, err := tls.Dial("tcp", ts.srv.Addr(), &tls.Config{RootCAs: pki.roots, Certificates: tt.certs, NextProtos: []string{"h2"}, MinVersion: tls.VersionTLS12})
			if err == nil {
				// TLS 1.3: the server's verdict on the client certificate arrives after the
				// client's side of the handshake, with the first read.
				_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
				_, err = conn.Read(make([]byte, 1))
				conn.Close()
			}
			if err == nil || !strings.Contains(err.Error(), "certificate") {
				t.Errorf("handshake error = %v, want a certificate alert", err)
			}
			// And through the clients: REST and gRPC fail the same way.
			if resp, err := pki.tlsClient(t, tt.certs...).Get(ts.srv.URL() + "/healthz"); err == nil {
				resp.Body.Close()
				t.Errorf("healthz without a valid client certificate: %d", resp.StatusCode)
			}
			client := tokenv1.NewTokenServiceClient(pki.grpcConn(t, ts.srv.Addr(), tt.certs...))
			if _, err := client.GetAccessToken(metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+keys.backend),
				&tokenv1.GetAccessTokenRequest{AppId: "wx1"}); err == nil {
				t.Error("gRPC without a valid client certificate succeeded")
			}
		})
	}
	t.Run("cleartext refused", func(t *testing.T) {
		t.Parallel()
		resp, err := http.Get("http://" + ts.srv.Addr() + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				t.Error("cleartext HTTP served")
			}
		}
	})
}

func TestServerTLSWithoutClientCertificates(t *testing.T) {
	t.Parallel()
	pki := newTestPKI(t)
	ts := startServer(t, func(c *rpcserver.Config) {
		c.TLS = rpcserver.TLSConfig{CertFile: pki.serverCert, KeyFile: pki.serverKey}
	})
	client := tokenv1.NewTokenServiceClient(pki.grpcConn(t, ts.srv.Addr()))
	if resp, err := client.GetAccessToken(context.Background(), &tokenv1.GetAccessTokenRequest{AppId: "wx1"}); err != nil || resp.GetAccessToken() != "tok-wx1" {
		t.Errorf("gRPC: %v, %v", resp, err)
	}
	resp, err := pki.tlsClient(t).Get(ts.srv.URL() + "/v1/apps/wx1/access-token")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("REST: %d", resp.StatusCode)
	}
}

func TestTLSConfigErrors(t *testing.T) {
	t.Parallel()
	pki := newTestPKI(t)
	tests := []struct {
		name string
		give rpcserver.TLSConfig
		want string
	}{
		{"cert without key", rpcserver.TLSConfig{CertFile: pki.serverCert}, "config: tls.key_file: required: set both cert_file and key_file, or neither"},
		{"key without cert", rpcserver.TLSConfig{KeyFile: pki.serverKey}, "config: tls.cert_file: required"},
		{"client CA without cert", rpcserver.TLSConfig{ClientCAFile: pki.caFile}, "config: tls.client_ca_file: needs cert_file and key_file"},
		{"missing cert file", rpcserver.TLSConfig{CertFile: filepath.Join(pki.dir, "nope.pem"), KeyFile: pki.serverKey}, "rpcserver: tls.cert_file and tls.key_file: open"},
		{"key does not match", rpcserver.TLSConfig{CertFile: pki.caFile, KeyFile: pki.serverKey}, "rpcserver: tls.cert_file and tls.key_file: tls: private key does not match public key"},
		{"client CA not PEM", rpcserver.TLSConfig{CertFile: pki.serverCert, KeyFile: pki.serverKey, ClientCAFile: pki.serverKey}, "no PEM certificate found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := rpcserver.New(rpcserver.Params{Config: rpcserver.Config{TLS: tt.give}})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v, want %q", err, tt.want)
			}
		})
	}
}

func decodeJSON(resp *http.Response, v any) error {
	return json.NewDecoder(resp.Body).Decode(v)
}
