/*
 * H_SET_MODE (papr-spec §6.6: the partition's interrupt location and
 * endianness, the caller's CIABR and DAWR0) with every refusal and the
 * order of its checks, the mode across creation, destruction and
 * migration; H_GET_CPU_CHARACTERISTICS (§6.10).
 */
#include "vcpu_helpers.h"

#define AIL_MODE   H_SET_MODE_RESOURCE_ADDR_TRANS_MODE
#define LE_MODE    H_SET_MODE_RESOURCE_LE
#define CIABR_RES  H_SET_MODE_RESOURCE_SET_CIABR
#define DAWR0_RES  H_SET_MODE_RESOURCE_SET_DAWR0

static void check_mode(struct fx *f, uint32_t p, unsigned ail, bool ile)
{
	CHECK_EQ(hv_part(&f->m, p)->ail, ail);
	CHECK_EQ(hv_part(&f->m, p)->ile, ile);
}

/* The debug registers of (p, v) as its vCPU holds them (live or saved). */
static uint64_t vreg(struct fx *f, uint32_t p, uint32_t v, unsigned reg)
{
	struct hv_regs r;

	CHECK_EQ(hv_vcpu_regs_get(&f->m, p, v, &r), HV_OK);
	return r.r[reg];
}

TEST(addr_trans_mode_values_and_refusals)
{
	struct fx f;
	uint32_t p;

	fx_init(&f, 0, 0);
	p = fx_partition(&f, 1);
	check_mode(&f, p, 3, false); /* created relocated, big-endian */
	CHECK_RC(HC(&f, p, H_SET_MODE, 0, AIL_MODE, 0, 0, 0x77), H_SUCCESS);
	check_mode(&f, p, 0, false);
	CHECK(fx_outs_zero(&f));
	CHECK_RC(HC(&f, p, H_SET_MODE, 2, AIL_MODE, 0, 0), H_SUCCESS);
	check_mode(&f, p, 2, false);
	CHECK_RC(HC(&f, p, H_SET_MODE, 3, AIL_MODE, 0, 0), H_SUCCESS);
	check_mode(&f, p, 3, false);
	/* Refusals leave the mode as it was. */
	CHECK_RC(HC(&f, p, H_SET_MODE, 1, AIL_MODE, 0, 0), H_UNSUPPORTED_FLAG); /* AIL 1 is reserved */
	CHECK_RC(HC(&f, p, H_SET_MODE, 4, AIL_MODE, 0, 0), H_UNSUPPORTED_FLAG);
	CHECK_RC(HC(&f, p, H_SET_MODE, 1ull << 63 | 3, AIL_MODE, 0, 0), H_UNSUPPORTED_FLAG);
	CHECK_RC(HC(&f, p, H_SET_MODE, 0, AIL_MODE, 1, 0), H_P3);
	CHECK_RC(HC(&f, p, H_SET_MODE, 0, AIL_MODE, 0, 1ull << 63), H_P4);
	/* The order: resource, mflags, value1, value2 -- the first bad one answers. */
	CHECK_RC(HC(&f, p, H_SET_MODE, 1, AIL_MODE, 1, 1), H_UNSUPPORTED_FLAG);
	CHECK_RC(HC(&f, p, H_SET_MODE, 0, AIL_MODE, 1, 1), H_P3);
	check_mode(&f, p, 3, false);
	CHECK(fx_outs_zero(&f));
	fx_fini(&f);
}

TEST(le_values_and_refusals)
{
	struct fx f;
	uint32_t p;

	fx_init(&f, 0, 0);
	p = fx_partition(&f, 1);
	CHECK_RC(HC(&f, p, H_SET_MODE, H_SET_MODE_ENDIAN_LITTLE, LE_MODE, 0, 0), H_SUCCESS);
	check_mode(&f, p, 3, true);
	CHECK_RC(HC(&f, p, H_SET_MODE, 2, LE_MODE, 0, 0), H_UNSUPPORTED_FLAG);
	CHECK_RC(HC(&f, p, H_SET_MODE, ~0ull, LE_MODE, 0, 0), H_UNSUPPORTED_FLAG);
	CHECK_RC(HC(&f, p, H_SET_MODE, 0, LE_MODE, 5, 0), H_P3);
	CHECK_RC(HC(&f, p, H_SET_MODE, 0, LE_MODE, 0, 5), H_P4);
	CHECK_RC(HC(&f, p, H_SET_MODE, 2, LE_MODE, 5, 5), H_UNSUPPORTED_FLAG);
	CHECK_RC(HC(&f, p, H_SET_MODE, 1, LE_MODE, 5, 5), H_P3);
	check_mode(&f, p, 3, true);
	CHECK_RC(HC(&f, p, H_SET_MODE, H_SET_MODE_ENDIAN_BIG, LE_MODE, 0, 0), H_SUCCESS);
	check_mode(&f, p, 3, false);
	fx_fini(&f);
}

