/*
 * Private to the invariant checker (inv.c, inv_scan.c, inv_move.c,
 * inv_cpu.c, inv_model.c): HPTE field masks, the checker's own raw machine
 * access, the check context, and the checks one part runs for another.
 * Portable (no libc).
 */
#ifndef LPARSEC_INV_INTERNAL_H
#define LPARSEC_INV_INTERNAL_H

#include "lparsec/inv.h"

#include "hv/introspect.h"
#include "hv/papr.h"

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

struct text {
	char *buf;
	unsigned len, cap; /* cap includes the terminating NUL */
};

static inline void t_str(struct text *t, const char *s)
{
	while (*s && t->len + 1 < t->cap) {
		t->buf[t->len++] = *s++;
	}
	t->buf[t->len] = 0;
}

static inline void t_hex(struct text *t, uint64_t v)
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

static inline void t_dec(struct text *t, uint64_t v)
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

/* ================================================================== */
/* Raw machine access (the checker's own, sharing nothing with hv/core) */
/* ================================================================== */

static inline uint64_t ld64n(const uint8_t *p)
{
	uint64_t v;

	__builtin_memcpy(&v, p, 8);
	return v;
}

static inline bool mach_ok(const struct hv_machine *m)
{
	return m->mem && m->lmb && m->mem_size && hv_is_pow2(m->cfg.lmb_size) && m->cfg.lmb_size >= PAGE_4K;
}

static inline unsigned lmb_shift(const struct hv_machine *m)
{
	return (unsigned)__builtin_ctzll(m->cfg.lmb_size);
}

static inline uint32_t lmb_total(const struct hv_machine *m)
{
	return (uint32_t)(m->mem_size >> lmb_shift(m));
}

static inline uint64_t rd64(const struct hv_machine *m, uint64_t ra)
{
	return ra + 8 <= m->mem_size ? hv_ld_be64(m->mem + ra) : 0;
}

static inline struct hv_partition *part_at(struct hv_machine *m, unsigned slot)
{
	if (slot >= m->cfg.max_partitions || slot >= HV_MAX_PARTITIONS || !m->part[slot].active) {
		return 0;
	}
	return &m->part[slot];
}

/* The HPT (and its shadow) lie in memory: how many entries can be read safely. */
static inline uint64_t hpt_entries(const struct hv_machine *m, const struct hv_partition *p)
{
	if (!p->meta || p->hpt.v > m->mem_size || p->nhpte > (m->mem_size - p->hpt.v) / HPTE_BYTES) {
		return 0;
	}
	return p->nhpte;
}

static inline uint32_t lmap_entries(const struct hv_machine *m, const struct hv_partition *p)
{
	uint32_t n = m->cfg.logical_lmbs_max;

	return p->lmap ? (n < LP_INV_LMAP ? n : LP_INV_LMAP) : 0;
}

/*
 * Bit l: logical LMB l of p is mapped (a non-zero entry). Runs of 8 entries
 * are tested at once (a partition maps a few of its 64): callers then
 * visit the mapped ones in order.
 */
static inline uint64_t lmap_mask(const struct hv_machine *m, const struct hv_partition *p)
{
	uint32_t n = lmap_entries(m, p), l, j;
	uint64_t mask = 0;

	for (l = 0; l + 8 <= n; l += 8) {
		uint32_t any = 0;

		for (j = 0; j < 8; j++) {
			any |= p->lmap[l + j];
		}
		for (j = 0; any && j < 8; j++) {
			mask |= (uint64_t)(p->lmap[l + j] != 0) << (l + j);
		}
	}
	for (; l < n; l++) {
		mask |= (uint64_t)(p->lmap[l] != 0) << l;
	}
	return mask;
}

static inline uint32_t window_entries(const struct hv_machine *m, const struct hv_window *w)
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
static inline bool thorough(const struct lp_exec *x)
{
	return x->inv.thorough || x->backdoor_enabled;
}

static inline unsigned mach_index(const struct lp_exec *x, const struct hv_machine *m)
{
	return m == &x->m[1] ? 1 : 0;
}

