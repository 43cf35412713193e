/*
 * The lparsec firmware (hv/plat/ppc64): a raw big-endian image QEMU's
 * powernv9 / powernv10 machines load at real address 0 and enter at 0x10
 * in hypervisor real mode. What its files share.
 *
 * Real memory: [0, FW_HEAD_BYTES) holds the entry, the interrupt vectors
 * and the exit path (they must sit at their architected real addresses);
 * the rest of the image is copied at boot to FW_LINK_BASE, where it runs.
 * The machine the core manages is [0, FW_MACHINE_BYTES): the core never
 * touches [0, 0x10000) (HV_RESERVED_LOW), which is where the vectors and
 * the hypervisor's canaries live. QEMU's flattened device tree lies at
 * 16 MiB, inside the machine: it is read before the first machine is set up.
 */
#ifndef FW_H
#define FW_H

#define FW_HEAD_BYTES    0x2000
#define FW_LINK_BASE     0x30000000
#define FW_MACHINE_BYTES (64ull << 20)
/* Where the second machine of a program run keeps its memory (replay.c). */
#define FW_MACHINE1_RA   (64ull << 20)
/* The machine of a Linux boot (linux.c): from real address 0, below QEMU's -kernel image at 512 MiB. */
#define FW_LINUX_MACHINE_BYTES (512ull << 20)
/* Real memory below the core's region where the hypervisor keeps canaries during guest runs (scenarios). */
#define FW_HV_CANARY_START 0x8000ull
#define FW_HV_CANARY_END   0x10000ull
/* HSRR1 / SRR1 bits 33:36 and 42:47: the interrupt's own, not the interrupted MSR's. */
#define FW_MSR_INTERRUPT_BITS 0x00000000783F0000ull
/*
 * Past the firmware's image, BSS and stacks (link.ld checks), in the 1 GiB
 * QEMU gives powernv and hands over zeroed: the Linux boot's hcall trace
 * (linux.c), which needs no clearing at boot.
 */
#define FW_TRACE_RA      0x34000000ull
#define FW_TRACE_BYTES   (64ull << 20)
/* Real address ra as the hypervisor reaches it in real mode (never a null pointer). */
#define FW_EA(ra)        (0xC000000000000000ull + (ra))

/* struct fw_cpu offsets, for head.S. */
#define FWC_REGS     0   /* struct hv_regs * of the vCPU on the CPU */
#define FWC_HV_R1    8   /* the hypervisor's stack while a guest runs */
#define FWC_HV_R2    16
#define FWC_R12      24  /* the guest's r12 while the exit path runs */
#define FWC_CAUSE    32  /* the vector that ended the guest's run */
#define FWC_IN_GUEST 40  /* 1 between hrfid and the next interrupt */
#define FWC_FATAL    48  /* function descriptor of fw_fatal (an interrupt of the firmware itself) */
#define FWC_FATAL_SP 56  /* its stack */
#define FWC_CR       64  /* the guest's CR while the exit path runs */

#ifndef __ASSEMBLER__
#include <stdbool.h>
#include <stdint.h>

#include "hv/hcall.h"
#include "hv/regs.h"

struct fw_cpu {
	struct hv_regs *regs;
	uint64_t hv_r1, hv_r2, r12, cause, in_guest;
	const void *fatal;
	uint64_t fatal_sp;
	uint64_t cr;
};

/* head.S: loads every GPR, CR, LR, CTR, XER, NIA and MSR of regs and hrfid's; returns the vector that ended it. */
uint64_t fw_enter_guest(struct fw_cpu *cpu, struct hv_regs *regs);

/* console.c: the LPC UART and the BMC. */
void fw_putc(char c);
void fw_puts(const char *s);
__attribute__((format(printf, 1, 2))) void fw_printf(const char *fmt, ...);
_Noreturn void fw_power_off(void);

/* fdt.c: a string property of the node at path in the device tree ("chosen", "bootargs"), or 0. */
const char *fw_fdt_string(const void *fdt, const char *path, const char *prop);
/* A one- or two-cell number property of such a node ("chosen", "linux,initrd-start"); false if absent. */
bool fw_fdt_number(const void *fdt, const char *path, const char *prop, uint64_t *out);
/* Replaces the value of prop of the node at path ("cpus/cpu@0") by n cells; false unless it has 4n bytes. */
bool fw_fdt_set_cells(void *fdt, const char *path, const char *prop, const uint32_t *cells, unsigned n);
/* The tree's total size (its header), 0 if fdt is not a tree. */
uint32_t fw_fdt_size(const void *fdt);

/* cpu.c: the processor's part of a partition switch. */
void fw_cpu_init(uint64_t part_table);
/*
 * Moves a pattern through every register a partition switch carries
 * beside the GPRs and the SLB -- the PMU, EBB and other SPRs of
 * SWITCHED_SPRS, the floating-point, vector and VSX registers (fpstate.S)
 * -- by the path of an entry and an exit, and compares: false, said, when
 * any differs. Leaves them zero (the counters frozen).
 */
