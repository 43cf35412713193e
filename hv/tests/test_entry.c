/*
 * hv_enter's contract per cause (hcall.h): what sc 1 leaves in SRR0/SRR1,
 * which registers an entry says it changed, storage interrupts reflected
 * into the partition's vectors or stopping the vCPU, and the hcall helper
 * every host-side caller uses.
 */
#include "vcpu_helpers.h"

#define RESUME_AT 0x0000000000123450ull

/* A running vCPU 0 of a fresh one-LMB partition with every register planted; returns its thread. */
static int planted_vcpu(struct fx *f, uint32_t *slot)
{
	int t;

	*slot = fx_partition(f, 1);
	t = fx_running_thread(f, *slot, 0);
	CHECK(t >= 0);
	plant_all(f, t);
	f->m.thread[t].regs.r[HV_REG_NIA] = RESUME_AT;
	return t;
}

TEST(sc1_sets_srr0_srr1_and_names_what_changed)
{
	struct fx f;
	struct hv_regs before;
	uint32_t p;
	unsigned i;
	int t;

	fx_init(&f, 0, 0);
	t = planted_vcpu(&f, &p);
	f.m.thread[t].regs.r[HV_REG_GPR + 3] = H_RANDOM;
	before = f.m.thread[t].regs;
	CHECK_EQ(hv_enter(&f.m, (uint32_t)t, HV_CAUSE_SC1), HV_EXIT_RESUME);
	CHECK_EQ(f.m.thread[t].changed, HV_CHANGED_R3_R12 | HV_CHANGED_SRR);
	CHECK_EQ(f.m.thread[t].regs.r[HV_REG_SRR0], RESUME_AT);
	CHECK_EQ(f.m.thread[t].regs.r[HV_REG_SRR1], PLANT_MSR);
	CHECK_RC(f.m.thread[t].regs.r[HV_REG_GPR + 3], H_SUCCESS);
	/* Nothing outside r3..r12 and SRR0/SRR1 moved: the vCPU resumes where it was. */
	for (i = 0; i < HV_REG_COUNT; i++) {
		if ((i >= HV_REG_GPR + 3 && i <= HV_REG_GPR + 12) || i == HV_REG_SRR0 || i == HV_REG_SRR1) {
			continue;
		}
		CHECK_EQ(f.m.thread[t].regs.r[i], before.r[i]);
	}
	fx_fini(&f);
}

TEST(sc1_problem_state_changes_only_r3_and_srr)
{
	struct fx f;
	uint32_t p;
	int t;

	fx_init(&f, 0, 0);
	t = planted_vcpu(&f, &p);
	f.m.thread[t].regs.r[HV_REG_MSR] |= MSR_PR;
	f.m.thread[t].regs.r[HV_REG_GPR + 3] = H_RANDOM;
	CHECK_EQ(hv_enter(&f.m, (uint32_t)t, HV_CAUSE_SC1), HV_EXIT_RESUME);
	CHECK_RC(f.m.thread[t].regs.r[HV_REG_GPR + 3], H_PRIVILEGE);
	CHECK_EQ(f.m.thread[t].regs.r[HV_REG_GPR + 4], plant(HV_REG_GPR + 4));
	CHECK_EQ(f.m.thread[t].regs.r[HV_REG_SRR1], PLANT_MSR | MSR_PR);
	fx_fini(&f);
}

TEST(entry_clears_a_stored_msr_hv)
{
	struct fx f;
	uint32_t p;
	int t;

	fx_init(&f, 0, 0);
	t = planted_vcpu(&f, &p);
	/* A driver copying a CPU's MSR verbatim must not hand the partition HV. */
	f.m.thread[t].regs.r[HV_REG_MSR] |= MSR_HV;
	f.m.thread[t].regs.r[HV_REG_GPR + 3] = H_RANDOM;
	CHECK_EQ(hv_enter(&f.m, (uint32_t)t, HV_CAUSE_SC1), HV_EXIT_RESUME);
	CHECK_EQ(f.m.thread[t].regs.r[HV_REG_MSR] & MSR_HV, 0);
	CHECK_EQ(f.m.thread[t].regs.r[HV_REG_SRR1] & MSR_HV, 0);
	fx_fini(&f);
}

