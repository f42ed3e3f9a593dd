package rpcserver

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/textproto"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"connectrpc.com/grpchealth"
	"connectrpc.com/grpcreflect"
	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"github.com/prometheus/client_golang/prometheus"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/test/bufconn"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/wxsuite/wxsuite/internal/platform/metrics"
)

// Params are New's inputs.
type Params struct {
	// Config is the `server` section; zero fields take their defaults.
	Config Config
	// Logger receives the server's logs (nil discards them).
	Logger *slog.Logger
	// Registry is served at /metrics (nil serves an empty registry).
	Registry *prometheus.Registry
	// Services are mounted at their Path, registered with health and reflection, and their
	// gateways with the REST mux.
	Services []Service
	// Routes are mounted as given.
	Routes []Route
	// Ready reports whether the process can serve (e.g. Redis answers); nil is always
	// ready. It drives /readyz and gRPC health.
	Ready func(ctx context.Context) error
}

// Server is the one-port server. Create it with New, then Start and Stop it once.
type Server struct {
	cfg      Config
	log      *slog.Logger
	services []Service
	ready    func(ctx context.Context) error
	gateway  *runtime.ServeMux
	http     *http.Server // the port: TLS or cleartext, HTTP/1.1 and HTTP/2
	inner    *http.Server // the gateway's in-memory h2c listener
	tls      bool

	stopping atomic.Bool

	mu       sync.Mutex
	started  bool
	ln       net.Listener
	conn     *grpc.ClientConn
	cancel   context.CancelFunc
	serveErr chan error
	innerErr chan error
}

// forwardedHeaders are the HTTP headers the gateway passes on as gRPC metadata under their
// own name (besides grpc-gateway's defaults). Authorization is not among them: grpc-gateway
// always forwards it unprefixed itself, and naming it here would send it twice.
var forwardedHeaders = [...]string{"X-Api-Key", "X-Request-Id"}

// gatewayBufferBytes is the buffer of each direction of an in-memory gateway connection.
const gatewayBufferBytes = 256 << 10

// gatewayTarget is the gRPC target of the in-memory listener (any name works: the gateway
// client's dialer ignores it).
const gatewayTarget = "passthrough:///rpcserver.in-memory"

// New builds the server and its routing and, with Config.TLS, reads the certificates; it
// does not listen yet (see Start). It fails on conflicting or duplicate paths and
// patterns and on unreadable certificates.
func New(p Params) (*Server, error) {
	cfg := p.Config
	cfg.SetDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	tlsConfig, err := loadTLS(cfg.TLS)
	if err != nil {
		return nil, err
	}
	logger := p.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	reg := p.Registry
	if reg == nil {
		reg = prometheus.NewRegistry()
	}
	s := &Server{
		cfg:      cfg,
		log:      logger,
		services: p.Services,
		ready:    p.Ready,
		gateway:  newGatewayMux(),
		tls:      tlsConfig != nil,
	}

	names := make([]string, 0, len(p.Services))
	mux := http.NewServeMux()
	for _, svc := range p.Services {
		if svc.Name == "" || svc.Path == "" || svc.Handler == nil {
			return nil, fmt.Errorf("rpcserver: service %q: Name, Path and Handler are required", svc.Name)
		}
		if err := handle(mux, svc.Path, svc.Handler); err != nil {
			return nil, fmt.Errorf("rpcserver: service %s: %w", svc.Name, err)
		}
		names = append(names, svc.Name)
	}
	checker := &healthChecker{server: s, names: make(map[string]bool, len(names))}
	for _, n := range names {
		checker.names[n] = true
	}
	reflector := grpcreflect.NewStaticReflector(names...)
	fixed := []Route{
		route(grpchealth.NewHandler(checker)),
		route(grpcreflect.NewHandlerV1(reflector)),
		route(grpcreflect.NewHandlerV1Alpha(reflector)),
		{Pattern: "GET /healthz", Handler: http.HandlerFunc(serveHealthz)},
		{Pattern: "GET /readyz", Handler: http.HandlerFunc(s.serveReadyz)},
		{Pattern: "GET /metrics", Handler: metrics.Handler(reg)},
	}
	for _, r := range append(fixed, p.Routes...) {
		if r.Pattern == "" || r.Handler == nil {
			return nil, fmt.Errorf("rpcserver: route %q: Pattern and Handler are required", r.Pattern)
		}
		if err := handle(mux, r.Pattern, r.Handler); err != nil {
			return nil, fmt.Errorf("rpcserver: route: %w", err)
		}
	}
	// Everything else is REST, served by grpc-gateway.
	if err := handle(mux, "/", s.gateway); err != nil {
		return nil, fmt.Errorf("rpcserver: gateway: %w", err)
	}

	protocols := new(http.Protocols)
	protocols.SetHTTP1(true)
	if tlsConfig != nil {
		protocols.SetHTTP2(true)
	} else {
		protocols.SetUnencryptedHTTP2(true)
	}
	s.http = &http.Server{
		Handler:           withCORS(cfg.CORS, mux),
		Protocols:         protocols,
		TLSConfig:         tlsConfig,
		ReadHeaderTimeout: cfg.ReadHeaderTimeout.Std(),
		IdleTimeout:       cfg.IdleTimeout.Std(),
		MaxHeaderBytes:    cfg.MaxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	// The gateway's own server: same routes (no CORS: no browser reaches it), h2c only, on
	// an in-memory listener, so REST never depends on the network, TLS or client
	// certificates. Calls through it still pass the services' interceptors (auth included),
	// with the REST caller's Authorization, X-Api-Key and X-Request-Id forwarded.
	innerProtocols := new(http.Protocols)
	innerProtocols.SetUnencryptedHTTP2(true)
	s.inner = &http.Server{
		Handler:           mux,
		Protocols:         innerProtocols,
		ReadHeaderTimeout: cfg.ReadHeaderTimeout.Std(),
		MaxHeaderBytes:    cfg.MaxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	return s, nil
}

// loadTLS reads the certificates of cfg; nil when TLS is off.
func loadTLS(cfg TLSConfig) (*tls.Config, error) {
	if !cfg.Enabled() {
		return nil, nil
	}
	cert, err := tls.LoadX509KeyPair(cfg.CertFile, cfg.KeyFile)
	if err != nil {
		return nil, fmt.Errorf("rpcserver: tls.cert_file and tls.key_file: %w", err)
	}
	tc := &tls.Config{
		Certificates: []tls.Certificate{cert},
		MinVersion:   tls.VersionTLS12,
		NextProtos:   []string{"h2", "http/1.1"},
	}
	if cfg.ClientCAFile != "" {
		pem, err := os.ReadFile(cfg.ClientCAFile)
		if err != nil {
			return nil, fmt.Errorf("rpcserver: tls.client_ca_file: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("rpcserver: tls.client_ca_file %s: no PEM certificate found", cfg.ClientCAFile)
		}
		tc.ClientCAs = pool
		tc.ClientAuth = tls.RequireAndVerifyClientCert
	}
	return tc, nil
}

func route(pattern string, h http.Handler) Route { return Route{Pattern: pattern, Handler: h} }

// handle registers h, turning http.ServeMux's panic on a conflicting pattern into an error.
func handle(mux *http.ServeMux, pattern string, h http.Handler) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("pattern %q: %v", pattern, r)
		}
	}()
	mux.Handle(pattern, h)
	return nil
}

