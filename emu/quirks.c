/*
 * Unicorn 2.0.1's ppc64 quirks and their workarounds (quirks.h), the
 * start-up probe that finds where the CPU state keeps what the API does not
 * expose, and the self-test that proves every quirk still behaves as the
 * engine assumes.
 */
#include "quirks.h"

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ppc_insn.h"

struct emu_env_layout emu_env;

#define MSR_SF_BIT (1ull << 63)
#define MSR_HV_BIT (1ull << 60)
#define MSR_FP_BIT (1ull << 13)
#define MSR_ME_BIT (1ull << 12)
#define MSR_IR_BIT (1ull << 5)
#define MSR_DR_BIT (1ull << 4)
#define MSR_RI_BIT (1ull << 1)

/* struct uc_context of 2.0.1 is { size_t context_size; uc_mode mode; uc_arch arch; char data[]; }. */
#define CTX_HEADER 16

static int fail(char *err, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t cap, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, cap, fmt, ap);
	va_end(ap);
	return -1;
}

uint8_t *emu_ctx_env(uc_context *ctx)
{
	return (uint8_t *)ctx + emu_env.data;
}

uint64_t *emu_ctx_spr(uc_context *ctx, unsigned spr)
{
	return (uint64_t *)(void *)(emu_ctx_env(ctx) + emu_env.spr + 8 * (size_t)spr);
}

uint64_t *emu_ctx_msr(uc_context *ctx)
{
	return (uint64_t *)(void *)(emu_ctx_env(ctx) + emu_env.msr);
}

uc_err emu_ctx_restore(uc_engine *uc, uc_context *ctx)
{
	uint64_t msr = *emu_ctx_msr(ctx);
	uc_err e = uc_context_restore(uc, ctx);

	/* The blob brought hflags as they were; writing MSR recomputes them (HV sticks once set). */
	return e ? e : uc_reg_write(uc, UC_PPC_REG_MSR, &msr);
}

/* ---- quirk 1: the HV bit ----------------------------------------------- */

static uc_err set_msr_hv(uc_engine *uc)
{
	uc_context *ctx;
	uint64_t msr = MSR_SF_BIT | MSR_HV_BIT | MSR_ME_BIT;
	uc_err e = uc_context_alloc(uc, &ctx);

	if (e) {
		return e;
	}
	e = uc_context_save(uc, ctx);
	if (!e) {
		*emu_ctx_msr(ctx) |= MSR_HV_BIT;
		e = uc_context_restore(uc, ctx);
	}
	if (!e) {
		e = uc_reg_write(uc, UC_PPC_REG_MSR, &msr);
	}
	uc_context_free(ctx);
	return e;
}

uc_err emu_uc_open(uc_engine **uc)
{
	uc_err e = uc_open(UC_ARCH_PPC, UC_MODE_PPC64 | UC_MODE_BIG_ENDIAN, uc);

	if (e) {
		return e;
	}
	e = set_msr_hv(*uc);
	if (e) {
		uc_close(*uc);
		*uc = NULL;
	}
	return e;
}

/* ---- quirk 2: effective-address windows --------------------------------- */

static uint64_t window_read(uc_engine *uc, uint64_t offset, unsigned size, void *called)
{
	(void)uc;
	(void)offset;
	(void)size;
	*(bool *)called = true; /* the MMU translated to a real address outside every RAM region */
	return 0;
}

static void window_write(uc_engine *uc, uint64_t offset, unsigned size, uint64_t value, void *called)
{
	(void)uc;
	(void)offset;
	(void)size;
	(void)value;
	*(bool *)called = true;
}

uc_err emu_map_data_window(uc_engine *uc, uint64_t ea, uint64_t size, bool *called)
{
	return uc_mmio_map(uc, ea, size, window_read, called, window_write, called);
}

uc_err emu_map_code_window(uc_engine *uc, uint64_t ea, uint64_t size)
{
	/* Never executed from: instruction fetches read the translated real address. */
	return uc_mem_map(uc, ea, size, UC_PROT_ALL);
}

/* ---- quirk 6: timebase reads ------------------------------------------- */

