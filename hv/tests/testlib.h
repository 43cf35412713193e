/*
 * A tiny test framework for the host tests.
 *
 *   TEST(name) { CHECK_EQ(x, 3); }
 *
 * defines a static function and registers it at start-up. Names must match
 * [a-z0-9_]+ and TEST( must start the line: CMake greps the sources for
 * them to register one ctest test per case ("<file>.<case>").
 *
 * A failed CHECK prints file:line with both values and ends the current
 * test (longjmp back to the runner); the remaining checks are skipped.
 *
 * The test binary's main (testlib.c) takes:
 *   --list        print the case names, one a line
 *   --run NAME    run one case; exit 0 on pass, 1 on failure, 2 if unknown
 *   (no args)     run every case, end with the line "N passed, N failed"
 */
#ifndef HV_TESTLIB_H
#define HV_TESTLIB_H

#include <stdint.h>

typedef void (*testlib_fn)(void);

void testlib_register(const char *name, testlib_fn fn, const char *file);
_Noreturn void testlib_fail(void);
void testlib_fail_cond(const char *file, int line, const char *expr);
void testlib_fail_eq(const char *file, int line, const char *ea, const char *eb, uint64_t a, uint64_t b);
void testlib_fail_rc(const char *file, int line, const char *expr, long rc, long expected);

#define TEST(name)                                                                    \
	static void test_##name(void);                                                \
	__attribute__((constructor)) static void testlib_reg_##name(void)             \
	{                                                                             \
		testlib_register(#name, test_##name, __FILE__);                       \
	}                                                                             \
	static void test_##name(void)

#define CHECK(cond)                                                                   \
	do {                                                                          \
		if (!(cond)) {                                                        \
			testlib_fail_cond(__FILE__, __LINE__, #cond);                 \
			testlib_fail();                                               \
		}                                                                     \
	} while (0)

/* Compares as uint64_t; prints both in hex and signed decimal. */
#define CHECK_EQ(a, b)                                                                \
	do {                                                                          \
		uint64_t testlib_a_ = (uint64_t)(a), testlib_b_ = (uint64_t)(b);      \
		if (testlib_a_ != testlib_b_) {                                       \
			testlib_fail_eq(__FILE__, __LINE__, #a, #b, testlib_a_,       \
					testlib_b_);                                  \
			testlib_fail();                                               \
		}                                                                     \
	} while (0)

/* hcall return codes (long); prints the names when hv_rc_name is linked in. */
#define CHECK_RC(rc, expected)                                                        \
	do {                                                                          \
		long testlib_rc_ = (long)(rc), testlib_exp_ = (long)(expected);       \
		if (testlib_rc_ != testlib_exp_) {                                    \
			testlib_fail_rc(__FILE__, __LINE__, #rc, testlib_rc_,         \
					testlib_exp_);                                \
			testlib_fail();                                               \
		}                                                                     \
	} while (0)

#endif /* HV_TESTLIB_H */
