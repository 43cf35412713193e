/*
 * Shared by the invariant checker tests (test_inv.c, test_inv_model.c):
 * two partitions built through the core, copied into a zeroed struct
 * lp_exec, operations appended to its program, and raw table access for
 * the corruptions.
 */
#ifndef LPARSEC_TESTS_INV_HELPERS_H
#define LPARSEC_TESTS_INV_HELPERS_H

#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "lparsec/exec.h"
#include "lparsec/inv.h"
#include "testlib.h"

#define VSID 0x1000ull

/* ---- set-up ---- */

struct env {
	struct fx f;          /* machine 0, driven through the core */
	struct fx f1;         /* machine 1 (migration target), when used */
	bool have1;
	struct lp_exec *x;
	struct lp_prog prog;
	uint32_t s0, s1;      /* slots of program partitions 0 and 1 */
};

static struct env E;

/* Two partitions of 2 LMBs each on machine 0, vCPU 0 present; the model is switched off (overflow). */
static inline void setup(void)
{
	memset(&E, 0, sizeof(E));
	fx_init(&E.f, NULL, 0);
	E.s0 = fx_partition(&E.f, 2);
	E.s1 = fx_partition(&E.f, 2);
	E.x = calloc(1, sizeof(*E.x));
	CHECK(E.x);
	E.prog.cfg.nparts = 2;
	E.prog.cfg.threads = 4;
	E.x->prog = &E.prog;
	E.x->loc[0].alive = E.x->loc[1].alive = true;
	E.x->loc[0].slot = (uint8_t)E.s0;
	E.x->loc[1].slot = (uint8_t)E.s1;
	E.x->ref.overflow = true; /* no model predictions unless a test fills the model in */
}

static inline void teardown(void)
{
	fx_fini(&E.f);
	if (E.have1) {
		fx_fini(&E.f1);
	}
	free(E.x);
}

/* The checker sees the machine the fixture drove (struct state; memory is shared). */
static inline void sync(void)
{
	E.x->m[0] = E.f.m;
	if (E.have1) {
		E.x->m[1] = E.f1.m;
	}
}

/* Appends an operation; its result says it ran with rc. */
static inline uint32_t op(unsigned kind, unsigned part, unsigned a, int64_t rc)
{
	uint32_t i = E.prog.nops++;
	struct lp_op *o = &E.prog.op[i];

	memset(o, 0, sizeof(*o));
	o->kind = (uint8_t)kind;
	o->part = (uint8_t)part;
	o->a = (uint8_t)a;
	E.x->res[i].status = LP_RAN;
	E.x->res[i].rc = rc;
	return i;
}

static inline uint32_t hcall_op(unsigned part, uint64_t opcode, int64_t rc, const uint64_t args[9])
{
	uint32_t i = op(LP_OP_HCALL, part, 0, rc);

	E.prog.op[i].opcode = opcode;
	E.prog.op[i].nargs = 4;
	memcpy(E.x->res[i].arg, args, sizeof(E.x->res[i].arg));
	return i;
}

static inline uint8_t *hw(uint32_t slot, uint64_t ptex)
{
	return E.f.m.mem + hv_hpte_addr(&E.f.m.part[slot], ptex).v;
}

static inline uint64_t real_of(uint32_t slot, uint64_t la)
{
	return fx_real(&E.f, slot, la).v;
}

/* A valid 4 KiB entry of slot for logical page la at EA page `page`; returns its PTEX. */
static inline uint64_t enter(uint32_t slot, uint64_t page, uint64_t la)
{
	return fx_enter(&E.f, slot, page * 8 % LP_NHPTE, fx_pteh(VSID, page << 12), fx_ptel(la));
}

static inline struct hv_window *window0(uint32_t slot, unsigned part)
{
	struct hv_window *w = hv_window_find(&E.f.m, slot, lp_liobn(part, 0));

	if (!w) {
		CHECK_EQ(hv_window_assign(&E.f.m, slot, lp_liobn(part, 0), 0, LP_WINDOW_ENTRIES), HV_OK);
		w = hv_window_find(&E.f.m, slot, lp_liobn(part, 0));
	}
	CHECK(w);
	return w;
}

static inline enum lp_inv full(void)
{
	sync();
	E.x->viol.inv = LP_INV_NONE;
	return lp_inv_full(E.x, E.prog.nops);
}

static inline enum lp_inv after(uint32_t opi)
{
	sync();
	E.x->viol.inv = LP_INV_NONE;
	return lp_inv_after_op(E.x, opi);
}

#endif /* LPARSEC_TESTS_INV_HELPERS_H */
