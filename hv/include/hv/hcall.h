/*
 * The one entry every driver uses: a hardware thread's register file plus
 * hv_enter(thread, cause). The host tests, the Unicorn guests and the
 * firmware all come through here.
 */
#ifndef HV_HCALL_H
#define HV_HCALL_H

#include "hv/machine.h"

enum hv_cause {
	HV_CAUSE_SC1 = 0xC00,   /* sc 1: hypercall, r3 = opcode, r4..r12 = arguments */
	HV_CAUSE_HDEC = 0x980,  /* hypervisor decrementer: preempt the running vCPU */
};

enum hv_exit {
	HV_EXIT_RESUME = 0,     /* return to the vCPU now on the thread */
	HV_EXIT_IDLE = 1,       /* the thread has no vCPU (ceded, conferred, preempted) */
	HV_EXIT_BAD = 2,        /* nothing to run the cause for (thread idle, unknown cause) */
};

/*
 * Handles cause on thread. For HV_CAUSE_SC1 the thread's r3 becomes the
 * return code and r4..r12 the call's outputs, every output the call does not
 * define being zero. A caller in problem state gets H_PRIVILEGE and nothing
 * else changes.
 */
enum hv_exit hv_enter(struct hv_machine *m, uint32_t thread, enum hv_cause cause);

/* Dispatch: saves whatever vCPU runs on thread, then overlays every register of (slot, vcpu). */
int hv_dispatch(struct hv_machine *m, uint32_t thread, uint32_t slot, uint32_t vcpu);
/* Preemption: saves the running vCPU and leaves the thread idle with a scrubbed register file. */
int hv_preempt(struct hv_machine *m, uint32_t thread);

/* The boot register state of a new vCPU. */
void hv_regs_boot_state(struct hv_regs *regs, uint32_t vcpu);

/* Name of an hcall opcode ("H_ENTER") or 0. */
const char *hv_hcall_name(uint64_t opcode);
/* Name of a return code ("H_PARAMETER") or 0. */
const char *hv_rc_name(long rc);

#endif /* HV_HCALL_H */
