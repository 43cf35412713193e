/*
 * The processor's part of a partition switch on POWER9/10 (ISA 3.0 hash
 * MMU in partition mode): the hypervisor's LPCR and PTCR once, then at
 * every guest entry the vCPU's SPRs and SLB from its register file and
 * LPIDR, and at every exit the SPRs and SLB back. head.S moves the GPRs,
 * CR, LR, CTR, XER, NIA and MSR.
 *
 * What the CPU holds of a vCPU here: those, SRR0/1, SPRG0-3, DAR, DSISR,
 * AMR, IAMR, UAMOR, PIDR, TIDR, DSCR, TAR, PPR, FSCR, the 32 SLB entries,
 * the floating-point, vector and VSX registers with FPSCR, VSCR and VRSAVE
 * (fpstate.S: the firmware never uses them, so what one partition leaves
 * there would reach the next), and every other register of enum hv_reg a
 * partition writes in supervisor state on POWER9 that QEMU 7.2's POWER9
 * model implements, for the same reason: the performance monitor (MMCR0-2,
 * MMCRA, PMC1-6, SIER, SIAR, SDAR), the event-based branch registers (EBBHR,
 * EBBRR, BESCR), PSPB and CTRL's run latch. The self-test (fw_switch_selftest)
 * moves a pattern through each of these at boot.
 *
 * The registers of enum hv_reg left in the core's register file, and why:
 * - TFHAR, TFIAR, TEXASR: QEMU 7.2 raises a facility unavailable interrupt
 *   (0xF60, which kills the firmware) on an mfspr/mtspr of them unless
 *   MSR[TM] = 1, in hypervisor state too (tried). Switching them would need
 *   an mtmsrd pair around them at every entry and exit; not done. A partition
 *   that sets MSR[TM] itself can still leave a value there for the next one
 *   that does: a channel left open.
 * - DAWR0, DAWRX0, CIABR: hypervisor-privileged (ISA 3.0B): a partition sets
 *   them only through H_SET_MODE, which keeps them in the register file. The
 *   firmware never writes them, so nothing passes between partitions; loading
 *   them would arm the partition's breakpoints, which QEMU 7.2 does not model
 *   and which on a POWER9 risk the DAWR erratum (a checkstop on a match in
 *   cache-inhibited storage). DAWR1/DAWRX1 are POWER10's.
 * - CFAR: every branch sets it: the hypervisor's own do long before
 *   fw_cpu_store could read the partition's value, and so does the hrfid
 *   into the partition. Only head.S could keep it; what a partition finds
 *   there is the hypervisor's address, never another partition's.
 * - PURR, SPURR, VTB: written in hypervisor state only; a partition reads them.
 * - PSSCR: its full form (SPR 855) is hypervisor-only; the privileged view
 *   (SPR 823) is not in QEMU 7.2 (tried: mtspr and mfspr do nothing).
 * - HASHKEYR, HASHPKEYR, DEXCR: ISA 3.1 (POWER10), not POWER9.
 *
 * A partition with a real-mode area (an operating system: it takes its own
 * interrupts) owns its decrementer (HV_REG_DEC): it counts while the vCPU
 * runs, and its timer interrupts are delivered by the processor. The test
 * guests of emu/guests and the program interpreter have none and handle no
 * timer interrupt: their decrementer is set far in the future at every entry
 * and never saved, as on Unicorn, whose CPUs have no timer.
 *
 * LPCR holds three things a partition chooses or is given: its interrupt
 * endianness (ILE) and relocation (AIL), which it asks for with
 * H_SET_MODE, and the page size of its virtual real-mode area (VRMASD).
 */
#include "fw.h"

#include <stddef.h>

#include "hv/hcall.h"
#include "hv/machine.h"

