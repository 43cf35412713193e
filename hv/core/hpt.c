/*
 * The hashed page table as the hardware sees it: page-size decoding, the
 * ISA 3.0 hardware format stored big-endian in hypervisor memory, the
 * per-HPTE guest-view shadow, the reverse map from real LMBs to HPTEs, and
 * the publish / invalidate sequences (papr-spec §2, §3.0).
 */
#include "internal.h"

/* Page-size encodings of POWER7..10 (papr-spec §2.5): base, actual, LP bits at 12. */
static const struct {
	uint8_t base, actual, enc;
} hpte_sizes[] = {
	{ 12, 16, 0x7 }, { 12, 24, 0x38 }, { 16, 16, 0x1 }, { 16, 24, 0x8 }, { 24, 24, 0x0 }, { 34, 34, 0x3 },
};

bool hv_hpte_decode_size(uint64_t dw0, uint64_t dw1, unsigned *base_shift, unsigned *actual_shift)
{
	unsigned i;

	if (!(dw0 & HPTE_V_LARGE)) {
		*base_shift = *actual_shift = 12;
		return true;
	}
	for (i = 0; i < sizeof(hpte_sizes) / sizeof(hpte_sizes[0]); i++) {
		uint64_t mask = ((1ull << hpte_sizes[i].actual) - 1) & ~0xFFFull;

		if ((dw1 & mask) == ((uint64_t)hpte_sizes[i].enc << 12)) {
			*base_shift = hpte_sizes[i].base;
			*actual_shift = hpte_sizes[i].actual;
			return true;
		}
	}
	return false;
}

unsigned hv_hpte_actual_shift(uint64_t dw0, uint64_t dw1, unsigned *base_shift)
{
	unsigned b, a;

	if (!hv_hpte_decode_size(dw0, dw1, &b, &a)) {
		return 0;
	}
	if (base_shift) {
		*base_shift = b;
	}
	return a;
}

uint64_t hv_hpte_hw_dw0(struct hv_machine *m, const struct hv_partition *p, uint64_t ptex)
{
	return hv_real_ld64(m, hv_hpte_addr(p, ptex));
}

uint64_t hv_hpte_hw_dw1(struct hv_machine *m, const struct hv_partition *p, uint64_t ptex)
{
	return hv_real_ld64(m, hv_ra_add(hv_hpte_addr(p, ptex), 8));
}

bool hv_hpte_valid(struct hv_machine *m, const struct hv_partition *p, uint64_t ptex)
{
	return (hv_hpte_hw_dw0(m, p, ptex) & HPTE_V_VALID) != 0;
}

/* tlbie RB for an entry, reconstructing the low VA bits from the PTEG index (§2.6, §3.0). */
uint64_t hv_hpte_tlbie_rb(uint64_t gdw0, uint64_t gdw1, uint64_t ptex)
{
	unsigned b_shift = 12, a_shift = 12;
	uint64_t rb, va_low;

	hv_hpte_decode_size(gdw0, gdw1, &b_shift, &a_shift);
	rb = (gdw0 & ~0x7Full) << 16; /* AVA */
	va_low = ptex >> 3;
	if (gdw0 & HPTE_V_SECONDARY) {
		va_low = ~va_low;
	}
	va_low ^= (gdw0 >> HPTE_V_SSIZE_SHIFT) == HPTE_B_1T ? gdw0 >> (40 - 16) : gdw0 >> (28 - 16);
	va_low &= 0x7FF;
	if (b_shift <= 12) {
		if (a_shift > 12) {
			rb |= (uint64_t)(a_shift == 16 ? 5 : 4) << 5; /* AP */
		}
		rb |= va_low << 12;
	} else {
		rb |= (va_low << b_shift) & 0x7FF000;
		rb &= ~((1ull << a_shift) - 1);
		rb |= (va_low << (64 - (77 - b_shift) + 1)) & 0xFE;
		rb |= 1; /* L */
		rb |= gdw1 & 0xFF000 & ((1ull << a_shift) - 1); /* LP */
	}
	rb |= (gdw0 >> HPTE_V_SSIZE_SHIFT) << 8; /* B */
	return rb;
}

