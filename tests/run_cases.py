#!/usr/bin/env python3
"""Differential test runner: renders each case of tests/cases/*.txt with Helm and with render
and compares stdout, stderr and exit status. The case format is described in tests/README.md.
Helm's results are cached by case content, so reruns (and the ASan pass) do not run Helm.
Python 3 standard library only."""

import argparse
import concurrent.futures
import difflib
import glob
import gzip
import hashlib
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tarfile
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
DEFAULT_CHART = "apiVersion: v2\nname: t\nversion: 0.1.0\n"
FORMAT_VERSION = "1"  # bump when the way a case turns into a command line changes
TIMEOUT = 20
DIFF_LINES = 60
LINE_CHARS = 2000
# UBSan writes "file.c:LINE:COL: runtime error: ..."; Helm's own messages may hold
# "runtime error:" too (Go's integer divide by zero), so that mark needs the position.
SANITIZER_RE = re.compile(r"ERROR: AddressSanitizer|LeakSanitizer|:\d+:\d+: runtime error:")
KEEP_ENV = ("PATH", "TMPDIR", "LANG", "LC_ALL", "ASAN_OPTIONS", "UBSAN_OPTIONS",
            "LSAN_OPTIONS", "MSAN_OPTIONS", "ASAN_SYMBOLIZER_PATH")

# Sections whose body is a file of the chart, and single-line sections holding a value.
BODY_SECTIONS = {"values": "values.yaml", "template": "templates/t.yaml", "chart": "Chart.yaml"}
TEXT_SECTIONS = ("flags", "command", "args")
INLINE_SECTIONS = ("stderr", "xfail", "release", "chartdir", "outdir")


class Case:
    def __init__(self, path, line, name):
        self.path, self.line, self.name = path, line, name
        self.files = {}        # path in chart -> content
        self.text = {}         # flags/command/args/outdir -> body text
        self.inline = {}       # stderr/xfail/release/chartdir -> value
        self.raw = []          # the case's lines, for the cache key
        self.error = None      # a problem found while parsing
        self.packs = []        # folders to pack into .tgz after writing (### pack: DIR)

    def where(self):
        rel = os.path.relpath(self.path)
        return "%s:%d" % (self.path if rel.startswith("..") else rel, self.line)


def parse_header(line):
    """'### file: a/b' -> ('file', 'a/b'); '### values' -> ('values', None)."""
    head = line[4:].rstrip("\r\n")
    if ":" in head:
        key, _, val = head.partition(":")
        return key.strip(), val.strip()
    return head.strip(), None


def close_section(case, section, body, strip):
    if case is None or section is None:
        return
    text = "".join(body)
    if strip and text.endswith("\n"):
        text = text[:-1]
    kind, arg = section
    if kind in BODY_SECTIONS:
        case.files[BODY_SECTIONS[kind]] = text
    elif kind == "file":
        case.files[arg] = text
    elif kind in TEXT_SECTIONS:
        case.text[kind] = text


def parse_file(path):
    """Splits a case file into Case objects."""
    cases, case, section, body, names = [], None, None, [], set()
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines(keepends=True)
    for n, line in enumerate(lines, 1):
        if not line.startswith("### "):
            if case is not None:
                case.raw.append(line)
            if section is not None:
                body.append(line)
            continue
        key, val = parse_header(line)
        close_section(case, section, body, key == "end")
        section, body = None, []
        if key == "case":
            case = Case(path, n, val or "")
            if case.name in names:
                case.error = "duplicate case name in file"
            names.add(case.name)
            cases.append(case)
        if case is None:
            continue
        case.raw.append(line)
        if key in ("case", "end"):
            continue
        if key in BODY_SECTIONS or key == "file" or (key in TEXT_SECTIONS and val is None):
            section = (key, val)
        elif key in TEXT_SECTIONS:
            case.text[key] = val
        elif key in INLINE_SECTIONS:
            case.inline[key] = val or ""
        elif key == "pack":
            case.packs.append(val or "")
        else:
            case.error = "unknown section at line %d: %s" % (n, line.strip())
    close_section(case, section, body, False)
    return cases


def case_argv(case, chart, tmp):
    """The argument list after the program name."""
    subst = lambda s: s.replace("{chart}", chart).replace("{tmp}", tmp)
    if "args" in case.text:
        return [subst(a) for a in shlex.split(case.text["args"])]
    argv = shlex.split(case.text.get("command", "template"))
    if "release" in case.inline:
        argv.append(case.inline["release"])
    argv.append(chart)
    argv += [subst(a) for a in shlex.split(case.text.get("flags", ""))]
    return argv


def write_chart(case, root):
    """Writes the case's chart under root/t (or names the repo chart) and returns its path."""
    if "chartdir" in case.inline:
        path = os.path.join(REPO, case.inline["chartdir"])
        if not os.path.isdir(path):
            raise RuntimeError("chartdir not found: %s" % case.inline["chartdir"])
        return case.inline["chartdir"]
    chart = os.path.join(root, "t")
    files = {"Chart.yaml": DEFAULT_CHART, "values.yaml": ""}
    files.update(case.files)
    for rel, content in files.items():
        full = os.path.join(chart, rel)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w", encoding="utf-8") as f:
            f.write(content)
    os.makedirs(os.path.join(chart, "templates"), exist_ok=True)
    for rel in sorted(case.packs, key=lambda p: -len(os.path.normpath(p).split(os.sep))):
        pack_folder(chart, rel)
    return chart


