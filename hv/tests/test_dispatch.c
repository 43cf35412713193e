/*
 * vCPUs on hardware threads: dispatch (I5: every register saved and
 * overlaid, nothing of another vCPU left behind), preemption, the
 * hypervisor decrementer, MSR[HV], dedicated vs shared threads. Helpers:
 * vcpu_helpers.h.
 */
#include "vcpu_helpers.h"

static void save_put(struct fx *f, uint32_t slot, uint32_t v, unsigned i, uint64_t val)
{
	hv_st_be64(f->m.mem + vc(f, slot, v)->save.v + 8 * (uint64_t)i, val);
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
