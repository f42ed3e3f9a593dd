package charttest

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"helm.sh/helm/v3/pkg/action"
	"helm.sh/helm/v3/pkg/chart"
	"helm.sh/helm/v3/pkg/chart/loader"
	"helm.sh/helm/v3/pkg/chartutil"
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer/json"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden.yaml from the current chart")

const (
	chartDir    = "../wxsuite"
	releaseName = "wx"
	namespace   = "wxsuite"
	kubeVersion = "v1.33.0"
	configPath  = "/etc/wxsuite/wxsuite.yaml"
	port        = 8080
)

// scenarios are the ci/<name>-values.yaml files, each with a golden.
var scenarios = []string{"default", "all-in-one", "split", "external-redis", "bundled-redis"}

// rendered is one rendering of the chart.
type rendered struct {
	manifest string
	notes    string
	objects  []object
}

// object is one decoded document of the manifest.
type object struct {
	kind, name string
	obj        runtime.Object // typed, for the kinds in the scheme
	raw        map[string]any // every object, generic
	meta       map[string]any // raw["metadata"]
	source     string         // "# Source:" template
}

func loadChart(t *testing.T) *chart.Chart {
	t.Helper()
	ch, err := loader.Load(chartDir)
	if err != nil {
		t.Fatalf("load chart: %v", err)
	}
	return ch
}

// readValues reads and merges values files (later files win, like helm -f a -f b).
func readValues(t *testing.T, files ...string) map[string]any {
	t.Helper()
	out := map[string]any{}
	for _, f := range files {
		v, err := chartutil.ReadValuesFile(f)
		if err != nil {
			t.Fatalf("read %s: %v", f, err)
		}
		out = chartutil.CoalesceTables(v.AsMap(), out)
	}
	return out
}

// render renders the chart as `helm template` does (action.Install, DryRun + ClientOnly).
func render(ch *chart.Chart, vals map[string]any) (*rendered, error) {
	inst := action.NewInstall(&action.Configuration{Log: func(string, ...any) {}})
	inst.DryRun = true
	inst.ClientOnly = true
	inst.Replace = true
	inst.ReleaseName = releaseName
	inst.Namespace = namespace
	kv, err := chartutil.ParseKubeVersion(kubeVersion)
	if err != nil {
		return nil, err
	}
	inst.KubeVersion = kv
	rel, err := inst.Run(ch, vals)
	if err != nil {
		return nil, err
	}
	objs, err := decodeAll(rel.Manifest)
	if err != nil {
		return nil, err
	}
	return &rendered{manifest: rel.Manifest, notes: rel.Info.Notes, objects: objs}, nil
}

// scheme holds the built-in kinds the chart renders; they are strict-decoded (unknown or
// duplicate fields are errors), the offline stand-in for kubeconform.
var scheme = func() *runtime.Scheme {
	s := runtime.NewScheme()
	for _, add := range []func(*runtime.Scheme) error{corev1.AddToScheme, appsv1.AddToScheme, autoscalingv2.AddToScheme, networkingv1.AddToScheme, policyv1.AddToScheme} {
		if err := add(s); err != nil {
			panic(err)
		}
	}
	return s
}()

var strictDecoder = json.NewSerializerWithOptions(json.DefaultMetaFactory, scheme, scheme, json.SerializerOptions{Yaml: true, Strict: true})

// customKinds are rendered kinds outside k8s.io/api (Gateway API, Prometheus Operator):
// decoded generically and checked for their required fields.
var customKinds = map[string]string{
	"HTTPRoute":      "gateway.networking.k8s.io/v1",
	"ServiceMonitor": "monitoring.coreos.com/v1",
}

