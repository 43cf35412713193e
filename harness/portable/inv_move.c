/*
 * The invariant checker on memory that moves: the snapshot taken before an
 * operation (lp_inv_before), hashes of a partition's logical view (I11),
 * LMBs entering and leaving a partition (I4), relocation and migration (I11).
 */
#include "inv_internal.h"

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
	uint64_t h = FNV_OFFSET, size = c->m->cfg.lmb_size, todo;
	uint32_t l;

	/* The mapped logical LMBs in ascending order (those naming real memory: the others are I1's business). */
	for (todo = lmap_mask(c->m, p) & s->hash_mask; todo; todo &= todo - 1) {
		uint64_t base, off;

		l = (uint32_t)__builtin_ctzll(todo);
		if (p->lmap[l] - 1 >= c->nlmb) {
			continue;
		}
		h = mix(h, 0x4C4D4200ull | l);
		base = (uint64_t)(p->lmap[l] - 1) << c->shift;
		for (off = next_nonzero_block(c, base, 0, size); off < size; off = next_nonzero_block(c, base, off + 512, size)) {
			unsigned j;

			for (j = 0; j < 64; j++) {
				uint64_t w = ld64n(c->m->mem + base + off + 8 * j), la = ((uint64_t)l << c->shift) + off + 8 * j;

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
	uint64_t h = FNV_OFFSET, n = hpt_entries(c->m, p), bytes = (n & ~31ull) * HPTE_BYTES, off, ptex;
	const uint8_t *hpt = c->m->mem + p->hpt.v;

	for (off = next_nonzero_block(c, p->hpt.v, 0, bytes); off < bytes;
	     off = next_nonzero_block(c, p->hpt.v, off + 512, bytes)) {
		for (ptex = off / HPTE_BYTES; ptex < (off + 512) / HPTE_BYTES; ptex++) {
			if (ld64n(hpt + ptex * HPTE_BYTES) & NATIVE_V) {
				h = hash_entry(h, p, ptex);
			}
		}
	}
	for (ptex = n & ~31ull; ptex < n; ptex++) {
		if (ld64n(hpt + ptex * HPTE_BYTES) & NATIVE_V) {
			h = hash_entry(h, p, ptex);
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
		if (n && written(c->x, c->mach, w->shadow.v, 8ull * n)) { /* never written: all zero */
			const uint8_t *shadow = c->m->mem + w->shadow.v;

			for (k = next_nonzero_word(shadow, 0, 0, n); k < n; k = next_nonzero_word(shadow, 0, k + 1, n)) {
				h = mix(mix(h, k), hv_ld_be64(shadow + 8ull * k));
			}
		}
		sum += h;
	}
	return sum;
}

/*
 * Which vCPUs exist and what they registered: a sum of terms each tagged
 * with its vCPU and area, so they hash independently (no chain of
 * multiplies through all of them) and nothing can trade places.
 */
static uint64_t hash_vcpus(const struct chk *c, const struct hv_partition *p)
{
	uint64_t sum = 0;
	uint32_t v, k;

	for (v = 0; v < c->m->cfg.max_vcpus && v < HV_MAX_VCPUS; v++) {
		const struct hv_area *areas[3] = { &p->vcpu[v].vpa, &p->vcpu[v].dtl, &p->vcpu[v].slb };

		sum += mix(FNV_OFFSET, (uint64_t)v << 8 | (p->vcpu[v].state != HV_VCPU_ABSENT));
		for (k = 0; k < 3; k++) {
			if (areas[k]->on) {
				sum += mix(mix(mix(FNV_OFFSET, (uint64_t)v << 8 | (16 + k)), areas[k]->la), areas[k]->len);
			}
		}
	}
	return sum;
}

/* ================================================================== */
/* Snapshots: lp_inv_before                                             */
/* ================================================================== */

/* The words the hypervisor itself writes into partition memory while moving it: each VPA's yield count. */
static uint32_t hypervisor_written(const struct hv_machine *m, const struct hv_partition *p,
				   uint64_t out[LP_INV_EXCLUDE])
{
	uint32_t i, n = 0;

	for (i = 0; i < m->cfg.max_vcpus && i < HV_MAX_VCPUS && n < LP_INV_EXCLUDE; i++) {
		if (p->vcpu[i].vpa.on) {
			out[n++] = (p->vcpu[i].vpa.la + VPA_YIELD) & ~7ull;
		}
	}
	return n;
}

/*
 * The logical view of a partition about to move, hashed. A move right after
 * a move of the same partition starts from the view the last check hashed:
 * nothing ran in between, and that check found the view unchanged. Its
 * memory hash serves only if it covered the same LMBs and left out the same
 * words (2 in 5 migrations of a grown hcall_seq corpus follow a move of the same
 * partition: hit counts reward repeating them).
 */
static void hash_view(struct lp_inv_snap *s, const struct chk *c, const struct hv_partition *p, uint64_t mask,
		      bool reuse)
{
	uint64_t excl[LP_INV_EXCLUDE];
	uint32_t n = hypervisor_written(c->m, p, excl), i;
	bool same_mem = reuse && s->hash_mask == mask && s->nexclude == n;

	for (i = 0; i < n; i++) {
		same_mem = same_mem && s->exclude[i] == excl[i];
		s->exclude[i] = excl[i];
	}
	s->nexclude = n;
	s->hash_mask = mask;
	if (!same_mem) {
		s->h_mem = hash_memory(c, p, s);
	}
	if (!reuse) {
		s->h_hpt = hash_hpt(c, p);
		s->h_tce = hash_tces(c, s->slot);
		s->h_vcpu = hash_vcpus(c, p);
	}
}

/* Does a window slot owns hold a TCE (its logical view) into one of the logical LMBs in mask? */
static bool tce_into(struct chk *c, unsigned slot, uint64_t mask)
{
	uint32_t i, k;

	for (i = 0; i < c->m->cfg.max_windows && i < HV_MAX_WINDOWS; i++) {
		const struct hv_window *w = &c->m->win[i];
		uint32_t n = window_entries(c->m, w);
		const uint8_t *shadow = c->m->mem + w->shadow.v;

		if (!w->active || w->owner != slot || !n || !written(c->x, c->mach, w->shadow.v, 8ull * n)) {
			continue;
		}
		for (k = next_nonzero_word(shadow, 0, 0, n); k < n; k = next_nonzero_word(shadow, 0, k + 1, n)) {
			uint64_t logical = rd64(c->m, w->shadow.v + 8ull * k);

			if ((logical & TCE_PERM) && (logical_mask(c, logical & ~(PAGE_4K - 1), PAGE_4K) & mask)) {
				return true;
			}
		}
	}
	return false;
}

/*
 * Is any of p's (slot's) logical LMBs in mask mapped by a hardware HPTE (the
 * core's reverse-map count: only what the report's counts say, never a
 * verdict) or a TCE, the place of a VPA / DTL / SLB-shadow registration, or
 * not all zero? A state where leaving or moving it could go wrong.
 */
static bool memory_in_use(struct chk *c, const struct hv_partition *p, unsigned slot, uint64_t mask)
{
	uint32_t n = lmap_entries(c->m, p), l, v, k;

	for (l = 0; l < n && l < LP_INV_LMAP; l++) {
		uint32_t r = p->lmap[l] - 1;

		if (!((mask >> l) & 1) || !p->lmap[l] || r >= c->nlmb) {
			continue;
		}
		if (c->m->lmb[r].hpte_count || !lmb_zero(c->x, c->mach, r)) {
			return true;
		}
	}
	for (v = 0; v < c->m->cfg.max_vcpus && v < HV_MAX_VCPUS; v++) {
		const struct hv_area *areas[3] = { &p->vcpu[v].vpa, &p->vcpu[v].dtl, &p->vcpu[v].slb };

		for (k = 0; k < 3; k++) {
			if (areas[k]->on && (logical_mask(c, areas[k]->la, areas[k]->len ? areas[k]->len : 1) & mask)) {
				return true;
			}
		}
	}
	return tce_into(c, slot, mask);
}

void lp_inv_before(struct lp_exec *x, uint32_t opi)
{
	const struct lp_op *op = &x->prog->op[opi];
	struct lp_inv_snap *s = &x->inv.snap;
	const struct lp_part_loc *loc;
	struct hv_machine *m;
	struct hv_partition *p;
	struct chk c;
	uint32_t n, i;
	bool current = s->view_current && s->view_opi + 1 == opi && s->part == op->part;

	s->valid = false;
	s->view_current = false; /* the operation about to run changes what the hashes describe */
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
	for (i = 0; i < n; i++) { /* two plain loops: they vectorise */
		s->lmap[i] = p->lmap[i];
	}
	for (; i < LP_INV_LMAP; i++) {
		s->lmap[i] = 0;
	}
	s->rich = (op->kind == LP_OP_MEM_REMOVE || op->kind == LP_OP_RELOCATE || op->kind == LP_OP_MIGRATE) &&
		  memory_in_use(&c, p, loc->slot, op->kind == LP_OP_MIGRATE ? ~0ull : op->a < LP_INV_LMAP ? 1ull << op->a : 0);
	s->hashed = op->kind == LP_OP_RELOCATE || op->kind == LP_OP_MIGRATE;
	if (s->hashed) {
		/* Relocation moves logical LMB op->a (and must move nothing else); migration moves them all. */
		hash_view(s, &c, p, op->kind == LP_OP_MIGRATE ? ~0ull : op->a < LP_INV_LMAP ? 1ull << op->a : 0, current);
	}
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

/* One departed LMB i of machine mach: back in the free pool, and (thorough) zero. */
static enum lp_inv check_departed_lmb(struct lp_exec *x, uint32_t opi, unsigned mach, uint32_t i, enum lp_inv inv)
{
	const struct hv_machine *m = &x->m[mach];

	if (m->lmb[i].state != HV_LMB_FREE) {
		return lp_violate(x, inv, opi, "LMB that left the partition is not back in the free pool", i,
				  m->lmb[i].state);
	}
	if (thorough(x) && !lmb_zero(x, mach, i)) {
		return lp_violate(x, inv, opi, "LMB that left the partition was not scrubbed", i, 0);
	}
	return LP_INV_NONE;
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
	uint32_t n = lmb_total(&x->m[mach]), w;

	for (w = 0; w < LP_INV_LMB_WORDS; w++) {
		uint64_t bits;

		for (bits = dep[w]; bits; bits &= bits - 1) { /* the departed LMBs only: a few of hundreds */
			uint32_t i = w * 64 + (uint32_t)__builtin_ctzll(bits);

			if (i >= n) {
				return LP_INV_NONE;
			}
			if (check_departed_lmb(x, opi, mach, i, inv) != LP_INV_NONE) {
				return (enum lp_inv)x->viol.inv;
			}
		}
	}
	return LP_INV_NONE;
}

enum lp_inv lp_inv_after_mem_remove(struct lp_exec *x, uint32_t opi)
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
	return lp_inv_check_partition(&c, s->slot, true, c.dep_logical != 0);
}

enum lp_inv lp_inv_after_mem_add(struct lp_exec *x, uint32_t opi, const struct lp_op *op)
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
	return lp_inv_check_partition(&c, loc->slot, false, false);
}

/* ================================================================== */
/* I11: relocation and migration                                        */
/* ================================================================== */

enum lp_inv lp_inv_after_move(struct lp_exec *x, uint32_t opi, const struct lp_op *op)
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
		} else if (lp_inv_scan_hpt(&o, old, s->slot, false) != LP_INV_NONE) {
			return (enum lp_inv)x->viol.inv;
		}
		if (lp_inv_check_windows(&o, -1) != LP_INV_NONE) {
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
	if (lp_inv_check_partition(&c, loc->slot, true, false) != LP_INV_NONE) {
		return (enum lp_inv)x->viol.inv;
	}
	if (c.hash != s->h_hpt) {
		return lp_violate(x, LP_INV_I11, opi, "guest view of the valid HPTEs changed", s->part, loc->slot);
	}
	s->view_current = true;
	s->view_opi = opi;
	return LP_INV_NONE;
}
