/*
 * A benchmark guest (lparsec-bench-emu): a loop of loads, adds and stores
 * through the emulated MMU. The count is fixed so the benchmark knows the
 * instructions it ran.
 */
#include "runtime.h"

#define SPIN_ITERATIONS 4000000ul   /* 5 instructions each (ld, addi, std, addi, bdnz) */

int main(void)
{
	volatile u64 *p = guest_ptr(guest.mem_bytes - 4096);
	u64 v;

	__asm__ volatile("mtctr %2\n"
			 "1: ld %0,0(%1)\n addi %0,%0,1\n std %0,0(%1)\n addi %0,%0,0\n bdnz 1b\n"
			 : "=&r"(v)
			 : "b"(p), "r"(SPIN_ITERATIONS)
			 : "ctr", "memory");
	check("spin: the loop's stores all landed", *p - GUEST_CANARY(guest.index, guest.mem_bytes - 4096),
	      SPIN_ITERATIONS);
	return 0;
}
