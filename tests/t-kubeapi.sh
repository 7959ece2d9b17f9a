#!/usr/bin/env bash
# tests/t-kubeapi.sh - keeps the test Kubernetes API server (tests/kubeapi/server.py) honest:
# kubectl 1.31 and Helm 3.17.3 run their usual commands against it and must succeed, and the
# raw API (curl) answers with the Status objects, conflicts and selectors a real server gives.
# Later tests run render's install/upgrade/list against the same server, interchangeably with Helm.
# Env: KUBEAPI_ARGS adds server flags (e.g. --no-aggregated-discovery); KEEP=1 keeps the temp folder.
set -u
cd "$(dirname "$0")/.."
source tests/lib.sh
need_debs curl openssl
HELM=${HELM:-$(tests/setup-helm.sh)}
KUBECTL=$(dirname "$HELM")/kubectl
[ -x "$KUBECTL" ] || { echo "kubectl not found beside $HELM"; exit 1; }

tmp=$(mktemp -d)
server_pid=""
cleanup() {
	[ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null
	[ -n "${KEEP:-}" ] && { echo "kept $tmp"; return; }
	rm -rf "$tmp"
}
trap cleanup EXIT

# the interpreter itself, not a version manager's shim (shims cost ~0.5 s a call)
py=$(python3 -c 'import sys; print(sys.executable)')
export KUBECONFIG="$tmp/kubeconfig"
export KUBECACHEDIR="$tmp/kube-cache"
export HELM_CONFIG_HOME="$tmp/helm/config" HELM_CACHE_HOME="$tmp/helm/cache" HELM_DATA_HOME="$tmp/helm/data"
"$py" tests/kubeapi/server.py --kubeconfig "$KUBECONFIG" --state "$tmp/state.json" \
	--log "$tmp/requests.log" --certs "$tmp/certs" ${KUBEAPI_ARGS:-} >"$tmp/server.out" 2>&1 &
server_pid=$!
for _ in $(seq 100); do
	[ -s "$KUBECONFIG" ] && break
	kill -0 "$server_pid" 2>/dev/null || break
	sleep 0.1
done
[ -s "$KUBECONFIG" ] || { cat "$tmp/server.out"; fail "server did not start"; finish; exit 1; }

OUT="$tmp/out"
kc() { timeout 30 "$KUBECTL" "$@"; }
helm() { timeout 40 "$HELM" "$@"; }

# ok NAME CMD...: the command succeeds
ok() {
	local name=$1
	shift
	if "$@" >"$OUT" 2>&1; then pass; else fail "$name: $(head -c 600 "$OUT")"; fi
}
# eq NAME WANT GOT
eq() {
	if [ "$2" = "$3" ]; then pass; else fail "$1: want [$2] got [$3]"; fi
}

# raw API access with curl, using the kubeconfig the server wrote
server=$("$py" -c 'import json,sys; print(json.load(open(sys.argv[1]))["clusters"][0]["cluster"]["server"])' "$KUBECONFIG")
token=$("$py" -c 'import json,sys; print(json.load(open(sys.argv[1]))["users"][0]["user"]["token"])' "$KUBECONFIG")
"$py" -c 'import json,sys,base64; sys.stdout.buffer.write(base64.b64decode(json.load(open(sys.argv[1]))["clusters"][0]["cluster"]["certificate-authority-data"]))' "$KUBECONFIG" >"$tmp/ca.crt"
# api METHOD PATH [CONTENT-TYPE BODY]: prints the HTTP code then the body
api() {
	local args=(-sS --cacert "$tmp/ca.crt" -H "Authorization: Bearer $token" -X "$1" -o "$tmp/body" -w '%{http_code}')
	[ $# -ge 4 ] && args+=(-H "Content-Type: $3" --data-binary "$4")
	curl "${args[@]}" "$server$2"
	echo
	cat "$tmp/body"
}
jget() { "$py" -c 'import json,sys; d=json.loads(sys.stdin.read().split("\n",1)[1]); print(eval(sys.argv[1], {"d": d}))' "$1"; }

# --- authentication, discovery
eq "https with the generated CA" "https" "${server%%:*}"
code=$(curl -sS --cacert "$tmp/ca.crt" -H "Authorization: Bearer wrong" -o "$tmp/body" -w '%{http_code}' "$server/api/v1/namespaces")
eq "wrong token is rejected" "401 Unauthorized" "$code $("$py" -c 'import json,sys; print(json.load(open(sys.argv[1]))["reason"])' "$tmp/body")"
ok "kubectl version" kc version
grep -q 'Server Version: v1.31' "$OUT" && pass || fail "server version: $(cat "$OUT")"
code=$(curl -sS --cacert "$tmp/ca.crt" -H "Authorization: Bearer $token" -o "$tmp/body" -w '%{http_code}' "$server/apis")
eq "plain group list" "200 APIGroupList" "$code $("$py" -c 'import json,sys; print(json.load(open(sys.argv[1]))["kind"])' "$tmp/body")"
ok "kubectl api-resources" kc api-resources
for r in deployments.*apps/v1 jobs.*batch/v1 ingresses.*networking.k8s.io/v1 poddisruptionbudgets.*policy/v1 \
	clusterroles.*rbac.authorization.k8s.io/v1 customresourcedefinitions.*apiextensions.k8s.io/v1 \
	horizontalpodautoscalers.*autoscaling/v2 leases.*coordination.k8s.io/v1 'secrets .*v1'; do
	grep -q "^$r" "$OUT" && pass || fail "api-resources lacks $r"
done

# The kubectl/raw API part and the Helm part touch different objects: they run side by side.
part_kubectl() {
# --- kubectl: apply, get, selectors, patch, delete
cat >"$tmp/objs.yaml" <<'EOF'
apiVersion: v1
kind: Namespace
metadata: {name: kt}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: cm1, namespace: kt, labels: {tier: front, env: dev}}
data: {k: v}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: kt, labels: {tier: back}}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - {name: c, image: "nginx:1", env: [{name: A, value: "1"}, {name: B, value: "2"}]}
      - {name: side, image: "busybox:1"}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: kt-reader, labels: {tier: front}}
