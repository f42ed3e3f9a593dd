{{/*
wxsuite.workload renders one component: Deployment + Service, and a PodDisruptionBudget
and HorizontalPodAutoscaler when its spec asks for them. workloads.yaml calls it once in
mode all-in-one (component "all-in-one", --services all) and once per enabled service in
mode split. Argument: (dict "ctx" $ "component" NAME "services" LIST "spec" MERGED-SPEC).
*/}}
{{- define "wxsuite.workload" -}}
{{- $ctx := .ctx -}}
{{- $v := $ctx.Values -}}
{{- $spec := .spec -}}
{{- $name := include "wxsuite.componentName" (dict "ctx" $ctx "component" .component) -}}
{{- $labelArgs := dict "ctx" $ctx "component" .component -}}
{{- $secretItems := include "wxsuite.secretItems" $ctx | fromYamlArray -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ $name }}
  labels:
    {{- include "wxsuite.labels" $labelArgs | nindent 4 }}
spec:
  {{- if not $spec.autoscaling.enabled }}
  replicas: {{ $spec.replicas }}
  {{- end }}
  revisionHistoryLimit: 5
  selector:
    matchLabels:
      {{- include "wxsuite.selectorLabels" $labelArgs | nindent 6 }}
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxUnavailable: 0
      maxSurge: 25%
  template:
    metadata:
      labels:
        {{- include "wxsuite.labels" $labelArgs | nindent 8 }}
        {{- with $v.podLabels }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      annotations:
        checksum/config: {{ include "wxsuite.config" $ctx | sha256sum }}
        {{- if include "wxsuite.chartSecretData" $ctx }}
        checksum/secret: {{ include "wxsuite.chartSecretData" $ctx | sha256sum }}
        {{- end }}
        {{- with $v.podAnnotations }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
    spec:
      serviceAccountName: {{ include "wxsuite.serviceAccountName" $ctx }}
      automountServiceAccountToken: {{ $v.serviceAccount.automountServiceAccountToken }}
      {{- with $v.imagePullSecrets }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $v.priorityClassName }}
      priorityClassName: {{ . }}
      {{- end }}
      securityContext:
        {{- toYaml $v.podSecurityContext | nindent 8 }}
      terminationGracePeriodSeconds: {{ $v.terminationGracePeriodSeconds }}
      containers:
        - name: wxsuite
          image: {{ include "wxsuite.image" $ctx }}
          imagePullPolicy: {{ $v.image.pullPolicy }}
          args:
            - serve
            - --config
            - /etc/wxsuite/wxsuite.yaml
            - --services
            - {{ .services | quote }}
            {{- range $spec.extraArgs }}
            - {{ . | quote }}
            {{- end }}
          ports:
            - name: http
              containerPort: {{ $v.port }}
              protocol: TCP
          {{- if or $secretItems $spec.env $spec.extraEnv }}
          env:
            {{- range $secretItems }}
            - name: {{ .env }}
              valueFrom:
                secretKeyRef:
                  name: {{ .name }}
                  key: {{ .key }}
            {{- end }}
            {{- range $k, $val := $spec.env }}
            - name: {{ $k }}
              value: {{ $val | toString | quote }}
            {{- end }}
            {{- with $spec.extraEnv }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
          {{- end }}
          {{- include "wxsuite.probes" $ctx | nindent 10 }}
          {{- if gt (int $v.preStopSleepSeconds) 0 }}
          lifecycle:
            preStop:
              sleep:
                seconds: {{ $v.preStopSleepSeconds }}
          {{- end }}
          resources:
            {{- toYaml $spec.resources | nindent 12 }}
          securityContext:
            {{- toYaml $v.securityContext | nindent 12 }}
          volumeMounts:
            - name: config
              mountPath: /etc/wxsuite/wxsuite.yaml
              subPath: wxsuite.yaml
              readOnly: true
            - name: tmp
              mountPath: /tmp
            {{- if $v.tls.enabled }}
            - name: tls
              mountPath: /etc/wxsuite/tls
              readOnly: true
            {{- end }}
      volumes:
        - name: config
          configMap:
            name: {{ include "wxsuite.fullname" $ctx }}
        - name: tmp
          emptyDir:
            sizeLimit: 64Mi
        {{- if $v.tls.enabled }}
        - name: tls
          secret:
            secretName: {{ $v.tls.existingSecret }}
        {{- end }}
      {{- with $v.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $v.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $v.affinity }}
      affinity:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $v.topologySpreadConstraints }}
      topologySpreadConstraints:
        {{- range . }}
        - {{ toYaml (merge (deepCopy .) (dict "labelSelector" (dict "matchLabels" (include "wxsuite.selectorLabels" $labelArgs | fromYaml)))) | nindent 10 | trim }}
        {{- end }}
      {{- end }}
