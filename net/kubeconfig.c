/* kubeconfig.c - kubectl's rules for finding the cluster and the credentials.
 *
 * Files are read as YAML (values/yaml.h) and merged as clientcmd merges
 * KUBECONFIG: for clusters, users and contexts the first file naming an entry
 * wins, and so does the first non-empty current-context; relative paths are
 * taken from the file that holds them. Exec credential plugins run with
 * KUBERNETES_EXEC_INFO set and answer an ExecCredential on stdout.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../values/json.h"
#include "../values/strbuf.h"
#include "../values/yaml.h"
#include "kubeconfig.h"

#define MAX_FILE ((size_t)16 << 20)
#define SA_DIR	 "/var/run/secrets/kubernetes.io/serviceaccount"

static const char *env_or(const char *flag, const char *env)
{
	if (flag && *flag)
		return flag;
	const char *e = getenv(env);
	return e && *e ? e : NULL;
}

void kubeconfig_env(kube_opts *o)
{
	o->context = env_or(o->context, "HELM_KUBECONTEXT");
	o->namespace = env_or(o->namespace, "HELM_NAMESPACE");
	o->apiserver = env_or(o->apiserver, "HELM_KUBEAPISERVER");
	o->token = env_or(o->token, "HELM_KUBETOKEN");
	o->as_user = env_or(o->as_user, "HELM_KUBEASUSER");
	o->ca_file = env_or(o->ca_file, "HELM_KUBECAFILE");
	o->tls_server_name = env_or(o->tls_server_name, "HELM_KUBETLS_SERVER_NAME");
	const char *ins = getenv("HELM_KUBEINSECURE_SKIP_TLS_VERIFY");
	if (ins && !strcmp(ins, "true"))
		o->insecure = true;
}

static int b64v(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	return c == '+' ? 62 : c == '/' ? 63 : -1;
}

/* Go's base64.StdEncoding.DecodeString, quantum by quantum, so a bad input
 * fails at the byte Go names. */
int kube_b64_decode(arena *a, const char *s, size_t n, char **out, size_t *outlen, size_t *bad_at)
{
	char *o = arena_alloc(a, n / 4 * 3 + 4);
	size_t k = 0, si = 0;
	while (si < n) {
		unsigned q[4];
		int j = 0, pad_at = -1;
		while (j < 4) {
			if (si == n) {
				if (j == 0)
					goto done;
				*bad_at = si - (size_t)j;
				return -1;
			}
			int c = (unsigned char)s[si++];
			if (c == '\r' || c == '\n')
				continue;
			if (c == '=') {
				if (j < 2) {
					*bad_at = si - 1;
					return -1;
				}
				if (j == 2) {
					while (si < n && (s[si] == '\n' || s[si] == '\r'))
						si++;
					if (si == n || s[si] != '=') {
						*bad_at = si == n ? n : si - 1;
						return -1;
					}
					si++;
				}
				while (si < n && (s[si] == '\n' || s[si] == '\r'))
					si++;
				if (si < n) {
					*bad_at = si;
					return -1;
				}
				pad_at = j;
				break;
			}
			int v = b64v(c);
			if (v < 0) {
				*bad_at = si - 1;
				return -1;
			}
			q[j++] = (unsigned)v;
		}
		int got = pad_at >= 0 ? pad_at : 4;
		for (int i = got; i < 4; i++)
			q[i] = 0;
		unsigned v = q[0] << 18 | q[1] << 12 | q[2] << 6 | q[3];
		o[k++] = (char)(v >> 16);
		if (got > 2)
			o[k++] = (char)(v >> 8 & 0xff);
		if (got > 3)
			o[k++] = (char)(v & 0xff);
	}
done:
	o[k] = 0;
	*out = o;
	*outlen = k;
	return 0;
}

/* Reads a whole (small) file; NULL with errno set on failure. */
static char *slurp(arena *a, const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	strbuf sb;
	sb_init(&sb, a);
	char buf[65536];
	ssize_t n;
	while ((n = read(fd, buf, sizeof buf)) > 0 && sb.len < MAX_FILE)
		sb_add(&sb, buf, (size_t)n);
	int e = errno;
	close(fd);
	if (n < 0) {
		errno = e;
		return NULL;
	}
	if (len)
		*len = sb.len;
	return (char *)sb_str(&sb);
}

