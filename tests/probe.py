#!/usr/bin/env python3
"""Probe generator: writes many small differential cases (tests/cases format, see
tests/README.md) that exercise template functions, printf, toYaml/toJson, the template
language, values-file YAML corners and --set grammar, to compare render with Helm.

Usage:
  python3 tests/probe.py [--out /tmp/probes] [--seed 1] [--per-shape 6]
  cp bin/render /tmp/probes/render
  python3 tests/run_cases.py --render /tmp/probes/render \
      --helm /root/.cache/render-tests/helm-v3.17.3/helm -j 2 /tmp/probes/*.txt
Output is deterministic for a given seed (about 7800 probes; other seeds pick other
argument combinations and fuzz inputs). Files written (p-GROUP.txt): fn-* every function
of docs/FUNCTIONS.txt on typed/odd arguments, cmp comparisons and logic, printf and pf
(verbs, flags, fuzzed formats), yaml/yf values-file YAML corners and random documents,
float number printing, set/setf --set* grammar, lang and err template language and error
messages, str random strings through string and encoding functions, re RE2 patterns,
semver, date, fold (80-column folding), sub subcharts, extra (trimming, documents).
Random and clock functions (rand*, now, uuidv4, genCA, bcrypt...), %p, map iteration
order and several null keys in one map (Go reports a random one) are left out. Each
expression prints as `v: <toString | toJson>` (and `t: <typeOf>`) so the output stays
valid YAML. Python 3 standard library only; the runner is tests/run_cases.py.
"""

import argparse
import itertools
import os
import random

VALUES = r"""f: 1.5
i: 3
neg: -7
zero: 0
negf: -2.5
big53: 9007199254740993
big63: 9223372036854775807
bigf: 1e21
million: 1000000
tiny: 0.00001
str: hello world
numstr: "123"
fstr: "-4.50"
boolstr: "true"
date: 2020-01-02
bool: true
no: false
nul: ~
list: [1, 2, 3]
strlist: [b, a, c]
emptylist: []
map: {b: 1, a: two, c: [x]}
emptymap: {}
nested: {a: {b: {c: deep}}, l: [{k: v}, 2]}
uni: "ünïcödé ☃ 🎉"
long: "%s"
multiline: "line1\nline2\n"
path: /a/b/../c.tar.gz
url: "https://user:pw@example.com:8080/p/a?q=1&r=two#frag"
ver: 1.2.3-beta.1+build
""" % ("lorem ipsum dolor " * 12).strip()

SETFLAGS = ("--set si=7,sneg=-9,sbig=9223372036854775807,szero=0 "
            "--set-string sstr=42")

POOLS = {
    "S": ['"abc"', '""', '"Hello World"', '"ünïcödé ☃"', '"  pad  "', '"123"',
          '"-4.5"', '"true"', '"2020-01-02"', '"0x1F"', '"1e3"', '.Values.str',
          '.Values.numstr', '.Values.long', '.Values.uni', '"a,b,,c"', '"a-b_c d"',
          '"fooBarBaz"', '"FOO_BAR"', '"x\\ny"', '.Values.multiline', '.Values.sstr'],
    "N": ['3', '-3', '0', '1.5', '-2.5', '.Values.f', '.Values.i', '.Values.si',
          '.Values.big53', '.Values.big63', '.Values.sbig', '.Values.neg', '.Values.sneg',
          '.Values.zero', '.Values.million', '.Values.tiny', '"5"', '.Values.bigf',
          '9007199254740993', '9223372036854775807', '1e3', '0x10', '0o17', "'a'"],
    "L": ['.Values.list', '(list 1 "a" nil)', '.Values.emptylist', '(list "b" "a" "c")',
          '.Values.strlist', '(list 1 1 2 "1")', '.Values.nested.l',
          '(list (list 1 2) (dict "a" 1))', '(list "")'],
    "M": ['.Values.map', '.Values.emptymap', '(dict "b" 1 "a" 2)', '.Values.nested',
          '(dict)', '(dict "x" nil "y" "")'],
    "X": ['nil', '.Values.missing', 'true', 'false', '.Values.nul', '.Values.bool',
          '.Values.date', '.Values.no'],
}
POOLS["n"] = ['3', '-3', '0', '1.5', '.Values.f', '.Values.i', '.Values.si', '.Values.neg',
              '"5"', '"x"', 'nil', '.Values.missing', '2', '-1', '.Values.zero', '"2.5"']
POOLS["A"] = POOLS["S"][:6] + POOLS["N"][:12] + POOLS["L"][:4] + POOLS["M"][:3] + POOLS["X"]

# function -> list of argument shapes (letters are pools; a literal is used as is)
F = {}


def sig(names, *shapes):
    for n in names.split():
        F.setdefault(n, []).extend(shapes)


sig("trim upper lower title untitle initials nospace swapcase snakecase camelcase kebabcase "
    "quote squote sha1sum sha256sum sha512sum adler32sum toString b64enc b32enc base dir "
    "clean ext isAbs osBase osClean osDir osExt osIsAbs regexQuoteMeta html js urlquery "
    "atoi int int64 float64 toDecimal len print println typeOf kindOf empty toJson toRawJson "
    "toPrettyJson toYaml toYamlPretty mustToJson mustToRawJson mustToPrettyJson toToml "
    "fromYaml fromYamlArray fromJson fromJsonArray fromToml mustFromJson b64dec b32dec "
    "semver urlParse not", "A", "S")
sig("trimAll trimPrefix trimSuffix contains hasPrefix hasSuffix splitList split "
    "regexMatch regexFind mustRegexMatch mustRegexFind", "SS", "AS", "SA")
sig("repeat trunc abbrev wrap indent nindent", "NS", "NA")
sig("substr abbrevboth", "NNS", "NNA")
sig("wrapWith", "NSS")
sig("replace", "SSS", "SSA")
sig("plural", "SSN", "SSA")
sig("cat", "AA", "AAA")
sig("toStrings sortAlpha first mustFirst rest mustRest last mustLast initial mustInitial "
    "reverse mustReverse uniq mustUniq compact mustCompact deepCopy mustDeepCopy", "L", "A")
sig("append push mustAppend mustPush prepend mustPrepend without mustWithout", "LA", "AA")
sig("has mustHas", "AL", "AA")
sig("concat", "LL", "LA")
sig("slice mustSlice", "L", "LN", "LNN", "SN")
sig("chunk mustChunk", "NL", "NA")
sig("join", "SL", "SA")
sig("splitn", "SNS")
sig("seq", "n", "nn", "nnn")
sig("until", "n")
sig("untilStep", "nnn")
sig("add sub mul div mod max min maxf minf addf subf mulf divf biggest", "NN", "NA", "NNN")
sig("add1 add1f ceil floor", "N", "A")
sig("round", "NN", "NNN")
sig("dict", "SA", "AA", "SASA")
sig("get hasKey", "MS", "MA")
sig("set unset", "MSA")
sig("pluck", "SM", "SMM")
sig("keys values", "A")  # map order is random in Go: see gen_extra
sig("pick omit", "MS", "MSS")
sig("merge mustMerge mergeOverwrite mustMergeOverwrite", "MM", "MMM", "MA")
sig("dig", "SAM", "SSAM")
sig("default", "AA")
sig("coalesce all any", "AA", "AAA")
sig("ternary", "AAA")
sig("typeIs typeIsLike kindIs", "SA")
sig("deepEqual eq ne lt le gt ge and or", "AA")
sig("regexFindAll mustRegexFindAll regexSplit mustRegexSplit", "SSN")
sig("regexReplaceAll mustRegexReplaceAll regexReplaceAllLiteral "
    "mustRegexReplaceAllLiteral", "SSS")
sig("index", "LN", "MS", "SN", "AA", "LNN")
sig("printf", "SA", "SAA")
sig("list tuple", "AAA")
sig("semverCompare", "SS")
sig("duration", "N", "S")
sig("durationRound", "S", "N")
sig("required", "SA")
sig("urlJoin", "M")
sig("derivePassword", "NSSSS")
sig("hello", "")

REGEXES = ['"a+"', '"^(\\\\w+)-(\\\\d+)$"', '"[,;]"', '"(?i)HELLO"', '"x*"', '"["', '"\\\\s"',
           '"(?P<n>[a-z])"', '"$"', '""']
REPLS = ['"<$1>"', '"${n}x"', '"$$"', '"-"', '""']
SEMVERS = ['"1.2.3"', '">=1.0.0"', '"~1.2"', '"^1.2.3-0"', '"1.x"', '"bad"', '"1.2.3-beta.1"',
           '"<2.0.0 || >3"', '"v1.2"', '""']
DURS = ['"95"', '"1h2m3s"', '"-5m"', '"100ms"', '"2h59m59s"', '"3600"']


