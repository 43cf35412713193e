/*
 * The executor end to end on the real core: selectors resolve to what they
 * promise, partition loads/stores go through the HPT, runs are
 * deterministic, random programs run clean, and every oracle bites when
 * the test backdoor corrupts the state it guards (exactly that invariant).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hv/host.h"
#include "hv/papr.h"
#include "hv/regs.h"
#include "lparsec/exec.h"
#include "lparsec/host_hooks.h"
#include "lparsec/inv.h"
#include "exec_helpers.h"
#include "testlib.h"


static void prog_init(struct lp_prog *p, unsigned nparts)
{
	unsigned i;

	memset(p, 0, sizeof(*p));
	p->cfg.nparts = (uint8_t)nparts;
	p->cfg.threads = 2;
	for (i = 0; i < LP_MAX_PARTS; i++) {
		p->cfg.lmbs[i] = 2;
		p->cfg.vcpus[i] = 2;
		p->cfg.windows[i] = 1;
		p->cfg.shared[i] = true;
	}
	lp_config_normalize(&p->cfg); /* version 1 */
}

static struct lp_op *add_op(struct lp_prog *p, unsigned kind, unsigned part, unsigned vcpu)
{
	struct lp_op *o = &p->op[p->nops++];

	o->kind = (uint8_t)kind;
	o->part = (uint8_t)part;
	o->vcpu = (uint8_t)vcpu;
	return o;
}

static struct lp_op *hcall(struct lp_prog *p, unsigned part, uint64_t opcode)
{
	struct lp_op *o = add_op(p, LP_OP_HCALL, part, 0);

	o->opcode = opcode;
	return o;
}

static void arg(struct lp_op *o, unsigned sel, uint64_t val)
{
	o->arg[o->nargs].sel = (uint8_t)sel;
	o->arg[o->nargs].val = val;
	o->nargs++;
}

/* H_ENTER of the actor's first page at the hash group of selector value v, then nothing else. */
static void enter_page(struct lp_prog *p, unsigned part, uint64_t v, unsigned pp)
{
	struct lp_op *o = hcall(p, part, H_ENTER);

	arg(o, LP_SEL_LIT, 0);
	arg(o, LP_SEL_HASH, v);
	arg(o, LP_SEL_PTEH, v);
	arg(o, LP_SEL_PTEL, pp); /* first owned LMB, page 0 */
}

TEST(selectors_enter_load_store_and_read_back)
{
	struct lp_prog p;
	struct lp_op *o;

	prog_init(&p, 2);
	enter_page(&p, 0, 0x00020005, 2);
	o = add_op(&p, LP_OP_STORE, 0, 0);
	o->nargs = 1;
	o->arg[0].sel = LP_SEL_EA;
	o->arg[0].val = 0x00020005;
	o->value = 0x1122334455667788ull;
	o = add_op(&p, LP_OP_LOAD, 0, 0);
	o->nargs = 1;
	o->arg[0].sel = LP_SEL_EA;
	o->arg[0].val = 0x00020005;
	o = hcall(&p, 0, H_READ);
	arg(o, LP_SEL_LIT, 0);
	arg(o, LP_SEL_PTEX, 0);
	CHECK_EQ(run(&p, false), LP_INV_NONE);
	CHECK_EQ(X->res[0].rc, H_SUCCESS);
	CHECK_EQ(X->res[0].out[0], X->res[0].arg[1]);
	CHECK_EQ(X->res[0].arg[1], ((0x1002ull ^ 5) & 2047) * 8); /* VSID 0x1002, page 5 */
	CHECK_EQ(X->res[1].status, LP_RAN);
	CHECK_EQ(X->res[2].status, LP_RAN);
	CHECK_EQ(X->res[2].out[0], 0x1122334455667788ull);
	/* The MMU set R and C; H_READ shows them with the logical page. */
	CHECK_EQ(X->res[3].rc, H_SUCCESS);
	CHECK_EQ(X->res[3].out[1], 0x10 | 2 | HPTE_R_R | HPTE_R_C);
}

TEST(load_without_translation_faults_and_read_only_store_faults)
{
	struct lp_prog p;
	struct lp_op *o;

	prog_init(&p, 1);
	o = add_op(&p, LP_OP_LOAD, 0, 0);
	o->nargs = 1;
	o->arg[0].sel = LP_SEL_EA;
	o->arg[0].val = 0x7;
	enter_page(&p, 0, 0x7, 3); /* PP=011: read-only */
	o = add_op(&p, LP_OP_STORE, 0, 0);
	o->nargs = 1;
	o->arg[0].sel = LP_SEL_EA;
	o->arg[0].val = 0x7;
	o = add_op(&p, LP_OP_LOAD, 0, 0);
	o->nargs = 1;
	o->arg[0].sel = LP_SEL_EA;
	o->arg[0].val = 0x7;
	CHECK_EQ(run(&p, false), LP_INV_NONE);
	CHECK_EQ(X->res[0].status, LP_FAULT);
	CHECK_EQ(X->res[2].status, LP_FAULT);
	CHECK_EQ(X->res[3].status, LP_RAN);
}