rules: [{apiGroups: [""], resources: [pods], verbs: [get, list]}]
EOF
ok "kubectl apply" kc apply -f "$tmp/objs.yaml"
eq "apply created 4 objects" 4 "$(grep -c created "$OUT")"
eq "get configmap" "v" "$(kc -n kt get cm cm1 -o jsonpath='{.data.k}')"
eq "get -l tier=front" "cm1" "$(kc -n kt get cm -l tier=front -o name | sed 's|.*/||')"
eq "get -l in/notin/exists" "cm1" "$(kc -n kt get cm -l 'tier in (front,x),env notin (prod),env' -o name | sed 's|.*/||')"
eq "get -l !=" "" "$(kc -n kt get cm -l 'tier!=front' -o name)"
eq "get -l !label" "" "$(kc -n kt get cm -l '!env' -o name)"
eq "cluster-scoped get -l" "kt-reader" "$(kc get clusterrole -l tier=front -o name | sed 's|.*/||')"
eq "field selector" "cm1" "$(kc get cm -A --field-selector metadata.name=cm1,metadata.namespace=kt -o name | sed 's|.*/||')"
eq "namespace labelled" "kt" "$(kc get ns kt -o jsonpath='{.metadata.labels.kubernetes\.io/metadata\.name}')"
eq "deployment status emulated" "2 2 1" "$(kc -n kt get deploy web -o jsonpath='{.status.readyReplicas} {.status.availableReplicas} {.status.observedGeneration}')"
eq "replicaset owned by the deployment" "Deployment/web" "$(kc -n kt get rs -l app=web -o jsonpath='{.items[0].metadata.ownerReferences[0].kind}/{.items[0].metadata.ownerReferences[0].name}')"
ok "kubectl get all" kc -n kt get all

