{{/*
Names, labels and the values every template shares. The workloads themselves are in
_workload.tpl; the wxsuite configuration file and its secret references in _config.tpl.
*/}}

{{/* wxsuite.name is the chart name (nameOverride wins). */}}
{{- define "wxsuite.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* wxsuite.fullname prefixes every object: the release name, plus the chart name unless the release name holds it. */}}
{{- define "wxsuite.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* wxsuite.componentName names the objects of one component (a service, or all-in-one). */}}
{{- define "wxsuite.componentName" -}}
{{- if eq .component "all-in-one" -}}
{{- include "wxsuite.fullname" .ctx -}}
{{- else -}}
{{- printf "%s-%s" (include "wxsuite.fullname" .ctx | trunc 50 | trimSuffix "-") .component -}}
{{- end -}}
{{- end -}}

{{/* wxsuite.chart is the helm.sh/chart label. */}}
{{- define "wxsuite.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* wxsuite.labels are the labels of every object of a component: pass (dict "ctx" $ "component" NAME). */}}
{{- define "wxsuite.labels" -}}
helm.sh/chart: {{ include "wxsuite.chart" .ctx }}
{{ include "wxsuite.selectorLabels" . }}
app.kubernetes.io/version: {{ include "wxsuite.imageTag" .ctx | trunc 63 | trimSuffix "-" | quote }}
app.kubernetes.io/part-of: wxsuite
app.kubernetes.io/managed-by: {{ .ctx.Release.Service }}
{{- with .ctx.Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* wxsuite.selectorLabels select the pods of one component. */}}
{{- define "wxsuite.selectorLabels" -}}
app.kubernetes.io/name: {{ include "wxsuite.name" .ctx }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* wxsuite.releaseSelector selects every wxsuite pod of the release (not the bundled Redis). */}}
{{- define "wxsuite.releaseSelector" -}}
app.kubernetes.io/name: {{ include "wxsuite.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/part-of: wxsuite
{{- end -}}

{{/* wxsuite.imageTag is the image tag (default: appVersion). */}}
{{- define "wxsuite.imageTag" -}}
{{- default .Chart.AppVersion .Values.image.tag -}}
{{- end -}}

{{/* wxsuite.image is the image reference; a digest wins over the tag. */}}
{{- define "wxsuite.image" -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository (include "wxsuite.imageTag" .) -}}
{{- end -}}
{{- end -}}

{{/* wxsuite.serviceAccountName is the pods' ServiceAccount. */}}
{{- define "wxsuite.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "wxsuite.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* wxsuite.redisName names the bundled Redis objects. */}}
{{- define "wxsuite.redisName" -}}
{{- printf "%s-redis" (include "wxsuite.fullname" . | trunc 57 | trimSuffix "-") -}}
{{- end -}}

{{/* wxsuite.workloads lists the workloads to render as a YAML list of {component, services, spec}; spec is serviceDefaults overridden key by key. */}}
{{- define "wxsuite.workloads" -}}
{{- $defaults := .Values.serviceDefaults -}}
{{- $out := list -}}
{{- if eq .Values.mode "all-in-one" -}}
{{- $out = append $out (dict "component" "all-in-one" "services" "all" "spec" (include "wxsuite.mergeSpec" (dict "defaults" $defaults "over" .Values.allInOne) | fromYaml)) -}}
{{- else -}}
{{- if not (dig "token" "enabled" false .Values.services) -}}
{{- fail "mode split needs services.token.enabled: true (every other service reaches the token service)" -}}
{{- end -}}
{{- range $name, $svc := .Values.services -}}
{{- if $svc.enabled -}}
{{- $out = append $out (dict "component" $name "services" $name "spec" (include "wxsuite.mergeSpec" (dict "defaults" $defaults "over" $svc) | fromYaml)) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- toYaml $out -}}
{{- end -}}

{{/* wxsuite.mergeSpec overrides defaults key by key (autoscaling one level deeper); zero values and false override too, unlike mergeOverwrite. */}}
{{- define "wxsuite.mergeSpec" -}}
{{- $over := .over | default dict -}}
{{- $spec := dict -}}
{{- range $k, $v := .defaults -}}
{{- if and (eq $k "autoscaling") (hasKey $over "autoscaling") -}}
{{- $as := deepCopy $v -}}
{{- range $ak, $av := $over.autoscaling -}}
{{- $_ := set $as $ak $av -}}
{{- end -}}
{{- $_ := set $spec $k $as -}}
{{- else if hasKey $over $k -}}
{{- $_ := set $spec $k (get $over $k) -}}
{{- else -}}
{{- $_ := set $spec $k $v -}}
{{- end -}}
{{- end -}}
{{- toYaml $spec -}}
{{- end -}}

{{/* wxsuite.backend is the Service name a route sends to: the all-in-one Service, or the named service's (which must be enabled). */}}
{{- define "wxsuite.backend" -}}
{{- if eq .ctx.Values.mode "all-in-one" -}}
{{- include "wxsuite.fullname" .ctx -}}
{{- else -}}
{{- if not (dig .service "enabled" false .ctx.Values.services) -}}
{{- fail (printf "%s routes to services.%s, which is not enabled in split mode" .what .service) -}}
{{- end -}}
{{- include "wxsuite.componentName" (dict "ctx" .ctx "component" .service) -}}
{{- end -}}
{{- end -}}

{{/* wxsuite.apiRoutes lists the API routes as a YAML list of {path, backend}: "/" to the all-in-one Service, or each enabled service's apiPaths to its Service. */}}
{{- define "wxsuite.apiRoutes" -}}
{{- $routes := list -}}
{{- if eq .Values.mode "all-in-one" -}}
{{- $routes = append $routes (dict "path" "/" "backend" (include "wxsuite.fullname" .)) -}}
{{- else -}}
{{- range $name, $svc := .Values.services -}}
{{- if $svc.enabled -}}
{{- range $svc.apiPaths -}}
{{- $routes = append $routes (dict "path" . "backend" (include "wxsuite.componentName" (dict "ctx" $ "component" $name))) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- toYaml $routes -}}
{{- end -}}