TEST(hostile_selectors_are_refused_and_clean)
{
	struct lp_prog p;
	struct lp_op *o;

	prog_init(&p, 2);
	/* p1 maps p0's real page (a leaked address) and reads PTEX 2^63. */
	o = hcall(&p, 1, H_ENTER);
	arg(o, LP_SEL_LIT, 0);
	arg(o, LP_SEL_LIT, 0);
	arg(o, LP_SEL_PTEH, 1);
	arg(o, LP_SEL_OTHER, 0);
	o = hcall(&p, 1, H_READ);
	arg(o, LP_SEL_LIT, 0);
	arg(o, LP_SEL_EDGE, LP_EDGE_2_63);
	/* p1 uses p0's LIOBN. */
	o = hcall(&p, 1, H_PUT_TCE);
	arg(o, LP_SEL_LIOBN, 2 * 3); /* (v >> 1) + actor = 3 + 1 -> partition 0 of 2 */
	arg(o, LP_SEL_IOBA, 0);
	arg(o, LP_SEL_TCE, 3);
	CHECK_EQ(run(&p, false), LP_INV_NONE);
	CHECK_EQ(X->res[0].rc, H_PARAMETER);
	CHECK_EQ(X->res[1].rc, H_PARAMETER);
	CHECK_EQ(X->res[2].arg[0], lp_liobn(0, 0));
	CHECK_EQ(X->res[2].rc, H_PARAMETER);
}

TEST(management_ops_and_migration_run_clean)
{
	struct lp_prog p;
	struct lp_op *o;

	prog_init(&p, 2);
	enter_page(&p, 0, 0x30001, 2);
	o = hcall(&p, 0, H_PUT_TCE);
	arg(o, LP_SEL_LIOBN, 0);
	arg(o, LP_SEL_IOBA, 1);
	arg(o, LP_SEL_TCE, 3);
	add_op(&p, LP_OP_RELOCATE, 0, 0)->a = 0;
	add_op(&p, LP_OP_MIGRATE, 0, 0);
	o = hcall(&p, 0, H_READ);
	arg(o, LP_SEL_LIT, 0);
	arg(o, LP_SEL_PTEX, 0);
	add_op(&p, LP_OP_MEM_REMOVE, 0, 0)->a = 0;
	add_op(&p, LP_OP_MEM_ADD, 1, 0)->a = 5;
	add_op(&p, LP_OP_CPU_REMOVE, 1, 1);
	add_op(&p, LP_OP_CPU_ADD, 1, 1);
	add_op(&p, LP_OP_DISPATCH, 1, 1)->a = 1;
	add_op(&p, LP_OP_PREEMPT, 1, 0)->a = 1;
	CHECK_EQ(run(&p, false), LP_INV_NONE);
	CHECK_EQ(X->res[2].rc, HV_OK);
	CHECK_EQ(X->res[3].rc, HV_OK);
	CHECK_EQ(X->loc[0].machine, 1);
	CHECK_EQ(X->res[4].rc, H_SUCCESS);
	CHECK_EQ(X->res[4].out[0], X->res[0].arg[2]);
	CHECK_EQ(X->res[5].rc, HV_OK);
	CHECK_EQ(X->res[10].rc, HV_OK);
}

/*
 * The oracles' counts (struct lp_inv_counts): a removal, relocation and
 * migration of mapped memory count as rich for I4 / I11, a dispatch of a
 * vCPU that left a thread before onto a thread holding other values as rich
 * for I5, removing an LMB a TCE points into as rich for I4; removing an LMB
 * nothing used does not, nor dispatching a vCPU again where it runs; a new
 * run starts from zero.
 */
