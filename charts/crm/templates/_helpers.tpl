{{/*
Helpers shared by every template. The chart has one generic template per kind of object;
each ranges over the components computed by "crm.components" below, so a service is data
(an entry under .Values.services), never a copy of a template.
*/}}

{{/* helm.sh/chart label value. */}}
{{- define "crm.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* A resource name: "<release>-<suffix>", at most 63 characters. */}}
{{- define "crm.name" -}}
{{- printf "%s-%s" .root.Release.Name .suffix | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
Selector labels of a component. Context: dict "root" $ "name" <service> "component" <role>.
app.kubernetes.io/name is the service (customer, ..., gateway); OTEL_SERVICE_NAME is read
from it through the downward API. app.kubernetes.io/component is the process role
(api, worker, gateway, migrate, database, broker).
*/}}
{{- define "crm.selectorLabels" -}}
app.kubernetes.io/name: {{ .name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* All recommended labels. Context as crm.selectorLabels, plus optional "version". */}}
{{- define "crm.labels" -}}
{{ include "crm.selectorLabels" . }}
app.kubernetes.io/part-of: crm
app.kubernetes.io/version: {{ include "crm.labelValue" (.version | default .root.Chart.AppVersion) | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
helm.sh/chart: {{ include "crm.chart" .root }}
{{- end -}}

{{/* An arbitrary string (an image tag) made a valid label value. */}}
{{- define "crm.labelValue" -}}
{{- regexReplaceAll "[^A-Za-z0-9_.-]" (toString .) "_" | trunc 63 | trimAll "_.-" -}}
{{- end -}}

{{/* Labels of objects that belong to the release as a whole (ConfigMap, deny-all...). */}}
{{- define "crm.releaseLabels" -}}
{{ include "crm.labels" (dict "root" . "name" "crm" "component" "suite") }}
{{- end -}}

{{/* Selects every pod of this release (the deny-all NetworkPolicy). */}}
{{- define "crm.releasePodSelector" -}}
app.kubernetes.io/part-of: crm
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* Image reference. Context: dict "root" $ "image" <image values>. */}}
{{- define "crm.image" -}}
{{- $tag := .image.tag | default .root.Values.image.tag | default .root.Chart.AppVersion | toString -}}
{{- $repository := .image.repository -}}
{{- with .root.Values.image.registry -}}
{{- $repository = printf "%s/%s" (trimSuffix "/" .) $repository -}}
{{- end -}}
{{- if hasPrefix "sha256:" $tag -}}
{{- printf "%s@%s" $repository $tag -}}
{{- else -}}
{{- printf "%s:%s" $repository $tag -}}
{{- end -}}
{{- end -}}

{{/*
Deep merge with Helm's own rules (maps merge, everything else replaces, false and 0 win).
Sprig's merge/mergeOverwrite treat false, 0 and "" as unset, which would make a service
unable to turn off what the defaults turn on. Context: dict "base" <map> "override" <map>.
Returns YAML.
*/}}
{{- define "crm.merge" -}}
{{- $out := deepCopy .base -}}
{{- range $key, $value := .override -}}
{{- $current := get $out $key -}}
{{- if and (kindIs "map" $value) (kindIs "map" $current) -}}
{{- $_ := set $out $key (include "crm.merge" (dict "base" $current "override" $value) | fromYaml) -}}
{{- else -}}
{{- $_ := set $out $key $value -}}
{{- end -}}
{{- end -}}
{{- toYaml $out -}}
{{- end -}}

{{/*
The component model: every long-running process of the release, as YAML
{items: [component...]}. A component is
  name      resource name (<release>-<service>-<role>, or <release>-gateway)
  service   customer | sales | ... | gateway | console (label app.kubernetes.io/name)
  role      api | worker | gateway | console      (label app.kubernetes.io/component)
  args      the image's sub-command
  port      {name, number}
  image     image reference; version: its tag
  databaseSecret, fieldEncryption, jwtPrivateKey, demoMode ({} / false for the console,
            which holds no data and talks to no broker); fieldEncryption only for an api: a
            worker handles events and never seals or opens a personal field, so it gets no key
  attachments  the attachment store (ATTACHMENT_*, `attachments` values) for the processes a
            service names in its `attachments` (api: uploads and streams; worker: erasure)
  secretKey, timeZone, dashboardCacheSeconds, publicLeadFormFrameAncestors  the console's
            only (CONSOLE_SECRET_KEY's Secret, CONSOLE_TIME_ZONE, CONSOLE_DASHBOARD_CACHE_SECONDS,
            PUBLIC_LEAD_FORM_FRAME_ANCESTORS)
  clientCredentials  the service's own account ({clientId, secret, ...}; {} when it has none),
            the same for its api and its worker; always {} for the gateway
  values    defaults.<role> merged with the service's overrides
Every name in a `calls` list is checked here: an unknown or disabled service fails the render;
so is `clientCredentials` without the gateway that issues the tokens.
*/}}
{{- define "crm.components" -}}
{{- $root := . -}}
{{- $enabled := list -}}
{{- range $svc, $spec := .Values.services -}}
{{- if or (not (hasKey $spec "enabled")) $spec.enabled -}}{{- $enabled = append $enabled $svc -}}{{- end -}}
{{- end -}}
{{- $items := list -}}
{{- range $svc, $spec := .Values.services -}}
{{- if or (not (hasKey $spec "enabled")) $spec.enabled -}}
{{- $version := $spec.image.tag | default $root.Values.image.tag | default $root.Chart.AppVersion | toString -}}
{{- $credentials := $spec.clientCredentials | default dict -}}
{{- if and $credentials (not $root.Values.gateway.enabled) -}}
{{- fail (printf "services.%s.clientCredentials: the gateway issues the tokens, so it must be enabled (gateway.enabled)" $svc) -}}
{{- end -}}
{{- range $role := list "api" "worker" -}}
{{- $values := include "crm.merge" (dict "base" (index $root.Values.defaults $role) "override" (index $spec $role | default dict)) | fromYaml -}}
{{- range $values.calls -}}
{{- if not (has . $enabled) -}}
{{- fail (printf "services.%s.%s.calls: %q is not an enabled service (enabled: %s)" $svc $role . (join ", " $enabled)) -}}
{{- end -}}
{{- end -}}
{{- $port := ternary (dict "name" "grpc" "number" 50051) (dict "name" "http" "number" 8000) (eq $role "api") -}}
{{- $items = append $items (dict
      "name" (include "crm.name" (dict "root" $root "suffix" (printf "%s-%s" $svc $role)))
      "service" $svc "role" $role "args" (list $role) "port" $port
      "image" (include "crm.image" (dict "root" $root "image" $spec.image)) "version" $version
      "databaseSecret" $spec.databaseSecret "fieldEncryption" (and (eq $role "api") ($spec.fieldEncryption | default false))
      "attachments" (index ($spec.attachments | default dict) $role | default false)
      "jwtPrivateKey" false "demoMode" false "clientCredentials" $credentials "values" $values) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- with .Values.gateway -}}
{{- if .enabled -}}
{{- range .server.calls -}}
{{- if not (has . $enabled) -}}
{{- fail (printf "gateway.server.calls: %q is not an enabled service (enabled: %s)" . (join ", " $enabled)) -}}
{{- end -}}
{{- end -}}
{{- $items = append $items (dict
      "name" (include "crm.name" (dict "root" $root "suffix" "gateway"))
      "service" "gateway" "role" "gateway" "args" (list "serve") "port" (dict "name" "http" "number" 8080)
      "image" (include "crm.image" (dict "root" $root "image" .image))
      "version" (.image.tag | default $root.Values.image.tag | default $root.Chart.AppVersion | toString)
      "databaseSecret" .databaseSecret "fieldEncryption" false
      "jwtPrivateKey" true "demoMode" .demoMode "clientCredentials" dict "values" .server) -}}
{{- end -}}
{{- end -}}
{{- with .Values.console -}}
{{- if .enabled -}}
{{- if not $root.Values.gateway.enabled -}}
{{- fail "console.enabled: people sign in to the console through the gateway, so it must be enabled (gateway.enabled)" -}}
{{- end -}}
{{- range .server.calls -}}
{{- if not (has . $enabled) -}}
{{- fail (printf "console.server.calls: %q is not an enabled service (enabled: %s)" . (join ", " $enabled)) -}}
{{- end -}}
{{- end -}}
{{- $items = append $items (dict
      "name" (include "crm.name" (dict "root" $root "suffix" "console"))
      "service" "console" "role" "console" "args" (list "serve") "port" (dict "name" "http" "number" 8090)
      "image" (include "crm.image" (dict "root" $root "image" .image))
      "version" (.image.tag | default $root.Values.image.tag | default $root.Chart.AppVersion | toString)
      "databaseSecret" dict "fieldEncryption" false "secretKey" .secretKey "timeZone" .timeZone
      "dashboardCacheSeconds" .dashboardCacheSeconds
      "publicLeadFormFrameAncestors" (.publicLeadFormFrameAncestors | default list)
      "jwtPrivateKey" false "demoMode" false "clientCredentials" dict "values" .server) -}}
{{- end -}}
{{- end -}}
{{- toYaml (dict "items" $items) -}}
{{- end -}}

{{/*
The gateway's base URL through its in-cluster Service (same namespace): the console's
GATEWAY_URL (sign-in, refresh, sign-out, the identity directory).
*/}}
{{- define "crm.gatewayUrl" -}}
{{- printf "http://%s:8080" (include "crm.name" (dict "root" . "suffix" "gateway")) -}}
{{- end -}}

{{/*
SERVICE_TOKEN_URL: the gateway's token route through its in-cluster Service (same namespace).
*/}}
{{- define "crm.tokenUrl" -}}
{{- printf "http://%s:8080/api/v1/auth/token" (include "crm.name" (dict "root" . "suffix" "gateway")) -}}
{{- end -}}

{{/*
The service accounts: one per enabled service with `clientCredentials`, as YAML {items: [...]}
with service, name (of its bootstrap Job) and credentials ({clientId, secret, department,
roles, scopes, dataScope}).
*/}}
{{- define "crm.accounts" -}}
{{- $root := . -}}
{{- $items := list -}}
{{- range $svc, $spec := .Values.services -}}
{{- if and (or (not (hasKey $spec "enabled")) $spec.enabled) $spec.clientCredentials -}}
{{- $items = append $items (dict
      "service" $svc
      "name" (include "crm.name" (dict "root" $root "suffix" (printf "%s-account-bootstrap" $svc)))
      "credentials" $spec.clientCredentials) -}}
{{- end -}}
{{- end -}}
{{- toYaml (dict "items" $items) -}}
{{- end -}}

{{/*
The migration units: one per enabled service and the gateway, as YAML {items: [...]} with
name, service, image, version, databaseSecret and values (defaults.migrate merged with the
unit's `migrate`).
*/}}
{{- define "crm.migrations" -}}
{{- $root := . -}}
{{- $items := list -}}
{{- range $svc, $spec := .Values.services -}}
{{- if or (not (hasKey $spec "enabled")) $spec.enabled -}}
{{- $items = append $items (dict
      "name" (include "crm.name" (dict "root" $root "suffix" (printf "%s-migrate" $svc)))
      "service" $svc
      "image" (include "crm.image" (dict "root" $root "image" $spec.image))
      "version" ($spec.image.tag | default $root.Values.image.tag | default $root.Chart.AppVersion | toString)
      "databaseSecret" $spec.databaseSecret
      "values" (include "crm.merge" (dict "base" $root.Values.defaults.migrate "override" ($spec.migrate | default dict)) | fromYaml)) -}}
{{- end -}}
{{- end -}}
{{- with .Values.gateway -}}
{{- if .enabled -}}
{{- $items = append $items (dict
      "name" (include "crm.name" (dict "root" $root "suffix" "gateway-migrate"))
      "service" "gateway"
      "image" (include "crm.image" (dict "root" $root "image" .image))
      "version" (.image.tag | default $root.Values.image.tag | default $root.Chart.AppVersion | toString)
      "databaseSecret" .databaseSecret
      "values" (include "crm.merge" (dict "base" $root.Values.defaults.migrate "override" (.migrate | default dict)) | fromYaml)) -}}
{{- end -}}
{{- end -}}
{{- toYaml (dict "items" $items) -}}
{{- end -}}

{{/* Scaled by an HPA or KEDA, so the Deployment must not set replicas. Context: component. */}}
{{- define "crm.externallyScaled" -}}
{{- $v := .values -}}
{{- if or (and $v.autoscaling $v.autoscaling.enabled) (and $v.keda $v.keda.enabled) -}}true{{- end -}}
{{- end -}}

{{/* Pod securityContext. */}}
{{- define "crm.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .Values.securityContext.runAsUser }}
runAsGroup: {{ .Values.securityContext.runAsGroup }}
fsGroup: {{ .Values.securityContext.fsGroup }}
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* Container securityContext (the same for every container of the release). */}}
{{- define "crm.containerSecurityContext" -}}
runAsNonRoot: true
readOnlyRootFilesystem: true
allowPrivilegeEscalation: false
privileged: false
capabilities:
  drop:
    - ALL
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* requests/limits from {cpu, memory, cpuLimit}: the memory limit always equals the request. */}}
{{- define "crm.resources" -}}
requests:
  cpu: {{ .cpu | quote }}
  memory: {{ .memory | quote }}
