/*
 * The invariant checker on hand-built machine state: the fixture builds a
 * real machine through the core, the test copies it into a zeroed struct
 * lp_exec, corrupts one thing directly in the raw tables (never through
 * hv/core) and asserts that exactly the expected invariant fires, and that
 * the same state without the corruption passes.
 */
#include "inv_helpers.h"

/* ---- messages ---- */

TEST(violation_message_names_text_and_both_values)
{
	struct lp_exec *x = calloc(1, sizeof(*x));

	CHECK(x);
	CHECK_EQ(lp_violate(x, LP_INV_I3, 7, "short text", 0x1F, 0), LP_INV_I3);
	CHECK_EQ(x->viol.inv, LP_INV_I3);
	CHECK_EQ(x->viol.op, 7);
	CHECK(strcmp(x->viol.msg, "short text a=0x1f b=0x0") == 0);
	lp_violate(x, LP_INV_I1, 0, "", ~0ull, 0x8000000000001000ull);
	CHECK(strcmp(x->viol.msg, " a=0xffffffffffffffff b=0x8000000000001000") == 0);
	/* A long text is cut, the values always fit. */
	{
		char longtext[400];

		memset(longtext, 'x', sizeof(longtext) - 1);
		longtext[sizeof(longtext) - 1] = 0;
		lp_violate(x, LP_INV_I2, 0, longtext, 1, 2);
		CHECK(strlen(x->viol.msg) < sizeof(x->viol.msg));
		CHECK(strstr(x->viol.msg, " a=0x1 b=0x2") != NULL);
	}
	CHECK(strcmp(lp_inv_name(LP_INV_I11), "I11") == 0);
	CHECK(strcmp(lp_inv_name(LP_INV_NONE), "none") == 0);
	free(x);
}

/* ---- I1 / I2 / I3 ---- */

TEST(clean_machine_passes_full_sweep_and_incremental_checks)
{
	struct hv_window *w;
	uint64_t ptex;
	uint32_t i;

	setup();
	ptex = enter(E.s0, 3, 0x1000);
	enter(E.s1, 5, 0x42000);
	w = window0(E.s0, 0);
	CHECK_RC(HC(&E.f, E.s0, H_PUT_TCE, w->liobn, 0, 0x3000 | 3), H_SUCCESS);
	fx_register_vpa(&E.f, E.s0, 0x2000);
	CHECK_EQ(full(), LP_INV_NONE);
	i = hcall_op(0, H_READ, H_SUCCESS, (const uint64_t[9]){ 0, ptex });
	CHECK_EQ(after(i), LP_INV_NONE);
	i = hcall_op(0, H_GET_TCE, H_SUCCESS, (const uint64_t[9]){ w->liobn, 0 });
	CHECK_EQ(after(i), LP_INV_NONE);
	teardown();
}

TEST(i1_hardware_rpn_of_another_partition)
{
	uint64_t ptex;
	uint32_t i;

	setup();
	ptex = enter(E.s0, 3, 0x1000);
	CHECK_EQ(full(), LP_INV_NONE);
	/* Only the hardware word changes: the guest view still says logical 0x1000. */
	hv_st_be64(hw(E.s0, ptex) + 8, (hv_ld_be64(hw(E.s0, ptex) + 8) & ~HPTE_R3_RPN) | real_of(E.s1, 0x5000));
	CHECK_EQ(full(), LP_INV_I1);
	CHECK_EQ(E.x->viol.op, E.prog.nops);
	/* The incremental check of an hcall naming that PTEX sees it too. */
	i = hcall_op(0, H_PROTECT, H_NOT_FOUND, (const uint64_t[9]){ 0, ptex });
	CHECK_EQ(after(i), LP_INV_I1);
	CHECK_EQ(E.x->viol.op, i);
	/* ...but an hcall elsewhere does not look (O(touched)). */
	i = hcall_op(0, H_READ, H_SUCCESS, (const uint64_t[9]){ 0, (ptex + 64) % LP_NHPTE });
	CHECK_EQ(after(i), LP_INV_NONE);
	teardown();
}

