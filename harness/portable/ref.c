/*
 * The reference model (ref.h): what each partition may observe, written
 * from papr-spec.md §3 (HPT), §4 (TCE), §6 (VPA, console, small calls) and
 * the §7.5 decisions, sharing no code with hv/core. Only PAPR constants come
 * from hv/papr.h. Every loop is bounded by a small constant; no recursion.
 *
 * The model keeps the guest view only: the HPTEs a partition entered
 * (ref_hpt.c), the logical TCE values of its windows, its owned logical
 * LMBs, its vCPUs and their VPA/DTL/SLB registrations. Memory contents and
 * real placement are asked of the executor through struct lp_ref_env.
 */
#include "ref_internal.h"

#define TCE_RESERVED     0xFFCull  /* §4.2: bits 52..61 */
#define VPA_MIN_LEN      640       /* §6.5 table */
#define VPA_SHARED_PROC  9         /* byte: 0x02 for a shared processor */
#define DTL_ENTRY_LEN    48
#define AREA_MIN_LEN     8
#define AREA_ALIGN       128       /* cache line */
#define AREA_LEN_OFFSET  4
#define TERM_VTY         0x30000000ull /* the partition's one vty; 0 also names it (§6.7) */
#define PAGE_INIT_FLAGS  (H_ZERO_PAGE | H_COPY_PAGE | H_ICACHE_INVALIDATE | H_ICACHE_SYNCHRONIZE | H_PAGE_SET_LOANED)
#define ALL_OUTPUTS      0x1FFu

/* ---- ownership ---- */

static bool lmb_owned(const struct lp_ref *r, unsigned part, uint64_t lmb)
{
	return lmb < LP_LOGICAL_LMBS && ((r->part[part].owned >> lmb) & 1);
}

bool lp_ref_range_owned(const struct lp_ref *r, unsigned part, uint64_t la, uint64_t len)
{
	uint64_t first, last, i;

	if (len == 0 || la + len < la) {
		return false;
	}
	first = la >> lmb_shift(r);
	last = (la + len - 1) >> lmb_shift(r);
	if (last >= LP_LOGICAL_LMBS) {
		return false;
	}
	for (i = first; i <= last; i++) { /* at most LP_LOGICAL_LMBS rounds */
		if (!lmb_owned(r, part, i)) {
			return false;
		}
	}
	return true;
}

static bool page_owned(const struct lp_ref *r, unsigned part, uint64_t la)
{
	return lp_ref_range_owned(r, part, la & ~(PAGE_4K - 1), PAGE_4K);
}

/* Big-endian unsigned of n (2, 4 or 8) bytes. */
static uint64_t be_bytes(const uint8_t *b, unsigned n)
{
	uint64_t v = 0;
	unsigned i;

	for (i = 0; i < n; i++) {
		v = (v << 8) | b[i];
	}
	return v;
}

/* ---- TCEs (§4) ---- */

/* Window of the calling partition named liobn, or -1 (I8: only its own, only assigned ones). */
static int window_of(const struct lp_ref *r, unsigned part, uint64_t liobn)
{
	unsigned w;

	for (w = 0; w < LP_MAX_WINDOWS; w++) {
		if (r->part[part].win_on[w] && liobn == lp_liobn(part, w)) {
			return (int)w;
		}
	}
	return -1;
}

/* Entry index of ioba in window w of the caller for a run of npages; false when misaligned or outside. */
static bool ioba_ok(const struct ref_call *c, int w, uint64_t ioba, uint64_t npages, uint64_t *idx)
{
	uint64_t off = lp_cfg_win_offset(&c->r->cfg, c->part, (unsigned)w), n = lp_cfg_win_entries(&c->r->cfg, c->part, (unsigned)w);
	uint64_t rel = (ioba - off) >> 12;

	if ((ioba & (PAGE_4K - 1)) || ioba < off || rel > n || npages > n - rel) {
		return false;
	}
	*idx = rel;
	return true;
}

