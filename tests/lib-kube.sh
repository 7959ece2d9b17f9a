# tests/lib-kube.sh - sourced (after tests/lib.sh) by the t-*.sh scripts that
# run Helm, kubectl and render against the test API server tests/kubeapi/server.py.
#   kube_tools NAME        defaults RENDER and HELM, sets KUBECTL (beside Helm) and
#                          stops the script (NAME: ...) when either is missing
#   kube_tmp               makes $tmp and traps: on exit the server stops, $tmp goes
#   private_bins           copies $RENDER (and $RENDER_ASAN if executable) into $tmp,
#                          since other builds may replace bin/render meanwhile:
#                          sets RENDER_COPY and RENDER_ASAN_COPY (empty without one)
#   kube_server NAME [ARG] starts the server (extra server.py ARGs) and waits for
#                          its kubeconfig $tmp/kubeconfig; NAME prefixes the error
#   kube_start NAME [ARG]  kube_server, then points KUBECONFIG, the discovery cache
#                          and the HELM_* homes into $tmp
#   kube_setup NAME [ARG]  all of these in turn: kube_tools, kube_tmp, private_bins
#                          and kube_start (ARGs cannot name $tmp: it is made here)
#   mk FILE                writes stdin to FILE, making its folder first
server_pid=
kube_root=$PWD	# scripts source this from the top of the tree

kube_tools() {
	RENDER=${RENDER:-bin/render}
	HELM=${HELM:-/root/.cache/render-tests/helm-v3.17.3/helm}
	KUBECTL=$(dirname "$HELM")/kubectl
	[ -x "$HELM" ] && [ -x "$KUBECTL" ] || { echo "$1: no helm/kubectl at $HELM"; exit 1; }
}

kube_cleanup() {
	[ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null
	rm -rf "$tmp"
}

kube_tmp() {
	tmp=$(mktemp -d)
	server_pid=
	trap kube_cleanup EXIT
	trap 'exit 1' INT TERM
}

private_bins() {
	cp "$RENDER" $tmp/render || exit 1
	RENDER_COPY=$tmp/render
	RENDER_ASAN_COPY=
	if [ -n "${RENDER_ASAN:-}" ] && [ -x "$RENDER_ASAN" ]; then
		cp "$RENDER_ASAN" $tmp/render-asan && RENDER_ASAN_COPY=$tmp/render-asan
	fi
}

kube_server() {
	local name=$1
	shift
	python3 "$kube_root/tests/kubeapi/server.py" --kubeconfig $tmp/kubeconfig "$@" >$tmp/server.log 2>&1 &
	server_pid=$!
	# should the script be killed outright, the server goes too
	(while kill -0 $$ 2>/dev/null; do sleep 1; done; kill $server_pid 2>/dev/null; rm -rf "$tmp") >/dev/null 2>&1 &
	for _ in $(seq 100); do [ -s $tmp/kubeconfig ] && break; sleep 0.1; done
	[ -s $tmp/kubeconfig ] || { echo "$name: tests/kubeapi/server.py did not start: $(tail -3 $tmp/server.log)"; exit 1; }
}

kube_start() {
	kube_server "$@"
	export KUBECONFIG=$tmp/kubeconfig KUBECACHEDIR=$tmp/kube-cache HELM_DRIVER=secret
	export HELM_CACHE_HOME=$tmp/cache HELM_CONFIG_HOME=$tmp/config HELM_DATA_HOME=$tmp/data
	unset HELM_NAMESPACE HELM_MAX_HISTORY
}

kube_setup() {
	kube_tools "$1"
	kube_tmp
	private_bins
	kube_start "$@"
}

mk() { mkdir -p "$(dirname "$1")"; cat >"$1"; }
