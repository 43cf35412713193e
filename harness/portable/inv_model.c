/*
 * The invariant checker against the reference model: an hcall's return
 * code and outputs (I6/I7/I8), the state it touched (I1-I3), and the final
 * comparison of every live partition's guest view.
 */
#include "inv_internal.h"

/* ================================================================== */
/* hcalls: model comparison (I6/I7/I8), touched state (I1-I3)           */
/* ================================================================== */

/* The codes the call's description allows (lparsec/hcalls.def); H_FUNCTION for a call it does not describe. */
static bool rc_allowed(uint64_t opcode, int64_t rc)
{
	const struct lp_hcall_desc *d = lp_hcall_find(opcode);
	unsigned i;

	if (rc == H_PRIVILEGE) {
		return true; /* any call from problem state */
	}
	if (!d) {
		return rc == H_FUNCTION;
	}
	for (i = 0; d->rcs[i] != LP_RC_END; i++) {
		if (d->rcs[i] == rc) {
			return true;
		}
	}
	return false;
}

/* PTEXs an HPT call may have touched (at most 8), all < nhpte. */
static unsigned touched_ptexs(uint64_t opcode, const uint64_t *arg, uint64_t nhpte, uint64_t out[8])
{
	uint64_t ptex = arg[1];
	unsigned n = 0, i;

	switch (opcode) {
	case H_ENTER:
		for (i = 0; ptex < nhpte && i < HPTES_PER_GROUP; i++) {
			out[n++] = (ptex & ~7ull) + i;
		}
		break;
	case H_READ:
		if (ptex < nhpte && (arg[0] & H_READ_4)) {
			for (i = 0; i < 4; i++) {
				out[n++] = (ptex & ~3ull) + i;
			}
			break;
		}
		/* fall through */
	case H_REMOVE:
	case H_PROTECT:
	case H_CLEAR_REF:
	case H_CLEAR_MOD:
		if (ptex < nhpte) {
			out[n++] = ptex;
		}
		break;
	case H_BULK_REMOVE:
		for (i = 0; i < HBR_MAX_PAIRS; i++) {
			uint64_t tsh = arg[2 * i];

			if ((tsh & HBR_TYPE_MASK) == HBR_REQUEST && (tsh & HBR_PTEX_MASK) < nhpte) {
				out[n++] = tsh & HBR_PTEX_MASK;
			}
		}
		break;
	}
	return n;
}

static bool is_tce_call(uint64_t opcode)
{
	return opcode == H_PUT_TCE || opcode == H_GET_TCE || opcode == H_STUFF_TCE || opcode == H_PUT_TCE_INDIRECT;
}

/* The TCE run a TCE call names in window w: [*first, *first + *count). False when outside it. */
static bool tce_run(const struct hv_machine *m, const struct hv_window *w, uint64_t opcode, const uint64_t *arg,
		    uint32_t *first, uint32_t *count)
{
	uint32_t n = window_entries(m, w);
	uint64_t ioba = arg[1], idx, want;

	if (ioba < w->bus_offset) {
		return false;
	}
	idx = (ioba - w->bus_offset) >> 12;
	if (idx >= n) {
		return false;
	}
	want = (opcode == H_STUFF_TCE || opcode == H_PUT_TCE_INDIRECT) ? arg[3] : 1;
	if (want > n - idx) {
		want = n - idx;
	}
	*first = (uint32_t)idx;
	*count = (uint32_t)want;
	return true;
}

/* Active window named liobn on m (any owner), or 0. */
static const struct hv_window *window_named(const struct hv_machine *m, uint64_t liobn)
{
	uint32_t i;

	for (i = 0; liobn <= 0xFFFFFFFFull && i < m->cfg.max_windows && i < HV_MAX_WINDOWS; i++) {
		if (m->win[i].active && m->win[i].liobn == (uint32_t)liobn) {
			return &m->win[i];
		}
	}
	return 0;
}

/* Program partition and window index a LIOBN names (lp_liobn), or false. */
static bool liobn_decode(const struct lp_exec *x, uint64_t liobn, unsigned *part, unsigned *w)
{
	unsigned p = (unsigned)(liobn >> 8) & 0xFF, k = (unsigned)liobn & 0xFF;

	if (k >= LP_MAX_WINDOWS || p >= LP_MAX_PARTS || p >= x->prog->cfg.nparts || liobn != lp_liobn(p, k)) {
		return false;
	}
	*part = p;
	*w = k;
	return true;
}

