#!/bin/bash
# t-release.sh - release records (release/record.c) against Helm 3.17.3's own:
# the release JSON byte for byte (helm install --dry-run=client -o json), records
# Helm stores in a Secret decoded by render, and records render encodes read back
# by helm list/history/get/status/rollback, all through tests/kubeapi/server.py.
cd "$(dirname "$0")/.." || exit 1
source tests/lib.sh
source tests/lib-kube.sh
kube_tools t-release

kube_tmp
# the in-memory Kubernetes API server of tests/kubeapi (loopback only); client
# discovery caches stay in the run's folder
kube_start t-release

# --- charts: a small one, and one using every field a record can hold ---
mk_charts() {
	local c=$tmp/small
	mkdir -p $c/templates
	printf 'apiVersion: v2\nname: small\nversion: 0.1.0\ndescription: a <small> & chart\nappVersion: "1.0"\n' >$c/Chart.yaml
	printf 'x: 1\nf: 1.5\nbig: 1e+30\n' >$c/values.yaml
	printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-cm\ndata:\n  x: {{ .Values.x | quote }}\n' >$c/templates/cm.yaml
	printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-hook\n  annotations:\n    helm.sh/hook: pre-install,post-install\n    helm.sh/hook-weight: "5"\n    helm.sh/hook-delete-policy: before-hook-creation\ndata: {}\n' >$c/templates/hook.yaml
	echo 'Notes for {{ .Release.Name }} <b>' >$c/templates/NOTES.txt

	c=$tmp/rich
	mkdir -p $c/templates $c/charts/sub/templates $c/files
	cat >$c/Chart.yaml <<'EOF'
apiVersion: v2
name: rich
version: 1.2.3-rc.1+build
kubeVersion: ">=1.20.0-0"
description: "Rich <chart> & \"quotes\" é ☃"
type: application
keywords: [a, "<b>", c]
home: https://example.com/?a=1&b=2
sources: [https://github.com/x/y]
maintainers:
  - {name: Jane <jd>, email: j@example.com, url: "https://x"}
  - name: OnlyName
icon: https://example.com/icon.png
appVersion: "2.0"
deprecated: true
annotations: {z: last, a: "first & <x>", category: Tools}
dependencies:
  - name: sub
    version: 0.1.0
    repository: file://charts/sub
    condition: sub.enabled
    tags: [t1, t2]
    import-values: [{child: exported, parent: imported}, data]
    alias: subby
EOF
	printf 'apiVersion: v2\nname: sub\nversion: 0.1.0\n' >$c/charts/sub/Chart.yaml
	printf 'exported: {k: v}\nexports:\n  data: {d: 1}\n' >$c/charts/sub/values.yaml
	printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: sub-{{ .Release.Name }}}\n' >$c/charts/sub/templates/cm.yaml
	cat >$c/values.yaml <<'EOF'
int: 42
neg: -7
float: 3.14159
tiny: 0.0000001
big: 123456789012345678901234
exp: 1e21
str: "a<b>&c"
unicode: "snow ☃ \u2029 x"
ctrl: "tab\tnl\nbell\x07"
list: [1, "two", 3.0, null, true]
nested: {a: {b: {c: []}}, e: {}}
subby: {enabled: true}
EOF
	echo '{"$schema": "http://json-schema.org/draft-07/schema#", "type": "object"}' >$c/values.schema.json
	echo '# Rich readme <x>' >$c/README.md
	printf 'bin\000ary\377\376 data' >$c/files/blob.bin
	echo hello >$c/files/a.txt
	printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-rich\ndata:\n  v: {{ .Values.str | quote }}\n' >$c/templates/cm.yaml
	local ev n
	for ev in pre-install post-install,post-upgrade test; do
		n=${ev//,/-}
		printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-%s\n  annotations:\n    helm.sh/hook: %s\n    helm.sh/hook-weight: "-3"\n    helm.sh/hook-delete-policy: hook-succeeded,hook-failed\ndata: {}\n' "$n" "$ev" >$c/templates/hook-$n.yaml
	done
	printf 'NOTES é <&>\n' >$c/templates/NOTES.txt
	"$HELM" dependency build $c >/dev/null 2>&1
	# no values.yaml, no templates: "values":null, "templates":null
	mkdir -p $tmp/bare
	printf 'apiVersion: v2\nname: bare\nversion: 0.1.0\n' >$tmp/bare/Chart.yaml
	# a lock, a schema, plain files, crds/, .helmignore; no dependencies to process
	c=$tmp/mid
	mkdir -p $c/templates $c/files $c/crds
	printf 'apiVersion: v2\nname: mid\nversion: 0.2.0\nannotations: {b: "2", a: "<1>"}\n' >$c/Chart.yaml
	printf 'dependencies:\n- name: sub\n  repository: file://charts/sub\n  version: 0.1.0\ndigest: sha256:abc\ngenerated: "2024-03-01T10:20:30.123456+01:00"\n' >$c/Chart.lock
	printf 'a: 1\nb: [x, 2.5]\n' >$c/values.yaml
	printf '{"type": "object"}\n' >$c/values.schema.json
	echo readme >$c/README.md
	printf '\001\002' >$c/files/x.bin
	touch $c/files/y.bak
	printf '*.bak\n' >$c/.helmignore
	printf 'kind: CustomResourceDefinition\n' >$c/crds/c.yaml
	printf '{{/* nothing */}}\n' >$c/templates/_h.tpl
	printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: m}\n' >$c/templates/cm.yaml
}
mk_charts

