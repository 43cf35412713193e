/*
 * The executor: builds the program's machine, runs its operations the way
 * the three drivers would (hcalls through a thread's registers and
 * hv_enter, management operations through the console API), feeds the
 * reference model, and runs the oracles after every operation.
 */
#include "exec_internal.h"

void lp_machine_config(struct hv_config *cfg, const struct lp_config *prog)
{
	unsigned i;

	hv_config_default(cfg);
	cfg->lmb_size = prog ? lp_cfg_lmb_bytes(prog) : LP_LMB_BYTES;
	cfg->mem_size = prog ? lp_cfg_mem_bytes(prog) : LP_MEM_BYTES;
	cfg->max_partitions = LP_MAX_PARTS;
	cfg->max_vcpus = LP_MAX_VCPUS;
	cfg->threads = LP_MAX_THREADS;
	cfg->hpt_order_max = prog ? lp_cfg_hpt_order_max(prog) : LP_HPT_ORDER_MIN;
	cfg->logical_lmbs_max = LP_LOGICAL_LMBS;
	cfg->max_windows = LP_MAX_PARTS * LP_MAX_WINDOWS;
	cfg->window_entries_max = LP_WINDOW_ENTRIES;
	for (i = 0; prog && i < LP_MAX_PARTS * LP_MAX_WINDOWS; i++) {
		uint64_t e = lp_cfg_win_entries(prog, i / 2, i % 2);

		cfg->window_entries_max = e > cfg->window_entries_max ? (uint32_t)e : cfg->window_entries_max;
	}
}

int lp_part_of(const struct lp_exec *x, unsigned machine, unsigned slot)
{
	unsigned i;

	for (i = 0; i < x->prog->cfg.nparts; i++) {
		if (x->loc[i].alive && x->loc[i].machine == machine && x->loc[i].slot == slot) {
			return (int)i;
		}
	}
	return -1;
}

void lp_capture_thread(struct lp_exec *x, unsigned machine, unsigned thread)
{
	const struct hv_thread *t = &x->m[machine].thread[thread];
	int part = t->part < 0 ? -1 : lp_part_of(x, machine, (unsigned)t->part);

	if (part < 0) {
		return;
	}
	x->saved[part][t->vcpu] = t->regs;
	x->saved[part][t->vcpu].r[HV_REG_MSR] &= ~MSR_HV;
	x->saved_valid[part][t->vcpu] = true;
}

/* ---- the reference model's view of memory (its environment): through the harness's own map ---- */

static bool env_read(void *ctx, unsigned part, uint64_t la, void *buf, unsigned len)
{
	struct lp_exec *x = ctx;
	const struct hv_machine *m = lp_mach(x, part);
	uint8_t *d = buf;
	uint64_t ra;
	unsigned i;

	if (!lp_memmap_real(x, part, la, len, &ra) || ra > m->mem_size || len > m->mem_size - ra) {
		return false;
	}
	for (i = 0; i < len; i++) {
		d[i] = m->mem[ra + i];
	}
	return true;
}

static bool env_contiguous(void *ctx, unsigned part, uint64_t la, uint64_t size)
{
	uint64_t ra;

	return lp_memmap_real(ctx, part, la, size, &ra) && (ra & (size - 1)) == 0;
}

static bool env_has_entropy(void *ctx)
{
	(void)ctx;
	return true; /* programs run on platforms with a random source */
}

/* ---- set-up ---- */

static bool setup_partition(struct lp_exec *x, unsigned i, unsigned *dedicated_threads)
{
	const struct lp_config *c = &x->prog->cfg;
	struct hv_machine *m = &x->m[0];
	bool shared = c->shared[i];
	uint32_t slot, k;
	unsigned t = c->threads - 1 - *dedicated_threads;

	/* A dedicated partition takes a thread from the top, keeping thread 0 for the pool. */
	if (!shared && t == 0) {
		shared = true;
	}
	if (hv_partition_create(m, c->hpt_order[i], shared, &slot) != HV_OK) {
		return false;
	}
	x->loc[i].alive = true;
	x->loc[i].machine = 0;
	x->loc[i].slot = (uint8_t)slot;
	for (k = 0; k < c->lmbs[i]; k++) {
		if (hv_dlpar_mem_add(m, slot, k, HV_NIL) != HV_OK || lp_memmap_learn_add(x, 0, i, k) != LP_INV_NONE) {
			return false;
		}
	}
	for (k = 0; k < c->vcpus[i]; k++) {
		hv_dlpar_cpu_add(m, slot, k);
	}
	for (k = 0; k < c->windows[i]; k++) {
		hv_window_assign(m, slot, lp_liobn(i, k), lp_cfg_win_offset(c, i, k), (uint32_t)lp_cfg_win_entries(c, i, k));
	}
	if (!shared) {
		hv_thread_assign(m, t, (int)slot);
		(*dedicated_threads)++;
	}
	lp_ref_place(&x->ref, i, shared, (int)t);
	return true;
}