def chart_field(text, key):
    """A top-level scalar of a Chart.yaml, enough for name and version."""
    m = re.search(r"^%s:[ \t]*(.*?)[ \t]*$" % key, text, re.M)
    return m.group(1).strip("\"'") if m else ""


def pack_folder(chart, rel):
    """### pack: DIR - DIR becomes DIR's parent/<name>-<version>.tgz, top folder DIR's name."""
    src = os.path.normpath(os.path.join(chart, rel))
    if not src.startswith(chart + os.sep) or not os.path.isdir(src):
        raise RuntimeError("pack: no folder %s in the chart" % rel)
    with open(os.path.join(src, "Chart.yaml"), encoding="utf-8") as f:
        meta = f.read()
    out = os.path.join(os.path.dirname(src), "%s-%s.tgz" % (chart_field(meta, "name"),
                                                           chart_field(meta, "version")))
    top = os.path.basename(src)
    with open(out, "wb") as raw:
        with gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as gz:
            with tarfile.open(fileobj=gz, mode="w", format=tarfile.USTAR_FORMAT) as tar:
                for dirpath, dirs, files in os.walk(src):
                    dirs.sort()
                    for name in sorted(files):
                        full = os.path.join(dirpath, name)
                        info = tarfile.TarInfo(top + "/" + os.path.relpath(full, src))
                        info.size, info.mode, info.mtime = os.path.getsize(full), 0o644, 0
                        with open(full, "rb") as f:
                            tar.addfile(info, f)
    shutil.rmtree(src)


def clean_env(root):
    env = {k: os.environ[k] for k in KEEP_ENV if k in os.environ}
    home = os.path.join(root, "home")
    for sub in ("", "cache", "config", "data"):
        os.makedirs(os.path.join(home, sub), exist_ok=True)
    env.update(HOME=home, HELM_CACHE_HOME=os.path.join(home, "cache"),
               HELM_CONFIG_HOME=os.path.join(home, "config"),
               HELM_DATA_HOME=os.path.join(home, "data"))
    return env


def read_outdir(root, rel):
    """Appends the files a command wrote under root/rel, sorted, to its stdout."""
    out = []
    base = os.path.join(root, rel)
    for dirpath, dirs, files in os.walk(base):
        dirs.sort()
        for name in sorted(files):
            full = os.path.join(dirpath, name)
            with open(full, encoding="utf-8", errors="replace") as f:
                out.append("==> %s\n%s" % (os.path.relpath(full, base), f.read()))
    return "".join(out)


