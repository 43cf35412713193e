/*
 * The checker on a machine no program drives (inv_os.c, the firmware's
 * Linux box): I5 at every dispatch against what the vCPU trapped with, the
 * incremental I1-I4 on the pages the platform reported written since the
 * last dispatch (and only those), the final sweep over everything. The
 * machine is built through the core (inv_helpers.h); the corruptions are
 * made directly, never through hv/core.
 */
#include "inv_helpers.h"

#include "lparsec/inv_os.h"

#define MAX_PAGES 16384 /* a 64 MiB machine */

static struct lp_inv_os W;
static struct lp_prog scratch;
static uint64_t recent[MAX_PAGES / 64];

/* Watches the fixture's machine; nothing reported written yet. */
static void watch(void)
{
	memset(recent, 0, sizeof(recent));
	sync();
	CHECK(E.f.m.mem_size >> 12 <= MAX_PAGES);
	lp_inv_os_begin(&W, E.x, &scratch, recent, E.f.m.mem_size >> 12);
}

static void report(uint64_t ra)
{
	recent[(ra >> 12) / 64] |= 1ull << ((ra >> 12) % 64);
}

/* vCPU 0 of slot traps (as HDEC would take it) and leaves its thread; the thread it ran on. */
static int preempt_recorded(uint32_t slot)
{
	int t = fx_running_thread(&E.f, slot, 0);
	const struct hv_regs *r;

	CHECK(t >= 0);
	r = &E.f.m.thread[t].regs;
	lp_inv_os_trapped(&W, slot, 0, r, r->r[HV_REG_NIA], r->r[HV_REG_MSR], LP_INV_OS_PREEMPTED, 0);
	CHECK_EQ(hv_preempt(&E.f.m, (uint32_t)t), HV_OK);
	return t;
}

static enum lp_inv dispatched(uint32_t slot)
{
	int t = fx_running_thread(&E.f, slot, 0);

	CHECK(t >= 0);
	sync();
	return lp_inv_os_dispatched(&W, (uint32_t)t);
}

TEST(os_dispatch_gives_back_what_the_vcpu_trapped_with)
{
	int t;

	setup();
	watch();
	t = fx_running_thread(&E.f, E.s0, 0);
	E.f.m.thread[t].regs.r[HV_REG_GPR + 13] = 0xC000000002082280ull; /* a PACA pointer */
	E.f.m.thread[t].regs.r[HV_REG_VR + 9] = 0x99;
	preempt_recorded(E.s0);
	CHECK_EQ(dispatched(E.s0), LP_INV_NONE);
	CHECK_EQ(W.dispatches, 1);

	/* The core restores all but r13 (bench/mutants/dispatch-skips-r13.patch, by hand). */
	preempt_recorded(E.s0);
	hv_st_be64(E.f.m.mem + E.f.m.part[E.s0].vcpu[0].save.v + 8 * (HV_REG_GPR + 13), 0);
	CHECK_EQ(dispatched(E.s0), LP_INV_I5);
	CHECK(strstr(E.x->viol.msg, "register r13 differs from what the vCPU left its thread with") != NULL);
	CHECK_EQ(E.x->viol.op, 1);
	teardown();
}

