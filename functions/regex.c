/* regex.c - the regex family of template functions (placeholder until filled). */
#include "functions.h"

const fn_def fn_family_regex[] = {
	{0},
};
