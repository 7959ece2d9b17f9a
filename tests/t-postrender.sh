#!/usr/bin/env bash
# render template --post-renderer against Helm 3.17.3: what the post-renderer reads
# (CRDs with --include-crds, manifests, never hooks or NOTES), how its output replaces
# the manifest (# Source: lines kept or dropped, --show-only, --output-dir, --debug),
# the path rules (relative, $PATH, "." in $PATH) and every error text, byte for byte,
# with bin/render and bin/render-asan. Then install and upgrade on the test API
# server (tests/kubeapi/server.py): the stored manifest, hooks and notes, the errors
# and the --dry-run output, each read back by the other tool too.
set -u
cd "$(dirname "$0")/.."
source tests/lib.sh
source tests/lib-kube.sh
root=$PWD
RENDER=${RENDER:-$PWD/bin/render}
RENDER_ASAN=${RENDER_ASAN:-$PWD/bin/render-asan}
HELM=${HELM:-/root/.cache/render-tests/helm-v3.17.3/helm}
kube_tmp
export HELM_CONFIG_HOME="$tmp/helm/config" HELM_CACHE_HOME="$tmp/helm/cache" HELM_DATA_HOME="$tmp/helm/data"
# private copies: other builds may replace bin/render while this runs
mkdir -p $tmp/bin
cp "$RENDER" $tmp/bin/render || exit 1
bins="$tmp/bin/render"
if [ -x "$RENDER_ASAN" ]; then
	cp "$RENDER_ASAN" $tmp/bin/render-asan && bins="$bins $tmp/bin/render-asan"
fi

# a chart with CRDs, a subchart, hooks (one a test), NOTES.txt and a manifest larger
# than a pipe buffer, so that stdin, stdout and stderr must all flow at once
c=$tmp/c
mkdir -p $c/templates $c/crds $c/charts/sub/templates $c/charts/sub/crds
printf 'apiVersion: v2\nname: c\nversion: 0.1.0\n' >$c/Chart.yaml
printf 'apiVersion: v2\nname: sub\nversion: 0.1.0\n' >$c/charts/sub/Chart.yaml
printf 'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: foos.example.com\n' >$c/crds/foo.yaml
printf 'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: bars.example.com\n' >$c/charts/sub/crds/bar.yml
printf 'not: a crd\n' >$c/crds/README.txt
cat >$c/templates/cm.yaml <<'EOF'
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-cm
data:
  a: "1"
---
apiVersion: v1
kind: Service
metadata:
  name: svc
EOF
cat >$c/templates/big.yaml <<'EOF'
apiVersion: v1
kind: ConfigMap
metadata:
  name: big
data:
{{- range until 6000 }}
  k{{ . }}: "{{ repeat 40 "x" }}"
{{- end }}
EOF
printf 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: hookpod\n  annotations:\n    "helm.sh/hook": pre-install\n' >$c/templates/hook.yaml
printf 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: testpod\n  annotations:\n    "helm.sh/hook": test\n' >$c/templates/test.yaml
printf 'notes {{ .Release.Name }}\n' >$c/templates/NOTES.txt
printf 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: subsec\n' >$c/charts/sub/templates/s.yaml

s=$tmp/s
mkdir -p $s/bin $s/rel
script() { # NAME BODY: an executable shell script
	printf '#!/bin/sh\n%s\n' "$2" >"$s/$1"
	chmod +x "$s/$1"
}
script label.sh 'awk '\''{print} /^metadata:/{print "  labels:\n    post: rendered"}'\'
script nosrc.sh 'grep -v "^# Source:"'
script fail.sh 'cat >/dev/null; echo "bad thing happened" >&2; echo "second line" >&2; exit 3'
script empty.sh 'cat >/dev/null; exit 0'
script noread.sh 'exit 0'
script blanks.sh 'cat >/dev/null; printf "\n \t\n"'
script spaces.sh 'printf "\n\n  \n"; cat; printf "\n\n\n"'
script unispace.sh 'printf "\302\240\v"; cat; printf "\302\205\f\343\200\200"'
script args.sh 'echo "# args: $#"; for a in "$@"; do echo "# arg [$a]"; done; cat'
script wrap.sh 'echo "# stdin:"; sed "s/^/# > /"; echo "# end"'
script stderr-ok.sh 'echo "noise on stderr" >&2; cat'
script killed.sh 'cat >/dev/null; echo "dying" >&2; kill -KILL $$'
script copy.sh 'tee "$1"'
script bin/inpath.sh 'sed "s/^kind:/kind:/"'
script rel/inrel.sh 'cat'
printf 'echo no shebang\n' >$s/noshebang; chmod +x $s/noshebang
printf '#!/bin/sh\ncat\n' >$s/noexec.sh
printf '#!/no/such/interpreter\n' >$s/badinterp.sh; chmod +x $s/badinterp.sh
cd $tmp

