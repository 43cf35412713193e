/*
 * The reference model's hashed page table (papr-spec §2.5, §3.1-§3.7, the
 * §3.10 decision table and §7.5 rules 2, 3 and 5): the guest view of every
 * entry a partition entered, kept in a flat array of at most LP_REF_HPTES
 * valid entries searched linearly. Written from the spec; no hv/core code.
 */
#include "ref_internal.h"

#define HPTE_PROT (HPTE_R_PP0 | HPTE_R_KEY_HI | HPTE_R_KEY_LO | HPTE_R_N | HPTE_R_PP)

/* Page sizes of §2.5 (base shift, actual shift, LP encoding at bit 12). */
static const struct {
	uint8_t base, actual, enc;
} page_sizes[] = {
	{ 12, 16, 0x7 }, { 12, 24, 0x38 }, { 16, 16, 0x1 }, { 16, 24, 0x8 }, { 24, 24, 0x0 }, { 34, 34, 0x3 },
};

unsigned lp_ref_page_shift(uint64_t dw0, uint64_t dw1, unsigned *base)
{
	unsigned i;

	if (!(dw0 & HPTE_V_LARGE)) {
		*base = 12;
		return 12;
	}
	for (i = 0; i < sizeof(page_sizes) / sizeof(page_sizes[0]); i++) {
		uint64_t mask = ((1ull << page_sizes[i].actual) - 1) & ~0xFFFull;

		if ((dw1 & mask) == ((uint64_t)page_sizes[i].enc << 12)) {
			*base = page_sizes[i].base;
			return page_sizes[i].actual;
		}
	}
	*base = 0;
	return 0;
}

/* Actual page shift of (dw0, dw1), 0 for a bad encoding. */
static unsigned page_shift(uint64_t dw0, uint64_t dw1)
{
	unsigned base;

	return lp_ref_page_shift(dw0, dw1, &base);
}

/* HPTEs of part's HPT (the program's configuration). */
static uint64_t nhpte(const struct lp_ref *r, unsigned part)
{
	return lp_cfg_nhpte(&r->cfg, part);
}

#define NO_SLOT (~0ull)
/* Logical page address an entry maps (the LP bits fall below the page size). */
static uint64_t page_base(uint64_t dw1, unsigned shift)
{
	return (dw1 & HPTE_R_RPN) & ~((1ull << shift) - 1);
}

/* Index of part's valid entry ptex in r->hpte, or -1. */
static int hpte_find(const struct lp_ref *r, unsigned part, uint64_t ptex)
{
	uint32_t i;

	for (i = 0; i < r->nhptes && i < LP_REF_HPTES; i++) {
		if (r->hpte[i].part == part && r->hpte[i].ptex == ptex) {
			return (int)i;
		}
	}
	return -1;
}

static void hpte_drop(struct lp_ref *r, int i)
{
	r->hpte[i] = r->hpte[r->nhptes - 1];
	r->nhptes--;
}

/* §2.5, §3.1 steps 1-3: the page (dw0, dw1) names is owned RAM, mapped M only. */
static bool enter_page_ok(const struct ref_call *c, uint64_t pteh, uint64_t ptel, bool *unknown)
{
	unsigned shift;
	uint64_t size, la;

	if ((pteh >> HPTE_V_SSIZE_SHIFT) > HPTE_B_1T) {
		return false; /* B = 10 / 11 reserved (§7.5 rule 3) */
	}
	shift = page_shift(pteh, ptel);
	if (shift == 0) {
		return false;
	}
	size = 1ull << shift;
	la = page_base(ptel, shift);
	if (!lp_ref_range_owned(c->r, c->part, la, size)) {
		return false;
	}
	if ((la >> lmb_shift(c->r)) != ((la + size - 1) >> lmb_shift(c->r))) {
		/* Real placement of a multi-LMB page is the machine's business. */
		if (!c->env->contiguous) {
			*unknown = true;
			return false;
		}
		if (!c->env->contiguous(c->env->ctx, c->part, la, size)) {
			return false;
		}
	}
	return (ptel & HPTE_R_WIMG) == HPTE_R_M;
}

