#!/bin/bash
# t-oci-deps.sh - `dependency update|build` of charts whose dependencies live in
# OCI registries (repository: oci://host/path), alone and mixed with HTTP
# repositories and file:// folders, compared with Helm 3.17.3: stdout, stderr
# and exit code, Chart.lock without its `generated:` line, the bytes of charts/,
# a lock written by one tool built by the other, and `template` of the result.
# Registries (Debian's docker-registry) run on loopback as in t-oci.sh: open,
# htpasswd basic auth, TLS with a CA made here, and a Bearer-token front.
set -u
cd "$(dirname "$0")/.."
source tests/lib.sh
source tests/lib-registry.sh
reg_setup

# ---- registries: P1 open, P2 basic auth, P3 TLS + basic auth, P4 closed, P5 tokens;
# P6 an HTTP chart repository ----
PW='s3cr3t-Pa55'
read -r P1 P2 P3 P4 P5 P6 < <(free_ports 6)
reg_common "$P1" "$P2" "$P3" "$P5" "$PW"
mkdir -p "$T/www"
python3 -m http.server --bind 127.0.0.1 --directory "$T/www" "$P6" >/dev/null 2>&1 &
PIDS="$PIDS $!"
wait_port "$P1" && wait_port "$P2" && wait_port "$P3" && wait_port "$P5" && wait_port "$P6" || exit 1
S=127.0.0.1:$P1 A=127.0.0.1:$P2 D=127.0.0.1:$P4 TLS=$HN:$P3 TK=127.0.0.1:$P5 WWW=http://127.0.0.1:$P6

# ---- the dependencies, pushed by helm; an HTTP repository; a local folder ----
mkchart() { # DIR NAME VERSION
	mkdir -p "$1/templates"
	printf 'apiVersion: v2\nname: %s\nversion: %s\n' "$2" "$3" >"$1/Chart.yaml"
	printf 'v: %s\n' "$2" >"$1/values.yaml"
	printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Chart.Name }}-{{ .Release.Name }}\ndata:\n  v: {{ .Values.v | quote }}\n  version: {{ .Chart.Version | quote }}\n' \
		>"$1/templates/cm.yaml"
}
mkchart "$T/dep" dep 0.1.0
for v in 0.1.0 0.2.0 0.2.1+b.1 0.3.0-rc.1 1.0.0 not-semver; do
	"$HELM" package "$T/dep" --version "$v" -d "$T/pkg" >/dev/null 2>&1
done
ohelm() { HELM_CONFIG_HOME=$T/hcfg "$HELM" "$@" >/dev/null 2>>"$T/setup.err"; }
for v in 0.1.0 0.2.0 0.2.1+b.1 0.3.0-rc.1 1.0.0; do ohelm push "$T/pkg/dep-$v.tgz" "oci://$S/charts"; done
# a tag that is no semantic version, which the tag lists must skip
curl -s -o /dev/null -H 'Accept: application/vnd.oci.image.manifest.v1+json' "http://$S/v2/charts/dep/manifests/1.0.0" &&
	curl -s -H 'Accept: application/vnd.oci.image.manifest.v1+json' "http://$S/v2/charts/dep/manifests/1.0.0" >"$T/m.json" &&
	curl -s -o /dev/null -X PUT -H 'Content-Type: application/vnd.oci.image.manifest.v1+json' --data-binary @"$T/m.json" \
		"http://$S/v2/charts/dep/manifests/latest"
for v in 0.1.0 1.0.0; do
	ohelm push "$T/pkg/dep-$v.tgz" "oci://$A/charts" --username alice --password "$PW"
	ohelm push "$T/pkg/dep-$v.tgz" "oci://$TK/charts" --username alice --password "$PW"
	[ -n "$HN" ] && ohelm push "$T/pkg/dep-$v.tgz" "oci://$TLS/charts" --username alice --password "$PW" --ca-file "$T/ca.crt"
done
# a chart name with an underscore, a version with build metadata: only the tag's '_' is a '+'
mkchart "$T/my_dep" my_dep 0.4.0+x.1
"$HELM" package "$T/my_dep" -d "$T/pkg" >/dev/null
ohelm push "$T/pkg/my_dep-0.4.0+x.1.tgz" "oci://$S/charts"
mkchart "$T/web" web 0.5.0
"$HELM" package "$T/web" -d "$T/www" >/dev/null
"$HELM" repo index "$T/www" --url "$WWW"