static value *get(value m, const char *key)
{
	return m.kind == V_MAP ? map_getc(m.u.m, key) : NULL;
}

static const char *str(value m, const char *key)
{
	value *v = get(m, key);
	return v && v->kind == V_STRING && v->len ? v->u.s : NULL;
}

/* ---- loading and merging ---- */

typedef struct merged {
	vmap *clusters, *users, *contexts; /* name -> the entry's inner map */
	const char *current;
	bool any; /* some file was read */
} merged;

static const char *resolve(arena *a, const char *dir, const char *p)
{
	if (!p || !*p || p[0] == '/' || !dir)
		return p;
	return arena_sprintf(a, "%s/%s", dir, p);
}

/* Rewrites the relative file names of an entry against dir, as clientcmd's ResolvePaths. */
static void resolve_paths(arena *a, value *entry, const char *dir)
{
	static const char *const keys[] = {"certificate-authority", "client-certificate",
					   "client-key", "tokenFile"};
	if (entry->kind != V_MAP)
		return;
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		const char *p = str(*entry, keys[i]);
		if (p && p[0] != '/')
			map_setc(a, entry->u.m, keys[i], v_cstr(a, resolve(a, dir, p)));
	}
	value *ex = get(*entry, "exec");
	const char *cmd = ex ? str(*ex, "command") : NULL;
	if (cmd && strchr(cmd, '/') && cmd[0] != '/')
		map_setc(a, ex->u.m, "command", v_cstr(a, resolve(a, dir, cmd)));
}

static int data_or_file(arena *a, value m, const char *dkey, const char *fkey, const char **pem,
			const char **file, const char **err)
{
	const char *d = str(m, dkey);
	if (d) {
		char *out;
		size_t n, bad;
		if (kube_b64_decode(a, d, strlen(d), &out, &n, &bad)) {
			*err = arena_sprintf(a, "illegal base64 data at input byte %zu", bad);
			return -1;
		}
		*pem = out;
	} else {
		*file = str(m, fkey);
	}
	return 0;
}

/* Go decodes the -data fields while loading the file: a bad one fails the file. */
static int check_data(arena *a, value e, const char **err)
{
	static const char *const keys[] = {"certificate-authority-data", "client-certificate-data",
					   "client-key-data"};
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		const char *d = str(e, keys[i]), *e2;
		const char *pem = NULL, *file = NULL;
		if (d && data_or_file(a, e, keys[i], "", &pem, &file, &e2)) {
			*err = e2;
			return -1;
		}
	}
	return 0;
}

static int merge_list(arena *a, vmap *into, value list, const char *inner, const char *dir,
		      const char **err)
{
	if (list.kind != V_LIST)
		return 0;
	for (uint32_t i = 0; i < list.u.l->len; i++) {
		value it = list.u.l->items[i];
		const char *name = str(it, "name");
		value *body = get(it, inner);
		if (!name || map_getc(into, name))
			continue;
		value e = body && body->kind == V_MAP ? value_deep_copy(a, *body) : v_map_new(a);
		if (check_data(a, e, err))
			return -1;
		resolve_paths(a, &e, dir);
		map_setc(a, into, name, e);
	}
	return 0;
}

static int load_file(arena *a, const char *path, bool must, merged *m, const char **err)
{
	size_t len;
	char *data = slurp(a, path, &len);
	if (!data) {
		if (!must && errno == ENOENT)
			return 0;
		*err =
		    arena_sprintf(a, "stat %s: %s", path,
				  errno == ENOENT ? "no such file or directory" : strerror(errno));
		return -1;
	}
	value doc;
	const char *e;
	if (yaml_load(a, data, len, &doc, &e)) {
		const char *pre = "error converting YAML to JSON: ";
		if (!strncmp(e, pre, strlen(pre)))
			e += strlen(pre);
		*err = arena_sprintf(a, "error loading config file \"%s\": %s", path, e);
		return -1;
	}
	m->any = true;
	if (doc.kind != V_MAP)
		return 0;
	char *dir = arena_strdup(a, path), cwd[4096];
	if (dir[0] != '/' && getcwd(cwd, sizeof cwd)) /* clientcmd makes the paths absolute */
		dir = arena_sprintf(a, "%s/%s", cwd, path);
	char *slash = strrchr(dir, '/');
	if (slash)
		*slash = 0;
	const char *d = slash ? (*dir ? dir : "/") : ".";
	value *v;
	const char *e2 = NULL;
	if (((v = get(doc, "clusters")) && merge_list(a, m->clusters, *v, "cluster", d, &e2)) ||
	    ((v = get(doc, "users")) && merge_list(a, m->users, *v, "user", d, &e2)) ||
	    ((v = get(doc, "contexts")) && merge_list(a, m->contexts, *v, "context", d, &e2))) {
		*err = arena_sprintf(a, "error loading config file \"%s\": %s", path, e2);
		return -1;
	}
	if (!m->current)
		m->current = str(doc, "current-context");
	return 0;
}

