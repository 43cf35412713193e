/*
 * One emulated POWER10 per hardware thread: its Unicorn instance over the
 * machine's real memory, the windows quirk 2 needs, the boot in hypervisor
 * state (PTCR -> the core's partition table), and the partition state every
 * slice starts from (HV = 0, IR = DR = 1, the program segments, LPIDR).
 */
#include "engine.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ppc_insn.h"

#define MSR_PARTITION 0x8000000000001032ull /* SF | ME | IR | DR | RI */
#define SLB_ESID_V    (1ull << 27)
#define BOOT_OFFSET   0x8000ull            /* the engine's HV stub inside the image region */

static void on_intr(uc_engine *uc, uint32_t intno, void *user)
{
	struct emu_cpu *c = user;

	if (c->booting) {
		c->intno = intno;
		uc_reg_read(uc, UC_PPC_REG_PC, &c->pc);
		c->stop = EMU_STOP_DONE;
		uc_emu_stop(uc);
		return;
	}
	if (c->free_running) {
		emu_guest_on_intr(c, intno);
	} else {
		emu_interp_on_intr(c, intno);
	}
}

_Noreturn void emu_fatal(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "emu: engine error: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	abort();
}

/* The PTCR of a machine: its partition table (4 KiB, PATS = 0) as the core carved it. */
static int boot(struct emu_cpu *c, hv_raddr_t part_table, char *err, size_t cap)
{
	/*
	 * PTCR, and one slbmte: QEMU keeps a pointer to this CPU's own page-size
	 * table in each SLB entry, which the template's entries must carry too.
	 */
	const uint32_t stub[] = { ppc_mtspr(PPC_SPR_PTCR, 20), PPC_SLBIA, ppc_slbmte(21, 22), ppc_slbmte(23, 24),
				  ppc_slbmte(25, 26), PPC_ISYNC, PPC_SC1 };
	/* Entries 0..2: ESIDs 0..2 with 4 KiB, 16 MiB and 64 KiB pages (EMU_LLP_*). */
	const uint64_t slb[6] = {
		LP_PROGRAM_VSID(0) << 12 | EMU_LLP_4K,  SLB_ESID_V | 0,
		LP_PROGRAM_VSID(1) << 12 | EMU_LLP_16M, (1ull << 28) | SLB_ESID_V | 1,
		LP_PROGRAM_VSID(2) << 12 | EMU_LLP_64K, (2ull << 28) | SLB_ESID_V | 2,
	};
	uint8_t *p = c->e->image + BOOT_OFFSET;
	uint64_t ptcr = part_table.v;
	unsigned i;

	for (i = 0; i < sizeof(stub) / sizeof(stub[0]); i++) {
		p[4 * i] = (uint8_t)(stub[i] >> 24);
		p[4 * i + 1] = (uint8_t)(stub[i] >> 16);
		p[4 * i + 2] = (uint8_t)(stub[i] >> 8);
		p[4 * i + 3] = (uint8_t)stub[i];
	}
	emu_ctx_restore(c->uc, c->hv); /* PTCR is hypervisor state: back to HV real mode */
	uc_reg_write(c->uc, UC_PPC_REG_20, &ptcr);
	for (i = 0; i < 6; i++) {
		uc_reg_write(c->uc, UC_PPC_REG_21 + (int)i, &slb[i]);
	}
	c->stop = EMU_STOP_NONE;
	c->booting = true;
	if (!emu_cpu_run(c, EMU_IMAGE_PA + BOOT_OFFSET) || c->intno != 8) {
		c->booting = false;
		snprintf(err, cap, "thread %u of machine %u: the boot stub did not finish (interrupt %u at 0x%llx)",
			 c->thread, c->machine, c->intno, (unsigned long long)c->pc);
		return -1;
	}
	c->booting = false;
	c->ptcr = ptcr;
	return 0;
}

static void slb_put(uc_context *ctx, unsigned i, uint64_t esid, uint64_t vsid, uint64_t sps)
{
	uint8_t *e = emu_ctx_env(ctx) + emu_env.slb + 24 * (size_t)i;
	uint64_t words[3] = { (esid << 28) | SLB_ESID_V, vsid << 12, sps };

	memcpy(e, words, sizeof(words));
}

