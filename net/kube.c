/* kube.c - the Kubernetes API client: credentials from kubeconfig.c, every
 * request through http_request (net/http.c), JSON through values/json.h.
 *
 * Discovery reads one group version document per apiVersion asked for and
 * keeps it for the command's life. Error text follows client-go as Helm
 * prints it: the Status object's message when the answer carries one.
 */
#include <stdio.h>
#include <string.h>

#include "../values/json.h"
#include "../values/strbuf.h"
#include "http.h"
#include "kube.h"

struct kube_client {
	arena *a;
	kube_config cfg;
	const char *cfg_err; /* a configuration error, returned by every request */
	vmap *discovery;     /* "group/version" -> its APIResourceList */
};

kube_client *kube_new(arena *a, const kube_opts *o)
{
	kube_client *k = arena_alloc(a, sizeof *k);
	kube_opts eo = *o;
	kubeconfig_env(&eo);
	k->a = a;
	const char *err = NULL;
	if (kubeconfig_load(a, &eo, &k->cfg, &err))
		k->cfg_err = err;
	k->discovery = v_map_new(a).u.m;
	return k;
}

const char *kube_namespace(const kube_client *k)
{
	return k->cfg.namespace;
}

const char *kube_query_escape(arena *a, const char *s)
{
	strbuf sb;
	sb_init(&sb, a);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-_.~", *p))
			sb_addc(&sb, (char)*p);
		else
			sb_addf(&sb, "%%%02X", *p);
	}
	return sb_str(&sb);
}

/* client-go's NewGenericServerResponse texts, for answers without a Status. */
static const char *generic_text(arena *a, long code, const char *body)
{
	static const struct {
		long code;
		const char *text;
	} t[] = {
	    {400, "the server rejected our request for an unknown reason"},
	    {401, "the server has asked for the client to provide credentials"},
	    {403, "forbidden"},
	    {404, "the server could not find the requested resource"},
	    {405, "the server does not allow this method on the requested resource"},
	    {406, "the server was unable to respond with a content type that the client supports"},
	    {409, "the server reported a conflict"},
	    {410, "the server reported that the requested resource is gone"},
	    {413, "the server has rejected the request because the request entity is too large"},
	    {415, "the server was unable to respond with a content type that the client supports"},
	    {422, "the server rejected our request due to an error in our request"},
	    {429, "the server has received too many requests and has asked us to try again later"},
	    {503, "the server is currently unable to handle the request"},
	    {504,
	     "the server was unable to return a response in the time allotted, but may still be "
	     "processing the request"},
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		if (t[i].code == code)
			return t[i].text;
	strbuf q;
	sb_init(&q, a);
	json_quote(&q, body, strlen(body) > 256 ? 256 : strlen(body), false);
	return arena_sprintf(
	    a, "an error on the server (%s) has prevented the request from succeeding", sb_str(&q));
}

/* The answer's Status message, or NULL. */
static const char *status_message(value body)
{
	if (body.kind != V_MAP)
		return NULL;
	value *kind = map_getc(body.u.m, "kind"), *msg = map_getc(body.u.m, "message");
	if (!kind || kind->kind != V_STRING || strcmp(kind->u.s, "Status") || !msg ||
	    msg->kind != V_STRING)
		return NULL;
	return msg->u.s;
}

/* Standard base64 with padding. */
static const char *b64(arena *a, const char *s)
{
	static const char tab[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t n = strlen(s);
	char *o = arena_alloc(a, (n + 2) / 3 * 4 + 1), *p = o;
	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned char)s[i] << 16;
		if (i + 1 < n)
			v |= (unsigned char)s[i + 1] << 8;
		if (i + 2 < n)
			v |= (unsigned char)s[i + 2];
		*p++ = tab[v >> 18 & 63];
		*p++ = tab[v >> 12 & 63];
		*p++ = i + 1 < n ? tab[v >> 6 & 63] : '=';
		*p++ = i + 2 < n ? tab[v & 63] : '=';
	}
	*p = 0;
	return o;
}

