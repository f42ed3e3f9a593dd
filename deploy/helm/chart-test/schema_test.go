package charttest

import (
	"bytes"
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"testing"
)

// This file generates deploy/helm/wxsuite/values.schema.json: edit valuesSchema, then
// `go test ./... -run TestSchemaGenerated -update` (or .ci/helm --update) rewrites the file;
// CI fails when the committed file differs. TestSchemaInSync checks it against values.yaml.

// M is one JSON-schema node.
type M = map[string]any

// prop is one named property, in documentation order.
type prop struct {
	name   string
	schema M
}

func merge(ms ...M) M {
	out := M{}
	for _, m := range ms {
		maps.Copy(out, m)
	}
	return out
}

// obj is a closed object: properties other than props are refused.
func obj(desc string, props []prop, extra ...M) M {
	p := M{}
	for _, x := range props {
		p[x.name] = x.schema
	}
	return merge(M{"type": "object", "description": desc, "properties": p, "additionalProperties": false}, merge(extra...))
}

func str(desc string, extra ...M) M {
	return merge(M{"type": "string", "description": desc}, merge(extra...))
}
func integer(desc string, min int) M {
	return M{"type": "integer", "description": desc, "minimum": min}
}
func boolean(desc string) M { return M{"type": "boolean", "description": desc} }
func openMap(desc string) M { return M{"type": "object", "description": desc} }
func stringMap(desc string) M {
	return M{"type": "object", "description": desc, "additionalProperties": M{"type": "string"}}
}
func array(desc string, items M, extra ...M) M {
	return merge(M{"type": "array", "description": desc, "items": items}, merge(extra...))
}

// forbid refuses a non-empty value, with a message saying why (JSON schema has no custom
// messages; an enum's allowed values are printed, so the second one is the explanation).
func forbid(why string) M { return M{"enum": []string{"", "(must be empty: " + why + ")"}} }

// ifEnabled is the condition "enabled: true is set".
func ifEnabled() M {
	return M{"required": []string{"enabled"}, "properties": M{"enabled": M{"const": true}}}
}

// ifSet is the condition "key is set to a non-empty string".
func ifSet(key string) M {
	return M{"required": []string{key}, "properties": M{key: M{"minLength": 1}}}
}

var serviceNames = []string{"token", "messaging", "audience", "content", "card", "invoice", "nontax", "analytics", "smart", "guide", "proxy"}

const durationPattern = `^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$|^[0-9]+$`

func resources(desc string) M {
	return M{"type": "object", "description": desc, "additionalProperties": false,
		"properties": M{"requests": openMap("Requests."), "limits": openMap("Limits.")}}
}

func secretName() M {
	return str("Name of an existing Secret.", M{"pattern": `^([a-z0-9]([-a-z0-9.]*[a-z0-9])?)?$`})
}

// specProps are the workload settings shared by serviceDefaults, allInOne and services.*.
func specProps() []prop {
	return []prop{
		{"replicas", integer("Replicas (ignored when autoscaling.enabled).", 0)},
		{"resources", resources("Container resources (requests, limits).")},
		{"env", M{"type": "object", "description": "Extra environment variables, name → value.",
			"additionalProperties": M{"type": []string{"string", "number", "boolean"}},
			"propertyNames":        M{"pattern": `^[A-Za-z_][A-Za-z0-9_]*$`}}},
		{"extraEnv", array("Extra EnvVar objects.", M{"type": "object", "required": []string{"name"}})},
		{"extraArgs", array("Extra arguments after serve --config … --services ….", M{"type": "string"})},
		{"pdb", obj("PodDisruptionBudget: set minAvailable or maxUnavailable (not both) to render one.", []prop{
			{"minAvailable", M{"type": []string{"integer", "string"}, "description": "Pods that must stay up (number or percentage)."}},
			{"maxUnavailable", M{"type": []string{"integer", "string"}, "description": "Pods that may be down (number or percentage)."}},
		}, M{"not": M{"required": []string{"minAvailable", "maxUnavailable"}}})},
		{"autoscaling", obj("HorizontalPodAutoscaler (autoscaling/v2).", []prop{
			{"enabled", boolean("Render an HPA instead of fixed replicas.")},
			{"minReplicas", integer("Lowest replica count.", 1)},
			{"maxReplicas", integer("Highest replica count.", 1)},
			{"targetCPUUtilizationPercentage", merge(integer("Target average CPU utilisation in percent.", 1), M{"maximum": 100})},
		})},
	}
}

