#!/bin/bash
# t-repo.sh - HTTP chart repositories: `repo add|list|remove|update|index` and
# `pull`, compared with Helm byte for byte where the output is deterministic,
# and used across tools (render writes, helm reads, and the other way round).
# nginx serves the repositories on loopback (plain, and TLS with basic auth);
# a small python server gives a stalled and a truncated response.
set -u
cd "$(dirname "$0")/.."
source tests/lib.sh
[ -x /usr/sbin/nginx ] || need_debs nginx
command -v openssl >/dev/null || need_debs openssl
RENDER=${RENDER:-$PWD/bin/render}
RENDER_ASAN=${RENDER_ASAN:-}
HELM=${HELM:-$(tests/setup-helm.sh)}
export ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1

T=$(mktemp -d)
NGINX_PID="" PY_PID=""
cleanup() {
	[ -n "$NGINX_PID" ] && kill "$NGINX_PID" 2>/dev/null
	[ -n "$PY_PID" ] && kill "$PY_PID" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

PW='s3cr3t-Pa55'
# five distinct free loopback ports (P4 stays closed)
read -r P1 P2 P3 P4 P5 < <(free_ports 5)
PLAIN=http://127.0.0.1:$P1 SECURE=https://127.0.0.1:$P2 SLOW=http://127.0.0.1:$P3 MTLS=https://127.0.0.1:$P5

# ---- a chart in three versions, packaged and indexed by helm ----
mkdir -p "$T/src/demo/templates" "$T/www" "$T/sec" "$T/py"
cat >"$T/src/demo/Chart.yaml" <<'EOF'
apiVersion: v2
name: demo
description: a chart for the repository tests
version: 0.1.0
appVersion: "1.0"
keywords: [test]
maintainers:
  - name: someone
    email: someone@example.com
EOF
echo 'x: 1' >"$T/src/demo/values.yaml"
printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\ndata:\n  x: "{{ .Values.x }}"\n' \
	>"$T/src/demo/templates/cm.yaml"
pkg() { "$HELM" package "$T/src/demo" -d "$1" >/dev/null; }
mkdir -p "$T/charts"
for v in 0.1.0 0.2.0 0.3.0-rc.1; do sed -i "s/^version: .*/version: $v/" "$T/src/demo/Chart.yaml"; pkg "$T/charts"; done
mkdir -p "$T/www/many"
for v in 1.0.0 1.2.0 1.10.0 1.10.1-beta.2 2.0.0-alpha.1 2.0.0-alpha.10 2.0.0 v3.1; do
	"$HELM" package "$T/src/demo" --version "$v" -d "$T/www/many" >/dev/null
done
"$HELM" repo index "$T/www/many"
for d in plain rel bad cut; do mkdir -p "$T/www/$d"; cp "$T/charts"/*.tgz "$T/www/$d/"; done
"$HELM" repo index "$T/www/plain" --url "$PLAIN/plain"
"$HELM" repo index "$T/www/rel"
# a wrong digest for 0.2.0, and a 0.2.0 archive cut short (its index keeps the full file's digest)
"$HELM" repo index "$T/www/bad"
good=$(sha256sum "$T/charts/demo-0.2.0.tgz" | cut -d' ' -f1)
sed -i "s/$good/$(printf 'deadbeef%.0s' $(seq 8))/" "$T/www/bad/index.yaml"
"$HELM" repo index "$T/www/cut"
head -c 300 "$T/charts/demo-0.2.0.tgz" >"$T/www/cut/demo-0.2.0.tgz"
cp -r "$T/www/rel" "$T/sec/repo"

# ---- TLS with our own CA, and basic auth ----
(
	cd "$T/sec"
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout ca.key -out ca.crt \
		-days 2 -subj /CN=render-test-ca
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout srv.key -out srv.csr \
		-subj /CN=127.0.0.1
	printf 'subjectAltName=IP:127.0.0.1\n' >ext
	openssl x509 -req -in srv.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out srv.crt -days 2 -extfile ext
	printf 'alice:%s\n' "$(openssl passwd -apr1 "$PW")" >htpasswd
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout cli.key -out cli.csr -subj /CN=client
	openssl x509 -req -in cli.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out cli.crt -days 2
) >/dev/null 2>&1 || { fail "openssl setup"; finish; exit; }

mkdir -p "$T/nginx/tmp"
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
	server {
		listen 127.0.0.1:$P2 ssl;
		ssl_certificate $T/sec/srv.crt; ssl_certificate_key $T/sec/srv.key;
		root $T/sec/repo;
		auth_basic "charts"; auth_basic_user_file $T/sec/htpasswd;
	}
	server {
		listen 127.0.0.1:$P5 ssl;
		ssl_certificate $T/sec/srv.crt; ssl_certificate_key $T/sec/srv.key;
		ssl_client_certificate $T/sec/ca.crt; ssl_verify_client on;
		root $T/www/rel;
	}
}
EOF
/usr/sbin/nginx -p "$T/nginx" -e "$T/nginx/error.log" -c "$T/nginx/nginx.conf" -g 'daemon off;' &
NGINX_PID=$!

# stall: accepts and never answers; trunc: index.yaml whole, archives announced longer than sent
cat >"$T/py/srv.py" <<'EOF'
import socket, sys, threading, time, os
root = sys.argv[2]
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(16)
def serve(c):
    req = c.recv(4096).decode("latin-1")
    path = req.split(" ")[1] if " " in req else "/"
    if path.startswith("/trunc/"):
        data = open(os.path.join(root, os.path.basename(path)), "rb").read()
        n = len(data)
        if path.endswith(".tgz"):
            data = data[: n // 2]
        c.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\nConnection: close\r\n\r\n" % n + data)
        c.close()
        return
    time.sleep(3600)
while True:
    c, _ = s.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
EOF
python3 "$T/py/srv.py" "$P3" "$T/www/rel" &
PY_PID=$!
wait_port "$P1" && wait_port "$P2" && wait_port "$P3" && wait_port "$P5" || { fail "servers did not start"; finish; exit; }

# ---- helpers ----
# Each suite works in W=$T/LABEL (the two suites run at the same time).
# run TOOL HOME ARGS...: runs in HOME/wd with Helm's homes under HOME; output in $W/out, code in RC
run() {
	local tool=$1 home=$2
	shift 2
	mkdir -p "$home/wd"
	(cd "$home/wd" && HELM_CONFIG_HOME=$home/config HELM_CACHE_HOME=$home/cache HELM_DATA_HOME=$home/data \
		"$tool" "$@") >"$W/out" 2>&1
	RC=$?
	cat "$W/out" >>"$W/log"
}
# same ARGS...: helm in $H and render in $R give the same bytes and exit code
same() {
	run "$HELM" "$H" "$@"
	cp "$W/out" "$W/out.helm"
	local hrc=$RC
	run "$R" "$RR" "$@"
	if [ "$hrc" = "$RC" ] && cmp -s "$W/out.helm" "$W/out"; then
		pass
	else
		fail "$LABEL: $* -> helm($hrc): $(head -c 400 "$W/out.helm") // render($RC): $(head -c 400 "$W/out")"
	fi
}
# same_sorted ARGS...: the same lines in any order (helm updates repositories in parallel)
same_sorted() {
	run "$HELM" "$H" "$@"
	sort "$W/out" >"$W/out.helm"
	local hrc=$RC
	run "$R" "$RR" "$@"
	if [ "$hrc" = "$RC" ] && cmp -s "$W/out.helm" <(sort "$W/out"); then pass; else fail "$LABEL: $* (sorted) differs"; fi
}
# same_file PATH: the file under both homes is identical
same_file() {
	if cmp -s "$H/$1" "$RR/$1"; then pass; else fail "$LABEL: $1 differs between helm and render"; fi
}
ok() { if [ "$RC" = 0 ]; then pass; else fail "$LABEL: $1 (rc=$RC): $(head -c 400 "$W/out")"; fi; }
bad() { if [ "$RC" != 0 ]; then pass; else fail "$LABEL: $1 should fail"; fi; }
has() { if grep -q -- "$1" "$W/out"; then pass; else fail "$LABEL: $2: no '$1' in: $(head -c 400 "$W/out")"; fi; }
empty_dir() { if [ -z "$(ls -A "$1" 2>/dev/null)" ]; then pass; else fail "$LABEL: $2: left $(ls -A "$1")"; fi; }
# index.yaml without its timestamps
strip_times() { grep -v -e '^ *created:' -e '^generated:' "$1"; }

R2H=0 H2R=0
suite() {
	R=$1 LABEL=$2 W=$T/$2
	H=$W/h RR=$W/r X=$W/x
	mkdir -p "$H" "$RR" "$X"

	# -- the same commands, the same output --
	same repo list
	same repo list -o json
	same repo list -o yaml
	same repo update
	same repo remove nothing
	same repo add plain "$PLAIN/plain"
	same repo add plain "$PLAIN/plain"
	same repo add plain "$PLAIN/rel"
	same repo add plain "$PLAIN/plain" --force-update
	same repo add rel "$PLAIN/rel"
	same repo add a/b "$PLAIN/rel"
	same repo add old https://kubernetes-charts.storage.googleapis.com/
	for u in file:///tmp ftp://example.com/ 127.0.0.1:1 /tmp; do same repo add f "$u"; done
	for u in ftp://example.com/y.tgz file:///tmp/x.tgz /x/y "$PLAIN"; do same pull "$u"; done
	same repo add missing "$PLAIN/nothere"
	same repo add bad "$PLAIN/bad"
	same repo add cut "$PLAIN/cut"
	same repo list
	same repo list -o json
	same repo list -o yaml
	same repo list -o xml
	same_sorted repo update
	same repo update rel
	same repo update rel nope
	same_file config/repositories.yaml
	for f in plain-index.yaml plain-charts.txt rel-index.yaml rel-charts.txt; do same_file "cache/repository/$f"; done
	same pull plain/demo
	mkdir -p "$H/wd/sub" "$RR/wd/sub"
	same pull plain/demo --version 0.1.0 -d sub
	same pull rel/demo --devel
	same pull rel/demo --version '^0.1'
	same pull rel/demo --version '>=9'
	same pull rel/demo --version 'bad..'
	same pull rel/nochart
	same pull nope/demo
	same pull demo
	same pull demo --repo "$PLAIN/rel" --version 0.2.0 -d sub
	same pull demo --repo "$PLAIN/rel" --version 7
	same pull demo --repo "$PLAIN/nothere"
	same pull rel/demo --untar
	same pull rel/demo --untar
	same pull rel/demo --untar --untardir ud -d sub
	if diff -r "$H/wd" "$RR/wd" >/dev/null; then pass; else fail "$LABEL: pulled trees differ: $(diff -r "$H/wd" "$RR/wd" | head -5)"; fi
	same repo remove rel
	same repo remove rel
	same_file config/repositories.yaml
	if [ ! -e "$RR/cache/repository/rel-index.yaml" ] && [ ! -e "$RR/cache/repository/rel-charts.txt" ]; then pass; else fail "$LABEL: repo remove left the cache"; fi

	# version selection: semver order and Masterminds constraints
	same repo add many "$PLAIN/many"
	mkdir -p "$H/wd/many" "$RR/wd/many"
	for c in "" "~1.2" "^1" ">1.0 <1.10" "1.x" "2.0.0-alpha.1" ">=2.0.0-alpha" "<2.0.0-0" "1.0.0 - 1.3" \
		"!=2.0.0" ">1.10.0-0" "3" "v3.1" "=1.2.0 || =1.0.0" "~1.10.1-beta.1"; do
		same pull many/demo --version "$c" -d many
	done
	same pull many/demo --devel -d many
	if diff -r "$H/wd/many" "$RR/wd/many" >/dev/null; then pass; else fail "$LABEL: version selection: $(diff -r "$H/wd/many" "$RR/wd/many" | head -3)"; fi

	same repo add dead "$PLAIN/rel"
	sed -i "s#$PLAIN/rel\$#http://127.0.0.1:$P4#" "$H/config/repositories.yaml" "$RR/config/repositories.yaml"
	same repo update dead
	same repo update dead --fail-on-repo-update-fail
	same pull "$PLAIN/plain/demo-0.1.0.tgz" -d sub
	same pull "$PLAIN/plain/nothere-0.1.0.tgz"
	same pull "http://127.0.0.1:$P4/demo-0.1.0.tgz"
	same pull
	same pull a/b/c
	same repo add pw "$PLAIN/rel" --username alice </dev/null
	same repo add pc "$PLAIN/rel" --username alice --password "$PW" --pass-credentials
	same_file config/repositories.yaml
	same repo remove pc nothing dead
	same repo list
	same_file config/repositories.yaml

	# -- TLS and basic auth --
	same repo add sec "$SECURE" --username alice --password "$PW"
	has "certificate signed by unknown authority" "TLS without --ca-file"
	same repo add sec "$SECURE" --ca-file "$T/sec/ca.crt" --username alice --password wrong
	same repo add sec "$SECURE" --ca-file "$T/sec/ca.crt"
	same repo add sec "$SECURE" --ca-file "$T/sec/ca.crt" --username alice --password "$PW"
	same_file config/repositories.yaml
	same pull sec/demo -d sub
	same_file wd/sub/demo-0.2.0.tgz
	same repo add sec2 "$SECURE" --insecure-skip-tls-verify --username alice --password "$PW"
	same pull demo --repo "$SECURE" --ca-file "$T/sec/ca.crt" --username alice --password "$PW" --version 0.1.0 -d sub
	same_file wd/sub/demo-0.1.0.tgz
	# client certificates
	same repo add mtls "$MTLS" --ca-file "$T/sec/ca.crt"
	same repo add mtls "$MTLS" --ca-file "$T/sec/ca.crt" --cert-file "$T/sec/cli.crt" --key-file "$T/sec/cli.key"
	mkdir -p "$H/wd/mtls" "$RR/wd/mtls"
	same pull mtls/demo --version 0.1.0 -d mtls
	same_file wd/mtls/demo-0.1.0.tgz
	same_file config/repositories.yaml
	echo -n "$PW" >"$W/pw"
	run "$R" "$RR" repo add sec3 "$SECURE" --ca-file "$T/sec/ca.crt" --username alice --password-stdin <"$W/pw"
	ok "repo add --password-stdin"

	# -- render writes, helm reads --
	mkdir -p "$X/wd/h1" "$X/wd/r1" "$RR/wd/baddest"
	run "$R" "$X" repo add plain "$PLAIN/plain" && ok "render repo add plain"
	run "$R" "$X" repo add sec "$SECURE" --ca-file "$T/sec/ca.crt" --username alice --password "$PW"
	ok "render repo add sec"
	run "$R" "$X" repo list
	cp "$W/out" "$W/out.r"
	run "$HELM" "$X" repo list
	if cmp -s "$W/out" "$W/out.r"; then pass; R2H=$((R2H + 1)); else fail "$LABEL: helm repo list after render repo add"; fi
	run "$HELM" "$X" pull plain/demo -d h1
	ok "helm pull after render repo add" && R2H=$((R2H + 1))
	run "$HELM" "$X" pull sec/demo --version 0.1.0 -d h1
	ok "helm pull (TLS, auth) after render repo add" && R2H=$((R2H + 1))
	mkdir -p "$T/www/rindex-$LABEL" && cp "$T/charts"/*.tgz "$T/www/rindex-$LABEL/"
	run "$R" "$X" repo index "$T/www/rindex-$LABEL"
	ok "render repo index"
	run "$HELM" "$X" repo add rindex "$PLAIN/rindex-$LABEL"
	ok "helm repo add of a render index" && R2H=$((R2H + 1))
	run "$HELM" "$X" pull rindex/demo --devel -d h1
	ok "helm pull from a render index" && R2H=$((R2H + 1))
	run "$R" "$X" repo remove sec
	run "$HELM" "$X" repo list -o json
	if ! grep -q '"sec"' "$W/out" && grep -q '"plain"' "$W/out"; then pass; R2H=$((R2H + 1)); else fail "$LABEL: helm sees render's remove"; fi

	# -- helm writes, render reads --
	run "$HELM" "$X" repo add rel "$PLAIN/rel"
	run "$HELM" "$X" repo add sec "$SECURE" --ca-file "$T/sec/ca.crt" --username alice --password "$PW"
	run "$HELM" "$X" repo list
	cp "$W/out" "$W/out.h"
	run "$R" "$X" repo list
	if cmp -s "$W/out" "$W/out.h"; then pass; H2R=$((H2R + 1)); else fail "$LABEL: render repo list after helm repo add"; fi
	run "$R" "$X" pull rel/demo -d r1
	ok "render pull after helm repo add" && H2R=$((H2R + 1))
	run "$R" "$X" pull sec/demo --version 0.1.0 --untar -d r1
	ok "render pull (TLS, auth) after helm repo add" && H2R=$((H2R + 1))
	[ -f "$X/wd/r1/demo/Chart.yaml" ] && pass || fail "$LABEL: untar after helm repo add"
	run "$HELM" "$X" repo update
	run "$R" "$X" pull rindex/demo --version 0.3.0-rc.1 -d r1
	ok "render pull after helm repo update" && H2R=$((H2R + 1))
	run "$HELM" "$X" repo remove rel
	run "$R" "$X" pull rel/demo
	bad "render pull after helm repo remove" && H2R=$((H2R + 1))
	has "repo rel not found" "render pull after helm repo remove"

	# -- Helm's default paths: $HOME/.config/helm and $HOME/.cache/helm, then XDG_*_HOME --
	mkdir -p "$X/home"
	(cd "$X/home" && env -u HELM_CONFIG_HOME -u HELM_CACHE_HOME -u HELM_DATA_HOME HOME="$X/home" \
		"$R" repo add plain "$PLAIN/plain") >/dev/null 2>&1
	[ -f "$X/home/.config/helm/repositories.yaml" ] && [ -f "$X/home/.cache/helm/repository/plain-index.yaml" ] \
		&& pass || fail "$LABEL: render's default paths"
	if (cd "$X/home" && env -u HELM_CONFIG_HOME -u HELM_CACHE_HOME HOME="$X/home" "$HELM" pull plain/demo) >/dev/null 2>&1 \
		&& [ -f "$X/home/demo-0.2.0.tgz" ]; then pass; R2H=$((R2H + 1)); else fail "$LABEL: helm reads render's default paths"; fi
	(cd "$X/home" && env -u HELM_CONFIG_HOME -u HELM_CACHE_HOME HOME=/nonexistent XDG_CONFIG_HOME="$X/xdgc" \
		XDG_CACHE_HOME="$X/xdgk" "$HELM" repo add rel "$PLAIN/rel") >/dev/null 2>&1
	if (cd "$X/home" && env -u HELM_CONFIG_HOME -u HELM_CACHE_HOME HOME=/nonexistent XDG_CONFIG_HOME="$X/xdgc" \
		XDG_CACHE_HOME="$X/xdgk" "$R" pull rel/demo --version 0.1.0) >/dev/null 2>&1 && [ -f "$X/home/demo-0.1.0.tgz" ]; then
		pass; H2R=$((H2R + 1))
	else
		fail "$LABEL: render reads helm's XDG paths"
	fi
	if (cd "$X/home" && env -u HELM_CONFIG_HOME -u HELM_CACHE_HOME HELM_REPOSITORY_CONFIG="$X/xdgc/helm/repositories.yaml" \
		HELM_REPOSITORY_CACHE="$X/xdgk/helm/repository" "$R" repo list) 2>&1 | grep -q "^rel "; then
		pass; H2R=$((H2R + 1))
	else
		fail "$LABEL: HELM_REPOSITORY_CONFIG"
	fi

	# -- repo index compared with helm's (timestamps aside) --
	for tool in h r; do
		rm -rf "$W/idx-$tool" && mkdir -p "$W/idx-$tool/sub" && cp "$T/charts"/demo-0.1.0.tgz "$T/charts"/demo-0.2.0.tgz "$W/idx-$tool/"
		cp "$T/charts/demo-0.3.0-rc.1.tgz" "$W/idx-$tool/sub/"
	done
	"$HELM" repo index "$W/idx-h" --url "$PLAIN/x/"
	run "$R" "$X" repo index "$W/idx-r" --url "$PLAIN/x/"
	if diff <(strip_times "$W/idx-h/index.yaml") <(strip_times "$W/idx-r/index.yaml") >/dev/null; then pass; else fail "$LABEL: repo index --url: $(diff <(strip_times "$W/idx-h/index.yaml") <(strip_times "$W/idx-r/index.yaml") | head -5)"; fi
	for tool in h r; do rm "$W/idx-$tool/index.yaml" "$W/idx-$tool/sub/demo-0.3.0-rc.1.tgz"; done
	"$HELM" repo index "$W/idx-h" --merge "$T/www/plain/index.yaml"
	run "$R" "$X" repo index "$W/idx-r" --merge "$T/www/plain/index.yaml"
	if diff <(strip_times "$W/idx-h/index.yaml") <(strip_times "$W/idx-r/index.yaml") >/dev/null; then pass; else fail "$LABEL: repo index --merge: $(diff <(strip_times "$W/idx-h/index.yaml") <(strip_times "$W/idx-r/index.yaml") | head -5)"; fi
	rm "$W/idx-h/index.yaml" "$W/idx-r/index.yaml"
	"$HELM" repo index "$W/idx-h" --json
	run "$R" "$X" repo index "$W/idx-r" --json
	if diff <(grep -v -e '"created"' -e '"generated"' "$W/idx-h/index.yaml") <(grep -v -e '"created"' -e '"generated"' "$W/idx-r/index.yaml") >/dev/null; then pass; else fail "$LABEL: repo index --json"; fi
	"$HELM" repo index "$W/idx-h"
	run "$R" "$X" repo index "$W/idx-r"
	grep -q 'created: "20' "$W/idx-r/index.yaml" && grep -q '^generated: "20' "$W/idx-r/index.yaml" && pass || fail "$LABEL: repo index timestamps"

	# -- failures render handles on its own --
	# a digest that does not match: render refuses, and leaves nothing behind (Helm 3 does not check)
	run "$R" "$RR" pull bad/demo --version 0.2.0 -d baddest
	bad "pull with a wrong digest"
	has "digest mismatch" "pull with a wrong digest"
	empty_dir "$RR/wd/baddest" "pull with a wrong digest"
	run "$R" "$RR" pull bad/demo --version 0.1.0 -d baddest
	ok "pull of a version whose digest is right"
	mkdir -p "$H/wd/baddest"
	run "$HELM" "$H" pull bad/demo --version 0.2.0 -d baddest
	ok "helm 3.17 does not check the index digest (render does, deliberately)"
	# an archive cut short on the server
	mkdir -p "$RR/wd/cutdest"
	run "$R" "$RR" pull cut/demo --version 0.2.0 -d cutdest
	bad "pull of a cut archive"
	empty_dir "$RR/wd/cutdest" "pull of a cut archive"
	run "$R" "$RR" pull cut/demo --version 0.2.0 --untar -d cutdest
	bad "pull --untar of a cut archive"
	empty_dir "$RR/wd/cutdest" "pull --untar of a cut archive"
	# a transfer that ends before its Content-Length
	run "$R" "$RR" repo add trunc "$SLOW/trunc"
	ok "repo add (python server)"
	mkdir -p "$RR/wd/truncdest"
	run "$R" "$RR" pull trunc/demo --version 0.2.0 -d truncdest
	bad "pull of a truncated transfer"
	empty_dir "$RR/wd/truncdest" "pull of a truncated transfer"
	# a server that accepts and never answers
	RENDER_HTTP_TIMEOUT=1 run "$R" "$RR" repo add stall "$SLOW/stall"
	bad "repo add of a stalled server"
	has "timeout" "repo add of a stalled server"
	# credentials in a URL are never printed
	run "$R" "$RR" repo add leak "http://alice:$PW@127.0.0.1:$P1/nothere"
	bad "repo add of a missing index with credentials in the URL"
	has "failed to fetch http://127.0.0.1:$P1/nothere/index.yaml : 404 Not Found" "redacted URL"
	run "$R" "$RR" repo add leak "http://alice:$PW@127.0.0.1:$P1/rel"
	ok "repo add with credentials in the URL"
	run "$R" "$RR" repo list
	has "http://127.0.0.1:$P1/rel" "repo list shows the URL without credentials"
	run "$R" "$RR" repo list -o json
	run "$R" "$RR" pull leak/demo -d nothere
	bad "pull into a missing folder"
}

# the ASan build runs the same suite in the background, its tallies added at the end
ASAN_PID=""
if [ -n "$RENDER_ASAN" ] && [ -x "$RENDER_ASAN" ]; then
	(
		TESTS_PASSED=0 TESTS_FAILED=0 R2H=0 H2R=0
		suite "$RENDER_ASAN" asan
		echo "$TESTS_PASSED $TESTS_FAILED $R2H $H2R" >"$T/asan.counts"
	) &
	ASAN_PID=$!
fi
suite "$RENDER" render
if [ -n "$ASAN_PID" ]; then
	wait "$ASAN_PID"
	read -r ap af ar ah <"$T/asan.counts" || { ap=0 af=1 ar=0 ah=0; echo "FAIL: the asan suite did not finish"; }
	TESTS_PASSED=$((TESTS_PASSED + ap)) TESTS_FAILED=$((TESTS_FAILED + af)) R2H=$((R2H + ar)) H2R=$((H2R + ah))
fi

if cat "$T"/*/log | grep -q -- "$PW"; then fail "the password appears in some output: $(cat "$T"/*/log | grep -- "$PW" | head -3)"; else pass; fi
echo "interchange: render->helm $R2H cases, helm->render $H2R cases"
finish
