#!/bin/bash
# t-kube.sh - the Kubernetes client (net/kubeconfig.c, net/kube.c), the Secrets
# storage driver (release/storage.c) and the read-only release commands
# list, history, status and get, against Helm 3.17.3 through tests/kubeapi/server.py:
# Helm installs and upgrades releases, then Helm and render read them and their
# stdout, stderr and exit codes must be equal byte for byte (with $RENDER and,
# when set, $RENDER_ASAN). Also kubeconfig handling (KUBECONFIG with two files,
# contexts, tokenFile, CA file, exec plugins, in-cluster service accounts) and errors.
cd "$(dirname "$0")/.." || exit 1
source tests/lib.sh
RENDER=${RENDER:-bin/render}
HELM=${HELM:-/root/.cache/render-tests/helm-v3.17.3/helm}
KUBECTL=$(dirname "$HELM")/kubectl
[ -x "$HELM" ] && [ -x "$KUBECTL" ] || { echo "t-kube: no helm/kubectl at $HELM"; exit 1; }
abs() { case "$1" in /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac; }
RENDERS=$(abs "$RENDER")
[ -n "$RENDER_ASAN" ] && [ -x "$RENDER_ASAN" ] && RENDERS="$RENDERS $(abs "$RENDER_ASAN")"

tmp=$(mktemp -d)
export KUBECACHEDIR="$tmp/kube-cache" # client discovery caches stay in the run's folder
server_pid=
cleanup() {
	[ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

python3 tests/kubeapi/server.py --kubeconfig $tmp/kc >$tmp/server.log 2>&1 &
server_pid=$!
for _ in $(seq 100); do [ -s $tmp/kc ] && break; sleep 0.1; done
[ -s $tmp/kc ] || { echo "t-kube: tests/kubeapi/server.py did not start: $(tail -3 $tmp/server.log)"; exit 1; }
export KUBECONFIG=$tmp/kc
export HELM_CACHE_HOME=$tmp/cache HELM_CONFIG_HOME=$tmp/config HELM_DATA_HOME=$tmp/data
unset HELM_DRIVER HELM_NAMESPACE HELM_KUBECONTEXT HELM_KUBETOKEN HELM_KUBEAPISERVER KUBERNETES_SERVICE_HOST
cd $tmp || exit 1

# --- charts ---
mkdir -p alpha/templates beta/templates
printf 'apiVersion: v2\nname: alpha\nversion: 0.1.0\nappVersion: "1.0"\n' >alpha/Chart.yaml
printf 'greeting: hello\nn: 3\nnested:\n  list: [1, 2.5, "x"]\n  html: "<b>&</b>"\n' >alpha/values.yaml
printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-cm\ndata:\n  g: {{ .Values.greeting | quote }}\n' >alpha/templates/cm.yaml
printf 'Thanks for installing {{ .Release.Name }}.\n\n  Greeting: {{ .Values.greeting }}\n\n' >alpha/templates/NOTES.txt
printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-hook\n  annotations:\n    "helm.sh/hook": post-install,post-upgrade\n    "helm.sh/hook-weight": "5"\ndata:\n  x: "1"\n' >alpha/templates/hook.yaml
printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-test\n  annotations:\n    "helm.sh/hook": test\ndata: {}\n' >alpha/templates/test.yaml
printf 'apiVersion: v2\nname: beta\nversion: 1.2.3\ndescription: a very long description that goes on and on for more than sixty characters\n' >beta/Chart.yaml
printf 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: {{ .Release.Name }}-s\nstringData:\n  a: b\n' >beta/templates/s.yaml

h() { "$HELM" "$@" >/dev/null 2>$tmp/helm.err || fail "helm $*: $(cat $tmp/helm.err)"; }
h install one ./alpha --set greeting=hi
h install two ./beta -n kube-system --create-namespace
sleep 1
h upgrade one ./alpha --set n=4 --description 'a custom description that is much longer than the sixty columns of the history table'
h install three ./beta
h uninstall three --keep-history
h test one
sleep 1
h install four ./alpha -n kube-system -f alpha/values.yaml --set-string nested.html='<i>'
sleep 1 # list -d sorts by whole seconds; Helm's order of a tie is random
TZ=Asia/Tokyo h install tz ./beta -n tzns --create-namespace
# a record that does not decode: Helm skips it
"$KUBECTL" create secret generic sh.helm.release.v1.bad.v1 --from-literal=release=notarecord >/dev/null &&
	"$KUBECTL" label secret sh.helm.release.v1.bad.v1 owner=helm name=bad version=1 status=deployed >/dev/null ||
	fail "kubectl: cannot make the bad record"
HELM_DRIVER=configmap h install cmrel ./alpha -n cmns --create-namespace
HELM_DRIVER=configmap h upgrade cmrel ./alpha -n cmns --set greeting=yo

# same CMD...: Helm's stdout, stderr and exit code, then each render's ($RENDER
# and $RENDER_ASAN), must be equal. The comparisons run 8 at a time (the test server answers slowly);
# tally collects their results.
jobn=0
job_pids=()
same_job() {
	local d=$tmp/job.$1 renders=$2 r hr rr
	shift 2
	mkdir -p $d
	"$HELM" "$@" >$d/h.out 2>$d/h.err
	hr=$?
	for r in $renders; do
		"$r" "$@" >$d/r.out 2>$d/r.err
		rr=$?
		if cmp -s $d/h.out $d/r.out && cmp -s $d/h.err $d/r.err && [ $hr = $rr ]; then
			echo PASS
		else
			echo "FAIL: $(basename $r) $* (exit helm $hr, render $rr)"
			diff $d/h.out $d/r.out | head -5 | sed 's/^/    /'
			diff $d/h.err $d/r.err | head -3 | sed 's/^/    /'
		fi
	done
}
same_with() {
	jobn=$((jobn + 1))
	while [ "$(jobs -rp | wc -l)" -ge 8 ]; do wait -n; done
	same_job $jobn "$@" >$tmp/res.$jobn 2>&1 &
	job_pids+=($!)
}
same() { same_with "$RENDERS" "$@"; }
# same1: $RENDER only, for variations whose code paths ASan already saw (the
# test server answers one request at a time: every run counts)
same1() { same_with "${RENDERS%% *}" "$@"; }
tally() {
	local f line p
	for p in "${job_pids[@]}"; do wait $p; done
	job_pids=()
	for f in $tmp/res.*; do
		[ -e "$f" ] || continue
		while IFS= read -r line; do
			case $line in
			PASS) pass ;;
			FAIL:*) fail "${line#FAIL: }" ;;
			*) echo "$line" ;;
			esac
		done <$f
		rm -f $f
	done
}

