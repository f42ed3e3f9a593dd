// Package logging builds the process's *slog.Logger (JSON or text, at a configured level)
// behind a redacting handler, so secrets and access tokens never reach the log output.
package logging
