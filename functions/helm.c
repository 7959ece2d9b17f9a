/* helm.c - the helm family of template functions (placeholder until filled). */
#include "functions.h"

const fn_def fn_family_helm[] = {
	{0},
};
