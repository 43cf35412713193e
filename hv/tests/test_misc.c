/*
 * The hcall entry (problem state, H_FUNCTION, zeroed outputs), H_RANDOM,
 * H_PAGE_INIT, and the register / hcall / return-code name tables. The
 * console hcalls are test_console.c.
 */
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "testlib.h"

#define VPA_FN(n) ((uint64_t)(n) << H_VPA_FUNC_SHIFT)
#define LMB       (256ull * 1024) /* hv_config_default */
#define PAGE      4096ull
#define LIOBN     0x100
#define SMALL_MEM (16ull << 20)

/* Fills page la of slot with bytes seed, seed+1, ... */
static void fill_page(struct fx *f, uint32_t slot, uint64_t la, uint8_t seed)
{
	hv_raddr_t ra = fx_real(f, slot, la);
	unsigned i;

	plat_mem_dirty(f->plat, ra, PAGE);
	for (i = 0; i < PAGE; i++) {
		f->m.mem[ra.v + i] = (uint8_t)(seed + i);
	}
}

static bool page_is(struct fx *f, uint32_t slot, uint64_t la, uint8_t seed)
{
	hv_raddr_t ra = fx_real(f, slot, la);
	unsigned i;

	for (i = 0; i < PAGE; i++) {
		if (f->m.mem[ra.v + i] != (uint8_t)(seed + i)) {
			return false;
		}
	}
	return true;
}

static bool page_zero(struct fx *f, uint32_t slot, uint64_t la)
{
	return fx_real_is_zero(f, fx_real(f, slot, la), PAGE);
}

/* Everything the core and the platform hold: machine struct, real memory, platform counters. */
struct snap {
	struct hv_machine m;
	uint8_t *mem;
	struct hv_host_stats st;
};

static void snap_take(struct fx *f, struct snap *s)
{
	memcpy(&s->m, &f->m, sizeof(s->m));
	s->mem = malloc(f->m.mem_size);
	memcpy(s->mem, f->m.mem, f->m.mem_size);
	hv_host_plat_stats(f->plat, &s->st);
}

static bool snap_same(struct fx *f, struct snap *s)
{
	struct hv_host_stats st;
	bool same;

	hv_host_plat_stats(f->plat, &st);
	same = memcmp(&s->m, &f->m, sizeof(s->m)) == 0 && memcmp(s->mem, f->m.mem, f->m.mem_size) == 0 &&
	       memcmp(&s->st, &st, sizeof(st)) == 0;
	free(s->mem);
	s->mem = NULL;
	return same;
}

/* Loads r3..r12 of thread t. */
static void load_call(struct fx *f, int t, uint64_t op, const uint64_t a[9])
{
	unsigned i;

	f->m.thread[t].regs.r[HV_REG_GPR + 3] = op;
	for (i = 0; i < 9; i++) {
		f->m.thread[t].regs.r[HV_REG_GPR + 4 + i] = a[i];
	}
}

/*
 * A partition with state every implemented hcall can act on: an HPTE at
 * ptex 0, a DMA window with a TCE, console input, a VPA length, a page of
 * data, a TCE list, and a second vCPU.
 */
static uint32_t rich_partition(struct fx *f)
{
	uint32_t p = fx_partition(f, 2);

	CHECK_EQ(hv_dlpar_cpu_add(&f->m, p, 1), HV_OK);
	CHECK_RC(HC(f, p, H_ENTER, H_EXACT, 0, fx_pteh(0x123, 0x1000), fx_ptel(0x1000)), H_SUCCESS);
	CHECK_EQ(hv_window_assign(&f->m, p, LIOBN, 0, 16), HV_OK);
	CHECK_RC(HC(f, p, H_PUT_TCE, LIOBN, 0, 0x2000 | TCE_RW), H_SUCCESS);
	CHECK_EQ(hv_console_feed(&f->m, p, (const uint8_t *)"abc", 3), 3);
	fx_write64(f, p, 0x3000, 640ull << 16);
	fill_page(f, p, 0x4000, 0x5A);
	fx_write64(f, p, 0x6000, 0x7000 | TCE_RW);
	fx_write64(f, p, 0x6008, 0x8000 | TCE_RW);
	return p;
}

