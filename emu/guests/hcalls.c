/*
 * A benchmark guest (lparsec-bench-emu): sc 1 round trips of a
 * free-running guest, each a hypervisor entry with the vCPU's registers
 * moved between the CPU and the core both ways.
 */
#include "runtime.h"

#define HCALL_ITERATIONS 100000ul

int main(void)
{
	u64 i, ok = 0;

	for (i = 0; i < HCALL_ITERATIONS; i++) {
		ok += hcall(H_RANDOM, 0, 0, 0, 0, 0, 0, 0, 0, 0) == H_SUCCESS;
	}
	check("hcalls: every H_RANDOM succeeded", ok, HCALL_ITERATIONS);
	return 0;
}
