package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeELF is enough of a binary for build and check (it is never run).
var fakeELF = append([]byte("\x7fELF"), bytes.Repeat([]byte{0}, 60)...)

func TestBuildThenCheck(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	bin := filepath.Join(dir, "wxsuite")
	if err := os.WriteFile(bin, fakeELF, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{"oci", "docker"} {
		t.Run(format, func(t *testing.T) {
			out := filepath.Join(dir, format+".tar")
			var log bytes.Buffer
			if err := run([]string{"build", "--binary", bin, "--out", out, "--format", format}, &log); err != nil {
				t.Fatalf("build: %v", err)
			}
			if err := run([]string{"check", "--tar", out, "--entrypoint", "/wxsuite"}, &log); err != nil {
				t.Fatalf("check: %v", err)
			}
			if !strings.Contains(log.String(), `user 65532:65532`) {
				t.Errorf("check output: %s", log.String())
			}
			// The same binary gives the same image.
			again := filepath.Join(dir, format+"-again.tar")
			if err := run([]string{"build", "--binary", bin, "--out", again, "--format", format}, &log); err != nil {
				t.Fatal(err)
			}
			a, _ := os.ReadFile(out)
			b, _ := os.ReadFile(again)
			if !bytes.Equal(a, b) {
				t.Errorf("two builds of one binary differ")
			}
		})
	}
}

func TestCheckRefuses(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	base := filepath.Join(dir, "base.tar")
	var log bytes.Buffer
	if err := run([]string{"build", "--base-only", "--out", base}, &log); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"missing binary", []string{"--entrypoint", "/wxsuite"}, "entrypoint [], want \"/wxsuite\""},
		{"missing binary file", []string{"--entrypoint", "/wxsuite"}, "/wxsuite is not in the image"},
		{"other user", []string{"--entrypoint", "/wxsuite", "--user", "1000"}, `user "65532:65532", want "1000"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := run(append([]string{"check", "--tar", base}, tt.args...), &bytes.Buffer{})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestBuildRefusesNonELF(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	script := filepath.Join(dir, "run.sh")
	if err := os.WriteFile(script, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	err := run([]string{"build", "--binary", script, "--out", filepath.Join(dir, "x.tar")}, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "not a linux (ELF) binary") {
		t.Fatalf("err = %v", err)
	}
}