---
apiVersion: v1
kind: Service
metadata:
  name: {{ $name }}
  labels:
    {{- include "wxsuite.labels" $labelArgs | nindent 4 }}
  {{- with $v.service.annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
spec:
  type: {{ $v.service.type }}
  selector:
    {{- include "wxsuite.selectorLabels" $labelArgs | nindent 4 }}
  ports:
    - name: http
      port: {{ $v.port }}
      targetPort: http
      protocol: TCP
      appProtocol: {{ $v.service.appProtocol }}
{{- with $spec.pdb }}
{{- if or (hasKey . "minAvailable") (hasKey . "maxUnavailable") }}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ $name }}
  labels:
    {{- include "wxsuite.labels" $labelArgs | nindent 4 }}
spec:
  {{- if hasKey . "minAvailable" }}
  minAvailable: {{ .minAvailable }}
  {{- else }}
  maxUnavailable: {{ .maxUnavailable }}
  {{- end }}
  selector:
    matchLabels:
      {{- include "wxsuite.selectorLabels" $labelArgs | nindent 6 }}
{{- end }}
{{- end }}
{{- if $spec.autoscaling.enabled }}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ $name }}
  labels:
    {{- include "wxsuite.labels" $labelArgs | nindent 4 }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ $name }}
  minReplicas: {{ $spec.autoscaling.minReplicas }}
  maxReplicas: {{ $spec.autoscaling.maxReplicas }}
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: {{ $spec.autoscaling.targetCPUUtilizationPercentage }}
{{- end }}
{{- end -}}

{{/*
wxsuite.probes: readiness is a native gRPC probe on grpc.health.v1 service "" (SERVING while
Redis answers); liveness GET /healthz by default (a Redis outage must not restart pods);
startup GET /healthz. The kubelet cannot speak gRPC over TLS, so with server TLS the probes
are HTTPS GETs (/readyz for readiness); nor can it present a client certificate, so with
mTLS (a client CA) they are TCP checks.
*/}}
{{- define "wxsuite.probes" -}}
{{- $p := .Values.probes -}}
{{- $tls := .Values.tls.enabled -}}
{{- $mtls := and $tls .Values.tls.clientCAKey -}}
readinessProbe:
  {{- if $mtls }}
  tcpSocket:
    port: http
  {{- else if $tls }}
  httpGet:
    path: /readyz
    port: http
    scheme: HTTPS
  {{- else }}
  grpc:
    port: {{ .Values.port }}
    service: ""
  {{- end }}
  initialDelaySeconds: {{ $p.readiness.initialDelaySeconds }}
  periodSeconds: {{ $p.readiness.periodSeconds }}
  timeoutSeconds: {{ $p.readiness.timeoutSeconds }}
  failureThreshold: {{ $p.readiness.failureThreshold }}
livenessProbe:
  {{- include "wxsuite.aliveCheck" (dict "mtls" $mtls "tls" $tls "grpc" (eq $p.liveness.type "grpc") "service" $p.liveness.grpcService "port" .Values.port) | nindent 2 }}
  initialDelaySeconds: {{ $p.liveness.initialDelaySeconds }}
  periodSeconds: {{ $p.liveness.periodSeconds }}
  timeoutSeconds: {{ $p.liveness.timeoutSeconds }}
  failureThreshold: {{ $p.liveness.failureThreshold }}
startupProbe:
  {{- include "wxsuite.aliveCheck" (dict "mtls" $mtls "tls" $tls "grpc" false "port" .Values.port) | nindent 2 }}
  periodSeconds: {{ $p.startup.periodSeconds }}
  failureThreshold: {{ $p.startup.failureThreshold }}
{{- end -}}

{{/* wxsuite.aliveCheck is the handler of the liveness and startup probes. */}}
{{- define "wxsuite.aliveCheck" -}}
{{- if .mtls -}}
tcpSocket:
  port: http
{{- else if and .grpc (not .tls) -}}
grpc:
  port: {{ .port }}
  service: {{ .service | quote }}
{{- else -}}
httpGet:
  path: /healthz
  port: http
  scheme: {{ ternary "HTTPS" "HTTP" .tls }}
{{- end -}}
{{- end -}}
