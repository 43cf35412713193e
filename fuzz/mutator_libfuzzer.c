/*
 * libFuzzer's hooks for the structure-aware mutator (mutator.h). One time
 * in four libFuzzer's own byte-level mutation runs instead, so the engine's
 * dictionaries, CMP tracing and bit flips still reach the decoder.
 */
#include "mutator.h"

size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed);
size_t LLVMFuzzerCustomCrossOver(const uint8_t *data1, size_t size1, const uint8_t *data2, size_t size2, uint8_t *out,
				 size_t max_out_size, unsigned int seed);

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed)
{
	if ((seed & 3) == 0) {
		return LLVMFuzzerMutate(data, size, max_size);
	}
	return lp_mutate(data, size, data, max_size, (uint64_t)seed * 0x100000001B3ull);
}

size_t LLVMFuzzerCustomCrossOver(const uint8_t *data1, size_t size1, const uint8_t *data2, size_t size2, uint8_t *out,
				 size_t max_out_size, unsigned int seed)
{
	return lp_mutate_cross(data1, size1, data2, size2, out, max_out_size, (uint64_t)seed * 0x100000001B3ull);
}