struct opcase {
	uint64_t op;
	uint64_t a[9];
};

/* Every implemented hcall, with arguments it would act on from supervisor state. */
static const struct opcase every_op[] = {
	{ H_REMOVE, { 0, 0, 0 } },
	{ H_ENTER, { 0, 8, 0x0000000000123401ull, 0x9000 | HPTE_R_M | 0x2 } },
	{ H_READ, { 0, 0 } },
	{ H_CLEAR_MOD, { 0, 0 } },
	{ H_CLEAR_REF, { 0, 0 } },
	{ H_PROTECT, { H_PP2, 0, 0 } },
	{ H_GET_TCE, { LIOBN, 0 } },
	{ H_PUT_TCE, { LIOBN, 0x1000, 0xA000 | TCE_RW } },
	{ H_SET_SPRG0, { 0x1234 } },
	{ H_PAGE_INIT, { H_ZERO_PAGE, 0x4000 } },
	{ H_GET_TERM_CHAR, { 0 } },
	{ H_PUT_TERM_CHAR, { 0, 3, 0x6869210000000000ull } },
	{ H_REGISTER_VPA, { VPA_FN(H_VPA_REG_VPA), 0, 0x3000 } },
	{ H_CEDE, { 0 } },
	{ H_CONFER, { ~0ull, 0 } },
	{ H_PROD, { 1 } },
	{ H_BULK_REMOVE, { HBR_REQUEST | HBR_ABSOLUTE | 0, 0, HBR_END } },
	{ H_STUFF_TCE, { LIOBN, 0, 0, 1 } },
	{ H_PUT_TCE_INDIRECT, { LIOBN, 0x2000, 0x6000, 2 } },
	{ H_RANDOM, { 0 } },
	{ H_SET_MODE, { 0, H_SET_MODE_RESOURCE_ADDR_TRANS_MODE, 0, 0 } },
	{ H_GET_CPU_CHARACTERISTICS, { 0 } },
	{ H_CPPR, { 0xFF } },
	{ H_IPI, { 1, 5 } },
	{ H_XIRR, { 0 } },
	{ H_EOI, { 0xFF000002 } },
	{ H_IPOLL, { 1 } },
	{ H_REGISTER_PROC_TBL, { 0 } },
};
#define N_OPS (sizeof(every_op) / sizeof(every_op[0]))

/* ------------------------------------------------------------ hcall entry */

TEST(every_implemented_opcode_is_listed)
{
	uint64_t op;
	unsigned n = 0, i;

	for (op = 0; op <= H_MAX_OPCODE; op += 4) {
		bool listed = false;

		if (!hv_hcall_name(op)) {
			continue;
		}
		n++;
		for (i = 0; i < N_OPS; i++) {
			listed |= every_op[i].op == op;
		}
		CHECK(listed);
	}
	CHECK_EQ(n, N_OPS);
}

/* What every sc 1 does besides the call: SRR0/SRR1 hold the resume address and MSR, r3..r12 and SRR0/1 changed. */
static void expect_sc1_effects(struct hv_thread *t)
{
	t->regs.r[HV_REG_SRR0] = t->regs.r[HV_REG_NIA];
	t->regs.r[HV_REG_SRR1] = t->regs.r[HV_REG_MSR];
	t->changed = HV_CHANGED_R3_R12 | HV_CHANGED_SRR;
}

