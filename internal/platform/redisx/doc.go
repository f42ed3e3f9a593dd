// Package redisx builds the process's Redis client from the `redis` section: one URL parsed
// by go-redis, and a topology (standalone, Sentinel or Cluster) served through
// redis.UniversalClient. Metrics are added with a go-redis Hook (NewMetricsHook).
//
// Package redistest gives tests a client to the real Redis when one answers, or to an
// in-process store otherwise.
package redisx
