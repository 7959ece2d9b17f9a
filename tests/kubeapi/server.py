#!/usr/bin/env python3
"""A small in-memory Kubernetes API server for tests (Python 3 standard library only).

It speaks enough of the API for Helm 3.17 and kubectl 1.31: discovery, CRUD of any
registered kind (plus CRDs created at run time), label/field selectors, merge, strategic
(subset), JSON and server-side apply patches, watches, and a tiny controller emulation
(Deployments/ReplicaSets/StatefulSets/DaemonSets ready at once, Jobs complete, Services get
a cluster IP). See README.md beside this file for usage and limits.
"""
import argparse
import atexit
import base64
import copy
import datetime
import hashlib
import http.server
import json
import os
import random
import re
import secrets
import shutil
import signal
import socketserver
import ssl
import string
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid

MAX_BODY = 16 << 20
SERVER_VERSION = {
	"major": "1", "minor": "31", "gitVersion": "v1.31.0", "gitCommit": "0000000000000000000000000000000000000000",
	"gitTreeState": "clean", "buildDate": "2024-08-13T00:00:00Z", "goVersion": "go1.22.5",
	"compiler": "gc", "platform": "linux/amd64",
}

# (group, version, plural, kind, namespaced, shortNames, extra verbs/subresources)
BUILTIN = [
	("", "v1", "namespaces", "Namespace", False, ["ns"], ["status", "finalize"]),
	("", "v1", "configmaps", "ConfigMap", True, ["cm"], []),
	("", "v1", "secrets", "Secret", True, [], []),
	("", "v1", "services", "Service", True, ["svc"], ["status"]),
	("", "v1", "serviceaccounts", "ServiceAccount", True, ["sa"], []),
	("", "v1", "pods", "Pod", True, ["po"], ["status"]),
	("", "v1", "persistentvolumeclaims", "PersistentVolumeClaim", True, ["pvc"], ["status"]),
	("", "v1", "persistentvolumes", "PersistentVolume", False, ["pv"], ["status"]),
	("", "v1", "events", "Event", True, ["ev"], []),
	("", "v1", "endpoints", "Endpoints", True, ["ep"], []),
	("", "v1", "nodes", "Node", False, ["no"], ["status"]),
	("", "v1", "replicationcontrollers", "ReplicationController", True, ["rc"], ["status"]),
	("", "v1", "resourcequotas", "ResourceQuota", True, ["quota"], ["status"]),
	("", "v1", "limitranges", "LimitRange", True, ["limits"], []),
	("", "v1", "podtemplates", "PodTemplate", True, [], []),
	("apps", "v1", "deployments", "Deployment", True, ["deploy"], ["status", "scale"]),
	("apps", "v1", "replicasets", "ReplicaSet", True, ["rs"], ["status", "scale"]),
	("apps", "v1", "statefulsets", "StatefulSet", True, ["sts"], ["status", "scale"]),
	("apps", "v1", "daemonsets", "DaemonSet", True, ["ds"], ["status"]),
	("apps", "v1", "controllerrevisions", "ControllerRevision", True, [], []),
	("batch", "v1", "jobs", "Job", True, [], ["status"]),
	("batch", "v1", "cronjobs", "CronJob", True, ["cj"], ["status"]),
	("networking.k8s.io", "v1", "ingresses", "Ingress", True, ["ing"], ["status"]),
	("networking.k8s.io", "v1", "ingressclasses", "IngressClass", False, [], []),
	("networking.k8s.io", "v1", "networkpolicies", "NetworkPolicy", True, ["netpol"], []),
	("policy", "v1", "poddisruptionbudgets", "PodDisruptionBudget", True, ["pdb"], ["status"]),
	("rbac.authorization.k8s.io", "v1", "roles", "Role", True, [], []),
	("rbac.authorization.k8s.io", "v1", "rolebindings", "RoleBinding", True, [], []),
	("rbac.authorization.k8s.io", "v1", "clusterroles", "ClusterRole", False, [], []),
	("rbac.authorization.k8s.io", "v1", "clusterrolebindings", "ClusterRoleBinding", False, [], []),
	("apiextensions.k8s.io", "v1", "customresourcedefinitions", "CustomResourceDefinition", False, ["crd", "crds"], ["status"]),
	("autoscaling", "v2", "horizontalpodautoscalers", "HorizontalPodAutoscaler", True, ["hpa"], ["status"]),
	("autoscaling", "v1", "horizontalpodautoscalers", "HorizontalPodAutoscaler", True, ["hpa"], ["status"]),
	("coordination.k8s.io", "v1", "leases", "Lease", True, [], []),
	("storage.k8s.io", "v1", "storageclasses", "StorageClass", False, ["sc"], []),
	("scheduling.k8s.io", "v1", "priorityclasses", "PriorityClass", False, ["pc"], []),
	("discovery.k8s.io", "v1", "endpointslices", "EndpointSlice", True, [], []),
	("admissionregistration.k8s.io", "v1", "validatingwebhookconfigurations", "ValidatingWebhookConfiguration", False, [], []),
	("admissionregistration.k8s.io", "v1", "mutatingwebhookconfigurations", "MutatingWebhookConfiguration", False, [], []),
]
ANN_READY = "kubeapi.test/ready"
ANN_REVISION = "deployment.kubernetes.io/revision"
ANN_JOB = "kubeapi.test/job"
ANN_READY_AFTER = "kubeapi.test/ready-after"
GENERATION_KINDS = {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob", "CustomResourceDefinition"}
ALL_CATEGORY = {"pods", "services", "replicationcontrollers", "deployments", "replicasets", "statefulsets",
                "daemonsets", "jobs", "cronjobs", "horizontalpodautoscalers"}
VERBS = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]


def now_rfc3339():
	return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class ApiError(Exception):
	def __init__(self, code, reason, message, details=None):
		super().__init__(message)
		self.code, self.reason, self.message, self.details = code, reason, message, details

	def status(self):
		s = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
		     "message": self.message, "reason": self.reason, "code": self.code}
		if self.details is not None:
			s["details"] = self.details
		return s


class Resource:
	def __init__(self, group, version, plural, kind, namespaced, short, subs, singular=None, categories=None):
		self.group, self.version, self.plural, self.kind = group, version, plural, kind
		self.namespaced, self.short, self.subs = namespaced, short, subs
		self.singular = singular or kind.lower()
		self.builtin = False  # built-in lists leave kind and apiVersion out of their items
		self.categories = categories

	@property
	def api_version(self):
		return self.group + "/" + self.version if self.group else self.version

	@property
	def qualified(self):
		"""Name used in error messages: plural[.group]."""
		return self.plural + "." + self.group if self.group else self.plural

	def discovery(self):
		out = [{"name": self.plural, "singularName": self.singular, "namespaced": self.namespaced,
		        "kind": self.kind, "verbs": VERBS}]
		if self.short:
			out[0]["shortNames"] = self.short
		if self.categories:
			out[0]["categories"] = self.categories
		for s in self.subs:
			verbs = ["update"] if s == "finalize" else ["get", "patch", "update"]
			kind = "Scale" if s == "scale" else self.kind
			entry = {"name": self.plural + "/" + s, "singularName": "", "namespaced": self.namespaced,
			         "kind": kind, "verbs": verbs}
			if s == "scale":
				entry["group"], entry["version"] = "autoscaling", "v1"
			out.append(entry)
		return out


# ---------------------------------------------------------------- selectors

def parse_label_selector(text):
	"""Returns a list of (key, op, values); op in =, !=, in, notin, exists, !exists."""
	reqs = []
	text = (text or "").strip()
	if not text:
		return reqs
	parts, depth, cur = [], 0, ""
	for ch in text:
		if ch == "(":
			depth += 1
		elif ch == ")":
			depth -= 1
		if ch == "," and depth == 0:
			parts.append(cur)
			cur = ""
		else:
			cur += ch
	parts.append(cur)
	for p in parts:
		p = p.strip()
		if not p:
			raise ApiError(400, "BadRequest", "unable to parse requirement: empty requirement")
		m = re.match(r"^([A-Za-z0-9_./-]+)\s+(in|notin)\s*\((.*)\)$", p)
		if m:
			vals = [v.strip() for v in m.group(3).split(",") if v.strip()]
			reqs.append((m.group(1), m.group(2), vals))
			continue
		m = re.match(r"^([A-Za-z0-9_./-]+)\s*(==|!=|=)\s*([A-Za-z0-9_.-]*)$", p)
		if m:
			op = "!=" if m.group(2) == "!=" else "="
			reqs.append((m.group(1), op, [m.group(3)]))
			continue
		m = re.match(r"^(!?)\s*([A-Za-z0-9_./-]+)$", p)
		if m:
			reqs.append((m.group(2), "!exists" if m.group(1) else "exists", []))
			continue
		raise ApiError(400, "BadRequest", "unable to parse requirement: %r" % p)
	return reqs


def labels_match(reqs, labels):
	labels = labels or {}
	for key, op, vals in reqs:
		has = key in labels
		v = labels.get(key)
		if op == "=" and not (has and v == vals[0]):
			return False
		if op == "!=" and has and v == vals[0]:
			return False
		if op == "in" and not (has and v in vals):
			return False
		if op == "notin" and has and v in vals:
			return False
		if op == "exists" and not has:
			return False
		if op == "!exists" and has:
			return False
	return True


def parse_field_selector(text):
	reqs = []
	for p in (text or "").split(","):
		p = p.strip()
		if not p:
			continue
		m = re.match(r"^([A-Za-z0-9_.]+)\s*(==|!=|=)\s*(.*)$", p)
		if not m:
			raise ApiError(400, "BadRequest", "invalid field selector: %r" % p)
		reqs.append((m.group(1), "!=" if m.group(2) == "!=" else "=", m.group(3)))
	return reqs


def fields_match(reqs, obj):
	for path, op, want in reqs:
		cur = obj
		for part in path.split("."):
			cur = cur.get(part) if isinstance(cur, dict) else None
		have = "" if cur is None else (cur if isinstance(cur, str) else json.dumps(cur))
		if (have == want) != (op == "="):
			return False
	return True


# ---------------------------------------------------------------- patches

def merge_patch(orig, patch):
	"""RFC 7386 JSON merge patch."""
	if not isinstance(patch, dict):
		return copy.deepcopy(patch)
	result = copy.deepcopy(orig) if isinstance(orig, dict) else {}
	for k, v in patch.items():
		if v is None:
			result.pop(k, None)
		else:
			result[k] = merge_patch(result.get(k), v)
	return result


# merge keys of strategic merge patch lists (field name -> key); others are replaced whole
SMP_KEYS = {
	"containers": "name", "initContainers": "name", "ephemeralContainers": "name",
	"volumes": "name", "env": "name", "imagePullSecrets": "name", "volumeMounts": "mountPath",
	"volumeDevices": "devicePath", "hostAliases": "ip", "conditions": "type",
	"ownerReferences": "uid", "topologySpreadConstraints": "topologyKey",
	"resourceClaims": "name", "schedulingGates": "name",
}
SMP_PRIMITIVE_MERGE = {"finalizers"}


def _smp_key(field, items):
	if field == "ports":
		for it in items:
			if isinstance(it, dict) and "containerPort" in it:
				return "containerPort"
		return "port"
	return SMP_KEYS.get(field)


def strip_directives(v):
	if isinstance(v, dict):
		return {k: strip_directives(x) for k, x in v.items() if not k.startswith("$")}
	if isinstance(v, list):
		return [strip_directives(x) for x in v if not (isinstance(x, dict) and x.get("$patch") in ("delete", "replace") and len(x) == 1)]
	return v