// newGatewayMux returns the REST mux: proto field names in JSON, no unpopulated fields,
// unknown fields refused, and Authorization (by grpc-gateway itself), X-Api-Key and
// X-Request-Id forwarded as metadata of the same name.
func newGatewayMux() *runtime.ServeMux {
	return runtime.NewServeMux(
		runtime.WithMarshalerOption(runtime.MIMEWildcard, &runtime.HTTPBodyMarshaler{
			Marshaler: &runtime.JSONPb{
				MarshalOptions:   protojson.MarshalOptions{UseProtoNames: true, EmitUnpopulated: false},
				UnmarshalOptions: protojson.UnmarshalOptions{DiscardUnknown: false},
			},
		}),
		runtime.WithIncomingHeaderMatcher(func(key string) (string, bool) {
			canonical := textproto.CanonicalMIMEHeaderKey(key)
			if canonical == "Authorization" {
				return "", false // already forwarded as "authorization"; not a second time
			}
			for _, h := range forwardedHeaders {
				if canonical == h {
					return h, true
				}
			}
			return runtime.DefaultHeaderMatcher(key)
		}),
	)
}

// Start listens on Config.Addr (with TLS when configured), connects the gateway to an
// in-memory h2c listener serving the same handlers, and serves both in goroutines. It
// returns once the listener is bound, so Addr is known.
func (s *Server) Start(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.started {
		return errors.New("rpcserver: already started")
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("rpcserver: listen: %w", err)
	}
	mem := bufconn.Listen(gatewayBufferBytes)
	conn, err := grpc.NewClient(gatewayTarget,
		grpc.WithContextDialer(func(ctx context.Context, _ string) (net.Conn, error) {
			return mem.DialContext(ctx)
		}),
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultCallOptions(
			grpc.MaxCallRecvMsgSize(s.cfg.MaxMessageBytes),
			grpc.MaxCallSendMsgSize(s.cfg.MaxMessageBytes),
		),
	)
	if err != nil {
		_ = ln.Close()
		_ = mem.Close()
		return fmt.Errorf("rpcserver: gateway client: %w", err)
	}
	// The gateway lives as long as the server, not as long as Start's context (fx cancels
	// that one once OnStart returns).
	gwCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	// Registration happens before serving, so the gateway mux is never written while it
	// serves; grpc.NewClient connects lazily, at the first REST call.
	for _, svc := range s.services {
		if svc.RegisterGateway == nil {
			continue
		}
		if err := svc.RegisterGateway(gwCtx, s.gateway, conn); err != nil {
			cancel()
			_ = conn.Close()
			_ = ln.Close()
			_ = mem.Close()
			return fmt.Errorf("rpcserver: register gateway for %s: %w", svc.Name, err)
		}
	}
	s.ln, s.conn, s.cancel = ln, conn, cancel
	s.serveErr = make(chan error, 1)
	s.innerErr = make(chan error, 1)
	s.started = true
	go func() { s.innerErr <- ignoreClosed(s.inner.Serve(mem)) }()
	go func() {
		if s.tls {
			// The certificates are in TLSConfig already.
			s.serveErr <- ignoreClosed(s.http.ServeTLS(ln, "", ""))
			return
		}
		s.serveErr <- ignoreClosed(s.http.Serve(ln))
	}()
	s.log.Info("rpc server listening", "addr", ln.Addr().String(), "services", len(s.services),
		"tls", s.tls, "client_certificates", s.cfg.TLS.ClientCAFile != "")
	return nil
}