def pick_arg(rng, pool, fn, pos):
    if fn in ("keys", "values"):
        return rng.choice(['.Values.emptymap', '(dict "a" 1)', '.Values.nested.a', 'nil',
                           '.Values.list', '"s"', '(dict)', '.Values.missing', '(dict "" nil)'])
    if fn.startswith("regex") or fn.startswith("mustRegex"):
        if pos == 0:
            return rng.choice(REGEXES)
        if "Replace" in fn and pos == 2:
            return rng.choice(REPLS)
    if fn == "semverCompare":
        return rng.choice(SEMVERS)
    if fn == "semver" and rng.random() < 0.6:
        return rng.choice(SEMVERS + ['.Values.ver'])
    if fn in ("durationRound",) and pool == "S":
        return rng.choice(DURS)
    if fn == "printf" and pos == 0:
        return rng.choice(['"%v"', '"%d"', '"%s|%v"', '"%5.2f"', '"%q %T"', '"%x"'])
    if fn in ("urlParse",) and rng.random() < 0.5:
        return rng.choice(['.Values.url', '"/rel?x=1"', '"mailto:a@b"', '"http://[::1]:80/"'])
    if fn.startswith("from") or fn == "mustFromJson":
        if rng.random() < 0.7:
            return rng.choice(['"{\\"a\\": 1, \\"b\\": [1.5, null]}"', '"[1, 2]"',
                               '"a: 1\\nb: [x]"', '"- a\\n- 1"', '"a = 1\\n[t]\\nx = 2"',
                               '"{bad"', '"x: !!binary aGk="', '"1e400"', '"{\\"a\\":1e21}"'])
    if fn in ("b64dec", "b32dec") and rng.random() < 0.5:
        return rng.choice(['"aGVsbG8="', '"aGVsbG8"', '"!!"', '"NBSWY3DP"', '"4pyT"'])
    return rng.choice(POOLS[pool])


def wrap_expr(expr):
    return "v: {{ %s | toString | toJson }}\nt: {{ %s | typeOf }}\n" % (expr, expr)


class Out:
    def __init__(self):
        self.files = {}
        self.names = set()

    def add(self, group, name, template, values=VALUES, flags=SETFLAGS, extra=None,
            raw_flags=False):
        name = name.replace("\n", "\\n")
        base, n = name, 2
        while (group, name) in self.names:
            name = "%s #%d" % (base, n)
            n += 1
        self.names.add((group, name))
        text = "### case: %s\n" % name
        if values:
            text += "### values\n" + values + ("" if values.endswith("\n") else "\n")
        text += "### template\n" + template + ("" if template.endswith("\n") else "\n")
        for path, body in (extra or {}).items():
            text += "### file: %s\n%s\n" % (path, body)
        if flags:
            text += "### flags\n" + flags + "\n"
        self.files.setdefault(group, []).append(text)

    def write(self, outdir):
        total = 0
        for group, cases in self.files.items():
            with open(os.path.join(outdir, "p-%s.txt" % group), "w", encoding="utf-8") as f:
                f.write("".join(cases))
            total += len(cases)
        return total


def gen_functions(out, rng, per_shape):
    for fn in sorted(F):
        for shape in F[fn]:
            combos = set()
            tries = 0
            while len(combos) < per_shape and tries < per_shape * 10:
                tries += 1
                combos.add(tuple(pick_arg(rng, p, fn, i) for i, p in enumerate(shape)))
            for args in sorted(combos):
                expr = "(%s)" % " ".join((fn,) + args) if args else fn
                out.add("fn-%s" % fn[0].lower(), "%s %s" % (fn, " ".join(args)),
                        wrap_expr(expr))
                if len(args) == 1 and rng.random() < 0.3:
                    out.add("fn-%s" % fn[0].lower(), "pipe %s %s" % (fn, args[0]),
                            "v: {{ %s | %s | toString | toJson }}\n" % (args[0], fn))


PRINTF_VERBS = ["%v", "%+v", "%#v", "%T", "%d", "%s", "%q", "%x", "%X", "%o", "%O", "%b",
                "%e", "%E", "%f", "%F", "%g", "%G", "%c", "%U", "%t", "%5d", "%-5d|", "%05d",
                "%.2f", "%8.3f", "%+d", "% d", "%#x", "%#o", "%10s|", "%-10s|", "%.3s",
                "%6.2v", "%+q", "%#q", "%x %x", "%[2]v %[1]v", "%!", "%", "%%", "%z",
                "%*d", "%-08.3f", "%.0f", "%.10g", "%#v %T", "%08.3e", "%+.1e", "%#g"]
PRINTF_VALUES = (POOLS["N"] + POOLS["S"][:12] + POOLS["L"][:5] + POOLS["M"][:4] +
                 POOLS["X"] + ['(urlParse "http://a/b")', '(list 1.5 .Values.f)',
                               '(dict "k" (list 1 nil))', '(atoi "12")', '(float64 3)',
                               '(int64 5)', '(splitList "," "a,b")', '(b64enc "x")'])


def gen_printf(out, rng):
    for verb in PRINTF_VERBS:
        vals = rng.sample(PRINTF_VALUES, 12)
        for v in vals:
            fmt = verb.replace('"', '\\"')
            out.add("printf", "printf %s %s" % (verb, v),
                    'v: {{ printf "%s" %s | toJson }}\n' % (fmt, v))
    for v in PRINTF_VALUES:
        out.add("printf", "print direct %s" % v, "a: {{ print %s | toJson }}\n"
                "b: {{ println %s %s | toJson }}\n" % (v, v, v))


YAML_SNIPPETS = [
    "x: {yes: 1, on: 2, y: 3, n: 4, off: 5, true: 6, null: 7, ~: 8, 1: 9, 1.5: 10}",
    "x: [yes, no, on, off, y, n, Yes, NO, True, FALSE, Null, NULL, ~, '']",
    "x: [012, 0x1F, 0o17, 1_000, 1e3, 1.e3, .5, -0, +5, 0.0, -0.0, 1:20, 190:20:30, 0b101]",
    "x: ['yes', 'on', '1.0', '0755', '', ' lead', 'trail ', 'a: b', '- x', '#c', '@x', '`x', 'null', '~', '1e3', '0x1F', '2020-01-02', '12:30', 'y', 'n', '=', '<<', '!x', '&a', '*a', '%x', '|', '>', '{a}', '[a]', 'a#b', 'a #b', '\"q\"', \"it's\", 'tab\tx', '-', '---', '...', '? x']",
    "x:\n  a: &A {k: 1, j: [1, 2]}\n  b: *A\n  c:\n    <<: *A\n    k: 2\n  d:\n    <<: [*A, {z: 9}]\n",
    "x: !!str 123\ny: !!int '42'\nz: !!binary aGVsbG8=\nw: !!float 1\nv: !!bool 'yes'\nu: !!null ''\n",
    "x: 2020-01-02T03:04:05Z\ny: 2020-01-02 03:04:05\nz: 1:30\nw: 1.0\nv: 1e21\nu: 123456789012345678901\nt: 0.1\ns: 1e-7\nr: 3.0e+2\n",
    "x:\ny: ~\nz: null\nw: []\nv: {}\nu: ''\n",
    "x: 1\nx: 2\n",
    "x:\n  \"quoted key\": 1\n  'sq': 2\n  ? complex\n  : 3\n  %s: long\n" % ("k" * 200),
    "x: |\n  literal\n   more\n\n  end\n\ny: >\n  folded\n  text\n\n  para\nz: |+\n  keep\n\nw: |-\n  strip\n",
    "x: [a9, a10, a1, b, B, _, '10', '9', 'a', Z]\ny: {a9: 1, a10: 2, a1: 3, b: 4, B: 5, _: 6, '10': 7, '9': 8, '': 9, Z: 10, aa1b2: 11, aa1b10: 12}",
    "x: \"ünï\\u00e9 ☃ 🎉 \\x01 \\t \\u2028 \\ufeff\"\ny: \"\\e\\a\\0\"\n",
    "x: \"%s\"\ny: \"%s\"\n" % ("word " * 30, "nospaces" * 15),
    "x: \"a\\nb\"\ny: \"a\\n\"\nz: \"a\\n\\n\"\nw: \"\\na\"\nv: \" a\\nb\"\nu: \"a \\nb\"\nt: \"a\\r\\nb\"\ns: \"a\\tb\\nc\"\n",
    "---\nx: 1\n---\ny: 2\n",
    "x: [[], {}, [[]], {a: {}}, [null], {a: null}]",
    "x: {a: [1, [2, [3, {b: [4]}]]], b: {c: {d: {e: {f: 1}}}}}",
    "x: 9223372036854775807\ny: 9223372036854775808\nz: -9223372036854775808\nw: 18446744073709551616\nv: 9007199254740993\nu: 4294967296\n",
    "x: 1.7976931348623157e308\ny: 5e-324\nz: 123456.789\nw: 1234567.0\nv: 100000000000000000000.0\nu: 0.000001\nt: 0.0000001\n",
    "x: .nan\n",
    "x: .inf\n",
    "x: -.Inf\n",
    "x: {a: 1\n",
    "x: [a, b\n",
    "x:\n  - a\n - b\n",
    "x: 'unterminated\n",
    "x: \"bad \\q escape\"\n",
    "\tx: 1\n",
    "x: *undefined\n",
    "- a\n- b\n",
    "just a string\n",
    "x: 1 # comment\n# another\ny: 'a # not'\n",
    "x: >-\n  %s\n" % ("long folded " * 20),
    "x: ! tagged\ny: !custom 5\nz: !!map {a: 1}\nw: !!seq [1]\n",
    "x: [1, 2, 3,]\n",
    "? [a, b]\n: v\n",
    "x: 0.1e1\ny: 1_0.5\nz: 0b1_0\nw: -0x1F\nv: +0o7\nu: 0777\nt: 08\ns: 1__0\n",
]


