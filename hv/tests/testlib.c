/* The runner of the tiny test framework (see testlib.h). */
#include "testlib.h"

#include <inttypes.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TESTLIB_MAX 256

struct testlib_case {
	const char *name;
	const char *file;
	testlib_fn fn;
};

static struct testlib_case cases[TESTLIB_MAX];
static unsigned ncases;
static jmp_buf fail_jmp;

/* Names of return codes, when the core providing them is linked in. */
extern const char *hv_rc_name(long rc) __attribute__((weak));

void testlib_register(const char *name, testlib_fn fn, const char *file)
{
	if (ncases == TESTLIB_MAX) {
		fprintf(stderr, "testlib: more than %d tests, raise TESTLIB_MAX\n", TESTLIB_MAX);
		exit(2);
	}
	cases[ncases].name = name;
	cases[ncases].file = file;
	cases[ncases].fn = fn;
	ncases++;
}

_Noreturn void testlib_fail(void)
{
	longjmp(fail_jmp, 1);
}

void testlib_fail_cond(const char *file, int line, const char *expr)
{
	fprintf(stderr, "%s:%d: CHECK(%s) failed\n", file, line, expr);
}

void testlib_fail_eq(const char *file, int line, const char *ea, const char *eb, uint64_t a, uint64_t b)
{
	fprintf(stderr,
		"%s:%d: CHECK_EQ(%s, %s) failed\n"
		"    actual:   0x%016" PRIx64 " (%" PRId64 ")\n"
		"    expected: 0x%016" PRIx64 " (%" PRId64 ")\n",
		file, line, ea, eb, a, (int64_t)a, b, (int64_t)b);
}

static const char *rc_name(long rc)
{
	const char *n = hv_rc_name ? hv_rc_name(rc) : NULL;

	return n ? n : "?";
}

void testlib_fail_rc(const char *file, int line, const char *expr, long rc, long expected)
{
	fprintf(stderr,
		"%s:%d: CHECK_RC(%s) failed\n"
		"    actual:   %ld %s (0x%lx)\n"
		"    expected: %ld %s (0x%lx)\n",
		file, line, expr, rc, rc_name(rc), (unsigned long)rc, expected, rc_name(expected),
		(unsigned long)expected);
}

/* Runs one case; true when it passed. */
static int run_case(const struct testlib_case *c)
{
	/* volatile: survives the longjmp. */
	volatile int ok = 1;

	if (setjmp(fail_jmp) == 0) {
		c->fn();
	} else {
		ok = 0;
	}
	printf("%s %s\n", ok ? "PASS" : "FAIL", c->name);
	fflush(stdout);
	return ok;
}

int main(int argc, char **argv)
{
	unsigned i, passed = 0, failed = 0;

	if (argc == 2 && strcmp(argv[1], "--list") == 0) {
		for (i = 0; i < ncases; i++) {
			printf("%s\n", cases[i].name);
		}
		return 0;
	}
	if (argc == 3 && strcmp(argv[1], "--run") == 0) {
		for (i = 0; i < ncases; i++) {
			if (strcmp(cases[i].name, argv[2]) == 0) {
				return run_case(&cases[i]) ? 0 : 1;
			}
		}
		fprintf(stderr, "%s: no test named '%s' (--list shows them)\n", argv[0], argv[2]);
		return 2;
	}
	if (argc != 1) {
		fprintf(stderr, "usage: %s [--list | --run NAME]\n", argv[0]);
		return 2;
	}
	for (i = 0; i < ncases; i++) {
		if (run_case(&cases[i])) {
			passed++;
		} else {
			failed++;
		}
	}
	printf("%u passed, %u failed\n", passed, failed);
	return failed ? 1 : 0;
}