# re-apply with a changed env value and one container removed: a strategic merge patch
sed -i 's/value: "1"/value: "9"/; /name: side/d' "$tmp/objs.yaml"
ok "kubectl apply again" kc apply -f "$tmp/objs.yaml"
eq "strategic patch merged env by name" '[{"name":"A","value":"9"},{"name":"B","value":"2"}] 1' \
	"$(kc -n kt get deploy web -o jsonpath='{.spec.template.spec.containers[0].env} {.spec.template.spec.containers[*].name}' | sed 's/ c$/ 1/')"
eq "generation bumped" 2 "$(kc -n kt get deploy web -o jsonpath='{.metadata.generation}')"
ok "kubectl patch (strategic)" kc -n kt patch cm cm1 -p '{"data":{"x":"y"}}'
ok "kubectl patch (merge)" kc patch clusterrole kt-reader --type=merge -p '{"metadata":{"labels":{"p":"q"}}}'
ok "kubectl patch (json)" kc -n kt patch cm cm1 --type=json -p '[{"op":"add","path":"/data/z","value":"w"},{"op":"remove","path":"/data/k"}]'
eq "patched configmap" '{"x":"y","z":"w"}' "$(kc -n kt get cm cm1 -o jsonpath='{.data}')"
eq "patched cluster role" "q" "$(kc get clusterrole kt-reader -o jsonpath='{.metadata.labels.p}')"
ok "kubectl scale" kc -n kt scale deploy web --replicas=3
eq "scaled" "3 3" "$(kc -n kt get deploy web -o jsonpath='{.spec.replicas} {.status.readyReplicas}')"
ok "kubectl rollout status" kc -n kt rollout status deploy/web --timeout=10s
ok "kubectl set image" kc -n kt set image deploy/web c=nginx:2
ok "kubectl rollout undo" kc -n kt rollout undo deploy/web
eq "rolled back image and revision" "nginx:1 4" \
	"$(kc -n kt get deploy web -o jsonpath='{.spec.template.spec.containers[0].image} {.metadata.annotations.deployment\.kubernetes\.io/revision}')"
ok "kubectl create job" kc -n kt create job once --image=busybox
ok "kubectl wait job complete" kc -n kt wait --for=condition=complete job/once --timeout=10s
ok "kubectl apply --server-side" kc apply --server-side --force-conflicts -f "$tmp/objs.yaml"
eq "server-side apply managedFields" "kubectl" "$(kc -n kt get cm cm1 -o jsonpath='{.metadata.managedFields[?(@.operation=="Apply")].manager}' --show-managed-fields | xargs -n1 | grep -x kubectl)"

