package tokensource

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.uber.org/fx"
	"go.uber.org/fx/fxtest"

	"github.com/wxsuite/wxsuite/gen/go/wxsuite/token/v1/tokenv1connect"
	"github.com/wxsuite/wxsuite/internal/platform/config"
	"github.com/wxsuite/wxsuite/internal/wechat"
)

// tlsPKI is a CA with a server certificate (for 127.0.0.1 and token.internal, or only
// token.internal) and client certificates, written to a directory as PEM files.
type tlsPKI struct {
	dir  string
	ca   *x509.Certificate
	key  *ecdsa.PrivateKey
	pool *x509.CertPool
}

func newTLSPKI(t *testing.T) *tlsPKI {
	t.Helper()
	p := &tlsPKI{dir: t.TempDir(), pool: x509.NewCertPool()}
	p.ca, p.key = signCert(t, nil, nil, &x509.Certificate{
		Subject: pkix.Name{CommonName: "tokensource test CA"}, IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign,
	})
	p.pool.AddCert(p.ca)
	return p
}

// caFile writes the CA certificate.
func (p *tlsPKI) caFile(t *testing.T) string {
	t.Helper()
	return writePEM(t, p.dir, "ca.pem", "CERTIFICATE", p.ca.Raw)
}

// server returns a server certificate for names (an IP is an IP SAN).
func (p *tlsPKI) server(t *testing.T, names ...string) tls.Certificate {
	t.Helper()
	tmpl := &x509.Certificate{Subject: pkix.Name{CommonName: "token"}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	for _, n := range names {
		if ip := net.ParseIP(n); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, n)
		}
	}
	cert, key := signCert(t, p.ca, p.key, tmpl)
	return tls.Certificate{Certificate: [][]byte{cert.Raw}, PrivateKey: key}
}

// client writes a client certificate and key and returns their paths.
func (p *tlsPKI) client(t *testing.T, name string) (certFile, keyFile string) {
	t.Helper()
	cert, key := signCert(t, p.ca, p.key, &x509.Certificate{Subject: pkix.Name{CommonName: name},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}})
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return writePEM(t, p.dir, name+".pem", "CERTIFICATE", cert.Raw), writePEM(t, p.dir, name+"-key.pem", "PRIVATE KEY", der)
}

func signCert(t *testing.T, parent *x509.Certificate, parentKey *ecdsa.PrivateKey, tmpl *x509.Certificate) (*x509.Certificate, *ecdsa.PrivateKey) {
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

func writePEM(t *testing.T, dir, name, typ string, der []byte) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// startTLSService serves svc over TLS (HTTP/1.1 and HTTP/2) with cert; with clientCAs set
// it requires a client certificate they verify, as rpcserver does with client_ca_file.
func startTLSService(t *testing.T, svc *fakeTokenService, cert tls.Certificate, clientCAs *x509.CertPool) string {
	t.Helper()
	mux := http.NewServeMux()
	mux.Handle(tokenv1connect.NewTokenServiceHandler(svc))
	srv := httptest.NewUnstartedServer(mux)
	srv.EnableHTTP2 = true
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	if clientCAs != nil {
		srv.TLS.ClientCAs = clientCAs
		srv.TLS.ClientAuth = tls.RequireAndVerifyClientCert
	}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // refused handshakes are the point
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestRemoteOverTLS(t *testing.T) {
	t.Parallel()
	pki := newTLSPKI(t)
	other := newTLSPKI(t) // a CA the server does not trust
	caFile := pki.caFile(t)
	otherCA := other.caFile(t)
	clientCert, clientKey := pki.client(t, "messaging")
	strayCert, strayKey := other.client(t, "stray")

	tlsURL := startTLSService(t, newFakeService(), pki.server(t, "127.0.0.1"), nil)
	mtlsURL := startTLSService(t, newFakeService(), pki.server(t, "127.0.0.1"), pki.pool)
	namedURL := startTLSService(t, newFakeService(), pki.server(t, "token.internal"), nil)

	// With TLS 1.3 the server refuses a client certificate after the client's handshake
	// has finished: the client sees the alert, or a connection the server closed.
	const refused = "certificate required|unknown certificate authority|bad certificate|broken pipe|connection reset|client conn could not be established|EOF"
	tests := []struct {
		name    string
		url     string
		tls     TLSConfig
		wantErr string // "" = the call succeeds; alternatives separated by "|"
	}{
		{"tls, trusted CA", tlsURL, TLSConfig{CAFile: caFile}, ""},
		{"tls, system roots only", tlsURL, TLSConfig{}, "certificate signed by unknown authority"},
		{"tls, another CA", tlsURL, TLSConfig{CAFile: otherCA}, "certificate signed by unknown authority"},
		{"mtls, client certificate", mtlsURL, TLSConfig{CAFile: caFile, CertFile: clientCert, KeyFile: clientKey}, ""},
		{"mtls, no client certificate", mtlsURL, TLSConfig{CAFile: caFile}, refused},
		{"mtls, client certificate of another CA", mtlsURL, TLSConfig{CAFile: caFile, CertFile: strayCert, KeyFile: strayKey}, refused},
		{"server name", namedURL, TLSConfig{CAFile: caFile, ServerName: "token.internal"}, ""},
		{"server name missing", namedURL, TLSConfig{CAFile: caFile}, "doesn't contain any IP SANs"},
		{"server name wrong", tlsURL, TLSConfig{CAFile: caFile, ServerName: "token.internal"}, "wanted to match token.internal"},
	}
	for _, tt := range tests {
		for _, protocol := range protocols {
			t.Run(tt.name+"/"+protocol, func(t *testing.T) {
				t.Parallel()
				r, err := NewRemote(RemoteConfig{URL: tt.url, Protocol: protocol, TLS: tt.tls, APIKey: config.NewSecret("wxsk_secret_key")}, nil)
				if err != nil {
					t.Fatalf("NewRemote: %v", err)
				}
				t.Cleanup(r.Close)
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				defer cancel()
				tok, err := r.AccessToken(ctx, "wx1")
				switch {
				case tt.wantErr == "" && (err != nil || tok != "T1"):
					t.Fatalf("AccessToken = %q, %v; want T1", tok, err)
				case tt.wantErr != "" && (err == nil || !containsAny(err.Error(), tt.wantErr)):
					t.Fatalf("AccessToken error = %v, want %q", err, tt.wantErr)
				case err != nil && strings.Contains(err.Error(), "wxsk_secret_key"):
					t.Fatalf("the error shows the API key: %v", err)
				}
			})
		}
	}
}

func TestRemoteTLSConfigErrors(t *testing.T) {
	t.Parallel()
	pki := newTLSPKI(t)
	caFile := pki.caFile(t)
	cert, key := pki.client(t, "c")
	garbage := filepath.Join(t.TempDir(), "garbage.pem")
	if err := os.WriteFile(garbage, []byte("not a certificate"), 0o600); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(t.TempDir(), "missing.pem")
	tests := []struct {
		name string
		give RemoteConfig
		want string
	}{
		{"tls with an http url", RemoteConfig{URL: "http://token:8080", TLS: TLSConfig{CAFile: caFile}}, "config: tls: is set but url is not https://"},
		{"cert without key", RemoteConfig{URL: "https://token:8080", TLS: TLSConfig{CertFile: cert}}, "config: tls.key_file: required"},
		{"key without cert", RemoteConfig{URL: "https://token:8080", TLS: TLSConfig{KeyFile: key}}, "config: tls.cert_file: required"},
		{"missing ca file", RemoteConfig{URL: "https://token:8080", TLS: TLSConfig{CAFile: missing}}, "config: tls.ca_file: open " + missing},
		{"ca file without PEM", RemoteConfig{URL: "https://token:8080", TLS: TLSConfig{CAFile: garbage}}, "config: tls.ca_file: " + garbage + ": no PEM certificate found"},
		{"key that is not a key", RemoteConfig{URL: "https://token:8080", TLS: TLSConfig{CertFile: cert, KeyFile: garbage}}, "config: tls.cert_file: tls: failed to find any PEM data in key input"},
		{"cert and key that do not match", RemoteConfig{URL: "https://token:8080", TLS: TLSConfig{CertFile: cert, KeyFile: writeOtherKey(t)}}, "config: tls.cert_file: tls: private key does not match public key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := NewRemote(tt.give, nil)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("NewRemote error = %v, want %q", err, tt.want)
			}
		})
	}
}

