/*
 * The hcall entry: one dispatch table from opcode to handler, the
 * privilege check, and the output-register discipline (defined outputs or
 * zero, never leftovers).
 */
#include "internal.h"

struct hcall_desc {
	hv_hcall_fn fn;
	const char *name;
};

#define HCALL(op, fn) [(op) / 4] = { fn, #op }

static const struct hcall_desc hcall_table[H_MAX_OPCODE / 4 + 1] = {
	HCALL(H_REMOVE, h_remove),
	HCALL(H_ENTER, h_enter),
	HCALL(H_READ, h_read),
	HCALL(H_CLEAR_MOD, h_clear_mod),
	HCALL(H_CLEAR_REF, h_clear_ref),
	HCALL(H_PROTECT, h_protect),
	HCALL(H_GET_TCE, h_get_tce),
	HCALL(H_PUT_TCE, h_put_tce),
	HCALL(H_SET_SPRG0, h_set_sprg0),
	HCALL(H_PAGE_INIT, h_page_init),
	HCALL(H_GET_TERM_CHAR, h_get_term_char),
	HCALL(H_PUT_TERM_CHAR, h_put_term_char),
	HCALL(H_REGISTER_VPA, h_register_vpa),
	HCALL(H_CEDE, h_cede),
	HCALL(H_CONFER, h_confer),
	HCALL(H_PROD, h_prod),
	HCALL(H_BULK_REMOVE, h_bulk_remove),
	HCALL(H_STUFF_TCE, h_stuff_tce),
	HCALL(H_PUT_TCE_INDIRECT, h_put_tce_indirect),
	HCALL(H_RANDOM, h_random),
	HCALL(H_SET_MODE, h_set_mode),
	HCALL(H_REGISTER_PROC_TBL, h_register_proc_tbl),
	HCALL(H_GET_CPU_CHARACTERISTICS, h_get_cpu_characteristics),
	HCALL(H_CPPR, h_cppr),
	HCALL(H_IPI, h_ipi),
	HCALL(H_XIRR, h_xirr),
	HCALL(H_EOI, h_eoi),
	HCALL(H_IPOLL, h_ipoll),
};

static const struct hcall_desc *hcall_lookup(uint64_t opcode)
{
	if ((opcode & 3) || opcode > H_MAX_OPCODE || !hcall_table[opcode / 4].fn) {
		return 0;
	}
	return &hcall_table[opcode / 4];
}

const char *hv_hcall_name(uint64_t opcode)
{
	const struct hcall_desc *d = hcall_lookup(opcode);

	if (opcode == H_RTAS) {
		return "H_RTAS"; /* past the architected opcodes the table spans */
	}
	return d ? d->name : 0;
}

static enum hv_exit hcall_run(struct hv_machine *m, uint32_t thread)
{
	struct hv_thread *t = &m->thread[thread];
	const struct hcall_desc *d;
	struct hv_call c;
	long rc;
	unsigned i;

	/* What `sc 1` itself does on hardware: the resume address and MSR go to SRR0/SRR1. */
	t->regs.r[HV_REG_SRR0] = t->regs.r[HV_REG_NIA];
	t->regs.r[HV_REG_SRR1] = t->regs.r[HV_REG_MSR];
	t->changed = HV_CHANGED_R3_R12 | HV_CHANGED_SRR;
	if (t->regs.r[HV_REG_MSR] & MSR_PR) {
		/* Problem state never reaches a handler; nothing else changes (§7.5 rule 8). */
		t->regs.r[HV_REG_GPR + 3] = (uint64_t)H_PRIVILEGE;
		return HV_EXIT_RESUME;
	}
	c.m = m;
	c.slot = (uint32_t)t->part;
	c.p = &m->part[c.slot];
	c.vcpu = (uint32_t)t->vcpu;
	c.thread = thread;
	c.exit = HV_EXIT_RESUME;
	c.idle_state = 0;
	/* Handlers read the argument registers in place and write outputs aside. */
	c.arg = &t->regs.r[HV_REG_GPR + 4];
	for (i = 0; i < 9; i++) {
		c.out[i] = 0;
	}
	d = hcall_lookup(t->regs.r[HV_REG_GPR + 3]);
	/*
	 * H_RTAS lies past the architected opcodes the table spans. Called by
	 * name: a table slot for it lets clang fold the lookup and load h_rtas's
	 * address through the GOT on the host (tools/check-freestanding.sh).
	 */
	rc = t->regs.r[HV_REG_GPR + 3] == H_RTAS ? h_rtas(&c) : d ? d->fn(&c) : H_FUNCTION;
	t->regs.r[HV_REG_GPR + 3] = (uint64_t)rc;
	for (i = 0; i < 9; i++) {
		t->regs.r[HV_REG_GPR + 4 + i] = c.out[i];
	}
	if (c.exit == HV_EXIT_IDLE) {
		/* The vCPU gave up its thread (H_CEDE, H_CONFER): it resumes after the sc later. */
		hv_vcpu_save_and_idle(m, thread, c.idle_state);
	}
	return c.exit;
}