/* Sends one request; 0 with the raw answer, or -1 with *err (no answer). */
static int send_req(kube_client *k, const char *method, const char *path, const char *ctype,
		    const char *body, size_t len, http_resp *resp, const char **err)
{
	if (k->cfg_err) {
		*err = k->cfg_err;
		return -1;
	}
	arena *a = k->a;
	if (k->cfg.cred_err) {
		char *m = arena_strdup(a, method);
		for (char *p = m + 1; *m && *p; p++)
			*p = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
		*err = arena_sprintf(a, "%s \"%s%s\": getting credentials: %s", m, k->cfg.server,
				     path, k->cfg.cred_err);
		return -1;
	}
	const char *hdrs[8];
	size_t n = 0;
	hdrs[n++] = "Accept: application/json";
	if (body)
		hdrs[n++] =
		    arena_sprintf(a, "Content-Type: %s", ctype ? ctype : "application/json");
	if (k->cfg.token && *k->cfg.token)
		hdrs[n++] = arena_sprintf(a, "Authorization: Bearer %s", k->cfg.token);
	else if (k->cfg.username && *k->cfg.username)
		hdrs[n++] =
		    arena_sprintf(a, "Authorization: Basic %s",
				  b64(a, arena_sprintf(a, "%s:%s", k->cfg.username,
						       k->cfg.password ? k->cfg.password : "")));
	if (k->cfg.as_user && *k->cfg.as_user)
		hdrs[n++] = arena_sprintf(a, "Impersonate-User: %s", k->cfg.as_user);
	hdrs[n] = NULL;
	http_req r = {
	    .method = method,
	    .url = arena_sprintf(a, "%s%s", k->cfg.server, path),
	    .headers = hdrs,
	    .body = body,
	    .body_len = len,
	    .ca_pem = k->cfg.ca_pem,
	    .ca_file = k->cfg.ca_file,
	    .cert_pem = k->cfg.cert_pem,
	    .cert_file = k->cfg.cert_file,
	    .key_pem = k->cfg.key_pem,
	    .key_file = k->cfg.key_file,
	    .insecure = k->cfg.insecure,
	    .proxy = k->cfg.proxy_url,
	    .user_agent = "helm/v0.0.0 (linux/amd64) kubernetes/$Format",
	    .max_size = (size_t)1 << 30,
	};
	return http_request(a, &r, resp, err);
}

int kube_reachable(kube_client *k, const char **err)
{
	http_resp resp = {0};
	const char *e;
	if (send_req(k, "GET", "/version", NULL, NULL, 0, &resp, &e)) {
		*err = arena_sprintf(k->a, "Kubernetes cluster unreachable: %s", e);
		return -1;
	}
	if (resp.status < 200 || resp.status > 206) {
		*err = arena_sprintf(k->a, "Kubernetes cluster unreachable: %s",
				     generic_text(k->a, resp.status, resp.body));
		return -1;
	}
	return 0;
}

int kube_call(kube_client *k, const char *method, const char *path, const char *content_type,
	      const char *body, size_t len, value *out, long *status, const char **err)
{
	http_resp resp = {0};
	value v = v_nil();
	if (status)
		*status = 0;
	if (send_req(k, method, path, content_type, body, len, &resp, err))
		return -1;
	if (status)
		*status = resp.status;
	const char *e;
	if (resp.len && json_parse(k->a, resp.body, resp.len, &v, &e))
		v = v_nil();
	if (resp.status < 200 || resp.status > 206) {
		const char *msg = status_message(v);
		*err = msg ? msg : generic_text(k->a, resp.status, resp.body);
		return -1;
	}
	if (out)
		*out = v;
	return 0;
}

/* ---- discovery ---- */

static const char *sv(value m, const char *key)
{
	value *v = m.kind == V_MAP ? map_getc(m.u.m, key) : NULL;
	return v && v->kind == V_STRING ? v->u.s : NULL;
}

int kube_resource_for(kube_client *k, const char *api_version, const char *kind, kube_resource *out,
		      const char **err)
{
	arena *a = k->a;
	const char *slash = strchr(api_version, '/');
	value *doc = map_getc(k->discovery, api_version);
	if (!doc) {
		const char *path = slash ? arena_sprintf(a, "/apis/%s", api_version)
					 : arena_sprintf(a, "/api/%s", api_version);
		value d;
		long st;
		const char *e;
		if (kube_call(k, "GET", path, NULL, NULL, 0, &d, &st, &e)) {
			if (st != 404) {
				*err = e;
				return -1;
			}
			d = v_nil();
		}
		map_setc(a, k->discovery, api_version, d);
		doc = map_getc(k->discovery, api_version);
	}
	value *list = doc->kind == V_MAP ? map_getc(doc->u.m, "resources") : NULL;
	for (uint32_t i = 0; list && list->kind == V_LIST && i < list->u.l->len; i++) {
		value r = list->u.l->items[i];
		const char *name = sv(r, "name"), *kd = sv(r, "kind");
		if (!name || !kd || strchr(name, '/') || strcmp(kd, kind))
			continue;
		value *ns = map_getc(r.u.m, "namespaced");
		out->group =
		    slash ? arena_strndup(a, api_version, (size_t)(slash - api_version)) : "";
		out->version = slash ? slash + 1 : api_version;
		out->name = name;
		out->kind = kd;
		out->namespaced = ns && ns->kind == V_BOOL && ns->u.b;
		return 0;
	}
	*err = arena_sprintf(a, "no matches for kind \"%s\" in version \"%s\"", kind, api_version);
	return -1;
}

