/*
 * The write-set oracle: where and what the hypervisor stores. The platform
 * reports every store the core makes (plat_mem_dirty); each is judged as it
 * happens against what the operation in flight may write:
 *  - hypervisor memory (its tables, save areas): always;
 *  - a partition's memory: only what the model predicts for this operation
 *    (an hcall's zeroed or copied page, the VPA dispatch count, the dispatch
 *    trace log, the shared-processor byte), what the partition itself or its
 *    device stores (STORE, DMA_WRITE), and the LMBs a DLPAR removal,
 *    relocation or migration moves or scrubs;
 *  - nothing else: a store into another partition's memory is I1, into free
 *    memory I4, into the partition's own memory outside the set I7 -- also
 *    for a call that fails (its set is empty).
 * After the operation, every predicted store is read back: the values the
 * model says it leaves (I7); and each one the hypervisor always makes must
 * have been reported to the platform (I10): a store behind the platform's
 * back leaves a page it believes clean, which no sweep reads, no reset
 * zeroes and a scrub that skips clean pages hands on. Ownership comes from
 * the harness's memory map, never from the core's tables.
 */
#include "exec_internal.h"

#include "inv_internal.h"

#define VPA_SHARED_PROC_BIT 0x02
#define DTL_REASON_REDISPATCH 1

_Static_assert(LP_REF_WRITES <= 16, "lp_exec.wannounced has a bit per predicted store");

/* Is [ra, ra + len) of machine mach inside one of the model's predicted stores? */
static bool predicted(const struct lp_exec *x, unsigned mach, uint64_t ra, uint64_t len)
{
	uint32_t i;

	for (i = 0; i < x->ref.nwrites && i < LP_REF_WRITES; i++) {
		const struct lp_ref_write *w = &x->ref.writes[i];
		uint64_t wra;

		if ((x->memmap.machine[w->part] & 1) == mach && lp_memmap_real(x, w->part, w->la, w->len, &wra) &&
		    ra >= wra && ra + len <= wra + w->len) {
			return true;
		}
	}
	return false;
}

/* Marks the model's predicted stores that [ra, ra + len) of machine mach overlaps as reported. */
static void note_announced(struct lp_exec *x, unsigned mach, uint64_t ra, uint64_t len)
{
	uint32_t i;

	for (i = 0; i < x->ref.nwrites && i < LP_REF_WRITES; i++) {
		const struct lp_ref_write *w = &x->ref.writes[i];
		uint64_t wra;

		if ((x->memmap.machine[w->part] & 1) == mach && lp_memmap_real(x, w->part, w->la, w->len, &wra) &&
		    ra < wra + w->len && wra < ra + len) {
			x->wannounced |= (uint16_t)(1u << i);
		}
	}
}

/* May the operation in flight store to [ra, ra + len) of machine mach, which lies in one LMB owned by who? */
static bool store_allowed(const struct lp_exec *x, unsigned mach, uint64_t ra, uint64_t len, int who)
{
	const struct lp_op *op = &x->prog->op[x->wcur];
	unsigned actor = op->part, home = x->memmap.machine[actor] & 1;
	bool own = who == (int)actor + 1 && mach == home;

	if (who == LP_OWNER_HYP) {
		return true; /* its own tables */
	}
	switch (op->kind) {
	case LP_OP_STORE:
		if (x->mmu_ok && mach == home && ra >= x->mmu.ra && ra + len <= x->mmu.ra + 8) {
			return true;
		}
		break;
	case LP_OP_DMA_WRITE:
		if (x->dma_ok && mach == home && ra >= x->dma_ra && ra + len <= x->dma_ra + 8) {
			return true;
		}
		break;
	case LP_OP_MEM_REMOVE:
		/* The LMB leaving is scrubbed (the harness's map still names it the partition's). */
		if (own && op->a < LP_LOGICAL_LMBS && x->memmap.real[actor][op->a] &&
		    (ra >> x->m[mach].lmb_shift) == x->memmap.real[actor][op->a] - 1u) {
			return true;
		}
		break;
	case LP_OP_RELOCATE:
	case LP_OP_MIGRATE:
		/* Its own LMBs (copied from, scrubbed) and free ones (copied to), on either machine for a migration. */
		if (own || who == LP_OWNER_FREE) {
			return true;
		}
		break;
	}
	/* What the model says (a dispatch first, for any operation); if it could not say, its own memory only. */
	return predicted(x, mach, ra, len) || (x->wunknown && own);
}

