/*
 * The invariant checker on processors: register files after dispatch, idle
 * threads and save areas (I5), and the emulated TLB (I9).
 */
#include "inv_internal.h"

/* Key-0 column of the PP table (§2.4): writable iff PP in {000, 001, 010}. */
static bool pp_writable(uint64_t dw1)
{
	return !(dw1 & HW1_PP0) && (dw1 & HW1_PP) != 3;
}

/* ================================================================== */
/* I5: register files                                                   */
/* ================================================================== */

static enum lp_inv reg_mismatch(struct lp_exec *x, uint32_t opi, const char *what, unsigned reg, uint64_t have,
				uint64_t want)
{
	char buf[120], name[24];
	struct text t = { buf, 0, sizeof(buf) };

	t_str(&t, "register ");
	t_str(&t, hv_reg_name(reg, name));
	t_str(&t, " ");
	t_str(&t, what);
	return lp_violate(x, LP_INV_I5, opi, buf, have, want);
}

/*
 * Whether a and b differ in any register: a branch-free reduction the
 * compiler vectorizes (a register file is ~280 doublewords, compared after
 * every dispatch); the slow loops below then name the first difference.
 */
static bool regs_differ(const struct hv_regs *a, const struct hv_regs *b)
{
	uint64_t acc = 0;
	unsigned i;

	for (i = 0; i < HV_REG_COUNT; i++) {
		acc |= a->r[i] ^ b->r[i];
	}
	return acc != 0;
}

static bool regs_any(const struct hv_regs *a)
{
	uint64_t acc = 0;
	unsigned i;

	for (i = 0; i < HV_REG_COUNT; i++) {
		acc |= a->r[i];
	}
	return acc != 0;
}

/* Thread t of m holds exactly what vCPU v of program partition part left with (or its boot state). */
enum lp_inv lp_inv_check_thread_regs(struct lp_exec *x, uint32_t opi, const struct hv_regs *regs, unsigned part,
				      unsigned v, const char *what)
{
	bool saved = x->saved_valid[part][v];
	unsigned i;

	if (saved && !regs_differ(regs, &x->saved[part][v])) {
		return LP_INV_NONE; /* identical; otherwise the loop decides (it ignores MSR[HV]) */
	}
	for (i = 0; i < HV_REG_COUNT; i++) {
		uint64_t have = regs->r[i], want = saved ? x->saved[part][v].r[i] : 0;

		if (i == HV_REG_MSR) {
			have &= ~MSR_HV;
			want = saved ? want & ~MSR_HV : (MSR_SF | MSR_ME);
		}
		if (have != want) {
			return reg_mismatch(x, opi, what, i, have, want);
		}
	}
	return LP_INV_NONE;
}

void lp_inv_before_dispatch(struct lp_exec *x, uint32_t opi)
{
	const struct lp_op *op = &x->prog->op[opi];
	const struct hv_machine *m;

	x->inv.dispatch_rich = false;
	if (op->part >= LP_MAX_PARTS || op->vcpu >= LP_MAX_VCPUS || !x->saved_valid[op->part][op->vcpu]) {
		return;
	}
	m = &x->m[x->loc[op->part].machine & 1];
	/* A switch that forgot a register is invisible when the thread already held the vCPU's value. */
	x->inv.dispatch_rich = op->a < m->cfg.threads && op->a < HV_MAX_THREADS &&
			       regs_differ(&m->thread[op->a].regs, &x->saved[op->part][op->vcpu]);
}

enum lp_inv lp_inv_after_dispatch(struct lp_exec *x, uint32_t opi, const struct lp_op *op)
{
	const struct lp_part_loc *loc = &x->loc[op->part];
	struct hv_machine *m = &x->m[loc->machine & 1];
	unsigned t;