static void exec_reset(struct lp_exec *x, const struct lp_prog *p, struct hv_plat *plat0, struct hv_plat *plat1,
		       bool backdoor)
{
	unsigned i, j;

	x->prog = p;
	x->plat[0] = plat0;
	x->plat[1] = plat1;
	x->backdoor_enabled = backdoor;
	x->ops_run = 0;
	x->reloc_backdoor_armed = false;
	x->hcall_backdoor_armed = LP_BD_NONE;
	x->viol.inv = LP_INV_NONE;
	x->viol.op = 0;
	x->viol.msg[0] = 0;
	for (i = 0; i < LP_MAX_PARTS; i++) {
		x->loc[i].alive = false;
		x->loc[i].last_ptex = 0;
		for (j = 0; j < LP_MAX_VCPUS; j++) {
			x->saved_valid[i][j] = false;
		}
	}
	x->tlb_valid = 0;
	x->iotlb_valid = 0;
	x->inv.snap.view_current = false;
}

/* ---- running operations ---- */

/*
 * Thread (of the actor's machine) on which p.v runs, dispatching it where
 * the model says it would go if needed (*dispatched tells); -1 if it
 * cannot run, or the core's dispatch did not do what the model predicted
 * (x->viol says so).
 */
static int ensure_running(struct lp_exec *x, uint32_t opi, unsigned part, unsigned vcpu, bool *dispatched)
{
	const struct lp_ref_vcpu *v = &x->ref.part[part].vcpu[vcpu & (LP_MAX_VCPUS - 1)];
	int t, want, rc;

	*dispatched = false;
	if (!lp_partition(x, part) || vcpu >= LP_MAX_VCPUS) {
		return -1;
	}
	if (v->state == LP_V_RUNNING) {
		return v->thread; /* where the core runs it too: checked after every operation */
	}
	t = lp_ref_pick_thread(&x->ref, part, vcpu);
	if (t < 0) {
		return -1; /* absent, ceded and not prodded, or no thread of its pool */
	}
	lp_capture_thread(x, x->loc[part].machine, (unsigned)t);
	want = lp_ref_dispatch(&x->ref, part, vcpu, (unsigned)t);
	rc = x->drv->dispatch(x, x->loc[part].machine, (unsigned)t, x->loc[part].slot, vcpu);
	if (rc != want) {
		lp_violate(x, LP_INV_I7, opi, "dispatch result differs from the model", (uint64_t)(int64_t)rc,
			   (uint64_t)(int64_t)want);
		return -1;
	}
	*dispatched = true;
	x->op_dispatched = true;
	return t;
}

/* I5 for a dispatch the executor made itself: the thread must hold what the vCPU left with. */
static bool dispatched_state_ok(struct lp_exec *x, unsigned part, unsigned vcpu, int thread)
{
	const struct hv_regs *r = &lp_mach(x, part)->thread[thread].regs;
	uint64_t diff = 0;
	unsigned i;

	if (!x->saved_valid[part][vcpu]) {
		return true; /* boot state: checked by the oracle for explicit dispatches */
	}
	for (i = 0; i < HV_REG_COUNT; i++) {
		diff |= r->r[i] ^ x->saved[part][vcpu].r[i]; /* no early exit: the compiler vectorizes it */
	}
	return diff == 0;
}

/*
 * Whether op's vCPU runs on thread t (ensure_running's answer) with what it
 * left with: otherwise the operation is skipped, or I5 is violated.
 */