func account() M {
	inline := forbid("existingSecret is set")
	aesKey := M{"pattern": `^(|[A-Za-z0-9+/]{43})$`}
	return obj("One official account. Secrets by reference (existingSecret + secretKeys) or, for trials, inline; never both.", []prop{
		{"appId", str("The AppID (wx…).", M{"pattern": `^wx[0-9a-zA-Z]+$`})},
		{"name", str("Display name (default: the AppID).")},
		{"tokenEndpoint", str("token or stable_token.", M{"enum": []string{"", "token", "stable_token"}})},
		{"oauthDomains", array("Web-authorization domains set in the WeChat console.", M{"type": "string"})},
		{"jsDomains", array("JS-safe domains set in the WeChat console.", M{"type": "string"})},
		{"existingSecret", secretName()},
		{"secretKeys", obj("Keys in existingSecret; an empty name leaves that secret unset.", []prop{
			{"appSecret", str("Key of the AppSecret (default app-secret).")},
			{"callbackToken", str("Key of the callback Token.")},
			{"encodingAESKey", str("Key of the EncodingAESKey.")},
			{"previousEncodingAESKey", str("Key of the previous EncodingAESKey.")},
		})},
		{"appSecret", str("Inline AppSecret (trials; stored in the chart's Secret).")},
		{"callbackToken", str("Inline callback Token (trials).")},
		{"encodingAESKey", str("Inline EncodingAESKey (trials), 43 characters.", aesKey)},
		{"previousEncodingAESKey", str("Inline previous EncodingAESKey (trials).", aesKey)},
	}, M{
		"required": []string{"appId"},
		"anyOf":    []M{{"required": []string{"existingSecret"}}, {"required": []string{"appSecret"}}},
		"if":       ifSet("existingSecret"),
		"then": M{"properties": M{"appSecret": inline, "callbackToken": inline,
			"encodingAESKey": inline, "previousEncodingAESKey": inline}},
		"else": M{"properties": M{"secretKeys": M{"maxProperties": 0, "description": "secretKeys need existingSecret."}}},
	})
}

func authKey() M {
	scopes := []string{"accounts.read", "token.read", "oauth", "oauth.tokens", "jssdk", "platform", "events.read",
		"messages.send", "messaging.manage", "audience.read", "audience.write", "content.read", "content.write",
		"card.read", "card.write", "invoice.read", "invoice.write", "nontax.read", "nontax.write", "analytics.read", "smart", "guide.read", "guide.write", "proxy", "admin"}
	return obj("One API key: {id, appIds, scopes} and exactly one of hash, existingSecret (+ existingSecretKey) or key (inline, trials).", []prop{
		{"id", str("Key id (logged; never the key).", M{"minLength": 1})},
		{"appIds", array(`Accounts the key may use; "*" for every account.`, M{"type": "string"}, M{"minItems": 1})},
		{"scopes", array("Scopes: see docs/auth.md.", M{"type": "string", "enum": scopes}, M{"minItems": 1})},
		{"hash", str("sha256:<hex> of the key (not secret).", M{"pattern": `^sha256:[0-9a-f]{64}$`})},
		{"existingSecret", secretName()},
		{"existingSecretKey", str("Key of the raw API key in existingSecret.")},
		{"key", str("Inline raw key (trials; stored in the chart's Secret), at least 32 characters.", M{"pattern": `^(|.{32,})$`})},
	}, M{
		"required": []string{"id", "appIds", "scopes"},
		"anyOf":    []M{{"required": []string{"hash"}}, {"required": []string{"existingSecret", "existingSecretKey"}}, {"required": []string{"key"}}},
		"allOf": []M{
			{"if": ifSet("existingSecret"), "then": M{"properties": M{"key": forbid("existingSecret is set"), "hash": forbid("existingSecret is set")}}},
			{"if": ifSet("hash"), "then": M{"properties": M{"key": forbid("hash is set")}}},
		},
	})
}

