/* dicts.c - the dicts family of template functions (placeholder until filled). */
#include "functions.h"

const fn_def fn_family_dicts[] = {
	{0},
};