static bool vcpu_ready(struct lp_exec *x, uint32_t opi, const struct lp_op *op, int t, bool dispatched)
{
	if (x->viol.inv != LP_INV_NONE) {
		return false;
	}
	if (t < 0) {
		x->res[opi].status = LP_SKIPPED;
		return false;
	}
	if (dispatched && !dispatched_state_ok(x, op->part, op->vcpu, t)) {
		lp_violate(x, LP_INV_I5, opi, "dispatched vCPU's registers differ from what it left with", op->part,
			   op->vcpu);
		return false;
	}
	return true;
}

static void run_hcall(struct lp_exec *x, uint32_t opi, const struct lp_op *op)
{
	struct lp_op_result *r = &x->res[opi];
	struct lp_ref_env env = { x, env_read, env_contiguous, env_has_entropy };
	struct lp_ref_pred pred;
	struct hv_machine *m;
	struct hv_regs *regs;
	enum hv_exit exit;
	bool dispatched, was_problem;
	int t = ensure_running(x, opi, op->part, op->vcpu, &dispatched);
	unsigned i;

	for (i = 0; i < 9; i++) {
		r->arg[i] = i < op->nargs ? lp_resolve(x, op, i) : 0;
	}
	if (!vcpu_ready(x, opi, op, t, dispatched)) {
		return;
	}
	m = lp_mach(x, op->part);
	regs = &m->thread[t].regs;
	regs->r[HV_REG_GPR + 3] = op->opcode;
	for (i = 0; i < 9; i++) {
		regs->r[HV_REG_GPR + 4 + i] = r->arg[i];
	}
	was_problem = (regs->r[HV_REG_MSR] & MSR_PR) != 0;
	if (op->problem) {
		regs->r[HV_REG_MSR] |= MSR_PR; /* this call only: undone below */
	}
	x->hc_pre = *regs; /* what the call starts from: the oracles build what it must leave from it */
	if (regs->r[HV_REG_MSR] & MSR_PR) {
		/* Problem state (a planted MSR): H_PRIVILEGE, every other register untouched. */
		pred = (struct lp_ref_pred){ .known = true, .rc = H_PRIVILEGE, .out_known = 0x1FF };
		for (i = 0; i < 9; i++) {
			pred.out[i] = r->arg[i];
		}
	} else {
		/* The model sees the call first: it reads the same memory the core is about to read. */
		lp_ref_hcall(&x->ref, &env, op->part, op->vcpu, op->opcode, r->arg, &pred);
		x->wunknown = !pred.known;
	}
	exit = x->drv->hcall(x, x->loc[op->part].machine, (uint32_t)t);
	if (x->hcall_backdoor_armed) {
		lp_backdoor_after_hcall(x, op->part, op->vcpu, regs, exit == HV_EXIT_IDLE);
	}
	if (exit == HV_EXIT_IDLE) {
		/* Ceded or conferred: what it left with is in its save area now. */
		hv_vcpu_regs_get(m, x->loc[op->part].slot, op->vcpu, &x->hc_after);
		regs = &x->hc_after;
	}
	r->rc = (int64_t)regs->r[HV_REG_GPR + 3];
	for (i = 0; i < 9; i++) {
		r->out[i] = regs->r[HV_REG_GPR + 4 + i];
	}
	if (op->opcode == H_ENTER && r->rc == H_SUCCESS) {
		x->loc[op->part].last_ptex = r->out[0];
	}
	if (lp_inv_hcall(x, opi, &pred) == LP_INV_NONE) {
		lp_inv_hcall_regs(x, opi, &pred, regs, exit == HV_EXIT_IDLE ? HV_CHANGED_ALL : m->thread[t].changed);
	}
	if (op->problem && !was_problem) {
		/* Back in the state it was in (the application returned to its kernel); H_PRIVILEGE kept the thread. */
		m->thread[t].regs.r[HV_REG_MSR] &= ~MSR_PR;
	}
}

static void capture_partition_threads(struct lp_exec *x, unsigned part)
{
	struct hv_machine *m = lp_mach(x, part);
	unsigned t;

	for (t = 0; t < m->cfg.threads; t++) {
		if (m->thread[t].part == (int8_t)x->loc[part].slot) {
			lp_capture_thread(x, x->loc[part].machine, t);
		}
	}
}

/*
 * Management operations: the model predicts each (and applies what it
 * predicts), the driver performs it on the actor's machine, the two must
 * agree; memory that moved is learnt by the harness's map.
 */