long emu_image_bad_word(const uint8_t *image, size_t len)
{
	size_t i;

	for (i = 0; i + 4 <= len; i += 4) {
		uint32_t w = (uint32_t)image[i] << 24 | (uint32_t)image[i + 1] << 16 | (uint32_t)image[i + 2] << 8 |
			     image[i + 3];

		if (ppc_insn_reads_timebase(w)) {
			return (long)(i / 4);
		}
	}
	return -1;
}

/* ---- a scratch partition for the probe and the self-test ------------------ */

/*
 * Real memory of 16 MiB at 0: a stub in HV real mode at 0, the partition
 * table at PART_TABLE, a 256 KiB HPT at HPT, a code page and a data page for
 * the partition (LPID 1) at CODE_EA / DATA_EA (256 MB segments, VSIDs
 * CODE_VSID / DATA_VSID, 4 KiB pages).
 */
#define RIG_MEM     (16ull << 20)
#define PART_TABLE  0x10000ull
#define HPT         0x40000ull
#define HPT_GROUPS  2048ull
#define CODE_PA     0x100000ull
#define DATA_PA     0x200000ull
#define CODE_EA     0x10000000ull
#define DATA_EA     0x20000000ull
#define CODE_VSID   0x101ull
#define DATA_VSID   0x202ull
#define RIG_LPID    1

struct rig {
	uc_engine *uc;
	uint8_t *mem;
	bool window_called;
	uc_hook intr_hook;
	unsigned intno, nintr;
	uint64_t intr_pc;
	uc_context *at_intr; /* saved in the hook when wanted */
	bool save_at_intr;
};

static void be64_put(uint8_t *p, uint64_t v)
{
	unsigned i;

	for (i = 0; i < 8; i++) {
		p[i] = (uint8_t)(v >> (56 - 8 * i));
	}
}

static void put_insns(uint8_t *p, const uint32_t *w, unsigned n)
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

/* HPTE slot of (vsid, ea) in the primary group, slot k. */
static uint64_t rig_ptex(uint64_t vsid, uint64_t ea, unsigned k)
{
	return ((vsid ^ ((ea & 0x0FFFFFFF) >> 12)) & (HPT_GROUPS - 1)) * 8 + k;
}

static void rig_hpte(struct rig *r, uint64_t ptex, uint64_t vsid, uint64_t ea, uint64_t pa, uint64_t rc, unsigned pp)
{
	uint64_t va = vsid << 28 | (ea & 0x0FFFFFFF);

	be64_put(r->mem + HPT + ptex * 16 + 8, pa | rc | 0x10 /* M */ | pp);
	be64_put(r->mem + HPT + ptex * 16, ((va >> 16) & ~0x7Full) | 1);
}

static int rig_run(struct rig *r, uint64_t pc, char *err, size_t cap)
{
	uc_err e;

	r->nintr = 0;
	r->intno = 0;
	e = uc_emu_start(r->uc, pc, EMU_UNTIL_NEVER, 0, 0);
	if (e) {
		return fail(err, cap, "uc_emu_start at 0x%llx: %s", (unsigned long long)pc, uc_strerror(e));
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
		return fail(err, cap, "the boot stub did not reach the partition (interrupt %u at 0x%llx)", r->intno,
			    (unsigned long long)r->intr_pc);
	}
	return 0;
}

static void rig_close(struct rig *r)
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

/* The rig with its HV stub run: the CPU is in the partition (LPID 1), code page mapped, nothing else. */
static int rig_open(struct rig *r, bool data_window, char *err, size_t cap)
{
	uc_err e;

	memset(r, 0, sizeof(*r));
	r->mem = calloc(1, RIG_MEM);
	if (!r->mem) {
		return fail(err, cap, "out of memory");
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
		return fail(err, cap, "scratch engine: %s", uc_strerror(e));
	}
	be64_put(r->mem + PART_TABLE + 16 * RIG_LPID, HPT | 0); /* HR = 0 (hash), HTABSIZE 0: 256 KiB */
	rig_hpte(r, rig_ptex(CODE_VSID, CODE_EA, 0), CODE_VSID, CODE_EA, CODE_PA, 0x180, 2);
	if (rig_enter_partition(r, err, cap)) {
		rig_close(r);
		return -1;
	}
	return 0;
}