const char *kube_path(arena *a, const kube_resource *r, const char *ns, const char *name)
{
	strbuf sb;
	sb_init(&sb, a);
	if (*r->group)
		sb_addf(&sb, "/apis/%s/%s", r->group, r->version);
	else
		sb_addf(&sb, "/api/%s", r->version);
	if (r->namespaced && ns && *ns)
		sb_addf(&sb, "/namespaces/%s", kube_query_escape(a, ns));
	sb_addf(&sb, "/%s", r->name);
	if (name)
		sb_addf(&sb, "/%s", kube_query_escape(a, name));
	return sb_str(&sb);
}

/* ---- objects ---- */

static const char *to_json(arena *a, value obj, size_t *len, const char **err)
{
	strbuf sb;
	sb_init(&sb, a);
	if (json_emit(&sb, obj, err))
		return NULL;
	*len = sb.len;
	return sb_str(&sb);
}

int kube_get(kube_client *k, const kube_resource *r, const char *ns, const char *name, value *out,
	     long *status, const char **err)
{
	return kube_call(k, "GET", kube_path(k->a, r, ns, name), NULL, NULL, 0, out, status, err);
}

int kube_list(kube_client *k, const kube_resource *r, const char *ns, const char *label_selector,
	      value *out, long *status, const char **err)
{
	const char *path = kube_path(k->a, r, ns, NULL);
	if (label_selector && *label_selector)
		path = arena_sprintf(k->a, "%s?labelSelector=%s", path,
				     kube_query_escape(k->a, label_selector));
	return kube_call(k, "GET", path, NULL, NULL, 0, out, status, err);
}

int kube_create(kube_client *k, const kube_resource *r, const char *ns, value obj, value *out,
		long *status, const char **err)
{
	size_t len;
	const char *body = to_json(k->a, obj, &len, err);
	if (!body)
		return -1;
	return kube_call(k, "POST", kube_path(k->a, r, ns, NULL), "application/json", body, len,
			 out, status, err);
}

int kube_update(kube_client *k, const kube_resource *r, const char *ns, const char *name, value obj,
		value *out, long *status, const char **err)
{
	size_t len;
	const char *body = to_json(k->a, obj, &len, err);
	if (!body)
		return -1;
	return kube_call(k, "PUT", kube_path(k->a, r, ns, name), "application/json", body, len, out,
			 status, err);
}

int kube_patch(kube_client *k, const kube_resource *r, const char *ns, const char *name,
	       const char *type, const char *patch, size_t len, const char *field_manager,
	       bool force, value *out, long *status, const char **err)
{
	static const struct {
		const char *type, *ctype;
	} t[] = {
	    {"merge", "application/merge-patch+json"},
	    {"json", "application/json-patch+json"},
	    {"strategic", "application/strategic-merge-patch+json"},
	    {"apply", "application/apply-patch+yaml"},
	};
	const char *ctype = NULL;
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		if (!strcmp(t[i].type, type))
			ctype = t[i].ctype;
	if (!ctype) {
		*err = arena_sprintf(k->a, "unknown patch type \"%s\"", type);
		if (status)
			*status = 0;
		return -1;
	}
	const char *path = kube_path(k->a, r, ns, name);
	char sep = '?';
	if (field_manager && *field_manager) {
		path = arena_sprintf(k->a, "%s?fieldManager=%s", path,
				     kube_query_escape(k->a, field_manager));
		sep = '&';
	}
	if (force && !strcmp(type, "apply"))
		path = arena_sprintf(k->a, "%s%cforce=true", path, sep);
	return kube_call(k, "PATCH", path, ctype, patch, len, out, status, err);
}

int kube_delete(kube_client *k, const kube_resource *r, const char *ns, const char *name,
		const char *propagation, long *status, const char **err)
{
	const char *body = NULL;
	size_t len = 0;
	if (propagation && *propagation) {
		body = arena_sprintf(k->a,
				     "{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\","
				     "\"propagationPolicy\":\"%s\"}",
				     propagation);
		len = strlen(body);
	}
	return kube_call(k, "DELETE", kube_path(k->a, r, ns, name), "application/json", body, len,
			 NULL, status, err);
}
