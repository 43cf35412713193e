/*
 * Free-running guests on an emulated CPU: the vCPU's registers move
 * between the CPU and the core's register file at every hypervisor entry
 * (hcall.h's contract), `sc 1`, storage interrupts and the end of a slice
 * (HDEC) reach hv_enter, and the partition's own interrupts (its `sc`,
 * privileged or illegal instructions) are delivered to its vectors the way
 * hardware would, which Unicorn does not do (quirk 5).
 *
 * What the CPU holds of a vCPU: the GPRs, FPRs, CR, LR, CTR, XER (its
 * SO/OV/CA/OV32/CA32 through the blob, quirk 7), FPSCR,
 * NIA, MSR, SRR0/1, SPRG0-3, DAR, DSISR, AMR, IAMR, UAMOR, PIDR, TIDR, DSCR,
 * TAR, PPR, FSCR, VRSAVE and the SLB (4 KiB, 16 MiB and 64 KiB segments).
 * Every other register of enum hv_reg stays in the core's register file:
 * nothing a guest runs here can read or change it.
 */
#include "engine.h"

#include <string.h>

#include "ppc_insn.h"

#define MSR_HV_BIT      (1ull << 60)
#define SLB_ESID_BITS   0xFFFFFFFFF8000000ull /* ESID and V */
#define SLB_ESID_V      (1ull << 27)
#define SRR1_PROGRAM_ILLEGAL 0x00080000ull
#define SRR1_PROGRAM_PRIV    0x00040000ull
#define SRR1_PROGRAM_TRAP    0x00020000ull
/* QEMU's POWERPC_EXCP_* program-interrupt codes (error_code >> 4). */
#define QEMU_EXCP_INVAL 0x2
#define QEMU_EXCP_PRIV  0x3
#define QEMU_EXCP_TRAP  0x4

/* Registers the CPU reaches through Unicorn's register API. */
static const int api_regs[] = {
	UC_PPC_REG_0,  UC_PPC_REG_1,  UC_PPC_REG_2,  UC_PPC_REG_3,  UC_PPC_REG_4,  UC_PPC_REG_5,  UC_PPC_REG_6,
	UC_PPC_REG_7,  UC_PPC_REG_8,  UC_PPC_REG_9,  UC_PPC_REG_10, UC_PPC_REG_11, UC_PPC_REG_12, UC_PPC_REG_13,
	UC_PPC_REG_14, UC_PPC_REG_15, UC_PPC_REG_16, UC_PPC_REG_17, UC_PPC_REG_18, UC_PPC_REG_19, UC_PPC_REG_20,
	UC_PPC_REG_21, UC_PPC_REG_22, UC_PPC_REG_23, UC_PPC_REG_24, UC_PPC_REG_25, UC_PPC_REG_26, UC_PPC_REG_27,
	UC_PPC_REG_28, UC_PPC_REG_29, UC_PPC_REG_30, UC_PPC_REG_31, UC_PPC_REG_FPR0,  UC_PPC_REG_FPR1,
	UC_PPC_REG_FPR2,  UC_PPC_REG_FPR3,  UC_PPC_REG_FPR4,  UC_PPC_REG_FPR5,  UC_PPC_REG_FPR6,  UC_PPC_REG_FPR7,
	UC_PPC_REG_FPR8,  UC_PPC_REG_FPR9,  UC_PPC_REG_FPR10, UC_PPC_REG_FPR11, UC_PPC_REG_FPR12, UC_PPC_REG_FPR13,
	UC_PPC_REG_FPR14, UC_PPC_REG_FPR15, UC_PPC_REG_FPR16, UC_PPC_REG_FPR17, UC_PPC_REG_FPR18, UC_PPC_REG_FPR19,
	UC_PPC_REG_FPR20, UC_PPC_REG_FPR21, UC_PPC_REG_FPR22, UC_PPC_REG_FPR23, UC_PPC_REG_FPR24, UC_PPC_REG_FPR25,
	UC_PPC_REG_FPR26, UC_PPC_REG_FPR27, UC_PPC_REG_FPR28, UC_PPC_REG_FPR29, UC_PPC_REG_FPR30, UC_PPC_REG_FPR31,
	UC_PPC_REG_CR, UC_PPC_REG_LR, UC_PPC_REG_CTR, UC_PPC_REG_XER, UC_PPC_REG_FPSCR, UC_PPC_REG_PC,
};
#define API_REGS (sizeof(api_regs) / sizeof(api_regs[0]))