def gen_yaml(out):
    views = ["{{ toJson .Values }}", "{{ .Values.x | toYaml | toJson }}",
             "{{ .Values | toYaml | toJson }}",
             "{{ range $k, $v := .Values }}{{ $k | toJson }}: {{ typeOf $v | toJson }}\n{{ end }}",
             "{{ .Values.x | toPrettyJson | toJson }}", "{{ .Values | toRawJson | toJson }}",
             "{{ .Values | toYamlPretty | toJson }}", "{{ .Values | toToml | toJson }}",
             "{{ .Values | toString | toJson }}"]
    for i, snip in enumerate(YAML_SNIPPETS):
        for j, view in enumerate(views):
            tmpl = ("v: " + view + "\n") if not view.startswith("{{ range") else view
            out.add("yaml", "yaml snippet %d view %d" % (i, j), tmpl, values=snip, flags="")
        out.add("yaml", "yaml snippet %d as -f" % i, "v: {{ toJson .Values }}\n", values="a: 1\n",
                flags="-f {chart}/extra.yaml", extra={"extra.yaml": snip})
        out.add("yaml", "yaml snippet %d via fromYaml" % i,
                "v: {{ .Files.Get \"extra.yaml\" | fromYaml | toJson }}\n"
                "w: {{ .Files.Get \"extra.yaml\" | fromYamlArray | toJson }}\n", values="",
                flags="", extra={"extra.yaml": snip})


SET_FLAGS = [
    "--set a=1", "--set a=1.0", "--set a=1e3", "--set a=0x10", "--set a=007",
    "--set a=-0", "--set a=+5", "--set a=true", "--set a=True", "--set a=null", "--set a=",
    "--set a=~", "--set a=yes", "--set a=9223372036854775807", "--set a=9223372036854775808",
    "--set a=-9223372036854775808", "--set a.b.c=1", "--set a\\.b=1", "--set a=b\\,c",
    "--set a={}", "--set a={1,2,3}", "--set a={a,{b,c}}", "--set a[0]=x", "--set a[2]=x",
    "--set a[0].b=1,a[1].c=2", "--set a[0][1]=x", "--set a=x,a.b=y", "--set a.b=y,a=x",
    "--set a=1 --set a=2", "--set a='quoted'", '--set a="dq"', "--set a=x=y",
    "--set =x", "--set a", "--set a[=1", "--set a[x]=1", "--set a[-1]=1", "--set a]=1",
    "--set a.=1", "--set .a=1", "--set a..b=1", "--set 'a b=c d'", "--set a=ü☃",
    "--set a={}x", "--set a={x}y", "--set a={,}", "--set a={ x , y }", "--set a=[1,2]",
    "--set a=x\\\\y", "--set a\\=b=c", "--set list[1]=B", "--set map.b=null",
    "--set map=null", "--set nested.a=null", "--set a[100001]=x", "--set a[65537]=x",
    "--set-string a=1", "--set-string a=true", "--set-string a=null", "--set-string a={1,2}",
    "--set-string a[0]=1", "--set-json a=1", "--set-json a=1.5", "--set-json 'a={\"b\":[1,null]}'",
    "--set-json a=null", "--set-json 'a=[1,\"x\"]'", "--set-json a=bad", "--set-json a=1e400",
    "--set-json 'a={\"b\":1},c=2'", "--set-json a=123456789012345678901",
    "--set-json a.b=true", "--set-json a[1]=3", "--set-json 'a=\"s\"'",
    "--set-literal a=x,y=z", "--set-literal a={1,2}", "--set-literal a.b=\\,",
    "--set-literal a=null", "--set-file a={chart}/f.txt", "--set-file a={chart}/missing.txt",
    "--set-file a.b={chart}/f.txt,c={chart}/f.txt", "--set a=1 --set-string a=2",
    "--set-string a=2 --set a=1", "--set-json a=1 --set a=2", "--set a=1 --set-json a=2",
    "--set map.a=x --set-json map.b=[1]", "--set a=b,c", "--set a=b,,c=d", "--set a=,b=c",
    "--set a.b[0]=1,a.b[0]=2", "--set a[0]=1,a[0].b=2", "--set a[0].b=2,a[0]=1",
    "--set global.x=1", "--set a.b=1 --set a=2", "--set a=1 --set a.b=2",
    "--set a=1.50", "--set a=1_000", "--set a=0b1", "--set a=.5",
]


def gen_set(out):
    for fl in SET_FLAGS:
        out.add("set", "flags %s" % fl, "v: {{ toJson .Values }}\nt: {{ typeOf .Values.a }}\n",
                values="list: [a, b, c]\nmap: {a: 1, b: 2}\nnested: {a: {b: 1}}\n", flags=fl,
                extra={"f.txt": "file content\nline2"})


