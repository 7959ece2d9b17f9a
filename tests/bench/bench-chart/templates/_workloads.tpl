{{/* Generic workload objects; each component file calls these with dict "root" $ "name" NAME. */}}
{{- define "bench.deployment" -}}
{{- $c := index .root.Values.components .name -}}
{{- if $c.enabled }}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "bench.componentName" . }}
  namespace: {{ .root.Release.Namespace }}
  labels:
    {{- include "bench.componentLabels" . | nindent 4 }}
  {{- with $c.annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
spec:
  {{- if not $c.autoscaling.enabled }}
  replicas: {{ $c.replicaCount | default 1 }}
  {{- end }}
  revisionHistoryLimit: {{ .root.Values.global.revisionHistoryLimit }}
  selector:
    matchLabels:
      {{- include "bench.componentSelector" . | nindent 6 }}
  {{- with $c.strategy }}
  strategy:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  template:
    metadata:
      annotations:
        checksum/config: {{ include "bench.configData" . | sha256sum }}
        {{- with $c.podAnnotations }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      labels:
        {{- include "bench.componentSelector" . | nindent 8 }}
        {{- with $c.podLabels }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
    spec:
      serviceAccountName: {{ include "bench.serviceAccountName" .root }}
      {{- with .root.Values.global.imagePullSecrets }}
      imagePullSecrets:
        {{- range . }}
        - name: {{ . }}
        {{- end }}
      {{- end }}
      securityContext:
        {{- toYaml (default .root.Values.global.podSecurityContext $c.podSecurityContext) | nindent 8 }}
      containers:
        - name: {{ .name }}
          image: {{ include "bench.image" (dict "root" .root "image" $c.image) | quote }}
          imagePullPolicy: {{ $c.image.pullPolicy | default "IfNotPresent" }}
          {{- with $c.args }}
          args:
            {{- range . }}
            - {{ . | quote }}
            {{- end }}
          {{- end }}
          env:
            - name: COMPONENT
              value: {{ .name | quote }}
            - name: RELEASE
              value: {{ .root.Release.Name | quote }}
            {{- range $k, $v := $c.env }}
            - name: {{ $k | upper | replace "-" "_" }}
              value: {{ $v | toString | quote }}
            {{- end }}
          envFrom:
            - configMapRef:
                name: {{ include "bench.componentName" . }}
          ports:
            {{- range $c.ports }}
            - name: {{ .name }}
              containerPort: {{ .port }}
              protocol: {{ .protocol | default "TCP" }}
            {{- end }}
          {{- if $c.probes.enabled }}
          livenessProbe:
            httpGet:
              path: {{ $c.probes.path | default "/healthz" }}
              port: {{ (first $c.ports).name }}
            initialDelaySeconds: {{ $c.probes.initialDelaySeconds | default 10 }}
          readinessProbe:
            httpGet:
              path: {{ $c.probes.readyPath | default "/ready" }}
              port: {{ (first $c.ports).name }}
          {{- end }}
          resources:
            {{- toYaml $c.resources | nindent 12 }}
          securityContext:
            {{- toYaml .root.Values.global.containerSecurityContext | nindent 12 }}
          volumeMounts:
            - name: config
              mountPath: /etc/{{ .name }}
            {{- range $c.extraVolumes }}
            - name: {{ .name }}
              mountPath: {{ .mountPath }}
            {{- end }}
      volumes:
        - name: config
          configMap:
            name: {{ include "bench.componentName" . }}
        {{- range $c.extraVolumes }}
        - name: {{ .name }}
          emptyDir:
            sizeLimit: {{ .size | default "1Gi" }}
        {{- end }}
      {{- with (default .root.Values.global.nodeSelector $c.nodeSelector) }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with (default .root.Values.global.tolerations $c.tolerations) }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      affinity:
        podAntiAffinity:
          preferredDuringSchedulingIgnoredDuringExecution:
            - weight: 100
              podAffinityTerm:
                topologyKey: kubernetes.io/hostname
                labelSelector:
                  matchLabels:
                    {{- include "bench.componentSelector" . | nindent 20 }}
{{- end }}
{{- end }}

{{- define "bench.service" -}}
{{- $c := index .root.Values.components .name -}}
{{- if and $c.enabled $c.service.enabled }}
apiVersion: v1
kind: Service
metadata:
  name: {{ include "bench.componentName" . }}
  labels:
    {{- include "bench.componentLabels" . | nindent 4 }}
  {{- with $c.service.annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
spec:
  type: {{ $c.service.type | default "ClusterIP" }}
  ports:
    {{- range $c.ports }}
    - name: {{ .name }}
      port: {{ .servicePort | default .port }}
      targetPort: {{ .name }}
      protocol: {{ .protocol | default "TCP" }}
    {{- end }}
  selector:
    {{- include "bench.componentSelector" . | nindent 4 }}
{{- end }}
{{- end }}

{{- define "bench.configData" -}}
{{- $c := index .root.Values.components .name -}}
{{- $merged := merge (deepCopy ($c.config | default dict)) .root.Values.global.config -}}
{{- range $k, $v := $merged }}
{{ $k }}: {{ $v | toString | quote }}
{{- end }}
{{- end }}

{{- define "bench.configmap" -}}
{{- $c := index .root.Values.components .name -}}
{{- if $c.enabled }}
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ include "bench.componentName" . }}
  labels:
    {{- include "bench.componentLabels" . | nindent 4 }}
data:
  {{- include "bench.configData" . | indent 2 }}
  settings.json: |
    {{- dict "component" .name "config" ($c.config | default dict) "ports" $c.ports | toPrettyJson | nindent 4 }}
{{- end }}
{{- end }}

{{- define "bench.hpa" -}}
{{- $c := index .root.Values.components .name -}}
{{- if and $c.enabled $c.autoscaling.enabled }}
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ include "bench.componentName" . }}
  labels:
    {{- include "bench.componentLabels" . | nindent 4 }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ include "bench.componentName" . }}
  minReplicas: {{ $c.autoscaling.minReplicas }}
  maxReplicas: {{ $c.autoscaling.maxReplicas }}
  metrics:
    {{- with $c.autoscaling.targetCPU }}
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: {{ . }}
    {{- end }}
    {{- with $c.autoscaling.targetMemory }}
    - type: Resource
      resource:
        name: memory
        target:
          type: Utilization
          averageUtilization: {{ . }}
    {{- end }}
{{- end }}
{{- end }}
