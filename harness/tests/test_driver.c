/*
 * The executor's driver interface: programs run through an ops table, and
 * a driver with an MMU of its own is judged access by access against the
 * harness's walk (I12). Fake drivers here perform the access the host way
 * and then disagree in one respect each; every disagreement must be I12
 * at that operation, and an honest one must change no verdict.
 */
#include <stdlib.h>
#include <string.h>

#include "hv/host.h"
#include "hv/introspect.h"
#include "lparsec/exec.h"
#include "lparsec/host_hooks.h"
#include "lparsec/text.h"
#include "testlib.h"

enum lie { HONEST, WRONG_VALUE, FAULTS, TRANSLATES_UNMAPPED, DROPS_C };
static enum lie LIE;

static uint8_t fake_access(struct lp_exec *x, unsigned machine, uint32_t thread, unsigned part, uint64_t ea,
			   bool store, uint64_t *value)
{
	uint8_t st = lp_host_access(x, machine, thread, part, ea, store, value);

	switch (LIE) {
	case HONEST:
		break;
	case WRONG_VALUE:
		*value ^= 0x100;
		break;
	case FAULTS:
		st = LP_FAULT;
		break;
	case TRANSLATES_UNMAPPED:
		if (st == LP_FAULT) {
			*value = 0;
			st = LP_RAN;
		}
		break;
	case DROPS_C:
		if (st == LP_RAN && store) {
			struct hv_machine *m = &x->m[machine];
			struct hv_partition *p = &m->part[x->loc[part].slot];

			m->mem[p->hpt.v + x->mmu.ptex * 16 + HPTE_R_C_BYTE] &= (uint8_t)~0x80;
		}
		break;
	}
	return st;
}

static struct lp_driver fake_driver(void)
{
	struct lp_driver d = lp_driver_host;

	d.name = "fake";
	d.own_mmu = true;
	d.access = fake_access;
	return d;
}

static const char PROGRAM[] = "lparsec program v1\n"
			      "config parts=2 threads=2\n"
			      "part p0 lmbs=2 vcpus=1 windows=0 shared\n"
			      "part p1 lmbs=1 vcpus=1 windows=0 shared\n"
			      "p0.v0 load addr=ea(0x10006)\n"
			      "p0.v0 H_ENTER flags=0x0 ptex=hash(0x10005) pteh=pteh(0x10005) ptel=ptel(0x502)\n"
			      "p0.v0 store addr=ea(0x10005) value=0x1122334455667788\n"
			      "p0.v0 load addr=ea(0x10005)\n"
			      "p1.v0 load addr=ea(0x10005)\n";

/* Runs PROGRAM through a fake driver telling `lie`; returns the verdict, *op the operation. */
static enum lp_inv run_with(enum lie lie, unsigned *op, uint64_t *loaded)
{
	static struct lp_prog prog;
	struct lp_driver d = fake_driver();
	struct hv_plat *plat[2];
	struct lp_exec *x = calloc(1, sizeof(*x));
	char err[200];
	enum lp_inv inv;
	unsigned i;

	CHECK(x != 0);
	CHECK_EQ(lp_text_parse(PROGRAM, sizeof(PROGRAM) - 1, &prog, err, sizeof(err)), 0);
	for (i = 0; i < 2; i++) {
		plat[i] = hv_host_plat_create(LP_MEM_BYTES_MAX);
		hv_host_plat_set_hooks(plat[i], &lp_exec_host_hooks, x);
	}
	x->inv.thorough = true;
	x->drv = &d;
	LIE = lie;
	inv = lp_exec_run(x, &prog, plat[0], plat[1], false);
	*op = x->viol.op;
	*loaded = x->res[3].out[0];
	for (i = 0; i < 2; i++) {
		hv_host_plat_destroy(plat[i]);
	}
	free(x);
	return inv;
}

TEST(honest_own_mmu_driver_agrees)
{
	unsigned op;
	uint64_t loaded;

	CHECK_EQ(run_with(HONEST, &op, &loaded), LP_INV_NONE);
	CHECK_EQ(loaded, 0x1122334455667788ull);
}

TEST(wrong_value_is_i12)
{
	unsigned op;
	uint64_t loaded;

	CHECK_EQ(run_with(WRONG_VALUE, &op, &loaded), LP_INV_I12);
	CHECK_EQ(op, 2); /* the store: what it left differs from what the driver reports */
}

TEST(fault_where_the_harness_translates_is_i12)
{
	unsigned op;
	uint64_t loaded;

	CHECK_EQ(run_with(FAULTS, &op, &loaded), LP_INV_I12);
	CHECK_EQ(op, 2);
}

TEST(translating_unmapped_memory_is_i12)
{
	unsigned op;
	uint64_t loaded;

	CHECK_EQ(run_with(TRANSLATES_UNMAPPED, &op, &loaded), LP_INV_I12);
	CHECK_EQ(op, 0); /* the first load: nothing is mapped yet */
}

TEST(store_without_change_bit_is_i12)
{
	unsigned op;
	uint64_t loaded;

	CHECK_EQ(run_with(DROPS_C, &op, &loaded), LP_INV_I12);
	CHECK_EQ(op, 2);
}

/* A driver whose hcalls come back with one output bit flipped: the replay comparison must name it. */
static enum hv_exit flipping_hcall(struct lp_exec *x, unsigned machine, uint32_t thread)
{
	enum hv_exit e = hv_enter(&x->m[machine], thread, HV_CAUSE_SC1);

	if (e == HV_EXIT_RESUME && x->m[machine].thread[thread].regs.r[HV_REG_GPR + 3] == H_SUCCESS) {
		x->m[machine].thread[thread].regs.r[HV_REG_GPR + 4] ^= 1;
	}
	return e;
}

static enum lp_inv run_driver(const struct lp_driver *d, struct lp_exec *x, const struct lp_prog *prog)
{
	struct hv_plat *plat[2];
	enum lp_inv inv;
	unsigned i;

	for (i = 0; i < 2; i++) {
		plat[i] = hv_host_plat_create(LP_MEM_BYTES_MAX);
		hv_host_plat_set_hooks(plat[i], &lp_exec_host_hooks, x);
	}
	x->inv.thorough = true;
	x->drv = d;
	inv = lp_exec_run(x, prog, plat[0], plat[1], false);
	for (i = 0; i < 2; i++) {
		hv_host_plat_destroy(plat[i]);
	}
	return inv;
}

TEST(replay_comparison_names_the_first_differing_result)
{
	static struct lp_prog prog;
	struct lp_driver flip = lp_driver_host;
	struct lp_exec *host = calloc(1, sizeof(*host)), *x = calloc(1, sizeof(*x));
	char err[200];

	CHECK(host && x);
	CHECK_EQ(lp_text_parse(PROGRAM, sizeof(PROGRAM) - 1, &prog, err, sizeof(err)), 0);
	flip.hcall = flipping_hcall;
	CHECK_EQ(run_driver(&lp_driver_host, host, &prog), LP_INV_NONE);
	/* The same driver twice: they agree. */
	CHECK_EQ(run_driver(&lp_driver_host, x, &prog), LP_INV_NONE);
	CHECK_EQ(lp_exec_compare(host, x), LP_INV_NONE);
	/* The flipped output is I12 at the H_ENTER (op 1), even where the model cannot tell (it checks I7 first). */
	run_driver(&flip, x, &prog);
	CHECK_EQ(lp_exec_compare(host, x), LP_INV_I12);
	CHECK_EQ(x->viol.op, 1);
	CHECK(strstr(x->viol.msg, "output r4 differs between drivers") != 0);
	free(host);
	free(x);
}
