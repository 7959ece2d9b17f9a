#!/bin/bash
# t-uninstall.sh - render uninstall against Helm 3.17.3 on the same test API
# server (tests/kubeapi/server.py): each case runs Helm on one release and
# render on a twin, then compares exit codes, stdout, stderr, the release
# records (decoded, times aside), the DELETE requests (kinds in order, names
# as sets, since Helm deletes one kind's objects concurrently), propagation
# (what an orphaned ReplicaSet shows) and the objects left; then the errors
# of KubeClient.Build on manifests fed through a post-renderer.
cd "$(dirname "$0")/.." || exit 1
source tests/lib.sh
source tests/lib-kube.sh
kube_tools t-uninstall
kube_tmp
# private copies of the binaries (other builds may replace bin/render meanwhile)
private_bins
BINS="$RENDER_COPY${RENDER_ASAN_COPY:+ $RENDER_ASAN_COPY}"
# the server logs each request to $tmp/req.log
kube_start t-uninstall --log $tmp/req.log
unset KUBECACHEDIR # this script always ran with the default discovery cache

mk $tmp/c/Chart.yaml <<'EOF'
apiVersion: v2
name: c
version: 0.1.0
EOF
mk $tmp/c/values.yaml <<'EOF'
finalizer: false
failhook: ""
EOF
# many kinds, shuffled; resource policies keep, " Keep " and another value
mk $tmp/c/templates/all.yaml <<'EOF'
{{- $n := .Release.Name }}
{{- range $i := until 3 }}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ $n }}-cm{{ $i }}
{{- end }}
---
apiVersion: v1
kind: Service
metadata: {name: {{ $n }}-svc}
spec: {ports: [{port: 80}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: {{ $n }}-dep}
spec:
  selector: {matchLabels: {app: {{ $n }}}}
  template:
    metadata: {labels: {app: {{ $n }}}}
    spec: {containers: [{name: c, image: nginx}]}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: {{ $n }}-sa}
---
apiVersion: v1
kind: Secret
metadata:
  name: {{ $n }}-keep
  annotations: {helm.sh/resource-policy: keep}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ $n }}-keep2
  annotations: {helm.sh/resource-policy: " Keep "}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ $n }}-other
  annotations: {helm.sh/resource-policy: other}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: {{ $n }}-np}
spec: {podSelector: {}}
---
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: {name: {{ $n }}-ic}
spec: {controller: example.com/x}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: {{ $n }}-ing}
spec: {defaultBackend: {service: {name: x, port: {number: 80}}}}
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: {{ $n }}-cj}
spec: {schedule: "* * * * *", jobTemplate: {spec: {template: {spec: {restartPolicy: Never, containers: [{name: c, image: x}]}}}}}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: {{ $n }}-role}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: {{ $n }}-rb}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: x}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: {{ $n }}-pvc}
spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: {{ $n }}-pdb}
spec: {minAvailable: 1, selector: {matchLabels: {app: x}}}
---
apiVersion: coordination.k8s.io/v1
kind: Lease
metadata: {name: {{ $n }}-lease}
---
apiVersion: v1
kind: Namespace
metadata: {name: {{ $n }}-ns}
{{- if .Values.finalizer }}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ $n }}-fin
  finalizers: [example.com/x]
{{- end }}
EOF
mk $tmp/c/templates/hooks.yaml <<'EOF'
{{- range $e := list "pre-delete" "post-delete" }}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ $.Release.Name }}-{{ $e }}
  annotations: {helm.sh/hook: {{ $e }}}
{{- end }}
{{- with .Values.failhook }}
---
apiVersion: batch/v1
kind: Job
metadata:
  name: {{ $.Release.Name }}-job
  annotations: {helm.sh/hook: {{ . }}, kubeapi.test/job: fail}
spec:
  backoffLimit: 0
  template: {spec: {restartPolicy: Never, containers: [{name: c, image: x}]}}
{{- end }}
EOF