/* The SLB entries of the program's segments (prog.h: the run's configuration, keys 0) in the template. */
static void program_segments_put(struct emu_cpu *c)
{
	unsigned i;

	for (i = 0; i < LP_PROGRAM_ESIDS; i++) {
		const struct lp_segment *seg = &c->e->seg[i];
		unsigned k = seg->shift == 24 ? 1 : seg->shift == 16 ? 2 : 0; /* c->sps order: 4K, 16M, 64K */
		uint64_t llp = k == 1 ? EMU_LLP_16M : k == 2 ? EMU_LLP_64K : EMU_LLP_4K;
		uint8_t *e = emu_ctx_env(c->tmpl) + emu_env.slb + 24 * (size_t)i;
		uint64_t words[3] = { ((uint64_t)i << 28) | SLB_ESID_V, (uint64_t)seg->vsid << 12 | llp, c->sps[k] };

		memcpy(e, words, sizeof(words));
	}
}

void emu_cpu_set_segments(struct emu_cpu *c)
{
	if (c->tmpl) {
		program_segments_put(c);
		c->lpid = ~0u; /* the next emu_cpu_enter restores the template */
	}
}

/*
 * The partition state every slice starts from: the program's segments
 * (prog.h) and the interpreter's aliases, HV off, no LPID yet.
 */
static int make_template(struct emu_cpu *c, char *err, size_t cap)
{
	uint64_t sps, vsid0;
	unsigned i;

	if ((!c->tmpl && uc_context_alloc(c->uc, &c->tmpl)) || uc_context_save(c->uc, c->tmpl)) {
		snprintf(err, cap, "uc_context for thread %u failed", c->thread);
		return -1;
	}
	/* The boot stub's slbmte's left this CPU's page-size tables in entries 0..2 (not the probe's CPU's). */
	for (i = 0; i < 3; i++) {
		memcpy(&c->sps[i], emu_ctx_env(c->tmpl) + emu_env.slb + 24 * i + 16, 8);
	}
	memcpy(&vsid0, emu_ctx_env(c->tmpl) + emu_env.slb + 8, 8);
	if (!c->sps[0] || !c->sps[1] || !c->sps[2] || vsid0 != LP_PROGRAM_VSID(0) << 12) {
		snprintf(err, cap, "thread %u: the boot stub's SLB entries are not where the probe found SLB entries", c->thread);
		return -1;
	}
	sps = c->sps[0];
	memset(emu_ctx_env(c->tmpl) + emu_env.slb, 0, 24 * 64);
	program_segments_put(c);
	for (i = 0; i < LP_INTERP_ALIASES; i++) {
		slb_put(c->tmpl, LP_PROGRAM_ESIDS + i, LP_INTERP_EA(i) >> 28, LP_INTERP_VSID(i), sps);
	}
	*emu_ctx_msr(c->tmpl) = MSR_PARTITION;
	*emu_ctx_spr(c->tmpl, PPC_SPR_LPIDR) = 0;
	c->lpid = 0;
	c->flush_pending = true;
	return 0;
}

