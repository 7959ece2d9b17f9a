/* unicat.h - Go's unicode categories, for the string functions' word rules. */
#ifndef RENDER_UNICAT_H
#define RENDER_UNICAT_H

#include <stdbool.h>
#include <stdint.h>

enum unicat { UC_LETTER, UC_UPPER, UC_LOWER, UC_NUMBER, UC_PUNCT };

/* unicode.IsLetter, IsUpper, IsLower, IsNumber or IsPunct of r. */
bool unicat_is(enum unicat c, int32_t r);

#endif