	if (x->res[opi].rc != HV_OK || op->vcpu >= LP_MAX_VCPUS) {
		return LP_INV_NONE;
	}
	for (t = 0; t < m->cfg.threads && t < HV_MAX_THREADS; t++) {
		if (m->thread[t].part == (int8_t)loc->slot && m->thread[t].vcpu == (int8_t)op->vcpu) {
			return lp_inv_check_thread_regs(x, opi, &m->thread[t].regs, op->part, op->vcpu,
							"differs from the vCPU's saved state after dispatch");
		}
	}
	return lp_violate(x, LP_INV_I5, opi, "dispatch succeeded but the vCPU runs on no thread", op->part, op->vcpu);
}

/*
 * A vCPU just added starts from the boot state, whatever its save area held
 * before: the core writes only the boot state's non-zero registers into an
 * absent vCPU's area, trusting that removal scrubbed it.
 */
enum lp_inv lp_inv_after_cpu_add(struct lp_exec *x, uint32_t opi, const struct lp_op *op)
{
	const struct lp_part_loc *loc = &x->loc[op->part];
	struct hv_machine *m = &x->m[loc->machine & 1];
	struct hv_partition *p = loc->alive && mach_ok(m) ? part_at(m, loc->slot) : 0;
	struct hv_regs r;
	unsigned i;

	if (!p || x->res[opi].rc != HV_OK || op->vcpu >= LP_MAX_VCPUS || op->vcpu >= m->cfg.max_vcpus) {
		return LP_INV_NONE;
	}
	if (p->vcpu[op->vcpu].save.v + HV_SAVE_AREA_BYTES > m->mem_size) {
		return lp_violate(x, LP_INV_I5, opi, "save area outside memory", op->part, op->vcpu);
	}
	for (i = 0; i < HV_REG_COUNT; i++) {
		r.r[i] = hv_ld_be64(m->mem + p->vcpu[op->vcpu].save.v + 8ull * i);
	}
	return lp_inv_check_thread_regs(x, opi, &r, op->part, op->vcpu,
					"is not the boot state in a new vCPU's save area");
}

/* An idle thread keeps nothing of the vCPU that left it. */
enum lp_inv lp_inv_check_idle_threads(struct lp_exec *x, uint32_t opi, unsigned mach)
{
	struct hv_machine *m = &x->m[mach];
	unsigned t, i;

	if (!mach_ok(m)) {
		return LP_INV_NONE;
	}
	for (t = 0; t < m->cfg.threads && t < HV_MAX_THREADS; t++) {
		if (m->thread[t].part >= 0 || !regs_any(&m->thread[t].regs)) {
			continue;
		}
		for (i = 0; i < HV_REG_COUNT; i++) {
			if (m->thread[t].regs.r[i]) {
				return reg_mismatch(x, opi, "left on an idle thread", i, m->thread[t].regs.r[i], t);
			}
		}
	}
	return LP_INV_NONE;
}

/* Save areas of vCPUs not running: what they left with (full sweep, thorough). */
enum lp_inv lp_inv_check_save_areas(struct lp_exec *x, uint32_t opi)
{
	unsigned part, v, i;

	for (part = 0; part < LP_MAX_PARTS && part < x->prog->cfg.nparts; part++) {
		const struct lp_part_loc *loc = &x->loc[part];
		struct hv_machine *m = &x->m[loc->machine & 1];
		struct hv_partition *p = loc->alive && mach_ok(m) ? part_at(m, loc->slot) : 0;

		for (v = 0; p && v < LP_MAX_VCPUS && v < m->cfg.max_vcpus; v++) {
			uint8_t st = p->vcpu[v].state;
			struct hv_regs r;

			if (st != HV_VCPU_STOPPED && st != HV_VCPU_CEDED) {
				continue;
			}
			if (p->vcpu[v].save.v + HV_SAVE_AREA_BYTES > m->mem_size) {
				return lp_violate(x, LP_INV_I5, opi, "save area outside memory", part, v);
			}
			for (i = 0; i < HV_REG_COUNT; i++) {
				r.r[i] = hv_ld_be64(m->mem + p->vcpu[v].save.v + 8ull * i);
			}
			if (lp_inv_check_thread_regs(x, opi, &r, part, v,
						     "changed in the saved state of a vCPU not running") != LP_INV_NONE) {
				return (enum lp_inv)x->viol.inv;
			}
		}
	}
	return LP_INV_NONE;
}

