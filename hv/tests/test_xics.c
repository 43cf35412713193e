/*
 * XICS interrupt presentation (xics.c, papr-spec §6.10): H_CPPR, H_IPI,
 * H_XIRR, H_EOI, H_IPOLL on each vCPU's ICP, the IPI's wake-up of a ceded
 * vCPU, hv_vcpu_external_pending, and the ICP across DLPAR and migration.
 * H_SET_MODE and H_GET_CPU_CHARACTERISTICS are test_set_mode.c.
 */
#include "vcpu_helpers.h"

#define XIRR(cppr, xisr) (((uint64_t)(cppr) << 24) | (xisr))

/* The ICP of (slot, v) is exactly cppr / mfrr / pending / xisr. */
static void check_icp(struct fx *f, uint32_t slot, uint32_t v, unsigned cppr, unsigned mfrr, unsigned pending,
		      unsigned xisr)
{
	const struct hv_icp *icp = &vc(f, slot, v)->icp;

	CHECK_EQ(icp->cppr, cppr);
	CHECK_EQ(icp->mfrr, mfrr);
	CHECK_EQ(icp->pending, pending);
	CHECK_EQ(icp->xisr, xisr);
	CHECK_EQ(hv_vcpu_external_pending(&f->m, slot, v), xisr != 0 && pending < cppr);
}

/* A partition with vCPUs 0 and 1, both accepting every priority (CPPR 0xFF, what Linux sets at boot). */
static uint32_t open_partition(struct fx *f)
{
	uint32_t p = fx_partition(f, 1);

	CHECK_EQ(hv_dlpar_cpu_add(&f->m, p, 1), HV_OK);
	CHECK_RC(HCV(f, p, 0, H_CPPR, 0xFF), H_SUCCESS);
	CHECK_RC(HCV(f, p, 1, H_CPPR, 0xFF), H_SUCCESS);
	return p;
}

TEST(icp_reset_state_and_dlpar)
{
	struct fx f;
	uint32_t p;

	fx_init(&f, 0, 0);
	p = fx_partition(&f, 1);
	CHECK_EQ(hv_dlpar_cpu_add(&f.m, p, 1), HV_OK);
	/* QEMU's and KVM's reset: CPPR 0 (nothing gets through), no IPI requested, nothing pending. */
	check_icp(&f, p, 0, 0, 0xFF, 0xFF, 0);
	check_icp(&f, p, 1, 0, 0xFF, 0xFF, 0);
	CHECK_RC(HCV(&f, p, 1, H_CPPR, 0xFF), H_SUCCESS);
	CHECK_RC(HCV(&f, p, 0, H_IPI, 1, 5), H_SUCCESS);
	check_icp(&f, p, 1, 0xFF, 5, 5, XICS_IPI);
	/* Removed and added again: the ICP starts over. */
	CHECK_EQ(hv_preempt(&f.m, (uint32_t)vc(&f, p, 1)->thread), HV_OK);
	CHECK_EQ(hv_dlpar_cpu_remove(&f.m, p, 1), HV_OK);
	CHECK(!hv_vcpu_external_pending(&f.m, p, 1));
	CHECK_EQ(hv_dlpar_cpu_add(&f.m, p, 1), HV_OK);
	check_icp(&f, p, 1, 0, 0xFF, 0xFF, 0);
	/* Nothing to say for what does not exist. */
	CHECK(!hv_vcpu_external_pending(&f.m, p, 2));
	CHECK(!hv_vcpu_external_pending(&f.m, p, HV_MAX_VCPUS));
	CHECK(!hv_vcpu_external_pending(&f.m, 5, 0));
	CHECK(!hv_vcpu_external_pending(&f.m, HV_MAX_PARTITIONS, 0));
	fx_fini(&f);
}

TEST(ipi_below_cppr_waits_in_mfrr)
{
	struct fx f;
	uint32_t p;

	fx_init(&f, 0, 0);
	p = fx_partition(&f, 1);
	/* CPPR 0 at boot: an IPI at 5 is requested but not presented. */
	CHECK_RC(HC(&f, p, H_IPI, 0, 5, 0x99), H_SUCCESS);
	check_icp(&f, p, 0, 0, 5, 0xFF, 0);
	CHECK_RC(HC(&f, p, H_IPOLL, 0, 0x99), H_SUCCESS);
	CHECK_EQ(f.out[0], XIRR(0, 0));
	CHECK_EQ(f.out[1], 5);
	CHECK_EQ(f.out[2], 0);
	/* Lowering the CPPR past it lets it in; only the low 8 bits of the argument count. */
	CHECK_RC(HC(&f, p, H_CPPR, 0x1234500000000006ull), H_SUCCESS);
	check_icp(&f, p, 0, 6, 5, 5, XICS_IPI);
	CHECK(fx_outs_zero(&f));
	CHECK_RC(HC(&f, p, H_IPOLL, 0), H_SUCCESS);
	CHECK_EQ(f.out[0], XIRR(6, XICS_IPI));
	CHECK_EQ(f.out[1], 5);
	fx_fini(&f);
}

