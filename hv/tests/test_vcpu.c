/*
 * vCPUs: DLPAR of processors, H_CEDE / H_PROD / H_CONFER and H_SET_SPRG0.
 * Dispatch is test_dispatch.c, H_REGISTER_VPA test_vpa.c; helpers:
 * vcpu_helpers.h.
 */
#include "vcpu_helpers.h"

/* Issues an hcall on thread t directly; returns what hv_enter said. */
static enum hv_exit raw_call(struct fx *f, int t, uint64_t op, uint64_t r4)
{
	uint64_t a[9] = { r4 };
	enum hv_exit e;
	unsigned i;

	for (i = 1; i < 9; i++) {
		a[i] = 0x7700000000000000ull | (i + 4); /* junk the call must not echo */
	}
	hv_hcall(&f->m, (uint32_t)t, op, a, 0, &e);
	return e;
}

/* ------------------------------------------------------------- DLPAR cpu */

TEST(dlpar_cpu_add_boot_state)
{
	struct fx f;
	uint32_t p;
	struct hv_regs boot;
	unsigned i;
	int t;

	fx_init(&f, 0, 0);
	p = fx_partition(&f, 1);
	hv_regs_boot_state(&boot, 1);
	CHECK_EQ(boot.r[HV_REG_MSR], MSR_SF | MSR_ME);
	for (i = 0; i < HV_REG_COUNT; i++) {
		if (i != HV_REG_MSR) {
			CHECK_EQ(boot.r[i], 0);
		}
	}
	CHECK_EQ(hv_dlpar_cpu_add(&f.m, p, 1), HV_OK);
	CHECK_EQ(hv_dlpar_cpu_add(&f.m, p, 1), HV_EEXIST);
	CHECK_EQ(hv_dlpar_cpu_add(&f.m, p, 4), HV_ENOENT);
	CHECK_EQ(hv_dlpar_cpu_add(&f.m, 3, 0), HV_ENOENT);
	CHECK_EQ(vc(&f, p, 1)->state, HV_VCPU_STOPPED);
	for (i = 0; i < HV_REG_COUNT; i++) {
		CHECK_EQ(saved(&f, p, 1, i), boot.r[i]);
	}
	t = fx_running_thread(&f, p, 1);
	CHECK(t >= 0);
	CHECK(regs_are_boot(&f, t));
	fx_fini(&f);
}

TEST(dlpar_cpu_remove_busy_then_clean)
{
	struct fx f;
	uint32_t p;
	int t;
	unsigned i;

	fx_init(&f, 0, 0);
	p = fx_partition(&f, 1);
	CHECK_EQ(hv_dlpar_cpu_add(&f.m, p, 1), HV_OK);
	set_len16(&f, p, 0x1000, 640);
	CHECK_RC(HC(&f, p, H_REGISTER_VPA, VPA_FN(H_VPA_REG_VPA), 1, 0x1000), H_SUCCESS);
	CHECK_RC(HC(&f, p, H_PROD, 1), H_SUCCESS);
	CHECK(vc(&f, p, 1)->prodded);
	t = fx_running_thread(&f, p, 1);
	plant_all(&f, t);

	/* Running: refused, nothing changes. */
	CHECK_EQ(hv_dlpar_cpu_remove(&f.m, p, 1), HV_EBUSY);
	CHECK_EQ(vc(&f, p, 1)->state, HV_VCPU_RUNNING);
	CHECK(vc(&f, p, 1)->vpa.on);
	CHECK_EQ(f.m.thread[t].regs.r[HV_REG_GPR + 7], plant(HV_REG_GPR + 7));

	CHECK_EQ(hv_preempt(&f.m, (uint32_t)t), HV_OK);
	CHECK_EQ(saved(&f, p, 1, HV_REG_GPR + 7), plant(HV_REG_GPR + 7));
	CHECK_EQ(hv_dlpar_cpu_remove(&f.m, p, 1), HV_OK);
	CHECK(fx_real_is_zero(&f, vc(&f, p, 1)->save, HV_SAVE_AREA_BYTES));
	CHECK_EQ(vc(&f, p, 1)->state, HV_VCPU_ABSENT);
	CHECK(!vc(&f, p, 1)->vpa.on);
	CHECK(!vc(&f, p, 1)->dtl.on);
	CHECK(!vc(&f, p, 1)->slb.on);
	CHECK(!vc(&f, p, 1)->prodded);
	CHECK_EQ(hv_dlpar_cpu_remove(&f.m, p, 1), HV_ENOENT);

	/* Nothing may name it any more. */
	CHECK_RC(HC(&f, p, H_PROD, 1), H_PARAMETER);
	CHECK_RC(HC(&f, p, H_CONFER, 1, 1), H_PARAMETER);
	set_len16(&f, p, 0x2000, 640);
	CHECK_RC(HC(&f, p, H_REGISTER_VPA, VPA_FN(H_VPA_REG_VPA), 1, 0x2000), H_PARAMETER);
	CHECK(!vc(&f, p, 1)->vpa.on);
	for (i = 0; i < 4; i++) {
		CHECK_EQ(hv_dispatch(&f.m, i, p, 1), HV_ENOENT);
	}
	fx_fini(&f);
}