TEST(hdsi_reflects_into_the_dsi_vector)
{
	struct fx f;
	uint32_t p;
	int t;

	fx_init(&f, 0, 0);
	t = planted_vcpu(&f, &p);
	f.m.thread[t].fault.addr = 0x10003008;
	f.m.thread[t].fault.dsisr = 0x42000000; /* no PTE, store */
	CHECK_EQ(hv_enter(&f.m, (uint32_t)t, HV_CAUSE_HDSI), HV_EXIT_RESUME);
	CHECK_EQ(f.m.thread[t].changed, HV_CHANGED_SRR | HV_CHANGED_NIA_MSR | HV_CHANGED_DAR_DSISR);
	CHECK_EQ(f.m.thread[t].regs.r[HV_REG_SRR0], RESUME_AT);
	CHECK_EQ(f.m.thread[t].regs.r[HV_REG_SRR1], PLANT_MSR);
	CHECK_EQ(f.m.thread[t].regs.r[HV_REG_DAR], 0x10003008);
	CHECK_EQ(f.m.thread[t].regs.r[HV_REG_DSISR], 0x42000000);
	CHECK_EQ(f.m.thread[t].regs.r[HV_REG_NIA], HV_PART_VECTOR_BASE + HV_VECTOR_DSI);
	CHECK_EQ(f.m.thread[t].regs.r[HV_REG_MSR], MSR_SF | MSR_IR | MSR_DR | MSR_ME);
	/* The partition's other registers are its own business. */
	CHECK_EQ(f.m.thread[t].regs.r[HV_REG_GPR + 3], plant(HV_REG_GPR + 3));
	CHECK_EQ(hv_part(&f.m, p)->vcpu[0].state, HV_VCPU_RUNNING);
	fx_fini(&f);
}

TEST(hisi_reflects_into_the_isi_vector_with_status_in_srr1)
{
	struct fx f;
	uint32_t p;
	int t;

	fx_init(&f, 0, 0);
	t = planted_vcpu(&f, &p);
	f.m.thread[t].regs.r[HV_REG_DAR] = 0x1234;
	f.m.thread[t].fault.dsisr = 0x40000000ull | 0x8000000000000000ull; /* no PTE, plus a bit ISI never sets */
	CHECK_EQ(hv_enter(&f.m, (uint32_t)t, HV_CAUSE_HISI), HV_EXIT_RESUME);
	CHECK_EQ(f.m.thread[t].changed, HV_CHANGED_SRR | HV_CHANGED_NIA_MSR);
	CHECK_EQ(f.m.thread[t].regs.r[HV_REG_SRR0], RESUME_AT);
	CHECK_EQ(f.m.thread[t].regs.r[HV_REG_SRR1], (PLANT_MSR & ~0x783F0000ull) | 0x40000000ull);
	CHECK_EQ(f.m.thread[t].regs.r[HV_REG_NIA], HV_PART_VECTOR_BASE + HV_VECTOR_ISI);
	CHECK_EQ(f.m.thread[t].regs.r[HV_REG_DAR], 0x1234);
	fx_fini(&f);
}

TEST(fault_with_ri_off_stops_the_vcpu)
{
	struct fx f;
	struct hv_regs r;
	uint32_t p, s, v;
	int t;

	fx_init(&f, 0, 0);
	t = planted_vcpu(&f, &p);
	f.m.thread[t].regs.r[HV_REG_MSR] &= ~MSR_RI;
	f.m.thread[t].fault.addr = 0x5000;
	CHECK_EQ(hv_enter(&f.m, (uint32_t)t, HV_CAUSE_HDSI), HV_EXIT_IDLE);
	CHECK_EQ(vc(&f, p, 0)->state, HV_VCPU_HALTED);
	CHECK_EQ(vc(&f, p, 0)->stop_reason, HV_STOP_UNRECOVERABLE);
	CHECK(hv_stop_reason_name(HV_STOP_UNRECOVERABLE) != 0);
	CHECK_EQ(f.m.thread[t].changed, HV_CHANGED_ALL);
	CHECK(regs_all_zero(&f, t));
	/* Its state is kept as it was (SRR0/SRR1 of the first interrupt intact) and it never runs again. */
	CHECK_EQ(hv_vcpu_regs_get(&f.m, p, 0, &r), HV_OK);
	CHECK_EQ(r.r[HV_REG_SRR0], plant(HV_REG_SRR0));
	CHECK_EQ(hv_dispatch(&f.m, (uint32_t)t, p, 0), HV_EBUSY);
	CHECK_EQ(hv_schedule(&f.m, (uint32_t)t, &s, &v), HV_ENOENT);
	/* DLPAR removal and re-adding brings it back from the boot state. */
	CHECK_EQ(hv_dlpar_cpu_remove(&f.m, p, 0), HV_OK);
	CHECK_EQ(hv_dlpar_cpu_add(&f.m, p, 0), HV_OK);
	CHECK_EQ(vc(&f, p, 0)->stop_reason, HV_STOP_NONE);
	CHECK_EQ(hv_schedule(&f.m, (uint32_t)t, &s, &v), HV_OK);
	fx_fini(&f);
}

