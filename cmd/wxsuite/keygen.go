package main

import (
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/wxsuite/wxsuite/internal/platform/auth"
)

// keygen prints a new API key and the `auth.keys` entry that accepts it. The key is shown
// once; the configuration keeps only its hash.
func keygen(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("keygen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	id := fs.String("id", "", "the key's id, shown in logs and errors (required)")
	apps := fs.String("app-ids", "*", "comma-separated accounts the key may use, or *")
	scopes := fs.String("scopes", auth.ScopeTokenRead, "comma-separated scopes: "+strings.Join(auth.Scopes(), ", "))
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *id == "" {
		return fmt.Errorf("keygen: --id is required")
	}
	for _, sc := range strings.Split(*scopes, ",") {
		if sc = strings.TrimSpace(sc); sc != "" && !slices.Contains(auth.Scopes(), sc) {
			return fmt.Errorf("keygen: --scopes: unknown scope %q (known: %s)", sc, strings.Join(auth.Scopes(), ", "))
		}
	}
	key, hash, err := auth.GenerateKey()
	if err != nil {
		return fmt.Errorf("keygen: %w", err)
	}
	fmt.Fprintf(stdout, `# API key %q — give it to the caller; it is not stored anywhere and cannot be shown again:
#   %s
# Add this entry to auth.keys in the configuration:
- id: %s
  hash: %q
  app_ids: [%s]
  scopes: [%s]
`, *id, key, *id, hash, quoteList(*apps), quoteList(*scopes))
	return nil
}

func quoteList(csv string) string {
	var out []string
	for _, v := range strings.Split(csv, ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, fmt.Sprintf("%q", v))
		}
	}
	return strings.Join(out, ", ")
}
