package charttest

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"helm.sh/helm/v3/pkg/chartutil"
	"sigs.k8s.io/yaml"
)

// TestBadValues: invalid values are refused with a message that names the problem.
func TestBadValues(t *testing.T) {
	t.Parallel()
	ch := loadChart(t)
	base := scenarioValues("default")
	tests := []struct {
		name string
		give string // values YAML merged over ci/default-values.yaml
		want []string
	}{
		{"unknown service name", "services: {mesaging: {enabled: true}}", []string{"/services", "additional properties 'mesaging' not allowed"}},
		{"negative replicas", "services: {token: {replicas: -1}}", []string{"/services/token/replicas", "minimum: got -1, want 0"}},
		{"negative default replicas", "serviceDefaults: {replicas: -2}", []string{"/serviceDefaults/replicas", "minimum"}},
		{"existingSecret and inline account secret", "accounts: [{appId: wx1, existingSecret: wx-shop, appSecret: s3cret}]", []string{"/accounts/0/appSecret", "must be empty: existingSecret is set"}},
		{"account without any secret", "accounts: [{appId: wx1}]", []string{"/accounts/0", "missing property 'existingSecret'", "missing property 'appSecret'"}},
		{"existingSecret and inline Redis password", "redis: {existingSecret: redis-auth, password: pw}", []string{"/redis/password", "must be empty: redis.existingSecret is set"}},
		{"existingSecret and inline API key", "auth: {keys: [{id: a, appIds: ['*'], scopes: [admin], existingSecret: k, existingSecretKey: a, key: raw}]}", []string{"/auth/keys/0/key", "must be empty: existingSecret is set"}},
		{"existingSecret and inline token-source key", "tokenSource: {existingSecret: k, apiKey: raw}", []string{"/tokenSource/apiKey", "must be empty"}},
		{"API key with no secret", "auth: {keys: [{id: a, appIds: ['*'], scopes: [admin]}]}", []string{"/auth/keys/0", "missing property 'hash'"}},
		{"password in the Redis URL", "redis: {url: 'redis://:hunter2@redis:6379/0'}", []string{"/redis/url", "does not match pattern"}},
		{"bundled Redis and an external URL", "redis: {url: 'redis://redis:6379/0', bundled: {enabled: true}}", []string{"/redis/url", "must be empty: redis.bundled.enabled is true"}},
		{"unknown mode", "mode: sharded", []string{"/mode", "value must be one of 'all-in-one', 'split'"}},
		{"split without the token service", "{mode: split, services: {token: {enabled: false}}}", []string{"/services/token/enabled", "value must be true"}},
		{"secret section under config", "config: {redis: {password: pw}}", []string{"/config", "additional properties 'redis' not allowed"}},
		{"server.addr under config", "config: {server: {addr: ':9090'}}", []string{"/config/server"}},
		{"unknown top-level key", "replicaCount: 3", []string{"additional properties 'replicaCount' not allowed"}},
		{"TLS without a Secret", "tls: {enabled: true}", []string{"/tls/existingSecret", "minLength"}},
		{"no API key and auth not disabled", "auth: {keys: []}", []string{"/auth/keys", "minItems: got 0, want 1"}},
		{"inline API key too short", "auth: {keys: [{id: a, appIds: ['*'], scopes: [admin], key: short}]}", []string{"/auth/keys/0/key", "does not match pattern"}},
		{"unknown scope", "auth: {keys: [{id: a, appIds: ['*'], scopes: [everything], hash: 'sha256:4f2d8c3f0a0b58c1f2b7a3c1e6f1a3c0c8f2a9d2b6e7c4a1f0e9d8c7b6a5f4e3'}]}", []string{"/auth/keys/0/scopes/0", "value must be one of"}},
		{"callback Ingress without a host", "ingress: {callback: {enabled: true}}", []string{"/ingress/callback/host", "minLength"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			over := filepath.Join(t.TempDir(), "values.yaml")
			if err := os.WriteFile(over, []byte(tt.give), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := render(ch, readValues(t, base, over))
			if err == nil {
				t.Fatalf("values %s were accepted", tt.give)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
		})
	}
}

// TestMissingRedis: the chart's defaults alone are refused, naming redis.url.
func TestMissingRedis(t *testing.T) {
	t.Parallel()
	_, err := render(loadChart(t), map[string]any{})
	if err == nil || !strings.Contains(err.Error(), "/redis") || !strings.Contains(err.Error(), "missing property 'url'") {
		t.Fatalf("defaults without Redis: err = %v, want a /redis missing property 'url' error", err)
	}
}

// TestSplitRoutesToDisabledService: a callback Ingress in split mode needs the messaging service.
func TestSplitRoutesToDisabledService(t *testing.T) {
	t.Parallel()
	vals := readValues(t, scenarioValues("split"))
	vals["services"].(map[string]any)["messaging"] = map[string]any{"enabled": false}
	_, err := render(loadChart(t), vals)
	if err == nil || !strings.Contains(err.Error(), "services.messaging, which is not enabled") {
		t.Fatalf("err = %v", err)
	}
}

// TestSchemaInSync: every key of values.yaml is described by values.schema.json, every
// property the schema describes at the top level is in values.yaml, and every value key
// has a `# --` comment above it or above its parent block.
func TestSchemaInSync(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile(filepath.Join(chartDir, "values.schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	var schema map[string]any
	if err := json.Unmarshal(raw, &schema); err != nil {
		t.Fatalf("values.schema.json: %v", err)
	}
	text, err := os.ReadFile(filepath.Join(chartDir, "values.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var values map[string]any
	if err := yaml.Unmarshal(text, &values); err != nil {
		t.Fatal(err)
	}
	defs, _ := schema["definitions"].(map[string]any)
	var walk func(path string, v any, s map[string]any)
	walk = func(path string, v any, s map[string]any) {
		if ref, ok := s["$ref"].(string); ok {
			s, _ = defs[strings.TrimPrefix(ref, "#/definitions/")].(map[string]any)
		}
		if _, ok := s["description"]; !ok && path != "" {
			t.Errorf("schema: %s has no description", path)
		}
		m, ok := v.(map[string]any)
		if !ok {
			return
		}
		props, _ := s["properties"].(map[string]any)
		for k, x := range m {
			p, ok := props[k].(map[string]any)
			if !ok {
				if _, open := s["additionalProperties"].(map[string]any); !open && s["additionalProperties"] == false {
					t.Errorf("values.yaml: %s.%s is not in values.schema.json", path, k)
				}
				continue
			}
			walk(path+"."+k, x, p)
		}
	}
	walk("", values, schema)
	for k := range schema["properties"].(map[string]any) {
		if _, ok := values[k]; !ok {
			t.Errorf("values.schema.json: top-level %s is not in values.yaml", k)
		}
	}
	// The chart's own defaults satisfy the schema once Redis and an account are given.
	ch := loadChart(t)
	if err := chartutil.ValidateAgainstSchema(ch, readValues(t, scenarioValues("default"))); err != nil {
		t.Errorf("default scenario: %v", err)
	}
	checkDocumented(t, string(text))
}

// checkDocumented: each top-level key of values.yaml, and each key of a block that is not
// itself commented as a whole, has a `# --` comment.
func checkDocumented(t *testing.T, text string) {
	t.Helper()
	lines := strings.Split(text, "\n")
	documentedIndent := -1 // keys deeper than this sit in a block documented as a whole
	for i, l := range lines {
		trimmed := strings.TrimSpace(l)
		if trimmed == "" || strings.HasPrefix(trimmed, "#") || strings.HasPrefix(trimmed, "- ") || !strings.Contains(trimmed, ":") {
			continue
		}
		indent := len(l) - len(strings.TrimLeft(l, " "))
		if documentedIndent >= 0 && indent > documentedIndent {
			continue
		}
		documentedIndent = -1
		commented := false
		for j := i - 1; j >= 0; j-- {
			p := strings.TrimSpace(lines[j])
			if !strings.HasPrefix(p, "#") {
				break
			}
			if strings.HasPrefix(p, "# --") {
				commented = true
				break
			}
		}
		key := strings.SplitN(trimmed, ":", 2)[0]
		value := strings.TrimSpace(strings.SplitN(trimmed, ":", 2)[1])
		switch {
		case commented && (value == "" || value == "{}" || value == "[]"):
			documentedIndent = indent // a documented block (e.g. resources) covers its keys
		case commented:
		case value == "":
			// an undocumented grouping block (image:, redis:): its keys must be documented
		default:
			t.Errorf("values.yaml line %d: %s has no `# --` comment", i+1, key)
		}
	}
}
