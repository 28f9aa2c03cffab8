{{/* Names, labels and the image, shared by every template of the chart. */}}

{{- define "syncflow.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "syncflow.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "syncflow.selectorLabels" -}}
app.kubernetes.io/name: {{ include "syncflow.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "syncflow.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "syncflow.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: syncflow
syncflow.io/instance: {{ .Values.instanceId | quote }}
{{- end }}

{{- define "syncflow.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "syncflow.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The image of the operator and of every flow's pods: repository@digest or repository:tag. */}}
{{- define "syncflow.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
{{- end }}

{{/* The namespace the operator watches; empty means all of them. */}}
{{- define "syncflow.watchNamespace" -}}
{{- if .Values.watchNamespaces }}
{{- first .Values.watchNamespaces }}
{{- else if eq .Values.rbac.scope "namespace" }}
{{- .Release.Namespace }}
{{- end }}
{{- end }}

{{- define "syncflow.leaseName" -}}
{{- default (include "syncflow.fullname" .) .Values.leaderElection.leaseName }}
{{- end }}

{{/*
The documents of files/rbac/*.yaml as a list of objects, in file order. Those files are owned by
the operator (they list exactly what its code calls); the chart only places them.
*/}}
{{- define "syncflow.rbacDocuments" -}}
{{- $docs := list }}
{{- range $path, $_ := .Files.Glob "files/rbac/*.yaml" }}
{{- range $text := regexSplit "(?m)^---[ \t]*$" ($.Files.Get $path) -1 }}
{{- $doc := fromYaml $text }}
{{- if $doc.kind }}
{{- $docs = append $docs $doc }}
{{- end }}
{{- end }}
{{- end }}
{{- toJson $docs }}
{{- end }}

{{- define "syncflow.isAggregated" -}}
{{- $aggregated := false }}
{{- range $key, $_ := (default dict .metadata.labels) }}
{{- if hasPrefix "rbac.authorization.k8s.io/aggregate-to-" $key }}
{{- $aggregated = true }}
{{- end }}
{{- end }}
{{- $aggregated }}
{{- end }}

{{/*
Node flags from the container's memory limit: a small young generation (Node sizes it for the
whole machine otherwise) and an old-generation cap at half the limit, so the heap is collected
long before the container is OOM-killed. Empty without a limit, or when extraEnv sets NODE_OPTIONS.
*/}}
{{- define "syncflow.nodeOptions" -}}
{{- $own := true -}}
{{- range .Values.extraEnv -}}
{{- if eq (toString .name) "NODE_OPTIONS" -}}{{- $own = false -}}{{- end -}}
{{- end -}}
{{- $limit := "" -}}
{{- if $own -}}{{- $limit = toString (dig "limits" "memory" "" (.Values.resources | default dict)) -}}{{- end -}}
{{- $mib := 0 -}}
{{- if hasSuffix "Gi" $limit -}}{{- $mib = mul (trimSuffix "Gi" $limit | atoi) 1024 -}}
{{- else if hasSuffix "Mi" $limit -}}{{- $mib = trimSuffix "Mi" $limit | atoi -}}
{{- else if hasSuffix "G" $limit -}}{{- $mib = div (mul (trimSuffix "G" $limit | atoi) 1000) 1049 -}}
{{- else if hasSuffix "M" $limit -}}{{- $mib = div (mul (trimSuffix "M" $limit | atoi) 1000) 1049 -}}
{{- end -}}
{{- if gt (int $mib) 0 -}}
--max-semi-space-size=4 --max-old-space-size={{ div $mib 2 }}
{{- end -}}
{{- end }}
