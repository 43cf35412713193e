/*
 * The program interpreter guest's slices: a harness program's hcall, load
 * or store for the vCPU the core runs on a thread, executed as real code
 * (emu/guests/interp.S) in that vCPU's partition -- `sc 1` with the
 * resolved arguments in r3..r12, `ld` / `std` at the effective address --
 * through the emulated hash MMU walking the core's HPT. The interpreter
 * maps itself through a borrowed HPTE slot (lparsec/interp.h).
 */
#include "engine.h"

#include <string.h>

static const int gpr_r3_r12[10] = {
	UC_PPC_REG_3, UC_PPC_REG_4, UC_PPC_REG_5, UC_PPC_REG_6,  UC_PPC_REG_7,
	UC_PPC_REG_8, UC_PPC_REG_9, UC_PPC_REG_10, UC_PPC_REG_11, UC_PPC_REG_12,
};

static struct hv_machine *cpu_machine(struct emu_cpu *c)
{
	return c->e->m[c->machine];
}

/* Maps the interpreter for partition p through a borrowed HPTE (c->tramp). */
static void tramp_install(struct emu_cpu *c, struct hv_partition *p)
{
	if (!lp_interp_borrow(&c->tramp, cpu_machine(c), p, EMU_IMAGE_PA)) {
		emu_fatal("no free HPTE slot for the interpreter in %u PTEG pairs of LPID %u", LP_INTERP_ALIASES, p->lpid);
	}
	c->last_ptex = c->tramp.ptex;
}

/*
 * Runs the interpreter's entry on c for the partition the core runs there
 * (emu_cpu_enter done, the operation's registers set); flushes first if a
 * translation went stale.
 */
static void interp_slice(struct emu_cpu *c, unsigned entry)
{
	struct hv_machine *m = cpu_machine(c);
	struct hv_partition *p = &m->part[m->thread[c->thread].part];
	uint64_t pc;

	tramp_install(c, p);
	pc = c->tramp.ea + entry;
	if (c->flush_pending) {
		/* tlbiel + isync in the partition, then on to the operation (CTR). */
		uc_reg_write(c->uc, UC_PPC_REG_CTR, &pc);
		pc = c->tramp.ea + LP_INTERP_FLUSH;
		c->flush_pending = false;
		c->e->stats.flushes++;
	}
	c->stop = EMU_STOP_NONE;
	emu_cpu_run(c, pc);
	lp_interp_return(&c->tramp);
	if (c->stop == EMU_STOP_ERROR || c->stop == EMU_STOP_NONE) {
		emu_fatal("thread %u of machine %u: the interpreter stopped with interrupt %u at 0x%llx (status 0x%x; "
			  "running at alias 0x%llx through HPTE 0x%llx of LPID %u, the CPU's LPID %u)",
			  c->thread, c->machine, c->intno, (unsigned long long)c->pc, c->intr_status,
			  (unsigned long long)c->tramp.ea, (unsigned long long)c->last_ptex, p->lpid, c->lpid);
	}
}

enum hv_exit emu_interp_hcall(struct emu_cpu *c)
{
	struct hv_thread *t = &cpu_machine(c)->thread[c->thread];
	void *in[10];
	unsigned i;

	emu_cpu_enter(c);
	for (i = 0; i < 10; i++) {
		in[i] = &t->regs.r[HV_REG_GPR + 3 + i];
	}
	uc_reg_write_batch(c->uc, (int *)gpr_r3_r12, in, 10);
	interp_slice(c, LP_INTERP_HCALL);
	if (c->stop != EMU_STOP_HCALL) {
		emu_fatal("thread %u: the interpreter's sc 1 did not reach the hypervisor (stop %d)", c->thread, c->stop);
	}
	if (c->exit == HV_EXIT_RESUME) {
		/* The results as the vCPU's registers hold them after the sc. */
		for (i = 0; i < 10; i++) {
			in[i] = &t->regs.r[HV_REG_GPR + 3 + i];
		}
		uc_reg_read_batch(c->uc, (int *)gpr_r3_r12, in, 10);
	}
	return c->exit;
}

uint8_t emu_interp_access(struct emu_cpu *c, uint64_t ea, bool store, uint64_t *value)
{
	uint64_t r4 = store ? *value : 0;

	if (ea >> 32) {
		/*
		 * The program model's SLB ends at ESID 15 (prog.h): a segment fault.
		 * The CPU's own SLB holds the interpreter's aliases up there, which no
		 * program may reach, so the access does not go to it.
		 */
		c->e->stats.faults++;
		return LP_FAULT;
	}
	emu_cpu_enter(c);
	uc_reg_write(c->uc, UC_PPC_REG_4, &r4);
	uc_reg_write(c->uc, UC_PPC_REG_5, &ea);
	interp_slice(c, store ? LP_INTERP_STORE : LP_INTERP_LOAD);
	c->e->stats.accesses++;
	if (c->stop == EMU_STOP_FAULT) {
		c->e->stats.faults++;
		return LP_FAULT;
	}
	if (c->window_called) {
		emu_fatal("thread %u: an access at 0x%llx reached no memory (a data window was read)", c->thread,
			  (unsigned long long)ea);
	}
	if (!store) {
		uc_reg_read(c->uc, UC_PPC_REG_4, value);
	}
	return LP_RAN;
}

/* The interpreter's sc 1: what the hypervisor entry stub of real firmware does. */
static void interp_sc1(struct emu_cpu *c)
{
	struct hv_machine *m = cpu_machine(c);
	struct hv_thread *t = &m->thread[c->thread];
	void *regs[10];
	unsigned i;

	lp_interp_return(&c->tramp); /* the core must not see the borrowed slot */
	for (i = 0; i < 10; i++) {
		regs[i] = &t->regs.r[HV_REG_GPR + 3 + i];
	}
	uc_reg_read_batch(c->uc, (int *)gpr_r3_r12, regs, 10);
	c->exit = hv_enter(m, c->thread, HV_CAUSE_SC1);
	c->e->stats.hcalls++;
	if (c->exit == HV_EXIT_RESUME && (t->changed & HV_CHANGED_R3_R12)) {
		uc_reg_write_batch(c->uc, (int *)gpr_r3_r12, regs, 10);
	}
	c->stop = EMU_STOP_HCALL;
}

void emu_interp_on_intr(struct emu_cpu *c, uint32_t intno)
{
	uint64_t pc;

	uc_reg_read(c->uc, UC_PPC_REG_PC, &pc);
	c->intno = intno;
	c->pc = pc;
	if (intno == 8 && pc == c->tramp.ea + LP_INTERP_HCALL + 4) {
		interp_sc1(c);
	} else if (intno == 8 && (pc == c->tramp.ea + LP_INTERP_LOAD + 8 || pc == c->tramp.ea + LP_INTERP_STORE + 8)) {
		c->stop = EMU_STOP_DONE;
	} else if ((intno == 2 || intno == 65) &&
		   (pc == c->tramp.ea + LP_INTERP_LOAD + 4 || pc == c->tramp.ea + LP_INTERP_STORE + 4)) {
		c->stop = EMU_STOP_FAULT; /* DSI or segment fault of the program's access */
	} else {
		/* Not the interpreter's: keep the interrupt's status (SRR1 / DSISR bits) for the message. */
		c->stop = EMU_STOP_ERROR;
		c->intr_status = 0;
		if (!uc_context_save(c->uc, c->scratch)) {
			memcpy(&c->intr_status, emu_ctx_env(c->scratch) + emu_env.error_code, 4);
		}
	}
	uc_emu_stop(c->uc);
}
