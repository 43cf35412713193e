/*
 * The reference model's processors (papr-spec §6.1-§6.6, §6.10): where
 * every vCPU is (stopped, running on a thread, ceded), which threads each
 * partition may run on, dispatch and preemption, H_CEDE / H_CONFER /
 * H_PROD, H_SET_MODE (debug registers, the partition's interrupt mode),
 * H_GET_CPU_CHARACTERISTICS, and the stores the hypervisor makes into a
 * shared-processor partition's VPA and dispatch trace log when its vCPUs
 * come and go. Written from the spec; no hv/core code. Every loop is
 * bounded by a small constant.
 */
#include "ref_internal.h"

#include "hv/machine.h" /* the HV_* codes of the management interface */

#define VPA_YIELD_OFFSET  0x100   /* be32 dispatch count: even while running, odd while not */
#define VPA_DTL_IDX       0x218   /* be64 trace entries written */
#define DTL_ENTRY_LEN     48

/* ---- the hypervisor's stores into partition memory ---- */

/*
 * A page the operation zeroes or copies over replaces what earlier stores
 * of the same operation left inside it (the VPA dispatch count of the
 * dispatch that preceded the call): only the page's own outcome is checked.
 */
static void supersede(struct lp_ref *r, unsigned part, uint64_t la, uint32_t len)
{
	uint32_t i = 0;

	while (i < r->nwrites) {
		const struct lp_ref_write *w = &r->writes[i];

		if (w->part == part && w->la >= la && w->la + w->len <= la + len) {
			r->writes[i] = r->writes[--r->nwrites];
		} else {
			i++;
		}
	}
}

void lp_ref_note_write(struct lp_ref *r, unsigned kind, unsigned part, uint64_t la, uint32_t len, uint64_t value)
{
	uint32_t i;

	if (kind == LP_W_ZERO_PAGE || kind == LP_W_COPY_PAGE) {
		supersede(r, part, la, len);
	}

	/* A later store to the same field in the same operation replaces the earlier one. */
	for (i = 0; i < r->nwrites && i < LP_REF_WRITES; i++) {
		struct lp_ref_write *w = &r->writes[i];

		if (w->kind == kind && w->part == part && w->la == la) {
			w->len = len;
			w->value = value;
			return;
		}
	}
	if (r->nwrites >= LP_REF_WRITES) {
		r->writes_overflow = true; /* the oracle then allows nothing it cannot name */
		return;
	}
	r->writes[r->nwrites].kind = (uint8_t)kind;
	r->writes[r->nwrites].part = (uint8_t)part;
	r->writes[r->nwrites].la = la;
	r->writes[r->nwrites].len = len;
	r->writes[r->nwrites].value = value;
	r->nwrites++;
}

/*
 * Part.v of a shared-processor partition was dispatched or left its thread:
 * the dispatch count moves on, and with a VPA registered the hypervisor
 * stores it there; a dispatch also appends a trace entry when a DTL is
 * registered (§6.5). Dedicated processors keep no count.
 */
static void count_switch(struct lp_ref *r, unsigned part, unsigned v, bool dispatched)
{
	struct lp_ref_vcpu *vc = &r->part[part].vcpu[v];
	uint64_t n;

	if (!r->part[part].shared) {
		return;
	}
	vc->yield++;
	if (!vc->vpa.on) {
		return;
	}
	lp_ref_note_write(r, LP_W_YIELD, part, vc->vpa.la + VPA_YIELD_OFFSET, 4, vc->yield);
	if (!dispatched || !vc->dtl.on) {
		return;
	}
	n = vc->dtl.len / DTL_ENTRY_LEN; /* at least one: registration refuses shorter logs */
	lp_ref_note_write(r, LP_W_DTL_ENTRY, part, vc->dtl.la + (vc->dtl_index % n) * DTL_ENTRY_LEN, DTL_ENTRY_LEN, v);
	vc->dtl_index++;
	lp_ref_note_write(r, LP_W_DTL_INDEX, part, vc->vpa.la + VPA_DTL_IDX, 8, vc->dtl_index);
}

/* ---- threads ---- */

/* May part run on thread t of its machine? Dedicated: its own thread; shared: the threads nobody owns. */
static bool in_pool(const struct lp_ref *r, unsigned part, unsigned t)
{
	const struct lp_ref_part *pp = &r->part[part];
	unsigned q;

	if (!pp->shared) {
		return pp->dedicated == (int)t;
	}
	for (q = 0; q < LP_MAX_PARTS; q++) {
		const struct lp_ref_part *o = &r->part[q];

		if (o->alive && !o->shared && o->machine == pp->machine && o->dedicated == (int)t) {
			return false;
		}
	}
	return true;
}

void lp_ref_leave_thread(struct lp_ref *r, unsigned part, unsigned v, uint8_t state)
{
	struct lp_ref_vcpu *vc = &r->part[part].vcpu[v];
	unsigned m = r->part[part].machine & 1;

	if (vc->thread >= 0 && vc->thread < LP_MAX_THREADS) {
		r->run_part[m][vc->thread] = -1;
	}
	vc->state = state;
	vc->thread = -1;
	lp_ref_touch(r, part, v);
	count_switch(r, part, v, false);
}

