/* defaults.c - the defaults family of template functions (placeholder until filled). */
#include "functions.h"

const fn_def fn_family_defaults[] = {
	{0},
};
