// Package charttest renders the wxsuite Helm chart (deploy/helm/wxsuite) through Helm's Go
// packages and checks the result: every object strict-decodes into its Kubernetes type,
// the probes, security context, secrets-by-reference and per-service objects are as
// documented, the scenarios in ci/*-values.yaml match their goldens under testdata/, and
// invalid values are refused by values.schema.json. It is its own module so that Helm and
// the Kubernetes API packages stay out of the main module's dependency graph.
//
//	go test ./...            # check
//	go test ./... -update    # rewrite testdata/*.golden.yaml
package charttest