/* §4.2: no reserved bits; with R or W, an owned page. */
static bool tce_ok(const struct lp_ref *r, unsigned part, uint64_t tce)
{
	if (tce & TCE_RESERVED) {
		return false;
	}
	return !(tce & TCE_RW) || page_owned(r, part, tce);
}

static int64_t ref_put_tce(struct ref_call *c)
{
	int w = window_of(c->r, c->part, c->arg[0]);
	uint64_t idx;

	if (w < 0 || !ioba_ok(c, w, c->arg[1], 1, &idx) || !tce_ok(c->r, c->part, c->arg[2])) {
		return H_PARAMETER;
	}
	lp_ref_tce_set(&c->r->part[c->part], (unsigned)w, idx, c->arg[2]);
	return H_SUCCESS;
}

static int64_t ref_get_tce(struct ref_call *c)
{
	int w = window_of(c->r, c->part, c->arg[0]);
	uint64_t idx;

	if (w < 0 || !ioba_ok(c, w, c->arg[1], 1, &idx)) {
		return H_PARAMETER;
	}
	c->pred->out[0] = c->r->part[c->part].tce[w][idx];
	return H_SUCCESS;
}

static int64_t ref_stuff_tce(struct ref_call *c)
{
	int w = window_of(c->r, c->part, c->arg[0]);
	uint64_t value = c->arg[2], count = c->arg[3], idx, i;

	/* §7.5 rule 6: stuffing only clears or poisons. */
	if (w < 0 || !ioba_ok(c, w, c->arg[1], count, &idx) || (value & (TCE_RW | TCE_RESERVED))) {
		return H_PARAMETER;
	}
	for (i = 0; i < count; i++) { /* count <= the window's entries here */
		lp_ref_tce_set(&c->r->part[c->part], (unsigned)w, idx + i, value);
	}
	return H_SUCCESS;
}

static int64_t ref_put_tce_indirect(struct ref_call *c)
{
	int w = window_of(c->r, c->part, c->arg[0]);
	uint64_t list_la = c->arg[2], count = c->arg[3], idx, i;
	uint8_t raw[TCE_INDIRECT_MAX * 8];
	uint64_t list[TCE_INDIRECT_MAX];

	if (w < 0 || count > TCE_INDIRECT_MAX || (list_la & (PAGE_4K - 1)) || !ioba_ok(c, w, c->arg[1], count, &idx) ||
	    !page_owned(c->r, c->part, list_la)) {
		return H_PARAMETER;
	}
	/* count <= TCE_INDIRECT_MAX now. */
	if (count && (!c->env->read || !c->env->read(c->env->ctx, c->part, list_la, raw, (unsigned)count * 8))) {
		c->pred->known = false; /* the executor could not show us the list */
		return H_SUCCESS;
	}
	for (i = 0; i < count; i++) {
		list[i] = be_bytes(raw + 8 * i, 8);
		if (!tce_ok(c->r, c->part, list[i])) {
			return H_PARAMETER; /* validated all first: nothing applied */
		}
	}
	for (i = 0; i < count; i++) {
		lp_ref_tce_set(&c->r->part[c->part], (unsigned)w, idx + i, list[i]);
	}
	return H_SUCCESS;
}

/* ---- vCPUs, VPA (§6.1-§6.5) ---- */

static struct lp_ref_vcpu *vcpu_of(struct lp_ref *r, unsigned part, uint64_t id)
{
	if (id >= LP_MAX_VCPUS || r->part[part].vcpu[id].state == LP_V_ABSENT) {
		return 0;
	}
	return &r->part[part].vcpu[id];
}

void lp_ref_area_off(struct lp_ref_area *a)
{
	a->on = false;
	a->la = 0;
	a->len = 0;
}

static void area_on(struct lp_ref_area *a, uint64_t la, uint32_t len)
{
	a->on = true;
	a->la = la;
	a->len = len;
}