# one case: same exit status, stdout and stderr from Helm and from each render binary
check() { # LABEL ARGS...
	local label=$1 b hr rr e=()
	shift
	[ -n "${CASE_PATH+x}" ] && e=(env "PATH=$CASE_PATH")
	"${e[@]}" "$HELM" template "$@" >$tmp/h.out 2>$tmp/h.err
	hr=$?
	for b in $bins; do
		"${e[@]}" "$b" template "$@" >$tmp/r.out 2>$tmp/r.err
		rr=$?
		if [ $hr != $rr ]; then
			fail "$label ($(basename $b)): exit $rr, helm $hr"; cat $tmp/r.err
		elif ! cmp -s $tmp/h.out $tmp/r.out; then
			fail "$label ($(basename $b)): stdout differs"; diff $tmp/h.out $tmp/r.out | head -10
		elif ! cmp -s $tmp/h.err $tmp/r.err; then
			fail "$label ($(basename $b)): stderr differs"; diff $tmp/h.err $tmp/r.err | head -10
		else
			pass
		fi
	done
}

check "cat from \$PATH" c --post-renderer cat
check "cat, no hooks" c --post-renderer cat --no-hooks
check "cat, skip tests, crds" c --post-renderer cat --skip-tests --include-crds
check "sed with args" c --post-renderer sed --post-renderer-args -e --post-renderer-args 's/name: /name: x-/'
check "label" c --post-renderer $s/label.sh
check "label with crds" c --post-renderer $s/label.sh --include-crds
check "label, crds and skip-crds" c --post-renderer $s/label.sh --include-crds --skip-crds
check "drop # Source" c --post-renderer $s/nosrc.sh
check "drop # Source, show-only" c --post-renderer $s/nosrc.sh -s templates/cm.yaml
check "drop # Source, show-only hook" c --post-renderer $s/nosrc.sh -s templates/hook.yaml
check "label, show-only" c --post-renderer $s/label.sh --include-crds -s templates/cm.yaml -s crds/foo.yaml -s 'charts/sub/*/*'
check "what stdin holds" c --post-renderer $s/wrap.sh --include-crds
check "what stdin holds, name and namespace" myrel c -n ns --post-renderer $s/wrap.sh
check "empty output" c --post-renderer $s/empty.sh
check "empty output, no hooks" c --post-renderer $s/empty.sh --no-hooks
check "blank output" c --post-renderer $s/blanks.sh
check "surrounding blank lines" c --post-renderer $s/spaces.sh
check "Unicode spaces around the output" c --post-renderer $s/unispace.sh
check "child never reads stdin" c --post-renderer $s/noread.sh
check "stderr of a good run" c --post-renderer $s/stderr-ok.sh
check "args with spaces and empty ones" c --post-renderer $s/args.sh --post-renderer-args 'a b' --post-renderer-args '' --post-renderer-args=' c  d '
check "args before the path" c --post-renderer-args first --post-renderer $s/args.sh --post-renderer-args second
check "given twice, the last wins" c --post-renderer $s/nosrc.sh --post-renderer $s/args.sh
check "empty value ignored" c --post-renderer $s/args.sh --post-renderer=
check "empty value alone" c --post-renderer ''
check "failing with stderr" c --post-renderer $s/fail.sh
check "failing, relative path" c --post-renderer ./s/fail.sh
check "failing, unclean path" c --post-renderer s/rel/../fail.sh
check "killed by a signal" c --post-renderer $s/killed.sh
check "no shebang" c --post-renderer $s/noshebang
check "missing interpreter" c --post-renderer $s/badinterp.sh
check "missing path" c --post-renderer ./s/missing.sh
check "missing absolute path" c --post-renderer $s/missing.sh
check "not in \$PATH" c --post-renderer no-such-post-renderer
check "a script name is not looked up in the folder" c --post-renderer label.sh
check "a folder" c --post-renderer $s
check "not executable" c --post-renderer $s/noexec.sh
check "second value missing" c --post-renderer $s/label.sh --post-renderer $s/nope
check "flag errors in order (unknown flag first)" c --bogus --post-renderer ./nope
check "flag errors in order (post-renderer first)" c --post-renderer ./nope --bogus
check "flag errors in order (missing argument)" c --post-renderer ./nope --output-dir
check "a bad post-renderer is a flag error even with bad arguments" c d e --post-renderer ./nope
check "a good one and bad arguments" c d e --post-renderer cat
PATH="$s/bin:$PATH" check "found in \$PATH" c --post-renderer inpath.sh
PATH="s/rel:$PATH" check "found in a relative \$PATH entry" c --post-renderer inrel.sh
(cd $s/rel && PATH=":$PATH" check "found through an empty \$PATH entry" ../../c --post-renderer inrel.sh)
CASE_PATH="" check "empty \$PATH" c --post-renderer cat

