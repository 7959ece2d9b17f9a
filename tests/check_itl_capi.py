#!/usr/bin/env python3
"""Checks what charts/itl-k8s-capi renders in each environment, with a given binary.

    python3 tests/check_itl_capi.py PATH_TO_HELM_OR_RENDER

For default, dev, staging and prod (each with and without --api-versions
monitoring.coreos.com/v1) it asserts that the kinds and names rendered are exactly the ones the
design (../shared/docs/ITL-CAPI.md) lists for that environment, spot-checks the fields the
environment table asks for, and checks that the VCluster's spec.helmRelease.values string is
YAML whose key paths are all listed in tests/vcluster_keys.txt. It also checks the key paths of
the tenant values files (charts/vcluster-tenants/*.yaml) and that the chart README is up to date.
Exits non-zero on any failure.
"""
import os
import subprocess
import sys

import yaml

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CHART = "charts/itl-k8s-capi"
TENANTS = "charts/vcluster-tenants"
MON = ["--api-versions", "monitoring.coreos.com/v1"]

# Environment -> (values file or None, objects always rendered, objects added with the monitoring API).
ENVS = {
    "default": (None,
                {("Cluster", "release-name-itl-k8s-capi"), ("VCluster", "release-name-itl-k8s-capi")},
                set()),
    "dev": ("values-dev.yaml",
            {("Cluster", "itl-dev"), ("VCluster", "itl-dev"), ("Service", "itl-dev-nodeport")},
            set()),
    "staging": ("values-staging.yaml",
                {("Cluster", "itl-staging"), ("VCluster", "itl-staging"), ("Ingress", "itl-staging"),
                 ("NetworkPolicy", "itl-staging-api")},
                {("ServiceMonitor", "itl-staging")}),
    "prod": ("values-prod.yaml",
             {("Cluster", "itl-prod"), ("VCluster", "itl-prod"), ("Service", "itl-prod-loadbalancer"),
              ("PodDisruptionBudget", "itl-prod"), ("NetworkPolicy", "itl-prod-api"),
              ("Role", "itl-prod-kubeconfig-reader"), ("RoleBinding", "itl-prod-kubeconfig-reader")},
             {("ServiceMonitor", "itl-prod")}),
}

API_VERSIONS = {
    "Cluster": "cluster.x-k8s.io/v1beta1", "VCluster": "infrastructure.cluster.x-k8s.io/v1alpha1",
    "Service": "v1", "Ingress": "networking.k8s.io/v1", "ServiceMonitor": "monitoring.coreos.com/v1",
    "PodDisruptionBudget": "policy/v1", "NetworkPolicy": "networking.k8s.io/v1",
    "Role": "rbac.authorization.k8s.io/v1", "RoleBinding": "rbac.authorization.k8s.io/v1",
}


class Checker:
    def __init__(self):
        self.failures = []
        self.checks = 0

    def expect(self, cond, what):
        self.checks += 1
        if not cond:
            self.failures.append(what)
        return cond


