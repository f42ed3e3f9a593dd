{{/*
The wxsuite configuration file (docs/configuration.md) and the secrets it refers to.
Every secret is written into the file as {env: NAME} and injected as that variable from a
Secret (secretKeyRef): an existing one named in the values, or the chart's own Secret for
values given inline. No secret value is ever rendered into the ConfigMap.
Variable names start with WX_, not WXSUITE_ (those would be read as config overrides).
*/}}

{{/* wxsuite.secretName is the chart-made Secret for inline values. */}}
{{- define "wxsuite.secretName" -}}
{{- printf "%s-secrets" (include "wxsuite.fullname" . | trunc 55 | trimSuffix "-") -}}
{{- end -}}

{{/*
wxsuite.secretItems lists every secret the configuration refers to, as a YAML list of
{path, env, name, key, value}: path is where the config wants it, env the variable, name
and key the Secret and key it comes from, value the inline value (chart Secret only).
*/}}
{{- define "wxsuite.secretItems" -}}
{{- $chartSecret := include "wxsuite.secretName" . -}}
{{- $items := list -}}
{{- $fields := list
  (dict "field" "appSecret" "config" "app_secret" "key" "app-secret" "env" "APP_SECRET" "defaultKey" "app-secret")
  (dict "field" "callbackToken" "config" "callback_token" "key" "callback-token" "env" "CALLBACK_TOKEN" "defaultKey" "")
  (dict "field" "encodingAESKey" "config" "encoding_aes_key" "key" "encoding-aes-key" "env" "ENCODING_AES_KEY" "defaultKey" "")
  (dict "field" "previousEncodingAESKey" "config" "previous_encoding_aes_key" "key" "previous-encoding-aes-key" "env" "PREVIOUS_ENCODING_AES_KEY" "defaultKey" "") -}}
{{- range $i, $a := .Values.accounts -}}
{{- range $f := $fields -}}
{{- $env := printf "WX_ACCOUNT_%d_%s" $i $f.env -}}
{{- $path := printf "accounts.%d.%s" $i $f.config -}}
{{- if $a.existingSecret -}}
{{- $key := $f.defaultKey -}}
{{- if hasKey ($a.secretKeys | default dict) $f.field -}}
{{- $key = get $a.secretKeys $f.field -}}
{{- end -}}
{{- if $key -}}
{{- $items = append $items (dict "path" $path "env" $env "name" $a.existingSecret "key" $key) -}}
{{- end -}}
{{- else if get $a $f.field -}}
{{- $items = append $items (dict "path" $path "env" $env "name" $chartSecret "key" (printf "account-%d-%s" $i $f.key) "value" (get $a $f.field)) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- with .Values.redis -}}
{{- if .existingSecret -}}
{{- $items = append $items (dict "path" "redis.password" "env" "WX_REDIS_PASSWORD" "name" .existingSecret "key" .existingSecretPasswordKey) -}}
{{- else if .password -}}
{{- $items = append $items (dict "path" "redis.password" "env" "WX_REDIS_PASSWORD" "name" $chartSecret "key" "redis-password" "value" .password) -}}
{{- end -}}
{{- end -}}
{{- range $i, $k := .Values.auth.keys -}}
{{- $env := printf "WX_AUTH_KEY_%d" $i -}}
{{- if $k.existingSecret -}}
{{- $items = append $items (dict "path" (printf "auth.keys.%d.key" $i) "env" $env "name" $k.existingSecret "key" $k.existingSecretKey) -}}
{{- else if $k.key -}}
{{- $items = append $items (dict "path" (printf "auth.keys.%d.key" $i) "env" $env "name" $chartSecret "key" (printf "auth-key-%d" $i) "value" $k.key) -}}
{{- end -}}
{{- end -}}
{{- if eq .Values.mode "split" -}}
{{- with .Values.tokenSource -}}
{{- if .existingSecret -}}
{{- $items = append $items (dict "path" "token_source.api_key" "env" "WX_TOKEN_SOURCE_API_KEY" "name" .existingSecret "key" .existingSecretKey) -}}
{{- else if .apiKey -}}
{{- $items = append $items (dict "path" "token_source.api_key" "env" "WX_TOKEN_SOURCE_API_KEY" "name" $chartSecret "key" "token-source-api-key" "value" .apiKey) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- toYaml $items -}}
{{- end -}}

