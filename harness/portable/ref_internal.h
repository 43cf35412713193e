/*
 * Private to the reference model (ref.c, ref_hpt.c): what one predicted
 * call carries and the helpers both halves share. Portable (no libc).
 */
#ifndef LPARSEC_REF_INTERNAL_H
#define LPARSEC_REF_INTERNAL_H

#include "hv/papr.h"
#include "lparsec/ref.h"

#define PAGE_4K   4096ull

/* The program's LMB size (256 KiB in version 1). */
static inline unsigned lmb_shift(const struct lp_ref *r)
{
	return r->cfg.lmb_shift;
}
_Static_assert(LP_LOGICAL_LMBS <= 64, "owned is a 64-bit mask");

/* One call being predicted. */
struct ref_call {
	struct lp_ref *r;
	const struct lp_ref_env *env;
	unsigned part;
	unsigned vcpu;
	const uint64_t *arg;
	struct lp_ref_pred *pred;
};

/* Every logical LMB [la, la + len) touches is owned by part (false for len 0 or a wrap). */
bool lp_ref_range_owned(const struct lp_ref *r, unsigned part, uint64_t la, uint64_t len);

/* HPT calls (ref_hpt.c): false when opcode is not one of them, else *rc is the prediction's r3. */
bool lp_ref_hpt_call(struct ref_call *c, uint64_t opcode, int64_t *rc);
/* Drops every entry of part whose page overlaps logical LMB lmb (DLPAR memory removal). */
void lp_ref_hpt_drop_lmb(struct lp_ref *r, unsigned part, uint64_t lmb);
/* Does part map a page larger than an LMB (over logical LMB lmb; any, when lmb < 0)? */
bool lp_ref_hpt_spans(const struct lp_ref *r, unsigned part, int lmb);

/* Interrupt presentation (ref_xics.c): H_CPPR, H_IPI, H_XIRR, H_EOI, H_IPOLL; false when opcode is none of them. */
bool lp_ref_xics_call(struct ref_call *c, uint64_t opcode, int64_t *rc);
/* Does v have an interrupt waiting that gets through its CPPR (what ends or prevents a cede)? */
static inline bool lp_ref_irq_waiting(const struct lp_ref_vcpu *v)
{
	return v->xisr != 0 && v->xisr_prio < v->cppr;
}

/* Partition-firmware calls (ref_rtas.c): H_REGISTER_PROC_TBL, H_RTAS; false when opcode is neither. */
bool lp_ref_firmware_call(struct ref_call *c, uint64_t opcode, int64_t *rc);
/* Processor calls (ref_vcpu.c): H_CEDE, H_CONFER, H_PROD, H_SET_MODE, H_GET_CPU_CHARACTERISTICS; false when opcode is none of them. */
bool lp_ref_vcpu_call(struct ref_call *c, uint64_t opcode, int64_t *rc);
/* The model changed part.v's state (where it runs, its counts). */
static inline void lp_ref_touch(struct lp_ref *r, unsigned part, unsigned v)
{
	r->vtouched |= (uint16_t)(1u << (part * LP_MAX_VCPUS + v));
}
_Static_assert(LP_MAX_PARTS * LP_MAX_VCPUS <= 16, "vtouched is a 16-bit mask");
/* The hypervisor decrementer on thread t of machine m (HV_ENOENT when it runs nothing). */
int lp_ref_preempt(struct lp_ref *r, unsigned m, unsigned t);
/* vCPU part.v leaves its thread for state (preempted, ceded, conferred). */
void lp_ref_leave_thread(struct lp_ref *r, unsigned part, unsigned v, uint8_t state);
/* A vCPU as DLPAR adds it (present) or removes it: stopped, no registrations, counts restarted. */
void lp_ref_vcpu_reset(struct lp_ref_vcpu *v, bool present, bool shared);
/* Records a store the hypervisor makes into part's memory during the current operation. */
void lp_ref_note_write(struct lp_ref *r, unsigned kind, unsigned part, uint64_t la, uint32_t len, uint64_t value);
void lp_ref_area_off(struct lp_ref_area *a);
/* Logical LMBs owned by part, counted. */
unsigned lp_ref_owned_count(const struct lp_ref *r, unsigned part);

#endif /* LPARSEC_REF_INTERNAL_H */
