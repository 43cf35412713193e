/*
 * Test backdoor: corruptions of machine state made by the harness, never by
 * hv/core, so the oracle tests can prove that each invariant fires. A
 * LP_OP_BACKDOOR operation does nothing unless the run enabled it (repro
 * --backdoor, the oracle tests); fuzz targets never do.
 */
#include "exec_internal.h"

static void st_be64(uint8_t *p, uint64_t v)
{
	unsigned i;

	for (i = 0; i < 8; i++) {
		p[i] = (uint8_t)(v >> (56 - 8 * i));
	}
}

static uint64_t ld_be64(const uint8_t *p)
{
	uint64_t v = 0;
	unsigned i;

	for (i = 0; i < 8; i++) {
		v = (v << 8) | p[i];
	}
	return v;
}

static void touch(struct lp_exec *x, unsigned part, uint64_t ra, uint64_t len)
{
	plat_mem_dirty(x->plat[x->loc[part].machine], hv_ra(ra), len);
}

/* First hardware-valid HPTE of program partition 0, or -1. */
static int64_t first_valid_hpte(struct lp_exec *x, struct hv_partition *p)
{
	uint64_t ptex;

	for (ptex = 0; ptex < p->nhpte; ptex++) {
		if (ld_be64(lp_mach(x, 0)->mem + p->hpt.v + ptex * 16) & 1) {
			return (int64_t)ptex;
		}
	}
	return -1;
}

/* Real address of the first LMB of program partition q (0 when it has none). */
static uint64_t first_real_page(struct lp_exec *x, unsigned q)
{
	struct hv_partition *p = lp_partition(x, q);
	uint32_t i;

	for (i = 0; p && i < lp_mach(x, q)->cfg.logical_lmbs_max; i++) {
		if (p->lmap[i]) {
			return (uint64_t)(p->lmap[i] - 1) << lp_mach(x, q)->lmb_shift;
		}
	}
	return 0;
}

static void bd_hpte_rpn(struct lp_exec *x, struct hv_partition *p, uint64_t new_page)
{
	int64_t ptex = first_valid_hpte(x, p);
	uint8_t *e;

	if (ptex < 0) {
		return;
	}
	e = lp_mach(x, 0)->mem + p->hpt.v + (uint64_t)ptex * 16;
	touch(x, 0, p->hpt.v + (uint64_t)ptex * 16, 16);
	st_be64(e + 8, (ld_be64(e + 8) & ~0x01FFFFFFFFFFF000ull) | (new_page & 0x01FFFFFFFFFFF000ull));
}

static void bd_free_lmb_dirty(struct lp_exec *x)
{
	struct hv_machine *m = &x->m[0];
	uint32_t i;

	for (i = 0; i < m->lmb_count; i++) {
		if (m->lmb[i].state == HV_LMB_FREE) {
			uint64_t ra = ((uint64_t)i << m->lmb_shift) + 0x100;

			plat_mem_dirty(x->plat[0], hv_ra(ra), 1);
			m->mem[ra] = 0xA5;
			return;
		}
	}
}

/* Changes r5 in the save area of a vCPU of partition 0 that is not running. */
static void bd_reg_leak(struct lp_exec *x, struct hv_partition *p)
{
	unsigned v;

	for (v = 0; v < LP_MAX_VCPUS; v++) {
		if (p->vcpu[v].state == HV_VCPU_STOPPED && x->saved_valid[0][v]) {
			uint64_t a = p->vcpu[v].save.v + 8 * (HV_REG_GPR + 5);

			touch(x, 0, a, 8);
			st_be64(lp_mach(x, 0)->mem + a, ld_be64(lp_mach(x, 0)->mem + a) ^ 0x5A5A);
			return;
		}
	}
}

static void bd_skip_flush(struct lp_exec *x, struct hv_partition *p)
{
	int64_t ptex = first_valid_hpte(x, p);
	uint64_t a;

	if (ptex < 0) {
		return;
	}
	a = p->hpt.v + (uint64_t)ptex * 16;
	touch(x, 0, a, 16);
	st_be64(lp_mach(x, 0)->mem + a, 0);
	st_be64(lp_mach(x, 0)->mem + a + 8, 0);
	p->meta[ptex].gdw0 = p->meta[ptex].gdw1 = 0; /* both views agree; only the tlbie is missing */
}