def strategic_merge(orig, patch):
	"""A subset of Kubernetes' strategic merge patch, driven by field names, not schemas."""
	if not isinstance(patch, dict):
		return copy.deepcopy(patch)
	directive = patch.get("$patch")
	if directive == "replace":
		return strip_directives(patch)
	if directive == "delete":
		return None
	result = copy.deepcopy(orig) if isinstance(orig, dict) else {}
	orders = {}
	for k, v in patch.items():
		if k == "$patch" or k == "$retainKeys":
			continue
		if k.startswith("$setElementOrder/"):
			orders[k.split("/", 1)[1]] = v
			continue
		if k.startswith("$deleteFromPrimitiveList/"):
			f = k.split("/", 1)[1]
			if isinstance(result.get(f), list):
				result[f] = [x for x in result[f] if x not in v]
			continue
		if v is None:
			result.pop(k, None)
		elif isinstance(v, dict):
			merged = strategic_merge(result.get(k), v)
			if merged is None:
				result.pop(k, None)
			else:
				result[k] = merged
		elif isinstance(v, list):
			result[k] = _smp_list(k, result.get(k), v)
		else:
			result[k] = v
	for f, order in orders.items():
		if isinstance(result.get(f), list):
			result[f] = _smp_order(f, result[f], order)
	if "$retainKeys" in patch:
		keep = set(patch["$retainKeys"]) | {k for k in patch if not k.startswith("$")}
		result = {k: v for k, v in result.items() if k in keep}
	return result


def _smp_list(field, orig, patch):
	if any(isinstance(x, dict) and x.get("$patch") == "replace" for x in patch):
		return strip_directives(patch)
	orig = orig if isinstance(orig, list) else []
	if field in SMP_PRIMITIVE_MERGE:
		out = list(orig)
		for x in patch:
			if x not in out:
				out.append(x)
		return out
	key = _smp_key(field, patch + orig)
	if not key or not all(isinstance(x, dict) for x in patch):
		return strip_directives(patch)
	out = copy.deepcopy(orig)
	for item in patch:
		kv = item.get(key)
		idx = next((i for i, o in enumerate(out) if isinstance(o, dict) and o.get(key) == kv), None)
		if item.get("$patch") == "delete":
			if idx is not None:
				out.pop(idx)
			continue
		if idx is None:
			out.append(strip_directives(item))
		else:
			out[idx] = strategic_merge(out[idx], item)
	return out


def _smp_order(field, items, order):
	key = _smp_key(field, items)
	if key is None:
		return items

	def kv(x):
		return x.get(key) if isinstance(x, dict) else x
	wanted = [kv(o) for o in order]
	placed = [next(x for x in items if kv(x) == w) for w in wanted if any(kv(x) == w for x in items)]
	rest = [x for x in items if kv(x) not in wanted]
	return placed + rest


def _pointer(path):
	if path == "":
		return []
	if not path.startswith("/"):
		raise ApiError(422, "Invalid", "invalid JSON pointer %r" % path)
	return [p.replace("~1", "/").replace("~0", "~") for p in path[1:].split("/")]


def _walk(doc, parts):
	cur = doc
	for p in parts:
		if isinstance(cur, dict) and p in cur:
			cur = cur[p]
		elif isinstance(cur, list) and p.isdigit() and int(p) < len(cur):
			cur = cur[int(p)]
		else:
			raise ApiError(422, "Invalid", "json patch: path not found: /" + "/".join(parts))
	return cur


def json_patch(doc, ops):
	if not isinstance(ops, list):
		raise ApiError(400, "BadRequest", "json patch must be a list of operations")
	doc = copy.deepcopy(doc)
	for op in ops:
		kind = op.get("op")
		parts = _pointer(op.get("path", ""))
		if kind in ("move", "copy"):
			src = _pointer(op.get("from", ""))
			val = copy.deepcopy(_walk(doc, src))
			if kind == "move":
				doc = _remove(doc, src)
			doc = _add(doc, parts, val)
		elif kind == "add":
			doc = _add(doc, parts, copy.deepcopy(op.get("value")))
		elif kind == "remove":
			doc = _remove(doc, parts)
		elif kind == "replace":
			_walk(doc, parts)
			doc = _add(_remove(doc, parts), parts, copy.deepcopy(op.get("value")))
		elif kind == "test":
			if _walk(doc, parts) != op.get("value"):
				raise ApiError(422, "Invalid", "json patch test operation failed")
		else:
			raise ApiError(400, "BadRequest", "unknown json patch operation %r" % kind)
	return doc


def _add(doc, parts, val):
	if not parts:
		return val
	parent = _walk(doc, parts[:-1])
	last = parts[-1]
	if isinstance(parent, dict):
		parent[last] = val
	elif isinstance(parent, list):
		if last == "-":
			parent.append(val)
		elif last.isdigit() and int(last) <= len(parent):
			parent.insert(int(last), val)
		else:
			raise ApiError(422, "Invalid", "json patch: bad array index %r" % last)
	else:
		raise ApiError(422, "Invalid", "json patch: cannot add to a scalar")
	return doc


def _remove(doc, parts):
	if not parts:
		return None
	parent = _walk(doc, parts[:-1])
	last = parts[-1]
	if isinstance(parent, dict) and last in parent:
		del parent[last]
	elif isinstance(parent, list) and last.isdigit() and int(last) < len(parent):
		parent.pop(int(last))
	else:
		raise ApiError(422, "Invalid", "json patch: path not found: /" + "/".join(parts))
	return doc


# ---------------------------------------------------------------- server-side apply field sets
# Field ownership as the apiserver keeps it in managedFields (FieldsV1): a set of paths
# whose elements are "f:field", "k:{merge key}" (list items), "v:value" (set lists);
# a list item that is itself owned is a path too (written "." in FieldsV1). Lists
# without a merge key are atomic (one leaf). Fields the apiserver strips are left out.

SSA_SET_LISTS = {"finalizers"}
SSA_META_IGNORED = {"name", "namespace", "uid", "resourceVersion", "generation", "creationTimestamp",
                    "selfLink", "managedFields", "deletionTimestamp", "deletionGracePeriodSeconds"}


def _ssa_json(v):
	return json.dumps(v, sort_keys=True, separators=(",", ":"))


def _ssa_item(field, item, items):
	"""The path element of one list item: "k:{...}" by merge key, "v:..." in a set list."""
	if field in SSA_SET_LISTS:
		return "v:" + _ssa_json(item)
	key = _smp_key(field, items)
	if not key or not isinstance(item, dict) or key not in item:
		return None
	k = {key: item[key]}
	if field == "ports":
		k["protocol"] = item.get("protocol", "TCP")
	return "k:" + _ssa_json(k)


def _ssa_keyed(field, items):
	return field in SSA_SET_LISTS or all(_ssa_item(field, it, items) for it in items)


def ssa_paths(v, prefix=(), field=None, out=None):
	out = set() if out is None else out
	if isinstance(v, dict) and v:
		for k, x in v.items():
			ssa_paths(x, prefix + ("f:" + k,), k, out)
	elif isinstance(v, list) and v and _ssa_keyed(field, v):
		for it in v:
			p = prefix + (_ssa_item(field, it, v),)
			out.add(p)
			if isinstance(it, dict) and field not in SSA_SET_LISTS:
				ssa_paths(it, p, None, out)
	else:
		out.add(prefix)
	return out


def ssa_fieldset(obj, subresource=None):
	"""The paths of an object a manager can own (status only through its subresource)."""
	if not isinstance(obj, dict):
		return set()
	if subresource == "status":
		return ssa_paths({"status": obj["status"]}) if obj.get("status") else set()
	o = {k: v for k, v in obj.items() if k not in ("apiVersion", "kind", "status", "metadata")}
	md = {k: v for k, v in (obj.get("metadata") or {}).items() if k not in SSA_META_IGNORED}
	if md:
		o["metadata"] = md
	return ssa_paths(o) if o else set()


def ssa_get(obj, path):
	"""(True, value) at path, or (False, None)."""
	cur, field = obj, None
	for el in path:
		if el.startswith("f:"):
			if not isinstance(cur, dict) or el[2:] not in cur:
				return False, None
			cur, field = cur[el[2:]], el[2:]
		else:
			if not isinstance(cur, list):
				return False, None
			hit = [it for it in cur if _ssa_item(field, it, cur) == el]
			if not hit:
				return False, None
			cur, field = hit[0], None
	return True, cur


def ssa_remove(obj, path):
	if not path:
		return
	found, parent = ssa_get(obj, path[:-1])
	el = path[-1]
	if not found:
		return
	if isinstance(parent, dict) and el.startswith("f:"):
		parent.pop(el[2:], None)
	elif isinstance(parent, list):
		field = path[-2][2:] if len(path) > 1 and path[-2].startswith("f:") else None
		parent[:] = [it for it in parent if _ssa_item(field, it, parent) != el]


def ssa_from_fields(f, prefix=(), out=None):
	out = set() if out is None else out
	if not isinstance(f, dict):
		return out
	for k, v in f.items():
		if k == ".":
			out.add(prefix)
		elif isinstance(v, dict) and v:
			ssa_from_fields(v, prefix + (k,), out)
		else:
			out.add(prefix + (k,))
	return out


def ssa_to_fields(paths):
	root = {}
	for p in sorted(paths):
		node = root
		for el in p:
			node = node.setdefault(el, {})
	for p in paths:  # an owned item with owned fields below it
		node = root
		for el in p:
			node = node[el]
		if node and "." not in node:
			node["."] = {}
	return root


def ssa_path_string(path):
	"""A path as the apiserver prints it: .spec.containers[name="web"].image"""
	s = ""
	for el in path:
		if el.startswith("f:"):
			s += "." + el[2:]
		elif el.startswith("k:"):
			s += "[" + ",".join("%s=%s" % (k, json.dumps(v)) for k, v in sorted(json.loads(el[2:]).items())) + "]"
		elif el.startswith("v:"):
			s += "[=" + el[2:] + "]"
	return s


def ssa_manager_string(m):
	s = json.dumps(m.get("manager", ""))
	if m.get("subresource"):
		s += " with subresource " + json.dumps(m["subresource"])
	if m.get("operation") == "Update":
		s += " using " + m.get("apiVersion", "")
	return s


def ssa_conflict(conflicts):
	"""The apiserver's 409 for apply conflicts: [(entry, path)]."""
	causes = [{"reason": "FieldManagerConflict", "message": "conflict with " + ssa_manager_string(m),
	           "field": ssa_path_string(p)} for m, p in conflicts]
	if len(conflicts) == 1:
		m, p = conflicts[0]
		msg = "Apply failed with 1 conflict: conflict with %s: %s" % (ssa_manager_string(m), ssa_path_string(p))
	else:
		by = {}
		for m, p in conflicts:
			by.setdefault(ssa_manager_string(m), []).append(ssa_path_string(p))
		lines = []
		for man in sorted(by):
			lines.append("conflicts with %s:" % man)
			lines += ["- " + p for p in by[man]]
		msg = "Apply failed with %d conflicts: %s" % (len(conflicts), "\n".join(lines))
	return ApiError(409, "Conflict", msg, {"causes": causes})


def ssa_sort(entries):
	"""managedFields order: Apply before Update, then by time, manager, apiVersion."""
	entries.sort(key=lambda m: (m.get("operation", ""), m.get("time", ""), m.get("manager", ""),
	                            m.get("apiVersion", ""), m.get("subresource", "")))
	return entries


# ---------------------------------------------------------------- protobuf requests
# client-go's typed clients (Helm's release storage driver uses one for Secrets) send
# bodies as Kubernetes protobuf: "k8s\0" + runtime.Unknown{typeMeta, raw}. Only the
# messages Helm sends are known; answers are JSON, which those clients also accept.

