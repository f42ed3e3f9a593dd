package auth_test

import (
	"fmt"
	"net/http"

	"github.com/wxsuite/wxsuite/internal/platform/auth"
	"github.com/wxsuite/wxsuite/internal/platform/config"
)

func ExampleKeyHash() {
	// The configuration holds the hash; the caller holds the key.
	fmt.Println(auth.KeyHash("wxsk_example-only-not-a-real-key-0123456789abcdef"))
	// Output: sha256:869ac3eff7af94c56e09f76783f19fc1c07fe301fb7bb3d43cd418faa882c27e
}

func ExampleNew() {
	file, err := config.FromYAML([]byte(`
auth:
  keys:
    - id: backend-1
      hash: `+auth.KeyHash("wxsk_example-only-not-a-real-key-0123456789abcdef")+`
      app_ids: [wx1]
      scopes: [token.read]
`), nil)
	if err != nil {
		panic(err)
	}
	var cfg auth.Config
	if err := file.Section(config.SectionAuth, &cfg); err != nil {
		panic(err)
	}
	a, err := auth.New(auth.Params{Config: cfg, Policies: []auth.Policy{
		{Procedure: "/wxsuite.token.v1.TokenService/GetAccessToken", Scope: auth.ScopeTokenRead, Audit: true},
	}})
	if err != nil {
		panic(err)
	}
	// a.Interceptor() goes into rpcserver.NewHandlerOptions via rpcserver.WithAuth.
	caller, err := a.Authenticate(http.Header{"Authorization": {"Bearer wxsk_example-only-not-a-real-key-0123456789abcdef"}})
	fmt.Println(caller.KeyID, caller.HasScope(auth.ScopeTokenRead), caller.MayUse("wx1"), caller.MayUse("wx2"), err)
	_, err = a.Authenticate(http.Header{})
	fmt.Println(err)
	// Output:
	// backend-1 true true false <nil>
	// unauthenticated: missing API key: send Authorization: Bearer <key> or X-Api-Key
}
