/*
 * RTAS through H_RTAS (hv/core/rtas.c) and H_REGISTER_PROC_TBL
 * (hv/core/proc_tbl.c): the argument block's bounds, each service's
 * answer and effect, and the process-table registration's decision order.
 */
#include "fixture.h"
#include "testlib.h"

#define BLOCK 0x1000ull /* logical address of the argument block */

/* Writes an argument block: token, nargs, nret, args; the return words zeroed. */
static void block(struct fx *f, uint32_t p, uint32_t token, uint32_t nargs, uint32_t nret, const uint32_t *args)
{
	hv_raddr_t ra = fx_real(f, p, BLOCK);
	uint32_t i;

	plat_mem_dirty(f->plat, ra, 12 + 4 * 16);
	hv_st_be32(f->m.mem + ra.v, token);
	hv_st_be32(f->m.mem + ra.v + 4, nargs);
	hv_st_be32(f->m.mem + ra.v + 8, nret);
	for (i = 0; i < 16; i++) {
		hv_st_be32(f->m.mem + ra.v + 12 + 4 * i, args && i < nargs ? args[i] : 0);
	}
}

/* Return word i of the block last written with nargs arguments. */
static int32_t ret(struct fx *f, uint32_t p, uint32_t nargs, uint32_t i)
{
	return (int32_t)hv_ld_be32(f->m.mem + fx_real(f, p, BLOCK).v + 12 + 4 * (nargs + i));
}

static long rtas(struct fx *f, uint32_t p, uint32_t token, uint32_t nargs, uint32_t nret, const uint32_t *args)
{
	block(f, p, token, nargs, nret, args);
	return HC(f, p, H_RTAS, BLOCK);
}

TEST(rtas_time_of_day_starts_at_the_epoch_and_keeps_what_was_set)
{
	static const uint32_t when[7] = { 2031, 12, 31, 23, 59, 58, 123456789 };
	struct fx f;
	uint32_t p, i;

	fx_init(&f, 0, 0);
	p = fx_partition(&f, 1);
	CHECK_RC(rtas(&f, p, HV_RTAS_GET_TIME_OF_DAY, 0, 8, 0), H_SUCCESS);
	CHECK_EQ(ret(&f, p, 0, 0), 0);
	CHECK_EQ(ret(&f, p, 0, 1), 2026);
	CHECK_EQ(ret(&f, p, 0, 2), 1);
	CHECK_EQ(ret(&f, p, 0, 3), 1);
	CHECK_EQ(ret(&f, p, 0, 7), 0);
	CHECK_RC(rtas(&f, p, HV_RTAS_SET_TIME_OF_DAY, 7, 1, when), H_SUCCESS);
	CHECK_EQ(ret(&f, p, 7, 0), 0);
	CHECK_RC(rtas(&f, p, HV_RTAS_GET_TIME_OF_DAY, 0, 8, 0), H_SUCCESS);
	for (i = 0; i < 7; i++) {
		CHECK_EQ(ret(&f, p, 0, i + 1), (int32_t)when[i]);
	}
	fx_fini(&f);
}

TEST(rtas_set_time_of_day_out_of_range_is_a_parameter_error_and_changes_nothing)
{
	static const uint32_t bad[7] = { 2030, 13, 1, 0, 0, 0, 0 };
	struct fx f;
	uint32_t p;

	fx_init(&f, 0, 0);
	p = fx_partition(&f, 1);
	CHECK_RC(rtas(&f, p, HV_RTAS_SET_TIME_OF_DAY, 7, 1, bad), H_SUCCESS);
	CHECK_EQ(ret(&f, p, 7, 0), -3);
	CHECK_EQ(hv_part(&f.m, p)->tod[0], 2026);
	CHECK_EQ(hv_part(&f.m, p)->tod[1], 1);
	fx_fini(&f);
}