/* Did the call name another partition's resource (a leaked real address, a foreign LIOBN)? */
static bool names_foreign(const struct lp_exec *x, const struct lp_op *op)
{
	unsigned n = x->prog->cfg.nparts ? x->prog->cfg.nparts : 1, i;

	for (i = 0; i < op->nargs && i < 9; i++) {
		if (op->arg[i].sel == LP_SEL_OTHER) {
			return true;
		}
		if (op->arg[i].sel == LP_SEL_LIOBN && ((op->arg[i].val >> 1) % n) != 0) {
			return true;
		}
	}
	return false;
}

/* Is the page of v a real page of an LMB slot owns (what a leaked real address looks like)? */
static bool owned_real_page(const struct hv_machine *m, unsigned slot, uint64_t v)
{
	uint64_t ra = v & HW1_RPN;
	const struct hv_lmb *l;

	if (ra >= m->mem_size) {
		return false;
	}
	l = &m->lmb[ra >> lmb_shift(m)];
	return l->state == HV_LMB_ASSIGNED && l->owner == slot;
}

static enum lp_inv out_mismatch(struct lp_exec *x, uint32_t opi, unsigned i, uint64_t have, uint64_t want,
				bool real)
{
	char buf[80];
	struct text t = { buf, 0, sizeof(buf) };

	t_str(&t, real ? "real address in output r" : "output r");
	t_dec(&t, 4 + i);
	if (!real) {
		t_str(&t, " differs from the model");
	}
	return lp_violate(x, LP_INV_I6, opi, buf, have, want);
}

/* Guest view of HPTE ptex (slot of m) against the model's (part): I6 if it leaks a real page, else I7. */
static enum lp_inv hpte_vs_model(struct lp_exec *x, uint32_t opi, struct hv_machine *m, unsigned slot,
				 const struct hv_partition *p, unsigned part, uint64_t ptex)
{
	const struct hv_hpte_meta *e = &p->meta[ptex];
	uint64_t dw0 = 0, dw1 = 0;

	if (!lp_ref_hpte_view(&x->ref, part, ptex, &dw0, &dw1)) {
		dw0 = dw1 = 0;
	}
	if (e->gdw0 == dw0 && ((e->gdw1 ^ dw1) & ~DW1_RC) == 0) {
		return LP_INV_NONE;
	}
	if ((dw0 & HPTE_V_VALID) && e->gdw0 == dw0 && owned_real_page(m, slot, e->gdw1) &&
	    !owned_real_page(m, slot, dw1)) {
		return lp_violate(x, LP_INV_I6, opi, "real address in an HPTE's guest view", ptex, e->gdw1);
	}
	if (e->gdw0 != dw0) {
		return lp_violate(x, LP_INV_I7, opi, "HPTE guest view (dword 0) differs from the model", e->gdw0, dw0);
	}
	return lp_violate(x, LP_INV_I7, opi, "HPTE guest view (dword 1) differs from the model", e->gdw1, dw1);
}

enum lp_inv lp_inv_hcall(struct lp_exec *x, uint32_t opi, const struct lp_ref_pred *pred)
{
	const struct lp_op *op = &x->prog->op[opi];
	const struct lp_op_result *r = &x->res[opi];
	const struct lp_part_loc *loc;
	struct hv_machine *m;
	struct hv_partition *p;
	uint64_t ptexs[8];
	unsigned i, n;

