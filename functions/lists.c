/* lists.c - the lists family of template functions (placeholder until filled). */
#include "functions.h"

const fn_def fn_family_lists[] = {
	{0},
};
