# tests/lib-registry.sh - sourced (after tests/lib.sh) by t-oci.sh and
# t-oci-deps.sh: OCI registries (Debian's docker-registry) on loopback.
#   reg_setup                  installs what is missing (docker-registry, openssl,
#                              curl), defaults RENDER, RENDER_ASAN and HELM, asks
#                              sanitizers for leak checks and stacks, then reg_tmp
#   reg_tmp                    makes $T and traps: on exit the $PIDS stop, $T goes
#   registry NAME PORT YAML    starts a registry on PORT, YAML added to its http: block
#   reg_suites                 runs the script's `suite BIN NAME` for $RENDER_ASAN (when
#                              executable, in the background, in its own folders) and
#                              for $RENDER, and adds up both tallies
#   reg_common OPEN BASIC TLS TOKEN PW
#                              user alice with password PW in $T/htpasswd (AUTH: its
#                              yaml), a CA and a server certificate for $HN ($T/ca.crt,
#                              srv.crt, srv.key; HN empty when the host name is not on
#                              loopback), and registries on the ports OPEN (no auth),
#                              BASIC (basic auth), TLS (TLS + basic auth) and a Bearer
#                              token front on TOKEN for the open one
PIDS=""

reg_setup() {
	[ -x /usr/bin/docker-registry ] || need_debs docker-registry
	command -v openssl >/dev/null || need_debs openssl
	command -v curl >/dev/null || need_debs curl
	RENDER=${RENDER:-$PWD/bin/render}
	RENDER_ASAN=${RENDER_ASAN:-}
	HELM=${HELM:-$(tests/setup-helm.sh)}
	export ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1
	reg_tmp
}

reg_cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	rm -rf "$T"
}

reg_tmp() {
	T=$(mktemp -d)
	PIDS=""
	trap reg_cleanup EXIT
	trap 'exit 1' INT TERM
}

registry() { # registry NAME PORT EXTRA-YAML
	mkdir -p "$T/$1"
	printf 'version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: %s\nhttp:\n  addr: 127.0.0.1:%s\n%s\n' \
		"$T/$1" "$2" "$3" >"$T/$1.yml"
	/usr/bin/docker-registry serve "$T/$1.yml" >"$T/$1.log" 2>&1 &
	PIDS="$PIDS $!"
}

reg_common() {
	local PW=$5
	HASH=$(python3 -W ignore -c 'import crypt,sys; print(crypt.crypt(sys.argv[1], crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=16)))' "$PW" 2>/dev/null)
	if [ -z "$HASH" ]; then
		command -v htpasswd >/dev/null || need_debs apache2-utils
		HASH=$(htpasswd -nbB -C 4 alice "$PW" | cut -d: -f2)
	fi
	echo "alice:$HASH" >"$T/htpasswd"
	# TLS needs a name that is not localhost: Helm 3 talks plain HTTP to loopback addresses
	HN=$(hostname)
	case "$(getent hosts "$HN" | awk '{print $1; exit}')" in 127.*) ;; *) HN="" ;; esac
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$T/ca.key" -out "$T/ca.crt" -days 2 -subj /CN=oci-test-ca 2>/dev/null
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$T/srv.key" -out "$T/srv.csr" -subj "/CN=${HN:-localhost}" 2>/dev/null
	printf 'subjectAltName=DNS:%s,IP:127.0.0.1\n' "${HN:-localhost}" >"$T/ext.cnf"
	openssl x509 -req -in "$T/srv.csr" -CA "$T/ca.crt" -CAkey "$T/ca.key" -CAcreateserial -out "$T/srv.crt" \
		-days 2 -extfile "$T/ext.cnf" 2>/dev/null
	AUTH=$(printf 'auth:\n  htpasswd:\n    realm: test\n    path: %s' "$T/htpasswd")
	registry open "$1" ""
	registry basic "$2" "$AUTH"
	registry tls "$3" "$(printf '  tls:\n    certificate: %s\n    key: %s\n%s' "$T/srv.crt" "$T/srv.key" "$AUTH")"
	cat >"$T/tokenproxy.py" <<'PYEOF'
