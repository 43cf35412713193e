/*
 * vCPUs and hardware threads: dispatch (I5: every register saved and
 * overlaid, nothing of another vCPU left behind), preemption, dedicated vs
 * shared threads, DLPAR of processors, H_CEDE / H_PROD / H_CONFER,
 * H_SET_SPRG0 and H_REGISTER_VPA with the dispatch counter it publishes.
 */
#include <string.h>

#include "fixture.h"
#include "testlib.h"

#define VPA_FN(n)      ((uint64_t)(n) << H_VPA_FUNC_SHIFT)
#define VPA_YIELD      0x100
#define LMB            (256ull * 1024) /* hv_config_default */

static struct hv_vcpu *vc(struct fx *f, uint32_t slot, uint32_t v)
{
	return &hv_part(&f->m, slot)->vcpu[v];
}

/* Register i of (slot, v)'s save area (big-endian in hypervisor memory). */
static uint64_t saved(struct fx *f, uint32_t slot, uint32_t v, unsigned i)
{
	return hv_ld_be64(f->m.mem + vc(f, slot, v)->save.v + 8 * (uint64_t)i);
}

static void save_put(struct fx *f, uint32_t slot, uint32_t v, unsigned i, uint64_t val)
{
	hv_st_be64(f->m.mem + vc(f, slot, v)->save.v + 8 * (uint64_t)i, val);
}

/* A distinct value for every register; MSR keeps PR=0 and HV=0. */
#define PLANT_MSR (MSR_SF | MSR_VEC | MSR_VSX | MSR_EE | MSR_FP | MSR_ME | MSR_IR | MSR_DR | MSR_RI | MSR_LE)
static uint64_t plant(unsigned i)
{
	return i == HV_REG_MSR ? PLANT_MSR : (0xA000000000000000ull | i);
}

static void plant_all(struct fx *f, int t)
{
	unsigned i;

	for (i = 0; i < HV_REG_COUNT; i++) {
		f->m.thread[t].regs.r[i] = plant(i);
	}
}

/* Sets the length field (offset 4) of an area: be16 for a VPA. */
static void set_len16(struct fx *f, uint32_t slot, uint64_t la, uint16_t len)
{
	uint64_t d = fx_read64(f, slot, la);

	fx_write64(f, slot, la, (d & ~0xFFFF0000ull) | ((uint64_t)len << 16));
}

/* be32 length field for DTL / SLB shadow. */
static void set_len32(struct fx *f, uint32_t slot, uint64_t la, uint32_t len)
{
	uint64_t d = fx_read64(f, slot, la);

	fx_write64(f, slot, la, (d & ~0xFFFFFFFFull) | len);
}

/* The be32 at la (la 8-byte aligned: the high word of the doubleword). */
static uint32_t rd32(struct fx *f, uint32_t slot, uint64_t la)
{
	return (uint32_t)(fx_read64(f, slot, la) >> 32);
}

static bool regs_are_boot(struct fx *f, int t)
{
	struct hv_regs boot;
	unsigned i;

	hv_regs_boot_state(&boot, 0);
	for (i = 0; i < HV_REG_COUNT; i++) {
		if (f->m.thread[t].regs.r[i] != boot.r[i]) {
			return false;
		}
	}
	return true;
}

static bool regs_all_zero(struct fx *f, int t)
{
	unsigned i;

	for (i = 0; i < HV_REG_COUNT; i++) {
		if (f->m.thread[t].regs.r[i]) {
			return false;
		}
	}
	return true;
}

static bool outs_zero(struct fx *f)
{
	unsigned i;

	for (i = 0; i < 9; i++) {
		if (f->out[i]) {
			return false;
		}
	}
	return true;
}

/* Issues an hcall on thread t directly; returns what hv_enter said. */
static enum hv_exit raw_call(struct fx *f, int t, uint64_t op, uint64_t r4)
{
	struct hv_regs *r = &f->m.thread[t].regs;
	unsigned i;

	r->r[HV_REG_GPR + 3] = op;
	r->r[HV_REG_GPR + 4] = r4;
	for (i = 5; i <= 12; i++) {
		r->r[HV_REG_GPR + i] = 0x7700000000000000ull | i; /* junk the call must not echo */
	}
	return hv_enter(&f->m, (uint32_t)t, HV_CAUSE_SC1);
}

/* ------------------------------------------------------------------ dispatch */

