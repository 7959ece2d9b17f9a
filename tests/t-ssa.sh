#!/bin/bash
# t-ssa.sh - server-side apply in render install/upgrade/rollback, on the test API
# server (tests/kubeapi/server.py): objects applied under the field manager "helm"
# (operation Apply, as Helm 4 does), fields and objects dropped from the chart removed,
# releases passed back and forth with Helm 3.17.3 (three-way merge) and Helm 4.1.4
# (server-side apply, same manager), conflicts with kubectl's fields reported in
# Helm 4's words and taken with --force-conflicts, --field-manager, --server-side=false.
cd "$(dirname "$0")/.." || exit 1
source tests/lib.sh
source tests/lib-kube.sh
# private copies of the binaries (other builds may replace bin/render meanwhile)
kube_setup t-ssa
HELM4=${HELM4:-$(tests/setup-helm.sh 4 2>/dev/null)}
[ -x "$HELM4" ] || echo "t-ssa: no Helm 4 (tests/setup-helm.sh 4 failed): its checks are skipped"
R=${RENDER_ASAN_COPY:-$RENDER_COPY}

mk $tmp/app/Chart.yaml <<'EOF'
apiVersion: v2
name: app
version: 0.1.0
EOF
mk $tmp/app/values.yaml <<'EOF'
replicas: 1
a: "1"
b: true
extra: true
kept: true
EOF
mk $tmp/app/templates/cm.yaml <<'EOF'
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-cm
data:
  a: {{ .Values.a | quote }}
  {{- if .Values.b }}
  b: "2"
  {{- end }}
{{- if .Values.extra }}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-extra
data: {x: "1"}
{{- end }}
{{- if .Values.kept }}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-kept
  annotations: {helm.sh/resource-policy: keep}
data: {x: "1"}
{{- end }}
EOF
mk $tmp/app/templates/dep.yaml <<'EOF'
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}-web
spec:
  replicas: {{ .Values.replicas }}
  selector:
    matchLabels: {app: {{ .Release.Name }}}
  template:
    metadata:
      labels: {app: {{ .Release.Name }}}
    spec:
      containers:
      - name: web
        image: nginx:1
EOF
mk $tmp/app/templates/hook.yaml <<'EOF'
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-hook
  annotations: {helm.sh/hook: post-install, helm.sh/hook-delete-policy: before-hook-creation}
data: {h: "1"}
EOF
APP=$tmp/app

# mf KIND/NAME: the managers of an object, "manager/Operation" sorted
mf() {
	"$KUBECTL" get "$1" -o json --show-managed-fields 2>/dev/null | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(" ".join(sorted("%s/%s" % (m["manager"], m["operation"]) for m in d["metadata"].get("managedFields") or [])))'
}
# owns KIND/NAME MANAGER OPERATION PATH: the entry owns the FieldsV1 path (f:data|f:b)
owns() {
	"$KUBECTL" get "$1" -o json --show-managed-fields 2>/dev/null | python3 -c '
import json, sys
d = json.load(sys.stdin)
for m in d["metadata"].get("managedFields") or []:
	if m["manager"] == sys.argv[1] and m["operation"] == sys.argv[2]:
		f = m["fieldsV1"]
		for el in sys.argv[3].split("|"):
			f = f.get(el) if isinstance(f, dict) else None
		sys.exit(0 if f is not None else 1)
sys.exit(1)' "$2" "$3" "$4"
}
live() { "$KUBECTL" get "$1" -o jsonpath="$2" 2>/dev/null; }
exists() { "$KUBECTL" get "$1" >/dev/null 2>&1; }
eq() { if [ "$2" = "$3" ]; then pass; else fail "$1: want [$2] got [$3]"; fi; }
ok() {
	local name=$1
	shift
	if "$@" >$tmp/out 2>&1; then pass; else fail "$name: $(head -c 600 $tmp/out)"; fi
}
bad() {
	local name=$1
	shift
	if "$@" >$tmp/out 2>&1; then fail "$name: succeeded"; else pass; fi
}

# ---- render installs with server-side apply (its default)
ok "render install" $R install s1 $APP
eq "configmap applied by helm" "helm/Apply" "$(mf cm/s1-cm)"
eq "deployment applied by helm" "helm/Apply" "$(mf deploy/s1-web)"
eq "hook applied by helm (as Helm 4 does)" "helm/Apply" "$(mf cm/s1-hook)"
owns cm/s1-cm helm Apply 'f:data|f:b' && pass || fail "helm does not own .data.b"
owns cm/s1-cm helm Apply 'f:metadata|f:labels|f:app.kubernetes.io/managed-by' && pass || fail "helm does not own its label"
# kubectl reads it as a server-side applied object
ok "kubectl get --show-managed-fields" "$KUBECTL" get cm s1-cm -o yaml --show-managed-fields
grep -q 'operation: Apply' $tmp/out && pass || fail "kubectl sees no Apply entry: $(cat $tmp/out)"