TEST(unknown_resource_first)
{
	static const uint64_t bad[] = { 0, 5, 6, 0x100000003ull, ~0ull };
	struct fx f;
	uint32_t p;
	unsigned i;

	fx_init(&f, 0, 0);
	p = fx_partition(&f, 1);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK_RC(HC(&f, p, H_SET_MODE, 0, bad[i], 0, 0), H_P2);
		CHECK_RC(HC(&f, p, H_SET_MODE, 1, bad[i], 3, 4), H_P2); /* before any other argument */
	}
	check_mode(&f, p, 3, false);
	fx_fini(&f);
}

TEST(mode_is_the_partitions_alone)
{
	struct fx f;
	uint32_t p, q;

	fx_init(&f, 0, 0);
	p = fx_partition(&f, 1);
	q = fx_partition(&f, 1);
	CHECK_EQ(hv_dlpar_cpu_add(&f.m, p, 1), HV_OK);
	/* Set by vCPU 1, it is every vCPU's mode (one field of the partition); q keeps its own. */
	CHECK_RC(HCV(&f, p, 1, H_SET_MODE, 0, AIL_MODE, 0, 0), H_SUCCESS);
	CHECK_RC(HCV(&f, p, 1, H_SET_MODE, 1, LE_MODE, 0, 0), H_SUCCESS);
	check_mode(&f, p, 0, true);
	check_mode(&f, q, 3, false);
	fx_fini(&f);
}

TEST(ciabr_checks_and_store)
{
	struct fx f;
	uint32_t p;
	int t;

	fx_init(&f, 0, 0);
	p = fx_partition(&f, 1);
	CHECK_EQ(hv_dlpar_cpu_add(&f.m, p, 1), HV_OK);
	t = fx_running_thread(&f, p, 0);
	CHECK_RC(HC(&f, p, H_SET_MODE, 0, CIABR_RES, 0x10000003ull, 0), H_P3); /* privilege 3: hypervisor */
	CHECK_RC(HC(&f, p, H_SET_MODE, 0, CIABR_RES, 0x10000002ull, 1), H_P4);
	CHECK_RC(HC(&f, p, H_SET_MODE, 1, CIABR_RES, 0x10000002ull, 0), H_UNSUPPORTED_FLAG);
	CHECK_RC(HC(&f, p, H_SET_MODE, 1, CIABR_RES, 0x10000003ull, 1), H_UNSUPPORTED_FLAG);
	CHECK_RC(HC(&f, p, H_SET_MODE, 0, CIABR_RES, 0x10000003ull, 1), H_P3);
	CHECK_EQ(f.m.thread[t].regs.r[HV_REG_CIABR], 0);
	CHECK_EQ(f.m.thread[t].changed & HV_CHANGED_DEBUG, 0);
	/* Problem (1) and privileged (2) breakpoints are the caller's own. */
	CHECK_RC(HC(&f, p, H_SET_MODE, 0, CIABR_RES, 0x10000002ull, 0), H_SUCCESS);
	CHECK_EQ(f.m.thread[t].regs.r[HV_REG_CIABR], 0x10000002ull);
	CHECK_EQ(f.m.thread[t].changed, HV_CHANGED_R3_R12 | HV_CHANGED_SRR | HV_CHANGED_DEBUG);
	CHECK(fx_outs_zero(&f));
	CHECK_EQ(vreg(&f, p, 1, HV_REG_CIABR), 0); /* vCPU 1 has its own */
	/* It is vCPU state: saved at preemption, back at the next dispatch. */
	fx_redispatch(&f, p);
	CHECK_EQ(vreg(&f, p, 0, HV_REG_CIABR), 0x10000002ull);
	CHECK_RC(HC(&f, p, H_SET_MODE, 0, CIABR_RES, 0, 0), H_SUCCESS); /* 0: off */
	CHECK_EQ(vreg(&f, p, 0, HV_REG_CIABR), 0);
	fx_fini(&f);
}