TEST(oracle_counts_say_which_checks_saw_a_state_where_the_bug_could_live)
{
	const struct lp_inv_counts *n;

	CHECK_EQ(run_text("lparsec program v2\n"
			  "config parts=1 threads=2\n"
			  "part p0 lmbs=3 vcpus=2 windows=0 shared\n"
			  "p0.v0 H_ENTER flags=0x0 ptex=0x0 pteh=0x4001 ptel=0x1192\n"
			  "p0 relocate lmb=0\n"
			  "p0 mem_remove lmb=2\n"
			  "p0 migrate\n"
			  "p0.v1 dispatch thread=1\n"
			  "p0 preempt thread=1\n"
			  "p0.v1 dispatch thread=1\n"
			  "p0.v1 dispatch thread=1\n",
			  false),
		 LP_INV_NONE);
	n = &X->inv.counts; /* the runner's state exists once a program ran */
	CHECK_EQ(n->checks[LP_INV_I11], 2);
	CHECK_EQ(n->rich[LP_INV_I11], 2); /* logical LMB 0 holds the page H_ENTER mapped */
	CHECK_EQ(n->checks[LP_INV_I4], 1);
	CHECK_EQ(n->rich[LP_INV_I4], 0);  /* LMB 2: nothing mapped, registered or written */
	CHECK_EQ(n->checks[LP_INV_I5], 3);
	/* The second dispatch has what the vCPU left with to restore onto a thread the preemption
	 * cleared; the third finds the thread holding it already: a forgotten register cannot show. */
	CHECK_EQ(n->rich[LP_INV_I5], 1);
	CHECK(n->checks[LP_INV_I9] >= 4);
	CHECK_EQ(run_text("lparsec program v2\nconfig parts=1 threads=1\npart p0 lmbs=1 vcpus=1 windows=0 shared\n",
			  false),
		 LP_INV_NONE);
	CHECK_EQ(n->checks[LP_INV_I11] + n->checks[LP_INV_I4] + n->checks[LP_INV_I5] + n->checks[LP_INV_I9], 0);
	/* Removing an LMB that only a TCE points into (no HPTE, nothing written) is I4's rich state too. */
	CHECK_EQ(run_text("lparsec program v2\nconfig parts=1 threads=1\npart p0 lmbs=3 vcpus=1 windows=1 shared\n"
			  "p0.v0 H_PUT_TCE liobn=liobn(0x0) ioba=ioba(0x5) tce=0x80003\n"
			  "p0 mem_remove lmb=2\n",
			  false),
		 LP_INV_NONE);
	CHECK_EQ(X->res[1].rc, HV_OK);
	CHECK_EQ(n->checks[LP_INV_I4], 1);
	CHECK_EQ(n->rich[LP_INV_I4], 1);
}

/*
 * The model oracles count every hcall they judge: I7 rich for the two that
 * fail (a bad real page number, another partition's real address), I8 rich
 * for the one naming another partition's memory, I6 rich for the calls whose
 * outputs the model predicts on success; the scans count the valid HPTEs (I1:
 * none of a large page) and the TCEs (I3: rich while one grants DMA, not for
 * the one cleared).
 */
TEST(model_and_scan_oracles_count_their_looks)
{
	const struct lp_inv_counts *n;

	CHECK_EQ(run_text("lparsec program v2\n"
			  "config parts=2 threads=1\n"
			  "part p0 lmbs=1 vcpus=1 windows=1 shared\n"
			  "part p1 lmbs=1 vcpus=1 windows=0 shared\n"
			  "p0.v0 H_ENTER flags=0x0 ptex=0x0 pteh=0x4001 ptel=0x1192\n"
			  "p0.v0 H_ENTER flags=0x0 ptex=0x8 pteh=0x4001 ptel=0x7ffffffffff000\n"
			  "p0.v0 H_ENTER flags=0x0 ptex=hash(0x10001) pteh=pteh(0x10001) ptel=other(0x0)\n"
			  "p0.v0 H_PUT_TCE liobn=liobn(0x0) ioba=ioba(0x5) tce=tce(0x503)\n"
			  "p0.v0 H_GET_TCE liobn=liobn(0x0) ioba=ioba(0x5)\n"
			  "p0.v0 H_PUT_TCE liobn=liobn(0x0) ioba=ioba(0x6) tce=0x0\n",
			  false),
		 LP_INV_NONE);
	n = &X->inv.counts;
	CHECK_EQ(n->checks[LP_INV_I7], 6);
	CHECK_EQ(n->rich[LP_INV_I7], 2);
	CHECK_EQ(n->checks[LP_INV_I8], 6);
	CHECK_EQ(n->rich[LP_INV_I8], 1);
	CHECK_EQ(n->checks[LP_INV_I6], 6);
	CHECK_EQ(n->rich[LP_INV_I6], 4); /* the successes: their outputs (zero ones included) are predicted */
	CHECK(n->checks[LP_INV_I1] >= 1);
	CHECK_EQ(n->rich[LP_INV_I1], 0);
	CHECK(n->rich[LP_INV_I3] >= 1);
	CHECK(n->checks[LP_INV_I3] > n->rich[LP_INV_I3]);
	CHECK(n->rich[LP_INV_I2] >= n->rich[LP_INV_I3] + 1); /* the TCE and the HPTE */
	CHECK_EQ(n->checks[LP_INV_I12], 0);                  /* host-direct: no second driver */
}

