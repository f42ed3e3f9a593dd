// Package configcheck holds a test that loads the wxsuite configuration files the Helm chart
// renders (the ConfigMaps in deploy/helm/chart-test/testdata/*.golden.yaml) with the real
// configuration loader and every section's own type, so a renamed or retyped config key
// fails here rather than in a cluster. It has no code of its own.
package configcheck
