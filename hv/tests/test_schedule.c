/*
 * The scheduler (hv_schedule: what an idle thread runs next), the vCPU
 * register accessor drivers use instead of decoding save areas, and the
 * loader's hv_partition_write.
 */
#include "vcpu_helpers.h"

#define LMB_BYTES (256ull * 1024) /* hv_config_default's */

/* Two shared-processor partitions with two vCPUs each, nothing running. */
static void two_shared(struct fx *f, uint32_t *p0, uint32_t *p1)
{
	fx_init(f, 0, 0);
	*p0 = fx_partition(f, 1);
	*p1 = fx_partition(f, 1);
	CHECK_EQ(hv_dlpar_cpu_add(&f->m, *p0, 1), HV_OK);
	CHECK_EQ(hv_dlpar_cpu_add(&f->m, *p1, 1), HV_OK);
}

TEST(schedule_round_robin_over_runnable_vcpus)
{
	struct fx f;
	uint32_t p0, p1, s, v, k, seen = 0;

	two_shared(&f, &p0, &p1);
	/* Four vCPUs, one thread: each gets the thread once before any gets it twice. */
	for (k = 0; k < 8; k++) {
		CHECK_EQ(hv_schedule(&f.m, 0, &s, &v), HV_OK);
		CHECK_EQ(f.m.thread[0].part, s);
		CHECK_EQ(f.m.thread[0].vcpu, v);
		CHECK_EQ(vc(&f, s, v)->state, HV_VCPU_RUNNING);
		seen |= 1u << (s * 4 + v);
		if (k == 3) {
			CHECK_EQ(seen, (1u << (p0 * 4)) | (1u << (p0 * 4 + 1)) | (1u << (p1 * 4)) | (1u << (p1 * 4 + 1)));
		}
		CHECK_EQ(hv_preempt(&f.m, 0), HV_OK);
	}
	fx_fini(&f);
}

TEST(schedule_busy_thread_and_nothing_runnable)
{
	struct fx f;
	uint32_t p0, p1, s, v, k;

	two_shared(&f, &p0, &p1);
	CHECK_EQ(hv_schedule(&f.m, 0, &s, &v), HV_OK);
	CHECK_EQ(hv_schedule(&f.m, 0, &s, &v), HV_EBUSY);
	CHECK_EQ(hv_schedule(&f.m, 99, &s, &v), HV_ENOENT);
	/* The other three go to threads 1..3; then nothing is left for anyone. */
	for (k = 1; k < 4; k++) {
		CHECK_EQ(hv_schedule(&f.m, k, &s, &v), HV_OK);
	}
	CHECK_EQ(hv_preempt(&f.m, 3), HV_OK);
	CHECK_EQ(hv_dlpar_cpu_remove(&f.m, s, v), HV_OK);
	CHECK_EQ(hv_schedule(&f.m, 3, &s, &v), HV_ENOENT);
	fx_fini(&f);
}

TEST(schedule_skips_ceded_and_honours_dedication)
{
	struct fx f;
	uint32_t p0, p1, s, v;
	uint64_t a[9] = { 0 };
	int t;

	fx_init(&f, 0, 0);
	p0 = fx_partition(&f, 1);
	CHECK_EQ(hv_partition_create(&f.m, 18, false, &p1), HV_OK);
	CHECK_EQ(hv_dlpar_mem_add(&f.m, p1, 0, HV_NIL), HV_OK);
	CHECK_EQ(hv_dlpar_cpu_add(&f.m, p1, 0), HV_OK);
	CHECK_EQ(hv_thread_assign(&f.m, 3, (int)p1), HV_OK);
	/* The dedicated partition runs only on its thread, the shared one never there. */
	CHECK_EQ(hv_schedule(&f.m, 3, &s, &v), HV_OK);
	CHECK_EQ(s, p1);
	CHECK_EQ(hv_preempt(&f.m, 3), HV_OK);
	CHECK_EQ(hv_schedule(&f.m, 0, &s, &v), HV_OK);
	CHECK_EQ(s, p0);
	/* A ceded vCPU waits for its prod. */
	t = 0;
	hv_hcall(&f.m, (uint32_t)t, H_CEDE, a, 0, 0);
	CHECK_EQ(vc(&f, p0, 0)->state, HV_VCPU_CEDED);
	CHECK_EQ(hv_schedule(&f.m, 0, &s, &v), HV_ENOENT);
	CHECK_EQ(hv_schedule(&f.m, 1, &s, &v), HV_ENOENT);
	fx_fini(&f);
}