func decodeAll(manifest string) ([]object, error) {
	r := utilyaml.NewYAMLReader(bufio.NewReader(strings.NewReader(manifest)))
	var out []object
	for {
		doc, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		if len(bytes.TrimSpace(stripComments(doc))) == 0 {
			continue
		}
		var raw map[string]any
		if err := yaml.UnmarshalStrict(doc, &raw); err != nil {
			return nil, fmt.Errorf("yaml: %w\n%s", err, doc)
		}
		o := object{raw: raw, source: sourceOf(doc)}
		o.kind, _ = raw["kind"].(string)
		o.meta, _ = raw["metadata"].(map[string]any)
		o.name, _ = o.meta["name"].(string)
		if want, ok := customKinds[o.kind]; ok {
			if raw["apiVersion"] != want {
				return nil, fmt.Errorf("%s %s: apiVersion %v, want %s", o.kind, o.name, raw["apiVersion"], want)
			}
			if _, ok := raw["spec"].(map[string]any); !ok {
				return nil, fmt.Errorf("%s %s: no spec", o.kind, o.name)
			}
		} else {
			obj, _, err := strictDecoder.Decode(doc, nil, nil)
			if err != nil {
				return nil, fmt.Errorf("%s (%s): %w", o.name, o.source, err)
			}
			o.obj = obj
		}
		out = append(out, o)
	}
	return out, nil
}

func stripComments(doc []byte) []byte {
	var b bytes.Buffer
	for _, l := range strings.Split(string(doc), "\n") {
		if !strings.HasPrefix(strings.TrimSpace(l), "#") {
			b.WriteString(l + "\n")
		}
	}
	return b.Bytes()
}

func sourceOf(doc []byte) string {
	for _, l := range strings.Split(string(doc), "\n") {
		if s, ok := strings.CutPrefix(l, "# Source: "); ok {
			return s
		}
	}
	return ""
}

func (r *rendered) all(kind string) []object {
	var out []object
	for _, o := range r.objects {
		if o.kind == kind {
			out = append(out, o)
		}
	}
	return out
}

func (r *rendered) get(t *testing.T, kind, name string) object {
	t.Helper()
	for _, o := range r.objects {
		if o.kind == kind && o.name == name {
			return o
		}
	}
	t.Fatalf("no %s %q; have %s", kind, name, r.names())
	return object{}
}

func (r *rendered) names() string {
	var s []string
	for _, o := range r.objects {
		s = append(s, o.kind+"/"+o.name)
	}
	return strings.Join(s, ", ")
}

func (r *rendered) deployments() map[string]*appsv1.Deployment {
	out := map[string]*appsv1.Deployment{}
	for _, o := range r.all("Deployment") {
		out[o.name] = o.obj.(*appsv1.Deployment)
	}
	return out
}

// config returns the ConfigMap's wxsuite.yaml, raw and parsed.
func (r *rendered) config(t *testing.T) (string, map[string]any) {
	t.Helper()
	cm := r.get(t, "ConfigMap", "wx-wxsuite").obj.(*corev1.ConfigMap)
	text, ok := cm.Data["wxsuite.yaml"]
	if !ok {
		t.Fatalf("ConfigMap has no wxsuite.yaml: %v", cm.Data)
	}
	var cfg map[string]any
	if err := yaml.UnmarshalStrict([]byte(text), &cfg); err != nil {
		t.Fatalf("wxsuite.yaml: %v\n%s", err, text)
	}
	return text, cfg
}

func scenarioValues(name string) string {
	return filepath.Join(chartDir, "ci", name+"-values.yaml")
}

// TestGoldens renders each scenario and compares it (and its NOTES) with its golden;
// -update rewrites the goldens.
func TestGoldens(t *testing.T) {
	ch := loadChart(t)
	for _, sc := range scenarios {
		t.Run(sc, func(t *testing.T) {
			r, err := render(ch, readValues(t, scenarioValues(sc)))
			if err != nil {
				t.Fatalf("render: %v", err)
			}
			got := golden(r)
			path := filepath.Join("testdata", sc+".golden.yaml")
			if *update {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if string(want) != got {
				t.Errorf("%s differs from the rendered chart (go test ./... -update rewrites it):\n%s", path, lineDiff(string(want), got))
			}
		})
	}
}

func golden(r *rendered) string {
	var b strings.Builder
	b.WriteString("# Rendered by deploy/helm/chart-test (go test ./... -update). Do not edit.\n# NOTES.txt:\n")
	for _, l := range strings.Split(strings.TrimRight(r.notes, "\n"), "\n") {
		b.WriteString(strings.TrimRight("#   "+l, " ") + "\n")
	}
	b.WriteString(r.manifest)
	return b.String()
}

// lineDiff shows the first differing lines with some context.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return fmt.Sprintf("line %d:\n- golden:   %q\n+ rendered: %q", i+1, wl, gl)
		}
	}
	return "(no line differs)"
}

