package redisx

import (
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/wxsuite/wxsuite/internal/platform/config"
)

// Topology modes for Config.Mode.
const (
	// ModeAuto picks Sentinel when a master name is set (MasterName or the URL's
	// master_name), Cluster when more than one address is given (Addrs or the URL's addr
	// parameters), and standalone otherwise.
	ModeAuto = ""
	// ModeStandalone is one Redis server (redis.ParseURL).
	ModeStandalone = "standalone"
	// ModeSentinel is a master found through Sentinel (redis.ParseFailoverURL): the URL's host
	// and Addrs are the sentinels, the URL's user info the sentinel credentials and Password
	// the master's password.
	ModeSentinel = "sentinel"
	// ModeCluster is Redis Cluster (redis.ParseClusterURL): the URL's host and Addrs are seeds.
	ModeCluster = "cluster"
)

// Config is the `redis` section. Zero values take go-redis' defaults unless noted.
type Config struct {
	// URL is a go-redis URL, e.g. "redis://user:pass@host:6379/0" or "rediss://…" for TLS
	// (required). Query parameters of go-redis' URL parsers (dial_timeout, pool_size,
	// addr, master_name…) are accepted.
	URL string `yaml:"url"`
	// Mode is "" (auto, default), "standalone", "sentinel" or "cluster"; see the Mode*
	// constants.
	Mode string `yaml:"mode"`
	// MasterName is the Sentinel master name (sentinel mode; setting it selects sentinel in
	// auto mode).
	MasterName string `yaml:"master_name"`
	// Password overrides the password in the URL (for Sentinel: the master's password).
	Password config.Secret `yaml:"password"`
	// Addrs are extra cluster seed or sentinel addresses (host:port), beside the URL's host.
	Addrs []string `yaml:"addrs"`
	// DialTimeout bounds connecting (go-redis default 5s). For the three timeouts a
	// negative value disables the timeout, as in go-redis.
	DialTimeout config.Duration `yaml:"dial_timeout"`
	// ReadTimeout bounds socket reads (go-redis default 3s).
	ReadTimeout config.Duration `yaml:"read_timeout"`
	// WriteTimeout bounds socket writes (go-redis default: ReadTimeout).
	WriteTimeout config.Duration `yaml:"write_timeout"`
	// PoolSize is the connection pool size per node (go-redis default 10 per CPU).
	PoolSize int `yaml:"pool_size"`
	// Protocol is the RESP version, 2 or 3. wxsuite needs nothing of RESP3, and with it
	// go-redis looks for push notifications before every command, so the default (0) is
	// 2, unless the URL sets protocol=.
	Protocol int `yaml:"protocol"`
}

// protocol returns the RESP version to use: Protocol, else the URL's, else 2.
func (c Config) protocol(fromURL int) int {
	switch {
	case c.Protocol != 0:
		return c.Protocol
	case urlHasParam(c.URL, "protocol"):
		return fromURL
	default:
		return 2
	}
}

// Validate checks the URL and mode; keys in its errors are relative to the section.
func (c Config) Validate() error {
	var errs []error
	if c.URL == "" {
		errs = append(errs, &config.FieldError{Key: "url", Msg: "required"})
	} else if u, err := url.Parse(c.URL); err != nil || (u.Scheme != "redis" && u.Scheme != "rediss" && u.Scheme != "unix") {
		// The URL may hold a password, so it is not repeated in the message.
		errs = append(errs, &config.FieldError{Key: "url", Msg: "want a redis://, rediss:// or unix:// URL"})
	}
	switch c.Mode {
	case ModeAuto, ModeStandalone, ModeCluster:
	case ModeSentinel:
		if c.MasterName == "" && !urlHasParam(c.URL, "master_name") {
			errs = append(errs, &config.FieldError{Key: "master_name", Msg: "required in sentinel mode"})
		}
	default:
		errs = append(errs, &config.FieldError{Key: "mode", Msg: fmt.Sprintf("%q: want standalone, sentinel or cluster", c.Mode)})
	}
	if c.Mode == ModeStandalone && len(c.Addrs) > 0 {
		errs = append(errs, &config.FieldError{Key: "addrs", Msg: "not used in standalone mode"})
	}
	if c.PoolSize < 0 {
		errs = append(errs, &config.FieldError{Key: "pool_size", Msg: "must not be negative"})
	}
	if c.Protocol != 0 && c.Protocol != 2 && c.Protocol != 3 {
		errs = append(errs, &config.FieldError{Key: "protocol", Msg: fmt.Sprintf("%d: want 2 or 3", c.Protocol)})
	}
	return errors.Join(errs...)
}

