// Command image builds and checks wxsuite's container images without a Docker engine.
//
//	image build --binary PATH --out FILE [--format oci|docker] [--tag REF] [--version V]
//	image build --base-only --layout DIR          (the base image ko builds on)
//	image check --tar FILE --entrypoint /wxsuite [--user 65532:65532] [--run version]
//
// build writes a distroless-style image: no shell, no package manager, one layer holding
// the static binary at /<name>, /etc/passwd and /etc/group with the nonroot user and group
// 65532, CA certificates (from --ca-certs, when present), and a writable /tmp. The image
// runs as 65532:65532 with the binary as its entrypoint. Timestamps are fixed so the same
// binary gives the same image digest.
//
// check reads a tarball back (an OCI image layout archive, or a `docker save`-style
// tarball such as ko writes) and fails unless it holds the entrypoint binary, runs as a
// non-root user, has the expected entrypoint and a linux platform; --run executes the
// extracted binary with the given argument to prove it starts.
package main

import (
	"archive/tar"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// nonroot is the user and group the image runs as (distroless' "nonroot").
const nonroot = 65532

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintf(os.Stderr, "image: %v\n", err)
		os.Exit(1)
	}
}

func run(args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return errors.New("usage: image build|check [flags]")
	}
	switch args[0] {
	case "build":
		return build(args[1:], stdout)
	case "check":
		return check(args[1:], stdout)
	default:
		return fmt.Errorf("unknown command %q (want build or check)", args[0])
	}
}

// buildOptions are the flags of build.
type buildOptions struct {
	binary, out, format, tag, version, revision, caCerts, layoutDir, arch string
	baseOnly                                                              bool
}

func build(args []string, stdout io.Writer) error {
	var o buildOptions
	fs := flag.NewFlagSet("build", flag.ContinueOnError)
	fs.StringVar(&o.binary, "binary", "", "static linux binary to put at /<name> and run as the entrypoint")
	fs.StringVar(&o.out, "out", "", "tarball to write")
	fs.StringVar(&o.format, "format", "oci", "oci (OCI image layout archive) or docker (docker load / podman load)")
	fs.StringVar(&o.tag, "tag", "", "image reference recorded in the tarball (default wxsuite/<name>:<version>)")
	fs.StringVar(&o.version, "version", "dev", "org.opencontainers.image.version label")
	fs.StringVar(&o.revision, "revision", "", "org.opencontainers.image.revision label")
	fs.StringVar(&o.caCerts, "ca-certs", "/etc/ssl/certs/ca-certificates.crt", "CA bundle to include if the file exists")
	fs.StringVar(&o.arch, "arch", runtime.GOARCH, "architecture of the binary")
	fs.BoolVar(&o.baseOnly, "base-only", false, "build the base image without a binary (for ko's defaultBaseImage)")
	fs.StringVar(&o.layoutDir, "layout", "", "also write an OCI image layout directory (crane push DIR)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if o.binary == "" && !o.baseOnly {
		return errors.New("build: --binary is required (or --base-only)")
	}
	if o.out == "" && o.layoutDir == "" {
		return errors.New("build: --out or --layout is required")
	}
	img, err := buildImage(o)
	if err != nil {
		return err
	}
	if o.layoutDir != "" {
		if err := os.RemoveAll(o.layoutDir); err != nil {
			return err
		}
		p, err := layout.Write(o.layoutDir, empty.Index)
		if err != nil {
			return err
		}
		if err := p.AppendImage(img); err != nil {
			return err
		}
	}
	if o.out != "" {
		if err := writeTarball(img, o); err != nil {
			return err
		}
	}
	digest, err := img.Digest()
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "built %s (%s) %s\n", firstNonEmpty(o.out, o.layoutDir), o.format, digest)
	return nil
}

