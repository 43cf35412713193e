/*
 * The processor hcalls: H_CEDE, H_CONFER, H_PROD, H_SET_SPRG0 (papr-spec
 * §6). They name vCPUs of the caller's partition by argument; dispatch and
 * the vCPU lifecycle are in vcpu.c.
 */
#include "internal.h"

/* The caller's vCPU record. */
static struct hv_vcpu *caller_vcpu(struct hv_call *c)
{
	return &c->p->vcpu[c->vcpu];
}

/* A vCPU of the caller's partition named by an hcall argument, or 0 (I8). */
static struct hv_vcpu *vcpu_arg(struct hv_call *c, uint64_t id)
{
	if (id >= c->m->cfg.max_vcpus || c->p->vcpu[id].state == HV_VCPU_ABSENT) {
		return 0;
	}
	return &c->p->vcpu[id];
}

/* Sleeps the caller until an H_PROD, unless one is already pending (no lost wake-up). */
static long wait_for_prod(struct hv_call *c)
{
	struct hv_vcpu *v = caller_vcpu(c);

	if (v->prodded) {
		v->prodded = false;
		return H_SUCCESS;
	}
	c->exit = HV_EXIT_IDLE;
	c->idle_state = HV_VCPU_CEDED;
	return H_SUCCESS;
}

long h_cede(struct hv_call *c)
{
	/* On return MSR[EE] is on: the hypervisor enables interrupts as part of the call. */
	c->m->thread[c->thread].regs.r[HV_REG_MSR] |= MSR_EE;
	c->m->thread[c->thread].changed |= HV_CHANGED_NIA_MSR;
	return wait_for_prod(c);
}

long h_prod(struct hv_call *c)
{
	struct hv_vcpu *v = vcpu_arg(c, c->arg[0]);

	if (!v) {
		return H_PARAMETER;
	}
	if (v->state == HV_VCPU_CEDED) {
		v->state = HV_VCPU_STOPPED; /* runnable; the prod is consumed by the wake-up */
		v->prodded = false;
	} else {
		v->prodded = true;
	}
	return H_SUCCESS;
}

long h_confer(struct hv_call *c)
{
	uint64_t target = c->arg[0], count = c->arg[1];
	struct hv_vcpu *v;

	if (target == ~0ull) {
		/* Give the time slice to anyone: the caller becomes runnable again at once. */
		c->exit = HV_EXIT_IDLE;
		c->idle_state = HV_VCPU_STOPPED;
		return H_SUCCESS;
	}
	v = vcpu_arg(c, target);
	if (!v) {
		return H_PARAMETER;
	}
	if (target == c->vcpu) {
		return wait_for_prod(c);
	}
	/* Yield only to a target that is still preempted at the count the caller sampled. */
	if (!v->vpa.on || !(count & 1) || (uint32_t)count != v->yield_count) {
		return H_SUCCESS;
	}
	c->exit = HV_EXIT_IDLE;
	c->idle_state = HV_VCPU_STOPPED;
	return H_SUCCESS;
}

long h_set_sprg0(struct hv_call *c)
{
	c->m->thread[c->thread].regs.r[HV_REG_SPRG] = c->arg[0];
	c->m->thread[c->thread].changed |= HV_CHANGED_SPRG0;
	return H_SUCCESS;
}
