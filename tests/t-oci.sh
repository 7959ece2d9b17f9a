#!/bin/bash
# t-oci.sh - OCI registries: `push`, `pull oci://`, `registry login|logout`,
# `template|show oci://`, compared with Helm 3.17.3 byte for byte where the
# output is deterministic, and used across tools both ways (render pushes,
# helm pulls; helm pushes, render pulls; a login by one serves the other).
# The CNCF distribution registry (Debian's docker-registry) runs on loopback:
# open, with htpasswd basic auth, and with TLS (a CA made here) plus basic auth;
# a small python front asks for Bearer tokens as ghcr.io and Docker Hub do.
set -u
cd "$(dirname "$0")/.."
source tests/lib.sh
source tests/lib-registry.sh
reg_setup

# ---- registries: P1 open, P2 basic auth, P3 TLS + basic auth, P4 closed, P5 tokens,
# P6 TLS with client certificates ----
PW='s3cr3t-Pa55'
read -r P1 P2 P3 P4 P5 P6 < <(free_ports 6)
reg_common "$P1" "$P2" "$P3" "$P5" "$PW"
openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$T/cli.key" -out "$T/cli.csr" -subj /CN=client 2>/dev/null
openssl x509 -req -in "$T/cli.csr" -CA "$T/ca.crt" -CAkey "$T/ca.key" -CAcreateserial -out "$T/cli.crt" -days 2 2>/dev/null
registry mtls "$P6" "$(printf '  tls:\n    certificate: %s\n    key: %s\n    clientcas:\n      - %s' "$T/srv.crt" "$T/srv.key" "$T/ca.crt")"
wait_port "$P1" && wait_port "$P2" && wait_port "$P3" && wait_port "$P5" && wait_port "$P6" || exit 1
S=127.0.0.1:$P1 A=127.0.0.1:$P2 D=127.0.0.1:$P4 TLS=$HN:$P3 TK=127.0.0.1:$P5