/* Where each of api_regs lives in enum hv_reg (CR and XER are 32-bit in Unicorn's API). */
static unsigned api_slot(unsigned i)
{
	static const unsigned tail[] = { HV_REG_CR, HV_REG_LR, HV_REG_CTR, HV_REG_XER, HV_REG_FPSCR, HV_REG_NIA };

	if (i < 32) {
		return HV_REG_GPR + i;
	}
	if (i < 64) {
		return HV_REG_FPR + (i - 32);
	}
	return tail[i - 64];
}

/* SPRs carried through the context blob: (register, SPR number). */
static const struct {
	uint16_t reg, spr;
} blob_sprs[] = {
	{ HV_REG_SRR0, 0x01A },     { HV_REG_SRR1, 0x01B },     { HV_REG_SPRG + 0, 0x110 }, { HV_REG_SPRG + 1, 0x111 },
	{ HV_REG_SPRG + 2, 0x112 }, { HV_REG_SPRG + 3, 0x113 }, { HV_REG_DAR, 0x013 },      { HV_REG_DSISR, 0x012 },
	{ HV_REG_AMR, 0x01D },      { HV_REG_IAMR, 0x03D },     { HV_REG_UAMOR, 0x09D },    { HV_REG_PIDR, 0x030 },
	{ HV_REG_TIDR, 0x090 },     { HV_REG_DSCR, 0x011 },     { HV_REG_TAR, 0x32F },      { HV_REG_PPR, 0x380 },
	{ HV_REG_FSCR, 0x099 },     { HV_REG_VRSAVE, 0x100 },
};

/* XER's SO, OV, CA, OV32, CA32: bit of the architected XER, and doubleword after env->xer in the blob. */
static const struct {
	uint64_t bit;
	unsigned slot;
} xer_split[] = { { 1ull << 31, 1 }, { 1ull << 30, 2 }, { 1ull << 29, 3 }, { 1ull << 19, 4 }, { 1ull << 18, 5 } };

static uint64_t *xer_field(uc_context *ctx, unsigned slot)
{
	return (uint64_t *)(void *)(emu_ctx_env(ctx) + emu_env.xer + 8 * (size_t)slot);
}

static uint8_t *slb_entry(uc_context *ctx, unsigned i)
{
	return emu_ctx_env(ctx) + emu_env.slb + 24 * (size_t)i;
}

/* The CPU's page-size table for an SLB VSID word, or 0 (an encoding the engine cannot load). */
static uint64_t sps_for(const struct emu_cpu *c, uint64_t vsid_word)
{
	switch (vsid_word & EMU_LLP_MASK) {
	case EMU_LLP_4K: return c->sps[0];
	case EMU_LLP_16M: return c->sps[1];
	case EMU_LLP_64K: return c->sps[2];
	}
	return 0;
}

/* Blob part of a load: SPRs and SLB from r into the CPU (LPIDR from the template). */
static void load_blob(struct emu_cpu *c, const struct hv_regs *r, bool whole_template)
{
	uc_context *ctx = whole_template ? c->tmpl : c->scratch;
	unsigned i;

	if (!whole_template) {
		uc_context_save(c->uc, ctx);
	}
	for (i = 0; i < sizeof(blob_sprs) / sizeof(blob_sprs[0]); i++) {
		*emu_ctx_spr(ctx, blob_sprs[i].spr) = r->r[blob_sprs[i].reg];
	}
	for (i = 0; i < 32; i++) {
		uint64_t esid = r->r[HV_REG_SLBE + i], vsid = r->r[HV_REG_SLBV + i], sps = sps_for(c, vsid);
		uint64_t words[3] = { esid & SLB_ESID_BITS, vsid, sps };

		if (!(esid & SLB_ESID_V) || !sps) {
			words[0] = words[1] = words[2] = 0; /* invalid, or a page size this CPU was not taught */
		}
		memcpy(slb_entry(ctx, i), words, sizeof(words));
	}
	for (i = 0; i < sizeof(xer_split) / sizeof(xer_split[0]); i++) {
		*xer_field(ctx, xer_split[i].slot) = (r->r[HV_REG_XER] & xer_split[i].bit) != 0;
	}
	*emu_ctx_msr(ctx) = r->r[HV_REG_MSR] & ~MSR_HV_BIT;
	emu_ctx_restore(c->uc, ctx);
}