# ---- an upgrade drops a field and objects (the kept one stays)
ok "render upgrade dropping b, extra, kept" $R upgrade s1 $APP --set b=false,extra=false,kept=false,a=2
eq "field dropped from the chart is gone" '{"a":"2"}' "$(live cm/s1-cm '{.data}')"
exists cm/s1-extra && fail "object dropped from the chart still there" || pass
exists cm/s1-kept && pass || fail "helm.sh/resource-policy: keep object was deleted"
eq "still only helm's Apply entry" "helm/Apply" "$(mf cm/s1-cm)"

# ---- Helm 3 upgrades and rolls back a render release; render takes it back
ok "helm 3 upgrades a render release" "$HELM" upgrade s1 $APP --set a=3
eq "helm 3 upgrade applied" '{"a":"3","b":"2"}' "$(live cm/s1-cm '{.data}')"
exists cm/s1-extra && pass || fail "helm 3 upgrade did not create extra"
ok "helm 3 rolls back a render release" "$HELM" rollback s1 2
eq "helm 3 rollback applied" '{"a":"2"}' "$(live cm/s1-cm '{.data}')"
exists cm/s1-extra && fail "helm 3 rollback kept extra" || pass
ok "render upgrades after helm 3 (its Update fields move to Apply)" $R upgrade s1 $APP --set a=4
eq "render upgrade after helm 3" '{"a":"4","b":"2"}' "$(live cm/s1-cm '{.data}')"
eq "no Update entry left for helm" "helm/Apply" "$(mf cm/s1-cm)"
ok "render rollback (server-side)" $R rollback s1 3
eq "render rollback applied" '{"a":"3","b":"2"}' "$(live cm/s1-cm '{.data}')"
ok "helm 3 history of the render release" "$HELM" history s1
eq "history revisions" 6 "$(grep -c '^[0-9]' $tmp/out)"

# ---- render upgrades a Helm 3 release: fields Helm 3 owned and the chart drops go
ok "helm 3 install" "$HELM" install s2 $APP
eq "helm 3 objects are Updates" "helm/Update" "$(mf cm/s2-cm)"
ok "render upgrades a helm 3 release" $R upgrade s2 $APP --set b=false,extra=false
eq "field helm 3 set, dropped by render" '{"a":"1"}' "$(live cm/s2-cm '{.data}')"
exists cm/s2-extra && fail "object dropped from the chart still there" || pass
eq "helm 3 ownership moved to Apply" "helm/Apply" "$(mf cm/s2-cm)"
ok "helm 3 upgrades it again" "$HELM" upgrade s2 $APP --set a=5
eq "helm 3 upgrade after render" '{"a":"5","b":"2"}' "$(live cm/s2-cm '{.data}')"
ok "helm 3 status" "$HELM" status s2
grep -q 'REVISION: 3' $tmp/out && pass || fail "helm 3 status: $(cat $tmp/out)"

# ---- Helm 4 (server-side apply, manager helm) upgrades a render release: no conflict
if [ -x "$HELM4" ]; then
	ok "render install s3" $R install s3 $APP
	ok "helm 4 --server-side=true upgrade of a render release" "$HELM4" upgrade s3 $APP --server-side=true --set a=7,replicas=2,b=false
	eq "helm 4 upgrade applied" '{"a":"7"} 2' "$(live cm/s3-cm '{.data}') $(live deploy/s3-web '{.spec.replicas}')"
	eq "helm 4 shares render's manager" "helm/Apply" "$(mf cm/s3-cm)"
	ok "helm 4 upgrade (auto) of a render release" "$HELM4" upgrade s3 $APP --set a=8
	eq "helm 4 auto upgrade applied" '{"a":"8","b":"2"}' "$(live cm/s3-cm '{.data}')"
	ok "render upgrades after helm 4" $R upgrade s3 $APP --set a=9
	eq "render after helm 4" '{"a":"9","b":"2"} helm/Apply' "$(live cm/s3-cm '{.data}') $(mf cm/s3-cm)"
	ok "helm 4 rollback of a render release" "$HELM4" rollback s3 1 --server-side=true
	eq "helm 4 rollback applied" '{"a":"1","b":"2"} 1' "$(live cm/s3-cm '{.data}') $(live deploy/s3-web '{.spec.replicas}')"
fi

# ---- conflicts: a field kubectl changed is reported, --force-conflicts takes it
ok "render install s4" $R install s4 $APP
ok "kubectl takes .spec.replicas" "$KUBECTL" patch deploy s4-web --type merge -p '{"spec":{"replicas":3}}'
bad "render upgrade changing a kubectl field" $R upgrade s4 $APP --set replicas=2
cp $tmp/out $tmp/conflict
grep -qxF 'Error: UPGRADE FAILED: conflict occurred while applying object default/s4-web apps/v1, Kind=Deployment: Apply failed with 1 conflict: conflict with "kubectl-patch" using apps/v1: .spec.replicas' $tmp/conflict &&
	pass || fail "conflict message: $(cat $tmp/conflict)"