TEST(dlpar_cpu_readd_is_clean)
{
	struct fx f;
	uint32_t p;
	int t;
	unsigned i, j;

	fx_init(&f, 0, 0);
	p = fx_partition(&f, 1);
	CHECK_EQ(hv_dlpar_cpu_add(&f.m, p, 1), HV_OK);
	set_len16(&f, p, 0x1000, 640);
	CHECK_RC(HC(&f, p, H_REGISTER_VPA, VPA_FN(H_VPA_REG_VPA), 1, 0x1000), H_SUCCESS);
	t = fx_running_thread(&f, p, 1);
	plant_all(&f, t);
	CHECK_EQ(hv_preempt(&f.m, (uint32_t)t), HV_OK);
	CHECK_EQ(hv_dlpar_cpu_remove(&f.m, p, 1), HV_OK);
	CHECK_EQ(hv_dlpar_cpu_add(&f.m, p, 1), HV_OK);
	CHECK(!vc(&f, p, 1)->vpa.on);
	CHECK(!vc(&f, p, 1)->prodded);
	t = fx_running_thread(&f, p, 1);
	CHECK(t >= 0);
	CHECK(regs_are_boot(&f, t));
	for (i = 0; i < HV_REG_COUNT; i++) {
		for (j = 0; j < HV_REG_COUNT; j++) {
			CHECK(f.m.thread[t].regs.r[i] != plant(j));
		}
	}
	fx_fini(&f);
}

TEST(dlpar_cpu_remove_ceded_vcpu)
{
	struct fx f;
	uint32_t p;

	fx_init(&f, 0, 0);
	p = fx_partition(&f, 1);
	CHECK_EQ(hv_dlpar_cpu_add(&f.m, p, 1), HV_OK);
	CHECK_RC(HCV(&f, p, 1, H_CEDE, 0), H_SUCCESS);
	CHECK_EQ(vc(&f, p, 1)->state, HV_VCPU_CEDED);
	CHECK_EQ(hv_dlpar_cpu_remove(&f.m, p, 1), HV_OK);
	CHECK(fx_real_is_zero(&f, vc(&f, p, 1)->save, HV_SAVE_AREA_BYTES));
	CHECK_RC(HC(&f, p, H_PROD, 1), H_PARAMETER);
	CHECK_EQ(vc(&f, p, 1)->state, HV_VCPU_ABSENT);
	fx_fini(&f);
}

/* -------------------------------------------------------- cede / prod / confer */

