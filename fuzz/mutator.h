/*
 * The structure-aware mutator (one implementation, two engines): decodes a
 * program, applies 1..3 random mutations to its operations, arguments or
 * configuration, normalizes and re-encodes it. Deterministic from the
 * seed. Wired as libFuzzer's LLVMFuzzerCustomMutator (mutator_libfuzzer.c)
 * and as an AFL++ custom mutator (mutator_afl.c -> lparsec-afl-mutator.so).
 * Not thread-safe (one static scratch program).
 */
#ifndef LPARSEC_FUZZ_MUTATOR_H
#define LPARSEC_FUZZ_MUTATOR_H

#include <stddef.h>
#include <stdint.h>

/*
 * Mutates the program data[0..size) into out (max_size bytes; out may be
 * data). Returns the output length (<= max_size; operations are dropped
 * from the end until the canonical encoding fits, never cut mid-op). When
 * max_size cannot hold even an empty program (12 bytes) the input is
 * copied as is, truncated.
 */
size_t lp_mutate(const uint8_t *data, size_t size, uint8_t *out, size_t max_size, uint64_t seed);

/*
 * Crossover: the operations of program a with a run of b's operations
 * inserted or, the likelier the longer a is, replacing as many of a's.
 * Same output rules as lp_mutate.
 */
size_t lp_mutate_cross(const uint8_t *a, size_t asize, const uint8_t *b, size_t bsize, uint8_t *out,
		       size_t max_size, uint64_t seed);

/*
 * The program the last lp_mutate / lp_mutate_cross call emitted, when
 * data[0..size) is exactly those bytes; NULL otherwise (other bytes, a cut
 * output, or no call yet). Decoding the bytes gives this program field by
 * field (lparsec-mutator-check holds the mutator to it), so the fuzz target
 * need not decode what the mutator has just encoded. Valid until the next
 * mutator call.
 */
struct lp_prog;
const struct lp_prog *lp_mutator_last_program(const uint8_t *data, size_t size);

#endif /* LPARSEC_FUZZ_MUTATOR_H */