/*
 * The same program gives the same results however it is run: twice in a row,
 * and after another program that used more of the machines (the executor and
 * the core reset only what a configuration uses, so nothing may survive).
 */
TEST(runs_are_deterministic)
{
	static struct lp_op_result first[LP_MAX_OPS];
	static struct lp_prog p, other;
	uint8_t bytes[400];
	uint64_t s = 0x1234567;
	enum lp_inv inv;
	unsigned i, k;

	for (k = 0; k < 40; k++) {
		for (i = 0; i < sizeof(bytes); i++) {
			s ^= s << 13, s ^= s >> 7, s ^= s << 17;
			bytes[i] = (uint8_t)s;
		}
		lp_prog_decode(bytes, sizeof(bytes), &p);
		lp_prog_decode(bytes + 1, sizeof(bytes) - 1, &other);
		other.cfg.threads = LP_MAX_THREADS;
		other.cfg.nparts = LP_MAX_PARTS;
		inv = run(&p, false);
		memcpy(first, X->res, sizeof(first));
		run(&p, false);
		CHECK(memcmp(first, X->res, sizeof(X->res[0]) * p.nops) == 0);
		run(&other, false);
		CHECK_EQ(run(&p, false), inv);
		CHECK(memcmp(first, X->res, sizeof(X->res[0]) * p.nops) == 0);
	}
}

/* Decodes up to 600 xorshift bytes from *s into p (what a fuzzer's first inputs look like). */
static void random_program(uint64_t *s, struct lp_prog *p)
{
	uint8_t bytes[600];
	unsigned i, len;

	*s ^= *s << 13, *s ^= *s >> 7, *s ^= *s << 17;
	len = (unsigned)(*s % sizeof(bytes));
	for (i = 0; i < len; i++) {
		*s ^= *s << 13, *s ^= *s >> 7, *s ^= *s << 17;
		bytes[i] = (uint8_t)*s;
	}
	lp_prog_decode(bytes, len, p);
}

TEST(random_programs_run_clean_on_the_core)
{
	struct lp_prog p;
	uint64_t s = 0xC0FFEE;
	unsigned k;
	enum lp_inv inv;

	for (k = 0; k < 1500; k++) {
		random_program(&s, &p);
		inv = run(&p, false);
		if (inv != LP_INV_NONE) {
			testlib_fail_eq(__FILE__, __LINE__, "violation", X->viol.msg, inv, k);
			testlib_fail();
		}
	}
}

/* lp_map_any: word skips, both ends inclusive, pages past the map count as set. */
TEST(touched_map_queries)
{
	uint64_t map[3] = { 0, 1ull << 63, 1ull << 1 }; /* pages 127 and 129 */

	CHECK(!lp_map_any(map, 192, 0, 126));
	CHECK(lp_map_any(map, 192, 0, 127));
	CHECK(lp_map_any(map, 192, 127, 127));
	CHECK(!lp_map_any(map, 192, 128, 128));
	CHECK(lp_map_any(map, 192, 128, 129));
	CHECK(!lp_map_any(map, 192, 130, 191));
	CHECK(lp_map_any(map, 192, 130, 192));
	/* lp_map_next: the first set page at or after pg, end when none before it. */
	CHECK_EQ(lp_map_next(map, 192, 0, 192), 127);
	CHECK_EQ(lp_map_next(map, 192, 127, 192), 127);
	CHECK_EQ(lp_map_next(map, 192, 128, 192), 129);
	CHECK_EQ(lp_map_next(map, 192, 0, 127), 127);
	CHECK_EQ(lp_map_next(map, 192, 0, 100), 100);
	CHECK_EQ(lp_map_next(map, 192, 130, 191), 191);
	CHECK_EQ(lp_map_next(map, 192, 130, 200), 192);
	CHECK_EQ(lp_map_next(map, 192, 5, 5), 5);
}

/* lp_map_next skips runs of 512 clear pages: set pages before, inside and after such runs are found. */
TEST(touched_map_skips_long_clear_runs)
{
	static uint64_t big[64]; /* 4096 pages */

	big[700 / 64] |= 1ull << (700 % 64);
	big[1023 / 64] |= 1ull << (1023 % 64);
	big[3000 / 64] |= 1ull << (3000 % 64);
	CHECK_EQ(lp_map_next(big, 4096, 0, 4096), 700);
	CHECK_EQ(lp_map_next(big, 4096, 701, 4096), 1023);
	CHECK_EQ(lp_map_next(big, 4096, 1024, 4096), 3000);
	CHECK_EQ(lp_map_next(big, 4096, 1024, 2999), 2999);
	CHECK_EQ(lp_map_next(big, 4096, 3001, 4096), 4096);
	CHECK_EQ(lp_map_next(big, 3584, 3001, 4096), 3584); /* past the map: counts as set */
	CHECK_EQ(lp_map_next(big, 4096, 0, 600), 600);
}