TEST(rtas_unknown_token_and_wrong_arity_are_parameter_errors)
{
	struct fx f;
	uint32_t p;

	fx_init(&f, 0, 0);
	p = fx_partition(&f, 1);
	CHECK_RC(rtas(&f, p, 0x77, 0, 1, 0), H_SUCCESS);
	CHECK_EQ(ret(&f, p, 0, 0), -3);
	CHECK_RC(rtas(&f, p, HV_RTAS_GET_TIME_OF_DAY, 0, 1, 0), H_SUCCESS);
	CHECK_EQ(ret(&f, p, 0, 0), -3);
	/* Interrupt sources: there are none, so every number is a parameter error. */
	CHECK_RC(rtas(&f, p, HV_RTAS_INT_OFF, 1, 1, (const uint32_t[]){ 0x1000 }), H_SUCCESS);
	CHECK_EQ(ret(&f, p, 1, 0), -3);
	/* event-scan finds nothing. */
	CHECK_RC(rtas(&f, p, HV_RTAS_EVENT_SCAN, 4, 1, (const uint32_t[]){ 0, 0, BLOCK + 0x100, 64 }), H_SUCCESS);
	CHECK_EQ(ret(&f, p, 4, 0), 1);
	fx_fini(&f);
}

TEST(rtas_block_outside_the_partition_or_too_many_words_is_h_parameter_and_writes_nothing)
{
	struct fx f;
	uint32_t p;

	fx_init(&f, 0, 0);
	p = fx_partition(&f, 1);
	/* The last bytes of the partition's only LMB: the 76-byte block would run past it. */
	CHECK_RC(HC(&f, p, H_RTAS, f.m.cfg.lmb_size - 16), H_PARAMETER);
	CHECK_RC(HC(&f, p, H_RTAS, ~0ull - 11), H_PARAMETER); /* wraps */
	CHECK_RC(HC(&f, p, H_RTAS, BLOCK + 2), H_PARAMETER);  /* not word aligned */
	CHECK_RC(HC(&f, p, H_RTAS, 1ull << 40), H_PARAMETER);
	/* nargs + nret = 17: the bound of CVE-2021-37576. */
	block(&f, p, HV_RTAS_GET_TIME_OF_DAY, 9, 8, (const uint32_t[16]){ 0 });
	CHECK_RC(HC(&f, p, H_RTAS, BLOCK), H_PARAMETER);
	CHECK_EQ(ret(&f, p, 9, 0), 0);
	block(&f, p, HV_RTAS_GET_TIME_OF_DAY, 0x80000000u, 0x80000001u, 0);
	CHECK_RC(HC(&f, p, H_RTAS, BLOCK), H_PARAMETER);
	fx_fini(&f);
}

TEST(rtas_block_may_straddle_two_lmbs_apart_in_real_memory)
{
	struct fx f;
	uint32_t p, q;
	uint64_t la;

	fx_init(&f, 0, 0);
	la = f.m.cfg.lmb_size - 8; /* the token and nargs in LMB 0, the rest in LMB 1 */
	p = fx_partition(&f, 1);
	q = fx_partition(&f, 1);                           /* takes the next real LMB */
	CHECK_EQ(hv_dlpar_mem_add(&f.m, p, 1, HV_NIL), HV_OK); /* so p's LMB 1 is not next to its LMB 0 */
	CHECK(fx_real(&f, p, f.m.cfg.lmb_size).v != fx_real(&f, p, 0).v + f.m.cfg.lmb_size);
	fx_write64(&f, p, la, (uint64_t)HV_RTAS_GET_TIME_OF_DAY << 32 | 0);
	fx_write64(&f, p, la + 8, (uint64_t)8 << 32);
	CHECK_RC(HC(&f, p, H_RTAS, la), H_SUCCESS);
	CHECK_EQ(fx_read64(&f, p, la + 8) & 0xFFFFFFFFull, 0);  /* rets[0], the status, after nret */
	CHECK_EQ(fx_read64(&f, p, la + 16) >> 32, 2026);        /* rets[1], the year */
	(void)q;
	fx_fini(&f);
}

