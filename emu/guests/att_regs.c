/*
 * Attacker: registers. It shares one hardware thread with the victim
 * (scenario threads 1), so the victim runs on the same emulated CPU
 * between its turns: after it yields (H_CONFER to anyone) and when the
 * hypervisor decrementer preempts it in the middle of a spin. Every turn
 * it fills what it can set with its own pattern, spins past the end of a
 * slice, yields, and takes a snapshot of every register it can read right
 * after the sc. No register may hold a canary of the victim (or of anyone
 * but itself), and its own values must have survived both the preemption
 * and the yield (papr-spec §7.2 G4, H_CEDE / H_CONFER "full state
 * preservation").
 */
#include "runtime.h"

#define TURNS          80
#define SPIN_BDNZ      25000   /* a slice is 20000 instructions: every turn is preempted mid-spin */

/* Snapshot layout (words), written by turn(). */
#define SNAP_GPR       0       /* r0..r31 */
#define SNAP_CR        32
#define SNAP_LR        33
#define SNAP_CTR       34
#define SNAP_XER       35
#define SNAP_SPRG      36      /* SPRG0..3 */
#define SNAP_SRR0      40
#define SNAP_SRR1      41
#define SNAP_DAR       42
#define SNAP_DSISR     43
#define SNAP_MSR       44
#define SNAP_AFTER_SC  45      /* the address of the instruction after the sc: what SRR0 must hold */
#define SNAP_TAR       46      /* read only to look for leaks: the engine carries them too */
#define SNAP_VRSAVE    47
#define SNAP_PPR       48
#define SNAP_WORDS     49

#define STR(x)  #x
#define XSTR(x) STR(x)

/* XER as it reads back: CA and CA32 set, the byte count from the seed's turn number (bits 7..13). */
#define XER_PATTERN(seed) (0x20040000ul | (((seed) >> 7) & 0x7F))

/*
 * void turn(u64 seed, u64 *snap): registers := seed + their snapshot
 * index (GPR k: seed + k; CR, LR, ... seed + SNAP_x; XER and DSISR as
 * they can hold it), a spin of SPIN_BDNZ on CTR (preempted), CTR := its
 * pattern, H_CONFER(-1), then the snapshot. r1 and the frame are the only
 * state the routine itself relies on after the sc; r2 and r13..r31 are
 * restored from the frame afterwards (ELFv1).
 */