/* ================================================================== */
/* hcalls: the register file a call leaves (I6, I12, I5)                 */
/* ================================================================== */

/*
 * The registers an hcall may change (papr-spec §1.2, §6): r3..r12,
 * SRR0/SRR1 (sc 1), MSR (H_CEDE), SPRG0, CIABR, DAWR0 and DAWRX0 (H_SET_MODE).
 */
static const uint16_t call_defined[] = {
	HV_REG_GPR + 3, HV_REG_GPR + 4, HV_REG_GPR + 5, HV_REG_GPR + 6,  HV_REG_GPR + 7, HV_REG_GPR + 8,
	HV_REG_GPR + 9, HV_REG_GPR + 10, HV_REG_GPR + 11, HV_REG_GPR + 12, HV_REG_SRR0, HV_REG_SRR1,
	HV_REG_MSR, HV_REG_SPRG, HV_REG_CIABR, HV_REG_DAWR, HV_REG_DAWRX,
};
#define NDEFINED (sizeof(call_defined) / sizeof(call_defined[0]))

/*
 * What the call must leave, made in place from where it started
 * (x->hc_pre, scratch from here on) with only its defined effects: no copy
 * of the ~280 registers per call. before[] keeps what the registers it
 * may change held.
 */
static const struct hv_regs *hcall_expected(struct lp_exec *x, uint32_t opi, const struct lp_ref_pred *pred,
					    uint64_t before[NDEFINED])
{
	const struct lp_op_result *r = &x->res[opi];
	struct hv_regs *want = &x->hc_pre;
	unsigned i;

	for (i = 0; i < NDEFINED; i++) {
		before[i] = want->r[call_defined[i]];
	}
	want->r[HV_REG_MSR] &= ~MSR_HV;
	/* What `sc 1` itself does: the resume address and the MSR go to SRR0 / SRR1. */
	want->r[HV_REG_SRR0] = want->r[HV_REG_NIA];
	want->r[HV_REG_SRR1] = want->r[HV_REG_MSR];
	/* r3 and the outputs: lp_inv_hcall judged them against the model; unpredicted ones are taken as they are. */
	want->r[HV_REG_GPR + 3] = (uint64_t)r->rc;
	for (i = 0; i < 9; i++) {
		want->r[HV_REG_GPR + 4 + i] = r->out[i];
	}
	want->r[HV_REG_MSR] |= pred->msr_set;
	if (pred->sprg0_set) {
		want->r[HV_REG_SPRG] = pred->sprg0;
	}
	for (i = 0; i < pred->nregs && i < LP_REF_PRED_REGS; i++) {
		if (pred->reg[i] < HV_REG_COUNT) {
			want->r[pred->reg[i]] = pred->reg_val[i];
		}
	}
	return want;
}

/* Does the changed mask (hcall.h) name register i? */
static bool changed_names(uint32_t changed, unsigned i)
{
	if (i >= HV_REG_GPR + 3 && i <= HV_REG_GPR + 12) {
		return changed & HV_CHANGED_R3_R12;
	}
	switch (i) {
	case HV_REG_SRR0:
	case HV_REG_SRR1:
		return changed & HV_CHANGED_SRR;
	case HV_REG_NIA:
	case HV_REG_MSR:
		return changed & HV_CHANGED_NIA_MSR;
	case HV_REG_SPRG:
		return changed & HV_CHANGED_SPRG0;
	case HV_REG_CIABR:
	case HV_REG_DAWR:
	case HV_REG_DAWRX:
		return changed & HV_CHANGED_DEBUG;
	}
	return changed == HV_CHANGED_ALL;
}

static bool call_defines(unsigned reg)
{
	unsigned i;

	for (i = 0; i < NDEFINED; i++) {
		if (call_defined[i] == reg) {
			return true;
		}
	}
	return false;
}

static enum lp_inv hcall_reg_wrong(struct lp_exec *x, uint32_t opi, unsigned reg, uint64_t have, uint64_t want)
{
	char buf[120], name[24];
	struct text t = { buf, 0, sizeof(buf) };

