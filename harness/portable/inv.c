/*
 * The invariant checker (DESIGN.md §2, papr-spec §7.2): the oracles that
 * judge the core after every operation of a program, and a full sweep at
 * the end of a run.
 *
 * It trusts nothing the core computes: it reads the raw tables (the LMB
 * table, the big-endian hardware HPT in the ISA 3.0 format, the guest-view
 * shadow, logical maps, TCE tables, save areas, live registers) through the
 * public struct layouts of hv/machine.h and recomputes page sizes,
 * ownership and translations itself. Portable like hv/core: no libc, no
 * allocation, every loop bounded by table geometry.
 *
 * Cost: per-operation checks are O(what the operation touched) — an HPT
 * group, a TCE run, a register file, the emulated TLB. Management
 * operations that rewrite translations (memory removal, relocation,
 * migration) rescan the actor's HPT and windows; relocation and migration
 * also hash the partition's logical view (relocation: the LMB it moves)
 * before and after. Sweeps, hashes and zero tests skip the 4 KiB pages
 * x->touched says nobody wrote since the platform's reset (they read zero)
 * and all-zero 512-byte blocks; without the hook they read everything.
 * Thorough mode (struct lp_inv_state) trusts nothing and reports at the
 * cause.
 *
 * Order, when one state breaks several: I2 before I1 for the same entry,
 * a reference to memory that just left (I4 / I11) before I1 / I3; in the
 * final sweep I1-I3, I4, I9, I5, then the model comparison (I6-I8).
 */
#include "lparsec/inv.h"

#include "hv/papr.h"

_Static_assert(LP_INV_LMAP == LP_LOGICAL_LMBS, "the snapshot follows every logical LMB");

/* ---- hardware (ISA 3.0) HPTE fields, papr-spec §2.2-§2.5 ---- */
#define HW0_V       0x1ull
#define HW0_L       0x4ull
#define HW0_AVPN    0x000FFFFFFFFFFF80ull
#define HW1_B       0x0C00000000000000ull
#define HW1_RPN     0x01FFFFFFFFFFF000ull
#define HW1_PP0     0x8000000000000000ull
#define HW1_PP      0x3ull
#define G1_RPN      0x0FFFFFFFFFFFF000ull /* guest (hcall-format) dword 1 page number */
#define DW1_RC      0x180ull
#define TCE_PERM    0x3ull
#define PAGE_4K     4096ull
#define VPA_YIELD   0x100ull              /* be32 the hypervisor bumps on every dispatch / preemption */

/* V of a big-endian doubleword, tested on its native (unswapped) load. */
#define NATIVE_V    (HV_HOST_BIG_ENDIAN ? 1ull : (1ull << 56))

#define FNV_OFFSET  0xcbf29ce484222325ull
#define FNV_PRIME   0x100000001b3ull

/* ================================================================== */
/* Messages                                                             */
/* ================================================================== */

const char *lp_inv_name(unsigned inv)
{
	static const char *const names[] = { "none", "I1", "I2", "I3", "I4", "I5", "I6",
					     "I7",   "I8", "I9", "I10", "I11" };

	return inv < sizeof(names) / sizeof(names[0]) ? names[inv] : "I?";
}

struct text {
	char *buf;
	unsigned len, cap; /* cap includes the terminating NUL */
};

static void t_str(struct text *t, const char *s)
{
	while (*s && t->len + 1 < t->cap) {
		t->buf[t->len++] = *s++;
	}
	t->buf[t->len] = 0;
}

static void t_hex(struct text *t, uint64_t v)
{
	char d[19];
	unsigned n = 0, i;

	d[n++] = '0';
	d[n++] = 'x';
	for (i = 16; i-- > 0;) {
		unsigned nib = (unsigned)(v >> (4 * i)) & 0xF;

		if (nib || n > 2 || i == 0) {
			d[n++] = (char)(nib < 10 ? '0' + nib : 'a' + nib - 10);
		}
	}
	d[n] = 0;
	t_str(t, d);
}

static void t_dec(struct text *t, uint64_t v)
{
	char d[21];
	unsigned n = sizeof(d) - 1;

	d[n] = 0;
	do {
		d[--n] = (char)('0' + v % 10);
		v /= 10;
	} while (v && n);
	t_str(t, &d[n]);
}

enum lp_inv lp_violate(struct lp_exec *x, enum lp_inv inv, uint32_t opi, const char *msg, uint64_t a, uint64_t b)
{
	struct text t = { x->viol.msg, 0, sizeof(x->viol.msg) };
	unsigned room = sizeof(x->viol.msg) - 44; /* " a=0x<16> b=0x<16>" always fits */
	unsigned i;

	for (i = 0; msg && msg[i] && i < room; i++) {
		t.buf[t.len++] = msg[i] == '\n' ? ' ' : msg[i];
	}
	t.buf[t.len] = 0;
	t_str(&t, " a=");
	t_hex(&t, a);
	t_str(&t, " b=");
	t_hex(&t, b);
	x->viol.inv = (uint8_t)inv;
	x->viol.op = (uint16_t)opi;
	return inv;
}

/* ================================================================== */
/* Raw machine access (the checker's own, sharing nothing with hv/core) */
/* ================================================================== */

static inline uint64_t ld64n(const uint8_t *p)
{
	uint64_t v;

	__builtin_memcpy(&v, p, 8);
	return v;
}

static bool mach_ok(const struct hv_machine *m)
{
	return m->mem && m->lmb && m->mem_size && hv_is_pow2(m->cfg.lmb_size) && m->cfg.lmb_size >= PAGE_4K;
}

static unsigned lmb_shift(const struct hv_machine *m)
{
	return (unsigned)__builtin_ctzll(m->cfg.lmb_size);
}

static uint32_t lmb_total(const struct hv_machine *m)
{
	return (uint32_t)(m->mem_size >> lmb_shift(m));
}

static uint64_t rd64(const struct hv_machine *m, uint64_t ra)
{
	return ra + 8 <= m->mem_size ? hv_ld_be64(m->mem + ra) : 0;
}

static struct hv_partition *part_at(struct hv_machine *m, unsigned slot)
{
	if (slot >= m->cfg.max_partitions || slot >= HV_MAX_PARTITIONS || !m->part[slot].active) {
		return 0;
	}
	return &m->part[slot];
}

/* The HPT (and its shadow) lie in memory: how many entries can be read safely. */
static uint64_t hpt_entries(const struct hv_machine *m, const struct hv_partition *p)
{
	if (!p->meta || p->hpt.v > m->mem_size || p->nhpte > (m->mem_size - p->hpt.v) / HPTE_BYTES) {
		return 0;
	}
	return p->nhpte;
}

static uint32_t lmap_entries(const struct hv_machine *m, const struct hv_partition *p)
{
	uint32_t n = m->cfg.logical_lmbs_max;

	return p->lmap ? (n < LP_INV_LMAP ? n : LP_INV_LMAP) : 0;
}

