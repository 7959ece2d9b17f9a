/* threads.c - several renders at once in one process (the "hundred tenants" case):
 * each thread loads charts/itl-k8s-capi, coalesces its own values (a different
 * release and replica count per thread), renders and sorts; each result must
 * equal what the same render gives alone. Built with ThreadSanitizer by
 * tests/t-threads.sh, so a shared mutable state shows up as a data race. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../chart/pipeline.h"
#include "../values/strvals.h"

#define THREADS 8
#define ROUNDS 3

struct job {
	const char *chart;
	int id;
	char *out; /* malloc'd result */
};

static char *render_once(const char *dir, int id)
{
	arena *a = arena_new();
	chart *c;
	const char *err;
	char *result = NULL;
	if (chart_load_dir(a, dir, &c, &err) != 0)
		goto out;
	vmap *user = v_map_new(a).u.m;
	const char *set = arena_sprintf(a, "highAvailability.enabled=true,highAvailability.replicas=%d", id % 3 + 3);
	if (strvals_parse(a, set, SV_SET, user, NULL, NULL, &err) != 0)
		goto out;
	pipeline_opts po = {.ro = {.release_name = arena_sprintf(a, "t%d", id), .namespace = "default",
				   .is_install = true, .revision = 1}};
	capabilities_default(a, &po.ro.caps);
	pipeline_result pr;
	strbuf warn, sb;
	sb_init(&warn, a);
	sb_init(&sb, a);
	bool render_failed;
	if (pipeline_run(a, c, user, &po, &pr, &warn, &render_failed, &err) != 0)
		goto out;
	for (size_t i = 0; i < pr.ms.ngeneric; i++)
		sb_addf(&sb, "---\n# Source: %s\n%s\n", pr.ms.generic[i].path, pr.ms.generic[i].content);
	result = strdup(sb_str(&sb));
out:
	if (!result)
		result = strdup(arena_sprintf(a, "error: %s", err));
	arena_free(a);
	return result;
}

static void *run(void *p)
{
	struct job *j = p;
	for (int r = 0; r < ROUNDS; r++) {
		char *o = render_once(j->chart, j->id);
		if (j->out && strcmp(o, j->out)) {
			free(j->out);
			j->out = strdup("differs between rounds");
		} else if (!j->out) {
			j->out = o;
			continue;
		}
		free(o);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "charts/itl-k8s-capi";
	struct job jobs[THREADS];
	pthread_t th[THREADS];
	for (int i = 0; i < THREADS; i++) {
		jobs[i] = (struct job){.chart = dir, .id = i};
		if (pthread_create(&th[i], NULL, run, &jobs[i]) != 0)
			return 2;
	}
	int bad = 0;
	for (int i = 0; i < THREADS; i++) {
		pthread_join(th[i], NULL);
		char *alone = render_once(dir, i);
		if (strcmp(alone, jobs[i].out) || !strncmp(alone, "error", 5)) {
			fprintf(stderr, "thread %d: %.200s\n", i, jobs[i].out);
			bad++;
		}
		free(alone);
		free(jobs[i].out);
	}
	printf("%d threads x %d renders: %d differ\n", THREADS, ROUNDS, bad);
	return bad ? 1 : 0;
}