/* The fast sweeps read the platform's dirty bitmap inline or ask the hook: same results. */
TEST(dirty_map_and_hook_agree)
{
	static struct lp_op_result with_map[LP_MAX_OPS];
	struct lp_prog p;
	uint64_t s = 0xD1A7;
	unsigned k;
	enum lp_inv a, b;

	for (k = 0; k < 300; k++) {
		random_program(&s, &p);
		if (!X) {
			run(&p, false); /* creates X and the platforms */
		}
		X->touched_map[0] = hv_host_plat_dirty_map(plats[0]);
		X->touched_map[1] = hv_host_plat_dirty_map(plats[1]);
		X->touched_map_pages = hv_host_plat_dirty_map_pages(plats[0]);
		a = run(&p, false);
		memcpy(with_map, X->res, sizeof(X->res[0]) * p.nops);
		X->touched_map[0] = X->touched_map[1] = NULL;
		b = run(&p, false);
		CHECK_EQ(a, b);
		CHECK(memcmp(with_map, X->res, sizeof(X->res[0]) * p.nops) == 0);
	}
}

/*
 * A store behind the platform's back (no plat_mem_dirty) into memory a
 * partition holds is I10: exhaustively (repro), and by the fuzzers' sample
 * once it picks the page; a clean run passes both ways.
 */
TEST(unreported_store_is_i10)
{
	const uint64_t *map;
	struct lp_prog p;
	uint64_t seed = 1, ra, pg;
	unsigned k;

	prog_init(&p, 2);
	enter_page(&p, 0, 0x10003, 2);
	CHECK_EQ(run(&p, false), LP_INV_NONE);
	map = hv_host_plat_dirty_map(plats[0]);
	CHECK_EQ(lp_inv_check_unreported(X, 0, map, 0, &seed), LP_INV_NONE);
	CHECK_EQ(lp_inv_check_unreported(X, 0, map, 64, &seed), LP_INV_NONE);
	/* The last page of partition 1's first LMB: held, and nothing wrote it. */
	CHECK(X->memmap.real[1][0] != 0);
	ra = (uint64_t)(X->memmap.real[1][0] - 1) * LP_LMB_BYTES;
	pg = (ra + LP_LMB_BYTES) / 4096 - 1;
	CHECK(!(map[pg >> 6] >> (pg & 63) & 1));
	X->m[0].mem[pg * 4096 + 100] = 0x5A;
	CHECK_EQ(lp_inv_check_unreported(X, 0, map, 0, &seed), LP_INV_I10);
	CHECK_EQ(X->viol.inv, LP_INV_I10);
	CHECK(strstr(X->viol.msg, "without telling the platform") != NULL);
	/* Sampling finds it too, given samples enough (each pick: one held LMB, one page). */
	X->viol.inv = LP_INV_NONE;
	for (k = 0; k < 100000 && lp_inv_check_unreported(X, 0, map, 4, &seed) == LP_INV_NONE; k++) {
	}
	CHECK(k < 100000);
	X->m[0].mem[pg * 4096 + 100] = 0;
}

/* A program that builds the state a backdoor kind needs, then corrupts it, then pokes it. */
static enum lp_inv run_backdoor(unsigned kind)
{
	struct lp_prog p;
	struct lp_op *o;

	prog_init(&p, 2);
	enter_page(&p, 0, 0x10003, 2);
	o = add_op(&p, LP_OP_LOAD, 0, 0); /* caches the translation in the emulated TLB */
	o->nargs = 1;
	o->arg[0].sel = LP_SEL_EA;
	o->arg[0].val = 0x10003;
	o = hcall(&p, 0, H_PUT_TCE);
	arg(o, LP_SEL_LIOBN, 0);
	arg(o, LP_SEL_IOBA, 0);
	arg(o, LP_SEL_TCE, 3);
	o = add_op(&p, LP_OP_DMA_READ, 0, 0); /* the adapter caches the translation in the emulated IOTLB */
	arg(o, LP_SEL_IOBA, 0);
	add_op(&p, LP_OP_PLANT, 0, 1)->value = 0x77; /* vCPU 1 runs, then leaves its thread */
	p.op[p.nops - 1].reg = HV_REG_GPR + 5;
	add_op(&p, LP_OP_PREEMPT, 0, 0)->a = 0;
	add_op(&p, LP_OP_PREEMPT, 0, 0)->a = 1;
	add_op(&p, LP_OP_BACKDOOR, 0, 0)->a = (uint8_t)kind;
	/* Pokes: remove the entry (its words come back), dispatch vCPU 1, p1 uses p0's LIOBN, relocate. */
	o = hcall(&p, 0, H_REMOVE);
	arg(o, LP_SEL_LIT, 0);
	arg(o, LP_SEL_PTEX, 0);
	add_op(&p, LP_OP_DISPATCH, 0, 1)->a = 1;
	o = hcall(&p, 1, H_PUT_TCE);
	arg(o, LP_SEL_LIOBN, 2); /* partition (1 + 1) % 2 = 0 */
	arg(o, LP_SEL_IOBA, 0);
	arg(o, LP_SEL_TCE, 3);
	add_op(&p, LP_OP_RELOCATE, 0, 0)->a = 1;
	o = hcall(&p, 1, H_CONFER); /* gives up its thread */
	arg(o, LP_SEL_LIT, ~0ull);
	return run(&p, true);
}