/* H_EXACT: the named slot; else the first free slot of the group; NO_SLOT when none. */
static uint64_t enter_slot(const struct lp_ref *r, unsigned part, uint64_t flags, uint64_t ptex)
{
	uint64_t group = ptex & ~7ull;
	unsigned used = 0, k;
	uint32_t i;

	/* One pass over the tracked entries: which slots of the group are taken. */
	for (i = 0; i < r->nhptes && i < LP_REF_HPTES; i++) {
		if (r->hpte[i].part == part && (r->hpte[i].ptex & ~7ull) == group) {
			used |= 1u << (r->hpte[i].ptex & 7);
		}
	}
	if (flags & H_EXACT) {
		return (used >> (ptex & 7)) & 1 ? NO_SLOT : ptex;
	}
	for (k = 0; k < HPTES_PER_GROUP; k++) {
		if (!((used >> k) & 1)) {
			return group + k;
		}
	}
	return NO_SLOT;
}

/*
 * An entry (re)published: on a platform that does not see the partition's
 * stores, a page writable under some key counts as written (plat.h), which
 * the platform marks -- a "store" the write-set oracle must expect.
 */
static void note_published(struct ref_call *c, uint64_t dw0, uint64_t dw1)
{
	unsigned shift = page_shift(dw0, dw1), pp = (unsigned)(((dw1 & HPTE_R_PP0) ? 4 : 0) | (dw1 & HPTE_R_PP));

	if (c->r->stores_unseen && pp <= 2) {
		lp_ref_note_write(c->r, LP_W_MAPPED_PAGE, c->part, page_base(dw1, shift), (uint32_t)(1ull << shift), 0);
	}
}

/* What H_ENTER stores into the partition's page: zeroes (H_ZERO_PAGE), and the platform's mark. */
static void note_enter_writes(struct ref_call *c, uint64_t flags, uint64_t pteh, uint64_t ptel)
{
	unsigned shift = page_shift(pteh, ptel);

	if (flags & H_ZERO_PAGE) {
		lp_ref_note_write(c->r, LP_W_ZERO_PAGE, c->part, page_base(ptel, shift), (uint32_t)(1ull << shift), 0);
	}
	note_published(c, pteh, ptel);
}

static int64_t ref_enter(struct ref_call *c)
{
	uint64_t flags = c->arg[0], ptex = c->arg[1], pteh = c->arg[2], ptel = c->arg[3], slot;
	struct lp_ref *r = c->r;
	bool unknown = false;

	if (!enter_page_ok(c, pteh, ptel, &unknown)) {
		c->pred->known = !unknown;
		return H_PARAMETER;
	}
	if (ptex >= nhpte(c->r, c->part)) {
		return H_PARAMETER;
	}
	slot = enter_slot(r, c->part, flags, ptex);
	if (slot == NO_SLOT) {
		return H_PTEG_FULL;
	}
	if (r->nhptes >= LP_REF_HPTES) {
		r->overflow = true; /* untracked entry: stop predicting rather than raise a false alarm */
		c->pred->known = false;
		return H_SUCCESS;
	}
	r->hpte[r->nhptes].part = (uint8_t)c->part;
	r->hpte[r->nhptes].ptex = slot;
	r->hpte[r->nhptes].dw0 = (pteh & ~HPTE_V_HV_SW) | HPTE_V_VALID; /* §7.5 rule 2 */
	r->hpte[r->nhptes].dw1 = (ptel & ~HPTE_R_TS) | (r->r_preset ? HPTE_R_R : 0);
	r->nhptes++;
	c->pred->out[0] = slot;
	note_enter_writes(c, flags, pteh, ptel);
	return H_SUCCESS;
}

/* §3.2 step 2: the entry matches the H_REMOVE / H_PROTECT conditions. */
static bool entry_matches(uint64_t dw0, bool avpn, bool andcond, uint64_t operand)
{
	if (avpn && (dw0 & HPTE_V_COMPARE_MASK) != operand) {
		return false;
	}
	return !(andcond && (dw0 & operand) != 0);
}