	if (r->status != LP_RAN || op->part >= LP_MAX_PARTS) {
		return LP_INV_NONE;
	}
	loc = &x->loc[op->part];
	m = &x->m[loc->machine & 1];
	p = mach_ok(m) ? part_at(m, loc->slot) : 0;
	if (pred && pred->known) {
		bool foreign = names_foreign(x, op);

		lp_inv_count(&x->inv.counts, LP_INV_I6, pred->out_known != 0 && pred->rc == H_SUCCESS);
		lp_inv_count(&x->inv.counts, LP_INV_I7, pred->rc != H_SUCCESS);
		lp_inv_count(&x->inv.counts, LP_INV_I8, foreign);
		if (r->rc != pred->rc) {
			if (foreign) {
				return lp_violate(x, LP_INV_I8, opi, "call naming another partition's resource: return code differs from the model",
						  (uint64_t)r->rc, (uint64_t)pred->rc);
			}
			return lp_violate(x, LP_INV_I7, opi, "return code differs from the model", (uint64_t)r->rc,
					  (uint64_t)pred->rc);
		}
		for (i = 0; i < 9; i++) {
			if (((pred->out_known >> i) & 1) && r->out[i] != pred->out[i]) {
				return out_mismatch(x, opi, i, r->out[i], pred->out[i],
						    p && owned_real_page(m, loc->slot, r->out[i]) &&
							    !owned_real_page(m, loc->slot, pred->out[i]));
			}
		}
	}
	if (!rc_allowed(op->opcode, r->rc)) {
		return lp_violate(x, LP_INV_I7, opi, "return code outside the call's allowed set", (uint64_t)r->rc,
				  op->opcode);
	}
	if (!pred || !pred->known || x->ref.overflow || !p) {
		return LP_INV_NONE;
	}
	/* The model's state against the core's, for everything the call could have touched. */
	n = touched_ptexs(op->opcode, r->arg, hpt_entries(m, p), ptexs);
	for (i = 0; i < n; i++) {
		if (hpte_vs_model(x, opi, m, loc->slot, p, op->part, ptexs[i]) != LP_INV_NONE) {
			return (enum lp_inv)x->viol.inv;
		}
	}
	if (is_tce_call(op->opcode)) {
		const struct hv_window *w = window_named(m, r->arg[0]);
		unsigned wp, wk;
		uint32_t first, count, k;

		if (w && liobn_decode(x, r->arg[0], &wp, &wk) && x->loc[wp].alive && x->loc[wp].machine == loc->machine &&
		    x->loc[wp].slot == w->owner && tce_run(m, w, op->opcode, r->arg, &first, &count)) {
			for (k = first; k < first + count; k++) {
				uint64_t have = rd64(m, w->shadow.v + 8ull * k), want = lp_ref_tce_view(&x->ref, wp, wk, k);

				if (have != want) {
					return lp_violate(x, wp == op->part ? LP_INV_I7 : LP_INV_I8, opi,
							  wp == op->part ? "TCE the partition set differs from the model"
									 : "another partition's TCE changed",
							  have, want);
				}
			}
		}
	}
	return LP_INV_NONE;
}

/* I1-I3 for what an hcall touched (its HPT entries, TCE run, registrations). */
enum lp_inv lp_inv_after_hcall(struct lp_exec *x, uint32_t opi, const struct lp_op *op)
{
	const struct lp_op_result *r = &x->res[opi];
	const struct lp_part_loc *loc = &x->loc[op->part];
	struct hv_machine *m = &x->m[loc->machine & 1];
	struct hv_partition *p = loc->alive && mach_ok(m) ? part_at(m, loc->slot) : 0;
	uint64_t ptexs[8];
	unsigned i, n;
	struct chk c;

	if (r->status != LP_RAN || !p) {
		return LP_INV_NONE;
	}
	chk_init(&c, x, opi, m);
	n = touched_ptexs(op->opcode, r->arg, hpt_entries(m, p), ptexs);
	for (i = 0; i < n; i++) {
		if (lp_inv_check_hw_hpte(&c, p, loc->slot, ptexs[i]) != LP_INV_NONE) {
			return (enum lp_inv)x->viol.inv;
		}
	}
	if (is_tce_call(op->opcode)) {
		const struct hv_window *w = window_named(m, r->arg[0]);
		uint32_t first, count, k;

		if (w && tce_run(m, w, op->opcode, r->arg, &first, &count)) {
			for (k = first; k < first + count; k++) {
				if (lp_inv_check_tce(&c, w, k) != LP_INV_NONE) {
					return (enum lp_inv)x->viol.inv;
				}
			}
		}
	}
	if (op->opcode == H_REGISTER_VPA) {
		return lp_inv_check_areas(&c, p);
	}
	if (op->opcode == H_CEDE || op->opcode == H_CONFER) {
		return lp_inv_check_idle_threads(x, opi, loc->machine & 1);
	}
	return LP_INV_NONE;
}

/*
 * First of the n logical TCEs of window cw (program partition part's
 * window w) where the core and the model differ, or n. Chunk by chunk
 * (LP_TCE_CHUNK entries, a 4 KiB page of the shadow table): only those the
 * model wrote or the platform saw written can differ from zeros on both;
 * inside, only entries set on either side are compared, 8 at a time.
 */
