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

	return d ? d->name : 0;
}

static enum hv_exit hcall_run(struct hv_machine *m, uint32_t thread)
{
	struct hv_thread *t = &m->thread[thread];
	const struct hcall_desc *d;
	struct hv_call c;
	long rc;
	unsigned i;

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
	rc = d ? d->fn(&c) : H_FUNCTION;
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

enum hv_exit hv_enter(struct hv_machine *m, uint32_t thread, enum hv_cause cause)
{
	if (thread >= m->cfg.threads || m->thread[thread].part < 0) {
		return HV_EXIT_BAD;
	}
	switch (cause) {
	case HV_CAUSE_SC1:
		return hcall_run(m, thread);
	case HV_CAUSE_HDEC:
		hv_preempt(m, thread);
		return HV_EXIT_IDLE;
	}
	return HV_EXIT_BAD;
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