TEST(dispatch_leak_plant_every_register)
{
	struct fx f;
	uint32_t p0, p1;
	int t;
	unsigned i, j;
	struct hv_regs *r;

	fx_init(&f, 0, 0);
	p0 = fx_partition(&f, 1);
	p1 = fx_partition(&f, 1);
	t = fx_running_thread(&f, p0, 0);
	CHECK(t >= 0);
	r = &f.m.thread[t].regs;
	plant_all(&f, t);
	CHECK_EQ(r->r[HV_REG_MSR] & (MSR_PR | MSR_HV), 0);

	/* p1's vCPU takes the same thread: nothing of p0 may remain. */
	CHECK_EQ(hv_dispatch(&f.m, (uint32_t)t, p1, 0), HV_OK);
	CHECK_EQ(f.m.thread[t].part, p1);
	CHECK_EQ(f.m.thread[t].vcpu, 0);
	CHECK_EQ(vc(&f, p0, 0)->state, HV_VCPU_STOPPED);
	CHECK_EQ((uint64_t)(int64_t)vc(&f, p0, 0)->thread, (uint64_t)-1);
	CHECK_EQ(vc(&f, p1, 0)->state, HV_VCPU_RUNNING);
	for (i = 0; i < HV_REG_COUNT; i++) {
		for (j = 0; j < HV_REG_COUNT; j++) {
			CHECK(r->r[i] != plant(j));
		}
	}
	/* ... and the thread holds exactly p1's state (its boot state). */
	CHECK(regs_are_boot(&f, t));

	/* p0's save area (hypervisor memory) holds every register bit for bit. */
	CHECK_EQ(hv_real_owner(&f.m, vc(&f, p0, 0)->save), (uint64_t)-2);
	for (i = 0; i < HV_REG_COUNT; i++) {
		CHECK_EQ(saved(&f, p0, 0, i), plant(i));
	}

	/* Back again: every value intact, MSR too. */
	CHECK_EQ(hv_dispatch(&f.m, (uint32_t)t, p0, 0), HV_OK);
	for (i = 0; i < HV_REG_COUNT; i++) {
		CHECK_EQ(r->r[i], plant(i));
	}
	CHECK_EQ(r->r[HV_REG_MSR], PLANT_MSR);
	CHECK_EQ(vc(&f, p1, 0)->state, HV_VCPU_STOPPED);
	fx_fini(&f);
}

TEST(dispatch_swaps_two_planted_vcpus)
{
	struct fx f;
	uint32_t p0, p1;
	int t;
	unsigned i, round;
	struct hv_regs *r;

	fx_init(&f, 0, 0);
	p0 = fx_partition(&f, 1);
	p1 = fx_partition(&f, 1);
	t = fx_running_thread(&f, p0, 0);
	r = &f.m.thread[t].regs;
	plant_all(&f, t);
	CHECK_EQ(hv_dispatch(&f.m, (uint32_t)t, p1, 0), HV_OK);
	for (i = 0; i < HV_REG_COUNT; i++) {
		r->r[i] = i == HV_REG_MSR ? (MSR_SF | MSR_ME | MSR_EE) : (0xB000000000000000ull | i);
	}
	for (round = 0; round < 3; round++) {
		CHECK_EQ(hv_dispatch(&f.m, (uint32_t)t, p0, 0), HV_OK);
		for (i = 0; i < HV_REG_COUNT; i++) {
			CHECK_EQ(r->r[i], plant(i));
		}
		CHECK_EQ(hv_dispatch(&f.m, (uint32_t)t, p1, 0), HV_OK);
		for (i = 0; i < HV_REG_COUNT; i++) {
			CHECK_EQ(r->r[i], i == HV_REG_MSR ? (MSR_SF | MSR_ME | MSR_EE) : (0xB000000000000000ull | i));
		}
	}
	fx_fini(&f);
}

TEST(dispatch_errors)
{
	struct fx f;
	uint32_t p;
	int t;

	fx_init(&f, 0, 0);
	p = fx_partition(&f, 1);
	CHECK_EQ(hv_dispatch(&f.m, 0, p, 1), HV_ENOENT);        /* vCPU never added */
	CHECK_EQ(hv_dispatch(&f.m, 0, p, 4), HV_ENOENT);        /* beyond max_vcpus */
	CHECK_EQ(hv_dispatch(&f.m, 0, 3, 0), HV_ENOENT);        /* no such partition */
	CHECK_EQ(hv_dispatch(&f.m, 4, p, 0), HV_ENOENT);        /* no such thread */
	t = fx_running_thread(&f, p, 0);
	CHECK_EQ(hv_dispatch(&f.m, (uint32_t)((t + 1) % 4), p, 0), HV_EBUSY); /* already running */
	CHECK_EQ(f.m.thread[(t + 1) % 4].part, -1);
	fx_fini(&f);
}

