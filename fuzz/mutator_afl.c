/*
 * AFL++'s custom-mutator hooks for the structure-aware mutator (mutator.h),
 * built as lparsec-afl-mutator.so (AFL_CUSTOM_MUTATOR_LIBRARY). AFL++ runs
 * it before its own havoc stage, so byte-level mutation still happens.
 * Deterministic from afl-fuzz's seed.
 */
#include <stdint.h>
#include <stdlib.h>

#include "lparsec/prog.h"
#include "mutator.h"

struct lp_afl_mutator {
	uint64_t state;
	uint8_t out[LP_MAX_BIN];
};

void *afl_custom_init(void *afl, unsigned int seed);
size_t afl_custom_fuzz(void *data, uint8_t *buf, size_t buf_size, uint8_t **out_buf, uint8_t *add_buf,
		       size_t add_buf_size, size_t max_size);
void afl_custom_deinit(void *data);

void *afl_custom_init(void *afl, unsigned int seed)
{
	struct lp_afl_mutator *m = calloc(1, sizeof(*m));

	(void)afl;
	if (m) {
		m->state = 0x6C70617273656331ull ^ seed;
	}
	return m;
}

size_t afl_custom_fuzz(void *data, uint8_t *buf, size_t buf_size, uint8_t **out_buf, uint8_t *add_buf,
		       size_t add_buf_size, size_t max_size)
{
	struct lp_afl_mutator *m = data;
	uint64_t seed = (m->state += 0x9E3779B97F4A7C15ull);
	size_t cap = max_size < sizeof(m->out) ? max_size : sizeof(m->out);

	*out_buf = m->out;
	if (add_buf && add_buf_size && (seed >> 61) == 0) {
		return lp_mutate_cross(buf, buf_size, add_buf, add_buf_size, m->out, cap, seed);
	}
	return lp_mutate(buf, buf_size, m->out, cap, seed);
}

void afl_custom_deinit(void *data)
{
	free(data);
}
