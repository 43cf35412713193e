/*
 * The seeded random source of platforms whose runs must replay: the host
 * library always, the firmware while it replays a harness program, so that
 * H_RANDOM answers the same on every driver and every run. xorshift64*
 * (Vigna); the state must never be 0.
 */
#ifndef HV_SEEDED_RANDOM_H
#define HV_SEEDED_RANDOM_H

#include <stdint.h>

#define HV_SEEDED_RANDOM_DEFAULT 0x5eedull

static inline uint64_t hv_seeded_random(uint64_t *state)
{
	uint64_t x = *state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x;
	return x * 0x2545F4914F6CDD1Dull;
}

#endif /* HV_SEEDED_RANDOM_H */
