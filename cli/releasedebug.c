/* releasedebug.c - `render __release ...`, a hidden command for testing the
 * release records of release/record.c against Helm's: encode a release JSON
 * to the storage string, decode one back, re-marshal a JSON, build the Secret.
 * Not part of Helm's interface; its output is for tests.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../chart/chart.h"
#include "../release/record.h"
#include "../values/json.h"
#include "../values/yaml.h"
#include "commands.h"
#include "common.h"

static int rd_usage(void)
{
	return cli_error(
	    "usage: render __release "
	    "encode|decode|json|[update-]secret|[update-]configmap|from-secret|resecret FILE, "
	    "chart DIR FILE, or now");
}

/* Prints s and a line break. */
static int put_line(strbuf *sb)
{
	sb_addc(sb, '\n');
	return write_stdout(sb->buf, sb->len) ? 1 : 0;
}

/* The storage object of r for mode [update-]secret, [update-]configmap or
 * resecret; the time label is RENDER_NOW (unix seconds) when set, for tests. */
static int rd_object(arena *a, release *r, const char *mode, strbuf *out, const char **err)
{
	const char *now = getenv("RENDER_NOW");
	int64_t t = now ? strtoll(now, NULL, 10) : rel_time_unix(rel_time_now());
	value s;
	bool create = !strcmp(mode, "secret") || !strcmp(mode, "configmap");
	if ((strstr(mode, "configmap") ? release_configmap : release_secret)(a, r, create, t, &s,
									     err))
		return -1;
	return json_emit(out, s, err);
}

static int rd_from_json(arena *a, const char *mode, const char *text, size_t len, strbuf *out,
			const char **err)
{
	release *r;
	if (release_from_json(a, text, len, &r, err))
		return -1;
	if (!strcmp(mode, "json"))
		return release_to_json(out, r, err);
	if (!strcmp(mode, "encode")) {
		const char *enc;
		size_t n;
		if (release_encode(a, r, &enc, &n, err))
			return -1;
		sb_add(out, enc, n);
		return 0;
	}
	return rd_object(a, r, mode, out, err);
}

/* `chart DIR RELEASE.json`: RELEASE.json with its chart replaced by the record
 * of the chart loaded from DIR (release_chart_from). */
static int rd_chart(arena *a, const char *dir, const char *file)
{
	const char *text, *err = NULL, *schema = NULL, *lock_text;
	size_t len, schema_len = 0, lock_len;
	chart *c;
	release *r;
	value lock = v_nil();
	if (read_whole_file(a, file, &text, &len, &err) ||
	    release_from_json(a, text, len, &r, &err) || chart_load_dir(a, dir, &c, &err))
		return cli_error(err);
	const char *sp = arena_sprintf(a, "%s/values.schema.json", dir);
	const char *lp = arena_sprintf(a, "%s/Chart.lock", dir);
	if (access(sp, F_OK) == 0 && read_whole_file(a, sp, &schema, &schema_len, &err))
		return cli_error(err);
	if (access(lp, F_OK) == 0 && (read_whole_file(a, lp, &lock_text, &lock_len, &err) ||
				      yaml_load_map(a, lock_text, lock_len, &lock, &err)))
		return cli_error(err);
	bool has_values = access(arena_sprintf(a, "%s/values.yaml", dir), F_OK) == 0;
	r->chart = release_chart_from(a, c, has_values, schema, schema_len, lock);
	strbuf out;
	sb_init(&out, a);
	if (release_to_json(&out, r, &err))
		return cli_error(err);
	return put_line(&out);
}

int cmd_releasedebug(arena *a, int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[0], "chart"))
		return rd_chart(a, argv[1], argv[2]);
	if (argc == 1 && !strcmp(argv[0], "now")) {
		/* the current time as Go's time.Now() marshals, for the format check */
		strbuf sb;
		sb_init(&sb, a);
		rel_time_format(&sb, rel_time_now());
		return put_line(&sb);
	}
	if (argc != 2)
		return rd_usage();
	const char *mode = argv[0], *text, *err = NULL;
	size_t len;
	if (read_whole_file(a, argv[1], &text, &len, &err))
		return cli_error(err);
	strbuf out;
	sb_init(&out, a);
	int rc = -1;
	if (!strcmp(mode, "decode") || !strcmp(mode, "from-secret") || !strcmp(mode, "resecret")) {
		release *r = NULL;
		if (!strcmp(mode, "decode")) {
			while (len && (text[len - 1] == '\n' || text[len - 1] == ' '))
				len--;
			rc = release_decode(a, text, len, &r, &err);
		} else {
			value s;
			rc = json_parse(a, text, len, &s, &err);
			if (!rc)
				rc = release_from_secret(a, s, &r, &err);
		}
		if (!rc && !strcmp(mode, "resecret")) {
			/* as Helm's Update of a record it read: its user labels, fresh system ones
			 */
			for (uint32_t i = 0; r->labels && i < r->labels->len;)
				if (release_system_label(r->labels->e[i].key))
					map_del(r->labels, r->labels->e[i].key,
						r->labels->e[i].klen);
				else
					i++;
			rc = rd_object(a, r, "update-secret", &out, &err);
		} else if (!rc) {
			rc = release_to_json(&out, r, &err);
		}
	} else if (!strcmp(mode, "encode") || !strcmp(mode, "json") || !strcmp(mode, "secret") ||
		   !strcmp(mode, "update-secret") || !strcmp(mode, "configmap") ||
		   !strcmp(mode, "update-configmap")) {
		rc = rd_from_json(a, mode, text, len, &out, &err);
	} else {
		return rd_usage();
	}
	if (rc)
		return cli_error(arena_sprintf(a, "%s: %s", argv[1], err));
	return put_line(&out);
}
