/* pcre2_lazy.h - PCRE2 loaded on first use (dlopen): most renders never use
 * a regular expression. Included, after <pcre2.h>, by the two files that use
 * PCRE2 (functions/regex.c, values/schema_regex.c); each gets its own table.
 */
#ifndef RENDER_PCRE2_LAZY_H
#define RENDER_PCRE2_LAZY_H

#include "lazylib.h"

#define PCRE2_SONAME "libpcre2-8.so.0"
#define PCRE2_FUNCS(X)                                                                             \
	X(pcre2_code_free_8)                                                                       \
	X(pcre2_compile_8)                                                                         \
	X(pcre2_compile_context_create_8)                                                          \
	X(pcre2_general_context_create_8)                                                          \
	X(pcre2_get_error_message_8)                                                               \
	X(pcre2_get_ovector_pointer_8)                                                             \
	X(pcre2_match_8)                                                                           \
	X(pcre2_match_context_create_8)                                                            \
	X(pcre2_match_context_free_8)                                                              \
	X(pcre2_match_data_create_from_pattern_8)                                                  \
	X(pcre2_match_data_free_8)                                                                 \
	X(pcre2_pattern_info_8)                                                                    \
	X(pcre2_set_depth_limit_8)                                                                 \
	X(pcre2_set_match_limit_8)                                                                 \
	X(pcre2_substring_number_from_name_8)

LAZY_LIBRARY(pcre2, PCRE2_SONAME, PCRE2_FUNCS)

/* from here on, each pcre2_*_8 name (what pcre2.h's short names expand to)
 * calls through the table */
#define pcre2_code_free_8		       pcre2_api()->pcre2_code_free_8
#define pcre2_compile_8			       pcre2_api()->pcre2_compile_8
#define pcre2_compile_context_create_8	       pcre2_api()->pcre2_compile_context_create_8
#define pcre2_general_context_create_8	       pcre2_api()->pcre2_general_context_create_8
#define pcre2_get_error_message_8	       pcre2_api()->pcre2_get_error_message_8
#define pcre2_get_ovector_pointer_8	       pcre2_api()->pcre2_get_ovector_pointer_8
#define pcre2_match_8			       pcre2_api()->pcre2_match_8
#define pcre2_match_context_create_8	       pcre2_api()->pcre2_match_context_create_8
#define pcre2_match_context_free_8	       pcre2_api()->pcre2_match_context_free_8
#define pcre2_match_data_create_from_pattern_8 pcre2_api()->pcre2_match_data_create_from_pattern_8
#define pcre2_match_data_free_8		       pcre2_api()->pcre2_match_data_free_8
#define pcre2_pattern_info_8		       pcre2_api()->pcre2_pattern_info_8
#define pcre2_set_depth_limit_8		       pcre2_api()->pcre2_set_depth_limit_8
#define pcre2_set_match_limit_8		       pcre2_api()->pcre2_set_match_limit_8
#define pcre2_substring_number_from_name_8     pcre2_api()->pcre2_substring_number_from_name_8

#endif