# --debug: the release without its manifest is printed, then the error (Helm's own
# debug log lines on stderr are not ours to copy)
"$HELM" template c --post-renderer $s/fail.sh --debug >$tmp/h.out 2>$tmp/h.err
hr=$?
for b in $bins; do
	"$b" template c --post-renderer $s/fail.sh --debug >$tmp/r.out 2>$tmp/r.err
	rr=$?
	if [ $hr = $rr ] && cmp -s $tmp/h.out $tmp/r.out && grep -qF "$(cat $tmp/r.err)" $tmp/h.err; then
		pass
	else
		fail "--debug ($(basename $b))"; diff $tmp/h.out $tmp/r.out | head; cat $tmp/r.err
	fi
done

# the exact bytes on stdin, and an output larger than any pipe buffer
"$HELM" template c --include-crds --post-renderer $s/copy.sh --post-renderer-args $tmp/in.helm >$tmp/h.out
for b in $bins; do
	rm -f $tmp/in.render
	"$b" template c --include-crds --post-renderer $s/copy.sh --post-renderer-args $tmp/in.render >$tmp/r.out
	if cmp -s $tmp/in.helm $tmp/in.render && cmp -s $tmp/h.out $tmp/r.out &&
		[ "$(wc -c <$tmp/in.helm)" -gt 200000 ]; then
		pass
	else
		fail "stdin bytes ($(basename $b))"; diff $tmp/in.helm $tmp/in.render | head
	fi
done