TEST(unknown_cause_and_idle_thread_change_nothing)
{
	struct fx f;
	uint32_t p;
	int t;

	fx_init(&f, 0, 0);
	t = planted_vcpu(&f, &p);
	CHECK_EQ(hv_enter(&f.m, (uint32_t)t, (enum hv_cause)0x500), HV_EXIT_BAD);
	CHECK_EQ(f.m.thread[t].changed, HV_CHANGED_NONE);
	CHECK_EQ(f.m.thread[t].regs.r[HV_REG_SRR0], plant(HV_REG_SRR0));
	CHECK_EQ(hv_enter(&f.m, (uint32_t)t, HV_CAUSE_HDEC), HV_EXIT_IDLE);
	CHECK_EQ(hv_enter(&f.m, (uint32_t)t, HV_CAUSE_HDSI), HV_EXIT_BAD);
	fx_fini(&f);
}

TEST(hcall_helper_reads_results_of_a_ceded_vcpu_through_the_core)
{
	struct fx f;
	uint64_t out[9], a[9] = { 0 };
	enum hv_exit e;
	uint32_t p;
	int t;

	fx_init(&f, 0, 0);
	p = fx_partition(&f, 1);
	t = fx_running_thread(&f, p, 0);
	CHECK_RC(hv_hcall(&f.m, (uint32_t)t, H_CEDE, a, out, &e), H_SUCCESS);
	CHECK_EQ(e, HV_EXIT_IDLE);
	CHECK_EQ(out[0], 0);
	CHECK_EQ(saved(&f, p, 0, HV_REG_GPR + 3), H_SUCCESS);
	/* From an idle thread nobody called: H_HARDWARE, nothing ran. */
	CHECK_RC(hv_hcall(&f.m, (uint32_t)t, H_RANDOM, a, out, &e), H_HARDWARE);
	CHECK_EQ(e, HV_EXIT_BAD);
	fx_fini(&f);
}

TEST(calls_that_write_more_than_r3_r12_say_so)
{
	struct fx f;
	uint64_t a[9] = { 0x5e5e };
	uint32_t p;
	int t;

	fx_init(&f, 0, 0);
	t = planted_vcpu(&f, &p);
	hv_hcall(&f.m, (uint32_t)t, H_SET_SPRG0, a, 0, 0);
	CHECK_EQ(f.m.thread[t].changed, HV_CHANGED_R3_R12 | HV_CHANGED_SRR | HV_CHANGED_SPRG0);
	CHECK_EQ(f.m.thread[t].regs.r[HV_REG_SPRG], 0x5e5e);
	/* A cede with a prod pending returns at once, with MSR[EE] turned on. */
	a[0] = 0;
	hv_hcall(&f.m, (uint32_t)t, H_PROD, a, 0, 0);
	f.m.thread[t].regs.r[HV_REG_MSR] &= ~MSR_EE;
	CHECK_EQ(hv_hcall(&f.m, (uint32_t)t, H_CEDE, a, 0, 0), H_SUCCESS);
	CHECK_EQ(f.m.thread[t].changed, HV_CHANGED_R3_R12 | HV_CHANGED_SRR | HV_CHANGED_NIA_MSR);
	CHECK(f.m.thread[t].regs.r[HV_REG_MSR] & MSR_EE);
	fx_fini(&f);
}