TEST(ipi_accept_eoi_represent)
{
	struct fx f;
	uint32_t p;

	fx_init(&f, 0, 0);
	p = open_partition(&f);
	CHECK_RC(HCV(&f, p, 0, H_IPI, 1, 5), H_SUCCESS);
	check_icp(&f, p, 1, 0xFF, 5, 5, XICS_IPI);
	check_icp(&f, p, 0, 0xFF, 0xFF, 0xFF, 0); /* the sender is untouched */
	/* Accept: the old CPPR and the source; the CPPR rises to the source's priority. */
	CHECK_RC(HCV(&f, p, 1, H_XIRR, 0x77), H_SUCCESS);
	CHECK_EQ(f.out[0], XIRR(0xFF, XICS_IPI));
	CHECK_EQ(f.out[1], 0);
	check_icp(&f, p, 1, 5, 5, 0xFF, 0);
	/* Nothing pending: the CPPR alone, and nothing changes. */
	CHECK_RC(HCV(&f, p, 1, H_XIRR), H_SUCCESS);
	CHECK_EQ(f.out[0], XIRR(5, 0));
	check_icp(&f, p, 1, 5, 5, 0xFF, 0);
	/* EOI while MFRR still asks: the IPI comes back at once. */
	CHECK_RC(HCV(&f, p, 1, H_EOI, XIRR(0xFF, XICS_IPI)), H_SUCCESS);
	check_icp(&f, p, 1, 0xFF, 5, 5, XICS_IPI);
	/* Linux's order: accept, clear MFRR, EOI -- then it stays quiet. */
	CHECK_RC(HCV(&f, p, 1, H_XIRR), H_SUCCESS);
	CHECK_EQ(f.out[0], XIRR(0xFF, XICS_IPI));
	CHECK_RC(HCV(&f, p, 1, H_IPI, 1, 0xFF), H_SUCCESS);
	CHECK_RC(HCV(&f, p, 1, H_EOI, XIRR(0xFF, XICS_IPI)), H_SUCCESS);
	check_icp(&f, p, 1, 0xFF, 0xFF, 0xFF, 0);
	fx_fini(&f);
}

TEST(ipi_more_favoured_replaces_pending)
{
	struct fx f;
	uint32_t p;

	fx_init(&f, 0, 0);
	p = open_partition(&f);
	CHECK_RC(HCV(&f, p, 0, H_IPI, 1, 5), H_SUCCESS);
	CHECK_RC(HCV(&f, p, 0, H_IPI, 1, 3), H_SUCCESS);
	check_icp(&f, p, 1, 0xFF, 3, 3, XICS_IPI);
	/* A less favoured request leaves what is presented; MFRR keeps the new value. */
	CHECK_RC(HCV(&f, p, 0, H_IPI, 1, 7), H_SUCCESS);
	check_icp(&f, p, 1, 0xFF, 7, 3, XICS_IPI);
	/* Only the low 8 bits of mfrr count. */
	CHECK_RC(HCV(&f, p, 0, H_IPI, 1, 0xAB01), H_SUCCESS);
	check_icp(&f, p, 1, 0xFF, 1, 1, XICS_IPI);
	fx_fini(&f);
}

TEST(cppr_rejects_and_ipi_comes_back)
{
	struct fx f;
	uint32_t p;

	fx_init(&f, 0, 0);
	p = open_partition(&f);
	CHECK_RC(HC(&f, p, H_IPI, 0, 5), H_SUCCESS);
	check_icp(&f, p, 0, 0xFF, 5, 5, XICS_IPI);
	/* Raised to the source's own priority: no longer more favoured, rejected; MFRR keeps the request. */
	CHECK_RC(HC(&f, p, H_CPPR, 5), H_SUCCESS);
	check_icp(&f, p, 0, 5, 5, 0xFF, 0);
	CHECK_RC(HC(&f, p, H_CPPR, 5), H_SUCCESS); /* the same CPPR: nothing moves */
	check_icp(&f, p, 0, 5, 5, 0xFF, 0);
	CHECK_RC(HC(&f, p, H_CPPR, 6), H_SUCCESS); /* lowered past it: presented again */
	check_icp(&f, p, 0, 6, 5, 5, XICS_IPI);
	CHECK_RC(HC(&f, p, H_CPPR, 6), H_SUCCESS);
	check_icp(&f, p, 0, 6, 5, 5, XICS_IPI);
	CHECK_RC(HC(&f, p, H_CPPR, 0), H_SUCCESS);
	check_icp(&f, p, 0, 0, 5, 0xFF, 0);
	fx_fini(&f);
}