TEST(i1_undecodable_page_size_in_hardware)
{
	uint64_t ptex;

	setup();
	ptex = enter(E.s0, 9, 0x3000);
	/* L = 1 with LP bits 12-15 = 0101: no page size decodes from it. */
	hv_st_be64(hw(E.s0, ptex), hv_ld_be64(hw(E.s0, ptex)) | HPTE_V_LARGE);
	hv_st_be64(hw(E.s0, ptex) + 8, (hv_ld_be64(hw(E.s0, ptex) + 8) & ~0xF000ull) | 0x5000);
	CHECK_EQ(full(), LP_INV_I1);
	CHECK(strstr(E.x->viol.msg, "undecodable") != NULL);
	teardown();
}

TEST(i1_actual_page_size_decides_the_range)
{
	uint64_t ptex, base;

	setup();
	ptex = enter(E.s0, 11, 0);
	/* A 64 KiB page (4 KiB base, LP 0111) inside p0's LMB: owned. */
	base = real_of(E.s0, 0) & ~0xFFFFull;
	hv_st_be64(hw(E.s0, ptex), hv_ld_be64(hw(E.s0, ptex)) | HPTE_V_LARGE);
	hv_st_be64(hw(E.s0, ptex) + 8, (hv_ld_be64(hw(E.s0, ptex) + 8) & ~HPTE_R3_RPN) | base | 0x7000);
	CHECK_EQ(full(), LP_INV_NONE);
	/* The same base as a 16 MiB page (LP 0x38) spans the hypervisor region below: I2 wins over I1. */
	hv_st_be64(hw(E.s0, ptex) + 8, (hv_ld_be64(hw(E.s0, ptex) + 8) & ~HPTE_R3_RPN) | (base & ~0xFFFFFFull) | 0x38000);
	CHECK_EQ(full(), LP_INV_I2);
	/* A 16 MiB page wholly in free memory (top of the machine): I1. */
	hv_st_be64(hw(E.s0, ptex) + 8,
		   (hv_ld_be64(hw(E.s0, ptex) + 8) & ~HPTE_R3_RPN) | (E.f.m.mem_size - (16ull << 20)) | 0x38000);
	CHECK_EQ(full(), LP_INV_I1);
	teardown();
}

TEST(i2_hpte_pointing_into_the_hpt)
{
	uint64_t ptex;

	setup();
	ptex = enter(E.s0, 4, 0x1000);
	hv_st_be64(hw(E.s0, ptex) + 8,
		   (hv_ld_be64(hw(E.s0, ptex) + 8) & ~HPTE_R3_RPN) | E.f.m.part[E.s0].hpt.v);
	CHECK_EQ(full(), LP_INV_I2);
	CHECK(strstr(E.x->viol.msg, "hypervisor") != NULL);
	teardown();
}

TEST(i2_tce_and_registration_in_hypervisor_memory)
{
	struct hv_window *w;
	uint32_t i;

	setup();
	w = window0(E.s0, 0);
	CHECK_RC(HC(&E.f, E.s0, H_PUT_TCE, w->liobn, 0x5000, 0x1000 | 3), H_SUCCESS);
	CHECK_EQ(full(), LP_INV_NONE);
	hv_st_be64(E.f.m.mem + w->table.v + 5 * 8, E.f.m.part[E.s1].hpt.v | 3);
	CHECK_EQ(full(), LP_INV_I2);
	i = hcall_op(0, H_STUFF_TCE, H_PARAMETER, (const uint64_t[9]){ w->liobn, 0x4000, 0, 4 });
	CHECK_EQ(after(i), LP_INV_I2);
	hv_st_be64(E.f.m.mem + w->table.v + 5 * 8, 0);
	CHECK_EQ(full(), LP_INV_NONE);
	/* A registration whose logical page the logical map sends into the hypervisor region. */
	fx_register_vpa(&E.f, E.s0, 0x2000);
	CHECK_EQ(full(), LP_INV_NONE);
	E.f.m.part[E.s0].lmap[0] = 1; /* logical LMB 0 -> real LMB 0 (hypervisor) */
	CHECK_EQ(full(), LP_INV_I2);
	teardown();
}

TEST(i3_tce_granting_another_partitions_page)
{
	struct hv_window *w;
	uint32_t i;

	setup();
	w = window0(E.s0, 0);
	CHECK_RC(HC(&E.f, E.s0, H_PUT_TCE, w->liobn, 0x2000, 0x1000 | 1), H_SUCCESS);
	CHECK_EQ(full(), LP_INV_NONE);
	hv_st_be64(E.f.m.mem + w->table.v + 2 * 8, real_of(E.s1, 0x3000) | 2);
	CHECK_EQ(full(), LP_INV_I3);
	/* Incremental: the H_GET_TCE naming that entry. */
	i = hcall_op(0, H_GET_TCE, H_SUCCESS, (const uint64_t[9]){ w->liobn, 0x2000 });
	CHECK_EQ(after(i), LP_INV_I3);
	/* No permission bits: no access, whatever the address. */
	hv_st_be64(E.f.m.mem + w->table.v + 2 * 8, real_of(E.s1, 0x3000));
	CHECK_EQ(full(), LP_INV_NONE);
	teardown();
}