# server-side apply field ownership, as a real apiserver keeps it: create on apply, an
# Apply entry per manager, Update entries for the fields a patch changed, a 409 when
# another manager owns a field with another value, force taking it, unapplied fields gone
mfs() { kc -n kt get cm ssa -o json --show-managed-fields | "$py" -c 'import json,sys; d=json.load(sys.stdin)
print(" ".join(sorted("%s/%s:%s" % (m["manager"], m["operation"], ",".join(sorted(m["fieldsV1"].get("f:data", {})))) for m in d["metadata"]["managedFields"])), json.dumps(d.get("data"), sort_keys=True))'; }
printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ssa, namespace: kt}\ndata: {a: "1", b: "2"}\n' >"$tmp/ssa.yaml"
ok "ssa: create on apply" kc apply --server-side --field-manager=one -f "$tmp/ssa.yaml"
eq "ssa: Apply entry" 'one/Apply:f:a,f:b {"a": "1", "b": "2"}' "$(mfs)"
ok "ssa: a patch (Update)" kc -n kt patch cm ssa --field-manager=two --type=merge -p '{"data":{"b":"3","c":"4"}}'
eq "ssa: the patch owns what it changed" 'one/Apply:f:a two/Update:f:b,f:c {"a": "1", "b": "3", "c": "4"}' "$(mfs)"
printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ssa, namespace: kt}\ndata: {a: "1", b: "5"}\n' >"$tmp/ssa.yaml"
if kc apply --server-side --field-manager=one -f "$tmp/ssa.yaml" >"$OUT" 2>&1; then fail "ssa: conflict not reported"; else pass; fi
eq "ssa: conflict message" 'error: Apply failed with 1 conflict: conflict with "two" using v1: .data.b' "$(head -1 "$OUT")"
ok "ssa: --force-conflicts" kc apply --server-side --field-manager=one --force-conflicts -f "$tmp/ssa.yaml"
eq "ssa: forced field taken" 'one/Apply:f:a,f:b two/Update:f:c {"a": "1", "b": "5", "c": "4"}' "$(mfs)"
printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ssa, namespace: kt}\ndata: {b: "5", c: "4"}\n' >"$tmp/ssa.yaml"
ok "ssa: same value co-owned, a field dropped" kc apply --server-side --field-manager=one -f "$tmp/ssa.yaml"
eq "ssa: dropped field removed, shared field kept" 'one/Apply:f:b,f:c two/Update:f:c {"b": "5", "c": "4"}' "$(mfs)"
ok "ssa: deployment applied" kc apply --server-side --field-manager=one -f - <<<'{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"ssa","namespace":"kt"},"spec":{"replicas":1,"selector":{"matchLabels":{"app":"ssa"}},"template":{"metadata":{"labels":{"app":"ssa"}},"spec":{"containers":[{"name":"c","image":"nginx:1"}]}}}}'
ok "ssa: kubectl scale" kc -n kt scale deploy ssa --replicas=2
eq "ssa: scale owns replicas through its subresource" "kubectl Update scale {\"f:spec\": {\"f:replicas\": {}}}" \
	"$(kc -n kt get deploy ssa -o json --show-managed-fields | "$py" -c 'import json,sys; d=json.load(sys.stdin); print(" ".join("%s %s %s %s" % (m["manager"], m["operation"], m.get("subresource"), json.dumps(m["fieldsV1"])) for m in d["metadata"]["managedFields"] if m["manager"] == "kubectl"))')"
if kc apply --server-side --field-manager=one -f - <<<'{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"ssa","namespace":"kt"},"spec":{"replicas":3}}' >"$OUT" 2>&1; then fail "ssa: scale conflict not reported"; else pass; fi
eq "ssa: conflict with a subresource's manager" 'error: Apply failed with 1 conflict: conflict with "kubectl" with subresource "scale" using apps/v1: .spec.replicas' "$(head -1 "$OUT")"
ok "ssa: deployment deleted" kc -n kt delete deploy ssa
rv=$(kc -n kt get cm ssa -o jsonpath='{.metadata.resourceVersion}')
ok "ssa: no-op apply" kc apply --server-side --field-manager=one -f "$tmp/ssa.yaml"
eq "ssa: no-op apply keeps the resourceVersion" "$rv" "$(kc -n kt get cm ssa -o jsonpath='{.metadata.resourceVersion}')"

# a watch sees later changes
kc -n kt get cm -w --request-timeout=10s >"$tmp/watch.out" 2>&1 &
watch_pid=$!
for _ in $(seq 50); do grep -q '^cm1' "$tmp/watch.out" && break; sleep 0.1; done
ok "create during watch" kc -n kt create cm watched --from-literal=a=b
for _ in $(seq 50); do grep -q '^watched' "$tmp/watch.out" && break; sleep 0.1; done
kill "$watch_pid" 2>/dev/null
wait "$watch_pid" 2>/dev/null
grep -q '^watched' "$tmp/watch.out" && pass || fail "kubectl get -w did not see the new configmap: $(cat "$tmp/watch.out")"

ok "kubectl delete deployment" kc -n kt delete deploy web
eq "replicasets garbage-collected" "" "$(kc -n kt get rs -o name)"
ok "kubectl delete clusterrole" kc delete clusterrole kt-reader
ok "kubectl delete namespace" kc delete ns kt
eq "namespace contents gone" "" "$(kc get cm -A -o name --field-selector metadata.namespace=kt)"

