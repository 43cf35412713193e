/*
 * The reference model alone on H_SET_MODE, H_GET_CPU_CHARACTERISTICS and
 * the XICS calls (ref_vcpu.c, ref_xics.c): exact predictions and the state
 * it keeps. test_ref_core.c runs the same calls against the core.
 */
#include <string.h>

#include "hv/machine.h"
#include "hv/papr.h"
#include "lparsec/ref.h"
#include "testlib.h"

static bool no_read(void *ctx, unsigned part, uint64_t la, void *buf, unsigned len)
{
	(void)ctx, (void)part, (void)la, (void)buf, (void)len;
	return false;
}

static const struct lp_ref_env env = { 0, no_read, 0, 0 };
static struct lp_ref R;
static struct lp_ref_pred P;

/* p0 with vCPUs 0 and 1, p1 with vCPU 0. */
static void model_init(void)
{
	struct lp_config cfg = { .nparts = 2, .threads = 2, .lmbs = { 2, 2 }, .vcpus = { 2, 1 }, .windows = { 0, 0 } };

	lp_ref_init(&R, &cfg);
}

static int64_t call(unsigned part, unsigned vcpu, uint64_t opcode, const uint64_t a[9])
{
	lp_ref_hcall(&R, &env, part, vcpu, opcode, a, &P);
	CHECK(P.known);
	CHECK_EQ(P.out_known, 0x1FF);
	return P.rc;
}
#define REFV(part, vcpu, op, ...) call((part), (vcpu), (op), (const uint64_t[9]){ __VA_ARGS__ })

static void check_icp(unsigned part, unsigned v, unsigned cppr, unsigned mfrr, unsigned prio, unsigned xisr)
{
	const struct lp_ref_vcpu *m = &R.part[part].vcpu[v];

	CHECK_EQ(m->cppr, cppr);
	CHECK_EQ(m->mfrr, mfrr);
	CHECK_EQ(m->xisr_prio, prio);
	CHECK_EQ(m->xisr, xisr);
}

TEST(set_mode_predictions_and_order)
{
	model_init();
	CHECK_EQ(R.part[0].ail, 3);
	CHECK(!R.part[0].ile);
	CHECK_RC(REFV(0, 1, H_SET_MODE, 2, 3, 0, 0), H_SUCCESS);
	CHECK_EQ(R.part[0].ail, 2);
	CHECK_EQ(R.part[1].ail, 3);
	CHECK_RC(REFV(0, 0, H_SET_MODE, 1, 3, 0, 0), H_UNSUPPORTED_FLAG);
	CHECK_RC(REFV(0, 0, H_SET_MODE, 1, 3, 1, 1), H_UNSUPPORTED_FLAG);
	CHECK_RC(REFV(0, 0, H_SET_MODE, 0, 3, 1, 1), H_P3);
	CHECK_RC(REFV(0, 0, H_SET_MODE, 0, 3, 0, 1), H_P4);
	CHECK_EQ(R.part[0].ail, 2);
	CHECK_RC(REFV(0, 0, H_SET_MODE, 1, 4, 0, 0), H_SUCCESS);
	CHECK(R.part[0].ile);
	CHECK_RC(REFV(0, 0, H_SET_MODE, 2, 4, 0, 0), H_UNSUPPORTED_FLAG);
	CHECK_RC(REFV(0, 0, H_SET_MODE, 0, 4, 0, 7), H_P4);
	CHECK(R.part[0].ile);
	CHECK_RC(REFV(0, 0, H_SET_MODE, 9, 0, 9, 9), H_P2);
	CHECK_RC(REFV(0, 0, H_SET_MODE, 0, 5, 0, 0), H_P2);
	CHECK_EQ(P.nregs, 0);
	/* The debug registers are the caller's: predicted as register writes. */
	CHECK_RC(REFV(0, 0, H_SET_MODE, 0, 1, 0x1002, 0), H_SUCCESS);
	CHECK_EQ(P.nregs, 1);
	CHECK_EQ(P.reg[0], HV_REG_CIABR);
	CHECK_EQ(P.reg_val[0], 0x1002);
	CHECK_RC(REFV(0, 0, H_SET_MODE, 0, 1, 0x1003, 1), H_P3);
	CHECK_EQ(P.nregs, 0);
	CHECK_RC(REFV(0, 0, H_SET_MODE, 1, 1, 0x1003, 1), H_UNSUPPORTED_FLAG);
	CHECK_RC(REFV(0, 0, H_SET_MODE, 0, 1, 0x1002, 1), H_P4);
	CHECK_RC(REFV(0, 0, H_SET_MODE, 0, 2, 0x5000, 7), H_P4);
	CHECK_RC(REFV(0, 0, H_SET_MODE, 1, 2, 0x5000, 3), H_UNSUPPORTED_FLAG);
	CHECK_RC(REFV(0, 0, H_SET_MODE, 0, 2, 0x5000, 3), H_SUCCESS);
	CHECK_EQ(P.nregs, 2);
	CHECK_EQ(P.reg[0], HV_REG_DAWR);
	CHECK_EQ(P.reg_val[0], 0x5000);
	CHECK_EQ(P.reg[1], HV_REG_DAWRX);
	CHECK_EQ(P.reg_val[1], 3);
}

