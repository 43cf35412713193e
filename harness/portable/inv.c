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
#include "inv_internal.h"

#include "exec_internal.h" /* the harness's memory map */

_Static_assert(LP_INV_LMAP == LP_LOGICAL_LMBS, "the snapshot follows every logical LMB");

/* ================================================================== */
/* Messages                                                             */
/* ================================================================== */

const char *lp_inv_name(unsigned inv)
{
	static const char *const names[] = { "none", "I1", "I2", "I3", "I4", "I5", "I6",
					     "I7",   "I8", "I9", "I10", "I11", "I12" };

	return inv < sizeof(names) / sizeof(names[0]) ? names[inv] : "I?";
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
/* Entry points                                                         */
/* ================================================================== */

/*
 * Could op have changed where vCPUs are (or their dispatch counts, their
 * interrupt presentation, the partition's interrupt mode)? Then their
 * states are compared with the model now; otherwise at the end of the run
 * (every operation, when thorough).
 */
static bool moves_vcpus(const struct lp_exec *x, const struct lp_op *op)
{
	switch (op->kind) {
	case LP_OP_DISPATCH:
	case LP_OP_PREEMPT:
	case LP_OP_CPU_ADD:
	case LP_OP_CPU_REMOVE:
	case LP_OP_MIGRATE:
		return true;
	case LP_OP_HCALL:
		switch (op->opcode) {
		case H_CEDE:
		case H_CONFER:
		case H_PROD:
		case H_SET_MODE: /* the partition's interrupt mode */
		case H_CPPR:     /* interrupt presentation; an IPI wakes a ceded vCPU */
		case H_IPI:
		case H_XIRR:
		case H_EOI:
		case H_IPOLL:
		case H_RTAS:     /* stop-self, start-cpu, power-off halt and start vCPUs */
			return true;
		}
		break;
	}
	return x->op_dispatched || thorough(x);
}

/*
 * After H_RTAS every vCPU of the machine is compared, not only those the
 * model saw it move: a service that reached a vCPU the model says it
 * cannot name (another partition's) changed one the model never touched.
 */
static bool every_vcpu(const struct lp_exec *x, const struct lp_op *op)
{
	return thorough(x) || (op->kind == LP_OP_HCALL && op->opcode == H_RTAS);
}

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
			rc = lp_inv_after_hcall(x, opi, op);
			break;
		case LP_OP_MEM_ADD:
			rc = loc->alive && mach_ok(m) ? lp_inv_after_mem_add(x, opi, op) : LP_INV_NONE;
			break;
		case LP_OP_MEM_REMOVE:
			if (snap) {
				lp_inv_count(&x->inv.counts, LP_INV_I4, s->rich);
				rc = lp_inv_after_mem_remove(x, opi);
			}
			break;
		case LP_OP_RELOCATE:
		case LP_OP_MIGRATE:
			if (snap && s->hashed) {
				lp_inv_count(&x->inv.counts, LP_INV_I11, s->rich);
				rc = lp_inv_after_move(x, opi, op);
			}
			break;
		case LP_OP_CPU_ADD:
		case LP_OP_CPU_REMOVE:
			/* What these change: vCPUs, their registrations and (add) the new vCPU's save area. */
			if (loc->alive && mach_ok(m) && part_at(m, loc->slot)) {
				chk_init(&c, x, opi, m);
				rc = lp_inv_check_areas(&c, part_at(m, loc->slot));
			}
			if (rc == LP_INV_NONE && op->kind == LP_OP_CPU_ADD) {
				rc = lp_inv_after_cpu_add(x, opi, op);
			}
			break;
		case LP_OP_WIN_ASSIGN:
		case LP_OP_WIN_UNASSIGN:
			if (loc->alive && mach_ok(m)) {
				chk_init(&c, x, opi, m);
				rc = lp_inv_check_windows(&c, -1); /* a window handed out dirty may belong to anyone */
			}
			break;
		case LP_OP_DISPATCH:
			if (loc->alive && mach_ok(m)) {
				/* A vCPU that left a thread before has a record its registers must match. */
				lp_inv_count(&x->inv.counts, LP_INV_I5, x->inv.dispatch_rich);
				rc = lp_inv_after_dispatch(x, opi, op);
			}
			if (rc == LP_INV_NONE) {
				rc = lp_inv_check_idle_threads(x, opi, loc->machine & 1);
			}
			break;
		case LP_OP_PREEMPT:
			rc = lp_inv_check_idle_threads(x, opi, 0);
			if (rc == LP_INV_NONE) {
				rc = lp_inv_check_idle_threads(x, opi, 1);
			}
			break;
		default:
			break;
		}
	}
	if (rc != LP_INV_NONE ||
	    (moves_vcpus(x, op) && (rc = lp_inv_check_vcpus(x, opi, every_vcpu(x, op))) != LP_INV_NONE)) {
		return rc;
	}
	/*
	 * I9 after what fills the emulated TLB (LOAD, STORE) and what can make
	 * its entries stale: hcalls (H_REMOVE, H_PROTECT, ...) and the
	 * management operations that unmap or move memory. The others write
	 * neither (the final sweep checks the TLB once more).
	 */
	if (op->kind == LP_OP_HCALL || op->kind == LP_OP_LOAD || op->kind == LP_OP_STORE ||
	    op->kind == LP_OP_MEM_REMOVE || op->kind == LP_OP_RELOCATE || op->kind == LP_OP_MIGRATE) {
		lp_inv_count(&x->inv.counts, LP_INV_I9, x->tlb_valid != 0);
		rc = lp_inv_check_tlb(x, opi);
	}
	/* And the IOTLB after what can make its entries stale (TCE calls, DLPAR, moves, window changes). */
	if (rc == LP_INV_NONE && x->iotlb_valid &&
	    (op->kind == LP_OP_HCALL || op->kind == LP_OP_MEM_REMOVE || op->kind == LP_OP_RELOCATE ||
	     op->kind == LP_OP_MIGRATE || op->kind == LP_OP_WIN_ASSIGN || op->kind == LP_OP_WIN_UNASSIGN)) {
		rc = lp_inv_check_iotlb(x, opi);
	}
	return rc;
}

