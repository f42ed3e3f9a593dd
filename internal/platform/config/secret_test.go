package config_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/wxsuite/wxsuite/internal/platform/config"
)

func TestSecretNeverPrints(t *testing.T) {
	t.Parallel()
	const value = "s3cr3t-value"
	s := config.NewSecret(value)
	holder := struct {
		Name   string
		Secret config.Secret
	}{"x", s}
	jsonOut, err := json.Marshal(holder)
	if err != nil {
		t.Fatal(err)
	}
	yamlOut, err := yaml.Marshal(holder)
	if err != nil {
		t.Fatal(err)
	}
	var logOut bytes.Buffer
	slog.New(slog.NewJSONHandler(&logOut, nil)).Info("m", "s", s, "h", holder)
	tests := []struct {
		name string
		give string
	}{
		{"String", s.String()},
		{"GoString", s.GoString()},
		{"%v", fmt.Sprintf("%v", s)},
		{"%+v struct", fmt.Sprintf("%+v", holder)},
		{"%#v struct", fmt.Sprintf("%#v", holder)},
		{"%s", fmt.Sprintf("%s", s)},
		{"%q", fmt.Sprintf("%q", s)},
		{"%x", fmt.Sprintf("%x", s)},
		{"%d", fmt.Sprintf("%d", s)},
		{"json", string(jsonOut)},
		{"yaml", string(yamlOut)},
		{"slog", logOut.String()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if strings.Contains(tt.give, value) || strings.Contains(tt.give, fmt.Sprintf("%x", value)) {
				t.Errorf("output reveals the secret: %s", tt.give)
			}
			if !strings.Contains(tt.give, "[REDACTED]") {
				t.Errorf("output is not marked redacted: %s", tt.give)
			}
		})
	}
	if s.Reveal() != value {
		t.Errorf("Reveal = %q", s.Reveal())
	}
}

func TestSecretUnmarshalYAML(t *testing.T) {
	t.Parallel()
	var got struct {
		S config.Secret `yaml:"s"`
	}
	if err := yaml.Unmarshal([]byte("s: inline\n"), &got); err != nil {
		t.Fatal(err)
	}
	if got.S.Reveal() != "inline" {
		t.Errorf("got %q", got.S.Reveal())
	}
}