TEST(eoi_sources_and_widths)
{
	struct fx f;
	uint32_t p;

	fx_init(&f, 0, 0);
	p = open_partition(&f);
	CHECK_RC(HC(&f, p, H_CPPR, 4), H_SUCCESS);
	/* Unknown sources: no interrupt source controller exists. Nothing changes. */
	CHECK_RC(HC(&f, p, H_EOI, XIRR(0xFF, 3)), H_PARAMETER);
	CHECK_RC(HC(&f, p, H_EOI, XIRR(0xFF, 1)), H_PARAMETER);
	CHECK_RC(HC(&f, p, H_EOI, XIRR(0xFF, 0x1002)), H_PARAMETER);
	CHECK_RC(HC(&f, p, H_EOI, XIRR(0xFF, 0xFFFFFF)), H_PARAMETER);
	check_icp(&f, p, 0, 4, 0xFF, 0xFF, 0);
	CHECK(fx_outs_zero(&f));
	/* Source 0 (what an empty H_XIRR gave): accepted, only the CPPR. Bits above 32 are not the XIRR. */
	CHECK_RC(HC(&f, p, H_EOI, 0xABCD000000000000ull | XIRR(9, 0)), H_SUCCESS);
	check_icp(&f, p, 0, 9, 0xFF, 0xFF, 0);
	CHECK_RC(HC(&f, p, H_EOI, 0xFFFFFFFF00000000ull | XIRR(0xFF, XICS_IPI)), H_SUCCESS);
	check_icp(&f, p, 0, 0xFF, 0xFF, 0xFF, 0);
	/* EOI never rejects: a CPPR above the pending source leaves it in XISR, not signalled. */
	CHECK_RC(HCV(&f, p, 1, H_IPI, 0, 5), H_SUCCESS);
	CHECK_RC(HC(&f, p, H_EOI, XIRR(2, XICS_IPI)), H_SUCCESS);
	check_icp(&f, p, 0, 2, 5, 5, XICS_IPI);
	fx_fini(&f);
}

TEST(bad_servers_change_nothing)
{
	static const uint64_t bad[] = { 2, 3, 4, HV_MAX_VCPUS, 0x100000000ull, ~0ull };
	struct fx f;
	uint32_t p, q;
	unsigned i;

	fx_init(&f, 0, 0);
	p = open_partition(&f);
	q = open_partition(&f); /* another partition: its servers are 0 and 1 too, but never p's */
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK_RC(HC(&f, p, H_IPI, bad[i], 1, 0x55), H_PARAMETER);
		CHECK(fx_outs_zero(&f));
		CHECK_RC(HC(&f, p, H_IPOLL, bad[i], 0x55), H_PARAMETER);
		CHECK(fx_outs_zero(&f));
	}
	check_icp(&f, p, 0, 0xFF, 0xFF, 0xFF, 0);
	check_icp(&f, p, 1, 0xFF, 0xFF, 0xFF, 0);
	check_icp(&f, q, 0, 0xFF, 0xFF, 0xFF, 0);
	check_icp(&f, q, 1, 0xFF, 0xFF, 0xFF, 0);
	fx_fini(&f);
}

TEST(servers_resolve_inside_the_callers_partition)
{
	struct fx f;
	uint32_t p, q;

	fx_init(&f, 0, 0);
	p = open_partition(&f);
	q = open_partition(&f);
	CHECK_RC(HC(&f, q, H_IPI, 0, 4), H_SUCCESS);
	check_icp(&f, q, 0, 0xFF, 4, 4, XICS_IPI);
	check_icp(&f, p, 0, 0xFF, 0xFF, 0xFF, 0); /* server 0 of q is q's vCPU 0, never p's */
	CHECK_RC(HC(&f, p, H_IPOLL, 0), H_SUCCESS);
	CHECK_EQ(f.out[0], XIRR(0xFF, 0));
	CHECK_EQ(f.out[1], 0xFF);
	CHECK_RC(HCV(&f, p, 1, H_IPI, 1, 6), H_SUCCESS); /* to itself */
	check_icp(&f, p, 1, 0xFF, 6, 6, XICS_IPI);
	check_icp(&f, q, 1, 0xFF, 0xFF, 0xFF, 0);
	fx_fini(&f);
}

