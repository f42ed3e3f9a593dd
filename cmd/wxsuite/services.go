package main

import (
	"fmt"
	"sort"
	"strings"

	"go.uber.org/fx"

	"github.com/wxsuite/wxsuite/internal/tokensource"
	"github.com/wxsuite/wxsuite/services/analytics"
	"github.com/wxsuite/wxsuite/services/audience"
	"github.com/wxsuite/wxsuite/services/card"
	"github.com/wxsuite/wxsuite/services/content"
	"github.com/wxsuite/wxsuite/services/guide"
	"github.com/wxsuite/wxsuite/services/invoice"
	"github.com/wxsuite/wxsuite/services/messaging"
	"github.com/wxsuite/wxsuite/services/nontax"
	"github.com/wxsuite/wxsuite/services/proxy"
	"github.com/wxsuite/wxsuite/services/smart"
	"github.com/wxsuite/wxsuite/services/token"
)

// modules maps each service name (the domain, as in --services and in Helm) to its fx module.
var modules = map[string]fx.Option{
	"token":     token.Module,
	"audience":  audience.Module,
	"content":   content.Module,
	"messaging": messaging.Module,
	"card":      card.Module,
	"invoice":   invoice.Module,
	"nontax":    nontax.Module,
	"analytics": analytics.Module,
	"smart":     smart.Module,
	"guide":     guide.Module,
	"proxy":     proxy.Module,
}

func knownServices() string {
	names := make([]string, 0, len(modules))
	for n := range modules {
		names = append(names, n)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// selectServices turns a --services value into fx modules; "all" (or empty) means every service.
func selectServices(list string) ([]fx.Option, error) {
	list = strings.TrimSpace(list)
	if list == "" || list == "all" {
		list = knownServices()
	}
	seen := map[string]bool{}
	var out []fx.Option
	for _, name := range strings.Split(list, ",") {
		name = strings.TrimSpace(name)
		if name == "" || seen[name] {
			continue
		}
		m, ok := modules[name]
		if !ok {
			return nil, fmt.Errorf("--services: unknown service %q (known: %s, or all)", name, knownServices())
		}
		seen[name] = true
		out = append(out, m)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("--services: no service selected (known: %s, or all)", knownServices())
	}
	if !seen["token"] {
		// Domain services reach the token service over the network (token_source.url).
		out = append(out, tokensource.Module)
	}
	return out, nil
}
