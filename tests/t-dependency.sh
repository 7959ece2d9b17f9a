#!/bin/bash
# t-dependency.sh - `dependency update|build`, `template|package --dependency-update`
# and chart references through repositories (`template rel repo/chart --version`,
# `--repo URL`, `show chart repo/chart`), compared with Helm 3.17.3: stdout,
# stderr and exit code, Chart.lock without its `generated:` line, the files
# left in charts/, and `helm template` of the result against `render template`.
# Offline file:// dependencies first, then HTTP repositories served by nginx on
# loopback (as t-repo.sh does). Each binary ($RENDER, then $RENDER_ASAN) gets
# its own fresh copy of the same tree, and so does Helm.
set -u
cd "$(dirname "$0")/.."
source tests/lib.sh
[ -x /usr/sbin/nginx ] || need_debs nginx
RENDER=${RENDER:-$PWD/bin/render}
RENDER_ASAN=${RENDER_ASAN:-}
HELM=${HELM:-$(tests/setup-helm.sh)}
export ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1

T=$(mktemp -d)
NGINX_PID=""
cleanup() {
	[ -n "$NGINX_PID" ] && kill "$NGINX_PID" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# ---- the charts: a parent with file:// dependencies ----
mkchart() { # DIR NAME VERSION
	mkdir -p "$1/templates"
	printf 'apiVersion: v2\nname: %s\nversion: %s\n' "$2" "$3" >"$1/Chart.yaml"
	printf 'v: %s\n' "$2" >"$1/values.yaml"
	printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Chart.Name }}-{{ .Release.Name }}\ndata:\n  v: {{ .Values.v | quote }}\n' \
		>"$1/templates/cm.yaml"
}
S=$T/src
mkchart "$S/a" alpha 0.1.0
mkchart "$S/b" beta 1.2.3
mkchart "$S/b/charts/gamma" gamma 0.0.1   # beta carries its own subchart: two levels down
mkchart "$S/deps/inner/d" delta 2.0.0
printf 'x:\n  k: from-beta\n' >>"$S/b/values.yaml"
mkchart "$S/p" parent 1.0.0
cat >>"$S/p/Chart.yaml" <<'EOF'
dependencies:
- name: alpha
  version: "0.1.0"
  repository: file://../a
- name: beta
  version: "^1.2.0"
  repository: "file://../b"
  alias: bee
  import-values: [{child: x, parent: imported}]
  tags: [t1]
  condition: bee.enabled
- name: delta
  version: ">=2.0.0-0"
  repository: file://../deps/inner/d/
EOF
printf '{{ toYaml .Values.imported }}\n' >"$S/p/templates/imported.txt"
printf 'data: {{ .Values.imported | toJson | quote }}\n' >"$S/p/templates/imp.yaml"
sed -i '1i apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: imp' "$S/p/templates/imp.yaml"
# a constraint no local chart meets, and a folder that is not there
mkchart "$S/nomatch" nomatch 1.0.0
printf 'dependencies:\n- name: alpha\n  version: "~0.2"\n  repository: file://../a\n- name: beta\n  version: "1.2.3"\n  repository: file://../b\n' \
	>>"$S/nomatch/Chart.yaml"
mkchart "$S/nodir" nodir 1.0.0
printf 'dependencies:\n- name: alpha\n  version: "0.1.0"\n  repository: file://../nowhere\n' >>"$S/nodir/Chart.yaml"
mkchart "$S/badrepo" badrepo 1.0.0
printf 'dependencies:\n- name: alpha\n  version: "0.1.0"\n  repository: stable\n- name: beta\n  version: "1.0.0"\n  repository: "@nothere"\n' \
	>>"$S/badrepo/Chart.yaml"