# --- list ---
same list
same ls -A
same list -a -A
same list -A -o json
same list -a -A -o yaml
same1 list --uninstalled
same1 list --superseded -A
same1 list --deployed --uninstalled -A -r
same list -q -a -A
same1 list --no-headers -A
same1 list -n nothere
same1 list -n nothere -o json
same1 list -n nothere -o yaml
same list -f 'o.e' -a -A
same1 list -f '^t' -A
same1 list -a -A --max 2 --offset 1
same1 list -a -A --offset 9
same list -A -l name=one
same1 list -a -A -l 'status!=deployed,owner=helm'
same list -A -d
same1 list -A -d -r
same list -A --time-format '2006-01-02 15:04:05Z0700'
same1 list -A --time-format 'Mon Jan _2 3:4:5 PM MST .000 ,999 -07:00 Z07 002' -o json
same list -n tzns
TZ=Asia/Tokyo same1 list -n tzns
TZ=America/New_York same1 list -n tzns -o yaml
same list extra
same1 list -o xml
HELM_NAMESPACE=kube-system same list
HELM_DRIVER=configmap same list -A -a
HELM_DRIVER=bogus same list

# --- history ---
same history one
same hist one -o json
same history one -o yaml
same1 history one --max 1
same1 history four -n kube-system
same1 history three
same history nope
same history bad
same1 history bad -o yaml
same1 history Bad_Name
same1 history
HELM_DRIVER=configmap same history cmrel -n cmns

# --- status ---
same status one
same status one -o json
same status one -o yaml
same1 status one --show-desc
same1 status one --revision 1
same1 status two -n kube-system
same1 status three -o json
same1 status tz -n tzns
TZ=Asia/Tokyo same1 status tz -n tzns -o yaml
same status nope
same status bad
same get values bad -a
same1 status one --revision 9
same1 status
same1 status one -o xml
HELM_DRIVER=configmap same status cmrel -n cmns --revision 1

# --- get ---
for what in manifest values notes hooks all; do
	same get $what one
	same1 get $what one --revision 1
	same1 get $what two -n kube-system
	same1 get $what four -n kube-system
	HELM_DRIVER=configmap same get $what cmrel -n cmns
done
same get manifest nope
same1 get all nope
same1 get notes
same1 get hooks
same get values one -a
same get values one -o json
same get values one -a -o yaml
same1 get values four -n kube-system -a -o json
same1 get values two -n kube-system -o json
same1 get values three -a
same get all one --template '{{.Release.Name}} {{.Release.Version}} {{.Release.Info.Status}} {{.Release.Info.LastDeployed}} {{.Release.Config}}'
same1 get all one --template '{{range .Release.Hooks}}{{.Name}} {{.Events}} {{.Weight}} {{.LastRun.Phase}}{{end}}'
same1 get all two -n kube-system --template '{{.Release.Chart.Metadata.Version}} {{.Release.Chart.Metadata.Keywords}} {{.Release.Info.Deleted}}'
same get all one --template '{{.Release.Info.Nope}}'
same1 get all one --template '{{.Release.Name'

