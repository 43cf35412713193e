/*
 * lparsec-mutator-check (ctest fuzz.mutator.canonical): the structure-aware
 * mutator's contract over chains of mutations starting from random bytes:
 * the output fits max_size, is a canonical encoding (decode + encode gives
 * it back byte for byte), and the same seed gives the same output.
 * Exit 0 when all hold, 1 with the first failure otherwise.
 */
#include <stdio.h>
#include <string.h>

#include "lparsec/prog.h"
#include "mutator.h"

static uint8_t cur[LP_MAX_BIN], out[LP_MAX_BIN], again[LP_MAX_BIN], enc[LP_MAX_BIN];
static struct lp_prog prog;

static uint64_t next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static int fail(unsigned chain, unsigned step, const char *what)
{
	fprintf(stderr, "mutator-check: chain %u step %u: %s\n", chain, step, what);
	return 1;
}

int main(void)
{
	uint64_t s = 0x1234567;
	unsigned chain, step, i, steps = 0, maxops = 0;

	for (chain = 0; chain < 200; chain++) {
		size_t len = next(&s) % 400;

		for (i = 0; i < len; i++) {
			cur[i] = (uint8_t)next(&s);
		}
		for (step = 0; step < 100; step++, steps++) {
			size_t max = next(&s) % 8 ? sizeof(out) : 9 + next(&s) % 300;
			uint64_t seed = next(&s);
			size_t n, m;

			if (step % 10 == 9) {
				n = lp_mutate_cross(cur, len, out, len, out, max, seed);
			} else {
				n = lp_mutate(cur, len, out, max, seed);
			}
			if (n > max) {
				return fail(chain, step, "output longer than max_size");
			}
			m = step % 10 == 9 ? n : lp_mutate(cur, len, again, max, seed);
			if (step % 10 != 9 && (m != n || memcmp(out, again, n) != 0)) {
				return fail(chain, step, "same seed, different output");
			}
			lp_prog_decode(out, n, &prog);
			if (lp_prog_encode(&prog, enc, sizeof(enc)) != n || memcmp(enc, out, n) != 0) {
				return fail(chain, step, "output is not a canonical encoding");
			}
			maxops = prog.nops > maxops ? prog.nops : maxops;
			memcpy(cur, out, n);
			len = n;
		}
	}
	printf("mutator-check: %u mutations: bounded, canonical, deterministic (longest program %u ops)\n", steps,
	       maxops);
	return 0;
}
