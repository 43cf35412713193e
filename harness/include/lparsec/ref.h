/*
 * The reference model: a separate, deliberately simple model of what each
 * partition may observe, written from papr-spec.md without sharing code
 * with hv/core. It predicts the return code and outputs of the HPT, TCE,
 * VPA, console, processor and interrupt-presentation calls (and the trivial
 * ones); any difference from the core is a violation (I6/I7/I8). Portable
 * (no libc).
 *
 * It models the guest view only: which logical LMBs a partition owns, the
 * guest-view words of every HPTE it entered (logical page numbers), the
 * logical value of every TCE of its windows, the VPA/DTL/SLB registrations,
 * which vCPUs exist and where, each vCPU's XICS presentation state and each
 * partition's interrupt mode (H_SET_MODE). Machine layout it cannot know (whether a page
 * spanning several LMBs is really contiguous, memory contents) it asks the
 * executor through struct lp_ref_env.
 */
#ifndef LPARSEC_REF_H
#define LPARSEC_REF_H

#include <stdbool.h>
#include <stdint.h>

#include "lparsec/prog.h"

#define LP_REF_HPTES   256  /* valid entries tracked per program (H_ENTER at most once per op) */
#define LP_LMB_BYTES   (256ull * 1024)
#define LP_LOGICAL_LMBS 64  /* logical LMB indices a partition can use */
#define LP_TCE_CHUNK   512      /* TCEs a chunk of the model's windows: a 4 KiB page of the core's table */
#define LP_NHPTE       16384ull /* HPT of 256 KiB: every partition's in version 1, the default in version 2 */

/* LIOBN of window w of program partition p (a per-partition name, unique machine-wide here). */
static inline uint32_t lp_liobn(unsigned p, unsigned w)
{
	return 0x80000000u | (p << 8) | w;
}

struct lp_ref_env {
	void *ctx;
	/* Reads len bytes of partition part's logical memory at la; false if not owned. */
	bool (*read)(void *ctx, unsigned part, uint64_t la, void *buf, unsigned len);
	/* Whether [la, la + size) of part is backed by one contiguous, size-aligned real range. */
	bool (*contiguous)(void *ctx, unsigned part, uint64_t la, uint64_t size);
	/* Whether the platform has entropy (H_RANDOM). */
	bool (*has_entropy)(void *ctx);
};

struct lp_ref_hpte {
	uint8_t part;
	uint64_t ptex;
	uint64_t dw0, dw1;   /* guest view; dw1 carries the R/C the model knows of */
};

struct lp_ref_area {
	bool on;
	uint64_t la;
	uint32_t len;
};

/* Where a vCPU is (papr-spec §6.1-§6.4: dispatch, preemption, H_CEDE / H_CONFER / H_PROD). */
enum lp_ref_vstate {
	LP_V_ABSENT = 0,
	LP_V_STOPPED,        /* runnable, on no thread */
	LP_V_RUNNING,        /* on thread `thread` of its partition's machine */
	LP_V_CEDED,          /* gave up its thread with H_CEDE; runnable again after H_PROD */
	LP_V_HALTED,         /* stopped by RTAS (power-off, reboot, os-term, stop-self): only DLPAR brings it back */
};

struct lp_ref_vcpu {
	bool present;        /* state != LP_V_ABSENT */
	uint8_t state;       /* enum lp_ref_vstate */
	int8_t thread;       /* LP_V_RUNNING: the hardware thread */
	bool prodded;        /* an H_PROD arrived while it was not ceded: the next H_CEDE returns at once */
	uint32_t yield;      /* shared processors: the VPA dispatch count (odd while not running) */
	uint64_t dtl_index;  /* dispatch trace log entries written since the DTL was registered */
	struct lp_ref_area vpa, dtl, slb;
	/*
	 * Its XICS presentation controller (papr-spec §6.10, ref_xics.c):
	 * priorities 0 (most favoured) .. 0xFF (least). cppr 0, mfrr 0xFF,
	 * nothing pending when the vCPU is added.
	 */
	uint8_t cppr;        /* the priority it runs at: only a more favoured interrupt gets through */
	uint8_t mfrr;        /* the IPI requested of it, at this priority (0xFF: none) */
	uint32_t xisr;       /* the source waiting to be accepted: 0 none, 2 the IPI */
	uint8_t xisr_prio;   /* that source's priority (0xFF with none) */
};

