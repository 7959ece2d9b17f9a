/* semver.c - the semver family of template functions (placeholder until filled). */
#include "functions.h"

const fn_def fn_family_semver[] = {
	{0},
};