TEST(rtas_power_off_halts_every_vcpu_of_the_partition_and_no_other)
{
	struct fx f;
	uint32_t p, q;
	int t, t1;

	fx_init(&f, 0, 0);
	p = fx_partition(&f, 1);
	q = fx_partition(&f, 1);
	CHECK_EQ(hv_dlpar_cpu_add(&f.m, p, 1), HV_OK);
	CHECK_EQ(hv_dlpar_cpu_add(&f.m, p, 2), HV_OK);
	t1 = fx_running_thread(&f, p, 1); /* running elsewhere: taken off its thread */
	t = fx_running_thread(&f, p, 0);
	CHECK(t >= 0 && t1 >= 0 && t != t1);
	block(&f, p, HV_RTAS_POWER_OFF, 2, 1, (const uint32_t[]){ 0, 0 });
	f.m.thread[t].regs.r[HV_REG_GPR + 3] = H_RTAS;
	f.m.thread[t].regs.r[HV_REG_GPR + 4] = BLOCK;
	CHECK_EQ(hv_enter(&f.m, (uint32_t)t, HV_CAUSE_SC1), HV_EXIT_IDLE);
	CHECK_EQ(ret(&f, p, 2, 0), 0);
	CHECK_EQ(hv_part(&f.m, p)->vcpu[0].state, HV_VCPU_HALTED);
	CHECK_EQ(hv_part(&f.m, p)->vcpu[0].stop_reason, HV_STOP_POWER_OFF);
	CHECK_EQ(hv_part(&f.m, p)->vcpu[1].state, HV_VCPU_HALTED);
	CHECK_EQ(hv_part(&f.m, p)->vcpu[1].stop_reason, HV_STOP_POWER_OFF);
	CHECK_EQ(f.m.thread[t1].part, -1);
	CHECK_EQ(f.m.thread[t].part, -1);
	CHECK_EQ(hv_part(&f.m, p)->vcpu[2].state, HV_VCPU_HALTED);
	CHECK_EQ(hv_part(&f.m, q)->vcpu[0].state, HV_VCPU_STOPPED);
	CHECK_EQ(hv_part(&f.m, q)->vcpu[0].stop_reason, HV_STOP_NONE);
	CHECK(hv_stop_reason_name(HV_STOP_POWER_OFF) != 0);
	fx_fini(&f);
}

/* vCPU 1 of a new one-LMB partition runs, leaves r20 = 0xDEAD, and calls stop-self; the partition's slot. */
static uint32_t vcpu1_stops_itself(struct fx *f)
{
	uint32_t p;
	int t;

	fx_init(f, 0, 0);
	p = fx_partition(f, 1);
	CHECK_EQ(hv_dlpar_cpu_add(&f->m, p, 1), HV_OK);
	t = fx_running_thread(f, p, 1);
	CHECK(t >= 0);
	f->m.thread[t].regs.r[HV_REG_GPR + 20] = 0xDEAD;
	block(f, p, HV_RTAS_STOP_SELF, 0, 1, 0);
	f->m.thread[t].regs.r[HV_REG_GPR + 3] = H_RTAS;
	f->m.thread[t].regs.r[HV_REG_GPR + 4] = BLOCK;
	CHECK_EQ(hv_enter(&f->m, (uint32_t)t, HV_CAUSE_SC1), HV_EXIT_IDLE);
	return p;
}

TEST(rtas_stop_self_halts_only_the_caller)
{
	struct fx f;
	uint32_t p = vcpu1_stops_itself(&f);

	CHECK_EQ(hv_part(&f.m, p)->vcpu[1].state, HV_VCPU_HALTED);
	CHECK_EQ(hv_part(&f.m, p)->vcpu[1].stop_reason, HV_STOP_SELF);
	CHECK_EQ(hv_part(&f.m, p)->vcpu[0].state, HV_VCPU_STOPPED);
	fx_fini(&f);
}