# Helm's release JSON, as install --dry-run=client -o json prints it.
dry=(--dry-run=client -o json --disable-openapi-validation)
"$HELM" install s $tmp/small "${dry[@]}" --set 'a=<b>&' >$tmp/dry-small.json 2>/dev/null
"$HELM" install r $tmp/rich -n ns1 "${dry[@]}" --set 'q=1.5e300,w=<>&,uni=☃' \
	--set-json 'j={"a":[1,2,{"b":null}],"f":1e-7}' >$tmp/dry-rich.json 2>/dev/null
"$HELM" install b $tmp/bare "${dry[@]}" >$tmp/dry-bare.json 2>/dev/null
"$HELM" install m $tmp/mid "${dry[@]}" >$tmp/dry-mid.json 2>/dev/null
for tz in America/New_York Asia/Kolkata Etc/GMT-14; do
	TZ=$tz "$HELM" install z $tmp/small "${dry[@]}" >$tmp/dry-tz-${tz//\//_}.json 2>/dev/null
done

# Records Helm stores: install (with labels), upgrade, then the rich chart and
# its test hook run (hooks that ran have last_run times and phases).
"$HELM" install y $tmp/small --set 'a=<b>&' --labels foo=bar >/dev/null 2>&1
"$HELM" upgrade y $tmp/small --set a=2 --description 'by <hand>' >/dev/null 2>&1
"$HELM" install r $tmp/rich --set-json 'j={"f":1e-7}' >/dev/null 2>&1
"$HELM" test r >/dev/null 2>&1
# and one in a ConfigMap (HELM_DRIVER=configmap: data.release is the encoded string itself)
HELM_DRIVER=configmap "$HELM" install c $tmp/small --set 'k=<v>' >/dev/null 2>&1
"$KUBECTL" get configmap sh.helm.release.v1.c.v1 -o json >$tmp/cm.obj 2>/dev/null
python3 - $tmp/cm.obj <<'EOF'
import base64, gzip, json, sys
o = json.load(open(sys.argv[1]))
for k in ('resourceVersion', 'uid', 'creationTimestamp', 'managedFields'):
    o['metadata'].pop(k, None)
json.dump(o, open(sys.argv[1], 'w'))
open(sys.argv[1] + '.json', 'wb').write(gzip.decompress(base64.b64decode(o['data']['release'])) + b'\n')
EOF
HELM_DRIVER=configmap "$HELM" get all c >$tmp/cm.view.helm 2>&1
"$KUBECTL" get secret -o json >$tmp/secrets.json 2>/dev/null
nrec=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["items"]))' $tmp/secrets.json 2>/dev/null)
[ "$nrec" = 3 ] && pass || fail "helm did not store 3 records in the test API server (got '$nrec')"

