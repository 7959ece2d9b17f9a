/* math.c - the math family of template functions (placeholder until filled). */
#include "functions.h"

const fn_def fn_family_math[] = {
	{0},
};
