#!/usr/bin/env bash
# t-archive.sh - chart archives: `render package` against `helm package` (entries,
# order, modes, bytes, and what `helm template` makes of the result), reproducible
# output, and hostile .tgz files read by `render template` (and its ASan build),
# with Helm's error text wherever Helm rejects the same archive.
set -u
cd "$(dirname "$0")/.." || exit 1
ROOT=$PWD
source tests/lib.sh
RENDER=${RENDER:-$ROOT/bin/render}
RENDER_ASAN=${RENDER_ASAN:-$ROOT/bin/render-asan}
HELM=${HELM:-$(tests/setup-helm.sh)}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
T=$(mktemp -d)
O=$(mktemp -d) # outputs of hostile runs, outside the watched tree $T
trap 'rm -rf "$T" "$O"' EXIT

# --- (a) render package against helm package -------------------------------

# A small chart: .helmignore, files, a schema, a subchart folder, a packed subchart
# with its .prov, a file with a UTF-8 BOM, dotfiles and `_` folders under charts/.
mkchart() {
	local c=$T/src/small
	mkdir -p "$c/templates" "$c/files" "$c/charts/sub/templates" "$c/charts/_skip" "$T/src/dep/templates"
	printf 'apiVersion: v2\nname: small\nversion: 0.3.0\ndescription: a test chart\nappVersion: 1.10\nkeywords: [b, 1e3, yes]\nannotations: {x: 1.0}\nmaintainers:\n  - name: me\n    email: me@example.com\ndependencies:\n  - name: sub\n    version: 0.2.0\n  - name: dep\n    version: 0.1.0\n    repository: https://example.com\n' >"$c/Chart.yaml"
	printf 'generated: "2024-05-01T10:00:00.500000000+02:00"\ndigest: sha256:abc\ndependencies:\n- name: sub\n  version: 0.2.0\n  repository: ""\n' >"$c/Chart.lock"
	printf 'greeting: hello   # kept as written\nlist: [1, 2]\n' >"$c/values.yaml"
	printf '{"type": "object"}\n' >"$c/values.schema.json"
	printf 'kind: ConfigMap\ndata:\n  g: {{ .Values.greeting }}\n  f: {{ .Files.Get "files/a.txt" | quote }}\n' >"$c/templates/cm.yaml"
	printf '{{- define "x" }}y{{ end }}\n' >"$c/templates/_h.tpl"
	printf '*.skip\nsecret/\n' >"$c/.helmignore"
	echo a >"$c/files/a.txt"
	echo gone >"$c/files/b.skip"
	mkdir -p "$c/secret" && echo s >"$c/secret/key"
	printf '\xef\xbb\xbfbom: true\n' >"$c/files/bom.yaml"
	printf 'apiVersion: v2\nname: sub\nversion: 0.2.0\n' >"$c/charts/sub/Chart.yaml"
	printf 'kind: Secret\nname: {{ .Chart.Name }}\n' >"$c/charts/sub/templates/s.yaml"
	echo 'z: 1' >"$c/charts/sub/values.yaml"
	# the parent's .helmignore applies inside charts/sub, the subchart's own does not,
	# nor does the rule that hides dotfiles in templates/
	echo 'keep.txt' >"$c/charts/sub/.helmignore"
	echo kept >"$c/charts/sub/keep.txt"
	mkdir -p "$c/charts/secret/templates" # a whole subchart left out by `secret/`
	printf 'apiVersion: v2\nname: secret\nversion: 0.0.1\n' >"$c/charts/secret/Chart.yaml"
	printf 'kind: Secret\n' >"$c/charts/secret/templates/s.yaml"
	echo gone >"$c/charts/sub/x.skip"
	printf '# dotfile template\n' >"$c/charts/sub/templates/.dot.yaml"
	printf '# hidden\n' >"$c/templates/.hidden.yaml"
	echo x >"$c/charts/_skip/x"
	echo x >"$c/charts/.hidden"
	printf 'apiVersion: v2\nname: dep\nversion: 0.1.0\n' >"$T/src/dep/Chart.yaml"
	printf 'kind: Service\nname: {{ .Chart.Name }}\n' >"$T/src/dep/templates/d.yaml"
	(cd "$c/charts" && "$HELM" package "$T/src/dep" >/dev/null) || fail "helm package of dep"
	echo 'fake signature' >"$c/charts/dep-0.1.0.tgz.prov"
}