LANG = [
    "{{ range .Values.list }}{{ . }},{{ end }}",
    "{{ range $i, $v := .Values.strlist }}{{ $i }}={{ $v }} {{ end }}",
    "{{ range $k, $v := .Values.map }}{{ $k }}={{ $v }} {{ end }}",
    "{{ range .Values.emptylist }}x{{ else }}empty{{ end }}",
    "{{ range .Values.emptymap }}x{{ else }}empty{{ end }}",
    "{{ range .Values.missing }}x{{ else }}none{{ end }}",
    "{{ range .Values.str }}{{ . }}{{ end }}",
    "{{ range 3 }}{{ . }}{{ end }}",
    "{{ range .Values.si }}{{ . }}{{ end }}",
    "{{ range .Values.f }}{{ . }}{{ end }}",
    "{{ range $i, $v := .Values.list }}{{ if eq $i 1 }}{{ continue }}{{ end }}{{ $v }}{{ end }}",
    "{{ range .Values.list }}{{ if eq . 2.0 }}{{ break }}{{ end }}{{ . }}{{ end }}",
    "{{ break }}",
    "{{ with .Values.missing }}a{{ else with .Values.str }}{{ . }}{{ end }}",
    "{{ with .Values.zero }}a{{ else }}zero{{ end }}",
    "{{ with $x := .Values.map }}{{ $x.a }}{{ end }}",
    "{{ if .Values.emptymap }}a{{ else if .Values.emptylist }}b{{ else }}c{{ end }}",
    "{{ $x := 1 }}{{ if true }}{{ $x = 2 }}{{ end }}{{ $x }}",
    "{{ $x := 1 }}{{ with true }}{{ $x := 3 }}{{ end }}{{ $x }}",
    "{{ $x = 1 }}",
    "{{ .Values.map.a }} {{ .Values.map.zz }} {{ .Values.nested.a.b.c }}",
    "{{ .Values.missing.x }}",
    "{{ (.Values.missing).x }}",
    "{{ .Values.list.x }}",
    "{{ .Values.str.x }}",
    "{{ index .Values.list 5 }}",
    "{{ index .Values.list -1 }}",
    "{{ index .Values.map \"b\" }}{{ index .Values.map \"zz\" }}",
    "{{ index .Values.str 1 }}",
    "{{ index .Values.nested \"a\" \"b\" \"c\" }}",
    "{{ index .Values.missing 1 }}",
    "{{ index nil 1 }}",
    "{{ index .Values.list 1.0 }}",
    "{{ index .Values.list .Values.si }}",
    "{{ len .Values.str }} {{ len .Values.uni }} {{ len .Values.list }} {{ len .Values.map }}",
    "{{ len 3 }}",
    "{{ len nil }}",
    "{{ len .Values.missing }}",
    "{{ and 1 0 }} {{ and 1 2 }} {{ or 0 \"\" }} {{ or 0 \"x\" }} {{ and }}",
    "{{ or .Values.emptylist .Values.map }} {{ and .Values.list .Values.emptymap }}",
    "{{ and false (fail \"no\") }} {{ or true (fail \"no\") }}",
    "{{ not 0 }} {{ not \"\" }} {{ not .Values.list }} {{ not nil }}",
    "{{ eq 1 1 }} {{ eq \"a\" \"a\" \"b\" }} {{ eq .Values.i 3.0 }}",
    "{{ eq .Values.i 3 }}",
    "{{ eq .Values.si 7 }}",
    "{{ eq .Values.list .Values.list }}",
    "{{ eq nil nil }}",
    "{{ eq .Values.missing nil }}",
    "{{ eq 1 \"1\" }}",
    "{{ lt 1 2.5 }}",
    "{{ lt \"a\" \"b\" }} {{ gt \"b\" \"a\" }} {{ le 2 2 }} {{ ge -1 -2 }}",
    "{{ lt .Values.si 10 }} {{ lt .Values.si -10 }} {{ lt 3 .Values.sbig }}",
    "{{ lt true false }}",
    "{{ ne 1 2 }} {{ ne \"a\" 1 }}",
    "{{ eq }}",
    "{{ eq 1 }}",
    "{{- /* comment */ -}} a {{- 1 -}} b {{ 2 -}}\n  c",
    "a {{/* c */}} b {{- /* c */}} c",
    "{{/* unterminated",
    "{{ 1 }",
    "{{ end }}",
    "{{ if }}{{ end }}",
    "{{ range }}{{ end }}",
    "{{ .Values.x | }}",
    "{{ nofunc 1 }}",
    "{{ 1 | printf \"%v-%v\" 2 }}",
    "{{ \"a\" | printf \"%s %s\" \"b\" | upper }}",
    "{{ (1) }} {{ (\"a\") }} {{ ((.Values.map)).a }}",
    "{{ 0x1F }} {{ 1e3 }} {{ 0o17 }} {{ 0b11 }} {{ 1_000 }} {{ 'a' }} {{ '\\n' }} {{ -0 }} {{ +3 }}",
    "{{ 1.0 }} {{ 1e21 }} {{ 1e-7 }} {{ 3.14159265358979 }} {{ 100000.0 }} {{ 1000000.0 }}",
    "{{ 99999999999999999999 }}",
    "{{ 9223372036854775807 }} {{ -9223372036854775808 }}",
    "{{ 0.1e400 }}",
    "{{ `raw\\n` }} {{ \"esc\\t\\u00e9\\x41\\101\" }}",
    "{{ \"bad \\q\" }}",
    "{{ define \"a\" }}A{{ . }}{{ end }}{{ template \"a\" 1 }}{{ include \"a\" 2 }}",
    "{{ template \"nope\" }}",
    "{{ include \"nope\" . }}",
    "{{ block \"b\" . }}default{{ end }}",
    "{{ define \"r\" }}{{ if gt . 0 }}{{ include \"r\" (sub . 1) }}{{ . }}{{ end }}{{ end }}{{ include \"r\" 5 }}",
    "{{ tpl \"{{ .Values.str }}\" . }}",
    "{{ tpl \"{{ .x }}\" (dict \"x\" 1) }}",
    "{{ tpl \"{{ include \\\"h\\\" . }}\" . }}",
    "{{ tpl \"{{ .Values.missing }}\" . }}",
    "{{ tpl \"{{ fail \\\"inner\\\" }}\" . }}",
    "{{ tpl \"{{ bad\" . }}",
    "{{ tpl .Values.list . }}",
    "{{ include \"h\" . | indent 2 }}",
    "{{ required \"need x\" .Values.missing }}",
    "{{ required \"need x\" .Values.zero }} {{ required \"m\" .Values.no }}",
    "{{ required \"need\" \"\" }}",
    "{{ fail \"boom\" }}",
    "{{ fail 3 }}",
    "line1\n{{ fail \"on line 2\" }}",
    "  {{ .Values.missing.a.b }}",
    "{{ .Values.map.a.b }}",
    "{{ $.Values.str }} {{ with .Values.map }}{{ $.Values.str }}{{ end }}",
    "{{ .Release.Name }} {{ .Release.Namespace }} {{ .Chart.Name }} {{ .Template.Name }} {{ .Template.BasePath }}",
    "{{ .Capabilities.KubeVersion }} {{ .Capabilities.KubeVersion.Minor }} {{ .Capabilities.APIVersions.Has \"v1\" }}",
    "{{ .Files.Get \"missing\" }}|{{ .Files.Get \"f.txt\" }}",
    "{{ range $p, $_ := .Files.Glob \"**\" }}{{ $p }} {{ end }}",
    "{{ .Files.Lines \"f.txt\" | toJson }}",
    "{{ (.Files.Glob \"*.txt\").AsConfig }}",
    "{{ (.Files.Glob \"*.txt\").AsSecrets }}",
    "{{ .Files.AsConfig }}",
    "{{ .Values.map | keys | sortAlpha | join \",\" }}",
    "{{ $d := dict }}{{ $_ := set $d \"a\" 1 }}{{ $d }}",
    "{{ $_ := set .Values \"new\" 1 }}{{ .Values.new }}",
    "{{ $l := list 1 }}{{ $l2 := append $l 2 }}{{ $l }} {{ $l2 }}",
    "{{ .Values.map }} {{ .Values.list }} {{ .Values.nested }} {{ .Values.emptymap }} {{ .Values.emptylist }}",
    "{{ nil }}",
    "{{ .Values.nul }}|{{ .Values.missing }}|{{ print nil }}|{{ print .Values.missing }}",
    "{{ print 1 2 }} {{ print \"a\" \"b\" }} {{ print 1 \"a\" 2 }} {{ print \"a\" 1 \"b\" }}",
    "{{ println }}|{{ print }}",
    "{{ html \"<a href='x'>&</a>\" }} {{ js \"it's <b> \\\"q\\\" \\u2028\" }} {{ urlquery \"a b&c/é\" }}",
    "{{ html 1 nil }} {{ js 1 }} {{ urlquery nil }}",
    "{{ call .Values.str }}",
    "{{ slice \"abc\" 1 }}",
    "{{ printf \"%v\" .Values }}",
    "{{ .Values.date }} {{ typeOf .Values.date }}",
    "{{ template \"h\" }}",
    "{{ define \"x\" }}{{ end }}{{ define \"x\" }}y{{ end }}{{ template \"x\" }}",
    "{{ with .Values.list }}{{ range . }}{{ . }}{{ end }}{{ end }}",
    "{{ range $i, $c := \"héllo\" }}{{ $i }}{{ $c }}{{ end }}",
    "{{ range $i := .Values.list }}{{ $i }}{{ end }}",
    "{{ range $a, $b, $c := .Values.list }}{{ end }}",
    "{{ if and .Values.map.a (eq .Values.map.a \"two\") }}yes{{ end }}",
    "{{ .Values.map.a | default \"d\" | upper | quote }}",
    "{{ default \"d\" .Values.missing.x }}",
    "{{ default 1 0 }} {{ default 1 0.0 }} {{ default \"x\" false }} {{ default \"x\" (list) }}",
    "{{ empty 0.0 }} {{ empty .Values.zero }} {{ empty .Values.szero }} {{ empty \" \" }}",
    "{{ ternary \"a\" \"b\" 1 }}",
    "{{ \"a\" | eq \"a\" }} {{ 2 | lt 1 }}",
    "{{ $x := list }}{{ range $i := until 3 }}{{ $x = append $x $i }}{{ end }}{{ $x }}",
    "{{ .Values.map.a | len }}",
    "{{ 1 }}{{ \"\\n\" }}{{ 2 -}}\n\n{{- 3 }}",
    "{{- if true }}\n  a\n{{- end }}\n",
    "{{ \"a\" }}{{- \"b\" -}}{{ \"c\" }}",
    "{{-3}} {{3-}}",
    "{{ -3 }} {{ 3 - 1 }}",
    "{{ .Values.map.a\n }}",
    "{{ if true }}\n{{ else }}\n{{ else }}{{ end }}",
    "{{ $x := 1 }}{{ $y }}",
    "{{ .Values.list | first | add1 }}",
    "{{ .Values | keys | sortAlpha | join \" \" }}",
    "{{ .Values.map.b | int | add 1 }} {{ .Values.map.b | add 1 }}",
    "{{ \"x\" | printf \"%d\" }}",
    "{{ .Values.nested.l | toYaml }}",
    "{{ include \"h\" . | nindent 4 }}",
    "{{ .Chart.Version }} {{ .Chart.AppVersion }} {{ .Chart.Annotations }} {{ .Chart.Dependencies }}",
    "{{ .Release }}",
    "{{ .Subcharts }}",
    "{{ .Release.IsInstall }} {{ .Release.Revision }} {{ .Release.Service }} {{ .Release.IsUpgrade }}",
    "{{ .Values.map.a.b.c }}",
    "{{ .Capabilities.HelmVersion }}",
    "{{ toYaml .Capabilities.APIVersions | len }}",
    "{{ .nonexistent }}",
    "{{ .Values.nul.x }}",
    "{{ $m := .Values.map }}{{ $m.b }} {{ $m.zz }} {{ $m.zz.y }}",
    "{{ (index .Values.nested.l 0).k }}",
    "{{ lookup \"v1\" \"Pod\" \"ns\" \"n\" }} {{ lookup \"v1\" \"Pod\" \"\" \"\" | toJson }}",
    "{{ getHostByName \"localhost\" }}|",
    "{{ semver \"1.2.3-beta.1+b\" }} {{ (semver \"1.2.3\").Major }} {{ (semver \"v1.2\").Original }}",
    "{{ (urlParse \"http://a:1/b?c=d#e\").host }}",
    "{{ toDate \"2006-01-02\" \"2020-03-04\" }}",
    "{{ (toDate \"2006-01-02\" \"2020-03-04\") | date \"Jan 2, 2006 15:04 MST\" }}",
    "{{ dateInZone \"2006-01-02T15:04:05Z07:00\" (toDate \"2006-01-02\" \"2020-03-04\") \"Asia/Tokyo\" }}",
    "{{ toDate \"2006-01-02\" \"bad\" }}",
    "{{ mustToDate \"2006-01-02\" \"bad\" }}",
    "{{ unixEpoch (toDate \"2006-01-02\" \"2020-03-04\") }} {{ htmlDate (toDate \"2006-01-02\" \"2020-03-04\") }}",
    "{{ dateModify \"-1.5h\" (toDate \"2006-01-02\" \"2020-03-04\") }}",
    "{{ dateModify \"bad\" (toDate \"2006-01-02\" \"2020-03-04\") }}",
    "{{ date \"2006\" 0 }} {{ date \"2006-01-02\" \"x\" }} {{ date \"2006\" 1600000000 }}",
    "{{ decryptAES \"secret\" (encryptAES \"secret\" \"plain\") }}",
    "{{ decryptAES \"secret\" \"bad\" }}",
    "{{ genPrivateKey \"bad\" }}",
    "{{ htpasswd \"u\" \"p\" \"sha\" }}",
    "{{ derivePassword 1 \"long\" \"pw\" \"user\" \"site\" }}",
    "{{ $c := buildCustomCert \"bad\" \"bad\" }}",
]