SRC=$T/src
mkchart "$SRC/loc" loc 0.0.3
pchart() { # NAME DEPENDENCY-YAML
	mkchart "$SRC/$1" "$1" 1.0.0
	printf 'dependencies:\n%s\n' "$2" >>"$SRC/$1/Chart.yaml"
}
ocidep() { # NAME VERSION REPOSITORY [ALIAS]
	printf -- '- name: %s\n  version: "%s"\n  repository: %s\n' "$1" "$2" "$3"
	[ -n "${4:-}" ] && printf '  alias: %s\n' "$4"
	return 0
}
pchart exact "$(ocidep dep 0.1.0 "oci://$S/charts")"
pchart plus "$(ocidep dep 0.2.1+b.1 "oci://$S/charts")"
pchart under "$(ocidep my_dep '~0.4' "oci://$S/charts")"
pchart range "$(ocidep dep '^0.2.0' "oci://$S/charts")"
pchart devel "$(ocidep dep '>0.0.0-0' "oci://$S/charts")"
pchart mixed "$(ocidep dep '~0.2.0' "oci://$S/charts")
$(ocidep dep 1.0.0 "oci://$S/charts" again)
$(ocidep dep 1.0.0 "oci://$S/charts" twice)
$(ocidep web '^0.5' "$WWW")
$(ocidep loc '0.0.x' file://../loc)"
pchart auth "$(ocidep dep 0.1.0 "oci://$A/charts")"
pchart authrange "$(ocidep dep '>=1' "oci://$A/charts")"
pchart token "$(ocidep dep '<1' "oci://$TK/charts")"
pchart tls "$(ocidep dep '*' "oci://$TLS/charts")"
# failures
pchart notag "$(ocidep dep 9.9.9 "oci://$S/charts")"
pchart nomatch "$(ocidep dep '^5' "oci://$S/charts")"
pchart norepo "$(ocidep dep '^1' "oci://$S/none")"
pchart nochart "$(ocidep nothere 1.0.0 "oci://$S/charts")"
pchart down "$(ocidep dep 1.0.0 "oci://$D/charts")"
pchart downrange "$(ocidep dep '^1' "oci://$D/charts")"
pchart slash "$(ocidep dep '^1' "oci://$S/charts/")"
pchart gone "$(ocidep dep 0.1.0 "oci://$S/gone")"
pchart nohost "$(ocidep dep 1.0.0 "oci://")"
pchart nohostrange "$(ocidep dep '^1' "oci:///charts")"
pchart badver "$(ocidep dep '~>1' "oci://$S/charts")"
pchart halfbad "$(ocidep web '^0.5' "$WWW")
$(ocidep dep 0.1.0 "oci://$S/charts")
$(ocidep dep 7.0.0 "oci://$S/charts" gone)"

# ---- helpers (as in t-dependency.sh): each tool in its own copy, paths shown as "@" ----
run() { # run TOOL WHERE ARGS...: in WHERE with Helm's homes under WHERE/home
	local tool=$1 where=$2
	shift 2
	(cd "$where" && HOME=$where/home HELM_CONFIG_HOME=$where/home/config HELM_CACHE_HOME=$where/home/cache \
		HELM_DATA_HOME=$where/home/data "$tool" "$@") </dev/null >"$where.out" 2>"$where.err"
	echo $? >"$where.rc"
	sed -i "s#$where#@#g" "$where.out" "$where.err"
}
same() { # same ARGS...: helm in $HW and render in $RW print the same and exit alike
	run "$HELM" "$HW" "$@"
	run "$R" "$RW" "$@"
	local f ok=1
	for f in out err rc; do cmp -s "$HW.$f" "$RW.$f" || ok=0; done
	if [ $ok = 1 ]; then
		pass
	else
		fail "$LABEL: $* -> helm($(cat "$HW.rc")): $(head -c 600 "$HW.out" "$HW.err") // render($(cat "$RW.rc")): $(head -c 600 "$RW.out" "$RW.err")"
	fi
}
same_lock() { # same_lock CHART: the lock files agree but for `generated:`
	if [ ! -e "$HW/$1/Chart.lock" ] && [ ! -e "$RW/$1/Chart.lock" ]; then pass; return; fi
	if cmp -s <(grep -v '^generated:' "$HW/$1/Chart.lock") <(grep -v '^generated:' "$RW/$1/Chart.lock") &&
		grep -Eq '^generated: "?[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+(Z|[+-][0-9:]+)"?$' "$RW/$1/Chart.lock"; then
		pass
	else
		fail "$LABEL: $1/Chart.lock differs: $(diff "$HW/$1/Chart.lock" "$RW/$1/Chart.lock" | head -20)"
	fi
}
same_charts() { # same_charts CHART: the same files in the chart and in charts/; what came
	# from a registry or a repository byte for byte (file:// packages carry their time)
	if [ "$(cd "$HW/$1" && find . | sort)" = "$(cd "$RW/$1" && find . | sort)" ] &&
		diff -r "$HW/$1" "$RW/$1" -x Chart.lock -x 'loc-*' >"$T/$LABEL.d.out" 2>&1; then
		pass
	else
		fail "$LABEL: $1 differs: $(head -c 400 "$T/$LABEL.d.out") $(diff <(cd "$HW/$1" && find . | sort) <(cd "$RW/$1" && find . | sort))"
	fi
}
cross() { # cross CHART: `helm template` of render's result equals `render template` of it, and of Helm's
	(cd "$RW" && "$HELM" template rel "$1") >"$T/$LABEL.x.helm" 2>&1
	(cd "$RW" && "$R" template rel "$1") >"$T/$LABEL.x.render" 2>&1
	(cd "$HW" && "$R" template rel "$1") >"$T/$LABEL.x.render2" 2>&1
	if [ -s "$T/$LABEL.x.helm" ] && cmp -s "$T/$LABEL.x.helm" "$T/$LABEL.x.render" && cmp -s "$T/$LABEL.x.helm" "$T/$LABEL.x.render2"; then
		pass
	else
		fail "$LABEL: template of $1: $(diff "$T/$LABEL.x.helm" "$T/$LABEL.x.render" | head -10) $(diff "$T/$LABEL.x.helm" "$T/$LABEL.x.render2" | head -10)"
	fi
}
nonempty() { # nonempty CHART: charts/ got an archive
	[ -n "$(ls "$RW/$1/charts" 2>/dev/null)" ] && pass || fail "$LABEL: $1: nothing in charts/ ($(cat "$RW.err"))"
}
# update CHART ARGS...: both update, then outputs, lock, charts/ bytes and templates compared
update() {
	local c=$1
	shift
	same dependency update "$c" "$@"
	same_lock "$c"
	same_charts "$c"
}
# swap CHART ARGS...: each tool builds from the lock the other wrote
swap() {
	local c=$1
	shift
	cp "$RW/$c/Chart.lock" "$T/$LABEL.lock.r"
	cp "$HW/$c/Chart.lock" "$RW/$c/Chart.lock"
	cp "$T/$LABEL.lock.r" "$HW/$c/Chart.lock"
	rm -rf "$HW/$c/charts" "$RW/$c/charts"
	same dependency build "$c" "$@"
	same_charts "$c"
	nonempty "$c"
	cross "$c"
}

suite() {
	R=$1 LABEL=$2 HW=$T/$2-h RW=$T/$2-r
	rm -rf "$HW" "$RW"
	cp -r "$SRC" "$HW"
	cp -r "$SRC" "$RW"
	sed -i "s#/gone\$#/gone-$LABEL#" "$HW/gone/Chart.yaml" "$RW/gone/Chart.yaml"
	# exact versions need no tag list; constraints list tags over HTTPS unless --plain-http
	update exact
	nonempty exact
	cross exact
	swap exact
	update plus
	cross plus
	update under --plain-http
	nonempty under
	swap under
	update range
	update range --plain-http
	nonempty range
	cross range
	swap range
	update devel --plain-http
	cross devel
	# the lock is kept when nothing changed; an older archive in charts/ goes
	local g1
	g1=$(grep '^generated:' "$RW/range/Chart.lock")
	update range --plain-http --skip-refresh
	[ "$(grep '^generated:' "$RW/range/Chart.lock")" = "$g1" ] && pass || fail "$LABEL: an unchanged lock was rewritten"
	sed -i 's/"^0.2.0"/"1.0.0"/' "$HW/range/Chart.yaml" "$RW/range/Chart.yaml"
	same dependency build range
	update range
	[ "$(ls "$RW/range/charts")" = dep-1.0.0.tgz ] && pass || fail "$LABEL: range/charts: $(ls "$RW/range/charts")"
	cross range
	# oci + http + file:// + an alias of the same chart, and building each other's lock
	update mixed --plain-http
	nonempty mixed
	cross mixed
	same dependency list mixed
	same repo add web "$WWW"
	swap mixed
	same dependency build mixed --skip-refresh
	same_charts mixed
	# credentials: flags, then a login by either tool
	update auth
	update auth --username alice --password wrong
	update auth --username alice --password "$PW"
	cross auth
	update authrange --plain-http
	update authrange --plain-http --username alice --password wrong
	run "$HELM" "$HW" registry login "$A" -u alice -p "$PW"
	run "$HELM" "$RW" registry login "$A" -u alice -p "$PW"
	update authrange --plain-http
	nonempty authrange
	swap authrange
	run "$R" "$HW" registry login "$TK" -u alice -p "$PW"
	run "$R" "$RW" registry login "$TK" -u alice -p "$PW"
	update token --plain-http
	nonempty token
	cross token
	rm -rf "$HW/home/config/registry" "$RW/home/config/registry"
	update token --plain-http
	swap token
	if [ -n "$HN" ]; then
		update tls --ca-file "$T/ca.crt" --username alice --password "$PW"
		update tls --insecure-skip-tls-verify --username alice --password "$PW"
		nonempty tls
		update tls --ca-file "$T/ca.crt"
		update tls --username alice --password "$PW"
		run "$R" "$RW" registry login "$TLS" -u alice -p "$PW" --ca-file "$T/ca.crt"
		run "$HELM" "$HW" registry login "$TLS" -u alice -p "$PW" --ca-file "$T/ca.crt"
		update tls --ca-file "$T/ca.crt"
		swap tls --ca-file "$T/ca.crt"
	fi
	# failures: Helm's words, charts/ left as it was
	local c
	for c in notag nomatch norepo nochart down downrange slash nohost nohostrange badver halfbad; do
		update "$c"
		update "$c" --plain-http
	done
	# a build whose locked tag has gone from the registry: charts/ stays as it was
	ohelm push "$T/pkg/dep-0.1.0.tgz" "oci://$S/gone-$LABEL"
	update gone
	nonempty gone
	rm -rf "$T/open/docker/registry/v2/repositories/gone-$LABEL/dep/_manifests/tags/0.1.0"
	same dependency build gone
	same_charts gone
	[ "$(ls "$RW/gone/charts")" = dep-0.1.0.tgz ] && pass || fail "$LABEL: a failed build changed charts/: $(ls "$RW/gone/charts")"
	# TLS files Helm's registry client cannot use, before anything else happens
	same dependency update exact --ca-file "$T/none.crt"
	same dependency build exact --ca-file "$T/htpasswd"
	same dependency update exact --cert-file "$T/srv.crt" --key-file "$T/none.key"
	same dependency update exact --cert-file "$T/htpasswd" --key-file "$T/srv.key"
	same dependency update exact --cert-file "$T/srv.crt" --key-file "$T/htpasswd"
	# `template --dependency-update` through the same code
	rm -rf "$HW/plus/charts" "$RW/plus/charts" "$HW/plus/Chart.lock" "$RW/plus/Chart.lock"
	same template rel plus --dependency-update
	same_charts plus
	same dependency build exact --plain-http --registry-config "$T/none.json"
	same dependency update exact --no-such-flag
}

# the ASan suite runs alongside, in its own folders
reg_suites
if grep -rq -- "$PW" "$T"/*.out "$T"/*.err 2>/dev/null; then fail "the password appears in some output"; else pass; fi
finish
