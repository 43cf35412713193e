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
 * store): LP_MMU_OK with *w filled when the access is permitted; on a
 * permission fault *w still names the entry. LP_MMU_AMBIGUOUS when more
 * than one valid entry translates the page.
 */
enum lp_mmu_result { LP_MMU_FAULT, LP_MMU_OK, LP_MMU_AMBIGUOUS };
enum lp_mmu_result lp_mmu_translate(struct lp_exec *x, unsigned part, uint64_t ea, bool store, struct lp_walk *w);
/* Performs a permitted access as the MMU would: R/C in the HPTE, the store. *value: stored / read. */
uint8_t lp_mmu_apply(struct lp_exec *x, unsigned part, const struct lp_walk *w, bool store, uint64_t *value);
/* Whether memory and the HPTE's R/C look as after the access *w predicted (another MMU performed it). */
bool lp_mmu_agrees(struct lp_exec *x, unsigned part, const struct lp_walk *w, bool store, uint64_t value);
/* After a permitted access: the emulated TLB caches its translation, the model notes R/C. */
void lp_mmu_note(struct lp_exec *x, unsigned part, const struct lp_walk *w, bool store);

/* I9 for the emulated IOTLB: every cached translation is still what the TCE table holds (iommu.c). */
enum lp_inv lp_inv_check_iotlb(struct lp_exec *x, uint32_t opi);

/* Applies a corruption for the oracle tests (backdoor.c). */
void lp_run_backdoor(struct lp_exec *x, const struct lp_op *op);
/* The armed hcall corruptions, applied once the driver's hcall returned (gave_up: to the save area). */
void lp_backdoor_after_hcall(struct lp_exec *x, unsigned part, unsigned vcpu, struct hv_regs *regs, bool gave_up);
/* The RELOC_LOSE corruption, applied after a relocation when armed. */
void lp_backdoor_after_relocate(struct lp_exec *x, unsigned part, uint32_t logical_lmb);

/* The harness's placement of partition memory (memmap.c). */
void lp_memmap_init(struct lp_exec *x);
/* After set-up added logical LMB l to part (or an operation that succeeded): where the core put it. */
enum lp_inv lp_memmap_learn_add(struct lp_exec *x, uint32_t opi, unsigned part, unsigned l);
enum lp_inv lp_memmap_learn(struct lp_exec *x, uint32_t opi, const struct lp_op *op);
/* Real address of part's logical [la, la + len) on its machine; false unless owned and contiguous. */
bool lp_memmap_real(const struct lp_exec *x, unsigned part, uint64_t la, uint64_t len, uint64_t *ra);
/* Owner of the real LMB holding ra on machine mach (LP_OWNER_*, or program partition + 1). */
int lp_memmap_owner(const struct lp_exec *x, unsigned mach, uint64_t ra);
/*
 * The core's logical maps and LMB tables against the record (I11 / I1):
 * every LMB of the tables (all_lmbs), or those whose owner changed this run.
 */
enum lp_inv lp_memmap_check(struct lp_exec *x, uint32_t opi, bool all_lmbs);
/* After a management operation of part: its logical map, and the LMBs whose owner it changed. */
enum lp_inv lp_memmap_check_op(struct lp_exec *x, uint32_t opi, unsigned part);
void lp_memmap_op_begin(struct lp_exec *x);

/* The write-set oracle around each operation (inv_writes.c): judge its stores, then read back what it left. */
void lp_writes_begin(struct lp_exec *x, uint32_t opi);
enum lp_inv lp_writes_end(struct lp_exec *x, uint32_t opi);

/* Program partition running as (machine, slot), or -1. */
int lp_part_of(const struct lp_exec *x, unsigned machine, unsigned slot);

/* Copies a thread's live registers into the harness's record of the vCPU it runs (I5). */
void lp_capture_thread(struct lp_exec *x, unsigned machine, unsigned thread);

#endif