/* Runs `insns` at CODE_EA in the partition with r5 = DATA_EA; the hook stops at the first interrupt. */
static int rig_partition_run(struct rig *r, const uint32_t *insns, unsigned n, char *err, size_t cap)
{
	uint64_t ea = DATA_EA;

	put_insns(r->mem + CODE_PA, insns, n);
	uc_ctl_remove_cache(r->uc, CODE_EA, CODE_EA + 0x1000);
	uc_reg_write(r->uc, UC_PPC_REG_5, &ea);
	return rig_run(r, CODE_EA, err, cap);
}

/* ---- the probe ------------------------------------------------------------ */

static long find_u64(const uint8_t *blob, size_t size, uint64_t v, size_t from)
{
	size_t i;

	for (i = from; i + 8 <= size; i += 8) {
		uint64_t x;

		memcpy(&x, blob + i, 8);
		if (x == v) {
			return (long)i;
		}
	}
	return -1;
}

static int probe_msr_nip(uc_engine *uc, char *err, size_t cap)
{
	uc_context *a, *b;
	uint64_t v = MSR_SF_BIT, pc = 0x7654321000ull;
	uint32_t xer = 0x0000A5C3; /* the byte count and reserved bits: stored as is */
	size_t i;
	int rc = -1;

	if (uc_context_alloc(uc, &a) || uc_context_alloc(uc, &b)) {
		return fail(err, cap, "uc_context_alloc failed");
	}
	emu_env.data = CTX_HEADER;
	emu_env.size = uc_context_size(uc) - CTX_HEADER;
	if (*(size_t *)(void *)a != emu_env.size) {
		fail(err, cap, "uc_context layout: size field %zu, expected %zu", *(size_t *)(void *)a, emu_env.size);
		goto out;
	}
	uc_reg_write(uc, UC_PPC_REG_MSR, &v);
	uc_context_save(uc, a);
	v |= MSR_FP_BIT;
	uc_reg_write(uc, UC_PPC_REG_MSR, &v);
	uc_reg_write(uc, UC_PPC_REG_PC, &pc);
	uc_reg_write(uc, UC_PPC_REG_XER, &xer);
	uc_context_save(uc, b);
	for (i = 0; i + 8 <= emu_env.size; i += 8) {
		uint64_t x, y;

		memcpy(&x, emu_ctx_env(a) + i, 8);
		memcpy(&y, emu_ctx_env(b) + i, 8);
		if (x == MSR_SF_BIT && y == (MSR_SF_BIT | MSR_FP_BIT)) {
			emu_env.msr = i;
			break;
		}
	}
	if (!emu_env.msr) {
		fail(err, cap, "env->msr not found in the context blob");
		goto out;
	}
	if (find_u64(emu_ctx_env(b), emu_env.size, pc, 0) < 0) {
		fail(err, cap, "env->nip not found in the context blob");
		goto out;
	}
	emu_env.nip = (size_t)find_u64(emu_ctx_env(b), emu_env.size, pc, 0);
	if (find_u64(emu_ctx_env(b), emu_env.msr, xer, 0) < 0) {
		fail(err, cap, "env->xer not found in the context blob");
		goto out;
	}
	emu_env.xer = (size_t)find_u64(emu_ctx_env(b), emu_env.msr, xer, 0);
	rc = 0;
out:
	uc_context_free(a);
	uc_context_free(b);
	return rc;
}

