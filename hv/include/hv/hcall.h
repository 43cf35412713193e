/*
 * The one entry every driver uses: a hardware thread's register file plus
 * hv_enter(thread, cause). The host library, the Unicorn engine and the
 * firmware all come through here, with the contract below.
 *
 * The register file. m->thread[t].regs is the vCPU's architected state
 * while the hypervisor runs. A driver whose CPU holds registers of its own
 * (Unicorn, real hardware) stores every register the CPU may have changed
 * into it before hv_enter, and after hv_enter loads back the registers
 * m->thread[t].changed names (all of them after HV_CHANGED_ALL).
 *
 * On entry, for every cause:
 *   NIA  the address the vCPU resumes at: the instruction after the sc for
 *        HV_CAUSE_SC1 (what the hardware put in SRR0), the interrupted or
 *        faulting instruction for the hypervisor interrupts (HSRR0);
 *   MSR  the vCPU's MSR at the interruption (SRR1 / HSRR1 without the
 *        interrupt's own bits); MSR[HV] is never set here.
 * Per cause:
 *   HV_CAUSE_SC1   r3 = opcode, r4..r12 = arguments. The core stores SRR0 =
 *                  NIA and SRR1 = MSR as `sc 1` does on hardware (a no-op
 *                  where the CPU already did: an emulated CPU may not).
 *   HV_CAUSE_HDEC  nothing more: the running vCPU is preempted.
 *   HV_CAUSE_HDSI  m->thread[t].fault.addr = HDAR (the effective address),
 *                  fault.dsisr = HDSISR.
 *   HV_CAUSE_HISI  fault.dsisr = the fault bits of HSRR1 (ISI status).
 *
 * On exit:
 *   HV_EXIT_RESUME  the same vCPU continues at NIA with MSR; `changed` says
 *                   which registers the entry wrote.
 *   HV_EXIT_IDLE    the thread holds no vCPU (H_CEDE, H_CONFER, HDEC, a
 *                   vCPU stopped by a fault it cannot take): its register
 *                   file is scrubbed, changed = HV_CHANGED_ALL, and the
 *                   platform heard plat_thread_idle. hv_schedule says what
 *                   runs next.
 *   HV_EXIT_BAD     no vCPU on the thread, or an unknown cause: nothing changed.
 *
 * Storage interrupts. The partition's own storage faults (no HPTE, no
 * permission) are its own business: with HV_CAUSE_HDSI/HISI the core
 * reflects them into the partition's vectors as DSI (0x300) / ISI (0x400)
 * -- SRR0 = NIA, SRR1 = MSR (| the ISI bits), DAR/DSISR from `fault`, then
 * as the partition's LPCR says (hv_partition_vector): with AIL 3 (how
 * partitions start, having no real-mode area) a fault of a relocating
 * context goes to NIA = HV_PART_VECTOR_BASE + vector with MSR = SF | IR |
 * DR | ME; with AIL 0 (a partition with a VRMA until it asks for AIL 3) to
 * NIA = vector with MSR = SF | ME; MSR[LE] = the partition's ILE. A
 * fault taken while MSR[RI] = 0 (in the partition's own interrupt entry)
 * cannot be reflected without losing SRR0/SRR1: the vCPU is stopped with
 * HV_STOP_UNRECOVERABLE, as hardware would checkstop it.
 */
#ifndef HV_HCALL_H
#define HV_HCALL_H

#include "hv/machine.h"

enum hv_cause {
	HV_CAUSE_SC1 = 0xC00,   /* sc 1: hypercall */
	HV_CAUSE_HDEC = 0x980,  /* hypervisor decrementer: preempt the running vCPU */
	HV_CAUSE_HDSI = 0xE00,  /* hypervisor data storage interrupt */
	HV_CAUSE_HISI = 0xE20,  /* hypervisor instruction storage interrupt */
};

enum hv_exit {
	HV_EXIT_RESUME = 0,     /* return to the vCPU now on the thread */
	HV_EXIT_IDLE = 1,       /* the thread has no vCPU (ceded, conferred, preempted, stopped) */
	HV_EXIT_BAD = 2,        /* nothing to run the cause for (thread idle, unknown cause) */
};

/* Registers an entry wrote (m->thread[t].changed), so a driver loads back only those. */
enum hv_changed {
	HV_CHANGED_NONE = 0,
	HV_CHANGED_R3_R12 = 1u << 0,    /* r3 (return code) .. r12 (outputs) */
	HV_CHANGED_SRR = 1u << 1,       /* SRR0, SRR1 */
	HV_CHANGED_NIA_MSR = 1u << 2,   /* where and how the vCPU resumes */
	HV_CHANGED_DAR_DSISR = 1u << 3,
	HV_CHANGED_SPRG0 = 1u << 4,
	HV_CHANGED_DEBUG = 1u << 5,     /* CIABR, DAWR0, DAWRX0 (H_SET_MODE) */
	HV_CHANGED_ALL = 0xFFFFFFFFu,   /* dispatch overlaid, or idle scrubbed, every register */
};

