/*
 * State the invariant checker keeps between operations (inside struct
 * lp_exec). Owned by harness/portable/inv.c. Fixed-size, no pointers.
 *
 * The snapshot needs no resetting between runs: it lives from
 * lp_inv_before(op) to lp_inv_after_op(op) of the same operation and is
 * tagged with it; the counts are zeroed at the start of each run. A zeroed
 * struct (calloc) is a valid initial state.
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
	/* MEM_REMOVE / RELOCATE / MIGRATE: the memory it moves was mapped, registered in or written (the counts). */
	bool rich;
	/*
	 * The hashes are the partition's view just after operation view_opi:
	 * that move's check found its new place hashing the same. The next
	 * operation, when it moves the same partition again, starts from them.
	 */
	bool view_current;
	uint32_t view_opi;
};

/*
 * How often an oracle looked, and how often at a state where its bug could
 * live (the report's per-invariant counts; lp_exec_run zeroes them):
 *   I1  valid hardware HPTEs checked; rich: of a page larger than 4 KiB
 *       (its actual size is what can reach past the partition's memory)
 *   I2  HPTEs, TCEs and registrations checked; rich: those valid or on
 *   I3  TCEs checked; rich: those granting DMA
 *   I4  after removing an LMB; rich: it was mapped (HPTE or TCE), registered
 *       in or written
 *   I5  after a dispatch; rich: the vCPU had left a thread before (a record)
 *       and the thread held other values than that record
 *   I6  hcalls judged against the model; rich: returning predicted outputs
 *   I7  the same; rich: calls that failed (and must have changed nothing)
 *   I8  the same; rich: calls naming another partition's resource
 *   I9  after what fills or stales the emulated TLB; rich: it held entries
 *   I11 after a move; rich: the memory was mapped (HPTE or TCE), registered
 *       in or written
 *   I12 a driver's accesses against the harness's MMU, and its operations
 *       against the host-direct run's; rich: translated / ran on both
 * (I10 is the sanitizers': no count.) An oracle whose rich count stays 0
 * only ever saw trivial states.
 */
#define LP_INV_IDS 13
struct lp_inv_counts {
	uint32_t checks[LP_INV_IDS], rich[LP_INV_IDS];
};

/* One more look by oracle inv (an enum lp_inv id), rich when at a state where its bug could live. */
static inline void lp_inv_count(struct lp_inv_counts *c, unsigned inv, bool rich)
{
	c->checks[inv]++;
	c->rich[inv] += rich;
}

struct lp_inv_state {
	struct lp_inv_snap snap;
	struct lp_inv_counts counts;
	bool dispatch_rich; /* lp_inv_before_dispatch's answer for the dispatch about to run */
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