// TestScenarios asserts the points the chart promises for every scenario.
func TestScenarios(t *testing.T) {
	ch := loadChart(t)
	for _, sc := range scenarios {
		t.Run(sc, func(t *testing.T) {
			vals := readValues(t, scenarioValues(sc))
			r, err := render(ch, vals)
			if err != nil {
				t.Fatalf("render: %v", err)
			}
			// Assertions read the values as the templates saw them: chart defaults included.
			all, err := chartutil.CoalesceValues(ch, vals)
			if err != nil {
				t.Fatal(err)
			}
			vals = all.AsMap()
			checkLabels(t, r)
			checkWorkloads(t, r, vals)
			checkSecretsByReference(t, r, vals)
			checkRedis(t, r, vals)
			checkNotes(t, r, vals)
		})
	}
}

// checkLabels: every object carries the app.kubernetes.io labels.
func checkLabels(t *testing.T, r *rendered) {
	t.Helper()
	for _, o := range r.objects {
		labels, _ := o.meta["labels"].(map[string]any)
		for _, k := range []string{"name", "instance", "component", "version", "part-of", "managed-by"} {
			if labels["app.kubernetes.io/"+k] == nil {
				t.Errorf("%s %s: no label app.kubernetes.io/%s", o.kind, o.name, k)
			}
		}
		if labels["app.kubernetes.io/instance"] != releaseName || labels["app.kubernetes.io/part-of"] != "wxsuite" {
			t.Errorf("%s %s: labels %v", o.kind, o.name, labels)
		}
	}
}

// expectedWorkloads maps each Deployment the values ask for to its --services value.
func expectedWorkloads(vals map[string]any) map[string]string {
	if mode, _ := vals["mode"].(string); mode != "split" {
		return map[string]string{"wx-wxsuite": "all"}
	}
	out := map[string]string{}
	services, _ := vals["services"].(map[string]any)
	for name, s := range services {
		if m, _ := s.(map[string]any); m["enabled"] == true {
			out["wx-wxsuite-"+name] = name
		}
	}
	return out
}

