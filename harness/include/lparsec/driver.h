/*
 * Drivers: how the executor reaches a machine. One table of operations per
 * driver (as Xen's instruction-emulator harness passes x86_emulate_ops), so
 * one program runs the same way host-direct (the harness's own MMU walk
 * and C calls), on Unicorn's emulated ppc64 CPUs (emu/) and in the firmware
 * under QEMU. Results, invariants and traces do not depend on the driver.
 *
 * The rules every driver keeps:
 * - Between two operations the core's register files (m->thread[t].regs)
 *   hold every running vCPU's registers. A driver whose CPU holds registers
 *   loads them at the start of its operation and stores them back at its
 *   end; register plants and the I5 oracle only ever look at the core's.
 * - Partition accesses happen in the program model's translation context
 *   (prog.h: the segment assumption, supervisor state, storage key 0, AMR
 *   0, big-endian doublewords), whatever the vCPU's own MSR or SLB say.
 * - The machines run with the platform capabilities the driver names
 *   (plat.h), so a host-direct run that is compared with a driver uses the
 *   same ones.
 *
 * Portable like the executor: no libc, no allocation.
 */
#ifndef LPARSEC_DRIVER_H
#define LPARSEC_DRIVER_H

#include <stdbool.h>
#include <stdint.h>

#include "hv/hcall.h"

struct lp_exec;
struct lp_op;

struct lp_driver {
	const char *name;   /* "host", "unicorn", "qemu" */
	void *ctx;          /* the driver's own state */
	uint32_t caps;      /* enum hv_plat_cap the machines run with */
	/*
	 * True when the driver's MMU is not the harness's walk: every LOAD/STORE
	 * it performs is then also predicted by the harness's walk and compared
	 * (status, value, the HPTE's R/C), a difference being I12.
	 */
	bool own_mmu;
	/*
	 * The vCPU on `thread` of machine (0 or 1) issues sc 1 with r3..r12 as
	 * its register file holds them. Returns what hv_enter returned; the
	 * results are in the register file, or in the vCPU's save area when the
	 * call gave up the thread.
	 */
	enum hv_exit (*hcall)(struct lp_exec *x, unsigned machine, uint32_t thread);
	/*
	 * The vCPU on thread loads (store: stores *value to) the doubleword at
	 * effective address ea. LP_RAN with *value = the doubleword there after
	 * the access, or LP_FAULT (no translation, no permission).
	 */
	uint8_t (*access)(struct lp_exec *x, unsigned machine, uint32_t thread, unsigned part, uint64_t ea,
			  bool store, uint64_t *value);
	/* Device DMA of partition `part` through window liobn at bus address bus: as access. */
	uint8_t (*dma)(struct lp_exec *x, unsigned part, uint32_t liobn, uint64_t bus, bool write, uint64_t *value);
	/* hv_dispatch / hv_enter(HV_CAUSE_HDEC) with whatever the driver's CPUs need around them. */
	int (*dispatch)(struct lp_exec *x, unsigned machine, uint32_t thread, uint32_t slot, uint32_t vcpu);
	int (*preempt)(struct lp_exec *x, unsigned machine, uint32_t thread);
	/* A management operation of the console API (DLPAR, windows, relocation, migration). */
	int (*mgmt)(struct lp_exec *x, const struct lp_op *op);
};

/* The host-direct driver: C calls into the core and the harness's own MMU walk. */
extern const struct lp_driver lp_driver_host;

/*
 * The host-direct operations, for drivers that do some things the same way
 * (DMA is the harness's device model under every driver; management
 * operations are console calls).
 */
uint8_t lp_host_access(struct lp_exec *x, unsigned machine, uint32_t thread, unsigned part, uint64_t ea, bool store,
		       uint64_t *value);
uint8_t lp_host_dma(struct lp_exec *x, unsigned part, uint32_t liobn, uint64_t bus, bool write, uint64_t *value);
int lp_host_mgmt(struct lp_exec *x, const struct lp_op *op);
int lp_host_dispatch(struct lp_exec *x, unsigned machine, uint32_t thread, uint32_t slot, uint32_t vcpu);
int lp_host_preempt(struct lp_exec *x, unsigned machine, uint32_t thread);

#endif /* LPARSEC_DRIVER_H */
