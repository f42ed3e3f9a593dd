package configcheck

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/wxsuite/wxsuite/internal/platform/auth"
	"github.com/wxsuite/wxsuite/internal/platform/config"
	"github.com/wxsuite/wxsuite/internal/platform/logging"
	"github.com/wxsuite/wxsuite/internal/platform/redisx"
	"github.com/wxsuite/wxsuite/internal/platform/rpcserver"
	"github.com/wxsuite/wxsuite/internal/tokensource"
	"github.com/wxsuite/wxsuite/internal/wechat"
	"github.com/wxsuite/wxsuite/services/audience"
	"github.com/wxsuite/wxsuite/services/content"
	"github.com/wxsuite/wxsuite/services/messaging"
	"github.com/wxsuite/wxsuite/services/proxy"
	"github.com/wxsuite/wxsuite/services/token"
)

// sections maps each section the chart may render to a new value of the type its module
// decodes it into.
var sections = map[string]func() any{
	config.SectionServer:      func() any { return new(rpcserver.Config) },
	config.SectionLog:         func() any { return new(logging.Config) },
	config.SectionRedis:       func() any { return new(redisx.Config) },
	config.SectionAccounts:    func() any { return new(config.Accounts) },
	config.SectionAuth:        func() any { return new(auth.Config) },
	config.SectionToken:       func() any { return new(token.Config) },
	config.SectionWeChat:      func() any { return new(wechat.Config) },
	config.SectionTokenSource: func() any { return new(tokensource.RemoteConfig) },
	config.SectionMessaging:   func() any { return new(messaging.Config) },
	config.SectionAudience:    func() any { return new(audience.Config) },
	config.SectionContent:     func() any { return new(content.Config) },
	config.SectionProxy:       func() any { return new(proxy.Config) },
}

var envRef = regexp.MustCompile(`env: (WX_[A-Z0-9_]+)`)

// TestChartRendersLoadableConfig loads each golden's wxsuite.yaml, with every {env: NAME}
// it refers to set, and decodes and validates each of its sections.
func TestChartRendersLoadableConfig(t *testing.T) {
	t.Parallel()
	goldens, err := filepath.Glob("../helm/chart-test/testdata/*.golden.yaml")
	if err != nil || len(goldens) == 0 {
		t.Fatalf("no goldens (%v)", err)
	}
	for _, g := range goldens {
		t.Run(strings.TrimSuffix(filepath.Base(g), ".golden.yaml"), func(t *testing.T) {
			t.Parallel()
			text := renderedConfig(t, g)
			var environ []string
			for _, m := range envRef.FindAllStringSubmatch(text, -1) {
				environ = append(environ, m[1]+"="+sampleSecret(m[1]))
			}
			f, err := config.FromYAML([]byte(text), environ)
			if err != nil {
				t.Fatalf("load: %v\n%s", err, text)
			}
			var top map[string]any
			if err := yaml.Unmarshal([]byte(text), &top); err != nil {
				t.Fatal(err)
			}
			for key := range top {
				newValue, ok := sections[key]
				if !ok {
					t.Errorf("section %s has no decoder in this test: add it", key)
					continue
				}
				if err := f.Section(key, newValue()); err != nil {
					t.Errorf("section %s: %v", key, err)
				}
			}
		})
	}
}

// renderedConfig returns the wxsuite.yaml of the chart's ConfigMap in a golden file.
func renderedConfig(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, doc := range strings.Split(string(data), "\n---\n") {
		var obj struct {
			Kind string            `yaml:"kind"`
			Data map[string]string `yaml:"data"`
		}
		if err := yaml.Unmarshal([]byte(doc), &obj); err != nil {
			continue // the NOTES comment block
		}
		if obj.Kind == "ConfigMap" {
			if text, ok := obj.Data["wxsuite.yaml"]; ok {
				return text
			}
		}
	}
	t.Fatalf("%s: no ConfigMap with wxsuite.yaml", path)
	return ""
}

// sampleSecret is a well-formed value for the secret the chart injects as variable name.
func sampleSecret(name string) string {
	if strings.HasSuffix(name, "ENCODING_AES_KEY") {
		return strings.Repeat("A", 43) // EncodingAESKey: 43 base64 characters
	}
	return strings.Repeat("s3cr3t", 8) // 48 characters: long enough for an API key
}
