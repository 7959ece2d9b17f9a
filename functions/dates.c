/* dates.c - the dates family of template functions (placeholder until filled). */
#include "functions.h"

const fn_def fn_family_dates[] = {
	{0},
};