#define SPR_DSCR   0x011
#define SPR_DSISR  0x012
#define SPR_DAR    0x013
#define SPR_DEC    0x016
#define SPR_SRR0   0x01A
#define SPR_SRR1   0x01B
#define SPR_AMR    0x01D
#define SPR_PIDR   0x030
#define SPR_IAMR   0x03D
#define SPR_TIDR   0x090
#define SPR_FSCR   0x099
#define SPR_UAMOR  0x09D
#define SPR_PVR    0x11F
#define SPR_SPRG0  0x110
#define SPR_SPRG1  0x111
#define SPR_SPRG2  0x112
#define SPR_SPRG3  0x113
#define SPR_HDSISR 0x132
#define SPR_HDAR   0x133
#define SPR_HDEC   0x136
#define SPR_HSRR0  0x13A
#define SPR_HSRR1  0x13B
#define SPR_LPCR   0x13E
#define SPR_LPIDR  0x13F
#define SPR_HEIR   0x153
#define SPR_PTCR   0x1D0
#define SPR_TAR    0x32F
#define SPR_PPR    0x380
/*
 * The privileged numbers of Power ISA 3.0B's SPR table, as Linux's
 * arch/powerpc/include/asm/reg.h spells them (SPRN_CTRLF 0x088, SPRN_CTRLT
 * 0x098, SPRN_PSPB 0x09F, SPRN_SIER 784, SPRN_MMCR2 785, SPRN_MMCRA 0x312,
 * SPRN_PMC1-6 787-792, SPRN_MMCR0 795, SPRN_SIAR 796, SPRN_SDAR 797,
 * SPRN_MMCR1 798, SPRN_EBBHR 804, SPRN_EBBRR 805, SPRN_BESCR 806).
 */
#define SPR_CTRLF  0x088 /* CTRL read */
#define SPR_CTRLT  0x098 /* CTRL write */
#define SPR_PSPB   0x09F
#define SPR_SIER   0x310
#define SPR_MMCR2  0x311
#define SPR_MMCRA  0x312
#define SPR_PMC1   0x313 /* PMC2-6: 0x314-0x318 */
#define SPR_MMCR0  0x31B
#define SPR_SIAR   0x31C
#define SPR_SDAR   0x31D
#define SPR_MMCR1  0x31E
#define SPR_EBBHR  0x324
#define SPR_EBBRR  0x325
#define SPR_BESCR  0x326

#define MMCR0_FC   0x80000000ull /* freeze counters */
#define MMCR0_FCS  0x40000000ull /* ... in supervisor state */
#define MMCR0_FCP  0x20000000ull /* ... in problem state */
#define MMCR0_FC56 0x00000010ull /* ... PMC5 and PMC6 */
#define CTRL_RUN   0x1ull        /* the run latch, all of CTRL a thread writes */

#define LPCR_VPM0  (1ull << 63)
#define LPCR_VPM1  (1ull << 62)
#define LPCR_ILE   (1ull << 25)
#define LPCR_AIL   (3ull << 23)
#define LPCR_UPRT  (1ull << 22)
#define LPCR_HR    (1ull << 20)
#define LPCR_VRMASD (0x1Full << 47)  /* IBM bits 12:16 */
#define LPCR_VRMASD_SHIFT 47
#define LPCR_HDICE (1ull << 0)

#define SLB_ESID_V    (1ull << 27)
#define SLB_ESID_BITS 0xFFFFFFFFF8000000ull /* ESID and V, as enum hv_reg keeps them */

/* head.S's offsets of the registers it moves. */
_Static_assert(HV_REG_GPR == 0 && HV_REG_CR == 32 && HV_REG_LR == 33 && HV_REG_CTR == 34 && HV_REG_XER == 35 &&
		       HV_REG_MSR == 36 && HV_REG_NIA == 37,
	       "head.S moves GPRs, CR, LR, CTR, XER, MSR and NIA by these indexes");

#define MFSPR(n) ({ uint64_t v_; __asm__ volatile("mfspr %0,%1" : "=r"(v_) : "n"(n)); v_; })
#define MTSPR(n, v) __asm__ volatile("mtspr %0,%1" : : "n"(n), "r"((uint64_t)(v)) : "memory")

/* fpstate.S's offsets of the vector state. */
_Static_assert(HV_REG_FPR == 46 && HV_REG_FPSCR == 78 && HV_REG_VR == 79 && HV_REG_VSCR == 143 && HV_REG_VSRL == 144 &&
		       HV_REG_VRSAVE == 176,
	       "fpstate.S moves the FPRs, FPSCR, VRs, VSCR, VSR low halves and VRSAVE by these indexes");
