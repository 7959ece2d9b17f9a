#!/usr/bin/env bash
# mustToYaml, which Helm 4 added (Helm 3.17.3 does not know it, so there is no differential
# case): it prints what toYaml prints, and where toYaml silently returns "" it fails the render.
set -u
cd "$(dirname "$0")/.."
source tests/lib.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/c/templates"
printf 'apiVersion: v2\nname: c\nversion: 1.0.0\n' >"$tmp/c/Chart.yaml"
printf 'a: 1\nb: [x, "yes", 1.5]\nc: {d: null}\n' >"$tmp/c/values.yaml"
printf 'same: {{ eq (toYaml .Values) (mustToYaml .Values) }}\n' >"$tmp/c/templates/a.yaml"
for bin in "$RENDER" "$RENDER_ASAN"; do
	out=$("$bin" template "$tmp/c" 2>&1)
	grep -qx 'same: true' <<<"$out" && pass || fail "$bin: mustToYaml differs from toYaml: $out"
done
printf 'bad: {{ mustToYaml (dict "x" (float64 "NaN")) }}\n' >"$tmp/c/templates/a.yaml"
for bin in "$RENDER" "$RENDER_ASAN"; do
	out=$("$bin" template "$tmp/c" 2>&1) && fail "$bin: mustToYaml of NaN succeeded: $out" ||
		{ grep -q 'error calling mustToYaml' <<<"$out" && pass || fail "$bin: $out"; }
done
finish