static uint32_t window_entries(const struct hv_machine *m, const struct hv_window *w)
{
	uint64_t n = w->entries;

	if (n > m->cfg.window_entries_max) {
		n = m->cfg.window_entries_max;
	}
	if (w->table.v > m->mem_size || w->shadow.v > m->mem_size || n > (m->mem_size - w->table.v) / 8 ||
	    n > (m->mem_size - w->shadow.v) / 8) {
		return 0;
	}
	return (uint32_t)n;
}

/*
 * Thorough checking (x->inv.thorough, or any run with the test backdoor)
 * trusts no touched hook, reads LMBs back as they leave a partition and
 * rescans a migration's source slot at once (fast mode leaves those to the
 * next owner's check and the final sweep), and has the final sweep compare
 * every stopped vCPU's save area with the harness's record. Violations are
 * then reported at the operation that caused them. Milliseconds per run.
 */
static bool thorough(const struct lp_exec *x)
{
	return x->inv.thorough || x->backdoor_enabled;
}

static unsigned mach_index(const struct lp_exec *x, const struct hv_machine *m)
{
	return m == &x->m[1] ? 1 : 0;
}

/*
 * Must a sweep read [ra, ra + len) of machine? Memory nobody wrote since the
 * platform's reset reads zero, and x->touched (fed by the platform's dirty
 * tracking) says which that is. Thorough checking trusts nothing.
 */
static bool written(const struct lp_exec *x, unsigned mach, uint64_t ra, uint64_t len)
{
	return thorough(x) || lp_touched(x, mach, ra, len);
}

static bool bit_get(const uint64_t *map, uint32_t i)
{
	return i < LP_INV_MAX_LMBS && ((map[i / 64] >> (i % 64)) & 1);
}

static void bit_set(uint64_t *map, uint32_t i)
{
	if (i < LP_INV_MAX_LMBS) {
		map[i / 64] |= 1ull << (i % 64);
	}
}

/* True when [p, p + len) is all zero (len a multiple of 512). Blocks OR-reduce, which vectorises. */
static bool mem_zero(const uint8_t *p, uint64_t len)
{
	uint64_t off;

	for (off = 0; off < len; off += 512) {
		uint64_t acc = 0;
		unsigned j;

		for (j = 0; j < 64; j++) {
			acc |= ld64n(p + off + 8 * j);
		}
		if (acc) {
			return false;
		}
	}
	return true;
}

static bool lmb_zero(const struct lp_exec *x, unsigned mach, uint32_t lmb)
{
	const struct hv_machine *m = &x->m[mach];
	uint64_t ra = (uint64_t)lmb << lmb_shift(m);

	return !written(x, mach, ra, m->cfg.lmb_size) || mem_zero(m->mem + ra, m->cfg.lmb_size);
}

/* ---- page sizes (papr-spec §2.5), decoded by the checker itself ---- */

static const struct {
	uint8_t actual, enc;
} page_sizes[] = {
	{ 16, 0x7 }, { 24, 0x38 }, { 16, 0x1 }, { 24, 0x8 }, { 24, 0x0 }, { 34, 0x3 },
};

/* Actual page shift of an entry: L in dword 0, LP in dword 1 bits 12 and up; 0 = undecodable. */
static unsigned page_shift(uint64_t dw0, uint64_t dw1)
{
	unsigned i;

	if (!(dw0 & HW0_L)) {
		return 12;
	}
	for (i = 0; i < sizeof(page_sizes) / sizeof(page_sizes[0]); i++) {
		uint64_t mask = ((1ull << page_sizes[i].actual) - 1) & ~0xFFFull;

		if ((dw1 & mask) == ((uint64_t)page_sizes[i].enc << 12)) {
			return page_sizes[i].actual;
		}
	}
	return 0;
}

/* Key-0 column of the PP table (§2.4): writable iff PP in {000, 001, 010}. */
static bool pp_writable(uint64_t dw1)
{
	return !(dw1 & HW1_PP0) && (dw1 & HW1_PP) != 3;
}

/* ================================================================== */
/* One check context: which machine/partition, what has departed        */
/* ================================================================== */

struct chk {
	struct lp_exec *x;
	uint32_t opi;
	struct hv_machine *m;
	unsigned mach;
	unsigned shift;
	uint32_t nlmb;
	/* Real LMBs (of this machine) and logical LMBs that just left: references to them are dep_inv. */
	const uint64_t *dep_real;
	uint64_t dep_logical;
	uint8_t dep_inv;
	/* I11: hardware entries and TCEs must agree with the guest view through the logical map. */
	bool consistency;
	/* Out: hardware-valid HPTEs seen by the last full HPT scan, and (when hashing) their guest view. */
	uint64_t hw_valid;
	bool hashing;
	uint64_t hash;
};

static void chk_init(struct chk *c, struct lp_exec *x, uint32_t opi, struct hv_machine *m)
{
	c->x = x;
	c->opi = opi;
	c->m = m;
	c->mach = mach_index(x, m);
	c->shift = lmb_shift(m);
	c->nlmb = lmb_total(m);
	c->dep_real = 0;
	c->dep_logical = 0;
	c->dep_inv = LP_INV_NONE;
	c->consistency = false;
	c->hw_valid = 0;
	c->hashing = false;
	c->hash = 0;
}

static enum lp_inv chk_fail(const struct chk *c, enum lp_inv inv, const char *msg, uint64_t a, uint64_t b)
{
	return lp_violate(c->x, inv, c->opi, msg, a, b);
}

static inline uint64_t mix(uint64_t h, uint64_t v)
{
	h = (h ^ v) * FNV_PRIME; /* FNV-1a over 64-bit words... */
	return h ^ (h >> 29);    /* ...with a fold so high bits reach low ones (still a bijection) */
}

/* I11: what the partition sees of HPTE ptex (its guest view without R/C), folded into h. */
static uint64_t hash_entry(uint64_t h, const struct hv_partition *p, uint64_t ptex)
{
	return mix(mix(mix(h, ptex), p->meta[ptex].gdw0), p->meta[ptex].gdw1 & ~DW1_RC);
}

/* How real [base, base + size) relates to partition slot. */
struct rclass {
	bool hyp;       /* touches the hypervisor region */
	bool foreign;   /* touches memory slot does not own (free, another partition's, outside memory) */
	bool departed;  /* touches an LMB that just left */
};