limits:
  memory: {{ .memory | quote }}
  {{- with .cpuLimit }}
  cpu: {{ . | quote }}
  {{- end }}
{{- end -}}

{{/* NAME: value map as an env list. */}}
{{- define "crm.envMap" -}}
{{- range $name, $value := . }}
- name: {{ $name }}
  value: {{ $value | toString | quote }}
{{- end }}
{{- end -}}

{{/*
NAME: {name, key, optional} map as an env list of secretKeyRefs: a Secret's key in the
environment without its value ever passing through the values or the manifests.
*/}}
{{- define "crm.secretEnvMap" -}}
{{- range $name, $ref := . }}
- name: {{ $name }}
  valueFrom:
    secretKeyRef:
      name: {{ $ref.name | quote }}
      key: {{ $ref.key | quote }}
      {{- if $ref.optional }}
      optional: true
      {{- end }}
{{- end }}
{{- end -}}

{{/*
Environment of a process. Context: dict "root" $ "c" <component or migration unit> "role" <role>.
*/}}
{{- define "crm.env" -}}
{{- $root := .root -}}
{{- $c := .c -}}
- name: OTEL_SERVICE_NAME
  valueFrom:
    fieldRef:
      fieldPath: metadata.labels['app.kubernetes.io/name']
- name: K8S_POD_NAME
  valueFrom:
    fieldRef:
      fieldPath: metadata.name