func urlHasParam(raw, name string) bool {
	u, err := url.Parse(raw)
	return err == nil && u.Query().Has(name)
}

// mode resolves ModeAuto.
func (c Config) mode() string {
	if c.Mode != ModeAuto {
		return c.Mode
	}
	switch {
	case c.MasterName != "" || urlHasParam(c.URL, "master_name"):
		return ModeSentinel
	case len(c.Addrs) > 0 || urlHasParam(c.URL, "addr"):
		return ModeCluster
	default:
		return ModeStandalone
	}
}

// New returns a client for cfg's topology: a *redis.Client, *redis.FailoverClient
// (Sentinel) or *redis.ClusterClient. It does not connect; the caller closes it.
// Errors never contain the URL (it may hold a password).
func New(cfg Config) (redis.UniversalClient, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	switch cfg.mode() {
	case ModeSentinel:
		o, err := redis.ParseFailoverURL(cfg.URL)
		if err != nil {
			return nil, parseError(err)
		}
		if cfg.MasterName != "" {
			o.MasterName = cfg.MasterName
		}
		o.SentinelAddrs = append(o.SentinelAddrs, cfg.Addrs...)
		if !cfg.Password.IsZero() {
			o.Password = cfg.Password.Reveal()
		}
		setDuration(&o.DialTimeout, cfg.DialTimeout)
		setDuration(&o.ReadTimeout, cfg.ReadTimeout)
		setDuration(&o.WriteTimeout, cfg.WriteTimeout)
		if cfg.PoolSize > 0 {
			o.PoolSize = cfg.PoolSize
		}
		o.Protocol = cfg.protocol(o.Protocol)
		return redis.NewFailoverClient(o), nil
	case ModeCluster:
		o, err := redis.ParseClusterURL(cfg.URL)
		if err != nil {
			return nil, parseError(err)
		}
		o.Addrs = append(o.Addrs, cfg.Addrs...)
		if !cfg.Password.IsZero() {
			o.Password = cfg.Password.Reveal()
		}
		setDuration(&o.DialTimeout, cfg.DialTimeout)
		setDuration(&o.ReadTimeout, cfg.ReadTimeout)
		setDuration(&o.WriteTimeout, cfg.WriteTimeout)
		if cfg.PoolSize > 0 {
			o.PoolSize = cfg.PoolSize
		}
		o.Protocol = cfg.protocol(o.Protocol)
		return redis.NewClusterClient(o), nil
	default:
		o, err := redis.ParseURL(cfg.URL)
		if err != nil {
			return nil, parseError(err)
		}
		if !cfg.Password.IsZero() {
			o.Password = cfg.Password.Reveal()
		}
		setDuration(&o.DialTimeout, cfg.DialTimeout)
		setDuration(&o.ReadTimeout, cfg.ReadTimeout)
		setDuration(&o.WriteTimeout, cfg.WriteTimeout)
		if cfg.PoolSize > 0 {
			o.PoolSize = cfg.PoolSize
		}
		o.Protocol = cfg.protocol(o.Protocol)
		return redis.NewClient(o), nil
	}
}

func setDuration(dst *time.Duration, d config.Duration) {
	if d != 0 {
		*dst = d.Std()
	}
}

// parseError keeps go-redis' message but drops a *url.Error, whose text repeats the URL.
func parseError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return &config.FieldError{Key: "url", Msg: "invalid URL: " + ue.Err.Error()}
	}
	return &config.FieldError{Key: "url", Msg: err.Error()}
}