static int load_all(arena *a, const kube_opts *o, merged *m, const char **err)
{
	m->clusters = v_map_new(a).u.m;
	m->users = v_map_new(a).u.m;
	m->contexts = v_map_new(a).u.m;
	if (o->kubeconfig && *o->kubeconfig)
		return load_file(a, o->kubeconfig, true, m, err);
	const char *env = getenv("KUBECONFIG");
	if (env && *env) {
		char *list = arena_strdup(a, env), *save = NULL;
		for (char *p = strtok_r(list, ":", &save); p; p = strtok_r(NULL, ":", &save))
			if (*p && load_file(a, p, false, m, err))
				return -1;
		return 0;
	}
	const char *home = getenv("HOME");
	if (home && *home)
		return load_file(a, arena_sprintf(a, "%s/.kube/config", home), false, m, err);
	return 0;
}

/* ---- credentials ---- */

static const char *trim_nl(char *s)
{
	size_t n = strlen(s);
	while (n && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' '))
		s[--n] = 0;
	return s;
}

extern char **environ;

/* The plugin's environment, built before fork: ours, then the exec section's
 * env entries, then KUBERNETES_EXEC_INFO (later entries replace earlier ones). */
static char **plugin_env(arena *a, const value *envs, const char *info)
{
	size_t n = 0, k = 0;
	while (environ && environ[n])
		n++;
	uint32_t ne = envs && envs->kind == V_LIST ? envs->u.l->len : 0;
	char **out = arena_alloc(a, (n + ne + 2) * sizeof *out);
	const char **add = arena_alloc(a, (ne + 1) * sizeof *add);
	size_t na = 0;
	for (uint32_t i = 0; i < ne; i++) {
		const char *nm = str(envs->u.l->items[i], "name"),
			   *v = str(envs->u.l->items[i], "value");
		if (nm && !strchr(nm, '='))
			add[na++] = arena_sprintf(a, "%s=%s", nm, v ? v : "");
	}
	add[na++] = arena_sprintf(a, "KUBERNETES_EXEC_INFO=%s", info);
	for (size_t i = 0; i < n; i++) {
		const char *eq = strchr(environ[i], '=');
		size_t kl = eq ? (size_t)(eq - environ[i]) + 1 : strlen(environ[i]);
		bool replaced = false;
		for (size_t j = 0; j < na && !replaced; j++)
			replaced = !strncmp(add[j], environ[i], kl);
		if (!replaced)
			out[k++] = environ[i];
	}
	for (size_t j = 0; j < na; j++)
		out[k++] = (char *)add[j];
	out[k] = NULL;
	return out;
}