TEST(preempt_saves_and_scrubs)
{
	struct fx f;
	uint32_t p;
	int t;
	unsigned i;

	fx_init(&f, 0, 0);
	p = fx_partition(&f, 1);
	t = fx_running_thread(&f, p, 0);
	plant_all(&f, t);
	CHECK_EQ(hv_preempt(&f.m, (uint32_t)t), HV_OK);
	CHECK(regs_all_zero(&f, t));
	CHECK_EQ(f.m.thread[t].part, -1);
	CHECK_EQ(f.m.thread[t].vcpu, -1);
	CHECK_EQ(vc(&f, p, 0)->state, HV_VCPU_STOPPED);
	for (i = 0; i < HV_REG_COUNT; i++) {
		CHECK_EQ(saved(&f, p, 0, i), plant(i));
	}
	CHECK_EQ(hv_preempt(&f.m, (uint32_t)t), HV_ENOENT); /* idle thread */
	CHECK_EQ(hv_preempt(&f.m, 99), HV_ENOENT);
	CHECK_EQ(hv_dispatch(&f.m, (uint32_t)t, p, 0), HV_OK);
	for (i = 0; i < HV_REG_COUNT; i++) {
		CHECK_EQ(f.m.thread[t].regs.r[i], plant(i));
	}
	fx_fini(&f);
}

TEST(hdec_enter_preempts)
{
	struct fx f;
	uint32_t p;
	int t;
	unsigned i;

	fx_init(&f, 0, 0);
	p = fx_partition(&f, 1);
	t = fx_running_thread(&f, p, 0);
	plant_all(&f, t);
	/* An unknown cause changes nothing. */
	CHECK_EQ(hv_enter(&f.m, (uint32_t)t, (enum hv_cause)0x700), HV_EXIT_BAD);
	for (i = 0; i < HV_REG_COUNT; i++) {
		CHECK_EQ(f.m.thread[t].regs.r[i], plant(i));
	}
	CHECK_EQ(hv_enter(&f.m, (uint32_t)t, HV_CAUSE_HDEC), HV_EXIT_IDLE);
	CHECK(regs_all_zero(&f, t));
	CHECK_EQ(f.m.thread[t].part, -1);
	CHECK_EQ(vc(&f, p, 0)->state, HV_VCPU_STOPPED);
	for (i = 0; i < HV_REG_COUNT; i++) {
		CHECK_EQ(saved(&f, p, 0, i), plant(i));
	}
	/* Nothing runs there now. */
	CHECK_EQ(hv_enter(&f.m, (uint32_t)t, HV_CAUSE_HDEC), HV_EXIT_BAD);
	CHECK_EQ(hv_enter(&f.m, (uint32_t)t, HV_CAUSE_SC1), HV_EXIT_BAD);
	CHECK(regs_all_zero(&f, t));
	CHECK_EQ(hv_enter(&f.m, 99, HV_CAUSE_SC1), HV_EXIT_BAD);
	fx_fini(&f);
}

TEST(msr_hv_never_reaches_a_partition)
{
	struct fx f;
	uint32_t p;
	int t;

	fx_init(&f, 0, 0);
	p = fx_partition(&f, 1);
	t = fx_running_thread(&f, p, 0);
	f.m.thread[t].regs.r[HV_REG_MSR] = PLANT_MSR | MSR_HV;
	CHECK_EQ(hv_preempt(&f.m, (uint32_t)t), HV_OK);
	CHECK_EQ(saved(&f, p, 0, HV_REG_MSR), PLANT_MSR);
	/* Even a save area claiming HV is dispatched with HV clear. */
	save_put(&f, p, 0, HV_REG_MSR, PLANT_MSR | MSR_HV);
	CHECK_EQ(hv_dispatch(&f.m, (uint32_t)t, p, 0), HV_OK);
	CHECK_EQ(f.m.thread[t].regs.r[HV_REG_MSR], PLANT_MSR);
	fx_fini(&f);
}

