/*
 * vCPUs on hardware threads: dispatch (save the outgoing vCPU, overlay
 * every register of the incoming one), preemption, the scheduler, the
 * register accessor and DLPAR of processors. The processor hcalls a
 * partition issues are in vcpu_hcall.c.
 */
#include "internal.h"

static void regs_store(struct hv_machine *m, hv_raddr_t save, const struct hv_regs *regs)
{
	uint8_t *p = hv_real_ptr(m, save);
	unsigned i;

	plat_mem_dirty(m->plat, save, HV_SAVE_AREA_BYTES);
	for (i = 0; i < HV_REG_COUNT; i++) {
		hv_st_be64(p + 8 * i, regs->r[i]);
	}
}

static void regs_load(struct hv_machine *m, hv_raddr_t save, struct hv_regs *regs)
{
	const uint8_t *p = hv_real_ptr(m, save);
	unsigned i;

	for (i = 0; i < HV_REG_COUNT; i++) {
		regs->r[i] = hv_ld_be64(p + 8 * i);
	}
}

void hv_vcpu_save_and_idle(struct hv_machine *m, uint32_t thread, uint8_t new_state)
{
	struct hv_thread *t = &m->thread[thread];
	uint32_t slot = (uint32_t)t->part, vcpu = (uint32_t)t->vcpu;
	struct hv_vcpu *v = &m->part[slot].vcpu[vcpu];

	/* A partition can never hold MSR[HV]; keep the saved image honest. */
	t->regs.r[HV_REG_MSR] &= ~MSR_HV;
	regs_store(m, v->save, &t->regs);
	/* Scrub: nothing of this vCPU stays in the idle thread's register file. */
	hv_memset(&t->regs, 0, sizeof(t->regs));
	v->state = new_state;
	v->thread = -1;
	t->part = -1;
	t->vcpu = -1;
	t->changed = HV_CHANGED_ALL;
	plat_thread_idle(m->plat, thread);
	hv_vpa_note_dispatch(m, slot, vcpu, true);
}

void hv_vcpu_start(struct hv_machine *m, struct hv_partition *p, uint32_t vcpu, uint64_t nia, uint64_t r3)
{
	struct hv_vcpu *v = &p->vcpu[vcpu];
	struct hv_regs regs;

	HV_CHECK(m, v->state == HV_VCPU_HALTED);
	hv_regs_boot_state(&regs, vcpu);
	regs.r[HV_REG_NIA] = nia;
	regs.r[HV_REG_GPR + 3] = r3;
	regs_store(m, v->save, &regs);
	v->state = HV_VCPU_STOPPED;
	v->stop_reason = HV_STOP_NONE;
}

int hv_dispatch(struct hv_machine *m, uint32_t thread, uint32_t slot, uint32_t vcpu)
{
	struct hv_partition *p = hv_part(m, slot);
	struct hv_thread *t;
	struct hv_vcpu *v;

	if (!p || thread >= m->cfg.threads || vcpu >= m->cfg.max_vcpus) {
		return HV_ENOENT;
	}
	t = &m->thread[thread];
	v = &p->vcpu[vcpu];
	if (v->state == HV_VCPU_ABSENT) {
		return HV_ENOENT;
	}
	if (v->state != HV_VCPU_STOPPED) {
		return HV_EBUSY; /* running elsewhere, or ceded and not yet prodded */
	}
	/* Dedicated partitions run on their own threads, shared ones on the pool. */
	if (t->dedicated_to != (p->shared_proc ? -1 : (int8_t)slot)) {
		return HV_EINVAL;
	}
	if (t->part >= 0) {
		hv_vcpu_save_and_idle(m, thread, HV_VCPU_STOPPED);
	}
	HV_CHECK(m, t->part < 0 && v->thread < 0);
	regs_load(m, v->save, &t->regs);
	t->regs.r[HV_REG_MSR] &= ~MSR_HV;
	t->part = (int8_t)slot;
	t->vcpu = (int8_t)vcpu;
	t->changed = HV_CHANGED_ALL;
	v->state = HV_VCPU_RUNNING;
	v->thread = (int8_t)thread;
	plat_thread_run_partition(m->plat, thread, p->lpid);
	hv_vpa_note_dispatch(m, slot, vcpu, false);
	return HV_OK;
}

int hv_preempt(struct hv_machine *m, uint32_t thread)
{
	if (thread >= m->cfg.threads) {
		return HV_ENOENT;
	}
	if (m->thread[thread].part < 0) {
		return HV_ENOENT;
	}
	hv_vcpu_save_and_idle(m, thread, HV_VCPU_STOPPED);
	return HV_OK;
}