TEST(cede_then_prod_wakes)
{
	struct fx f;
	uint32_t p;
	int t;
	unsigned i;

	fx_init(&f, 0, 0);
	p = fx_partition(&f, 1);
	CHECK_EQ(hv_dlpar_cpu_add(&f.m, p, 1), HV_OK);
	t = fx_running_thread(&f, p, 0);
	CHECK_EQ(f.m.thread[t].regs.r[HV_REG_MSR] & MSR_EE, 0);
	f.m.thread[t].regs.r[HV_REG_GPR + 20] = 0x2020;
	CHECK_EQ(raw_call(&f, t, H_CEDE, 0x4444), HV_EXIT_IDLE);
	/* The thread is idle and scrubbed; the vCPU is ceded with its state saved. */
	CHECK(regs_all_zero(&f, t));
	CHECK_EQ(f.m.thread[t].part, -1);
	CHECK_EQ(vc(&f, p, 0)->state, HV_VCPU_CEDED);
	CHECK_EQ(saved(&f, p, 0, HV_REG_MSR), MSR_SF | MSR_ME | MSR_EE);
	CHECK_EQ(saved(&f, p, 0, HV_REG_GPR + 3), H_SUCCESS);
	for (i = 4; i <= 12; i++) {
		CHECK_EQ(saved(&f, p, 0, HV_REG_GPR + i), 0);
	}
	CHECK_EQ(saved(&f, p, 0, HV_REG_GPR + 20), 0x2020);
	/* Ceded: not dispatchable until prodded. */
	for (i = 0; i < 4; i++) {
		CHECK_EQ(hv_dispatch(&f.m, i, p, 0), HV_EBUSY);
	}
	CHECK_RC(HCV(&f, p, 1, H_PROD, 0), H_SUCCESS);
	CHECK_EQ(vc(&f, p, 0)->state, HV_VCPU_STOPPED);
	CHECK(!vc(&f, p, 0)->prodded); /* consumed by the wake-up */
	t = fx_running_thread(&f, p, 0);
	CHECK(t >= 0);
	CHECK_EQ(f.m.thread[t].regs.r[HV_REG_MSR], MSR_SF | MSR_ME | MSR_EE);
	CHECK_EQ(f.m.thread[t].regs.r[HV_REG_GPR + 3], H_SUCCESS);
	CHECK_EQ(f.m.thread[t].regs.r[HV_REG_GPR + 20], 0x2020);
	/* The prod was used up: the next cede sleeps again. */
	CHECK_RC(HC(&f, p, H_CEDE, 0), H_SUCCESS);
	CHECK_EQ(vc(&f, p, 0)->state, HV_VCPU_CEDED);
	fx_fini(&f);
}

TEST(prod_before_cede_returns_at_once)
{
	struct fx f;
	uint32_t p;
	int t;

	fx_init(&f, 0, 0);
	p = fx_partition(&f, 1);
	CHECK_EQ(hv_dlpar_cpu_add(&f.m, p, 1), HV_OK);
	t = fx_running_thread(&f, p, 0);
	CHECK_RC(HCV(&f, p, 1, H_PROD, 0), H_SUCCESS);
	CHECK(vc(&f, p, 0)->prodded);
	CHECK_EQ(vc(&f, p, 0)->state, HV_VCPU_RUNNING);
	CHECK_EQ(raw_call(&f, t, H_CEDE, 0), HV_EXIT_RESUME);
	CHECK_EQ(f.m.thread[t].regs.r[HV_REG_GPR + 3], H_SUCCESS);
	CHECK_EQ(vc(&f, p, 0)->state, HV_VCPU_RUNNING);
	CHECK_EQ(f.m.thread[t].part, p);
	CHECK(!vc(&f, p, 0)->prodded);
	CHECK_EQ(f.m.thread[t].regs.r[HV_REG_MSR] & MSR_EE, MSR_EE);
	/* Prod to self works the same way. */
	CHECK_RC(HC(&f, p, H_PROD, 0), H_SUCCESS);
	CHECK_RC(HC(&f, p, H_CEDE, 0), H_SUCCESS);
	CHECK_EQ(vc(&f, p, 0)->state, HV_VCPU_RUNNING);
	fx_fini(&f);
}

TEST(prod_no_lost_wakeup_and_single_pending)
{
	struct fx f;
	uint32_t p;
	int t;

	fx_init(&f, 0, 0);
	p = fx_partition(&f, 1);
	CHECK_EQ(hv_dlpar_cpu_add(&f.m, p, 1), HV_OK);
	/* Prod a preempted (stopped) vCPU: remembered until its next cede. */
	t = fx_running_thread(&f, p, 0);
	CHECK_EQ(hv_preempt(&f.m, (uint32_t)t), HV_OK);
	CHECK_RC(HCV(&f, p, 1, H_PROD, 0), H_SUCCESS);
	CHECK_RC(HCV(&f, p, 1, H_PROD, 0), H_SUCCESS);
	CHECK_EQ(vc(&f, p, 0)->state, HV_VCPU_STOPPED);
	CHECK(vc(&f, p, 0)->prodded);
	CHECK_RC(HC(&f, p, H_CEDE, 0), H_SUCCESS);
	CHECK_EQ(vc(&f, p, 0)->state, HV_VCPU_RUNNING);
	/* Two prods are one pending wake-up, not two. */
	CHECK_RC(HC(&f, p, H_CEDE, 0), H_SUCCESS);
	CHECK_EQ(vc(&f, p, 0)->state, HV_VCPU_CEDED);
	CHECK_RC(HCV(&f, p, 1, H_PROD, 0), H_SUCCESS);
	CHECK_EQ(vc(&f, p, 0)->state, HV_VCPU_STOPPED);
	CHECK(!vc(&f, p, 0)->prodded);
	fx_fini(&f);
}

