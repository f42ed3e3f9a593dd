package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"connectrpc.com/connect"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"gopkg.in/yaml.v3"

	"github.com/wxsuite/wxsuite/gen/go/wxsuite/sandbox/v1/sandboxv1connect"
	tokenv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/token/v1"
	"github.com/wxsuite/wxsuite/gen/go/wxsuite/token/v1/tokenv1connect"
)

// TestE2ESplitMTLS runs the split topology with the chart's TLS settings and a client CA
// (values tls.enabled and tls.clientCAKey): every process serves mTLS on its port, and a
// domain process reaches the token service over https:// with token_source.tls (the
// Secret mounted at /etc/wxsuite/tls holds tls.crt, tls.key and ca.crt; the pod's
// certificate is its client certificate too). It also shows why the chart turns the
// probes into TCP checks under mTLS: the kubelet presents no client certificate, so an
// HTTPS GET or a gRPC health check without one is refused, while a TCP connect succeeds.
func TestE2ESplitMTLS(t *testing.T) {
	if testing.Short() {
		t.Skip("e2e: builds the binaries and starts processes; skipped under -short")
	}
	redisBin := e2eLookRedis(t)
	dir := t.TempDir()
	bins := e2eBuild(t, dir)
	chart := e2eLoadChart(t, e2eGolden)
	pki := newE2EPKI(t, filepath.Join(dir, "tls"))

	appID := chart.appID()
	secrets := newE2ESecrets()
	appSecret := secrets.random("app")
	backendKey := "wxsk_e2e_" + secrets.random("key")
	rdbAddr, redisPass := e2eFreeAddr(t), secrets.random("redis")
	e2eStartRedis(t, redisBin, dir, rdbAddr, redisPass)

	sbAddr, tokenAddr, domainAddr := e2eFreeAddr(t), e2eFreeAddr(t), e2eFreeAddr(t)
	fixture := filepath.Join(dir, "accounts.json")
	e2eWriteJSON(t, fixture, map[string]any{"accounts": []map[string]any{{"app_id": appID, "app_secret": appSecret}}})
	e2eStart(t, dir, "wxsandbox", bins.sandbox, []string{"--addr", sbAddr, "--fixture", fixture, "--no-demo"}, nil, e2ePlain(sbAddr))
	admin := sandboxv1connect.NewSandboxServiceClient(e2eHTTP, "http://"+sbAddr)

	base := chart.config(t, e2eOverrides{redisURL: "redis://" + rdbAddr + "/0", sandbox: "http://" + sbAddr,
		tokenHost: tokenAddr, backendID: "e2e-backend"})
	var m map[string]any
	if err := yaml.Unmarshal(base, &m); err != nil {
		t.Fatal(err)
	}
	// What the chart renders with tls.enabled and tls.clientCAKey: ca.crt (server.tls, and
	// the https:// scheme of token_source.url) ...
	e2eSection(m, "server")["tls"] = map[string]any{"cert_file": pki.cert, "key_file": pki.key, "client_ca_file": pki.ca}
	e2eSection(m, "token_source")["url"] = "https://" + tokenAddr
	cfg, err := yaml.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	cfgPath := filepath.Join(dir, "wxsuite.yaml")
	if err := os.WriteFile(cfgPath, cfg, 0o600); err != nil {
		t.Fatal(err)
	}
	secrets.set("wx-shop/app-secret", appSecret)
	secrets.set("redis-auth/redis-password", redisPass)
	secrets.set("chart/backend-key", backendKey)
	secrets.set("chart/callback-token", secrets.random("cb")[:32])
	extraEnv := map[string]string{"WX_ACCOUNT_0_CALLBACK_TOKEN": "chart/callback-token", "WX_AUTH_KEY_1": "chart/backend-key"}
	// ... but not the client side of token_source: docs/deployment.md sets it through
	// serviceDefaults.env, which the chart renders as these variables.
	clientTLS := []string{
		"WXSUITE_TOKEN_SOURCE__TLS__CA_FILE=" + pki.ca,
		"WXSUITE_TOKEN_SOURCE__TLS__CERT_FILE=" + pki.cert,
		"WXSUITE_TOKEN_SOURCE__TLS__KEY_FILE=" + pki.key,
	}

	mtls := pki.client(t, true)
	start := func(component, services, addr string) *e2eProc {
		t.Helper()
		args, env := chart.workload(t, component, services, cfgPath, secrets, extraEnv)
		env = append(append(env, clientTLS...), "WXSUITE_SERVER__ADDR="+addr)
		return e2eStart(t, dir, component, bins.wxsuite, args, env, e2eEndpoint{base: "https://" + addr, client: mtls})
	}
	start("token", "token", tokenAddr)
	service := e2eSecondService()
	if service == "" {
		service = "messaging"
	}
	d := &e2eDomain{name: service, service: service, proc: start(service, service, domainAddr), backend: backendKey}

	// The token service over mTLS.
	tokens := tokenv1connect.NewTokenServiceClient(mtls, "https://"+tokenAddr, connect.WithInterceptors(e2eBearer(backendKey)))
	resp, err := tokens.GetAccessToken(t.Context(), &tokenv1.GetAccessTokenRequest{AppId: appID})
	if err != nil {
		t.Fatalf("GetAccessToken over mTLS: %v", err)
	}
	// A domain call that needs the token: the domain process got it over mTLS.
	calls := &e2eCallLog{t: t, admin: admin, appID: appID}
	d.chooseCall(t, calls, resp.GetAccessToken())
	if d.call == nil {
		t.Fatalf("%s answered no token-needing call over mTLS", service)
	}
	if n := calls.tokenFetches(); n != 1 {
		t.Errorf("token fetches = %d, want 1", n)
	}

	// Probes as the kubelet makes them: no client certificate.
	for _, addr := range []string{tokenAddr, domainAddr} {
		kubelet := pki.client(t, false)
		if resp, err := kubelet.Get("https://" + addr + "/healthz"); err == nil {
			resp.Body.Close()
			t.Errorf("%s: GET /healthz without a client certificate answered %d; the chart's TCP probe would be unnecessary", addr, resp.StatusCode)
		}
		if status, err := e2eGRPCHealth(addr, pki, false); err == nil {
			t.Errorf("%s: gRPC health without a client certificate answered %v", addr, status)
		}
		if status, err := e2eGRPCHealth(addr, pki, true); err != nil || status != healthpb.HealthCheckResponse_SERVING {
			t.Errorf("%s: gRPC health with a client certificate: %v %v", addr, status, err)
		}
		c, err := net.DialTimeout("tcp", addr, 2*time.Second)
		if err != nil {
			t.Errorf("%s: TCP probe: %v", addr, err)
		} else {
			_ = c.Close()
		}
	}

	// A domain process without the client certificate cannot reach the token service.
	args, env := chart.workload(t, service, service, cfgPath, secrets, extraEnv)
	badAddr := e2eFreeAddr(t)
	env = append(env, clientTLS[0], "WXSUITE_SERVER__ADDR="+badAddr)
	p := e2eStart(t, dir, service+"-no-client-cert", bins.wxsuite, args, env, e2eEndpoint{base: "https://" + badAddr, client: mtls})
	if status, body := e2eConnectJSON(t, p, d.call.procedure, d.call.body, backendKey); e2eSucceeded(status, body) {
		t.Errorf("a process without a client certificate got a token: %s", body)
	}
}