static void load_api(struct emu_cpu *c, const struct hv_regs *r, unsigned first, unsigned n)
{
	uint64_t v[API_REGS];
	void *p[API_REGS];
	unsigned i;

	for (i = 0; i < n; i++) {
		v[i] = r->r[api_slot(first + i)];
		p[i] = &v[i];
	}
	uc_reg_write_batch(c->uc, (int *)&api_regs[first], p, (int)n);
}

void emu_guest_load(struct emu_cpu *c, const struct hv_regs *r, uint32_t changed)
{
	uint64_t msr = r->r[HV_REG_MSR] & ~MSR_HV_BIT;

	if (changed == HV_CHANGED_ALL) {
		/* A dispatch: the template brings LPIDR and HV = 0, the vCPU everything else. */
		emu_cpu_enter(c);
		*emu_ctx_spr(c->tmpl, PPC_SPR_LPIDR) = c->lpid;
		load_blob(c, r, true);
		load_api(c, r, 0, API_REGS);
		uc_reg_write(c->uc, UC_PPC_REG_MSR, &msr);
		return;
	}
	if (changed & (HV_CHANGED_SRR | HV_CHANGED_DAR_DSISR | HV_CHANGED_SPRG0)) {
		load_blob(c, r, false);
	}
	if (changed & HV_CHANGED_R3_R12) {
		load_api(c, r, 3, 10);
	}
	if (changed & HV_CHANGED_NIA_MSR) {
		uc_reg_write(c->uc, UC_PPC_REG_MSR, &msr);
		uc_reg_write(c->uc, UC_PPC_REG_PC, &r->r[HV_REG_NIA]);
	}
}

void emu_guest_scrub(struct emu_cpu *c)
{
	static const struct hv_regs zero;
	uint64_t msr = 0x8000000000001000ull; /* SF ME: nothing of the vCPU's MSR either */

	load_api(c, &zero, 0, API_REGS);
	load_blob(c, &zero, false);
	uc_reg_write(c->uc, UC_PPC_REG_MSR, &msr);
	c->scrub_pending = false;
}

void emu_guest_store(struct emu_cpu *c, struct hv_regs *r)
{
	uint64_t v[API_REGS], msr;
	void *p[API_REGS];
	unsigned i;

	for (i = 0; i < API_REGS; i++) {
		v[i] = 0;
		p[i] = &v[i];
	}
	uc_reg_read_batch(c->uc, (int *)api_regs, p, (int)API_REGS);
	for (i = 0; i < API_REGS; i++) {
		r->r[api_slot(i)] = v[i];
	}
	uc_reg_read(c->uc, UC_PPC_REG_MSR, &msr);
	r->r[HV_REG_MSR] = msr & ~MSR_HV_BIT;
	uc_context_save(c->uc, c->scratch);
	for (i = 0; i < sizeof(blob_sprs) / sizeof(blob_sprs[0]); i++) {
		r->r[blob_sprs[i].reg] = *emu_ctx_spr(c->scratch, blob_sprs[i].spr);
	}
	for (i = 0; i < sizeof(xer_split) / sizeof(xer_split[0]); i++) {
		r->r[HV_REG_XER] = (r->r[HV_REG_XER] & ~xer_split[i].bit) |
				   (*xer_field(c->scratch, xer_split[i].slot) ? xer_split[i].bit : 0);
	}
	for (i = 0; i < 32; i++) {
		uint64_t words[3];

		memcpy(words, slb_entry(c->scratch, i), sizeof(words));
		r->r[HV_REG_SLBE + i] = (words[0] & SLB_ESID_V) ? words[0] | i : 0;
		r->r[HV_REG_SLBV + i] = (words[0] & SLB_ESID_V) ? words[1] : 0;
	}
}

