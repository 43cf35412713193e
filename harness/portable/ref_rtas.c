/*
 * The reference model of the partition-firmware calls (papr-spec §6.10):
 * H_REGISTER_PROC_TBL, and RTAS through H_RTAS. Written from the rules,
 * not from hv/core/rtas.c: the argument block read through the
 * environment (what the partition's memory holds), every status word the
 * hypervisor writes predicted as a store (LP_W_BE32), the partition's
 * time-of-day clock and the vCPUs a service halts tracked here.
 */
#include "ref_internal.h"

#define RTAS_BLOCK_BYTES 76u /* token, nargs, nret, 16 argument / return words */
#define RTAS_WORDS       16u

/* H_REGISTER_PROC_TBL flags. */
#define PT_MODIFY   0x10ull
#define PT_REGISTER 0x08ull
#define PT_RADIX    0x04ull
#define PT_SEGTAB   0x02ull

static int64_t ref_register_proc_tbl(const struct ref_call *c)
{
	uint64_t flags = c->arg[0];

	if (flags > 0x1F) {
		return H_PARAMETER;
	}
	if ((flags & (PT_MODIFY | PT_REGISTER)) != (PT_MODIFY | PT_REGISTER)) {
		/* Keep (no MODIFY): only the hash mode in force; deregister (MODIFY alone): always. */
		return !(flags & PT_MODIFY) && (flags & PT_RADIX) ? H_PARAMETER : H_SUCCESS;
	}
	if (flags & (PT_RADIX | PT_SEGTAB)) {
		return H_PARAMETER;
	}
	if (c->arg[1] >= (1ull << 38)) {
		return H_P2;
	}
	if (c->arg[2] > 7) {
		return H_P3;
	}
	return c->arg[3] > 24 ? H_P4 : H_SUCCESS;
}

/* ---- RTAS ---- */

struct rtas {
	const struct ref_call *c;
	uint64_t la;
	uint32_t token, nargs, nret;
	uint32_t args[RTAS_WORDS];
};

