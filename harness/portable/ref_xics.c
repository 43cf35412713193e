/*
 * The reference model's interrupt presentation (papr-spec §6.10, PAPR
 * "hcall-xics"): each vCPU's CPPR, MFRR and waiting source, driven by
 * H_CPPR, H_IPI, H_XIRR, H_EOI and H_IPOLL, written from the PAPR rules
 * and the behaviour of QEMU's and KVM's XICS -- not from hv/core. The only
 * source is the inter-processor interrupt (source number 2), requested
 * through a vCPU's MFRR; interrupt servers are the partition's own vCPU
 * numbers. The decisions where QEMU and KVM differ (papr-spec leaves them
 * open) are the core's documented ones:
 *   - H_XIRR with nothing waiting returns CPPR << 24 and changes nothing;
 *   - H_EOI of a source other than 2 and 0 is H_PARAMETER, nothing changed;
 *   - H_CPPR rejects the waiting source only when it raises the priority
 *     (a smaller value) to or past the source's, and only lets a requested
 *     IPI in when it lowers it; H_EOI never rejects, and lets it in;
 *   - an IPI let in to a ceded vCPU makes it runnable (ref_vcpu.c's cede
 *     returns at once while one waits).
 * Every loop is bounded; no hv/core code.
 */
#include "ref_internal.h"

#define PRIO_LEAST   0xFFu
#define SRC_IPI      2u
#define SRC_BITS     0xFFFFFFu

/* Server number -> the caller partition's vCPU, or 0 (never another partition's: I8). */
static struct lp_ref_vcpu *server(struct ref_call *c, uint64_t n)
{
	struct lp_ref_part *pp = &c->r->part[c->part];

	return n < LP_MAX_VCPUS && pp->vcpu[n].state != LP_V_ABSENT ? &pp->vcpu[n] : 0;
}

static uint64_t xirr_word(const struct lp_ref_vcpu *v)
{
	return ((uint64_t)v->cppr << 24) | v->xisr;
}

/*
 * MFRR asks for an IPI at its priority: it gets in when that beats both
 * the CPPR and whatever already waits. A vCPU sleeping in H_CEDE wakes.
 */
static void offer_ipi(struct lp_ref *r, unsigned part, unsigned n)
{
	struct lp_ref_vcpu *v = &r->part[part].vcpu[n];

	if (!(v->mfrr < v->cppr && v->mfrr < (v->xisr ? v->xisr_prio : PRIO_LEAST))) {
		return;
	}
	v->xisr = SRC_IPI;
	v->xisr_prio = v->mfrr;
	if (v->state == LP_V_CEDED) {
		v->state = LP_V_STOPPED;
	}
	lp_ref_touch(r, part, n);
}

static int64_t ref_cppr(struct ref_call *c)
{
	struct lp_ref_vcpu *me = &c->r->part[c->part].vcpu[c->vcpu];
	unsigned want = (unsigned)(c->arg[0] & 0xFF), was = me->cppr;

	me->cppr = (uint8_t)want;
	lp_ref_touch(c->r, c->part, c->vcpu);
	if (want < was) {
		if (me->xisr && want <= me->xisr_prio) {
			me->xisr = 0; /* rejected; the IPI request itself stays in MFRR */
			me->xisr_prio = PRIO_LEAST;
		}
	} else if (want > was) {
		offer_ipi(c->r, c->part, c->vcpu);
	}
	return H_SUCCESS;
}

static int64_t ref_ipi(struct ref_call *c)
{
	struct lp_ref_vcpu *v = server(c, c->arg[0]);

	if (!v) {
		return H_PARAMETER;
	}
	v->mfrr = (uint8_t)(c->arg[1] & 0xFF);
	lp_ref_touch(c->r, c->part, (unsigned)c->arg[0]);
	offer_ipi(c->r, c->part, (unsigned)c->arg[0]);
	return H_SUCCESS;
}

static int64_t ref_xirr(struct ref_call *c)
{
	struct lp_ref_vcpu *me = &c->r->part[c->part].vcpu[c->vcpu];

	c->pred->out[0] = xirr_word(me);
	if (me->xisr != 0) {
		me->cppr = me->xisr_prio; /* under service at its priority until the EOI */
		me->xisr = 0;
		me->xisr_prio = PRIO_LEAST;
		lp_ref_touch(c->r, c->part, c->vcpu);
	}
	return H_SUCCESS;
}

static int64_t ref_eoi(struct ref_call *c)
{
	struct lp_ref_vcpu *me = &c->r->part[c->part].vcpu[c->vcpu];
	uint64_t word = c->arg[0] & 0xFFFFFFFFull;
	uint64_t src = word & SRC_BITS;

	if (src != 0 && src != SRC_IPI) {
		return H_PARAMETER;
	}
	me->cppr = (uint8_t)(word >> 24);
	lp_ref_touch(c->r, c->part, c->vcpu);
	offer_ipi(c->r, c->part, c->vcpu);
	return H_SUCCESS;
}

static int64_t ref_ipoll(struct ref_call *c)
{
	const struct lp_ref_vcpu *v = server(c, c->arg[0]);

	if (!v) {
		return H_PARAMETER;
	}
	c->pred->out[0] = xirr_word(v);
	c->pred->out[1] = v->mfrr;
	return H_SUCCESS;
}

bool lp_ref_xics_call(struct ref_call *c, uint64_t opcode, int64_t *rc)
{
	switch (opcode) {
	case H_CPPR: *rc = ref_cppr(c); return true;
	case H_IPI: *rc = ref_ipi(c); return true;
	case H_XIRR: *rc = ref_xirr(c); return true;
	case H_EOI: *rc = ref_eoi(c); return true;
	case H_IPOLL: *rc = ref_ipoll(c); return true;
	}
	return false;
}