# --- raw API: Status objects, conflicts, namespaces
body='{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"raw"},"data":{"a":"1"}}'
out=$(api POST /api/v1/namespaces/default/configmaps application/json "$body")
eq "POST creates" "201" "$(head -1 <<<"$out")"
rv=$(jget 'd["metadata"]["resourceVersion"]' <<<"$out")
eq "uid and creationTimestamp filled" "True" "$(jget 'bool(d["metadata"]["uid"] and d["metadata"]["creationTimestamp"])' <<<"$out")"
out=$(api POST /api/v1/namespaces/default/configmaps application/json "$body")
eq "second POST: AlreadyExists" '409 AlreadyExists configmaps "raw" already exists' \
	"$(head -1 <<<"$out") $(jget 'd["reason"]+" "+d["message"]' <<<"$out")"
out=$(api PUT /api/v1/namespaces/default/configmaps/raw application/json \
	'{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"raw","resourceVersion":"'"$rv"'"},"data":{"a":"2"}}')
eq "PUT with current resourceVersion" "200" "$(head -1 <<<"$out")"
out=$(api PUT /api/v1/namespaces/default/configmaps/raw application/json \
	'{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"raw","resourceVersion":"'"$rv"'"},"data":{"a":"3"}}')
eq "PUT with stale resourceVersion: Conflict" "409 Conflict" "$(head -1 <<<"$out") $(jget 'd["reason"]' <<<"$out")"
out=$(api POST /api/v1/namespaces/nowhere/configmaps application/json "$body")
eq "create in a missing namespace" '404 namespaces "nowhere" not found' "$(head -1 <<<"$out") $(jget 'd["message"]' <<<"$out")"
out=$(api GET /apis/apps/v1/namespaces/default/deployments/none)
eq "NotFound names group and resource" '404 NotFound deployments.apps "none" not found' \
	"$(head -1 <<<"$out") $(jget 'd["reason"]+" "+d["message"]' <<<"$out")"
out=$(api PATCH /api/v1/namespaces/default/configmaps/raw application/merge-patch+json '{"data":{"a":null,"b":"x"}}')
eq "merge patch" '200 {'"'"'b'"'"': '"'"'x'"'"'}' "$(head -1 <<<"$out") $(jget 'd["data"]' <<<"$out")"
out=$(api DELETE '/api/v1/namespaces/default/configmaps/raw?propagationPolicy=Foreground')
eq "delete with propagationPolicy" "200" "$(head -1 <<<"$out")"
out=$(api POST /api/v1/namespaces/default/configmaps application/json '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":5}}')
eq "a field of the wrong type: BadRequest" "400 BadRequest" "$(head -1 <<<"$out") $(jget 'd["reason"]' <<<"$out")"
out=$(api PATCH /api/v1/namespaces/default/configmaps/b0 application/json-patch+json '[5]')
eq "a bad JSON patch on a missing object: NotFound" "404" "$(head -1 <<<"$out")"
out=$(api GET '/api/v1/namespaces/default/configmaps?labelSelector=a+in+(b')
eq "a bad selector: BadRequest" "400" "$(head -1 <<<"$out")"
eq "list items carry no kind, as a real server's" "ConfigMapList False" \
	"$(api GET /api/v1/namespaces/default/configmaps | jget 'd["kind"] + " " + str(any("kind" in i for i in d["items"]))')"
for n in b1 b2 b3; do
	api POST /api/v1/namespaces/default/configmaps application/json \
		'{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"'$n'","labels":{"batch":"'${n#b}'"}}}' >/dev/null
done
out=$(api DELETE '/api/v1/namespaces/default/configmaps?labelSelector=batch+in+(1,2)')
eq "deletecollection with a selector" "200 2" "$(head -1 <<<"$out") $(jget 'len(d["items"])' <<<"$out")"
eq "deletecollection kept the rest" "b3" "$(kc get cm -l batch -o jsonpath='{.items[*].metadata.name}')"
out=$(api GET '/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=0&labelSelector=batch&timeoutSeconds=1')
eq "watch from resourceVersion 0 streams the current objects" "200 ADDED b3" "$(head -1 <<<"$out") $(jget 'd["type"]+" "+d["object"]["metadata"]["name"]' <<<"$out")"

}