	t_str(&t, "hcall ");
	t_str(&t, call_defines(reg) ? "left register " : "changed register ");
	t_str(&t, hv_reg_name(reg, name));
	t_str(&t, call_defines(reg) ? " other than the call defines" : ", which it does not define");
	return lp_violate(x, LP_INV_I6, opi, buf, have, want);
}

enum lp_inv lp_inv_hcall_regs(struct lp_exec *x, uint32_t opi, const struct lp_ref_pred *pred,
			      const struct hv_regs *after, uint32_t changed)
{
	const struct lp_op *op = &x->prog->op[opi];
	uint64_t before[NDEFINED];
	const struct hv_regs *want = hcall_expected(x, opi, pred, before);
	unsigned i;

	if (changed == HV_CHANGED_ALL) {
		/* It gave up its thread: this is what its next dispatch must bring back. */
		x->saved[op->part][op->vcpu] = *want;
		x->saved_valid[op->part][op->vcpu] = true;
	}
	if (pred->known && pred->started && pred->started <= LP_MAX_VCPUS) {
		/* RTAS start-cpu: the vCPU it started comes back with the boot state, NIA and r3 as asked, nothing else. */
		struct hv_regs *s = &x->saved[op->part][pred->started - 1];

		__builtin_memset(s, 0, sizeof(*s));
		s->r[HV_REG_MSR] = MSR_SF | MSR_ME;
		s->r[HV_REG_NIA] = pred->start_nia;
		s->r[HV_REG_GPR + 3] = pred->start_r3;
		x->saved_valid[op->part][pred->started - 1] = true;
	}
	if (regs_differ(after, want)) {
		for (i = 0; i < HV_REG_COUNT; i++) {
			if (after->r[i] == want->r[i]) {
				continue;
			}
			if (changed == HV_CHANGED_ALL) {
				return reg_mismatch(x, opi, "in the save area differs from what the call left", i,
						    after->r[i], want->r[i]);
			}
			return hcall_reg_wrong(x, opi, i, after->r[i], want->r[i]);
		}
	}
	/* Drivers copy back only what the changed mask names: a change it does not name makes them disagree. */
	for (i = 0; changed != HV_CHANGED_ALL && i < NDEFINED; i++) {
		if (after->r[call_defined[i]] != before[i] && !changed_names(changed, call_defined[i])) {
			char buf[120], name[24];
			struct text t = { buf, 0, sizeof(buf) };

			t_str(&t, "hcall changed register ");
			t_str(&t, hv_reg_name(call_defined[i], name));
			t_str(&t, " without naming it in the changed mask");
			return lp_violate(x, LP_INV_I12, opi, buf, after->r[call_defined[i]], before[i]);
		}
	}
	return LP_INV_NONE;
}

/* ================================================================== */
/* vCPU states, interrupt presentation and mode against the model (I7, I8) */
/* ================================================================== */

static uint8_t core_state_of(uint8_t model_state)
{
	static const uint8_t map[] = { HV_VCPU_ABSENT, HV_VCPU_STOPPED, HV_VCPU_RUNNING, HV_VCPU_CEDED, HV_VCPU_HALTED };

	return model_state < sizeof(map) ? map[model_state] : 0xFF;
}

/* Does op drive interrupt presentation or a partition's interrupt mode (papr-spec §6.6, §6.10)? */
static bool drives_interrupts(const struct lp_op *op)
{
	if (!op || op->kind != LP_OP_HCALL) {
		return false;
	}
	switch (op->opcode) {
	case H_CPPR:
	case H_IPI:
	case H_XIRR:
	case H_EOI:
	case H_IPOLL:
	case H_SET_MODE:
		return true;
	}
	return false;
}

