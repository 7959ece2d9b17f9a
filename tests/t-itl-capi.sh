#!/usr/bin/env bash
# The charts we ship (issue 5): charts/itl-k8s-capi renders the objects its design lists in every
# environment, with Helm and with render (tests/check_itl_capi.py, which also checks the vcluster
# values key paths and that the chart README is generated from values.yaml); Helm's own
# `lint --strict` passes on it, and render's lint says the same.
set -u
cd "$(dirname "$0")/.."
source tests/lib.sh

py=python3
if ! python3 -c "import yaml" 2>/dev/null; then
	need_debs python3-yaml
	py=/usr/bin/python3
fi

for bin in "$HELM" "$RENDER"; do
	if $py tests/check_itl_capi.py "$bin" >/tmp/itl-check.$$ 2>&1; then
		pass
	else
		fail "check_itl_capi.py with $bin:"; tail -20 /tmp/itl-check.$$
	fi
	tail -1 /tmp/itl-check.$$
done
rm -f /tmp/itl-check.$$

for env in "" dev staging prod; do
	flags=()
	[ -n "$env" ] && flags=(-f "charts/itl-k8s-capi/values-$env.yaml")
	if "$HELM" lint --strict charts/itl-k8s-capi "${flags[@]}" >/tmp/itl-lint-h.$$ 2>&1; then
		pass
	else
		fail "helm lint --strict ${env:-default}"; cat /tmp/itl-lint-h.$$
	fi
	"$RENDER" lint --strict charts/itl-k8s-capi "${flags[@]}" >/tmp/itl-lint-r.$$ 2>&1
	if cmp -s /tmp/itl-lint-h.$$ /tmp/itl-lint-r.$$; then
		pass
	else
		fail "render lint --strict ${env:-default} differs from helm"; diff /tmp/itl-lint-h.$$ /tmp/itl-lint-r.$$
	fi
done
rm -f /tmp/itl-lint-h.$$ /tmp/itl-lint-r.$$
finish