static void classify(const struct chk *c, uint64_t base, uint64_t size, unsigned slot, struct rclass *r)
{
	uint64_t mem = c->m->mem_size, first, last, i;

	r->hyp = r->foreign = r->departed = false;
	if (size == 0 || base >= mem) {
		r->foreign = true;
		return;
	}
	if (base + size < base || base + size > mem) {
		r->foreign = true; /* the tail lies outside memory; still look at what is inside */
		size = mem - base;
	}
	first = base >> c->shift;
	last = (base + size - 1) >> c->shift;
	for (i = first; i <= last && i < c->nlmb; i++) { /* bounded by the LMB count */
		const struct hv_lmb *l = &c->m->lmb[i];

		if (l->state == HV_LMB_HYP) {
			r->hyp = true;
		} else if (l->state != HV_LMB_ASSIGNED || l->owner != slot) {
			r->foreign = true;
		}
		if (c->dep_real && bit_get(c->dep_real, (uint32_t)i)) {
			r->departed = true;
		}
	}
}

/* Real address behind logical address la of p through its logical map (the checker's translation). */
static bool lmap_real(const struct chk *c, const struct hv_partition *p, uint64_t la, uint64_t *ra)
{
	uint64_t l = la >> c->shift;

	if (l >= lmap_entries(c->m, p) || !p->lmap[l]) {
		return false;
	}
	*ra = ((uint64_t)(p->lmap[l] - 1) << c->shift) | (la & (c->m->cfg.lmb_size - 1));
	return true;
}

/* Logical LMBs [la, la + size) touches, as a mask over the followed ones. */
static uint64_t logical_mask(const struct chk *c, uint64_t la, uint64_t size)
{
	uint64_t first = la >> c->shift, last = (la + size - 1) >> c->shift, mask = 0, i;

	if (size == 0 || la + size < la) {
		return 0;
	}
	for (i = first; i <= last && i < LP_INV_LMAP; i++) {
		mask |= 1ull << i;
	}
	return mask;
}

/* ---- HPTE ---- */

/* I11 consistency: hardware entry ptex maps what its guest view names, through the logical map. */
static enum lp_inv hpte_consistent(const struct chk *c, const struct hv_partition *p, uint64_t ptex, unsigned shift,
				   uint64_t base)
{
	const struct hv_hpte_meta *e = &p->meta[ptex];
	uint64_t size = 1ull << shift, lpa, ra;

	if (!(e->gdw0 & HPTE_V_VALID)) {
		return chk_fail(c, LP_INV_I11, "hardware HPTE valid without a guest view", ptex, base);
	}
	if (page_shift(e->gdw0, e->gdw1) != shift) {
		return chk_fail(c, LP_INV_I11, "hardware HPTE page size differs from its guest view", ptex, e->gdw1);
	}
	lpa = (e->gdw1 & G1_RPN) & ~(size - 1);
	if (!lmap_real(c, p, lpa, &ra) || ra != base) {
		return chk_fail(c, LP_INV_I11, "HPTE not retargeted: maps other real memory than its logical page", ptex,
				base);
	}
	return LP_INV_NONE;
}

/* I2, departed (I4/I11), I1 for hardware HPTE ptex of p (slot). */
static enum lp_inv check_hw_hpte(struct chk *c, struct hv_partition *p, unsigned slot, uint64_t ptex)
{
	const uint8_t *e = c->m->mem + p->hpt.v + ptex * HPTE_BYTES;
	uint64_t hw0 = hv_ld_be64(e), hw1, size, base;
	unsigned shift;
	struct rclass r;

	if (!(hw0 & HW0_V)) {
		return LP_INV_NONE;
	}
	c->hw_valid++;
	if (c->hashing) {
		c->hash = hash_entry(c->hash, p, ptex);
	}
	hw1 = hv_ld_be64(e + 8);
	shift = page_shift(hw0, hw1);
	if (!shift) {
		return chk_fail(c, LP_INV_I1, "valid HPTE with an undecodable page size", ptex, hw1);
	}
	size = 1ull << shift;
	base = (hw1 & HW1_RPN) & ~(size - 1);
	classify(c, base, size, slot, &r);
	if (r.hyp) {
		return chk_fail(c, LP_INV_I2, "valid HPTE maps hypervisor memory", ptex, base);
	}
	if (r.departed) {
		return chk_fail(c, (enum lp_inv)c->dep_inv, "valid HPTE still maps an LMB that left the partition", ptex,
				base);
	}
	if (r.foreign) {
		return chk_fail(c, LP_INV_I1, "valid HPTE maps real memory its partition does not own", ptex, base);
	}
	return c->consistency ? hpte_consistent(c, p, ptex, shift, base) : LP_INV_NONE;
}

/* Guest-view entry ptex still naming a departed logical LMB (I4). */
static enum lp_inv check_meta_departed(struct chk *c, const struct hv_partition *p, uint64_t ptex)
{
	const struct hv_hpte_meta *e = &p->meta[ptex];
	unsigned shift;
	uint64_t size;

	if (!(e->gdw0 & HPTE_V_VALID) || !c->dep_logical) {
		return LP_INV_NONE;
	}
	shift = page_shift(e->gdw0, e->gdw1);
	if (!shift) {
		return LP_INV_NONE;
	}
	size = 1ull << shift;
	if (logical_mask(c, (e->gdw1 & G1_RPN) & ~(size - 1), size) & c->dep_logical) {
		return chk_fail(c, (enum lp_inv)c->dep_inv, "HPTE guest view still maps an LMB that left the partition",
				ptex, e->gdw1);
	}
	return LP_INV_NONE;
}

/*
 * Every hardware HPTE of p: 4 KiB pages nobody wrote and 512-byte blocks
 * that read all zero are skipped at once.
 */
static enum lp_inv scan_hpt(struct chk *c, struct hv_partition *p, unsigned slot, bool with_meta)
{
	uint64_t n = hpt_entries(c->m, p), g, ptex;
	const uint8_t *hpt = c->m->mem + p->hpt.v;
	bool page = true;

	c->hw_valid = 0;
	for (g = 0; g + 32 <= n; g += 32) {
		if (g % 256 == 0) {
			page = written(c->x, c->mach, p->hpt.v + g * HPTE_BYTES, 256 * HPTE_BYTES);
		}
		if (page && !mem_zero(hpt + g * HPTE_BYTES, 32 * HPTE_BYTES)) {
			for (ptex = g; ptex < g + 32; ptex++) {
				if (check_hw_hpte(c, p, slot, ptex) != LP_INV_NONE) {
					return (enum lp_inv)c->x->viol.inv;
				}
			}
		}
		if (with_meta &&
		    written(c->x, c->mach, (uint64_t)((const uint8_t *)&p->meta[g] - c->m->mem),
			    32 * sizeof(struct hv_hpte_meta)) &&
		    !mem_zero((const uint8_t *)&p->meta[g], 32 * sizeof(struct hv_hpte_meta))) {
			for (ptex = g; ptex < g + 32; ptex++) {
				if (check_meta_departed(c, p, ptex) != LP_INV_NONE) {
					return (enum lp_inv)c->x->viol.inv;
				}
			}
		}
	}
	for (ptex = g; ptex < n; ptex++) { /* an HPT is a multiple of 32 entries; just in case */
		if (check_hw_hpte(c, p, slot, ptex) != LP_INV_NONE ||
		    (with_meta && check_meta_departed(c, p, ptex) != LP_INV_NONE)) {
			return (enum lp_inv)c->x->viol.inv;
		}
	}
	return LP_INV_NONE;
}

