/* conv.c - the conv family of template functions (placeholder until filled). */
#include "functions.h"

const fn_def fn_family_conv[] = {
	{0},
};