def render(binary, flags):
    argv = [binary, "template", CHART] + flags
    p = subprocess.run(argv, cwd=REPO, capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError("%s failed (%d): %s" % (" ".join(argv), p.returncode, p.stderr.strip()))
    return [d for d in yaml.safe_load_all(p.stdout) if d]


def load_keys():
    exact, free = set(), []
    with open(os.path.join(REPO, "tests", "vcluster_keys.txt"), encoding="utf-8") as f:
        for line in f:
            path = line.split("#", 1)[0].strip()
            if path.endswith(".*"):
                free.append(path[:-1])
            elif path:
                exact.add(path)
    return exact, free


def leaf_paths(node, prefix=""):
    """Dotted paths of the leaves of a map (lists and scalars are leaves)."""
    if isinstance(node, dict) and node:
        for k, v in node.items():
            yield from leaf_paths(v, "%s%s." % (prefix, k))
    else:
        yield prefix[:-1]


def check_keys(c, where, values, keys):
    exact, free = keys
    for path in leaf_paths(values):
        ok = path in exact or any(path.startswith(p) for p in free)
        c.expect(ok, "%s: key path %s is not in tests/vcluster_keys.txt" % (where, path))


def by_kind(docs):
    out = {}
    for d in docs:
        out.setdefault(d["kind"], []).append(d)
    return out


def check_common(c, env, docs, keys):
    """Namespaces, API versions, Cluster refs and the VCluster values string."""
    objs = by_kind(docs)
    vc, cl = objs["VCluster"][0], objs["Cluster"][0]
    name, ns = vc["metadata"]["name"], vc["metadata"]["namespace"]
    for d in docs:
        c.expect(d["metadata"].get("namespace") == ns, "%s: %s/%s not in namespace %s"
                 % (env, d["kind"], d["metadata"]["name"], ns))
        c.expect(d["apiVersion"] == API_VERSIONS[d["kind"]], "%s: %s has apiVersion %s"
                 % (env, d["kind"], d["apiVersion"]))
        c.expect(d["metadata"]["labels"].get("app.kubernetes.io/managed-by") in ("Helm",),
                 "%s: %s lacks the managed-by label" % (env, d["kind"]))
    c.expect(cl["metadata"]["name"] == name and len(name) <= 52, "%s: Cluster/VCluster names" % env)
    for ref in ("controlPlaneRef", "infrastructureRef"):
        r = cl["spec"][ref]
        c.expect(r["kind"] == "VCluster" and r["name"] == name, "%s: Cluster %s" % (env, ref))
    hr = vc["spec"]["helmRelease"]
    c.expect(hr["chart"] == {"name": "vcluster", "repo": "https://charts.loft.sh", "version": "0.26.0"},
             "%s: helmRelease.chart is %r" % (env, hr["chart"]))
    if not c.expect(isinstance(hr.get("values"), str), "%s: helmRelease.values is not a string" % env):
        return {}
    try:
        values = yaml.safe_load(hr["values"])
    except yaml.YAMLError as e:
        c.expect(False, "%s: helmRelease.values is not YAML: %s" % (env, e))
        return {}
    c.expect(isinstance(values, dict), "%s: helmRelease.values is not a map" % env)
    check_keys(c, "%s VCluster values" % env, values, keys)
    c.expect(dig(values, "controlPlane.distro.k8s.image.tag") == "v1.32.1",
             "%s: Kubernetes version not passed" % env)
    return values


def dig(node, path):
    for k in path.split("."):
        if not isinstance(node, dict) or k not in node:
            return None
        node = node[k]
    return node


def check_dev(c, objs, values):
    svc = objs["Service"][0]["spec"]
    c.expect(svc["type"] == "NodePort" and svc["ports"][0]["nodePort"] == 31443, "dev: NodePort 31443")
    ep = objs["VCluster"][0]["spec"].get("controlPlaneEndpoint")
    c.expect(ep == {"host": "dev-node-1.itl.internal", "port": 31443}, "dev: endpoint %r" % ep)
    c.expect(dig(values, "controlPlane.backingStore.database.embedded.enabled") is True, "dev: SQLite")
    c.expect(dig(values, "exportKubeConfig.server") == "https://dev-node-1.itl.internal:31443",
             "dev: exportKubeConfig.server")


def check_staging(c, objs, values):
    ing = objs["Ingress"][0]
    ann = ing["metadata"]["annotations"]
    c.expect(ann.get("nginx.ingress.kubernetes.io/ssl-passthrough") == "true"
             and ann.get("nginx.ingress.kubernetes.io/backend-protocol") == "HTTPS"
             and ann.get("nginx.ingress.kubernetes.io/ssl-redirect") == "false", "staging: passthrough")
    rule = ing["spec"]["rules"][0]
    back = rule["http"]["paths"][0]["backend"]["service"]
    c.expect(rule["host"] == "api.staging.vcluster.itl.example.com", "staging: ingress host")
    c.expect(back == {"name": "itl-staging", "port": {"number": 443}}, "staging: backend %r" % back)
    c.expect(dig(values, "controlPlane.proxy.extraSANs") == [rule["host"]], "staging: extraSANs")
    c.expect(dig(values, "controlPlane.statefulSet.resources.requests.memory") == "1Gi",
             "staging: resources")
    c.expect(dig(values, "policies.networkPolicy.enabled") is True, "staging: vcluster policies")
    for sm in objs.get("ServiceMonitor", []):
        paths = [e["path"] for e in sm["spec"]["endpoints"]]
        c.expect(paths == ["/metrics"], "staging: ServiceMonitor paths %r" % paths)


def check_prod(c, objs, values):
    svc = objs["Service"][0]
    spec = svc["spec"]
    c.expect(spec["type"] == "LoadBalancer" and spec["externalTrafficPolicy"] == "Local"
             and spec["loadBalancerSourceRanges"], "prod: LoadBalancer spec")
    c.expect(svc["metadata"]["annotations"].get("metallb.universe.tf/loadBalancerIPs") == "10.20.30.40",
             "prod: MetalLB IP annotation")
    c.expect(dig(values, "controlPlane.statefulSet.highAvailability.replicas") == 3, "prod: 3 replicas")
    c.expect(dig(values, "controlPlane.backingStore.etcd.deploy.enabled") is True, "prod: deployed etcd")
    c.expect(dig(values, "controlPlane.backingStore.etcd.deploy.statefulSet.highAvailability.replicas")
             == 3, "prod: 3 etcd replicas")
    c.expect(dig(values, "controlPlane.statefulSet.scheduling.affinity.podAntiAffinity") is not None,
             "prod: anti-affinity")
    c.expect(dig(values, "controlPlane.statefulSet.security.containerSecurityContext.runAsNonRoot")
             is True, "prod: hardened security context")
    c.expect(objs["PodDisruptionBudget"][0]["spec"].get("minAvailable") == 2, "prod: PDB minAvailable 2")
    rule = objs["Role"][0]["rules"][0]
    c.expect(rule["resourceNames"] == ["itl-prod-kubeconfig"], "prod: Role on the kubeconfig")
    for sm in objs.get("ServiceMonitor", []):
        paths = [e["path"] for e in sm["spec"]["endpoints"]]
        c.expect(paths == ["/metrics", "/metrics/controller-manager"], "prod: ServiceMonitor %r" % paths)


SPECIFIC = {"dev": check_dev, "staging": check_staging, "prod": check_prod}


def check_env(c, binary, env, keys):
    vfile, base, with_mon = ENVS[env]
    flags = ["-f", "%s/%s" % (CHART, vfile)] if vfile else []
    for mon in (False, True):
        label = env + (" +monitoring API" if mon else "")
        try:
            docs = render(binary, flags + (MON if mon else []))
        except RuntimeError as e:
            c.expect(False, "%s: %s" % (label, e))
            continue
        got = {(d["kind"], d["metadata"]["name"]) for d in docs}
        want = base | with_mon if mon else base
        print("%-26s %s" % (label + ":", ", ".join("%s/%s" % o for o in sorted(got))))
        c.expect(len(docs) == len(got), "%s: duplicate objects" % label)
        if not c.expect(got == want, "%s: objects %s, want %s" % (label, sorted(got), sorted(want))):
            continue
        try:
            values = check_common(c, label, docs, keys)
            if env in SPECIFIC:
                SPECIFIC[env](c, by_kind(docs), values)
        except (KeyError, IndexError, TypeError, AttributeError) as e:
            c.expect(False, "%s: missing or malformed field (%s: %s)" % (label, type(e).__name__, e))


def check_tenants(c, keys):
    folder = os.path.join(REPO, TENANTS)
    names = sorted(n for n in os.listdir(folder) if n.endswith(".yaml"))
    c.expect(set(names) >= {"team-a.yaml", "team-b.yaml", "dev.yaml", "staging.yaml"},
             "tenants: files %r" % names)
    for n in names:
        with open(os.path.join(folder, n), encoding="utf-8") as f:
            values = yaml.safe_load(f)
        c.expect(isinstance(values, dict) and values, "tenants: %s is empty" % n)
        check_keys(c, "tenants/%s" % n, values or {}, keys)


def check_readme(c):
    p = subprocess.run([sys.executable, os.path.join(REPO, "tests", "gen_chart_readme.py"), "--check"],
                       cwd=REPO, capture_output=True, text=True)
    c.expect(p.returncode == 0, "README: %s" % (p.stdout + p.stderr).strip())


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: check_itl_capi.py PATH_TO_HELM_OR_RENDER")
    binary = os.path.abspath(sys.argv[1]) if os.sep in sys.argv[1] else sys.argv[1]
    c, keys = Checker(), load_keys()
    for env in ENVS:
        check_env(c, binary, env, keys)
    check_tenants(c, keys)
    check_readme(c)
    for f in c.failures:
        print("FAIL " + f)
    print("check_itl_capi: %d checks, %d failed" % (c.checks, len(c.failures)))
    sys.exit(1 if c.failures else 0)


if __name__ == "__main__":
    main()
