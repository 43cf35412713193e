/*
 * The engine's own pieces (not an interface): the per-thread CPUs
 * (cpu.c), the program interpreter's slices (interp.c) and the driver and
 * platform glue (driver.c).
 */
#ifndef EMU_ENGINE_H
#define EMU_ENGINE_H

#include <unicorn/unicorn.h>

#include "emu/emu.h"
#include "hv/hcall.h"
#include "hv/host.h"
#include "guests/guest_abi.h"
#include "lparsec/interp.h"
#include "lparsec/prog.h"
#include "quirks.h"

/*
 * Real addresses outside every machine's memory: the interpreter guest's
 * image (read-only to partitions), seen by each partition through one of
 * its aliases (lparsec/interp.h). The first alias is the image's own real
 * address, so that one needs no window of its own in Unicorn.
 */
#define EMU_IMAGE_PA        LP_INTERP_EA(0)
#define EMU_IMAGE_BYTES     0x10000ull
#define EMU_GUEST_EA_BASE   GUEST_BASE /* free-running guests' segment (emu/guests/guest_abi.h) */
/* SLB L || LP (RS bits 55..59): the segment base page sizes the engine can load into the CPU's SLB. */
#define EMU_LLP_4K          0x000ull
#define EMU_LLP_16M         0x100ull
#define EMU_LLP_64K         0x110ull
#define EMU_LLP_MASK        0x130ull

enum emu_stop {
	EMU_STOP_NONE = 0,
	EMU_STOP_DONE,      /* the interpreter reached its done marker */
	EMU_STOP_HCALL,     /* sc 1 handled by hv_enter (exit in cpu->exit) */
	EMU_STOP_FAULT,     /* the MMU refused the access */
	EMU_STOP_IDLE,      /* a free-running vCPU left the thread (hv_enter said HV_EXIT_IDLE) */
	EMU_STOP_ERROR,     /* anything else: an engine bug (intno, pc say what) */
};

struct emu_cpu {
	struct emu_engine *e;
	uc_engine *uc;
	unsigned machine, thread;
	uc_hook intr;
	uc_context *hv;          /* hypervisor state as the CPU was opened (the boot stub's) */
	uc_context *tmpl;        /* partition state: HV = 0, the program segments, LPIDR */
	uint64_t ptcr;           /* the partition table the CPU was booted with (0: not booted) */
	uint64_t sps[3];         /* this CPU's page-size tables for EMU_LLP_4K, _16M, _64K (QEMU pointers) */
	bool booting;            /* the HV stub runs: the hook only stops */
	bool free_running;       /* a guest of its own runs (guest_cpu.c), not the interpreter */
	bool scrub_pending;      /* its vCPU left: every register it holds is to be zeroed once stopped */
	uint32_t lpid;           /* the LPIDR the CPU runs with (0: none yet) */
	uint32_t want_lpid;      /* what the core last dispatched on this thread */
	bool flush_pending;      /* a translation the CPU caches may be stale */
	bool window_called;      /* a data window was read: the MMU reached no RAM */
	/* The slice in flight. */
	struct lp_interp_slot tramp; /* the HPTE slot the interpreter borrowed (tramp.ea: where it runs) */
	uint64_t last_ptex;      /* the slot it borrowed last (for messages) */
	uc_context *scratch;     /* a blob to look at the CPU with */
	enum emu_stop stop;
	enum hv_exit exit;
	uint32_t intno;
	uint32_t intr_status;    /* error_code of an interrupt the interpreter did not expect */
	uint64_t pc;
};

struct emu_engine {
	struct hv_plat *plat[2];
	struct lp_exec *x;               /* the program run in flight (driver), or NULL */
	struct hv_machine *m[2];         /* the machines the CPUs run (the executor's, or a guest run's) */
	struct lp_driver drv;
	struct emu_cpu cpu[2][HV_MAX_THREADS];
	unsigned ncpus;                  /* threads per machine with a CPU */
	uint8_t *image;                  /* EMU_IMAGE_BYTES: the interpreter */
	struct emu_stats stats;
	unsigned plants;                 /* enum emu_plant (tests only) */
	struct lp_segment seg[LP_SEGMENTS]; /* the program segments every partition runs in (prog.h) */
};

/* cpu.c */
int emu_cpu_open(struct emu_engine *e, struct emu_cpu *c, unsigned machine, unsigned thread, char *err, size_t cap);
void emu_cpu_close(struct emu_cpu *c);
/*
 * Before partition code runs on c: booted on its machine's partition table,
 * LPIDR of the partition the core dispatched there. Stale translations are
 * the interpreter's to drop (flush_pending).
 */
void emu_cpu_enter(struct emu_cpu *c);
/* The engine's program segments (e->seg) changed: the next slice runs with them. */
void emu_cpu_set_segments(struct emu_cpu *c);
/* A failure of the engine itself (not of the core, not of a guest): says what and aborts. */
_Noreturn void emu_fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Runs from pc until a hook stops it; false when Unicorn itself failed (c->stop = EMU_STOP_ERROR). */
bool emu_cpu_run(struct emu_cpu *c, uint64_t pc);

/* interp.c: the program interpreter's operations on c for the vCPU the core runs there. */
enum hv_exit emu_interp_hcall(struct emu_cpu *c);
uint8_t emu_interp_access(struct emu_cpu *c, uint64_t ea, bool store, uint64_t *value);
void emu_interp_on_intr(struct emu_cpu *c, uint32_t intno);
/* guest_cpu.c: free-running guests. Loads the registers `changed` names (hv_changed) into c's CPU. */
void emu_guest_load(struct emu_cpu *c, const struct hv_regs *r, uint32_t changed);
/* Zeroes every register of the vCPU the CPU holds (after plat_thread_idle, once the CPU stopped). */
void emu_guest_scrub(struct emu_cpu *c);
/* Stores everything the CPU holds of the vCPU into r. */
void emu_guest_store(struct emu_cpu *c, struct hv_regs *r);
void emu_guest_on_intr(struct emu_cpu *c, uint32_t intno);
/*
 * Drops Unicorn's translated code for the machine's memory: its cache is
 * keyed by real address and never sees host writes (a loader putting new
 * code where old code was). Leaves the CPU in hypervisor state, its
 * partition state to be restored on next use. (uc_ctl_flush_tlb, the
 * whole-cache flush, clears a gigabyte of code buffer: seconds.)
 */
void emu_cpu_forget_code(struct emu_cpu *c);
/* Drops every translation the CPU caches now (a memory-map change: 20-30 us; free-running guests only). */
void emu_cpu_flush_now(struct emu_cpu *c);

/* run.c: a console write of a free-running guest (the run in flight parses and shows it). */
void emu_run_console(uint32_t lpid, const uint8_t *bytes, unsigned len);

/* The interpreter image (generated from emu/guests/interp.S). */
extern const unsigned char emu_interp_image[];
extern const unsigned long emu_interp_image_len;

#endif /* EMU_ENGINE_H */