/* ---- I4 ---- */

static uint32_t first_free_lmb(void)
{
	uint32_t i;

	for (i = 0; i < E.f.m.lmb_count; i++) {
		if (E.f.m.lmb[i].state == HV_LMB_FREE) {
			return i;
		}
	}
	CHECK(false);
	return 0;
}

/* A touched hook that knows one written range per machine 0 (what a platform's dirty tracking would say). */
static uint64_t hook_ra, hook_len;
static unsigned hook_calls;

static bool hook_touched(void *ctx, unsigned machine, uint64_t ra, uint64_t len)
{
	(void)ctx;
	hook_calls++;
	return machine == 0 && ra < hook_ra + hook_len && hook_ra < ra + len;
}

TEST(i4_dirty_free_lmb_found_by_the_sweep_and_at_mem_add)
{
	uint32_t lmb, i;

	setup();
	lmb = first_free_lmb();
	E.f.m.mem[fx_lmb_base(&E.f, lmb).v + 0x3F008] = 0x5A;
	/* No touched hook: the sweep reads every free LMB. */
	CHECK_EQ(full(), LP_INV_I4);
	CHECK_EQ(E.x->viol.op, E.prog.nops);
	/* With one, only what was written (by contract the rest reads zero)... */
	E.x->touched = hook_touched;
	hook_ra = 0;
	hook_len = 0;
	CHECK_EQ(full(), LP_INV_NONE);
	hook_ra = fx_lmb_base(&E.f, lmb).v + 0x3F000;
	hook_len = 4096;
	hook_calls = 0;
	CHECK_EQ(full(), LP_INV_I4);
	CHECK(hook_calls > 0);
	/* ...unless thorough (and every backdoor run is): then nothing is trusted. */
	hook_len = 0;
	E.x->inv.thorough = true;
	CHECK_EQ(full(), LP_INV_I4);
	E.x->inv.thorough = false;
	E.x->backdoor_enabled = true;
	CHECK_EQ(full(), LP_INV_I4);
	E.x->backdoor_enabled = false;
	E.x->touched = NULL;
	/* Handing it to a partition (the core takes the first free LMB) is caught at once. */
	CHECK_EQ(hv_dlpar_mem_add(&E.f.m, E.s0, 5, HV_NIL), HV_OK);
	CHECK_EQ(fx_real_lmb_of(&E.f, E.s0, 5ull << 18), lmb);
	i = op(LP_OP_MEM_ADD, 0, 5, HV_OK);
	CHECK_EQ(after(i), LP_INV_I4);
	CHECK(strstr(E.x->viol.msg, "zero") != NULL);
	teardown();
}

TEST(i4_mem_remove_clean_then_leftover_references)
{
	uint32_t i, real;
	uint64_t ptex, hw1;

	setup();
	ptex = enter(E.s0, 6, (1ull << 18) + 0x4000); /* in logical LMB 1 */
	real = fx_real_lmb_of(&E.f, E.s0, 1ull << 18);
	hw1 = hv_ld_be64(hw(E.s0, ptex) + 8);
	fx_write64(&E.f, E.s0, (1ull << 18) + 0x100, 0xDEAD);

	/* A correct removal passes, and remembers the LMB for the final sweep. */
	i = op(LP_OP_MEM_REMOVE, 0, 1, HV_OK);
	sync();
	lp_inv_before(E.x, i);
	CHECK_EQ(hv_dlpar_mem_remove(&E.f.m, E.s0, 1), HV_OK);
	CHECK_EQ(after(i), LP_INV_NONE);

	/* A stray write into it afterwards: the final sweep reads it. */
	E.f.m.mem[fx_lmb_base(&E.f, real).v + 8] = 1;
	CHECK_EQ(full(), LP_INV_I4);
	E.f.m.mem[fx_lmb_base(&E.f, real).v + 8] = 0;

	/* A removal that leaves the hardware entry behind: I4 (not I1) for the departed LMB. */
	CHECK_EQ(hv_dlpar_mem_add(&E.f.m, E.s0, 1, real), HV_OK);
	ptex = enter(E.s0, 6, (1ull << 18) + 0x4000);
	hw1 = hv_ld_be64(hw(E.s0, ptex) + 8);
	i = op(LP_OP_MEM_REMOVE, 0, 1, HV_OK);
	sync();
	lp_inv_before(E.x, i);
	CHECK_EQ(hv_dlpar_mem_remove(&E.f.m, E.s0, 1), HV_OK);
	hv_st_be64(hw(E.s0, ptex) + 8, hw1);
	hv_st_be64(hw(E.s0, ptex), fx_pteh(VSID, 6 << 12) & HPTE_V3_COMMON);
	CHECK_EQ(after(i), LP_INV_I4);
	CHECK(strstr(E.x->viol.msg, "left the partition") != NULL);
	teardown();
}