TEST(dedicated_and_shared_threads)
{
	struct fx f;
	uint32_t d, s;

	fx_init(&f, 0, 0);
	CHECK_EQ(hv_partition_create(&f.m, 18, false, &d), HV_OK);
	CHECK_EQ(hv_dlpar_mem_add(&f.m, d, 0, HV_NIL), HV_OK);
	CHECK_EQ(hv_dlpar_cpu_add(&f.m, d, 0), HV_OK);
	s = fx_partition(&f, 1);

	/* A dedicated partition never runs on the shared pool. */
	CHECK_EQ(hv_dispatch(&f.m, 0, d, 0), HV_EINVAL);
	CHECK_EQ(f.m.thread[0].part, -1);
	CHECK_EQ(hv_thread_assign(&f.m, 2, (int)d), HV_OK);
	CHECK_EQ(hv_dispatch(&f.m, 2, d, 0), HV_OK);
	/* ... and a shared one never on a dedicated thread. */
	CHECK_EQ(hv_dispatch(&f.m, 2, s, 0), HV_EINVAL);
	CHECK_EQ(f.m.thread[2].part, d);
	CHECK_EQ(vc(&f, s, 0)->state, HV_VCPU_STOPPED);
	/* hcalls reach the dedicated vCPU on its thread. */
	CHECK_EQ(fx_running_thread(&f, d, 0), 2);
	CHECK_RC(HC(&f, d, H_SET_SPRG0, 0x5157), H_SUCCESS);
	CHECK_EQ(f.m.thread[2].regs.r[HV_REG_SPRG], 0x5157);

	/* A thread cannot change hands while it runs. */
	CHECK_EQ(hv_thread_assign(&f.m, 2, -1), HV_EBUSY);
	CHECK_EQ(hv_thread_assign(&f.m, 9, (int)d), HV_ENOENT);
	CHECK_EQ(hv_thread_assign(&f.m, 3, 3), HV_ENOENT);
	CHECK_EQ(hv_preempt(&f.m, 2), HV_OK);
	CHECK_EQ(hv_thread_assign(&f.m, 2, -1), HV_OK);
	CHECK_EQ(hv_dispatch(&f.m, 2, d, 0), HV_EINVAL);
	CHECK_EQ(hv_dispatch(&f.m, 2, s, 0), HV_OK);
	fx_fini(&f);
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
	CHECK(outs_zero(&f));
	CHECK_RC(HC(&f, p0, H_PROD, 9, 0x1111, 0x2222, 0x3333, 0x4444, 0x5555, 0x6666, 0x7777, 0x8888), H_PARAMETER);
	CHECK(outs_zero(&f));
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
	CHECK(outs_zero(&f));
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
	CHECK(outs_zero(&f));
	CHECK_EQ(f.m.thread[t].regs.r[HV_REG_SPRG], 0xC0FFEE0000000001ull);
	CHECK_EQ(f.m.thread[t].regs.r[HV_REG_SPRG + 1], 0x11);
	CHECK_EQ(f.m.thread[t].regs.r[HV_REG_SPRG + 3], 0x33);
	CHECK_EQ(hv_preempt(&f.m, (uint32_t)t), HV_OK);
	CHECK_EQ(saved(&f, p, 0, HV_REG_SPRG), 0xC0FFEE0000000001ull);
	t = fx_running_thread(&f, p, 0);
	CHECK_EQ(f.m.thread[t].regs.r[HV_REG_SPRG], 0xC0FFEE0000000001ull);
	fx_fini(&f);
}

/* ------------------------------------------------------------------- VPA */