# --- errors and kubeconfig ---
TOK=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["users"][0]["user"]["token"])' kc)
SRV=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["clusters"][0]["cluster"]["server"])' kc)
sed "s/$TOK/wrong/" kc >kc-bad
sed "s#$SRV#https://127.0.0.1:1#" kc >kc-down
KUBECONFIG=kc-bad same list
KUBECONFIG=kc-bad same1 status one
KUBECONFIG=kc-down same1 history one
KUBECONFIG=kc-down same get values one
KUBECONFIG=kc-bad same1 list --kube-token "$TOK"
same1 list --kube-apiserver https://127.0.0.1:1
same list --kube-context nope
same1 list --kubeconfig $tmp/none.yaml
same1 list --kube-insecure-skip-tls-verify

mkdir -p cfgs/sub
python3 -c 'import json,sys,base64; sys.stdout.buffer.write(base64.b64decode(json.load(open(sys.argv[1]))["clusters"][0]["cluster"]["certificate-authority-data"]))' kc >cfgs/sub/ca.crt
printf '%s\n' "$TOK" >cfgs/sub/tok
cat >cfgs/sub/plugin.sh <<'EOF'
#!/bin/sh
[ "$1" = x ] && echo "$KUBERNETES_EXEC_INFO" | grep -q '"kind":"ExecCredential"' || exit 3
echo "{\"apiVersion\":\"client.authentication.k8s.io/v1beta1\",\"kind\":\"ExecCredential\",\"status\":{\"token\":\"$TOKVAL\"}}"
EOF
chmod +x cfgs/sub/plugin.sh
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj /CN=user \
	-keyout cfgs/sub/user.key -out cfgs/sub/user.crt >/dev/null 2>&1 || fail "openssl: no client certificate"
CERT64=$(base64 -w0 cfgs/sub/user.crt)
KEY64=$(base64 -w0 cfgs/sub/user.key)
cat >cfgs/a.yaml <<EOF
apiVersion: v1
kind: Config
current-context: sys
contexts:
- name: sys
  context: {cluster: test, user: test, namespace: kube-system}
- name: filetok
  context: {cluster: cafile, user: filetok}
- name: execd
  context: {cluster: insecure, user: execd, namespace: kube-system}
- name: badexec
  context: {cluster: insecure, user: badexec}
- name: failexec
  context: {cluster: insecure, user: failexec}
- name: missingexec
  context: {cluster: insecure, user: missingexec}
- name: certdata
  context: {cluster: cafile, user: certdata, namespace: kube-system}
- name: certfile
  context: {cluster: cafile, user: certfile}
clusters:
- name: cafile
  cluster: {server: "$SRV", certificate-authority: sub/ca.crt}
- name: insecure
  cluster: {server: "$SRV", insecure-skip-tls-verify: true}
users:
- name: filetok
  user: {tokenFile: sub/tok}
- name: execd
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: sub/plugin.sh
      args: [x]
      env: [{name: TOKVAL, value: "$TOK"}]
      interactiveMode: Never
- name: badexec
  user:
    exec: {apiVersion: client.authentication.k8s.io/v1, command: /nonexistent/plugin, interactiveMode: Never}
- name: failexec
  user:
    exec: {apiVersion: client.authentication.k8s.io/v1, command: "false", interactiveMode: Never}
- name: certdata
  user: {client-certificate-data: "$CERT64", client-key-data: "$KEY64", token: "$TOK"}
- name: certfile
  user: {client-certificate: sub/user.crt, client-key: sub/user.key, token: "$TOK"}
- name: missingexec
  user:
    exec: {apiVersion: client.authentication.k8s.io/v1, command: no-such-plugin-t-kube, interactiveMode: Never}
EOF
export KUBECONFIG=cfgs/a.yaml:kc
same list
same1 list --kube-context test
same1 list -a --kube-context filetok
same status two --kube-context execd
same list --kube-context badexec
same1 list --kube-context failexec
same1 list --kube-context missingexec
same list --kube-context certdata
same1 get notes one --kube-context certfile
KUBECONFIG=kc:cfgs/a.yaml same list
KUBECONFIG=kc:cfgs/a.yaml HELM_KUBECONTEXT=sys same1 list
KUBECONFIG=$tmp/missing.yaml:kc same1 list
export KUBECONFIG=$tmp/kc