/* Partition 0's logical LMB 1 moves to the first free real LMB: contents, LMB table and map, all consistent. */
static void bd_lmap_move(struct lp_exec *x, struct hv_partition *p)
{
	struct hv_machine *m = &x->m[0];
	uint32_t from, to;
	uint64_t size = m->cfg.lmb_size, i;

	if (!p->lmap[1]) {
		return;
	}
	from = p->lmap[1] - 1;
	for (to = 0; to < m->lmb_count && m->lmb[to].state != HV_LMB_FREE; to++) {
	}
	if (to == m->lmb_count) {
		return;
	}
	touch(x, 0, (uint64_t)to << m->lmb_shift, size);
	touch(x, 0, (uint64_t)from << m->lmb_shift, size);
	for (i = 0; i < size; i++) {
		m->mem[((uint64_t)to << m->lmb_shift) + i] = m->mem[((uint64_t)from << m->lmb_shift) + i];
		m->mem[((uint64_t)from << m->lmb_shift) + i] = 0;
	}
	m->lmb[to] = m->lmb[from];
	m->lmb[from].state = HV_LMB_FREE;
	m->lmb[from].owner = 0;
	m->lmb[from].logical = 0;
	p->lmap[1] = to + 1;
}

/* A store as the core would make it (the platform sees it), of one byte at real address ra of part's machine. */
static void core_store(struct lp_exec *x, unsigned part, uint64_t ra, uint8_t v)
{
	touch(x, part, ra, 1);
	lp_mach(x, part)->mem[ra] = v;
}

/* The page a ZERO_PAGE store the model predicts for this hcall lands on, or false. */
static bool zeroed_page(struct lp_exec *x, uint64_t *ra)
{
	uint32_t i;

	for (i = 0; i < x->ref.nwrites; i++) {
		const struct lp_ref_write *w = &x->ref.writes[i];

		if (w->kind == LP_W_ZERO_PAGE && lp_memmap_real(x, w->part, w->la, w->len, ra)) {
			return true;
		}
	}
	return false;
}

void lp_backdoor_after_hcall(struct lp_exec *x, unsigned part, unsigned vcpu, struct hv_regs *regs, bool gave_up)
{
	struct hv_partition *p = lp_partition(x, part);
	uint64_t ra;

	switch (x->hcall_backdoor_armed) {
	case LP_BD_STRAY_FOREIGN:
		if (x->prog->cfg.nparts > 1 && x->loc[1].machine == x->loc[part].machine) {
			core_store(x, part, first_real_page(x, part == 1 ? 0 : 1) + 0x200, 0xA5);
		}
		x->hcall_backdoor_armed = LP_BD_NONE;
		return;
	case LP_BD_STRAY_OWN:
		core_store(x, part, first_real_page(x, part) + 0x200, 0xA5);
		x->hcall_backdoor_armed = LP_BD_NONE;
		return;
	case LP_BD_ZERO_LEFTOVER:
		if (zeroed_page(x, &ra)) {
			core_store(x, part, ra + 0x10, 0xA5); /* inside the page it was asked to zero */
			x->hcall_backdoor_armed = LP_BD_NONE;
		}
		return;
	}
	if (x->hcall_backdoor_armed == LP_BD_HCALL_CLOBBER && !gave_up) {
		regs->r[HV_REG_GPR + 14] ^= 0x5A5A; /* the thread's register file, which the call returns in */
		x->hcall_backdoor_armed = LP_BD_NONE;
	} else if (x->hcall_backdoor_armed == LP_BD_CEDE_SAVE && gave_up && p) {
		uint64_t a = p->vcpu[vcpu].save.v + 8 * (HV_REG_GPR + 14);

		touch(x, part, a, 8);
		st_be64(lp_mach(x, part)->mem + a, ld_be64(lp_mach(x, part)->mem + a) ^ 0x5A5A);
		x->hcall_backdoor_armed = LP_BD_NONE;
	}
}

