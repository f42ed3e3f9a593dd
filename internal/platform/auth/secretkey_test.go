package auth_test

import (
	"strings"
	"testing"

	"connectrpc.com/connect"

	"github.com/wxsuite/wxsuite/internal/platform/auth"
)

func TestAuthenticateKey(t *testing.T) {
	t.Parallel()
	a, err := auth.New(auth.Params{Config: auth.Config{Keys: []auth.KeyConfig{
		{ID: "p1", Hash: auth.KeyHash(testKey), AppIDs: []string{"wx1"}, Scopes: []string{auth.ScopeProxy}},
	}}})
	if err != nil {
		t.Fatal(err)
	}
	c, err := a.AuthenticateKey(" " + testKey + " ")
	if err != nil || c.KeyID != "p1" || !c.HasScope(auth.ScopeProxy) || !c.MayUse("wx1") || c.MayUse("wx2") {
		t.Errorf("AuthenticateKey = %+v, %v", c, err)
	}
	for _, give := range []string{"", "  ", testKey + "x", "sha256:" + testKey} {
		if _, err := a.AuthenticateKey(give); connect.CodeOf(err) != connect.CodeUnauthenticated || (give != "" && strings.Contains(err.Error(), give)) {
			t.Errorf("AuthenticateKey(%q) = %v, want Unauthenticated without the key", give, err)
		}
	}
	if c, ok := a.CallerByID("p1"); !ok || c.KeyID != "p1" {
		t.Errorf("CallerByID(p1) = %+v, %v", c, ok)
	}
	for _, id := range []string{"p2", "", auth.AnonymousKeyID} {
		if c, ok := a.CallerByID(id); ok {
			t.Errorf("CallerByID(%q) = %+v, want none", id, c)
		}
	}
}

func TestAuthenticateKeyDisabled(t *testing.T) {
	t.Parallel()
	a, err := auth.New(auth.Params{Config: auth.Config{Disabled: true}})
	if err != nil {
		t.Fatal(err)
	}
	if c, err := a.AuthenticateKey("anything"); err != nil || c.KeyID != auth.AnonymousKeyID {
		t.Errorf("AuthenticateKey while disabled = %+v, %v", c, err)
	}
	if c, ok := a.CallerByID(auth.AnonymousKeyID); !ok || !c.HasScope(auth.ScopeProxy) {
		t.Errorf("CallerByID(anonymous) while disabled = %+v, %v", c, ok)
	}
}