- name: K8S_NAMESPACE
  valueFrom:
    fieldRef:
      fieldPath: metadata.namespace
- name: K8S_NODE_NAME
  valueFrom:
    fieldRef:
      fieldPath: spec.nodeName
- name: OTEL_RESOURCE_ATTRIBUTES
  value: {{ include "crm.resourceAttributes" . | quote }}
{{- if ne .role "console" }}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ $c.databaseSecret.name }}
      key: {{ $c.databaseSecret.key }}
- name: AMQP_URL
  valueFrom:
    secretKeyRef:
      name: {{ $root.Values.secrets.amqp.name }}
      key: {{ $root.Values.secrets.amqp.key }}
{{- end }}
{{- if eq .role "migrate" }}
- name: LOG_LEVEL
  value: {{ $root.Values.config.logLevel | quote }}
{{- else }}
- name: JWT_PUBLIC_KEY_FILE
  value: /etc/crm/jwt/public.pem
{{- if $c.jwtPrivateKey }}
- name: JWT_PRIVATE_KEY_FILE
  value: /etc/crm/jwt/private.pem
{{- end }}
{{- if $c.fieldEncryption }}
- name: FIELD_ENCRYPTION_KEY
  valueFrom:
    secretKeyRef:
      name: {{ $root.Values.secrets.fieldEncryption.name }}
      key: {{ $root.Values.secrets.fieldEncryption.key }}
{{- /* Older keys, during a rotation only: absent from the Secret is the normal case. */}}
- name: FIELD_ENCRYPTION_PREVIOUS_KEYS
  valueFrom:
    secretKeyRef:
      name: {{ $root.Values.secrets.fieldEncryption.name }}
      key: {{ $root.Values.secrets.fieldEncryption.previousKeys }}
      optional: true
{{- end }}
{{- end }}
{{- if eq .role "api" }}
- name: GRPC_PORT
  value: "50051"
