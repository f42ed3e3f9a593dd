// Package config loads wxsuite's one YAML configuration file, applies environment
// overrides and decodes its top-level sections strictly into the structs each module owns.
//
// A file is read once with Load (or FromYAML). Environment variables named WXSUITE_ plus
// the key path, upper-cased, with "__" between levels override or insert values:
// WXSUITE_REDIS__URL sets redis.url and WXSUITE_ACCOUNTS__0__APP_SECRET sets
// accounts[0].app_secret (a numeric segment is a list index). Override values are parsed
// as YAML scalars, so "true", "30" and "90s" decode as a bool, an int and a duration.
//
// Every module then asks for its own section with File.Section, which rejects unknown keys,
// applies defaults (Defaulter) and validates (Validator). Errors are *FieldError values, or
// wrap them, and name the full key path, e.g. "config: accounts[1].app_secret: required".
//
// Secrets (Secret) are written inline, as {file: PATH} or as {env: NAME}, and never print.
package config