TEST(vpa_register_rules)
{
	struct fx f;
	uint32_t p, q;
	struct hv_vcpu *v;

	fx_init(&f, 0, 0);
	p = fx_partition(&f, 1); /* logical [0, 256 KiB) */
	q = fx_partition(&f, 2);
	v = vc(&f, p, 0);
	set_len16(&f, p, 0x1000, 640);
	set_len16(&f, p, 0x1040, 640);
	set_len16(&f, p, 0x1080, 640);
	set_len16(&f, p, 0x1D80, 640);
	set_len16(&f, p, 0x1F00, 640);
	set_len16(&f, p, 0x3000, 0xFFFF);
	set_len16(&f, p, 0x3080, 639);
	set_len16(&f, p, 0x3100, 0);
	set_len16(&f, p, 0x4000, 4096);
	set_len16(&f, p, 0x5000, 4097);
	set_len16(&f, p, 0x3F000, 640);
	set_len16(&f, q, 0x41000, 640);

	CHECK_RC(HC(&f, p, H_REGISTER_VPA, VPA_FN(1), 0, 0), H_PARAMETER);       /* address 0 */
	CHECK_RC(HC(&f, p, H_REGISTER_VPA, VPA_FN(1), 0, 0x1040), H_PARAMETER);  /* not 128-aligned */
	CHECK_RC(HC(&f, p, H_REGISTER_VPA, VPA_FN(1), 0, 0x1F00), H_PARAMETER);  /* crosses 4 KiB */
	CHECK_RC(HC(&f, p, H_REGISTER_VPA, VPA_FN(1), 0, 0x3000), H_PARAMETER);  /* length 0xFFFF */
	CHECK_RC(HC(&f, p, H_REGISTER_VPA, VPA_FN(1), 0, 0x3080), H_PARAMETER);  /* below 640 */
	CHECK_RC(HC(&f, p, H_REGISTER_VPA, VPA_FN(1), 0, 0x3100), H_PARAMETER);  /* length 0 */
	CHECK_RC(HC(&f, p, H_REGISTER_VPA, VPA_FN(1), 0, 0x5000), H_PARAMETER);  /* a page + 1 */
	CHECK_RC(HC(&f, p, H_REGISTER_VPA, VPA_FN(1), 0, 0x41000), H_PARAMETER); /* q's logical memory, not p's */
	CHECK_RC(HC(&f, p, H_REGISTER_VPA, VPA_FN(1), 0, fx_real(&f, q, 0x41000).v), H_PARAMETER); /* q's real page */
	CHECK_RC(HC(&f, p, H_REGISTER_VPA, VPA_FN(1), 0, vc(&f, p, 0)->save.v & ~127ull), H_PARAMETER); /* hv memory */
	CHECK_RC(HC(&f, p, H_REGISTER_VPA, VPA_FN(1), 0, 0xFFFFFFFFFFFFFF80ull), H_PARAMETER);
	CHECK(!v->vpa.on);
	CHECK(outs_zero(&f));

	CHECK_RC(HC(&f, p, H_REGISTER_VPA, VPA_FN(1), 0, 0x1000), H_SUCCESS);
	CHECK(v->vpa.on);
	CHECK_EQ(v->vpa.la, 0x1000);
	CHECK_EQ(v->vpa.len, 640);
	CHECK_RC(HC(&f, p, H_REGISTER_VPA, VPA_FN(1), 0, 0x1080), H_SUCCESS);
	CHECK_EQ(v->vpa.la, 0x1080);
	CHECK_RC(HC(&f, p, H_REGISTER_VPA, VPA_FN(1), 0, 0x1D80), H_SUCCESS); /* ends exactly at the page end */
	CHECK_EQ(v->vpa.la, 0x1D80);
	CHECK_RC(HC(&f, p, H_REGISTER_VPA, VPA_FN(1), 0, 0x4000), H_SUCCESS); /* a whole page */
	CHECK_EQ(v->vpa.len, 4096);
	CHECK_RC(HC(&f, p, H_REGISTER_VPA, VPA_FN(1), 0, 0x3F000), H_SUCCESS); /* last page of its memory */
	CHECK_EQ(v->vpa.la, 0x3F000);
	/* A failing registration leaves the current one alone. */
	CHECK_RC(HC(&f, p, H_REGISTER_VPA, VPA_FN(1), 0, 0x1F00), H_PARAMETER);
	CHECK(v->vpa.on);
	CHECK_EQ(v->vpa.la, 0x3F000);
	CHECK_EQ(v->vpa.len, 640);
	/* The same area is fine for q in its own memory. */
	CHECK_RC(HC(&f, q, H_REGISTER_VPA, VPA_FN(1), 0, 0x41000), H_SUCCESS);
	CHECK(vc(&f, q, 0)->vpa.on);
	fx_fini(&f);
}