void fw_fp_load(const uint64_t *r);
void fw_fp_store(uint64_t *r);

/* head.S's offsets into struct fw_cpu. */
_Static_assert(offsetof(struct fw_cpu, regs) == FWC_REGS && offsetof(struct fw_cpu, hv_r1) == FWC_HV_R1 &&
		       offsetof(struct fw_cpu, hv_r2) == FWC_HV_R2 && offsetof(struct fw_cpu, r12) == FWC_R12 &&
		       offsetof(struct fw_cpu, cause) == FWC_CAUSE && offsetof(struct fw_cpu, in_guest) == FWC_IN_GUEST &&
		       offsetof(struct fw_cpu, fatal) == FWC_FATAL && offsetof(struct fw_cpu, fatal_sp) == FWC_FATAL_SP &&
		       offsetof(struct fw_cpu, cr) == FWC_CR,
	       "head.S uses the FWC_* offsets of fw.h");

/* SPRs moved at every entry and exit: the register and its number. */
#define CARRIED_SPRS(X)                                                                          \
	X(HV_REG_SRR0, SPR_SRR0) X(HV_REG_SRR1, SPR_SRR1) X(HV_REG_SPRG + 0, SPR_SPRG0)                \
	X(HV_REG_SPRG + 1, SPR_SPRG1) X(HV_REG_SPRG + 2, SPR_SPRG2) X(HV_REG_SPRG + 3, SPR_SPRG3)      \
	X(HV_REG_DAR, SPR_DAR) X(HV_REG_DSISR, SPR_DSISR) X(HV_REG_AMR, SPR_AMR) X(HV_REG_IAMR, SPR_IAMR) \
	X(HV_REG_UAMOR, SPR_UAMOR) X(HV_REG_PIDR, SPR_PIDR) X(HV_REG_TIDR, SPR_TIDR)                   \
	X(HV_REG_DSCR, SPR_DSCR) X(HV_REG_TAR, SPR_TAR) X(HV_REG_PPR, SPR_PPR) X(HV_REG_FSCR, SPR_FSCR)

/*
 * The performance monitor's SPRs but MMCR0 (pmu_freeze, pmu_resume), then
 * the event-based branch registers and PSPB: moved at every entry and exit
 * like the above, each with the pattern the boot self-test moves through it
 * (MMCRA without its sampling enable, PMCs below 0x80000000 so that none
 * overflows, BESCR's PME without GE so that no event-based branch is taken,
 * PSPB's 32 bits).
 */
#define SWITCHED_SPRS(X)                                                                                          \
	X(HV_REG_MMCR + 1, SPR_MMCR1, 0x1122334455667788ull) X(HV_REG_MMCR + 2, SPR_MMCR2, 0x4020100804020000ull) \
	X(HV_REG_MMCRA, SPR_MMCRA, 0x0000000012345600ull) X(HV_REG_PMC + 0, SPR_PMC1 + 0, 0x11111111ull)         \
	X(HV_REG_PMC + 1, SPR_PMC1 + 1, 0x22222222ull) X(HV_REG_PMC + 2, SPR_PMC1 + 2, 0x33333333ull)             \
	X(HV_REG_PMC + 3, SPR_PMC1 + 3, 0x44444444ull) X(HV_REG_PMC + 4, SPR_PMC1 + 4, 0x55555555ull)             \
	X(HV_REG_PMC + 5, SPR_PMC1 + 5, 0x66666666ull) X(HV_REG_SIER, SPR_SIER, 0x0000000001234567ull)           \
	X(HV_REG_SIAR, SPR_SIAR, 0xC000000000ABC100ull) X(HV_REG_SDAR, SPR_SDAR, 0xC000000000DEF200ull)          \
	X(HV_REG_EBBHR, SPR_EBBHR, 0x0000000010001000ull) X(HV_REG_EBBRR, SPR_EBBRR, 0x0000000010002000ull)      \
	X(HV_REG_BESCR, SPR_BESCR, 0x0000000100000000ull) X(HV_REG_PSPB, SPR_PSPB, 0x12345678ull)