TEST(dawr0_checks_and_store)
{
	struct fx f;
	uint32_t p;
	int t;

	fx_init(&f, 0, 0);
	p = fx_partition(&f, 1);
	t = fx_running_thread(&f, p, 0);
	CHECK_RC(HC(&f, p, H_SET_MODE, 0, DAWR0_RES, 0x4000, DAWRX_HYP | 3), H_P4);
	CHECK_RC(HC(&f, p, H_SET_MODE, 2, DAWR0_RES, 0x4000, 3), H_UNSUPPORTED_FLAG);
	CHECK_RC(HC(&f, p, H_SET_MODE, 2, DAWR0_RES, 0x4000, DAWRX_HYP), H_UNSUPPORTED_FLAG);
	CHECK_EQ(f.m.thread[t].regs.r[HV_REG_DAWR], 0);
	CHECK_EQ(f.m.thread[t].regs.r[HV_REG_DAWRX], 0);
	CHECK_RC(HC(&f, p, H_SET_MODE, 0, DAWR0_RES, 0x4000, 3), H_SUCCESS);
	CHECK_EQ(f.m.thread[t].regs.r[HV_REG_DAWR], 0x4000);
	CHECK_EQ(f.m.thread[t].regs.r[HV_REG_DAWRX], 3);
	CHECK_EQ(f.m.thread[t].regs.r[HV_REG_DAWR + 1], 0); /* DAWR1 is not this resource */
	CHECK_EQ(f.m.thread[t].regs.r[HV_REG_DAWRX + 1], 0);
	CHECK(f.m.thread[t].changed & HV_CHANGED_DEBUG);
	fx_redispatch(&f, p);
	CHECK_EQ(vreg(&f, p, 0, HV_REG_DAWR), 0x4000);
	CHECK_EQ(vreg(&f, p, 0, HV_REG_DAWRX), 3);
	fx_fini(&f);
}

TEST(mode_across_destroy_create_and_migration)
{
	struct fx src, dst;
	uint32_t s, d, again;

	fx_init(&src, 0, 0);
	fx_init(&dst, 0, 0);
	s = fx_partition(&src, 1);
	CHECK_RC(HC(&src, s, H_SET_MODE, 2, AIL_MODE, 0, 0), H_SUCCESS);
	CHECK_RC(HC(&src, s, H_SET_MODE, 1, LE_MODE, 0, 0), H_SUCCESS);
	CHECK_RC(HC(&src, s, H_SET_MODE, 0, CIABR_RES, 0x8001ull, 0), H_SUCCESS);
	CHECK_EQ(hv_partition_migrate(&src.m, s, &dst.m, &d), HV_OK);
	check_mode(&dst, d, 2, true);
	CHECK_EQ(vreg(&dst, d, 0, HV_REG_CIABR), 0x8001ull);
	/* The slot it left, and the one it ends in once destroyed, start the next partition afresh. */
	CHECK_EQ(src.m.part[s].ail, 0);
	CHECK_EQ(src.m.part[s].ile, false);
	CHECK_EQ(hv_partition_destroy(&dst.m, d), HV_OK);
	CHECK_EQ(hv_partition_create(&dst.m, 18, true, &again), HV_OK);
	CHECK_EQ(again, d);
	check_mode(&dst, again, 3, false);
	fx_fini(&src);
	fx_fini(&dst);
}

TEST(get_cpu_characteristics_fixed_answer)
{
	struct fx f;
	uint32_t p;
	unsigned i;

	fx_init(&f, 0, 0);
	p = fx_partition(&f, 1);
	CHECK_RC(HC(&f, p, H_GET_CPU_CHARACTERISTICS, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99), H_SUCCESS);
	CHECK_EQ(f.out[0], 0);
	CHECK_EQ(f.out[1], H_CPU_BEHAV_FAVOUR_SECURITY | H_CPU_BEHAV_L1D_FLUSH_PR | H_CPU_BEHAV_BNDS_CHK_SPEC_BAR);
	CHECK_EQ(f.out[1], 0xE000000000000000ull); /* MSB-0 bits 0, 1, 2 (Linux's asm/hvcall.h) */
	for (i = 2; i < 9; i++) {
		CHECK_EQ(f.out[i], 0);
	}
	fx_fini(&f);
}