grep -q -- '--force-conflicts' $tmp/conflict && grep -q 'Deployment "s4-web"' $tmp/conflict && pass || fail "no --force-conflicts hint: $(cat $tmp/conflict)"
eq "conflict left the field alone" 3 "$(live deploy/s4-web '{.spec.replicas}')"
if [ -x "$HELM4" ]; then # Helm 4 reports the same conflict in the same words
	ok "render install s5" $R install s5 $APP
	"$KUBECTL" patch deploy s5-web --type merge -p '{"spec":{"replicas":3}}' >/dev/null
	bad "helm 4 upgrade changing a kubectl field" "$HELM4" upgrade s5 $APP --server-side=true --set replicas=2
	eq "helm 4's conflict wording" "$(grep '^Error:' $tmp/out | sed 's/s5/s4/g')" "$(head -1 $tmp/conflict)"
fi
ok "render upgrade --force-conflicts" $R upgrade s4 $APP --set replicas=2 --force-conflicts
eq "forced field" 2 "$(live deploy/s4-web '{.spec.replicas}')"
eq "kubectl's entry gone" "helm/Apply" "$(mf deploy/s4-web)"
ok "same value as kubectl's: shared, no conflict" "$KUBECTL" patch deploy s4-web --type merge -p '{"spec":{"replicas":5}}'
ok "render upgrade to kubectl's value" $R upgrade s4 $APP --set replicas=5
eq "both own the field" "helm/Apply kubectl-patch/Update" "$(mf deploy/s4-web)"
ok "kubectl scale" "$KUBECTL" scale deploy s4-web --replicas=6
bad "render upgrade over kubectl scale" $R upgrade s4 $APP --set replicas=7
grep -qF 'conflict with "kubectl" with subresource "scale" using apps/v1: .spec.replicas' $tmp/out && pass || fail "scale conflict: $(cat $tmp/out)"

# ---- --field-manager
ok "render install --field-manager x" $R install s6 $APP --field-manager x
eq "manager x" "x/Apply" "$(mf cm/s6-cm)"
ok "render upgrade --field-manager x" $R upgrade s6 $APP --field-manager x --set b=false
eq "manager x drops its field" '{"a":"1"} x/Apply' "$(live cm/s6-cm '{.data}') $(mf cm/s6-cm)"

# ---- --server-side=false: Helm 3's POST and three-way merge patch, as Helm 3 leaves them
ok "render install --server-side=false" $R install s7 $APP --server-side=false
ok "helm 3 install (twin)" "$HELM" install s8 $APP
eq "same managers as helm 3" "$(mf cm/s8-cm) $(mf deploy/s8-web)" "$(mf cm/s7-cm) $(mf deploy/s7-web)"
"$KUBECTL" patch deploy s7-web --type merge -p '{"spec":{"replicas":3}}' >/dev/null
ok "render upgrade --server-side=false over a kubectl edit" $R upgrade s7 $APP --server-side=false --set replicas=2,b=false
eq "merge patch applied" '{"a":"1"} 2' "$(live cm/s7-cm '{.data}') $(live deploy/s7-web '{.spec.replicas}')"
eq "merge patch is an Update" "helm/Update" "$(mf cm/s7-cm)"
ok "render upgrade --force (replace)" $R upgrade s7 $APP --force --set a=x
eq "replaced" '{"a":"x","b":"2"} helm/Update' "$(live cm/s7-cm '{.data}') $(mf cm/s7-cm)"

# ---- flag errors, in Helm 4's words
bad "bad --server-side" $R upgrade s1 $APP --server-side=maybe
eq "bad --server-side message" "Error: UPGRADE FAILED: invalid/unknown release server-side apply method: maybe" "$(cat $tmp/out)"
bad "bad rollback --server-side" $R rollback s1 --server-side=maybe
eq "bad rollback --server-side message" "Error: invalid/unknown release server-side apply method: maybe" "$(cat $tmp/out)"
bad "--force-conflicts without server-side" $R upgrade s1 $APP --server-side=false --force-conflicts
eq "--force-conflicts without server-side message" "Error: UPGRADE FAILED: invalid client update option(s): forceConflicts enabled when serverSideApply disabled" "$(cat $tmp/out)"
bad "rollback --force-conflicts without server-side" $R rollback s1 1 --server-side=false --force-conflicts
eq "rollback --force-conflicts without server-side message" "Error: invalid client update option(s): forceConflicts enabled when serverSideApply disabled" "$(cat $tmp/out)"
if [ -x "$HELM4" ]; then
	bad "helm 4: rollback --force-conflicts without server-side" "$HELM4" rollback s1 1 --server-side=false --force-conflicts
	eq "helm 4 says the same" "Error: invalid client update option(s): forceConflicts enabled when serverSideApply disabled" "$(grep '^Error:' $tmp/out)"
	bad "helm 4: bad --server-side" "$HELM4" upgrade s1 $APP --server-side=maybe
	eq "helm 4 says the same" "Error: UPGRADE FAILED: invalid/unknown release server-side apply method: maybe" "$(grep '^Error:' $tmp/out)"
	bad "helm 4: --force-conflicts without server-side" "$HELM4" upgrade s1 $APP --server-side=false --force-conflicts
	eq "helm 4 says the same" "Error: UPGRADE FAILED: invalid client update option(s): forceConflicts enabled when serverSideApply disabled" "$(grep '^Error:' $tmp/out)"
fi

finish