PB_SCHEMAS = {
	"Unknown": {1: ("typeMeta", "TypeMeta"), 2: ("raw", "raw"), 3: ("contentEncoding", "string"), 4: ("contentType", "string")},
	"TypeMeta": {1: ("apiVersion", "string"), 2: ("kind", "string")},
	"Secret": {1: ("metadata", "ObjectMeta"), 2: ("data", "map:bytes"), 3: ("type", "string"),
	           4: ("stringData", "map:string"), 5: ("immutable", "bool")},
	"ConfigMap": {1: ("metadata", "ObjectMeta"), 2: ("data", "map:string"), 3: ("binaryData", "map:bytes"), 4: ("immutable", "bool")},
	"ObjectMeta": {1: ("name", "string"), 2: ("generateName", "string"), 3: ("namespace", "string"),
	               4: ("selfLink", "string"), 5: ("uid", "string"), 6: ("resourceVersion", "string"),
	               7: ("generation", "int"), 8: ("creationTimestamp", "Time"), 9: ("deletionTimestamp", "Time"),
	               10: ("deletionGracePeriodSeconds", "int"), 11: ("labels", "map:string"),
	               12: ("annotations", "map:string"), 13: ("ownerReferences", "[]OwnerReference"),
	               14: ("finalizers", "[]string"), 17: ("managedFields", "[]ManagedFieldsEntry")},
	"OwnerReference": {1: ("kind", "string"), 3: ("name", "string"), 4: ("uid", "string"), 5: ("apiVersion", "string"),
	                   6: ("controller", "bool"), 7: ("blockOwnerDeletion", "bool")},
	"ManagedFieldsEntry": {1: ("manager", "string"), 2: ("operation", "string"), 3: ("apiVersion", "string"),
	                       4: ("time", "Time"), 6: ("fieldsType", "string"), 7: ("fieldsV1", "FieldsV1"), 8: ("subresource", "string")},
	"FieldsV1": {1: ("Raw", "raw")},
	"Time": {1: ("seconds", "int"), 2: ("nanos", "int")},
	"DeleteOptions": {1: ("gracePeriodSeconds", "int"), 2: ("preconditions", "Preconditions"), 3: ("orphanDependents", "bool"),
	                  4: ("propagationPolicy", "string"), 5: ("dryRun", "[]string")},
	"Preconditions": {1: ("uid", "string"), 2: ("resourceVersion", "string")},
}


def pb_fields(buf):
	i, n = 0, len(buf)

	def varint():
		nonlocal i
		shift, val = 0, 0
		while True:
			if i >= n or shift > 63:
				raise ApiError(400, "BadRequest", "truncated protobuf varint")
			b = buf[i]
			i += 1
			val |= (b & 0x7F) << shift
			shift += 7
			if not b & 0x80:
				return val
	while i < n:
		key = varint()
		num, wt = key >> 3, key & 7
		if wt == 0:
			yield num, varint()
		elif wt == 2:
			ln = varint()
			if i + ln > n:
				raise ApiError(400, "BadRequest", "truncated protobuf field")
			yield num, buf[i:i + ln]
			i += ln
		elif wt == 1:
			yield num, buf[i:i + 8]
			i += 8
		elif wt == 5:
			yield num, buf[i:i + 4]
			i += 4
		else:
			raise ApiError(400, "BadRequest", "unsupported protobuf wire type %d" % wt)


