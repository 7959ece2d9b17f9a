/* encoding.c - the encoding family of template functions (placeholder until filled). */
#include "functions.h"

const fn_def fn_family_encoding[] = {
	{0},
};