TEST(prod_bad_targets)
{
	struct fx f;
	uint32_t p0, p1;

	fx_init(&f, 0, 0);
	p0 = fx_partition(&f, 1);
	p1 = fx_partition(&f, 1);
	CHECK_EQ(hv_dlpar_cpu_add(&f.m, p1, 3), HV_OK);
	/* vCPU 3 exists only in p1. */
	CHECK_RC(HC(&f, p0, H_PROD, 3), H_PARAMETER);
	CHECK(!vc(&f, p1, 3)->prodded);
	CHECK_RC(HC(&f, p0, H_PROD, 2), H_PARAMETER);
	CHECK_RC(HC(&f, p0, H_PROD, 4), H_PARAMETER);
	CHECK_RC(HC(&f, p0, H_PROD, ~0ull), H_PARAMETER);
	CHECK_RC(HC(&f, p0, H_PROD, 1ull << 32), H_PARAMETER);
	CHECK(!vc(&f, p0, 0)->prodded);
	/* Undefined outputs are zero even when the caller left junk there. */
	CHECK_RC(HC(&f, p0, H_PROD, 0, 0x1111, 0x2222, 0x3333, 0x4444, 0x5555, 0x6666, 0x7777, 0x8888), H_SUCCESS);
	CHECK(fx_outs_zero(&f));
	CHECK_RC(HC(&f, p0, H_PROD, 9, 0x1111, 0x2222, 0x3333, 0x4444, 0x5555, 0x6666, 0x7777, 0x8888), H_PARAMETER);
	CHECK(fx_outs_zero(&f));
	fx_fini(&f);
}

TEST(confer_any_yields)
{
	struct fx f;
	uint32_t p;
	int t;

	fx_init(&f, 0, 0);
	p = fx_partition(&f, 1);
	t = fx_running_thread(&f, p, 0);
	CHECK_EQ(raw_call(&f, t, H_CONFER, ~0ull), HV_EXIT_IDLE);
	CHECK(regs_all_zero(&f, t));
	CHECK_EQ(f.m.thread[t].part, -1);
	CHECK_EQ(vc(&f, p, 0)->state, HV_VCPU_STOPPED);
	CHECK_EQ(saved(&f, p, 0, HV_REG_GPR + 3), H_SUCCESS);
	CHECK_EQ(saved(&f, p, 0, HV_REG_GPR + 4), 0);
	CHECK_EQ(saved(&f, p, 0, HV_REG_GPR + 12), 0);
	/* Runnable again at once. */
	CHECK_EQ(hv_dispatch(&f.m, (uint32_t)t, p, 0), HV_OK);
	fx_fini(&f);
}

TEST(confer_self_waits_for_prod)
{
	struct fx f;
	uint32_t p;

	fx_init(&f, 0, 0);
	p = fx_partition(&f, 1);
	CHECK_EQ(hv_dlpar_cpu_add(&f.m, p, 1), HV_OK);
	CHECK_RC(HC(&f, p, H_CONFER, 0, 0), H_SUCCESS);
	CHECK_EQ(vc(&f, p, 0)->state, HV_VCPU_CEDED);
	CHECK_EQ(hv_dispatch(&f.m, 0, p, 0), HV_EBUSY);
	CHECK_RC(HCV(&f, p, 1, H_PROD, 0), H_SUCCESS);
	CHECK_EQ(vc(&f, p, 0)->state, HV_VCPU_STOPPED);
	/* With a prod pending it returns at once, consuming it. */
	CHECK_RC(HCV(&f, p, 1, H_PROD, 0), H_SUCCESS);
	CHECK_RC(HC(&f, p, H_CONFER, 0, 0), H_SUCCESS);
	CHECK_EQ(vc(&f, p, 0)->state, HV_VCPU_RUNNING);
	CHECK(!vc(&f, p, 0)->prodded);
	fx_fini(&f);
}