# Splits the Secrets: N.obj (the object), N.b64 (Helm's encoded record), N.json (its JSON).
python3 - $tmp/secrets.json $tmp <<'EOF'
import base64, gzip, json, sys
for it in json.load(open(sys.argv[1]))['items']:
    n = sys.argv[2] + '/' + it['metadata']['name']
    enc = base64.b64decode(it['data']['release'])
    for k in ('resourceVersion', 'uid', 'creationTimestamp', 'managedFields'):
        it['metadata'].pop(k, None)  # so that replacing it later is unconditional
    json.dump(it, open(n + '.obj', 'w'))
    open(n + '.b64', 'wb').write(enc)
    open(n + '.json', 'wb').write(gzip.decompress(base64.b64decode(enc)) + b'\n')
EOF

helm_view() { # everything helm shows of the releases, to compare before/after a record is replaced
	"$HELM" list -a -o json 2>&1
	"$HELM" history y 2>&1
	"$HELM" get all y --revision 1 2>&1
	"$HELM" get values y -a -o json 2>&1
	"$HELM" get all r 2>&1
	"$HELM" get metadata r -o json 2>&1
	"$HELM" status r --show-desc 2>&1
}
helm_view >$tmp/view.helm

# Helm itself reads a record stored as plain JSON (before gzip was introduced)
# as the gzipped one: render's decoder accepts both (checked below).
python3 - $tmp/sh.helm.release.v1.r.v1.obj $tmp/sh.helm.release.v1.r.v1.json >$tmp/plain.obj <<'EOF'
import base64, json, sys
h = json.load(open(sys.argv[1]))
h['data']['release'] = base64.b64encode(base64.b64encode(open(sys.argv[2], 'rb').read().rstrip(b'\n'))).decode()
json.dump(h, sys.stdout)
EOF
"$KUBECTL" replace --validate=false -f $tmp/plain.obj >/dev/null 2>&1
helm_view >$tmp/view.plain
diff $tmp/view.helm $tmp/view.plain >$tmp/view.diff && pass || fail "helm reads a plain-JSON record differently: $(head -20 $tmp/view.diff)"
"$KUBECTL" replace --validate=false -f $tmp/sh.helm.release.v1.r.v1.obj >/dev/null 2>&1

# int literals: Go decodes "version":1.0 as an error, so Helm's history skips
# such a record (revision 1 disappears; with "version":1 it is listed).
for v in 1.0 1; do
	python3 - $tmp/sh.helm.release.v1.y.v1.obj $v >$tmp/int.obj <<'EOF'
import base64, json, sys
h = json.load(open(sys.argv[1]))
rec = '{"name":"y","info":{"status":"superseded","description":"int"},"version":%s,"namespace":"default"}' % sys.argv[2]
h['data']['release'] = base64.b64encode(base64.b64encode(rec.encode())).decode()
json.dump(h, sys.stdout)
EOF
	"$KUBECTL" replace --validate=false -f $tmp/int.obj >/dev/null 2>&1
	n=$("$HELM" history y 2>/dev/null | grep -c '	int')
	[ "$n" = "$([ $v = 1 ] && echo 1 || echo 0)" ] && pass || fail "helm history with \"version\":$v lists $n such records"
done
"$KUBECTL" replace --validate=false -f $tmp/sh.helm.release.v1.y.v1.obj >/dev/null 2>&1