TEST(privilege_every_opcode_changes_nothing)
{
	unsigned k, i;

	for (k = 0; k < N_OPS; k++) {
		struct fx f;
		struct snap s;
		uint64_t a[9];
		uint32_t p;
		int t;

		fx_init(&f, 0, SMALL_MEM);
		p = rich_partition(&f);
		t = fx_running_thread(&f, p, 0);
		CHECK(t >= 0);
		memcpy(a, every_op[k].a, sizeof(a));
		for (i = 0; i < 9; i++) {
			if (!a[i] && i >= 4) {
				a[i] = 0x5100000000000000ull | (k << 8) | i; /* junk that must stay */
			}
		}
		f.m.thread[t].regs.r[HV_REG_MSR] |= MSR_PR;
		load_call(&f, t, every_op[k].op, a);
		snap_take(&f, &s);
		s.m.thread[t].regs.r[HV_REG_GPR + 3] = (uint64_t)H_PRIVILEGE;
		expect_sc1_effects(&s.m.thread[t]);
		CHECK_EQ(hv_enter(&f.m, (uint32_t)t, HV_CAUSE_SC1), HV_EXIT_RESUME);
		CHECK_RC(f.m.thread[t].regs.r[HV_REG_GPR + 3], H_PRIVILEGE);
		for (i = 0; i < 9; i++) {
			CHECK_EQ(f.m.thread[t].regs.r[HV_REG_GPR + 4 + i], a[i]);
		}
		if (!snap_same(&f, &s)) {
			fprintf(stderr, "problem-state %s changed state\n", hv_hcall_name(every_op[k].op));
			CHECK(0);
		}
		/* The same call from supervisor state does go through. */
		f.m.thread[t].regs.r[HV_REG_MSR] &= ~MSR_PR;
		CHECK_RC(fx_hcall(&f, p, 0, every_op[k].op, a), H_SUCCESS);
		fx_fini(&f);
	}
}

TEST(privilege_enter_does_not_insert)
{
	struct fx f;
	uint32_t p;
	int t;

	fx_init(&f, 0, 0);
	p = fx_partition(&f, 1);
	t = fx_running_thread(&f, p, 0);
	f.m.thread[t].regs.r[HV_REG_MSR] |= MSR_PR;
	CHECK_RC(HC(&f, p, H_ENTER, H_EXACT, 16, fx_pteh(0x42, 0x3000), fx_ptel(0x3000)), H_PRIVILEGE);
	CHECK_EQ(f.out[0], H_EXACT);
	CHECK_EQ(f.out[1], 16);
	CHECK_EQ(f.out[2], fx_pteh(0x42, 0x3000));
	CHECK_EQ(f.out[3], fx_ptel(0x3000));
	CHECK_EQ(hv_part(&f.m, p)->meta[16].gdw0, 0);
	/* Problem state stops even calls that do not exist. */
	CHECK_RC(HC(&f, p, 0x28, 1, 2), H_PRIVILEGE);
	CHECK_EQ(f.out[0], 1);
	CHECK_RC(HC(&f, p, H_CEDE, 0), H_PRIVILEGE);
	CHECK_EQ(hv_part(&f.m, p)->vcpu[0].state, HV_VCPU_RUNNING);
	CHECK_EQ(f.m.thread[t].regs.r[HV_REG_MSR] & MSR_EE, 0);
	f.m.thread[t].regs.r[HV_REG_MSR] &= ~MSR_PR;
	CHECK_RC(HC(&f, p, H_READ, 0, 16), H_SUCCESS);
	CHECK_EQ(f.out[0], 0);
	CHECK_EQ(f.out[1], 0);
	CHECK_RC(HC(&f, p, H_ENTER, H_EXACT, 16, fx_pteh(0x42, 0x3000), fx_ptel(0x3000)), H_SUCCESS);
	CHECK_EQ(f.out[0], 16);
	fx_fini(&f);
}

static void check_function(uint64_t op)
{
	struct fx f;
	struct snap s;
	uint32_t p;
	int t;
	unsigned i;
	uint64_t a[9];

	fx_init(&f, 0, SMALL_MEM);
	p = fx_partition(&f, 1);
	t = fx_running_thread(&f, p, 0);
	for (i = 0; i < 9; i++) {
		a[i] = 0xEE00000000000000ull | i;
	}
	load_call(&f, t, op, a);
	snap_take(&f, &s);
	CHECK_EQ(hv_enter(&f.m, (uint32_t)t, HV_CAUSE_SC1), HV_EXIT_RESUME);
	CHECK_RC(f.m.thread[t].regs.r[HV_REG_GPR + 3], H_FUNCTION);
	for (i = 0; i < 9; i++) {
		CHECK_EQ(f.m.thread[t].regs.r[HV_REG_GPR + 4 + i], 0);
	}
	/* Nothing else changed: restore the expected registers and compare everything. */
	s.m.thread[t].regs.r[HV_REG_GPR + 3] = (uint64_t)H_FUNCTION;
	for (i = 0; i < 9; i++) {
		s.m.thread[t].regs.r[HV_REG_GPR + 4 + i] = 0;
	}
	expect_sc1_effects(&s.m.thread[t]);
	CHECK(snap_same(&f, &s));
	fx_fini(&f);
}