# --output-dir: the documents go to files, the post-renderer reads nothing and its
# output is printed after the "wrote" lines
for dir in h r; do mkdir -p $tmp/od-$dir; done
(cd $tmp/od-h && "$HELM" template ../c --include-crds --output-dir out --post-renderer ../s/wrap.sh >stdout 2>stderr; echo $? >rc)
for b in $bins; do
	rm -rf $tmp/od-r/*
	(cd $tmp/od-r && "$b" template ../c --include-crds --output-dir out --post-renderer ../s/wrap.sh >stdout 2>stderr; echo $? >rc)
	if diff -r $tmp/od-h $tmp/od-r >/dev/null; then
		pass
	else
		fail "--output-dir ($(basename $b))"; diff -r $tmp/od-h $tmp/od-r | head -20
	fi
	rm -rf $tmp/od-r/*
	(cd $tmp/od-r && "$b" template ../c --output-dir out --post-renderer ../s/fail.sh >stdout 2>stderr; echo $? >rc)
	grep -q '^1$' $tmp/od-r/rc && grep -q "^Error: error while running post render on files: error while running command $tmp/s/fail.sh. error output:" $tmp/od-r/stderr &&
		pass || fail "--output-dir with a failing post-renderer ($(basename $b))"
done

# ---- install and upgrade on the test API server ----
KUBECTL=$(dirname "$HELM")/kubectl
kube_server t-postrender
export KUBECONFIG=$tmp/kubeconfig KUBECACHEDIR=$tmp/kube-cache HELM_DRIVER=secret
unset HELM_NAMESPACE HELM_MAX_HISTORY HELM_KUBECONTEXT

# a chart with a CRD, two objects, a hook and notes
i=$tmp/i
mkdir -p $i/templates $i/crds
printf 'apiVersion: v2\nname: i\nversion: 0.1.0\n' >$i/Chart.yaml
cat >$i/crds/w.yaml <<'EOF'
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.pr.example.com
spec:
  group: pr.example.com
  names: {kind: Widget, plural: widgets, singular: widget, listKind: WidgetList}
  scope: Namespaced
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}
EOF
cat >$i/templates/cm.yaml <<'EOF'
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-cm
data:
  rev: {{ .Release.Revision | quote }}
  v: {{ .Values.v | default "a" | quote }}
---
apiVersion: v1
kind: Secret
metadata:
  name: {{ .Release.Name }}-sec
stringData:
  k: v
EOF
cat >$i/templates/hook.yaml <<'EOF'
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-hook
  annotations:
    "helm.sh/hook": post-install,post-upgrade
    "helm.sh/hook-delete-policy": before-hook-creation
data:
  rev: {{ .Release.Revision | quote }}
EOF
printf 'notes for {{ .Release.Name }}\n' >$i/templates/NOTES.txt
script garbage.sh 'cat >/dev/null; printf "a: [b\n"'

# rel H R CMD...: CMD with NAME=H under helm and NAME=R under $b: the same exit
# status, stdout and stderr (R renamed to H, times cut)
rel() {
	local h=$1 r=$2 hrc rrc
	shift 2
	"$HELM" "${@//NAME/$h}" >$tmp/ho 2>$tmp/he
	hrc=$?
	"$b" "${@//NAME/$r}" >$tmp/ro 2>$tmp/re
	rrc=$?
	sed -i -E "s/\\b$r\\b/$h/g" $tmp/ro $tmp/re
	sed -i -E 's/^LAST DEPLOYED: .*/LAST DEPLOYED: T/; s/[A-Z][a-z]{2} [A-Z][a-z]{2} [ 0-9][0-9] [0-9]{2}:[0-9]{2}:[0-9]{2} [0-9]{4}/TIME/g' $tmp/ho $tmp/ro
	if [ $hrc = $rrc ] && cmp -s $tmp/ho $tmp/ro && cmp -s $tmp/he $tmp/re; then
		pass
	else
		fail "$* ($(basename $b); helm rc $hrc, render rc $rrc): $(diff $tmp/ho $tmp/ro | head -8) $(diff $tmp/he $tmp/re | head -8)"
	fi
}

# same H R: the stored manifest, hooks and notes are equal, each release read by both tools
same() {
	local what
	for what in manifest hooks notes; do
		"$HELM" get $what $1 >$tmp/g1 2>&1
		"$b" get $what $2 2>&1 | sed -E "s/\\b$2\\b/$1/g" >$tmp/g2
		"$b" get $what $1 >$tmp/g3 2>&1
		"$HELM" get $what $2 2>&1 | sed -E "s/\\b$2\\b/$1/g" >$tmp/g4
		if cmp -s $tmp/g1 $tmp/g2 && cmp -s $tmp/g1 $tmp/g3 && cmp -s $tmp/g1 $tmp/g4; then
			pass
		else
			fail "get $what $1/$2 ($(basename $b)): $(diff $tmp/g1 $tmp/g2 | head -8) $(diff $tmp/g1 $tmp/g3 | head -4)"
		fi
		cp $tmp/g2 $tmp/get-$what
	done
}