/*
 * Must a sweep read [ra, ra + len) of machine? Memory nobody wrote since the
 * platform's reset reads zero, and x->touched (fed by the platform's dirty
 * tracking) says which that is. Thorough checking trusts nothing.
 */
static inline bool written(const struct lp_exec *x, unsigned mach, uint64_t ra, uint64_t len)
{
	return thorough(x) || lp_touched(x, mach, ra, len);
}

/*
 * First 4 KiB page in [pg, end) that written() would look at, or end: the
 * sweeps jump straight from one written page to the next (a 256 KiB HPT is
 * one word of the dirty bitmap).
 */
static inline uint64_t next_written_page(const struct lp_exec *x, unsigned mach, uint64_t pg, uint64_t end)
{
	const uint64_t *map = x->touched_map[mach & 1];

	if (!map || thorough(x)) {
		while (pg < end && !written(x, mach, pg << 12, PAGE_4K)) {
			pg++;
		}
		return pg;
	}
	return lp_map_next(map, x->touched_map_pages, pg, end);
}

static inline bool bit_get(const uint64_t *map, uint32_t i)
{
	return i < LP_INV_MAX_LMBS && ((map[i / 64] >> (i % 64)) & 1);
}

static inline void bit_set(uint64_t *map, uint32_t i)
{
	if (i < LP_INV_MAX_LMBS) {
		map[i / 64] |= 1ull << (i % 64);
	}
}

/* True when [p, p + len) is all zero (len a multiple of 512). Blocks OR-reduce, which vectorises. */
static inline bool mem_zero(const uint8_t *p, uint64_t len)
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

/*
 * First index in [i, n) whose 8-byte word of table a (or of table b, when b
 * is not null) is non-zero, or n. Aligned runs of 8 words are tested at
 * once (a fixed count the compiler unrolls): the window walks cost what
 * was put in a window, not its size.
 */
static inline uint32_t next_nonzero_word(const uint8_t *a, const uint8_t *b, uint32_t i, uint32_t n)
{
	while (i < n) {
		if ((i & 7) == 0 && i + 8 <= n) {
			uint64_t acc = 0;
			unsigned j;

			for (j = 0; j < 8; j++) {
				acc |= ld64n(a + 8ull * (i + j)) | (b ? ld64n(b + 8ull * (i + j)) : 0);
			}
			if (!acc) {
				i += 8;
				continue;
			}
		}
		if (ld64n(a + 8ull * i) | (b ? ld64n(b + 8ull * i) : 0)) {
			return i;
		}
		i++;
	}
	return n;
}

