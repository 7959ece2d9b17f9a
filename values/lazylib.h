/* lazylib.h - a shared library opened on first use (dlopen), so that a
 * command that never needs it does not pay for mapping it. A file lists the
 * functions it calls in an X-macro, LAZY_LIBRARY makes the table and its
 * loader, and the file then #defines each name to TAG_api()->name.
 */
#ifndef RENDER_LAZYLIB_H
#define RENDER_LAZYLIB_H

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#define LAZY_FIELD_(name) __typeof__(name) *name;
#define LAZY_SYM_(name)                                                                            \
	if (h && !missing && !(*(void **)&t->name = dlsym(h, #name)))                              \
		missing = #name;

/* struct TAG_api with a pointer for each name of FUNCS, filled once per
 * process from SONAME by TAG_api(); a missing library or symbol ends the
 * command with "Error: cannot load SONAME: what". */
#define LAZY_LIBRARY(tag, soname, FUNCS)                                                           \
	static struct tag##_api {                                                                  \
		FUNCS(LAZY_FIELD_)                                                                 \
	} tag##_fns;                                                                               \
	static pthread_once_t tag##_once = PTHREAD_ONCE_INIT;                                      \
	static void tag##_load(void)                                                               \
	{                                                                                          \
		struct tag##_api *t = &tag##_fns;                                                  \
		void *h = dlopen(soname, RTLD_NOW | RTLD_LOCAL);                                   \
		const char *missing = h ? NULL : dlerror();                                        \
		FUNCS(LAZY_SYM_)                                                                   \
		if (missing) {                                                                     \
			fprintf(stderr, "Error: cannot load %s: %s\n", soname, missing);           \
			exit(1);                                                                   \
		}                                                                                  \
	}                                                                                          \
	static inline const struct tag##_api *tag##_api(void)                                      \
	{                                                                                          \
		pthread_once(&tag##_once, tag##_load);                                             \
		return &tag##_fns;                                                                 \
	}

#endif