/*
 * Delivers one of the partition's own interrupts to its vector, as hardware
 * (not Unicorn) does with the partition's LPCR (hv_partition_vector).
 */
static void deliver(struct emu_cpu *c, uint64_t srr0, uint64_t srr1_bits, unsigned vector)
{
	const struct hv_machine *m = c->e->m[c->machine];
	uint64_t msr, pc, new_msr;

	uc_reg_read(c->uc, UC_PPC_REG_MSR, &msr);
	hv_partition_vector(&m->part[m->thread[c->thread].part], msr, vector, &pc, &new_msr);
	uc_context_save(c->uc, c->scratch);
	*emu_ctx_spr(c->scratch, PPC_SPR_SRR0) = srr0;
	*emu_ctx_spr(c->scratch, PPC_SPR_SRR1) = (msr & ~MSR_HV_BIT) | srr1_bits;
	*emu_ctx_msr(c->scratch) = new_msr;
	emu_ctx_restore(c->uc, c->scratch);
	uc_reg_write(c->uc, UC_PPC_REG_PC, &pc);
}

/* A hypervisor entry for cause: registers to the core, hv_enter, the changed ones back (or stop). */
static void enter(struct emu_cpu *c, enum hv_cause cause, uint64_t nia)
{
	struct hv_machine *m = c->e->m[c->machine];
	struct hv_thread *t = &m->thread[c->thread];

	emu_guest_store(c, &t->regs);
	t->regs.r[HV_REG_NIA] = nia;
	if (cause == HV_CAUSE_HDSI) {
		t->fault.addr = *emu_ctx_spr(c->scratch, PPC_SPR_DAR);
		t->fault.dsisr = c->intno == 65 ? 0 : *emu_ctx_spr(c->scratch, PPC_SPR_DSISR);
	} else if (cause == HV_CAUSE_HISI) {
		t->fault.dsisr = c->intr_status;
	}
	c->exit = hv_enter(m, c->thread, cause);
	if (cause == HV_CAUSE_SC1) {
		c->e->stats.hcalls++;
	}
	if (c->exit == HV_EXIT_RESUME) {
		emu_guest_load(c, &t->regs, t->changed);
		if (c->flush_pending) {
			/* The call removed or weakened a translation: gone before the vCPU's next instruction (G7). */
			emu_cpu_flush_now(c);
		}
		return;
	}
	c->stop = EMU_STOP_IDLE;
	uc_emu_stop(c->uc);
}

void emu_guest_on_intr(struct emu_cpu *c, uint32_t intno)
{
	int32_t status = 0;
	uint64_t pc;

	uc_reg_read(c->uc, UC_PPC_REG_PC, &pc);
	c->intno = intno;
	c->pc = pc;
	uc_context_save(c->uc, c->scratch);
	memcpy(&status, emu_ctx_env(c->scratch) + emu_env.error_code, 4);
	c->intr_status = (uint32_t)status;
	switch (intno) {
	case 8: /* sc (LEV 0: the partition's own system call) or sc 1 */
		if (status == 1) {
			enter(c, HV_CAUSE_SC1, pc);
		} else {
			deliver(c, pc, 0, 0xC00);
		}
		return;
	case 2:  /* DSI */
	case 65: /* data segment: reflected as a DSI with DSISR 0 */
		enter(c, HV_CAUSE_HDSI, pc - 4);
		return;
	case 3:  /* ISI: status = the SRR1 bits */
	case 66: /* instruction segment */
		enter(c, HV_CAUSE_HISI, pc - 4);
		return;
	case 6: /* program: privileged, illegal, trap */
		deliver(c, pc - 4,
			(status >> 4) == QEMU_EXCP_PRIV ? SRR1_PROGRAM_PRIV
			: (status >> 4) == QEMU_EXCP_TRAP ? SRR1_PROGRAM_TRAP : SRR1_PROGRAM_ILLEGAL, 0x700);
		return;
	case 96: /* hypervisor emulation assistance: an instruction POWER10 does not know */
		deliver(c, pc - 4, SRR1_PROGRAM_ILLEGAL, 0x700);
		return;
	}
	c->stop = EMU_STOP_ERROR;
	uc_emu_stop(c->uc);
}