// buildImage assembles the image from nothing (no base image to pull).
func buildImage(o buildOptions) (v1.Image, error) {
	files := []tarFile{
		{name: "etc/", mode: 0o755, dir: true},
		{name: "etc/passwd", mode: 0o644, data: []byte(fmt.Sprintf("root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\nnonroot:x:%d:%d:nonroot:/home/nonroot:/sbin/nologin\n", nonroot, nonroot))},
		{name: "etc/group", mode: 0o644, data: []byte(fmt.Sprintf("root:x:0:\nnobody:x:65534:\nnonroot:x:%d:\n", nonroot))},
		{name: "home/", mode: 0o755, dir: true},
		{name: "home/nonroot/", mode: 0o700, dir: true, uid: nonroot},
		{name: "tmp/", mode: 0o1777, dir: true},
	}
	if ca, err := os.ReadFile(o.caCerts); err == nil {
		files = append(files,
			tarFile{name: "etc/ssl/", mode: 0o755, dir: true},
			tarFile{name: "etc/ssl/certs/", mode: 0o755, dir: true},
			tarFile{name: "etc/ssl/certs/ca-certificates.crt", mode: 0o644, data: ca})
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	var entrypoint []string
	base := "base"
	if !o.baseOnly {
		bin, err := os.ReadFile(o.binary)
		if err != nil {
			return nil, err
		}
		if !bytes.HasPrefix(bin, []byte("\x7fELF")) {
			return nil, fmt.Errorf("%s is not a linux (ELF) binary", o.binary)
		}
		base = filepath.Base(o.binary)
		files = append(files, tarFile{name: base, mode: 0o755, data: bin})
		entrypoint = []string{"/" + base}
	}
	slices.SortFunc(files, func(a, b tarFile) int { return strings.Compare(a.name, b.name) })
	layerTar, err := tarLayer(files)
	if err != nil {
		return nil, err
	}
	layer, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(layerTar)), nil
	}, tarball.WithMediaType(types.OCILayer))
	if err != nil {
		return nil, err
	}
	img := mutate.MediaType(empty.Image, types.OCIManifestSchema1)
	img = mutate.ConfigMediaType(img, types.OCIConfigJSON)
	img, err = mutate.Append(img, mutate.Addendum{Layer: layer, History: v1.History{
		CreatedBy: "deploy/image build", Comment: "static binary, passwd, CA certificates", Created: v1.Time{Time: epoch},
	}})
	if err != nil {
		return nil, err
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return nil, err
	}
	cf = cf.DeepCopy()
	cf.OS = "linux"
	cf.Architecture = o.arch
	cf.Created = v1.Time{Time: epoch}
	cf.Config.Entrypoint = entrypoint
	cf.Config.User = fmt.Sprintf("%d:%d", nonroot, nonroot)
	cf.Config.WorkingDir = "/home/nonroot"
	cf.Config.Env = []string{"PATH=/", "SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt"}
	cf.Config.Labels = map[string]string{
		"org.opencontainers.image.title":   base,
		"org.opencontainers.image.source":  "https://github.com/wxsuite/wxsuite",
		"org.opencontainers.image.version": o.version,
	}
	if o.revision != "" {
		cf.Config.Labels["org.opencontainers.image.revision"] = o.revision
	}
	if entrypoint != nil {
		cf.Config.ExposedPorts = map[string]struct{}{"8080/tcp": {}}
	}
	return mutate.ConfigFile(img, cf)
}

// epoch is the fixed timestamp of every file and of the image (reproducible digests).
var epoch = time.Unix(0, 0).UTC()

type tarFile struct {
	name string
	mode int64
	dir  bool
	uid  int
	data []byte
}