TEST(vpa_dtl_slb_need_vpa)
{
	struct fx f;
	uint32_t p;
	struct hv_vcpu *v;

	fx_init(&f, 0, 0);
	p = fx_partition(&f, 1);
	v = vc(&f, p, 0);
	set_len16(&f, p, 0x1000, 640);
	set_len32(&f, p, 0x2000, 480);
	set_len32(&f, p, 0x2100, 47);
	set_len32(&f, p, 0x2200, 100);
	set_len32(&f, p, 0x2F80, 480); /* crosses into the next page */
	set_len32(&f, p, 0x3000, 8);
	set_len32(&f, p, 0x3080, 7);
	set_len32(&f, p, 0x3100, 0xFFFFFFFFu);

	CHECK_RC(HC(&f, p, H_REGISTER_VPA, VPA_FN(H_VPA_REG_DTL), 0, 0x2000), H_RESOURCE);
	CHECK_RC(HC(&f, p, H_REGISTER_VPA, VPA_FN(H_VPA_REG_SLB), 0, 0x3000), H_RESOURCE);
	CHECK(!v->dtl.on);
	CHECK(!v->slb.on);
	CHECK_RC(HC(&f, p, H_REGISTER_VPA, VPA_FN(H_VPA_REG_VPA), 0, 0x1000), H_SUCCESS);

	CHECK_RC(HC(&f, p, H_REGISTER_VPA, VPA_FN(H_VPA_REG_DTL), 0, 0x2100), H_PARAMETER); /* < one entry */
	CHECK_RC(HC(&f, p, H_REGISTER_VPA, VPA_FN(H_VPA_REG_DTL), 0, 0x2F80), H_PARAMETER);
	CHECK_RC(HC(&f, p, H_REGISTER_VPA, VPA_FN(H_VPA_REG_DTL), 0, 0x3100), H_PARAMETER);
	CHECK_RC(HC(&f, p, H_REGISTER_VPA, VPA_FN(H_VPA_REG_DTL), 0, 0x2040), H_PARAMETER); /* alignment */
	CHECK_RC(HC(&f, p, H_REGISTER_VPA, VPA_FN(H_VPA_REG_SLB), 0, 0x3080), H_PARAMETER); /* < 8 */
	CHECK_RC(HC(&f, p, H_REGISTER_VPA, VPA_FN(H_VPA_REG_SLB), 0, 0x3100), H_PARAMETER);
	CHECK(!v->dtl.on);
	CHECK(!v->slb.on);
	CHECK_RC(HC(&f, p, H_REGISTER_VPA, VPA_FN(H_VPA_REG_DTL), 0, 0x2200), H_SUCCESS);
	CHECK_EQ(v->dtl.len, 96); /* whole entries */
	CHECK_RC(HC(&f, p, H_REGISTER_VPA, VPA_FN(H_VPA_REG_DTL), 0, 0x2000), H_SUCCESS);
	CHECK_EQ(v->dtl.la, 0x2000);
	CHECK_EQ(v->dtl.len, 480);
	CHECK_RC(HC(&f, p, H_REGISTER_VPA, VPA_FN(H_VPA_REG_SLB), 0, 0x3000), H_SUCCESS);
	CHECK_EQ(v->slb.len, 8);

	/* The VPA goes last. */
	CHECK_RC(HC(&f, p, H_REGISTER_VPA, VPA_FN(H_VPA_DEREG_VPA), 0, 0), H_RESOURCE);
	CHECK(v->vpa.on);
	CHECK_RC(HC(&f, p, H_REGISTER_VPA, VPA_FN(H_VPA_DEREG_DTL), 0, 0), H_SUCCESS);
	CHECK(!v->dtl.on);
	CHECK_RC(HC(&f, p, H_REGISTER_VPA, VPA_FN(H_VPA_DEREG_VPA), 0, 0), H_RESOURCE);
	CHECK(v->vpa.on);
	CHECK_RC(HC(&f, p, H_REGISTER_VPA, VPA_FN(H_VPA_DEREG_SLB), 0, 0), H_SUCCESS);
	CHECK(!v->slb.on);
	CHECK_RC(HC(&f, p, H_REGISTER_VPA, VPA_FN(H_VPA_DEREG_VPA), 0, 0), H_SUCCESS);
	CHECK(!v->vpa.on);
	/* DTL/SLB need the *target's* VPA. */
	CHECK_EQ(hv_dlpar_cpu_add(&f.m, p, 1), HV_OK);
	CHECK_RC(HC(&f, p, H_REGISTER_VPA, VPA_FN(H_VPA_REG_VPA), 0, 0x1000), H_SUCCESS);
	CHECK_RC(HC(&f, p, H_REGISTER_VPA, VPA_FN(H_VPA_REG_DTL), 1, 0x2000), H_RESOURCE);
	CHECK(!vc(&f, p, 1)->dtl.on);
	fx_fini(&f);
}

TEST(vpa_unknown_subfunction_and_targets)
{
	struct fx f;
	uint32_t p, q;

	fx_init(&f, 0, 0);
	p = fx_partition(&f, 1);
	q = fx_partition(&f, 1);
	CHECK_EQ(hv_dlpar_cpu_add(&f.m, q, 2), HV_OK);
	set_len16(&f, p, 0x1000, 640);
	CHECK_RC(HC(&f, p, H_REGISTER_VPA, VPA_FN(0), 0, 0x1000), H_PARAMETER);
	CHECK_RC(HC(&f, p, H_REGISTER_VPA, VPA_FN(4), 0, 0x1000), H_PARAMETER);
	CHECK_RC(HC(&f, p, H_REGISTER_VPA, 0, 0, 0x1000), H_PARAMETER);
	CHECK(!vc(&f, p, 0)->vpa.on);
	/* Target vCPU must be the caller partition's. */
	CHECK_RC(HC(&f, p, H_REGISTER_VPA, VPA_FN(1), 2, 0x1000), H_PARAMETER);
	CHECK(!vc(&f, q, 2)->vpa.on);
	CHECK(!vc(&f, p, 2)->vpa.on);
	CHECK_RC(HC(&f, p, H_REGISTER_VPA, VPA_FN(1), 4, 0x1000), H_PARAMETER);
	CHECK_RC(HC(&f, p, H_REGISTER_VPA, VPA_FN(1), ~0ull, 0x1000), H_PARAMETER);
	CHECK_RC(HC(&f, p, H_REGISTER_VPA, VPA_FN(5), 2, 0), H_PARAMETER);
	CHECK(outs_zero(&f));
	CHECK_RC(HC(&f, p, H_REGISTER_VPA, VPA_FN(1), 0, 0x1000), H_SUCCESS);
	CHECK(vc(&f, p, 0)->vpa.on);
	fx_fini(&f);
}

