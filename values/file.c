/* file.c - reading whole files the way every command needs it, and the errno
 * texts Go prints (lowercase: "permission denied", "is a directory"). */
#include "file.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "strbuf.h"

const char *go_strerror(arena *a, int e)
{
	char *s = arena_strdup(a, strerror(e));
	if (s[0] >= 'A' && s[0] <= 'Z')
		s[0] = (char)(s[0] - 'A' + 'a');
	return s;
}

int file_read(arena *a, const char *path, const char **data, size_t *len, const char **err)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		*err = arena_sprintf(a, "open %s: %s", path, go_strerror(a, errno));
		return -1;
	}
	strbuf sb;
	sb_init(&sb, a);
	char buf[65536];
	size_t n;
	errno = 0;
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		sb_add(&sb, buf, n);
	int bad = ferror(f), e = errno ? errno : EIO;
	fclose(f);
	if (bad) {
		*err = arena_sprintf(a, "read %s: %s", path, go_strerror(a, e));
		return -1;
	}
	*data = sb_str(&sb);
	*len = sb.len;
	return 0;
}
