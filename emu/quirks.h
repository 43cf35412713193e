/*
 * Every workaround Debian's Unicorn 2.0.1 needs to run ppc64 partitions
 * through its hash MMU, in one place (facts: shared/unicorn-ppc64-notes.md):
 *
 *  1. MSR[HV] is 0 at reset and uc_reg_write cannot set it: the engine sets
 *     it inside a uc_context blob (emu_uc_open).
 *  2. Every effective address a guest uses must also lie in some Unicorn
 *     region: windows that are never read (MMIO for data, RAM for code).
 *  3. The MMU's R-bit update stores into the next HPTE: HPTEs are published
 *     with R preset (plat.h HV_PLAT_CAP_HPTE_R_PRESET).
 *  4. Translations stay cached after the HPT changes, and no host-side call
 *     but a memory-map change (20-30 us) flushes them: the engine runs a
 *     tlbiel in the partition before its next instruction instead.
 *  5. Faults are not delivered: DSI/ISI/segment faults reach UC_HOOK_INTR
 *     with the PC past the faulting instruction; `sc` and `sc 1` both arrive
 *     as interrupt 8, told apart by env->error_code (the LEV field).
 *  6. mftb and mfspr of the timebase registers crash the host process: guest
 *     images containing them are refused.
 *  7. SPRs, the SLB, error_code and XER's SO/OV/CA/OV32/CA32 (QEMU keeps
 *     them apart from env->xer, which is all UC_PPC_REG_XER reaches) have no
 *     register ids: they are read and written in a uc_context blob, at
 *     offsets found at start-up. An SLB entry there holds a pointer to its
 *     own CPU's page-size table: entries are only ever copied within one CPU
 *     (an slbmte made the pointer).
 *
 * emu_quirks_selftest checks that each of these still behaves as written
 * and stops with a clear message when one does not.
 */
#ifndef EMU_QUIRKS_H
#define EMU_QUIRKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <unicorn/unicorn.h>

/* Where 2.0.1 keeps, inside a uc_context blob, what its API does not expose. */
struct emu_env_layout {
	size_t data;        /* offset of the CPU state in a uc_context */
	size_t size;        /* bytes of CPU state */
	size_t msr;         /* env->msr */
	size_t xer;         /* env->xer; so, ov, ca, ov32, ca32 follow it, one doubleword each */
	size_t nip;         /* env->nip */
	size_t slb;         /* env->slb[0]: 24-byte entries {esid, vsid, page sizes *} */
	size_t spr;         /* env->spr[0] */
	size_t error_code;  /* env->error_code: LEV of the last sc */
};

/*
 * The `until` of every uc_emu_start: runs stop from hooks (uc_emu_stop) or
 * by instruction count, never by address, and no instruction sits at an
 * odd address.
 */
#define EMU_UNTIL_NEVER 1ull

/* Discovered once per process (emu_quirks_init); 0 offsets until then. */
extern struct emu_env_layout emu_env;

/*
 * Finds the blob layout with a scratch engine. Returns 0, or -1 with what
 * went wrong in err (Unicorn is not the 2.0.1 this engine was written for).
 */
int emu_quirks_init(char *err, size_t errcap);

/* A ppc64 big-endian engine whose CPU is in hypervisor state (quirk 1), MSR = SF | HV | ME. */
uc_err emu_uc_open(uc_engine **uc);

/* The CPU state inside a saved context, and fields of it. */
uint8_t *emu_ctx_env(uc_context *ctx);
uint64_t *emu_ctx_spr(uc_context *ctx, unsigned spr);
uint64_t *emu_ctx_msr(uc_context *ctx);
/* Restores ctx and lets Unicorn recompute what depends on MSR (HV included). */
uc_err emu_ctx_restore(uc_engine *uc, uc_context *ctx);

/* Quirk 2: effective-address windows. Data windows are MMIO that must never be called. */
uc_err emu_map_data_window(uc_engine *uc, uint64_t ea, uint64_t size, bool *called);
uc_err emu_map_code_window(uc_engine *uc, uint64_t ea, uint64_t size);

/* Quirk 6: the first word of image that would crash the host, or -1. */
long emu_image_bad_word(const uint8_t *image, size_t len);

/*
 * Runs every quirk check; prints one line per check to out (NULL: quiet).
 * Returns 0 when all behave as documented, else -1 and err names the first
 * that does not.
 */
int emu_quirks_selftest(void *out, char *err, size_t errcap);

#endif /* EMU_QUIRKS_H */