def gen_lang(out):
    extra = {"templates/_h.tpl": "{{- define \"h\" -}}\nh1: {{ .Values.str }}\nh2: x\n{{- end -}}",
             "f.txt": "a: 1\nb: 2\n"}
    for i, t in enumerate(LANG):
        out.add("lang", "lang %d %s" % (i, t[:60]), "# " + t.replace("\n", "\n# ") + "\n",
                extra=extra)


def gen_compare(out, rng):
    vals = POOLS["A"] + ['1.0', '"a"', '.Values.szero']
    for fn in ("eq", "lt", "and", "or", "default", "deepEqual"):
        for a, b in rng.sample(list(itertools.product(vals, vals)), 30):
            out.add("cmp", "%s %s %s" % (fn, a, b), wrap_expr("(%s %s %s)" % (fn, a, b)))


def gen_subchart(out):
    chart = "apiVersion: v2\nname: t\nversion: 0.1.0\ndependencies:\n- name: sub\n  version: 0.1.0\n"
    sub = "apiVersion: v2\nname: sub\nversion: 0.1.0\n"
    tmpls = ["v: {{ toJson .Values }}", "v: {{ .Values.global | toJson }}",
             "v: {{ include \"h\" . | toJson }}", "v: {{ .Chart.Name }} {{ .Template.Name }}",
             "v: {{ $_ := set .Values.global \"z\" 1 }}{{ toJson .Values }}"]
    for i, t in enumerate(tmpls):
        for fl in ("", "--set sub.x=1", "--set global.g=2", "--set sub=null"):
            out.add("sub", "sub %d %s" % (i, fl), "p: {{ toJson .Values }}\n", values=
                    "sub: {a: 1, l: [1]}\nglobal: {g: 1}\n", flags=fl, extra={
                        "Chart.yaml": chart, "charts/sub/Chart.yaml": sub,
                        "charts/sub/values.yaml": "a: 0\nb: 2\nglobal: {s: 3}\n",
                        "charts/sub/templates/t.yaml": t + "\n",
                        "templates/_h.tpl": "{{ define \"h\" }}parent{{ end }}",
                        "charts/sub/templates/_h.tpl": "{{ define \"h\" }}sub{{ end }}"})


FLOATS = ["0", "-0.0", "1", "1.0", "1.5", "0.1", "0.0001", "0.00001", "123456", "1234567",
          "1e6", "1e20", "1e21", "1e22", "1.7976931348623157e308", "5e-324", "9007199254740993",
          "9223372036854775807", "9223372036854775808", "-9223372036854775808",
          "18446744073709551615", "18446744073709551616", "3.0e-7", "2.5", "-2.5", "0.5",
          "100000000000000000000", "1e100", "123.456e3", "0x7FFFFFFFFFFFFFFF", "-1e-7",
          "4.35", "1.005", "2.675", "1e15", "1e16", "123456789.123456789"]
FLOAT_VIEWS = ["{{ .Values.x }}", "{{ toString .Values.x }}", "{{ toJson .Values.x }}",
               "{{ toYaml .Values.x }}", "{{ int .Values.x }}", "{{ int64 .Values.x }}",
               "{{ float64 .Values.x }}", "{{ printf \"%v %g %f %e %.2f %d\" .Values.x .Values.x .Values.x .Values.x .Values.x .Values.x }}",
               "{{ add .Values.x 1 }}", "{{ addf .Values.x 1 }}", "{{ mul .Values.x 2 }}",
               "{{ mulf .Values.x 3 }}", "{{ divf .Values.x 3 }}", "{{ round .Values.x 2 }}",
               "{{ ceil .Values.x }} {{ floor .Values.x }}", "{{ atoi (toString .Values.x) }}",
               "{{ quote .Values.x }}", "{{ .Values.x | toYamlPretty }}", "{{ max .Values.x 1 }} {{ maxf .Values.x 1 }}",
               "{{ .Values.x | toToml }}", "{{ eq .Values.x 1.0 }}", "{{ lt .Values.x 2.0 }}",
               "{{ .Values.x | toString | float64 }}", "{{ toDecimal .Values.x }}",
               "{{ .Values.x | int | toString }}", "{{ sub .Values.x 1 }}", "{{ div .Values.x 3 }} {{ mod .Values.x 3 }}",
               "{{ untilStep 0 (int .Values.x) 1000000000000000000 | len }}"]


def gen_floats(out, rng):
    for x in FLOATS:
        for view in FLOAT_VIEWS:
            out.add("float", "float %s %s" % (x, view), "v: " + view.replace("{{ ", "{{ (").replace(" }}", ") | toJson }}", 1) + "\n",
                    values="x: %s\n" % x, flags="")
        out.add("float", "float --set %s" % x, "v: {{ .Values.x | toJson }} {{ typeOf .Values.x }}\n"
                "w: {{ .Values.x | toString | toJson }}\ny: {{ .Values.x | toYaml | toJson }}\n",
                values="", flags="--set x=%s" % x)
        out.add("float", "float --set-json %s" % x, "v: {{ .Values.x | toJson }} {{ typeOf .Values.x }}\n"
                "w: {{ .Values.x | toString | toJson }}\ny: {{ .Values.x | toYaml | toJson }}\n",
                values="", flags="--set-json x=%s" % x)
        out.add("float", "float literal %s" % x, "v: {{ %s | toJson }}\nw: {{ typeOf %s }}\n"
                "y: {{ %s | toString | toJson }}\n" % (x, x, x), values="", flags="")