/* spr[] from PVR and LPCR read by the CPU itself; slb[] from what the stub's slbmte stored. */
static int probe_spr_slb(struct rig *r, char *err, size_t cap)
{
	const uint32_t read_pvr_lpcr[] = { ppc_mfspr(3, PPC_SPR_PVR), ppc_mfspr(4, PPC_SPR_LPCR), PPC_SC1 };
	uint64_t pvr, lpcr;
	uc_context *ctx = r->at_intr;
	const uint8_t *env;
	long off;
	uint64_t v;

	/* In HV real mode: mfspr LPCR is hypervisor-privileged. */
	put_insns(r->mem + 0x800, read_pvr_lpcr, 3);
	uc_ctl_remove_cache(r->uc, 0x800, 0x80C);
	v = MSR_SF_BIT | MSR_HV_BIT | MSR_ME_BIT;
	uc_context_save(r->uc, ctx);
	*emu_ctx_msr(ctx) = v;
	emu_ctx_restore(r->uc, ctx);
	if (rig_run(r, 0x800, err, cap)) {
		return -1;
	}
	uc_reg_read(r->uc, UC_PPC_REG_3, &pvr);
	uc_reg_read(r->uc, UC_PPC_REG_4, &lpcr);
	uc_context_save(r->uc, ctx);
	env = emu_ctx_env(ctx);
	for (off = find_u64(env, emu_env.size, pvr, 0); off >= 0; off = find_u64(env, emu_env.size, pvr, (size_t)off + 8)) {
		long base = off - 8 * PPC_SPR_PVR;
		uint64_t l;

		if (base < 0 || (size_t)base + 8 * 1024 > emu_env.size) {
			continue;
		}
		memcpy(&l, env + base + 8 * PPC_SPR_LPCR, 8);
		if (l == lpcr) {
			emu_env.spr = (size_t)base;
			break;
		}
	}
	if (!emu_env.spr) {
		return fail(err, cap, "env->spr[] not found (PVR 0x%llx, LPCR 0x%llx)", (unsigned long long)pvr,
			    (unsigned long long)lpcr);
	}
	/* slb[0].esid as the stub stored it, past the GPRs that held it (slb follows msr and nip). */
	off = find_u64(env, emu_env.size, CODE_EA | 1ull << 27, emu_env.nip);
	if (off < 0) {
		return fail(err, cap, "env->slb[] not found");
	}
	emu_env.slb = (size_t)off;
	memcpy(&v, env + emu_env.slb + 8, 8);
	if (v != CODE_VSID << 12) {
		return fail(err, cap, "env->slb[0].vsid is 0x%llx, expected 0x%llx", (unsigned long long)v,
			    (unsigned long long)(CODE_VSID << 12));
	}
	return 0;
}

/*
 * error_code: sc 1, sc, sc 1 at three addresses; LEV (1, 0, 1) is the only
 * 4-byte field to read that way in all three.
 */
static int probe_error_code(struct rig *r, char *err, size_t cap)
{
	const uint32_t words[3] = { PPC_SC1, PPC_SC, PPC_SC1 };
	uint8_t *blobs[3];
	size_t i, found = 0, n = 0;
	unsigned k;
	int rc = -1;

	for (k = 0; k < 3; k++) {
		blobs[k] = malloc(emu_env.size);
		if (!blobs[k]) {
			while (k--) {
				free(blobs[k]);
			}
			return fail(err, cap, "out of memory");
		}
	}
	/* In HV real mode, where probe_spr_slb left the CPU. */
	r->save_at_intr = true;
	put_insns(r->mem + 0x900, words, 3);
	uc_ctl_remove_cache(r->uc, 0x900, 0x90C);
	for (k = 0; k < 3; k++) {
		if (rig_run(r, 0x900 + 4 * k, err, cap)) {
			goto out;
		}
		memcpy(blobs[k], emu_ctx_env(r->at_intr), emu_env.size);
	}
	for (i = 0; i + 4 <= emu_env.size; i += 4) {
		int32_t a, b, c;

		memcpy(&a, blobs[0] + i, 4);
		memcpy(&b, blobs[1] + i, 4);
		memcpy(&c, blobs[2] + i, 4);
		if (a == 1 && b == 0 && c == 1 && i > emu_env.spr) {
			found = i;
			n++;
		}
	}
	if (n != 1) {
		fail(err, cap, "env->error_code: %zu candidates", n);
		goto out;
	}
	emu_env.error_code = found;
	rc = 0;
out:
	r->save_at_intr = false;
	for (k = 0; k < 3; k++) {
		free(blobs[k]);
	}
	return rc;
}

