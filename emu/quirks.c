/*
 * Unicorn 2.0.1's ppc64 quirks and their workarounds (quirks.h) and the
 * start-up probe that finds where the CPU state keeps what the API does not
 * expose (the self-test that proves every quirk still behaves as the engine
 * assumes is quirks_selftest.c).
 */
#include "quirks_rig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ppc_insn.h"

struct emu_env_layout emu_env;

/* struct uc_context of 2.0.1 is { size_t context_size; uc_mode mode; uc_arch arch; char data[]; }. */
#define CTX_HEADER 16

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
		return quirk_fail(err, cap, "uc_context_alloc failed");
	}
	emu_env.data = CTX_HEADER;
	emu_env.size = uc_context_size(uc) - CTX_HEADER;
	if (*(size_t *)(void *)a != emu_env.size) {
		quirk_fail(err, cap, "uc_context layout: size field %zu, expected %zu", *(size_t *)(void *)a, emu_env.size);
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
		quirk_fail(err, cap, "env->msr not found in the context blob");
		goto out;
	}
	if (find_u64(emu_ctx_env(b), emu_env.size, pc, 0) < 0) {
		quirk_fail(err, cap, "env->nip not found in the context blob");
		goto out;
	}
	emu_env.nip = (size_t)find_u64(emu_ctx_env(b), emu_env.size, pc, 0);
	if (find_u64(emu_ctx_env(b), emu_env.msr, xer, 0) < 0) {
		quirk_fail(err, cap, "env->xer not found in the context blob");
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
		return quirk_fail(err, cap, "env->spr[] not found (PVR 0x%llx, LPCR 0x%llx)", (unsigned long long)pvr,
			    (unsigned long long)lpcr);
	}
	/* slb[0].esid as the stub stored it, past the GPRs that held it (slb follows msr and nip). */
	off = find_u64(env, emu_env.size, CODE_EA | 1ull << 27, emu_env.nip);
	if (off < 0) {
		return quirk_fail(err, cap, "env->slb[] not found");
	}
	emu_env.slb = (size_t)off;
	memcpy(&v, env + emu_env.slb + 8, 8);
	if (v != CODE_VSID << 12) {
		return quirk_fail(err, cap, "env->slb[0].vsid is 0x%llx, expected 0x%llx", (unsigned long long)v,
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
			return quirk_fail(err, cap, "out of memory");
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
		quirk_fail(err, cap, "env->error_code: %zu candidates", n);
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
		return quirk_fail(err, errcap, "uc_open(PPC64 | BIG_ENDIAN): %s", uc_strerror(e));
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