ERRORS = [
    ("{{ .Values.a.b.c }}", ""), ("\n\n  {{ index .Values.l 7 }}", "l: [1]"),
    ("{{ include \"e\" . }}", ""), ("a\n{{ include \"deep\" . }}", ""),
    ("{{ tpl \"x\\n{{ .Values.a.b }}\" . }}", ""), ("{{ tpl \"{{ include \\\"e\\\" . }}\" . }}", ""),
    ("{{ if }}", ""), ("{{ end }}", ""), ("{{ else }}", ""), ("{{ range }}{{ end }}", ""),
    ("{{ define \"x\" }}", ""), ("{{ $x }}", ""), ("{{ .Values.a | nofn }}", ""),
    ("{{ 3 | 4 }}", ""), ("{{ (1 2) }}", ""), ("{{ \"unterminated }}", ""), ("{{ 'ab' }}", ""),
    ("{{ ` }}", ""), ("{{ .a.b.c.d }}", ""), ("{{ add 1 }}", ""), ("{{ add }}", ""),
    ("{{ upper 1 2 }}", ""), ("{{ upper }}", ""), ("{{ default }}", ""), ("{{ ternary 1 2 }}", ""),
    ("{{ index 1 2 }}", ""), ("{{ index .Values.m \"a\" \"b\" }}", "m: {a: 1}"),
    ("{{ .Values.m.a.b }}", "m: {a: 1}"), ("{{ .Values.s.x }}", "s: str"),
    ("{{ .Values.l.x }}", "l: [1]"), ("{{ len 1 }}", ""), ("{{ slice .Values.l 2 1 }}", "l: [1, 2, 3]"),
    ("{{ slice .Values.l 5 }}", "l: [1]"), ("{{ mustSlice .Values.l 5 }}", "l: [1]"),
    ("{{ first 1 }}", ""), ("{{ mustFirst 1 }}", ""), ("{{ mustFirst (list) }}", ""),
    ("{{ div 1 0 }}", ""), ("{{ mod 1 0 }}", ""), ("{{ divf 1 0 }}", ""),
    ("{{ fail (printf \"%s-%d\" \"a\" 1) }}", ""), ("x\n  {{- required \"req\" .Values.r -}}\n", ""),
    ("{{ include \"e\" }}", ""), ("{{ template \"e\" .Values.nope.x }}", ""),
    ("{{ range $i, $v := 5 }}{{ end }}", ""), ("{{ range .Values.f }}{{ end }}", "f: 1.5"),
    ("{{ with $x := 1 }}{{ $y := 2 }}{{ end }}{{ $y }}", ""), ("{{ break }}", ""), ("{{ continue }}", ""),
    ("{{ range . }}{{ define \"q\" }}{{ end }}{{ end }}", ""), ("{{ block }}", ""),
    ("{{ template }}", ""), ("{{ template 1 }}", ""), ("{{ template \"a\" 1 2 }}", ""),
    ("{{ .Values.x := 1 }}", ""), ("{{ $x := 1 := 2 }}", ""), ("{{ $x, $y := 1 }}", ""),
    ("{{ .Release.Foo }}", ""), ("{{ .Chart.foo }}", ""), ("{{ .Capabilities.Nope }}", ""),
    ("{{ .Files.Nope }}", ""), ("{{ .Files.Get }}", ""), ("{{ .Files.Get 1 }}", ""),
    ("{{ .Template.Name.x }}", ""), ("{{ nil }}", ""), ("{{ nil | upper }}", ""),
    ("{{ true.x }}", ""), ("{{ 1.x }}", ""), ("{{ \"a\".x }}", ""), ("{{ $.x.y }}", ""),
    ("{{ .Values.a.b | default 1 }}", ""), ("{{ toYaml }}", ""), ("{{ fromYaml 1 }}", ""),
    ("{{ regexFind \"[\" \"a\" }}", ""), ("{{ mustRegexMatch \"[\" \"a\" }}", ""),
    ("{{ semver \"bad\" }}", ""), ("{{ semverCompare \"bad\" \"1.0.0\" }}", ""),
    ("{{ semverCompare \">1\" \"bad\" }}", ""), ("{{ toDate \"x\" \"y\" }}", ""),
    ("{{ mustToDate \"2006\" \"y\" }}", ""), ("{{ mustFromJson \"{\" }}", ""),
    ("{{ mustToJson .Values.nope }}", ""), ("{{ b64dec \"!\" }}", ""),
    ("{{ get .Values.l \"a\" }}", "l: [1]"), ("{{ set .Values.l \"a\" 1 }}", "l: [1]"),
    ("{{ dict 1 2 }}", ""), ("{{ dict \"a\" }}", ""), ("{{ merge .Values.l .Values.l }}", "l: [1]"),
    ("{{ mustMerge (dict) 1 }}", ""), ("{{ pluck \"a\" 1 }}", ""), ("{{ dig \"a\" 1 }}", ""),
    ("{{ dig \"a\" \"b\" 1 (dict \"a\" 1) }}", ""), ("{{ list 1 | join }}", ""),
    ("{{ printf }}", ""), ("{{ printf 1 }}", ""), ("{{ tpl }}", ""), ("{{ tpl 1 . }}", ""),
    ("{{ include 1 . }}", ""), ("{{ required }}", ""), ("{{ required 1 nil }}", ""),
    ("{{ fail }}", ""), ("{{ lookup }}", ""), ("{{ lookup 1 2 3 4 }}", ""),
    ("{{/* a */ 1 }}", ""), ("{{ 1 /* a */}}", ""), ("{{- /*a*/ -}}x", ""), ("{{-/*a*/-}}x", ""),
    ("{{ \"\\z\" }}", ""), ("{{ 0x }}", ""), ("{{ 1e }}", ""), ("{{ 08 }}", ""), ("{{ 1__0 }}", ""),
    ("{{ 'ab }}", ""), ("{{ '' }}", ""), ("{{ .Values.@ }}", ""), ("{{ .Values.a-b }}", ""),
    ("{{ index .Values \"a-b\" }}", "a-b: 1"), ("{{ .Values.1a }}", ""), ("{{ ..Values }}", ""),
    ("{{ . Values }}", ""), ("{{ $x := }}", ""), ("{{ ( }}", ""), ("{{ ) }}", ""), ("{{ | }}", ""),
    ("{{ range $i, $v := .Values.l }}{{ $i }}{{ end }}{{ $i }}", "l: [1]"),
    ("{{ if 1 }}{{ else if }}{{ end }}", ""), ("{{ with 1 }}{{ else with }}{{ end }}", ""),
    ("{{ if 1 }}{{ else }}{{ else }}{{ end }}", ""), ("{{ define \"a\" }}{{ end }}{{ define \"a\" }}b{{ end }}", ""),
    ("{{ template \"t/templates/t.yaml\" }}", ""), ("{{ include \"t/templates/t.yaml\" . }}", ""),
    ("\t{{ .x.y }}\n", ""), ("\u00e9\u00e9{{ .x.y }}", ""), ("\U0001F389{{ .x.y }}", ""),
    ("{{ \"a\" }}{{ \n.x.y }}", ""), ("{{ print\n.x.y }}", ""),
]


def gen_errors(out):
    helpers = ("{{- define \"e\" -}}\n{{ .Values.nope.deeper }}\n{{- end -}}\n"
               "{{ define \"deep\" }}{{ include \"e\" . }}{{ end }}")
    for i, (tmpl, vals) in enumerate(ERRORS):
        out.add("err", "err %d %s" % (i, tmpl[:50]), tmpl + "\n", values=vals, flags="",
                extra={"templates/_helpers.tpl": helpers})


def gen_extra(out):
    for m in ['.Values.map', '.Values.nested', '(dict "b" 1 "a" 2 "c" nil)', '.Values']:
        out.add("extra", "keys sorted %s" % m, "v: {{ keys %s | sortAlpha | toJson }}\n" % m)
        out.add("extra", "values via range %s" % m,
                "v: {{ range $k, $v := %s }}{{ $k }}={{ $v | toJson }};{{ end }}\n" % m)
    trims = ["a {{- 1 }} b", "a {{ 1 -}} b", "a\n\n{{- 1 -}}\n\nb", "a\t{{- 1 }}", "a\r\n{{- 1 }}",
             "{{ 1 }} {{- /* c */ -}} {{ 2 }}", "{{- \"\" -}}\n\n", "  {{- if true }}\n  x\n  {{- end }}",
             "{{ if true -}}\n  x\n{{- end }}", "x: |\n  {{- range .Values.list }}\n  {{ . }}\n  {{- end }}"]
    for i, t in enumerate(trims):
        out.add("extra", "trim %d" % i, "v: |\n  " + t.replace("\n", "\n  ") + "\nw: {{ `" + t.replace("`", "'") + "` | toJson }}\n")
    docs = ["a: 1\n---\nb: 2", "---\na: 1", "a: 1\n---\n", "---\n---\na: 1", "a: 1\n--- \nb: 2",
            "a: 1\n---b: 2", "a: 1\n...\n", "# only comment", "\n\n", "a: 1\n---\n# c\n---\nb: 2",
            "kind: Service\n---\nkind: Namespace\n---\nkind: Deployment", "a: [1\n---\nb: 2",
            "- list\n", "scalar\n", "a: 1\n\t\n", "a: 'x'\n---\n\n---\n  \n"]
    for i, d in enumerate(docs):
        out.add("extra", "docs %d" % i, d + "\n", values="", flags="")