void turn(u64 seed, u64 *snap);
__asm__(".section .opd, \"aw\"\n"
	".balign 8\n"
	"turn: .quad .turn, .TOC.@tocbase, 0\n"
	".text\n"
	".turn:\n"
	"	mflr 0\n std 0,16(1)\n stdu 1,-288(1)\n std 2,40(1)\n"
	"	std 13,112(1)\n std 14,120(1)\n std 15,128(1)\n std 16,136(1)\n std 17,144(1)\n std 18,152(1)\n"
	"	std 19,160(1)\n std 20,168(1)\n std 21,176(1)\n std 22,184(1)\n std 23,192(1)\n std 24,200(1)\n"
	"	std 25,208(1)\n std 26,216(1)\n std 27,224(1)\n std 28,232(1)\n std 29,240(1)\n std 30,248(1)\n"
	"	std 31,256(1)\n std 4,272(1)\n"
	/* Special registers first, through r6. */
	"	rldicl 6,3,57,57\n oris 6,6,0x2004\n mtxer 6\n"
	"	addi 6,3,32\n mtcrf 0xFF,6\n addi 6,3,33\n mtlr 6\n"
	"	addi 6,3,36\n mtsprg 0,6\n addi 6,3,37\n mtsprg 1,6\n addi 6,3,38\n mtsprg 2,6\n addi 6,3,39\n mtsprg 3,6\n"
	"	addi 6,3,40\n mtsrr0 6\n addi 6,3,41\n mtsrr1 6\n addi 6,3,42\n mtdar 6\n"
	"	addi 6,3,43\n clrldi 6,6,32\n mtdsisr 6\n"
	"	li 6," XSTR(SPIN_BDNZ) "\n mtctr 6\n"
	/* Every GPR but r1, from r5 = seed. */
	"	mr 5,3\n addi 0,5,0\n addi 2,5,2\n addi 3,5,3\n addi 4,5,4\n addi 6,5,6\n addi 7,5,7\n"
	"	addi 8,5,8\n addi 9,5,9\n addi 10,5,10\n addi 11,5,11\n addi 12,5,12\n addi 13,5,13\n"
	"	addi 14,5,14\n addi 15,5,15\n addi 16,5,16\n addi 17,5,17\n addi 18,5,18\n addi 19,5,19\n"
	"	addi 20,5,20\n addi 21,5,21\n addi 22,5,22\n addi 23,5,23\n addi 24,5,24\n addi 25,5,25\n"
	"	addi 26,5,26\n addi 27,5,27\n addi 28,5,28\n addi 29,5,29\n addi 30,5,30\n addi 31,5,31\n"
	"	addi 5,5,5\n"
	"1:	bdnz 1b\n"                           /* the hypervisor decrementer ends the slice in here */
	"	addi 3,5," XSTR(SNAP_CTR) " - 5\n mtctr 3\n"
	"	li 3,0xE4\n li 4,-1\n"
	"	sc 1\n"                              /* H_CONFER to anyone: the victim gets the thread */
	".Lturn_after_sc:\n"
	"	std 3,280(1)\n ld 3,272(1)\n"
	"	std 0,0(3)\n std 1,8(3)\n std 2,16(3)\n ld 0,280(1)\n std 0,24(3)\n"
	"	std 4,32(3)\n std 5,40(3)\n std 6,48(3)\n std 7,56(3)\n std 8,64(3)\n std 9,72(3)\n"
	"	std 10,80(3)\n std 11,88(3)\n std 12,96(3)\n std 13,104(3)\n std 14,112(3)\n std 15,120(3)\n"
	"	std 16,128(3)\n std 17,136(3)\n std 18,144(3)\n std 19,152(3)\n std 20,160(3)\n std 21,168(3)\n"
	"	std 22,176(3)\n std 23,184(3)\n std 24,192(3)\n std 25,200(3)\n std 26,208(3)\n std 27,216(3)\n"
	"	std 28,224(3)\n std 29,232(3)\n std 30,240(3)\n std 31,248(3)\n"
	"	mfcr 0\n std 0,256(3)\n mflr 0\n std 0,264(3)\n mfctr 0\n std 0,272(3)\n mfxer 0\n std 0,280(3)\n"
	"	mfsprg 0,0\n std 0,288(3)\n mfsprg 0,1\n std 0,296(3)\n mfsprg 0,2\n std 0,304(3)\n mfsprg 0,3\n std 0,312(3)\n"
	"	mfsrr0 0\n std 0,320(3)\n mfsrr1 0\n std 0,328(3)\n mfdar 0\n std 0,336(3)\n mfdsisr 0\n std 0,344(3)\n"
	"	mfmsr 0\n std 0,352(3)\n"
	"	bl .Lturn_here\n"
	".Lturn_here:\n"
	"	mflr 4\n addi 4,4,.Lturn_after_sc - .Lturn_here\n std 4,360(3)\n"
	"	mfspr 0,815\n std 0,368(3)\n mfspr 0,256\n std 0,376(3)\n mfspr 0,896\n std 0,384(3)\n"
	"	ld 2,40(1)\n"
	"	ld 13,112(1)\n ld 14,120(1)\n ld 15,128(1)\n ld 16,136(1)\n ld 17,144(1)\n ld 18,152(1)\n"
	"	ld 19,160(1)\n ld 20,168(1)\n ld 21,176(1)\n ld 22,184(1)\n ld 23,192(1)\n ld 24,200(1)\n"
	"	ld 25,208(1)\n ld 26,216(1)\n ld 27,224(1)\n ld 28,232(1)\n ld 29,240(1)\n ld 30,248(1)\n"
	"	ld 31,256(1)\n"
	"	addi 1,1,288\n ld 0,16(1)\n mtlr 0\n"
	"	blr\n");

