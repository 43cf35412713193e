/*
 * The processor hcalls: H_CEDE, H_CONFER, H_PROD, H_SET_SPRG0, H_SET_MODE
 * and H_GET_CPU_CHARACTERISTICS (papr-spec §6). They name vCPUs of the
 * caller's partition by argument; dispatch and the vCPU lifecycle are in
 * vcpu.c, interrupt presentation in xics.c.
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

/*
 * Sleeps the caller until an H_PROD or an interrupt, unless one is already
 * there (no lost wake-up, §6.1): a pending prod is used up, a presented
 * interrupt stays for the vCPU to take (xics.c wakes a sleeping one).
 */
static long wait_for_prod(struct hv_call *c)
{
	struct hv_vcpu *v = caller_vcpu(c);

	if (v->prodded) {
		v->prodded = false;
		return H_SUCCESS;
	}
	if (hv_icp_signalled(&v->icp)) {
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

/*
 * H_SET_MODE (§6.6): r4 mflags, r5 resource, r6 value1, r7 value2.
 *
 * Order of the checks, one rule for every resource: the resource first
 * (H_P2 -- it decides what the other arguments mean), then the arguments in
 * register order: mflags (parameter 1, H_UNSUPPORTED_FLAG), value1 (H_P3),
 * value2 (H_P4). The answer names the first bad parameter. QEMU checks
 * value1 and value2 before mflags for ADDR_TRANS_MODE and LE and value2
 * before value1 for SET_CIABR; KVM checks mflags first for
 * ADDR_TRANS_MODE and value2 before mflags for SET_CIABR. They differ only
 * when two arguments are bad at once. A refused call changes nothing.
 *
 * No resource needs an ISA level here: the core runs on POWER9/10, so
 * QEMU's and KVM's "needs ISA 2.07" H_P2 never applies. The debug registers
 * belong to the caller's vCPU (its register file, saved and restored at
 * every switch); the interrupt mode to the whole partition (machine.h).
 */
long h_set_mode(struct hv_call *c)
{
	uint64_t mflags = c->arg[0], resource = c->arg[1], value1 = c->arg[2], value2 = c->arg[3];
	struct hv_thread *t = &c->m->thread[c->thread];

	switch (resource) {
	case H_SET_MODE_RESOURCE_SET_CIABR:
		if (mflags) {
			return H_UNSUPPORTED_FLAG;
		}
		if ((value1 & CIABR_PRIV_MASK) == CIABR_PRIV_HYPER) {
			return H_P3; /* a partition never breaks on the hypervisor's instructions (§6.6 core rule) */
		}
		if (value2) {
			return H_P4;
		}
		t->regs.r[HV_REG_CIABR] = value1;
		t->changed |= HV_CHANGED_DEBUG;
		return H_SUCCESS;
	case H_SET_MODE_RESOURCE_SET_DAWR0:
		if (mflags) {
			return H_UNSUPPORTED_FLAG;
		}
		if (value2 & DAWRX_HYP) {
			return H_P4; /* nor watches the hypervisor's accesses */
		}
		t->regs.r[HV_REG_DAWR + 0] = value1;
		t->regs.r[HV_REG_DAWRX + 0] = value2;
		t->changed |= HV_CHANGED_DEBUG;
		return H_SUCCESS;
	case H_SET_MODE_RESOURCE_ADDR_TRANS_MODE:
		/* AIL 0 (real mode), 2 (0x18000) or 3 (0xC000000000004000); AIL 1 is reserved. */
		if (mflags != 0 && mflags != 2 && mflags != 3) {
			return H_UNSUPPORTED_FLAG;
		}
		if (value1) {
			return H_P3;
		}
		if (value2) {
			return H_P4;
		}
		c->p->ail = (uint8_t)mflags;
		return H_SUCCESS;
	case H_SET_MODE_RESOURCE_LE:
		if (mflags != H_SET_MODE_ENDIAN_BIG && mflags != H_SET_MODE_ENDIAN_LITTLE) {
			return H_UNSUPPORTED_FLAG;
		}
		if (value1) {
			return H_P3;
		}
		if (value2) {
			return H_P4;
		}
		c->p->ile = mflags == H_SET_MODE_ENDIAN_LITTLE;
		return H_SUCCESS;
	}
	return H_P2;
}

/*
 * H_GET_CPU_CHARACTERISTICS (§6.10): r4 characteristics, r5 behaviours.
 * The core claims no hardware assist against speculative execution
 * (characteristics 0) and asks for every software mitigation Linux keys
 * on these bits: favour security, flush the L1 data cache on the way back
 * to problem state, a speculation barrier after bounds checks. A fixed
 * answer: the same on every platform, so every driver agrees (I12).
 */
long h_get_cpu_characteristics(struct hv_call *c)
{
	c->out[0] = 0;
	c->out[1] = H_CPU_BEHAV_FAVOUR_SECURITY | H_CPU_BEHAV_L1D_FLUSH_PR | H_CPU_BEHAV_BNDS_CHK_SPEC_BAR;
	return H_SUCCESS;
}