TEST(confer_target_rules)
{
	struct fx f;
	uint32_t p, q;
	int t;

	fx_init(&f, 0, 0);
	p = fx_partition(&f, 1);
	q = fx_partition(&f, 1);
	CHECK_EQ(hv_dlpar_cpu_add(&f.m, p, 1), HV_OK);
	CHECK_EQ(hv_dlpar_cpu_add(&f.m, p, 2), HV_OK);
	CHECK_EQ(hv_dlpar_cpu_add(&f.m, q, 3), HV_OK);

	/* Targets outside the partition. */
	CHECK_RC(HC(&f, p, H_CONFER, 3, 1), H_PARAMETER);
	CHECK_RC(HC(&f, p, H_CONFER, 4, 1), H_PARAMETER);
	CHECK_RC(HC(&f, p, H_CONFER, 0xFFFFFFFFull, 1), H_PARAMETER);
	CHECK_EQ(vc(&f, p, 0)->state, HV_VCPU_RUNNING);

	/* v1 with a VPA, never run: not running, so its count is odd. */
	set_len16(&f, p, 0x2000, 640);
	CHECK_RC(HC(&f, p, H_REGISTER_VPA, VPA_FN(H_VPA_REG_VPA), 1, 0x2000), H_SUCCESS);
	CHECK_EQ(vc(&f, p, 1)->yield_count & 1, 1);
	/* Even count (target was running when sampled): no yield. */
	CHECK_RC(HC(&f, p, H_CONFER, 1, vc(&f, p, 1)->yield_count + 1), H_SUCCESS);
	CHECK_EQ(vc(&f, p, 0)->state, HV_VCPU_RUNNING);
	/* Stale odd count: no yield. */
	CHECK_RC(HC(&f, p, H_CONFER, 1, vc(&f, p, 1)->yield_count + 2), H_SUCCESS);
	CHECK_EQ(vc(&f, p, 0)->state, HV_VCPU_RUNNING);
	/* Target without a VPA: no yield whatever the count. */
	CHECK_RC(HC(&f, p, H_CONFER, 2, vc(&f, p, 2)->yield_count), H_SUCCESS);
	CHECK_EQ(vc(&f, p, 0)->state, HV_VCPU_RUNNING);
	CHECK(fx_outs_zero(&f));
	/* Odd and current: the caller yields its thread. */
	t = fx_running_thread(&f, p, 0);
	CHECK_RC(HC(&f, p, H_CONFER, 1, vc(&f, p, 1)->yield_count), H_SUCCESS);
	CHECK_EQ(vc(&f, p, 0)->state, HV_VCPU_STOPPED);
	CHECK_EQ(f.m.thread[t].part, -1);

	/* Dispatched v1 has an even count; preempted again it is odd. */
	CHECK_RC(HCV(&f, p, 1, H_SET_SPRG0, 0), H_SUCCESS);
	CHECK_EQ(vc(&f, p, 1)->yield_count & 1, 0);
	CHECK_RC(HC(&f, p, H_CONFER, 1, vc(&f, p, 1)->yield_count), H_SUCCESS);
	CHECK_EQ(vc(&f, p, 0)->state, HV_VCPU_RUNNING);
	CHECK_EQ(hv_preempt(&f.m, (uint32_t)vc(&f, p, 1)->thread), HV_OK);
	CHECK_EQ(vc(&f, p, 1)->yield_count & 1, 1);
	CHECK_RC(HC(&f, p, H_CONFER, 1, vc(&f, p, 1)->yield_count), H_SUCCESS);
	CHECK_EQ(vc(&f, p, 0)->state, HV_VCPU_STOPPED);
	fx_fini(&f);
}

TEST(set_sprg0)
{
	struct fx f;
	uint32_t p;
	int t;

	fx_init(&f, 0, 0);
	p = fx_partition(&f, 1);
	t = fx_running_thread(&f, p, 0);
	f.m.thread[t].regs.r[HV_REG_SPRG + 1] = 0x11;
	f.m.thread[t].regs.r[HV_REG_SPRG + 3] = 0x33;
	CHECK_RC(HC(&f, p, H_SET_SPRG0, 0xC0FFEE0000000001ull, 9, 9, 9, 9, 9, 9, 9, 9), H_SUCCESS);
	CHECK(fx_outs_zero(&f));
	CHECK_EQ(f.m.thread[t].regs.r[HV_REG_SPRG], 0xC0FFEE0000000001ull);
	CHECK_EQ(f.m.thread[t].regs.r[HV_REG_SPRG + 1], 0x11);
	CHECK_EQ(f.m.thread[t].regs.r[HV_REG_SPRG + 3], 0x33);
	CHECK_EQ(hv_preempt(&f.m, (uint32_t)t), HV_OK);
	CHECK_EQ(saved(&f, p, 0, HV_REG_SPRG), 0xC0FFEE0000000001ull);
	t = fx_running_thread(&f, p, 0);
	CHECK_EQ(f.m.thread[t].regs.r[HV_REG_SPRG], 0xC0FFEE0000000001ull);
	fx_fini(&f);
}