void lp_run_backdoor(struct lp_exec *x, const struct lp_op *op)
{
	struct hv_partition *p0 = lp_partition(x, 0);
	struct hv_window *w;
	int64_t ptex;

	if (!x->backdoor_enabled || !p0 || x->loc[0].machine != 0) {
		return;
	}
	switch (op->a % LP_BD_COUNT) {
	case LP_BD_HPTE_FOREIGN_RPN:
		if (x->prog->cfg.nparts > 1) {
			bd_hpte_rpn(x, p0, first_real_page(x, 1));
		}
		break;
	case LP_BD_HPTE_HYP_RPN:
		bd_hpte_rpn(x, p0, p0->hpt.v);
		break;
	case LP_BD_TCE_FOREIGN:
		w = hv_window_find(&x->m[0], x->loc[0].slot, lp_liobn(0, 0));
		if (w && x->prog->cfg.nparts > 1) {
			touch(x, 0, w->table.v, 8);
			st_be64(x->m[0].mem + w->table.v, first_real_page(x, 1) | 3);
		}
		break;
	case LP_BD_LMB_DIRTY_FREE:
		bd_free_lmb_dirty(x);
		break;
	case LP_BD_REG_LEAK:
		bd_reg_leak(x, p0);
		break;
	case LP_BD_SHADOW_REAL:
		ptex = first_valid_hpte(x, p0);
		if (ptex >= 0) {
			p0->meta[ptex].gdw1 = (p0->meta[ptex].gdw1 & 0xFFF) | first_real_page(x, 0);
		}
		break;
	case LP_BD_SHADOW_DROP:
		ptex = first_valid_hpte(x, p0);
		if (ptex >= 0) {
			p0->meta[ptex].gdw0 = 0;
		}
		break;
	case LP_BD_WINDOW_STEAL:
		w = hv_window_find(&x->m[0], x->loc[0].slot, lp_liobn(0, 0));
		if (w && x->prog->cfg.nparts > 1 && x->loc[1].machine == 0) {
			uint64_t i;

			/* Handed over empty and flushed, under partition 0's LIOBN: only the name is wrong. */
			for (i = 0; i < w->entries; i++) {
				touch(x, 0, w->table.v + 8 * i, 8);
				st_be64(x->m[0].mem + w->table.v + 8 * i, 0);
				touch(x, 0, w->shadow.v + 8 * i, 8);
				st_be64(x->m[0].mem + w->shadow.v + 8 * i, 0);
				plat_iotlb_flush(x->plat[0], p0->lpid, w->liobn, w->bus_offset + i * 4096);
			}
			w->owner = x->loc[1].slot;
		}
		break;
	case LP_BD_SKIP_FLUSH:
		bd_skip_flush(x, p0);
		break;
	case LP_BD_RELOC_LOSE:
		x->reloc_backdoor_armed = true;
		break;
	case LP_BD_IOTLB_SKIP:
		w = hv_window_find(&x->m[0], x->loc[0].slot, lp_liobn(0, 0));
		if (w) {
			/* Both views agree the entry is gone; only the adapter's cached copy was not dropped. */
			touch(x, 0, w->table.v, 8);
			st_be64(x->m[0].mem + w->table.v, 0);
			touch(x, 0, w->shadow.v, 8);
			st_be64(x->m[0].mem + w->shadow.v, 0);
		}
		break;
	case LP_BD_VCPU_STATE:
		if (p0->vcpu[1].state == HV_VCPU_STOPPED) {
			p0->vcpu[1].state = HV_VCPU_CEDED;
		}
		break;
	case LP_BD_LMAP_MOVE:
		bd_lmap_move(x, p0);
		break;
	case LP_BD_HCALL_CLOBBER:
	case LP_BD_CEDE_SAVE:
	case LP_BD_STRAY_FOREIGN:
	case LP_BD_STRAY_OWN:
	case LP_BD_ZERO_LEFTOVER:
		x->hcall_backdoor_armed = (uint8_t)(op->a % LP_BD_COUNT);
		break;
	}
}

void lp_backdoor_after_relocate(struct lp_exec *x, unsigned part, uint32_t logical_lmb)
{
	struct hv_partition *p = lp_partition(x, part);
	uint64_t ra;

	if (!x->reloc_backdoor_armed || !p || logical_lmb >= lp_mach(x, part)->cfg.logical_lmbs_max ||
	    !p->lmap[logical_lmb]) {
		return;
	}
	x->reloc_backdoor_armed = false;
	ra = ((uint64_t)(p->lmap[logical_lmb] - 1) << lp_mach(x, part)->lmb_shift) + 0x80;
	touch(x, part, ra, 1);
	lp_mach(x, part)->mem[ra] ^= 0xFF;
}