/* ---- reverse map: a doubly-linked list per real LMB, threaded through the meta records ---- */

static void node_decode(const struct hv_machine *m, uint32_t node, uint32_t *slot, uint64_t *ptex)
{
	*slot = (uint32_t)((node - 1) / m->nhpte_max);
	*ptex = (node - 1) % m->nhpte_max;
}

static struct hv_hpte_meta *node_meta(struct hv_machine *m, uint32_t node)
{
	uint32_t slot;
	uint64_t ptex;

	node_decode(m, node, &slot, &ptex);
	return &m->part[slot].meta[ptex];
}

static void rmap_link(struct hv_machine *m, uint32_t slot, uint64_t ptex, uint32_t lmb)
{
	struct hv_lmb *l = &m->lmb[lmb];
	struct hv_hpte_meta *e = &m->part[slot].meta[ptex];
	uint32_t node = hv_hpte_node(m, slot, ptex);

	hv_private_dirty(m, e, sizeof(*e));
	hv_private_dirty(m, l, sizeof(*l));
	e->lmb = lmb;
	e->prev = 0;
	e->next = l->hpte_head;
	if (l->hpte_head) {
		struct hv_hpte_meta *h = node_meta(m, l->hpte_head);

		hv_private_dirty(m, h, sizeof(*h));
		h->prev = node;
	}
	l->hpte_head = node;
	l->hpte_count++;
}

static void rmap_unlink(struct hv_machine *m, uint32_t slot, uint64_t ptex)
{
	struct hv_hpte_meta *e = &m->part[slot].meta[ptex];
	struct hv_lmb *l = &m->lmb[e->lmb];

	HV_CHECK(m, l->hpte_count > 0);
	hv_private_dirty(m, l, sizeof(*l));
	if (e->prev) {
		struct hv_hpte_meta *pv = node_meta(m, e->prev);

		hv_private_dirty(m, pv, sizeof(*pv));
		pv->next = e->next;
	} else {
		l->hpte_head = e->next;
	}
	if (e->next) {
		struct hv_hpte_meta *nx = node_meta(m, e->next);

		hv_private_dirty(m, nx, sizeof(*nx));
		nx->prev = e->prev;
	}
	l->hpte_count--;
}

/*
 * Calls fn for every HPTE whose mapping overlaps real LMB lmb: those linked
 * on it, and larger pages linked on the LMB where their naturally aligned
 * base lies. fn may invalidate the entry it is given (the next link is read
 * first).
 */
void hv_rmap_visit_linked(struct hv_machine *m, uint32_t lmb, hv_hpte_visit_fn fn, void *ctx)
{
	uint32_t node = m->lmb[lmb].hpte_head;

	while (node) {
		uint32_t slot;
		uint64_t ptex;
		struct hv_hpte_meta *e = node_meta(m, node);

		node_decode(m, node, &slot, &ptex);
		node = e->next;
		fn(m, slot, ptex, ctx);
	}
}

void hv_rmap_visit_lmb(struct hv_machine *m, uint32_t lmb, hv_hpte_visit_fn fn, void *ctx)
{
	static const uint8_t large_shifts[] = { 24, 34 };
	uint64_t lmb_base = (uint64_t)lmb << m->lmb_shift;
	unsigned i;
	uint32_t node;

	hv_rmap_visit_linked(m, lmb, fn, ctx);
	for (i = 0; i < sizeof(large_shifts); i++) {
		uint64_t size = 1ull << large_shifts[i];
		uint64_t base = hv_align_down(lmb_base, size);
		uint32_t base_lmb = (uint32_t)(base >> m->lmb_shift);

		if (size <= m->cfg.lmb_size || base_lmb == lmb) {
			continue;
		}
		node = m->lmb[base_lmb].hpte_head;
		while (node) {
			uint32_t slot;
			uint64_t ptex;
			struct hv_hpte_meta *e = node_meta(m, node);

			node_decode(m, node, &slot, &ptex);
			node = e->next;
			if (hv_hpte_actual_shift(e->gdw0, e->gdw1, 0) == large_shifts[i]) {
				fn(m, slot, ptex, ctx);
			}
		}
	}
}

