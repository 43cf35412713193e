/*
 * The architected register set of a vCPU, defined once. Dispatch saves and
 * overlays every entry of this table; the harness plants values in it and
 * the I5 oracle compares it bit for bit. Adding a register here is enough
 * for all of them to handle it.
 *
 * Each group is X(NAME, count, "printable name"). Vector registers take two
 * doublewords each (high, low); VSRL holds the low doublewords of VSR0-31
 * (their high halves are the FPRs). SLBE/SLBV are the 32 SLB entries' ESID
 * and VSID words, which are per-thread translation state a partition owns.
 */
#ifndef HV_REGS_H
#define HV_REGS_H

#include "hv/types.h"

#define HV_REG_GROUPS(X)            \
	X(GPR, 32, "r")             \
	X(CR, 1, "cr")              \
	X(LR, 1, "lr")              \
	X(CTR, 1, "ctr")            \
	X(XER, 1, "xer")            \
	X(MSR, 1, "msr")            \
	X(NIA, 1, "nia")            \
	X(SRR0, 1, "srr0")          \
	X(SRR1, 1, "srr1")          \
	X(SPRG, 4, "sprg")          \
	X(DAR, 1, "dar")            \
	X(DSISR, 1, "dsisr")        \
	X(FPR, 32, "f")             \
	X(FPSCR, 1, "fpscr")        \
	X(VR, 64, "vr")             \
	X(VSCR, 1, "vscr")          \
	X(VSRL, 32, "vsrl")         \
	X(VRSAVE, 1, "vrsave")      \
	X(AMR, 1, "amr")            \
	X(IAMR, 1, "iamr")          \
	X(UAMOR, 1, "uamor")        \
	X(PIDR, 1, "pidr")          \
	X(TIDR, 1, "tidr")          \
	X(DSCR, 1, "dscr")          \
	X(DEC, 1, "dec")            \
	X(TAR, 1, "tar")            \
	X(PPR, 1, "ppr")            \
	X(CTRL, 1, "ctrl")          \
	X(FSCR, 1, "fscr")          \
	X(PSPB, 1, "pspb")          \
	X(CFAR, 1, "cfar")          \
	X(DAWR, 2, "dawr")          \
	X(DAWRX, 2, "dawrx")        \
	X(CIABR, 1, "ciabr")        \
	X(BESCR, 1, "bescr")        \
	X(EBBHR, 1, "ebbhr")        \
	X(EBBRR, 1, "ebbrr")        \
	X(TFHAR, 1, "tfhar")        \
	X(TFIAR, 1, "tfiar")        \
	X(TEXASR, 1, "texasr")      \
	X(MMCR, 3, "mmcr")          \
	X(MMCRA, 1, "mmcra")        \
	X(PMC, 6, "pmc")            \
	X(SIAR, 1, "siar")          \
	X(SDAR, 1, "sdar")          \
	X(SIER, 1, "sier")          \
	X(PURR, 1, "purr")          \
	X(SPURR, 1, "spurr")        \
	X(VTB, 1, "vtb")            \
	X(PSSCR, 1, "psscr")        \
	X(HASHKEYR, 1, "hashkeyr")  \
	X(HASHPKEYR, 1, "hashpkeyr") \
	X(DEXCR, 1, "dexcr")        \
	X(SLBE, 32, "slbe")         \
	X(SLBV, 32, "slbv")

enum hv_reg {
#define HV_REG_ENUM(name, n, str) HV_REG_##name, HV_REG_##name##_LAST = HV_REG_##name + (n) - 1,
	HV_REG_GROUPS(HV_REG_ENUM)
#undef HV_REG_ENUM
	HV_REG_COUNT
};

/* A register file: a hardware thread's live registers, or a saved vCPU. */
struct hv_regs {
	uint64_t r[HV_REG_COUNT];
};

/* Bytes of one vCPU save area in hypervisor memory (big-endian doublewords). */
#define HV_SAVE_AREA_BYTES ((uint64_t)HV_REG_COUNT * 8)

/*
 * Printable name of register index i ("r12", "vr3", "msr") written to buf
 * (at least 16 bytes). Returns buf.
 */
char *hv_reg_name(unsigned i, char *buf);

/* Looks a name up ("r12", "sprg3", "msr"); returns its index or -1. */
int hv_reg_lookup(const char *name);

#endif /* HV_REGS_H */