int emu_quirks_init(char *err, size_t errcap)
{
	struct rig r;
	uc_engine *uc;
	uc_err e;
	int rc;

	if (emu_env.error_code) {
		return 0;
	}
	e = uc_open(UC_ARCH_PPC, UC_MODE_PPC64 | UC_MODE_BIG_ENDIAN, &uc);
	if (e) {
		return fail(err, errcap, "uc_open(PPC64 | BIG_ENDIAN): %s", uc_strerror(e));
	}
	rc = probe_msr_nip(uc, err, errcap);
	uc_close(uc);
	if (rc) {
		return -1;
	}
	if (rig_open(&r, true, err, errcap)) {
		return -1;
	}
	rc = probe_spr_slb(&r, err, errcap);
	if (!rc) {
		rc = probe_error_code(&r, err, errcap);
	}
	rig_close(&r);
	if (rc) {
		memset(&emu_env, 0, sizeof(emu_env));
	}
	return rc;
}

/* ---- the self-test ------------------------------------------------------- */


static void say(void *out, const char *what)
{
	if (out) {
		fprintf((FILE *)out, "  ok  %s\n", what);
	}
}

static int check_hv_at_reset(void *out, char *err, size_t cap)
{
	uc_engine *uc;
	uint64_t msr = 0;

	if (uc_open(UC_ARCH_PPC, UC_MODE_PPC64 | UC_MODE_BIG_ENDIAN, &uc)) {
		return fail(err, cap, "uc_open(PPC64 | BIG_ENDIAN) failed");
	}
	uc_reg_read(uc, UC_PPC_REG_MSR, &msr);
	uc_close(uc);
	if (msr & MSR_HV_BIT) {
		return fail(err, cap, "quirk 1 changed: the CPU now leaves reset with MSR[HV] = 1 (MSR 0x%llx)",
			    (unsigned long long)msr);
	}
	if (emu_uc_open(&uc)) {
		return fail(err, cap, "quirk 1: the blob edit could not set MSR[HV]");
	}
	uc_reg_read(uc, UC_PPC_REG_MSR, &msr);
	uc_close(uc);
	if (!(msr & MSR_HV_BIT)) {
		return fail(err, cap, "quirk 1: MSR[HV] did not stick after the blob edit (MSR 0x%llx)",
			    (unsigned long long)msr);
	}
	say(out, "1 MSR[HV] is 0 at reset; the context-blob edit sets it");
	return 0;
}

static int check_partition_state(struct rig *r, void *out, char *err, size_t cap)
{
	uint64_t msr;

	uc_reg_read(r->uc, UC_PPC_REG_MSR, &msr);
	if ((msr & (MSR_HV_BIT | MSR_IR_BIT | MSR_DR_BIT)) != (MSR_IR_BIT | MSR_DR_BIT)) {
		return fail(err, cap, "hrfid did not leave the partition with HV = 0, IR = DR = 1 (MSR 0x%llx)",
			    (unsigned long long)msr);
	}
	say(out, "  hrfid enters the partition with HV = 0, IR = DR = 1; sc 1 stops in the hook at sc + 4");
	return 0;
}

static int check_ea_window(void *out, char *err, size_t cap)
{
	const uint32_t load[] = { ppc_ld(4, 5, 0), PPC_SC1 };
	struct rig r;
	uint64_t v = 0;
	bool called;
	uc_err e;

	if (rig_open(&r, false, err, cap)) {
		return -1;
	}
	rig_hpte(&r, rig_ptex(DATA_VSID, DATA_EA, 0), DATA_VSID, DATA_EA, DATA_PA, 0x180, 2);
	be64_put(r.mem + DATA_PA, 0xDEADBEEFCAFEF00Dull);
	put_insns(r.mem + CODE_PA, load, 2);
	uc_ctl_remove_cache(r.uc, CODE_EA, CODE_EA + 0x1000);
	v = DATA_EA;
	uc_reg_write(r.uc, UC_PPC_REG_5, &v);
	e = uc_emu_start(r.uc, CODE_EA, EMU_UNTIL_NEVER, 0, 0);
	if (e != UC_ERR_READ_UNMAPPED) {
		rig_close(&r);
		return fail(err, cap, "quirk 2 changed: a translated load outside every region gave '%s', not READ_UNMAPPED",
			    uc_strerror(e));
	}
	if (emu_map_data_window(r.uc, DATA_EA, 0x10000, &r.window_called) ||
	    rig_partition_run(&r, load, 2, err, cap)) {
		rig_close(&r);
		return -1;
	}
	uc_reg_read(r.uc, UC_PPC_REG_4, &v);
	called = r.window_called;
	rig_close(&r);
	if (v != 0xDEADBEEFCAFEF00Dull || called) {
		return fail(err, cap, "quirk 2: through a data window the load read 0x%llx (window called: %d)",
			    (unsigned long long)v, (int)r.window_called);
	}
	say(out, "2 an effective address outside every region faults; a window (never read) lets the MMU work");
	return 0;
}

