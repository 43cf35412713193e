/*
 * The scratch partition (quirks_rig.h): 16 MiB of real memory, an HV stub
 * that enters LPID 1 through hrfid, one hash page table.
 */
#include "quirks_rig.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ppc_insn.h"

int quirk_fail(char *err, size_t cap, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, cap, fmt, ap);
	va_end(ap);
	return -1;
}

void put_insns(uint8_t *p, const uint32_t *w, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++) {
		p[4 * i] = (uint8_t)(w[i] >> 24);
		p[4 * i + 1] = (uint8_t)(w[i] >> 16);
		p[4 * i + 2] = (uint8_t)(w[i] >> 8);
		p[4 * i + 3] = (uint8_t)w[i];
	}
}

static void rig_intr(uc_engine *uc, uint32_t intno, void *user)
{
	struct rig *r = user;

	r->intno = intno;
	r->nintr++;
	uc_reg_read(uc, UC_PPC_REG_PC, &r->intr_pc);
	if (r->save_at_intr) {
		uc_context_save(uc, r->at_intr);
	}
	uc_emu_stop(uc);
}

uint64_t rig_ptex(uint64_t vsid, uint64_t ea, unsigned k)
{
	return ((vsid ^ ((ea & 0x0FFFFFFF) >> 12)) & (HPT_GROUPS - 1)) * 8 + k;
}

void rig_hpte(struct rig *r, uint64_t ptex, uint64_t vsid, uint64_t ea, uint64_t pa, uint64_t rc, unsigned pp)
{
	uint64_t va = vsid << 28 | (ea & 0x0FFFFFFF);

	hv_st_be64(r->mem + HPT + ptex * 16 + 8, pa | rc | 0x10 /* M */ | pp);
	hv_st_be64(r->mem + HPT + ptex * 16, ((va >> 16) & ~0x7Full) | 1);
}

int rig_run(struct rig *r, uint64_t pc, char *err, size_t cap)
{
	uc_err e;

	r->nintr = 0;
	r->intno = 0;
	e = uc_emu_start(r->uc, pc, EMU_UNTIL_NEVER, 0, 0);
	if (e) {
		return quirk_fail(err, cap, "uc_emu_start at 0x%llx: %s", (unsigned long long)pc, uc_strerror(e));
	}
	return 0;
}

/* Runs the HV stub: partition table, LPIDR, SLB for the two segments, hrfid into the partition at CODE_EA. */
static int rig_enter_partition(struct rig *r, char *err, size_t cap)
{
	const uint32_t stub[] = {
		ppc_mtspr(PPC_SPR_PTCR, 20), ppc_mtspr(PPC_SPR_LPIDR, 21), PPC_SLBIA,
		ppc_slbmte(22, 23),         ppc_slbmte(24, 25),          PPC_ISYNC,
		ppc_mtspr(PPC_SPR_HSRR0, 26), ppc_mtspr(PPC_SPR_HSRR1, 27), PPC_HRFID,
	};
	const uint64_t vals[8] = {
		PART_TABLE,      RIG_LPID,         CODE_VSID << 12, CODE_EA | 1ull << 27 | 0,
		DATA_VSID << 12, DATA_EA | 1ull << 27 | 1, CODE_EA, MSR_SF_BIT | MSR_IR_BIT | MSR_DR_BIT | MSR_ME_BIT | MSR_RI_BIT,
	};
	unsigned i;

	put_insns(r->mem, stub, sizeof(stub) / 4);
	for (i = 0; i < 8; i++) {
		uc_reg_write(r->uc, UC_PPC_REG_0 + 20 + (int)i, &vals[i]);
	}
	/* The partition's first instruction is sc 1: the hook stops there, in partition state. */
	put_insns(r->mem + CODE_PA, (const uint32_t[]){ PPC_SC1 }, 1);
	if (rig_run(r, 0, err, cap)) {
		return -1;
	}
	if (r->nintr != 1 || r->intno != 8 || r->intr_pc != CODE_EA + 4) {
		return quirk_fail(err, cap, "the boot stub did not reach the partition (interrupt %u at 0x%llx)", r->intno,
			    (unsigned long long)r->intr_pc);
	}
	return 0;
}

void rig_close(struct rig *r)
{
	if (r->at_intr) {
		uc_context_free(r->at_intr);
	}
	if (r->uc) {
		uc_close(r->uc);
	}
	free(r->mem);
	memset(r, 0, sizeof(*r));
}

int rig_open(struct rig *r, bool data_window, char *err, size_t cap)
{
	uc_err e;

	memset(r, 0, sizeof(*r));
	r->mem = calloc(1, RIG_MEM);
	if (!r->mem) {
		return quirk_fail(err, cap, "out of memory");
	}
	e = emu_uc_open(&r->uc);
	if (!e) {
		e = uc_mem_map_ptr(r->uc, 0, RIG_MEM, UC_PROT_ALL, r->mem);
	}
	if (!e) {
		e = emu_map_code_window(r->uc, CODE_EA, 0x10000);
	}
	if (!e && data_window) {
		e = emu_map_data_window(r->uc, DATA_EA, 0x10000, &r->window_called);
	}
	if (!e) {
		e = uc_hook_add(r->uc, &r->intr_hook, UC_HOOK_INTR, (void *)rig_intr, r, 1, 0);
	}
	if (!e) {
		e = uc_context_alloc(r->uc, &r->at_intr);
	}
	if (e) {
		rig_close(r);
		return quirk_fail(err, cap, "scratch engine: %s", uc_strerror(e));
	}
	hv_st_be64(r->mem + PART_TABLE + 16 * RIG_LPID, HPT | 0); /* HR = 0 (hash), HTABSIZE 0: 256 KiB */
	rig_hpte(r, rig_ptex(CODE_VSID, CODE_EA, 0), CODE_VSID, CODE_EA, CODE_PA, 0x180, 2);
	if (rig_enter_partition(r, err, cap)) {
		rig_close(r);
		return -1;
	}
	return 0;
}

int rig_partition_run(struct rig *r, const uint32_t *insns, unsigned n, char *err, size_t cap)
{
	uint64_t ea = DATA_EA;

	put_insns(r->mem + CODE_PA, insns, n);
	uc_ctl_remove_cache(r->uc, CODE_EA, CODE_EA + 0x1000);
	uc_reg_write(r->uc, UC_PPC_REG_5, &ea);
	return rig_run(r, CODE_EA, err, cap);
}