TEST(ipi_wakes_a_ceded_vcpu)
{
	struct fx f;
	uint32_t p;

	fx_init(&f, 0, 0);
	p = fx_partition(&f, 1);
	CHECK_EQ(hv_dlpar_cpu_add(&f.m, p, 1), HV_OK);
	CHECK_RC(HCV(&f, p, 1, H_CEDE), H_SUCCESS);
	CHECK_EQ(vc(&f, p, 1)->state, HV_VCPU_CEDED);
	/* Its CPPR (0) lets nothing in: still asleep. */
	CHECK_RC(HC(&f, p, H_IPI, 1, 5), H_SUCCESS);
	CHECK_EQ(vc(&f, p, 1)->state, HV_VCPU_CEDED);
	check_icp(&f, p, 1, 0, 5, 0xFF, 0);
	CHECK_RC(HC(&f, p, H_PROD, 1), H_SUCCESS); /* a prod does wake it */
	CHECK_EQ(vc(&f, p, 1)->state, HV_VCPU_STOPPED);
	CHECK_RC(HCV(&f, p, 1, H_CPPR, 0xFF), H_SUCCESS); /* presented now: its own CPPR change */
	check_icp(&f, p, 1, 0xFF, 5, 5, XICS_IPI);
	CHECK_RC(HCV(&f, p, 1, H_XIRR), H_SUCCESS);
	CHECK_RC(HCV(&f, p, 1, H_IPI, 1, 0xFF), H_SUCCESS);
	CHECK_RC(HCV(&f, p, 1, H_EOI, XIRR(0xFF, XICS_IPI)), H_SUCCESS);
	CHECK_RC(HCV(&f, p, 1, H_CEDE), H_SUCCESS);
	CHECK_EQ(vc(&f, p, 1)->state, HV_VCPU_CEDED);
	/* An IPI that gets through wakes it, as a prod would; no prod is left behind. */
	CHECK_RC(HC(&f, p, H_IPI, 1, 5), H_SUCCESS);
	CHECK_EQ(vc(&f, p, 1)->state, HV_VCPU_STOPPED);
	CHECK(!vc(&f, p, 1)->prodded);
	CHECK(fx_running_thread(&f, p, 1) >= 0);
	fx_fini(&f);
}

TEST(cede_with_an_interrupt_pending_returns_at_once)
{
	struct fx f;
	uint32_t p;
	enum hv_exit e;
	int t;

	fx_init(&f, 0, 0);
	p = open_partition(&f);
	CHECK_RC(HC(&f, p, H_IPI, 0, 5), H_SUCCESS);
	t = fx_running_thread(&f, p, 0);
	CHECK_RC(hv_hcall(&f.m, (uint32_t)t, H_CEDE, (const uint64_t[9]){ 0 }, f.out, &e), H_SUCCESS);
	CHECK_EQ(e, HV_EXIT_RESUME);
	CHECK_EQ(vc(&f, p, 0)->state, HV_VCPU_RUNNING);
	CHECK(f.m.thread[t].regs.r[HV_REG_MSR] & MSR_EE); /* it takes the interrupt on return */
	check_icp(&f, p, 0, 0xFF, 5, 5, XICS_IPI);
	/* The same for H_CONFER to itself. */
	CHECK_RC(hv_hcall(&f.m, (uint32_t)t, H_CONFER, (const uint64_t[9]){ 0, 0 }, f.out, &e), H_SUCCESS);
	CHECK_EQ(e, HV_EXIT_RESUME);
	fx_fini(&f);
}

TEST(migration_carries_the_icp)
{
	struct fx src, dst;
	uint32_t s, d;

	fx_init(&src, 0, 0);
	fx_init(&dst, 0, 0);
	s = open_partition(&src);
	CHECK_RC(HCV(&src, s, 1, H_IPI, 0, 7), H_SUCCESS);
	CHECK_RC(HCV(&src, s, 0, H_IPI, 1, 3), H_SUCCESS);
	CHECK_RC(HCV(&src, s, 1, H_XIRR), H_SUCCESS);
	CHECK_EQ(hv_partition_migrate(&src.m, s, &dst.m, &d), HV_OK);
	check_icp(&dst, d, 0, 0xFF, 7, 7, XICS_IPI);
	check_icp(&dst, d, 1, 3, 3, 0xFF, 0);
	fx_fini(&src);
	fx_fini(&dst);
}