/* Registration checks common to VPA/DTL/SLB: aligned, owned, length field within [8, rest of page]. */
static int64_t area_check(struct ref_call *c, unsigned func, uint64_t la, uint32_t *len)
{
	unsigned n = func == H_VPA_REG_VPA ? 2 : 4; /* be16 length for the VPA, be32 otherwise */
	uint8_t b[4];

	if (la == 0 || (la & (AREA_ALIGN - 1)) || !lp_ref_range_owned(c->r, c->part, la, 8)) {
		return H_PARAMETER;
	}
	if (!c->env->read || !c->env->read(c->env->ctx, c->part, la + AREA_LEN_OFFSET, b, n)) {
		c->pred->known = false;
		return H_PARAMETER;
	}
	*len = (uint32_t)be_bytes(b, n);
	if (*len > PAGE_4K - (la & (PAGE_4K - 1)) || *len < AREA_MIN_LEN) {
		return H_PARAMETER; /* never crosses a 4 KiB boundary */
	}
	return H_SUCCESS;
}

static int64_t ref_register_vpa(struct ref_call *c)
{
	unsigned func = (unsigned)((c->arg[0] >> H_VPA_FUNC_SHIFT) & H_VPA_FUNC_MASK);
	struct lp_ref_vcpu *v = vcpu_of(c->r, c->part, c->arg[1]);
	uint64_t la = c->arg[2];
	uint32_t len = 0;
	int64_t rc;

	if (!v) {
		return H_PARAMETER;
	}
	if (func == H_VPA_REG_VPA || func == H_VPA_REG_DTL || func == H_VPA_REG_SLB) {
		rc = area_check(c, func, la, &len);
		if (rc != H_SUCCESS) {
			return rc;
		}
	}
	switch (func) {
	case H_VPA_REG_VPA:
		if (len < VPA_MIN_LEN) {
			return H_PARAMETER;
		}
		area_on(&v->vpa, la, len);
		if (c->r->part[c->part].shared) {
			/* A shared processor's VPA says so: byte 9 gets 0x02 (what Linux and QEMU use). */
			lp_ref_note_write(c->r, LP_W_SHARED_PROC, c->part, la + VPA_SHARED_PROC, 1, 0x02);
		}
		return H_SUCCESS;
	case H_VPA_REG_DTL:
		if (len < DTL_ENTRY_LEN) {
			return H_PARAMETER;
		}
		if (!v->vpa.on) {
			return H_RESOURCE;
		}
		area_on(&v->dtl, la, len - len % DTL_ENTRY_LEN);
		v->dtl_index = 0;
		return H_SUCCESS;
	case H_VPA_REG_SLB:
		if (!v->vpa.on) {
			return H_RESOURCE;
		}
		area_on(&v->slb, la, len);
		return H_SUCCESS;
	case H_VPA_DEREG_VPA:
		if (v->dtl.on || v->slb.on) {
			return H_RESOURCE;
		}
		lp_ref_area_off(&v->vpa);
		return H_SUCCESS;
	case H_VPA_DEREG_DTL:
		lp_ref_area_off(&v->dtl);
		return H_SUCCESS;
	case H_VPA_DEREG_SLB:
		lp_ref_area_off(&v->slb);
		return H_SUCCESS;
	}
	return H_PARAMETER;
}

/* ---- console, H_RANDOM, H_PAGE_INIT (§6.7-§6.9) ---- */

static int64_t ref_put_term_char(struct ref_call *c)
{
	if ((c->arg[0] != 0 && c->arg[0] != TERM_VTY) || c->arg[1] > HV_TERM_MAX_BYTES) {
		return H_PARAMETER;
	}
	return H_SUCCESS;
}

static int64_t ref_get_term_char(struct ref_call *c)
{
	/* Programs never feed console input: zero bytes, all outputs zero. */
	return (c->arg[0] != 0 && c->arg[0] != TERM_VTY) ? H_PARAMETER : H_SUCCESS;
}