- name: GRPC_REFLECTION
  value: {{ $root.Values.config.grpcReflection | toString | quote }}
{{- else if eq .role "worker" }}
- name: WORKER_HTTP_PORT
  value: "8000"
{{- else if eq .role "gateway" }}
- name: DEMO_MODE
  value: {{ $c.demoMode | toString | quote }}
{{- /* The proxy hops whose X-Forwarded-For gives the client address (the login throttle). */}}
- name: HTTP_TRUSTED_PROXIES
  value: {{ $c.values.trustedProxies | toString | quote }}
{{- include "crm.publicRateLimitsEnv" $c.values.publicRateLimits }}
{{- else if eq .role "console" }}
- name: CONSOLE_PORT
  value: "8090"
- name: GATEWAY_URL
  value: {{ include "crm.gatewayUrl" $root | quote }}
- name: CONSOLE_SECRET_KEY
  valueFrom:
    secretKeyRef:
      name: {{ $c.secretKey.name | quote }}
      key: {{ $c.secretKey.key | quote }}
{{- /* Behind the Ingress the console is reached over HTTPS only. */}}
- name: CONSOLE_SECURE_COOKIES
  value: "true"
- name: CONSOLE_TIME_ZONE
  value: {{ $c.timeZone | quote }}
- name: CONSOLE_DASHBOARD_CACHE_SECONDS
  value: {{ $c.dashboardCacheSeconds | toString | quote }}