/* A difference in part's interrupt state: I8 when another partition's hcall made it, else I7. */
static enum lp_inv interrupt_state_wrong(struct lp_exec *x, uint32_t opi, const struct lp_op *op, unsigned part,
					 int v, const char *what, uint64_t have, uint64_t want)
{
	char buf[140];
	struct text t = { buf, 0, sizeof(buf) };
	bool foreign = op && op->kind == LP_OP_HCALL && op->part != part;

	t_str(&t, foreign ? "another partition's " : "");
	t_str(&t, v < 0 ? "partition p" : "vCPU p");
	t_dec(&t, part);
	if (v >= 0) {
		t_str(&t, ".v");
		t_dec(&t, (unsigned)v);
	}
	t_str(&t, ": ");
	t_str(&t, what);
	t_str(&t, " differs from the model");
	return lp_violate(x, foreign ? LP_INV_I8 : LP_INV_I7, opi, buf, have, want);
}

/*
 * Each vCPU's XICS presentation and each partition's interrupt mode
 * against the model. The values reported: CPPR << 56 | MFRR << 48 |
 * pending priority << 40 | XISR, and AIL << 8 | ILE.
 * After a call that drives them every vCPU is compared, the other
 * partitions first: a call that reached another partition's vCPU is I8
 * rather than its own partition's missing change (I7).
 */
static enum lp_inv check_interrupt_state(struct lp_exec *x, uint32_t opi, bool all)
{
	const struct lp_op *op = opi < x->prog->nops ? &x->prog->op[opi] : 0;
	bool every = all || drives_interrupts(op);
	unsigned pass, part, v;

	for (pass = 0; pass < 2; pass++) {
		for (part = 0; part < x->prog->cfg.nparts && part < LP_MAX_PARTS; part++) {
			const struct lp_part_loc *loc = &x->loc[part];
			const struct hv_partition *p = loc->alive ? &x->m[loc->machine & 1].part[loc->slot] : 0;
			const struct lp_ref_part *mp = &x->ref.part[part];
			bool actor = op && op->kind == LP_OP_HCALL && op->part == part;

			if (!p || actor != (pass == 1)) {
				continue;
			}
			if (p->ail != mp->ail || p->ile != mp->ile) {
				return interrupt_state_wrong(x, opi, op, part, -1, "interrupt mode (AIL, ILE)",
							     (uint64_t)p->ail << 8 | p->ile, (uint64_t)mp->ail << 8 | mp->ile);
			}
			for (v = 0; v < LP_MAX_VCPUS; v++) {
				const struct hv_icp *ci = &p->vcpu[v].icp;
				const struct lp_ref_vcpu *mv = &mp->vcpu[v];
				uint64_t have, want;

				if (mv->state == LP_V_ABSENT ||
				    (!every && !((x->ref.vtouched >> (part * LP_MAX_VCPUS + v)) & 1))) {
					continue; /* an absent vCPU has none; the state comparison sees absence */
				}
				have = (uint64_t)ci->cppr << 56 | (uint64_t)ci->mfrr << 48 | (uint64_t)ci->pending << 40 | ci->xisr;
				want = (uint64_t)mv->cppr << 56 | (uint64_t)mv->mfrr << 48 | (uint64_t)mv->xisr_prio << 40 |
				       mv->xisr;
				if (have != want) {
					return interrupt_state_wrong(
						x, opi, op, part, (int)v,
						"interrupt presentation (CPPR, MFRR, pending priority, XISR)",
						have, want);
				}
			}
		}
	}
	return LP_INV_NONE;
}

/* Was operation opi an hcall of a partition other than part? */
static bool actor_is_other(const struct lp_exec *x, uint32_t opi, unsigned part)
{
	const struct lp_op *op = opi < x->prog->nops ? &x->prog->op[opi] : 0;

	return op && op->kind == LP_OP_HCALL && op->part != part;
}

enum lp_inv lp_inv_check_vcpus(struct lp_exec *x, uint32_t opi, bool all)
{
	unsigned part, v, mach, t;