/* ---- publish and invalidate ---- */

/* ISA 3.0 hardware dword 1: real page, B moved in, guest bits below the page size kept. */
static uint64_t hw_dw1_make(uint64_t gdw0, uint64_t gdw1, hv_raddr_t ra, unsigned actual_shift)
{
	uint64_t low = gdw1 & ((1ull << actual_shift) - 1);

	return (gdw1 & (HPTE_R_PP0 | HPTE_R_KEY_HI)) | (ra.v & HPTE_R3_RPN) | low |
	       ((gdw0 >> HPTE_V_SSIZE_SHIFT) << HPTE_R3_SSIZE_SHIFT);
}

/* Whether a hardware dword 1 lets the partition store under either segment key (PP table §2.4). */
static bool hw_dw1_writable(uint64_t hw1)
{
	unsigned pp = (unsigned)(((hw1 & HPTE_R_PP0) ? 4 : 0) | (hw1 & HPTE_R_PP));

	return pp <= 2;
}

/* What a platform with capabilities needs of a newly valid entry (plat.h); returns dword 1 to publish. */
static uint64_t publish_for_platform(struct hv_machine *m, const struct hv_hpte_meta *e, uint64_t dw1)
{
	if (hv_cap(m, HV_PLAT_CAP_HPTE_R_PRESET)) {
		dw1 |= HPTE_R_R; /* the MMU cannot record references */
	}
	if (hv_cap(m, HV_PLAT_CAP_GUEST_STORES_UNSEEN) && hw_dw1_writable(dw1)) {
		uint64_t size = 1ull << hv_hpte_actual_shift(e->gdw0, e->gdw1, 0);

		/* The partition's stores to the page will not reach plat_mem_dirty: count it written now. */
		plat_mem_dirty(m->plat, hv_ra(hv_align_down(dw1 & HPTE_R3_RPN, size)), size);
	}
	return dw1;
}

/*
 * Writes a valid entry: dword 1 first, then dword 0 with V, so a table walk
 * never sees a valid half-written entry (papr-spec §3.0 "Publishing"). What
 * the platform's MMU needs on top (plat.h capabilities) happens here, for
 * every entry that becomes valid.
 */
static inline void hpte_publish(struct hv_machine *m, const struct hv_hpte_meta *e, hv_raddr_t a, uint64_t dw0,
				uint64_t dw1)
{
	uint8_t *hw = hv_real_ptr(m, a);

	if (__builtin_expect(m->caps != 0, 0)) {
		dw1 = publish_for_platform(m, e, dw1);
	}
	plat_mem_dirty(m->plat, a, HPTE_BYTES);
	hv_st_be64(hw + 8, dw1);
	plat_hpte_sync(m->plat);
	hv_st_be64(hw, dw0);
	plat_hpte_sync(m->plat);
}

void hv_hpte_install(struct hv_machine *m, uint32_t slot, uint64_t ptex, uint64_t gdw0, uint64_t gdw1,
		     hv_raddr_t ra)
{
	struct hv_partition *p = &m->part[slot];
	struct hv_hpte_meta *e = &p->meta[ptex];
	hv_raddr_t a = hv_hpte_addr(p, ptex);
	unsigned actual = hv_hpte_actual_shift(gdw0, gdw1, 0);

	HV_CHECK(m, !(e->gdw0 & HPTE_V_VALID) && actual != 0);
	hv_private_dirty(m, e, sizeof(*e));
	e->gdw0 = gdw0;
	e->gdw1 = gdw1;
	p->hpte_valid++;
	rmap_link(m, slot, ptex, hv_lmb_of(m, ra));
	hpte_publish(m, e, a, gdw0 & HPTE_V3_COMMON, hw_dw1_make(gdw0, gdw1, ra, actual));
}