static int64_t ref_remove(struct ref_call *c)
{
	uint64_t flags = c->arg[0], ptex = c->arg[1];
	int i;

	if (ptex >= nhpte(c->r, c->part)) {
		return H_PARAMETER;
	}
	i = hpte_find(c->r, c->part, ptex);
	if (i < 0 || !entry_matches(c->r->hpte[i].dw0, flags & H_AVPN, flags & H_ANDCOND, c->arg[2])) {
		return H_NOT_FOUND;
	}
	c->pred->out[0] = c->r->hpte[i].dw0;
	c->pred->out[1] = c->r->hpte[i].dw1;
	hpte_drop(c->r, i);
	return H_SUCCESS;
}

static int64_t ref_read(struct ref_call *c)
{
	uint64_t ptex = c->arg[1];
	unsigned n = 1, k;

	if (ptex >= nhpte(c->r, c->part)) {
		return H_PARAMETER; /* checked before rounding (§3.5) */
	}
	if (c->arg[0] & H_READ_4) {
		ptex &= ~3ull;
		n = 4;
	}
	for (k = 0; k < n; k++) {
		int i = hpte_find(c->r, c->part, ptex + k);

		if (i >= 0) {
			c->pred->out[2 * k] = c->r->hpte[i].dw0;
			c->pred->out[2 * k + 1] = c->r->hpte[i].dw1;
		}
	}
	return H_SUCCESS;
}

static int64_t ref_protect(struct ref_call *c)
{
	uint64_t flags = c->arg[0], ptex = c->arg[1], prot;
	int i;

	if (ptex >= nhpte(c->r, c->part)) {
		return H_PARAMETER;
	}
	i = hpte_find(c->r, c->part, ptex);
	if (i < 0 || !entry_matches(c->r->hpte[i].dw0, flags & H_AVPN, false, c->arg[2])) {
		return H_NOT_FOUND;
	}
	/* §3.4: PP1/PP2/N in place, PP0 from 0x100, KEY[2:4] in place, KEY[0:1] from 0x3000. */
	prot = (flags & (HPTE_R_PP | HPTE_R_N)) | ((flags & H_PROTECT_PP0) << 55) | (flags & H_PROTECT_KEY_LO) |
	       ((flags & H_PROTECT_KEY_HI) << 48);
	if (prot != (c->r->hpte[i].dw1 & HPTE_PROT)) {
		note_published(c, c->r->hpte[i].dw0, (c->r->hpte[i].dw1 & ~HPTE_PROT) | prot); /* invalidated, republished */
	}
	c->r->hpte[i].dw1 = (c->r->hpte[i].dw1 & ~HPTE_PROT) | prot;
	return H_SUCCESS;
}

/* §3.3 with the shift-51 R/C rule: outputs echo the request words, handled TSHs become responses. */
static int64_t ref_bulk_remove(struct ref_call *c)
{
	unsigned k;

	for (k = 0; k < 2 * HBR_MAX_PAIRS; k++) {
		c->pred->out[k] = c->arg[k];
	}
	for (k = 0; k < HBR_MAX_PAIRS; k++) {
		uint64_t tsh = c->arg[2 * k], tsl = c->arg[2 * k + 1];
		uint64_t type = tsh & HBR_TYPE_MASK, rflags = tsh & HBR_FLAGS_MASK, ptex = tsh & HBR_PTEX_MASK;
		uint64_t resp = HBR_RESPONSE | rflags | ptex;
		int i;

		if (type == HBR_END) {
			break;
		}
		if (type != HBR_REQUEST || rflags == (HBR_ANDCOND | HBR_AVPN) || ptex >= nhpte(c->r, c->part)) {
			c->pred->out[2 * k] = resp | HBR_RESULT_PARM;
			return H_PARAMETER; /* earlier pairs stay done */
		}
		i = hpte_find(c->r, c->part, ptex);
		if (i < 0 || !entry_matches(c->r->hpte[i].dw0, rflags == HBR_AVPN, rflags == HBR_ANDCOND, tsl)) {
			c->pred->out[2 * k] = resp | HBR_RESULT_NOT_FOUND;
			continue;
		}
		c->pred->out[2 * k] = resp | HBR_RESULT_SUCCESS | ((c->r->hpte[i].dw1 & HPTE_R_RC) << HBR_RC_SHIFT);
		hpte_drop(c->r, i);
	}
	return H_SUCCESS;
}