# after MARK NAME: the requests since line MARK of the log, DELETEs as
# "KIND name1 name2..." (kinds in the order of their first DELETE, names
# sorted), record writes as "METHOD secret"; then the release's objects on
# the server and its decoded records (times aside)
mark() { wc -l <$tmp/req.log; }
after() {
	python3 - "$tmp/req.log" "$1" "$2" "$tmp/kubeconfig" <<'EOF'
import base64, gzip, json, ssl, sys, urllib.request
lines = open(sys.argv[1]).read().splitlines()[int(sys.argv[2]):]
name = sys.argv[3]
runs, start = [], 0
for l in lines:
    r = json.loads(l)
    p = r["path"].split("?")[0]
    if r["method"] == "DELETE" and "/secrets/sh.helm.release" not in p:
        kind, obj = p.split("/")[-2], p.split("/")[-1]
        # the log is written as answers go out: a kind's concurrent DELETEs
        # may be logged after the next kind's first one (hooks stand apart;
        # merging stops at record writes)
        seen = [x for x in runs[start:] if x[0] == kind]
        if obj.endswith("-delete"):
            runs.append(("hook " + kind, [obj]))
            start = len(runs)
        elif seen:
            seen[0][1].append(obj)
        else:
            runs.append((kind, [obj]))
    elif r["method"] in ("POST", "PUT", "DELETE") and "/secrets" in p and r["code"] < 300:
        runs.append((r["method"] + " " + p.split("/")[-1], []))
        start = len(runs)
for k, objs in runs:
    print(k, *sorted(objs))
kc = json.load(open(sys.argv[4]))
cl, us = kc["clusters"][0]["cluster"], kc["users"][0]["user"]
ctx = ssl.create_default_context(cadata=base64.b64decode(cl["certificate-authority-data"]).decode())
req = urllib.request.Request(cl["server"] + "/debug/state", headers={"Authorization": "Bearer " + us["token"]})
st = json.load(urllib.request.urlopen(req, context=ctx))
for o in sorted(st["objects"], key=lambda o: (o["resource"], o["object"]["metadata"]["name"])):
    m = o["object"]["metadata"]
    if name not in m["name"] and name not in json.dumps(m.get("labels", {})):
        continue
    if o["object"].get("type") == "helm.sh/release.v1":
        rel = json.loads(gzip.decompress(base64.b64decode(base64.b64decode(o["object"]["data"]["release"]))))
        info = {k: v for k, v in rel["info"].items() if k not in ("first_deployed", "last_deployed", "deleted")}
        lab = {k: v for k, v in m["labels"].items() if k not in ("createdAt", "modifiedAt")}
        print("record", m["name"], json.dumps(info, sort_keys=True), json.dumps(lab, sort_keys=True))
    else:
        nm = m["name"]
        if o["resource"] == "replicasets":
            nm = nm.rsplit("-", 1)[0] + "-HASH"
        print(o["resource"], nm, "deleting" if m.get("deletionTimestamp") else "")
EOF
}

# run TOOL NAME ARGS...: output normalised into $tmp/out.TOOLKIND
run() {
	local tool=$1 name=$2 k
	shift 2
	k=$([ "$tool" = "$HELM" ] && echo h || echo r)
	"$tool" "$@" >$tmp/o 2>$tmp/e
	echo "rc=$?" >$tmp/out.$k
	cat $tmp/o $tmp/e | sed "s/$name/NAME/g" >>$tmp/out.$k
}

