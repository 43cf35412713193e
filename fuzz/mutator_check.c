/*
 * lparsec-mutator-check (ctest fuzz.mutator.canonical): the structure-aware
 * mutator's contract over chains of mutations starting from random bytes:
 * the output fits max_size, is a canonical encoding (decode + encode gives
 * it back byte for byte), decodes to the program the mutator says it
 * emitted, and the same seed gives the same output. And
 * the length of a long chain of mutations stays balanced: programs grow, but
 * do not drift to LP_FUZZ_OPS (longer programs cost more to run).
 * Exit 0 when all hold, 1 with the first failure otherwise.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "lparsec/prog.h"
#include "mutator.h"

static uint8_t cur[LP_MAX_BIN], out[LP_MAX_BIN], again[LP_MAX_BIN], enc[LP_MAX_BIN], flipped[LP_MAX_BIN];
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

/* Field by field (no memcmp: padding and entries past nops do not count). */
static bool prog_equal(const struct lp_prog *a, const struct lp_prog *b)
{
	uint32_t i;
	unsigned j;

	if (a->cfg.nparts != b->cfg.nparts || a->cfg.threads != b->cfg.threads || a->nops != b->nops) {
		return false;
	}
	for (j = 0; j < LP_MAX_PARTS; j++) {
		if (a->cfg.lmbs[j] != b->cfg.lmbs[j] || a->cfg.vcpus[j] != b->cfg.vcpus[j] ||
		    a->cfg.windows[j] != b->cfg.windows[j] || a->cfg.shared[j] != b->cfg.shared[j]) {
			return false;
		}
	}
	for (i = 0; i < a->nops; i++) {
		const struct lp_op *x = &a->op[i], *y = &b->op[i];

		if (x->kind != y->kind || x->part != y->part || x->vcpu != y->vcpu || x->a != y->a || x->reg != y->reg ||
		    x->opcode != y->opcode || x->nargs != y->nargs || x->value != y->value) {
			return false;
		}
		for (j = 0; j < 9; j++) {
			if (x->arg[j].sel != y->arg[j].sel || x->arg[j].val != y->arg[j].val) {
				return false;
			}
		}
	}
	return true;
}

/*
 * lp_mutator_last_program(out) is what decoding out gives, field by field
 * (the fuzz target runs it instead of decoding), whenever the output is a
 * whole encoding; and nothing for other bytes.
 */
static const char *check_last_program(const uint8_t *o, size_t n, size_t max)
{
	const struct lp_prog *last = lp_mutator_last_program(o, n);

	if (last && !prog_equal(last, &prog)) {
		return "the mutator's last program is not what its output decodes to";
	}
	if (!last && max >= 9) { /* the empty program's 9 bytes fit: the output is a whole encoding */
		return "no last program for an output that was not cut";
	}
	if (n && last) {
		memcpy(flipped, o, n);
		flipped[n / 2] ^= 0x40;
		if (lp_mutator_last_program(flipped, n) || lp_mutator_last_program(o, n - 1)) {
			return "a last program for bytes the mutator did not emit";
		}
	}
	return NULL;
}

/*
 * A chain of 20 000 mutations from the empty program: the mean length over
 * its second half must stay at most 3/4 of LP_FUZZ_OPS (the balance point is
 * about half; with inserts outnumbering deletes the old mutator gave 63.0), and some
 * program must still reach half of it.
 */
static int check_length_balance(uint64_t *s)
{
	size_t len = 0;
	uint64_t sum = 0;
	unsigned step, longest = 0, steps = 20000;

	lp_prog_decode(cur, 0, &prog); /* the empty program */
	len = lp_prog_encode(&prog, cur, sizeof(cur));
	for (step = 0; step < steps; step++) {
		len = lp_mutate(cur, len, out, sizeof(out), next(s));
		memcpy(cur, out, len);
		lp_prog_decode(cur, len, &prog);
		longest = prog.nops > longest ? prog.nops : longest;
		sum += step >= steps / 2 ? prog.nops : 0;
	}
	printf("mutator-check: %u chained mutations: mean %.1f operations over the second half, longest %u\n", steps,
	       (double)sum / (steps / 2), longest);
	if (sum > (uint64_t)(steps / 2) * LP_FUZZ_OPS * 3 / 4) {
		return fail(0, steps, "programs drift towards LP_FUZZ_OPS (mean length over 3/4 of it)");
	}
	if (longest < LP_FUZZ_OPS / 2) {
		return fail(0, steps, "programs never grow to half of LP_FUZZ_OPS");
	}
	return 0;
}

int main(void)
{
	uint64_t s = 0x1234567;
	unsigned chain, step, i, steps = 0, maxops = 0;
	const char *why;

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
			if ((why = check_last_program(out, n, max)) != NULL) {
				return fail(chain, step, why);
			}
			maxops = prog.nops > maxops ? prog.nops : maxops;
			memcpy(cur, out, n);
			len = n;
		}
	}
	printf("mutator-check: %u mutations: bounded, canonical, deterministic (longest program %u ops)\n", steps,
	       maxops);
	return check_length_balance(&s);
}