/* H_CLEAR_REF / H_CLEAR_MOD (§3.6, §3.7): dword 1 before, then `bit` cleared. */
static int64_t ref_clear_rc(struct ref_call *c, uint64_t bit)
{
	uint64_t ptex = c->arg[1];
	int i;

	if (ptex >= nhpte(c->r, c->part)) {
		return H_PARAMETER;
	}
	i = hpte_find(c->r, c->part, ptex);
	if (i < 0) {
		return H_NOT_FOUND;
	}
	c->pred->out[0] = c->r->hpte[i].dw1;
	if (bit == HPTE_R_C) {
		note_published(c, c->r->hpte[i].dw0, c->r->hpte[i].dw1); /* C is cleared with the entry invalid */
	}
	if (!(bit == HPTE_R_R && c->r->r_preset)) {
		c->r->hpte[i].dw1 &= ~bit; /* a preset R stays: the MMU cannot record it again */
	}
	return H_SUCCESS;
}

bool lp_ref_hpt_call(struct ref_call *c, uint64_t opcode, int64_t *rc)
{
	switch (opcode) {
	case H_ENTER: *rc = ref_enter(c); return true;
	case H_REMOVE: *rc = ref_remove(c); return true;
	case H_READ: *rc = ref_read(c); return true;
	case H_PROTECT: *rc = ref_protect(c); return true;
	case H_BULK_REMOVE: *rc = ref_bulk_remove(c); return true;
	case H_CLEAR_REF: *rc = ref_clear_rc(c, HPTE_R_R); return true;
	case H_CLEAR_MOD: *rc = ref_clear_rc(c, HPTE_R_C); return true;
	}
	return false;
}

void lp_ref_hpt_drop_lmb(struct lp_ref *r, unsigned part, uint64_t lmb)
{
	uint64_t start = lmb << lmb_shift(r), end = start + (1ull << lmb_shift(r));
	uint32_t i = 0;

	while (i < r->nhptes) { /* each round drops an entry or advances */
		const struct lp_ref_hpte *h = &r->hpte[i];
		unsigned shift = page_shift(h->dw0, h->dw1);
		uint64_t base = page_base(h->dw1, shift);

		if (h->part == part && base < end && base + (1ull << shift) > start) {
			hpte_drop(r, (int)i);
		} else {
			i++;
		}
	}
}

bool lp_ref_hpt_spans(const struct lp_ref *r, unsigned part, int lmb)
{
	uint64_t start = (uint64_t)(lmb < 0 ? 0 : lmb) << lmb_shift(r);
	uint32_t i;

	for (i = 0; i < r->nhptes && i < LP_REF_HPTES; i++) {
		const struct lp_ref_hpte *h = &r->hpte[i];
		unsigned shift = page_shift(h->dw0, h->dw1);
		uint64_t base = page_base(h->dw1, shift);

		if (h->part != part || shift <= lmb_shift(r)) {
			continue;
		}
		if (lmb < 0 || (base < start + (1ull << lmb_shift(r)) && base + (1ull << shift) > start)) {
			return true;
		}
	}
	return false;
}

void lp_ref_note_access(struct lp_ref *r, unsigned part, uint64_t ptex, bool write)
{
	int i = hpte_find(r, part, ptex);

	if (i >= 0) {
		r->hpte[i].dw1 |= HPTE_R_R | (write ? HPTE_R_C : 0);
	}
}

bool lp_ref_hpte_view(const struct lp_ref *r, unsigned part, uint64_t ptex, uint64_t *dw0, uint64_t *dw1)
{
	int i = hpte_find(r, part, ptex);

	if (i < 0) {
		return false;
	}
	*dw0 = r->hpte[i].dw0;
	*dw1 = r->hpte[i].dw1;
	return true;
}

