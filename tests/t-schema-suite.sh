#!/usr/bin/env bash
# values.schema.json validation against the official JSON Schema test suite (Debian package
# json-schema-test-suite): prints the pass rate per draft and fails when a draft falls below
# its floor (tests/schema_suite.c). Helm 3.17.3 validates with gojsonschema (drafts 4, 6 and 7;
# a 2019-09 or 2020-12 schema is read with the same keywords), and so do we.
set -u
cd "$(dirname "$0")/.."
source tests/lib.sh
need_debs json-schema-test-suite
if make -s bin/schema_suite >/dev/null && bin/schema_suite; then
	pass
else
	fail "schema suite below its floor"
fi
finish