CHARS = ["a", "b", "Z", " ", "  ", "\\n", "\\t", "-", "_", ".", ":", "#", "'", "\\\"", "\\\\", "é", "ß",
         "ǅ", "İ", "ﬁ", "☃", "🎉", "\\u00a0", "\\u2028", "\\u0085", "\\x01", "\\x7f", "\\xff", "0", "9",
         "%", "&", "<", ">", "=", "@", "`", "|", "*", "!", "?", "{", "}", "[", "]", ",", "/", "+",
         "yes", "no", "null", "~", "1.5", "0x1F", "true", "Hello", "WORLD", "fooBar", "ABCDef",
         "_x_", "--", "---", "...", "x" * 40, "word " * 9, "\\r\\n", "ⅷ", "Σ", "ς", "ǈ"]
STR_FNS = ["toYaml", "toYamlPretty", "toJson", "toPrettyJson", "toRawJson", "quote", "squote",
           "js", "html", "urlquery", "title", "untitle", "swapcase", "snakecase", "camelcase",
           "kebabcase", "initials", "nospace", "trim", "upper", "lower", "wrap 10", "wrap 1",
           "wrapWith 5 \"|\"", "abbrev 5", "abbrevboth 5 10", "trunc 5", "trunc -5", "substr 1 4",
           "printf \"%q\"", "printf \"%+q\"", "printf \"%#q\"", "printf \"%x\"", "printf \"% X\"",
           "printf \"%8.3q\"", "printf \"%U\"", "printf \"%-6s|\"", "printf \"%.2s\"",
           "b64enc", "b32enc", "sha1sum", "adler32sum", "len", "regexQuoteMeta", "splitList \" \"",
           "toStrings", "list", "dict \"k\"", "toToml", "base", "dir", "clean", "ext",
           "fromYaml", "fromJson", "fromYamlArray", "semver", "urlParse", "atoi", "int", "float64",
           "toDecimal", "plural \"one\" \"many\"", "cat \"x\"", "indent 2", "nindent 1",
           "replace \" \" \"_\"", "trimAll \"a \"", "trimPrefix \"a\"", "contains \"a\"",
           "regexFindAll \"[a-z]+\" -1", "regexSplit \"\\\\s+\" -1", "squote", "empty", "typeOf"]


def rand_str(rng):
    return "".join(rng.choice(CHARS) for _ in range(rng.randint(0, 6)))


def gen_strings(out, rng, count):
    for i in range(count):
        strs = [rand_str(rng) for _ in range(4)]
        fn = STR_FNS[i % len(STR_FNS)]
        body = "".join("v%d: {{ %s \"%s\" | toString | toJson }}\n" % (j, fn, st)
                       for j, st in enumerate(strs))
        out.add("str", "str %d %s" % (i, fn), body, values="", flags="")
        if i % 3 == 0:  # the same strings through a values file
            vals = "".join("s%d: \"%s\"\n" % (j, st) for j, st in enumerate(strs))
            body = "".join("v%d: {{ .Values.s%d | %s | toString | toJson }}\n" % (j, j, fn)
                           for j in range(len(strs)))
            out.add("str", "str values %d %s" % (i, fn), body, values=vals, flags="")


RE_ATOMS = ["a", "b", ".", "\\\\d", "\\\\w", "\\\\s", "\\\\S", "\\\\b", "\\\\B", "^", "$", "\\\\A",
            "\\\\z", "[a-c]", "[^a]", "[[:alpha:]]", "[[:^digit:]]", "\\\\pL", "\\\\p{Greek}", "\\\\PL",
            "\\\\x{41}", "\\\\x41", "\\\\101", "(a|b)", "(?:ab)", "(?P<n>a)", "(?<m>b)", "(?i)a",
            "(?s).", "(?m)^", "(?U)a+", "\\\\Q.*\\\\E", "é", "\\\\.", "[\\\\]]", "[a-]", "\\\\n",
            "\\\\pN", "\\\\p{Lu}", "[\\\\d\\\\s]", "\\\\C", "\\\\1", "(?=a)", "(?!a)", "a++", "\\\\Z",
            "\\\\G", "\\\\K", "(?#c)", "\\\\h", "\\\\R", "\\\\X", "[[:word:]]", "\\\\p{^L}",
            "\\\\pZ", "x{2}", "x{2,}", "x{,2}", "x{1001}", "(?i:A)", "(?-i)a", "[[.a.]]", "\\\\e", "\\\\v"]
RE_QUANT = ["", "", "*", "+", "?", "*?", "+?", "{1,2}", "{0}"]
RE_SUBJ = ["", "a", "ab ab", "aAbB", "é ab\\nba", "x1 y22 z333", "αβγ ABC", "a.b*c", "aaa\\nbbb\\n",
           "xx xxx", "Ünïcode wörds", "tab\\tsep", "ab]", "a-b-c", "--", "1+1=2"]
RE_REPL = ["<$0>", "$1", "${1}x", "$1x", "${n}", "$n", "$$", "$", "${", "$2", "\\\\1", "[${m}]", "$-1", "${0}"]


def rand_re(rng):
    return "".join(rng.choice(RE_ATOMS) + rng.choice(RE_QUANT) for _ in range(rng.randint(1, 3)))


def gen_regex(out, rng, count):
    fns = ["regexMatch", "regexFind", "regexFindAll %s -1", "regexFindAll %s 1",
           "regexReplaceAll %s %s", "regexReplaceAllLiteral %s %s", "regexSplit %s -1",
           "regexSplit %s 2", "mustRegexFind", "mustRegexMatch", "mustRegexReplaceAll %s %s",
           "regexFindAll %s 0"]
    for i in range(count):
        fn = fns[i % len(fns)]
        lines = []
        for j in range(3):
            r = '"%s"' % rand_re(rng)
            subj = '"%s"' % rng.choice(RE_SUBJ)
            name = fn.split()[0]
            if "%s %s" in fn:
                expr = "%s %s %s \"%s\"" % (name, r, subj, rng.choice(RE_REPL))
            elif "%s" in fn:
                expr = "%s %s %s %s" % (name, r, subj, fn.split()[-1])
            else:
                expr = "%s %s %s" % (name, r, subj)
            lines.append("v%d: {{ %s | toString | toJson }}\n" % (j, expr))
        out.add("re", "re %d %s" % (i, "".join(lines)[:80]), "".join(lines), values="", flags="")


SEMV = ["1.2.3", "v1.2.3", "1.2", "1", "1.2.3-alpha", "1.2.3-alpha.1", "1.2.3+build", "1.2.3-0",
        "0.0.0", "1.2.3-beta.2+b.1", "01.2.3", "1.02.3", "1.2.3-01", "1.2.3.4", "x", "", "1.2.3-",
        "v1", "1.x", "10.20.30", "1.2.3-rc.1", "2.0.0-0", "1.0.0-alpha.beta", "999999999999999999999.0.0"]
SEMC = [">=1.2.3", "<1.2.3", "~1.2.3", "^1.2.3", "1.2.x", "*", ">=1.0 <2.0", ">=1.0, <2.0",
        "1.2.3 - 2.0", "^0.2.3", "^0.0.3", "~1", "!=1.2.3", "=1.2.3", ">1.2.3-0", "<=1.2",
        "^1.2.3-alpha", "~1.2.3-beta", ">= 1.2", "1.2.3 || 2.x", "x", "", "=>1.2", ">1.2.3-alpha.1",
        "^1.x", "~>1.2", ">=1.2.3-0 <1.3.0", "*-0", ">=0.0.0-0"]


def gen_semver(out, rng, count):
    for i in range(count):
        lines = []
        for j in range(4):
            c, v = rng.choice(SEMC), rng.choice(SEMV)
            lines.append("v%d: {{ semverCompare \"%s\" \"%s\" | toJson }}\n" % (j, c, v))
        out.add("semver", "semver %d" % i, "".join(lines), values="", flags="")
    for v in SEMV:
        out.add("semver", "semver parse %s" % v,
                "v: {{ (semver \"%s\") | toJson }}\nw: {{ (semver \"%s\").Prerelease | toJson }} "
                "{{ (semver \"%s\").Metadata | toJson }} {{ (semver \"%s\").Original | toJson }}\n"
                "x: {{ (semver \"%s\").Compare (semver \"1.2.3\") }} {{ (semver \"%s\").IncMinor }}\n"
                % ((v,) * 6), values="", flags="")


LAYOUTS = ["2006-01-02", "Jan _2 15:04:05.000", "Monday, 02-Jan-06 15:04:05 MST", "3:04PM",
           "2006-01-02T15:04:05Z07:00", "02/01/06 03:04:05.999999999 pm", "20060102150405",
           ".000000 .999 ,000", "Z0700 Z07:00 -07 -0700 -07:00:00", "Mon Jan 2", "__2 002",
           "January", "06 2006 1 01 Jan January 2 02 _2 Mon Monday 15 3 03 4 04 5 05 PM pm",
           "literal text", "2006-1-2 3:4:5"]
DATES = ["2020-03-04", "1999-12-31", "2024-02-29", "0001-01-01", "9999-12-31", "1970-01-01",
         "2021-07-08"]