func ignoreClosed(err error) error {
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// dialTarget is the address the gateway dials: the listener's, with an unspecified host
// (":8080", "0.0.0.0", "::") replaced by loopback.
func dialTarget(addr net.Addr) string {
	tcp, ok := addr.(*net.TCPAddr)
	if !ok {
		return addr.String()
	}
	ip := tcp.IP
	if ip == nil || ip.IsUnspecified() {
		ip = net.IPv4(127, 0, 0, 1)
	}
	return net.JoinHostPort(ip.String(), fmt.Sprint(tcp.Port))
}

// Stop marks the server not ready (health NOT_SERVING, /readyz 503), then shuts the HTTP
// server down, letting in-flight calls (REST ones included) finish for up to ShutdownGrace
// (or until ctx ends), then closes connections that remain, the gateway client and the
// in-memory server. Stop before Start is a no-op.
func (s *Server) Stop(ctx context.Context) error {
	s.stopping.Store(true)
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.started {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, s.cfg.ShutdownGrace.Std())
	defer cancel()
	var errs []error
	if err := s.http.Shutdown(ctx); err != nil {
		errs = append(errs, fmt.Errorf("rpcserver: shutdown: %w", err))
		_ = s.http.Close() // the grace period is over: cut the remaining calls
	}
	if err := <-s.serveErr; err != nil {
		errs = append(errs, fmt.Errorf("rpcserver: serve: %w", err))
	}
	// Only now: in-flight REST calls needed the gateway client and the in-memory server.
	s.cancel()
	if err := s.conn.Close(); err != nil {
		errs = append(errs, fmt.Errorf("rpcserver: close gateway client: %w", err))
	}
	if err := s.inner.Shutdown(ctx); err != nil {
		_ = s.inner.Close()
	}
	if err := <-s.innerErr; err != nil {
		errs = append(errs, fmt.Errorf("rpcserver: serve gateway: %w", err))
	}
	s.started = false
	s.log.Info("rpc server stopped")
	return errors.Join(errs...)
}

// Addr returns the bound listen address ("127.0.0.1:43127") once started, else the
// configured one.
func (s *Server) Addr() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln != nil {
		return s.ln.Addr().String()
	}
	return s.cfg.Addr
}

// URL returns the base URL for clients, "http://host:port" ("https://" with TLS), with an
// unspecified host replaced by loopback. Valid after Start.
func (s *Server) URL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	scheme := "http://"
	if s.tls {
		scheme = "https://"
	}
	if s.ln == nil {
		return scheme + s.cfg.Addr
	}
	return scheme + dialTarget(s.ln.Addr())
}

// checkReady is the readiness decision shared by /readyz and gRPC health.
func (s *Server) checkReady(ctx context.Context) error {
	if s.stopping.Load() {
		return errors.New("shutting down")
	}
	if s.ready == nil {
		return nil
	}
	return s.ready(ctx)
}

func serveHealthz(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte("ok\n"))
}

// readyzTimeout bounds the readiness check of one /readyz request.
const readyzTimeout = 2 * time.Second

func (s *Server) serveReadyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), readyzTimeout)
	defer cancel()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if err := s.checkReady(ctx); err != nil {
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = fmt.Fprintf(w, "not ready: %v\n", err)
		return
	}
	_, _ = w.Write([]byte("ok\n"))
}

// healthChecker answers grpc.health.v1 for "" (the whole server) and every service name.
type healthChecker struct {
	server *Server
	names  map[string]bool
}

var _ grpchealth.Checker = (*healthChecker)(nil)

// Check implements grpchealth.Checker.
func (c *healthChecker) Check(ctx context.Context, req *grpchealth.CheckRequest) (*grpchealth.CheckResponse, error) {
	if req.Service != "" && !c.names[req.Service] {
		return nil, connectNotFound(req.Service)
	}
	if err := c.server.checkReady(ctx); err != nil {
		return &grpchealth.CheckResponse{Status: grpchealth.StatusNotServing}, nil
	}
	return &grpchealth.CheckResponse{Status: grpchealth.StatusServing}, nil
}