static int64_t ref_random(struct ref_call *c)
{
	if (!c->env->has_entropy || !c->env->has_entropy(c->env->ctx)) {
		return H_HARDWARE;
	}
	c->pred->out_known &= ~1u; /* 64 random bits */
	return H_SUCCESS;
}

static int64_t ref_page_init(struct ref_call *c)
{
	uint64_t flags = c->arg[0], dest = c->arg[1], src = c->arg[2];
	bool copy = (flags & H_COPY_PAGE) != 0;

	if (flags & ~PAGE_INIT_FLAGS) {
		return H_PARAMETER; /* §7.5 rule 7: CMO hints accepted, anything else refused */
	}
	if ((dest & (PAGE_4K - 1)) || (copy && (src & (PAGE_4K - 1)))) {
		return H_PARAMETER;
	}
	if (!page_owned(c->r, c->part, dest) || (copy && !page_owned(c->r, c->part, src))) {
		return H_PARAMETER;
	}
	if (copy && src != dest) {
		lp_ref_note_write(c->r, LP_W_COPY_PAGE, c->part, dest, PAGE_4K, src);
	} else if (!copy && (flags & H_ZERO_PAGE)) {
		lp_ref_note_write(c->r, LP_W_ZERO_PAGE, c->part, dest, PAGE_4K, 0);
	}
	return H_SUCCESS;
}

/* ---- entry points ---- */

_Static_assert(LP_REF_HPTES >= LP_MAX_OPS, "a program (one H_ENTER per operation) never overflows the model");

void lp_ref_tce_clear(struct lp_ref_part *pp, unsigned w)
{
	uint64_t c;

	for (c = lp_ref_tce_next_chunk(pp, w, 0); c < LP_WINDOW_ENTRIES_MAX / LP_TCE_CHUNK;
	     c = lp_ref_tce_next_chunk(pp, w, c + 1)) {
		unsigned i;

		for (i = 0; i < LP_TCE_CHUNK; i++) {
			pp->tce[w][c * LP_TCE_CHUNK + i] = 0;
		}
	}
	for (c = 0; c < LP_WINDOW_ENTRIES_MAX / LP_TCE_CHUNK / 64; c++) {
		pp->tce_used[w][c] = 0;
	}
}

void lp_ref_init(struct lp_ref *r, const struct lp_config *cfg)
{
	unsigned p, v, w, m, t;

	/* Cheap on purpose (called per fuzz input): the HPTE array is only valid up to nhptes. */
	r->cfg = *cfg;
	if (r->cfg.version != 1 && r->cfg.version != 2) {
		lp_config_normalize(&r->cfg); /* a configuration written by hand (tests) has no version: version 1's */
	}
	r->nhptes = 0;
	r->overflow = false;
	lp_ref_writes_clear(r);
	for (m = 0; m < 2; m++) {
		r->mach[m].pool_lmbs = ~0u; /* until lp_ref_set_machine says */
		r->mach[m].threads = cfg->threads;
		r->mach[m].max_windows = LP_MAX_PARTS * LP_MAX_WINDOWS;
		r->mach[m].max_partitions = LP_MAX_PARTS;
		for (t = 0; t < LP_MAX_THREADS; t++) {
			r->run_part[m][t] = -1;
			r->run_vcpu[m][t] = -1;
		}
	}
	for (p = 0; p < LP_MAX_PARTS; p++) {
		struct lp_ref_part *pp = &r->part[p];
		unsigned lmbs = cfg->lmbs[p] < LP_LOGICAL_LMBS ? cfg->lmbs[p] : LP_LOGICAL_LMBS;

		pp->alive = p < cfg->nparts;
		pp->shared = true;
		pp->machine = 0;
		pp->dedicated = -1;
		pp->owned = pp->alive ? (lmbs >= 64 ? ~0ull : (1ull << lmbs) - 1) : 0;
		pp->ail = 3; /* created taking its interrupts relocated, big-endian (§6.6) */
		pp->tod[0] = 2026; /* its clock: 2026-01-01 00:00:00.0 (§6.10) */
		pp->tod[1] = pp->tod[2] = 1;
		pp->tod[3] = pp->tod[4] = pp->tod[5] = pp->tod[6] = 0;
		pp->ile = false;
		for (w = 0; w < LP_MAX_WINDOWS; w++) {
			pp->win_on[w] = pp->alive && w < cfg->windows[p];
			lp_ref_tce_clear(pp, w); /* what the previous run wrote */
		}
		for (v = 0; v < LP_MAX_VCPUS; v++) {
			lp_ref_vcpu_reset(&pp->vcpu[v], pp->alive && v < cfg->vcpus[p], true);
		}
	}
}