def pb_decode(buf, schema):
	if schema not in PB_SCHEMAS:
		raise ApiError(415, "UnsupportedMediaType", "this test server cannot decode protobuf %s" % schema)
	out = {}
	for num, val in pb_fields(buf):
		if num not in PB_SCHEMAS[schema]:
			continue
		name, typ = PB_SCHEMAS[schema][num]
		rep = typ.startswith("[]")
		typ = typ[2:] if rep else typ
		if typ.startswith("map:"):
			kv = dict(pb_fields(val))
			k = kv.get(1, b"").decode()
			v = kv.get(2, b"")
			out.setdefault(name, {})[k] = base64.b64encode(v).decode() if typ == "map:bytes" else v.decode()
			continue
		if typ == "string":
			v = val.decode()
		elif typ == "raw":
			v = bytes(val)
		elif typ == "int":
			v = val - (1 << 64) if val >= 1 << 63 else val
		elif typ == "bool":
			v = bool(val)
		elif typ == "Time":
			t = pb_decode(val, "Time")
			v = datetime.datetime.fromtimestamp(t.get("seconds", 0), datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
		else:
			v = pb_decode(val, typ)
			if typ == "FieldsV1":
				v = json.loads(v.get("Raw") or b"{}")
		if rep:
			out.setdefault(name, []).append(v)
		else:
			out[name] = v
	return out


def pb_object(data):
	"""Decodes a Kubernetes protobuf body into the JSON form of the object."""
	if not data.startswith(b"k8s\x00"):
		raise ApiError(400, "BadRequest", "protobuf body without the k8s envelope")
	unk = pb_decode(data[4:], "Unknown")
	tm = unk.get("typeMeta", {})
	kind = tm.get("kind", "")
	obj = pb_decode(unk.get("raw", b""), kind)
	if tm.get("apiVersion"):
		obj["apiVersion"] = tm["apiVersion"]
	obj["kind"] = kind
	return obj


# ---------------------------------------------------------------- shapes
# A real server decodes into typed structs and answers 400 when a field has the wrong JSON
# type. Only the fields this server reads are checked, so that no body can break it.

SHAPES = {
	"*": {"metadata": dict, "spec": dict, "status": dict},
	"metadata": {"name": str, "generateName": str, "namespace": str, "labels": "strmap", "annotations": "strmap",
	             "finalizers": "strlist", "ownerReferences": "dictlist", "resourceVersion": str, "uid": str},
	"workload": {"template": dict, "selector": dict, "replicas": int, "strategy": dict, "updateStrategy": dict},
	"Service": {"ports": "dictlist", "type": str, "clusterIP": str},
	"Pod": {"containers": "dictlist", "restartPolicy": str},
	"Job": {"template": dict, "completions": int, "backoffLimit": int},
	"CustomResourceDefinition": {"versions": "dictlist", "names": dict, "group": str, "scope": str},
}


def _shape_ok(v, want):
	if v is None:
		return True
	if want == "strmap":
		return isinstance(v, dict) and all(isinstance(x, str) for x in v.values())
	if want == "strlist":
		return isinstance(v, list) and all(isinstance(x, str) for x in v)
	if want == "dictlist":
		return isinstance(v, list) and all(isinstance(x, dict) for x in v)
	if want is int:
		return isinstance(v, int) and not isinstance(v, bool)
	return isinstance(v, want)


def check_shape(r, obj):
	def bad(field, want):
		what = {"strmap": "map[string]string", "strlist": "[]string", "dictlist": "[]object", str: "string",
		        int: "integer", dict: "object"}.get(want, str(want))
		raise ApiError(400, "BadRequest", '%s in version "%s" cannot be handled as a %s: field %s must be %s'
		               % (r.kind, r.version, r.kind, field, what))
	if not isinstance(obj, dict):
		raise ApiError(400, "BadRequest", "the body of the request must be a JSON object")
	checks = [("", obj, SHAPES["*"]), ("metadata.", obj.get("metadata"), SHAPES["metadata"])]
	spec = obj.get("spec")
	if r.kind in ("Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "ReplicationController"):
		checks.append(("spec.", spec, SHAPES["workload"]))
	elif r.kind in SHAPES:
		checks.append(("spec.", spec, SHAPES[r.kind]))
	if r.kind == "Secret":
		checks.append(("", obj, {"data": "strmap", "stringData": "strmap", "type": str}))
	if r.kind == "CustomResourceDefinition" and isinstance(spec, dict):
		checks.append(("spec.", spec, {"names": dict}))
		checks.append(("spec.names.", spec.get("names"), {"plural": str, "kind": str, "singular": str, "shortNames": "strlist", "categories": "strlist"}))
		for i, v in enumerate(spec.get("versions") or []):
			checks.append(("spec.versions[%d]." % i, v, {"name": str, "subresources": dict}))
	if r.kind in ("Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job") and isinstance(spec, dict):
		checks.append(("spec.template.", spec.get("template"), {"metadata": dict, "spec": dict}))
		t = spec.get("template")
		if isinstance(t, dict):
			checks.append(("spec.template.metadata.", t.get("metadata"), {"labels": "strmap", "annotations": "strmap"}))
	for prefix, sub, shape in checks:
		if not isinstance(sub, dict):
			continue
		for field, want in shape.items():
			if not _shape_ok(sub.get(field), want):
				bad(prefix + field, want)


# ---------------------------------------------------------------- the store

class Store:
	def __init__(self, state_file=None):
		self.lock = threading.RLock()
		self.changed = threading.Condition(self.lock)
		self.rv = 1
		self.objects = {}   # (group, plural) -> {(ns, name): obj}
		self.events = []    # (rv, (group, plural), type, obj)
		self.resources = {}  # (group, version, plural) -> Resource
		self.state_file = state_file
		self.ip_next = 10
		self.ready_at = {}  # (uid, generation) -> time.monotonic() when kubeapi.test/ready-after lets it be ready
		for r in BUILTIN:
			res = Resource(*r)
			res.builtin = True
			if res.plural in ALL_CATEGORY:
				res.categories = ["all"]
			self.register(res)
		with self.lock:
			self.create_raw(self.res("", "v1", "namespaces"), {"apiVersion": "v1", "kind": "Namespace",
		                "metadata": {"name": "default"}})
			for ns in ("kube-system", "kube-public"):
				self.create_raw(self.res("", "v1", "namespaces"), {"apiVersion": "v1", "kind": "Namespace",
				                "metadata": {"name": ns}})

	def seed(self, path):
		"""Loads objects at start: a --state file, a v1 List ({"items": [...]}) or a JSON array.
		Namespaces and CRDs go first; missing namespaces are made; uid and creationTimestamp stay."""
		with open(path) as f:
			doc = json.load(f)
		if isinstance(doc, dict) and "objects" in doc:
			objs = [o["object"] for o in doc["objects"]]
		elif isinstance(doc, dict):
			objs = doc.get("items") or []
		else:
			objs = doc
		first = {"Namespace": 0, "CustomResourceDefinition": 1}
		nsr = self.res("", "v1", "namespaces")
		with self.lock:
			for obj in sorted(objs, key=lambda o: first.get(o.get("kind"), 2)):
				r = self.by_kind(obj.get("apiVersion", ""), obj.get("kind", ""))
				if r is None:
					raise SystemExit("%s: unknown kind %s %s" % (path, obj.get("apiVersion"), obj.get("kind")))
				md = obj.setdefault("metadata", {})
				ns = md.get("namespace") or "default"
				if r.namespaced and ("", ns) not in self.table(nsr):
					self.create_raw(nsr, {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}})
				if r.namespaced:
					md["namespace"] = ns
				if (ns if r.namespaced else "", md.get("name")) in self.table(r):
					continue  # default, kube-system... in a state file
				self.create_raw(r, copy.deepcopy(obj), seeding=True)
			self.save()

	def register(self, r):
		self.resources[(r.group, r.version, r.plural)] = r

	def res(self, group, version, plural):
		return self.resources.get((group, version, plural))

	def groups(self):
		"""Ordered {group: [versions]}; first version preferred."""
		out = {}
		for (g, v, _p) in self.resources:
			out.setdefault(g, [])
			if v not in out[g]:
				out[g].append(v)
		return out

	def held(self, obj):
		"""kubeapi.test/ready-after: "SECONDS" keeps a workload not ready for that long after
		its controller first saw its generation; a timer then runs the controller again."""
		md = obj["metadata"]
		try:
			delay = float((md.get("annotations") or {}).get(ANN_READY_AFTER, ""))
		except ValueError:
			return False
		uid = (md.get("uid"), md.get("generation"))
		if uid not in self.ready_at:
			self.ready_at[uid] = time.monotonic() + min(delay, 600)
			t = threading.Timer(max(0.0, self.ready_at[uid] - time.monotonic()) + 0.01, self.rerun,
			                    (obj.get("apiVersion", ""), obj.get("kind", ""), md.get("namespace", ""), md.get("name")))
			t.daemon = True
			t.start()
		return time.monotonic() < self.ready_at[uid]

	def rerun(self, api_version, kind, ns, name):
		with self.lock:
			r = self.by_kind(api_version, kind)
			obj = self.table(r).get((ns if r.namespaced else "", name)) if r else None
			if obj is not None:
				self.after_write(r, obj)

	def by_kind(self, api_version, kind):
		g, _, v = api_version.rpartition("/")
		for r in self.resources.values():
			if r.group == g and r.version == v and r.kind == kind:
				return r
		return None

	def table(self, r):
		return self.objects.setdefault((r.group, r.plural), {})

	def bump(self):
		self.rv += 1
		return str(self.rv)

	def emit(self, r, etype, obj):
		self.events.append((int(obj["metadata"]["resourceVersion"]), (r.group, r.plural), etype, copy.deepcopy(obj)))
		self.changed.notify_all()
		self.save()

	def save(self):
		if not self.state_file:
			return
		dump = {"resourceVersion": str(self.rv), "objects": []}
		for (g, p), tab in sorted(self.objects.items()):
			for key in sorted(tab):
				dump["objects"].append({"group": g, "resource": p, "object": tab[key]})
		tmp = self.state_file + ".tmp"
		with open(tmp, "w") as f:
			json.dump(dump, f, indent=1, sort_keys=True)
		os.replace(tmp, self.state_file)

	# -- object life cycle

	def create_raw(self, r, obj, dry=False, manager=None, seeding=False):
		check_shape(r, obj)
		md = obj.setdefault("metadata", {})
		obj["apiVersion"], obj["kind"] = r.api_version, r.kind
		if not md.get("name") and md.get("generateName"):
			md["name"] = md["generateName"] + "".join(random.choice(string.ascii_lowercase + string.digits) for _ in range(5))
		name = md.get("name")
		if not name:
			raise ApiError(422, "Invalid", '%s "" is invalid: metadata.name: Required value: name or generateName is required' % r.kind,
			               {"kind": r.kind, "causes": [{"reason": "FieldValueRequired", "message": "Required value: name or generateName is required", "field": "metadata.name"}]})
		ns = md.get("namespace", "") if r.namespaced else ""
		if not r.namespaced:
			md.pop("namespace", None)
		tab = self.table(r)
		if (ns, name) in tab:
			raise ApiError(409, "AlreadyExists", '%s "%s" already exists' % (r.qualified, name),
			               {"name": name, "group": r.group, "kind": r.plural})
		if r.namespaced:
			nsobj = self.table(self.res("", "v1", "namespaces")).get(("", ns))
			if nsobj is None:
				raise ApiError(404, "NotFound", 'namespaces "%s" not found' % ns, {"name": ns, "kind": "namespaces"})
			if nsobj["metadata"].get("deletionTimestamp"):
				raise ApiError(403, "Forbidden", '%s "%s" is forbidden: unable to create new content in namespace %s because it is being terminated' % (r.qualified, name, ns))
		for k in ("resourceVersion", "deletionTimestamp", "selfLink") + (() if seeding else ("uid", "creationTimestamp")):
			md.pop(k, None)
		md.setdefault("uid", str(uuid.uuid4()))
		md.setdefault("creationTimestamp", now_rfc3339())
		if "status" in r.subs:  # a client cannot set the status of a new object
			obj.pop("status", None)
		md.pop("generation", None)
		if "spec" in obj or r.kind in GENERATION_KINDS:
			md["generation"] = 1
		self.defaults(r, obj)
		self.set_managed(obj, manager, "Update", r)
		if dry:
			md["resourceVersion"] = str(self.rv)
			return obj
		md["resourceVersion"] = self.bump()
		tab[(ns, name)] = obj
		self.emit(r, "ADDED", obj)
		self.after_write(r, obj)
		return tab[(ns, name)]

	def set_managed(self, obj, manager, operation, r, subresource=None, old=None):
		"""An Update (or create) by manager: it owns the fields it changed, taken from
		the other managers; fields that are gone leave every manager."""
		if not manager:
			return
		md = obj["metadata"]
		now = ssa_fieldset(obj, subresource)
		if old is None:
			changed, removed = now, set()
		else:
			changed = {p for p in now if ssa_get(old, p) != ssa_get(obj, p)}
			removed = ssa_fieldset(old, subresource) - now
		mine, mf = set(), []
		for m in md.get("managedFields") or []:
			fs = ssa_from_fields(m.get("fieldsV1"))
			if m.get("manager") == manager and m.get("operation") == operation and (m.get("subresource") or None) == subresource:
				mine = fs
				continue
			left = fs - changed - removed
			if left != fs:
				m = dict(m, fieldsV1=ssa_to_fields(left))
			if left:
				mf.append(m)
		mine = (mine | changed) - removed
		if mine:
			entry = {"manager": manager, "operation": operation, "apiVersion": r.api_version,
			         "time": now_rfc3339(), "fieldsType": "FieldsV1", "fieldsV1": ssa_to_fields(mine)}
			if subresource:
				entry["subresource"] = subresource
			mf.append(entry)
		if mf:
			md["managedFields"] = ssa_sort(mf)
		else:
			md.pop("managedFields", None)

	def get(self, r, ns, name):
		obj = self.table(r).get((ns if r.namespaced else "", name))
		if obj is None:
			raise ApiError(404, "NotFound", '%s "%s" not found' % (r.qualified, name),
			               {"name": name, "group": r.group, "kind": r.plural})
		return obj

	def replace(self, r, ns, name, new, dry=False, manager=None, operation="Update", subresource=None, check_rv=True):
		old = self.get(r, ns, name)
		check_shape(r, new)
		md = new.setdefault("metadata", {})
		new["apiVersion"], new["kind"] = r.api_version, r.kind
		if md.get("name", name) != name:
			raise ApiError(400, "BadRequest", "the name of the object (%s) does not match the name on the URL (%s)" % (md.get("name"), name))
		want = md.get("resourceVersion")
		if check_rv and want and want != old["metadata"]["resourceVersion"]:
			raise ApiError(409, "Conflict", 'Operation cannot be fulfilled on %s "%s": the object has been modified; please apply your changes to the latest version and try again' % (r.qualified, name),
			               {"name": name, "group": r.group, "kind": r.plural})
		if subresource == "status":
			kept = copy.deepcopy(old)
			kept["status"] = new.get("status")
			new = kept
		else:
			# with a status subresource, status changes only through it
			if "status" in r.subs:
				new["status"] = copy.deepcopy(old.get("status"))
			if new.get("status") is None:
				new.pop("status", None)
		md = new["metadata"]
		md["name"] = name
		if r.namespaced:
			md["namespace"] = old["metadata"]["namespace"]
		for k in ("uid", "creationTimestamp", "deletionTimestamp", "generation"):
			if k in old["metadata"]:
				md[k] = old["metadata"][k]
			else:
				md.pop(k, None)
		# managedFields a client sends changed are taken as they are (csaupgrade does this)
		explicit = md.get("managedFields") is not None and md["managedFields"] != old["metadata"].get("managedFields")
		if md.get("managedFields") is None and old["metadata"].get("managedFields"):
			md["managedFields"] = old["metadata"]["managedFields"]
		if r.kind == "Service" and isinstance(new.get("spec"), dict) and not new["spec"].get("clusterIP"):
			for f in ("clusterIP", "clusterIPs", "ipFamilies", "ipFamilyPolicy"):
				if f in (old.get("spec") or {}):
					new["spec"].setdefault(f, old["spec"][f])
		self.defaults(r, new)
		strip = lambda o: {k: v for k, v in o.items() if k not in ("metadata", "status")}
		if strip(new) != strip(old) and "generation" in old["metadata"]:
			md["generation"] = old["metadata"]["generation"] + 1
		if not explicit:
			self.set_managed(new, manager, operation, r, subresource, old)
		if dry:
			md["resourceVersion"] = old["metadata"]["resourceVersion"]
			return new
		md["resourceVersion"] = self.bump()
		key = (ns if r.namespaced else "", name)
		if md.get("deletionTimestamp") and not md.get("finalizers"):
			del self.table(r)[key]
			self.emit(r, "DELETED", new)
			self.after_delete(r, new, "Background")
			return new
		self.table(r)[key] = new
		self.emit(r, "MODIFIED", new)
		self.after_write(r, new)
		return new

	def delete(self, r, ns, name, policy=None, dry=False, precondition_uid=None, precondition_rv=None):
		obj = self.get(r, ns, name)
		md = obj["metadata"]
		if r.kind == "Namespace" and name in ("default", "kube-system", "kube-public"):
			raise ApiError(403, "Forbidden", 'namespaces "%s" is forbidden: this namespace may not be deleted' % name,
			               {"name": name, "kind": "namespaces"})
		if precondition_uid and precondition_uid != md["uid"]:
			raise ApiError(409, "Conflict", 'Operation cannot be fulfilled on %s "%s": Precondition failed: UID in precondition: %s, UID in object meta: %s' % (r.qualified, name, precondition_uid, md["uid"]))
		if precondition_rv and precondition_rv != md["resourceVersion"]:
			raise ApiError(409, "Conflict", 'Operation cannot be fulfilled on %s "%s": the object has been modified; please apply your changes to the latest version and try again' % (r.qualified, name))
		if dry:
			return obj
		key = (ns if r.namespaced else "", name)
		if md.get("finalizers") and r.kind != "Namespace":
			if not md.get("deletionTimestamp"):
				md["deletionTimestamp"] = now_rfc3339()
				md["resourceVersion"] = self.bump()
				self.emit(r, "MODIFIED", obj)
			return obj
		del self.table(r)[key]
		md["resourceVersion"] = self.bump()
		self.emit(r, "DELETED", obj)
		self.after_delete(r, obj, policy or "Background")
		return obj

	# -- server-side defaults and the controller emulation

	def defaults(self, r, obj):
		try:
			self.apply_defaults(r, obj)
		except (TypeError, AttributeError, ValueError, KeyError) as e:
			raise ApiError(400, "BadRequest", '%s in version "%s" cannot be handled as a %s: %s' % (r.kind, r.version, r.kind, e))

	def apply_defaults(self, r, obj):
		md = obj["metadata"]
		spec = obj.get("spec")
		if r.kind == "Namespace":
			md.setdefault("labels", {})["kubernetes.io/metadata.name"] = md["name"]
			obj.setdefault("spec", {}).setdefault("finalizers", ["kubernetes"])
			obj.setdefault("status", {"phase": "Active"})
		elif r.kind == "Secret":
			obj.setdefault("type", "Opaque")
			sd = obj.pop("stringData", None)
			if isinstance(sd, dict):
				data = obj.setdefault("data", {}) or {}
				for k, v in sd.items():
					data[k] = base64.b64encode(str(v).encode()).decode()
				obj["data"] = data
		elif r.kind == "Service":
			spec = obj.setdefault("spec", {})
			spec.setdefault("type", "ClusterIP")
			spec.setdefault("sessionAffinity", "None")
			if spec["type"] != "ExternalName" and not spec.get("clusterIP"):
				ip = "10.96.%d.%d" % (self.ip_next // 250, self.ip_next % 250 + 1)
				self.ip_next += 1
				spec["clusterIP"], spec["clusterIPs"] = ip, [ip]
				spec.setdefault("ipFamilies", ["IPv4"])
				spec.setdefault("ipFamilyPolicy", "SingleStack")
				spec.setdefault("internalTrafficPolicy", "Cluster")
			for p in spec.get("ports") or []:
				if isinstance(p, dict):
					p.setdefault("protocol", "TCP")
					p.setdefault("targetPort", p.get("port"))
			if spec["type"] == "LoadBalancer":
				obj.setdefault("status", {})["loadBalancer"] = {"ingress": [{"ip": "192.0.2.1"}]}
		elif r.kind in ("Deployment", "StatefulSet", "ReplicaSet") and isinstance(spec, dict):
			spec.setdefault("replicas", 1)
			spec.setdefault("revisionHistoryLimit", 10)
			if r.kind == "Deployment":
				st = spec.setdefault("strategy", {})
				st.setdefault("type", "RollingUpdate")
				if st["type"] == "RollingUpdate":
					ru = st.setdefault("rollingUpdate", {})
					ru.setdefault("maxUnavailable", "25%")
					ru.setdefault("maxSurge", "25%")
				spec.setdefault("progressDeadlineSeconds", 600)
			if r.kind == "StatefulSet":
				spec.setdefault("podManagementPolicy", "OrderedReady")
				spec.setdefault("updateStrategy", {"type": "RollingUpdate", "rollingUpdate": {"partition": 0}})
		elif r.kind == "DaemonSet" and isinstance(spec, dict):
			spec.setdefault("revisionHistoryLimit", 10)
			spec.setdefault("updateStrategy", {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1, "maxSurge": 0}})
		elif r.kind == "Job" and isinstance(spec, dict):
			spec.setdefault("parallelism", 1)
			spec.setdefault("completions", 1)
			spec.setdefault("backoffLimit", 6)
			spec.setdefault("completionMode", "NonIndexed")
			spec.setdefault("suspend", False)
		elif r.kind == "CronJob" and isinstance(spec, dict):
			spec.setdefault("concurrencyPolicy", "Allow")
			spec.setdefault("suspend", False)
			spec.setdefault("successfulJobsHistoryLimit", 3)
			spec.setdefault("failedJobsHistoryLimit", 1)
		elif r.kind == "ReplicationController" and isinstance(spec, dict):
			spec.setdefault("replicas", 1)
		elif r.kind == "PersistentVolumeClaim":
			obj["status"] = {"phase": "Bound", "accessModes": (spec or {}).get("accessModes", []),
			                 "capacity": ((spec or {}).get("resources") or {}).get("requests", {})}
		elif r.kind == "Pod" and not (obj.get("status") or {}).get("phase"):
			obj["status"] = self.pod_status(obj)
		elif r.kind == "CustomResourceDefinition":
			obj["status"] = {"conditions": [
				{"type": "NamesAccepted", "status": "True", "reason": "NoConflicts", "message": "no conflicts found", "lastTransitionTime": now_rfc3339()},
				{"type": "Established", "status": "True", "reason": "InitialNamesAccepted", "message": "the initial names have been accepted", "lastTransitionTime": now_rfc3339()}],
				"acceptedNames": (spec or {}).get("names", {}),
				"storedVersions": [v.get("name") for v in (spec or {}).get("versions", []) if v.get("storage")]}

	def pod_status(self, pod):
		"""Pods that restart run forever and are Ready; the others (helm test pods, say) have
		already run to completion, or failed with the kubeapi.test/job: "fail" annotation."""
		spec, ann = pod.get("spec") or {}, pod["metadata"].get("annotations") or {}
		t = now_rfc3339()
		cond = lambda typ, st, reason=None: dict({"type": typ, "status": st, "lastProbeTime": None, "lastTransitionTime": t},
		                                         **({"reason": reason} if reason else {}))
		names = [c.get("name") for c in spec.get("containers") or [] if isinstance(c, dict)]
		if spec.get("restartPolicy", "Always") == "Always":
			ready = ann.get(ANN_READY) != "false"
			return {"phase": "Running", "hostIP": "192.0.2.10", "podIP": "10.244.0.10", "startTime": t,
			        "conditions": [cond("PodScheduled", "True"), cond("Initialized", "True"),
			                       cond("ContainersReady", "True" if ready else "False"), cond("Ready", "True" if ready else "False")],
			        "containerStatuses": [{"name": n, "ready": ready, "restartCount": 0, "started": True,
			                               "state": {"running": {"startedAt": t}}} for n in names]}
		failed = ann.get(ANN_JOB) == "fail"
		code = 1 if failed else 0
		return {"phase": "Failed" if failed else "Succeeded", "hostIP": "192.0.2.10", "podIP": "10.244.0.10", "startTime": t,
		        "conditions": [cond("PodScheduled", "True"), cond("Initialized", "True", "PodCompleted"),
		                       cond("ContainersReady", "False", "PodCompleted"), cond("Ready", "False", "PodCompleted")],
		        "containerStatuses": [{"name": n, "ready": False, "restartCount": 0, "started": False,
		                               "state": {"terminated": {"exitCode": code, "reason": "Error" if failed else "Completed",
		                                                        "startedAt": t, "finishedAt": t}}} for n in names]}

	def after_write(self, r, obj):
		"""Runs the controllers; a body they cannot digest leaves the object as written."""
		try:
			self.controllers(r, obj)
		except (TypeError, AttributeError, ValueError, KeyError):
			import traceback
			traceback.print_exc()

	def controllers(self, r, obj):
		md, spec = obj["metadata"], obj.get("spec") or {}
		if r.kind == "CustomResourceDefinition":
			self.register_crd(obj)
		elif r.kind == "Deployment" and isinstance(spec, dict):
			self.reconcile_deployment(r, obj)
		elif r.kind in ("StatefulSet", "ReplicaSet", "DaemonSet", "Job", "ReplicationController") and not md.get("deletionTimestamp"):
			status = self.controller_status(r.kind, obj)
			if status is not None and status != obj.get("status"):
				obj["status"] = status
				md["resourceVersion"] = self.bump()
				self.emit(r, "MODIFIED", obj)

	def controller_status(self, kind, obj, ready=None):
		"""The status a controller would reach; an annotation kubeapi.test/ready: "false" on the
		object keeps it not ready (Jobs: kubeapi.test/job: "fail" makes them fail)."""
		spec, md, old = obj.get("spec") or {}, obj["metadata"], obj.get("status") or {}
		n = spec.get("replicas", 1)
		gen = md.get("generation", 1)
		ann = md.get("annotations") or {}
		if ready is None:
			ready = ann.get(ANN_READY) != "false" and not self.held(obj)
		k = n if ready else 0
		if kind == "StatefulSet":
			rev = md["name"] + "-" + hashlib.sha256(json.dumps(spec.get("template"), sort_keys=True).encode()).hexdigest()[:10]
			return {"observedGeneration": gen, "replicas": n, "readyReplicas": k, "currentReplicas": n,
			        "updatedReplicas": n, "availableReplicas": k, "currentRevision": rev, "updateRevision": rev,
			        "collisionCount": 0}
		if kind == "ReplicationController":
			return {"observedGeneration": gen, "replicas": n, "fullyLabeledReplicas": n, "readyReplicas": k, "availableReplicas": k}
		if kind == "ReplicaSet":
			return {"observedGeneration": gen, "replicas": n, "fullyLabeledReplicas": n, "readyReplicas": k, "availableReplicas": k}
		if kind == "DaemonSet":
			one = 1 if ready else 0
			return {"observedGeneration": gen, "currentNumberScheduled": 1, "desiredNumberScheduled": 1,
			        "numberAvailable": one, "numberMisscheduled": 0, "numberReady": one, "updatedNumberScheduled": 1}
		if kind == "Job":
			if any(c.get("type") in ("Complete", "Failed") for c in old.get("conditions") or []):
				return None
			t = now_rfc3339()
			if ann.get(ANN_JOB) == "fail":
				return {"startTime": old.get("startTime", t), "failed": (spec.get("backoffLimit") or 0) + 1, "active": 0, "ready": 0, "terminating": 0,
				        "uncountedTerminatedPods": {},
				        "conditions": [{"type": "FailureTarget", "status": "True", "lastProbeTime": t, "lastTransitionTime": t, "reason": "BackoffLimitExceeded", "message": "Job has reached the specified backoff limit"},
				                       {"type": "Failed", "status": "True", "lastProbeTime": t, "lastTransitionTime": t, "reason": "BackoffLimitExceeded", "message": "Job has reached the specified backoff limit"}]}
			if ann.get(ANN_JOB) == "hang":
				return {"startTime": old.get("startTime", t), "active": 1, "ready": 0, "terminating": 0, "uncountedTerminatedPods": {}}
			return {"startTime": old.get("startTime", t), "completionTime": t, "succeeded": spec.get("completions") or 1,
			        "active": 0, "ready": 0, "terminating": 0, "uncountedTerminatedPods": {},
			        "conditions": [{"type": "SuccessCriteriaMet", "status": "True", "lastProbeTime": t, "lastTransitionTime": t, "reason": "CompletionsReached", "message": "Reached expected number of succeeded pods"},
			                       {"type": "Complete", "status": "True", "lastProbeTime": t, "lastTransitionTime": t, "reason": "CompletionsReached", "message": "Reached expected number of succeeded pods"}]}
		return None

	def reconcile_deployment(self, r, dep):
		md, spec = dep["metadata"], dep["spec"]
		if md.get("deletionTimestamp"):
			return
		rsr = self.res("apps", "v1", "replicasets")
		tmpl = spec.get("template") or {}
		h = hashlib.sha256(json.dumps(tmpl, sort_keys=True).encode()).hexdigest()[:10]
		name = md["name"] + "-" + h
		n = spec.get("replicas", 1)
		ready = (md.get("annotations") or {}).get(ANN_READY) != "false" and not self.held(dep)
		tab = self.table(rsr)
		owner = {"apiVersion": "apps/v1", "kind": "Deployment", "name": md["name"], "uid": md["uid"],
		         "controller": True, "blockOwnerDeletion": True}
		for (ns, rsname), rs in list(tab.items()):
			if ns != md["namespace"] or rsname == name:
				continue
			if any(o.get("uid") == md["uid"] for o in rs["metadata"].get("ownerReferences") or []):
				if rs["spec"].get("replicas") != 0:
					rs["spec"]["replicas"] = 0
					rs["status"] = self.controller_status("ReplicaSet", rs)
					rs["metadata"]["resourceVersion"] = self.bump()
					self.emit(rsr, "MODIFIED", rs)
		rs = tab.get((md["namespace"], name))
		if rs is None:
			t = copy.deepcopy(tmpl)
			t.setdefault("metadata", {}).setdefault("labels", {})["pod-template-hash"] = h
			sel = copy.deepcopy(spec.get("selector") or {})
			sel.setdefault("matchLabels", {})["pod-template-hash"] = h
			labels = dict(t["metadata"]["labels"])
			anns = {ANN_REVISION: str(self.next_revision(dep))}
			if not ready:
				anns[ANN_READY] = "false"
			self.create_raw(rsr, {"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {
				"name": name, "namespace": md["namespace"], "labels": labels, "ownerReferences": [owner],
				"annotations": anns}, "spec": {"replicas": n, "selector": sel, "template": t}})
		elif rs["spec"].get("replicas") != n or self.controller_status("ReplicaSet", rs, ready) != rs.get("status") \
				or rs["metadata"].get("annotations", {}).get(ANN_REVISION) != str(self.next_revision(dep) - 1):
			# a template seen before (a rollback) makes its ReplicaSet the newest revision again
			if rs["metadata"].get("annotations", {}).get(ANN_REVISION) != str(self.next_revision(dep) - 1):
				rs["metadata"].setdefault("annotations", {})[ANN_REVISION] = str(self.next_revision(dep))
			rs["spec"]["replicas"] = n
			rs["status"] = self.controller_status("ReplicaSet", rs, ready)
			rs["metadata"]["resourceVersion"] = self.bump()
			self.emit(rsr, "MODIFIED", rs)
		t = now_rfc3339()
		k = n if ready else 0
		status = {"observedGeneration": md.get("generation", 1), "replicas": n, "updatedReplicas": n,
		          "readyReplicas": k, "availableReplicas": k,
		          "conditions": [{"type": "Available", "status": "True", "reason": "MinimumReplicasAvailable", "message": "Deployment has minimum availability.", "lastUpdateTime": t, "lastTransitionTime": t},
		                         {"type": "Progressing", "status": "True", "reason": "NewReplicaSetAvailable", "message": 'ReplicaSet "%s" has successfully progressed.' % name, "lastUpdateTime": t, "lastTransitionTime": t}]}
		if not ready:
			status["conditions"][0].update({"status": "False", "reason": "MinimumReplicasUnavailable", "message": "Deployment does not have minimum availability."})
			status["unavailableReplicas"] = n
		if k == 0:
			for f in ("readyReplicas", "availableReplicas"):
				del status[f]
		old = dict(dep.get("status") or {})
		cmp = lambda s: {k: v for k, v in s.items() if k != "conditions"}
		rev = tab[(md["namespace"], name)]["metadata"]["annotations"][ANN_REVISION]
		new_rev = (md.get("annotations") or {}).get(ANN_REVISION) != rev
		if new_rev:
			md.setdefault("annotations", {})[ANN_REVISION] = rev
		if cmp(old) != cmp(status) or not old.get("conditions") or new_rev:
			dep["status"] = status
			md["resourceVersion"] = self.bump()
			self.emit(r, "MODIFIED", dep)

	def next_revision(self, dep):
		best = 0
		for (ns, _), rs in self.table(self.res("apps", "v1", "replicasets")).items():
			if any(o.get("uid") == dep["metadata"]["uid"] for o in rs["metadata"].get("ownerReferences") or []):
				try:
					best = max(best, int(rs["metadata"].get("annotations", {}).get(ANN_REVISION, "0")))
				except ValueError:
					pass
		return best + 1

	def register_crd(self, crd):
		spec = crd.get("spec") or {}
		names = spec.get("names") or {}
		for v in spec.get("versions") or []:
			if not v.get("served", True) or not names.get("plural") or not names.get("kind"):
				continue
			subs = [s for s in ("status", "scale") if (v.get("subresources") or {}).get(s) is not None]
			self.register(Resource(spec.get("group", ""), v["name"], names["plural"], names["kind"],
			                       spec.get("scope") == "Namespaced", names.get("shortNames") or [], subs,
			                       names.get("singular"), names.get("categories")))

	def after_delete(self, r, obj, policy):
		md = obj["metadata"]
		if r.kind == "CustomResourceDefinition":
			spec = obj.get("spec") or {}
			for v in spec.get("versions") or []:
				self.resources.pop((spec.get("group", ""), v.get("name"), (spec.get("names") or {}).get("plural")), None)
		if r.kind == "Namespace":
			for rr in list(self.resources.values()):
				if not rr.namespaced:
					continue
				for (ns, name) in list(self.table(rr).keys()):
					if ns == md["name"] and (ns, name) in self.table(rr):
						o = self.table(rr).pop((ns, name))
						o["metadata"]["resourceVersion"] = self.bump()
						self.emit(rr, "DELETED", o)
		if policy == "Orphan":
			return
		for rr in list(self.resources.values()):
			for key, o in list(self.table(rr).items()):
				if any(ref.get("uid") == md["uid"] for ref in o["metadata"].get("ownerReferences") or []):
					if key in self.table(rr):
						self.delete(rr, key[0], key[1], policy)