uint64_t hv_hpte_suspend(struct hv_machine *m, uint32_t slot, uint64_t ptex)
{
	struct hv_partition *p = &m->part[slot];
	struct hv_hpte_meta *e = &p->meta[ptex];
	hv_raddr_t a = hv_hpte_addr(p, ptex);

	uint8_t *hw = hv_real_ptr(m, a);

	/* No dirty marking: a valid entry was marked when it was published. */
	hv_st_be64(hw, hv_ld_be64(hw) & ~HPTE_V_VALID);
	/* The platform's flush is the whole ptesync; tlbie; eieio; tlbsync; ptesync sequence. */
	plat_tlb_flush_entry(m->plat, p->lpid, hv_hpte_tlbie_rb(e->gdw0, e->gdw1, ptex));
	/* Only now are R/C stable: hardware may set them until the tlbie completes. */
	return hv_real_ld64(m, hv_ra_add(a, 8)) & HPTE_R_RC;
}

void hv_hpte_resume(struct hv_machine *m, uint32_t slot, uint64_t ptex, uint64_t hw_dw1)
{
	struct hv_partition *p = &m->part[slot];
	const struct hv_hpte_meta *e = &p->meta[ptex];

	HV_CHECK(m, (e->gdw0 & HPTE_V_VALID) != 0);
	hpte_publish(m, e, hv_hpte_addr(p, ptex), e->gdw0 & HPTE_V3_COMMON, hw_dw1);
}

uint64_t hv_hpte_invalidate(struct hv_machine *m, uint32_t slot, uint64_t ptex)
{
	struct hv_partition *p = &m->part[slot];
	struct hv_hpte_meta *e = &p->meta[ptex];
	hv_raddr_t a = hv_hpte_addr(p, ptex);
	uint64_t rc = 0, gdw1;

	if (hv_hpte_valid(m, p, ptex)) {
		rc = hv_hpte_suspend(m, slot, ptex);
	}
	gdw1 = e->gdw1 | rc;
	if (e->gdw0 & HPTE_V_VALID) {
		rmap_unlink(m, slot, ptex);
		p->hpte_valid--;
	}
	/* Dirty already: the entry was written when it was published. */
	hv_memset(hv_real_ptr(m, a), 0, HPTE_BYTES);
	hv_private_dirty(m, e, sizeof(*e));
	e->gdw0 = e->gdw1 = 0;
	e->next = e->prev = e->lmb = 0;
	return gdw1;
}

void hv_hpte_move(struct hv_machine *m, uint32_t slot, uint64_t ptex, uint32_t new_lmb)
{
	struct hv_partition *p = &m->part[slot];
	struct hv_hpte_meta *e = &p->meta[ptex];
	uint64_t old_base = (uint64_t)e->lmb << m->lmb_shift, new_base = (uint64_t)new_lmb << m->lmb_shift;
	/* Relocation suspends (and flushes) the entries before copying; flush only what is still live. */
	uint64_t rc = hv_hpte_valid(m, p, ptex) ? hv_hpte_suspend(m, slot, ptex) : 0;
	uint64_t hw1 = hv_hpte_hw_dw1(m, p, ptex);
	uint64_t rpn = hw1 & HPTE_R3_RPN;

	rmap_unlink(m, slot, ptex);
	rmap_link(m, slot, ptex, new_lmb);
	hw1 = (hw1 & ~HPTE_R3_RPN) | ((rpn - old_base + new_base) & HPTE_R3_RPN) | rc;
	hv_hpte_resume(m, slot, ptex, hw1);
}
