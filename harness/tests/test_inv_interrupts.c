/*
 * The model comparison of interrupt state (inv_cpu.c): every vCPU's XICS
 * presentation (CPPR, MFRR, pending priority, XISR) and every partition's
 * interrupt mode (AIL, ILE) against the reference model, I7 for the
 * actor's own, I8 for another partition's after an hcall. The machine is
 * built through the core, the model initialised to match, and one field
 * corrupted directly (never through hv/core). Set-up: inv_helpers.h.
 */
#include "inv_helpers.h"

/* The model follows the configuration setup() built: two partitions with vCPU 0 each. */
static void track(void)
{
	E.prog.cfg.lmbs[0] = E.prog.cfg.lmbs[1] = 2;
	E.prog.cfg.vcpus[0] = E.prog.cfg.vcpus[1] = 1;
	lp_ref_init(&E.x->ref, &E.prog.cfg);
	E.x->tracked = true;
	sync();
}

static struct hv_icp *icp(uint32_t slot)
{
	return &E.f.m.part[slot].vcpu[0].icp;
}

TEST(interrupt_state_agrees_at_the_start)
{
	uint32_t i;

	setup();
	track();
	i = op(LP_OP_MEM_ADD, 0, 5, HV_OK);
	CHECK_EQ(lp_inv_check_vcpus(E.x, i, true), LP_INV_NONE);
	CHECK_EQ(E.x->ref.part[0].ail, 3);
	CHECK_EQ(E.f.m.part[E.s0].ail, 3);
	teardown();
}

TEST(every_presentation_field_is_compared)
{
	struct hv_icp good;
	uint32_t i;
	unsigned k;

	setup();
	track();
	i = op(LP_OP_MEM_ADD, 0, 5, HV_OK);
	good = *icp(E.s0);
	for (k = 0; k < 4; k++) {
		*icp(E.s0) = good;
		switch (k) {
		case 0: icp(E.s0)->cppr = 0xFF; break;
		case 1: icp(E.s0)->mfrr = 5; break;
		case 2: icp(E.s0)->pending = 5; break;
		case 3: icp(E.s0)->xisr = XICS_IPI; break;
		}
		sync();
		CHECK_EQ(lp_inv_check_vcpus(E.x, i, true), LP_INV_I7);
		CHECK(strstr(E.x->viol.msg, "vCPU p0.v0: interrupt presentation") != NULL);
	}
	*icp(E.s0) = good;
	sync();
	CHECK_EQ(lp_inv_check_vcpus(E.x, i, true), LP_INV_NONE);
	teardown();
}

TEST(partition_mode_is_compared)
{
	uint32_t i;

	setup();
	track();
	i = hcall_op(1, H_SET_MODE, H_SUCCESS, (const uint64_t[9]){ 1, H_SET_MODE_RESOURCE_LE });
	E.x->ref.part[1].ile = true; /* what the model predicted of p1's call */
	sync();
	CHECK_EQ(lp_inv_check_vcpus(E.x, i, false), LP_INV_I7); /* the core did not switch */
	CHECK(strstr(E.x->viol.msg, "partition p1: interrupt mode") != NULL);
	E.f.m.part[E.s1].ile = true;
	sync();
	CHECK_EQ(lp_inv_check_vcpus(E.x, i, false), LP_INV_NONE);
	E.f.m.part[E.s1].ail = 0;
	sync();
	CHECK_EQ(lp_inv_check_vcpus(E.x, i, false), LP_INV_I7);
	teardown();
}

TEST(another_partitions_change_is_i8)
{
	uint32_t i;

	setup();
	track();
	/* p1 asked for an IPI on its server 0; the core raised p0's vCPU 0 instead. */
	i = hcall_op(1, H_IPI, H_SUCCESS, (const uint64_t[9]){ 0, 5 });
	E.x->ref.part[1].vcpu[0].mfrr = 5; /* the model: p1.v0 (CPPR 0 keeps it from being presented) */
	icp(E.s0)->mfrr = 5;
	sync();
	/* Other partitions are compared first, and every vCPU after an interrupt call. */
	CHECK_EQ(lp_inv_check_vcpus(E.x, i, false), LP_INV_I8);
	CHECK(strstr(E.x->viol.msg, "another partition's vCPU p0.v0") != NULL);
	icp(E.s0)->mfrr = 0xFF;
	sync();
	CHECK_EQ(lp_inv_check_vcpus(E.x, i, false), LP_INV_I7); /* p1's own change is missing */
	CHECK(strstr(E.x->viol.msg, "vCPU p1.v0") != NULL);
	icp(E.s1)->mfrr = 5;
	sync();
	CHECK_EQ(lp_inv_check_vcpus(E.x, i, false), LP_INV_NONE);
	teardown();
}

TEST(untouched_vcpus_wait_for_the_sweep)
{
	uint32_t i;

	setup();
	track();
	i = op(LP_OP_MEM_ADD, 0, 5, HV_OK);
	icp(E.s1)->cppr = 7;
	sync();
	E.x->ref.vtouched = 0;
	CHECK_EQ(lp_inv_check_vcpus(E.x, i, false), LP_INV_NONE); /* nothing the operation moved */
	CHECK_EQ(lp_inv_check_vcpus(E.x, i, true), LP_INV_I7);
	E.x->ref.vtouched = 1u << (1 * LP_MAX_VCPUS + 0);
	CHECK_EQ(lp_inv_check_vcpus(E.x, i, false), LP_INV_I7);
	teardown();
}