func tarLayer(files []tarFile) ([]byte, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, f := range files {
		h := &tar.Header{Name: f.name, Mode: f.mode, Uid: f.uid, Gid: f.uid, ModTime: epoch, Format: tar.FormatPAX}
		if f.dir {
			h.Typeflag = tar.TypeDir
		} else {
			h.Typeflag = tar.TypeReg
			h.Size = int64(len(f.data))
		}
		if err := tw.WriteHeader(h); err != nil {
			return nil, err
		}
		if _, err := tw.Write(f.data); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// writeTarball writes img as an OCI layout archive or a docker-style tarball.
func writeTarball(img v1.Image, o buildOptions) error {
	tag := o.tag
	if tag == "" {
		n := "base"
		if !o.baseOnly {
			n = filepath.Base(o.binary)
		}
		tag = fmt.Sprintf("wxsuite/%s:%s", n, o.version)
	}
	ref, err := name.NewTag(tag)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(o.out), 0o755); err != nil {
		return err
	}
	switch o.format {
	case "docker":
		return tarball.WriteToFile(o.out, ref, img)
	case "oci":
		dir, err := os.MkdirTemp("", "oci-layout-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		p, err := layout.Write(dir, empty.Index)
		if err != nil {
			return err
		}
		if err := p.AppendImage(img, layout.WithAnnotations(map[string]string{
			"org.opencontainers.image.ref.name": ref.TagStr(),
			"io.containerd.image.name":          ref.Name(),
		})); err != nil {
			return err
		}
		return tarDir(dir, o.out)
	default:
		return fmt.Errorf("build: --format %q: want oci or docker", o.format)
	}
}

// tarDir archives the files of dir (an OCI layout) into out, in a stable order.
func tarDir(dir, out string) error {
	var names []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		names = append(names, filepath.ToSlash(rel))
		return err
	})
	if err != nil {
		return err
	}
	slices.Sort(names)
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	tw := tar.NewWriter(f)
	for _, n := range names {
		data, err := os.ReadFile(filepath.Join(dir, n))
		if err != nil {
			return err
		}
		if err := tw.WriteHeader(&tar.Header{Name: n, Mode: 0o644, Size: int64(len(data)), ModTime: epoch, Typeflag: tar.TypeReg}); err != nil {
			return err
		}
		if _, err := tw.Write(data); err != nil {
			return err
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	return f.Close()
}

func check(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	tarPath := fs.String("tar", "", "image tarball (OCI layout archive or docker-style)")
	wantEntry := fs.String("entrypoint", "", "expected entrypoint (the binary's path in the image)")
	wantUser := fs.String("user", fmt.Sprintf("%d:%d", nonroot, nonroot), "expected user (uid or uid:gid)")
	runArg := fs.String("run", "", "run the extracted binary with this argument (e.g. version) and require exit 0")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *tarPath == "" || *wantEntry == "" {
		return errors.New("check: --tar and --entrypoint are required")
	}
	img, cleanup, err := readImage(*tarPath)
	if err != nil {
		return fmt.Errorf("read %s: %w", *tarPath, err)
	}
	defer cleanup()
	cf, err := img.ConfigFile()
	if err != nil {
		return err
	}
	var problems []string
	if len(cf.Config.Entrypoint) == 0 || cf.Config.Entrypoint[0] != *wantEntry {
		problems = append(problems, fmt.Sprintf("entrypoint %q, want %q", cf.Config.Entrypoint, *wantEntry))
	}
	if cf.Config.User != *wantUser {
		problems = append(problems, fmt.Sprintf("user %q, want %q", cf.Config.User, *wantUser))
	}
	if uid := strings.SplitN(cf.Config.User, ":", 2)[0]; uid == "" || uid == "0" || uid == "root" {
		problems = append(problems, fmt.Sprintf("runs as root (user %q)", cf.Config.User))
	} else if _, err := strconv.Atoi(uid); err != nil {
		problems = append(problems, fmt.Sprintf("user %q is not numeric (Kubernetes runAsNonRoot cannot verify a name)", cf.Config.User))
	}
	if cf.OS != "linux" || cf.Architecture == "" {
		problems = append(problems, fmt.Sprintf("platform %s/%s, want linux/<arch>", cf.OS, cf.Architecture))
	}
	fsys, err := flatten(img)
	if err != nil {
		return err
	}
	bin, ok := fsys[strings.TrimPrefix(*wantEntry, "/")]
	switch {
	case !ok:
		problems = append(problems, fmt.Sprintf("%s is not in the image", *wantEntry))
	case bin.mode&0o111 == 0:
		problems = append(problems, fmt.Sprintf("%s is not executable (mode %o)", *wantEntry, bin.mode))
	case !bytes.HasPrefix(bin.data, []byte("\x7fELF")):
		problems = append(problems, fmt.Sprintf("%s is not an ELF binary", *wantEntry))
	}
	if len(problems) > 0 {
		return fmt.Errorf("%s:\n  %s", *tarPath, strings.Join(problems, "\n  "))
	}
	if *runArg != "" {
		if cf.Architecture != runtime.GOARCH {
			fmt.Fprintf(stdout, "skip running %s: image is %s, this machine %s\n", *wantEntry, cf.Architecture, runtime.GOARCH)
		} else {
			out, err := runExtracted(bin.data, *runArg)
			if err != nil {
				return fmt.Errorf("%s %s: %w\n%s", *wantEntry, *runArg, err, out)
			}
			fmt.Fprintf(stdout, "%s %s: %s", *wantEntry, *runArg, out)
		}
	}
	digest, _ := img.Digest()
	size := len(bin.data)
	fmt.Fprintf(stdout, "ok %s: entrypoint %q, user %s, %s/%s, %s %.1f MB, %d files, %s\n",
		*tarPath, cf.Config.Entrypoint, cf.Config.User, cf.OS, cf.Architecture, *wantEntry, float64(size)/1e6, len(fsys), digest)
	return nil
}

// readImage opens an OCI layout archive (it has an oci-layout file) or a docker-style
// tarball; cleanup removes the extracted layout once the image is no longer read.
func readImage(p string) (img v1.Image, cleanup func(), err error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	dir, err := os.MkdirTemp("", "image-check-")
	if err != nil {
		return nil, nil, err
	}
	cleanup = func() { os.RemoveAll(dir) }
	defer func() {
		if err != nil {
			cleanup()
		}
	}()
	isOCI := false
	tr := tar.NewReader(f)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, nil, err
		}
		clean := path.Clean(h.Name)
		if clean == "oci-layout" {
			isOCI = true
		}
		if h.Typeflag != tar.TypeReg || strings.HasPrefix(clean, "..") || path.IsAbs(clean) {
			continue
		}
		dst := filepath.Join(dir, filepath.FromSlash(clean))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return nil, nil, err
		}
		data, err := io.ReadAll(tr)
		if err != nil {
			return nil, nil, err
		}
		if err := os.WriteFile(dst, data, 0o644); err != nil {
			return nil, nil, err
		}
	}
	if !isOCI {
		cleanup()
		img, err := tarball.ImageFromPath(p, nil)
		return img, func() {}, err
	}
	idx, err := layout.ImageIndexFromPath(dir)
	if err != nil {
		return nil, nil, err
	}
	m, err := idx.IndexManifest()
	if err != nil {
		return nil, nil, err
	}
	if len(m.Manifests) != 1 {
		return nil, nil, fmt.Errorf("OCI layout holds %d manifests, want 1", len(m.Manifests))
	}
	img, err = idx.Image(m.Manifests[0].Digest)
	return img, cleanup, err
}

type fileEntry struct {
	mode int64
	data []byte
}

// flatten applies the layers in order and returns the regular files by path.
func flatten(img v1.Image) (map[string]fileEntry, error) {
	rc := mutate.Extract(img)
	defer rc.Close()
	out := map[string]fileEntry{}
	tr := tar.NewReader(rc)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		data, err := io.ReadAll(tr)
		if err != nil {
			return nil, err
		}
		out[strings.TrimPrefix(path.Clean(h.Name), "/")] = fileEntry{mode: h.Mode, data: data}
	}
}

// runExtracted writes the binary to a temporary file and runs it with arg.
func runExtracted(bin []byte, arg string) ([]byte, error) {
	dir, err := os.MkdirTemp("", "image-run-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	p := filepath.Join(dir, "bin")
	if err := os.WriteFile(p, bin, 0o755); err != nil {
		return nil, err
	}
	return exec.Command(p, arg).CombinedOutput()
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}
