/* file.h - whole files into the arena, with Go's error texts ("open PATH: no
 * such file or directory"), shared by the loader, the packager, repositories
 * and the command line. */
#ifndef RENDER_FILE_H
#define RENDER_FILE_H

#include <stddef.h>

#include "arena.h"

/* An errno as Go prints it: the C library's text, lowercased. */
const char *go_strerror(arena *a, int e);

/* Reads all of path (NUL-terminated in the arena). Returns 0, or -1 with *err
 * ("open PATH: ...", "read PATH: is a directory"). */
int file_read(arena *a, const char *path, const char **data, size_t *len, const char **err);

#endif
