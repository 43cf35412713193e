/*
 * The reference model's management operations (DESIGN.md §1): DLPAR of
 * memory and processors, DMA windows, relocation, migration, dispatch and
 * preemption. Each is predicted from the model's own accounting -- which
 * logical LMBs, windows and vCPUs every partition has, on which machine,
 * how much each machine offers -- never from the core's return code; the
 * executor compares the prediction with what the core returned.
 */
#include "ref_internal.h"

#include "hv/machine.h" /* the HV_* codes of the management interface */

unsigned lp_ref_owned_count(const struct lp_ref *r, unsigned part)
{
	uint64_t v = r->part[part].owned;
	unsigned n = 0;

	for (; v; v &= v - 1) { /* not __builtin_popcountll: it may need a helper the firmware lacks */
		n++;
	}
	return n;
}

/* Program partitions alive on machine m, and what they use there. */
static unsigned parts_on(const struct lp_ref *r, unsigned m)
{
	unsigned q, n = 0;

	for (q = 0; q < LP_MAX_PARTS; q++) {
		n += r->part[q].alive && r->part[q].machine == m;
	}
	return n;
}

static uint32_t free_lmbs(const struct lp_ref *r, unsigned m)
{
	uint32_t used = 0;
	unsigned q;

	for (q = 0; q < LP_MAX_PARTS; q++) {
		if (r->part[q].alive && r->part[q].machine == m) {
			used += lp_ref_owned_count(r, q);
		}
	}
	return used < r->mach[m].pool_lmbs ? r->mach[m].pool_lmbs - used : 0;
}

static unsigned windows_of(const struct lp_ref *r, unsigned part)
{
	unsigned w, n = 0;

	for (w = 0; w < LP_MAX_WINDOWS; w++) {
		n += r->part[part].win_on[w];
	}
	return n;
}

static unsigned free_windows(const struct lp_ref *r, unsigned m)
{
	unsigned q, used = 0;

	for (q = 0; q < LP_MAX_PARTS; q++) {
		if (r->part[q].alive && r->part[q].machine == m) {
			used += windows_of(r, q);
		}
	}
	return used < r->mach[m].max_windows ? r->mach[m].max_windows - used : 0;
}

static bool lmb_owned(const struct lp_ref *r, unsigned part, unsigned lmb)
{
	return lmb < LP_LOGICAL_LMBS && ((r->part[part].owned >> lmb) & 1);
}

/* MEM_REMOVE of logical LMB lmb: every reference part holds into it goes (DESIGN.md §1). */
static void mem_remove(struct lp_ref *r, unsigned part, uint64_t lmb)
{
	struct lp_ref_part *pp = &r->part[part];
	unsigned w, v, e;

	pp->owned &= ~(1ull << lmb);
	lp_ref_hpt_drop_lmb(r, part, lmb);
	for (w = 0; w < LP_MAX_WINDOWS; w++) {
		uint64_t c;

		if (!pp->win_on[w]) {
			continue;
		}
		for (c = lp_ref_tce_next_chunk(pp, w, 0); c < LP_WINDOW_ENTRIES_MAX / LP_TCE_CHUNK;
		     c = lp_ref_tce_next_chunk(pp, w, c + 1)) {
			for (e = 0; e < LP_TCE_CHUNK; e++) {
				uint64_t t = pp->tce[w][c * LP_TCE_CHUNK + e];

				if ((t & TCE_RW) && (t >> lmb_shift(r)) == lmb) {
					pp->tce[w][c * LP_TCE_CHUNK + e] = 0;
				}
			}
		}
	}
	for (v = 0; v < LP_MAX_VCPUS; v++) {
		struct lp_ref_vcpu *vc = &pp->vcpu[v];
		struct lp_ref_area *areas[3] = { &vc->vpa, &vc->dtl, &vc->slb };

		for (e = 0; e < 3; e++) {
			if (areas[e]->on && (areas[e]->la >> lmb_shift(r)) == lmb) {
				lp_ref_area_off(areas[e]); /* areas never cross a 4 KiB page: one LMB each */
			}
		}
		if (!vc->vpa.on) {
			lp_ref_area_off(&vc->dtl); /* DTL and SLB shadow only live alongside a VPA */
			lp_ref_area_off(&vc->slb);
		}
	}
}

static void window_set(struct lp_ref *r, unsigned part, unsigned w, bool on)
{
	struct lp_ref_part *pp = &r->part[part];

	pp->win_on[w] = on;
	lp_ref_tce_clear(pp, w);
}

static int mem_add(struct lp_ref *r, unsigned part, unsigned lmb)
{
	if (lmb >= LP_LOGICAL_LMBS) {
		return HV_EINVAL;
	}
	if (lmb_owned(r, part, lmb)) {
		return HV_EEXIST;
	}
	if (!free_lmbs(r, r->part[part].machine)) {
		return HV_ENOMEM;
	}
	r->part[part].owned |= 1ull << lmb;
	return HV_OK;
}