void lp_ref_set_machine(struct lp_ref *r, unsigned m, const struct lp_ref_machine *facts)
{
	r->mach[m & 1] = *facts;
}

void lp_ref_place(struct lp_ref *r, unsigned part, bool shared, int dedicated)
{
	struct lp_ref_part *pp = &r->part[part];
	unsigned v;

	pp->shared = shared;
	pp->dedicated = (int8_t)(shared ? -1 : dedicated);
	for (v = 0; v < LP_MAX_VCPUS; v++) {
		if (pp->vcpu[v].state != LP_V_ABSENT) {
			pp->vcpu[v].yield = shared ? 1 : 0; /* not running yet */
		}
	}
}

/* Dispatches to the call's predictor; returns its r3. */
static int64_t ref_dispatch(struct ref_call *c, uint64_t opcode)
{
	int64_t rc;

	if (lp_ref_hpt_call(c, opcode, &rc) || lp_ref_vcpu_call(c, opcode, &rc) || lp_ref_xics_call(c, opcode, &rc) ||
	    lp_ref_firmware_call(c, opcode, &rc)) {
		return rc;
	}
	switch (opcode) {
	case H_PUT_TCE: return ref_put_tce(c);
	case H_GET_TCE: return ref_get_tce(c);
	case H_STUFF_TCE: return ref_stuff_tce(c);
	case H_PUT_TCE_INDIRECT: return ref_put_tce_indirect(c);
	case H_REGISTER_VPA: return ref_register_vpa(c);
	case H_PUT_TERM_CHAR: return ref_put_term_char(c);
	case H_GET_TERM_CHAR: return ref_get_term_char(c);
	case H_SET_SPRG0:
		c->pred->sprg0_set = true;
		c->pred->sprg0 = c->arg[0];
		return H_SUCCESS;
	case H_RANDOM: return ref_random(c);
	case H_PAGE_INIT: return ref_page_init(c);
	}
	return H_FUNCTION; /* not a multiple of 4, beyond H_MAX_OPCODE, or not implemented */
}

void lp_ref_hcall(struct lp_ref *r, const struct lp_ref_env *env, unsigned part, unsigned vcpu, uint64_t opcode,
		  const uint64_t arg[9], struct lp_ref_pred *pred)
{
	struct ref_call c = { r, env, part, vcpu, arg, pred };
	unsigned i;

	pred->known = true;
	pred->rc = 0;
	pred->out_known = ALL_OUTPUTS;
	pred->msr_set = 0;
	pred->sprg0_set = false;
	pred->sprg0 = 0;
	pred->nregs = 0;
	pred->gives_up = false;
	pred->started = 0;
	for (i = 0; i < 9; i++) {
		pred->out[i] = 0;
	}
	if (part >= LP_MAX_PARTS || !r->part[part].alive) {
		pred->known = false;
		return;
	}
	if (r->overflow) {
		/* Untracked HPTEs: no predictions, but where the vCPUs are (an IPI wakes one) stays known. */
		pred->known = lp_ref_vcpu_call(&c, opcode, &pred->rc) || lp_ref_xics_call(&c, opcode, &pred->rc);
		return;
	}
	pred->rc = ref_dispatch(&c, opcode);
}
