/*
 * The victim beside an attacker: its registers and memory full of its own
 * canaries, it yields the processor again and again (so the attacker is
 * dispatched on the same thread in between) and checks after every turn
 * that its registers still hold what it put there and that no other
 * owner's canary appeared in its memory.
 */
#include "runtime.h"

#define TURNS 64

/*
 * u64 yield_with_canaries(u64 seed): r14..r31, SPRG1 and CTR := seed + k,
 * H_CONFER to anyone, then the number of them that changed. The
 * non-volatile registers are saved in the frame and restored (ELFv1).
 */
u64 yield_with_canaries(u64 seed);
__asm__(".section .opd, \"aw\"\n"
	".balign 8\n"
	"yield_with_canaries: .quad .yield_with_canaries, .TOC.@tocbase, 0\n"
	".text\n"
	".yield_with_canaries:\n"
	"	stdu 1,-288(1)\n"
	"	std 14,112(1)\n std 15,120(1)\n std 16,128(1)\n std 17,136(1)\n std 18,144(1)\n std 19,152(1)\n"
	"	std 20,160(1)\n std 21,168(1)\n std 22,176(1)\n std 23,184(1)\n std 24,192(1)\n std 25,200(1)\n"
	"	std 26,208(1)\n std 27,216(1)\n std 28,224(1)\n std 29,232(1)\n std 30,240(1)\n std 31,248(1)\n"
	"	std 3,256(1)\n"
	"	mr 14,3\n addi 15,14,1\n addi 16,14,2\n addi 17,14,3\n addi 18,14,4\n addi 19,14,5\n"
	"	addi 20,14,6\n addi 21,14,7\n addi 22,14,8\n addi 23,14,9\n addi 24,14,10\n addi 25,14,11\n"
	"	addi 26,14,12\n addi 27,14,13\n addi 28,14,14\n addi 29,14,15\n addi 30,14,16\n addi 31,14,17\n"
	"	mtsprg 1,14\n mtctr 15\n"
	"	li 3,0xE4\n li 4,-1\n li 5,0\n sc 1\n" /* H_CONFER to anyone: the thread goes to someone else */
	"	ld 4,256(1)\n li 3,0\n"
	"	cmpd 14,4\n beq 1f\n addi 3,3,1\n1:\n"
	"	addi 5,4,17\n cmpd 31,5\n beq 2f\n addi 3,3,1\n2:\n"
	"	addi 5,4,9\n cmpd 23,5\n beq 3f\n addi 3,3,1\n3:\n"
	"	mfsprg 5,1\n cmpd 5,4\n beq 4f\n addi 3,3,1\n4:\n"
	"	mfctr 5\n addi 6,4,1\n cmpd 5,6\n beq 5f\n addi 3,3,1\n5:\n"
	"	ld 14,112(1)\n ld 15,120(1)\n ld 16,128(1)\n ld 17,136(1)\n ld 18,144(1)\n ld 19,152(1)\n"
	"	ld 20,160(1)\n ld 21,168(1)\n ld 22,176(1)\n ld 23,184(1)\n ld 24,192(1)\n ld 25,200(1)\n"
	"	ld 26,208(1)\n ld 27,216(1)\n ld 28,224(1)\n ld 29,232(1)\n ld 30,240(1)\n ld 31,248(1)\n"
	"	addi 1,1,288\n"
	"	blr\n");

int main(void)
{
	extern char _end[];
	u64 bad = 0;
	unsigned i;

	for (i = 0; i < TURNS; i++) {
		bad += yield_with_canaries(GUEST_CANARY(guest.index, i * 0x100));
	}
	check("victim: registers intact across every turn", bad, 0);
	check("victim: no foreign canary in its memory",
	      guest_foreign_canaries((u64)_end - GUEST_BASE, guest.mem_bytes, guest.index), 0);
	/* Relocation (scenario victim-moved) must carry every byte to where the same logical address finds it. */
	check("victim: its own canaries are where the loader put them",
	      guest_own_canaries_lost((u64)_end - GUEST_BASE, guest.mem_bytes, guest.index), 0);
	return 0;
}