/* Runs the plugin and returns its stdout (at most 1 MiB), or NULL with *err. */
static char *run_plugin(arena *a, value ex, const char *cmd, const char *info, const char **err)
{
	value *args = get(ex, "args"), *envs = get(ex, "env");
	uint32_t na = args && args->kind == V_LIST ? args->u.l->len : 0;
	char **argv = arena_alloc(a, (na + 2) * sizeof *argv);
	argv[0] = (char *)cmd;
	for (uint32_t i = 0; i < na; i++) {
		value v = args->u.l->items[i];
		argv[i + 1] = (char *)(v.kind == V_STRING ? v.u.s : "");
	}
	char **envp = plugin_env(a, envs, info);
	int p[2], ep[2];
	if (pipe(p)) {
		*err = arena_sprintf(a, "exec: %s", strerror(errno));
		return NULL;
	}
	if (pipe2(ep, O_CLOEXEC)) {
		close(p[0]);
		close(p[1]);
		*err = arena_sprintf(a, "exec: %s", strerror(errno));
		return NULL;
	}
	pid_t pid = fork();
	if (pid == 0) {
		dup2(p[1], 1);
		close(p[0]);
		close(p[1]);
		close(ep[0]);
		execvpe(cmd, argv, envp);
		int e = errno;
		if (write(ep[1], &e, sizeof e) < 0)
			_exit(126);
		_exit(127);
	}
	close(p[1]);
	close(ep[1]);
	if (pid < 0) {
		close(p[0]);
		close(ep[0]);
		*err = arena_sprintf(a, "exec: %s", strerror(errno));
		return NULL;
	}
	strbuf sb;
	sb_init(&sb, a);
	char buf[8192];
	ssize_t n;
	while ((n = read(p[0], buf, sizeof buf)) > 0)
		if (sb.len < ((size_t)1 << 20))
			sb_add(&sb, buf, (size_t)n);
	close(p[0]);
	int exec_errno = 0;
	bool exec_failed =
	    read(ep[0], &exec_errno, sizeof exec_errno) == (ssize_t)sizeof exec_errno;
	close(ep[0]);
	int st = 0;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (exec_failed) {
		const char *hint = str(ex, "installHint");
		if (exec_errno == ENOENT && !strchr(cmd, '/'))
			*err = arena_sprintf(a,
					     "exec: executable %s not found\n\nIt looks like you "
					     "are trying to use a client-go "
					     "credential plugin that is not installed.\n\nTo learn "
					     "more about this feature, consult "
					     "the documentation available at:\n      "
					     "https://kubernetes.io/docs/reference/"
					     "access-authn-authz/authentication/"
					     "#client-go-credential-plugins%s%s",
					     cmd, hint ? "\n\n" : "", hint ? hint : "");
		else
			*err = arena_sprintf(a, "exec: fork/exec %s: %s", cmd,
					     exec_errno == ENOENT ? "no such file or directory"
								  : strerror(exec_errno));
		return NULL;
	}
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		*err = arena_sprintf(a, "exec: executable %s failed with exit code %d", cmd,
				     WIFEXITED(st) ? WEXITSTATUS(st) : -1);
		return NULL;
	}
	return (char *)sb_str(&sb);
}

/* client.authentication.k8s.io ExecCredential plugins (v1 and v1beta1). */
static int exec_credential(arena *a, value ex, kube_config *out, const char **err)
{
	const char *cmd = str(ex, "command"), *api = str(ex, "apiVersion");
	if (!cmd) {
		*err = "exec plugin: invalid apiVersion or missing command";
		return -1;
	}
	if (!api || (strcmp(api, "client.authentication.k8s.io/v1") &&
		     strcmp(api, "client.authentication.k8s.io/v1beta1"))) {
		*err = arena_sprintf(a, "exec plugin: invalid apiVersion \"%s\"", api ? api : "");
		return -1;
	}
	const char *info = arena_sprintf(
	    a,
	    "{\"kind\":\"ExecCredential\",\"apiVersion\":\"%s\",\"spec\":{\"interactive\":false}}",
	    api);
	char *text = run_plugin(a, ex, cmd, info, err);
	if (!text)
		return -1;
	value cred;
	const char *e;
	if (json_parse(a, text, strlen(text), &cred, &e) || cred.kind != V_MAP) {
		*err = arena_sprintf(a, "decoding stdout: %s",
				     cred.kind != V_MAP ? "not an object" : e);
		return -1;
	}
	const char *got = str(cred, "apiVersion");
	if (!got || strcmp(got, api)) {
		*err = arena_sprintf(
		    a,
		    "exec plugin is configured to use API version %s, plugin returned version %s",
		    api, got ? got : "");
		return -1;
	}
	value *status = get(cred, "status");
	if (!status || status->kind != V_MAP) {
		*err = "exec plugin didn't return a status field";
		return -1;
	}
	const char *tok = str(*status, "token"), *cert = str(*status, "clientCertificateData"),
		   *key = str(*status, "clientKeyData");
	if (!tok && !(cert && key)) {
		*err = "exec plugin didn't return a token or cert/key pair";
		return -1;
	}
	if (tok)
		out->token = tok;
	if (cert && key) {
		out->cert_pem = cert;
		out->key_pem = key;
	}
	return 0;
}