# Chart.yaml re-marshalled as Helm does: every chart.Metadata field, numbers and
# booleans in string fields, Metadata.Validate's sanitizing, a v1 subchart.
mkmeta() {
	local c=$T/src/meta
	mkdir -p "$c/templates" "$c/charts/s" "$c/charts/t"
	cat >"$c/Chart.yaml" <<'YAML'
apiVersion: v2
name: meta
version: v1.2.3-alpha.1
kubeVersion: ">= 1.20.0-0"
description: |
  A long description that goes on and on and on and on and on and on and on and on.
  Second line: "quoted"	tab, nbsp , bell \a
type: application
keywords: ["a", "b: c", "- d", 1.50, yes]
home: "x\ny"
sources: [https://github.com/x/y, "git@x:y"]
icon: 1e3
deprecated: true
tags: "t1,\tt2"
annotations:
  category: Infra
  number: 1.0
  "artifacthub.io/links": |
    - name: x
      url: https://x
maintainers:
  - name: Jane "J" Doe
    email: jane@example.com
    url: https://jane.example.com
  - name: 12
dependencies:
  - name: s
    version: "~1.0"
    repository: "file://charts/s"
    condition: s.enabled
    tags: [backend, "d\tb"]
    enabled: true
    import-values:
      - child: a.b
        parent: c
      - data
    alias: sss
  - name: t
    version: ">=0.1.0"
    repository: "@repo"
unknownField: dropped
YAML
	printf 'kind: ConfigMap\nname: {{ .Chart.Name }}-{{ .Chart.Version }}\n' >"$c/templates/meta.yaml"
	printf 'apiVersion: v2\nname: s\nversion: 1.0.1\n' >"$c/charts/s/Chart.yaml"
	printf 'name: t\nversion: 0.1.0\n' >"$c/charts/t/Chart.yaml"
	printf 'dependencies:\n- name: u\n  version: 1.0.0\n  repository: https://example.com\n' >"$c/charts/t/requirements.yaml"
	printf 'dependencies: []\ndigest: sha256:0\ngenerated: "2020-01-01T00:00:00Z"\n' >"$c/charts/t/requirements.lock"
}

# entry list: mode, owner, size, name (tar -tv's date is left out: Helm writes now)
entries() { tar -tzvf "$1" | awk '{print $1, $2, $3, $6}'; }

# package_pair NAME DIR [FLAGS...]: packs DIR with both tools into $T/pkg/{render,helm}
package_pair() {
	local name=$1 dir=$2
	shift 2
	rm -rf "$T/pkg" && mkdir -p "$T/pkg/render" "$T/pkg/helm"
	if (cd "$T/pkg/render" && "$RENDER" package "$dir" "$@" >../render.out 2>&1); then pass; else
		fail "$name: render package failed: $(cat "$T/pkg/render.out")"
		return 1
	fi
	(cd "$T/pkg/helm" && "$HELM" package "$dir" "$@" >../helm.out 2>&1) || fail "$name: helm package failed"
	R_TGZ=$(find "$T/pkg/render" -name "*.tgz") H_TGZ=$(find "$T/pkg/helm" -name "*.tgz")
	[ "$(basename "$R_TGZ")" = "$(basename "$H_TGZ")" ] && pass || fail "$name: file name $(basename "$R_TGZ") vs $(basename "$H_TGZ")"
	[ "$(sed "s|$T/pkg/render|X|" "$T/pkg/render.out")" = "$(sed "s|$T/pkg/helm|X|" "$T/pkg/helm.out")" ] && pass ||
		fail "$name: message: $(cat "$T/pkg/render.out") vs $(cat "$T/pkg/helm.out")"
}

# compare_pair NAME DIR ORDERED: entries (in order unless Helm's subchart order is
# random), contents byte for byte, and helm template of the package vs the folder.
compare_pair() {
	local name=$1 dir=$2 ordered=$3 f
	if [ "$ordered" = 1 ]; then
		diff <(entries "$R_TGZ") <(entries "$H_TGZ") >"$T/d" && pass || fail "$name: entries differ: $(cat "$T/d")"
	else # Helm walks subcharts in Go map order: compare the sets
		diff <(entries "$R_TGZ" | sort) <(entries "$H_TGZ" | sort) >"$T/d" && pass || fail "$name: entries differ: $(cat "$T/d")"
		diff <(tar -tzf "$R_TGZ" | grep -v /charts/) <(tar -tzf "$H_TGZ" | grep -v /charts/) >"$T/d" && pass ||
			fail "$name: top chart order differs: $(cat "$T/d")"
	fi
	for f in $(tar -tzf "$H_TGZ"); do
		cmp -s <(tar -xzOf "$R_TGZ" "$f") <(tar -xzOf "$H_TGZ" "$f") && pass || fail "$name: $f differs"
	done
	"$HELM" template "$dir" >"$T/folder.out" 2>&1
	"$HELM" template "$R_TGZ" >"$T/pkg.out" 2>&1
	cmp -s "$T/folder.out" "$T/pkg.out" && pass || fail "$name: helm template of render's package differs from the folder's"
	"$RENDER" template "$R_TGZ" >"$T/rpkg.out" 2>&1
	cmp -s "$T/folder.out" "$T/rpkg.out" && pass ||
		fail "$name: render template of render's package differs from helm template of the folder"
	"$RENDER" template "$dir" >"$T/rdir.out" 2>&1 # charts/*.tgz read by render in place
	cmp -s "$T/folder.out" "$T/rdir.out" && pass ||
		fail "$name: render template of the folder differs from helm template of it"
	"$HELM" template rel "$H_TGZ" -n ns >"$T/hn.out" 2>&1
	"$RENDER_ASAN" template rel "$R_TGZ" -n ns >"$T/rn.out" 2>&1
	cmp -s "$T/hn.out" "$T/rn.out" && pass ||
		fail "$name: render-asan template rel PACKAGE differs from helm template rel PACKAGE"
}

mkchart
mkmeta
package_pair meta "$T/src/meta" --app-version "1.0 beta" && compare_pair meta "$T/src/meta" 0
package_pair small "$T/src/small" && compare_pair small "$T/src/small" 0
tar -tzf "$R_TGZ" | grep -q -e 'b.skip' -e secret/ -e _skip -e .hidden && fail "small: ignored files were packed" || pass
tar -tzf "$R_TGZ" | grep -q 'small/charts/dep/templates/d.yaml' && pass || fail "small: charts/dep-0.1.0.tgz not written as a folder"
rm -rf "$T/src/small/charts/dep-0.1.0.tgz"* && sed -i '/name: dep/,$d' "$T/src/small/Chart.yaml"
package_pair small-one-sub "$T/src/small" --version 1.2.3-rc.1+b --app-version v9 && compare_pair small-one-sub "$T/src/small" 1
package_pair itl-k8s-capi "$ROOT/charts/itl-k8s-capi" && compare_pair itl-k8s-capi "$ROOT/charts/itl-k8s-capi" 1
package_pair destination "$ROOT/charts/itl-k8s-capi" -d out/dir/ && compare_pair destination "$ROOT/charts/itl-k8s-capi" 1

# Errors, as Helm words them.
mkdir -p "$T/bad/badver/templates" "$T/bad/badtype" "$T/bad/missdep" "$T/bad/noyaml"
printf 'apiVersion: v2\nname: badver\nversion: x\n' >"$T/bad/badver/Chart.yaml"
printf 'apiVersion: v2\nname: badtype\nversion: 1.0.0\ntype: foo\n' >"$T/bad/badtype/Chart.yaml"
printf 'apiVersion: v2\nname: missdep\nversion: 1.0.0\ndependencies:\n- name: nope\n  version: 1.0.0\n' >"$T/bad/missdep/Chart.yaml"
for args in "$T/bad/nosuch" "$T/bad/badver" "$T/bad/badtype" "$T/bad/missdep" "$T/bad/noyaml" \
	"$T/src/small --version 1.x" "$T/src/small/Chart.yaml" "$T/src/small -d $T/src/small/Chart.yaml" ""; do
	for bin in "$RENDER" "$RENDER_ASAN"; do
		mkdir -p "$T/err" && rm -rf "$T/err"/*
		# shellcheck disable=SC2086
		(cd "$T/err" && "$bin" package $args >"$T/r.out" 2>&1) && fail "package $args: render succeeded" || pass
		# shellcheck disable=SC2086
		(cd "$T/err" && "$HELM" package $args >"$T/h.out" 2>&1)
		cmp -s "$T/r.out" "$T/h.out" && pass || fail "package $args: '$(cat "$T/r.out")' vs Helm '$(cat "$T/h.out")'"
		[ -z "$(ls -A "$T/err")" ] && pass || fail "package $args left files: $(ls -A "$T/err")"
	done
done

# --- (b) reproducibility ------------------------------------------------------

mkdir -p "$T/rep"
(cd "$T/rep" && "$RENDER" package "$T/src/small" >/dev/null) || fail "rep: package"
S1=$(sha256sum "$T/rep/small-0.3.0.tgz" | cut -d' ' -f1)
find "$T/src/small" -exec touch -d '2030-01-02 03:04:05' {} +
(cd "$T/rep" && "$RENDER_ASAN" package "$T/src/small" >/dev/null) || fail "rep: package (asan)"
S2=$(sha256sum "$T/rep/small-0.3.0.tgz" | cut -d' ' -f1)
[ "$S1" = "$S2" ] && pass || fail "rep: two packages differ ($S1 $S2)"
[ "$(od -An -tx1 -j3 -N5 "$T/rep/small-0.3.0.tgz" | tr -d ' ')" = 0000000000 ] && pass || fail "rep: gzip header has a name or an mtime"
tar -tzvf "$T/rep/small-0.3.0.tgz" --full-time | awk '{print $4}' | sort -u | grep -qx 1970-01-01 && pass || fail "rep: default mtime is not 0"
tar -tzvf "$T/rep/small-0.3.0.tgz" | grep -v '^-rw-r--r-- 0/0 ' && fail "rep: an entry is not a 0644 file of 0/0" || pass
(cd "$T/rep" && SOURCE_DATE_EPOCH=1700000000 "$RENDER" package "$T/src/small" >/dev/null) || fail "rep: SOURCE_DATE_EPOCH package"
S3=$(sha256sum "$T/rep/small-0.3.0.tgz" | cut -d' ' -f1)
[ "$S3" != "$S1" ] && pass || fail "rep: SOURCE_DATE_EPOCH changed nothing"
[ "$(tar -tzvf "$T/rep/small-0.3.0.tgz" --full-time | awk '{print $4, $5}' | sort -u)" = "2023-11-14 22:13:20" ] && pass ||
	fail "rep: SOURCE_DATE_EPOCH mtimes: $(tar -tzvf "$T/rep/small-0.3.0.tgz" --full-time | head -2)"
ls -A "$T/rep" | grep -v '^small-0.3.0.tgz$' && fail "rep: temporary files left" || pass

# --- (c) hostile archives -----------------------------------------------------

mkdir -p "$T/hostile"
python3 - "$T/hostile" <<'EOF'
import gzip, io, os, sys, tarfile
out = sys.argv[1]
CH = b"apiVersion: v2\nname: c\nversion: 0.1.0\n"
TP = b"kind: ConfigMap\n"

def ti(name, size=0, typ=tarfile.REGTYPE, **kw):
    t = tarfile.TarInfo(name)
    t.size, t.type, t.mode = size, typ, 0o644
    for k, v in kw.items():
        setattr(t, k, v)
    return t

def mk(fname, extra, base=True):
    with tarfile.open(os.path.join(out, fname), "w:gz", format=tarfile.GNU_FORMAT) as t:
        for n, d in ([("c/Chart.yaml", CH), ("c/templates/a.yaml", TP)] if base else []):
            t.addfile(ti(n, len(d)), io.BytesIO(d))
        for info, data in extra:
            t.addfile(info, io.BytesIO(data) if data is not None else None)

class Zeros:
    def __init__(self, n): self.n = n
    def read(self, k=-1):
        k = self.n if k < 0 else min(k, self.n)
        self.n -= k
        return bytes(k)

mk("traversal.tgz", [(ti("c/../../evil.yaml", 3), b"x: 1")])
mk("traversal2.tgz", [(ti("c/templates/../../../evil.yaml", 3), b"x: 1")])
mk("absolute.tgz", [(ti("c//etc/passwd", 3), b"x: 1")])
mk("drive.tgz", [(ti("c/C:/x.yaml", 3), b"x: 1")])
mk("toplevel.tgz", [(ti("Chart.yaml", len(CH)), CH)], base=False)
mk("chartdir.tgz", [(ti("Chart.yaml/x", len(CH)), CH)], base=False)
mk("nofiles.tgz", [(ti("c/", typ=tarfile.DIRTYPE), None)], base=False)
mk("symlink.tgz", [(ti("c/templates/symlink.yaml", typ=tarfile.SYMTYPE, linkname="/etc/passwd"), None)])
mk("hardlink.tgz", [(ti("c/templates/hardlink.yaml", typ=tarfile.LNKTYPE, linkname="c/templates/a.yaml"), None)])
mk("device.tgz", [(ti("c/templates/device.yaml", typ=tarfile.CHRTYPE, devmajor=1, devminor=3), None)])
mk("fifo.tgz", [(ti("c/templates/fifo.yaml", typ=tarfile.FIFOTYPE), None)])
mk("bigfile.tgz", [(ti("c/files/big.bin", (5 << 20) + 1), Zeros((5 << 20) + 1).read())])
# accepted by both: a leading slash goes with the first component; Windows separators
mk("leadslash.tgz", [(ti("/c/templates/b.yaml", 8), b"b: true\n")])
mk("backslash.tgz", [(ti("c\\Chart.yaml", len(CH)), CH), (ti("c\\templates\\w.yaml", 8), b"w: true\n")], base=False)
# a gzip bomb: 21 files of 5 MiB of zeros (105 MiB) in about 100 KB
with gzip.open(os.path.join(out, "bomb.tgz"), "wb", compresslevel=9) as g:
    with tarfile.open(fileobj=g, mode="w|") as t:
        t.addfile(ti("c/Chart.yaml", len(CH)), io.BytesIO(CH))
        for i in range(21):
            t.addfile(ti("c/files/z%02d" % i, 5 << 20), Zeros(5 << 20))
# gzip streams that are not tar archives, or not whole
open(os.path.join(out, "tinygz.tgz"), "wb").write(gzip.compress(b"hello", mtime=0))
open(os.path.join(out, "garbage.tgz"), "wb").write(gzip.compress(b"a" * 600, mtime=0))
open(os.path.join(out, "zeros.tgz"), "wb").write(gzip.compress(bytes(2048), mtime=0))
open(os.path.join(out, "hdronly.tgz"), "wb").write(gzip.compress(b"", mtime=0)[:10])
tarbytes = open(os.path.join(out, "device.tgz"), "rb").read()
bad = bytearray(gzip.compress(gzip.decompress(tarbytes), mtime=0))
bad[30] ^= 0xff
bad[31] ^= 0x55
open(os.path.join(out, "corrupt.tgz"), "wb").write(bytes(bad))
open(os.path.join(out, "notgzip.tgz"), "wb").write(b"apiVersion: v2\nname: c\n")
open(os.path.join(out, "values.yaml"), "wb").write(b"a: 1\n")
open(os.path.join(out, "empty.tgz"), "wb").write(b"")
data = open(os.path.join(out, "traversal.tgz"), "rb").read()
open(os.path.join(out, "truncated.tgz"), "wb").write(data[:40])
# a folder chart whose charts/ holds a hostile archive
os.makedirs(os.path.join(out, "parent", "charts"))
open(os.path.join(out, "parent", "Chart.yaml"), "wb").write(b"apiVersion: v2\nname: parent\nversion: 0.1.0\n")
open(os.path.join(out, "parent", "charts", "evil-0.1.0.tgz"), "wb").write(data)
EOF
[ "$(stat -c %s "$T/hostile/bomb.tgz")" -lt 1000000 ] && pass || fail "hostile: bomb too large"

# Helm rejects these too: the same error, word for word (absolute paths on both sides).
for f in traversal traversal2 absolute drive toplevel chartdir nofiles bigfile bomb notgzip values.yaml empty truncated \
	tinygz garbage zeros hdronly; do
	case $f in *.yaml) p=$T/hostile/$f ;; *) p=$T/hostile/$f.tgz ;; esac
	"$HELM" template "$p" >/dev/null 2>"$O/h.err" && fail "hostile $f: helm accepted it"
	for bin in "$RENDER" "$RENDER_ASAN"; do
		before=$(cd "$T" && find . | sort | md5sum)
		(cd "$T/hostile" && "$bin" template "$p" >"$O/r.out" 2>"$O/r.err") && fail "hostile $f: $(basename "$bin") accepted it" || pass
		[ -s "$O/r.out" ] && fail "hostile $f: $(basename "$bin") printed output" || pass
		cmp -s "$O/r.err" "$O/h.err" && pass || fail "hostile $f: $(basename "$bin"): '$(head -c 300 "$O/r.err")' vs Helm '$(cat "$O/h.err")'"
		[ "$before" = "$(cd "$T" && find . | sort | md5sum)" ] && pass || fail "hostile $f: files were written"
	done
done
[ ! -e "$T/evil.yaml" ] && [ ! -e "$T/../evil.yaml" ] && pass || fail "hostile: evil.yaml written"

# A corrupt deflate stream: Helm names the offset, which render does not track.
"$HELM" template "$T/hostile/corrupt.tgz" >/dev/null 2>"$O/h.err" && fail "corrupt: helm accepted it"
for bin in "$RENDER" "$RENDER_ASAN"; do
	"$bin" template "$T/hostile/corrupt.tgz" >/dev/null 2>"$O/r.err" && fail "corrupt: $(basename "$bin") accepted it" || pass
	grep -q '^Error: flate: corrupt input' "$O/r.err" && grep -q '^Error: flate: corrupt input' "$O/h.err" && pass ||
		fail "corrupt: $(basename "$bin") '$(cat "$O/r.err")' vs Helm '$(cat "$O/h.err")'"
done

# Helm reads these as empty files; render refuses them on purpose.
for f in symlink:"a symbolic link" hardlink:"a hard link" device:"a device" fifo:"a fifo"; do
	name=${f%%:*} what=${f#*:}
	"$HELM" template "$T/hostile/$name.tgz" >/dev/null 2>&1 && pass || fail "hostile $name: helm now rejects it: update this test"
	for bin in "$RENDER" "$RENDER_ASAN"; do
		"$bin" template "$T/hostile/$name.tgz" >"$T/r.out" 2>"$T/r.err" && fail "hostile $name: $(basename "$bin") accepted it" || pass
		grep -qx "Error: chart illegally contains $what: \"c/templates/$name.yaml\"" "$T/r.err" && pass ||
			fail "hostile $name: $(basename "$bin") said '$(head -c 300 "$T/r.err")'"
	done
done

# Accepted by both, with the same output.
for f in leadslash backslash; do
	"$HELM" template "$T/hostile/$f.tgz" >"$T/h.out" 2>&1
	for bin in "$RENDER" "$RENDER_ASAN"; do
		"$bin" template "$T/hostile/$f.tgz" >"$T/r.out" 2>&1
		cmp -s "$T/r.out" "$T/h.out" && pass || fail "$f: $(basename "$bin") '$(head -c 300 "$T/r.out")' vs Helm '$(head -c 300 "$T/h.out")'"
	done
done

# A hostile archive in charts/ fails the parent chart with the archive's reason.
for bin in "$RENDER" "$RENDER_ASAN"; do
	"$bin" template "$T/hostile/parent" >"$T/r.out" 2>"$T/r.err" && fail "parent: $(basename "$bin") accepted it" || pass
	grep -q 'evil-0.1.0.tgz in parent: chart illegally references parent directory$' "$T/r.err" && pass ||
		fail "parent: $(basename "$bin") said '$(head -c 300 "$T/r.err")'"
done

# --- ### pack: in the differential cases ---------------------------------------

cat >"$T/pack.txt" <<'EOF'
### case: subchart from a packed archive
### values
sub:
  greeting: hi
### template
parent: {{ .Values.sub.greeting }}
### file: charts/sub/Chart.yaml
apiVersion: v2
name: sub
version: 1.2.3
### file: charts/sub/values.yaml
greeting: hello
### file: charts/sub/templates/s.yaml
sub: {{ .Values.greeting }} {{ .Chart.Name }}-{{ .Chart.Version }} {{ .Files.Get "files/f.txt" }}
### file: charts/sub/files/f.txt
from the archive
### pack: charts/sub

### case: packed subcharts within a packed subchart
### file: charts/a/Chart.yaml
apiVersion: v2
name: a
version: 0.1.0
### file: charts/a/templates/a.yaml
a: {{ .Values.x | default "ax" }} {{ .Template.Name }}
### file: charts/a/charts/b/Chart.yaml
apiVersion: v2
name: b
version: 0.2.0
### file: charts/a/charts/b/templates/b.yaml
b: {{ .Chart.Name }} {{ .Template.BasePath }}
### pack: charts/a
### pack: charts/a/charts/b
EOF
if python3 tests/run_cases.py --render "$RENDER" --helm "$HELM" "$T/pack.txt" >"$T/cases.out" 2>&1; then pass; else
	fail "pack cases: $(cat "$T/cases.out")"
fi

finish
