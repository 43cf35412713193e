/*
 * Attacker: privileged instructions. From supervisor state of its own
 * partition (MSR[HV] = 0, PR = 0) it executes what only the hypervisor may:
 * moves to and from the registers that define the machine's translation
 * and partitioning (PTCR, LPCR, LPIDR, HRMOR, HSPRG0/1, HSRR0/1), the
 * hypervisor's return (hrfid), global TLB invalidation (tlbie, tlbsync),
 * doorbells to other threads (msgsnd), and an mtmsrd that sets MSR[HV].
 * Each must end in a program interrupt in its own partition, or be
 * ignored where the architecture says so; nothing may change in the
 * hypervisor (the runner checks every CPU's PTCR and MSR[HV] afterwards).
 * Last it drops to problem state and issues sc 1 there: H_PRIVILEGE, and
 * the call must not run.
 */
#include "runtime.h"

#define VECTOR_PROGRAM     0x700ul
#define SRR1_PRIVILEGED    0x00040000ul
#define SRR1_ILLEGAL       0x00080000ul
#define SENTINEL           0x5E9715E15E9715E1ul

/* ---- one privileged instruction each (inline asm; the vector resumes after it) ---- */

#define TRY_MTSPR(name, spr, value) \
	static void name(void) { __asm__ volatile("mtspr " #spr ",%0" : : "r"(value) : "memory"); }
#define TRY_MFSPR(name, spr) \
	static u64 name(void) { u64 v = SENTINEL; __asm__ volatile("mfspr %0," #spr : "+r"(v)); return v; }

TRY_MTSPR(mtspr_ptcr, 464, 0ul)              /* no partition table: every CPU would stop translating */
TRY_MFSPR(mfspr_ptcr, 464)
TRY_MTSPR(mtspr_lpcr, 318, 0ul)              /* LPCR[AIL], [HR], [VPM]... all off */
TRY_MFSPR(mfspr_lpcr, 318)
TRY_MTSPR(mtspr_lpidr, 319, 0ul)             /* LPID 0: the hypervisor's own */
TRY_MTSPR(mtspr_hrmor, 313, 0x1000000ul)
TRY_MFSPR(mfspr_hsprg0, 304)
TRY_MTSPR(mtspr_hsprg1, 305, SENTINEL)
TRY_MTSPR(mtspr_hsrr0, 314, GUEST_BASE)
TRY_MTSPR(mtspr_sdr1, 25, 0x40000ul)         /* an HPT of the partition's choosing */
TRY_MFSPR(mfspr_sdr1, 25)

static void try_hrfid(void)
{
	__asm__ volatile("hrfid" : : : "memory");
}

static void try_tlbie(void)
{
	__asm__ volatile("tlbie %0,%1" : : "r"(0ul), "r"(0ul) : "memory");
}

static void try_tlbsync(void)
{
	__asm__ volatile("tlbsync" : : : "memory");
}

static void try_msgsnd(void)
{
	__asm__ volatile("msgsnd %0" : : "r"(0x28000000ul) : "memory"); /* a hypervisor doorbell to thread 0 */
}

static u64 read_msr(void)
{
	u64 v;

	__asm__ volatile("mfmsr %0" : "=r"(v));
	return v;
}

static void set_msr(u64 v)
{
	__asm__ volatile("mtmsrd %0" : : "r"(v) : "memory");
}

/* ---- problem state ---- */

#define VECTOR_SC_EA       (GUEST_BASE + 0x4000 + 0xC00)  /* runtime.h: vectors at GUEST_BASE + 0x4000 */
#define MTSPRG2_R3         0x7C7243A6u                     /* the runtime's first instruction there */

/*
 * u64 sc1_from_problem_state(u64 opcode, u64 arg, u64 *problem_msr): rfid
 * to problem state (SRR1 = its MSR | PR); there an mtmsrd back to the
 * supervisor MSR (privileged: the runtime's 0x700 vector records it and
 * resumes in problem state), sc 1 with r3 = opcode, r4 = arg, and a plain
 * sc. The runtime's 0xC00 vector would rfid back into problem state, so
 * the caller points it at ps_back first: there, in supervisor state, the
 * MSR the sc came from (SRR1) goes to *problem_msr and an rfid returns to
 * the supervisor MSR it started with. Returns the sc 1's r3.
 */
u64 sc1_from_problem_state(u64 opcode, u64 arg, u64 *problem_msr);
extern char ps_back[];
__asm__(".section .opd, \"aw\"\n"
	".balign 8\n"
	"sc1_from_problem_state: .quad .sc1_from_problem_state, .TOC.@tocbase, 0\n"
	".text\n"
	".sc1_from_problem_state:\n"
	"	mflr 0\n std 0,16(1)\n stdu 1,-144(1)\n"
	"	std 29,120(1)\n std 30,128(1)\n std 31,136(1)\n std 5,112(1)\n"
	"	mr 30,3\n mr 31,4\n mfmsr 29\n"
	"	ori 6,29,0x4000\n mtsrr1 6\n"
	"	bl .Lps_here\n"
	".Lps_here:\n"
	"	mflr 7\n addi 7,7,.Lps_problem - .Lps_here\n mtsrr0 7\n"
	"	rfid\n"
	".Lps_problem:\n"
	"	mtmsrd 29\n"
	"	mr 3,30\n mr 4,31\n sc 1\n"
	"	mr 30,3\n"
	"	sc\n"
	"	b .\n"
	".globl ps_back\n"
	"ps_back:\n"
	"	mfsrr1 4\n ld 5,112(1)\n std 4,0(5)\n"
	"	mtsrr1 29\n"
	"	bl .Lps_here2\n"
	".Lps_here2:\n"
	"	mflr 7\n addi 7,7,.Lps_supervisor - .Lps_here2\n mtsrr0 7\n"
	"	rfid\n"
	".Lps_supervisor:\n"
	"	mr 3,30\n"
	"	ld 29,120(1)\n ld 30,128(1)\n ld 31,136(1)\n"
	"	addi 1,1,144\n ld 0,16(1)\n mtlr 0\n"
	"	blr\n");

static void set_sprg0(u64 v)
{
	__asm__ volatile("mtsprg 0,%0" : : "r"(v));
}

static u64 get_sprg0(void)
{
	u64 v;

	__asm__ volatile("mfsprg %0,0" : "=r"(v));
	return v;
}

/* Stores an instruction word over code and makes the CPU fetch it anew. */
static void patch(volatile u32 *where, u32 insn)
{
	*where = insn;
	__asm__ volatile("dcbst 0,%0\n sync\n icbi 0,%0\n isync" : : "r"(where) : "memory");
}

/*
 * sc 1 from problem state must answer H_PRIVILEGE and run nothing
 * (papr-spec §7.5 rule 8, G9): the call tried is H_SET_SPRG0, whose effect
 * would show in SPRG0. Getting back needs its own 0xC00 handler (above);
 * the runtime's first instruction there is replaced by a branch to it for
 * this one sc and put back afterwards.
 */
static void problem_state(void)
{
	volatile u32 *vector = (volatile u32 *)VECTOR_SC_EA;
	u32 original = *vector;
	u64 problem_msr = 0, rc, n;

	check("att_priv: the 0xC00 vector starts where the runtime put it", original, MTSPRG2_R3);
	if (original != MTSPRG2_R3) {
		return;
	}
	set_sprg0(SENTINEL);
	patch(vector, 0x48000000u | (u32)(((u64)ps_back - VECTOR_SC_EA) & 0x03FFFFFCu));
	n = guest_irq.count;
	rc = sc1_from_problem_state(H_SET_SPRG0, GUEST_BASE, &problem_msr);
	patch(vector, original);
	check_true("att_priv: it ran in problem state (MSR[PR] at its sc)", (problem_msr & MSR_PR) != 0);
	check_true("att_priv: mtmsrd in problem state traps (privileged, from PR = 1)",
		   guest_irq.count == n + 1 && guest_irq.vector == VECTOR_PROGRAM &&
			   (guest_irq.srr1 & SRR1_PRIVILEGED) && (guest_irq.srr1 & MSR_PR));
	check("att_priv: sc 1 from problem state returns H_PRIVILEGE", rc, (u64)H_PRIVILEGE);
	check("att_priv: ... and the call did not run (SPRG0 unchanged)", get_sprg0(), SENTINEL);
	check("att_priv: back in supervisor state", read_msr() & MSR_PR, 0);
}

/* ---- checks ---- */

/*
 * A privileged-instruction Program interrupt in its own partition: one
 * interrupt, vector 0x700, SRR1 with the privileged bit, resumed after it.
 */
static void expect_privileged(const char *name, void (*fn)(void))
{
	u64 n = guest_irq.count;

	fn();
	check_true(name, guest_irq.count == n + 1 && guest_irq.vector == VECTOR_PROGRAM &&
				 (guest_irq.srr1 & (SRR1_PRIVILEGED | SRR1_ILLEGAL)) == SRR1_PRIVILEGED);
}

/* The same for a move from an SPR, whose target must keep what it held. */
static void expect_privileged_read(const char *name, u64 (*fn)(void))
{
	u64 n = guest_irq.count, v = fn();

	check_true(name, guest_irq.count == n + 1 && guest_irq.vector == VECTOR_PROGRAM &&
				 (guest_irq.srr1 & (SRR1_PRIVILEGED | SRR1_ILLEGAL)) == SRR1_PRIVILEGED && v == SENTINEL);
}

int main(void)
{
	u64 n, msr, after;

	/*
	 * Hypervisor-privileged SPRs and instructions in privileged
	 * non-hypervisor state: a privileged-instruction Program interrupt.
	 * That is the ISA's outcome as we read it, and what Unicorn's POWER10
	 * (QEMU 5.0's model) does: those SPRs are SPR_NOACCESS outside
	 * hypervisor state, and hrfid, tlbie (LPCR[GTSE] = 0), tlbsync and
	 * msgsnd check MSR[HV] before anything else (measured: one 0x700 with
	 * SRR1 bit 0x00040000 each, nothing read).
	 */
	expect_privileged("att_priv: mtspr PTCR traps (privileged)", mtspr_ptcr);
	expect_privileged_read("att_priv: mfspr PTCR traps, nothing read", mfspr_ptcr);
	expect_privileged("att_priv: mtspr LPCR traps (privileged)", mtspr_lpcr);
	expect_privileged_read("att_priv: mfspr LPCR traps, nothing read", mfspr_lpcr);
	expect_privileged("att_priv: mtspr LPIDR traps (privileged)", mtspr_lpidr);
	expect_privileged("att_priv: mtspr HRMOR traps (privileged)", mtspr_hrmor);
	expect_privileged_read("att_priv: mfspr HSPRG0 traps, nothing read", mfspr_hsprg0);
	expect_privileged("att_priv: mtspr HSPRG1 traps (privileged)", mtspr_hsprg1);
	expect_privileged("att_priv: mtspr HSRR0 traps (privileged)", mtspr_hsrr0);
	expect_privileged("att_priv: hrfid traps (privileged)", try_hrfid);
	expect_privileged("att_priv: tlbie traps (privileged)", try_tlbie);
	expect_privileged("att_priv: tlbsync traps (privileged)", try_tlbsync);
	expect_privileged("att_priv: msgsnd traps (privileged)", try_msgsnd);

	/*
	 * SDR1 (SPR 25) is gone since ISA 3.0, and moving to or from an SPR
	 * number the CPU does not define is a no-op in privileged state (bar
	 * SPRs 0, 4, 5, 6): no interrupt, nothing written, the target of mfspr
	 * unchanged. Unicorn does exactly that (measured). The hash table stays
	 * where the PTCR says.
	 */
	n = guest_irq.count;
	mtspr_sdr1();
	check("att_priv: mtspr SDR1 is a no-op (interrupts taken)", guest_irq.count - n, 0);
	check("att_priv: mfspr SDR1 is a no-op (target unchanged)", mfspr_sdr1(), SENTINEL);
	check("att_priv: ... (interrupts taken)", guest_irq.count - n, 0);

	/*
	 * mtmsrd is privileged, not hypervisor-privileged: it runs, and the ISA
	 * leaves MSR[HV] alone outside hypervisor state (QEMU: hreg_store_msr
	 * with alter_hv = 0). So no interrupt, and MSR reads back unchanged.
	 */
	msr = read_msr();
	check("att_priv: it runs with MSR[HV] = 0", msr & MSR_HV, 0);
	n = guest_irq.count;
	set_msr(msr | MSR_HV);
	after = read_msr();
	check("att_priv: mtmsrd with MSR[HV] set takes no interrupt", guest_irq.count - n, 0);
	check("att_priv: ... and MSR[HV] stays 0 (MSR unchanged)", after, msr);

	problem_state();
	return 0;
}