/* ---- TCE ---- */

/* I11 consistency of TCE idx of w: the adapter's entry is the partition's entry translated. */
static enum lp_inv tce_consistent(const struct chk *c, const struct hv_window *w, uint32_t idx, uint64_t real)
{
	const struct hv_partition *p = part_at(c->m, w->owner);
	uint64_t logical = rd64(c->m, w->shadow.v + 8ull * idx), ra = 0;
	bool mapped = p && lmap_real(c, p, logical & ~(PAGE_4K - 1), &ra);

	if (real & TCE_PERM) {
		if (!mapped || (real & ~(PAGE_4K - 1)) != ra || (real & TCE_PERM) != (logical & TCE_PERM)) {
			return chk_fail(c, LP_INV_I11, "TCE not retargeted: adapter reaches other memory than the partition set",
					idx, real);
		}
	} else if ((logical & TCE_PERM) && mapped) {
		return chk_fail(c, LP_INV_I11, "TCE lost its translation although its logical page is owned", idx, logical);
	}
	return LP_INV_NONE;
}

/* I2, departed, I3 for the adapter's TCE idx of window w (judged for the window's owner). */
static enum lp_inv check_tce(struct chk *c, const struct hv_window *w, uint32_t idx)
{
	uint64_t real = rd64(c->m, w->table.v + 8ull * idx), page = real & ~(PAGE_4K - 1);
	struct rclass r;

	if (c->dep_logical) {
		uint64_t logical = rd64(c->m, w->shadow.v + 8ull * idx);

		if ((logical & TCE_PERM) && (logical_mask(c, logical & ~(PAGE_4K - 1), PAGE_4K) & c->dep_logical)) {
			return chk_fail(c, (enum lp_inv)c->dep_inv,
					"TCE the partition sees still maps an LMB that left it", idx, logical);
		}
	}
	if (real & TCE_PERM) {
		classify(c, page, PAGE_4K, w->owner, &r);
		if (r.hyp) {
			return chk_fail(c, LP_INV_I2, "TCE grants DMA to hypervisor memory", w->liobn, real);
		}
		if (r.departed) {
			return chk_fail(c, (enum lp_inv)c->dep_inv, "TCE still grants DMA to an LMB that left the partition",
					w->liobn, real);
		}
		if (r.foreign) {
			return chk_fail(c, LP_INV_I3, "TCE grants DMA to memory the window's owner does not own", w->liobn,
					real);
		}
	}
	return c->consistency ? tce_consistent(c, w, idx, real) : LP_INV_NONE;
}

static enum lp_inv check_window(struct chk *c, const struct hv_window *w)
{
	uint32_t n = window_entries(c->m, w), g, i;
	const uint8_t *table = c->m->mem + w->table.v, *shadow = c->m->mem + w->shadow.v;
	bool need_shadow = c->dep_logical || c->consistency;

	if (n && !written(c->x, c->mach, w->table.v, 8ull * n) &&
	    (!need_shadow || !written(c->x, c->mach, w->shadow.v, 8ull * n))) {
		return LP_INV_NONE; /* never written: all zero */
	}
	for (g = 0; g < n; g += 64) {
		uint32_t end = g + 64 < n ? g + 64 : n;

		/* 64 entries of neither table set: nothing to judge (both are needed for departed / consistency). */
		if (end == g + 64 && mem_zero(table + 8ull * g, 512) && (!need_shadow || mem_zero(shadow + 8ull * g, 512))) {
			continue;
		}
		for (i = g; i < end; i++) {
			if (check_tce(c, w, i) != LP_INV_NONE) {
				return (enum lp_inv)c->x->viol.inv;
			}
		}
	}
	return LP_INV_NONE;
}

/* Every active window owned by slot (or every active window when slot < 0). */
static enum lp_inv check_windows(struct chk *c, int slot)
{
	uint32_t i;

	for (i = 0; i < c->m->cfg.max_windows && i < HV_MAX_WINDOWS; i++) {
		const struct hv_window *w = &c->m->win[i];

		if (w->active && (slot < 0 || w->owner == (unsigned)slot) && check_window(c, w) != LP_INV_NONE) {
			return (enum lp_inv)c->x->viol.inv;
		}
	}
	return LP_INV_NONE;
}

/* ---- logical map and registrations ---- */

/* Every logical LMB of p names a real LMB p owns (I2 when it names the hypervisor region). */
static enum lp_inv check_lmap(struct chk *c, const struct hv_partition *p, unsigned slot)
{
	uint32_t n = lmap_entries(c->m, p), i;

	for (i = 0; i < n; i++) {
		uint32_t e = p->lmap[i], r;

		if (!e) {
			continue;
		}
		r = e - 1;
		if (r >= c->nlmb) {
			return chk_fail(c, LP_INV_I1, "logical map names an LMB outside memory", i, r);
		}
		if (c->m->lmb[r].state == HV_LMB_HYP) {
			return chk_fail(c, LP_INV_I2, "logical map names hypervisor memory", i, r);
		}
		if (c->dep_real && bit_get(c->dep_real, r)) {
			return chk_fail(c, (enum lp_inv)c->dep_inv, "logical map still names an LMB that left the partition",
					i, r);
		}
		if (c->m->lmb[r].state != HV_LMB_ASSIGNED || c->m->lmb[r].owner != slot) {
			return chk_fail(c, LP_INV_I1, "logical map names an LMB the partition does not own", i, r);
		}
	}
	return LP_INV_NONE;
}

/* VPA / DTL / SLB-shadow registrations of p: never in hypervisor memory, never in a departed LMB. */
static enum lp_inv check_areas(struct chk *c, const struct hv_partition *p)
{
	uint32_t v, k;

	for (v = 0; v < c->m->cfg.max_vcpus && v < HV_MAX_VCPUS; v++) {
		const struct hv_area *areas[3] = { &p->vcpu[v].vpa, &p->vcpu[v].dtl, &p->vcpu[v].slb };

		for (k = 0; k < 3; k++) {
			const struct hv_area *a = areas[k];
			uint64_t len = a->len ? a->len : 1, off;

			if (!a->on) {
				continue;
			}
			if (logical_mask(c, a->la, len) & c->dep_logical) {
				return chk_fail(c, (enum lp_inv)c->dep_inv,
						"registration still lies in an LMB that left the partition", v, a->la);
			}
			/* First and last byte (an area is at most 4 KiB, so at most two LMBs). */
			for (off = 0; off < 2; off++) {
				uint64_t la = off ? a->la + len - 1 : a->la, ra;

				if (lmap_real(c, p, la, &ra) && (ra >> c->shift) < c->nlmb &&
				    c->m->lmb[ra >> c->shift].state == HV_LMB_HYP) {
					return chk_fail(c, LP_INV_I2, "registered area lies in hypervisor memory", v, ra);
				}
			}
		}
	}
	return LP_INV_NONE;
}