/*
 * The partition's logical TCE still names the departed LMB while the
 * adapter's real entry is already clear: the checker must look at entries
 * whose real half is zero (its zero skips skip only entries with both
 * halves zero), here one among 63 empty neighbours of its group of 64.
 */
TEST(i4_logical_tce_into_departed_lmb_with_real_entry_clear)
{
	struct hv_window *w;
	uint32_t i;
	uint64_t logical = (1ull << 18) + 0x5000; /* in logical LMB 1 */

	setup();
	w = window0(E.s0, 0);
	CHECK_RC(HC(&E.f, E.s0, H_PUT_TCE, w->liobn, 70ull << 12, logical | 3), H_SUCCESS);
	i = op(LP_OP_MEM_REMOVE, 0, 1, HV_OK);
	sync();
	lp_inv_before(E.x, i);
	CHECK_EQ(hv_dlpar_mem_remove(&E.f.m, E.s0, 1), HV_OK);
	CHECK_EQ(hv_ld_be64(E.f.m.mem + w->table.v + 70 * 8), 0); /* the core revoked both halves */
	CHECK_EQ(hv_ld_be64(E.f.m.mem + w->shadow.v + 70 * 8), 0);
	/* A removal that forgot the logical half. */
	hv_st_be64(E.f.m.mem + w->shadow.v + 70 * 8, logical | 3);
	CHECK_EQ(after(i), LP_INV_I4);
	CHECK(strstr(E.x->viol.msg, "TCE the partition sees still maps an LMB that left it") != NULL);
	teardown();
}

TEST(i4_mem_remove_not_scrubbed_or_registration_left)
{
	uint32_t i, real;

	setup();
	real = fx_real_lmb_of(&E.f, E.s0, 1ull << 18);
	/* Fast mode: the unscrubbed LMB is found by the final sweep (it is still free)... */
	i = op(LP_OP_MEM_REMOVE, 0, 1, HV_OK);
	sync();
	lp_inv_before(E.x, i);
	CHECK_EQ(hv_dlpar_mem_remove(&E.f.m, E.s0, 1), HV_OK);
	E.f.m.mem[fx_lmb_base(&E.f, real).v + 0x20000] = 7; /* as if the scrub had been skipped */
	CHECK_EQ(after(i), LP_INV_NONE);
	CHECK_EQ(full(), LP_INV_I4);
	/* ...or when handed to the next owner. */
	CHECK_EQ(hv_dlpar_mem_add(&E.f.m, E.s1, 7, real), HV_OK);
	i = op(LP_OP_MEM_ADD, 1, 7, HV_OK);
	CHECK_EQ(after(i), LP_INV_I4);
	CHECK_EQ(hv_dlpar_mem_remove(&E.f.m, E.s1, 7), HV_OK);
	CHECK_EQ(hv_dlpar_mem_add(&E.f.m, E.s0, 1, real), HV_OK);
	/* Thorough: at the removal itself. */
	E.x->inv.thorough = true;
	i = op(LP_OP_MEM_REMOVE, 0, 1, HV_OK);
	sync();
	lp_inv_before(E.x, i);
	CHECK_EQ(hv_dlpar_mem_remove(&E.f.m, E.s0, 1), HV_OK);
	E.f.m.mem[fx_lmb_base(&E.f, real).v + 0x20000] = 7;
	CHECK_EQ(after(i), LP_INV_I4);
	CHECK(strstr(E.x->viol.msg, "scrubbed") != NULL);
	E.f.m.mem[fx_lmb_base(&E.f, real).v + 0x20000] = 0;
	E.x->inv.thorough = false;

	/* A VPA registration left pointing into the removed logical LMB. */
	CHECK_EQ(hv_dlpar_mem_add(&E.f.m, E.s0, 1, HV_NIL), HV_OK);
	fx_register_vpa(&E.f, E.s0, (1ull << 18) + 0x800);
	i = op(LP_OP_MEM_REMOVE, 0, 1, HV_OK);
	sync();
	lp_inv_before(E.x, i);
	CHECK_EQ(hv_dlpar_mem_remove(&E.f.m, E.s0, 1), HV_OK);
	CHECK(!E.f.m.part[E.s0].vcpu[0].vpa.on);
	E.f.m.part[E.s0].vcpu[0].vpa.on = true;
	CHECK_EQ(after(i), LP_INV_I4);
	CHECK(strstr(E.x->viol.msg, "registration") != NULL);
	teardown();
}