	if (!x->tracked) {
		return LP_INV_NONE;
	}
	if (check_interrupt_state(x, opi, all) != LP_INV_NONE) {
		return (enum lp_inv)x->viol.inv;
	}
	for (part = 0; part < x->prog->cfg.nparts && part < LP_MAX_PARTS; part++) {
		const struct lp_part_loc *loc = &x->loc[part];
		const struct hv_partition *p = loc->alive ? &x->m[loc->machine & 1].part[loc->slot] : 0;

		for (v = 0; p && v < LP_MAX_VCPUS; v++) {
			const struct hv_vcpu *cv = &p->vcpu[v];
			const struct lp_ref_vcpu *mv = &x->ref.part[part].vcpu[v];

			if (!all && !((x->ref.vtouched >> (part * LP_MAX_VCPUS + v)) & 1)) {
				continue; /* the model did not move it: the final sweep looks */
			}

			if (cv->state != core_state_of(mv->state) || (mv->state == LP_V_RUNNING && cv->thread != mv->thread)) {
				/* An hcall that changed another partition's vCPU broke isolation, not only the model. */
				return lp_violate(x, actor_is_other(x, opi, part) ? LP_INV_I8 : LP_INV_I7, opi,
						  "vCPU state differs from the model", (uint64_t)part << 8 | v,
						  (uint64_t)cv->state << 8 | mv->state);
			}
			if (cv->yield_count != mv->yield || cv->prodded != mv->prodded) {
				return lp_violate(x, LP_INV_I7, opi, "vCPU dispatch count or pending prod differs from the model",
						  cv->yield_count, mv->yield);
			}
		}
	}
	/* Every thread runs what the model says (machine 1 only once something migrated there). */
	for (mach = 0; mach < (x->memmap.used1 ? 2u : 1u); mach++) {
		const struct hv_machine *m = &x->m[mach];

		for (t = 0; t < m->cfg.threads && t < LP_MAX_THREADS; t++) {
			int part = x->ref.run_part[mach][t];
			const struct hv_thread *th = &m->thread[t];
			bool same = part < 0 ? th->part < 0
					     : (x->loc[part].machine & 1) == mach && th->part == (int8_t)x->loc[part].slot &&
						       th->vcpu == x->ref.run_vcpu[mach][t];

			if (!same) {
				return lp_violate(x, LP_INV_I7, opi, "thread runs another vCPU than the model says",
						  (uint64_t)mach << 8 | t, (uint64_t)(uint8_t)th->part << 8 | (uint8_t)th->vcpu);
			}
		}
	}
	return LP_INV_NONE;
}

/* ================================================================== */
/* I9: the emulated TLB                                                 */
/* ================================================================== */

enum lp_inv lp_inv_check_tlb(struct lp_exec *x, uint32_t opi)
{
	uint32_t live;

	for (live = x->tlb_valid; live; live &= live - 1) { /* in index order, as entries in use only */
		const struct lp_tlb_entry *t = &x->tlb[__builtin_ctz(live)];
		struct hv_machine *m = &x->m[t->machine & 1];
		struct hv_partition *p;
		uint64_t hw0, hw1;

		p = mach_ok(m) ? part_at(m, t->slot) : 0;
		if (!p || t->ptex >= hpt_entries(m, p)) {
			return lp_violate(x, LP_INV_I9, opi, "stale translation survived its partition", t->slot, t->ra_page);
		}
		hw0 = rd64(m, p->hpt.v + t->ptex * HPTE_BYTES);
		hw1 = rd64(m, p->hpt.v + t->ptex * HPTE_BYTES + 8);
		/* Still the same entry: valid, the same L (page size: the LP bits are compared with the RPN), AVPN, RPN. */
		if (!(hw0 & HW0_V) || !!(hw0 & HW0_L) != (t->shift > 12) || (hw1 & HW1_B) ||
		    (hw0 & HW0_AVPN) != ((t->va >> 16) & HW0_AVPN) ||
		    (hw1 & HW1_RPN) != (t->ra_page & HW1_RPN)) {
			return lp_violate(x, LP_INV_I9, opi, "stale translation survived: its HPTE was removed or retargeted",
					  t->ptex, t->ra_page);
		}
		if (t->writable && !pp_writable(hw1)) {
			return lp_violate(x, LP_INV_I9, opi, "stale writable translation survived a write protection", t->ptex,
					  hw1);
		}
	}
	return LP_INV_NONE;
}
