#!/bin/bash
# t-wait.sh - install/upgrade --wait against Helm 3.17.3 on the test API
# server (tests/kubeapi/server.py), whose kubeapi.test/ready-after annotation
# makes workloads ready only after a delay: the same exit codes, output and
# records as Helm when objects become ready, on a timeout (release failed),
# with --atomic (uninstalled, or rolled back); and render's progress on
# stderr: plain lines on changes when stderr is not a terminal, one line per
# object redrawn in place on a terminal.
cd "$(dirname "$0")/.." || exit 1
source tests/lib.sh
source tests/lib-kube.sh
# private copies of the binaries (other builds may replace bin/render meanwhile)
kube_setup t-wait
BINS="$RENDER_COPY${RENDER_ASAN_COPY:+ $RENDER_ASAN_COPY}"

C=$tmp/wt
mk $C/Chart.yaml <<'EOF'
apiVersion: v2
name: wt
version: 0.1.0
EOF
mk $C/values.yaml <<'EOF'
after: "0"
sts: false
EOF
mk $C/templates/all.yaml <<'EOF'
apiVersion: v1
kind: ConfigMap
metadata: {name: {{ .Release.Name }}-cm}
data: {rev: "{{ .Release.Revision }}"}
---
apiVersion: v1
kind: Service
metadata: {name: {{ .Release.Name }}-svc}
spec:
  ports: [{port: 80}]
  selector: {app: {{ .Release.Name }}}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}-web
  annotations: {kubeapi.test/ready-after: {{ .Values.after | quote }}}
spec:
  replicas: 2
  selector: {matchLabels: {app: {{ .Release.Name }}}}
  template:
    metadata: {labels: {app: {{ .Release.Name }}, rev: "{{ .Release.Revision }}"}}
    spec: {containers: [{name: c, image: x}]}
{{- if .Values.sts }}
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: {{ .Release.Name }}-db
  annotations: {kubeapi.test/ready-after: {{ .Values.after | quote }}}
spec:
  replicas: 1
  serviceName: {{ .Release.Name }}-svc
  selector: {matchLabels: {app: {{ .Release.Name }}-db}}
  template:
    metadata: {labels: {app: {{ .Release.Name }}-db}}
    spec: {containers: [{name: c, image: x}]}
{{- end }}
EOF

# run H R BIN CMD...: helm with NAME=H, BIN with NAME=R; exit codes and
# stdout equal (R renamed to H, times cut); helm's stderr in $tmp/he, render's in $tmp/re
run() {
	local h=$1 r=$2 bin=$3
	shift 3
	"$HELM" "${@//NAME/$h}" >$tmp/ho 2>$tmp/he
	local hrc=$?
	"$bin" "${@//NAME/$r}" >$tmp/ro 2>$tmp/re
	local rrc=$?
	sed -i -E "s/\\b$r\\b/$h/g" $tmp/ro $tmp/re
	sed -i -E 's/[A-Z][a-z]{2} [A-Z][a-z]{2} [ 0-9][0-9] [0-9]{2}:[0-9]{2}:[0-9]{2} [0-9]{4}/TIME/g' $tmp/ho $tmp/ro
	if [ $hrc = $rrc ] && cmp -s $tmp/ho $tmp/ro; then
		pass
	else
		fail "$* (helm rc $hrc, render rc $rrc): $(diff $tmp/ho $tmp/ro | head -6) $(cat $tmp/he $tmp/re | head -6)"
	fi
}
# same stderr too
twin() {
	run "$@"
	cmp -s $tmp/he $tmp/re && pass || fail "stderr of $*: $(diff $tmp/he $tmp/re | head -6)"
}