# ---- charts, packaged by helm (so render and helm push the same bytes) ----
mkdir -p "$T/src/demo/templates" "$T/pkg"
cat >"$T/src/demo/Chart.yaml" <<'EOF'
apiVersion: v2
name: demo
description: a chart for the OCI tests <&>
home: https://example.com/demo
sources: [https://example.com/src, https://example.com/src2]
version: 0.1.0
appVersion: "1.0"
kubeVersion: ">=1.20.0-0"
keywords: [test, oci]
maintainers:
  - name: someone
    email: someone@example.com
  - name: other
    url: https://example.com/other
annotations:
  example.com/note: "a note"
  org.opencontainers.image.title: ignored
EOF
echo 'x: 1' >"$T/src/demo/values.yaml"
printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\ndata:\n  x: "{{ .Values.x }}"\n  v: {{ .Chart.Version | quote }}\n' \
	>"$T/src/demo/templates/cm.yaml"
for v in 0.1.0 0.2.0+build.1 0.3.0-rc.1; do
	sed -i "s/^version: .*/version: $v/" "$T/src/demo/Chart.yaml"
	"$HELM" package "$T/src/demo" -d "$T/pkg" >/dev/null
done
cp -r "$T/src/demo" "$T/src/bad"
sed -i 's/^name: demo/name: bad/; s/^version: .*/version: 0.1.0/' "$T/src/bad/Chart.yaml"
"$HELM" package "$T/src/bad" -d "$T/pkg" >/dev/null
# a chart with every kind of metadata field, dependencies included, and a provenance file
mkdir -p "$T/src/full/charts/sub/templates" "$T/src/full/templates" "$T/prov"
printf 'apiVersion: v2\nname: sub\nversion: 0.2.0\n' >"$T/src/full/charts/sub/Chart.yaml"
printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: sub\n' >"$T/src/full/charts/sub/templates/cm.yaml"
cat >"$T/src/full/Chart.yaml" <<'EOF'
apiVersion: v2
name: full
version: 1.2.3
type: application
deprecated: true
icon: https://example.com/icon.png
condition: full.enabled
tags: a,b
dependencies:
  - name: sub
    version: ~0.2.0
    repository: file://charts/sub
    condition: sub.enabled
    tags: [t1, t2]
    enabled: true
    import-values: [data, {child: x, parent: y}]
    alias: other
  - name: sub
    version: 0.2.0
EOF
"$HELM" package "$T/src/full" -d "$T/pkg" >/dev/null
cp "$T/pkg/demo-0.1.0.tgz" "$T/prov/"
printf -- '-----BEGIN PGP SIGNED MESSAGE-----\nnot a real signature\n' >"$T/prov/demo-0.1.0.tgz.prov"
TGZ=$T/pkg/demo-0.1.0.tgz
echo 'not an archive' >"$T/notgz.tgz"
mkdir -p "$T/nover/nover" && printf 'apiVersion: v2\nname: nover\n' >"$T/nover/nover/Chart.yaml"
tar -C "$T/nover" -czf "$T/nover.tgz" nover

run() { # run PREFIX CMD...: stdout, stderr and exit code in PREFIX.{out,err,rc}
	local p=$1
	shift
	"$@" </dev/null >"$p.out" 2>"$p.err"
	echo $? >"$p.rc"
}
# same NAME ARGS...: render and helm given the same arguments print the same and exit alike
# (scratch files in the suite's folder $W: the ASan suite runs alongside)
same() {
	local n=$1
	shift
	run "$W/r" "$R" "$@"
	run "$W/h" "$HELM" "$@"
	if cmp -s "$W/r.out" "$W/h.out" && cmp -s "$W/r.err" "$W/h.err" && cmp -s "$W/r.rc" "$W/h.rc"; then
		pass
	else
		fail "$TAG $n: render and helm differ (rc $(cat "$W/r.rc") vs $(cat "$W/h.rc"))"
		diff "$W/r.err" "$W/h.err" | head -6
		diff "$W/r.out" "$W/h.out" | head -6
	fi
}
ok() { # ok NAME PREFIX: the command succeeded
	if [ "$(cat "$2.rc")" = 0 ]; then pass; else fail "$TAG $1: exit $(cat "$2.rc"): $(head -c 300 "$2.err")"; fi
}
# the same file content, or the same error and nothing written
manifest() {
	curl -s ${3:-} -H 'Accept: application/vnd.oci.image.manifest.v1+json' "$1/v2/$2/manifests/0.1.0"
}
empty_dir() { [ -z "$(ls -A "$1")" ] && pass || fail "$TAG $2: something was written: $(ls -A "$1")"; }

suite() {
	R=$1 TAG=$2
	local W=$T/$TAG
	mkdir -p "$W"
	export HELM_CONFIG_HOME=$W/config HELM_CACHE_HOME=$W/cache HELM_DATA_HOME=$W/data
	# ---- push: the same archive gives the same manifest (created = the archive's mtime) ----
	run "$W/rp" "$R" push "$TGZ" "oci://$S/$TAG/r"
	run "$W/hp" "$HELM" push "$TGZ" "oci://$S/$TAG/h"
	ok "render push" "$W/rp"
	local dg
	dg=$(sed -n 's/^Digest: //p' "$W/hp.err")
	if [ "$(sed "s#/$TAG/r/#/X/#" "$W/rp.err")" = "$(sed "s#/$TAG/h/#/X/#" "$W/hp.err")" ]; then pass; else
		fail "$TAG push output differs: $(cat "$W/rp.err") vs $(cat "$W/hp.err")"; fi
	local mr mh
	mr=$(manifest "http://$S" "$TAG/r/demo") mh=$(manifest "http://$S" "$TAG/h/demo")
	[ -n "$mr" ] && [ "$mr" = "$mh" ] && pass || fail "$TAG manifests differ: $mr vs $mh"
	local m0=$mh
	# the config blob (the chart's metadata as JSON) is the same bytes
	local cd
	cd=$(printf '%s' "$mr" | python3 -c 'import json,sys; print(json.load(sys.stdin)["config"]["digest"])' 2>/dev/null)
	[ -n "$cd" ] && pass || fail "$TAG no config digest"

	# more metadata, and a provenance layer: the same manifests again
	local f
	for f in "$T/pkg/full-1.2.3.tgz" "$T/prov/demo-0.1.0.tgz"; do
		run "$W/rp" "$R" push "$f" "oci://$S/$TAG/rf"
		run "$W/hp" "$HELM" push "$f" "oci://$S/$TAG/hf"
		[ "$(sed "s#/$TAG/rf/#/X/#" "$W/rp.err")" = "$(sed "s#/$TAG/hf/#/X/#" "$W/hp.err")" ] && pass ||
			fail "$TAG push $(basename "$f"): $(cat "$W/rp.err") vs $(cat "$W/hp.err")"
	done
	mr=$(curl -s -H 'Accept: application/vnd.oci.image.manifest.v1+json' "http://$S/v2/$TAG/rf/full/manifests/1.2.3")
	mh=$(curl -s -H 'Accept: application/vnd.oci.image.manifest.v1+json' "http://$S/v2/$TAG/hf/full/manifests/1.2.3")
	[ -n "$mr" ] && [ "$mr" = "$mh" ] && pass || fail "$TAG full manifests differ: $mr vs $mh"
	mr=$(manifest "http://$S" "$TAG/rf/demo")
	case "$mr" in *chart.provenance.v1.prov*) pass ;; *) fail "$TAG no provenance layer: $mr" ;; esac
	mkdir -p "$W/pv"
	same "pull --prov" pull "oci://$S/$TAG/rf/demo" --version 0.1.0 --prov -d "$W/pv"
	cmp -s "$W/pv/demo-0.1.0.tgz.prov" "$T/prov/demo-0.1.0.tgz.prov" && pass || fail "$TAG pull --prov wrote no .prov"
	same "pull --prov, none there" pull "oci://$S/$TAG/h/demo" --version 0.1.0 --prov -d "$W/pv"

	# ---- render pushed, helm reads ----
	mkdir -p "$W/h1" "$W/r1"
	run "$W/x" "$HELM" pull "oci://$S/$TAG/r/demo" --version 0.1.0 -d "$W/h1"
	cmp -s "$W/h1/demo-0.1.0.tgz" "$TGZ" && pass || fail "$TAG helm pull of render's push: $(cat "$W/x.err")"
	same "template oci (render's push)" template rel "oci://$S/$TAG/r/demo" --version 0.1.0
	same "show chart oci (render's push)" show chart "oci://$S/$TAG/r/demo" --version 0.1.0

	# ---- helm pushed, render reads ----
	run "$W/rr" "$R" pull "oci://$S/$TAG/h/demo" --version 0.1.0 -d "$W/r1"
	run "$W/hh" "$HELM" pull "oci://$S/$TAG/h/demo" --version 0.1.0 -d "$W/h1"
	cmp -s "$W/r1/demo-0.1.0.tgz" "$TGZ" && pass || fail "$TAG render pull of helm's push: $(cat "$W/rr.err")"
	cmp -s "$W/rr.err" "$W/hh.err" && pass || fail "$TAG pull output: $(cat "$W/rr.err") vs $(cat "$W/hh.err")"
	same "template oci (helm's push)" template rel "oci://$S/$TAG/h/demo" --version 0.1.0 --set x=2
	same "show values oci" show values "oci://$S/$TAG/h/demo" --version 0.1.0
	mkdir -p "$W/ru" "$W/hu"
	run "$W/x" "$R" pull "oci://$S/$TAG/h/demo" --version 0.1.0 --untar -d "$W/ru"
	"$HELM" pull "oci://$S/$TAG/h/demo" --version 0.1.0 --untar -d "$W/hu" 2>/dev/null
	diff -r "$W/ru" "$W/hu" >/dev/null && pass || fail "$TAG pull --untar differs: $(cat "$W/x.err")"

	# ---- versions: newest, constraints, '+' as '_' ----
	for v in 0.2.0+build.1 0.3.0-rc.1; do
		"$R" push "$T/pkg/demo-$v.tgz" "oci://$S/$TAG/r" 2>"$W/x.err" || fail "$TAG push $v: $(cat "$W/x.err")"
		"$HELM" push "$T/pkg/demo-$v.tgz" "oci://$S/$TAG/h" 2>"$W/y.err"
		[ "$(sed "s#/$TAG/r/#/X/#" "$W/x.err")" = "$(sed "s#/$TAG/h/#/X/#" "$W/y.err")" ] && pass ||
			fail "$TAG push $v output: $(cat "$W/x.err") vs $(cat "$W/y.err")"
	done
	mkdir -p "$W/v"
	same "pull newest" pull "oci://$S/$TAG/r/demo" --plain-http -d "$W/v"
	same "pull constraint" pull "oci://$S/$TAG/h/demo" --version '^0.2' --plain-http -d "$W/v"
	same "pull devel" pull "oci://$S/$TAG/h/demo" --devel --plain-http -d "$W/v"
	same "pull plus version" pull "oci://$S/$TAG/h/demo" --version 0.2.0+build.1 -d "$W/v"
	same "pull tag in reference" pull "oci://$S/$TAG/r/demo:0.2.0_build.1" -d "$W/v"
	same "pull by digest" pull "oci://$S/$TAG/h/demo@$dg" -d "$W/v"
	[ -s "$W/v/demo@${dg/:/-}.tgz" ] && pass || fail "$TAG pull by digest wrote no demo@${dg/:/-}.tgz"
	same "template newest over https" template "oci://$S/$TAG/r/demo"
	cmp -s "$W/v/demo-0.2.0+build.1.tgz" "$T/pkg/demo-0.2.0+build.1.tgz" && pass || fail "$TAG plus version file"

	# ---- logins: render's serves helm and the other way round ----
	local cfg=$HELM_CONFIG_HOME/registry/config.json
	run "$W/rl" "$R" registry login "$A" -u alice -p "$PW"
	ok "render login" "$W/rl"
	cp "$cfg" "$W/render-config.json"
	run "$W/x" "$HELM" push "$TGZ" "oci://$A/$TAG/hl"
	ok "helm push with render's login" "$W/x"
	run "$W/x" "$R" pull "oci://$A/$TAG/hl/demo" --version 0.1.0 -d "$W/r1"
	ok "render pull with render's login" "$W/x"
	run "$W/ro" "$R" registry logout "$A"
	run "$W/hl" "$HELM" registry login "$A" -u alice -p "$PW"
	cmp -s "$W/rl.err" "$W/hl.err" && pass || fail "$TAG login output: $(cat "$W/rl.err") vs $(cat "$W/hl.err")"
	cmp -s "$cfg" "$W/render-config.json" && pass || fail "$TAG config.json differs from helm's"
	run "$W/x" "$R" push "$TGZ" "oci://$A/$TAG/rl"
	ok "render push with helm's login" "$W/x"
	echo "$PW" | "$R" registry login "$A" -u alice --password-stdin 2>"$W/x.err" && pass || fail "$TAG --password-stdin: $(cat "$W/x.err")"
	cmp -s "$cfg" "$W/render-config.json" && pass || fail "$TAG config.json after --password-stdin"
	run "$W/x" "$HELM" pull "oci://$A/$TAG/rl/demo" --version 0.1.0 -d "$W/h1"
	ok "helm pull of render's push with the login" "$W/x"
	run "$W/ho" "$HELM" registry logout "$A"
	cmp -s "$W/ro.err" "$W/ho.err" && pass || fail "$TAG logout output: $(cat "$W/ro.err") vs $(cat "$W/ho.err")"
	same "logout when logged out" registry logout "$A"
	same "wrong password" registry login "$A" -u alice -p wrong
	same "no credentials" pull "oci://$A/$TAG/rl/demo" --version 0.1.0 -d "$W/v"
	same "wrong credentials" pull "oci://$A/$TAG/rl/demo" --version 0.1.0 -d "$W/v" --username alice --password wrong
	run "$W/x" "$R" pull "oci://$A/$TAG/rl/demo" --version 0.1.0 -d "$W/r1" --username alice --password "$PW"
	ok "render pull with --username/--password" "$W/x"

	# ---- Bearer tokens from a realm: anonymous pulls, logins, pushes ----
	run "$W/x" "$HELM" registry login "$TK" -u alice -p "$PW"
	run "$W/x" "$HELM" push "$TGZ" "oci://$TK/$TAG/th"
	run "$W/x" "$R" registry logout "$TK"
	same "token anonymous pull" pull "oci://$TK/$TAG/th/demo" --version 0.1.0 -d "$W/v"
	same "token anonymous push" push "$TGZ" "oci://$TK/$TAG/ta"
	same "token wrong password" registry login "$TK" -u alice -p wrong
	run "$W/x" "$R" registry login "$TK" -u alice -p "$PW"
	ok "token login" "$W/x"
	run "$W/x" "$R" push "$TGZ" "oci://$TK/$TAG/tr"
	ok "token push" "$W/x"
	run "$W/x" "$R" registry logout "$TK"
	rm -f "$W/h1/demo-0.1.0.tgz"
	run "$W/x" "$HELM" pull "oci://$TK/$TAG/tr/demo" --version 0.1.0 -d "$W/h1"
	cmp -s "$W/h1/demo-0.1.0.tgz" "$TGZ" && pass || fail "$TAG helm pull of render's token push: $(cat "$W/x.err")"

	# ---- failures: Helm's message, nothing written ----
	mkdir -p "$W/e"
	# manifests that are not Helm charts, made from the blobs helm pushed
	local put='curl -s -o /dev/null -w %{http_code} -X PUT -H Content-Type:application/vnd.oci.image.manifest.v1+json'
	local cfgd chd
	cfgd=$(printf '%s' "$m0" | sed 's/.*"config":{[^}]*"digest":"\([^"]*\)".*/\1/')
	chd=$(printf '%s' "$m0" | sed 's/.*"layers":\[{[^}]*"digest":"\([^"]*\)".*/\1/')
	$put --data '{"schemaVersion":2,"config":{"mediaType":"application/vnd.cncf.helm.config.v1+json","digest":"'"$cfgd"'","size":'"$(printf '%s' "$m0" | sed 's/.*"config":{[^}]*"size":\([0-9]*\).*/\1/')"'},"layers":[]}' \
		"http://$S/v2/$TAG/h/demo/manifests/9.0.0" >"$W/put0"
	$put --data '{"schemaVersion":2,"config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"'"$cfgd"'","size":1},"layers":[{"mediaType":"application/vnd.cncf.helm.chart.content.v1.tar+gzip","digest":"'"$chd"'","size":'"$(stat -c %s "$TGZ")"'}]}' \
		"http://$S/v2/$TAG/h/demo/manifests/9.0.1" >"$W/put1"
	[ "$(cat "$W/put0") $(cat "$W/put1")" = "201 201" ] && pass || fail "$TAG odd manifests not stored: $(cat "$W/put0" "$W/put1")"
	same "manifest without a chart layer" pull "oci://$S/$TAG/h/demo" --version 9.0.0 -d "$W/e"
	same "manifest without a Helm config" pull "oci://$S/$TAG/h/demo" --version 9.0.1 -d "$W/e"
	same "missing tag" pull "oci://$S/$TAG/r/demo" --version 9.9.9 -d "$W/e"
	same "missing repository" pull "oci://$S/$TAG/none/demo" --version 0.1.0 -d "$W/e"
	same "version mismatch" pull "oci://$S/$TAG/r/demo:0.1.0" --version 0.2.0 -d "$W/e"
	same "no matching version" pull "oci://$S/$TAG/r/demo" --version '^5' --plain-http -d "$W/e"
	same "registry down (pull)" pull "oci://$D/$TAG/demo" --version 0.1.0 -d "$W/e"
	same "registry down (template)" template "oci://$D/$TAG/demo" --version 0.1.0
	run "$W/x" "$R" push "$TGZ" "oci://$D/$TAG"
	grep -q "^Error: failed to do request: Head \"http://$D/v2/$TAG/demo/blobs/sha256:[0-9a-f]*\": dial tcp $D: connect: connection refused\$" \
		"$W/x.err" && pass || fail "$TAG registry down (push): $(cat "$W/x.err")"
	same "push with a tag" push "$TGZ" "oci://$S/$TAG/r/demo:0.2.0"
	same "push a missing file" push "$W/none.tgz" "oci://$S/$TAG/r"
	same "push http scheme" push "$TGZ" "http://$S/$TAG/r"
	same "push no remote" push "$TGZ"
	same "push unparsable remote" push "$TGZ" "$S/$TAG/r"
	same "push no scheme" push "$TGZ" "x/$TAG/r"
	same "push not gzip" push "$T/notgz.tgz" "oci://$S/$TAG/r"
	same "push no version" push "$T/nover.tgz" "oci://$S/$TAG/r"
	same "push bad repository" push "$TGZ" "oci://$S/$TAG/R"
	same "push no repository" push "$TGZ" "oci://$S"
	same "pull no repository" pull "oci://$S" --version 0.1.0
	same "registry login no host" registry login
	same "registry login, no password, no terminal" registry login "$A" -u alice
	same "registry login, no user, no input" registry login "$A"
	# a blob corrupted in the registry's storage
	"$R" push "$T/pkg/bad-0.1.0.tgz" "oci://$S/$TAG/b" 2>/dev/null
	local d
	d=$(sha256sum "$T/pkg/bad-0.1.0.tgz" | cut -c1-64)
	printf 'X' | dd of="$T/open/docker/registry/v2/blobs/sha256/${d:0:2}/$d/data" bs=1 seek=200 conv=notrunc 2>/dev/null
	same "corrupt blob" pull "oci://$S/$TAG/b/bad" --version 0.1.0 -d "$W/e"
	same "corrupt blob (untar)" pull "oci://$S/$TAG/b/bad" --version 0.1.0 -d "$W/e" --untar
	empty_dir "$W/e" "failed pulls"
	run "$W/x" "$R" template "oci://$S/$TAG/b/bad" --version 0.1.0
	[ "$(cat "$W/x.rc")" = 1 ] && grep -q "unexpected commit digest" "$W/x.err" && pass || fail "$TAG template of a corrupt blob: $(cat "$W/x.err")"
	[ ! -e "$HELM_CACHE_HOME/repository/bad-0.1.0.tgz" ] && pass || fail "$TAG corrupt chart left in the cache"

	# ---- TLS with a private CA ----
	if [ -n "$HN" ]; then
		run "$W/x" "$R" registry login "$TLS" -u alice -p "$PW" --insecure
		ok "TLS login --insecure" "$W/x"
		run "$W/x" "$R" registry login "$TLS" -u alice -p "$PW"
		[ "$(cat "$W/x.rc")" = 1 ] && pass || fail "$TAG TLS login with an unknown CA worked"
		run "$W/x" "$R" registry login "$TLS" -u alice -p "$PW" --ca-file "$T/ca.crt"
		ok "TLS login" "$W/x"
		run "$W/x" "$R" push "$TGZ" "oci://$TLS/$TAG" --ca-file "$T/ca.crt"
		ok "TLS push" "$W/x"
		mkdir -p "$W/t"
		run "$W/x" "$HELM" pull "oci://$TLS/$TAG/demo" --version 0.1.0 --ca-file "$T/ca.crt" -d "$W/t"
		cmp -s "$W/t/demo-0.1.0.tgz" "$TGZ" && pass || fail "$TAG helm pull over TLS: $(cat "$W/x.err")"
		rm -f "$W/t/demo-0.1.0.tgz"
		run "$W/x" "$R" pull "oci://$TLS/$TAG/demo" --version 0.1.0 --insecure-skip-tls-verify -d "$W/t"
		cmp -s "$W/t/demo-0.1.0.tgz" "$TGZ" && pass || fail "$TAG render pull over TLS: $(cat "$W/x.err")"
		rm -f "$W/t/demo-0.1.0.tgz"
		run "$W/x" "$R" pull "oci://$TLS/$TAG/demo" --version 0.1.0 -d "$W/t"
		[ "$(cat "$W/x.rc")" = 1 ] && grep -q "^Error: failed to do request: Head \"https://$TLS/" "$W/x.err" &&
			pass || fail "$TAG unknown CA: $(cat "$W/x.err")"
		empty_dir "$W/t" "unknown CA"
		same "TLS template" template "oci://$TLS/$TAG/demo" --version 0.1.0 --ca-file "$T/ca.crt"
		# client certificates
		local C=(--ca-file "$T/ca.crt" --cert-file "$T/cli.crt" --key-file "$T/cli.key")
		run "$W/x" "$R" push "$TGZ" "oci://$HN:$P6/$TAG" "${C[@]}"
		ok "client certificate push" "$W/x"
		run "$W/x" "$HELM" pull "oci://$HN:$P6/$TAG/demo" --version 0.1.0 -d "$W/t" "${C[@]}"
		cmp -s "$W/t/demo-0.1.0.tgz" "$TGZ" && pass || fail "$TAG helm pull with a client certificate: $(cat "$W/x.err")"
		rm -f "$W/t/demo-0.1.0.tgz"
		same "client certificate show" show chart "oci://$HN:$P6/$TAG/demo" --version 0.1.0 "${C[@]}"
		run "$W/x" "$R" pull "oci://$HN:$P6/$TAG/demo" --version 0.1.0 -d "$W/t" --ca-file "$T/ca.crt"
		[ "$(cat "$W/x.rc")" = 1 ] && pass || fail "$TAG pull without the client certificate worked"
		empty_dir "$W/t" "no client certificate"
	fi
	unset HELM_CONFIG_HOME HELM_CACHE_HOME HELM_DATA_HOME
}

reg_suites
if grep -rq -- "$PW" "$T"/render/*.out "$T"/render/*.err 2>/dev/null; then fail "the password appears in some output"; else pass; fi
finish