struct lp_ref_part {
	bool alive;
	bool shared;         /* shared-processor partition (runs on the machine's pool of threads) */
	uint8_t machine;     /* 0, or 1 after a migration */
	int8_t dedicated;    /* dedicated partition: its thread on `machine`, or -1 (none: it cannot run) */
	uint64_t owned;      /* bit i: logical LMB i owned */
	/* Its interrupt mode (H_SET_MODE, papr-spec §6.6): LPCR[AIL] 0, 2 or 3 (3 at creation), LPCR[ILE]. */
	uint8_t ail;
	bool ile;
	/* Its RTAS time-of-day clock (papr-spec §6.10): year, month, day, hour, minute, second, ns; 2026-01-01 at creation. */
	uint32_t tod[7];
	bool win_on[LP_MAX_WINDOWS];
	uint64_t tce[LP_MAX_WINDOWS][LP_WINDOW_ENTRIES_MAX]; /* logical values as stored (the window's entries) */
	/* Bit c: chunk c of tce[w] (LP_TCE_CHUNK entries, one 4 KiB page of a table) may hold non-zero values. */
	uint64_t tce_used[LP_MAX_WINDOWS][LP_WINDOW_ENTRIES_MAX / LP_TCE_CHUNK / 64];
	struct lp_ref_vcpu vcpu[LP_MAX_VCPUS];
};

/*
 * The model's TCEs of a window are written through lp_ref_tce_set, which
 * notes the chunk: clearing, scanning and comparing a window of 262 144
 * entries then costs what was written, not its size.
 */
static inline void lp_ref_tce_set(struct lp_ref_part *pp, unsigned w, uint64_t idx, uint64_t value)
{
	pp->tce[w][idx] = value;
	pp->tce_used[w][idx / LP_TCE_CHUNK / 64] |= 1ull << (idx / LP_TCE_CHUNK % 64);
}

/* The next chunk of window w at or after chunk c that may hold values, or LP_WINDOW_ENTRIES_MAX / LP_TCE_CHUNK. */
static inline uint64_t lp_ref_tce_next_chunk(const struct lp_ref_part *pp, unsigned w, uint64_t c)
{
	const uint64_t end = LP_WINDOW_ENTRIES_MAX / LP_TCE_CHUNK;

	while (c < end) {
		uint64_t word = pp->tce_used[w][c / 64] >> (c % 64);

		if (word) {
			return c + (uint64_t)__builtin_ctzll(word);
		}
		c += 64 - c % 64;
	}
	return end;
}

/* Zeroes every entry of window w that may hold a value. */
void lp_ref_tce_clear(struct lp_ref_part *pp, unsigned w);

/* What the model knows of each machine, to predict management operations. */
struct lp_ref_machine {
	uint32_t pool_lmbs;      /* LMBs partitions can own (memory outside the hypervisor's region) */
	uint8_t threads;
	uint8_t max_windows;
	uint8_t max_partitions;
};

/*
 * A store the hypervisor makes into a partition's memory during one
 * operation, as the model predicts it (papr-spec §6.5, §6.9, §3.1): the
 * write-set oracle allows exactly these and checks what they leave.
 */
enum lp_ref_write_kind {
	LP_W_YIELD = 1,      /* be32 dispatch count at VPA + 0x100: value */
	LP_W_DTL_ENTRY,      /* 48-byte trace entry: reason 1, be32 vCPU id (value) at +4, the rest 0 */
	LP_W_DTL_INDEX,      /* be64 entries written at VPA + 0x218: value */
	LP_W_SHARED_PROC,    /* VPA byte 9 gets the shared-processor bit 0x02 */
	LP_W_ZERO_PAGE,      /* the 4 KiB page reads zero */
	LP_W_COPY_PAGE,      /* the 4 KiB page equals the page at logical value */
	LP_W_MAPPED_PAGE,    /* no store: the platform marks a page a partition may store to (plat.h) */
	LP_W_BE32,           /* a be32 word (an RTAS status or return value): value */
};

struct lp_ref_write {
	uint8_t kind;        /* enum lp_ref_write_kind */
	uint8_t part;
	uint32_t len;
	uint64_t la;
	uint64_t value;
};

#define LP_REF_WRITES 12

struct lp_ref {
	struct lp_config cfg;
	struct lp_ref_part part[LP_MAX_PARTS];
	uint32_t nhptes;
	struct lp_ref_hpte hpte[LP_REF_HPTES];
	bool overflow;       /* more valid HPTEs than tracked: predictions stop (never a false alarm) */
	/*
	 * The platform presets R (plat.h HV_PLAT_CAP_HPTE_R_PRESET): every valid
	 * entry reads R = 1 from H_ENTER on, and H_CLEAR_REF leaves it set. Set
	 * after lp_ref_init, which leaves it as it was.
	 */
	bool r_preset;
	/*
	 * The platform marks the pages a partition may store to when a mapping
	 * is published (HV_PLAT_CAP_GUEST_STORES_UNSEEN): H_ENTER then "writes"
	 * its page (LP_W_MAPPED_PAGE). Set like r_preset.
	 */
	bool stores_unseen;
	struct lp_ref_machine mach[2];
	/* Vcpu running on thread t of machine m: run_part/run_vcpu, or run_part -1. */
	int8_t run_part[2][LP_MAX_THREADS], run_vcpu[2][LP_MAX_THREADS];
	/* vCPUs (bit part * LP_MAX_VCPUS + v) whose state the model changed since lp_ref_writes_clear. */
	uint16_t vtouched;
	/* The hypervisor's stores into partition memory predicted since lp_ref_writes_clear. */
	uint32_t nwrites;
	bool writes_overflow;
	struct lp_ref_write writes[LP_REF_WRITES];
};