static int check_r_bit(void *out, char *err, size_t cap)
{
	const uint32_t load[] = { ppc_ld(4, 5, 0), PPC_SC1 };
	uint64_t ptex = rig_ptex(DATA_VSID, DATA_EA, 2);
	struct rig r;
	uint8_t next, rbyte;

	if (rig_open(&r, true, err, cap)) {
		return -1;
	}
	rig_hpte(&r, ptex, DATA_VSID, DATA_EA, DATA_PA, 0x080 /* C only */, 2);
	if (rig_partition_run(&r, load, 2, err, cap)) {
		rig_close(&r);
		return -1;
	}
	next = r.mem[HPT + (ptex + 1) * 16];
	rbyte = r.mem[HPT + ptex * 16 + 14];
	if (next != 0x01 || (rbyte & 1)) {
		rig_close(&r);
		return fail(err, cap, "quirk 3 changed: with R clear a load left the next HPTE's byte 0 at 0x%02x and R at %u",
			    next, rbyte & 1);
	}
	/* With R preset the MMU writes nothing. */
	memset(r.mem + HPT + (ptex + 1) * 16, 0, 16);
	rig_hpte(&r, ptex, DATA_VSID, DATA_EA + 0x1000, DATA_PA + 0x1000, 0x180, 2);
	rig_hpte(&r, rig_ptex(DATA_VSID, DATA_EA + 0x1000, 2), DATA_VSID, DATA_EA + 0x1000, DATA_PA + 0x1000, 0x180, 2);
	if (rig_partition_run(&r, (const uint32_t[]){ ppc_ld(4, 5, 0x1000), PPC_SC1 }, 2, err, cap)) {
		rig_close(&r);
		return -1;
	}
	next = r.mem[HPT + (rig_ptex(DATA_VSID, DATA_EA + 0x1000, 2) + 1) * 16];
	rig_close(&r);
	if (next) {
		return fail(err, cap, "quirk 3: with R preset the MMU still stored into the next HPTE (0x%02x)", next);
	}
	say(out, "3 the R-bit update lands in the next HPTE's byte 0; none with R preset");
	return 0;
}

static int check_stale_tlb(void *out, char *err, size_t cap)
{
	const uint32_t load[] = { ppc_ld(4, 5, 0), PPC_SC1 };
	const uint32_t flush_then_load[] = { ppc_tlbiel(0), PPC_ISYNC, ppc_ld(4, 5, 0), PPC_SC1 };
	uint64_t ptex = rig_ptex(DATA_VSID, DATA_EA, 0), v;
	struct rig r;

	if (rig_open(&r, true, err, cap)) {
		return -1;
	}
	rig_hpte(&r, ptex, DATA_VSID, DATA_EA, DATA_PA, 0x180, 2);
	be64_put(r.mem + DATA_PA, 0x1111);
	if (rig_partition_run(&r, load, 2, err, cap)) {
		goto fail_run;
	}
	memset(r.mem + HPT + ptex * 16, 0, 16); /* the hypervisor removes the entry */
	v = 0;
	uc_reg_write(r.uc, UC_PPC_REG_4, &v);
	if (rig_partition_run(&r, load, 2, err, cap)) {
		goto fail_run;
	}
	uc_reg_read(r.uc, UC_PPC_REG_4, &v);
	if (v != 0x1111 || r.intno != 8) {
		rig_close(&r);
		return fail(err, cap, "quirk 4 changed: after the HPTE went, the load gave 0x%llx (interrupt %u), not the "
			    "stale 0x1111", (unsigned long long)v, r.intno);
	}
	if (rig_partition_run(&r, flush_then_load, 4, err, cap)) {
		goto fail_run;
	}
	if (r.intno != 2 || r.intr_pc != CODE_EA + 12) {
		rig_close(&r);
		return fail(err, cap, "quirk 4: tlbiel + isync in the partition did not flush (interrupt %u at 0x%llx)",
			    r.intno, (unsigned long long)r.intr_pc);
	}
	rig_close(&r);
	say(out, "4 a removed HPTE's translation stays cached; tlbiel + isync in the partition flushes it");
	return 0;
fail_run:
	rig_close(&r);
	return -1;
}