static void run_mgmt(struct lp_exec *x, uint32_t opi, const struct lp_op *op)
{
	struct lp_op_result *r = &x->res[opi];
	struct hv_machine *m = lp_mach(x, op->part);
	unsigned machine = x->loc[op->part].machine;
	int rc, want;

	if (!x->loc[op->part].alive) {
		r->status = LP_SKIPPED;
		return;
	}
	want = lp_ref_mgmt(&x->ref, op);
	switch (op->kind) {
	case LP_OP_DISPATCH:
		if (op->a < m->cfg.threads) {
			lp_capture_thread(x, machine, op->a);
		}
		lp_inv_before_dispatch(x, opi);
		rc = x->drv->dispatch(x, machine, op->a, x->loc[op->part].slot, op->vcpu);
		break;
	case LP_OP_PREEMPT:
		if (op->a < m->cfg.threads) {
			lp_capture_thread(x, machine, op->a);
		}
		rc = x->drv->preempt(x, machine, op->a);
		break;
	case LP_OP_MIGRATE:
		capture_partition_threads(x, op->part);
		rc = x->drv->mgmt(x, op);
		break;
	default:
		rc = x->drv->mgmt(x, op);
		break;
	}
	if (rc == HV_OK && (op->kind == LP_OP_CPU_ADD || op->kind == LP_OP_CPU_REMOVE)) {
		x->saved_valid[op->part][op->vcpu] = false; /* a (re-)added vCPU starts from the boot state */
	}
	if (rc == HV_OK && op->kind == LP_OP_RELOCATE) {
		lp_backdoor_after_relocate(x, op->part, op->a);
	}
	r->rc = rc;
	if (rc != want) {
		lp_violate(x, LP_INV_I7, opi, "management operation result differs from the model", (uint64_t)(int64_t)rc,
			   (uint64_t)(int64_t)want);
		return;
	}
	if (rc == HV_OK && lp_memmap_learn(x, opi, op) == LP_INV_NONE &&
	    (op->kind == LP_OP_MEM_ADD || op->kind == LP_OP_MEM_REMOVE || op->kind == LP_OP_RELOCATE ||
	     op->kind == LP_OP_MIGRATE)) {
		if (x->inv.thorough || x->backdoor_enabled) {
			lp_memmap_check(x, opi, true);
		} else {
			lp_memmap_check_op(x, opi, op->part);
		}
	}
}

/* A LOAD/STORE by p.v (running, dispatched if needed), judged against the harness's MMU when the driver has its own. */
static void run_load_store(struct lp_exec *x, uint32_t opi, const struct lp_op *op, bool store)
{
	struct lp_op_result *r = &x->res[opi];
	bool dispatched;
	int t = ensure_running(x, opi, op->part, op->vcpu, &dispatched);
	uint64_t value = op->value;

	r->arg[0] = lp_resolve(x, op, 0);
	if (!vcpu_ready(x, opi, op, t, dispatched)) {
		return;
	}
	switch (lp_mmu_translate(x, op->part, r->arg[0], store, &x->mmu)) {
	case LP_MMU_AMBIGUOUS:
		/* Which entry's page and R/C the MMU uses is undefined: no driver is asked to agree. */
		r->status = LP_SKIPPED;
		return;
	case LP_MMU_OK:
		x->mmu_ok = true;
		break;
	default:
		x->mmu_ok = false;
		break;
	}
	r->status = x->drv->access(x, x->loc[op->part].machine, (uint32_t)t, op->part, r->arg[0] & ~7ull, store, &value);
	if (x->drv->own_mmu) {
		lp_inv_count(&x->inv.counts, LP_INV_I12, x->mmu_ok);
	}
	if (x->drv->own_mmu && (r->status == LP_RAN) != x->mmu_ok) {
		lp_violate(x, LP_INV_I12, opi,
			   x->mmu_ok ? "the driver's MMU faulted where the harness's translates"
				     : "the driver's MMU translated where the harness's faults",
			   r->arg[0], x->mmu_ok ? x->mmu.ra : 0);
		return;
	}
	if (r->status != LP_RAN) {
		return;
	}
	r->out[0] = value;
	if (x->drv->own_mmu && !lp_mmu_agrees(x, op->part, &x->mmu, store, value)) {
		lp_violate(x, LP_INV_I12, opi, "the driver's access reached other memory or R/C than the harness's",
			   r->arg[0], x->mmu.ra);
		return;
	}
	lp_mmu_note(x, op->part, &x->mmu, store);
}