# broken kubeconfigs: clientcmd's validation and Go's base64 and PEM errors
kcn=0
bad_kc() {
	kcn=$((kcn + 1))
	printf 'apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: %s\n    %s\nusers:\n- name: u\n  user:\n    token: %s\n    %s\ncontexts:\n- name: c\n  context: {cluster: c, user: u}\ncurrent-context: %s\n' \
		"$SRV" "$1" "$TOK" "$2" "${3:-c}" >bad$kcn.yaml
	KUBECONFIG=bad$kcn.yaml same list
}
bad_kc "certificate-authority: /nonexistent.crt" ""
bad_kc "certificate-authority: sub/none.crt" ""
bad_kc "certificate-authority: cfgs/sub/tok" ""
bad_kc "certificate-authority-data: '!!!'" ""
bad_kc "certificate-authority-data: QUJDRA" ""
bad_kc "certificate-authority-data: QU=D" ""
bad_kc "certificate-authority-data: QUJD" ""
bad_kc "insecure-skip-tls-verify: true" "client-certificate: /nonexistent.crt"
bad_kc "insecure-skip-tls-verify: true" "client-certificate-data: QUJD"
bad_kc "insecure-skip-tls-verify: true" "client-key-data: QUJD"
bad_kc "insecure-skip-tls-verify: true" "{client-certificate-data: QUJD, client-key-data: QUJD}"
bad_kc "insecure-skip-tls-verify: true" "" gone
printf 'apiVersion: v1\nclusters: [\n' >bad-yaml.yaml
KUBECONFIG=bad-yaml.yaml same list
same list --kube-ca-file /nonexistent.crt

tally

# in-cluster: no kubeconfig, the pod's service account (render only; Helm reads the fixed path)
mkdir -p sa
cp cfgs/sub/ca.crt sa/ca.crt
printf '%s' "$TOK" >sa/token
printf 'kube-system' >sa/namespace
"$HELM" list -n kube-system >h.out 2>&1
for r in $RENDERS; do
	KUBECONFIG=$tmp/none.yaml KUBERNETES_SERVICE_HOST=127.0.0.1 KUBERNETES_SERVICE_PORT=${SRV##*:} \
		RENDER_SERVICEACCOUNT_DIR=$tmp/sa "$r" list >r.out 2>&1
	cmp -s h.out r.out && pass || fail "in-cluster list: $(diff h.out r.out | head -5)"
done

# --- the client's object calls (render __kube obj), checked with kubectl ---
for r in $RENDERS; do
	"$KUBECTL" delete cm kx --ignore-not-found >/dev/null 2>&1
	"$r" __kube obj create v1 ConfigMap default kx '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"kx"},"data":{"a":"1"}}' >/dev/null &&
		"$r" __kube obj merge v1 ConfigMap default kx '{"data":{"b":"2"}}' >/dev/null &&
		"$r" __kube obj apply v1 ConfigMap default kx '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"kx"},"data":{"c":"3"}}' >/dev/null
	got=$("$KUBECTL" get cm kx -o jsonpath='{.data}')
	[ "$got" = '{"a":"1","b":"2","c":"3"}' ] && pass || fail "__kube create/merge/apply: $got"
	out=$("$r" __kube obj create v1 ConfigMap default kx '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"kx"}}' 2>&1)
	[ "$out" = $'409\nError: configmaps "kx" already exists' ] && pass || fail "__kube create twice: $out"
	"$r" __kube obj delete v1 ConfigMap default kx >/dev/null || fail "__kube delete"
	out=$("$r" __kube obj get v1 ConfigMap default kx 2>&1)
	[ "$out" = $'404\nError: configmaps "kx" not found' ] && pass || fail "__kube get deleted: $out"
	out=$("$r" __kube obj get apps/v1 Deployment kube-system nope 2>&1)
	[ "$out" = $'404\nError: deployments.apps "nope" not found' ] && pass || fail "__kube get deployment: $out"
	out=$("$r" __kube obj get v1 Frob default x 2>&1)
	[ "$out" = 'Error: no matches for kind "Frob" in version "v1"' ] && pass || fail "__kube unknown kind: $out"
	out=$("$r" __kube obj list rbac.authorization.k8s.io/v1 ClusterRole "" "" 2>&1 | head -1)
	[ "$out" = "clusterroles cluster" ] && pass || fail "__kube discovery of a cluster-scoped kind: $out"
	out=$("$r" __kube --print-namespace --kube-context test --kubeconfig $tmp/cfgs/a.yaml)
	[ "$out" = default ] && pass || fail "__kube namespace of context test: $out"
done

finish
