/*
 * The host-direct driver: programs issue hcalls as C calls on a thread's
 * register file, partition loads and stores go through the harness's own
 * MMU walk (access.c), devices through the harness's DMA, and management
 * operations are console calls. Other drivers reuse what they do the same
 * way (DMA, management).
 */
#include "exec_internal.h"

static enum hv_exit host_hcall(struct lp_exec *x, unsigned machine, uint32_t thread)
{
	return hv_enter(&x->m[machine & 1], thread, HV_CAUSE_SC1);
}

/* The harness's walk is this driver's MMU: the executor's prediction is the access. */
uint8_t lp_host_access(struct lp_exec *x, unsigned machine, uint32_t thread, unsigned part, uint64_t ea, bool store,
		       uint64_t *value)
{
	(void)machine;
	(void)thread;
	(void)ea;
	if (!x->mmu_ok) {
		return LP_FAULT;
	}
	return lp_mmu_apply(x, part, &x->mmu, store, value);
}

int lp_host_dispatch(struct lp_exec *x, unsigned machine, uint32_t thread, uint32_t slot, uint32_t vcpu)
{
	return hv_dispatch(&x->m[machine & 1], thread, slot, vcpu);
}

int lp_host_preempt(struct lp_exec *x, unsigned machine, uint32_t thread)
{
	struct hv_machine *m = &x->m[machine & 1];

	if (thread >= m->cfg.threads || m->thread[thread].part < 0) {
		return HV_ENOENT;
	}
	return hv_enter(m, thread, HV_CAUSE_HDEC) == HV_EXIT_IDLE ? HV_OK : HV_EINVAL;
}

static int host_migrate(struct lp_exec *x, unsigned part)
{
	unsigned from = x->loc[part].machine;
	uint32_t dslot;
	int rc;

	rc = hv_partition_migrate(&x->m[from], x->loc[part].slot, &x->m[1 - from], &dslot);
	if (rc == HV_OK) {
		x->loc[part].machine = (uint8_t)(1 - from);
		x->loc[part].slot = (uint8_t)dslot;
	}
	return rc;
}

int lp_host_mgmt(struct lp_exec *x, const struct lp_op *op)
{
	struct hv_machine *m = lp_mach(x, op->part);
	uint32_t slot = x->loc[op->part].slot;

	switch (op->kind) {
	case LP_OP_MEM_ADD:
		return hv_dlpar_mem_add(m, slot, op->a, HV_NIL);
	case LP_OP_MEM_REMOVE:
		return hv_dlpar_mem_remove(m, slot, op->a);
	case LP_OP_CPU_ADD:
		return hv_dlpar_cpu_add(m, slot, op->vcpu);
	case LP_OP_CPU_REMOVE:
		return hv_dlpar_cpu_remove(m, slot, op->vcpu);
	case LP_OP_WIN_ASSIGN:
		return hv_window_assign(m, slot, lp_liobn(op->part, op->a & 1), lp_cfg_win_offset(&x->prog->cfg, op->part, op->a),
					(uint32_t)lp_cfg_win_entries(&x->prog->cfg, op->part, op->a));
	case LP_OP_WIN_UNASSIGN:
		return hv_window_unassign(m, slot, lp_liobn(op->part, op->a & 1));
	case LP_OP_RELOCATE:
		return hv_lmb_relocate(m, slot, op->a, HV_NIL);
	case LP_OP_MIGRATE:
		return host_migrate(x, op->part);
	}
	return HV_ENOENT;
}

const struct lp_driver lp_driver_host = {
	.name = "host",
	.ctx = 0,
	.caps = 0,
	.own_mmu = false,
	.hcall = host_hcall,
	.access = lp_host_access,
	.dma = lp_host_dma,
	.dispatch = lp_host_dispatch,
	.preempt = lp_host_preempt,
	.mgmt = lp_host_mgmt,
};