# ---------------------------------------------------------------- HTTP

class Handler(http.server.BaseHTTPRequestHandler):
	protocol_version = "HTTP/1.1"
	disable_nagle_algorithm = True  # headers and body go out as separate writes
	server_version = "kubeapi-test"

	def log_message(self, fmt, *args):
		pass

	def log_request_line(self, code):
		srv = self.server
		line = {"time": now_rfc3339(), "t": round(time.time(), 3), "method": self.command, "path": self.path, "code": code,
		        "accept": self.headers.get("Accept", ""), "contentType": self.headers.get("Content-Type", ""),
		        "userAgent": self.headers.get("User-Agent", "")}
		with srv.log_lock:
			srv.request_log.append(line)
			if srv.log_file:
				with open(srv.log_file, "a") as f:
					f.write(json.dumps(line) + "\n")

	def send_json(self, code, obj, extra_headers=None):
		body = json.dumps(obj).encode()
		self.send_response(code)
		self.send_header("Content-Type", "application/json")
		self.send_header("Content-Length", str(len(body)))
		self.send_header("Cache-Control", "no-cache, private")
		for k, v in (extra_headers or {}).items():
			self.send_header(k, v)
		self.end_headers()
		if self.command != "HEAD":
			self.wfile.write(body)
		self.log_request_line(code)

	def send_error_status(self, err):
		self.send_json(err.code, err.status())

	def read_body(self):
		self.body_read = True
		if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
			data = b""
			while True:
				size = int(self.rfile.readline().strip().split(b";")[0], 16)
				if size == 0:
					self.rfile.readline()
					break
				data += self.rfile.read(size)
				self.rfile.readline()
				if len(data) > MAX_BODY:
					raise ApiError(413, "RequestEntityTooLarge", "request body too large")
			return data
		n = int(self.headers.get("Content-Length") or 0)
		if n > MAX_BODY:
			raise ApiError(413, "RequestEntityTooLarge", "request body too large")
		return self.rfile.read(n) if n else b""

	def json_body(self):
		raw = self.read_body()
		ctype = self.headers.get("Content-Type", "application/json").split(";")[0].strip()
		if ctype == "application/vnd.kubernetes.protobuf":
			obj = pb_object(raw)
			return obj
		try:
			return json.loads(raw or b"null")
		except ValueError as e:
			if ctype == "application/apply-patch+yaml":
				raise ApiError(415, "UnsupportedMediaType", "this test server only understands apply patches written as JSON (which is YAML): %s" % e)
			raise ApiError(400, "BadRequest", "unable to decode the request body: %s" % e)

	def do_GET(self):
		self.dispatch()

	def do_HEAD(self):
		self.dispatch()

	def do_POST(self):
		self.dispatch()

	def do_PUT(self):
		self.dispatch()

	def do_PATCH(self):
		self.dispatch()

	def do_DELETE(self):
		self.dispatch()

	def dispatch(self):
		self.body_read = self.command not in ("POST", "PUT", "PATCH", "DELETE")
		try:
			auth = self.headers.get("Authorization")
			# client-go never sends a bearer token over plain HTTP: there, none is accepted
			if auth != "Bearer " + self.server.token and not (auth is None and self.server.ctx is None):
				raise ApiError(401, "Unauthorized", "Unauthorized")
			url = urllib.parse.urlsplit(self.path)
			self.query = {k: v[-1] for k, v in urllib.parse.parse_qs(url.query, keep_blank_values=True).items()}
			self.route(url.path.rstrip("/") or "/")
		except ApiError as e:
			if not self.body_read:
				self.close_connection = True
			self.send_error_status(e)
		except (BrokenPipeError, ConnectionResetError, ssl.SSLError):
			self.close_connection = True
		except Exception as e:  # a server bug: answer 500 and keep serving
			import traceback
			traceback.print_exc()
			self.send_error_status(ApiError(500, "InternalError", "internal error: %s" % e))

	def route(self, path):
		store = self.server.store
		if path == "/version":
			return self.send_json(200, SERVER_VERSION)
		if path in ("/healthz", "/readyz", "/livez"):
			body = b"ok"
			self.send_response(200)
			self.send_header("Content-Type", "text/plain")
			self.send_header("Content-Length", "2")
			self.end_headers()
			self.wfile.write(body)
			return self.log_request_line(200)
		if path == "/debug/state":
			with store.lock:
				return self.send_json(200, {"resourceVersion": str(store.rv), "objects": [
					{"group": g, "resource": p, "object": o} for (g, p), t in sorted(store.objects.items()) for _, o in sorted(t.items())]})
		if path == "/debug/requests":
			with self.server.log_lock:
				return self.send_json(200, list(self.server.request_log))
		if path == "/openapi/v3":
			with store.lock:
				gvs = sorted({(r.group, r.version) for r in store.resources.values()})
			paths = {}
			for g, v in gvs:
				p = "apis/%s/%s" % (g, v) if g else "api/" + v
				paths[p] = {"serverRelativeURL": "/openapi/v3/%s?hash=%s" % (p, store.rv)}
			return self.send_json(200, {"paths": paths})
		if path.startswith("/openapi/v3/"):
			return self.send_json(200, self.openapi_v3(path[len("/openapi/v3/"):]))
		if path.startswith("/openapi/"):
			raise ApiError(404, "NotFound", "the server could not find the requested resource")
		if path in ("/api", "/apis") and self.server.aggregated and "g=apidiscovery.k8s.io;v=v2" in self.headers.get("Accept", ""):
			return self.aggregated_discovery(path == "/api")
		if path == "/api":
			return self.send_json(200, {"kind": "APIVersions", "versions": ["v1"], "serverAddressByClientCIDRs": [
				{"clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1:%d" % self.server.server_address[1]}]})
		if path == "/apis":
			with store.lock:
				groups = []
				for g, versions in store.groups().items():
					if g == "":
						continue
					vs = [{"groupVersion": g + "/" + v, "version": v} for v in versions]
					groups.append({"name": g, "versions": vs, "preferredVersion": vs[0]})
			return self.send_json(200, {"kind": "APIGroupList", "apiVersion": "v1", "groups": groups})
		parts = path.strip("/").split("/")
		if parts[0] == "api":
			if len(parts) < 2 or parts[1] != "v1":
				raise ApiError(404, "NotFound", "the server could not find the requested resource")
			group, version, rest = "", "v1", parts[2:]
		elif parts[0] == "apis" and len(parts) >= 3:
			group, version, rest = parts[1], parts[2], parts[3:]
		elif parts[0] == "apis" and len(parts) == 2:
			with store.lock:
				versions = store.groups().get(parts[1])
			if not versions:
				raise ApiError(404, "NotFound", "the server could not find the requested resource")
			vs = [{"groupVersion": parts[1] + "/" + v, "version": v} for v in versions]
			return self.send_json(200, {"kind": "APIGroup", "apiVersion": "v1", "name": parts[1], "versions": vs, "preferredVersion": vs[0]})
		else:
			raise ApiError(404, "NotFound", "the server could not find the requested resource")
		with store.lock:
			known = [r for r in store.resources.values() if r.group == group and r.version == version]
		if not known:
			raise ApiError(404, "NotFound", "the server could not find the requested resource")
		if not rest:
			resources = []
			for r in sorted(known, key=lambda x: x.plural):
				resources += r.discovery()
			return self.send_json(200, {"kind": "APIResourceList", "apiVersion": "v1",
			                            "groupVersion": known[0].api_version, "resources": resources})
		self.resource_request(group, version, rest)

	def aggregated_discovery(self, core):
		"""apidiscovery.k8s.io/v2 APIGroupDiscoveryList: every group, version and resource in one answer."""
		store = self.server.store
		items = []
		with store.lock:
			for g, versions in store.groups().items():
				if (g == "") != core:
					continue
				vs = []
				for v in versions:
					res = []
					for r in sorted((r for r in store.resources.values() if r.group == g and r.version == v), key=lambda x: x.plural):
						e = {"resource": r.plural, "responseKind": {"group": g, "version": v, "kind": r.kind},
						     "scope": "Namespaced" if r.namespaced else "Cluster", "singularResource": r.singular,
						     "verbs": VERBS}
						if r.short:
							e["shortNames"] = r.short
						if r.categories:
							e["categories"] = r.categories
						subs = []
						for sname in r.subs:
							kind = {"group": "autoscaling", "version": "v1", "kind": "Scale"} if sname == "scale" else e["responseKind"]
							subs.append({"subresource": sname, "responseKind": kind,
							             "verbs": ["update"] if sname == "finalize" else ["get", "patch", "update"]})
						if subs:
							e["subresources"] = subs
						res.append(e)
					vs.append({"version": v, "resources": res, "freshness": "Current"})
				items.append({"metadata": {"name": g, "creationTimestamp": None}, "versions": vs})
		body = json.dumps({"kind": "APIGroupDiscoveryList", "apiVersion": "apidiscovery.k8s.io/v2",
		                   "metadata": {}, "items": items}).encode()
		self.send_response(200)
		self.send_header("Content-Type", "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList")
		self.send_header("Content-Length", str(len(body)))
		self.send_header("Vary", "Accept")
		self.end_headers()
		self.wfile.write(body)
		self.log_request_line(200)

	def openapi_v3(self, gvpath):
		"""A minimal OpenAPI v3 document: only the PATCH operations and their fieldValidation
		parameter, which is what kubectl and Helm look for to leave validation to the server."""
		parts = gvpath.split("/")
		if parts[0] == "api" and len(parts) == 2:
			group, version = "", parts[1]
		elif parts[0] == "apis" and len(parts) == 3:
			group, version = parts[1], parts[2]
		else:
			raise ApiError(404, "NotFound", "the server could not find the requested resource")
		store = self.server.store
		with store.lock:
			known = [r for r in store.resources.values() if r.group == group and r.version == version]
		if not known:
			raise ApiError(404, "NotFound", "the server could not find the requested resource")
		paths = {}
		params = [{"name": n, "in": "query", "schema": {"type": "string", "uniqueItems": True}}
		          for n in ("dryRun", "fieldManager", "fieldValidation", "force")]
		for r in known:
			prefix = "/" + gvpath + ("/namespaces/{namespace}" if r.namespaced else "")
			paths[prefix + "/" + r.plural + "/{name}"] = {"patch": {
				"operationId": "patch" + r.kind, "parameters": params,
				"x-kubernetes-action": "patch",
				"x-kubernetes-group-version-kind": {"group": r.group, "version": r.version, "kind": r.kind},
				"responses": {"200": {"description": "OK"}}}}
		return {"openapi": "3.0.0", "info": {"title": "Kubernetes", "version": SERVER_VERSION["gitVersion"]},
		        "paths": paths, "components": {"schemas": {}}}

	def resource_request(self, group, version, rest):
		store = self.server.store
		ns = None
		if rest[0] == "namespaces" and len(rest) >= 3 and rest[2] not in ("status", "finalize"):
			ns, rest = rest[1], rest[2:]
		with store.lock:
			r = store.res(group, version, rest[0])
		if r is None or (ns is not None and not r.namespaced):
			raise ApiError(404, "NotFound", "the server could not find the requested resource")
		name = rest[1] if len(rest) > 1 else None
		sub = rest[2] if len(rest) > 2 else None
		if len(rest) > 3 or (sub and sub not in r.subs):
			raise ApiError(404, "NotFound", "the server could not find the requested resource")
		if r.namespaced and name is not None and ns is None:
			raise ApiError(404, "NotFound", "the server could not find the requested resource")
		m = self.command
		if name is None:
			if m in ("GET", "HEAD"):
				if self.query.get("watch") in ("1", "true"):
					return self.watch(r, ns)
				return self.list(r, ns)
			if m == "POST" and (ns is not None or not r.namespaced):
				return self.create(r, ns)
			if m == "DELETE":
				return self.delete_collection(r, ns)
			raise ApiError(405, "MethodNotAllowed", "the server does not allow this method on the requested resource")
		if m in ("GET", "HEAD"):
			with store.lock:
				obj = copy.deepcopy(store.get(r, ns, name))
			if sub == "scale":
				obj = self.scale_of(obj)
			return self.send_json(200, obj)
		if m == "PUT":
			return self.update(r, ns, name, sub)
		if m == "PATCH":
			return self.patch(r, ns, name, sub)
		if m == "DELETE" and sub is None:
			return self.delete_one(r, ns, name)
		raise ApiError(405, "MethodNotAllowed", "the server does not allow this method on the requested resource")

	def scale_of(self, obj):
		md = obj["metadata"]
		return {"kind": "Scale", "apiVersion": "autoscaling/v1", "metadata": {
			"name": md["name"], "namespace": md.get("namespace"), "uid": md["uid"],
			"resourceVersion": md["resourceVersion"], "creationTimestamp": md["creationTimestamp"]},
			"spec": {"replicas": (obj.get("spec") or {}).get("replicas", 0)},
			"status": {"replicas": (obj.get("status") or {}).get("replicas", 0)}}

	def manager(self):
		fm = self.query.get("fieldManager")
		if fm:
			return fm
		ua = self.headers.get("User-Agent", "unknown")
		return ua.split("/")[0] or "unknown"

	def dry(self):
		return self.query.get("dryRun") == "All"

	def check_body(self, r, obj):
		if not isinstance(obj, dict):
			raise ApiError(400, "BadRequest", "the body of the request must be a JSON object")
		av, kind = obj.get("apiVersion"), obj.get("kind")
		if kind and kind != r.kind:
			raise ApiError(400, "BadRequest", "the API version in the data (%s) does not match the expected API version (%s)" % (av, r.api_version)
			               if av and av != r.api_version else 'kind "%s" does not match the resource %s (%s)' % (kind, r.qualified, r.kind))
		if not isinstance(obj.get("metadata", {}), dict):
			raise ApiError(400, "BadRequest", "metadata must be an object")

	def create(self, r, ns):
		obj = self.json_body()
		self.check_body(r, obj)
		md = obj.setdefault("metadata", {})
		if r.namespaced:
			if md.get("namespace") and md["namespace"] != ns:
				raise ApiError(400, "BadRequest", "the namespace of the provided object does not match the namespace sent on the request")
			md["namespace"] = ns
		with self.server.store.lock:
			out = copy.deepcopy(self.server.store.create_raw(r, obj, self.dry(), self.manager()))
		self.send_json(201, out)

	def update(self, r, ns, name, sub):
		obj = self.json_body()
		self.check_body(r, obj)
		md = obj.setdefault("metadata", {})
		if r.namespaced and md.get("namespace") and md["namespace"] != ns:
			raise ApiError(400, "BadRequest", "the namespace of the provided object does not match the namespace sent on the request")
		if sub == "scale":
			with self.server.store.lock:
				cur = copy.deepcopy(self.server.store.get(r, ns, name))
				replicas = (obj.get("spec") or {}).get("replicas", 0) if isinstance(obj.get("spec") or {}, dict) else None
				if not isinstance(replicas, int):
					raise ApiError(422, "Invalid", "spec.replicas must be an integer")
				cur["spec"]["replicas"] = replicas
				out = self.server.store.replace(r, ns, name, cur, self.dry(), self.manager(), subresource="scale", check_rv=False)
				return self.send_json(200, self.scale_of(out))
		with self.server.store.lock:
			out = copy.deepcopy(self.server.store.replace(r, ns, name, obj, self.dry(), self.manager(), subresource=sub))
		self.send_json(200, out)

	def patch(self, r, ns, name, sub):
		ctype = self.headers.get("Content-Type", "").split(";")[0].strip()
		body = self.json_body()
		store = self.server.store
		with store.lock:
			try:
				cur = copy.deepcopy(store.get(r, ns, name))
				exists = True
			except ApiError:
				if ctype != "application/apply-patch+yaml":
					raise
				exists, cur = False, None
			if sub == "scale":
				base = self.scale_of(cur)
			else:
				base = cur
			if ctype == "application/apply-patch+yaml":
				return self.apply(r, ns, name, body, cur, exists, sub)
			try:
				if ctype == "application/merge-patch+json":
					new = merge_patch(base, body)
				elif ctype == "application/strategic-merge-patch+json":
					if not isinstance(body, dict):
						raise ApiError(400, "BadRequest", "a strategic merge patch must be a JSON object")
					new = strategic_merge(base, body)
				elif ctype == "application/json-patch+json":
					new = json_patch(base, body)
				else:
					raise ApiError(415, "UnsupportedMediaType", "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json")
			except (TypeError, AttributeError, ValueError, KeyError, IndexError) as e:
				raise ApiError(422, "Invalid", "the patch cannot be applied: %s" % e)
			if not isinstance(new, dict) or not isinstance(new.get("metadata", {}), dict):
				raise ApiError(422, "Invalid", "the patch must leave an object")
			if sub == "scale":
				if not isinstance(new.get("spec") or {}, dict) or not isinstance((new.get("spec") or {}).get("replicas", 0), int):
					raise ApiError(422, "Invalid", "spec.replicas must be an integer")
				cur["spec"]["replicas"] = (new.get("spec") or {}).get("replicas", 0)
				out = store.replace(r, ns, name, cur, self.dry(), self.manager(), subresource="scale", check_rv=False)
				return self.send_json(200, self.scale_of(out))
			self.check_body(r, new)
			out = copy.deepcopy(store.replace(r, ns, name, new, self.dry(), self.manager(), "Update", sub,
			                                  check_rv=bool((body if isinstance(body, dict) else {}).get("metadata", {}).get("resourceVersion"))))
		self.send_json(200, out)

	def apply(self, r, ns, name, body, cur, exists, sub):
		store = self.server.store
		manager = self.query.get("fieldManager")
		if not manager:
			raise ApiError(422, "Invalid", "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch")
		self.check_body(r, body)
		md = body.setdefault("metadata", {})
		if md.get("name", name) != name:
			raise ApiError(400, "BadRequest", "the name of the object (%s) does not match the name on the URL (%s)" % (md.get("name"), name))
		md["name"] = name
		if r.namespaced:
			md["namespace"] = ns
		applied = strip_directives(body)
		mine = ssa_fieldset(applied)
		entry = {"manager": manager, "operation": "Apply", "apiVersion": r.api_version,
		         "time": now_rfc3339(), "fieldsType": "FieldsV1", "fieldsV1": ssa_to_fields(mine)}
		if not exists:
			obj = copy.deepcopy(body)
			obj["metadata"]["managedFields"] = [entry] if mine else []
			out = store.create_raw(r, obj, self.dry(), None)
			return self.send_json(201, copy.deepcopy(out))
		if sub:
			try:
				new = strategic_merge(cur, applied)
			except (TypeError, AttributeError, ValueError, KeyError, IndexError) as e:
				raise ApiError(422, "Invalid", "the apply patch cannot be applied: %s" % e)
			new["metadata"]["resourceVersion"] = cur["metadata"]["resourceVersion"]
			out = copy.deepcopy(store.replace(r, ns, name, new, self.dry(), manager, "Apply", sub))
			return self.send_json(200, out)
		self.send_json(200, copy.deepcopy(self.apply_existing(r, ns, name, cur, applied, manager, mine, entry)))

	def apply_existing(self, r, ns, name, cur, applied, manager, mine, entry):
		"""Server-side apply to a live object: fields other managers own with another
		value are conflicts (unless force=true takes them); fields this manager applied
		before and no longer does are removed when nobody else owns them."""
		store = self.server.store
		force = self.query.get("force") == "true"
		is_me = lambda m: m.get("manager") == manager and m.get("operation") == "Apply" and not m.get("subresource")
		before, others, conflicts = set(), [], []
		for m in cur["metadata"].get("managedFields") or []:
			fs = ssa_from_fields(m.get("fieldsV1"))
			if is_me(m):
				before = fs
				continue
			lost = set()
			for p in sorted(mine & fs):
				found, live = ssa_get(cur, p)
				if found and (p[-1][:2] in ("k:", "v:") or live == ssa_get(applied, p)[1]):
					continue
				conflicts.append((m, p))
				lost.add(p)
			others.append((m, fs, fs - lost))
		if conflicts and not force:
			raise ssa_conflict(conflicts)
		try:
			new = strategic_merge(cur, applied)
		except (TypeError, AttributeError, ValueError, KeyError, IndexError) as e:
			raise ApiError(422, "Invalid", "the apply patch cannot be applied: %s" % e)
		kept = set(mine)
		for _, _, fs in others:
			kept |= fs
		for p in sorted(before - mine, key=len, reverse=True):
			if not any(q[:len(p)] == p for q in kept):
				ssa_remove(new, p)
		mf = [entry] if mine else []
		for m, fs, left in others:
			if left:
				mf.append(m if left == fs else dict(m, fieldsV1=ssa_to_fields(left)))
		unchanged = lambda o: ({k: v for k, v in o.items() if k != "metadata"}, {k: v for k, v in o["metadata"].items() if k != "managedFields"})
		if unchanged(new) == unchanged(cur) and before == mine and not conflicts:
			return cur  # a no-op apply changes nothing, not even the resourceVersion
		new["metadata"]["managedFields"] = ssa_sort(mf)
		new["metadata"]["resourceVersion"] = cur["metadata"]["resourceVersion"]
		return store.replace(r, ns, name, new, self.dry(), None, "Apply")

	def delete_options(self):
		try:
			body = self.json_body() if self.headers.get("Content-Length") not in (None, "0") or self.headers.get("Transfer-Encoding") else None
		except ApiError:
			body = None
		opts = body if isinstance(body, dict) else {}
		policy = self.query.get("propagationPolicy") or opts.get("propagationPolicy")
		if opts.get("orphanDependents") is True:
			policy = "Orphan"
		if policy not in (None, "Orphan", "Background", "Foreground"):
			raise ApiError(400, "BadRequest", "invalid propagationPolicy %r" % (policy,))
		pre = opts.get("preconditions") or {}
		if not isinstance(pre, dict) or not isinstance(policy, (str, type(None))):
			raise ApiError(400, "BadRequest", "DeleteOptions cannot be decoded")
		return policy, pre.get("uid"), pre.get("resourceVersion"), (opts.get("dryRun") == ["All"]) or self.dry()

	def delete_one(self, r, ns, name):
		policy, uid, rv, dry = self.delete_options()
		with self.server.store.lock:
			out = copy.deepcopy(self.server.store.delete(r, ns, name, policy, dry, uid, rv))
		self.send_json(200, out)

	def delete_collection(self, r, ns):
		policy, _, _, dry = self.delete_options()
		store = self.server.store
		with store.lock:
			items = self.select(r, ns)
			for o in items:
				md = o["metadata"]
				try:
					store.delete(r, md.get("namespace", ""), md["name"], policy, dry)
				except ApiError:
					pass
			rv = str(store.rv)
		self.send_json(200, {"kind": r.kind + "List", "apiVersion": r.api_version, "metadata": {"resourceVersion": rv},
		                     "items": self.list_items(r, items)})

	def list_items(self, r, items):
		if r.builtin:
			for o in items:
				o.pop("kind", None)
				o.pop("apiVersion", None)
		return items

	def select(self, r, ns):
		labels = parse_label_selector(self.query.get("labelSelector"))
		fields = parse_field_selector(self.query.get("fieldSelector"))
		out = []
		for (ons, _), o in sorted(self.server.store.table(r).items()):
			if ns is not None and ons != ns:
				continue
			if labels_match(labels, o["metadata"].get("labels")) and fields_match(fields, o):
				out.append(copy.deepcopy(o))
		return out

	def list(self, r, ns):
		store = self.server.store
		with store.lock:
			items = self.select(r, ns)
			rv = str(store.rv)
		self.send_json(200, {"kind": r.kind + "List", "apiVersion": r.api_version,
		                     "metadata": {"resourceVersion": rv}, "items": self.list_items(r, items)})

	def write_chunk(self, data):
		self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
		self.wfile.flush()

	def watch(self, r, ns):
		store = self.server.store
		labels = parse_label_selector(self.query.get("labelSelector"))
		fields = parse_field_selector(self.query.get("fieldSelector"))
		start = self.query.get("resourceVersion", "")
		try:
			timeout = min(float(self.query.get("timeoutSeconds") or 1800), 1800)
		except ValueError:
			timeout = 1800
		m = re.match(r"^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+(?:\.\d+)?)s)?$", self.query.get("timeout", ""))
		if self.query.get("timeout") and m:
			timeout = min(timeout, int(m.group(1) or 0) * 3600 + int(m.group(2) or 0) * 60 + float(m.group(3) or 0))
		bookmarks = self.query.get("allowWatchBookmarks") in ("1", "true")
		deadline = time.monotonic() + timeout
		with store.lock:
			if start in ("", "0"):
				pending = [("ADDED", o) for o in self.select(r, ns)]
				pos = len(store.events)
			else:
				try:
					since = int(start)
				except ValueError:
					raise ApiError(400, "BadRequest", "invalid resourceVersion %r" % start)
				pending = []
				pos = next((i for i, e in enumerate(store.events) if e[0] > since), len(store.events))
		self.send_response(200)
		self.send_header("Content-Type", "application/json")
		self.send_header("Transfer-Encoding", "chunked")
		self.send_header("Cache-Control", "no-cache, private")
		self.end_headers()
		self.log_request_line(200)
		key = (r.group, r.plural)

		def wanted(obj):
			if ns is not None and obj["metadata"].get("namespace") != ns:
				return False
			return labels_match(labels, obj["metadata"].get("labels")) and fields_match(fields, obj)
		try:
			for etype, o in pending:
				self.write_chunk(json.dumps({"type": etype, "object": o}).encode() + b"\n")
			last_bookmark = time.monotonic()
			while not self.server.stopping:
				with store.lock:
					while pos >= len(store.events) and time.monotonic() < deadline and not self.server.stopping:
						store.changed.wait(min(1.0, max(0.0, deadline - time.monotonic())))
						if bookmarks and time.monotonic() - last_bookmark > 5:
							break
					batch = store.events[pos:]
					pos = len(store.events)
					rv = str(store.rv)
				for (erv, ekey, etype, o) in batch:
					if ekey == key and wanted(o):
						self.write_chunk(json.dumps({"type": etype, "object": o}).encode() + b"\n")
				if bookmarks and time.monotonic() - last_bookmark > 5:
					last_bookmark = time.monotonic()
					self.write_chunk(json.dumps({"type": "BOOKMARK", "object": {"kind": r.kind, "apiVersion": r.api_version,
					                 "metadata": {"resourceVersion": rv}}}).encode() + b"\n")
				if time.monotonic() >= deadline:
					break
			self.wfile.write(b"0\r\n\r\n")
			self.wfile.flush()
		except (BrokenPipeError, ConnectionResetError, ssl.SSLError, OSError):
			pass
		self.close_connection = True


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
	daemon_threads = True
	allow_reuse_address = True

	def __init__(self, addr, store, token, ctx, log_file, aggregated=True):
		self.store, self.token, self.ctx, self.log_file = store, token, ctx, log_file
		self.aggregated = aggregated
		self.request_log, self.log_lock, self.stopping = [], threading.Lock(), False
		super().__init__(addr, Handler)

	def finish_request(self, request, client_address):
		"""Runs in the connection's thread, so a slow TLS handshake blocks nobody else."""
		if self.ctx:
			request.settimeout(30)
			try:
				request = self.ctx.wrap_socket(request, server_side=True)
			except (ssl.SSLError, OSError):
				return
			request.settimeout(None)
		self.RequestHandlerClass(request, client_address, self)

	def handle_error(self, request, client_address):
		pass


