{{/*
Helpers of the itl-k8s-capi chart: names, labels, annotations, and the values
handed to the vcluster chart.
*/}}

{{/* Chart name, cut to 63 characters. */}}
{{- define "itl-k8s-capi.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Fully qualified name: the release name when it already holds the chart name. */}}
{{- define "itl-k8s-capi.fullname" -}}
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

{{/* Name shared by the Cluster, the VCluster and the vcluster release: 52 characters at most. */}}
{{- define "itl-k8s-capi.vclusterName" -}}
{{- default (include "itl-k8s-capi.fullname" .) .Values.vcluster.name | trunc 52 | trimSuffix "-" -}}
{{- end -}}

{{/* Namespace of the Cluster, the VCluster and the vcluster release. */}}
{{- define "itl-k8s-capi.vclusterNamespace" -}}
{{- default .Release.Namespace .Values.vcluster.namespace -}}
{{- end -}}

{{/* Chart name and version, as used by the helm.sh/chart label. */}}
{{- define "itl-k8s-capi.chart" -}}
{{- printf "%s-%s" .Chart.Name (include "itl-k8s-capi.chartVersion" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Chart version made safe for a label value. */}}
{{- define "itl-k8s-capi.chartVersion" -}}
{{- .Chart.Version | replace "+" "_" -}}
{{- end -}}

{{/* Selector labels. */}}
{{- define "itl-k8s-capi.selectorLabels" -}}
app.kubernetes.io/name: {{ include "itl-k8s-capi.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* Common labels, with global.labels and the environment label. */}}
{{- define "itl-k8s-capi.labels" -}}
helm.sh/chart: {{ include "itl-k8s-capi.chart" . }}
{{ include "itl-k8s-capi.selectorLabels" . }}
{{- if .Chart.AppVersion }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- with .Values.global.environment }}
environment: {{ . | quote }}
{{- end }}
{{- with .Values.global.labels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* Common annotations (global.annotations); empty when there are none. */}}
{{- define "itl-k8s-capi.annotations" -}}
{{- with .Values.global.annotations -}}
{{ toYaml . }}
{{- end -}}
{{- end -}}

{{/* Labels of the vcluster control plane pods and Service, set by the vcluster chart. */}}
{{- define "itl-k8s-capi.vclusterPodLabels" -}}
app: vcluster
release: {{ include "itl-k8s-capi.vclusterName" . }}
{{- end -}}

{{/* metadata: name, namespace, labels and annotations; the argument is (list $ name). */}}
{{- define "itl-k8s-capi.metadata" -}}
{{- $root := index . 0 -}}
name: {{ index . 1 }}
namespace: {{ include "itl-k8s-capi.vclusterNamespace" $root }}
labels:
  {{- include "itl-k8s-capi.labels" $root | nindent 2 }}
{{- with include "itl-k8s-capi.annotations" $root }}
annotations:
  {{- . | nindent 2 }}
{{- end }}
{{- end -}}

{{/* The access type, checked: fails on an unknown one. */}}
{{- define "itl-k8s-capi.accessType" -}}
{{- $type := .Values.externalAccess.type -}}
{{- if not (has $type (list "LoadBalancer" "Ingress" "NodePort")) -}}
{{- fail (printf "externalAccess.type %q is not supported: set it to LoadBalancer, Ingress or NodePort" (toString $type)) -}}
{{- end -}}
{{- $type -}}
{{- end -}}

{{/* The Ingress host, required when the access type is Ingress. */}}
{{- define "itl-k8s-capi.ingressHost" -}}
{{- required "externalAccess.ingress.host is required when externalAccess.type is Ingress: set it to the public host name of the API" .Values.externalAccess.ingress.host -}}
{{- end -}}

{{/* The external API host: explicit, or from the access type; empty when unknown. */}}
{{- define "itl-k8s-capi.externalHost" -}}
{{- $ea := .Values.externalAccess -}}
{{- if .Values.vcluster.controlPlaneEndpoint.host -}}
{{- .Values.vcluster.controlPlaneEndpoint.host -}}
{{- else if $ea.enabled -}}
{{- $type := include "itl-k8s-capi.accessType" . -}}
{{- if eq $type "Ingress" -}}
{{- include "itl-k8s-capi.ingressHost" . -}}
{{- else if eq $type "LoadBalancer" -}}
{{- $ea.loadBalancer.ip -}}
{{- else -}}
{{- $ea.nodePort.host -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* The external API port: explicit, the node port, or 443. */}}
{{- define "itl-k8s-capi.externalPort" -}}
{{- $ea := .Values.externalAccess -}}
{{- if .Values.vcluster.controlPlaneEndpoint.port -}}
{{- .Values.vcluster.controlPlaneEndpoint.port -}}
{{- else if and $ea.enabled (eq $ea.type "NodePort") -}}
{{- $ea.nodePort.port -}}
{{- else -}}
443
{{- end -}}
{{- end -}}

{{/* Control plane anti-affinity used when highAvailability.affinity is empty. */}}
{{- define "itl-k8s-capi.defaultAffinity" -}}
podAntiAffinity:
  preferredDuringSchedulingIgnoredDuringExecution:
    - weight: 100
      podAffinityTerm:
        topologyKey: kubernetes.io/hostname
        labelSelector:
          matchLabels:
            {{- include "itl-k8s-capi.vclusterPodLabels" . | nindent 12 }}
{{- end -}}

{{/* vcluster chart values derived from this chart's settings, as YAML. */}}
{{- define "itl-k8s-capi.derivedValues" -}}
{{- $v := .Values -}}
{{- $cp := dict -}}
{{- $_ := set $cp "distro" (dict "k8s" (dict "enabled" true "image" (dict "tag" $v.vcluster.cluster.kubernetesVersion))) -}}
{{- $sts := dict -}}
{{- $host := include "itl-k8s-capi.externalHost" . -}}
{{- if $host -}}
{{- $_ := set $cp "proxy" (dict "extraSANs" (list $host)) -}}
{{- end -}}
{{- if $v.highAvailability.enabled -}}
{{- $_ := set $sts "highAvailability" (dict "replicas" $v.highAvailability.replicas) -}}
{{- $affinity := $v.highAvailability.affinity | default (include "itl-k8s-capi.defaultAffinity" . | fromYaml) -}}
{{- $_ := set $sts "scheduling" (dict "affinity" $affinity) -}}
{{- $etcd := dict "enabled" true "statefulSet" (dict "highAvailability" (dict "replicas" $v.highAvailability.etcdReplicas)) -}}
{{- $_ := set $cp "backingStore" (dict "etcd" (dict "deploy" $etcd)) -}}
{{- else -}}
{{- $_ := set $cp "backingStore" (dict "database" (dict "embedded" (dict "enabled" true))) -}}
{{- end -}}
{{- $sec := dict -}}
{{- with $v.security.securityContext.pod -}}
{{- $_ := set $sec "podSecurityContext" . -}}
{{- end -}}
{{- with $v.security.securityContext.container -}}
{{- $_ := set $sec "containerSecurityContext" . -}}
{{- end -}}
{{- if $sec -}}
{{- $_ := set $sts "security" $sec -}}
{{- end -}}
{{- if $sts -}}
{{- $_ := set $cp "statefulSet" $sts -}}
{{- end -}}
{{- $out := dict "controlPlane" $cp -}}
{{- if $host -}}
{{- $_ := set $out "exportKubeConfig" (dict "server" (printf "https://%s:%s" $host (include "itl-k8s-capi.externalPort" .))) -}}
{{- end -}}
{{- if $v.security.networkPolicy.enabled -}}
{{- $_ := set $out "policies" (dict "networkPolicy" (dict "enabled" true)) -}}
{{- end -}}
{{- toYaml $out -}}
{{- end -}}

{{/* The values string of the VCluster: the user's values over the derived ones, or the user's string as is. */}}
{{- define "itl-k8s-capi.helmReleaseValues" -}}
{{- $user := .Values.vcluster.helmRelease.values -}}
{{- if kindIs "string" $user -}}
{{- $user -}}
{{- else -}}
{{- $base := dict -}}
{{- if .Values.vcluster.helmRelease.deriveValues -}}
{{- $base = include "itl-k8s-capi.derivedValues" . | fromYaml -}}
{{- end -}}
{{- $merged := mergeOverwrite (deepCopy $base) (deepCopy (default (dict) $user)) -}}
{{- if $merged -}}
{{- toYaml $merged -}}
{{- end -}}
{{- end -}}
{{- end -}}
