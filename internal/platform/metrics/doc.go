// Package metrics builds the process's Prometheus registry and its /metrics handler. The
// RPC metrics (calls by procedure and code, latency by procedure) are recorded by the
// interceptor in package rpcserver on the collectors NewRPC returns.
package metrics
