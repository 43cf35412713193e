/*
 * The invariant checker on a machine an operating system runs on
 * (lparsec/inv_os.h): the checks of a program run that need no program --
 * I5 at every dispatch, I1-I4 on what changed since the last dispatch,
 * the full sweep at the end. Portable like the rest of the checker.
 */
#include "lparsec/inv_os.h"

#include "inv_internal.h"

#include "hv/hcall.h"

void lp_inv_os_begin(struct lp_inv_os *w, struct lp_exec *x, struct lp_prog *scratch, uint64_t *recent,
		     uint64_t pages)
{
	unsigned slot, v;

	w->x = x;
	w->recent = recent;
	w->pages = recent ? pages : 0;
	w->dispatches = w->hptes = w->hpt_pages = w->free_pages = 0;
	__builtin_memset(scratch, 0, sizeof(*scratch));
	x->prog = scratch;
	x->tracked = false;       /* the machine was built by the driver: no memory map or vCPU model to compare */
	x->ref.overflow = true;   /* and no predictions */
	x->backdoor_enabled = false;
	x->inv.thorough = false;
	x->touched = 0;
	x->touched_map[0] = x->touched_map[1] = 0;
	x->tlb_valid = x->iotlb_valid = 0;
	x->viol.inv = LP_INV_NONE;
	x->viol.msg[0] = 0;
	x->inv.snap.valid = false;
	for (slot = 0; slot < LP_MAX_PARTS; slot++) {
		x->loc[slot].alive = true;
		x->loc[slot].machine = 0;
		x->loc[slot].slot = (uint8_t)slot;
		for (v = 0; v < LP_MAX_VCPUS; v++) {
			x->saved_valid[slot][v] = false;
		}
	}
}

void lp_inv_os_trapped(struct lp_inv_os *w, unsigned slot, unsigned v, const struct hv_regs *regs, uint64_t nia,
		       uint64_t msr, enum lp_inv_os_exit how, uint64_t opcode)
{
	struct hv_regs *want;

	if (slot >= LP_MAX_PARTS || v >= LP_MAX_VCPUS) {
		return;
	}
	want = &w->x->saved[slot][v];
	*want = *regs;
	want->r[HV_REG_NIA] = nia;
	want->r[HV_REG_MSR] = msr & ~MSR_HV;
	if (how == LP_INV_OS_HCALL) {
		unsigned i;

		/*
		 * A call that gives up the thread (H_CEDE, H_CONFER, H_JOIN) comes
		 * back with success and no outputs: r4-r12 read zero, as after every
		 * hcall that defines none; MSR[EE] is on after H_CEDE.
		 */
		want->r[HV_REG_GPR + 3] = (uint64_t)H_SUCCESS;
		for (i = 4; i <= 12; i++) {
			want->r[HV_REG_GPR + i] = 0;
		}
		if (opcode == H_CEDE) {
			want->r[HV_REG_MSR] |= MSR_EE;
		}
	}
	w->x->saved_valid[slot][v] = true;
}

/* I1-I3 for the hardware HPTEs of p in the pages of its HPT written since the last check. */
static enum lp_inv changed_hptes(struct lp_inv_os *w, struct chk *c, struct hv_partition *p, unsigned slot)
{
	uint64_t n = hpt_entries(c->m, p), first, end, pg;

	if (!n) {
		return LP_INV_NONE;
	}
	first = p->hpt.v >> 12;
	end = (p->hpt.v + n * HPTE_BYTES + PAGE_4K - 1) >> 12;
	for (pg = lp_map_next(w->recent, w->pages, first, end); pg < end; pg = lp_map_next(w->recent, w->pages, pg + 1, end)) {
		uint64_t lo = (pg << 12) > p->hpt.v ? ((pg << 12) - p->hpt.v) / HPTE_BYTES : 0;
		uint64_t hi = (((pg + 1) << 12) - p->hpt.v) / HPTE_BYTES, ptex;

		w->hpt_pages++;
		for (ptex = lo; ptex < hi && ptex < n; ptex++) {
			w->hptes++;
			if (lp_inv_check_hw_hpte(c, p, slot, ptex) != LP_INV_NONE) {
				return (enum lp_inv)w->x->viol.inv;
			}
		}
	}
	return LP_INV_NONE;
}