TEST(regs_accessor_reads_live_and_saved_state)
{
	struct fx f;
	struct hv_regs r, in;
	uint32_t p;
	unsigned i;
	int t;

	fx_init(&f, 0, 0);
	p = fx_partition(&f, 1);
	t = fx_running_thread(&f, p, 0);
	plant_all(&f, t);
	CHECK_EQ(hv_vcpu_regs_get(&f.m, p, 0, &r), HV_OK);
	for (i = 0; i < HV_REG_COUNT; i++) {
		CHECK_EQ(r.r[i], plant(i));
	}
	CHECK_EQ(hv_vcpu_regs_set(&f.m, p, 0, &r), HV_EBUSY);
	CHECK_EQ(hv_preempt(&f.m, (uint32_t)t), HV_OK);
	CHECK_EQ(hv_vcpu_regs_get(&f.m, p, 0, &r), HV_OK);
	for (i = 0; i < HV_REG_COUNT; i++) {
		CHECK_EQ(r.r[i], plant(i));
	}
	/* A loader sets an entry state; MSR[HV] never gets in. */
	hv_regs_boot_state(&in, 0);
	in.r[HV_REG_NIA] = 0xC000000000000100ull;
	in.r[HV_REG_MSR] |= MSR_HV | MSR_IR | MSR_DR;
	CHECK_EQ(hv_vcpu_regs_set(&f.m, p, 0, &in), HV_OK);
	CHECK_EQ(saved(&f, p, 0, HV_REG_NIA), 0xC000000000000100ull);
	CHECK_EQ(saved(&f, p, 0, HV_REG_MSR), MSR_SF | MSR_ME | MSR_IR | MSR_DR);
	t = fx_running_thread(&f, p, 0);
	CHECK_EQ(f.m.thread[t].regs.r[HV_REG_NIA], 0xC000000000000100ull);
	CHECK_EQ(hv_vcpu_regs_get(&f.m, p, 3, &r), HV_ENOENT);
	CHECK_EQ(hv_vcpu_regs_set(&f.m, 7, 0, &in), HV_ENOENT);
	fx_fini(&f);
}

TEST(partition_write_is_all_or_nothing)
{
	struct fx f;
	uint8_t img[64];
	uint32_t p;
	unsigned i;

	fx_init(&f, 0, 0);
	p = fx_partition(&f, 2);
	for (i = 0; i < sizeof(img); i++) {
		img[i] = (uint8_t)(0x80 + i);
	}
	/* Across the LMB boundary: both halves land, each in its own real LMB. */
	CHECK_EQ(hv_partition_write(&f.m, p, LMB_BYTES - 32, img, sizeof(img)), HV_OK);
	CHECK_EQ(fx_read64(&f, p, LMB_BYTES - 32), 0x8081828384858687ull);
	CHECK_EQ(fx_read64(&f, p, LMB_BYTES + 24), 0xB8B9BABBBCBDBEBFull);
	/* Past the last owned LMB: nothing is written, not even the owned head. */
	CHECK_EQ(hv_partition_write(&f.m, p, 2 * LMB_BYTES - 8, img, sizeof(img)), HV_EINVAL);
	CHECK_EQ(fx_read64(&f, p, 2 * LMB_BYTES - 8), 0);
	CHECK_EQ(hv_partition_write(&f.m, p, ~0ull - 8, img, sizeof(img)), HV_EINVAL);
	CHECK_EQ(hv_partition_write(&f.m, 6, 0, img, sizeof(img)), HV_ENOENT);
	fx_fini(&f);
}
