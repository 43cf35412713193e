/*
 * The scratch partition the quirk probe and the quirk self-test run in
 * (internal to emu/quirks*.c).
 */
#ifndef LP_EMU_QUIRKS_RIG_H
#define LP_EMU_QUIRKS_RIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hv/types.h"
#include "quirks.h"

#define MSR_SF_BIT (1ull << 63)
#define MSR_HV_BIT (1ull << 60)
#define MSR_FP_BIT (1ull << 13)
#define MSR_ME_BIT (1ull << 12)
#define MSR_IR_BIT (1ull << 5)
#define MSR_DR_BIT (1ull << 4)
#define MSR_RI_BIT (1ull << 1)

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

/* Formats the error into err and returns -1. */
int quirk_fail(char *err, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Stores big-endian instruction words. */
void put_insns(uint8_t *p, const uint32_t *w, unsigned n);
/* HPTE slot of (vsid, ea) in the primary group, slot k. */
uint64_t rig_ptex(uint64_t vsid, uint64_t ea, unsigned k);
void rig_hpte(struct rig *r, uint64_t ptex, uint64_t vsid, uint64_t ea, uint64_t pa, uint64_t rc, unsigned pp);
/* Runs from pc until the interrupt hook stops the CPU. */
int rig_run(struct rig *r, uint64_t pc, char *err, size_t cap);
/* The rig with its HV stub run: the CPU is in the partition (LPID 1), code page mapped, nothing else. */
int rig_open(struct rig *r, bool data_window, char *err, size_t cap);
void rig_close(struct rig *r);
/* Runs `insns` at CODE_EA in the partition with r5 = DATA_EA; the hook stops at the first interrupt. */
int rig_partition_run(struct rig *r, const uint32_t *insns, unsigned n, char *err, size_t cap);

#endif
