/*
 * Formatted text without a C library, for the code the firmware shares with
 * the host tools (the scenario runner's verdicts, the firmware's console).
 * A subset of printf: flags '-' and '0', a field width, the length
 * modifiers l, ll and z, and the conversions d i u x X s c p %. Anything
 * else is copied as it stands, so a wrong format shows in the output
 * instead of reading a wrong argument.
 */
#ifndef LPARSEC_FMT_H
#define LPARSEC_FMT_H

#include <stdarg.h>
#include <stddef.h>

/* Like vsnprintf: writes at most n bytes including the NUL, returns the length the whole text has. */
int lp_vsnprintf(char *buf, size_t n, const char *fmt, va_list ap);
__attribute__((format(printf, 3, 4))) int lp_snprintf(char *buf, size_t n, const char *fmt, ...);

#endif /* LPARSEC_FMT_H */
