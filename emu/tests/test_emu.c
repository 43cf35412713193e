/*
 * The Unicorn engine: its quirks behave as documented, a program's
 * operations really run as guest code through the emulated MMU (counted),
 * the driver agrees with the host-direct run, and the bugs this engine
 * could have -- lost TLB flushes, partition stores the scrub never hears
 * of -- are caught by the oracles (I12, I4) when planted.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emu/emu.h"
#include "lparsec/runner.h"
#include "lparsec/text.h"
#include "testlib.h"

static struct emu_engine *E;
static struct lp_exec *X;

static void engine(void)
{
	char err[256];

	if (!E) {
		E = emu_engine_create(err, sizeof(err));
		if (!E) {
			fprintf(stderr, "emu_engine_create: %s\n", err);
		}
		X = calloc(1, sizeof(*X));
		X->inv.thorough = true;
	}
	CHECK(E != 0 && X != 0);
	emu_engine_plant(E, EMU_PLANT_NONE);
}

static void parse(const char *text, struct lp_prog *p)
{
	char err[200];

	if (lp_text_parse(text, strlen(text), p, err, sizeof(err))) {
		fprintf(stderr, "parse: %s\n", err);
		CHECK(0);
	}
}

#define HEADER "lparsec program v1\nconfig parts=2 threads=1\n" \
	       "part p0 lmbs=2 vcpus=1 windows=0 shared\npart p1 lmbs=1 vcpus=1 windows=0 shared\n"

TEST(quirks_behave_as_documented)
{
	char err[256];

	if (emu_selftest(NULL, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		CHECK(0);
	}
}

TEST(operations_run_as_guest_code_through_the_mmu)
{
	static struct lp_prog p;
	struct emu_stats before, after;

	engine();
	parse(HEADER
	      "p0.v0 H_ENTER flags=0x0 ptex=hash(0x10005) pteh=pteh(0x10005) ptel=ptel(0x502)\n"
	      "p0.v0 store addr=ea(0x10005) value=0x1122334455667788\n"
	      "p0.v0 load addr=ea(0x10005)\n"
	      "p1.v0 load addr=ea(0x10005)\n"          /* p1 has no mapping: its own page fault */
	      "p0.v0 H_REMOVE flags=0x0 ptex=ptex(0x0) avpn=0x0\n"
	      "p0.v0 load addr=ea(0x10005)\n"          /* removed: the flushed MMU faults */
	      "p0.v0 load addr=0x100000000\n",         /* past the program's segments: no CPU access */
	      &p);
	emu_engine_stats(E, &before);
	CHECK_EQ(emu_engine_run(E, X, &p, false), LP_INV_NONE);
	emu_engine_stats(E, &after);
	CHECK_EQ(after.hcalls - before.hcalls, 2);
	CHECK_EQ(after.accesses - before.accesses, 4);
	CHECK_EQ(after.faults - before.faults, 3);
	CHECK(after.switches - before.switches >= 3); /* p0, p1, p0 on the one thread */
	CHECK(after.flushes - before.flushes >= 2);
	CHECK_EQ(X->res[2].out[0], 0x1122334455667788ull);
	CHECK_EQ(X->res[3].status, LP_FAULT);
	CHECK_EQ(X->res[5].status, LP_FAULT);
}

TEST(runs_agree_with_host_direct_and_repeat_exactly)
{
	static struct lp_prog p;
	static struct lp_op_result first[LP_MAX_OPS];
	struct lp_runner *host = lp_runner_create();
	unsigned k;

	engine();
	CHECK(host != 0);
	lp_runner_set_caps(host, EMU_PLAT_CAPS);
	parse(HEADER
	      "p0.v0 H_ENTER flags=0x0 ptex=hash(0x10011) pteh=pteh(0x10011) ptel=ptel(0x1001102)\n"
	      "p0.v0 store addr=ea(0x10011) value=0x5151\n"
	      "p0 relocate lmb=1\n"
	      "p0.v0 load addr=ea(0x10011)\n"
	      "p0.v0 H_CLEAR_MOD flags=0x0 ptex=ptex(0x0)\n"
	      "p0.v0 store addr=ea(0x10011) value=0x5252\n"
	      "p0.v0 H_READ flags=0x0 ptex=ptex(0x0)\n"
	      "p0 migrate\n"
	      "p0.v0 load addr=ea(0x10011)\n",
	      &p);
	for (k = 0; k < 50; k++) {
		CHECK_EQ(lp_runner_run(host, &p, false), LP_INV_NONE);
		emu_engine_run(E, X, &p, false);
		CHECK_EQ(lp_exec_compare(lp_runner_exec(host), X), LP_INV_NONE);
		if (k == 0) {
			memcpy(first, X->res, sizeof(first));
		}
		CHECK(memcmp(first, X->res, p.nops * sizeof(first[0])) == 0);
	}
	CHECK_EQ(X->res[3].out[0], 0x5151);
	CHECK_EQ(X->res[6].out[1] & 0x180, 0x180); /* R preset, C recorded by the emulated MMU's store */
	CHECK_EQ(X->res[8].out[0], 0x5252);
	lp_runner_destroy(host);
}

TEST(lost_flush_is_a_stale_translation_i12)
{
	static struct lp_prog p;

	engine();
	parse(HEADER
	      "p0.v0 H_ENTER flags=0x0 ptex=hash(0x10005) pteh=pteh(0x10005) ptel=ptel(0x502)\n"
	      "p0.v0 load addr=ea(0x10005)\n"
	      "p0.v0 H_REMOVE flags=0x0 ptex=ptex(0x0) avpn=0x0\n"
	      "p0.v0 load addr=ea(0x10005)\n",
	      &p);
	CHECK_EQ(emu_engine_run(E, X, &p, false), LP_INV_NONE);
	emu_engine_plant(E, EMU_PLANT_LOSE_FLUSHES);
	CHECK_EQ(emu_engine_run(E, X, &p, false), LP_INV_I12);
	CHECK_EQ(X->viol.op, 3);
	CHECK(strstr(X->viol.msg, "translated where the harness's faults") != 0);
	emu_engine_plant(E, EMU_PLANT_NONE);
}

TEST(unseen_guest_store_left_in_a_departed_lmb_is_i4)
{
	static struct lp_prog p;

	engine();
	parse(HEADER
	      "p0.v0 H_ENTER flags=0x0 ptex=hash(0x10009) pteh=pteh(0x10009) ptel=ptel(0x1000902)\n"
	      "p0.v0 store addr=ea(0x10009) value=0x5ec12e7\n"
	      "p0 mem_remove lmb=1\n",
	      &p);
	CHECK_EQ(emu_engine_run(E, X, &p, false), LP_INV_NONE);
	/* Machines that believe they see every store: the scrub skips the page the guest wrote. */
	emu_engine_plant(E, EMU_PLANT_STORES_SEEN);
	CHECK_EQ(emu_engine_run(E, X, &p, false), LP_INV_I4);
	CHECK_EQ(X->viol.op, 2);
	emu_engine_plant(E, EMU_PLANT_NONE);
}
