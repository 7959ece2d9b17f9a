#!/bin/bash
# t-lookup.sh - the template function lookup against a cluster, compared with
# Helm 3.17.3 on the same test API server (tests/kubeapi/server.py): install
# and upgrade ask the cluster (objects, lists, cluster-scoped kinds, missing
# objects, int64 numbers, Helm's error for an unknown group version), the
# keep-the-password idiom survives upgrades by either tool, --dry-run=server
# (install, upgrade, template) asks too, and --dry-run (client), template and
# lint see an empty map.
cd "$(dirname "$0")/.." || exit 1
source tests/lib.sh
source tests/lib-kube.sh
# private copies of the binaries (other builds may replace bin/render meanwhile)
kube_setup t-lookup
BINS="$RENDER_COPY${RENDER_ASAN_COPY:+ $RENDER_ASAN_COPY}"

# ---- what the lookups find: objects that do not change while the test runs ----
"$KUBECTL" create namespace fixed >/dev/null
"$KUBECTL" -n fixed create configmap one --from-literal=a=1 >/dev/null
"$KUBECTL" -n fixed create configmap two --from-literal=b=2 >/dev/null
"$KUBECTL" -n fixed create secret generic creds --from-literal=password=s3cret >/dev/null
"$KUBECTL" -n fixed apply -f - >/dev/null <<'EOF'
apiVersion: apps/v1
kind: Deployment
metadata: {name: dep}
spec:
  replicas: 3
  selector: {matchLabels: {app: dep}}
  template:
    metadata: {labels: {app: dep}}
    spec: {containers: [{name: c, image: x, ports: [{containerPort: 8080}]}]}
EOF

C=$tmp/lk
mk $C/Chart.yaml <<'EOF'
apiVersion: v2
name: lk
version: 0.1.0
EOF
mk $C/templates/cm.yaml <<'EOF'
{{- $one := lookup "v1" "ConfigMap" "fixed" "one" }}
{{- $list := lookup "v1" "ConfigMap" "fixed" "" }}
{{- $missing := lookup "v1" "ConfigMap" "fixed" "nope" }}
{{- $nons := lookup "v1" "ConfigMap" "no-such-ns" "x" }}
{{- $ns := lookup "v1" "Namespace" "" "fixed" }}
{{- $nsx := lookup "v1" "Namespace" "ignored" "fixed" }}
{{- $dep := lookup "apps/v1" "Deployment" "fixed" "dep" }}
{{- $deps := lookup "apps/v1" "Deployment" "" "" }}
{{- $widget := lookup "v1" "Widget" "fixed" "w" }}
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-cm
data:
  one: {{ $one.data | toJson | quote }}
  oneKind: {{ printf "%s %s %s" $one.apiVersion $one.kind (typeOf $one) | quote }}
  listKeys: {{ keys $list | sortAlpha | toJson | quote }}
  list: {{ with $list }}{{ printf "%s %s %d" .apiVersion .kind (len .items) | quote }}{{ end }}
  items: {{ $list.items | toJson | quote }}
  missing: {{ printf "%v %s %v" $missing (typeOf $missing) (empty $missing) | quote }}
  nons: {{ $nons | toJson | quote }}
  ns: {{ $ns.status | toJson | quote }}
  nsIgnored: {{ dig "metadata" "name" "" $nsx | quote }}
  {{- with $dep }}
  replicas: {{ printf "%s %v" (typeOf .spec.replicas) .spec.replicas | quote }}
  port: {{ printf "%s" (typeOf (index .spec.template.spec.containers 0).ports) | quote }}
  {{- end }}
  deps: {{ range $deps.items }}{{ if eq .metadata.namespace "fixed" }}{{ printf "%s/%s %s " .apiVersion .kind .metadata.name }}{{ end }}{{ end }}
  widget: {{ $widget | toJson | quote }}
EOF
# the common idiom: a generated password kept across upgrades
mk $C/templates/secret.yaml <<'EOF'
{{- $s := lookup "v1" "Secret" .Release.Namespace (printf "%s-pw" .Release.Name) }}
apiVersion: v1
kind: Secret
metadata:
  name: {{ .Release.Name }}-pw
data:
  {{- if $s }}
  password: {{ index $s.data "password" }}
  {{- else }}
  password: {{ randAlphaNum 10 | b64enc }}
  {{- end }}
  from-lookup: {{ printf "%v" (not (empty $s)) | b64enc }}
EOF

# same H R BIN: helm's and render's stored manifests are equal (R renamed to H)
same() {
	"$HELM" get manifest $1 >$tmp/hm 2>&1
	"$3" get manifest $2 2>&1 | sed -E "s/\\b$2\\b/$1/g" >$tmp/rm
	# the passwords are random: compared separately
	sed -i '/^  password: /d' $tmp/hm $tmp/rm
	if cmp -s $tmp/hm $tmp/rm; then pass; else fail "manifests $1/$2 ($3): $(diff $tmp/hm $tmp/rm | head -10)"; fi
}
pw() { "$KUBECTL" get secret $1-pw -o jsonpath='{.data.password}'; }
from_lookup() { "$KUBECTL" get secret $1-pw -o jsonpath='{.data.from-lookup}' | base64 -d; }