void hv_partition_vector(const struct hv_partition *p, uint64_t interrupted_msr, uint64_t vector, uint64_t *nia,
			 uint64_t *msr)
{
	bool relocated = p->ail >= 2 && (interrupted_msr & (MSR_IR | MSR_DR)) == (MSR_IR | MSR_DR);

	*nia = (relocated ? (p->ail == 3 ? HV_PART_VECTOR_BASE : HV_PART_VECTOR_BASE_AIL2) : 0) + vector;
	*msr = MSR_SF | MSR_ME | (relocated ? MSR_IR | MSR_DR : 0) | (p->ile ? MSR_LE : 0);
}

static void part_interrupt_at(const struct hv_partition *p, uint64_t *r, uint64_t vector)
{
	hv_partition_vector(p, r[HV_REG_SRR1], vector, &r[HV_REG_NIA], &r[HV_REG_MSR]);
}
/* SRR1 bits of an ISI that carry its status (ISA: bits 33-36, 42-47). */
#define ISI_SRR1_STATUS 0x00000000783F0000ull

/*
 * A partition's own storage fault, reflected into its DSI/ISI vector as
 * the hardware would have delivered it without a hypervisor in between.
 */
static enum hv_exit storage_interrupt(struct hv_machine *m, uint32_t thread, enum hv_cause cause)
{
	struct hv_thread *t = &m->thread[thread];
	uint64_t *r = t->regs.r;

	if (!(r[HV_REG_MSR] & MSR_RI)) {
		/* Taken inside its own interrupt entry: SRR0/SRR1 still hold the first one's state. */
		struct hv_vcpu *v = &m->part[t->part].vcpu[t->vcpu];

		hv_vcpu_save_and_idle(m, thread, HV_VCPU_HALTED);
		v->stop_reason = HV_STOP_UNRECOVERABLE;
		return HV_EXIT_IDLE;
	}
	r[HV_REG_SRR0] = r[HV_REG_NIA];
	r[HV_REG_SRR1] = r[HV_REG_MSR];
	if (cause == HV_CAUSE_HDSI) {
		r[HV_REG_DAR] = t->fault.addr;
		r[HV_REG_DSISR] = (uint32_t)t->fault.dsisr;
		part_interrupt_at(&m->part[t->part], r, HV_VECTOR_DSI);
		t->changed = HV_CHANGED_SRR | HV_CHANGED_NIA_MSR | HV_CHANGED_DAR_DSISR;
	} else {
		r[HV_REG_SRR1] = (r[HV_REG_SRR1] & ~ISI_SRR1_STATUS) | (t->fault.dsisr & ISI_SRR1_STATUS);
		part_interrupt_at(&m->part[t->part], r, HV_VECTOR_ISI);
		t->changed = HV_CHANGED_SRR | HV_CHANGED_NIA_MSR;
	}
	return HV_EXIT_RESUME;
}

enum hv_exit hv_enter(struct hv_machine *m, uint32_t thread, enum hv_cause cause)
{
	struct hv_thread *t;

