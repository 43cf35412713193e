/*
 * The executor: runs a program against a fresh machine, checks the
 * isolation invariants after every operation (incrementally: what the
 * operation touched) and with a full sweep at the end, and stops at the
 * first violation. Deterministic. Portable like hv/core (no libc, no
 * allocation): the caller provides the two platforms (the second machine is
 * the migration target) and the memory for struct lp_exec.
 */
#ifndef LPARSEC_EXEC_H
#define LPARSEC_EXEC_H

#include "hv/hcall.h"
#include "hv/machine.h"
#include "lparsec/driver.h"
#include "lparsec/inv_state.h"
#include "lparsec/prog.h"
#include "lparsec/ref.h"

/* Invariant ids of DESIGN.md §2. */
enum lp_inv {
	LP_INV_NONE = 0,
	LP_INV_I1 = 1,   /* valid HPTE maps only memory its partition owns (actual page size) */
	LP_INV_I2,       /* nothing points into hypervisor memory */
	LP_INV_I3,       /* TCEs of P's windows point into P's memory */
	LP_INV_I4,       /* a departed LMB is unreferenced and reads zero before its next owner */
	LP_INV_I5,       /* after dispatch the thread holds exactly the vCPU's saved state */
	LP_INV_I6,       /* hcall outputs: no real address, no private bits, no foreign data */
	LP_INV_I7,       /* failing hcall changes nothing; return codes in the allowed set */
	LP_INV_I8,       /* named resources resolve only inside the caller's partition */
	LP_INV_I9,       /* no stale translation survives a removal or weakening */
	LP_INV_I10,      /* memory safety (sanitizers); reported by the sanitizer, not here */
	LP_INV_I11,      /* relocation / migration preserve the logical view */
	LP_INV_I12,      /* every driver gives the same results: the harness's MMU and the driver's agree */
};

/* What happened to one operation. */
enum lp_op_status {
	LP_RAN = 0,      /* ran; rc / out hold the results */
	LP_SKIPPED,      /* could not run (actor absent, no thread, partition gone), or LOAD/STORE through
			    a page two valid HPTEs translate (the ISA leaves open which one an MMU uses) */
	LP_FAULT,        /* LOAD/STORE/DMA: the access faulted (no translation or no permission) */
};

struct lp_op_result {
	uint8_t status;      /* enum lp_op_status */
	int64_t rc;          /* hcall return code, or the management call's HV_* code */
	uint64_t arg[9];     /* the concrete register values the selectors resolved to */
	uint64_t out[9];     /* hcall outputs r4..r12; LOAD/DMA_READ: out[0] = value read */
};

struct lp_violation {
	uint8_t inv;         /* enum lp_inv */
	uint16_t op;         /* index of the operation after which it was found (nops = final sweep) */
	char msg[200];       /* one line, no newline */
};

/* The harness's emulated TLB (I9): translations LOAD/STORE cached (valid ones: bits of lp_exec.tlb_valid). */
#define LP_TLB_ENTRIES 32
_Static_assert(LP_TLB_ENTRIES <= 32, "lp_exec.tlb_valid is a 32-bit mask");
struct lp_tlb_entry {
	uint8_t machine, slot;
	uint64_t ptex;
	uint64_t va;         /* (VSID << 28 | EA offset in segment) & page mask */
	uint8_t shift;       /* actual page size of the entry */
	uint64_t ea_page;
	uint64_t ra_page;
	bool writable;
};

/* The harness's emulated IOTLB (iommu.c): TCEs a device used, invalidated only by the platform's IOTLB flush. */
#define LP_IOTLB_ENTRIES 16
struct lp_iotlb_entry {
	uint8_t machine;
	uint32_t liobn;
	uint64_t page;       /* bus address >> 12 */
	uint64_t tce;        /* the hardware TCE as the device read it */
};

/* What the harness's MMU found for an access (access.c). */
struct lp_walk {
	uint64_t ea;        /* the doubleword's effective address */
	uint64_t ptex;      /* the HPTE that translated it */
	uint64_t dw1;       /* its hardware dword 1 */
	uint64_t va;        /* the virtual page (VSID << 28 | page offset, the page's first byte) */
	uint8_t shift;      /* its actual page size */
	uint64_t ra;        /* the doubleword's real address */
	bool writable;      /* the page permits stores */
};

