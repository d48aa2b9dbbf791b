{{- define "palisade.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "palisade.fullname" -}}
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

{{- define "palisade.selectorLabels" -}}
app.kubernetes.io/name: {{ include "palisade.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "palisade.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "palisade.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{- define "palisade.secretName" -}}
{{- default (printf "%s-secrets" (include "palisade.fullname" .)) .Values.secrets.existingSecret -}}
{{- end -}}

{{- define "palisade.image" -}}
{{- $tag := default .Chart.AppVersion .Values.image.tag -}}
{{- if .Values.image.digest -}}
{{- printf "%s:%s@%s" .Values.image.repository $tag .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository $tag -}}
{{- end -}}
{{- end -}}

{{/* palisade.yaml: the chart's keys (listener, secrets from the mounted Secret's files, JSON logs), then .Values.config over them. */}}
{{- define "palisade.config" -}}
{{- $secrets := "/etc/palisade/secrets" -}}
{{- $base := dict
  "server" (dict "host" "0.0.0.0" "port" 8080)
  "admin" (dict "key" (printf "file:%s/admin-key" $secrets))
  "metrics" (dict "token" (printf "file:%s/metrics-token" $secrets))
  "audit" (dict "checkpoint_key" (printf "file:%s/audit-checkpoint-key" $secrets))
  "logging" (dict "format" "json")
-}}
{{- if .Values.externalPostgresql.enabled -}}
{{- $_ := set $base "store" (dict "url" (printf "file:%s/store-url" $secrets)) -}}
{{- else -}}
{{- $_ := set $base "store" (dict "url" "sqlite:/var/lib/palisade/palisade.db") -}}
{{- end -}}
{{- if .Values.externalRedis.enabled -}}
{{- $_ := set $base "limits" (dict "redis_url" (printf "file:%s/redis-url" $secrets)) -}}
{{- end -}}
{{- toYaml (mustMergeOverwrite $base (deepCopy .Values.config)) -}}
{{- end -}}