func ingressCommon() []prop {
	return []prop{
		{"enabled", boolean("Render it.")},
		{"className", str("IngressClass name.")},
		{"annotations", openMap("Annotations.")},
		{"tls", array("TLS entries.", M{"type": "object", "additionalProperties": false,
			"properties": M{"secretName": M{"type": "string"}, "hosts": M{"type": "array", "items": M{"type": "string"}}}})},
	}
}

func probeTiming() []prop {
	return []prop{
		{"initialDelaySeconds", integer("Seconds before the first probe.", 0)},
		{"periodSeconds", integer("Seconds between probes.", 1)},
		{"timeoutSeconds", integer("Probe timeout in seconds.", 1)},
		{"failureThreshold", integer("Failures before acting.", 1)},
	}
}

func configSections() M {
	props := M{
		"server": M{"type": "object", "description": "server section; addr and tls are set by the chart.",
			"not": M{"anyOf": []M{{"required": []string{"addr"}}, {"required": []string{"tls"}}}}},
		"log": M{"type": "object", "description": "log section.", "properties": M{
			"format": M{"enum": []string{"json", "text"}, "description": "json or text."},
			"level":  M{"enum": []string{"debug", "info", "warn", "error"}, "description": "debug, info, warn or error."}}},
		"wechat": openMap("wechat section."),
		"token":  openMap("token section."),
	}
	for _, n := range []string{"sandbox", "messaging", "audience", "content", "card", "invoice", "nontax", "analytics", "smart", "guide", "proxy", "callback"} {
		props[n] = openMap(n + " section.")
	}
	return M{"type": "object", "additionalProperties": false, "properties": props,
		"description": "Further non-secret wxsuite configuration (docs/configuration.md); redis, accounts, auth and token_source come from their own blocks."}
}