	if (thread >= m->cfg.threads || m->thread[thread].part < 0) {
		return HV_EXIT_BAD;
	}
	t = &m->thread[thread];
	/* The thread and its vCPU name each other (dispatch set both; every idle path clears both). */
	HV_CHECK(m, m->part[t->part].vcpu[t->vcpu].thread == (int8_t)thread);
	/* A partition never holds MSR[HV]: whatever the driver stored, the core does not trust it. */
	t->regs.r[HV_REG_MSR] &= ~MSR_HV;
	switch (cause) {
	case HV_CAUSE_SC1:
		return hcall_run(m, thread);
	case HV_CAUSE_HDEC:
		hv_preempt(m, thread); /* changed = HV_CHANGED_ALL */
		return HV_EXIT_IDLE;
	case HV_CAUSE_HDSI:
	case HV_CAUSE_HISI:
		return storage_interrupt(m, thread, cause);
	}
	t->changed = HV_CHANGED_NONE;
	return HV_EXIT_BAD;
}

long hv_hcall(struct hv_machine *m, uint32_t thread, uint64_t opcode, const uint64_t args[9], uint64_t out[9],
	      enum hv_exit *exit)
{
	struct hv_thread *t = &m->thread[thread];
	int8_t slot = thread < m->cfg.threads ? t->part : -1, vcpu = slot >= 0 ? t->vcpu : -1;
	const struct hv_regs *after = &t->regs;
	struct hv_regs saved;
	enum hv_exit e;
	unsigned i;

	if (slot >= 0) {
		t->regs.r[HV_REG_GPR + 3] = opcode;
		for (i = 0; i < 9; i++) {
			t->regs.r[HV_REG_GPR + 4 + i] = args[i];
		}
	}
	e = hv_enter(m, thread, HV_CAUSE_SC1);
	if (exit) {
		*exit = e;
	}
	if (e == HV_EXIT_BAD) {
		return H_HARDWARE; /* no vCPU issued it: there is nobody to return to */
	}
	if (e == HV_EXIT_IDLE) {
		/* Ceded or conferred: r3..r12 went to the save area with the rest. */
		hv_vcpu_regs_get(m, (uint32_t)slot, (uint32_t)vcpu, &saved);
		after = &saved;
	}
	if (out) {
		for (i = 0; i < 9; i++) {
			out[i] = after->r[HV_REG_GPR + 4 + i];
		}
	}
	return (long)after->r[HV_REG_GPR + 3];
}

const char *hv_rc_name(long rc)
{
	switch (rc) {
	case H_SUCCESS: return "H_SUCCESS";
	case H_BUSY: return "H_BUSY";
	case H_CLOSED: return "H_CLOSED";
	case H_NOT_AVAILABLE: return "H_NOT_AVAILABLE";
	case H_CONSTRAINED: return "H_CONSTRAINED";
	case H_PARTIAL: return "H_PARTIAL";
	case H_CONTINUE: return "H_CONTINUE";
	case H_HARDWARE: return "H_HARDWARE";
	case H_FUNCTION: return "H_FUNCTION";
	case H_PRIVILEGE: return "H_PRIVILEGE";
	case H_PARAMETER: return "H_PARAMETER";
	case H_BAD_MODE: return "H_BAD_MODE";
	case H_PTEG_FULL: return "H_PTEG_FULL";
	case H_NOT_FOUND: return "H_NOT_FOUND";
	case H_RESERVED_DABR: return "H_RESERVED_DABR";
	case H_NO_MEM: return "H_NO_MEM";
	case H_AUTHORITY: return "H_AUTHORITY";
	case H_PERMISSION: return "H_PERMISSION";
	case H_RESOURCE: return "H_RESOURCE";
	case H_NOT_ENOUGH_RESOURCES: return "H_NOT_ENOUGH_RESOURCES";
	case H_P2: return "H_P2";
	case H_P3: return "H_P3";
	case H_P4: return "H_P4";
	case H_UNSUPPORTED_FLAG: return "H_UNSUPPORTED_FLAG";
	}
	return 0;
}

const char *hv_stop_reason_name(unsigned reason)
{
	switch (reason) {
	case HV_STOP_UNRECOVERABLE: return "unrecoverable storage interrupt (MSR[RI] = 0)";
	case HV_STOP_POWER_OFF: return "powered off (RTAS power-off)";
	case HV_STOP_REBOOT: return "asked for a reboot (RTAS system-reboot)";
	case HV_STOP_OS_TERM: return "its operating system terminated (RTAS ibm,os-term)";
	case HV_STOP_SELF: return "stopped itself (RTAS stop-self)";
	}
	return 0;
}