static int user_auth(arena *a, value user, kube_config *out, const char **err)
{
	if (data_or_file(a, user, "client-certificate-data", "client-certificate", &out->cert_pem,
			 &out->cert_file, err) ||
	    data_or_file(a, user, "client-key-data", "client-key", &out->key_pem, &out->key_file,
			 err))
		return -1;
	out->token = str(user, "token");
	out->username = str(user, "username");
	out->password = str(user, "password");
	const char *tf = str(user, "tokenFile");
	if (!out->token && tf) {
		char *t = slurp(a, tf, NULL);
		if (!t) {
			*err = arena_sprintf(a, "open %s: %s", tf,
					     errno == ENOENT ? "no such file or directory"
							     : strerror(errno));
			return -1;
		}
		out->token = trim_nl(t);
	}
	const char *as = str(user, "as");
	if (as)
		out->as_user = as;
	value *ex = get(user, "exec");
	const char *e = NULL;
	if (ex && ex->kind == V_MAP && !out->token && exec_credential(a, *ex, out, &e))
		out->cred_err = e;
	return 0;
}

/* The pod's own service account (rest.InClusterConfig). */
static bool in_cluster(arena *a, kube_config *out)
{
	const char *host = getenv("KUBERNETES_SERVICE_HOST"),
		   *port = getenv("KUBERNETES_SERVICE_PORT");
	const char *dir = getenv("RENDER_SERVICEACCOUNT_DIR");
	if (!dir || !*dir)
		dir = SA_DIR;
	if (!host || !*host || !port || !*port)
		return false;
	char *tok = slurp(a, arena_sprintf(a, "%s/token", dir), NULL);
	if (!tok)
		return false;
	out->server =
	    arena_sprintf(a, strchr(host, ':') ? "https://[%s]:%s" : "https://%s:%s", host, port);
	out->token = trim_nl(tok);
	const char *ca = arena_sprintf(a, "%s/ca.crt", dir);
	if (access(ca, R_OK) == 0)
		out->ca_file = ca;
	return true;
}

static const char *sa_namespace(arena *a)
{
	const char *pn = getenv("POD_NAMESPACE");
	if (pn && *pn)
		return pn;
	const char *dir = getenv("RENDER_SERVICEACCOUNT_DIR");
	char *ns = slurp(a, arena_sprintf(a, "%s/namespace", dir && *dir ? dir : SA_DIR), NULL);
	return ns && *trim_nl(ns) ? ns : NULL;
}

static const char *strip_slash(arena *a, const char *s)
{
	size_t n = strlen(s);
	while (n && s[n - 1] == '/')
		n--;
	return arena_strndup(a, s, n);
}

/* Applies the context's cluster and user to out. */
static int from_context(arena *a, const merged *m, const char *name, kube_config *out,
			const char **err)
{
	value *ctx = map_getc(m->contexts, name);
	if (!ctx) {
		*err = arena_sprintf(a, "context \"%s\" does not exist", name);
		return -1;
	}
	out->context = name;
	const char *ns = str(*ctx, "namespace");
	if (ns)
		out->namespace = ns;
	const char *cn = str(*ctx, "cluster"), *un = str(*ctx, "user");
	out->cluster_name = cn ? cn : "";
	out->user_name = un ? un : "";
	value *cl = cn ? map_getc(m->clusters, cn) : NULL;
	value *us = un ? map_getc(m->users, un) : NULL;
	if (cl) {
		const char *srv = str(*cl, "server");
		if (srv)
			out->server = strip_slash(a, srv);
		value *ins = get(*cl, "insecure-skip-tls-verify");
		out->insecure = ins && ins->kind == V_BOOL && ins->u.b;
		out->proxy_url = str(*cl, "proxy-url");
		if (data_or_file(a, *cl, "certificate-authority-data", "certificate-authority",
				 &out->ca_pem, &out->ca_file, err))
			return -1;
	}
	return us ? user_auth(a, *us, out, err) : 0;
}

