/*
 * State the invariant checker keeps between operations (inside struct
 * lp_exec). Owned by harness/portable/inv.c. Fixed-size, no pointers.
 *
 * Nothing here needs resetting between runs: the snapshot lives from
 * lp_inv_before(op) to lp_inv_after_op(op) of the same operation and is
 * tagged with it. A zeroed struct (calloc) is a valid initial state.
 */
#ifndef LPARSEC_INV_STATE_H
#define LPARSEC_INV_STATE_H

#include <stdbool.h>
#include <stdint.h>

#define LP_INV_LMAP        64    /* logical LMBs followed per partition (= LP_LOGICAL_LMBS) */
#define LP_INV_MAX_LMBS    1024  /* real LMBs per machine the checker tracks (64 MiB / 256 KiB = 256 used) */
#define LP_INV_LMB_WORDS   (LP_INV_MAX_LMBS / 64)
#define LP_INV_EXCLUDE     16    /* hypervisor-written words excluded from the I11 memory hash */

/* Taken by lp_inv_before for MEM_REMOVE (I4), RELOCATE and MIGRATE (I11). */
struct lp_inv_snap {
	bool valid;
	uint8_t kind;                  /* enum lp_op_kind */
	uint8_t part;                  /* program partition */
	uint8_t machine, slot;         /* where it lived before the operation */
	uint32_t opi;
	uint32_t lmap[LP_INV_LMAP];    /* real LMB + 1 behind each logical LMB (0 = none) */
	/* I11: the partition's logical view, hashed (RELOCATE / MIGRATE only). */
	bool hashed;
	uint64_t hash_mask;            /* logical LMBs whose contents are hashed (relocation: the one it moves) */
	uint64_t h_mem;                /* their contents */
	uint64_t h_hpt;                /* guest view (ptex, dw0, dw1 without R/C) of every hardware-valid HPTE */
	uint64_t h_tce;                /* every window: LIOBN, geometry, logical TCEs */
	uint64_t h_vcpu;               /* vCPU presence and VPA/DTL/SLB registrations */
	uint32_t nexclude;
	uint64_t exclude[LP_INV_EXCLUDE]; /* logical doublewords the hypervisor may write (VPA yield count) */
	/*
	 * The hashes are the partition's view just after operation view_opi:
	 * that move's check found its new place hashing the same. The next
	 * operation, when it moves the same partition again, starts from them.
	 */
	bool view_current;
	uint32_t view_opi;
};

struct lp_inv_state {
	struct lp_inv_snap snap;
	/*
	 * Trust nothing, report at the cause (set by the caller; implied when
	 * the run enables the test backdoor): ignore x->touched and read
	 * everything; read LMBs back as they leave a partition and rescan a
	 * migration's source slot at once (fast mode leaves that to the next
	 * owner's check and the final sweep); the final sweep also compares
	 * every stopped vCPU's save area with the harness's record (I5).
	 * Costs milliseconds per run. repro should use it.
	 */
	bool thorough;
};

#endif