static uint32_t tce_mismatch(const struct lp_exec *x, const struct hv_machine *m, const struct hv_window *cw,
			     unsigned part, unsigned w, uint32_t n)
{
	const struct lp_ref_part *pp = &x->ref.part[part];
	const uint8_t *shadow = m->mem + cw->shadow.v, *model = (const uint8_t *)pp->tce[w];
	uint32_t lim = n < LP_WINDOW_ENTRIES_MAX ? n : LP_WINDOW_ENTRIES_MAX, k, c, end;
	unsigned mach = (unsigned)(m == &x->m[1]);

	for (c = 0; c * LP_TCE_CHUNK < lim; c++) {
		uint32_t first = c * LP_TCE_CHUNK;

		if (!((pp->tce_used[w][c / 64] >> (c % 64)) & 1) &&
		    !lp_touched(x, mach, cw->shadow.v + 8ull * first, 8ull * LP_TCE_CHUNK)) {
			continue;
		}
		end = first + LP_TCE_CHUNK < lim ? first + LP_TCE_CHUNK : lim;
		for (k = next_nonzero_word(shadow, model, first, end); k < end; k = next_nonzero_word(shadow, model, k + 1, end)) {
			if (hv_ld_be64(shadow + 8ull * k) != lp_ref_tce_view(&x->ref, part, w, k)) {
				return k;
			}
		}
	}
	/* Past the model's entries (a window bigger than the model's): the model has zeros there. */
	return next_nonzero_word(shadow, 0, lim, n);
}

/* The model's view of every live partition against the core's guest view (I6/I7/I8). */
enum lp_inv lp_inv_full_model(struct lp_exec *x, uint32_t opi, const uint64_t hw_count[2][HV_MAX_PARTITIONS])
{
	unsigned part, i, w;

	if (x->ref.overflow) {
		return LP_INV_NONE;
	}
	for (part = 0; part < LP_MAX_PARTS && part < x->prog->cfg.nparts; part++) {
		const struct lp_part_loc *loc = &x->loc[part];
		unsigned mach = loc->machine & 1;
		struct hv_machine *m = &x->m[mach];
		struct hv_partition *p = loc->alive && mach_ok(m) ? part_at(m, loc->slot) : 0;
		uint64_t model = 0, nh;

		if (!p || loc->slot >= HV_MAX_PARTITIONS) {
			continue;
		}
		nh = hpt_entries(m, p);
		for (i = 0; i < x->ref.nhptes && i < LP_REF_HPTES; i++) {
			const struct lp_ref_hpte *e = &x->ref.hpte[i];

			if (e->part != part) {
				continue;
			}
			model++;
			if (e->ptex >= nh) {
				return lp_violate(x, LP_INV_I7, opi, "model entry outside the core's HPT", e->ptex, nh);
			}
			if (hpte_vs_model(x, opi, m, loc->slot, p, part, e->ptex) != LP_INV_NONE) {
				return (enum lp_inv)x->viol.inv;
			}
			if (!(rd64(m, p->hpt.v + e->ptex * HPTE_BYTES) & HW0_V)) {
				return lp_violate(x, LP_INV_I7, opi, "HPTE valid in the guest view but not in hardware", e->ptex,
						  e->dw0);
			}
		}
		if (hw_count[mach][loc->slot] != model) {
			return lp_violate(x, LP_INV_I7, opi, "HPT holds valid entries the model does not know",
					  hw_count[mach][loc->slot], model);
		}
		/* Windows: the model's are the partition's own, with the same logical TCEs. */
		for (w = 0; w < LP_MAX_WINDOWS; w++) {
			const struct hv_window *cw = window_named(m, lp_liobn(part, w));
			uint32_t n, k;

			if (cw && cw->owner != loc->slot) {
				return lp_violate(x, LP_INV_I8, opi, "LIOBN resolves to another partition's window",
						  lp_liobn(part, w), cw->owner);
			}
			if (!x->ref.part[part].win_on[w]) {
				if (cw) {
					return lp_violate(x, LP_INV_I7, opi, "window the model does not have", lp_liobn(part, w),
							  0);
				}
				continue;
			}
			if (!cw) {
				return lp_violate(x, LP_INV_I7, opi, "model's window missing in the core", lp_liobn(part, w), 0);
			}
			n = window_entries(m, cw);
			k = tce_mismatch(x, m, cw, part, w, n);
			if (k < n) {
				return lp_violate(x, LP_INV_I7, opi, "TCE the partition set differs from the model",
						  rd64(m, cw->shadow.v + 8ull * k), lp_ref_tce_view(&x->ref, part, w, k));
			}
		}
	}
	return LP_INV_NONE;
}