- name: PUBLIC_LEAD_FORM_FRAME_ANCESTORS
  value: {{ join " " $c.publicLeadFormFrameAncestors | quote }}
{{- /* The hops in front; a sign-in forwards the client address to the gateway's throttle. */}}
- name: HTTP_TRUSTED_PROXIES
  value: {{ $c.values.trustedProxies | toString | quote }}
{{- include "crm.publicRateLimitsEnv" $c.values.publicRateLimits }}
{{- end }}
{{- if and (ne .role "migrate") $c.attachments }}
{{- include "crm.attachmentEnv" $root }}
{{- end }}
{{- if ne .role "migrate" }}
{{- range $peer := $c.values.calls }}
- name: {{ printf "%s_ADDR" ($peer | upper | replace "-" "_") }}
  value: {{ printf "%s:50051" (include "crm.name" (dict "root" $root "suffix" (printf "%s-api" $peer))) | quote }}
{{- end }}
{{- with $c.clientCredentials }}
{{- range $name := list "SERVICE_TOKEN_URL" "SERVICE_CLIENT_ID" "SERVICE_CLIENT_SECRET" }}
{{- if or (hasKey ($c.values.env | default dict) $name) (hasKey ($c.values.secretEnv | default dict) $name) (hasKey ($root.Values.config.extraEnv | default dict) $name) }}
{{- fail (printf "%s: %s comes from services.%s.clientCredentials; remove it from env/secretEnv/extraEnv" $c.name $name $c.service) }}
{{- end }}
{{- end }}
{{- /* The service account background calls authenticate as (client-credentials grant). */}}
- name: SERVICE_TOKEN_URL
  value: {{ include "crm.tokenUrl" $root | quote }}
- name: SERVICE_CLIENT_ID
  value: {{ .clientId | quote }}
- name: SERVICE_CLIENT_SECRET
  valueFrom:
    secretKeyRef:
      name: {{ .secret.name | quote }}
      key: {{ .secret.key | quote }}
{{- end }}
{{- end }}
{{- include "crm.envMap" $root.Values.config.extraEnv }}
{{- include "crm.envMap" $c.values.env }}
{{- range $name, $_ := $c.values.secretEnv }}
{{- if hasKey ($c.values.env | default dict) $name }}
{{- fail (printf "%s: %s is set in both env and secretEnv" $c.name $name) }}
{{- end }}
{{- end }}
{{- include "crm.secretEnvMap" $c.values.secretEnv }}
{{- end -}}

{{/*
PUBLIC_RATE_LIMIT_* of the gateway and of the console (the same setting names in both): what
one client address, and one target (a ticket number, a phone, a link), may send per window to
the public pages and routes. Context: the server's publicRateLimits.
*/}}
{{- define "crm.publicRateLimitsEnv" }}
- name: PUBLIC_RATE_LIMIT_PER_ADDRESS
  value: {{ .perAddress | toString | quote }}
- name: PUBLIC_RATE_LIMIT_PER_TARGET
  value: {{ .perTarget | toString | quote }}
- name: PUBLIC_RATE_LIMIT_WINDOW_SECONDS
  value: {{ .windowSeconds | toString | quote }}
{{- end -}}

{{/*
Environment of an account bootstrap Job (`crm-gateway service-account`, `seed-demo`): the
gateway's database and nothing else. Context: dict "root" $.
*/}}
{{- define "crm.accountBootstrapEnv" -}}
- name: OTEL_SERVICE_NAME
  valueFrom:
    fieldRef:
      fieldPath: metadata.labels['app.kubernetes.io/name']
- name: DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ .root.Values.gateway.databaseSecret.name }}
      key: {{ .root.Values.gateway.databaseSecret.key }}
- name: LOG_LEVEL
  value: {{ .root.Values.config.logLevel | quote }}
{{- end -}}