int lp_ref_dispatch(struct lp_ref *r, unsigned part, unsigned vcpu, unsigned thread)
{
	struct lp_ref_part *pp = &r->part[part];
	struct lp_ref_vcpu *vc;
	unsigned m;

	if (part >= LP_MAX_PARTS || !pp->alive || vcpu >= LP_MAX_VCPUS) {
		return HV_ENOENT;
	}
	m = pp->machine & 1;
	vc = &pp->vcpu[vcpu];
	if (thread >= r->mach[m].threads || thread >= LP_MAX_THREADS || vc->state == LP_V_ABSENT) {
		return HV_ENOENT;
	}
	if (vc->state != LP_V_STOPPED) {
		return HV_EBUSY; /* running somewhere, or ceded and not prodded */
	}
	if (!in_pool(r, part, thread)) {
		return HV_EINVAL;
	}
	if (r->run_part[m][thread] >= 0) {
		lp_ref_leave_thread(r, (unsigned)r->run_part[m][thread], (unsigned)r->run_vcpu[m][thread], LP_V_STOPPED);
	}
	r->run_part[m][thread] = (int8_t)part;
	r->run_vcpu[m][thread] = (int8_t)vcpu;
	vc->state = LP_V_RUNNING;
	vc->thread = (int8_t)thread;
	lp_ref_touch(r, part, vcpu);
	count_switch(r, part, vcpu, true);
	return HV_OK;
}

int lp_ref_pick_thread(const struct lp_ref *r, unsigned part, unsigned vcpu)
{
	const struct lp_ref_part *pp = &r->part[part];
	unsigned m, t, pass;

	if (part >= LP_MAX_PARTS || !pp->alive || vcpu >= LP_MAX_VCPUS || pp->vcpu[vcpu].state != LP_V_STOPPED) {
		return -1;
	}
	m = pp->machine & 1;
	/* First an idle thread of its pool, then one that runs somebody else. */
	for (pass = 0; pass < 2; pass++) {
		for (t = 0; t < r->mach[m].threads && t < LP_MAX_THREADS; t++) {
			if ((r->run_part[m][t] >= 0) == (pass == 0) || !in_pool(r, part, t)) {
				continue;
			}
			return (int)t;
		}
	}
	return -1;
}

/* The hypervisor decrementer on thread t of machine m: whoever runs there stops. */
int lp_ref_preempt(struct lp_ref *r, unsigned m, unsigned t)
{
	m &= 1;
	if (t >= r->mach[m].threads || t >= LP_MAX_THREADS || r->run_part[m][t] < 0) {
		return HV_ENOENT;
	}
	lp_ref_leave_thread(r, (unsigned)r->run_part[m][t], (unsigned)r->run_vcpu[m][t], LP_V_STOPPED);
	return HV_OK;
}

void lp_ref_vcpu_reset(struct lp_ref_vcpu *v, bool present, bool shared)
{
	v->present = present;
	v->state = present ? LP_V_STOPPED : LP_V_ABSENT;
	v->thread = -1;
	v->prodded = false;
	/* Not running yet: a shared processor's count starts odd (§6.5). */
	v->yield = present && shared ? 1 : 0;
	v->dtl_index = 0;
	lp_ref_area_off(&v->vpa);
	lp_ref_area_off(&v->dtl);
	lp_ref_area_off(&v->slb);
	/* Interrupt presentation at its reset (QEMU's icp_reset): CPPR 0, no IPI asked for, none waiting. */
	v->cppr = 0;
	v->mfrr = 0xFF;
	v->xisr = 0;
	v->xisr_prio = 0xFF;
}

/* ---- H_CEDE, H_CONFER, H_PROD (§6.1-§6.3) ---- */

static struct lp_ref_vcpu *vcpu_named(struct lp_ref *r, unsigned part, uint64_t id)
{
	if (id >= LP_MAX_VCPUS || r->part[part].vcpu[id].state == LP_V_ABSENT) {
		return 0;
	}
	return &r->part[part].vcpu[id];
}

/*
 * The caller sleeps until an H_PROD or an interrupt, unless one is already
 * there (no lost wake-up): a pending prod is used up; an interrupt waiting
 * past its CPPR stays waiting for the vCPU to take.
 */
static void wait_for_prod(struct ref_call *c)
{
	struct lp_ref_vcpu *me = &c->r->part[c->part].vcpu[c->vcpu];

	if (me->prodded) {
		me->prodded = false;
		lp_ref_touch(c->r, c->part, c->vcpu);
		return;
	}
	if (lp_ref_irq_waiting(me)) {
		return;
	}
	lp_ref_leave_thread(c->r, c->part, c->vcpu, LP_V_CEDED);
	c->pred->gives_up = true;
}

