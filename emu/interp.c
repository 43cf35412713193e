/*
 * The program interpreter guest's slices: a harness program's hcall, load
 * or store for the vCPU the core runs on a thread, executed as real code
 * (emu/guests/interp.S) in that vCPU's partition -- `sc 1` with the
 * resolved arguments in r3..r12, `ld` / `std` at the effective address --
 * through the emulated hash MMU walking the core's HPT.
 *
 * The interpreter's image lies outside every machine's memory, in segments
 * no program can name. Its instruction fetches need an HPTE in the
 * partition's HPT: the engine borrows a free slot for the duration of the
 * slice and puts the slot's bytes back before anything else looks (before
 * hv_enter, at the end of the slice), so the core, the model and the
 * oracles never see it. Eight aliases in eight PTEGs guarantee a free slot:
 * a program of LP_MAX_OPS operations cannot fill 128 entries.
 */
#include "engine.h"

#include <string.h>

#define HPTE_V_BIT        0x1ull
#define HPTE_H_BIT        0x2ull
#define TRAMP_DW1         (EMU_IMAGE_PA | 0x180 /* R C */ | 0x10 /* M */ | 0x3 /* PP: read only */)

static const int gpr_r3_r12[10] = {
	UC_PPC_REG_3, UC_PPC_REG_4, UC_PPC_REG_5, UC_PPC_REG_6,  UC_PPC_REG_7,
	UC_PPC_REG_8, UC_PPC_REG_9, UC_PPC_REG_10, UC_PPC_REG_11, UC_PPC_REG_12,
};

static struct hv_machine *cpu_machine(struct emu_cpu *c)
{
	return c->e->m[c->machine];
}

/* An invalid slot of alias k's primary or secondary PTEG, or false. */
static bool free_slot(struct hv_machine *m, const struct hv_partition *p, unsigned k, uint64_t *ptex, bool *secondary)
{
	uint64_t mask = p->nhpte / 8 - 1, hash = EMU_TRAMP_VSID(k); /* the alias is page 0 of its segment */
	unsigned h, s;

	for (h = 0; h < 2; h++) {
		uint64_t group = (h ? ~hash : hash) & mask;

		for (s = 0; s < 8; s++) {
			const uint8_t *e = m->mem + p->hpt.v + (group * 8 + s) * 16;

			if (!(hv_ld_be64(e) & HPTE_V_BIT)) {
				*ptex = group * 8 + s;
				*secondary = h;
				return true;
			}
		}
	}
	return false;
}

/* Maps the interpreter for partition p through a borrowed HPTE; sets c->tramp_ea. */
static void tramp_install(struct emu_cpu *c, struct hv_partition *p)
{
	struct hv_machine *m = cpu_machine(c);
	bool secondary;
	uint64_t ptex, va;
	uint8_t *e;
	unsigned k;

	for (k = 0; k < EMU_TRAMP_SLOTS; k++) {
		if (free_slot(m, p, k, &ptex, &secondary)) {
			break;
		}
	}
	if (k == EMU_TRAMP_SLOTS) {
		emu_fatal("no free HPTE slot for the interpreter in %u PTEG pairs of LPID %u", EMU_TRAMP_SLOTS, p->lpid);
	}
	e = m->mem + p->hpt.v + ptex * 16;
	memcpy(c->tramp_saved, e, 16);
	va = EMU_TRAMP_VSID(k) << 28;
	hv_st_be64(e + 8, TRAMP_DW1);
	hv_st_be64(e, ((va >> 16) & ~0x7Full) | (secondary ? HPTE_H_BIT : 0) | HPTE_V_BIT);
	c->tramp_ptex = ptex;
	c->last_ptex = ptex;
	c->tramp_part = p;
	c->tramp_ea = EMU_TRAMP_EA(k);
}

/* Puts the borrowed slot back as it was (its translation may stay cached: it only ever names the image). */
static void tramp_remove(struct emu_cpu *c)
{
	struct hv_machine *m = cpu_machine(c);

	if (c->tramp_ptex == ~0ull) {
		return;
	}
	memcpy(m->mem + c->tramp_part->hpt.v + c->tramp_ptex * 16, c->tramp_saved, 16);
	c->tramp_ptex = ~0ull;
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
	pc = c->tramp_ea + entry;
	if (c->flush_pending) {
		/* tlbiel + isync in the partition, then on to the operation (CTR). */
		uc_reg_write(c->uc, UC_PPC_REG_CTR, &pc);
		pc = c->tramp_ea + INTERP_FLUSH;
		c->flush_pending = false;
		c->e->stats.flushes++;
	}
	c->stop = EMU_STOP_NONE;
	emu_cpu_run(c, pc);
	tramp_remove(c);
	if (c->stop == EMU_STOP_ERROR || c->stop == EMU_STOP_NONE) {
		emu_fatal("thread %u of machine %u: the interpreter stopped with interrupt %u at 0x%llx (status 0x%x; "
			  "running at alias 0x%llx through HPTE 0x%llx of LPID %u, the CPU's LPID %u)",
			  c->thread, c->machine, c->intno, (unsigned long long)c->pc, c->intr_status,
			  (unsigned long long)c->tramp_ea, (unsigned long long)c->last_ptex, p->lpid, c->lpid);
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
	interp_slice(c, INTERP_HCALL);
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
	interp_slice(c, store ? INTERP_STORE : INTERP_LOAD);
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

	tramp_remove(c); /* the core must not see the borrowed slot */
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
	if (intno == 8 && pc == c->tramp_ea + INTERP_HCALL + 4) {
		interp_sc1(c);
	} else if (intno == 8 && (pc == c->tramp_ea + INTERP_LOAD + 8 || pc == c->tramp_ea + INTERP_STORE + 8)) {
		c->stop = EMU_STOP_DONE;
	} else if ((intno == 2 || intno == 65) &&
		   (pc == c->tramp_ea + INTERP_LOAD + 4 || pc == c->tramp_ea + INTERP_STORE + 4)) {
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