static int check_faults_and_sc(void *out, char *err, size_t cap)
{
	struct rig r;
	uint64_t srr0 = 0x5A5A, dar;
	int32_t lev;

	if (rig_open(&r, true, err, cap)) {
		return -1;
	}
	r.save_at_intr = true;
	uc_context_save(r.uc, r.at_intr);
	*emu_ctx_spr(r.at_intr, PPC_SPR_SRR0) = srr0;
	emu_ctx_restore(r.uc, r.at_intr);
	/* No HPTE for the data page: a DSI, not delivered, PC past the load, DAR set. */
	if (rig_partition_run(&r, (const uint32_t[]){ PPC_NOP, ppc_ld(4, 5, 8), PPC_SC1 }, 3, err, cap)) {
		goto fail_run;
	}
	dar = *emu_ctx_spr(r.at_intr, PPC_SPR_DAR);
	if (r.intno != 2 || r.intr_pc != CODE_EA + 8 || dar != DATA_EA + 8 ||
	    *emu_ctx_spr(r.at_intr, PPC_SPR_SRR0) != srr0) {
		rig_close(&r);
		return fail(err, cap, "quirk 5 changed: a DSI gave interrupt %u at 0x%llx, DAR 0x%llx, SRR0 0x%llx",
			    r.intno, (unsigned long long)r.intr_pc, (unsigned long long)dar,
			    (unsigned long long)*emu_ctx_spr(r.at_intr, PPC_SPR_SRR0));
	}
	if (rig_partition_run(&r, (const uint32_t[]){ PPC_SC }, 1, err, cap)) {
		goto fail_run;
	}
	memcpy(&lev, emu_ctx_env(r.at_intr) + emu_env.error_code, 4);
	if (r.intno != 8 || lev != 0) {
		rig_close(&r);
		return fail(err, cap, "quirk 5: the partition's sc gave interrupt %u, LEV %d", r.intno, (int)lev);
	}
	if (rig_partition_run(&r, (const uint32_t[]){ PPC_SC1 }, 1, err, cap)) {
		goto fail_run;
	}
	memcpy(&lev, emu_ctx_env(r.at_intr) + emu_env.error_code, 4);
	if (r.intno != 8 || lev != 1) {
		rig_close(&r);
		return fail(err, cap, "quirk 5: the partition's sc 1 gave interrupt %u, LEV %d", r.intno, (int)lev);
	}
	rig_close(&r);
	say(out, "5 faults reach the hook (DSI = 2, PC past the access, DAR set, SRR0 untouched); sc and sc 1 are "
		 "interrupt 8 with LEV in error_code");
	return 0;
fail_run:
	rig_close(&r);
	return -1;
}

/* XER's CA lives in env->ca, not in what UC_PPC_REG_XER writes: set through the blob, adde sees it. */
static int check_xer(void *out, char *err, size_t cap)
{
	struct rig r;
	uint64_t zero = 0, xer = 0x20000000, sum = 0;

	if (rig_open(&r, true, err, cap)) {
		return -1;
	}
	uc_reg_write(r.uc, UC_PPC_REG_XER, &xer);
	uc_reg_write(r.uc, UC_PPC_REG_4, &zero);
	if (rig_partition_run(&r, (const uint32_t[]){ ppc_adde(3, 4, 4), PPC_SC1 }, 2, err, cap)) {
		goto fail_run;
	}
	uc_reg_read(r.uc, UC_PPC_REG_3, &sum);
	if (sum != 0) {
		rig_close(&r);
		return fail(err, cap, "quirk 7 changed: CA written through UC_PPC_REG_XER now reaches adde");
	}
	uc_context_save(r.uc, r.at_intr);
	*(uint64_t *)(void *)(emu_ctx_env(r.at_intr) + emu_env.xer + 24) = 1; /* env->ca */
	emu_ctx_restore(r.uc, r.at_intr);
	if (rig_partition_run(&r, (const uint32_t[]){ ppc_adde(3, 4, 4), PPC_SC1 }, 2, err, cap)) {
		goto fail_run;
	}
	uc_reg_read(r.uc, UC_PPC_REG_3, &sum);
	rig_close(&r);
	if (sum != 1) {
		return fail(err, cap, "quirk 7: env->ca at env->xer + 24 is not what adde adds (got %llu)",
			    (unsigned long long)sum);
	}
	say(out, "7 XER's CA is env->ca beside env->xer (the blob carries it), not UC_PPC_REG_XER");
	return 0;
fail_run:
	rig_close(&r);
	return -1;
}

