package invoice

import (
	"strings"
	"testing"

	"github.com/wxsuite/wxsuite/internal/platform/config"
)

func TestConfig(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		give    string
		want    int64
		wantErr string
	}{
		{name: "default", give: "", want: 2 << 20},
		{name: "set", give: "invoice: {max_pdf_bytes: 1024}", want: 1024},
		{name: "negative", give: "invoice: {max_pdf_bytes: -1}", wantErr: "max_pdf_bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f, err := config.FromYAML([]byte(tt.give), nil)
			if err != nil {
				t.Fatal(err)
			}
			c, err := loadConfig(f)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want one naming %s", err, tt.wantErr)
				}
				return
			}
			if err != nil || c.MaxPDFBytes != tt.want {
				t.Errorf("config %+v, %v; want max_pdf_bytes %d", c, err, tt.want)
			}
		})
	}
}

func TestNewNeedsAWeChatClient(t *testing.T) {
	t.Parallel()
	if _, err := New(Params{}); err == nil {
		t.Error("New without a WeChat client succeeded")
	}
}