TEST(function_misaligned_opcode)
{
	check_function(0x09);
	check_function(0x01);
	check_function(0x0A);
	check_function(0xDF);
	check_function(H_MAX_OPCODE - 1);
}

TEST(function_opcode_too_large)
{
	check_function(0x460);
	check_function(H_MAX_OPCODE + 4);
	check_function(1ull << 63);
	check_function(0xF004); /* past H_RTAS (0xF000), the one call served above the table */
	check_function(~3ull);
	check_function(~0ull);
}

TEST(function_unimplemented_opcode)
{
	check_function(0x28);  /* H_SET_DABR */
	check_function(0x00);
	check_function(0x134); /* H_SET_XDABR */
	check_function(0x2FC); /* H_XIRR_X: its timebase output is nothing a model could predict */
	check_function(0x78);  /* H_MIGRATE_DMA, between the XICS calls and H_REGISTER_VPA */
	check_function(H_MAX_OPCODE);
}

TEST(undefined_outputs_are_zero)
{
	struct fx f;
	uint32_t p;

#define JUNK 0x1111, 0x2222, 0x3333, 0x4444, 0x5555, 0x6666, 0x7777, 0x8888
#define JUNK7 0x1111, 0x2222, 0x3333, 0x4444, 0x5555, 0x6666, 0x7777
	fx_init(&f, 0, 0);
	p = fx_partition(&f, 1);
	CHECK_RC(HC(&f, p, H_PROD, 0, JUNK), H_SUCCESS);
	CHECK(fx_outs_zero(&f));
	CHECK_RC(HC(&f, p, H_SET_SPRG0, 7, JUNK), H_SUCCESS);
	CHECK(fx_outs_zero(&f));
	CHECK_RC(HC(&f, p, H_PUT_TERM_CHAR, 0, 0, JUNK7), H_SUCCESS);
	CHECK(fx_outs_zero(&f));
	CHECK_RC(HC(&f, p, H_PAGE_INIT, 0, 0x1000, JUNK7), H_SUCCESS);
	CHECK(fx_outs_zero(&f));
	CHECK_RC(HC(&f, p, H_PAGE_INIT, H_EXACT, 0x1000, JUNK7), H_PARAMETER);
	CHECK(fx_outs_zero(&f));
	CHECK_RC(HC(&f, p, H_REGISTER_VPA, VPA_FN(6), 0, JUNK7), H_SUCCESS);
	CHECK(fx_outs_zero(&f));
	CHECK_RC(HC(&f, p, H_PUT_TERM_CHAR, 7, 0, JUNK7), H_PARAMETER);
	CHECK(fx_outs_zero(&f));
	CHECK_RC(HC(&f, p, H_GET_TERM_CHAR, 0, JUNK), H_SUCCESS);
	CHECK(fx_outs_zero(&f));
	CHECK_RC(HC(&f, p, H_RANDOM, JUNK, 0x9999), H_SUCCESS);
	CHECK(f.out[0] != 0);
	CHECK_EQ(f.out[1], 0);
	CHECK_EQ(f.out[8], 0);
#undef JUNK
#undef JUNK7
	fx_fini(&f);
}

/* ----------------------------------------------------------------- random */

static uint64_t xorshift_next(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545F4914F6CDD1Dull;
}

