#!/usr/bin/env python3
"""Benchmark: renders tests/bench/bench-chart with Helm and with render, interleaved, and prints
the median wall time and peak memory (RSS) of each and their ratios; then renders 100 tenants
(100 releases with different --set values) with each. It reports, it never asserts: a slow or
failing render is printed, not an error. Python 3 standard library only."""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
CHART = os.path.join(HERE, "bench", "bench-chart")


# A child spawned from Python inherits Python's peak RSS (exec records the old address space's
# high-water mark), so each run goes through this small helper, whose own children start
# small: it runs argv[2..], then writes "seconds maxrss_kib exit_status" to the file argv[1].
MEASURE_C = r"""
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
int main(int argc, char **argv) {
    struct timespec a, b;
    struct rusage ru;
    int status = 0;
    if (argc < 3) return 2;
    clock_gettime(CLOCK_MONOTONIC, &a);
    pid_t pid = fork();
    if (pid == 0) { execv(argv[2], argv + 2); perror(argv[2]); _exit(127); }
    if (pid < 0 || wait4(pid, &status, 0, &ru) < 0) return 2;
    clock_gettime(CLOCK_MONOTONIC, &b);
    FILE *f = fopen(argv[1], "w");
    if (!f) return 2;
    fprintf(f, "%.6f %ld %d\n", (double)(b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9,
            ru.ru_maxrss, WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
    return fclose(f) != 0;
}
"""


def build_measure(root):
    """Compiles the helper; returns its path, or None (then Python measures, RSS inflated)."""
    src, exe = os.path.join(root, "measure.c"), os.path.join(root, "measure")
    with open(src, "w") as f:
        f.write(MEASURE_C)
    cc = os.environ.get("CC", "cc")
    try:
        ok = subprocess.run([cc, "-O2", "-o", exe, src], capture_output=True).returncode == 0
    except OSError:
        ok = False
    return exe if ok else None


def clean_env(root):
    env = {k: os.environ[k] for k in ("PATH", "TMPDIR", "LANG") if k in os.environ}
    env.update(HOME=root, HELM_CACHE_HOME=os.path.join(root, "cache"),
               HELM_CONFIG_HOME=os.path.join(root, "config"),
               HELM_DATA_HOME=os.path.join(root, "data"))
    return env


def run(argv, env, workdir, measure):
    """Runs argv; returns (seconds, peak RSS in KiB, exit status, stdout, stderr)."""
    out_path, err_path = os.path.join(workdir, "out"), os.path.join(workdir, "err")
    res_path = os.path.join(workdir, "res")
    if measure:
        argv = [measure, res_path] + argv
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        start = time.perf_counter()
        try:
            pid = os.posix_spawn(argv[0], argv, env, file_actions=[
                (os.POSIX_SPAWN_OPEN, 0, "/dev/null", os.O_RDONLY, 0),
                (os.POSIX_SPAWN_DUP2, out.fileno(), 1), (os.POSIX_SPAWN_DUP2, err.fileno(), 2)])
        except OSError as e:
            return 0.0, 0, -1, b"", str(e).encode()
        _, status, usage = os.wait4(pid, 0)
        elapsed, rss = time.perf_counter() - start, usage.ru_maxrss
        status = os.waitstatus_to_exitcode(status)
    if measure:
        with open(res_path) as f:
            secs, kib, code = f.read().split()
        elapsed, rss, status = float(secs), int(kib), int(code)
    with open(out_path, "rb") as f:
        stdout = f.read()
    with open(err_path, "rb") as f:
        stderr = f.read()
    return elapsed, rss, status, stdout, stderr


class Tool:
    def __init__(self, name, path):
        self.name, self.path = name, os.path.abspath(path)
        self.times, self.rss, self.error, self.output = [], [], None, None
        self.measure = None

    def once(self, args, env, workdir):
        if not os.access(self.path, os.X_OK):
            self.error = self.error or "%s: not an executable file" % self.path
            return b""
        t, rss, status, out, err = run([self.path] + args, env, workdir, self.measure)
        if status != 0 and self.error is None:
            self.error = "exit %d: %s" % (status, err.decode("utf-8", "replace")[:800].strip())
        self.times.append(t)
        self.rss.append(rss)
        return out


def fmt_ms(s):
    return "%.1f ms" % (s * 1000)


def fmt_mib(kib):
    return "%.1f MiB" % (kib / 1024)


def single(helm, render, runs, env, workdir):
    args = ["template", "bench", CHART, "--namespace", "bench"]
    for _ in range(runs):
        helm.output = helm.once(args, env, workdir)
        render.output = render.once(args, env, workdir)
    print("Rendering tests/bench/bench-chart (%d runs each, interleaved)\n" % runs)
    print("%-8s %14s %14s %14s" % ("", "median wall", "min wall", "peak RSS"))
    for t in (helm, render):
        times, rss = t.times or [0.0], t.rss or [0]
        print("%-8s %14s %14s %14s" % (t.name, fmt_ms(statistics.median(times)),
                                       fmt_ms(min(times)), fmt_mib(max(rss))))
    if render.error:
        print("\nrender failed: %s" % render.error)
    if helm.error:
        print("\nhelm failed: %s" % helm.error)
    if not render.error and not helm.error:
        speed = statistics.median(helm.times) / max(statistics.median(render.times), 1e-9)
        mem = max(helm.rss) / max(max(render.rss), 1)
        print("\nrender is %.1fx faster, uses %.1fx less memory" % (speed, mem))
        print("output identical to Helm's: %s" % ("yes" if helm.output == render.output else "NO"))


def tenants(helm, render, count, env, workdir):
    print("\nRendering %d tenants (one release each, different --set values)\n" % count)
    totals = {}
    for t in (helm, render):
        t.times, t.rss, t.error = [], [], None
        start = time.perf_counter()
        for i in range(count):
            t.once(["template", "tenant-%03d" % i, CHART, "--namespace", "tenant-%03d" % i,
                    "--set", "global.labels.tenant=t%03d,components.api.replicaCount=%d"
                    % (i, 1 + i % 5), "--set", "ingress.hosts[0].host=t%03d.example.com" % i],
                   env, workdir)
        totals[t.name] = time.perf_counter() - start
        print("%-8s %10.2f s total, %s per tenant, peak RSS %s%s" % (
            t.name, totals[t.name], fmt_ms(totals[t.name] / count), fmt_mib(max(t.rss or [0])),
            "  (failed: %s)" % t.error if t.error else ""))
    if not render.error and not helm.error:
        print("\nrender is %.1fx faster over %d tenants" % (totals["helm"] /
                                                            max(totals["render"], 1e-9), count))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--render", required=True)
    ap.add_argument("--helm", required=True)
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--tenants", type=int, default=100)
    opts = ap.parse_args()
    helm, render = Tool("helm", opts.helm), Tool("render", opts.render)
    with tempfile.TemporaryDirectory(prefix="render-bench-") as root:
        env = clean_env(root)
        helm.measure = render.measure = build_measure(root)
        if not helm.measure:
            print("(no C compiler: peak RSS includes the Python parent's)\n")
        single(helm, render, opts.runs, env, root)
        if opts.tenants > 0:
            tenants(helm, render, opts.tenants, env, root)
    return 0


if __name__ == "__main__":
    sys.exit(main())
