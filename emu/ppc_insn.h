/*
 * Encoders for the few POWER instructions the engine writes itself (its
 * probes and self-tests): the guests proper are assembled by the cross
 * compiler. Big-endian instruction words, ISA 3.0 forms.
 */
#ifndef EMU_PPC_INSN_H
#define EMU_PPC_INSN_H

#include <stdbool.h>
#include <stdint.h>

#define PPC_SC       0x44000002u /* sc (LEV = 0): the partition's own system call */
#define PPC_SC1      0x44000022u /* sc 1: hypercall */
#define PPC_ISYNC    0x4C00012Cu
#define PPC_PTESYNC  0x7C4004ACu
#define PPC_HRFID    0x4C000224u
#define PPC_NOP      0x60000000u
#define PPC_SLBIA    0x7C0003E4u

/* SPR numbers the engine names (ISA 3.0). */
#define PPC_SPR_DSISR   0x012
#define PPC_SPR_DAR     0x013
#define PPC_SPR_DEC     0x016
#define PPC_SPR_SRR0    0x01A
#define PPC_SPR_SRR1    0x01B
#define PPC_SPR_TBL     0x10C
#define PPC_SPR_TBU     0x10D
#define PPC_SPR_SPRG0   0x110
#define PPC_SPR_PVR     0x11F
#define PPC_SPR_SPURR   0x134
#define PPC_SPR_PURR    0x135
#define PPC_SPR_HDEC    0x136
#define PPC_SPR_HSRR0   0x13A
#define PPC_SPR_HSRR1   0x13B
#define PPC_SPR_LPCR    0x13E
#define PPC_SPR_LPIDR   0x13F
#define PPC_SPR_VTB     0x15F
#define PPC_SPR_PTCR    0x1D0

/* The 10-bit SPR field is stored with its two 5-bit halves swapped. */
static inline uint32_t ppc_spr_field(unsigned spr)
{
	return (uint32_t)(((spr & 0x1F) << 5) | ((spr >> 5) & 0x1F)) << 11;
}

static inline uint32_t ppc_mtspr(unsigned spr, unsigned rs)
{
	return (31u << 26) | (rs << 21) | ppc_spr_field(spr) | (467u << 1);
}

static inline uint32_t ppc_mfspr(unsigned rt, unsigned spr)
{
	return (31u << 26) | (rt << 21) | ppc_spr_field(spr) | (339u << 1);
}

static inline uint32_t ppc_mftb(unsigned rt)
{
	return (31u << 26) | (rt << 21) | ppc_spr_field(PPC_SPR_TBL) | (371u << 1);
}

static inline uint32_t ppc_slbmte(unsigned rs, unsigned rb)
{
	return (31u << 26) | (rs << 21) | (rb << 11) | (402u << 1);
}

static inline uint32_t ppc_tlbiel(unsigned rb)
{
	return (31u << 26) | (rb << 11) | (274u << 1);
}

static inline uint32_t ppc_adde(unsigned rt, unsigned ra, unsigned rb)
{
	return (31u << 26) | (rt << 21) | (ra << 16) | (rb << 11) | (138u << 1);
}

static inline uint32_t ppc_ld(unsigned rt, unsigned ra, int16_t ds)
{
	return (58u << 26) | (rt << 21) | (ra << 16) | ((uint32_t)(uint16_t)ds & 0xFFFCu);
}

static inline uint32_t ppc_std(unsigned rs, unsigned ra, int16_t ds)
{
	return (62u << 26) | (rs << 21) | (ra << 16) | ((uint32_t)(uint16_t)ds & 0xFFFCu);
}

/* An instruction the engine must never let a guest run on Unicorn 2.0.1 (quirks.c). */
static inline bool ppc_insn_reads_timebase(uint32_t insn)
{
	unsigned op = insn >> 26, xo = (insn >> 1) & 0x3FF;
	unsigned spr = ((insn >> 16) & 0x1F) | (((insn >> 11) & 0x1F) << 5);

	if (op != 31) {
		return false;
	}
	if (xo == 371) {
		return true; /* mftb */
	}
	return xo == 339 && (spr == PPC_SPR_DEC || spr == PPC_SPR_TBL || spr == PPC_SPR_TBU || spr == PPC_SPR_HDEC ||
			     spr == PPC_SPR_PURR || spr == PPC_SPR_SPURR || spr == PPC_SPR_VTB);
}

#endif /* EMU_PPC_INSN_H */
