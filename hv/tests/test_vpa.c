/*
 * H_REGISTER_VPA (VPA, DTL, SLB shadow) and the dispatch counter the VPA
 * publishes, across DLPAR memory removal. Helpers: vcpu_helpers.h.
 */
#include "vcpu_helpers.h"

#define VPA_YIELD      0x100
#define LMB            (256ull * 1024) /* hv_config_default */

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
	CHECK(fx_outs_zero(&f));

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
	CHECK(fx_outs_zero(&f));
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

/* PAPR: the hypervisor tells a shared-processor partition so in its VPA (byte 9, 0x02; Linux reads it). */
TEST(vpa_says_shared_processor_only_on_shared_partitions)
{
	struct fx f;
	uint32_t p, d;

	fx_init(&f, 0, 0);
	p = fx_partition(&f, 1); /* shared */
	set_len16(&f, p, 0x1000, 640);
	fx_write64(&f, p, 0x1008, 0x1140000000000000ull); /* byte 8 0x11, byte 9 0x40: the other bits stay */
	CHECK_RC(HC(&f, p, H_REGISTER_VPA, VPA_FN(1), 0, 0x1000), H_SUCCESS);
	CHECK_EQ(fx_read64(&f, p, 0x1008), 0x1142000000000000ull);
	/* A failing registration stores nothing. */
	fx_write64(&f, p, 0x2008, 0);
	set_len16(&f, p, 0x2000, 100);
	CHECK_RC(HC(&f, p, H_REGISTER_VPA, VPA_FN(1), 0, 0x2000), H_PARAMETER);
	CHECK_EQ(fx_read64(&f, p, 0x2008), 0);
	CHECK_EQ(hv_partition_create(&f.m, 18, false, &d), HV_OK); /* dedicated */
	CHECK_EQ(hv_dlpar_mem_add(&f.m, d, 0, HV_NIL), HV_OK);
	CHECK_EQ(hv_dlpar_cpu_add(&f.m, d, 0), HV_OK);
	CHECK_EQ(hv_thread_assign(&f.m, 1, (int)d), HV_OK);
	set_len16(&f, d, 0x1000, 640);
	CHECK_RC(HC(&f, d, H_REGISTER_VPA, VPA_FN(1), 0, 0x1000), H_SUCCESS);
	CHECK_EQ(fx_read64(&f, d, 0x1008), 0);
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
