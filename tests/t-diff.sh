#!/usr/bin/env bash
# render diff upgrade (beyond Helm): on the test API server, a release installed by Helm is
# compared with what an upgrade would render; the diff names each changed object, shows the
# changed lines, says nothing once Helm has made the same upgrade, and --detailed-exitcode
# returns 2 only when something would change.
set -u
cd "$(dirname "$0")/.."
source tests/lib.sh
tmp=$(mktemp -d)
server_pid=
trap '[ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; rm -rf "$tmp"' EXIT
python3 tests/kubeapi/server.py --kubeconfig "$tmp/kubeconfig" >"$tmp/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 100); do [ -s "$tmp/kubeconfig" ] && break; sleep 0.1; done
export KUBECONFIG="$tmp/kubeconfig" KUBECACHEDIR="$tmp/kube-cache" HELM_DRIVER=secret
export HELM_CONFIG_HOME="$tmp/helm/config" HELM_CACHE_HOME="$tmp/helm/cache" HELM_DATA_HOME="$tmp/helm/data"

k=0
c="$tmp/dc"
mkdir -p "$c/templates"
printf 'apiVersion: v2\nname: dc\nversion: 1.0.0\n' >"$c/Chart.yaml"
printf 'msg: hello\nextra: false\n' >"$c/values.yaml"
cat >"$c/templates/cm.yaml" <<'YAML'
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-cm
data:
  msg: {{ .Values.msg }}
  a: "1"
  b: "2"
  c: "3"
  d: "4"
---
apiVersion: v1
kind: Service
metadata:
  name: {{ .Release.Name }}-svc
spec:
  ports:
  - port: 80
{{- if .Values.extra }}
---
apiVersion: v1
kind: Secret
metadata:
  name: {{ .Release.Name }}-extra
stringData:
  token: abc
{{- end }}
YAML
"$HELM" install rel "$c" >/dev/null 2>&1 && pass || fail "helm install"

for bin in "$RENDER" "$RENDER_ASAN"; do
	"$bin" diff upgrade rel "$c" --detailed-exitcode >"$tmp/out" 2>&1
	[ $? = 0 ] && [ ! -s "$tmp/out" ] && pass || fail "$bin: no change expected: $(cat "$tmp/out")"

	"$bin" diff upgrade rel "$c" --set msg=bye --set extra=true --detailed-exitcode >"$tmp/out" 2>&1
	rc=$?
	[ $rc = 2 ] && pass || fail "$bin: exit $rc, want 2"
	grep -qx -- '--- a/ConfigMap/default/rel-cm' "$tmp/out" && grep -qx -- '-  msg: hello' "$tmp/out" &&
		grep -qx -- '+  msg: bye' "$tmp/out" && pass || fail "$bin: ConfigMap change: $(cat "$tmp/out")"
	grep -qx -- '+++ b/Secret/default/rel-extra' "$tmp/out" && grep -qx -- '--- /dev/null' "$tmp/out" &&
		pass || fail "$bin: added Secret"
	grep -q 'Service' "$tmp/out" && fail "$bin: unchanged Service listed" || pass
	# the diff applies: patching the old ConfigMap text gives the new one
	"$bin" diff upgrade rel "$c" --set msg=bye --color always >"$tmp/color" 2>&1
	grep -q $'\e\[31m-  msg: hello' "$tmp/color" && pass || fail "$bin: --color always"
	"$bin" diff upgrade nope "$c" >"$tmp/out" 2>&1 && fail "$bin: missing release accepted" || pass
done

"$HELM" upgrade rel "$c" --set msg=bye --set extra=true >"$tmp/up" 2>&1 && pass || fail "helm upgrade: $(cat "$tmp/up")"
"$RENDER" diff upgrade rel "$c" --reuse-values --detailed-exitcode >"$tmp/out" 2>&1
[ $? = 0 ] && [ ! -s "$tmp/out" ] && pass || fail "after helm upgrade, --reuse-values: $(cat "$tmp/out")"
"$RENDER" diff upgrade rel "$c" --detailed-exitcode >"$tmp/out" 2>&1
rc=$?
[ $rc = 0 ] && [ ! -s "$tmp/out" ] && pass || fail "after helm upgrade, no values (Helm reuses them): exit $rc $(cat "$tmp/out")"

# install and upgrade from a chart repository (repo/chart with --version, --repo URL), as Helm
mkdir -p "$tmp/www"
"$HELM" package "$c" -d "$tmp/www" >/dev/null
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$HELM" repo index "$tmp/www" --url "http://127.0.0.1:$port"
(cd "$tmp/www" && exec python3 -m http.server "$port" --bind 127.0.0.1 >/dev/null 2>&1) &
http_pid=$!
trap '[ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; kill "$http_pid" 2>/dev/null; rm -rf "$tmp"' EXIT
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/index.yaml" >/dev/null && break; sleep 0.1; done
"$HELM" repo add myrepo "http://127.0.0.1:$port" >/dev/null
same_as_helm() { # NAME_HELM NAME_RENDER ARGS...: the outputs, release names and times masked
	local h=$1 r=$2
	shift 2
	"$HELM" "${@//@/$h}" >"$tmp/h" 2>&1
	"$RENDER" "${@//@/$r}" >"$tmp/r" 2>&1
	if diff <(sed "s/$h/X/g; s/LAST DEPLOYED.*//" "$tmp/h") <(sed "s/$r/X/g; s/LAST DEPLOYED.*//" "$tmp/r") >/dev/null; then
		pass
	else
		fail "$*: $(diff "$tmp/h" "$tmp/r")"
	fi
}
same_as_helm hr1 rr1 install @ myrepo/dc --version 1.0.0
same_as_helm hr1 rr1 upgrade @ myrepo/dc --version "^1.0" --set msg=up
same_as_helm hr2 rr2 install @ dc --repo "http://127.0.0.1:$port"
same_as_helm hr3 rr3 install @ myrepo/nope

# uitable's layout in history: multi-line, tab, wide and long descriptions, as Helm prints them
for d in "$(printf 'abc\ndefgh')" "$(printf 'abcdefghij\n\tx')" "$(printf 'ab\tcd')" \
	"$(printf 'x%.0s' $(seq 70))" "$(printf 'h\xc3\xa9llo w\xc3\xb6rld\nzz')" \
	"$(printf '\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\nx')"; do
	n=d$((++k))
	"$HELM" install $n "$c" --description "$d" >/dev/null 2>&1
	"$HELM" history $n >"$tmp/h" 2>&1
	"$RENDER" history $n >"$tmp/r" 2>&1
	cmp -s "$tmp/h" "$tmp/r" && pass || fail "history of $n: $(diff "$tmp/h" "$tmp/r")"
done
finish