static int64_t ref_cede(struct ref_call *c)
{
	c->pred->msr_set = MSR_EE; /* the call returns with external interrupts enabled */
	wait_for_prod(c);
	return H_SUCCESS;
}

static int64_t ref_prod(struct ref_call *c)
{
	struct lp_ref_vcpu *v = vcpu_named(c->r, c->part, c->arg[0]);

	if (!v) {
		return H_PARAMETER;
	}
	if (v->state == LP_V_CEDED) {
		v->state = LP_V_STOPPED; /* runnable; the prod is used up by the wake-up */
		v->prodded = false;
	} else {
		v->prodded = true;
	}
	lp_ref_touch(c->r, c->part, (unsigned)c->arg[0]);
	return H_SUCCESS;
}

static int64_t ref_confer(struct ref_call *c)
{
	uint64_t target = c->arg[0], count = c->arg[1];
	struct lp_ref_vcpu *v;

	if (target == ~0ull) {
		/* The rest of the time slice to anyone: the caller is runnable again at once. */
		lp_ref_leave_thread(c->r, c->part, c->vcpu, LP_V_STOPPED);
		c->pred->gives_up = true;
		return H_SUCCESS;
	}
	v = vcpu_named(c->r, c->part, target);
	if (!v) {
		return H_PARAMETER;
	}
	if (target == c->vcpu) {
		wait_for_prod(c);
		return H_SUCCESS;
	}
	/* Only to a target still preempted at the dispatch count the caller read from its VPA. */
	if (v->vpa.on && (count & 1) && (uint32_t)count == v->yield) {
		lp_ref_leave_thread(c->r, c->part, c->vcpu, LP_V_STOPPED);
		c->pred->gives_up = true;
	}
	return H_SUCCESS;
}

/* ---- H_SET_MODE, H_GET_CPU_CHARACTERISTICS (§6.6, §6.10) ---- */

/* The call writes register reg of the caller (enum hv_reg) with value. */
static void sets_reg(struct ref_call *c, unsigned reg, uint64_t value)
{
	struct lp_ref_pred *p = c->pred;

	if (p->nregs < LP_REF_PRED_REGS) {
		p->reg[p->nregs] = (uint16_t)reg;
		p->reg_val[p->nregs] = value;
		p->nregs++;
	}
}

/*
 * Resources 1 (CIABR), 2 (DAWR0), 3 (interrupt location, AIL) and 4
 * (interrupt endianness, ILE). The core's order of checks: the resource,
 * then mflags, value1, value2 -- the first bad one is what is answered.
 */
static int64_t ref_set_mode(struct ref_call *c)
{
	uint64_t mflags = c->arg[0], res = c->arg[1], v1 = c->arg[2], v2 = c->arg[3];
	struct lp_ref_part *pp = &c->r->part[c->part];

	if (res < 1 || res > 4) {
		return H_P2;
	}
	if (res == 1 || res == 2) {
		if (mflags != 0) {
			return H_UNSUPPORTED_FLAG;
		}
		if (res == 1) {
			/* CIABR's privilege field (its two low bits) may not say "hypervisor" (3). */
			if ((v1 & 3) == 3) {
				return H_P3;
			}
			if (v2 != 0) {
				return H_P4;
			}
			sets_reg(c, HV_REG_CIABR, v1);
			return H_SUCCESS;
		}
		if (v2 & 4) {
			return H_P4; /* DAWRX may not watch hypervisor state */
		}
		sets_reg(c, HV_REG_DAWR, v1);
		sets_reg(c, HV_REG_DAWRX, v2);
		return H_SUCCESS;
	}
	/* The partition-wide modes: AIL 0, 2, 3 (1 is reserved); big (0) or little (1) endian. */
	if (res == 3 ? !(mflags == 0 || mflags == 2 || mflags == 3) : mflags > 1) {
		return H_UNSUPPORTED_FLAG;
	}
	if (v1 != 0) {
		return H_P3;
	}
	if (v2 != 0) {
		return H_P4;
	}
	if (res == 3) {
		pp->ail = (uint8_t)mflags;
	} else {
		pp->ile = mflags == 1;
	}
	return H_SUCCESS;
}

/* A fixed answer: no hardware assist, and the three software mitigations Linux knows (MSB-0 bits 0, 1, 2). */
static int64_t ref_get_cpu_characteristics(struct ref_call *c)
{
	c->pred->out[0] = 0;
	c->pred->out[1] = 0xE000000000000000ull;
	return H_SUCCESS;
}

bool lp_ref_vcpu_call(struct ref_call *c, uint64_t opcode, int64_t *rc)
{
	switch (opcode) {
	case H_CEDE: *rc = ref_cede(c); return true;
	case H_CONFER: *rc = ref_confer(c); return true;
	case H_PROD: *rc = ref_prod(c); return true;
	case H_SET_MODE: *rc = ref_set_mode(c); return true;
	case H_GET_CPU_CHARACTERISTICS: *rc = ref_get_cpu_characteristics(c); return true;
	}
	return false;
}