#define LOAD_SPR(reg, spr) MTSPR(spr, r->r[reg]);
#define STORE_SPR(reg, spr) r->r[reg] = MFSPR(spr);
#define LOAD_SWITCHED(reg, spr, pattern) LOAD_SPR(reg, spr)
#define STORE_SWITCHED(reg, spr, pattern) STORE_SPR(reg, spr)

static uint32_t current_lpid;
static uint64_t lpcr_base, current_lpcr; /* the hypervisor's LPCR without a partition's fields; the one loaded */
static bool dec_owned; /* the vCPU on the processor owns its decrementer (fw_cpu_store saves it) */

void fw_cpu_init(uint64_t part_table)
{
	uint64_t lpcr = MFSPR(SPR_LPCR);

	/*
	 * Partitions: hash translation (HR = 0, no process table), storage
	 * faults of a relocated partition to the hypervisor (VPM1: HDSI/HISI,
	 * hcall.h), HDEC on; the partition's fields (lpcr_of) at each entry.
	 */
	lpcr &= ~(LPCR_ILE | LPCR_UPRT | LPCR_HR | LPCR_VRMASD | LPCR_AIL);
	lpcr |= LPCR_VPM0 | LPCR_VPM1 | LPCR_HDICE;
	lpcr_base = lpcr;
	current_lpcr = lpcr | LPCR_AIL;
	MTSPR(SPR_LPCR, current_lpcr);
	/* The core's partition table (4 KiB: PATS = 0). */
	__asm__ volatile("ptesync" : : : "memory");
	MTSPR(SPR_PTCR, part_table);
	MTSPR(SPR_LPIDR, 0);
	current_lpid = 0;
	__asm__ volatile("isync; slbia; isync" : : : "memory");
}

void fw_cpu_set_hdec(uint32_t ticks)
{
	MTSPR(SPR_HDEC, ticks);
}

/* VRMASD: the VRMA's page size as an SLB's L||LP (16 MiB 0b10000, 64 KiB 0b10001, 4 KiB 0). */
static uint64_t vrmasd_of(unsigned shift)
{
	return shift == 24 ? 0x10 : shift == 16 ? 0x11 : 0;
}

static uint64_t lpcr_of(const struct hv_partition *p)
{
	return lpcr_base | ((uint64_t)(p->ail & 3) << 23) | (p->ile ? LPCR_ILE : 0) |
	       (vrmasd_of(p->rma_shift) << LPCR_VRMASD_SHIFT);
}

/*
 * The PMU keeps the last vCPU's MMCR0 frozen (FC) while the hypervisor runs:
 * its counters must not count the hypervisor's instructions, nor an alert
 * (MMCR0[PMAE]) become a performance monitor exception in hypervisor state,
 * to be taken by the next partition once hrfid sets MSR[EE]. So at an exit
 * MMCR0 is saved and frozen before the counters are read (isync: the freeze
 * in effect first, as Linux's and KVM's do), writing FC alone (which clears
 * PMAE and a pending alert's PMAO too); at an entry everything else is
 * loaded while it stays frozen and the partition's MMCR0 goes last, so that
 * only the few instructions to the hrfid count, as with KVM.
 */
static void pmu_freeze(struct hv_regs *r)
{
	r->r[HV_REG_MMCR] = MFSPR(SPR_MMCR0);
	MTSPR(SPR_MMCR0, MMCR0_FC);
	__asm__ volatile("isync" : : : "memory");
}

static void pmu_resume(const struct hv_regs *r)
{
	MTSPR(SPR_MMCR0, r->r[HV_REG_MMCR]);
}

/* SWITCHED_SPRS and CTRL (written through CTRLT, read through CTRLF with other threads' state: RUN kept). */
static void switched_load(const struct hv_regs *r)
{
	SWITCHED_SPRS(LOAD_SWITCHED)
	MTSPR(SPR_CTRLT, r->r[HV_REG_CTRL]);
}

static void switched_store(struct hv_regs *r)
{
	SWITCHED_SPRS(STORE_SWITCHED)
	r->r[HV_REG_CTRL] = MFSPR(SPR_CTRLF) & CTRL_RUN;
}

