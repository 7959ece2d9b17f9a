/* paths.c - the paths family of template functions (placeholder until filled). */
#include "functions.h"

const fn_def fn_family_paths[] = {
	{0},
};
