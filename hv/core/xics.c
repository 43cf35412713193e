/*
 * XICS interrupt presentation (PAPR "hcall-xics", papr-spec §6.10): every
 * vCPU's ICP (struct hv_icp, machine.h) and the calls a partition's OS
 * drives it with -- H_CPPR, H_IPI, H_XIRR, H_EOI, H_IPOLL. Linux's
 * arch/powerpc/sysdev/xics/icp-hv.c is the caller; QEMU's hw/intc/xics.c
 * and KVM's book3s_xics.c are the behaviour followed. There is no interrupt
 * source controller (ICS) yet: the one source is the IPI (XICS_IPI), which
 * a vCPU's MFRR requests.
 *
 * Server numbers are the partition's vCPU indexes (its device tree's
 * ibm,interrupt-server#s: server n = vCPU n), resolved among the caller's
 * own vCPUs only (I8): anything else, or an absent vCPU, is H_PARAMETER and
 * no other partition's ICP is ever reached.
 *
 * Where the references differ, or say nothing, the core's choices:
 * - H_XIRR with nothing pending returns CPPR << 24 and changes nothing
 *   (KVM's kvmppc_h_xirr); QEMU's icp_accept would also set CPPR to 0xFF.
 * - H_EOI of a source other than the IPI and 0 (the XIRR an empty H_XIRR
 *   returned) answers H_PARAMETER and changes nothing. KVM answers
 *   H_PARAMETER for an unknown source but after changing the CPPR; QEMU
 *   answers H_SUCCESS. A failing call changes nothing (I7).
 * - H_CPPR as KVM's Up_CPPR / Down_CPPR: raising the priority (a smaller
 *   value) rejects a pending source no longer more favoured than it -- the
 *   IPI stays requested in MFRR and comes back when the CPPR allows;
 *   lowering it lets a requested IPI in. H_EOI's CPPR rejects nothing (KVM:
 *   lowering the CPPR value with EOI is a software error PAPR need not
 *   handle) and lets the IPI in again when MFRR is more favoured than it.
 * - CPPR and MFRR are the low 8 bits of their argument, H_EOI's XIRR the
 *   low 32 (QEMU and KVM truncate alike).
 * - An IPI presented to a ceded vCPU wakes it (runnable, as H_PROD does;
 *   KVM and QEMU wake a ceded vCPU for a pending interrupt), and H_CEDE or
 *   H_CONFER to itself returns at once while one is presented
 *   (vcpu_hcall.c): no wake-up is lost (§6.1).
 * - H_XIRR_X (0x2FC) is not implemented: its timebase output would be the
 *   one output no model could predict.
 */
#include "internal.h"

void hv_icp_reset(struct hv_icp *icp)
{
	icp->cppr = 0;
	icp->mfrr = XICS_PRIO_NONE;
	icp->pending = XICS_PRIO_NONE;
	icp->xisr = 0;
}

bool hv_vcpu_external_pending(const struct hv_machine *m, uint32_t slot, uint32_t vcpu)
{
	const struct hv_vcpu *v;

	if (slot >= m->cfg.max_partitions || !m->part[slot].active || vcpu >= m->cfg.max_vcpus) {
		return false;
	}
	v = &m->part[slot].vcpu[vcpu];
	return v->state != HV_VCPU_ABSENT && hv_icp_signalled(&v->icp);
}

/* The vCPU an interrupt server number names in the caller's partition, or 0 (I8). */
static struct hv_vcpu *server_arg(struct hv_call *c, uint64_t server)
{
	if (server >= c->m->cfg.max_vcpus || c->p->vcpu[server].state == HV_VCPU_ABSENT) {
		return 0;
	}
	return &c->p->vcpu[server];
}

static uint64_t xirr_of(const struct hv_icp *icp)
{
	return (uint64_t)icp->cppr << XICS_XIRR_CPPR_SHIFT | icp->xisr;
}

/*
 * The IPI is presented when MFRR is more favoured than both the CPPR and
 * what is pending (QEMU's icp_check_ipi, KVM's Check_IPI); with only IPIs
 * there is nothing else to reject. A ceded vCPU wakes up for it.
 */
static void check_ipi(struct hv_vcpu *v)
{
	struct hv_icp *icp = &v->icp;

	if (icp->mfrr >= icp->cppr || icp->mfrr >= icp->pending) {
		return;
	}
	icp->xisr = XICS_IPI;
	icp->pending = icp->mfrr;
	if (v->state == HV_VCPU_CEDED) {
		v->state = HV_VCPU_STOPPED; /* runnable: the scheduler brings it back to take the interrupt */
	}
}

long h_cppr(struct hv_call *c)
{
	struct hv_vcpu *v = &c->p->vcpu[c->vcpu];
	struct hv_icp *icp = &v->icp;
	uint8_t cppr = (uint8_t)c->arg[0], old = icp->cppr;

	icp->cppr = cppr;
	if (cppr > old) {
		check_ipi(v); /* less favoured now: a requested IPI may get in */
	} else if (cppr < old && icp->xisr && cppr <= icp->pending) {
		/* Rejected: no longer more favoured than the CPPR. The IPI stays requested in MFRR. */
		icp->xisr = 0;
		icp->pending = XICS_PRIO_NONE;
	}
	return H_SUCCESS;
}

long h_ipi(struct hv_call *c)
{
	struct hv_vcpu *v = server_arg(c, c->arg[0]);

	if (!v) {
		return H_PARAMETER;
	}
	v->icp.mfrr = (uint8_t)c->arg[1];
	check_ipi(v);
	return H_SUCCESS;
}

long h_xirr(struct hv_call *c)
{
	struct hv_icp *icp = &c->p->vcpu[c->vcpu].icp;

	c->out[0] = xirr_of(icp);
	if (icp->xisr) {
		/* Accepted: the CPPR rises to the source's priority until its EOI. */
		icp->cppr = icp->pending;
		icp->xisr = 0;
		icp->pending = XICS_PRIO_NONE;
	}
	return H_SUCCESS;
}

long h_eoi(struct hv_call *c)
{
	struct hv_vcpu *v = &c->p->vcpu[c->vcpu];
	uint32_t xirr = (uint32_t)c->arg[0], source = xirr & XICS_XISR_MASK;

	if (source != 0 && source != XICS_IPI) {
		return H_PARAMETER; /* no such source: there is no interrupt source controller */
	}
	/* An IPI has no source to tell: only the CPPR, and a requested IPI may come back. */
	v->icp.cppr = (uint8_t)(xirr >> XICS_XIRR_CPPR_SHIFT);
	check_ipi(v);
	return H_SUCCESS;
}

long h_ipoll(struct hv_call *c)
{
	const struct hv_vcpu *v = server_arg(c, c->arg[0]);

	if (!v) {
		return H_PARAMETER;
	}
	c->out[0] = xirr_of(&v->icp);
	c->out[1] = v->icp.mfrr;
	return H_SUCCESS;
}
