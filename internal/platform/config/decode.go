package config

import (
	"errors"
	"fmt"
	"os"
	"reflect"
	"strings"

	"gopkg.in/yaml.v3"
)

var (
	secretType      = reflect.TypeFor[Secret]()
	unmarshalerType = reflect.TypeFor[yaml.Unmarshaler]()
)

// decoder walks a YAML node and a Go value together, so that every error (unknown key,
// wrong type, unreadable secret) names the full key path.
type decoder struct {
	lookupEnv func(string) (string, bool)
}

func (d decoder) decode(node *yaml.Node, v reflect.Value, path string) error {
	node = resolveAlias(node)
	if node == nil || (node.Kind == yaml.ScalarNode && node.ShortTag() == "!!null") {
		return nil
	}
	if v.Type() == secretType {
		s, err := decodeSecret(node, d.lookupEnv)
		if err != nil {
			return &FieldError{Key: path, Msg: err.Error()}
		}
		v.Set(reflect.ValueOf(s))
		return nil
	}
	if reflect.PointerTo(v.Type()).Implements(unmarshalerType) {
		return leafError(path, node.Decode(v.Addr().Interface()))
	}
	switch v.Kind() {
	case reflect.Struct:
		return d.decodeStruct(node, v, path)
	case reflect.Pointer:
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		return d.decode(node, v.Elem(), path)
	case reflect.Slice:
		if node.Kind != yaml.SequenceNode {
			return &FieldError{Key: path, Msg: "want a list"}
		}
		s := reflect.MakeSlice(v.Type(), len(node.Content), len(node.Content))
		for i, item := range node.Content {
			if err := d.decode(item, s.Index(i), JoinKey(path, i)); err != nil {
				return err
			}
		}
		v.Set(s)
		return nil
	case reflect.Map:
		if node.Kind != yaml.MappingNode {
			return &FieldError{Key: path, Msg: "want a mapping"}
		}
		if v.Type().Key().Kind() != reflect.String {
			return leafError(path, node.Decode(v.Addr().Interface()))
		}
		m := reflect.MakeMapWithSize(v.Type(), len(node.Content)/2)
		for i := 0; i+1 < len(node.Content); i += 2 {
			k := node.Content[i].Value
			elem := reflect.New(v.Type().Elem()).Elem()
			if err := d.decode(node.Content[i+1], elem, JoinKey(path, k)); err != nil {
				return err
			}
			m.SetMapIndex(reflect.ValueOf(k).Convert(v.Type().Key()), elem)
		}
		v.Set(m)
		return nil
	default:
		if node.Kind != yaml.ScalarNode && v.Kind() != reflect.Interface {
			return &FieldError{Key: path, Msg: "want a single value"}
		}
		return leafError(path, node.Decode(v.Addr().Interface()))
	}
}

func (d decoder) decodeStruct(node *yaml.Node, v reflect.Value, path string) error {
	if node.Kind != yaml.MappingNode {
		return &FieldError{Key: path, Msg: "want a mapping"}
	}
	fields := make(map[string]reflect.Value)
	collectFields(v, fields)
	seen := make(map[string]bool, len(node.Content)/2)
	for i := 0; i+1 < len(node.Content); i += 2 {
		k := node.Content[i].Value
		key := JoinKey(path, k)
		if seen[k] {
			return &FieldError{Key: key, Msg: "duplicate key"}
		}
		seen[k] = true
		fv, ok := fields[k]
		if !ok {
			return &FieldError{Key: key, Msg: "unknown key"}
		}
		if err := d.decode(node.Content[i+1], fv, key); err != nil {
			return err
		}
	}
	return nil
}

// collectFields maps YAML names to the settable fields of struct v, following yaml.v3's
// tag rules: the tag name, else the lower-cased field name; "-" skips; ",inline" merges.
func collectFields(v reflect.Value, into map[string]reflect.Value) {
	t := v.Type()
	for i := range t.NumField() {
		sf := t.Field(i)
		if !sf.IsExported() {
			continue
		}
		tag := sf.Tag.Get("yaml")
		name, opts, _ := strings.Cut(tag, ",")
		if name == "-" {
			continue
		}
		if strings.Contains(","+opts+",", ",inline,") && sf.Type.Kind() == reflect.Struct {
			collectFields(v.Field(i), into)
			continue
		}
		if name == "" {
			name = strings.ToLower(sf.Name)
		}
		into[name] = v.Field(i)
	}
}

// leafError turns a yaml.v3 decoding error into a FieldError naming path. yaml.v3 prefixes
// its messages with "yaml: unmarshal errors:\n  line N: "; the line is kept.
func leafError(path string, err error) error {
	if err == nil {
		return nil
	}
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		return &FieldError{Key: path, Msg: strings.TrimSpace(te.Errors[0])}
	}
	var fe *FieldError
	if errors.As(err, &fe) {
		return fe
	}
	return &FieldError{Key: path, Msg: err.Error()}
}

// decodeSecret reads a Secret written inline, as {file: PATH} or as {env: NAME}.
func decodeSecret(node *yaml.Node, lookupEnv func(string) (string, bool)) (Secret, error) {
	switch node.Kind {
	case yaml.ScalarNode:
		return Secret{value: node.Value}, nil
	case yaml.MappingNode:
		if len(node.Content) != 2 {
			return Secret{}, errors.New("want {file: PATH} or {env: NAME}")
		}
		kind, ref := node.Content[0].Value, resolveAlias(node.Content[1])
		if ref.Kind != yaml.ScalarNode || ref.Value == "" {
			return Secret{}, fmt.Errorf("%s: want a non-empty string", kind)
		}
		switch kind {
		case "file":
			b, err := os.ReadFile(ref.Value)
			if err != nil {
				return Secret{}, fmt.Errorf("read secret file: %w", err)
			}
			return Secret{value: strings.TrimRight(string(b), "\r\n")}, nil
		case "env":
			v, ok := lookupEnv(ref.Value)
			if !ok {
				return Secret{}, fmt.Errorf("environment variable %s is not set", ref.Value)
			}
			return Secret{value: v}, nil
		default:
			return Secret{}, fmt.Errorf("unknown secret source %q: want file or env", kind)
		}
	default:
		return Secret{}, errors.New("want a string, {file: PATH} or {env: NAME}")
	}
}