static int cpu_add(struct lp_ref *r, unsigned part, unsigned v)
{
	struct lp_ref_vcpu *vc = &r->part[part].vcpu[v];

	if (v >= LP_MAX_VCPUS) {
		return HV_ENOENT;
	}
	if (vc->state != LP_V_ABSENT) {
		return HV_EEXIST;
	}
	lp_ref_vcpu_reset(vc, true, r->part[part].shared);
	lp_ref_touch(r, part, v);
	return HV_OK;
}

static int cpu_remove(struct lp_ref *r, unsigned part, unsigned v)
{
	struct lp_ref_vcpu *vc = &r->part[part].vcpu[v];

	if (v >= LP_MAX_VCPUS || vc->state == LP_V_ABSENT) {
		return HV_ENOENT;
	}
	if (vc->state == LP_V_RUNNING) {
		return HV_EBUSY; /* a processor leaves only while it does not run */
	}
	lp_ref_vcpu_reset(vc, false, false);
	lp_ref_touch(r, part, v);
	return HV_OK;
}

static int relocate(struct lp_ref *r, unsigned part, unsigned lmb)
{
	if (!lmb_owned(r, part, lmb)) {
		return HV_ENOENT;
	}
	if (!free_lmbs(r, r->part[part].machine)) {
		return HV_ENOMEM;
	}
	/* A page larger than an LMB needs its LMBs contiguous: moving one of them would break it. */
	return lp_ref_hpt_spans(r, part, (int)lmb) ? HV_EBUSY : HV_OK;
}

static int migrate(struct lp_ref *r, unsigned part)
{
	struct lp_ref_part *pp = &r->part[part];
	unsigned from = pp->machine & 1, to = 1u - from, v, t;

	if (lp_ref_hpt_spans(r, part, -1)) {
		return HV_EBUSY; /* as for relocation */
	}
	if (parts_on(r, to) >= r->mach[to].max_partitions || free_lmbs(r, to) < lp_ref_owned_count(r, part) ||
	    free_windows(r, to) < windows_of(r, part)) {
		return HV_ENOMEM;
	}
	/*
	 * Suspended for the move: its running vCPUs are preempted (thread by
	 * thread, the order their VPA stores land in when two share an area);
	 * ceded ones stay ceded.
	 */
	for (t = 0; t < r->mach[from].threads && t < LP_MAX_THREADS; t++) {
		if (r->run_part[from][t] == (int)part) {
			lp_ref_leave_thread(r, part, (unsigned)r->run_vcpu[from][t], LP_V_STOPPED);
		}
	}
	pp->machine = (uint8_t)to;
	pp->dedicated = -1; /* nobody gave it a thread over there */
	for (v = 0; v < LP_MAX_VCPUS; v++) {
		lp_ref_touch(r, part, v);
	}
	return HV_OK;
}

static int window_op(struct lp_ref *r, unsigned part, unsigned w, bool assign)
{
	struct lp_ref_part *pp = &r->part[part];

	if (assign && pp->win_on[w]) {
		return HV_EEXIST;
	}
	if (!assign && !pp->win_on[w]) {
		return HV_ENOENT;
	}
	if (assign && !free_windows(r, pp->machine)) {
		return HV_ENOMEM;
	}
	window_set(r, part, w, assign);
	return HV_OK;
}

int lp_ref_mgmt(struct lp_ref *r, const struct lp_op *op)
{
	if (op->part >= LP_MAX_PARTS || !r->part[op->part].alive) {
		return HV_ENOENT;
	}
	switch (op->kind) {
	case LP_OP_MEM_ADD:
		return mem_add(r, op->part, op->a);
	case LP_OP_MEM_REMOVE:
		if (!lmb_owned(r, op->part, op->a)) {
			return HV_ENOENT;
		}
		mem_remove(r, op->part, op->a);
		return HV_OK;
	case LP_OP_CPU_ADD:
		return cpu_add(r, op->part, op->vcpu);
	case LP_OP_CPU_REMOVE:
		return cpu_remove(r, op->part, op->vcpu);
	case LP_OP_WIN_ASSIGN:
	case LP_OP_WIN_UNASSIGN:
		/* Window a (0..1) of the program form: the executor names it a % LP_MAX_WINDOWS. */
		return window_op(r, op->part, op->a % LP_MAX_WINDOWS, op->kind == LP_OP_WIN_ASSIGN);
	case LP_OP_RELOCATE:
		return relocate(r, op->part, op->a);
	case LP_OP_MIGRATE:
		return migrate(r, op->part);
	case LP_OP_DISPATCH:
		return lp_ref_dispatch(r, op->part, op->vcpu, op->a);
	case LP_OP_PREEMPT:
		return lp_ref_preempt(r, r->part[op->part].machine, op->a);
	}
	return HV_ENOENT;
}