TEST(random_success)
{
	struct fx f;
	struct hv_host_stats st;
	uint64_t state = HV_HOST_DEFAULT_SEED, a, b;
	uint32_t p;

	fx_init(&f, 0, 0);
	p = fx_partition(&f, 1);
	CHECK_RC(HC(&f, p, H_RANDOM, 0xAAAA, 0xBBBB, 0xCCCC), H_SUCCESS);
	a = f.out[0];
	CHECK_EQ(a, xorshift_next(&state));
	CHECK_EQ(f.out[1], 0);
	CHECK_EQ(f.out[2], 0);
	CHECK_RC(HC(&f, p, H_RANDOM, 0), H_SUCCESS);
	b = f.out[0];
	CHECK_EQ(b, xorshift_next(&state));
	CHECK(a != b);
	hv_host_plat_stats(f.plat, &st);
	CHECK_EQ(st.random_calls, 2);
	/* Seeding the platform changes the stream. */
	hv_host_plat_seed(f.plat, 0x1234);
	state = 0x1234;
	CHECK_RC(HC(&f, p, H_RANDOM, 0), H_SUCCESS);
	CHECK_EQ(f.out[0], xorshift_next(&state));
	fx_fini(&f);
}

TEST(random_no_entropy_is_hardware_error)
{
	struct fx f;
	uint32_t p;

	fx_init(&f, 0, 0);
	p = fx_partition(&f, 1);
	hv_host_plat_set_rng_fail(f.plat, true);
	CHECK_RC(HC(&f, p, H_RANDOM, 0xDEADBEEFDEADBEEFull, 1, 2, 3, 4, 5, 6, 7, 8), H_HARDWARE);
	CHECK(fx_outs_zero(&f));
	CHECK_RC(HC(&f, p, H_RANDOM, 0), H_HARDWARE);
	CHECK(fx_outs_zero(&f));
	hv_host_plat_set_rng_fail(f.plat, false);
	CHECK_RC(HC(&f, p, H_RANDOM, 0), H_SUCCESS);
	CHECK(f.out[0] != 0);
	fx_fini(&f);
}

/* -------------------------------------------------------------- page init */

TEST(page_init_zero)
{
	struct fx f;
	uint32_t p;

	fx_init(&f, 0, 0);
	p = fx_partition(&f, 1);
	fill_page(&f, p, 0x2000, 1);
	fill_page(&f, p, 0x3000, 2);
	fill_page(&f, p, 0x4000, 3);
	CHECK_RC(HC(&f, p, H_PAGE_INIT, H_ZERO_PAGE, 0x3000, 0x777), H_SUCCESS);
	CHECK(fx_outs_zero(&f));
	CHECK(page_zero(&f, p, 0x3000));
	CHECK(page_is(&f, p, 0x2000, 1));
	CHECK(page_is(&f, p, 0x4000, 3));
	/* The last page of the partition's memory. */
	fill_page(&f, p, LMB - PAGE, 4);
	CHECK_RC(HC(&f, p, H_PAGE_INIT, H_ZERO_PAGE, LMB - PAGE), H_SUCCESS);
	CHECK(page_zero(&f, p, LMB - PAGE));
	fx_fini(&f);
}

TEST(page_init_copy)
{
	struct fx f;
	uint32_t p;

	fx_init(&f, 0, 0);
	p = fx_partition(&f, 2);
	fill_page(&f, p, 0x5000, 0x10);
	fill_page(&f, p, 0x7000, 0x99);
	fill_page(&f, p, 0x8000, 0x42);
	CHECK_RC(HC(&f, p, H_PAGE_INIT, H_COPY_PAGE, 0x7000, 0x5000), H_SUCCESS);
	CHECK(fx_outs_zero(&f));
	CHECK(page_is(&f, p, 0x7000, 0x10));
	CHECK(page_is(&f, p, 0x5000, 0x10));
	CHECK(page_is(&f, p, 0x8000, 0x42));
	/* Copy wins over zero; across LMBs; onto itself. */
	CHECK_RC(HC(&f, p, H_PAGE_INIT, H_COPY_PAGE | H_ZERO_PAGE, LMB + 0x1000, 0x8000), H_SUCCESS);
	CHECK(page_is(&f, p, LMB + 0x1000, 0x42));
	CHECK_RC(HC(&f, p, H_PAGE_INIT, H_COPY_PAGE, 0x8000, 0x8000), H_SUCCESS);
	CHECK(page_is(&f, p, 0x8000, 0x42));
	CHECK_RC(HC(&f, p, H_PAGE_INIT, H_COPY_PAGE | H_ICACHE_SYNCHRONIZE, 0x9000, 0x5000), H_SUCCESS);
	CHECK(page_is(&f, p, 0x9000, 0x10));
	fx_fini(&f);
}