# an apiVersion v1 chart: requirements.yaml and requirements.lock
mkchart "$S/old" old 1.0.0
sed -i 's/apiVersion: v2/apiVersion: v1/' "$S/old/Chart.yaml"
printf 'dependencies:\n- name: alpha\n  version: "0.1.0"\n  repository: file://../a\n' >"$S/old/requirements.yaml"
# a chart whose charts/ holds an older alpha and a chart without repository
mkchart "$S/stale" stale 1.0.0
printf 'dependencies:\n- name: alpha\n  version: "0.1.0"\n  repository: file://../a\n- name: local\n  version: "1.x"\n  repository: ""\n' \
	>>"$S/stale/Chart.yaml"
mkchart "$S/stale/charts/local" local 1.5.0
mkchart "$T/old-alpha" alpha 0.0.9
"$HELM" package "$T/old-alpha" -d "$S/stale/charts" >/dev/null

# ---- helpers: each tool works in its own copy, paths normalised to "@" ----
# run TOOL WHERE ARGS...: runs in WHERE with Helm's homes under WHERE/home
run() {
	local tool=$1 where=$2
	shift 2
	(cd "$where" && HOME=$where/home HELM_CONFIG_HOME=$where/home/config HELM_CACHE_HOME=$where/home/cache \
		HELM_DATA_HOME=$where/home/data "$tool" "$@") >"$where.out" 2>"$where.err"
	echo $? >"$where.rc"
	sed -i "s#$where#@#g" "$where.out" "$where.err"
}
# same ARGS...: helm in $HW and render in $RW give the same stdout, stderr and exit code
same() {
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
# same_lock CHART [FILE]: the lock files agree but for `generated:`
same_lock() {
	local f=${2:-Chart.lock}
	if [ ! -e "$HW/$1/$f" ] && [ ! -e "$RW/$1/$f" ]; then pass; return; fi
	if cmp -s <(grep -v '^generated:' "$HW/$1/$f") <(grep -v '^generated:' "$RW/$1/$f") &&
		grep -Eq '^generated: "?[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+(Z|[+-][0-9:]+)"?$' "$RW/$1/$f"; then
		pass
	else
		fail "$LABEL: $1/$f differs: $(diff <(cat "$HW/$1/$f") <(cat "$RW/$1/$f") | head -20)"
	fi
}
# same_charts CHART: the same file names in charts/ (and no temporary folder left)
same_charts() {
	if [ "$(ls -A "$HW/$1/charts" 2>&1 | sed "s#$HW#@#")" = "$(ls -A "$RW/$1/charts" 2>&1 | sed "s#$RW#@#")" ] &&
		[ "$(ls -A "$HW/$1")" = "$(ls -A "$RW/$1")" ]; then
		pass
	else
		fail "$LABEL: $1/charts: helm [$(ls -A "$HW/$1" "$HW/$1/charts" | tr '\n' ' ')] render [$(ls -A "$RW/$1" "$RW/$1/charts" | tr '\n' ' ')]"
	fi
}
# same_sorted ARGS...: the same, lines in any order (Helm updates repositories in parallel)
same_sorted() {
	run "$HELM" "$HW" "$@"
	run "$R" "$RW" "$@"
	if cmp -s <(sort "$HW.out") <(sort "$RW.out") && cmp -s "$HW.err" "$RW.err" && cmp -s "$HW.rc" "$RW.rc"; then
		pass
	else
		fail "$LABEL: $* (sorted) -> helm($(cat "$HW.rc")): $(head -c 600 "$HW.out" "$HW.err") // render($(cat "$RW.rc")): $(head -c 600 "$RW.out" "$RW.err")"
	fi
}
# cross CHART: `helm template` of render's result equals `render template` of it, and of Helm's
cross() {
	(cd "$RW" && "$HELM" template rel "$1") >"$T/x.helm" 2>&1
	(cd "$RW" && "$R" template rel "$1") >"$T/x.render" 2>&1
	(cd "$HW" && "$R" template rel "$1") >"$T/x.render2" 2>&1
	if cmp -s "$T/x.helm" "$T/x.render" && cmp -s "$T/x.helm" "$T/x.render2"; then
		pass
	else
		fail "$LABEL: template of $1 after update: $(diff "$T/x.helm" "$T/x.render" | head -20) $(diff "$T/x.helm" "$T/x.render2" | head -10)"
	fi
}
fresh() { rm -rf "$HW" "$RW"; cp -r "$S" "$HW"; cp -r "$S" "$RW"; }
generated() { grep '^generated:' "$1"; }

offline_suite() {
	R=$1 LABEL=$2 HW=$T/h RW=$T/r
	fresh
	same dependency update p --debug
	same_lock p
	same_charts p
	cross p
	# unchanged dependencies: the lock is not rewritten
	local g1 g2
	g1=$(generated "$RW/p/Chart.lock")
	same dep up p
	g2=$(generated "$RW/p/Chart.lock")
	if [ "$g1" = "$g2" ]; then pass; else fail "$LABEL: an unchanged lock was rewritten"; fi
	same_charts p
	# build from the lock, after charts/ is emptied
	rm -rf "$HW/p/charts" "$RW/p/charts"
	same dependency build p
	same_charts p
	cross p
	# a lock that no longer matches Chart.yaml
	sed -i 's/version: "0.1.0"/version: "~0.1.0"/' "$HW/p/Chart.yaml" "$RW/p/Chart.yaml"
	same dependency build p
	same dependency update p --skip-refresh
	same_lock p
	same dependency build p
	same_charts p
	# errors
	same dependency update nomatch
	same_charts nomatch
	same dependency update nodir
	same dependency update badrepo
	same dependency build nomatch
	same dependency update missing-chart
	same dependency update p/Chart.yaml
	same dependency update p extra
	# requirements.lock for apiVersion v1
	same dependency update old
	same_lock old requirements.lock
	same_charts old
	rm -rf "$HW/old/charts" "$RW/old/charts"
	same dependency build old
	same_charts old
	# older archives of the same dependency go; a dependency without repository stays
	same dependency update stale
	same_charts stale
	same_lock stale
	cross stale
	# without a lock, build is update
	rm -rf "$HW/p/Chart.lock" "$RW/p/Chart.lock" "$HW/p/charts" "$RW/p/charts"
	same dependency build p
	same_lock p
	same_charts p
	# template and package with --dependency-update
	fresh
	same template rel p --dependency-update
	same_charts p
	same_lock p
	same template rel p --dependency-update
	fresh
	same package p --dependency-update -d out
	same_charts p
	if cmp -s <(tar tzf "$HW/out/parent-1.0.0.tgz" | sort) <(tar tzf "$RW/out/parent-1.0.0.tgz" | sort); then
		pass
	else
		fail "$LABEL: package -u archives differ in their files"
	fi
}

offline_suite "$RENDER" render
[ -n "$RENDER_ASAN" ] && offline_suite "$RENDER_ASAN" asan

# ---- HTTP repositories on loopback ----
P1=$(free_ports 1)
URL=http://127.0.0.1:$P1
mkdir -p "$T/www/main" "$T/www/rel" "$T/nginx/tmp"
mkchart "$T/demo" demo 0.1.0
for v in 0.1.0 0.1.5 0.2.0 1.0.0 1.1.0-rc.1; do "$HELM" package "$T/demo" --version "$v" -d "$T/www/main" >/dev/null; done
"$HELM" repo index "$T/www/main" --url "$URL/main"
mkchart "$T/extra" extra 0.5.0
"$HELM" package "$T/extra" -d "$T/www/rel" >/dev/null
"$HELM" repo index "$T/www/rel"
user_line=""
[ "$(id -u)" = 0 ] && user_line="user root;"
cat >"$T/nginx/nginx.conf" <<EOF
$user_line
worker_processes 1;
pid $T/nginx/nginx.pid;
error_log $T/nginx/error.log;
events { worker_connections 64; }
http {
	access_log off;
	client_body_temp_path $T/nginx/tmp; proxy_temp_path $T/nginx/tmp;
	fastcgi_temp_path $T/nginx/tmp; uwsgi_temp_path $T/nginx/tmp; scgi_temp_path $T/nginx/tmp;
	types { application/gzip tgz; text/yaml yaml; }
	server { listen 127.0.0.1:$P1; root $T/www; }
}
EOF
/usr/sbin/nginx -p "$T/nginx" -e "$T/nginx/error.log" -c "$T/nginx/nginx.conf" -g 'daemon off;' &
NGINX_PID=$!
wait_port "$P1" || { fail "nginx did not start"; finish; exit; }

# q: a repository by "@name", the same one by URL under an alias, one not added
mkchart "$S/q" q 1.0.0
cat >>"$S/q/Chart.yaml" <<EOF
dependencies:
- name: demo
  version: "^0.1.0"
  repository: "@myrepo"
- name: demo
  alias: demo2
  version: "1.0.0"
  repository: $URL/main/
- name: extra
  version: "*"
  repository: $URL/rel
EOF
# q2: only repositories that repositories.yaml lists, so that build works too
mkchart "$S/q2" q2 1.0.0
sed -n '/^dependencies:/,/main\/$/p' "$S/q/Chart.yaml" >>"$S/q2/Chart.yaml"
# q3: a repository whose index has relative URLs, and one archive wanted twice
mkchart "$S/q3" q3 1.0.0
printf 'dependencies:\n- name: extra\n  version: "~0.5"\n  repository: "@relrepo"\n' >>"$S/q3/Chart.yaml"
printf -- '- name: demo\n  version: 1.0.0\n  repository: "@myrepo"\n' >>"$S/q3/Chart.yaml"
printf -- '- name: demo\n  alias: again\n  version: 1.0.0\n  repository: "@myrepo"\n' >>"$S/q3/Chart.yaml"
mkchart "$S/qbad" qbad 1.0.0
printf 'dependencies:\n- name: demo\n  version: "^3.0.0"\n  repository: "alias:myrepo"\n' >>"$S/qbad/Chart.yaml"
mkchart "$S/qnone" qnone 1.0.0
printf 'dependencies:\n- name: nochart\n  version: "1.0.0"\n  repository: "@myrepo"\n' >>"$S/qnone/Chart.yaml"
mkchart "$S/q404" q404 1.0.0
printf 'dependencies:\n- name: demo\n  version: "1.0.0"\n  repository: %s/missing\n' "$URL" >>"$S/q404/Chart.yaml"

http_suite() {
	R=$1 LABEL=$2-http HW=$T/h RW=$T/r
	fresh
	same dependency update q
	same repo add myrepo "$URL/main"
	same dependency update q
	same_lock q
	same_charts q
	cross q
	rm -rf "$HW/q/charts" "$RW/q/charts"
	same dependency build q
	same_charts q
	same dependency build q --skip-refresh
	same dependency update q --skip-refresh
	same_lock q
	same dependency update q2
	same_lock q2
	same dependency build q2
	same_charts q2
	cross q2
	rm -rf "$HW/q2/charts" "$RW/q2/charts"
	same dependency build q2 --skip-refresh
	same_charts q2
	same dependency update qbad
	same dependency update qnone
	same dependency update q404
	same_charts q404
	same repo add relrepo "$URL/rel"
	same_sorted dependency update q3
	same_lock q3
	same_charts q3
	cross q3
	rm -rf "$HW/q3/charts" "$RW/q3/charts"
	same_sorted dependency build q3
	same_charts q3
	# template and show through the repository
	rm -rf "$HW/q/charts" "$RW/q/charts"
	same_sorted template rel q --dependency-update
	same template rel myrepo/demo --version "^0.1"
	same template rel myrepo/demo
	same template rel myrepo/demo --devel
	same template rel demo --repo "$URL/main" --version 1.0.0
	same template extra --repo "$URL/rel"
	same template rel demo --repo "$URL/main" --version 9.9.9
	same template rel myrepo/nochart
	same template rel nope/demo
	same template rel ./missing
	same template rel missing
	same show chart myrepo/demo
	same show chart myrepo/demo --version 0.1.5
	same show values extra --repo "$URL/rel"
	same show chart myrepo/demo --devel
}

http_suite "$RENDER" render
[ -n "$RENDER_ASAN" ] && http_suite "$RENDER_ASAN" asan

finish