// e2ePKI is a CA and one certificate for 127.0.0.1 usable as server and client
// certificate, written as the chart's TLS Secret mounts them.
type e2ePKI struct {
	ca, cert, key string
	pool          *x509.CertPool
	pair          tls.Certificate
}

func newE2EPKI(t *testing.T, dir string) *e2ePKI {
	t.Helper()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	caKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "e2e CA"}, IsCA: true,
		BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(caDER)
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "wx-wxsuite"},
		DNSNames: []string{"wx-wxsuite-token", "localhost"}, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
		NotBefore:   time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, _ := x509.MarshalPKCS8PrivateKey(key)
	write := func(name, typ string, b []byte) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: b}), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	p := &e2ePKI{ca: write("ca.crt", "CERTIFICATE", caDER), cert: write("tls.crt", "CERTIFICATE", der),
		key: write("tls.key", "PRIVATE KEY", keyDER), pool: x509.NewCertPool()}
	p.pool.AddCert(ca)
	p.pair = tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
	return p
}

// client is an HTTPS client trusting the CA, presenting the certificate when withCert.
func (p *e2ePKI) client(t *testing.T, withCert bool) *http.Client {
	t.Helper()
	tc := &tls.Config{RootCAs: p.pool, MinVersion: tls.VersionTLS12}
	if withCert {
		tc.Certificates = []tls.Certificate{p.pair}
	}
	tr := &http.Transport{TLSClientConfig: tc, ForceAttemptHTTP2: true}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr, Timeout: 10 * time.Second}
}

// e2eGRPCHealth is the check of a gRPC probe on addr over TLS.
func e2eGRPCHealth(addr string, p *e2ePKI, withCert bool) (healthpb.HealthCheckResponse_ServingStatus, error) {
	tc := &tls.Config{RootCAs: p.pool, MinVersion: tls.VersionTLS12}
	if withCert {
		tc.Certificates = []tls.Certificate{p.pair}
	}
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(credentials.NewTLS(tc)))
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	resp, err := healthpb.NewHealthClient(conn).Check(ctx, &healthpb.HealthCheckRequest{})
	return resp.GetStatus(), err
}