/* I1-I3 over one partition: logical map, HPT (optional), its windows, its registrations. */
static enum lp_inv check_partition(struct chk *c, unsigned slot, bool hpt, bool with_meta)
{
	struct hv_partition *p = part_at(c->m, slot);

	if (!p) {
		return LP_INV_NONE;
	}
	if (check_lmap(c, p, slot) != LP_INV_NONE || (hpt && scan_hpt(c, p, slot, with_meta) != LP_INV_NONE) ||
	    check_windows(c, (int)slot) != LP_INV_NONE || check_areas(c, p) != LP_INV_NONE) {
		return (enum lp_inv)c->x->viol.inv;
	}
	return LP_INV_NONE;
}

/* ================================================================== */
/* Hashing the logical view (I11)                                       */
/* ================================================================== */

static bool excluded(const struct lp_inv_snap *s, uint64_t la)
{
	uint32_t i;

	for (i = 0; i < s->nexclude && i < LP_INV_EXCLUDE; i++) {
		if (s->exclude[i] == la) {
			return true;
		}
	}
	return false;
}

/* Contents of the owned logical LMBs in s->hash_mask, through the logical map (non-zero doublewords). */
static uint64_t hash_memory(const struct chk *c, const struct hv_partition *p, const struct lp_inv_snap *s)
{
	uint64_t h = FNV_OFFSET, size = c->m->cfg.lmb_size;
	uint32_t n = lmap_entries(c->m, p), l;

	for (l = 0; l < n; l++) {
		uint32_t e = p->lmap[l];
		const uint8_t *base;
		uint64_t off;

		if (!e || e - 1 >= c->nlmb || !((s->hash_mask >> l) & 1)) {
			continue;
		}
		h = mix(h, 0x4C4D4200ull | l);
		if (!written(c->x, c->mach, (uint64_t)(e - 1) << c->shift, size)) {
			continue; /* never written: all zero */
		}
		base = c->m->mem + ((uint64_t)(e - 1) << c->shift);
		for (off = 0; off < size; off += 512) {
			unsigned j;

			if (off % PAGE_4K == 0 && !written(c->x, c->mach, ((uint64_t)(e - 1) << c->shift) + off, PAGE_4K)) {
				off += PAGE_4K - 512; /* an unwritten page is zero: nothing to hash */
				continue;
			}
			if (mem_zero(base + off, 512)) {
				continue;
			}
			for (j = 0; j < 64; j++) {
				uint64_t w = ld64n(base + off + 8 * j), la = ((uint64_t)l << c->shift) + off + 8 * j;

				if (w && !excluded(s, la)) {
					h = mix(mix(h, la), w);
				}
			}
		}
	}
	return h;
}

/*
 * The guest view of every hardware-valid HPTE (what the partition can reach
 * and what H_READ shows). Entries valid only in the shadow are the model
 * comparison's business (full sweep).
 */
static uint64_t hash_hpt(const struct chk *c, const struct hv_partition *p)
{
	uint64_t h = FNV_OFFSET, n = hpt_entries(c->m, p), g, ptex;
	const uint8_t *hpt = c->m->mem + p->hpt.v;

	for (g = 0; g < n; g += 32) {
		uint64_t end = g + 32 < n ? g + 32 : n;

		if (g % 256 == 0 && end == g + 32 && !written(c->x, c->mach, p->hpt.v + g * HPTE_BYTES, 256 * HPTE_BYTES)) {
			g += 256 - 32; /* an unwritten page of the HPT: no valid entry */
			continue;
		}
		if (end == g + 32 && mem_zero(hpt + g * HPTE_BYTES, 32 * HPTE_BYTES)) {
			continue;
		}
		for (ptex = g; ptex < end; ptex++) {
			if (ld64n(hpt + ptex * HPTE_BYTES) & NATIVE_V) {
				h = hash_entry(h, p, ptex);
			}
		}
	}
	return h;
}

/* Every window of slot: LIOBN, geometry, logical TCEs; summed so the windows' order does not matter. */
static uint64_t hash_tces(const struct chk *c, unsigned slot)
{
	uint64_t sum = 0;
	uint32_t i, k;

	for (i = 0; i < c->m->cfg.max_windows && i < HV_MAX_WINDOWS; i++) {
		const struct hv_window *w = &c->m->win[i];
		uint32_t n;
		uint64_t h;

		if (!w->active || w->owner != slot) {
			continue;
		}
		n = window_entries(c->m, w);
		h = mix(mix(mix(FNV_OFFSET, w->liobn), w->bus_offset), w->entries);
		for (k = 0; k < n; k++) {
			uint64_t t = rd64(c->m, w->shadow.v + 8ull * k);

			if (t) {
				h = mix(mix(h, k), t);
			}
		}
		sum += h;
	}
	return sum;
}

/* Which vCPUs exist and what they registered. */
static uint64_t hash_vcpus(const struct chk *c, const struct hv_partition *p)
{
	uint64_t h = FNV_OFFSET;
	uint32_t v, k;

	for (v = 0; v < c->m->cfg.max_vcpus && v < HV_MAX_VCPUS; v++) {
		const struct hv_area *areas[3] = { &p->vcpu[v].vpa, &p->vcpu[v].dtl, &p->vcpu[v].slb };

		h = mix(h, p->vcpu[v].state != HV_VCPU_ABSENT);
		for (k = 0; k < 3; k++) {
			h = areas[k]->on ? mix(mix(h, areas[k]->la), areas[k]->len) : mix(h, 0);
		}
	}
	return h;
}

/* ================================================================== */
/* Snapshots: lp_inv_before                                             */
/* ================================================================== */