TEST(page_init_foreign_pages)
{
	struct fx f;
	uint32_t p, q;
	hv_raddr_t qra;

	fx_init(&f, 0, 0);
	p = fx_partition(&f, 1);
	q = fx_partition(&f, 2);
	fill_page(&f, p, 0x3000, 7);
	fill_page(&f, q, LMB + 0x1000, 0x33);
	qra = fx_real(&f, q, LMB + 0x1000);
	/* q's logical memory is not p's. */
	CHECK_RC(HC(&f, p, H_PAGE_INIT, H_COPY_PAGE, 0x3000, LMB + 0x1000), H_PARAMETER);
	CHECK(page_is(&f, p, 0x3000, 7));
	/* q's real page, named as if logical. */
	CHECK_RC(HC(&f, p, H_PAGE_INIT, H_COPY_PAGE, 0x3000, qra.v), H_PARAMETER);
	CHECK(page_is(&f, p, 0x3000, 7));
	/* Hypervisor memory (p's own save area) as the source. */
	CHECK_RC(HC(&f, p, H_PAGE_INIT, H_COPY_PAGE, 0x3000, hv_part(&f.m, p)->vcpu[0].save.v & ~(PAGE - 1)),
		 H_PARAMETER);
	CHECK(page_is(&f, p, 0x3000, 7));
	/* Foreign destinations. */
	CHECK_RC(HC(&f, p, H_PAGE_INIT, H_ZERO_PAGE, LMB + 0x1000), H_PARAMETER);
	CHECK_RC(HC(&f, p, H_PAGE_INIT, H_ZERO_PAGE, qra.v), H_PARAMETER);
	CHECK_RC(HC(&f, p, H_PAGE_INIT, H_COPY_PAGE, qra.v, 0x3000), H_PARAMETER);
	CHECK_RC(HC(&f, p, H_PAGE_INIT, H_ZERO_PAGE, 0), H_SUCCESS);
	CHECK_RC(HC(&f, p, H_PAGE_INIT, H_ZERO_PAGE, LMB), H_PARAMETER);
	CHECK_RC(HC(&f, p, H_PAGE_INIT, H_ZERO_PAGE, 0ull - PAGE), H_PARAMETER);
	CHECK_RC(HC(&f, p, H_PAGE_INIT, H_COPY_PAGE, 0x3000, 0ull - PAGE), H_PARAMETER);
	CHECK(page_is(&f, q, LMB + 0x1000, 0x33));
	CHECK(page_is(&f, p, 0x3000, 7));
	CHECK(fx_outs_zero(&f));
	fx_fini(&f);
}

TEST(page_init_misaligned)
{
	struct fx f;
	uint32_t p;

	fx_init(&f, 0, 0);
	p = fx_partition(&f, 1);
	fill_page(&f, p, 0x3000, 9);
	fill_page(&f, p, 0x5000, 0x50);
	CHECK_RC(HC(&f, p, H_PAGE_INIT, H_ZERO_PAGE, 0x3008), H_PARAMETER);
	CHECK_RC(HC(&f, p, H_PAGE_INIT, H_ZERO_PAGE, 0x3800), H_PARAMETER);
	CHECK_RC(HC(&f, p, H_PAGE_INIT, H_ZERO_PAGE, 0x3001), H_PARAMETER);
	CHECK_RC(HC(&f, p, H_PAGE_INIT, H_COPY_PAGE, 0x3000, 0x5004), H_PARAMETER);
	CHECK_RC(HC(&f, p, H_PAGE_INIT, H_COPY_PAGE, 0x3000, 0x5800), H_PARAMETER);
	CHECK_RC(HC(&f, p, H_PAGE_INIT, H_COPY_PAGE, 0x3010, 0x5000), H_PARAMETER);
	CHECK(page_is(&f, p, 0x3000, 9));
	CHECK(page_is(&f, p, 0x5000, 0x50));
	/* Without H_COPY_PAGE the source is not looked at. */
	CHECK_RC(HC(&f, p, H_PAGE_INIT, H_ZERO_PAGE, 0x3000, 0x5004), H_SUCCESS);
	CHECK(page_zero(&f, p, 0x3000));
	fx_fini(&f);
}