TEST(backdoor_program_is_clean_without_corruption)
{
	CHECK_EQ(run_backdoor(LP_BD_NONE), LP_INV_NONE);
}

TEST(oracle_i1_foreign_rpn)
{
	CHECK_EQ(run_backdoor(LP_BD_HPTE_FOREIGN_RPN), LP_INV_I1);
}

TEST(oracle_i2_hpte_into_hypervisor_memory)
{
	CHECK_EQ(run_backdoor(LP_BD_HPTE_HYP_RPN), LP_INV_I2);
}

TEST(oracle_i3_foreign_tce)
{
	CHECK_EQ(run_backdoor(LP_BD_TCE_FOREIGN), LP_INV_I3);
}

TEST(oracle_i4_dirty_free_lmb)
{
	CHECK_EQ(run_backdoor(LP_BD_LMB_DIRTY_FREE), LP_INV_I4);
}

TEST(oracle_i5_register_leak)
{
	CHECK_EQ(run_backdoor(LP_BD_REG_LEAK), LP_INV_I5);
}

TEST(oracle_i6_real_address_in_output)
{
	CHECK_EQ(run_backdoor(LP_BD_SHADOW_REAL), LP_INV_I6);
}

TEST(oracle_i7_state_diverges)
{
	CHECK_EQ(run_backdoor(LP_BD_SHADOW_DROP), LP_INV_I7);
}

TEST(oracle_i8_foreign_window)
{
	CHECK_EQ(run_backdoor(LP_BD_WINDOW_STEAL), LP_INV_I8);
}

TEST(oracle_i9_missing_flush)
{
	CHECK_EQ(run_backdoor(LP_BD_SKIP_FLUSH), LP_INV_I9);
}

TEST(oracle_i11_relocation_changes_memory)
{
	CHECK_EQ(run_backdoor(LP_BD_RELOC_LOSE), LP_INV_I11);
}

/* The oracles that take nothing from the core: each kind below passed every oracle before them. */
TEST(oracle_i9_iotlb_not_flushed)
{
	CHECK_EQ(run_backdoor(LP_BD_IOTLB_SKIP), LP_INV_I9);
	CHECK(strstr(X->viol.msg, "IOTLB"));
}

TEST(oracle_i7_vcpu_state_behind_the_models_back)
{
	CHECK_EQ(run_backdoor(LP_BD_VCPU_STATE), LP_INV_I7);
	CHECK(strstr(X->viol.msg, "vCPU state differs from the model"));
}

TEST(oracle_i11_logical_map_moved_without_an_operation)
{
	CHECK_EQ(run_backdoor(LP_BD_LMAP_MOVE), LP_INV_I11);
	CHECK(strstr(X->viol.msg, "logical map differs"));
}

TEST(oracle_i6_hcall_changes_a_register_it_does_not_define)
{
	CHECK_EQ(run_backdoor(LP_BD_HCALL_CLOBBER), LP_INV_I6);
	CHECK(strstr(X->viol.msg, "register r14"));
}

TEST(oracle_i5_cede_saves_registers_wrong)
{
	CHECK_EQ(run_backdoor(LP_BD_CEDE_SAVE), LP_INV_I5);
	CHECK(strstr(X->viol.msg, "save area"));
}

/*
 * Partition 0 registers a VPA, then a backdoor kind, then an hcall that
 * fails, one that zeroes a page, and dispatches on one thread: what the
 * hypervisor stores (and where) is what the write-set oracle judges.
 */
static enum lp_inv run_write_backdoor(unsigned kind)
{
	struct lp_prog p;
	struct lp_op *o;