void lp_inv_before(struct lp_exec *x, uint32_t opi)
{
	const struct lp_op *op = &x->prog->op[opi];
	struct lp_inv_snap *s = &x->inv.snap;
	const struct lp_part_loc *loc;
	struct hv_machine *m;
	struct hv_partition *p;
	struct chk c;
	uint32_t n, i;

	s->valid = false;
	if (op->part >= LP_MAX_PARTS || !x->loc[op->part].alive) {
		return;
	}
	loc = &x->loc[op->part];
	m = &x->m[loc->machine & 1];
	p = mach_ok(m) ? part_at(m, loc->slot) : 0;
	if (!p) {
		return;
	}
	chk_init(&c, x, opi, m);
	s->valid = true;
	s->kind = op->kind;
	s->part = op->part;
	s->machine = loc->machine & 1;
	s->slot = loc->slot;
	s->opi = opi;
	n = lmap_entries(m, p);
	for (i = 0; i < LP_INV_LMAP; i++) {
		s->lmap[i] = i < n ? p->lmap[i] : 0;
	}
	s->hashed = op->kind == LP_OP_RELOCATE || op->kind == LP_OP_MIGRATE;
	if (!s->hashed) {
		return;
	}
	/* Relocation moves logical LMB op->a (and must move nothing else); migration moves them all. */
	s->hash_mask = op->kind == LP_OP_MIGRATE ? ~0ull : op->a < LP_INV_LMAP ? 1ull << op->a : 0;
	/* The one word the hypervisor itself writes into partition memory while moving it. */
	s->nexclude = 0;
	for (i = 0; i < m->cfg.max_vcpus && i < HV_MAX_VCPUS && s->nexclude < LP_INV_EXCLUDE; i++) {
		if (p->vcpu[i].vpa.on) {
			s->exclude[s->nexclude++] = (p->vcpu[i].vpa.la + VPA_YIELD) & ~7ull;
		}
	}
	s->h_mem = hash_memory(&c, p, s);
	s->h_hpt = hash_hpt(&c, p);
	s->h_tce = hash_tces(&c, loc->slot);
	s->h_vcpu = hash_vcpus(&c, p);
}

/* ================================================================== */
/* I4: memory entering and leaving a partition                          */
/* ================================================================== */

/* Departed real LMBs: in the snapshot's map, but no longer behind the same logical LMB. */
static uint64_t departed_set(const struct lp_exec *x, const struct lp_inv_snap *s, uint64_t dep[LP_INV_LMB_WORDS],
			     bool all)
{
	struct hv_machine *m = (struct hv_machine *)&x->m[s->machine];
	const struct hv_partition *p = part_at(m, s->slot);
	uint32_t n = p ? lmap_entries(m, p) : 0, i;
	uint64_t logical = 0;

	for (i = 0; i < LP_INV_LMB_WORDS; i++) {
		dep[i] = 0;
	}
	for (i = 0; i < LP_INV_LMAP; i++) {
		uint32_t now = (!all && i < n) ? p->lmap[i] : 0;

		if (s->lmap[i] && s->lmap[i] != now) {
			bit_set(dep, s->lmap[i] - 1);
			logical |= 1ull << i;
		}
	}
	return logical;
}

/*
 * Every departed LMB is back in the free pool. That it reads zero is checked
 * here when thorough; otherwise before anyone else could see it: MEM_ADD
 * reads the LMB it hands over, relocation and migration overwrite their
 * target LMBs whole, and the final sweep reads whatever is still free (and
 * was written since the reset).
 */
static enum lp_inv check_departed_lmbs(struct lp_exec *x, uint32_t opi, unsigned mach, const uint64_t *dep,
				       enum lp_inv inv)
{
	struct hv_machine *m = &x->m[mach];
	uint32_t n = lmb_total(m), i;

	for (i = 0; i < n && i < LP_INV_MAX_LMBS; i++) {
		if (!bit_get(dep, i)) {
			continue;
		}
		if (m->lmb[i].state != HV_LMB_FREE) {
			return lp_violate(x, inv, opi, "LMB that left the partition is not back in the free pool", i,
					  m->lmb[i].state);
		}
		if (thorough(x) && !lmb_zero(x, mach, i)) {
			return lp_violate(x, inv, opi, "LMB that left the partition was not scrubbed", i, 0);
		}
	}
	return LP_INV_NONE;
}

static enum lp_inv after_mem_remove(struct lp_exec *x, uint32_t opi)
{
	struct lp_inv_snap *s = &x->inv.snap;
	uint64_t dep[LP_INV_LMB_WORDS];
	struct chk c;

	chk_init(&c, x, opi, &x->m[s->machine]);
	c.dep_logical = departed_set(x, s, dep, false);
	c.dep_real = dep;
	c.dep_inv = LP_INV_I4;
	if (check_departed_lmbs(x, opi, s->machine, dep, LP_INV_I4) != LP_INV_NONE) {
		return (enum lp_inv)x->viol.inv;
	}
	return check_partition(&c, s->slot, true, c.dep_logical != 0);
}

static enum lp_inv after_mem_add(struct lp_exec *x, uint32_t opi, const struct lp_op *op)
{
	const struct lp_part_loc *loc = &x->loc[op->part];
	struct hv_machine *m = &x->m[loc->machine & 1];
	struct hv_partition *p = part_at(m, loc->slot);
	struct chk c;

	if (!p) {
		return LP_INV_NONE;
	}
	chk_init(&c, x, opi, m);
	if (x->res[opi].rc == HV_OK && op->a < lmap_entries(m, p) && p->lmap[op->a]) {
		uint32_t r = p->lmap[op->a] - 1;

		if (r < c.nlmb && !lmb_zero(x, c.mach, r)) {
			return lp_violate(x, LP_INV_I4, opi, "LMB handed to a partition does not read zero", r, op->a);
		}
	}
	/* Adding memory cannot legitimately touch the HPT: the final sweep covers it. */
	return check_partition(&c, loc->slot, false, false);
}

/* ================================================================== */
/* I11: relocation and migration                                        */
/* ================================================================== */

static enum lp_inv after_move(struct lp_exec *x, uint32_t opi, const struct lp_op *op)
{
	struct lp_inv_snap *s = &x->inv.snap;
	const struct lp_part_loc *loc = &x->loc[s->part];
	struct hv_machine *nm = &x->m[loc->machine & 1], *om = &x->m[s->machine];
	struct hv_partition *np = loc->alive && mach_ok(nm) ? part_at(nm, loc->slot) : 0;
	bool moved = !np || (loc->machine & 1) != s->machine || loc->slot != s->slot;
	uint64_t dep[LP_INV_LMB_WORDS];
	struct chk c, o;

	uint64_t dep_logical;