def make_certs(folder):
	"""A fresh CA and a server certificate for 127.0.0.1/localhost, made with openssl."""
	def run(*args):
		subprocess.run(["openssl"] + list(args), check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
	ca_key, ca_crt = os.path.join(folder, "ca.key"), os.path.join(folder, "ca.crt")
	key, csr, crt = os.path.join(folder, "server.key"), os.path.join(folder, "server.csr"), os.path.join(folder, "server.crt")
	ext = os.path.join(folder, "ext.cnf")
	run("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
	    "-subj", "/CN=kubeapi-test-ca", "-keyout", ca_key, "-out", ca_crt)
	with open(ext, "w") as f:
		f.write("subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\nkeyUsage=digitalSignature,keyEncipherment\n")
	run("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-subj", "/CN=127.0.0.1",
	    "-keyout", key, "-out", csr)
	run("x509", "-req", "-in", csr, "-CA", ca_crt, "-CAkey", ca_key, "-CAcreateserial", "-days", "2",
	    "-extfile", ext, "-out", crt)
	return ca_crt, crt, key


def write_kubeconfig(path, server_url, token, ca_file):
	cluster = {"server": server_url}
	if ca_file:
		with open(ca_file, "rb") as f:
			cluster["certificate-authority-data"] = base64.b64encode(f.read()).decode()
	cfg = {"apiVersion": "v1", "kind": "Config", "preferences": {},
	       "clusters": [{"name": "test", "cluster": cluster}],
	       "users": [{"name": "test", "user": {"token": token}}],
	       "contexts": [{"name": "test", "context": {"cluster": "test", "user": "test", "namespace": "default"}}],
	       "current-context": "test"}
	tmp = path + ".tmp"
	with open(tmp, "w") as f:
		json.dump(cfg, f, indent=1)
	os.chmod(tmp, 0o600)
	os.replace(tmp, path)


def main():
	ap = argparse.ArgumentParser(description="in-memory Kubernetes API server for tests")
	ap.add_argument("--kubeconfig", required=True, help="kubeconfig to write once listening")
	ap.add_argument("--port", type=int, default=0, help="port (default: a free one)")
	ap.add_argument("--plain-http", action="store_true", help="serve plain HTTP instead of HTTPS")
	ap.add_argument("--token", default=None, help="bearer token (default: random)")
	ap.add_argument("--state", default=None, help="JSON file rewritten with every object after each change")
	ap.add_argument("--seed", default=None, help="JSON file of objects to load at start (a --state file, a List, or an array)")
	ap.add_argument("--log", default=None, help="append one JSON line per request (method, path, accept, content type)")
	ap.add_argument("--no-aggregated-discovery", action="store_true",
	                help="answer /api and /apis with the plain lists even when the v2 aggregated form is asked for")
	ap.add_argument("--certs", default=None, help="folder for the generated CA and certificate (default: a temp folder)")
	args = ap.parse_args()
	token = args.token or secrets.token_hex(16)
	ctx, ca = None, None
	if not args.plain_http:
		folder = args.certs or tempfile.mkdtemp(prefix="kubeapi-")
		if not args.certs:
			atexit.register(shutil.rmtree, folder, True)
		os.makedirs(folder, exist_ok=True)
		ca, crt, key = make_certs(folder)
		ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
		ctx.load_cert_chain(crt, key)
		ctx.set_alpn_protocols(["http/1.1"])
	store = Store(args.state)
	if args.seed:
		store.seed(args.seed)
	store.save()
	srv = Server(("127.0.0.1", args.port), store, token, ctx, args.log, not args.no_aggregated_discovery)
	port = srv.server_address[1]
	url = "%s://127.0.0.1:%d" % ("http" if args.plain_http else "https", port)
	write_kubeconfig(args.kubeconfig, url, token, ca)
	signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
	print("listening %s token %s" % (url, token), flush=True)
	try:
		srv.serve_forever(poll_interval=0.2)
	except KeyboardInterrupt:
		pass
	finally:
		srv.stopping = True


if __name__ == "__main__":
	main()