	prog_init(&p, 2);
	p.cfg.threads = 1;
	enter_page(&p, 0, 0x10001, 2 | 1 << 8); /* logical page 1 of LMB 0 */
	o = add_op(&p, LP_OP_STORE, 0, 0);       /* the VPA's length (640) at 0x1004 */
	arg(o, LP_SEL_EA, 0x10001);
	o->value = 0x2800000;
	o = hcall(&p, 0, H_REGISTER_VPA);
	arg(o, LP_SEL_LIT, (uint64_t)H_VPA_REG_VPA << H_VPA_FUNC_SHIFT);
	arg(o, LP_SEL_LIT, 0);
	arg(o, LP_SEL_OWN, 0x1000);
	add_op(&p, LP_OP_BACKDOOR, 0, 0)->a = (uint8_t)kind;
	o = hcall(&p, 0, H_PAGE_INIT); /* fails: a flag it does not know */
	arg(o, LP_SEL_LIT, 1);
	arg(o, LP_SEL_OWN, 0x3000);
	o = hcall(&p, 0, H_PAGE_INIT);
	arg(o, LP_SEL_LIT, H_ZERO_PAGE);
	arg(o, LP_SEL_OWN, 0x3000);
	hcall(&p, 1, H_RANDOM); /* partition 1 takes the thread: partition 0's dispatch count moves */
	hcall(&p, 0, H_RANDOM);
	return run(&p, true);
}

TEST(write_backdoor_program_is_clean_without_corruption)
{
	CHECK_EQ(run_write_backdoor(LP_BD_NONE), LP_INV_NONE);
	CHECK_EQ(X->res[1].status, LP_RAN);
	CHECK_RC(X->res[2].rc, H_SUCCESS);
	CHECK_RC(X->res[4].rc, H_PARAMETER);
	CHECK_RC(X->res[5].rc, H_SUCCESS);
}

TEST(oracle_i1_hypervisor_store_into_another_partition)
{
	CHECK_EQ(run_write_backdoor(LP_BD_STRAY_FOREIGN), LP_INV_I1);
	CHECK(strstr(X->viol.msg, "another partition's memory"));
	CHECK_EQ(X->viol.op, 4);
}

TEST(oracle_i7_failing_call_stores_into_its_callers_memory)
{
	CHECK_EQ(run_write_backdoor(LP_BD_STRAY_OWN), LP_INV_I7);
	CHECK(strstr(X->viol.msg, "outside what the operation writes"));
	CHECK_EQ(X->viol.op, 4);
}

TEST(oracle_i7_zeroed_page_left_unzeroed)
{
	CHECK_EQ(run_write_backdoor(LP_BD_ZERO_LEFTOVER), LP_INV_I7);
	CHECK(strstr(X->viol.msg, "does not read zero"));
	CHECK_EQ(X->viol.op, 5);
}

TEST(backdoor_is_a_no_op_unless_enabled)
{
	struct lp_prog p;

	prog_init(&p, 2);
	enter_page(&p, 0, 0x10003, 2);
	add_op(&p, LP_OP_BACKDOOR, 0, 0)->a = LP_BD_HPTE_HYP_RPN;
	CHECK_EQ(run(&p, false), LP_INV_NONE);
	CHECK_EQ(run(&p, true), LP_INV_I2);
}

/* ---- version 2's operations for test writers (text form: corpora/hcall_seq/08_poke_fill_regs_problem.txt) ---- */

static uint64_t real_be64(unsigned part, uint64_t la)
{
	const struct hv_partition *p = &X->m[0].part[X->loc[part].slot];
	uint64_t ra = ((uint64_t)(p->lmap[la / LP_LMB_BYTES] - 1) * LP_LMB_BYTES) + la % LP_LMB_BYTES, v = 0;
	unsigned i;

	for (i = 0; i < 8; i++) {
		v = v << 8 | X->m[0].mem[ra + i];
	}
	return v;
}

TEST(poke_and_fill_store_own_memory_only)
{
	CHECK_EQ(run_text("lparsec program v2\nconfig parts=2\npart p0 lmbs=2\n"
			  "p0 fill pages=2 addr=own(0x3f010) value=0x1122334455667788\n" /* over the LMB boundary */
			  "p0 poke addr=own(0x1000009) value=0xdeadbeef\n"               /* aligned down to 8 */
			  "p0 poke addr=0x80000 value=0x1\n"                             /* past its memory */
			  "p0 fill pages=2 addr=own(0x103f000) value=0x5\n"              /* its last page, and past it */
			  "p1 poke addr=0x40000 value=0x2\n", false),                     /* p0's logical LMB 1: not p1's */
		 LP_INV_NONE);
	CHECK_EQ(X->res[0].status, LP_RAN);
	CHECK_EQ(X->res[0].arg[0], 0x3f000);
	CHECK_EQ(real_be64(0, 0x3f000), 0x1122334455667788ull);
	CHECK_EQ(real_be64(0, 0x40ff8), 0x1122334455667788ull);
	CHECK_EQ(X->res[1].arg[0], 0x40008);
	CHECK_EQ(real_be64(0, 0x40008), 0xdeadbeefull);
	CHECK_EQ(X->res[2].status, LP_FAULT);
	CHECK_EQ(X->res[3].status, LP_FAULT); /* all or nothing */
	CHECK_EQ(real_be64(0, 0x7f000), 0);
	CHECK_EQ(X->res[4].status, LP_FAULT);
}