TEST(vpa_yield_count_in_memory)
{
	struct fx f;
	uint32_t p;
	int t;

	fx_init(&f, 0, 0);
	p = fx_partition(&f, 1);
	CHECK_EQ(hv_dlpar_cpu_add(&f.m, p, 1), HV_OK);
	set_len16(&f, p, 0x1000, 640);
	fx_write64(&f, p, 0x1100, 0x00000000CAFEF00Dull); /* bytes after the counter: not ours */
	CHECK_RC(HC(&f, p, H_REGISTER_VPA, VPA_FN(1), 0, 0x1000), H_SUCCESS);
	/* Registered while running: count even. */
	CHECK_EQ(vc(&f, p, 0)->yield_count, 2);
	t = fx_running_thread(&f, p, 0);
	CHECK_EQ(hv_preempt(&f.m, (uint32_t)t), HV_OK);
	CHECK_EQ(rd32(&f, p, 0x1100), 3);
	CHECK_EQ(fx_read64(&f, p, 0x1100), 0x00000003CAFEF00Dull);
	t = fx_running_thread(&f, p, 0);
	CHECK_EQ(rd32(&f, p, 0x1100), 4);
	CHECK_EQ(hv_enter(&f.m, (uint32_t)t, HV_CAUSE_HDEC), HV_EXIT_IDLE);
	CHECK_EQ(rd32(&f, p, 0x1100), 5);
	/* A ceded vCPU is not running either: odd. */
	CHECK_RC(HC(&f, p, H_CEDE, 0), H_SUCCESS);
	CHECK_EQ(rd32(&f, p, 0x1100), 7);
	CHECK_EQ(vc(&f, p, 0)->yield_count, 7);
	CHECK_RC(HCV(&f, p, 1, H_PROD, 0), H_SUCCESS);
	CHECK_EQ(rd32(&f, p, 0x1100), 7);
	t = fx_running_thread(&f, p, 0);
	CHECK_EQ(rd32(&f, p, 0x1100), 8);
	/* Deregistered: the hypervisor stops writing. */
	CHECK_RC(HC(&f, p, H_REGISTER_VPA, VPA_FN(H_VPA_DEREG_VPA), 0, 0), H_SUCCESS);
	CHECK_EQ(hv_preempt(&f.m, (uint32_t)t), HV_OK);
	CHECK_EQ(fx_read64(&f, p, 0x1100), 0x00000008CAFEF00Dull);
	fx_fini(&f);
}

TEST(vpa_dedicated_partition_not_counted)
{
	struct fx f;
	uint32_t d;
	int t;

	fx_init(&f, 0, 0);
	CHECK_EQ(hv_partition_create(&f.m, 18, false, &d), HV_OK);
	CHECK_EQ(hv_dlpar_mem_add(&f.m, d, 0, HV_NIL), HV_OK);
	CHECK_EQ(hv_dlpar_cpu_add(&f.m, d, 0), HV_OK);
	CHECK_EQ(hv_thread_assign(&f.m, 1, (int)d), HV_OK);
	set_len16(&f, d, 0x1000, 640);
	fx_write64(&f, d, 0x1100, 0xDEADBEEF12345678ull);
	CHECK_RC(HC(&f, d, H_REGISTER_VPA, VPA_FN(1), 0, 0x1000), H_SUCCESS);
	t = fx_running_thread(&f, d, 0);
	CHECK_EQ(t, 1);
	CHECK_EQ(hv_preempt(&f.m, 1), HV_OK);
	CHECK_EQ(fx_running_thread(&f, d, 0), 1);
	CHECK_EQ(fx_read64(&f, d, 0x1100), 0xDEADBEEF12345678ull);
	CHECK_EQ(vc(&f, d, 0)->yield_count, 0);
	fx_fini(&f);
}