# records H R: every stored record of both releases, decoded, times cut.
records() {
	"$KUBECTL" get secrets -l "owner=helm,name=$1" -o json >$tmp/hs 2>/dev/null
	"$KUBECTL" get secrets -l "owner=helm,name=$2" -o json >$tmp/rs 2>/dev/null
	python3 - "$tmp/hs" "$tmp/rs" "$1" "$2" <<'EOF' >$tmp/rec 2>&1
import base64, gzip, json, re, sys
def load(path):
    out = {}
    for s in json.load(open(path))["items"]:
        raw = gzip.decompress(base64.b64decode(base64.b64decode(s["data"]["release"]))).decode()
        raw = re.sub(r'"\d{4}-\d\d-\d\dT[0-9:.]+(Z|[+-]\d\d:\d\d)"', '"T"', raw)
        lab = {k: v for k, v in s["metadata"]["labels"].items() if k not in ("createdAt", "modifiedAt")}
        out[s["metadata"]["labels"]["version"]] = (lab, raw)
    return out
h, r = load(sys.argv[1]), load(sys.argv[2])
pat = re.compile(r"\b%s\b" % re.escape(sys.argv[4]))
r = {k: ({a: pat.sub(sys.argv[3], b) for a, b in v[0].items()}, pat.sub(sys.argv[3], v[1])) for k, v in r.items()}
if sorted(h) != sorted(r):
    print("revisions", sorted(h), sorted(r)); sys.exit(1)
for k in h:
    if h[k] != r[k]:
        print("revision", k, "differs"); print(h[k]); print(r[k]); sys.exit(1)
EOF
	if [ $? = 0 ]; then pass; else fail "records $1/$2: $(head -c 1500 $tmp/rec)"; fi
}
status_of() { "$HELM" status $1 -o json 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["info"]["status"])'; }

n=0
for bin in $BINS; do
	n=$((n + 1))
	# ready after a delay: both succeed; render says so once the Deployment is ready
	run h$n-a r$n-a $bin install NAME $C --set after=1 --wait --timeout 30s
	[ ! -s $tmp/he ] && pass || fail "helm printed: $(cat $tmp/he)"
	[ "$(cat $tmp/re)" = "Deployment/h$n-a-web: ready" ] && pass || fail "non-tty progress: $(cat $tmp/re)"
	records h$n-a r$n-a
	# an upgrade whose new pods take a while (a new template, a new delay)
	run h$n-a r$n-a $bin upgrade NAME $C --set after=1,sts=true --wait --timeout 30s
	grep -qx "StatefulSet/h$n-a-db: ready" $tmp/re && pass || fail "statefulset progress: $(cat $tmp/re)"
	records h$n-a r$n-a

	# a timeout: Helm's message, the release failed, no progress lines (nothing moved)
	twin h$n-b r$n-b $bin install NAME $C --set after=60 --wait --timeout 500ms
	[ "$(status_of r$n-b)" = failed ] && pass || fail "timed-out install left $(status_of r$n-b)"
	records h$n-b r$n-b
	if [ $n = 1 ]; then # (the ASan build runs the paths below the same way)
		twin h$n-b r$n-b $bin upgrade NAME $C --set after=0
		twin h$n-b r$n-b $bin upgrade NAME $C --set after=60 --wait --timeout 500ms
		[ "$(status_of r$n-b)" = failed ] && pass || fail "timed-out upgrade left $(status_of r$n-b)"
		records h$n-b r$n-b
		# --atomic: a timed-out install is uninstalled, a timed-out upgrade rolled back
		twin h$n-c r$n-c $bin install NAME $C --set after=60 --atomic --timeout 500ms
		twin h$n-c r$n-c $bin history NAME
	fi
	twin h$n-d r$n-d $bin install NAME $C --set after=0 --wait
	twin h$n-d r$n-d $bin upgrade NAME $C --set after=60 --atomic --timeout 500ms
	[ "$(status_of r$n-d)" = deployed ] && grep -q "rolled back due to atomic" $tmp/re &&
		[ "$("$HELM" history r$n-d -o json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" = 3 ] &&
		pass || fail "atomic upgrade: $(cat $tmp/re; "$HELM" history r$n-d)"
	records h$n-d r$n-d
done

# on a terminal: one line per watched object, redrawn in place (ESC[nA)
if command -v script >/dev/null; then
	script -qec "$tmp/render install r-tty $C --set after=1 --wait --timeout 30s >/dev/null" $tmp/tty >/dev/null 2>&1
	rc=$?
	tr -d '\r' <$tmp/tty | sed -e 's/\x1b\[K//g' >$tmp/tty.txt
	[ $rc = 0 ] && grep -q $'\x1b\[2A' $tmp/tty.txt && grep -q '^Deployment/r-tty-web: 0/2 ready$' $tmp/tty.txt &&
		[ "$(grep -v '^Script' $tmp/tty.txt | grep . | tail -2 | sed 's/\x1b\[2A//')" = "Service/r-tty-svc: ready
Deployment/r-tty-web: ready" ] && pass || fail "terminal progress (rc $rc): $(cat -v $tmp/tty | head -12)"
else
	echo "t-wait: no script(1): terminal output not checked"
fi

finish