/* Whether (slot, vcpu) can be dispatched on thread t now. */
static bool runnable_on(struct hv_machine *m, const struct hv_thread *t, uint32_t slot, uint32_t vcpu)
{
	const struct hv_partition *p = &m->part[slot];

	return p->active && p->vcpu[vcpu].state == HV_VCPU_STOPPED &&
	       t->dedicated_to == (p->shared_proc ? -1 : (int8_t)slot);
}

int hv_schedule(struct hv_machine *m, uint32_t thread, uint32_t *slot, uint32_t *vcpu)
{
	uint32_t n = m->cfg.max_partitions * m->cfg.max_vcpus, k;
	struct hv_thread *t;

	if (thread >= m->cfg.threads) {
		return HV_ENOENT;
	}
	t = &m->thread[thread];
	if (t->part >= 0) {
		return HV_EBUSY;
	}
	for (k = 0; k < n; k++) {
		uint32_t i = (t->sched_next + k) % n;
		uint32_t s = i / m->cfg.max_vcpus, v = i % m->cfg.max_vcpus;

		if (runnable_on(m, t, s, v)) {
			t->sched_next = (uint16_t)((i + 1) % n);
			*slot = s;
			*vcpu = v;
			return hv_dispatch(m, thread, s, v);
		}
	}
	return HV_ENOENT;
}

int hv_vcpu_regs_get(struct hv_machine *m, uint32_t slot, uint32_t vcpu, struct hv_regs *out)
{
	struct hv_partition *p = hv_part(m, slot);
	const struct hv_vcpu *v;

	if (!p || vcpu >= m->cfg.max_vcpus || p->vcpu[vcpu].state == HV_VCPU_ABSENT) {
		return HV_ENOENT;
	}
	v = &p->vcpu[vcpu];
	if (v->state == HV_VCPU_RUNNING) {
		*out = m->thread[v->thread].regs;
	} else {
		regs_load(m, v->save, out);
	}
	return HV_OK;
}

int hv_vcpu_regs_set(struct hv_machine *m, uint32_t slot, uint32_t vcpu, const struct hv_regs *in)
{
	struct hv_partition *p = hv_part(m, slot);
	struct hv_regs r;

	if (!p || vcpu >= m->cfg.max_vcpus || p->vcpu[vcpu].state == HV_VCPU_ABSENT) {
		return HV_ENOENT;
	}
	if (p->vcpu[vcpu].state == HV_VCPU_RUNNING) {
		return HV_EBUSY;
	}
	r = *in;
	r.r[HV_REG_MSR] &= ~MSR_HV;
	regs_store(m, p->vcpu[vcpu].save, &r);
	return HV_OK;
}

int hv_dlpar_cpu_add(struct hv_machine *m, uint32_t slot, uint32_t vcpu)
{
	struct hv_partition *p = hv_part(m, slot);
	struct hv_vcpu *v;

	if (!p || vcpu >= m->cfg.max_vcpus) {
		return HV_ENOENT;
	}
	v = &p->vcpu[vcpu];
	if (v->state != HV_VCPU_ABSENT) {
		return HV_EEXIST;
	}
	/* An absent vCPU's save area reads zero (power-on, or hv_dlpar_cpu_remove scrubbed it). */
	hv_regs_boot_store(m, v->save, vcpu);
	v->state = HV_VCPU_STOPPED;
	/*
	 * Not running yet, so the dispatch count starts odd: every dispatch then
	 * makes it even and every preemption odd again (papr-spec §6.5).
	 */
	v->yield_count = p->shared_proc ? 1 : 0;
	hv_icp_reset(&v->icp); /* nothing requested or pending; removal zeroed the rest */
	return HV_OK;
}

int hv_dlpar_cpu_remove(struct hv_machine *m, uint32_t slot, uint32_t vcpu)
{
	struct hv_partition *p = hv_part(m, slot);
	struct hv_vcpu *v;
	hv_raddr_t save;

	if (!p || vcpu >= m->cfg.max_vcpus || p->vcpu[vcpu].state == HV_VCPU_ABSENT) {
		return HV_ENOENT;
	}
	v = &p->vcpu[vcpu];
	if (v->state == HV_VCPU_RUNNING) {
		return HV_EBUSY;
	}
	save = v->save;
	hv_real_zero(m, save, HV_SAVE_AREA_BYTES);
	hv_memset(v, 0, sizeof(*v));
	v->save = save;
	v->thread = -1;
	v->state = HV_VCPU_ABSENT;
	return HV_OK;
}
