# tests/lib.sh - sourced by tests/t-*.sh scripts.
#   need_debs PKG...   installs the Debian packages that are missing (root or sudo)
#   fail MSG           prints "FAIL: MSG" and counts a failure
#   finish             prints the tally and exits non-zero if anything failed
#   free_ports N       prints N distinct free loopback TCP ports, space-separated
#   wait_port PORT     waits up to ~5 s for 127.0.0.1:PORT to accept; 1 if it never does
#   (tests/lib-kube.sh: the test API server; tests/lib-registry.sh: OCI registries)
TESTS_FAILED=0
TESTS_PASSED=0

need_debs() {
	local missing="" p
	for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
	[ -z "$missing" ] && return 0
	local sudo=""
	[ "$(id -u)" = 0 ] || sudo=sudo
	echo "installing:$missing"
	# scripts run two at a time: one apt-get at a time
	(flock 9; $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $missing >/dev/null) 9>/tmp/render-tests-apt.lock
}

pass() { TESTS_PASSED=$((TESTS_PASSED + 1)); }
fail() { echo "FAIL: $*"; TESTS_FAILED=$((TESTS_FAILED + 1)); }

finish() {
	echo "$TESTS_PASSED passed, $TESTS_FAILED failed"
	[ "$TESTS_FAILED" = 0 ]
}

free_ports() {
	python3 -c 'import socket, sys
ss = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in ss: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in ss))' "${1:-1}"
}
wait_port() {
	for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/$1) 2>/dev/null && return 0; sleep 0.05; done
	echo "port $1 never opened"; return 1
}