check_binary() {
	local R=$1 full=$2 f name out
	# 1. JSON: Helm's release JSON parsed and marshalled again is the same bytes.
	for f in $tmp/dry-*.json $tmp/sh.helm.release.v1.*.json; do
		if "$R" __release json $f >$tmp/out.json 2>$tmp/err && cmp -s $tmp/out.json $f; then
			pass
		else
			fail "$R: JSON of $(basename $f) differs from Helm's: $(head -c 300 $tmp/err; diff <(tr , '\n' <$f) <(tr , '\n' <$tmp/out.json) | head -5)"
		fi
	done
	# 1b. The chart part built from a chart render loaded (release_chart_from) is Helm's.
	for name in small bare mid; do
		"$R" __release chart $tmp/$name $tmp/dry-$name.json >$tmp/out.json 2>$tmp/err && cmp -s $tmp/out.json $tmp/dry-$name.json && pass ||
			fail "$R: chart record of $name differs from Helm's: $(head -c 300 $tmp/err; diff <(tr , '\n' <$tmp/dry-$name.json) <(tr , '\n' <$tmp/out.json) | head -5)"
	done
	# 2. Helm's stored records decode to Helm's JSON, from the string and from the Secret.
	for f in $tmp/sh.helm.release.v1.*.b64; do
		name=${f%.b64}
		"$R" __release decode $f >$tmp/out.json 2>$tmp/err && cmp -s $tmp/out.json $name.json && pass ||
			fail "$R: decode of Helm's $(basename $f): $(head -c 300 $tmp/err)"
		"$R" __release from-secret $name.obj >$tmp/out.json 2>$tmp/err && cmp -s $tmp/out.json $name.json && pass ||
			fail "$R: from-secret of Helm's $(basename $name): $(head -c 300 $tmp/err)"
	done
	# 3. render's encoding is gzip (Go's header bytes) of the same JSON, and round-trips.
	for f in $tmp/sh.helm.release.v1.*.json $tmp/dry-rich.json; do
		"$R" __release encode $f >$tmp/enc 2>$tmp/err || { fail "$R: encode $(basename $f): $(cat $tmp/err)"; continue; }
		out=$(python3 -c '
import base64, gzip, sys
raw = base64.b64decode(open(sys.argv[1]).read().strip(), validate=True)
js = gzip.decompress(raw) + b"\n"
print("header" if raw[:10] != bytes.fromhex("1f8b08000000000002ff") else "json" if js != open(sys.argv[2], "rb").read() else "ok")' $tmp/enc $f 2>&1)
		[ "$out" = ok ] && pass || fail "$R: encoding of $(basename $f) is not gzip+base64 of its JSON ($out)"
		"$R" __release decode $tmp/enc | cmp -s - $f && pass || fail "$R: decode(encode($(basename $f))) differs"
	done
	# 4. A plain (not gzipped) record decodes too, as Helm's decodeRelease allows.
	base64 -w0 $tmp/dry-rich.json >$tmp/plain.b64
	"$R" __release decode $tmp/plain.b64 | cmp -s - $tmp/dry-rich.json && pass || fail "$R: plain JSON record not decoded"
	# 5. The Secret render builds has Helm's name, labels and type (time label from Helm's).
	for f in $tmp/sh.helm.release.v1.*.obj; do
		name=${f%.obj}
		out=$(python3 - $f $name.json "$R" <<'EOF'
import base64, gzip, json, os, subprocess, sys
h = json.load(open(sys.argv[1]))
lab = h['metadata']['labels']
mode, t = ('secret', lab['createdAt']) if 'createdAt' in lab else ('update-secret', lab['modifiedAt'])
# user --labels live only in the Secret, not in the JSON: compare the labels Helm sets
p = subprocess.run([sys.argv[3], '__release', mode, sys.argv[2]], capture_output=True,
                   env=dict(os.environ, RENDER_NOW=t))
if p.returncode:
    print(p.stderr.decode()); sys.exit()
r = json.loads(p.stdout)
sys_labels = {'name', 'owner', 'status', 'version', 'createdAt', 'modifiedAt'}
want = {k: v for k, v in lab.items() if k in sys_labels}
js = gzip.decompress(base64.b64decode(base64.b64decode(r['data']['release']))) + b'\n'
print('ok' if r['metadata']['name'] == h['metadata']['name'] and r['metadata']['labels'] == want
      and r['type'] == h['type'] and js == open(sys.argv[2], 'rb').read() and r['kind'] == 'Secret'
      else 'got %s want %s' % (r['metadata'], h['metadata']))
EOF
)
		[ "$out" = ok ] && pass || fail "$R: Secret for $(basename $name): $out"
	done
	# 5b. Read then written back as Helm's Update does (user labels kept, system
	# labels fresh): all of Helm's labels, --labels foo=bar included.
	for f in $tmp/sh.helm.release.v1.*.obj; do
		out=$(python3 - $f "$R" <<'EOF'
import json, os, subprocess, sys
h = json.load(open(sys.argv[1]))
lab = h['metadata']['labels']
p = subprocess.run([sys.argv[2], '__release', 'resecret', sys.argv[1]], capture_output=True,
                   env=dict(os.environ, RENDER_NOW=lab.get('modifiedAt', '0')))
r = json.loads(p.stdout or b'{}')
print('ok' if 'createdAt' not in lab and r.get('metadata', {}).get('labels') == lab and r['type'] == h['type']
      else 'got %s want %s %s' % (r.get('metadata'), lab, p.stderr.decode()))
EOF
)
		[ "$out" = ok ] && pass || fail "$R: rewritten Secret $(basename $f): $out"
	done
	# 6. Replace Helm's records by render's (re-encoded, labels kept): helm shows the
	# same. (The bytes are the same from every build: the ASan one skips this.)
	[ "$full" ] && for f in $tmp/sh.helm.release.v1.*.obj; do
		python3 - $f "$R" >$tmp/ours.json <<'EOF'
import base64, json, subprocess, sys
h = json.load(open(sys.argv[1]))
p = subprocess.run([sys.argv[2], '__release', 'encode', '-'], input=subprocess.run(
    [sys.argv[2], '__release', 'from-secret', sys.argv[1]], capture_output=True).stdout, capture_output=True)
h['data']['release'] = base64.b64encode(p.stdout.strip()).decode()
json.dump(h, sys.stdout)
EOF
		"$KUBECTL" replace --validate=false -f $tmp/ours.json >/dev/null 2>$tmp/err || fail "$R: kubectl replace $(basename $f): $(head -c 300 $tmp/err)"
		# the server now holds render's bytes, not Helm's
		"$KUBECTL" get secret "$(basename ${f%.obj})" -o json >$tmp/now.json 2>/dev/null
		python3 -c 'import json,sys; a,b,c=(json.load(open(x))["data"]["release"] for x in sys.argv[1:]); sys.exit(not (a == b != c))' \
			$tmp/now.json $tmp/ours.json $f && pass || fail "$R: $(basename $f) was not replaced by render's record"
	done
	if [ "$full" ]; then
		helm_view >$tmp/view.ours
		diff $tmp/view.helm $tmp/view.ours >$tmp/view.diff && pass || fail "$R: helm reads render's records differently: $(head -20 $tmp/view.diff)"
		# put Helm's own records back
		for f in $tmp/sh.helm.release.v1.*.obj; do "$KUBECTL" replace --validate=false -f $f >/dev/null 2>&1; done
	fi
	# 6b. The same for a ConfigMap record.
	"$R" __release from-secret $tmp/cm.obj | cmp -s - $tmp/cm.obj.json && pass || fail "$R: ConfigMap record of Helm's not decoded"
	out=$(RENDER_NOW=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["metadata"]["labels"]["modifiedAt"])' $tmp/cm.obj) \
		"$R" __release update-configmap $tmp/cm.obj.json | python3 -c '
import base64, gzip, json, sys
r, h = json.load(sys.stdin), json.load(open(sys.argv[1]))
ok = (r["kind"], r["metadata"]["name"], r["metadata"]["labels"], "type" in r) == ("ConfigMap", h["metadata"]["name"], h["metadata"]["labels"], False)
ok = ok and gzip.decompress(base64.b64decode(r["data"]["release"])) + b"\n" == open(sys.argv[2], "rb").read()
if ok:
    h["data"]["release"] = r["data"]["release"]
    json.dump(h, open(sys.argv[3], "w"))
print("ok" if ok else "got %s" % r["metadata"])' $tmp/cm.obj $tmp/cm.obj.json $tmp/cm.ours)
	[ "$out" = ok ] && pass || fail "$R: ConfigMap render builds differs from Helm's: $out"
	if [ "$full" ]; then
		rm -f $tmp/cm.view.ours
		"$KUBECTL" replace --validate=false -f $tmp/cm.ours >/dev/null 2>&1 &&
			HELM_DRIVER=configmap "$HELM" get all c >$tmp/cm.view.ours 2>&1
		cmp -s $tmp/cm.view.helm $tmp/cm.view.ours && pass || fail "$R: helm reads render's ConfigMap record differently"
		"$KUBECTL" replace --validate=false -f $tmp/cm.obj >/dev/null 2>&1
	fi
	# 7. The current time is printed as Go prints time.Now() in the same zone.
	for tz in America/New_York Asia/Kolkata Etc/GMT-14; do
		local ours theirs
		ours=$(TZ=$tz "$R" __release now | sed -E 's/^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}(\.[0-9]*[1-9])?//')
		theirs=$(grep -o '"first_deployed":"[^"]*"' $tmp/dry-tz-${tz//\//_}.json | sed -E 's/.*T[0-9:]{8}(\.[0-9]*)?//; s/"$//')
		[ -n "$ours" ] && [ "$ours" = "$theirs" ] && pass || fail "$R: now in $tz ends '$ours', Helm's '$theirs'"
	done
	# 8. A record with the odd forms Go accepts (key case, +00:00, trailing zeros,
	# nulls, empty slices, unknown keys) reads as Helm reads it: written as
	# revision 1 of y, `helm rollback y 1` stores Helm's re-marshalling as a new
	# revision, which must be render's JSON but for what the rollback changes
	# (info times, description, status, version).
	cat >$tmp/odd.json <<'EOF2'
{"NAME":"y","Info":{"FIRST_DEPLOYED":"2026-01-02T03:04:05.500+00:00","last_deployed":"2026-01-02T03:04:05.000000001-00:00","deleted":null,"Description":"w","status":"superseded","extra":1,"resources":{}},"chart":{"metadata":{"Name":"small","version":"0.1.0","apiVersion":"v2","Deprecated":false,"maintainers":[null,{}],"sources":[],"annotations":{"k":"<v>"}},"lock":{"digest":"x","generated":"2024-02-29T23:59:59.120+05:30"},"templates":[],"values":{"a":[1.0,2.50,1e2,1e21,-0.0],"s":"\u2028\u003c"},"schema":"","files":[{"name":"f","data":"AA=="},null,{"NAME":"g"}]},"config":{"z":{"y":null},"a":"\ud83d\ude00"},"manifest":"---\n# Source: small/templates/cm.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: y-cm\n","hooks":[{"name":"h","last_run":{"phase":"Succeeded","started_at":"2026-01-02T03:04:05+14:00"},"weight":-2,"events":["test"],"delete_policies":[]}],"version":1,"namespace":"default","labels":{"a":"b"}}
EOF2
	"$R" __release from-secret $tmp/sh.helm.release.v1.y.v1.obj >$tmp/y1.json
	# the Secret holds odd.json itself (gzipped), not render's re-marshalling of it
	python3 - $tmp/sh.helm.release.v1.y.v1.obj $tmp/odd.json >$tmp/odd.obj <<'EOF2'
import base64, gzip, json, sys
h = json.load(open(sys.argv[1]))
h['data']['release'] = base64.b64encode(base64.b64encode(gzip.compress(open(sys.argv[2], 'rb').read().strip()))).decode()
json.dump(h, sys.stdout)
EOF2
	"$KUBECTL" replace --validate=false -f $tmp/odd.obj >/dev/null 2>&1 &&
		"$HELM" rollback y 1 --no-hooks >/dev/null 2>$tmp/rb.err &&
		"$KUBECTL" get secret sh.helm.release.v1.y.v3 -o json >$tmp/y3.obj 2>/dev/null &&
		"$R" __release json $tmp/odd.json >$tmp/odd.out.json
	out=$(python3 - $tmp/y3.obj $tmp/odd.out.json <<'EOF2'
import base64, gzip, json, re, sys
h = gzip.decompress(base64.b64decode(base64.b64decode(json.load(open(sys.argv[1]))['data']['release']))).decode()
ours = open(sys.argv[2]).read().rstrip('\n')
for pat in (r'"first_deployed":"[^"]*"', r'"last_deployed":"[^"]*"', r'"description":"[^"]*"', r'"status":"[^"]*"', r'"version":\d+'):
    h, ours = re.sub(pat, 'X', h, count=1), re.sub(pat, 'X', ours, count=1)
print('ok' if h == ours else 'helm: %s\nours: %s' % (h, ours))
EOF2
)
	[ "$out" = ok ] && pass || fail "$R: odd record read differently from Helm: $out $(cat $tmp/rb.err)"
	"$KUBECTL" delete secret sh.helm.release.v1.y.v3 >/dev/null 2>&1
	"$KUBECTL" replace --validate=false -f $tmp/sh.helm.release.v1.y.v1.obj >/dev/null 2>&1
	# 9. Broken records are errors, not crashes.
	printf 'H4sI!!!!' >$tmp/bad1
	head -c 60 $tmp/sh.helm.release.v1.y.v1.b64 >$tmp/bad2
	python3 -c 'import base64,sys; sys.stdout.write(base64.b64encode(bytes.fromhex("1f8b0800000000000")[:8] + b"xx" * 20).decode())' >$tmp/bad3 2>/dev/null
	printf '%s' "$(printf '{"version":1.5}' | base64 -w0)" >$tmp/bad4
	printf '%s' "$(printf '{"info":{"first_deployed":"yesterday"}}' | base64 -w0)" >$tmp/bad5
	printf '%s' "$(printf '{"chart":{"metadata":{"name":7}}}' | base64 -w0)" >$tmp/bad6
	# an int field written 1.0 (Helm rejects it: see "int literals" above)
	printf '%s' "$(printf '{"name":"y","version":1.0}' | base64 -w0)" >$tmp/bad7
	printf '%s' "$(printf '{"hooks":[{"weight":2.5}]}' | base64 -w0)" >$tmp/bad8
	for f in $tmp/bad1 $tmp/bad2 $tmp/bad3 $tmp/bad4 $tmp/bad5 $tmp/bad6 $tmp/bad7 $tmp/bad8; do
		"$R" __release decode $f >/dev/null 2>$tmp/err
		rc=$?
		[ $rc = 1 ] && grep -q '^Error: ' $tmp/err && pass || fail "$R: broken record $(basename $f): rc $rc $(head -c 200 $tmp/err)"
	done
}

# (a private copy of each binary: a concurrent rebuild must not pull it away mid-test)
full=1
for R in "$RENDER" ${RENDER_ASAN:+"$RENDER_ASAN"}; do
	[ -x "$R" ] || { fail "no binary $R"; continue; }
	cp "$R" $tmp/$(basename "$R") && check_binary $tmp/$(basename "$R") $full
	full=
done
finish