	if (!np) {
		return lp_violate(x, LP_INV_I11, opi, "partition lost by relocation / migration", s->part, s->slot);
	}
	chk_init(&c, x, opi, nm);
	if (hash_memory(&c, np, s) != s->h_mem) {
		return lp_violate(x, LP_INV_I11, opi, "logical memory contents changed", s->part, loc->slot);
	}
	if (hash_tces(&c, loc->slot) != s->h_tce) {
		return lp_violate(x, LP_INV_I11, opi, "logical TCEs changed", s->part, loc->slot);
	}
	if (hash_vcpus(&c, np) != s->h_vcpu) {
		return lp_violate(x, LP_INV_I11, opi, "vCPUs or their registrations changed", s->part, loc->slot);
	}
	/* What was given up: LMBs whose place changed (relocation), everything of the source (migration). */
	dep_logical = departed_set(x, s, dep, moved);
	if (!moved && (dep_logical & ~s->hash_mask)) {
		/* Only the relocated LMB's contents were hashed: nothing else may have moved. */
		return lp_violate(x, LP_INV_I11, opi, "relocation moved logical LMBs it was not asked to move",
				  dep_logical, op->a);
	}
	if (check_departed_lmbs(x, opi, s->machine, dep, LP_INV_I11) != LP_INV_NONE) {
		return (enum lp_inv)x->viol.inv;
	}
	if (moved && thorough(x)) {
		/*
		 * Source side: the old slot's HPT and every window of the source
		 * machine. (Fast mode: an entry left in the dead slot is unreachable
		 * until the slot is reused, whose checks then see it.)
		 */
		struct hv_partition *old = &om->part[s->slot];

		chk_init(&o, x, opi, om);
		o.dep_real = dep;
		o.dep_inv = LP_INV_I11;
		if (!old->active) {
			uint64_t n = hpt_entries(om, old), ptex;
			const uint8_t *hpt = om->mem + old->hpt.v;

			for (ptex = 0; ptex < n; ptex += 32) {
				uint64_t k;

				if (ptex + 32 <= n && mem_zero(hpt + ptex * HPTE_BYTES, 32 * HPTE_BYTES)) {
					continue;
				}
				for (k = ptex; k < ptex + 32 && k < n; k++) {
					if (ld64n(hpt + k * HPTE_BYTES) & NATIVE_V) {
						return lp_violate(x, LP_INV_I11, opi,
								  "migrated partition's old HPT keeps a valid entry", k, s->slot);
					}
				}
			}
		} else if (scan_hpt(&o, old, s->slot, false) != LP_INV_NONE) {
			return (enum lp_inv)x->viol.inv;
		}
		if (check_windows(&o, -1) != LP_INV_NONE) {
			return (enum lp_inv)x->viol.inv;
		}
	} else if (!moved) {
		c.dep_real = dep;
		c.dep_inv = LP_INV_I11;
	}
	/*
	 * The new place: I1-I3, every translation agrees with the (unchanged)
	 * guest view, and the guest view of the valid entries hashes as before.
	 */
	c.consistency = true;
	c.hashing = true;
	c.hash = FNV_OFFSET;
	if (check_partition(&c, loc->slot, true, false) != LP_INV_NONE) {
		return (enum lp_inv)x->viol.inv;
	}
	if (c.hash != s->h_hpt) {
		return lp_violate(x, LP_INV_I11, opi, "guest view of the valid HPTEs changed", s->part, loc->slot);
	}
	return LP_INV_NONE;
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

/* Thread t of m holds exactly what vCPU v of program partition part left with (or its boot state). */
static enum lp_inv check_thread_regs(struct lp_exec *x, uint32_t opi, const struct hv_regs *regs, unsigned part,
				     unsigned v, const char *what)
{
	bool saved = x->saved_valid[part][v];
	unsigned i;

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

static enum lp_inv after_dispatch(struct lp_exec *x, uint32_t opi, const struct lp_op *op)
{
	const struct lp_part_loc *loc = &x->loc[op->part];
	struct hv_machine *m = &x->m[loc->machine & 1];
	unsigned t;

	if (x->res[opi].rc != HV_OK || op->vcpu >= LP_MAX_VCPUS) {
		return LP_INV_NONE;
	}
	for (t = 0; t < m->cfg.threads && t < HV_MAX_THREADS; t++) {
		if (m->thread[t].part == (int8_t)loc->slot && m->thread[t].vcpu == (int8_t)op->vcpu) {
			return check_thread_regs(x, opi, &m->thread[t].regs, op->part, op->vcpu,
						 "differs from the vCPU's saved state after dispatch");
		}
	}
	return lp_violate(x, LP_INV_I5, opi, "dispatch succeeded but the vCPU runs on no thread", op->part, op->vcpu);
}

/* An idle thread keeps nothing of the vCPU that left it. */
static enum lp_inv check_idle_threads(struct lp_exec *x, uint32_t opi, unsigned mach)
{
	struct hv_machine *m = &x->m[mach];
	unsigned t, i;

	if (!mach_ok(m)) {
		return LP_INV_NONE;
	}
	for (t = 0; t < m->cfg.threads && t < HV_MAX_THREADS; t++) {
		if (m->thread[t].part >= 0) {
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
static enum lp_inv check_save_areas(struct lp_exec *x, uint32_t opi)
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
			if (check_thread_regs(x, opi, &r, part, v, "changed in the saved state of a vCPU not running") !=
			    LP_INV_NONE) {
				return (enum lp_inv)x->viol.inv;
			}
		}
	}
	return LP_INV_NONE;
}

/* ================================================================== */
/* I9: the emulated TLB                                                 */
/* ================================================================== */

static enum lp_inv check_tlb(struct lp_exec *x, uint32_t opi)
{
	unsigned i;

	for (i = 0; i < LP_TLB_ENTRIES; i++) {
		const struct lp_tlb_entry *t = &x->tlb[i];
		struct hv_machine *m = &x->m[t->machine & 1];
		struct hv_partition *p;
		uint64_t hw0, hw1;

		if (!t->valid) {
			continue;
		}
		p = mach_ok(m) ? part_at(m, t->slot) : 0;
		if (!p || t->ptex >= hpt_entries(m, p)) {
			return lp_violate(x, LP_INV_I9, opi, "stale translation survived its partition", t->slot, t->ra_page);
		}
		hw0 = rd64(m, p->hpt.v + t->ptex * HPTE_BYTES);
		hw1 = rd64(m, p->hpt.v + t->ptex * HPTE_BYTES + 8);
		if (!(hw0 & HW0_V) || (hw0 & HW0_L) || (hw1 & HW1_B) || (hw0 & HW0_AVPN) != ((t->va >> 16) & HW0_AVPN) ||
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

/* ================================================================== */
/* hcalls: model comparison (I6/I7/I8), touched state (I1-I3)           */
/* ================================================================== */

static bool rc_allowed(uint64_t opcode, int64_t rc)
{
	if (rc == H_PRIVILEGE) {
		return true; /* any call from problem state */
	}
	switch (opcode) {
	case H_ENTER:
		return rc == H_SUCCESS || rc == H_PARAMETER || rc == H_PTEG_FULL;
	case H_REMOVE:
	case H_PROTECT:
	case H_CLEAR_REF:
	case H_CLEAR_MOD:
		return rc == H_SUCCESS || rc == H_PARAMETER || rc == H_NOT_FOUND;
	case H_READ:
	case H_BULK_REMOVE:
	case H_GET_TCE:
	case H_PUT_TCE:
	case H_STUFF_TCE:
	case H_PUT_TCE_INDIRECT:
	case H_CONFER:
	case H_PROD:
	case H_PAGE_INIT:
	case H_GET_TERM_CHAR:
	case H_PUT_TERM_CHAR:
		return rc == H_SUCCESS || rc == H_PARAMETER;
	case H_REGISTER_VPA:
		return rc == H_SUCCESS || rc == H_PARAMETER || rc == H_RESOURCE;
	case H_RANDOM:
		return rc == H_SUCCESS || rc == H_HARDWARE;
	case H_CEDE:
	case H_SET_SPRG0:
		return rc == H_SUCCESS;
	}
	return rc == H_FUNCTION;
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
		if (r->rc != pred->rc) {
			if (names_foreign(x, op)) {
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
static enum lp_inv after_hcall(struct lp_exec *x, uint32_t opi, const struct lp_op *op)
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
		if (check_hw_hpte(&c, p, loc->slot, ptexs[i]) != LP_INV_NONE) {
			return (enum lp_inv)x->viol.inv;
		}
	}
	if (is_tce_call(op->opcode)) {
		const struct hv_window *w = window_named(m, r->arg[0]);
		uint32_t first, count, k;

		if (w && tce_run(m, w, op->opcode, r->arg, &first, &count)) {
			for (k = first; k < first + count; k++) {
				if (check_tce(&c, w, k) != LP_INV_NONE) {
					return (enum lp_inv)x->viol.inv;
				}
			}
		}
	}
	if (op->opcode == H_REGISTER_VPA) {
		return check_areas(&c, p);
	}
	if (op->opcode == H_CEDE || op->opcode == H_CONFER) {
		return check_idle_threads(x, opi, loc->machine & 1);
	}
	return LP_INV_NONE;
}

/* ================================================================== */
/* Entry points                                                         */
/* ================================================================== */

enum lp_inv lp_inv_after_op(struct lp_exec *x, uint32_t opi)
{
	const struct lp_op *op = &x->prog->op[opi];
	struct lp_inv_snap *s = &x->inv.snap;
	bool snap = s->valid && s->opi == opi && s->kind == op->kind && s->part == op->part;
	enum lp_inv rc = LP_INV_NONE;
	struct chk c;

	s->valid = false; /* a snapshot serves its own operation only */
	if (op->part < LP_MAX_PARTS && x->res[opi].status == LP_RAN) {
		const struct lp_part_loc *loc = &x->loc[op->part];
		struct hv_machine *m = &x->m[loc->machine & 1];

		switch (op->kind) {
		case LP_OP_HCALL:
			rc = after_hcall(x, opi, op);
			break;
		case LP_OP_MEM_ADD:
			rc = loc->alive && mach_ok(m) ? after_mem_add(x, opi, op) : LP_INV_NONE;
			break;
		case LP_OP_MEM_REMOVE:
			rc = snap ? after_mem_remove(x, opi) : LP_INV_NONE;
			break;
		case LP_OP_RELOCATE:
		case LP_OP_MIGRATE:
			rc = snap && s->hashed ? after_move(x, opi, op) : LP_INV_NONE;
			break;
		case LP_OP_CPU_ADD:
		case LP_OP_CPU_REMOVE:
			/* What these change: vCPUs and their registrations. */
			if (loc->alive && mach_ok(m) && part_at(m, loc->slot)) {
				chk_init(&c, x, opi, m);
				rc = check_areas(&c, part_at(m, loc->slot));
			}
			break;
		case LP_OP_WIN_ASSIGN:
		case LP_OP_WIN_UNASSIGN:
			if (loc->alive && mach_ok(m)) {
				chk_init(&c, x, opi, m);
				rc = check_windows(&c, -1); /* a window handed out dirty may belong to anyone */
			}
			break;
		case LP_OP_DISPATCH:
			rc = loc->alive && mach_ok(m) ? after_dispatch(x, opi, op) : LP_INV_NONE;
			if (rc == LP_INV_NONE) {
				rc = check_idle_threads(x, opi, loc->machine & 1);
			}
			break;
		case LP_OP_PREEMPT:
			rc = check_idle_threads(x, opi, 0);
			if (rc == LP_INV_NONE) {
				rc = check_idle_threads(x, opi, 1);
			}
			break;
		default:
			break;
		}
	}
	if (rc != LP_INV_NONE) {
		return rc;
	}
	return check_tlb(x, opi);
}

/* The model's view of every live partition against the core's guest view (I6/I7/I8). */
static enum lp_inv full_model(struct lp_exec *x, uint32_t opi, const uint64_t hw_count[2][HV_MAX_PARTITIONS])
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
			for (k = 0; k < n; k++) {
				uint64_t have = rd64(m, cw->shadow.v + 8ull * k), want = lp_ref_tce_view(&x->ref, part, w, k);

				if (have != want) {
					return lp_violate(x, LP_INV_I7, opi, "TCE the partition set differs from the model", have,
							  want);
				}
			}
		}
	}
	return LP_INV_NONE;
}

enum lp_inv lp_inv_full(struct lp_exec *x, uint32_t opi)
{
	bool all = thorough(x);
	uint64_t hw_count[2][HV_MAX_PARTITIONS] = { { 0 } };
	unsigned mach, slot;
	uint32_t i;

	x->inv.snap.valid = false;
	for (mach = 0; mach < 2; mach++) {
		struct hv_machine *m = &x->m[mach];
		struct chk c;

		if (!mach_ok(m)) {
			continue;
		}
		chk_init(&c, x, opi, m);
		/* I1-I3: every live partition (map, HPT, registrations), then every window whoever owns it. */
		for (slot = 0; slot < m->cfg.max_partitions && slot < HV_MAX_PARTITIONS; slot++) {
			struct hv_partition *p = part_at(m, slot);

			if (!p) {
				continue;
			}
			if (check_lmap(&c, p, slot) != LP_INV_NONE || scan_hpt(&c, p, slot, false) != LP_INV_NONE ||
			    check_areas(&c, p) != LP_INV_NONE) {
				return (enum lp_inv)x->viol.inv;
			}
			hw_count[mach][slot] = c.hw_valid;
		}
		if (check_windows(&c, -1) != LP_INV_NONE) {
			return (enum lp_inv)x->viol.inv;
		}
		/* I4: free memory reads zero (every free LMB written since the reset). */
		for (i = 0; i < c.nlmb; i++) {
			if (m->lmb[i].state != HV_LMB_FREE) {
				continue;
			}
			if (!lmb_zero(x, mach, i)) {
				return lp_violate(x, LP_INV_I4, opi, "free LMB does not read zero", i, mach);
			}
		}
	}
	if (check_tlb(x, opi) != LP_INV_NONE || check_idle_threads(x, opi, 0) != LP_INV_NONE ||
	    check_idle_threads(x, opi, 1) != LP_INV_NONE || (all && check_save_areas(x, opi) != LP_INV_NONE)) {
		return (enum lp_inv)x->viol.inv;
	}
	return full_model(x, opi, hw_count);
}