/* In a child: a CPU in HV real mode runs mftb. 2.0.1 dies of SIGSEGV in cpu_ppc_load_tbl. */
static int check_timebase(void *out, char *err, size_t cap)
{
	const uint32_t words[] = { ppc_mftb(3), ppc_mfspr(3, PPC_SPR_DEC), PPC_SC1, ppc_ld(4, 5, 0) };
	uint8_t image[16];
	int status;
	pid_t pid;

	put_insns(image, words, 4);
	if (emu_image_bad_word(image, 16) != 0 || emu_image_bad_word(image + 4, 12) != 0 ||
	    emu_image_bad_word(image + 8, 8) != -1) {
		return fail(err, cap, "quirk 6: the image filter does not tell timebase reads from other words");
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		return fail(err, cap, "fork failed");
	}
	if (pid == 0) {
		uc_engine *uc;
		static uint8_t mem[0x10000];

		/* Die of the signal itself, even under a sanitizer that would catch it and exit. */
		signal(SIGSEGV, SIG_DFL);
		signal(SIGBUS, SIG_DFL);

		if (emu_uc_open(&uc) || uc_mem_map_ptr(uc, 0, sizeof(mem), UC_PROT_ALL, mem)) {
			_exit(3);
		}
		memcpy(mem, image, 4);
		memcpy(mem + 4, image + 8, 4);
		uc_emu_start(uc, 0, EMU_UNTIL_NEVER, 0, 2);
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid) {
		return fail(err, cap, "waitpid failed");
	}
	if (!WIFSIGNALED(status) || (WTERMSIG(status) != SIGSEGV && WTERMSIG(status) != SIGBUS)) {
		return fail(err, cap, "quirk 6 changed: mftb no longer crashes the process (exit %d, signal %d); the image "
			    "filter could allow timebase reads", WIFEXITED(status) ? WEXITSTATUS(status) : -1,
			    WIFSIGNALED(status) ? WTERMSIG(status) : 0);
	}
	say(out, "6 mftb kills the process (signal); images with timebase reads are refused");
	return 0;
}

int emu_quirks_selftest(void *out, char *err, size_t errcap)
{
	static bool passed; /* once per process, unless asked to print */
	struct rig r;

	if (passed && !out) {
		return 0;
	}

	if (emu_quirks_init(err, errcap) || check_hv_at_reset(out, err, errcap)) {
		return -1;
	}
	if (rig_open(&r, true, err, errcap)) {
		return -1;
	}
	if (check_partition_state(&r, out, err, errcap)) {
		rig_close(&r);
		return -1;
	}
	rig_close(&r);
	if (check_ea_window(out, err, errcap) || check_r_bit(out, err, errcap) || check_stale_tlb(out, err, errcap) ||
	    check_faults_and_sc(out, err, errcap) || check_xer(out, err, errcap) || check_timebase(out, err, errcap)) {
		return -1;
	}
	passed = true;
	if (out) {
		fprintf((FILE *)out, "  ok  7 blob offsets: xer %zu, msr %zu, nip %zu, slb %zu, spr %zu, error_code %zu\n",
			emu_env.xer, emu_env.msr, emu_env.nip, emu_env.slb, emu_env.spr, emu_env.error_code);
	}
	return 0;
}