TEST(page_init_bad_flags)
{
	static const uint64_t bad[] = {
		H_EXACT, H_AVPN, H_ANDCOND, H_LOCAL, H_COALESCE_CAND, H_N, H_PP1, H_PP2, H_LARGE_PAGE,
		H_R_XLATE, H_READ_4, 1ull << 63, 1ull << 0, HV_PPC_BIT(47), HV_PPC_BIT(50), HV_PPC_BIT(27),
		HV_PPC_BIT(32),
	};
	struct fx f;
	uint32_t p;
	unsigned i;

	fx_init(&f, 0, 0);
	p = fx_partition(&f, 1);
	fill_page(&f, p, 0x3000, 5);
	fill_page(&f, p, 0x5000, 6);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK_RC(HC(&f, p, H_PAGE_INIT, H_ZERO_PAGE | bad[i], 0x3000), H_PARAMETER);
		CHECK_RC(HC(&f, p, H_PAGE_INIT, H_COPY_PAGE | bad[i], 0x3000, 0x5000), H_PARAMETER);
		CHECK(fx_outs_zero(&f));
	}
	CHECK(page_is(&f, p, 0x3000, 5));
	fx_fini(&f);
}

TEST(page_init_cmo_and_icache_flags)
{
	static const uint64_t ok[] = {
		0, H_ICACHE_INVALIDATE, H_ICACHE_SYNCHRONIZE, H_ICACHE_INVALIDATE | H_ICACHE_SYNCHRONIZE,
		H_PAGE_SET_UNUSED, H_PAGE_SET_LOANED, H_PAGE_SET_ACTIVE,
	};
	struct fx f;
	uint32_t p;
	unsigned i;

	fx_init(&f, 0, 0);
	p = fx_partition(&f, 1);
	fill_page(&f, p, 0x3000, 8);
	/* Accepted and no effect on the page (hints, cache maintenance). */
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		CHECK_RC(HC(&f, p, H_PAGE_INIT, ok[i], 0x3000), H_SUCCESS);
		CHECK(page_is(&f, p, 0x3000, 8));
	}
	/* Together with H_ZERO_PAGE they zero. */
	CHECK_RC(HC(&f, p, H_PAGE_INIT, H_ZERO_PAGE | H_PAGE_SET_LOANED | H_ICACHE_INVALIDATE, 0x3000), H_SUCCESS);
	CHECK(page_zero(&f, p, 0x3000));
	/* A hint about a page the partition does not own is still refused. */
	CHECK_RC(HC(&f, p, H_PAGE_INIT, H_PAGE_SET_UNUSED, LMB), H_PARAMETER);
	fx_fini(&f);
}

/* ----------------------------------------------------------------- names */

TEST(reg_name_lookup_round_trip)
{
	char a[32], b[32];
	unsigned i, j;

	for (i = 0; i < HV_REG_COUNT; i++) {
		memset(a, 0x7F, sizeof(a));
		CHECK(hv_reg_name(i, a) == a);
		CHECK(strlen(a) > 0);
		CHECK(strlen(a) < 16);
		CHECK_EQ(hv_reg_lookup(a), i);
	}
	/* Names are unique. */
	for (i = 0; i < HV_REG_COUNT; i++) {
		hv_reg_name(i, a);
		for (j = i + 1; j < HV_REG_COUNT; j++) {
			CHECK(strcmp(a, hv_reg_name(j, b)) != 0);
		}
	}
	CHECK_EQ(strlen(hv_reg_name(HV_REG_COUNT, a)), 0);
}