part_helm() {
# --- Helm: install (with a hook Job), list, get manifest, upgrade, history, rollback, uninstall
chart="$tmp/chart"
mkdir -p "$chart/templates"
printf 'apiVersion: v2\nname: demo\nversion: 0.1.0\n' >"$chart/Chart.yaml"
printf 'replicas: 1\nmsg: hello\n' >"$chart/values.yaml"
cat >"$chart/templates/all.yaml" <<'EOF'
apiVersion: v1
kind: ConfigMap
metadata: {name: {{ .Release.Name }}-cm}
data: {msg: {{ .Values.msg | quote }}}
---
apiVersion: v1
kind: Secret
metadata: {name: {{ .Release.Name }}-secret}
stringData: {password: s3cret}
---
apiVersion: v1
kind: Service
metadata: {name: {{ .Release.Name }}-svc}
spec:
  selector: {app: {{ .Release.Name }}}
  ports: [{port: 80, targetPort: 8080}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: {{ .Release.Name }}-web}
spec:
  replicas: {{ .Values.replicas }}
  selector: {matchLabels: {app: {{ .Release.Name }}}}
  template:
    metadata: {labels: {app: {{ .Release.Name }}}}
    spec:
      containers:
      - name: web
        image: "nginx:1"
        env: [{name: MSG, value: {{ .Values.msg | quote }}}]
---
apiVersion: batch/v1
kind: Job
metadata:
  name: {{ .Release.Name }}-hook
  annotations:
    "helm.sh/hook": post-install,post-upgrade
    "helm.sh/hook-delete-policy": before-hook-creation,hook-succeeded
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: j, image: busybox, command: ["true"]}]
EOF
mkdir -p "$chart/templates/tests"
cat >"$chart/templates/tests/t.yaml" <<'EOF'
apiVersion: v1
kind: Pod
metadata:
  name: {{ .Release.Name }}-test
  annotations: {"helm.sh/hook": test}
spec:
  restartPolicy: Never
  containers: [{name: t, image: busybox, command: ["true"]}]
EOF
ok "helm install" helm install r1 "$chart"
grep -q 'STATUS: deployed' "$OUT" && pass || fail "helm install status: $(cat "$OUT")"
ok "helm list" helm list -o json
eq "helm list shows the release" "r1 deployed 1" "$("$py" -c 'import json,sys; print(" ".join("%s %s %s" % (r["name"], r["status"], r["revision"]) for r in json.load(open(sys.argv[1]))))' "$OUT")"
eq "release secret" "helm.sh/release.v1 helm deployed 1 r1" \
	"$(kc get secret sh.helm.release.v1.r1.v1 -o jsonpath='{.type} {.metadata.labels.owner} {.metadata.labels.status} {.metadata.labels.version} {.metadata.labels.name}')"
eq "objects carry Helm's labels" "r1-cm r1-secret r1-svc r1-web" \
	"$(kc get cm,secret,svc,deploy -l app.kubernetes.io/managed-by=Helm -o jsonpath='{range .items[*]}{.metadata.name} {end}' | xargs -n1 | sort | xargs)"
eq "objects carry Helm's annotations" "r1/default" \
	"$(kc get deploy r1-web -o jsonpath='{.metadata.annotations.meta\.helm\.sh/release-name}/{.metadata.annotations.meta\.helm\.sh/release-namespace}')"
