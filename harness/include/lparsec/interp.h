/*
 * The program interpreter guest (emu/guests/interp.S): the partition code
 * through which a driver with a CPU of its own -- the Unicorn engine, the
 * firmware under QEMU -- runs a harness program's hcalls, loads and stores
 * as real instructions. What every such driver shares: the entries, the
 * segments the interpreter and the program run in, and the HPTE slot it
 * borrows to map its image.
 *
 * The image lies outside every machine's memory and is seen by the
 * partition through one of LP_INTERP_ALIASES aliases, in segments no
 * program can name (ESIDs 0x10..). Its instruction fetches need an HPTE in
 * the partition's HPT: the driver borrows a free slot for the duration of
 * the slice and puts the slot's bytes back before anything else looks
 * (before hv_enter, at the end of the slice), so the core, the model and
 * the oracles never see it. Eight aliases, each with a primary and a
 * secondary PTEG of their own, guarantee a free slot: a program fills at
 * most one entry an operation, so the 128 slots fill up only after its
 * LP_MAX_OPS-th, when nothing is left to run.
 *
 * Portable like the executor.
 */
#ifndef LPARSEC_INTERP_H
#define LPARSEC_INTERP_H

#include <stdbool.h>
#include <stdint.h>

#include "hv/machine.h"

/* Entry points of the image (fixed by .org in interp.S). */
#define LP_INTERP_HCALL   0x00  /* r3..r12 set: sc 1 */
#define LP_INTERP_LOAD    0x10  /* r5 = EA: ld r4; the sc 1 after it is the done marker */
#define LP_INTERP_STORE   0x20  /* r5 = EA, r4 = value: std r4; sc 1 */
#define LP_INTERP_FLUSH   0x30  /* tlbiel, isync, then bctr to the operation */
#define LP_INTERP_MAGIC   0x40  /* "LPSMINTP" */
#define LP_INTERP_MAGIC_BYTES "LPSMINTP"

/* The program's segments (prog.h: struct lp_segment, by default VSID 0x1000 + e with 4 KiB pages), Ks = Kp = 0. */
#define LP_PROGRAM_ESIDS      16
#define LP_PROGRAM_VSID(e)    (0x1000ull + (e))   /* the default (what the Unicorn boot stub's probe uses) */
/* The interpreter's aliases: page 0 of segment ESID 0x10 + k, VSID LP_INTERP_VSID(k). */
#define LP_INTERP_ALIASES     8
#define LP_INTERP_EA(k)       (0x100000000ull + ((uint64_t)(k) << 28))
#define LP_INTERP_VSID(k)     (0x7F000ull + 0x101ull * (k))

/* A slot of a partition's HPT lent to the interpreter. */
struct lp_interp_slot {
	struct hv_machine *m;
	const struct hv_partition *p;
	uint64_t ptex;       /* ~0: none held */
	uint64_t ea;         /* the alias the interpreter runs at while held */
	uint8_t saved[16];   /* the slot's bytes before */
};

/*
 * Maps the image at real address image_pa (4 KiB aligned, read-only to
 * the partition) for partition p of m through a free slot of one of the
 * aliases' PTEGs; the caller tells its platform the slot's bytes changed
 * if it must. False when every alias's PTEG pair is full.
 */
bool lp_interp_borrow(struct lp_interp_slot *s, struct hv_machine *m, const struct hv_partition *p,
		      uint64_t image_pa);
/* Puts the borrowed slot back as it was (a cached translation of it only ever names the image). */
void lp_interp_return(struct lp_interp_slot *s);

#endif /* LPARSEC_INTERP_H */