# tokenproxy.py PORT UPSTREAM_PORT USER PASSWORD - a registry front that wants
# Bearer tokens (as ghcr.io or Docker Hub do): /token hands them out (anonymous
# ones only pull), every /v2/ request is checked, then passed to the registry.
import base64, http.client, json, sys, urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

port, up, user, pw = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
FULL, ANON = "tok-full-0123", "tok-anon-4567"

class H(BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def reply(self, code, body=b"", headers=()):
        self.send_response(code)
        for k, v in headers:
            self.send_header(k, v)
        if not any(k.lower() == "content-length" for k, _ in headers):
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def token(self):
        auth = self.headers.get("Authorization", "")
        if self.command == "POST":  # OAuth2 password grant, as oras tries first
            n = int(self.headers.get("Content-Length") or 0)
            f = urllib.parse.parse_qs(self.rfile.read(n).decode())
            if f.get("username") and f.get("password"):
                auth = "Basic " + base64.b64encode(f"{f['username'][0]}:{f['password'][0]}".encode()).decode()
        if not auth:
            tok = ANON
        elif auth == "Basic " + base64.b64encode(f"{user}:{pw}".encode()).decode():
            tok = FULL
        else:
            return self.reply(401, b'{"errors":[{"code":"UNAUTHORIZED","message":"bad credentials"}]}')
        self.reply(200, json.dumps({"token": tok, "access_token": tok}).encode(),
                   [("Content-Type", "application/json")])

    def handle_any(self):
        if self.path.startswith("/token"):
            return self.token()
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else None
        auth = self.headers.get("Authorization", "")
        write = self.command not in ("GET", "HEAD")
        if auth != "Bearer " + FULL and (write or auth != "Bearer " + ANON):
            repo = self.path[4:].split("/manifests/")[0].split("/blobs/")[0].split("/tags/")[0]
            chal = f'Bearer realm="http://127.0.0.1:{port}/token",service="test-registry"'
            if self.path != "/v2/":
                chal += f',scope="repository:{repo}:{"pull,push" if write else "pull"}"'
            return self.reply(401, b'{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}',
                              [("WWW-Authenticate", chal), ("Content-Type", "application/json")])
        hdrs = {k: v for k, v in self.headers.items() if k.lower() != "authorization"}
        c = http.client.HTTPConnection("127.0.0.1", up)
        c.request(self.command, self.path, body, hdrs)
        r = c.getresponse()
        data = r.read()
        self.reply(r.status, data, [(k, v) for k, v in r.getheaders() if k.lower() not in ("transfer-encoding", "connection")])

    do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = handle_any

ThreadingHTTPServer(("127.0.0.1", port), H).serve_forever()
PYEOF
	python3 "$T/tokenproxy.py" "$4" "$1" alice "$PW" 2>"$T/tokenproxy.log" &
	PIDS="$PIDS $!"
}

reg_suites() {
	local ASAN_PID="" ap af
	if [ -n "$RENDER_ASAN" ] && [ -x "$RENDER_ASAN" ]; then
		(
			TESTS_PASSED=0 TESTS_FAILED=0
			suite "$RENDER_ASAN" asan
			echo "$TESTS_PASSED $TESTS_FAILED" >"$T/asan.counts"
		) &
		ASAN_PID=$!
	fi
	suite "$RENDER" render
	if [ -n "$ASAN_PID" ]; then
		wait "$ASAN_PID"
		read -r ap af <"$T/asan.counts" || { ap=0 af=1; echo "FAIL: the asan suite did not finish"; }
		TESTS_PASSED=$((TESTS_PASSED + ap)) TESTS_FAILED=$((TESTS_FAILED + af))
	fi
}
