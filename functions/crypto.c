/* crypto.c - the crypto family of template functions (placeholder until filled). */
#include "functions.h"

const fn_def fn_family_crypto[] = {
	{0},
};