eq "hook job deleted after success" "" "$(kc get job -o name)"
eq "service got a cluster IP" "True" "$(kc get svc r1-svc -o jsonpath='{.spec.clusterIP}' | grep -qE '^[0-9.]+$' && echo True)"
eq "stringData stored as data" "s3cret" "$(kc get secret r1-secret -o jsonpath='{.data.password}' | base64 -d)"
ok "helm test" helm test r1
grep -q 'Phase: *Succeeded' "$OUT" && pass || fail "helm test phase: $(cat "$OUT")"
ok "helm get manifest" helm get manifest r1
grep -q 'name: r1-web' "$OUT" && pass || fail "manifest lacks the deployment"
ok "helm upgrade" helm upgrade r1 "$chart" --set msg=bye,replicas=2
eq "upgrade patched the deployment" '2 [{"name":"MSG","value":"bye"}]' \
	"$(kc get deploy r1-web -o jsonpath='{.spec.replicas} {.spec.template.spec.containers[0].env}')"
eq "release v2 deployed, v1 superseded" "superseded deployed" \
	"$(kc get secret -l owner=helm,name=r1 -o jsonpath='{.items[*].metadata.labels.status}')"
ok "helm rollback" helm rollback r1 1
ok "helm history" helm history r1
eq "history has 3 revisions" "superseded superseded deployed" "$(awk 'NR>1 {printf "%s%s", sep, $7; sep=" "}' "$OUT")"
eq "rollback restored the values" '1 [{"name":"MSG","value":"hello"}]' \
	"$(kc get deploy r1-web -o jsonpath='{.spec.replicas} {.spec.template.spec.containers[0].env}')"
ok "helm uninstall" helm uninstall r1
eq "uninstall removed objects and releases" "" "$(kc get cm,secret,svc,deploy,rs -o name | grep r1)"

ok "helm install --wait --create-namespace" helm install r2 "$chart" -n web --create-namespace --wait --timeout 30s
eq "waited release deployed" "deployed" "$(kc -n web get secret sh.helm.release.v1.r2.v1 -o jsonpath='{.metadata.labels.status}')"
ok "helm upgrade --wait" helm upgrade r2 "$chart" -n web --wait --timeout 30s --set msg=again
ok "helm uninstall --wait" helm uninstall r2 -n web --wait --timeout 30s

# CRDs (crds/ folder, then a custom resource), StatefulSet, DaemonSet, PVC and Job readiness
x="$tmp/extra"
mkdir -p "$x/templates" "$x/crds"
printf 'apiVersion: v2\nname: extra\nversion: 0.1.0\n' >"$x/Chart.yaml"
cat >"$x/crds/widget.yaml" <<'EOF'
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget, shortNames: [wg]}
  versions:
  - name: v1
    served: true
    storage: true
    schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
EOF
cat >"$x/templates/all.yaml" <<'EOF'
apiVersion: example.com/v1
kind: Widget
metadata: {name: {{ .Release.Name }}-w}
spec: {size: {{ .Values.size | default 1 }}}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: {{ .Release.Name }}-db}
spec:
  serviceName: db
  replicas: 2
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec: {containers: [{name: db, image: "postgres:16"}]}
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: {{ .Release.Name }}-agent}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec: {containers: [{name: a, image: "busybox:1"}]}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: {{ .Release.Name }}-data}
spec:
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 1Gi}}
---
apiVersion: batch/v1
kind: Job
metadata: {name: {{ .Release.Name }}-once}
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: j, image: busybox}]
EOF
ok "helm install with CRDs, --wait --wait-for-jobs" helm install r3 "$x" --wait --wait-for-jobs --timeout 30s
eq "custom resource stored" "1" "$(kc get widget r3-w -o jsonpath='{.spec.size}')"
eq "CRD short name in discovery" "r3-w" "$(kc get wg -o jsonpath='{.items[*].metadata.name}')"
ok "helm upgrade of a custom resource" helm upgrade r3 "$x" --set size=3 --wait --wait-for-jobs --timeout 30s
eq "custom resource patched" "3" "$(kc get widget r3-w -o jsonpath='{.spec.size}')"
ok "helm uninstall r3" helm uninstall r3