{{/* OTEL_RESOURCE_ATTRIBUTES (uses the K8S_* variables defined before it). */}}
{{- define "crm.resourceAttributes" -}}
{{- $attrs := list
      "service.namespace=crm"
      (printf "service.version=%s" .c.version)
      (printf "k8s.namespace.name=$(K8S_NAMESPACE)")
      (printf "k8s.pod.name=$(K8S_POD_NAME)")
      (printf "k8s.node.name=$(K8S_NODE_NAME)")
      (printf "crm.process.role=%s" .role) -}}
{{- range $key, $value := .root.Values.config.otel.resourceAttributes -}}
{{- $attrs = append $attrs (printf "%s=%s" $key $value) -}}
{{- end -}}
{{- join "," $attrs -}}
{{- end -}}

{{/* topologySpreadConstraints over zones and nodes. Context: dict "root" $ "c" <component>. */}}
{{- define "crm.topologySpread" -}}
{{- $spread := .c.values.topologySpread -}}
{{- range $i, $key := list "topology.kubernetes.io/zone" "kubernetes.io/hostname" }}
{{- if $i }}{{ "\n" }}{{ end -}}
- maxSkew: {{ $spread.maxSkew | int }}
  topologyKey: {{ $key }}
  whenUnsatisfiable: ScheduleAnyway
  matchLabelKeys:
    - pod-template-hash
  labelSelector:
    matchLabels:
      {{- include "crm.selectorLabels" (dict "root" $.root "name" $.c.service "component" $.c.role) | nindent 6 }}
{{- end }}
{{- end -}}

{{/* Pod selector of the api pods of a service. Context: dict "root" $ "service" <name>. */}}
{{- define "crm.apiSelector" -}}
{{ include "crm.selectorLabels" (dict "root" .root "name" .service "component" "api") }}
{{- end -}}

{{/* One egress rule (a list of one) from {to, ports}; no `to` means any destination on those ports. */}}
{{- define "crm.egressRule" -}}
{{- $rule := dict "ports" .ports -}}
{{- if .to }}{{ $_ := set $rule "to" .to }}{{ end -}}
{{- toYaml (list $rule) -}}
{{- end -}}

{{/* Pods of the in-release dev PostgreSQL / RabbitMQ. Context: dict "root" $ "name" "component". */}}
{{- define "crm.devPeer" -}}
- podSelector:
    matchLabels:
      {{- include "crm.selectorLabels" . | nindent 6 }}
{{- end -}}

{{/* An int-or-string value (maxUnavailable): numbers survive the YAML round trip as floats. */}}
{{- define "crm.intOrString" -}}
{{- if kindIs "string" . -}}{{ . | quote }}{{- else -}}{{ . | int }}{{- end -}}
{{- end -}}

{{/* "true" when any worker scales with KEDA. */}}
{{- define "crm.kedaInUse" -}}
{{- range $c := (include "crm.components" . | fromYaml).items -}}
{{- if and $c.values.keda $c.values.keda.enabled -}}true{{- end -}}
{{- end -}}
{{- end -}}

{{/*
The attachment store's environment (docs/attachments.md) of a process its service's `attachments` names.
Context: the root. The S3 credentials go in under boto3's own names, from the Secret.
*/}}
{{- define "crm.attachmentEnv" -}}
{{- $a := .Values.attachments }}
- name: ATTACHMENT_STORE
  value: {{ $a.store | quote }}
{{- if eq $a.store "local" }}
- name: ATTACHMENT_LOCAL_DIR
  value: /var/lib/crm/attachments
{{- else }}
- name: ATTACHMENT_S3_BUCKET
  value: {{ required "attachments.s3.bucket is required with attachments.store s3" $a.s3.bucket | quote }}
{{- with $a.s3.endpointUrl }}
- name: ATTACHMENT_S3_ENDPOINT_URL
  value: {{ . | quote }}
{{- end }}
{{- with $a.s3.region }}
- name: ATTACHMENT_S3_REGION
  value: {{ . | quote }}
{{- end }}
{{- with $a.credentialsSecret.name }}
- name: AWS_ACCESS_KEY_ID
  valueFrom:
    secretKeyRef:
      name: {{ . | quote }}
      key: {{ $a.credentialsSecret.accessKeyId | quote }}
- name: AWS_SECRET_ACCESS_KEY
  valueFrom:
    secretKeyRef:
      name: {{ . | quote }}
      key: {{ $a.credentialsSecret.secretAccessKey | quote }}
{{- end }}
{{- end }}
{{- end -}}