{{/* wxsuite.secretRefs maps each secret's path to its {env: NAME} reference. */}}
{{- define "wxsuite.secretRefs" -}}
{{- $refs := dict -}}
{{- range (include "wxsuite.secretItems" . | fromYamlArray) -}}
{{- $_ := set $refs .path (dict "env" .env) -}}
{{- end -}}
{{- toYaml $refs -}}
{{- end -}}

{{/* wxsuite.redisURL is the Redis URL: the external one, or the bundled StatefulSet's. */}}
{{- define "wxsuite.redisURL" -}}
{{- if .Values.redis.bundled.enabled -}}
{{- printf "redis://%s:6379/0" (include "wxsuite.redisName" .) -}}
{{- else if .Values.redis.url -}}
{{- .Values.redis.url -}}
{{- else -}}
{{- fail "redis: set redis.url (external Redis) or redis.bundled.enabled=true (trials only)" -}}
{{- end -}}
{{- end -}}

{{/* wxsuite.config renders the configuration file. */}}
{{- define "wxsuite.config" -}}
{{- $refs := include "wxsuite.secretRefs" . | fromYaml -}}
{{- $cfg := deepCopy (.Values.config | default dict) -}}
{{- /* server: the chart owns addr and tls. */ -}}
{{- $server := deepCopy ($cfg.server | default dict) -}}
{{- $_ := set $server "addr" (printf ":%d" (int .Values.port)) -}}
{{- if .Values.tls.enabled -}}
{{- $tls := dict "cert_file" (printf "/etc/wxsuite/tls/%s" .Values.tls.certKey) "key_file" (printf "/etc/wxsuite/tls/%s" .Values.tls.keyKey) -}}
{{- if .Values.tls.clientCAKey -}}
{{- $_ := set $tls "client_ca_file" (printf "/etc/wxsuite/tls/%s" .Values.tls.clientCAKey) -}}
{{- end -}}
{{- $_ := set $server "tls" $tls -}}
{{- end -}}
{{- $_ := set $cfg "server" $server -}}
{{- /* redis */ -}}
{{- $redis := dict "url" (include "wxsuite.redisURL" .) -}}
{{- if not .Values.redis.bundled.enabled -}}
{{- with .Values.redis.mode }}{{ $_ := set $redis "mode" . }}{{ end -}}
{{- with .Values.redis.masterName }}{{ $_ := set $redis "master_name" . }}{{ end -}}
{{- with .Values.redis.addrs }}{{ $_ := set $redis "addrs" . }}{{ end -}}
{{- end -}}
{{- with get $refs "redis.password" }}{{ $_ := set $redis "password" . }}{{ end -}}
{{- $_ := set $cfg "redis" $redis -}}
{{- /* accounts */ -}}
{{- $accounts := list -}}
{{- range $i, $a := .Values.accounts -}}
{{- $acc := dict "app_id" $a.appId -}}
{{- with $a.name }}{{ $_ := set $acc "name" . }}{{ end -}}
{{- with $a.tokenEndpoint }}{{ $_ := set $acc "token_endpoint" . }}{{ end -}}
{{- with $a.oauthDomains }}{{ $_ := set $acc "oauth_domains" . }}{{ end -}}
{{- with $a.jsDomains }}{{ $_ := set $acc "js_domains" . }}{{ end -}}
{{- range $field := list "app_secret" "callback_token" "encoding_aes_key" "previous_encoding_aes_key" -}}
{{- with get $refs (printf "accounts.%d.%s" $i $field) }}{{ $_ := set $acc $field . }}{{ end -}}
{{- end -}}
{{- $accounts = append $accounts $acc -}}
{{- end -}}
{{- if $accounts }}{{ $_ := set $cfg "accounts" $accounts }}{{ end -}}
{{- /* auth */ -}}
{{- if or .Values.auth.keys .Values.auth.disabled -}}
{{- $keys := list -}}
{{- range $i, $k := .Values.auth.keys -}}
{{- $key := dict "id" $k.id -}}
{{- with $k.hash }}{{ $_ := set $key "hash" . }}{{ end -}}
{{- with get $refs (printf "auth.keys.%d.key" $i) }}{{ $_ := set $key "key" . }}{{ end -}}
{{- with $k.appIds }}{{ $_ := set $key "app_ids" . }}{{ end -}}
{{- with $k.scopes }}{{ $_ := set $key "scopes" . }}{{ end -}}
{{- $keys = append $keys $key -}}
{{- end -}}
{{- $auth := dict "keys" $keys -}}
{{- if .Values.auth.disabled }}{{ $_ := set $auth "disabled" true }}{{ end -}}
{{- $_ := set $cfg "auth" $auth -}}
{{- end -}}
{{- /* token_source: split mode, read only by processes without the token service. */ -}}
{{- if eq .Values.mode "split" -}}
{{- $scheme := ternary "https" "http" .Values.tls.enabled -}}
{{- $ts := dict "url" (printf "%s://%s:%d" $scheme (include "wxsuite.componentName" (dict "ctx" . "component" "token")) (int .Values.port)) "protocol" .Values.tokenSource.protocol "margin" .Values.tokenSource.margin -}}
{{- with get $refs "token_source.api_key" }}{{ $_ := set $ts "api_key" . }}{{ end -}}
{{- if .Values.tls.enabled -}}
{{- $tsv := .Values.tokenSource.tls | default dict -}}
{{- $tstls := dict -}}
{{- with $tsv.caKey }}{{ $_ := set $tstls "ca_file" (printf "/etc/wxsuite/tls/%s" .) }}{{ end -}}
{{- if .Values.tls.clientCAKey -}}
{{- $_ := set $tstls "cert_file" (printf "/etc/wxsuite/tls/%s" .Values.tls.certKey) -}}
{{- $_ := set $tstls "key_file" (printf "/etc/wxsuite/tls/%s" .Values.tls.keyKey) -}}
{{- end -}}
{{- with $tsv.serverName }}{{ $_ := set $tstls "server_name" . }}{{ end -}}
{{- if $tstls }}{{ $_ := set $ts "tls" $tstls }}{{ end -}}
{{- end -}}
{{- $_ := set $cfg "token_source" $ts -}}
{{- end -}}
{{- /* messaging serves the callback endpoint: keep its path in step with the Ingress/HTTPRoute. */ -}}
{{- $cbPath := .Values.ingress.callback.path -}}
{{- if ne $cbPath "/wechat/callback" -}}
{{- $messaging := deepCopy ($cfg.messaging | default dict) -}}
{{- if not (hasKey $messaging "callback_path") -}}
{{- $_ := set $messaging "callback_path" (printf "%s/{app_id}" (trimSuffix "/" $cbPath)) -}}
{{- end -}}
{{- $_ := set $cfg "messaging" $messaging -}}
{{- end -}}
{{- $empty := list -}}
{{- range $k, $v := $cfg -}}
{{- if and (kindIs "map" $v) (empty $v) }}{{ $empty = append $empty $k }}{{ end -}}
{{- end -}}
{{- range $empty }}{{ $_ := unset $cfg . }}{{ end -}}
{{- toYaml $cfg -}}
{{- end -}}

{{/* wxsuite.chartSecretData is the data of the chart-made Secret: the inline values only (empty: no Secret). */}}
{{- define "wxsuite.chartSecretData" -}}
{{- $data := dict -}}
{{- range (include "wxsuite.secretItems" . | fromYamlArray) -}}
{{- if hasKey . "value" }}{{ $_ := set $data .key (.value | toString | b64enc) }}{{ end -}}
{{- end -}}
{{- if $data }}{{ toYaml $data }}{{ end -}}
{{- end -}}