/*
 * The lowest free LMB of machine mach (of nlmb) with a page that does not
 * read zero, or nlmb. Walks the pages written since the reset (a few dozen)
 * rather than the LMBs (hundreds); thorough, every page of every free LMB.
 */
static uint32_t first_dirty_free_lmb(const struct lp_exec *x, unsigned mach, uint32_t nlmb)
{
	const struct hv_machine *m = &x->m[mach];
	unsigned per_lmb = lmb_shift(m) - 12; /* log2 of the pages of an LMB */
	uint64_t end = (uint64_t)nlmb << per_lmb, pg;

	for (pg = next_written_page(x, mach, 0, end); pg < end; pg = next_written_page(x, mach, pg + 1, end)) {
		uint32_t l = (uint32_t)(pg >> per_lmb);

		if (m->lmb[l].state != HV_LMB_FREE) {
			pg = ((uint64_t)(l + 1) << per_lmb) - 1; /* the rest of an LMB in use: not free memory */
		} else if (!mem_zero(m->mem + (pg << 12), PAGE_4K)) {
			return l;
		}
	}
	return nlmb;
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
			if (lp_inv_check_lmap(&c, p, slot) != LP_INV_NONE || lp_inv_scan_hpt(&c, p, slot, false) != LP_INV_NONE ||
			    lp_inv_check_areas(&c, p) != LP_INV_NONE) {
				return (enum lp_inv)x->viol.inv;
			}
			hw_count[mach][slot] = c.hw_valid;
		}
		if (lp_inv_check_windows(&c, -1) != LP_INV_NONE) {
			return (enum lp_inv)x->viol.inv;
		}
		/* I4: free memory reads zero. */
		i = first_dirty_free_lmb(x, mach, c.nlmb);
		if (i < c.nlmb) {
			return lp_violate(x, LP_INV_I4, opi, "free LMB does not read zero", i, mach);
		}
	}
	if (lp_memmap_check(x, opi, all) != LP_INV_NONE || lp_inv_check_vcpus(x, opi, true) != LP_INV_NONE ||
	    lp_inv_check_tlb(x, opi) != LP_INV_NONE || lp_inv_check_iotlb(x, opi) != LP_INV_NONE ||
	    lp_inv_check_idle_threads(x, opi, 0) != LP_INV_NONE ||
	    lp_inv_check_idle_threads(x, opi, 1) != LP_INV_NONE || (all && lp_inv_check_save_areas(x, opi) != LP_INV_NONE)) {
		return (enum lp_inv)x->viol.inv;
	}
	return lp_inv_full_model(x, opi, hw_count);
}