/* Effective address of a partition's interrupt vectors with LPCR[AIL] = 3 (relocated). */
#define HV_PART_VECTOR_BASE 0xC000000000004000ull
/* ... and with LPCR[AIL] = 2 (ISA 3.0; reserved from ISA 3.1 on). */
#define HV_PART_VECTOR_BASE_AIL2 0x18000ull
#define HV_VECTOR_DSI 0x300
#define HV_VECTOR_ISI 0x400

/*
 * Where and how partition p takes interrupt `vector` from a context whose
 * MSR was interrupted_msr, as the processor delivers it with the
 * partition's LPCR (H_SET_MODE): with AIL 3 (or 2) and relocation on
 * (IR = DR = 1) at HV_PART_VECTOR_BASE (or HV_PART_VECTOR_BASE_AIL2) +
 * vector with IR = DR = 1, otherwise at the vector's real address with
 * translation off; MSR[LE] = the partition's ILE. A driver reflecting an
 * interrupt itself (the firmware's emulation assist) uses the same rule.
 */
void hv_partition_vector(const struct hv_partition *p, uint64_t interrupted_msr, uint64_t vector, uint64_t *nia,
			 uint64_t *msr);

/* Handles cause on thread (the contract above). */
enum hv_exit hv_enter(struct hv_machine *m, uint32_t thread, enum hv_cause cause);

/*
 * Issues hcall `opcode` from the vCPU running on thread as its CPU would:
 * r3 = opcode, r4..r12 = args (nine, zeroes past what the call takes),
 * hv_enter(HV_CAUSE_SC1). Returns r3; out (if not null) receives r4..r12,
 * from the vCPU's saved registers when the call gave up the thread. *exit
 * (if not null) is what hv_enter returned. Drivers whose CPU executes the sc
 * itself do not use it; the host-direct driver, the tests, the demo and the
 * benchmarks do.
 */
long hv_hcall(struct hv_machine *m, uint32_t thread, uint64_t opcode, const uint64_t args[9], uint64_t out[9],
	      enum hv_exit *exit);

/* Dispatch: saves whatever vCPU runs on thread, then overlays every register of (slot, vcpu). */
int hv_dispatch(struct hv_machine *m, uint32_t thread, uint32_t slot, uint32_t vcpu);
/* Preemption: saves the running vCPU and leaves the thread idle with a scrubbed register file. */
int hv_preempt(struct hv_machine *m, uint32_t thread);

/*
 * The scheduler: dispatches on idle `thread` the next runnable vCPU of its
 * pool (the partition it is dedicated to, or the shared-processor
 * partitions), round robin over (partition, vCPU) from where this thread
 * last looked. HV_OK and *slot / *vcpu when one now runs; HV_ENOENT when
 * nothing can run there; HV_EBUSY when the thread is not idle.
 */
int hv_schedule(struct hv_machine *m, uint32_t thread, uint32_t *slot, uint32_t *vcpu);

/*
 * A vCPU's registers, read through the core: the live register file while
 * it runs, its save area otherwise. HV_ENOENT for an absent vCPU.
 */
int hv_vcpu_regs_get(struct hv_machine *m, uint32_t slot, uint32_t vcpu, struct hv_regs *out);
/*
 * Replaces the registers of a vCPU that is not running (a loader's entry
 * state, RTAS start-cpu); MSR[HV] is cleared. HV_EBUSY while it runs.
 */
int hv_vcpu_regs_set(struct hv_machine *m, uint32_t slot, uint32_t vcpu, const struct hv_regs *in);

/* The boot register state of a new vCPU. */
void hv_regs_boot_state(struct hv_regs *regs, uint32_t vcpu);

/*
 * Whether an external interrupt is presented to vCPU (slot, vcpu) and not
 * yet accepted: its ICP holds a source (XISR) whose priority is more
 * favoured than its CPPR (xics.c, papr-spec §6.10). A driver raises the
 * partition's external interrupt from it while the vCPU runs with MSR[EE]
 * on; H_XIRR accepting the source ends it. False for an absent vCPU.
 */
bool hv_vcpu_external_pending(const struct hv_machine *m, uint32_t slot, uint32_t vcpu);

/* Name of an hcall opcode ("H_ENTER") or 0. */
const char *hv_hcall_name(uint64_t opcode);
/* Name of a return code ("H_PARAMETER") or 0. */
const char *hv_rc_name(long rc);
/* Name of a vCPU stop reason ("unrecoverable storage interrupt") or 0. */
const char *hv_stop_reason_name(unsigned reason);

#endif /* HV_HCALL_H */