# case LABEL INSTALL_ARGS -- UNINSTALL_ARGS: helm installs both twins, then each
# tool uninstalls its own; outputs, requests and what is left compared
n=0
ucase() {
	local label=$1 r iargs=() uargs=()
	shift
	while [ $# -gt 0 ] && [ "$1" != -- ]; do iargs+=("$1"); shift; done
	shift
	uargs=("$@")
	n=$((n + 1))
	for t in h r; do
		# Helm's side is the same for every render binary: run once
		key=$(echo "$label" | tr -dc 'a-z')
		[ $t = h ] && [ -s $tmp/hres.$key ] && { cp $tmp/hres.$key $tmp/res.h; continue; }
		name=$t$n-$BN
		tool=$HELM
		[ $t = r ] && tool=$R
		if [ "${iargs[0]}" != none ]; then
			"$HELM" install $name $tmp/c "${iargs[@]}" >/dev/null 2>$tmp/ie ||
				{ fail "$label: helm install: $(cat $tmp/ie)"; return; }
		fi
		m=$(mark)
		run "$tool" $name uninstall $name "${uargs[@]}"
		sleep 0.1
		mv $tmp/out.$t $tmp/res.$t
		after $m $name | sed "s/$name/NAME/g" >>$tmp/res.$t
		[ $t = h ] && cp $tmp/res.h $tmp/hres.$key
	done
	[ -n "$SHOW" ] && cat $tmp/res.r
	if cmp -s $tmp/res.h $tmp/res.r; then pass; else
		fail "$label ($BN)"; diff $tmp/res.h $tmp/res.r | head -20
	fi
}

for R in $BINS; do
	BN=$(basename $R | tr -dc 'a-z')
	n=0
	ucase "uninstall in UninstallOrder, kept resources" --
	ucase "keep-history, description" -- --keep-history --description "gone now"
	ucase "cascade orphan leaves the ReplicaSet" -- --cascade orphan
	ucase "wait on a finalizer times out" --set finalizer=true -- --wait --timeout 1s --keep-history
	ucase "pre-delete hook fails" --set failhook=pre-delete -- --keep-history
	ucase "ignore-not-found" none -- --ignore-not-found
	if [ $BN = render ]; then # paths the sanitizer build need not repeat
		ucase "no-hooks" -- --no-hooks --keep-history
		ucase "cascade foreground" -- --cascade=foreground
		ucase "invalid cascade" none -- --cascade Orphan
		ucase "post-delete hook fails" --set failhook=post-delete --
		ucase "dry-run" -- --dry-run
		ucase "not found" none -- --keep-history
		ucase "dry-run ignore-not-found" none -- --dry-run --ignore-not-found
		ucase "invalid name" none -- --ignore-not-found x_y
	fi
	# an uninstalled release kept in history: again with and without --keep-history
	for t in h r; do
		tool=$HELM
		[ $t = r ] && tool=$R
		[ $t = h ] && [ -s $tmp/hres.again ] && { cp $tmp/hres.again $tmp/res.h; continue; }
		"$HELM" install $t-again-$BN $tmp/c >/dev/null && "$HELM" uninstall $t-again-$BN --keep-history >/dev/null
		run "$tool" $t-again-$BN uninstall $t-again-$BN --keep-history
		run "$tool" $t-again-$BN uninstall $t-again-$BN
		mv $tmp/out.$t $tmp/res.$t
		"$HELM" history $t-again-$BN 2>&1 | sed 's/[A-Z][a-z][a-z] [A-Z][a-z][a-z] .*2[0-9][0-9][0-9]/TIME/' >>$tmp/res.$t
		[ $t = h ] && cp $tmp/res.h $tmp/hres.again
	done
	cmp -s $tmp/res.h $tmp/res.r && pass || { fail "uninstalled twice ($BN)"; diff $tmp/res.h $tmp/res.r; }
	# a release installed by render, uninstalled by each tool
	for t in h r; do
		tool=$HELM
		[ $t = r ] && tool=$R
		[ $t = h ] && [ -s $tmp/hres.mix ] && { cp $tmp/hres.mix $tmp/res.h; continue; }
		"$R" install $t-mix-$BN $tmp/c >/dev/null
		run "$tool" $t-mix-$BN uninstall $t-mix-$BN
		mv $tmp/out.$t $tmp/res.$t
		after "$(mark)" $t-mix-$BN | sed "s/$t-mix-$BN/NAME/g" >>$tmp/res.$t
		[ $t = h ] && cp $tmp/res.h $tmp/hres.mix
	done
	cmp -s $tmp/res.h $tmp/res.r && pass || { fail "render's release ($BN)"; diff $tmp/res.h $tmp/res.r; }
done

# ---- KubeClient.Build errors, fed through a post-renderer ----
mk $tmp/p/Chart.yaml <<'EOF'
apiVersion: v2
name: p
version: 0.1.0
EOF
mk $tmp/p/templates/cm.yaml <<'EOF'
apiVersion: v1
kind: ConfigMap
metadata: {name: {{ .Release.Name }}}
EOF
mk $tmp/pr.sh <<'EOF'
#!/bin/sh
cat >/dev/null
cat "$PR_DOC"
EOF
chmod +x $tmp/pr.sh
docs=(
	'hello world'
	$'- a\n- b'
	'a: b'
	'apiVersion: v1'
	$'apiVersion: null\nkind: 3'
	$'apiVersion: v1\nkind: [ConfigMap]'
	$'apiVersion: a/b/c\nkind: ConfigMap\nmetadata: {name: x}'
	$'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n---\na: b'
	$'a: [b'
	$'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: y}'
	$'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: 5}'
	$'apiVersion: v1\nkind: ConfigMap\nmetadata: [a]'
	$'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: [a]}'
	$'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, labels: [a]}'
	$'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, annotations: {a: 1}}'
	$'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, labels: {b: 1, a: [x]}, annotations: {z: 2}}'
	$'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, uid: 3, resourceVersion: 4}'
	$'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, generation: 1.5}'
	$'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, generation: 99999999999999999999}'
	$'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, finalizers: [1]}'
	$'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, ownerReferences: 3}'
	$'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, creationTimestamp: 3}'
	$'apiVersion: v1\nkind: ConfigMap\nmetadata: {Name: x, name: ok}'
)
"$HELM" install up-base $tmp/p >/dev/null || fail "helm install up-base"
i=0
for d in "${docs[@]}"; do
	i=$((i + 1))
	printf '%s\n' "$d" >$tmp/doc$i.yaml
	modes=install
	case $i in 1 | 4 | 13 | 20) modes="install upgrade" ;; esac
	for mode in $modes; do
		if [ $mode = install ]; then args=(install b$i $tmp/p --dry-run); else args=(upgrade up-base $tmp/p); fi
		PR_DOC=$tmp/doc$i.yaml "$HELM" "${args[@]}" --post-renderer $tmp/pr.sh >/dev/null 2>$tmp/he
		hrc=$?
		for R in $BINS; do
			# the sanitizer build (slower) checks every third document
			[ "$R" = $tmp/render ] || [ $((i % 3)) = 1 ] || continue
			PR_DOC=$tmp/doc$i.yaml "$R" "${args[@]}" --post-renderer $tmp/pr.sh >/dev/null 2>$tmp/re
			rrc=$?
			if [ $hrc = $rrc ] && cmp -s $tmp/he $tmp/re; then pass; else
				fail "build error $mode doc$i ($(basename $R)): helm rc=$hrc $(cat $tmp/he) / render rc=$rrc $(cat $tmp/re)"
			fi
		done
	done
done
# an object without a name: client-go refuses to GET it (never a request on
# the collection)
printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {Name: x}\n' >$tmp/noname.yaml
for args in "install nn-T $tmp/p" "upgrade up-base $tmp/p"; do
	PR_DOC=$tmp/noname.yaml "$HELM" ${args/-T/-h} --post-renderer $tmp/pr.sh >/dev/null 2>$tmp/he
	hrc=$?
	for R in $BINS; do
		PR_DOC=$tmp/noname.yaml "$R" ${args/-T/-r} --post-renderer $tmp/pr.sh >/dev/null 2>$tmp/re
		rrc=$?
		if [ $hrc = $rrc ] && cmp -s $tmp/he $tmp/re; then pass; else
			fail "unnamed object, ${args%% *} ($(basename $R)): helm rc=$hrc $(cat $tmp/he) / render rc=$rrc $(cat $tmp/re)"
		fi
	done
done
finish