TEST(cpu_characteristics_prediction)
{
	model_init();
	CHECK_RC(REFV(1, 0, H_GET_CPU_CHARACTERISTICS, 5, 6, 7), H_SUCCESS);
	CHECK_EQ(P.out[0], 0);
	CHECK_EQ(P.out[1], 0xE000000000000000ull);
	CHECK_EQ(P.out[2], 0);
}

TEST(xics_state_machine)
{
	model_init();
	check_icp(0, 1, 0, 0xFF, 0xFF, 0);
	CHECK_RC(REFV(0, 0, H_IPI, 1, 5), H_SUCCESS);
	check_icp(0, 1, 0, 5, 0xFF, 0); /* CPPR 0: requested only */
	CHECK_RC(REFV(0, 1, H_CPPR, 0xFF), H_SUCCESS);
	check_icp(0, 1, 0xFF, 5, 5, 2);
	CHECK_RC(REFV(0, 0, H_IPOLL, 1), H_SUCCESS);
	CHECK_EQ(P.out[0], 0xFF000002ull);
	CHECK_EQ(P.out[1], 5);
	CHECK_RC(REFV(0, 1, H_XIRR), H_SUCCESS);
	CHECK_EQ(P.out[0], 0xFF000002ull);
	check_icp(0, 1, 5, 5, 0xFF, 0);
	CHECK_RC(REFV(0, 1, H_XIRR), H_SUCCESS);
	CHECK_EQ(P.out[0], 0x05000000ull);
	CHECK_RC(REFV(0, 1, H_EOI, 0xFF000003ull), H_PARAMETER);
	check_icp(0, 1, 5, 5, 0xFF, 0);
	CHECK_RC(REFV(0, 1, H_EOI, 0xFF000002ull), H_SUCCESS);
	check_icp(0, 1, 0xFF, 5, 5, 2); /* MFRR still asks */
	CHECK_RC(REFV(0, 1, H_CPPR, 5), H_SUCCESS);
	check_icp(0, 1, 5, 5, 0xFF, 0); /* rejected */
	CHECK_RC(REFV(0, 1, H_CPPR, 6), H_SUCCESS);
	check_icp(0, 1, 6, 5, 5, 2);
	/* Servers are the caller's own vCPUs. */
	CHECK_RC(REFV(1, 0, H_IPI, 1, 5), H_PARAMETER);
	CHECK_RC(REFV(1, 0, H_IPOLL, 4), H_PARAMETER);
	CHECK_RC(REFV(1, 0, H_IPI, 0, 5), H_SUCCESS);
	check_icp(1, 0, 0, 5, 0xFF, 0);
	check_icp(0, 0, 0, 0xFF, 0xFF, 0);
}

TEST(ipi_wakes_and_cede_returns)
{
	struct lp_op rm = { .kind = LP_OP_CPU_REMOVE, .part = 0, .vcpu = 1 };

	model_init();
	CHECK_RC(REFV(0, 1, H_CPPR, 0xFF), H_SUCCESS);
	CHECK_RC(REFV(0, 1, H_CEDE), H_SUCCESS);
	CHECK(P.gives_up);
	CHECK_EQ(R.part[0].vcpu[1].state, LP_V_CEDED);
	CHECK_RC(REFV(0, 0, H_IPI, 1, 4), H_SUCCESS);
	CHECK_EQ(R.part[0].vcpu[1].state, LP_V_STOPPED);
	CHECK(!R.part[0].vcpu[1].prodded);
	/* With an interrupt presented, H_CEDE returns at once and keeps it. */
	CHECK_RC(REFV(0, 1, H_CEDE), H_SUCCESS);
	CHECK(!P.gives_up);
	CHECK_EQ(P.msr_set, MSR_EE);
	check_icp(0, 1, 0xFF, 4, 4, 2);
	/* DLPAR removal and re-add: the ICP starts over. */
	CHECK_EQ(lp_ref_mgmt(&R, &rm), HV_OK);
	rm.kind = LP_OP_CPU_ADD;
	CHECK_EQ(lp_ref_mgmt(&R, &rm), HV_OK);
	check_icp(0, 1, 0, 0xFF, 0xFF, 0);
}
