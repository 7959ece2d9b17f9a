#!/bin/bash
# t-install.sh - render install/upgrade/rollback/uninstall against Helm 3.17.3
# on the same test API server (tests/kubeapi/server.py): each case runs with
# Helm on one release and render on a twin release, then compares exit codes,
# stdout, stderr, the stored records (decoded, byte for byte but for times)
# and the objects left on the server; and releases made by one tool are
# listed, upgraded, rolled back and uninstalled by the other.
cd "$(dirname "$0")/.." || exit 1
source tests/lib.sh
source tests/lib-kube.sh
# private copies of the binaries (other builds may replace bin/render meanwhile)
kube_setup t-install
R=$RENDER_COPY RA=$RENDER_ASAN_COPY

# ---- charts ----
mk $tmp/web/Chart.yaml <<'EOF'
apiVersion: v2
name: web
version: 0.1.0
appVersion: "1.0"
EOF
mk $tmp/web/values.yaml <<'EOF'
replicas: 1
msg: hello
ready: true
extra: false
EOF
mk $tmp/web/templates/cm.yaml <<'EOF'
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-cm
data:
  msg: {{ .Values.msg | quote }}
  rev: "{{ .Release.Revision }}"
  upgrade: "{{ .Release.IsUpgrade }}"
  kube: {{ .Capabilities.KubeVersion.Version | quote }}
  has-widgets: "{{ .Capabilities.APIVersions.Has "apps/v1/Deployment" }}"
EOF
mk $tmp/web/templates/dep.yaml <<'EOF'
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}-web
  {{- if not .Values.ready }}
  annotations: {kubeapi.test/ready: "false"}
  {{- end }}
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
        image: nginx
EOF
mk $tmp/web/templates/extra.yaml <<'EOF'
{{- if .Values.extra }}
apiVersion: v1
kind: Service
metadata:
  name: {{ .Release.Name }}-svc
spec:
  ports: [{port: 80}]
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-kept
  annotations: {helm.sh/resource-policy: keep}
{{- end }}
{{- if .Values.badns }}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-bad
  namespace: no-such-namespace
{{- end }}
EOF
mk $tmp/web/templates/hooks.yaml <<'EOF'
apiVersion: batch/v1
kind: Job
metadata:
  name: {{ .Release.Name }}-pre
  annotations:
    helm.sh/hook: pre-install,pre-upgrade
    helm.sh/hook-weight: "-1"
    {{- if .Values.failhook }}
    kubeapi.test/job: fail
    {{- end }}
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: x, image: busybox}]
{{- range list "post-install" "post-upgrade" "pre-rollback" "post-rollback" "pre-delete" "post-delete" }}
---
apiVersion: v1
kind: Pod
metadata:
  name: {{ $.Release.Name }}-{{ . }}
  annotations:
    helm.sh/hook: {{ . }}
    helm.sh/hook-delete-policy: hook-succeeded
spec:
  restartPolicy: Never
  containers: [{name: c, image: busybox}]
{{- end }}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-hookcm
  annotations:
    helm.sh/hook: post-install,post-upgrade
    helm.sh/hook-weight: "5"
EOF
echo 'Thanks for installing {{ .Release.Name }} (revision {{ .Release.Revision }})' | mk $tmp/web/templates/NOTES.txt
printf 'msg: prod\n' | mk $tmp/web/values-prod.yaml

mk $tmp/crd/Chart.yaml <<'EOF'
apiVersion: v2
name: crd
version: 1.0.0
dependencies:
- name: sub
  version: 0.1.0
  condition: sub.enabled
  import-values: [data, {child: exported, parent: imported}]
EOF
printf 'sub:\n  enabled: true\n' | mk $tmp/crd/values.yaml
mk $tmp/crd/crds/widget.yaml <<'EOF'
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  names: {kind: Widget, plural: widgets, singular: widget, listKind: WidgetList}
  scope: Namespaced
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}
EOF
mk $tmp/crd/templates/w.yaml <<'EOF'
apiVersion: example.com/v1
kind: Widget
metadata:
  name: {{ .Release.Name }}-w
spec:
  imported: {{ toJson .Values.imported | quote }}
  data: {{ toJson .Values.d | quote }}