/* I4: pages of free LMBs written since the last check read zero. */
static enum lp_inv changed_free_memory(struct lp_inv_os *w, struct chk *c)
{
	uint64_t end = (uint64_t)c->nlmb << (c->shift - 12), pg;

	for (pg = lp_map_next(w->recent, w->pages, 0, end); pg < end; pg = lp_map_next(w->recent, w->pages, pg + 1, end)) {
		uint32_t l = (uint32_t)(pg >> (c->shift - 12));

		if (c->m->lmb[l].state != HV_LMB_FREE) {
			pg = ((uint64_t)(l + 1) << (c->shift - 12)) - 1; /* the rest of an LMB in use */
			continue;
		}
		w->free_pages++;
		if (!mem_zero(c->m->mem + (pg << 12), PAGE_4K)) {
			return chk_fail(c, LP_INV_I4, "free LMB does not read zero", l, pg << 12);
		}
	}
	return LP_INV_NONE;
}

/* The next check looks at what is written after this one. */
static void forget_changes(struct lp_inv_os *w)
{
	uint64_t i;

	for (i = 0; i < (w->pages + 63) / 64; i++) {
		w->recent[i] = 0;
	}
}

enum lp_inv lp_inv_os_dispatched(struct lp_inv_os *w, uint32_t t)
{
	struct lp_exec *x = w->x;
	struct hv_machine *m = &x->m[0];
	const struct hv_thread *th;
	uint32_t opi = (uint32_t)w->dispatches++;
	struct chk c;
	unsigned slot;

	if (!mach_ok(m) || t >= m->cfg.threads || t >= HV_MAX_THREADS) {
		return LP_INV_NONE;
	}
	th = &m->thread[t];
	if (th->part < 0 || (unsigned)th->part >= LP_MAX_PARTS || th->vcpu < 0 || th->vcpu >= LP_MAX_VCPUS) {
		return lp_violate(x, LP_INV_I5, opi, "dispatch left the thread without a vCPU", t, (uint64_t)th->part);
	}
	if (x->saved_valid[th->part][th->vcpu] &&
	    lp_inv_check_thread_regs(x, opi, &th->regs, (unsigned)th->part, (unsigned)th->vcpu,
				     "differs from what the vCPU left its thread with") != LP_INV_NONE) {
		return (enum lp_inv)x->viol.inv;
	}
	chk_init(&c, x, opi, m);
	for (slot = 0; slot < m->cfg.max_partitions && slot < HV_MAX_PARTITIONS; slot++) {
		struct hv_partition *p = part_at(m, slot);

		if (p && (lp_inv_check_lmap(&c, p, slot) != LP_INV_NONE || lp_inv_check_areas(&c, p) != LP_INV_NONE ||
			  (w->pages && changed_hptes(w, &c, p, slot) != LP_INV_NONE))) {
			return (enum lp_inv)x->viol.inv;
		}
	}
	if (lp_inv_check_windows(&c, -1) != LP_INV_NONE || (w->pages && changed_free_memory(w, &c) != LP_INV_NONE)) {
		return (enum lp_inv)x->viol.inv;
	}
	forget_changes(w);
	return LP_INV_NONE;
}

enum lp_inv lp_inv_os_final(struct lp_inv_os *w)
{
	/* Every page read: the dirty map is the platform's word, and the end is where it is not taken. */
	w->x->touched = 0;
	w->x->touched_map[0] = w->x->touched_map[1] = 0;
	return lp_inv_full(w->x, (uint32_t)w->dispatches);
}
