/*
 * The quirk self-test: every Unicorn 2.0.1 ppc64 quirk the engine works
 * around (quirks.h) is shown to still behave as assumed, and every
 * workaround to still work, so a changed Unicorn stops the engine with the
 * quirk's name instead of running fuzz inputs on wrong assumptions.
 */
#include "quirks_rig.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ppc_insn.h"

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
		return quirk_fail(err, cap, "uc_open(PPC64 | BIG_ENDIAN) failed");
	}
	uc_reg_read(uc, UC_PPC_REG_MSR, &msr);
	uc_close(uc);
	if (msr & MSR_HV_BIT) {
		return quirk_fail(err, cap, "quirk 1 changed: the CPU now leaves reset with MSR[HV] = 1 (MSR 0x%llx)",
			    (unsigned long long)msr);
	}
	if (emu_uc_open(&uc)) {
		return quirk_fail(err, cap, "quirk 1: the blob edit could not set MSR[HV]");
	}
	uc_reg_read(uc, UC_PPC_REG_MSR, &msr);
	uc_close(uc);
	if (!(msr & MSR_HV_BIT)) {
		return quirk_fail(err, cap, "quirk 1: MSR[HV] did not stick after the blob edit (MSR 0x%llx)",
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
		return quirk_fail(err, cap, "hrfid did not leave the partition with HV = 0, IR = DR = 1 (MSR 0x%llx)",
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
	hv_st_be64(r.mem + DATA_PA, 0xDEADBEEFCAFEF00Dull);
	put_insns(r.mem + CODE_PA, load, 2);
	uc_ctl_remove_cache(r.uc, CODE_EA, CODE_EA + 0x1000);
	v = DATA_EA;
	uc_reg_write(r.uc, UC_PPC_REG_5, &v);
	e = uc_emu_start(r.uc, CODE_EA, EMU_UNTIL_NEVER, 0, 0);
	if (e != UC_ERR_READ_UNMAPPED) {
		rig_close(&r);
		return quirk_fail(err, cap, "quirk 2 changed: a translated load outside every region gave '%s', not READ_UNMAPPED",
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
		return quirk_fail(err, cap, "quirk 2: through a data window the load read 0x%llx (window called: %d)",
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
		return quirk_fail(err, cap, "quirk 3 changed: with R clear a load left the next HPTE's byte 0 at 0x%02x and R at %u",
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
		return quirk_fail(err, cap, "quirk 3: with R preset the MMU still stored into the next HPTE (0x%02x)", next);
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
	hv_st_be64(r.mem + DATA_PA, 0x1111);
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
		return quirk_fail(err, cap, "quirk 4 changed: after the HPTE went, the load gave 0x%llx (interrupt %u), not the "
			    "stale 0x1111", (unsigned long long)v, r.intno);
	}
	if (rig_partition_run(&r, flush_then_load, 4, err, cap)) {
		goto fail_run;
	}
	if (r.intno != 2 || r.intr_pc != CODE_EA + 12) {
		rig_close(&r);
		return quirk_fail(err, cap, "quirk 4: tlbiel + isync in the partition did not flush (interrupt %u at 0x%llx)",
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
		return quirk_fail(err, cap, "quirk 5 changed: a DSI gave interrupt %u at 0x%llx, DAR 0x%llx, SRR0 0x%llx",
			    r.intno, (unsigned long long)r.intr_pc, (unsigned long long)dar,
			    (unsigned long long)*emu_ctx_spr(r.at_intr, PPC_SPR_SRR0));
	}
	if (rig_partition_run(&r, (const uint32_t[]){ PPC_SC }, 1, err, cap)) {
		goto fail_run;
	}
	memcpy(&lev, emu_ctx_env(r.at_intr) + emu_env.error_code, 4);
	if (r.intno != 8 || lev != 0) {
		rig_close(&r);
		return quirk_fail(err, cap, "quirk 5: the partition's sc gave interrupt %u, LEV %d", r.intno, (int)lev);
	}
	if (rig_partition_run(&r, (const uint32_t[]){ PPC_SC1 }, 1, err, cap)) {
		goto fail_run;
	}
	memcpy(&lev, emu_ctx_env(r.at_intr) + emu_env.error_code, 4);
	if (r.intno != 8 || lev != 1) {
		rig_close(&r);
		return quirk_fail(err, cap, "quirk 5: the partition's sc 1 gave interrupt %u, LEV %d", r.intno, (int)lev);
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
		return quirk_fail(err, cap, "quirk 7 changed: CA written through UC_PPC_REG_XER now reaches adde");
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
		return quirk_fail(err, cap, "quirk 7: env->ca at env->xer + 24 is not what adde adds (got %llu)",
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
		return quirk_fail(err, cap, "quirk 6: the image filter does not tell timebase reads from other words");
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		return quirk_fail(err, cap, "fork failed");
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
		return quirk_fail(err, cap, "waitpid failed");
	}
	if (!WIFSIGNALED(status) || (WTERMSIG(status) != SIGSEGV && WTERMSIG(status) != SIGBUS)) {
		return quirk_fail(err, cap, "quirk 6 changed: mftb no longer crashes the process (exit %d, signal %d); the image "
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
