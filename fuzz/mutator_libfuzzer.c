/*
 * libFuzzer's hooks for the structure-aware mutator (mutator.h). One time
 * in four libFuzzer's own byte-level mutation runs instead, so the engine's
 * dictionaries, CMP tracing and bit flips still reach the decoder.
 *
 * LPARSEC_FUZZ_BASELINE=1 (the planted-bug benchmark's byte-level baseline,
 * fuzz_common.h): libFuzzer's own mutations and a byte splice only.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "mutator.h"

size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed);
size_t LLVMFuzzerCustomCrossOver(const uint8_t *data1, size_t size1, const uint8_t *data2, size_t size2, uint8_t *out,
				 size_t max_out_size, unsigned int seed);

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed)
{
	if ((seed & 3) == 0 || lp_fuzz_baseline()) {
		return LLVMFuzzerMutate(data, size, max_size);
	}
	return lp_mutate(data, size, data, max_size, (uint64_t)seed * 0x100000001B3ull);
}

size_t LLVMFuzzerCustomCrossOver(const uint8_t *data1, size_t size1, const uint8_t *data2, size_t size2, uint8_t *out,
				 size_t max_out_size, unsigned int seed)
{
	if (lp_fuzz_baseline()) {
		/* data1's first bytes, then data2's from the same offset on. */
		size_t cut = size1 ? seed % (size1 + 1) : 0, tail = size2 > cut ? size2 - cut : 0;

		cut = cut < max_out_size ? cut : max_out_size;
		tail = tail < max_out_size - cut ? tail : max_out_size - cut;
		memcpy(out, data1, cut);
		memcpy(out + cut, data2 + (size2 - tail), tail);
		return cut + tail;
	}
	return lp_mutate_cross(data1, size1, data2, size2, out, max_out_size, (uint64_t)seed * 0x100000001B3ull);
}