void lp_exec_on_mem_write(struct lp_exec *x, struct hv_plat *plat, uint64_t ra, uint64_t len)
{
	unsigned mach = plat == x->plat[1] ? 1 : 0;
	uint64_t end = ra + len, lmb_bytes, chunk;

	x->wseen++;
	if (!x->wjudge || x->wbad.len || ra + len <= x->memmap.hyp_end[mach]) {
		return; /* not inside an operation, already caught one, or its own tables (most stores) */
	}
	note_announced(x, mach, ra, len);
	lmb_bytes = x->m[mach].cfg.lmb_size;
	/* LMB by LMB: each piece has one owner. */
	for (; ra < end; ra += chunk) {
		int who = lp_memmap_owner(x, mach, ra);

		chunk = lmb_bytes - (ra & (lmb_bytes - 1));
		chunk = chunk < end - ra ? chunk : end - ra;
		if (!store_allowed(x, mach, ra, chunk, who)) {
			x->wbad.mach = (uint8_t)mach;
			x->wbad.who = (uint8_t)who;
			x->wbad.ra = ra;
			x->wbad.len = chunk;
			return;
		}
	}
}

void lp_writes_begin(struct lp_exec *x, uint32_t opi)
{
	x->wcur = opi;
	x->wbad.len = 0;
	x->wannounced = 0;
	x->wunknown = false;
	x->dma_ok = false;
	x->wjudge = x->prog->op[opi].kind != LP_OP_BACKDOOR; /* the test backdoor's own stores are the test */
}

/*
 * Did the operation's own access store into [ra, ra + len) after the
 * hypervisor's stores (a STORE or DMA_WRITE whose vCPU was dispatched
 * first)?
 */
static bool overwritten_after(const struct lp_exec *x, unsigned mach, uint64_t ra, uint64_t len)
{
	const struct lp_op *op = &x->prog->op[x->wcur];
	uint64_t at;

	if (mach != (x->memmap.machine[op->part] & 1)) {
		return false;
	}
	if (op->kind == LP_OP_STORE && x->mmu_ok && x->res[x->wcur].status == LP_RAN) {
		at = x->mmu.ra;
	} else if (op->kind == LP_OP_DMA_WRITE && x->dma_ok) {
		at = x->dma_ra;
	} else {
		return false;
	}
	return at < ra + len && ra < at + 8;
}

/* A predicted store, read back: false (and *have) when memory does not hold what the model says. */
static bool store_left(struct lp_exec *x, const struct lp_ref_write *w, uint64_t *have)
{
	const struct hv_machine *m = &x->m[x->memmap.machine[w->part] & 1];
	uint64_t ra, src, i;
	const uint8_t *p;

	if (!lp_memmap_real(x, w->part, w->la, w->len, &ra) || ra + w->len > m->mem_size) {
		return true; /* no longer the partition's (a later part of the same operation took it): nothing to read */
	}
	if (overwritten_after(x, x->memmap.machine[w->part] & 1, ra, w->len)) {
		return true; /* the partition's (or its device's) own store came after the hypervisor's */
	}
	p = m->mem + ra;
	switch (w->kind) {
	case LP_W_YIELD:
		*have = (uint64_t)p[0] << 24 | (uint64_t)p[1] << 16 | (uint64_t)p[2] << 8 | p[3];
		return *have == w->value;
	case LP_W_DTL_INDEX:
		*have = hv_ld_be64(p);
		return *have == w->value;
	case LP_W_BE32:
		*have = (uint64_t)p[0] << 24 | (uint64_t)p[1] << 16 | (uint64_t)p[2] << 8 | p[3];
		return *have == w->value;
	case LP_W_SHARED_PROC:
		*have = p[0];
		return (p[0] & VPA_SHARED_PROC_BIT) != 0;
	case LP_W_DTL_ENTRY:
		*have = hv_ld_be64(p);
		if (p[0] != DTL_REASON_REDISPATCH || p[1] | p[2] | p[3] ||
		    ((uint64_t)p[4] << 24 | (uint64_t)p[5] << 16 | (uint64_t)p[6] << 8 | p[7]) != w->value) {
			return false;
		}
		for (i = 8; i < w->len; i++) {
			if (p[i]) {
				return false;
			}
		}
		return true;
	case LP_W_ZERO_PAGE:
		for (i = 0; i < w->len; i += 8) {
			if (ld64n(p + i)) {
				*have = i;
				return false;
			}
		}
		return true;
	case LP_W_COPY_PAGE:
		if (!lp_memmap_real(x, w->part, w->value, w->len, &src)) {
			return true;
		}
		for (i = 0; i < w->len; i += 8) {
			if (ld64n(p + i) != ld64n(m->mem + src + i)) {
				*have = i;
				return false;
			}
		}
		return true;
	}
	return true; /* LP_W_MAPPED_PAGE: the platform's mark, no store */
}

