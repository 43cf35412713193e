/*
 * Pieces of the executor shared between its files (select.c, access.c,
 * backdoor.c, exec.c). Not a public interface.
 */
#ifndef LPARSEC_EXEC_INTERNAL_H
#define LPARSEC_EXEC_INTERNAL_H

#include "hv/introspect.h" /* the executor and oracles look behind the core's API */
#include "hv/plat.h"
#include "lparsec/exec.h"
#include "lparsec/inv.h"

static inline struct hv_machine *lp_mach(struct lp_exec *x, unsigned part)
{
	return &x->m[x->loc[part].machine];
}

static inline struct hv_partition *lp_partition(struct lp_exec *x, unsigned part)
{
	return x->loc[part].alive ? hv_part(lp_mach(x, part), x->loc[part].slot) : 0;
}

/* Resolves argument i of op for its actor (select.c). */
uint64_t lp_resolve(struct lp_exec *x, const struct lp_op *op, unsigned i);

/* The harness's MMU (access.c); struct lp_walk is in exec.h. */
/*
 * Translates the doubleword at ea as the hash MMU would for a load (or a
 * store); true with *w filled when the access is permitted. On a
 * permission fault *w still names the entry.
 */
bool lp_mmu_translate(struct lp_exec *x, unsigned part, uint64_t ea, bool store, struct lp_walk *w);
/* Performs a permitted access as the MMU would: R/C in the HPTE, the store. *value: stored / read. */
uint8_t lp_mmu_apply(struct lp_exec *x, unsigned part, const struct lp_walk *w, bool store, uint64_t *value);
/* Whether memory and the HPTE's R/C look as after the access *w predicted (another MMU performed it). */
bool lp_mmu_agrees(struct lp_exec *x, unsigned part, const struct lp_walk *w, bool store, uint64_t value);
/* After a permitted access: the emulated TLB caches its translation, the model notes R/C. */
void lp_mmu_note(struct lp_exec *x, unsigned part, const struct lp_walk *w, bool store);

/* Applies a corruption for the oracle tests (backdoor.c). */
void lp_run_backdoor(struct lp_exec *x, const struct lp_op *op);
/* The RELOC_LOSE corruption, applied after a relocation when armed. */
void lp_backdoor_after_relocate(struct lp_exec *x, unsigned part, uint32_t logical_lmb);

/* Program partition running as (machine, slot), or -1. */
int lp_part_of(const struct lp_exec *x, unsigned machine, unsigned slot);

/* Copies a thread's live registers into the harness's record of the vCPU it runs (I5). */
void lp_capture_thread(struct lp_exec *x, unsigned machine, unsigned thread);

#endif