n=0
for bin in $BINS; do
	n=$((n + 1))
	h=h$n r=r$n
	"$HELM" install $h $C >/dev/null 2>$tmp/he || fail "helm install: $(cat $tmp/he)"
	"$bin" install $r $C >/dev/null 2>$tmp/re && pass || fail "render install ($bin): $(cat $tmp/re)"
	same $h $r $bin
	grep -qF 'one: "{\"a\":\"1\"}"' $tmp/hm && grep -qF 'one: "{\"a\":\"1\"}"' $tmp/rm && pass ||
		fail "lookups found nothing: $(head -20 $tmp/rm)"
	[ "$(from_lookup $r)" = false ] && pass || fail "first install saw its own secret"
	p1=$(pw $r)
	"$bin" upgrade $r $C >/dev/null 2>$tmp/re && pass || fail "render upgrade ($bin): $(cat $tmp/re)"
	"$HELM" upgrade $h $C >/dev/null 2>&1
	same $h $r $bin
	[ -n "$p1" ] && [ "$(pw $r)" = "$p1" ] && [ "$(from_lookup $r)" = true ] && pass ||
		fail "render upgrade changed the password: $p1 -> $(pw $r)"
	# across tools: each keeps the other's password
	hp=$(pw $h)
	"$bin" upgrade $h $C >/dev/null 2>$tmp/re && [ "$(pw $h)" = "$hp" ] && pass ||
		fail "render upgrade of a helm release changed its password: $(cat $tmp/re)"
	"$HELM" upgrade $r $C >/dev/null 2>&1 && [ "$(pw $r)" = "$p1" ] && pass ||
		fail "helm upgrade of a render release changed its password"
done

# ---- no cluster for lookup: --dry-run (client), template, lint ----
# twin H R CMD...: exit code, stdout and stderr equal (R renamed to H, times cut)
twin() {
	local h=$1 r=$2
	shift 2
	"$HELM" "${@//NAME/$h}" >$tmp/ho 2>$tmp/he
	local hrc=$?
	"$tmp/render" "${@//NAME/$r}" >$tmp/ro 2>$tmp/re
	local rrc=$?
	sed -i -E "s/\\b$r\\b/$h/g" $tmp/ro $tmp/re
	sed -i -E 's/^LAST DEPLOYED: .*/LAST DEPLOYED: T/; /^  password: /d' $tmp/ho $tmp/ro
	if [ $hrc = $rrc ] && cmp -s $tmp/ho $tmp/ro && cmp -s $tmp/he $tmp/re; then
		pass
	else
		fail "$* (helm rc $hrc, render rc $rrc): $(diff $tmp/ho $tmp/ro | head -6) $(diff $tmp/he $tmp/re | head -6)"
	fi
}
twin hd rd install NAME $C --dry-run
grep -q '^  one: "null"$' $tmp/ro && pass || fail "--dry-run looked up: $(grep one: $tmp/ro)"
twin hd rd install NAME $C --dry-run=client
twin h1 r1 upgrade NAME $C --dry-run
twin hd rd template NAME $C
grep -q '^  one: "null"$' $tmp/ro && pass || fail "template looked up: $(grep one: $tmp/ro)"
"$HELM" lint $C >$tmp/ho 2>&1; hrc=$?
"$tmp/render" lint $C >$tmp/ro 2>&1; rrc=$?
[ $hrc = $rrc ] && cmp -s $tmp/ho $tmp/ro && pass || fail "lint: $(diff $tmp/ho $tmp/ro | head -6)"

# --dry-run=server asks the cluster; so does template with --dry-run=server, none
# or false (Helm's interactWithRemote), its capabilities still the defaults
twin hd rd install NAME $C --dry-run=server
grep -qF 'one: "{\"a\":\"1\"}"' $tmp/ro && pass || fail "--dry-run=server did not look up: $(grep one: $tmp/ro)"
twin h1 r1 upgrade NAME $C --dry-run=server
grep -qF 'one: "{\"a\":\"1\"}"' $tmp/ro && pass || fail "upgrade --dry-run=server did not look up: $(grep one: $tmp/ro)"
twin h1 r1 upgrade NAME $C --dry-run=server --dry-run
grep -q '^  one: "null"$' $tmp/ro && pass || fail "the last --dry-run does not win: $(grep one: $tmp/ro)"
for d in --dry-run=server --dry-run=none --dry-run=false; do
	twin hd rd template NAME $C $d
	grep -qF 'one: "{\"a\":\"1\"}"' $tmp/ro && pass || fail "template $d did not look up: $(grep one: $tmp/ro)"
done
twin hd rd template NAME $C --dry-run
grep -q '^  one: "null"$' $tmp/ro && pass || fail "template --dry-run looked up: $(grep one: $tmp/ro)"
twin hd rd template NAME $C --dry-run=client
twin hd rd template NAME $C --dry-run=server --kube-context nope
# the value is checked (Helm's validateDryRunOptionFlag); an empty one is no dry run
twin hv rv template NAME $C --dry-run=bogus
twin hv rv install NAME $C --dry-run=bogus
twin h1 r1 upgrade NAME $C --dry-run=bogus
twin hv rv upgrade --install NAME $C --dry-run=bogus
twin hv rv install NAME $C --dry-run=
twin hv rv status NAME
grep -q '^STATUS: deployed$' $tmp/ro && pass || fail "--dry-run= was a dry run: $(cat $tmp/ro)"

# ---- errors ----
E=$tmp/err
mk $E/Chart.yaml <<'EOF'
apiVersion: v2
name: err
version: 0.1.0
EOF
printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata:\n  x: {{ lookup "nope.io/v1" "Widget" "default" "w" | toJson | quote }}\n' |
	mk $E/templates/cm.yaml
twin he re install NAME $E
twin he re install NAME $E --dry-run
printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata:\n  x: {{ lookup "v1" "ConfigMap" "default" "" | toJson | quote }}{{ lookup "a/b/c" "X" "" "" }}\n' |
	mk $E/templates/cm.yaml
twin he re install NAME $E

finish