#define LP_REF_PRED_REGS 2

/* What the model expects of one hcall. */
struct lp_ref_pred {
	bool known;          /* false: the model makes no prediction for this call */
	int64_t rc;
	uint64_t out[9];
	uint16_t out_known;  /* bit i set: out[i] must equal */
	/* The call's other register effects (papr-spec §6.1-§6.3): MSR bits it sets, SPRG0 it writes. */
	uint64_t msr_set;
	bool sprg0_set;
	uint64_t sprg0;
	/* Other registers of the caller it writes (H_SET_MODE's CIABR, DAWR0, DAWRX0): enum hv_reg index, value. */
	uint8_t nregs;
	uint16_t reg[LP_REF_PRED_REGS];
	uint64_t reg_val[LP_REF_PRED_REGS];
	bool gives_up;       /* the vCPU leaves its thread (ceded or conferred): its registers go to its save area */
	/* RTAS start-cpu: vCPU started - 1 of the caller's partition (0: none) restarts from the boot state at nia, r3. */
	uint8_t started;
	uint64_t start_nia, start_r3;
};

/*
 * Initial state for a program's configuration (partitions, LMBs 0..n-1,
 * vCPUs, windows): every partition shared on machine 0, every vCPU stopped,
 * machines of LP_MEM_BYTES with no hypervisor region and cfg->threads
 * threads until lp_ref_set_machine / lp_ref_place say otherwise.
 */
void lp_ref_init(struct lp_ref *r, const struct lp_config *cfg);
/* What machine m (0 or 1) offers. */
void lp_ref_set_machine(struct lp_ref *r, unsigned m, const struct lp_ref_machine *facts);
/* Partition part as set up: shared, or dedicated to thread `dedicated` of machine 0. */
void lp_ref_place(struct lp_ref *r, unsigned part, bool shared, int dedicated);

/* Predicts hcall `opcode` by part.vcpu with argument registers arg and applies its effect. */
void lp_ref_hcall(struct lp_ref *r, const struct lp_ref_env *env, unsigned part, unsigned vcpu, uint64_t opcode,
		  const uint64_t arg[9], struct lp_ref_pred *pred);

/*
 * Predicts management operation op (DLPAR, windows, relocation, migration,
 * dispatch, preemption) of a live partition: returns the HV_* code the core
 * must return, and applies the operation's effect when that is HV_OK.
 */
int lp_ref_mgmt(struct lp_ref *r, const struct lp_op *op);
/*
 * The thread on which part.vcpu would be dispatched to run an operation
 * (the lowest idle thread of its pool, else the lowest busy one), or -1
 * when it cannot run (absent, ceded, no thread of its pool).
 */
int lp_ref_pick_thread(const struct lp_ref *r, unsigned part, unsigned vcpu);
/* Dispatch of part.vcpu on thread of its machine: the HV_* code predicted, the effect applied when HV_OK. */
int lp_ref_dispatch(struct lp_ref *r, unsigned part, unsigned vcpu, unsigned thread);

/* Forget what the last operation changed: predicted hypervisor stores, touched vCPUs (before each operation). */
static inline void lp_ref_writes_clear(struct lp_ref *r)
{
	r->nwrites = 0;
	r->writes_overflow = false;
	r->vtouched = 0;
}

/* The MMU set R (and C for a write) on HPTE ptex of part during a LOAD/STORE. */
void lp_ref_note_access(struct lp_ref *r, unsigned part, uint64_t ptex, bool write);
/*
 * The model's own decoding of an HPTE's page size (papr-spec §2.5): the
 * actual page shift, and in *base the base page shift it needs of its
 * segment; 0 (and *base 0) for an encoding the ISA does not define.
 */
unsigned lp_ref_page_shift(uint64_t dw0, uint64_t dw1, unsigned *base);

/* The model's guest view of HPTE ptex of part (false: the model says it is not valid). */
bool lp_ref_hpte_view(const struct lp_ref *r, unsigned part, uint64_t ptex, uint64_t *dw0, uint64_t *dw1);
/* The model's logical value of TCE idx of window w of part (0 when not set). */
static inline uint64_t lp_ref_tce_view(const struct lp_ref *r, unsigned part, unsigned w, uint64_t idx)
{
	if (part >= LP_MAX_PARTS || w >= LP_MAX_WINDOWS || idx >= lp_cfg_win_entries(&r->cfg, part, w) ||
	    !r->part[part].win_on[w]) {
		return 0;
	}
	return r->part[part].tce[w][idx];
}

#endif /* LPARSEC_REF_H */