/* Where program partition i lives now. */
struct lp_part_loc {
	bool alive;
	uint8_t machine;     /* 0 or 1 */
	uint8_t slot;
	uint64_t last_ptex;
	uint32_t liobn[LP_MAX_WINDOWS];
};

/* Corruptions LP_OP_BACKDOOR can apply (tests prove each oracle bites). */
enum lp_backdoor {
	LP_BD_NONE = 0,
	LP_BD_HPTE_FOREIGN_RPN,   /* I1: point a valid HPTE at another partition's page */
	LP_BD_HPTE_HYP_RPN,       /* I2: point a valid HPTE at the HPT itself */
	LP_BD_TCE_FOREIGN,        /* I3: point a TCE at another partition's page */
	LP_BD_LMB_DIRTY_FREE,     /* I4: scribble on a free LMB */
	LP_BD_REG_LEAK,           /* I5: change a saved register behind the thread's back */
	LP_BD_SHADOW_REAL,        /* I6: put a real page number in an HPTE shadow (H_READ leaks it) */
	LP_BD_SHADOW_DROP,        /* I7: silently invalidate a shadow entry (state diverges from the model) */
	LP_BD_WINDOW_STEAL,       /* I8: hand partition 0's window to partition 1 under the same LIOBN */
	LP_BD_SKIP_FLUSH,         /* I9: drop an HPTE without the tlbie */
	LP_BD_RELOC_LOSE,         /* I11: change a byte of logical memory during a relocation */
	LP_BD_VCPU_STATE,         /* I7: a stopped vCPU of partition 0 turns ceded behind the model's back */
	LP_BD_LMAP_MOVE,          /* I11: logical LMB 1 of partition 0 moves to another real LMB, no operation asked */
	LP_BD_HCALL_CLOBBER,      /* I6: the next hcall also changes r14 */
	LP_BD_CEDE_SAVE,          /* I5: the next hcall that gives up its thread saves r14 wrong */
	LP_BD_STRAY_FOREIGN,      /* I1: the next hcall also stores into partition 1's memory */
	LP_BD_STRAY_OWN,          /* I7: the next hcall also stores into its caller's memory, outside its write set */
	LP_BD_ZERO_LEFTOVER,      /* I7: the next hcall that zeroes a page leaves a byte of it */
	LP_BD_IOTLB_SKIP,         /* I9: clear TCE 0 of partition 0's window 0 without the IOTLB flush */
	LP_BD_COUNT
};

/*
 * The harness's own record of where memory lives (memmap.c): set up from
 * the machine's layout, changed only by management operations that
 * succeeded, compared with the core's logical maps and LMB tables.
 */
#define LP_MEMMAP_LMBS  LP_MACHINE_LMBS_MAX /* real LMBs per machine */
#define LP_OWNER_FREE   0
#define LP_OWNER_HYP    0xFF  /* the hypervisor region */
#define LP_OWNER_NONE   0xFE  /* outside memory */
struct lp_memmap {
	uint8_t machine[LP_MAX_PARTS];                     /* where program partition p lives */
	uint16_t real[LP_MAX_PARTS][LP_LOGICAL_LMBS];      /* real LMB + 1 behind logical LMB l; 0 = not owned */
	uint8_t owner[2][LP_MEMMAP_LMBS];                  /* LP_OWNER_FREE / _HYP, or program partition + 1 */
	uint32_t hyp_lmbs[2], nlmb[2];
	uint64_t hyp_end[2];                               /* the hypervisor region: [0, hyp_end) */
	bool used1;                                        /* a partition migrated to machine 1 this run */
	uint64_t changed[2][LP_MEMMAP_LMBS / 64];          /* real LMBs whose owner changed this run */
	uint64_t changed_now[2][LP_MEMMAP_LMBS / 64];      /* ... during the operation in flight */
};