TEST(os_an_hcall_that_gives_up_the_thread_returns_success_and_no_outputs)
{
	struct hv_regs r;
	const struct hv_regs *want;

	setup();
	watch();
	memset(&r, 0, sizeof(r));
	r.r[HV_REG_GPR + 3] = H_CEDE;
	r.r[HV_REG_GPR + 4] = 5;
	r.r[HV_REG_GPR + 12] = 6;
	r.r[HV_REG_GPR + 13] = 7;
	lp_inv_os_trapped(&W, 1, 2, &r, 0x1004, MSR_SF | MSR_HV, LP_INV_OS_HCALL, H_CEDE);
	want = &E.x->saved[1][2];
	CHECK(E.x->saved_valid[1][2]);
	CHECK_EQ(want->r[HV_REG_GPR + 3], H_SUCCESS);
	CHECK_EQ(want->r[HV_REG_GPR + 4], 0);
	CHECK_EQ(want->r[HV_REG_GPR + 12], 0);
	CHECK_EQ(want->r[HV_REG_GPR + 13], 7);
	CHECK_EQ(want->r[HV_REG_NIA], 0x1004);
	CHECK_EQ(want->r[HV_REG_MSR], MSR_SF | MSR_EE); /* MSR[HV] is the hypervisor's; EE from H_CEDE */
	/* H_CONFER leaves MSR as it was; a preemption leaves every register. */
	lp_inv_os_trapped(&W, 1, 2, &r, 0x1004, MSR_SF, LP_INV_OS_HCALL, H_CONFER);
	CHECK_EQ(want->r[HV_REG_MSR], MSR_SF);
	lp_inv_os_trapped(&W, 1, 2, &r, 0x1000, MSR_SF, LP_INV_OS_PREEMPTED, 0);
	CHECK_EQ(want->r[HV_REG_GPR + 3], H_CEDE);
	CHECK_EQ(want->r[HV_REG_GPR + 4], 5);
	teardown();
}

TEST(os_hptes_in_pages_written_since_are_checked_at_dispatch_all_at_the_end)
{
	uint64_t ptex, ra;

	setup();
	ptex = enter(E.s0, 3, 0x1000);
	watch();
	CHECK_EQ(dispatched(E.s0), LP_INV_NONE);
	/* The hardware word now maps the other partition's memory. */
	hv_st_be64(hw(E.s0, ptex) + 8, (hv_ld_be64(hw(E.s0, ptex) + 8) & ~HPTE_R3_RPN) | real_of(E.s1, 0x5000));
	/* Not reported written: the dispatch check does not read it (its cost is what changed)... */
	CHECK_EQ(dispatched(E.s0), LP_INV_NONE);
	CHECK_EQ(W.hpt_pages, 0);
	/* ...reported: it does. */
	ra = hv_hpte_addr(&E.f.m.part[E.s0], ptex).v;
	report(ra);
	CHECK_EQ(dispatched(E.s0), LP_INV_I1);
	CHECK_EQ(W.hpt_pages, 1);
	CHECK_EQ(W.hptes, ptex % 256 + 1); /* the page's entries up to the bad one (the HPT is page aligned) */
	/* The final sweep reads everything, reported or not. */
	memset(recent, 0, sizeof(recent));
	E.x->viol.inv = LP_INV_NONE;
	CHECK_EQ(lp_inv_os_final(&W), LP_INV_I1);
	teardown();
}

TEST(os_free_memory_written_since_reads_zero)
{
	uint32_t lmb;
	uint64_t ra;

	setup();
	watch();
	for (lmb = 0; lmb < E.f.m.lmb_count && E.f.m.lmb[lmb].state != HV_LMB_FREE; lmb++) {
	}
	CHECK(lmb < E.f.m.lmb_count);
	ra = fx_lmb_base(&E.f, lmb).v + 0x3F008;
	E.f.m.mem[ra] = 0x5A;
	CHECK_EQ(dispatched(E.s0), LP_INV_NONE);
	report(ra);
	CHECK_EQ(dispatched(E.s0), LP_INV_I4);
	CHECK_EQ(W.free_pages, 1);
	CHECK(strstr(E.x->viol.msg, "free LMB does not read zero") != NULL);
	E.x->viol.inv = LP_INV_NONE;
	CHECK_EQ(lp_inv_os_final(&W), LP_INV_I4);
	teardown();
}

TEST(os_a_clean_check_forgets_what_it_read)
{
	setup();
	enter(E.s0, 3, 0x1000);
	watch();
	report(hv_hpte_addr(&E.f.m.part[E.s0], 0).v);
	CHECK_EQ(dispatched(E.s0), LP_INV_NONE);
	CHECK_EQ(W.hpt_pages, 1);
	CHECK_EQ(recent[(hv_hpte_addr(&E.f.m.part[E.s0], 0).v >> 12) / 64], 0);
	CHECK_EQ(dispatched(E.s0), LP_INV_NONE);
	CHECK_EQ(W.hpt_pages, 1);
	CHECK_EQ(lp_inv_os_final(&W), LP_INV_NONE);
	teardown();
}