EOF
printf 'apiVersion: v2\nname: sub\nversion: 0.1.0\n' | mk $tmp/crd/charts/sub/Chart.yaml
printf 'exported: {a: 1}\nexports:\n  data: {d: 2}\n' | mk $tmp/crd/charts/sub/values.yaml
printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-sub\n' | mk $tmp/crd/charts/sub/templates/cm.yaml

# ---- helpers ----
# twin H R CMD...: runs CMD with NAME=H under helm and NAME=R under render
# (render gets $RFLAGS too); exit code, stdout and stderr must match (R
# renamed to H, deploy times cut).
twin() {
	local h=$1 r=$2 bin=${BIN:-$R}
	shift 2
	"$HELM" "${@//NAME/$h}" >$tmp/ho 2>$tmp/he
	local hrc=$?
	"$bin" "${@//NAME/$r}" ${RFLAGS:-} >$tmp/ro 2>$tmp/re
	local rrc=$?
	sed -i -E "s/\\b$r\\b/$h/g" $tmp/ro $tmp/re
	# times (ANSIC, as history and status print them) become a same-width mark
	sed -i -E 's/[A-Z][a-z]{2} [A-Z][a-z]{2} [ 0-9][0-9] [0-9]{2}:[0-9]{2}:[0-9]{2} [0-9]{4}/TIME-TIME-TIME-TIME-TIME/g; s/20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z/T/g' $tmp/ho $tmp/ro
	if [ $hrc = $rrc ] && cmp -s $tmp/ho $tmp/ro && cmp -s $tmp/he $tmp/re; then
		pass
	else
		fail "$* (helm rc $hrc, render rc $rrc): $(diff $tmp/ho $tmp/ro | head -6) $(diff $tmp/he $tmp/re | head -6)"
	fi
}

# records H R: every stored record of both releases, decoded, times cut.
records() {
	"$KUBECTL" get secrets -l "owner=helm,name=$1" -o json >$tmp/hs 2>/dev/null
	"$KUBECTL" get secrets -l "owner=helm,name=$2" -o json >$tmp/rs 2>/dev/null
	python3 - "$tmp/hs" "$tmp/rs" "$1" "$2" <<'EOF' >$tmp/rec 2>&1
import base64, gzip, json, re, sys
def load(path, name):
    out = {}
    for s in json.load(open(path))["items"]:
        raw = gzip.decompress(base64.b64decode(base64.b64decode(s["data"]["release"]))).decode()
        raw = re.sub(r'"\d{4}-\d\d-\d\dT[0-9:.]+(Z|[+-]\d\d:\d\d)"', '"T"', raw)
        lab = {k: v for k, v in s["metadata"]["labels"].items() if k not in ("createdAt", "modifiedAt")}
        out[s["metadata"]["labels"]["version"]] = (sorted(s["metadata"]["labels"]), lab, raw)
    return out
h = load(sys.argv[1], sys.argv[3])
r = load(sys.argv[2], sys.argv[4])
pat = re.compile(r"\b%s\b" % re.escape(sys.argv[4]))
r = {k: (v[0], {a: pat.sub(sys.argv[3], b) for a, b in v[1].items()}, pat.sub(sys.argv[3], v[2])) for k, v in r.items()}
if sorted(h) != sorted(r):
    print("revisions", sorted(h), sorted(r)); sys.exit(1)
for k in h:
    if h[k] != r[k]:
        print("revision", k, "differs"); print(h[k]); print(r[k]); sys.exit(1)
EOF
	if [ $? = 0 ]; then pass; else fail "records $1/$2: $(head -c 1500 $tmp/rec)"; fi
}

# objects H R: the chart objects of both releases on the server (kind/name).
OBJKINDS=configmaps,secrets,services,deployments,jobs,pods
objects() {
	local kinds=${3:-$OBJKINDS}
	"$KUBECTL" get $kinds -A -o name 2>/dev/null | grep -E "/$1-" | sort >$tmp/ho
	"$KUBECTL" get $kinds -A -o name 2>/dev/null | grep -E "/$2-" | sed "s/\\b$2\\b/$1/g" | sort >$tmp/ro
	if cmp -s $tmp/ho $tmp/ro; then pass; else fail "objects $1/$2: $(diff $tmp/ho $tmp/ro | head -8)"; fi
}