bool fw_switch_selftest(void);
struct hv_partition;
/* The vCPU's registers and its partition's LPIDR and LPCR (interrupt mode, VRMA page size). */
void fw_cpu_load(const struct hv_regs *r, const struct hv_partition *p);
void fw_cpu_store(struct hv_regs *r);
void fw_cpu_set_hdec(uint32_t ticks);
/*
 * An instruction the hypervisor emulates for nobody (HEAI, 0xE40): the
 * partition's own illegal-instruction program interrupt, delivered as its
 * LPCR would (hv_partition_vector).
 */
void fw_reflect_illegal(struct hv_regs *r, const struct hv_partition *p);
/*
 * What the vector that ended thread t's partition run means for the core
 * (hcall.h's contract): sc 1, HDEC, HDSI and HISI go to hv_enter with the
 * registers and fault the processor saved, an emulation assist (0xE40) to
 * the partition as an illegal instruction; *exit says what the thread does
 * next. False for a vector the firmware does not serve (nothing done).
 */
bool fw_take_interrupt(struct hv_machine *m, uint32_t t, uint64_t vector, enum hv_exit *exit);
uint64_t fw_mfspr_srr0(void);
uint64_t fw_mfspr_srr1(void);
uint64_t fw_mfspr_hsrr0(void);
uint64_t fw_mfspr_hsrr1(void);
uint64_t fw_mfspr_hdar(void);
uint64_t fw_mfspr_hdsisr(void);
uint64_t fw_mfspr_heir(void);
uint64_t fw_mfspr_pvr(void);
uint64_t fw_timebase(void);

/* main.c: the boot CPU's state for fw_enter_guest. */
struct fw_cpu *fw_boot_cpu(void);

/* plat.c: the platform of hv/plat.h, machines 0 and 1; consoles go to the scenario running, if any. */
struct hv_plat;
struct lp_scn;
struct lp_exec;
struct hv_plat *fw_plat(unsigned machine);
void fw_plat_console_to(struct lp_scn *scn);
/* The console of partition lpid goes to the UART byte for byte (a Linux boot); 0: none. */
void fw_plat_console_raw(uint32_t lpid);
/* Machine 2: the machine of a Linux boot, FW_LINUX_MACHINE_BYTES from real address 0. */
#define FW_PLAT_LINUX 2
/* The run whose oracles hear of the machine's stores and flushes (NULL: none). */
void fw_plat_report_to(struct hv_plat *plat, struct lp_exec *x);
/* Bit n: 4 KiB page n may have been written since the last reset. */
const uint64_t *fw_plat_dirty_map(const struct hv_plat *plat);
/* Bit n: page n may have been written since the invariant checker last looked (the Linux machine's; else NULL). */
uint64_t *fw_plat_recent_map(struct hv_plat *plat);
/* Records that [ra, ra + len) may have been written, telling nobody else (boot, the driver's own stores). */
void fw_plat_mark(struct hv_plat *plat, uint64_t ra, uint64_t len);
/* Zeroes what was written since the last reset: the next machine starts on zeroed memory. */
void fw_plat_reset(struct hv_plat *plat);

/*
 * replay.c: runs the program batch at [start, end) (tools/qemu/replay.py's
 * format) with the driver bugs `plants` names; true when every program ran.
 */
enum fw_replay_plant {
	FW_PLANT_STALE_LOAD = 1u << 0, /* lparsec.plant=stale-load: a load returns what r4 held before it */
	FW_PLANT_NO_SWAP = 1u << 1,    /* lparsec.plant=no-swap: machine 1's partitions run on machine 0's memory */
	FW_PLANT_LOST_DIRTY = 1u << 2, /* lparsec.plant=lost-dirty: the dirty map misses stores into partition memory */
};
bool fw_replay(const uint8_t *start, const uint8_t *end, unsigned plants);
/* The checker's context and a program of replay.c, for the Linux boot (never in the same boot as a replay). */
struct lp_prog;
struct lp_exec *fw_replay_exec(struct lp_prog **scratch);
/*
 * linux.c: boots the ELF kernel QEMU loaded at kernel_ra (-kernel) as a
 * partition, with the initramfs [initrd_start, initrd_end) (-initrd), and
 * runs it until it powers off or fails, with the attacker guests named in
 * attackers (comma separated; NULL: linux.c's default; "none") beside it
 * and the invariant checker watching; true when Linux powered off, the
 * attackers passed and no invariant broke. Its first trace_shown hcalls
 * (FW_TRACE_ALL: every one recorded) are printed at the end ("[trace]" lines).
 */
#define FW_TRACE_DEFAULT_SHOWN 2048u
#define FW_TRACE_ALL           0xFFFFFFFFu
bool fw_linux_boot(uint64_t kernel_ra, uint64_t initrd_start, uint64_t initrd_end, unsigned trace_shown,
		   const char *attackers);
/* FW_PLANT_LOST_DIRTY on or off (plat.c). */
void fw_plat_plant_lost_dirty(bool on);

#endif /* __ASSEMBLER__ */
#endif /* FW_H */