TEST(regs_reads_back_and_problem_state_hcalls)
{
	CHECK_EQ(run_text("lparsec program v2\n"
			  "p0.v0 plant reg=r14 value=0x77\n"
			  "p0.v0 regs reg=r13\n"
			  "p0.v0 problem H_RANDOM\n"
			  "p0.v0 regs reg=msr\n"
			  "p0.v0 H_RANDOM\n", false),
		 LP_INV_NONE);
	CHECK_EQ(X->res[1].out[0], 0);     /* r13 */
	CHECK_EQ(X->res[1].out[1], 0x77);  /* r14 */
	CHECK_EQ(X->res[2].rc, H_PRIVILEGE);
	CHECK_EQ(X->res[3].out[0] & MSR_PR, 0); /* supervisor state again after the call */
	CHECK_EQ(X->res[4].rc, H_SUCCESS);
	/* A vCPU already in problem state (a planted MSR) stays there. */
	CHECK_EQ(run_text("lparsec program v2\n"
			  "p0.v0 plant reg=msr value=0x8000000000005000\n"
			  "p0.v0 problem H_RANDOM\n"
			  "p0.v0 regs reg=msr\n", false),
		 LP_INV_NONE);
	CHECK_EQ(X->res[1].rc, H_PRIVILEGE);
	CHECK_EQ(X->res[2].out[0] & MSR_PR, MSR_PR);
}

/*
 * Every version 2 machine the decoder lets through is one the core builds
 * with all its partitions, and the decoder's bound of the hypervisor region
 * (lp_cfg_hv_bytes_bound) is never below the core's own layout, nor far above.
 */
TEST(v2_machines_fit_what_the_core_builds)
{
	static struct lp_prog p;
	unsigned mem, lmb, order, big, nparts, runs = 0;

	for (mem = LP_MEM_SHIFT_MIN; mem <= LP_MEM_SHIFT_MAX; mem += 2) {
		for (lmb = LP_LMB_SHIFT_MIN; lmb <= LP_LMB_SHIFT_MAX; lmb += 2) {
			for (order = LP_HPT_ORDER_MIN; order <= LP_HPT_ORDER_MAX; order += 2) {
				for (big = 0; big < 2; big++) {
					for (nparts = 1; nparts <= LP_MAX_PARTS; nparts += 3) {
						struct hv_config hc;
						uint64_t core, bound;
						unsigned i;

						memset(&p, 0, sizeof(p));
						p.cfg.version = 2;
						p.cfg.nparts = (uint8_t)nparts;
						p.cfg.mem_shift = (uint8_t)mem;
						p.cfg.lmb_shift = (uint8_t)lmb;
						for (i = 0; i < LP_MAX_PARTS; i++) {
							p.cfg.lmbs[i] = LP_PART_LMBS_MAX;
							p.cfg.hpt_order[i] = (uint8_t)order;
							p.cfg.win_entries[i][0] = big ? LP_WINDOW_ENTRIES_MAX : LP_WINDOW_ENTRIES;
							p.cfg.windows[i] = 2;
						}
						lp_prog_normalize(&p);
						lp_machine_config(&hc, &p.cfg);
						core = hv_config_hv_bytes(&hc, lp_cfg_mem_bytes(&p.cfg));
						bound = lp_cfg_hv_bytes_bound(&p.cfg);
						CHECK(core != 0 && bound >= core);
						CHECK(bound - core <= (2ull << 20) + 2 * lp_cfg_lmb_bytes(&p.cfg) +
										 (1ull << lp_cfg_hpt_order_max(&p.cfg)));
						if (run(&p, false) != LP_INV_NONE) {
							fprintf(stderr, "mem 2^%u, LMB 2^%u, HPT 2^%u, %u TCEs, %u partitions: %s\n",
								mem, lmb, order, (unsigned)p.cfg.win_entries[0][0], nparts, X->viol.msg);
							CHECK(0);
						}
						runs++;
					}
				}
			}
		}
	}
	CHECK_EQ(runs, 3 * 4 * 3 * 2 * 2);
}