/* Reads *file into *pem (clientcmd reads the files when it validates). */
static const char *read_into(arena *a, const char **file, const char **pem, const char *what,
			     const char *owner)
{
	if (!*file || !**file)
		return NULL;
	char *d = slurp(a, *file, NULL);
	if (!d)
		return arena_sprintf(
		    a, "unable to read %s %s for %s due to open %s: %s", what, *file, owner, *file,
		    errno == ENOENT ? "no such file or directory" : strerror(errno));
	*pem = d;
	*file = NULL;
	return NULL;
}

/* clientcmd's ConfirmUsable, then the transport's PEM checks, in Go's words. */
static int validate(arena *a, kube_config *c, const char **err)
{
	const char *errs[4];
	int n = 0;
	const char *e;
	if ((e = read_into(a, &c->ca_file, &c->ca_pem, "certificate-authority", c->cluster_name)))
		errs[n++] = e;
	if ((c->cert_pem || c->cert_file) && !c->key_pem && !c->key_file)
		errs[n++] = arena_sprintf(
		    a,
		    "client-key-data or client-key must be specified for %s to use the "
		    "clientCert authentication method.",
		    c->user_name);
	if ((e = read_into(a, &c->cert_file, &c->cert_pem, "client-cert", c->user_name)))
		errs[n++] = e;
	if ((e = read_into(a, &c->key_file, &c->key_pem, "client-key", c->user_name)))
		errs[n++] = e;
	if (n) {
		strbuf sb;
		sb_init(&sb, a);
		sb_adds(&sb, n > 1 ? "invalid configuration: [" : "invalid configuration: ");
		for (int i = 0; i < n; i++)
			sb_addf(&sb, "%s%s", i ? ", " : "", errs[i]);
		if (n > 1)
			sb_addc(&sb, ']');
		*err = sb_str(&sb);
		return -1;
	}
	if (c->ca_pem && !c->insecure && !strstr(c->ca_pem, "-----BEGIN ")) {
		*err = "unable to load root certificates: unable to parse bytes as PEM block";
		return -1;
	}
	if (c->cert_pem && c->key_pem && !strstr(c->cert_pem, "-----BEGIN ")) {
		*err = "tls: failed to find any PEM data in certificate input";
		return -1;
	}
	if (c->cert_pem && c->key_pem && !strstr(c->key_pem, "-----BEGIN ")) {
		*err = "tls: failed to find any PEM data in key input";
		return -1;
	}
	if (!c->cert_pem || !c->key_pem)
		c->cert_pem = c->key_pem = NULL;
	return 0;
}

int kubeconfig_load(arena *a, const kube_opts *o, kube_config *out, const char **err)
{
	memset(out, 0, sizeof *out);
	out->server = "http://localhost:8080";
	out->context = "";
	merged m = {0};
	int rc = load_all(a, o, &m, err);
	const char *ctx = o->context && *o->context ? o->context : m.current;
	bool cfg_empty = !m.contexts->len && !m.clusters->len && !m.users->len;
	if (!rc && ctx && *ctx) {
		rc = from_context(a, &m, ctx, out, err);
		if (rc && !(o->context && *o->context) && !map_getc(m.contexts, ctx))
			*err = arena_sprintf(a,
					     "invalid configuration: context was not found for "
					     "specified context: %s",
					     ctx);
	} else if (!rc && cfg_empty && (!o->apiserver || !*o->apiserver))
		in_cluster(a, out);
	if (!o->namespace || !*o->namespace) {
		if (!out->namespace && cfg_empty)
			out->namespace = sa_namespace(a);
	} else {
		out->namespace = o->namespace;
	}
	if (!out->namespace)
		out->namespace = "default";
	if (o->apiserver && *o->apiserver)
		out->server = strip_slash(a, o->apiserver);
	if (o->token && *o->token) {
		out->token = o->token;
		out->cert_pem = out->key_pem = out->cert_file = out->key_file = NULL;
	}
	if (o->ca_file && *o->ca_file) {
		out->ca_file = o->ca_file;
		out->ca_pem = NULL;
	}
	if (o->insecure) {
		out->insecure = true;
		out->ca_file = out->ca_pem = NULL;
	}
	if (o->as_user && *o->as_user)
		out->as_user = o->as_user;
	if (!rc)
		rc = validate(a, out, err);
	return rc;
}
