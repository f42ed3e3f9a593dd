package config

import (
	"errors"
	"fmt"
	"os"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// EnvPrefix is the prefix of environment variables that override configuration values.
const EnvPrefix = "WXSUITE_"

// Names of the known top-level sections. A file with any other top-level key is refused.
const (
	SectionServer   = "server"
	SectionLog      = "log"
	SectionRedis    = "redis"
	SectionWeChat   = "wechat"
	SectionAccounts = "accounts"
	SectionToken    = "token"
	// SectionTokenSource configures the remote TokenSource of processes without the token service.
	SectionTokenSource = "token_source"
	SectionSandbox     = "sandbox"
	SectionAuth        = "auth"
	SectionMessaging   = "messaging"
	SectionAudience    = "audience"
	SectionContent     = "content"
	SectionCard        = "card"
	SectionInvoice     = "invoice"
	SectionNontax      = "nontax"
	SectionAnalytics   = "analytics"
	SectionSmart       = "smart"
	SectionGuide       = "guide"
	SectionProxy       = "proxy"
	SectionCallback    = "callback"
)

// Sections returns the known top-level section names, in documentation order. The slice
// is new on every call.
func Sections() []string {
	return []string{
		SectionServer, SectionLog, SectionRedis, SectionWeChat, SectionAccounts,
		SectionToken, SectionTokenSource, SectionSandbox, SectionAuth, SectionMessaging, SectionAudience,
		SectionContent, SectionCard, SectionInvoice, SectionNontax, SectionAnalytics,
		SectionSmart, SectionGuide, SectionProxy, SectionCallback,
	}
}

// File is a loaded configuration: the YAML document with environment overrides applied.
// It is safe for concurrent use by Section callers (Section only reads it).
type File struct {
	root    *yaml.Node // a mapping node
	environ map[string]string
}

// Load reads the YAML file at path and applies the overrides found in environ (in the
// "KEY=value" form of os.Environ). See FromYAML.
func Load(path string, environ []string) (*File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: read file: %w", err)
	}
	f, err := FromYAML(data, environ)
	if err != nil {
		return nil, fmt.Errorf("%w (in %s)", err, path)
	}
	return f, nil
}

// FromYAML parses data (an empty document is an empty configuration), applies the
// WXSUITE_* overrides from environ and checks that every top-level key is a known section.
// environ is also where {env: NAME} secrets are looked up.
func FromYAML(data []byte, environ []string) (*File, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("config: parse yaml: %w", err)
	}
	root := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	if doc.Kind == yaml.DocumentNode && len(doc.Content) > 0 {
		root = resolveAlias(doc.Content[0])
	}
	if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
		root = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	}
	if root.Kind != yaml.MappingNode {
		return nil, errors.New("config: the document must be a mapping of sections")
	}
	f := &File{root: root, environ: make(map[string]string)}
	for _, kv := range environ {
		k, v, ok := strings.Cut(kv, "=")
		if ok {
			f.environ[k] = v
		}
	}
	if err := f.applyEnv(); err != nil {
		return nil, err
	}
	known := Sections()
	for i := 0; i+1 < len(root.Content); i += 2 {
		k := root.Content[i].Value
		if !slices.Contains(known, k) {
			return nil, &FieldError{Key: k, Msg: "unknown key"}
		}
	}
	return f, nil
}

// Has reports whether the top-level section key is present (in the file or through an
// environment override).
func (f *File) Has(key string) bool {
	return lookup(f.root, key) != nil
}

// Section strictly decodes the top-level section key into into, which must be a non-nil
// pointer. A missing section decodes as the zero value. Unknown keys are errors naming the
// full key path. Afterwards into's SetDefaults (Defaulter) and Validate (Validator) run, in
// that order; errors from Validate are prefixed with key (see Nest).
func (f *File) Section(key string, into any) error {
	rv := reflect.ValueOf(into)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return fmt.Errorf("config: section %s: want a non-nil pointer, got %T", key, into)
	}
	if node := lookup(f.root, key); node != nil {
		d := decoder{lookupEnv: f.lookupEnv}
		if err := d.decode(node, rv.Elem(), key); err != nil {
			return err
		}
	}
	if dd, ok := into.(Defaulter); ok {
		dd.SetDefaults()
	}
	if v, ok := into.(Validator); ok {
		if err := v.Validate(); err != nil {
			return Nest(key, err)
		}
	}
	return nil
}

func (f *File) lookupEnv(name string) (string, bool) {
	v, ok := f.environ[name]
	return v, ok
}

// applyEnv applies WXSUITE_* overrides in a stable (sorted) order.
func (f *File) applyEnv() error {
	names := make([]string, 0, len(f.environ))
	for k := range f.environ {
		if strings.HasPrefix(k, EnvPrefix) && len(k) > len(EnvPrefix) {
			names = append(names, k)
		}
	}
	slices.Sort(names)
	for _, name := range names {
		path := strings.Split(strings.ToLower(strings.TrimPrefix(name, EnvPrefix)), "__")
		if slices.Contains(path, "") {
			return fmt.Errorf("config: environment variable %s: empty key segment", name)
		}
		// The value is left untagged so that YAML resolves it like a plain scalar.
		val := &yaml.Node{Kind: yaml.ScalarNode, Value: f.environ[name]}
		if err := setPath(f.root, path, val); err != nil {
			return fmt.Errorf("config: environment variable %s: %w", name, err)
		}
	}
	return nil
}

// setPath sets the value at path below node, creating mappings (or appending to lists for
// the index equal to their length) on the way.
func setPath(node *yaml.Node, path []string, val *yaml.Node) error {
	seg := path[0]
	last := len(path) == 1
	switch node.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(node.Content); i += 2 {
			if node.Content[i].Value == seg {
				if last {
					node.Content[i+1] = val
					return nil
				}
				child := resolveAlias(node.Content[i+1])
				if !isContainer(child) {
					child = newContainer(path[1])
					node.Content[i+1] = child
				}
				return setPath(child, path[1:], val)
			}
		}
		keyNode := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: seg}
		if last {
			node.Content = append(node.Content, keyNode, val)
			return nil
		}
		child := newContainer(path[1])
		node.Content = append(node.Content, keyNode, child)
		return setPath(child, path[1:], val)
	case yaml.SequenceNode:
		idx, err := strconv.Atoi(seg)
		if err != nil || idx < 0 {
			return fmt.Errorf("%q is not a list index", seg)
		}
		if idx > len(node.Content) {
			return fmt.Errorf("index %d is past the end of a list of %d", idx, len(node.Content))
		}
		if idx == len(node.Content) {
			if last {
				node.Content = append(node.Content, val)
				return nil
			}
			node.Content = append(node.Content, newContainer(path[1]))
		}
		if last {
			node.Content[idx] = val
			return nil
		}
		child := resolveAlias(node.Content[idx])
		if !isContainer(child) {
			child = newContainer(path[1])
			node.Content[idx] = child
		}
		return setPath(child, path[1:], val)
	default:
		return errors.New("cannot override inside a scalar")
	}
}

func isContainer(n *yaml.Node) bool {
	return n.Kind == yaml.MappingNode || n.Kind == yaml.SequenceNode
}

// newContainer returns a list when the next segment is an index, else a mapping.
func newContainer(next string) *yaml.Node {
	if _, err := strconv.Atoi(next); err == nil {
		return &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
	}
	return &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
}

func lookup(m *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return resolveAlias(m.Content[i+1])
		}
	}
	return nil
}

func resolveAlias(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}