TEST(vpa_dropped_after_lmb_removed)
{
	struct fx f;
	uint32_t p;
	hv_raddr_t lmb1;
	struct hv_vcpu *v;
	int t, i;

	fx_init(&f, 0, 0);
	p = fx_partition(&f, 2);
	v = vc(&f, p, 0);
	set_len16(&f, p, LMB + 0x1000, 640);
	set_len32(&f, p, LMB + 0x2000, 480);
	CHECK_RC(HC(&f, p, H_REGISTER_VPA, VPA_FN(H_VPA_REG_VPA), 0, LMB + 0x1000), H_SUCCESS);
	CHECK_RC(HC(&f, p, H_REGISTER_VPA, VPA_FN(H_VPA_REG_DTL), 0, LMB + 0x2000), H_SUCCESS);
	t = fx_running_thread(&f, p, 0);
	CHECK_EQ(hv_preempt(&f.m, (uint32_t)t), HV_OK);
	CHECK_EQ(rd32(&f, p, LMB + 0x1100), v->yield_count);
	CHECK_EQ(rd32(&f, p, LMB + 0x1100) & 1, 1);
	lmb1 = fx_real(&f, p, LMB);
	CHECK_EQ(hv_real_owner(&f.m, lmb1), p);

	/* The LMB leaves while the vCPU runs; its registrations go with it. */
	t = fx_running_thread(&f, p, 0);
	CHECK_EQ(hv_dlpar_mem_remove(&f.m, p, 1), HV_OK);
	CHECK(!v->vpa.on);
	CHECK(!v->dtl.on);
	CHECK_EQ(hv_real_owner(&f.m, lmb1), (uint64_t)-1);
	CHECK(fx_real_is_zero(&f, lmb1, LMB));
	/* No hypervisor write lands in the freed LMB on later dispatches. */
	for (i = 0; i < 3; i++) {
		CHECK_EQ(hv_preempt(&f.m, (uint32_t)t), HV_OK);
		t = fx_running_thread(&f, p, 0);
		CHECK(t >= 0);
	}
	CHECK_EQ(hv_enter(&f.m, (uint32_t)t, HV_CAUSE_HDEC), HV_EXIT_IDLE);
	CHECK(fx_real_is_zero(&f, lmb1, LMB));
	/* Re-adding memory at the same logical place does not revive them. */
	CHECK_EQ(hv_dlpar_mem_add(&f.m, p, 1, HV_NIL), HV_OK);
	CHECK(!v->vpa.on);
	t = fx_running_thread(&f, p, 0);
	CHECK_EQ(hv_preempt(&f.m, (uint32_t)t), HV_OK);
	CHECK_EQ(fx_read64(&f, p, LMB + 0x1100), 0);
	CHECK(fx_real_is_zero(&f, fx_real(&f, p, LMB), LMB));
	/* Nothing left to block the VPA deregistration either. */
	CHECK_RC(HC(&f, p, H_REGISTER_VPA, VPA_FN(H_VPA_DEREG_VPA), 0, 0), H_SUCCESS);
	fx_fini(&f);
}

TEST(vpa_survives_removal_of_another_lmb)
{
	struct fx f;
	uint32_t p;
	struct hv_vcpu *v;
	int t;

	fx_init(&f, 0, 0);
	p = fx_partition(&f, 2);
	v = vc(&f, p, 0);
	set_len16(&f, p, 0x1000, 640);
	set_len32(&f, p, LMB + 0x2000, 480);
	CHECK_RC(HC(&f, p, H_REGISTER_VPA, VPA_FN(H_VPA_REG_VPA), 0, 0x1000), H_SUCCESS);
	CHECK_RC(HC(&f, p, H_REGISTER_VPA, VPA_FN(H_VPA_REG_DTL), 0, LMB + 0x2000), H_SUCCESS);
	CHECK_EQ(hv_dlpar_mem_remove(&f.m, p, 1), HV_OK);
	CHECK(v->vpa.on);
	CHECK(!v->dtl.on);
	t = fx_running_thread(&f, p, 0);
	CHECK_EQ(hv_preempt(&f.m, (uint32_t)t), HV_OK);
	CHECK_EQ(rd32(&f, p, 0x1100), v->yield_count);
	CHECK_RC(HC(&f, p, H_REGISTER_VPA, VPA_FN(H_VPA_DEREG_VPA), 0, 0), H_SUCCESS);
	CHECK(!v->vpa.on);
	fx_fini(&f);
}