TEST(reg_name_examples)
{
	char b[32];

	CHECK(strcmp(hv_reg_name(HV_REG_GPR, b), "r0") == 0);
	CHECK(strcmp(hv_reg_name(HV_REG_GPR + 12, b), "r12") == 0);
	CHECK(strcmp(hv_reg_name(HV_REG_GPR_LAST, b), "r31") == 0);
	CHECK(strcmp(hv_reg_name(HV_REG_MSR, b), "msr") == 0);
	CHECK(strcmp(hv_reg_name(HV_REG_CR, b), "cr") == 0);
	CHECK(strcmp(hv_reg_name(HV_REG_SRR1, b), "srr1") == 0);
	CHECK(strcmp(hv_reg_name(HV_REG_SPRG + 3, b), "sprg3") == 0);
	CHECK(strcmp(hv_reg_name(HV_REG_FPR + 31, b), "f31") == 0);
	CHECK(strcmp(hv_reg_name(HV_REG_VR, b), "vr0h") == 0);
	CHECK(strcmp(hv_reg_name(HV_REG_VR + 7, b), "vr3l") == 0);
	CHECK(strcmp(hv_reg_name(HV_REG_VR_LAST, b), "vr31l") == 0);
	CHECK(strcmp(hv_reg_name(HV_REG_VSRL + 5, b), "vsrl5") == 0);
	CHECK(strcmp(hv_reg_name(HV_REG_DAWRX + 1, b), "dawrx1") == 0);
	CHECK(strcmp(hv_reg_name(HV_REG_SLBV_LAST, b), "slbv31") == 0);
	CHECK(strcmp(hv_reg_name(HV_REG_HASHPKEYR, b), "hashpkeyr") == 0);
	CHECK_EQ(hv_reg_lookup("msr"), HV_REG_MSR);
	CHECK_EQ(hv_reg_lookup("sprg0"), HV_REG_SPRG);
	CHECK_EQ(hv_reg_lookup("slbe0"), HV_REG_SLBE);
	CHECK_EQ(hv_reg_lookup("r32"), (uint64_t)-1);
	CHECK_EQ(hv_reg_lookup("vr3"), (uint64_t)-1);
	CHECK_EQ(hv_reg_lookup("sprg"), (uint64_t)-1);
	CHECK_EQ(hv_reg_lookup("MSR"), (uint64_t)-1);
	CHECK_EQ(hv_reg_lookup(""), (uint64_t)-1);
	CHECK_EQ(hv_reg_lookup("r1 "), (uint64_t)-1);
}

TEST(hcall_and_rc_names)
{
	CHECK(strcmp(hv_hcall_name(H_ENTER), "H_ENTER") == 0);
	CHECK(strcmp(hv_hcall_name(H_REGISTER_VPA), "H_REGISTER_VPA") == 0);
	CHECK(strcmp(hv_hcall_name(H_RANDOM), "H_RANDOM") == 0);
	CHECK(hv_hcall_name(0x28) == NULL);
	CHECK(hv_hcall_name(0x09) == NULL);
	CHECK(hv_hcall_name(0x460) == NULL);
	CHECK(hv_hcall_name(1ull << 63) == NULL);
	CHECK(hv_hcall_name(0) == NULL);
	CHECK(strcmp(hv_rc_name(H_SUCCESS), "H_SUCCESS") == 0);
	CHECK(strcmp(hv_rc_name(H_PRIVILEGE), "H_PRIVILEGE") == 0);
	CHECK(strcmp(hv_rc_name(H_FUNCTION), "H_FUNCTION") == 0);
	CHECK(strcmp(hv_rc_name(H_HARDWARE), "H_HARDWARE") == 0);
	CHECK(strcmp(hv_rc_name(H_RESOURCE), "H_RESOURCE") == 0);
	CHECK(hv_rc_name(H_TOO_HARD) == NULL);
	CHECK(hv_rc_name(12345) == NULL);
}