/* ---- I5 ---- */

TEST(i5_dispatch_restores_saved_or_boot_state_exactly)
{
	struct hv_thread *t;
	uint32_t i;
	int th;

	setup();
	/* Boot state: a vCPU never run yet. */
	CHECK_EQ(hv_dispatch(&E.f.m, 2, E.s0, 0), HV_OK);
	i = op(LP_OP_DISPATCH, 0, 2, HV_OK);
	CHECK_EQ(after(i), LP_INV_NONE);
	t = &E.f.m.thread[2];
	t->regs.r[HV_REG_GPR + 7] = 0x1234; /* as if the core had leaked a value into it */
	CHECK_EQ(after(i), LP_INV_I5);
	CHECK(strstr(E.x->viol.msg, "r7") != NULL);

	/* Saved state: the harness's record of what the vCPU left with; MSR[HV] is ignored. */
	t->regs.r[HV_REG_GPR + 7] = 0x77;
	E.x->saved[0][0] = t->regs;
	E.x->saved_valid[0][0] = true;
	CHECK_EQ(hv_preempt(&E.f.m, 2), HV_OK);
	th = fx_running_thread(&E.f, E.s0, 0);
	CHECK(th >= 0);
	i = op(LP_OP_DISPATCH, 0, (unsigned)th, HV_OK);
	CHECK_EQ(after(i), LP_INV_NONE);
	E.f.m.thread[th].regs.r[HV_REG_MSR] |= MSR_HV;
	CHECK_EQ(after(i), LP_INV_NONE);
	E.f.m.thread[th].regs.r[HV_REG_VR + 9] ^= 1;
	CHECK_EQ(after(i), LP_INV_I5);
	/* A failed dispatch is not judged. */
	E.x->res[i].rc = HV_EBUSY;
	CHECK_EQ(after(i), LP_INV_NONE);
	teardown();
}

TEST(i5_new_vcpu_inherits_nothing)
{
	hv_raddr_t save;
	uint32_t i;

	setup();
	/* vCPU 1 of partition 0 was never present: its save area reads zero. */
	CHECK_EQ(hv_dlpar_cpu_add(&E.f.m, E.s0, 1), HV_OK);
	i = op(LP_OP_CPU_ADD, 0, 0, HV_OK);
	E.prog.op[i].vcpu = 1;
	CHECK_EQ(after(i), LP_INV_NONE);
	/* Removed, and a register left behind in its save area (a core that forgot to scrub it). */
	CHECK_EQ(hv_dlpar_cpu_remove(&E.f.m, E.s0, 1), HV_OK);
	save = E.f.m.part[E.s0].vcpu[1].save;
	hv_st_be64(E.f.m.mem + save.v + 8 * (HV_REG_GPR + 9), 0xC0FFEE);
	CHECK_EQ(hv_dlpar_cpu_add(&E.f.m, E.s0, 1), HV_OK);
	i = op(LP_OP_CPU_ADD, 0, 0, HV_OK);
	E.prog.op[i].vcpu = 1;
	CHECK_EQ(after(i), LP_INV_I5);
	CHECK(strstr(E.x->viol.msg, "r9") != NULL);
	/* A failed add is not judged. */
	E.x->res[i].rc = HV_EEXIST;
	CHECK_EQ(after(i), LP_INV_NONE);
	teardown();
}

