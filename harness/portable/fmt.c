/*
 * lp_vsnprintf: the printf subset of lparsec/fmt.h. One pass over the
 * format; every byte goes through put(), which counts what would have been
 * written and stores only what fits.
 */
#include "lparsec/fmt.h"

#include <stdbool.h>
#include <stdint.h>

struct out {
	char *buf;
	size_t n, len;
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->n) {
		o->buf[o->len] = c;
	}
	o->len++;
}

/* Writes digits (most significant first), padded to width with pad, or left-justified. */
static void field(struct out *o, const char *s, size_t len, unsigned width, bool left, char pad, char sign)
{
	size_t used = len + (sign ? 1 : 0);

	if (sign && pad == '0') {
		put(o, sign); /* "-0042": the sign before the zeroes */
		sign = 0;
	}
	while (!left && used < width) {
		put(o, pad);
		used++;
	}
	if (sign) {
		put(o, sign);
	}
	while (len--) {
		put(o, *s++);
	}
	while (left && used < width) {
		put(o, ' ');
		used++;
	}
}

static void number(struct out *o, uint64_t v, unsigned base, bool upper, unsigned width, bool left, char pad,
		   char sign)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	size_t i = sizeof(tmp);

	do {
		tmp[--i] = digits[v % base];
		v /= base;
	} while (v);
	field(o, tmp + i, sizeof(tmp) - i, width, left, left ? ' ' : pad, sign);
}

int lp_vsnprintf(char *buf, size_t n, const char *fmt, va_list ap)
{
	struct out o = { buf, n, 0 };

	while (*fmt) {
		const char *start = fmt;
		bool left = false;
		char pad = ' ';
		unsigned width = 0, longs = 0;
		bool size_t_arg = false;

		if (*fmt != '%') {
			put(&o, *fmt++);
			continue;
		}
		fmt++;
		for (; *fmt == '-' || *fmt == '0'; fmt++) {
			if (*fmt == '-') {
				left = true;
			} else {
				pad = '0';
			}
		}
		for (; *fmt >= '0' && *fmt <= '9'; fmt++) {
			width = width * 10 + (unsigned)(*fmt - '0');
		}
		for (; *fmt == 'l'; fmt++) {
			longs++;
		}
		if (*fmt == 'z') {
			size_t_arg = true;
			fmt++;
		}
		switch (*fmt) {
		case 'd':
		case 'i': {
			int64_t v = size_t_arg ? (int64_t)va_arg(ap, long) :
				    longs >= 2 ? (int64_t)va_arg(ap, long long) :
				    longs == 1 ? (int64_t)va_arg(ap, long) : (int64_t)va_arg(ap, int);

			number(&o, v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v, 10, false, width, left, pad,
			       v < 0 ? '-' : 0);
			break;
		}
		case 'u':
		case 'x':
		case 'X': {
			uint64_t v = size_t_arg ? (uint64_t)va_arg(ap, size_t) :
				     longs >= 2 ? (uint64_t)va_arg(ap, unsigned long long) :
				     longs == 1 ? (uint64_t)va_arg(ap, unsigned long) : (uint64_t)va_arg(ap, unsigned);

			number(&o, v, *fmt == 'u' ? 10 : 16, *fmt == 'X', width, left, pad, 0);
			break;
		}
		case 'p':
			put(&o, '0');
			put(&o, 'x');
			number(&o, (uint64_t)(uintptr_t)va_arg(ap, void *), 16, false, width, left, pad, 0);
			break;
		case 's': {
			const char *s = va_arg(ap, const char *);
			size_t len = 0;

			if (!s) {
				s = "(null)";
			}
			while (s[len]) {
				len++;
			}
			field(&o, s, len, width, left, ' ', 0);
			break;
		}
		case 'c': {
			char c = (char)va_arg(ap, int);

			field(&o, &c, 1, width, left, ' ', 0);
			break;
		}
		case '%':
			put(&o, '%');
			break;
		default:
			/* Not ours: copy the conversion as written (and stop at the end of the format). */
			while (start < fmt) {
				put(&o, *start++);
			}
			if (!*fmt) {
				continue;
			}
			put(&o, *fmt);
			break;
		}
		fmt++;
	}
	if (n) {
		buf[o.len < n ? o.len : n - 1] = 0;
	}
	return (int)o.len;
}

int lp_snprintf(char *buf, size_t n, const char *fmt, ...)
{
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = lp_vsnprintf(buf, n, fmt, ap);
	va_end(ap);
	return len;
}