// checkWorkloads: exactly one Deployment + Service per enabled service (or the one
// all-in-one pair), with the promised args, probes, security context and checksum.
func checkWorkloads(t *testing.T, r *rendered, vals map[string]any) {
	t.Helper()
	want := expectedWorkloads(vals)
	deps := r.deployments()
	var got []string
	for n := range deps {
		got = append(got, n)
	}
	var wantNames []string
	for n := range want {
		wantNames = append(wantNames, n)
	}
	sort.Strings(got)
	sort.Strings(wantNames)
	if !slices.Equal(got, wantNames) {
		t.Fatalf("Deployments %v, want %v", got, wantNames)
	}
	cfgText, cfg := r.config(t)
	sum := sha256.Sum256([]byte(strings.TrimSuffix(cfgText, "\n")))
	sumNL := sha256.Sum256([]byte(cfgText))
	for name, services := range want {
		d := deps[name]
		pod := d.Spec.Template
		if !hasLabels(pod.Labels, d.Spec.Selector.MatchLabels) {
			t.Errorf("%s: selector %v does not match pod labels %v", name, d.Spec.Selector.MatchLabels, pod.Labels)
		}
		// Its Service selects its pods on the one port.
		svc := r.get(t, "Service", name).obj.(*corev1.Service)
		if !hasLabels(pod.Labels, svc.Spec.Selector) || len(svc.Spec.Ports) != 1 {
			t.Errorf("Service %s: selector %v, ports %v", name, svc.Spec.Selector, svc.Spec.Ports)
		} else if p := svc.Spec.Ports[0]; p.Port != port || p.TargetPort.String() != "http" || p.AppProtocol == nil || *p.AppProtocol == "" {
			t.Errorf("Service %s: port %+v", name, p)
		}
		if len(pod.Spec.Containers) != 1 {
			t.Fatalf("%s: %d containers", name, len(pod.Spec.Containers))
		}
		c := pod.Spec.Containers[0]
		wantArgs := []string{"serve", "--config", configPath, "--services", services}
		if len(c.Args) < len(wantArgs) || !slices.Equal(c.Args[:len(wantArgs)], wantArgs) {
			t.Errorf("%s: args %q, want prefix %q", name, c.Args, wantArgs)
		}
		// Readiness: native gRPC on the overall health service "" (follows Redis).
		if p := c.ReadinessProbe; p == nil || p.GRPC == nil || p.GRPC.Port != port || p.GRPC.Service == nil || *p.GRPC.Service != "" {
			t.Errorf("%s: readiness probe %+v, want grpc port %d service \"\"", name, p, port)
		}
		// Liveness must not follow Redis (a Redis outage would restart every pod).
		if p := c.LivenessProbe; p == nil || p.HTTPGet == nil || p.HTTPGet.Path != "/healthz" {
			t.Errorf("%s: liveness probe %+v, want GET /healthz", name, p)
		}
		if c.StartupProbe == nil {
			t.Errorf("%s: no startup probe", name)
		}
		checkRestricted(t, name, pod.Spec.SecurityContext, c.SecurityContext)
		if a := pod.Annotations["checksum/config"]; a != hex.EncodeToString(sum[:]) && a != hex.EncodeToString(sumNL[:]) {
			t.Errorf("%s: checksum/config %q is not the ConfigMap's sha256", name, a)
		}
		if pod.Spec.AutomountServiceAccountToken == nil || *pod.Spec.AutomountServiceAccountToken {
			t.Errorf("%s: service account token is mounted", name)
		}
		if !mounts(c, configPath) {
			t.Errorf("%s: config not mounted at %s", name, configPath)
		}
	}
	// Split mode: processes without the token service reach it through token_source.
	if mode, _ := vals["mode"].(string); mode == "split" {
		ts, _ := cfg["token_source"].(map[string]any)
		if ts["url"] != fmt.Sprintf("http://wx-wxsuite-token:%d", port) {
			t.Errorf("token_source %v, want url http://wx-wxsuite-token:%d", ts, port)
		}
	} else if _, ok := cfg["token_source"]; ok {
		t.Errorf("all-in-one config has token_source")
	}
	if srv, _ := cfg["server"].(map[string]any); srv["addr"] != fmt.Sprintf(":%d", port) {
		t.Errorf("server.addr = %v", srv["addr"])
	}
	// PDB and HPA target existing Deployments.
	for _, o := range r.all("PodDisruptionBudget") {
		if _, ok := deps[o.name]; !ok {
			t.Errorf("PodDisruptionBudget %s has no Deployment", o.name)
		}
	}
	for _, o := range r.all("HorizontalPodAutoscaler") {
		h := o.obj.(*autoscalingv2.HorizontalPodAutoscaler)
		d, ok := deps[h.Spec.ScaleTargetRef.Name]
		if !ok {
			t.Errorf("HPA %s targets %s, which is not rendered", o.name, h.Spec.ScaleTargetRef.Name)
		} else if d.Spec.Replicas != nil {
			t.Errorf("Deployment %s sets replicas although an HPA scales it", d.Name)
		}
	}
	// Ingress and HTTPRoute backends exist.
	for _, o := range r.all("Ingress") {
		for _, rule := range o.obj.(*networkingv1.Ingress).Spec.Rules {
			for _, p := range rule.HTTP.Paths {
				if _, ok := deps[p.Backend.Service.Name]; !ok {
					t.Errorf("Ingress %s routes %s to %s, which is not rendered", o.name, p.Path, p.Backend.Service.Name)
				}
			}
		}
	}
}

func hasLabels(labels, want map[string]string) bool {
	if len(want) == 0 {
		return false
	}
	for k, v := range want {
		if labels[k] != v {
			return false
		}
	}
	return true
}

func mounts(c corev1.Container, path string) bool {
	for _, m := range c.VolumeMounts {
		if m.MountPath == path && m.ReadOnly {
			return true
		}
	}
	return false
}