struct lp_exec {
	struct hv_machine m[2];
	struct hv_plat *plat[2];
	/*
	 * Optional, set by the caller before runs (kept across them): the
	 * driver the program runs through; NULL is lp_driver_host. The
	 * platforms must report the driver's capabilities.
	 */
	const struct lp_driver *drv;
	/* The LOAD/STORE in flight as the harness's MMU translated it (mmu_ok: permitted). */
	struct lp_walk mmu;
	bool mmu_ok;
	bool backdoor_enabled;
	const struct lp_prog *prog;
	struct lp_part_loc loc[LP_MAX_PARTS];
	struct lp_ref ref;                  /* the reference model, fed the same operations */
	struct lp_memmap memmap;            /* where the harness placed every partition's memory */
	/*
	 * The executor built these machines and followed every operation, so
	 * its own records (the model's vCPUs, the memory map) can be compared
	 * with the core's. False when a checker test hands the oracles a
	 * machine it made by other means: those comparisons are then skipped.
	 */
	bool tracked;
	bool op_dispatched;                 /* the operation in flight dispatched its vCPU first */
	/* The write-set oracle (inv_writes.c): the operation whose stores are judged, the first one refused. */
	bool wjudge, wunknown;
	uint32_t wseen;                     /* stores the platform reported since the run began */
	uint16_t wannounced;                /* bit i: a reported store overlapped the model's writes[i] */
	uint32_t wcur;
	struct {
		uint8_t mach, who;   /* machine; LP_OWNER_* or program partition + 1 */
		uint64_t ra, len;    /* len 0: none */
	} wbad;
	/* The DMA in flight as the harness's device translated it (dma_ok: permitted). */
	bool dma_ok;
	uint64_t dma_ra;
	struct lp_tlb_entry tlb[LP_TLB_ENTRIES];
	/*
	 * Bit i: tlb[i] holds a translation. A mask, so the flush hooks and the
	 * I9 check (after most operations) visit only the few entries in use.
	 */
	uint32_t tlb_valid;
	struct lp_iotlb_entry iotlb[LP_IOTLB_ENTRIES];
	uint32_t iotlb_valid;               /* bit i: iotlb[i] holds a translation */
	/* I5: what each vCPU's registers were when it left its thread (harness copy). */
	struct hv_regs saved[LP_MAX_PARTS][LP_MAX_VCPUS];
	bool saved_valid[LP_MAX_PARTS][LP_MAX_VCPUS];
	/* The hcall in flight: the register file it started from, and (gave up its thread) its save area. */
	struct hv_regs hc_pre, hc_after;
	struct lp_op_result res[LP_MAX_OPS];
	uint32_t ops_run;
	struct lp_violation viol;
	bool reloc_backdoor_armed;
	uint8_t hcall_backdoor_armed;       /* an hcall corruption (LP_BD_HCALL_CLOBBER ...) waiting for an hcall */
	struct lp_inv_state inv;            /* the checker's snapshots */
	/*
	 * Optional, set by the caller before runs (kept across them): whether
	 * [ra, ra + len) of machine may have been written since the platform's
	 * reset. Sweeps skip memory nobody wrote; NULL means "assume written",
	 * i.e. exhaustive sweeps (repro). Fuzz targets use the host platform's
	 * dirty tracking, which every writer (core and harness) feeds.
	 */
	bool (*touched)(void *ctx, unsigned machine, uint64_t ra, uint64_t len);
	void *touched_ctx;
	/*
	 * Optional and faster, the same answer as a bitmap the platform keeps
	 * current: bit n set = 4 KiB page n may have been written (pages at or
	 * past touched_map_pages count as written). Used before the hook: the
	 * sweeps ask about every page they look at.
	 */
	const uint64_t *touched_map[2];
	uint64_t touched_map_pages;
};

/* Any bit of map set for pages [first, last]? Pages past npages count as set. */
static inline bool lp_map_any(const uint64_t *map, uint64_t npages, uint64_t first, uint64_t last)
{
	uint64_t pg;

	if (last >= npages) {
		return true;
	}
	for (pg = first; pg <= last;) {
		uint64_t word = map[pg >> 6] >> (pg & 63);

		if (word & 1) {
			return true;
		}
		pg += word ? (uint64_t)__builtin_ctzll(word) : 64 - (pg & 63); /* skip the clear bits at once */
	}
	return false;
}

/*
 * First page in [pg, end) whose bit of map is set, or end. Pages past
 * npages count as set. Whole runs of 8 clear words (512 pages) are skipped
 * at once: the final sweep asks about every page of a machine, and a run
 * writes a few dozen.
 */