# owned NAME: every object of the release's manifest carries Helm's ownership metadata.
owned() {
	local n=$1 ns=default kinds=${2:-configmaps,deployments,services} bad
	bad=$("$KUBECTL" get $kinds -n $ns -o json 2>&1 | python3 -c '
import json, sys
n, ns = sys.argv[1], sys.argv[2]
for o in json.load(sys.stdin)["items"]:
    m = o["metadata"]
    if not m["name"].startswith(n + "-") or m["name"].endswith("-hookcm"):
        continue
    a, l = m.get("annotations", {}), m.get("labels", {})
    if l.get("app.kubernetes.io/managed-by") != "Helm" or a.get("meta.helm.sh/release-name") != n or a.get("meta.helm.sh/release-namespace") != ns:
        print(o["kind"], m["name"])
' $n $ns)
	if [ -z "$bad" ]; then pass; else fail "ownership metadata missing on: $bad"; fi
}

WEB=$tmp/web

# ---- install, then the other tool takes over ----
twin h-a r-a install NAME $WEB --set msg=x
records h-a r-a
objects h-a r-a
owned r-a
twin h-a r-a install NAME $WEB                      # name in use
# render's release, upgraded by helm (values reused: none given), then rolled back by helm
"$HELM" upgrade r-a $WEB --set replicas=2 >/dev/null 2>&1 && pass || fail "helm upgrade of a render release"
"$HELM" upgrade h-a $WEB --set replicas=2 >/dev/null 2>&1
records h-a r-a
"$HELM" rollback r-a 1 >/dev/null 2>&1 && pass || fail "helm rollback of a render release"
"$HELM" rollback h-a 1 >/dev/null 2>&1
records h-a r-a
[ "$("$KUBECTL" get cm r-a-cm -o jsonpath='{.data.msg}/{.data.rev}')" = "x/1" ] && pass || fail "r-a-cm after helm rollback"
twin h-a r-a get manifest NAME
twin h-a r-a get values NAME --all
twin h-a r-a history NAME
# helm's release, upgraded by render (values given, then reused, then reset)
"$HELM" install h-b $WEB --set msg=y >/dev/null 2>&1
"$HELM" install r-b $WEB --set msg=y >/dev/null 2>&1
twin h-b r-b upgrade NAME $WEB --set extra=true --labels team=x
records h-b r-b
objects h-b r-b
twin h-b r-b upgrade NAME $WEB --reuse-values --set replicas=3
twin h-b r-b upgrade NAME $WEB --reset-then-reuse-values --set msg=z
twin h-b r-b upgrade NAME $WEB --reset-values --description mine
records h-b r-b
objects h-b r-b                                         # extra objects gone, the kept one stays
[ "$("$KUBECTL" get deploy r-b-web -o jsonpath='{.spec.replicas}')" = 1 ] && pass || fail "r-b-web replicas after reset"
twin h-b r-b rollback NAME 2
twin h-b r-b rollback NAME
twin h-b r-b rollback NAME 9
twin h-b r-b rollback NAME abc
records h-b r-b
objects h-b r-b
owned r-b
twin h-b r-b upgrade NAME $WEB --history-max 2
records h-b r-b
twin h-b r-b uninstall NAME --dry-run
twin h-b r-b uninstall NAME
objects h-b r-b
twin h-b r-b uninstall NAME
# render's release uninstalled by helm, helm's by render (keep-history)
"$HELM" uninstall r-a --keep-history >/dev/null 2>&1 && pass || fail "helm uninstall of a render release"
"$R" uninstall h-a --keep-history >/dev/null 2>&1 && pass || fail "render uninstall of a helm release"
objects h-a r-a
twin h-a r-a history NAME
twin h-a r-a uninstall NAME --keep-history
twin h-a r-a upgrade NAME $WEB
twin h-a r-a uninstall NAME

# ---- upgrade --install, namespaces, dry run, a chart folder ----
twin h-c r-c upgrade --install NAME $WEB --set msg=i
twin h-c r-c upgrade --install NAME $WEB
records h-c r-c
twin h-c r-c upgrade NAME $WEB --dry-run --set msg=dry
twin h-c r-c rollback NAME 1 --dry-run
records h-c r-c
HELM_DRIVER=configmap twin h-c2 r-c2 install NAME $WEB
HELM_DRIVER=configmap twin h-c2 r-c2 upgrade NAME $WEB --set msg=cm
HELM_DRIVER=configmap twin h-c2 r-c2 rollback NAME 1
HELM_DRIVER=configmap twin h-c2 r-c2 history NAME
HELM_DRIVER=configmap twin h-c2 r-c2 uninstall NAME
objects h-c2 r-c2
twin h-d r-d install NAME $WEB --dry-run
twin h-d r-d install NAME $WEB --dry-run=client --set extra=true
twin h-d r-d install NAME $WEB -n ns-h --create-namespace
"$KUBECTL" get ns ns-h -o name >/dev/null 2>&1 && pass || fail "namespace ns-h"
twin h-d r-d install NAME $WEB -n no-such-ns
twin h-d r-d install NAME $WEB -o json
twin h-d r-d upgrade NAME $WEB -o yaml --set msg=y
twin h-d2 r-d2 upgrade --install NAME $WEB -o json
twin h-d r-d install NAME $WEB -o xml
twin h-e r-e install NAME $WEB --no-hooks --skip-crds --description hello --labels a=b,c=d
records h-e r-e
objects h-e r-e
(cd $WEB && "$R" install -f values-prod.yaml >$tmp/out 2>&1) && grep -q '^NAME: web$' $tmp/out && pass ||
	fail "render install in a chart folder: $(cat $tmp/out)"
[ "$("$HELM" get values web -o json)" = '{"msg":"prod"}' ] && pass || fail "values of the chart-folder install"
(cd $WEB && "$R" uninstall web >/dev/null 2>&1) && pass || fail "uninstall web"

# ---- CRDs, dependencies, custom resources ----
twin h-f r-f install NAME $tmp/crd
records h-f r-f
objects h-f r-f configmaps,widgets
owned r-f configmaps,widgets
twin h-f r-f upgrade NAME $tmp/crd --set sub.enabled=false
records h-f r-f
objects h-f r-f configmaps,widgets
twin h-f r-f uninstall NAME
objects h-f r-f configmaps,widgets

# ---- failures: what each leaves on the server ----
twin h-g r-g install NAME $WEB --set failhook=true       # pre-install hook job fails
records h-g r-g
objects h-g r-g
"$KUBECTL" create configmap h-h-cm >/dev/null && "$KUBECTL" create configmap r-h-cm >/dev/null
twin h-h r-h install NAME $WEB                           # an object not owned by the release
objects h-h r-h
twin h-i r-i install NAME $WEB --set ready=false --wait --timeout 500ms
records h-i r-i
twin h-j r-j install NAME $WEB --set ready=false --atomic --timeout 500ms
twin h-j r-j history NAME
objects h-j r-j
twin h-k r-k install NAME $WEB --set badns=true          # the server refuses an object
records h-k r-k
objects h-k r-k
twin h-k r-k uninstall NAME
twin h-l r-l install NAME $WEB --set badns=true --atomic
objects h-l r-l
twin h-m r-m install NAME $WEB
twin h-m r-m upgrade NAME $WEB --set badns=true
records h-m r-m
twin h-m r-m upgrade NAME $WEB --set badns=true --atomic
records h-m r-m
objects h-m r-m
twin h-m r-m upgrade NAME $WEB --set ready=false --wait --timeout 500ms
records h-m r-m
twin h-m r-m upgrade NAME $WEB --set extra=true,badns=true --cleanup-on-fail
records h-m r-m
objects h-m r-m                                          # what the failed upgrade made is gone
twin h-m r-m uninstall NAME --keep-history
twin h-m r-m upgrade --install NAME $WEB                  # installs over an uninstalled release
records h-m r-m
# objects already there: adopted with --take-ownership; live edits under a three-way merge
"$KUBECTL" create configmap h-p-cm --from-literal=own=1 >/dev/null && "$KUBECTL" create configmap r-p-cm --from-literal=own=1 >/dev/null
twin h-p r-p install NAME $WEB --take-ownership
for n in h-p r-p; do
	"$KUBECTL" patch configmap $n-cm --type merge -p '{"data":{"msg":"edited","live":"1"}}' >/dev/null
	"$KUBECTL" scale deployment $n-web --replicas=4 >/dev/null
done
# (Helm 3's three-way merge: render's server-side apply, its default, would
# report the live edits as conflicts; tests/t-ssa.sh covers that)
RFLAGS=--server-side=false twin h-p r-p upgrade NAME $WEB --set replicas=2
for n in h-p r-p; do "$KUBECTL" get configmap $n-cm -o jsonpath='{.data}{"\n"}'; "$KUBECTL" get deploy $n-web -o jsonpath='{.spec.replicas}{"\n"}'; done >$tmp/live
[ "$(sed -n 1,2p $tmp/live)" = "$(sed -n 3,4p $tmp/live)" ] && pass || fail "live objects after upgrade: $(cat $tmp/live)"
records h-p r-p
twin h-o r-o install NAME $WEB --set failhook=true
twin h-o r-o install NAME $WEB --replace                  # replaces a failed release
records h-o r-o
# interrupted: SIGTERM marks the release failed; SIGKILL leaves it pending
# pending NAME...: waits (10 s at most) until each release has a pending-* record
pending() {
	local n
	for n in "$@"; do
		for _ in $(seq 50); do
			"$KUBECTL" get secrets -l "owner=helm,name=$n" -o jsonpath='{.items[*].metadata.labels.status}' 2>/dev/null |
				grep -q pending && break
			sleep 0.2
		done
	done
}
"$HELM" install h-q $WEB >/dev/null 2>&1; "$HELM" install r-q $WEB >/dev/null 2>&1
for sig in INT TERM; do
	for t in "$HELM h-q" "$R r-q"; do
		set -- $t
		"$1" upgrade $2 $WEB --set ready=false --wait --timeout 20s >$tmp/sig-$2.out 2>&1 &
		pids="$pids $!"
	done
	pending h-q r-q
	kill -$sig $pids; wait $pids; pids=
	sed -i 's/r-q/h-q/g' $tmp/sig-r-q.out
	cmp -s $tmp/sig-h-q.out $tmp/sig-r-q.out && pass || fail "SIG$sig: $(cat $tmp/sig-h-q.out $tmp/sig-r-q.out)"
	records h-q r-q
done
"$R" install r-q2 $WEB --set ready=false --wait --timeout 20s >$tmp/sig.out 2>&1 & pid=$!
pending r-q2; kill -TERM $pid; wait $pid
[ "$("$HELM" history r-q2 -o json | python3 -c 'import json,sys; print(json.load(sys.stdin)[-1]["status"])')" = failed ] && pass ||
	fail "cancelled install left: $("$HELM" history r-q2)"
for n in h-q r-q; do "$HELM" upgrade $n $WEB --set ready=false --wait --timeout 20s >/dev/null 2>&1 & pids="$pids $!"; done
pending h-q r-q; kill -KILL $pids; wait $pids 2>/dev/null; pids=
twin h-q r-q upgrade NAME $WEB                         # pending-upgrade: refused
twin h-q r-q rollback NAME 1
records h-q r-q
twin h-n r-n upgrade NAME $WEB
twin h-n r-n rollback NAME
twin h-n r-n uninstall NAME
twin h-n r-n install NAME $WEB --kube-token wrong
twin h-n r-n upgrade NAME $WEB --kube-token wrong
twin h-n r-n rollback NAME --kube-token wrong
twin h-n r-n uninstall NAME --kube-token wrong
twin h-n r-n install NAME $WEB --kube-apiserver https://127.0.0.1:1
twin h-n r-n uninstall NAME --kube-apiserver https://127.0.0.1:1
twin h-n r-n install Bad_Name $WEB
twin h-n r-n install NAME $WEB --labels owner=me
twin h-n r-n install NAME $tmp/missing
twin h-n r-n install $WEB
mkdir -p $tmp/nope/templates && printf 'apiVersion: v2\nname: nope\nversion: 0.1.0\n' >$tmp/nope/Chart.yaml
printf 'apiVersion: v1\nkind: Nope\nmetadata:\n  name: x\n' >$tmp/nope/templates/x.yaml
twin h-n r-n install NAME $tmp/nope --disable-openapi-validation   # a kind the server does not know
twin h-n r-n install NAME $WEB --set a                              # values and render errors
twin h-n r-n install NAME $WEB --set replicas=abc

# ---- the sanitizer build, on the same interchange ----
if [ -n "$RA" ]; then
	BIN=$RA twin h-s r-s install NAME $WEB --set extra=true
	BIN=$RA twin h-s r-s upgrade NAME $WEB --set badns=true
	BIN=$RA twin h-s r-s rollback NAME 1
	records h-s r-s
	BIN=$RA twin h-s r-s uninstall NAME
	BIN=$RA twin h-t r-t install NAME $tmp/crd --set ready=false --atomic --timeout 500ms
	objects h-s r-s
fi
finish