// checkRestricted: the restricted Pod Security Standard.
func checkRestricted(t *testing.T, name string, pod *corev1.PodSecurityContext, c *corev1.SecurityContext) {
	t.Helper()
	if c == nil || pod == nil {
		t.Errorf("%s: no security context", name)
		return
	}
	nonRoot := (c.RunAsNonRoot != nil && *c.RunAsNonRoot) || (pod.RunAsNonRoot != nil && *pod.RunAsNonRoot)
	seccomp := (c.SeccompProfile != nil && c.SeccompProfile.Type == corev1.SeccompProfileTypeRuntimeDefault) ||
		(pod.SeccompProfile != nil && pod.SeccompProfile.Type == corev1.SeccompProfileTypeRuntimeDefault)
	switch {
	case !nonRoot:
		t.Errorf("%s: may run as root", name)
	case c.ReadOnlyRootFilesystem == nil || !*c.ReadOnlyRootFilesystem:
		t.Errorf("%s: root filesystem is writable", name)
	case c.AllowPrivilegeEscalation == nil || *c.AllowPrivilegeEscalation:
		t.Errorf("%s: allows privilege escalation", name)
	case c.Capabilities == nil || !slices.Equal(c.Capabilities.Drop, []corev1.Capability{"ALL"}) || len(c.Capabilities.Add) > 0:
		t.Errorf("%s: capabilities %+v, want drop [ALL]", name, c.Capabilities)
	case !seccomp:
		t.Errorf("%s: seccomp is not RuntimeDefault", name)
	case c.RunAsUser != nil && *c.RunAsUser == 0:
		t.Errorf("%s: runAsUser 0", name)
	}
}

// secretFields are the value keys that hold secret values inline.
var secretFields = []string{"appSecret", "callbackToken", "encodingAESKey", "previousEncodingAESKey", "password", "key", "apiKey"}

// inlineSecrets collects every inline secret value in vals.
func inlineSecrets(v any) []string {
	var out []string
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if k == "secretKeys" { // key names, not values
				continue
			}
			if s, ok := x.(string); ok && s != "" && slices.Contains(secretFields, k) {
				out = append(out, s)
			}
			out = append(out, inlineSecrets(x)...)
		}
	case []any:
		for _, x := range v {
			out = append(out, inlineSecrets(x)...)
		}
	}
	return out
}

// secretPaths walks the config for the keys that are secrets in wxsuite's configuration.
func secretPaths(cfg map[string]any) map[string]any {
	out := map[string]any{}
	if r, ok := cfg["redis"].(map[string]any); ok {
		if p, ok := r["password"]; ok {
			out["redis.password"] = p
		}
	}
	accounts, _ := cfg["accounts"].([]any)
	for i, a := range accounts {
		for _, k := range []string{"app_secret", "callback_token", "encoding_aes_key", "previous_encoding_aes_key"} {
			if v, ok := a.(map[string]any)[k]; ok {
				out[fmt.Sprintf("accounts.%d.%s", i, k)] = v
			}
		}
	}
	if auth, ok := cfg["auth"].(map[string]any); ok {
		keys, _ := auth["keys"].([]any)
		for i, k := range keys {
			if v, ok := k.(map[string]any)["key"]; ok {
				out[fmt.Sprintf("auth.keys.%d.key", i)] = v
			}
		}
	}
	if ts, ok := cfg["token_source"].(map[string]any); ok {
		if v, ok := ts["api_key"]; ok {
			out["token_source.api_key"] = v
		}
	}
	return out
}

// checkSecretsByReference: no secret value in any ConfigMap; every secret in the config is
// {env: NAME}, and every Deployment gets NAME from a Secret (secretKeyRef), never a literal.
func checkSecretsByReference(t *testing.T, r *rendered, vals map[string]any) {
	t.Helper()
	secrets := inlineSecrets(vals)
	for _, o := range r.all("ConfigMap") {
		for k, v := range o.obj.(*corev1.ConfigMap).Data {
			for _, s := range secrets {
				if strings.Contains(v, s) {
					t.Errorf("ConfigMap %s key %s holds a secret value", o.name, k)
				}
			}
		}
	}
	for _, d := range r.deployments() {
		for _, c := range d.Spec.Template.Spec.Containers {
			for _, e := range c.Env {
				for _, s := range secrets {
					if strings.Contains(e.Value, s) {
						t.Errorf("Deployment %s env %s holds a secret value", d.Name, e.Name)
					}
				}
			}
		}
	}
	if len(secrets) > 0 {
		sec := r.get(t, "Secret", "wx-wxsuite-secrets").obj.(*corev1.Secret)
		if len(sec.Data) != len(secrets) {
			t.Errorf("chart Secret has %d keys, values have %d inline secrets", len(sec.Data), len(secrets))
		}
	} else if s := r.all("Secret"); len(s) > 0 {
		t.Errorf("a Secret is rendered although no inline secret is given: %s", s[0].name)
	}
	_, cfg := r.config(t)
	paths := secretPaths(cfg)
	if len(paths) == 0 {
		t.Errorf("config refers to no secret at all")
	}
	for path, v := range paths {
		ref, ok := v.(map[string]any)
		env, _ := ref["env"].(string)
		if !ok || len(ref) != 1 || env == "" {
			t.Errorf("config %s = %v, want {env: NAME}", path, v)
			continue
		}
		for _, d := range r.deployments() {
			if !envFromSecret(d.Spec.Template.Spec.Containers[0], env) {
				t.Errorf("Deployment %s: %s (for %s) does not come from a Secret", d.Name, env, path)
			}
		}
	}
}