void fw_cpu_load(const struct hv_regs *r, const struct hv_partition *p)
{
	uint64_t lpcr = lpcr_of(p);
	unsigned i;

	CARRIED_SPRS(LOAD_SPR)
	switched_load(r);
	fw_fp_load(r->r);
	dec_owned = p->rma_bytes != 0;
	MTSPR(SPR_DEC, dec_owned ? r->r[HV_REG_DEC] : 0x7FFFFFFF);
	if (p->lpid != current_lpid) {
		MTSPR(SPR_LPIDR, p->lpid);
		current_lpid = p->lpid;
	}
	if (lpcr != current_lpcr) {
		MTSPR(SPR_LPCR, lpcr);
		current_lpcr = lpcr;
	}
	/* Every SLB entry, invalid ones too: nothing of the last vCPU stays. */
	for (i = 0; i < 32; i++) {
		uint64_t esid = r->r[HV_REG_SLBE + i], vsid = r->r[HV_REG_SLBV + i];

		if (!(esid & SLB_ESID_V)) {
			esid = vsid = 0;
		}
		__asm__ volatile("slbmte %0,%1" : : "r"(vsid), "r"((esid & SLB_ESID_BITS) | i) : "memory");
	}
	__asm__ volatile("isync" : : : "memory");
	pmu_resume(r); /* last */
}

void fw_cpu_store(struct hv_regs *r)
{
	unsigned i;

	pmu_freeze(r); /* first */
	switched_store(r);
	CARRIED_SPRS(STORE_SPR)
	if (dec_owned) {
		r->r[HV_REG_DEC] = (uint32_t)MFSPR(SPR_DEC);
	}
	fw_fp_store(r->r);
	for (i = 0; i < 32; i++) {
		uint64_t esid, vsid;

		__asm__ volatile("slbmfee %0,%1" : "=r"(esid) : "r"((uint64_t)i));
		__asm__ volatile("slbmfev %0,%1" : "=r"(vsid) : "r"((uint64_t)i));
		r->r[HV_REG_SLBE + i] = esid & SLB_ESID_V ? esid & SLB_ESID_BITS : 0;
		r->r[HV_REG_SLBV + i] = esid & SLB_ESID_V ? vsid : 0;
	}
}

#define SRR1_PROGRAM_ILLEGAL 0x00080000ull
#define VECTOR_PROGRAM       0x700
#define VECTOR_HEAI          0xE40

void fw_reflect_illegal(struct hv_regs *r, const struct hv_partition *p)
{
	r->r[HV_REG_SRR0] = MFSPR(SPR_HSRR0);
	r->r[HV_REG_SRR1] = (MFSPR(SPR_HSRR1) & ~FW_MSR_INTERRUPT_BITS) | SRR1_PROGRAM_ILLEGAL;
	hv_partition_vector(p, r->r[HV_REG_SRR1], VECTOR_PROGRAM, &r->r[HV_REG_NIA], &r->r[HV_REG_MSR]);
}

/*
 * A pattern through SWITCHED_SPRS, CTRL and MMCR0 by the path of an entry
 * and an exit (MMCR0: frozen, FC with the other freeze bits, so that nothing
 * counts); the first register that does not come back is printed. All are
 * left zero, MMCR0 frozen.
 */
static bool switched_selftest(void)
{
	static struct hv_regs in, out;
	char name[16];
	unsigned i;

#define PATTERN(reg, spr, value) in.r[reg] = value;
	SWITCHED_SPRS(PATTERN)
#undef PATTERN
	in.r[HV_REG_CTRL] = CTRL_RUN;
	in.r[HV_REG_MMCR] = MMCR0_FC | MMCR0_FCS | MMCR0_FCP | MMCR0_FC56;
	switched_load(&in);
	pmu_resume(&in);
	pmu_freeze(&out);
	switched_store(&out);
	for (i = 0; i < HV_REG_COUNT; i++) {
		if (in.r[i] != out.r[i]) {
			fw_printf("lparsec-fw: %s came back 0x%llx, not 0x%llx\n", hv_reg_name(i, name),
				  (unsigned long long)out.r[i], (unsigned long long)in.r[i]);
			return false;
		}
	}
	__builtin_memset(&in, 0, sizeof(in));
	switched_load(&in);
	return true;
}