/* Device DMA through window op->a of the actor: out[0] = the doubleword read (or written). */
static void run_dma(struct lp_exec *x, uint32_t opi, const struct lp_op *op, bool write)
{
	struct lp_op_result *r = &x->res[opi];
	uint64_t value = op->value;

	r->arg[0] = lp_resolve(x, op, 0);
	r->status = x->drv->dma(x, op->part, lp_liobn(op->part, op->a & 1), r->arg[0], write, &value);
	if (r->status == LP_RAN) {
		r->out[0] = value;
	}
}

static void run_plant(struct lp_exec *x, uint32_t opi, const struct lp_op *op)
{
	bool dispatched;
	int t = ensure_running(x, opi, op->part, op->vcpu, &dispatched);

	if (!vcpu_ready(x, opi, op, t, dispatched)) {
		return;
	}
	/* What the vCPU could do itself: any register but MSR[HV]. */
	lp_mach(x, op->part)->thread[t].regs.r[op->reg] =
		op->reg == HV_REG_MSR ? op->value & ~MSR_HV : op->value;
}

/* REGS: the vCPU reads its own registers reg .. reg + 8 (it runs: dispatched first if it was not). */
static void run_regs(struct lp_exec *x, uint32_t opi, const struct lp_op *op)
{
	bool dispatched;
	int t = ensure_running(x, opi, op->part, op->vcpu, &dispatched);
	unsigned i;

	if (!vcpu_ready(x, opi, op, t, dispatched)) {
		return;
	}
	for (i = 0; i < 9 && op->reg + i < HV_REG_COUNT; i++) {
		x->res[opi].out[i] = lp_mach(x, op->part)->thread[t].regs.r[op->reg + i];
	}
}

/*
 * POKE and FILL: the partition stores into its own memory, as it could
 * itself (in real mode, say): through the harness's own map of what it
 * owns, all or nothing (LP_FAULT when any byte is not its own). The
 * harness stores, not the hypervisor: the write-set oracle does not judge
 * them, the platform is told (sweeps, resets).
 */
static void own_store(struct lp_exec *x, uint32_t opi, const struct lp_op *op, uint64_t la, uint64_t len)
{
	struct hv_machine *m = lp_mach(x, op->part);
	uint64_t ra, done, chunk, pass;

	x->res[opi].arg[0] = la;
	if (!x->loc[op->part].alive) {
		x->res[opi].status = LP_SKIPPED;
		return;
	}
	x->wjudge = false;
	/* LMB by LMB (logically contiguous memory need not be real contiguous): first all owned, then the stores. */
	for (pass = 0; pass < 2; pass++) {
		for (done = 0; done < len; done += chunk) {
			uint64_t i, lmb_left = m->cfg.lmb_size - ((la + done) & (m->cfg.lmb_size - 1));

			chunk = len - done < lmb_left ? len - done : lmb_left;
			if (!lp_memmap_real(x, op->part, la + done, chunk, &ra)) {
				x->res[opi].status = LP_FAULT;
				return;
			}
			if (pass == 0) {
				continue;
			}
			plat_mem_dirty(x->plat[x->loc[op->part].machine], hv_ra(ra), chunk);
			for (i = 0; i < chunk; i += 8) { /* la and len are doubleword multiples: the value big-endian */
				hv_st_be64(m->mem + ra + i, op->value);
			}
		}
	}
}