// valuesSchema is the schema of values.yaml.
func valuesSchema() M {
	services := M{}
	for _, n := range serviceNames {
		services[n] = M{"$ref": "#/definitions/service"}
	}
	service := obj("One service in split mode: enabled, apiPaths and any key of serviceDefaults.", append([]prop{
		{"enabled", boolean("Run this service (split mode).")},
		{"apiPaths", array("Path prefixes the API Ingress/HTTPRoute route to this service.", M{"type": "string", "pattern": "^/"})},
	}, specProps()...))
	pullPolicy := str("Pull policy.", M{"enum": []string{"Always", "IfNotPresent", "Never"}})
	bundled := "redis.bundled.enabled is true"
	props := []prop{
		{"nameOverride", str("Override the chart name.")},
		{"fullnameOverride", str("Override the full name.")},
		{"mode", str("all-in-one or split.", M{"enum": []string{"all-in-one", "split"}})},
		{"image", obj("wxsuite image.", []prop{
			{"repository", str("Repository.", M{"minLength": 1})},
			{"tag", str("Tag (default appVersion).")},
			{"digest", str("Digest sha256:….", M{"pattern": "^(|sha256:[0-9a-f]{64})$"})},
			{"pullPolicy", pullPolicy},
		})},
		{"imagePullSecrets", array("Image pull secrets.", M{"type": "object", "required": []string{"name"}})},
		{"serviceAccount", obj("ServiceAccount.", []prop{
			{"create", boolean("Create it.")},
			{"name", str("Name.")},
			{"annotations", openMap("Annotations.")},
			{"automountServiceAccountToken", boolean("Mount the API token.")},
		})},
		{"serviceDefaults", obj("Settings every workload starts from.", specProps())},
		{"allInOne", obj("Overrides of serviceDefaults for the all-in-one Deployment.", specProps())},
		{"services", M{"type": "object", "properties": services, "additionalProperties": false,
			"description": "Split mode services keyed by domain (the --services name); other names are refused."}},
		{"port", merge(integer("Port of the pods and Services.", 1), M{"maximum": 65535})},
		{"service", obj("Services.", []prop{
			{"type", str("Service type.", M{"enum": []string{"ClusterIP", "NodePort", "LoadBalancer"}})},
			{"appProtocol", str("appProtocol of the port.", M{"enum": []string{"kubernetes.io/h2c", "grpc", "http", "https"}})},
			{"annotations", openMap("Annotations.")},
		})},
		{"accounts", array("Official accounts.", account())},
		{"redis", obj("Redis: an external URL, or the bundled trial StatefulSet.", []prop{
			{"url", str("External Redis URL without a password (redis://, rediss://, unix://).")},
			{"mode", str("Topology.", M{"enum": []string{"", "standalone", "sentinel", "cluster"}})},
			{"masterName", str("Sentinel master name.")},
			{"addrs", array("Extra Cluster seeds or Sentinel addresses.", M{"type": "string", "pattern": "^[^:/]+:[0-9]+$"})},
			{"existingSecret", secretName()},
			{"existingSecretPasswordKey", str("Key of the password in existingSecret.", M{"minLength": 1})},
			{"password", str("Inline password (trials).")},
			{"bundled", obj("Bundled single-node Redis for trials. NOT FOR PRODUCTION.", []prop{
				{"enabled", boolean("Render it and point wxsuite at it.")},
				{"image", obj("Image.", []prop{{"repository", str("Repository.", M{"minLength": 1})}, {"tag", str("Tag.")}, {"pullPolicy", pullPolicy}})},
				{"persistence", obj("Persistence.", []prop{
					{"enabled", boolean("Use a PVC.")},
					{"storageClass", str("StorageClass.")},
					{"size", str("Size.", M{"pattern": `^[0-9]+(\.[0-9]+)?(Ki|Mi|Gi|Ti|k|M|G|T)?$`})},
				})},
				{"resources", resources("Resources.")},
			})},
		}, M{"allOf": []M{
			{
				"if":   M{"required": []string{"bundled"}, "properties": M{"bundled": ifEnabled()}},
				"then": M{"properties": M{"url": forbid(bundled), "mode": forbid(bundled), "masterName": forbid(bundled)}},
				"else": M{"required": []string{"url"}, "properties": M{"url": M{
					"pattern":     "^(redis|rediss|unix)://([^:@/]*@)?[^@]+$",
					"description": "Set redis.url (redis://host:6379/0, no password in it) or redis.bundled.enabled for trials."}}},
			},
			{"if": ifSet("existingSecret"), "then": M{"properties": M{"password": forbid("redis.existingSecret is set")}}},
		}})},
		{"auth", obj("Caller authentication (the auth config section). wxsuite refuses to start with no keys unless disabled.", []prop{
			{"disabled", boolean("Turn authentication off (development only).")},
			{"keys", array("API keys.", authKey())},
		}, M{
			"if":   M{"required": []string{"disabled"}, "properties": M{"disabled": M{"const": true}}},
			"then": M{},
			"else": M{"required": []string{"keys"}, "properties": M{"keys": M{"minItems": 1, "description": "auth.keys needs at least one key unless auth.disabled is true."}}},
		})},
		{"tokenSource", obj("How split-mode services reach the token service.", []prop{
			{"protocol", str("connect or grpc.", M{"enum": []string{"connect", "grpc"}})},
			{"margin", str("Cache margin (Go duration).", M{"pattern": durationPattern})},
			{"existingSecret", secretName()},
			{"existingSecretKey", str("Key of the API key.", M{"minLength": 1})},
			{"apiKey", str("Inline API key (trials).")},
			{"tls", obj("token_source.tls when tls.enabled: the CA to trust and the name to verify.", []prop{
				{"caKey", str("Key of the CA bundle in tls.existingSecret; empty = system roots.")},
				{"serverName", str("Name to verify; empty = the URL's host.")},
			})},
		}, M{"if": ifSet("existingSecret"), "then": M{"properties": M{"apiKey": forbid("tokenSource.existingSecret is set")}}})},
		{"tls", obj("Server TLS / mTLS from a Secret.", []prop{
			{"enabled", boolean("Serve TLS.")},
			{"existingSecret", secretName()},
			{"certKey", str("Certificate key.", M{"minLength": 1})},
			{"keyKey", str("Private key key.", M{"minLength": 1})},
			{"clientCAKey", str("Client CA key; empty = no mTLS.")},
		}, M{"if": ifEnabled(), "then": M{"required": []string{"existingSecret"},
			"properties": M{"existingSecret": M{"minLength": 1, "description": "tls.enabled needs tls.existingSecret."}}}})},
		{"config", configSections()},
		{"probes", obj("Probes.", []prop{
			{"readiness", obj(`Readiness: gRPC health "".`, probeTiming())},
			{"liveness", obj("Liveness: http (/healthz) or grpc.", append([]prop{
				{"type", str("http or grpc.", M{"enum": []string{"http", "grpc"}})},
				{"grpcService", str("gRPC health service name for type grpc.")},
			}, probeTiming()...))},
			{"startup", obj("Startup: /healthz.", []prop{
				{"periodSeconds", integer("Seconds between probes.", 1)},
				{"failureThreshold", integer("Failures before giving up.", 1)},
			})},
		})},
		{"terminationGracePeriodSeconds", integer("Termination grace period.", 0)},
		{"preStopSleepSeconds", integer("preStop sleep (0 disables).", 0)},
		{"podSecurityContext", openMap("Pod security context.")},
		{"securityContext", openMap("Container security context.")},
		{"commonLabels", stringMap("Labels on every object.")},
		{"podAnnotations", stringMap("Pod annotations.")},
		{"podLabels", stringMap("Pod labels.")},
		{"nodeSelector", stringMap("Node selector.")},
		{"tolerations", array("Tolerations.", M{"type": "object"})},
		{"affinity", openMap("Affinity.")},
		{"topologySpreadConstraints", array("Topology spread constraints.", M{"type": "object", "required": []string{"maxSkew", "topologyKey", "whenUnsatisfiable"}})},
		{"priorityClassName", str("Priority class.")},
		{"ingress", obj("Ingresses.", []prop{
			{"api", obj("API Ingress.", append(ingressCommon(), prop{"hosts", array("Hosts.", M{"type": "string", "minLength": 1})}),
				M{"if": ifEnabled(), "then": M{"properties": M{"hosts": M{"minItems": 1, "description": "ingress.api.enabled needs hosts."}}}})},
			{"callback", obj("Callback Ingress.", append(ingressCommon(),
				prop{"host", str("Host WeChat calls.")},
				prop{"path", str("Path prefix.", M{"pattern": "^/"})},
				prop{"service", str("Service serving callbacks in split mode (messaging holds the callback gateway).", M{"enum": serviceNames})}),
				M{"if": ifEnabled(), "then": M{"properties": M{"host": M{"minLength": 1, "description": "ingress.callback.enabled needs host."}}}})},
		})},
		{"httpRoute", obj("Gateway API HTTPRoutes.", []prop{
			{"enabled", boolean("Render them.")},
			{"parentRefs", array("Gateways.", M{"type": "object", "required": []string{"name"}})},
			{"apiHostnames", array("API host names.", M{"type": "string"})},
			{"callbackHostnames", array("Callback host names.", M{"type": "string"})},
		}, M{"if": ifEnabled(), "then": M{"properties": M{"parentRefs": M{"minItems": 1, "description": "httpRoute.enabled needs parentRefs."}}}})},
		{"metrics", obj("Metrics.", []prop{
			{"serviceMonitor", obj("ServiceMonitor.", []prop{
				{"enabled", boolean("Render it.")},
				{"interval", str("Scrape interval.", M{"pattern": durationPattern})},
				{"labels", stringMap("Extra labels.")},
			})},
		})},
		{"networkPolicy", obj("NetworkPolicies.", []prop{
			{"enabled", boolean("Render them.")},
			{"from", array("Peers allowed to reach the port.", M{"type": "object"})},
		})},
	}
	root := obj("wxsuite chart values", props, M{
		"$schema":     "http://json-schema.org/draft-07/schema#",
		"title":       "wxsuite chart values",
		"definitions": M{"service": service},
		"allOf": []M{{
			"if": M{"required": []string{"mode"}, "properties": M{"mode": M{"const": "split"}}},
			"then": M{"properties": M{"services": M{"required": []string{"token"}, "properties": M{"token": M{
				"required":   []string{"enabled"},
				"properties": M{"enabled": M{"const": true, "description": "split mode needs services.token.enabled: true"}}}}}}},
		}},
	})
	return root
}

// TestSchemaGenerated: values.schema.json is what valuesSchema generates (-update rewrites it).
func TestSchemaGenerated(t *testing.T) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(valuesSchema()); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(chartDir, "values.schema.json")
	if *update {
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	have, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(have, b.Bytes()) {
		t.Errorf("%s differs from valuesSchema in schema_test.go (go test ./... -run TestSchemaGenerated -update rewrites it):\n%s",
			path, lineDiff(string(have), b.String()))
	}
}
