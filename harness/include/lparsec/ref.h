/*
 * The reference model: a separate, deliberately simple model of what each
 * partition may observe, written from papr-spec.md without sharing code
 * with hv/core. It predicts the return code and outputs of the HPT, TCE,
 * VPA and console calls (and the trivial ones); any difference from the
 * core is a violation (I6/I7/I8). Portable (no libc).
 *
 * It models the guest view only: which logical LMBs a partition owns, the
 * guest-view words of every HPTE it entered (logical page numbers), the
 * logical value of every TCE of its windows, the VPA/DTL/SLB registrations
 * and which vCPUs exist. Machine layout it cannot know (whether a page
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
#define LP_NHPTE       16384ull /* HPT of 256 KiB */

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

struct lp_ref_vcpu {
	bool present;
	struct lp_ref_area vpa, dtl, slb;
};

struct lp_ref_part {
	bool alive;
	uint64_t owned;      /* bit i: logical LMB i owned */
	bool win_on[LP_MAX_WINDOWS];
	uint64_t tce[LP_MAX_WINDOWS][LP_WINDOW_ENTRIES]; /* logical values as stored */
	struct lp_ref_vcpu vcpu[LP_MAX_VCPUS];
};

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
};

/* What the model expects of one hcall. */
struct lp_ref_pred {
	bool known;          /* false: the model makes no prediction for this call */
	int64_t rc;
	uint64_t out[9];
	uint16_t out_known;  /* bit i set: out[i] must equal */
};

/* Initial state for a program's configuration (partitions, LMBs 0..n-1, vCPUs, windows). */
void lp_ref_init(struct lp_ref *r, const struct lp_config *cfg);

/* Predicts hcall `opcode` by part.vcpu with argument registers arg and applies its effect. */
void lp_ref_hcall(struct lp_ref *r, const struct lp_ref_env *env, unsigned part, unsigned vcpu, uint64_t opcode,
		  const uint64_t arg[9], struct lp_ref_pred *pred);

/* Applies a management operation the core performed with result core_rc (HV_OK = it happened). */
void lp_ref_mgmt(struct lp_ref *r, const struct lp_op *op, int core_rc);

/* The MMU set R (and C for a write) on HPTE ptex of part during a LOAD/STORE. */
void lp_ref_note_access(struct lp_ref *r, unsigned part, uint64_t ptex, bool write);

/* The model's guest view of HPTE ptex of part (false: the model says it is not valid). */
bool lp_ref_hpte_view(const struct lp_ref *r, unsigned part, uint64_t ptex, uint64_t *dw0, uint64_t *dw1);
/* The model's logical value of TCE idx of window w of part (0 when not set). */
static inline uint64_t lp_ref_tce_view(const struct lp_ref *r, unsigned part, unsigned w, uint64_t idx)
{
	if (part >= LP_MAX_PARTS || w >= LP_MAX_WINDOWS || idx >= LP_WINDOW_ENTRIES || !r->part[part].win_on[w]) {
		return 0;
	}
	return r->part[part].tce[w][idx];
}

#endif /* LPARSEC_REF_H */