TEST(rtas_start_cpu_starts_a_stopped_vcpu_from_the_boot_state_and_only_that)
{
	static const uint32_t self[1] = { 0 }, one[1] = { 1 }, two[1] = { 2 };
	static const uint32_t start_one[3] = { 1, 0x4000, 0x1234 };
	struct fx f;
	struct hv_regs r;
	uint32_t p = vcpu1_stops_itself(&f), i;

	/* Queried from vCPU 0: itself running (2), vCPU 1 stopped (0), vCPU 2 absent (-3). */
	CHECK_EQ(rtas(&f, p, HV_RTAS_QUERY_CPU_STOPPED_STATE, 1, 2, self), H_SUCCESS);
	CHECK_EQ(ret(&f, p, 1, 0), 0);
	CHECK_EQ(ret(&f, p, 1, 1), 2);
	CHECK_EQ(rtas(&f, p, HV_RTAS_QUERY_CPU_STOPPED_STATE, 1, 2, one), H_SUCCESS);
	CHECK_EQ(ret(&f, p, 1, 0), 0);
	CHECK_EQ(ret(&f, p, 1, 1), 0);
	CHECK_EQ(rtas(&f, p, HV_RTAS_QUERY_CPU_STOPPED_STATE, 1, 2, two), H_SUCCESS);
	CHECK_EQ(ret(&f, p, 1, 0), -3);
	CHECK_EQ(ret(&f, p, 1, 1), 0); /* not written */
	/* Starting one that runs is the caller's error (-1); a wrong arity -3. */
	CHECK_EQ(rtas(&f, p, HV_RTAS_START_CPU, 3, 1, (const uint32_t[3]){ 0, 0x4000, 0 }), H_SUCCESS);
	CHECK_EQ(ret(&f, p, 3, 0), -1);
	CHECK_EQ(rtas(&f, p, HV_RTAS_START_CPU, 2, 1, start_one), H_SUCCESS);
	CHECK_EQ(ret(&f, p, 2, 0), -3);
	CHECK_EQ(hv_part(&f.m, p)->vcpu[1].state, HV_VCPU_HALTED);

	CHECK_EQ(rtas(&f, p, HV_RTAS_START_CPU, 3, 1, start_one), H_SUCCESS);
	CHECK_EQ(ret(&f, p, 3, 0), 0);
	CHECK_EQ(hv_part(&f.m, p)->vcpu[1].state, HV_VCPU_STOPPED);
	CHECK_EQ(hv_part(&f.m, p)->vcpu[1].stop_reason, HV_STOP_NONE);
	/* What it comes back with: the boot state, NIA and r3 as asked; its r20 is gone. */
	CHECK_EQ(hv_vcpu_regs_get(&f.m, p, 1, &r), HV_OK);
	for (i = 0; i < HV_REG_COUNT; i++) {
		uint64_t want = i == HV_REG_NIA ? 0x4000 : i == HV_REG_GPR + 3 ? 0x1234 : i == HV_REG_MSR ? (MSR_SF | MSR_ME) : 0;

		CHECK_EQ(r.r[i], want);
	}
	CHECK(fx_running_thread(&f, p, 1) >= 0);
	fx_fini(&f);
}

TEST(register_proc_tbl_confirms_hash_with_the_slb_and_refuses_the_rest_in_order)
{
	struct fx f;
	uint32_t p;

	fx_init(&f, 0, 0);
	p = fx_partition(&f, 1);
	/* What Linux sends on POWER9 with the hash MMU: keep the mode in force. */
	CHECK_RC(HC(&f, p, H_REGISTER_PROC_TBL, 0, 0, 0, 0), H_SUCCESS);
	CHECK_RC(HC(&f, p, H_REGISTER_PROC_TBL, 0x04, 0, 0, 0), H_PARAMETER);     /* keep radix: not in force */
	CHECK_RC(HC(&f, p, H_REGISTER_PROC_TBL, 0x20, 0, 0, 0), H_PARAMETER);     /* reserved flag */
	CHECK_RC(HC(&f, p, H_REGISTER_PROC_TBL, 0x10, 0, 0, 0), H_SUCCESS);       /* deregister */
	CHECK_RC(HC(&f, p, H_REGISTER_PROC_TBL, 0x18, 0x1000, 0, 12), H_SUCCESS); /* new hash/SLB table */
	CHECK_RC(HC(&f, p, H_REGISTER_PROC_TBL, 0x1C, 0x1000, 0, 12), H_PARAMETER);
	CHECK_RC(HC(&f, p, H_REGISTER_PROC_TBL, 0x1A, 0x1000, 0, 12), H_PARAMETER);
	/* Radix is refused before the table's own checks. */
	CHECK_RC(HC(&f, p, H_REGISTER_PROC_TBL, 0x1C, 1ull << 40, 8, 25), H_PARAMETER);
	CHECK_RC(HC(&f, p, H_REGISTER_PROC_TBL, 0x18, 1ull << 38, 8, 25), H_P2);
	CHECK_RC(HC(&f, p, H_REGISTER_PROC_TBL, 0x18, 0, 8, 25), H_P3);
	CHECK_RC(HC(&f, p, H_REGISTER_PROC_TBL, 0x18, 0, 7, 25), H_P4);
	CHECK_RC(HC(&f, p, H_REGISTER_PROC_TBL, 0x18, 0, 7, 24), H_SUCCESS);
	fx_fini(&f);
}
