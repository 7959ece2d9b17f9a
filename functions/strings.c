/* strings.c - the strings family of template functions (placeholder until filled). */
#include "functions.h"

const fn_def fn_family_strings[] = {
	{0},
};