/* Does LMB lmb read zero? Page by page: only pages written since the reset can be non-zero. */
static inline bool lmb_zero(const struct lp_exec *x, unsigned mach, uint32_t lmb)
{
	const struct hv_machine *m = &x->m[mach];
	uint64_t ra = (uint64_t)lmb << lmb_shift(m);
	uint64_t pg = ra >> 12, end = (ra + m->cfg.lmb_size) >> 12;

	for (pg = next_written_page(x, mach, pg, end); pg < end; pg = next_written_page(x, mach, pg + 1, end)) {
		if (!mem_zero(m->mem + (pg << 12), PAGE_4K)) {
			return false;
		}
	}
	return true;
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

static inline void chk_init(struct chk *c, struct lp_exec *x, uint32_t opi, struct hv_machine *m)
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

/*
 * Offset of the first 512-byte block of [base, base + len) at or after off
 * (both multiples of 512) that is not all zero, or len. Pages nobody wrote
 * since the reset are skipped without being read; base need not be
 * page-aligned (a block straddling into a written page is read).
 */
static inline uint64_t next_nonzero_block(const struct chk *c, uint64_t base, uint64_t off, uint64_t len)
{
	uint64_t end_pg = (base + len + PAGE_4K - 1) >> 12;

	while (off < len) {
		uint64_t ra = base + off, pg = next_written_page(c->x, c->mach, ra >> 12, end_pg);

		if (pg >= end_pg) {
			return len;
		}
		if ((pg << 12) > ra) {
			off = ((pg << 12) - base) & ~511ull; /* the block reaching into that page */
		}
		if (!mem_zero(c->m->mem + base + off, 512)) {
			return off;
		}
		off += 512;
	}
	return len;
}

/* Logical LMBs [la, la + size) touches, as a mask over the followed ones. */
static inline uint64_t logical_mask(const struct chk *c, uint64_t la, uint64_t size)
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

static inline enum lp_inv chk_fail(const struct chk *c, enum lp_inv inv, const char *msg, uint64_t a, uint64_t b)
{
	return lp_violate(c->x, inv, c->opi, msg, a, b);
}

static inline uint64_t mix(uint64_t h, uint64_t v)
{
	h = (h ^ v) * FNV_PRIME; /* FNV-1a over 64-bit words... */
	return h ^ (h >> 29);    /* ...with a fold so high bits reach low ones (still a bijection) */
}

/* I11: what the partition sees of HPTE ptex (its guest view without R/C), folded into h. */
static inline uint64_t hash_entry(uint64_t h, const struct hv_partition *p, uint64_t ptex)
{
	return mix(mix(mix(h, ptex), p->meta[ptex].gdw0), p->meta[ptex].gdw1 & ~DW1_RC);
}

/* ================================================================== */
/* Checks shared between the parts                                      */
/* ================================================================== */

/* inv_scan.c: I1-I3 over HPTs, TCEs, logical maps and registrations. */
enum lp_inv lp_inv_check_hw_hpte(struct chk *c, struct hv_partition *p, unsigned slot, uint64_t ptex);
enum lp_inv lp_inv_scan_hpt(struct chk *c, struct hv_partition *p, unsigned slot, bool with_meta);
enum lp_inv lp_inv_check_tce(struct chk *c, const struct hv_window *w, uint32_t idx);
enum lp_inv lp_inv_check_windows(struct chk *c, int slot);
enum lp_inv lp_inv_check_lmap(struct chk *c, const struct hv_partition *p, unsigned slot);
enum lp_inv lp_inv_check_areas(struct chk *c, const struct hv_partition *p);
enum lp_inv lp_inv_check_partition(struct chk *c, unsigned slot, bool hpt, bool with_meta);

/* inv_move.c: I4 (memory entering and leaving) and I11 (relocation, migration). */
enum lp_inv lp_inv_after_mem_remove(struct lp_exec *x, uint32_t opi);
enum lp_inv lp_inv_after_mem_add(struct lp_exec *x, uint32_t opi, const struct lp_op *op);
enum lp_inv lp_inv_after_move(struct lp_exec *x, uint32_t opi, const struct lp_op *op);

/* inv_cpu.c: I5 (register files, idle threads, save areas) and I9 (the emulated TLB). */
/* regs hold exactly what vCPU v of program partition part left with (x->saved), or its boot state. */
enum lp_inv lp_inv_check_thread_regs(struct lp_exec *x, uint32_t opi, const struct hv_regs *regs, unsigned part,
				      unsigned v, const char *what);
enum lp_inv lp_inv_after_dispatch(struct lp_exec *x, uint32_t opi, const struct lp_op *op);
enum lp_inv lp_inv_after_cpu_add(struct lp_exec *x, uint32_t opi, const struct lp_op *op);
enum lp_inv lp_inv_check_idle_threads(struct lp_exec *x, uint32_t opi, unsigned mach);
enum lp_inv lp_inv_check_save_areas(struct lp_exec *x, uint32_t opi);
enum lp_inv lp_inv_check_tlb(struct lp_exec *x, uint32_t opi);

/* inv_model.c: I1-I3 for what an hcall touched; the final model comparison (I6-I8). */
enum lp_inv lp_inv_after_hcall(struct lp_exec *x, uint32_t opi, const struct lp_op *op);
enum lp_inv lp_inv_full_model(struct lp_exec *x, uint32_t opi, const uint64_t hw_count[2][HV_MAX_PARTITIONS]);

#endif /* LPARSEC_INV_INTERNAL_H */