// writeOtherKey writes a private key that matches no certificate.
func writeOtherKey(t *testing.T) string {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return writePEM(t, t.TempDir(), "other-key.pem", "PRIVATE KEY", der)
}

// TestModuleReadsTLSSection checks the token_source.tls keys as a config file spells them,
// through the fx module a split process uses.
func TestModuleReadsTLSSection(t *testing.T) {
	t.Parallel()
	pki := newTLSPKI(t)
	caFile := pki.caFile(t)
	cert, key := pki.client(t, "messaging")
	url := startTLSService(t, newFakeService(), pki.server(t, "127.0.0.1"), pki.pool)
	file, err := config.FromYAML([]byte(`
token_source:
  url: `+url+`
  protocol: grpc
  tls: {ca_file: `+caFile+`, cert_file: `+cert+`, key_file: `+key+`}
`), nil)
	if err != nil {
		t.Fatal(err)
	}
	var ts wechat.TokenSource
	app := fxtest.New(t, fx.Supply(file), Module, fx.NopLogger, fx.Populate(&ts))
	app.RequireStart()
	t.Cleanup(app.RequireStop)
	if tok, err := ts.AccessToken(context.Background(), "wx1"); err != nil || tok != "T1" {
		t.Fatalf("AccessToken over mTLS = %q, %v", tok, err)
	}

	for _, tt := range []struct{ give, want string }{
		{`{url: "https://x", tls: {ca_fil: /x}}`, "tls.ca_fil"},
		{`{url: "https://x", tls: {ca_file: /nonexistent/ca.crt}}`, "config: token_source.tls.ca_file: open /nonexistent/ca.crt"},
		{`{url: "http://x", tls: {ca_file: ` + caFile + `}}`, "config: token_source.tls: is set but url is not https://"},
	} {
		bad, err := config.FromYAML([]byte("token_source: "+tt.give+"\n"), nil)
		if err != nil {
			t.Fatal(err)
		}
		err = fx.New(fx.Supply(bad), Module, fx.NopLogger, fx.Invoke(func(wechat.TokenSource) {})).Err()
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("token_source: %s: %v, want an error with %q", tt.give, err, tt.want)
		}
	}
}

// containsAny reports whether s contains one of the "|"-separated alternatives.
func containsAny(s, alternatives string) bool {
	for _, a := range strings.Split(alternatives, "|") {
		if strings.Contains(s, a) {
			return true
		}
	}
	return false
}