int emu_cpu_open(struct emu_engine *e, struct emu_cpu *c, unsigned machine, unsigned thread, char *err, size_t cap)
{
	struct hv_plat *plat = e->plat[machine];
	uint64_t mem = plat_mem_size(plat);
	uc_err u;
	unsigned k;

	memset(c, 0, sizeof(*c));
	c->e = e;
	c->machine = machine;
	c->thread = thread;
	c->tramp.ptex = ~0ull;
	u = emu_uc_open(&c->uc);
	if (!u) {
		u = uc_mem_map_ptr(c->uc, 0, mem, UC_PROT_ALL, plat_mem_base(plat));
	}
	if (!u) {
		u = uc_mem_map_ptr(c->uc, EMU_IMAGE_PA, EMU_IMAGE_BYTES, UC_PROT_ALL, e->image);
	}
	/* Quirk 2: the program's effective addresses past real memory, and the interpreter's aliases. */
	if (!u) {
		u = emu_map_data_window(c->uc, mem, (1ull << 32) - mem, &c->window_called);
	}
	for (k = 1; !u && k < LP_INTERP_ALIASES; k++) {
		u = emu_map_code_window(c->uc, LP_INTERP_EA(k), 0x1000);
	}
	/*
	 * The free-running guests' segment (runtime.h GUEST_BASE): code and data, backed by the arena (its
	 * first 256 MB), never read; the rest of the segment, for data (aliases a guest maps past its memory).
	 */
	if (!u) {
		u = uc_mem_map_ptr(c->uc, EMU_GUEST_EA_BASE, mem < (1ull << 28) ? mem : 1ull << 28, UC_PROT_ALL,
				   plat_mem_base(plat));
	}
	if (!u && mem < (1ull << 28)) {
		u = emu_map_data_window(c->uc, EMU_GUEST_EA_BASE + mem, (1ull << 28) - mem, &c->window_called);
	}
	if (!u) {
		u = uc_hook_add(c->uc, &c->intr, UC_HOOK_INTR, (void *)on_intr, c, 1, 0);
	}
	if (!u) {
		u = uc_context_alloc(c->uc, &c->hv);
	}
	if (!u) {
		u = uc_context_alloc(c->uc, &c->scratch);
	}
	if (!u) {
		u = uc_context_save(c->uc, c->hv);
	}
	if (u) {
		snprintf(err, cap, "Unicorn for thread %u of machine %u: %s", thread, machine, uc_strerror(u));
		emu_cpu_close(c);
		return -1;
	}
	return 0;
}

void emu_cpu_close(struct emu_cpu *c)
{
	if (c->hv) {
		uc_context_free(c->hv);
	}
	if (c->scratch) {
		uc_context_free(c->scratch);
	}
	if (c->tmpl) {
		uc_context_free(c->tmpl);
	}
	if (c->uc) {
		uc_close(c->uc);
	}
	memset(c, 0, sizeof(*c));
}

void emu_cpu_enter(struct emu_cpu *c)
{
	hv_raddr_t part_table = c->e->m[c->machine]->part_table;
	char err[200];

	if (c->ptcr != part_table.v || !c->tmpl) {
		if (boot(c, part_table, err, sizeof(err)) || make_template(c, err, sizeof(err))) {
			emu_fatal("%s", err);
		}
	}
	if (c->want_lpid != c->lpid) {
		/* LPIDR is hypervisor state: the template brings it (and HV = 0) in one restore. */
		*emu_ctx_spr(c->tmpl, PPC_SPR_LPIDR) = c->want_lpid;
		emu_ctx_restore(c->uc, c->tmpl);
		c->lpid = c->want_lpid;
		/* QEMU's TLB has no LPID tag: nothing of the previous partition may be used. */
		c->flush_pending = true;
		c->e->stats.switches++;
	}
}

bool emu_cpu_run(struct emu_cpu *c, uint64_t pc)
{
	uc_err u;

	c->e->stats.slices++;
	u = uc_emu_start(c->uc, pc, EMU_UNTIL_NEVER, 0, 0);
	if (u) {
		uc_reg_read(c->uc, UC_PPC_REG_PC, &c->pc);
		c->stop = EMU_STOP_ERROR;
		c->intno = 0x10000 | (uint32_t)u;
		return false;
	}
	return c->stop != EMU_STOP_ERROR;
}

/* Quirk 4 on the host side: any change of the memory map flushes the CPU's translations. */
#define FLUSH_SCRATCH_PA 0x200000000ull

void emu_cpu_flush_now(struct emu_cpu *c)
{
	if (uc_mem_map(c->uc, FLUSH_SCRATCH_PA, 0x1000, UC_PROT_READ) || uc_mem_unmap(c->uc, FLUSH_SCRATCH_PA, 0x1000)) {
		emu_fatal("thread %u: the memory-map flush failed", c->thread);
	}
	c->flush_pending = false;
	c->e->stats.flushes++;
}

void emu_cpu_forget_code(struct emu_cpu *c)
{
	uint64_t mem = plat_mem_size(c->e->plat[c->machine]);

	/* In hypervisor real mode the range is real addresses: the whole arena. */
	emu_ctx_restore(c->uc, c->hv);
	uc_ctl_remove_cache(c->uc, 0, mem);
	c->lpid = 0;
	c->flush_pending = true;
}