static uint32_t be32_at(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Return word i: written, and so predicted, only when the caller gave room for it. */
static void put_ret(const struct rtas *t, uint32_t i, int32_t v)
{
	if (i < t->nret) {
		lp_ref_note_write(t->c->r, LP_W_BE32, t->c->part, t->la + 12 + 4ull * (t->nargs + i), 4, (uint32_t)v);
	}
}

/* Every vCPU of the partition halts: the caller gives up its thread, the others leave theirs or stay off. */
static void halt_partition(const struct ref_call *c)
{
	struct lp_ref_part *pp = &c->r->part[c->part];
	unsigned v;

	for (v = 0; v < LP_MAX_VCPUS; v++) {
		struct lp_ref_vcpu *vc = &pp->vcpu[v];

		if (vc->state == LP_V_ABSENT || vc->state == LP_V_HALTED) {
			continue;
		}
		if (vc->state == LP_V_RUNNING) {
			lp_ref_leave_thread(c->r, c->part, v, LP_V_HALTED);
		} else {
			vc->state = LP_V_HALTED;
			lp_ref_touch(c->r, c->part, v);
		}
	}
	c->pred->gives_up = true;
}

static int32_t set_time_of_day(const struct rtas *t)
{
	static const uint32_t lo[7] = { 1970, 1, 1, 0, 0, 0, 0 }, hi[7] = { 9999, 12, 31, 23, 59, 59, 999999999 };
	unsigned i;

	for (i = 0; i < 7; i++) {
		if (t->args[i] < lo[i] || t->args[i] > hi[i]) {
			return -3;
		}
	}
	for (i = 0; i < 7; i++) {
		t->c->r->part[t->c->part].tod[i] = t->args[i];
	}
	return 0;
}

/* The caller's vCPU a processor argument (its index) names: NULL when out of range or absent. */
static struct lp_ref_vcpu *cpu_named(const struct rtas *t, uint32_t id)
{
	struct lp_ref_vcpu *v = id < LP_MAX_VCPUS ? &t->c->r->part[t->c->part].vcpu[id] : 0;

	return v && v->state != LP_V_ABSENT ? v : 0;
}

/*
 * start-cpu: only a halted vCPU (the RTAS stopped state) starts, -1 for one
 * that is not; it becomes runnable with the boot state, NIA and r3 as given
 * (what its next dispatch must bring: the oracle's record, pred->started).
 */
static int32_t start_cpu(const struct rtas *t)
{
	struct lp_ref_vcpu *v = cpu_named(t, t->args[0]);

	if (!v) {
		return -3;
	}
	if (v->state != LP_V_HALTED) {
		return -1;
	}
	v->state = LP_V_STOPPED;
	lp_ref_touch(t->c->r, t->c->part, t->args[0]);
	t->c->pred->started = (uint8_t)(t->args[0] + 1);
	t->c->pred->start_nia = t->args[1];
	t->c->pred->start_r3 = t->args[2];
	return 0;
}

/* The service named by the token, with its arity checked; the status word. */
static int32_t serve(struct rtas *t)
{
	const struct ref_call *c = t->c;
	unsigned i;

#define ARITY(a, r) (t->nargs == (a) && t->nret == (r))
	switch (t->token) {
	case HV_RTAS_GET_TIME_OF_DAY:
		if (!ARITY(0, 8)) {
			return -3;
		}
		for (i = 0; i < 7; i++) {
			put_ret(t, i + 1, (int32_t)c->r->part[c->part].tod[i]);
		}
		return 0;
	case HV_RTAS_SET_TIME_OF_DAY:
		return ARITY(7, 1) ? set_time_of_day(t) : -3;
	case HV_RTAS_EVENT_SCAN:
		return ARITY(4, 1) ? 1 : -3; /* no event */
	case HV_RTAS_POWER_OFF:
	case HV_RTAS_SYSTEM_REBOOT:
	case HV_RTAS_OS_TERM:
		if (!(t->token == HV_RTAS_POWER_OFF ? ARITY(2, 1) : t->token == HV_RTAS_OS_TERM ? ARITY(1, 1) : ARITY(0, 1))) {
			return -3;
		}
		halt_partition(c);
		return 0;
	case HV_RTAS_STOP_SELF:
		if (!ARITY(0, 1)) {
			return -3;
		}
		lp_ref_leave_thread(c->r, c->part, c->vcpu, LP_V_HALTED);
		c->pred->gives_up = true;
		return 0;
	case HV_RTAS_DISPLAY_CHARACTER:
		return ARITY(1, 1) ? 0 : -3;
	case HV_RTAS_QUERY_CPU_STOPPED_STATE:
		if (!ARITY(1, 2) || !cpu_named(t, t->args[0])) {
			return -3;
		}
		put_ret(t, 1, cpu_named(t, t->args[0])->state == LP_V_HALTED ? 0 : 2);
		return 0;
	case HV_RTAS_START_CPU:
		return ARITY(3, 1) ? start_cpu(t) : -3;
	}
#undef ARITY
	return -3; /* unknown token, and the interrupt-source services: there are no sources */
}

static int64_t ref_rtas(const struct ref_call *c)
{
	struct rtas t = { c, c->arg[0], 0, 0, 0, { 0 } };
	uint8_t raw[RTAS_BLOCK_BYTES];
	unsigned i;

	if ((t.la & 3) || !lp_ref_range_owned(c->r, c->part, t.la, RTAS_BLOCK_BYTES)) {
		return H_PARAMETER;
	}
	/* A word at a time: the block may straddle two LMBs that are not neighbours in real memory. */
	for (i = 0; i < RTAS_BLOCK_BYTES; i += 4) {
		if (!c->env->read(c->env->ctx, c->part, t.la + i, raw + i, 4)) {
			c->pred->known = false; /* the environment cannot tell what the partition's memory holds */
			return H_PARAMETER;
		}
	}
	t.token = be32_at(raw);
	t.nargs = be32_at(raw + 4);
	t.nret = be32_at(raw + 8);
	if (t.nargs > RTAS_WORDS || t.nret > RTAS_WORDS - t.nargs) {
		return H_PARAMETER; /* CVE-2021-37576: nothing may be read or written past the 16 words */
	}
	for (i = 0; i < t.nargs; i++) {
		t.args[i] = be32_at(raw + 12 + 4 * i);
	}
	if (t.nret) {
		put_ret(&t, 0, serve(&t));
	}
	return H_SUCCESS;
}

bool lp_ref_firmware_call(struct ref_call *c, uint64_t opcode, int64_t *rc)
{
	switch (opcode) {
	case H_REGISTER_PROC_TBL:
		*rc = ref_register_proc_tbl(c);
		return true;
	case H_RTAS:
		*rc = ref_rtas(c);
		return true;
	}
	return false;
}