def gen_dates(out, rng):
    for lay in LAYOUTS:
        for d in rng.sample(DATES, 3):
            out.add("date", "date %s %s" % (lay, d),
                    "v: {{ toDate \"2006-01-02\" \"%s\" | date \"%s\" | toJson }}\n"
                    "w: {{ dateInZone \"%s\" (toDate \"2006-01-02\" \"%s\") \"UTC\" | toJson }}\n"
                    "x: {{ toDate \"2006-01-02\" \"%s\" | unixEpoch | toJson }}\n" % (d, lay, lay, d, d),
                    values="", flags="")
    for dur in ["1h", "-1h30m", "90s", "1.5h", "1d", "1h1h", "300ms", "2us", "3µs", "1ns", "", "x",
                "+5m", "1e3s", ".5h", "9223372036854775807ns"]:
        out.add("date", "dateModify %s" % dur,
                "v: {{ dateModify \"%s\" (toDate \"2006-01-02\" \"2020-03-04\") | date \"2006-01-02T15:04:05.999999999\" | toJson }}\n" % dur,
                values="", flags="")
    for x in ["0", "1", "59", "60", "3599", "3600", "86400", "-61", "95", "1.5", "\"x\"", "\"100\"",
              "(int64 3661)", ".Values.si", "9223372036854775807", "\"1h\""]:
        out.add("date", "duration %s" % x, "v: {{ duration %s | toJson }}\nw: {{ durationRound %s | toJson }}\n"
                % (x, x))
    for x in ["\"1h2m3s\"", "\"-90m\"", "\"25h\"", "\"750h\"", "\"8761h\"", "\"1.5s\"",
              "\"100ms\"", "\"0s\"", "\"bad\"", "3600", "\"2562047h\""]:
        out.add("date", "durationRound %s" % x, "v: {{ durationRound %s | toJson }}\n" % x)


def rand_fmt(rng):
    out = []
    for _ in range(rng.randint(1, 3)):
        f = "%"
        f += "".join(rng.sample("+-# 0", rng.randint(0, 2)))
        if rng.random() < 0.2:
            f += "[%d]" % rng.randint(0, 3)
        if rng.random() < 0.4:
            f += rng.choice(["3", "8", "12", "*", "0", "1"])
        if rng.random() < 0.4:
            f += rng.choice([".", ".0", ".1", ".3", ".*", ".10"])
        f += rng.choice("vdsqxXofFeEgGbcUtT%")  # no %p: Go prints addresses
        out.append(f + rng.choice(["", "|", " ", "-"]))
    return "".join(out)


def gen_printf_fuzz(out, rng, count):
    vals = PRINTF_VALUES + ['-0.0', '1e-7', '(list)', '(dict)', '"\\x00\\xff"', '"☃🎉"', '65', '-65',
                            '0x10FFFF', '1114112', '(int64 -1)', '(float64 .Values.si)']
    for i in range(count):
        lines = []
        for j in range(3):
            args = " ".join(rng.choice(vals) for _ in range(rng.randint(0, 3)))
            fmt = rand_fmt(rng)
            lines.append('v%d: {{ printf "%s" %s | toJson }}\n' % (j, fmt, args))
        out.add("pf", "pf %d %s" % (i, lines[0][:60]), "".join(lines))


SET_KEYS = ["a", "b.c", "a.b", "l[0]", "l[1].x", "m\\.n", "x[2]", "a[0][0]", "q"]
SET_VALS = ["1", "-1", "1.5", "true", "false", "null", "", "x", "{a,b}", "{}", "{1,{2}}", "a\\,b",
            "0", "007", "1e5", "\"q\"", "9223372036854775808", "é", "a=b", "[1]", "~", "TRUE"]


def gen_set_fuzz(out, rng, count):
    kinds = ["--set", "--set-string", "--set-json", "--set-literal"]
    for i in range(count):
        flags = []
        for _ in range(rng.randint(1, 3)):
            kind = rng.choice(kinds)
            items = []
            for _ in range(rng.randint(1, 2)):
                v = rng.choice(SET_VALS)
                if kind == "--set-json":
                    v = rng.choice(['1', '"s"', '[1,{"a":null}]', '{"b":[]}', 'null', '1.0', '-0', 'true', '{}', 'x', '1e2'])
                items.append("%s=%s" % (rng.choice(SET_KEYS), v))
            flags.append("%s '%s'" % (kind, ",".join(items) if kind != "--set-json" else items[0]))
        fl = " ".join(flags)
        out.add("setf", "setf %d %s" % (i, fl), "v: {{ toJson .Values }}\n",
                values="a: {b: 0, z: 9}\nl: [x, {y: 1}]\nm.n: 1\n", flags=fl)


# no null keys here: with two of them Go reports a random one
YKEYS = ["a", "b", "yes", "1", "1.5", "'q k'", '"d k"', "a b", "-x", "on", "Y", "0x1", "false"]
YSCALARS = ["1", "-1", "1.0", "1e3", "0o7", "017", "0x1F", "true", "no", "~", "null", "''", '""',
            "'s'", '"d\\n"', "text", "2020-01-02", "12:30:00", ".5", "+1", "-.inf", "|-\n    lit\n    more",
            ">\n    fold\n    ed", "&anc 5", "*anc", "!!str 5", "[]", "{}", "[1, a]", "{x: 1}",
            "'multi\n    line'", "\"esc \\t \\u00e9\"", "0.0000001", "123456789012", "1_000"]


def rand_yaml(rng, depth, ind):
    lines = []
    used = set()
    for _ in range(rng.randint(1, 4)):
        k = rng.choice(YKEYS)
        if k in used:
            continue
        used.add(k)
        r = rng.random()
        if depth < 2 and r < 0.25:
            lines.append("%s%s:" % (" " * ind, k))
            lines.extend(rand_yaml(rng, depth + 1, ind + 2))
        elif depth < 2 and r < 0.4:
            lines.append("%s%s:" % (" " * ind, k))
            for _ in range(rng.randint(1, 3)):
                lines.append("%s- %s" % (" " * ind, rng.choice(YSCALARS).replace("\n    ", "\n" + " " * (ind + 4))))
        else:
            lines.append("%s%s: %s" % (" " * ind, k, rng.choice(YSCALARS).replace("\n    ", "\n" + " " * (ind + 4))))
    return lines


def gen_yaml_fuzz(out, rng, count):
    views = ["{{ toJson .Values }}", "{{ toYaml .Values | toJson }}", "{{ .Values | toString | toJson }}",
             "{{ toYamlPretty .Values | toJson }}", "{{ toPrettyJson .Values | toJson }}",
             "{{ range $k, $v := .Values }}{{ $k }}:{{ typeOf $v }},{{ end }}"]
    for i in range(count):
        doc = "\n".join(rand_yaml(rng, 0, 0)) + "\n"
        out.add("yf", "yf %d" % i, "v: " + views[i % len(views)] + "\n", values=doc, flags="")


def gen_fold(out, rng, count):
    words = ["a", "bb", "word", "x" * 30, " ", "  ", "é", "☃", "-", "#", ":", "'", "\\\"", "\\t", "\\n"]
    for i in range(count):
        sv = "".join(rng.choice(words) + rng.choice([" ", "", " "]) for _ in range(rng.randint(10, 40)))
        tmpl = ("v: {{ toYaml (dict \"k\" .Values.s) | toJson }}\nw: {{ toYaml (list .Values.s) | toJson }}\n"
                "x: {{ toYaml .Values | toJson }}\ny: {{ toYamlPretty .Values | toJson }}\n")
        out.add("fold", "fold %d" % i, tmpl, values="s: \"%s\"\nnested:\n  deeper:\n    s: \"%s\"\n" % (sv, sv), flags="")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default="/tmp/probes")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--per-shape", type=int, default=6)
    opts = ap.parse_args()
    os.makedirs(opts.out, exist_ok=True)
    for name in os.listdir(opts.out):
        if name.startswith("p-") and name.endswith(".txt"):
            os.remove(os.path.join(opts.out, name))
    rng = random.Random(opts.seed)
    out = Out()
    gen_functions(out, rng, opts.per_shape)
    gen_printf(out, rng)
    gen_yaml(out)
    gen_set(out)
    gen_lang(out)
    gen_compare(out, rng)
    gen_subchart(out)
    gen_floats(out, rng)
    gen_errors(out)
    gen_extra(out)
    gen_strings(out, rng, 600)
    gen_regex(out, rng, 300)
    gen_semver(out, rng, 80)
    gen_dates(out, rng)
    gen_printf_fuzz(out, rng, 250)
    gen_set_fuzz(out, rng, 250)
    gen_yaml_fuzz(out, rng, 300)
    gen_fold(out, rng, 150)
    print("%d probes in %s" % (out.write(opts.out), opts.out))


if __name__ == "__main__":
    main()