func envFromSecret(c corev1.Container, name string) bool {
	for _, e := range c.Env {
		if e.Name == name {
			return e.Value == "" && e.ValueFrom != nil && e.ValueFrom.SecretKeyRef != nil &&
				e.ValueFrom.SecretKeyRef.Name != "" && e.ValueFrom.SecretKeyRef.Key != ""
		}
	}
	return false
}

// checkRedis: bundled Redis renders a persistent StatefulSet marked not for production and
// the config points at it; external Redis renders none and keeps the URL password-free.
func checkRedis(t *testing.T, r *rendered, vals map[string]any) {
	t.Helper()
	_, cfg := r.config(t)
	redis, _ := cfg["redis"].(map[string]any)
	url, _ := redis["url"].(string)
	if strings.Contains(strings.SplitN(strings.TrimPrefix(url, "redis://"), "/", 2)[0], ":") && strings.Contains(url, "@") {
		t.Errorf("redis.url %q carries a password", url)
	}
	bundled, _ := dig(vals, "redis", "bundled").(map[string]any)
	sts := r.all("StatefulSet")
	if bundled["enabled"] != true {
		if len(sts) > 0 {
			t.Errorf("external Redis, yet a StatefulSet is rendered")
		}
		if want := dig(vals, "redis", "url"); url != want {
			t.Errorf("redis.url = %q, want %v", url, want)
		}
		return
	}
	if len(sts) != 1 {
		t.Fatalf("bundled Redis: %d StatefulSets", len(sts))
	}
	s := sts[0].obj.(*appsv1.StatefulSet)
	if s.Annotations["wxsuite.io/not-for-production"] == "" {
		t.Errorf("bundled Redis is not marked not-for-production")
	}
	if len(s.Spec.VolumeClaimTemplates) != 1 {
		t.Errorf("bundled Redis has no persistent volume claim")
	}
	if want := fmt.Sprintf("redis://%s:6379/0", s.Name); url != want {
		t.Errorf("redis.url = %q, want %q", url, want)
	}
	r.get(t, "Service", s.Spec.ServiceName)
	c := s.Spec.Template.Spec.Containers[0]
	checkRestricted(t, s.Name, s.Spec.Template.Spec.SecurityContext, c.SecurityContext)
	if _, ok := redis["password"]; ok && !envFromSecret(c, "WX_REDIS_PASSWORD") {
		t.Errorf("bundled Redis does not take its password from a Secret")
	}
}

// checkNotes: NOTES says how to reach the API and the callback URL to paste.
func checkNotes(t *testing.T, r *rendered, vals map[string]any) {
	t.Helper()
	for _, want := range []string{"port-forward svc/", "/v1/apps", "WeChat console callback URL"} {
		if !strings.Contains(r.notes, want) {
			t.Errorf("NOTES lacks %q:\n%s", want, r.notes)
		}
	}
	if cb, _ := dig(vals, "ingress", "callback").(map[string]any); cb["enabled"] == true {
		accounts, _ := vals["accounts"].([]any)
		for _, a := range accounts {
			url := fmt.Sprintf("https://%s%s/%s", cb["host"], cb["path"], a.(map[string]any)["appId"])
			if !strings.Contains(r.notes, url) {
				t.Errorf("NOTES lacks the callback URL %s", url)
			}
		}
	}
}