def run_tool(binary, case):
    """Runs one tool on the case; returns {stdout, stderr, status} with paths replaced."""
    root = tempfile.mkdtemp(prefix="render-case-")
    try:
        chart = write_chart(case, root)
        argv = [binary] + case_argv(case, chart, root)
        try:
            p = subprocess.run(argv, cwd=root if "chartdir" not in case.inline else REPO,
                               env=clean_env(root), stdin=subprocess.DEVNULL,
                               capture_output=True, timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            return {"stdout": "", "stderr": "timeout after %d s\n" % TIMEOUT, "status": -1,
                    "timeout": True}
        out = p.stdout.decode("utf-8", "replace")
        err = p.stderr.decode("utf-8", "replace")
        if "outdir" in case.inline:
            out += read_outdir(root, case.inline["outdir"])
        fix = lambda s: s.replace(os.path.join(root, "t"), "{chart}").replace(root, "{tmp}")
        return {"stdout": fix(out), "stderr": fix(err), "status": p.returncode}
    finally:
        shutil.rmtree(root, ignore_errors=True)


def cache_key(case, helm_version):
    h = hashlib.sha256()
    h.update(("%s\0%s\0" % (FORMAT_VERSION, helm_version)).encode())
    h.update("".join(case.raw).encode())
    if "chartdir" in case.inline:
        base = os.path.join(REPO, case.inline["chartdir"])
        for dirpath, dirs, files in os.walk(base):
            dirs.sort()
            for name in sorted(files):
                full = os.path.join(dirpath, name)
                h.update(os.path.relpath(full, base).encode() + b"\0")
                with open(full, "rb") as f:
                    h.update(f.read())
    return h.hexdigest()


def helm_result(opts, case):
    path = os.path.join(opts.cache, "helm-results", cache_key(case, opts.helm_version) + ".json")
    if not opts.update_cache and os.path.exists(path):
        try:
            with open(path, encoding="utf-8") as f:
                return json.load(f)
        except (OSError, ValueError):
            pass
    res = run_tool(opts.helm, case)
    if not res.get("timeout"):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        tmp = "%s.%d.tmp" % (path, os.getpid())
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(res, f)
        os.replace(tmp, path)
    return res


def limited_diff(a, b, what):
    lines = list(difflib.unified_diff(a.splitlines(keepends=True), b.splitlines(keepends=True),
                                      "helm " + what, "render " + what))
    cut = lambda l: l if len(l) <= LINE_CHARS else l[:LINE_CHARS] + "... (%d chars)\n" % len(l)
    text = "".join(cut(l if l.endswith("\n") else l + "\n\\ no newline\n")
                   for l in lines[:DIFF_LINES])
    if len(lines) > DIFF_LINES:
        text += "... (%d more diff lines)\n" % (len(lines) - DIFF_LINES)
    return text


def compare(helm, mine, ignore_stderr):
    """Returns a description of the differences, or '' when the results agree."""
    out = []
    if SANITIZER_RE.search(mine["stderr"]):
        out.append("sanitizer report in render's stderr:\n" + mine["stderr"][:4000])
    if mine.get("timeout"):
        out.append("render timed out after %d s\n" % TIMEOUT)
    if helm.get("timeout"):
        out.append("helm timed out after %d s\n" % TIMEOUT)
    if (helm["status"] == 0) != (mine["status"] == 0):
        out.append("exit status: helm %d, render %d\n" % (helm["status"], mine["status"]))
    if helm["stdout"] != mine["stdout"]:
        out.append(limited_diff(helm["stdout"], mine["stdout"], "stdout"))
    if not ignore_stderr and helm["stderr"] != mine["stderr"]:
        out.append(limited_diff(helm["stderr"], mine["stderr"], "stderr"))
    return "".join(out)


def run_case(opts, case):
    """Returns (outcome, detail): outcome is pass, fail or xfail."""
    if case.error:
        return "fail", case.error + "\n"
    try:
        helm = helm_result(opts, case)
        if opts.helm_only:
            return "pass", show_result(helm)
        mine = run_tool(opts.render, case)
    except Exception as e:  # a broken case must not stop the run
        return "fail", "runner error: %s\n" % e
    diff = compare(helm, mine, case.inline.get("stderr") == "ignore")
    if "xfail" in case.inline:
        return ("xfail", diff) if diff else ("fail", "xfail passed: remove the mark\n")
    return ("fail", diff) if diff else ("pass", "")


def show_result(res):
    return "--- stdout\n%s--- stderr\n%s--- exit %d\n" % (res["stdout"], res["stderr"],
                                                           res["status"])


def helm_version(helm):
    p = subprocess.run([helm, "version", "--template", "{{.Version}}"], capture_output=True,
                       env=clean_env(tempfile.mkdtemp(prefix="render-helmver-")), timeout=TIMEOUT)
    return p.stdout.decode().strip() or "unknown"


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="*", help="case files (default: tests/cases/*.txt)")
    ap.add_argument("--render", help="the render binary")
    ap.add_argument("--helm", required=True, help="the reference helm binary")
    ap.add_argument("--label", default="", help="printed in the summary")
    ap.add_argument("-k", dest="select", help="run only cases whose name contains this")
    ap.add_argument("-v", dest="verbose", action="store_true", help="print every case")
    ap.add_argument("--update-cache", action="store_true", help="rerun Helm")
    ap.add_argument("--helm-only", action="store_true", help="print Helm's results only")
    ap.add_argument("-j", dest="jobs", type=int, default=os.cpu_count() or 2)
    opts = ap.parse_args()
    if not opts.helm_only and not opts.render:
        ap.error("--render is required (or --helm-only)")
    opts.helm = os.path.abspath(opts.helm)
    if opts.render:
        opts.render = os.path.abspath(opts.render)
    opts.cache = os.path.join(os.environ.get("RENDER_TEST_CACHE") or
                              os.path.expanduser("~/.cache/render-tests"))
    return opts


def main():
    opts = parse_args()
    files = opts.files or sorted(glob.glob(os.path.join(HERE, "cases", "*.txt")))
    cases = [c for f in files for c in parse_file(f)
             if not opts.select or opts.select in c.name]
    opts.helm_version = helm_version(opts.helm)
    counts = {"pass": 0, "fail": 0, "xfail": 0}
    with concurrent.futures.ThreadPoolExecutor(max(1, opts.jobs)) as pool:
        results = pool.map(lambda c: run_case(opts, c), cases)
        for case, (outcome, detail) in zip(cases, results):
            counts[outcome] += 1
            if opts.helm_only:
                print("### %s %s\n%s" % (case.where(), case.name, detail), flush=True)
            elif outcome == "fail":
                print("FAIL %s %s\n%s" % (case.where(), case.name, detail), flush=True)
            elif opts.verbose:
                print("%s %s %s" % (outcome, case.where(), case.name), flush=True)
    if opts.label:
        print("[%s] %d cases from %d files" % (opts.label, len(cases), len(files)))
    summary = "%d passed, %d failed" % (counts["pass"], counts["fail"])
    if counts["xfail"]:
        summary += ", %d xfail" % counts["xfail"]
    print(summary)
    return 1 if counts["fail"] else 0


if __name__ == "__main__":
    sys.exit(main())