/*
 * A predicted store the hypervisor makes whatever memory held, still in the
 * partition's memory and not overwritten by the operation's own access. (A
 * zeroed or copied page may legitimately be skipped when the platform says
 * it was never written: no store to report.)
 */
static bool always_stores(const struct lp_exec *x, const struct lp_ref_write *w)
{
	uint64_t ra;

	if (w->kind != LP_W_YIELD && w->kind != LP_W_DTL_ENTRY && w->kind != LP_W_DTL_INDEX &&
	    w->kind != LP_W_SHARED_PROC && w->kind != LP_W_BE32) {
		return false;
	}
	return lp_memmap_real(x, w->part, w->la, w->len, &ra) &&
	       !overwritten_after(x, x->memmap.machine[w->part] & 1, ra, w->len);
}

enum lp_inv lp_writes_end(struct lp_exec *x, uint32_t opi)
{
	static const char *const what[] = {
		[LP_W_YIELD] = "VPA dispatch count the hypervisor stored differs from the model",
		[LP_W_DTL_ENTRY] = "dispatch trace log entry differs from the model",
		[LP_W_DTL_INDEX] = "VPA trace log index differs from the model",
		[LP_W_SHARED_PROC] = "shared-processor VPA does not say so (byte 9)",
		[LP_W_ZERO_PAGE] = "page the call zeroes does not read zero",
		[LP_W_COPY_PAGE] = "page the call copies differs from its source",
		[LP_W_BE32] = "RTAS status or return word differs from the model",
	};
	uint32_t i;

	x->wjudge = false;
	if (x->viol.inv != LP_INV_NONE) {
		return LP_INV_NONE; /* the operation already failed a check: that one is the finding */
	}
	if (x->wbad.len) {
		const struct lp_op *op = &x->prog->op[opi];
		int who = x->wbad.who;
		uint64_t a = (uint64_t)x->wbad.mach << 63 | x->wbad.ra;

		if (who == LP_OWNER_FREE) {
			return lp_violate(x, LP_INV_I4, opi, "the hypervisor stored into free memory", a, x->wbad.len);
		}
		if (who != (int)op->part + 1) {
			return lp_violate(x, LP_INV_I1, opi, "the hypervisor stored into another partition's memory", a,
					  (uint64_t)(who - 1));
		}
		return lp_violate(x, LP_INV_I7, opi, "the hypervisor stored into the partition's memory outside what the operation writes",
				  a, x->wbad.len);
	}
	if (x->res[opi].status != LP_RAN) {
		return LP_INV_NONE;
	}
	for (i = 0; i < x->ref.nwrites && i < LP_REF_WRITES; i++) {
		const struct lp_ref_write *w = &x->ref.writes[i];
		uint64_t have = 0;

		if (!store_left(x, w, &have)) {
			return lp_violate(x, LP_INV_I7, opi, what[w->kind], w->la, have);
		}
	}
	for (i = 0; i < x->ref.nwrites && i < LP_REF_WRITES; i++) {
		if (!(x->wannounced & (1u << i)) && always_stores(x, &x->ref.writes[i])) {
			return lp_violate(x, LP_INV_I10, opi,
					  "the hypervisor stored into partition memory without telling the platform "
					  "(plat_mem_dirty)", x->ref.writes[i].la, x->ref.writes[i].kind);
		}
	}
	return LP_INV_NONE;
}