bool fw_switch_selftest(void)
{
	static struct hv_regs in, out;
	unsigned i;

	if (!switched_selftest()) {
		return false;
	}

	for (i = 0; i < 32; i++) {
		in.r[HV_REG_FPR + i] = 0x4000000000000000ull | (uint64_t)i << 32 | i;
		in.r[HV_REG_VSRL + i] = 0x5000000000000000ull | (uint64_t)i << 32 | i;
	}
	for (i = 0; i < 64; i++) {
		in.r[HV_REG_VR + i] = 0x6000000000000000ull | (uint64_t)i << 32 | i;
	}
	in.r[HV_REG_FPSCR] = 0x3;         /* rounding mode: towards minus infinity (no summary bits to recompute) */
	in.r[HV_REG_VSCR] = 0x10001;      /* NJ and SAT, the bits VSCR has */
	in.r[HV_REG_VRSAVE] = 0xA5A5A5A5;
	fw_fp_load(in.r);
	fw_fp_store(out.r);
	for (i = HV_REG_FPR; i <= HV_REG_VRSAVE; i++) {
		if (in.r[i] != out.r[i]) {
			fw_printf("lparsec-fw: vector state register %u came back 0x%llx, not 0x%llx\n", i,
				  (unsigned long long)out.r[i], (unsigned long long)in.r[i]);
			return false;
		}
	}
	/* Nothing of the pattern stays for the first partition. */
	__builtin_memset(&in, 0, sizeof(in));
	fw_fp_load(in.r);
	return true;
}

bool fw_take_interrupt(struct hv_machine *m, uint32_t t, uint64_t vector, enum hv_exit *exit)
{
	struct hv_thread *th = &m->thread[t];
	struct hv_regs *r = &th->regs;
	bool sc1 = vector == HV_CAUSE_SC1; /* sc 1 saves the context in SRR0/1, the hypervisor interrupts in HSRR0/1 */

	if (vector != HV_CAUSE_SC1 && vector != HV_CAUSE_HDEC && vector != HV_CAUSE_HDSI && vector != HV_CAUSE_HISI &&
	    vector != VECTOR_HEAI) {
		return false;
	}
	r->r[HV_REG_NIA] = sc1 ? MFSPR(SPR_SRR0) : MFSPR(SPR_HSRR0);
	r->r[HV_REG_MSR] = (sc1 ? MFSPR(SPR_SRR1) : MFSPR(SPR_HSRR1)) & ~FW_MSR_INTERRUPT_BITS;
	if (vector == VECTOR_HEAI) {
		fw_reflect_illegal(r, &m->part[th->part]);
		*exit = HV_EXIT_RESUME;
		return true;
	}
	if (vector == HV_CAUSE_HDSI) {
		th->fault.addr = MFSPR(SPR_HDAR);
		th->fault.dsisr = MFSPR(SPR_HDSISR);
	} else if (vector == HV_CAUSE_HISI) {
		th->fault.addr = r->r[HV_REG_NIA];
		th->fault.dsisr = MFSPR(SPR_HSRR1) & FW_MSR_INTERRUPT_BITS;
	}
	*exit = hv_enter(m, t, (enum hv_cause)vector);
	return true;
}

uint64_t fw_mfspr_srr0(void) { return MFSPR(SPR_SRR0); }
uint64_t fw_mfspr_srr1(void) { return MFSPR(SPR_SRR1); }
uint64_t fw_mfspr_hsrr0(void) { return MFSPR(SPR_HSRR0); }
uint64_t fw_mfspr_hsrr1(void) { return MFSPR(SPR_HSRR1); }
uint64_t fw_mfspr_hdar(void) { return MFSPR(SPR_HDAR); }
uint64_t fw_mfspr_hdsisr(void) { return MFSPR(SPR_HDSISR); }
uint64_t fw_mfspr_heir(void) { return MFSPR(SPR_HEIR); }
uint64_t fw_mfspr_pvr(void) { return MFSPR(SPR_PVR); }

uint64_t fw_timebase(void)
{
	uint64_t tb;

	__asm__ volatile("mftb %0" : "=r"(tb));
	return tb;
}