static const char *const snap_names[SNAP_WORDS] = {
	"r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
	"r16", "r17", "r18", "r19", "r20", "r21", "r22", "r23", "r24", "r25", "r26", "r27", "r28", "r29", "r30", "r31",
	"CR", "LR", "CTR", "XER", "SPRG0", "SPRG1", "SPRG2", "SPRG3", "SRR0", "SRR1", "DAR", "DSISR", "MSR",
	"(after sc)", "TAR", "VRSAVE", "PPR",
};

/* What each snapshot word must hold after the turn with seed; 0 where only the leak scan applies. */
static int expected(const u64 *snap, u64 seed, unsigned k, u64 *want)
{
	if (k == 1 || k >= SNAP_MSR) {
		return 0; /* r1: the routine's own stack pointer, checked by its surviving at all */
	}
	if (k >= 3 && k <= 12) {
		*want = 0; /* r3 = H_SUCCESS, r4..r12: outputs, zero when the call defines none */
	} else if (k == SNAP_CR || k == SNAP_DSISR) {
		*want = (seed + k) & 0xFFFFFFFFul;
	} else if (k == SNAP_XER) {
		*want = XER_PATTERN(seed);
	} else if (k == SNAP_SRR0) {
		*want = snap[SNAP_AFTER_SC]; /* sc 1 leaves the resume address and the MSR in SRR0/1 */
	} else if (k == SNAP_SRR1) {
		*want = snap[SNAP_MSR];
	} else {
		*want = seed + k;
	}
	return 1;
}

/* "att_regs: <register><what>" in buf. */
static const char *name_of(char *buf, unsigned k, const char *what)
{
	const char *parts[3] = { "att_regs: ", snap_names[k], what };
	unsigned i, n = 0;

	for (i = 0; i < 3; i++) {
		const char *p = parts[i];

		while (*p && n < 95) {
			buf[n++] = *p++;
		}
	}
	buf[n] = 0;
	return buf;
}

int main(void)
{
	u64 snap[SNAP_WORDS], lost[SNAP_WORDS], first_lost[SNAP_WORDS], my_index = guest.index, leaks = 0;
	char buf[96];
	unsigned t, k;

	for (k = 0; k < SNAP_WORDS; k++) {
		lost[k] = 0;
	}
	for (t = 0; t < TURNS; t++) {
		u64 seed = GUEST_CANARY(my_index, (u64)t * 0x400);

		for (k = 0; k < SNAP_WORDS; k++) {
			snap[k] = 0;
		}
		turn(seed, snap);
		for (k = 0; k < SNAP_WORDS; k++) {
			u64 want;

			if (GUEST_IS_CANARY(snap[k]) && GUEST_CANARY_OWNER(snap[k]) != my_index) {
				leaks++;
				put_str(name_of(buf, k, " holds another owner's canary: "));
				put_hex(snap[k]);
				put_str("\n");
			}
			if (expected(snap, seed, k, &want) && snap[k] != want && !lost[k]++) {
				first_lost[k] = snap[k] ^ want;
			}
		}
	}
	check("att_regs: no register showed another owner's canary after any turn", leaks, 0);
	for (k = 0; k < SNAP_WORDS; k++) {
		u64 want;

		if (!expected(snap, 0, k, &want)) {
			continue;
		}
		check(name_of(buf, k, ": turns in which it lost its value"), lost[k], 0);
		if (lost[k]) {
			put_str(name_of(buf, k, ": bits that changed the first time: "));
			put_hex(first_lost[k]);
			put_str("\n");
		}
	}
	return 0;
}