// dig returns the value at path in nested maps, or nil.
func dig(v any, path ...string) any {
	for _, k := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

// TestTLSProbes: the kubelet cannot speak gRPC over TLS nor present a client certificate,
// so TLS turns the probes into HTTPS GETs and mTLS into TCP checks; server.tls names the
// mounted files.
func TestTLSProbes(t *testing.T) {
	t.Parallel()
	ch := loadChart(t)
	tests := []struct {
		name     string
		clientCA string
		check    func(*testing.T, corev1.Container)
	}{
		{"tls", "", func(t *testing.T, c corev1.Container) {
			if p := c.ReadinessProbe.HTTPGet; p == nil || p.Path != "/readyz" || p.Scheme != corev1.URISchemeHTTPS {
				t.Errorf("readiness %+v, want HTTPS GET /readyz", c.ReadinessProbe)
			}
			if p := c.LivenessProbe.HTTPGet; p == nil || p.Scheme != corev1.URISchemeHTTPS {
				t.Errorf("liveness %+v, want HTTPS", c.LivenessProbe)
			}
		}},
		{"mtls", "ca.crt", func(t *testing.T, c corev1.Container) {
			for _, p := range []*corev1.Probe{c.ReadinessProbe, c.LivenessProbe, c.StartupProbe} {
				if p.TCPSocket == nil {
					t.Errorf("probe %+v, want a TCP check", p)
				}
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			vals := readValues(t, scenarioValues("default"))
			vals["tls"] = map[string]any{"enabled": true, "existingSecret": "wxsuite-tls", "clientCAKey": tt.clientCA}
			r, err := render(ch, vals)
			if err != nil {
				t.Fatal(err)
			}
			d := r.deployments()["wx-wxsuite"]
			tt.check(t, d.Spec.Template.Spec.Containers[0])
			_, cfg := r.config(t)
			tls, _ := dig(cfg, "server", "tls").(map[string]any)
			if tls["cert_file"] != "/etc/wxsuite/tls/tls.crt" || tls["key_file"] != "/etc/wxsuite/tls/tls.key" {
				t.Errorf("server.tls = %v", tls)
			}
			if _, ok := tls["client_ca_file"]; ok != (tt.clientCA != "") {
				t.Errorf("server.tls = %v, client CA %q", tls, tt.clientCA)
			}
		})
	}
}

// TestSplitTokenSourceTLS: with server TLS in split mode the services reach the token
// service over https, trusting tokenSource.tls.caKey, and with mTLS present the pod's own
// certificate; without TLS there is no token_source.tls.
func TestSplitTokenSourceTLS(t *testing.T) {
	t.Parallel()
	ch := loadChart(t)
	tests := []struct {
		name string
		tls  map[string]any
		ts   map[string]any
		want map[string]any // token_source.tls; nil: absent
	}{
		{"no tls", nil, nil, nil},
		{"tls, system roots", map[string]any{"enabled": true, "existingSecret": "wx-tls"}, nil, nil},
		{"tls with a CA", map[string]any{"enabled": true, "existingSecret": "wx-tls"},
			map[string]any{"caKey": "ca.crt", "serverName": "token.internal"},
			map[string]any{"ca_file": "/etc/wxsuite/tls/ca.crt", "server_name": "token.internal"}},
		{"mtls", map[string]any{"enabled": true, "existingSecret": "wx-tls", "clientCAKey": "ca.crt"},
			map[string]any{"caKey": "ca.crt"},
			map[string]any{"ca_file": "/etc/wxsuite/tls/ca.crt", "cert_file": "/etc/wxsuite/tls/tls.crt", "key_file": "/etc/wxsuite/tls/tls.key"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			vals := readValues(t, scenarioValues("split"))
			if tt.tls != nil {
				vals["tls"] = tt.tls
			}
			if tt.ts != nil {
				vals["tokenSource"].(map[string]any)["tls"] = tt.ts
			}
			r, err := render(ch, vals)
			if err != nil {
				t.Fatal(err)
			}
			_, cfg := r.config(t)
			url, _ := dig(cfg, "token_source", "url").(string)
			if wantHTTPS := tt.tls != nil; strings.HasPrefix(url, "https://") != wantHTTPS {
				t.Errorf("token_source.url = %q (tls %v)", url, wantHTTPS)
			}
			got, _ := dig(cfg, "token_source", "tls").(map[string]any)
			if tt.want == nil {
				if got != nil {
					t.Errorf("token_source.tls = %v, want none", got)
				}
				return
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("token_source.tls = %v, want %v", got, tt.want)
			}
		})
	}
}