TEST(i5_preempted_thread_keeps_nothing)
{
	uint32_t i;
	int th;

	setup();
	th = fx_running_thread(&E.f, E.s0, 0);
	CHECK(th >= 0);
	E.f.m.thread[th].regs.r[HV_REG_GPR + 20] = 0xFEED;
	CHECK_EQ(hv_preempt(&E.f.m, (uint32_t)th), HV_OK);
	i = op(LP_OP_PREEMPT, 0, (unsigned)th, HV_OK);
	CHECK_EQ(after(i), LP_INV_NONE);
	E.f.m.thread[th].regs.r[HV_REG_SPRG + 2] = 0xFEED;
	CHECK_EQ(after(i), LP_INV_I5);
	CHECK(strstr(E.x->viol.msg, "idle") != NULL);
	teardown();
}

TEST(i5_thorough_sweep_compares_save_areas)
{
	struct hv_partition *p;
	int th;

	setup();
	th = fx_running_thread(&E.f, E.s0, 0);
	E.f.m.thread[th].regs.r[HV_REG_GPR + 5] = 0x55;
	E.x->saved[0][0] = E.f.m.thread[th].regs;
	E.x->saved_valid[0][0] = true;
	CHECK_EQ(hv_preempt(&E.f.m, (uint32_t)th), HV_OK);
	E.x->inv.thorough = true;
	CHECK_EQ(full(), LP_INV_NONE);
	p = &E.f.m.part[E.s0];
	E.f.m.mem[p->vcpu[0].save.v + 8 * (HV_REG_GPR + 5) + 7] ^= 0x10;
	CHECK_EQ(full(), LP_INV_I5);
	teardown();
}

/* ---- I9 ---- */

TEST(i9_stale_translation_in_the_emulated_tlb)
{
	struct lp_tlb_entry *t;
	uint64_t ptex, hw1;
	uint32_t i;

	setup();
	ptex = enter(E.s0, 0x10, 0x4000);
	hw1 = hv_ld_be64(hw(E.s0, ptex) + 8);
	t = &E.x->tlb[3];
	E.x->tlb_valid |= 1u << 3;
	t->machine = 0;
	t->slot = (uint8_t)E.s0;
	t->ptex = ptex;
	t->va = (VSID << 28) | (0x10ull << 12);
	t->ea_page = 0x10ull << 12;
	t->ra_page = hw1 & HPTE_R3_RPN;
	t->writable = true;
	i = op(LP_OP_LOAD, 0, 0, 0);
	CHECK_EQ(after(i), LP_INV_NONE);
	/* Write-protected (PP 011) behind the TLB's back. */
	hv_st_be64(hw(E.s0, ptex) + 8, hw1 | 3);
	CHECK_EQ(after(i), LP_INV_I9);
	t->writable = false;
	CHECK_EQ(after(i), LP_INV_NONE);
	/* Removed without the flush. */
	CHECK_RC(HC(&E.f, E.s0, H_REMOVE, 0, ptex, 0), H_SUCCESS);
	CHECK_EQ(after(i), LP_INV_I9);
	CHECK_EQ(full(), LP_INV_I9);
	E.x->tlb_valid &= ~(1u << 3);
	CHECK_EQ(after(i), LP_INV_NONE);
	teardown();
}

/* ---- the touched hook ---- */

TEST(touched_hook_limits_sweeps_to_written_memory)
{
	uint64_t ptex, hpt_page;
	uint32_t i;

	setup();
	ptex = enter(E.s0, 3, 0x1000);
	hv_st_be64(hw(E.s0, ptex) + 8, (hv_ld_be64(hw(E.s0, ptex) + 8) & ~HPTE_R3_RPN) | real_of(E.s1, 0x5000));
	hpt_page = (E.f.m.part[E.s0].hpt.v + ptex * HPTE_BYTES) & ~0xFFFull;
	E.x->touched = hook_touched;
	/* The HPT page holding the entry was written: the sweep reads it. */
	hook_ra = hpt_page;
	hook_len = 4096;
	CHECK_EQ(full(), LP_INV_I1);
	/* The platform says nobody wrote it (a core writing without marking it would hide this way). */
	hook_ra = hpt_page + 4096;
	CHECK_EQ(full(), LP_INV_NONE);
	/* Incremental checks name their entries and do not ask. */
	i = hcall_op(0, H_READ, H_SUCCESS, (const uint64_t[9]){ 0, ptex });
	CHECK_EQ(after(i), LP_INV_I1);
	E.x->inv.thorough = true;
	CHECK_EQ(full(), LP_INV_I1);
	teardown();
}