# failure paths a client must see: a hook Job that fails, a Deployment that never gets ready
cp -r "$chart" "$tmp/good"
sed -i 's|"helm.sh/hook": post-install,post-upgrade|&\n    "kubeapi.test/job": fail|' "$chart/templates/all.yaml"
if helm install r4 "$chart" >"$OUT" 2>&1; then fail "failing hook: helm install succeeded"; else pass; fi
grep -q 'job r4-hook failed: BackoffLimitExceeded' "$OUT" && pass || fail "failing hook message: $(cat "$OUT")"
eq "release recorded as failed" "failed" "$(kc get secret sh.helm.release.v1.r4.v1 -o jsonpath='{.metadata.labels.status}')"
ok "uninstall failed release" helm uninstall r4 --no-hooks
ok "helm upgrade --install" helm upgrade --install r6 "$tmp/good"
if helm upgrade r6 "$chart" --atomic --set msg=bad >"$OUT" 2>&1; then fail "atomic upgrade with a failing hook succeeded"; else pass; fi
grep -q 'has been rolled back due to atomic being set' "$OUT" && pass || fail "atomic message: $(cat "$OUT")"
eq "atomic rollback restored the old values" "hello" "$(kc get cm r6-cm -o jsonpath='{.data.msg}')"
ok "helm history after atomic" helm history r6 -o json
eq "atomic history" "superseded failed deployed" "$("$py" -c 'import json,sys; print(" ".join(r["status"] for r in json.load(open(sys.argv[1]))))' "$OUT")"
ok "helm uninstall r6" helm uninstall r6
sed -i '/kubeapi.test\/job/d; s|^metadata: {name: {{ .Release.Name }}-web}|metadata: {name: {{ .Release.Name }}-web, annotations: {kubeapi.test/ready: "false"}}|' "$chart/templates/all.yaml"
if helm install r5 "$chart" --wait --timeout 2s >"$OUT" 2>&1; then fail "never-ready deployment: helm --wait succeeded"; else pass; fi
grep -q 'context deadline exceeded' "$OUT" && pass || fail "never-ready message: $(cat "$OUT")"

# the state file mirrors the store
eq "state file readable" "True" "$("$py" -c 'import json,sys; d=json.load(open(sys.argv[1])); print(any(o["object"]["metadata"]["name"]=="default" for o in d["objects"]))' "$tmp/state.json")"
}

(
	TESTS_PASSED=0 TESTS_FAILED=0 OUT="$tmp/out.kubectl"
	part_kubectl
	echo "$TESTS_PASSED $TESTS_FAILED" >"$tmp/tally.kubectl"
) >"$tmp/log.kubectl" 2>&1 &
kubectl_part=$!
OUT="$tmp/out.helm"
part_helm
wait "$kubectl_part"
cat "$tmp/log.kubectl"
read -r kp kf <"$tmp/tally.kubectl" || { kp=0; kf=1; echo "FAIL: the kubectl part did not finish"; }
TESTS_PASSED=$((TESTS_PASSED + kp)) TESTS_FAILED=$((TESTS_FAILED + kf))

# a second server seeded from the first one's state knows the same releases
"$py" tests/kubeapi/server.py --kubeconfig "$tmp/kubeconfig2" --seed "$tmp/state.json" --certs "$tmp/certs2" \
	>"$tmp/server2.out" 2>&1 &
seed_pid=$!
for _ in $(seq 100); do [ -s "$tmp/kubeconfig2" ] && break; kill -0 "$seed_pid" 2>/dev/null || break; sleep 0.1; done
eq "releases left on the first server" "r5" "$(helm list -a -q | sort | xargs)"
eq "seeded server lists the same releases" "r5" "$(helm --kubeconfig "$tmp/kubeconfig2" list -a -q | sort | xargs)"
kill "$seed_pid"
# what the release storage driver sent (informational: client-go typed clients use protobuf)
echo "helm secret content types: $(grep '"Helm/' "$tmp/requests.log" | grep '/secrets' | grep -E '"(POST|PUT)"' |
	"$py" -c 'import json,sys; print(" ".join(sorted({json.loads(l)["contentType"] for l in sys.stdin})))')"
eq "no server errors" "" "$(grep -E '"code": 5[0-9][0-9]' "$tmp/requests.log")"
finish