static void run_op(struct lp_exec *x, uint32_t opi)
{
	const struct lp_op *op = &x->prog->op[opi];
	struct lp_op_result *r = &x->res[opi];
	unsigned i;

	r->status = LP_RAN;
	r->rc = 0;
	x->op_dispatched = false;
	lp_ref_writes_clear(&x->ref);
	lp_memmap_op_begin(x);
	lp_writes_begin(x, opi);
	for (i = 0; i < 9; i++) {
		r->arg[i] = 0;
		r->out[i] = 0;
	}
	switch (op->kind) {
	case LP_OP_HCALL:
		run_hcall(x, opi, op);
		break;
	case LP_OP_DMA_READ:
	case LP_OP_DMA_WRITE:
		run_dma(x, opi, op, op->kind == LP_OP_DMA_WRITE);
		break;
	case LP_OP_LOAD:
	case LP_OP_STORE:
		run_load_store(x, opi, op, op->kind == LP_OP_STORE);
		break;
	case LP_OP_PLANT:
		run_plant(x, opi, op);
		break;
	case LP_OP_REGS:
		run_regs(x, opi, op);
		break;
	case LP_OP_POKE:
		own_store(x, opi, op, lp_resolve(x, op, 0) & ~7ull, 8);
		break;
	case LP_OP_FILL:
		own_store(x, opi, op, lp_resolve(x, op, 0) & ~0xFFFull, (uint64_t)op->a * 4096);
		break;
	case LP_OP_BACKDOOR:
		lp_run_backdoor(x, op);
		if (x->backdoor_enabled) {
			/* Corrupted state is judged at once, before later operations can wash it out. */
			lp_inv_full(x, opi);
		}
		break;
	default:
		if (op->kind == LP_OP_MEM_REMOVE || op->kind == LP_OP_RELOCATE || op->kind == LP_OP_MIGRATE) {
			lp_inv_before(x, opi);
		}
		run_mgmt(x, opi, op);
		break;
	}
	lp_writes_end(x, opi);
}

enum lp_inv lp_exec_run(struct lp_exec *x, const struct lp_prog *p, struct hv_plat *plat0, struct hv_plat *plat1,
			bool backdoor_enabled)
{
	struct hv_config cfg;
	unsigned i, dedicated = 0;

	exec_reset(x, p, plat0, plat1, backdoor_enabled);
	x->wseen = 0;
	x->wjudge = false;
	if (!x->drv) {
		x->drv = &lp_driver_host;
	}
	if (p->cfg.version != 1 && p->cfg.version != 2) {
		/* Decode and the text parser give normal programs; one put together by hand needs lp_prog_normalize. */
		return lp_violate(x, LP_INV_I10, 0, "program configuration not normalized (version must be 1 or 2)",
				  p->cfg.version, 0);
	}
	lp_machine_config(&cfg, &p->cfg);
	cfg.threads = p->cfg.threads;
	if (hv_machine_init(&x->m[0], &cfg, plat0) != HV_OK || hv_machine_init(&x->m[1], &cfg, plat1) != HV_OK) {
		return lp_violate(x, LP_INV_I10, 0, "machine set-up failed", 0, 0);
	}
	lp_memmap_init(x);
	x->tracked = true;
	__builtin_memset(&x->inv.counts, 0, sizeof(x->inv.counts));
	lp_ref_init(&x->ref, &p->cfg);
	x->ref.r_preset = (x->m[0].caps & HV_PLAT_CAP_HPTE_R_PRESET) != 0;
	x->ref.stores_unseen = (x->m[0].caps & HV_PLAT_CAP_GUEST_STORES_UNSEEN) != 0;
	for (i = 0; i < 2; i++) {
		struct lp_ref_machine facts = {
			.pool_lmbs = x->memmap.nlmb[i] - x->memmap.hyp_lmbs[i],
			.threads = (uint8_t)cfg.threads,
			.max_windows = (uint8_t)cfg.max_windows,
			.max_partitions = (uint8_t)cfg.max_partitions,
		};

		lp_ref_set_machine(&x->ref, i, &facts);
	}
	for (i = 0; i < p->cfg.nparts; i++) {
		if (!setup_partition(x, i, &dedicated)) {
			return x->viol.inv != LP_INV_NONE ? (enum lp_inv)x->viol.inv
							   : lp_violate(x, LP_INV_I10, 0, "partition set-up failed", i, 0);
		}
	}
	if (!x->wseen) {
		/* Set-up stores plenty (partition table, HPTs): a platform that reports none is not wired. */
		return lp_violate(x, LP_INV_I10, 0,
				  "the platform does not report the core's stores (lp_exec_on_mem_write): the write-set oracle cannot judge",
				  0, 0);
	}
	for (i = 0; i < p->nops; i++) {
		run_op(x, i);
		x->ops_run = i + 1;
		if (x->viol.inv != LP_INV_NONE || lp_inv_after_op(x, i) != LP_INV_NONE) {
			return (enum lp_inv)x->viol.inv;
		}
	}
	return lp_inv_full(x, p->nops);
}