static inline uint64_t lp_map_next(const uint64_t *map, uint64_t npages, uint64_t pg, uint64_t end)
{
	while (pg < end) {
		uint64_t word;

		if (pg >= npages) {
			return pg;
		}
		if ((pg & 511) == 0 && pg + 512 <= npages) {
			const uint64_t *w = &map[pg >> 6];

			if (!(w[0] | w[1] | w[2] | w[3] | w[4] | w[5] | w[6] | w[7])) {
				pg += 512;
				continue;
			}
		}
		word = map[pg >> 6] >> (pg & 63);
		if (word) {
			pg += (uint64_t)__builtin_ctzll(word);
			return pg < end ? pg : end;
		}
		pg += 64 - (pg & 63); /* the rest of this word is clear */
	}
	return end;
}

/* Whether the sweeps must look at [ra, ra + len) of machine. */
static inline bool lp_touched(const struct lp_exec *x, unsigned machine, uint64_t ra, uint64_t len)
{
	const uint64_t *map = x->touched_map[machine & 1];

	if (map) {
		return len && lp_map_any(map, x->touched_map_pages, ra >> 12, (ra + len - 1) >> 12);
	}
	return !x->touched || x->touched(x->touched_ctx, machine, ra, len);
}

/*
 * Machine configuration a program runs on: 4 partitions x 4 vCPUs, 4
 * threads, 8 windows, HPT slots of the program's largest HPT; the
 * program's memory and LMB size (version 1, and without a program: 64 MiB
 * of 256 KiB LMBs, HPTs of 256 KiB). Platforms hold LP_MEM_BYTES_MAX (the
 * host's arenas are sparse: a machine touches what its program touches);
 * the firmware's hold LP_MEM_BYTES.
 */
#define LP_MEM_BYTES (64ull << 20)
#define LP_MEM_BYTES_MAX (1ull << LP_MEM_SHIFT_MAX)
void lp_machine_config(struct hv_config *cfg, const struct lp_config *prog);

/*
 * Runs p from a fresh machine. plat0/plat1 must hold zeroed memory of
 * LP_MEM_BYTES (the host resets them first). Returns the violated invariant
 * (LP_INV_NONE when clean); x->res and x->viol describe the run.
 */
enum lp_inv lp_exec_run(struct lp_exec *x, const struct lp_prog *p, struct hv_plat *plat0, struct hv_plat *plat1,
			bool backdoor_enabled);

/*
 * Platform hooks: the host glue forwards every store the core makes
 * (plat_mem_dirty) here, for the write-set oracle.
 */
void lp_exec_on_mem_write(struct lp_exec *x, struct hv_plat *plat, uint64_t ra, uint64_t len);
/* Platform hooks: IOTLB flushes (the emulated IOTLB drops the entry of that bus page). */
void lp_exec_on_iotlb_flush(struct lp_exec *x, struct hv_plat *plat, uint32_t lpid, uint32_t liobn, uint64_t ioba);
/* Platform hooks: the host glue forwards TLB flushes here (the emulated TLB drops entries). */
void lp_exec_on_tlb_flush_entry(struct lp_exec *x, struct hv_plat *plat, uint32_t lpid, uint64_t rb);
void lp_exec_on_tlb_flush_lpid(struct lp_exec *x, struct hv_plat *plat, uint32_t lpid);

/*
 * I12 by replay: x ran a program through a driver, host ran it host-direct
 * on machines with that driver's capabilities. Returns LP_INV_I12 (x->viol
 * says at which operation and what differs), or x's own verdict: when
 * only the driver's run violated an invariant, that invariant (the more
 * precise diagnosis of the same disagreement).
 */
enum lp_inv lp_exec_compare(const struct lp_exec *host, struct lp_exec *x);

/*
 * The harness MMU's decoding of an HPTE found in a segment of base page
 * 2^seg_shift: the actual page shift, or 0 when the entry is not one such a
 * segment translates through (papr-spec §2.5: only its base page's encodings).
 */
unsigned lp_mmu_page_shift(uint64_t dw0, uint64_t dw1, unsigned seg_shift);

/* Name of an invariant ("I7"). */
const char *lp_inv_name(unsigned inv);

#endif /* LPARSEC_EXEC_H */