n=0
for b in $bins; do
	n=$((n + 1))
	rel hi$n ri$n install NAME $i --post-renderer $s/label.sh
	same hi$n ri$n
	grep -q '^    post: rendered$' $tmp/get-manifest && pass ||
		fail "the post-renderer's labels are not in the manifest ($(basename $b))"
	grep -q 'post: rendered' $tmp/get-hooks && fail "a hook went through the post-renderer ($(basename $b))" || pass
	"$KUBECTL" get configmap ri$n-cm -o jsonpath='{.metadata.labels.post}' | grep -qx rendered && pass ||
		fail "the object on the server lacks the post-renderer's label ($(basename $b))"

	# what the post-renderer reads: manifests only (no CRDs, hooks or notes)
	"$HELM" install hc$n $i --post-renderer $s/copy.sh --post-renderer-args $tmp/in.h >/dev/null 2>&1
	"$b" install rc$n $i --post-renderer $s/copy.sh --post-renderer-args $tmp/in.r >/dev/null 2>&1
	sed -i -E "s/\\brc$n\\b/hc$n/g" $tmp/in.r
	cmp -s $tmp/in.h $tmp/in.r && grep -q "^# Source: i/templates/cm.yaml" $tmp/in.r &&
		! grep -qE "CustomResourceDefinition|hook|notes" $tmp/in.r && pass ||
		fail "install stdin ($(basename $b)): $(diff $tmp/in.h $tmp/in.r | head -6)"
	"$HELM" upgrade hc$n $i --post-renderer $s/copy.sh --post-renderer-args $tmp/in.h >/dev/null 2>&1
	"$b" upgrade rc$n $i --post-renderer $s/copy.sh --post-renderer-args $tmp/in.r >/dev/null 2>&1
	sed -i -E "s/\\brc$n\\b/hc$n/g" $tmp/in.r
	cmp -s $tmp/in.h $tmp/in.r && grep -q 'rev: "2"' $tmp/in.r && pass ||
		fail "upgrade stdin ($(basename $b)): $(diff $tmp/in.h $tmp/in.r | head -6)"

	# upgrades: another post-renderer, arguments, none at all
	rel hi$n ri$n upgrade NAME $i --set v=b --post-renderer $s/nosrc.sh
	same hi$n ri$n
	rel hi$n ri$n upgrade NAME $i --post-renderer $s/args.sh --post-renderer-args 'x y' --post-renderer-args ''
	same hi$n ri$n
	rel hi$n ri$n upgrade NAME $i
	same hi$n ri$n
	rel hu$n ru$n upgrade --install NAME $i --post-renderer $s/label.sh
	same hu$n ru$n
	rel he$n re$n install NAME $i --post-renderer $s/empty.sh
	same he$n re$n

	# --dry-run prints the post-renderer's output as MANIFEST
	rel hd$n rd$n install NAME $i --post-renderer $s/spaces.sh --dry-run
	rel hd$n rd$n install NAME $i --post-renderer $s/label.sh --dry-run=server
	grep -q '^    post: rendered$' $tmp/ro && pass || fail "install --dry-run=server did not show the post-renderer's output"
	rel hi$n ri$n upgrade NAME $i --post-renderer $s/label.sh --dry-run
	grep -q '^    post: rendered$' $tmp/ro && pass || fail "upgrade --dry-run did not show the post-renderer's output"

	# errors: the post-renderer fails, prints nothing parseable, is missing
	rel hf$n rf$n install NAME $i --post-renderer $s/fail.sh
	rel hf$n rf$n upgrade --install NAME $i --post-renderer $s/fail.sh
	rel hi$n ri$n upgrade NAME $i --post-renderer $s/fail.sh
	rel hi$n ri$n history NAME
	rel hf$n rf$n install NAME $i --post-renderer $s/garbage.sh
	rel hi$n ri$n upgrade NAME $i --post-renderer $s/garbage.sh
	rel hf$n rf$n list -a -f NAME
	rel hf$n rf$n install NAME $i --post-renderer ./s/missing.sh
	rel hf$n rf$n install NAME $i --post-renderer no-such-post-renderer --bogus
	rel hi$n ri$n upgrade NAME $i --post-renderer $s/noexec.sh
	rel hi$n ri$n history NAME

	# diff upgrade (beyond Helm) shows what the post-renderer would change
	"$b" diff upgrade ri$n $i --post-renderer $s/label.sh --color never >$tmp/d1 2>&1
	"$b" diff upgrade ri$n $i --color never >$tmp/d2 2>&1
	grep -q '^+    post: rendered' $tmp/d1 && ! grep -q 'post: rendered' $tmp/d2 && pass ||
		fail "diff upgrade --post-renderer ($(basename $b)): $(head -20 $tmp/d1)"
	"$b" diff upgrade ri$n $i --post-renderer ./s/missing.sh >$tmp/d1 2>&1
	"$HELM" template $i --post-renderer ./s/missing.sh 2>&1 | cmp -s - $tmp/d1 && pass ||
		fail "diff upgrade with a missing post-renderer ($(basename $b)): $(cat $tmp/d1)"
done

finish
