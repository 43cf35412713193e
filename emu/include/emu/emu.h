/*
 * The Unicorn engine: the hypervisor core's host library driving real
 * big-endian ppc64 guest code on Unicorn 2.0.1's POWER10 core, partitions
 * in partition state (MSR[HV] = 0, IR = DR = 1) whose every instruction
 * fetch and data access goes through the emulated hash MMU walking the
 * core's own HPTs (PTCR -> partition table -> HPT, LPIDR per partition).
 *
 * One Unicorn instance per hardware thread of each of the executor's two
 * machines, all mapping their machine's real memory (the host platform's
 * arena) with uc_mem_map_ptr, run round robin on one host thread (2.0.1's
 * ldarx / stdcx. are not atomic across threads). Two uses:
 *
 *  - A driver of the executor (lp_driver, "unicorn"): a harness program's
 *    hcalls, loads and stores run as real code of the program interpreter
 *    guest (emu/guests/interp.S) -- `sc 1` with the resolved arguments,
 *    `ld` / `std` at the effective address -- while the executor sequences
 *    partitions, dispatches and management operations between them. Every
 *    access is judged against the harness's own MMU walk (I12).
 *  - Free-running guests (emu/run.h): conformance and attacker guests on
 *    the core's scheduler, preempted by instruction-count slices.
 *
 * The machines report HV_PLAT_CAP_HPTE_R_PRESET (the MMU's R update is
 * broken) and HV_PLAT_CAP_GUEST_STORES_UNSEEN (guest stores bypass
 * plat_mem_dirty).
 */
#ifndef EMU_EMU_H
#define EMU_EMU_H

#include <stdbool.h>
#include <stddef.h>

#include "hv/plat.h"
#include "lparsec/exec.h"

struct emu_engine;

/* What the machines of the engine report (plat.h). */
#define EMU_PLAT_CAPS (HV_PLAT_CAP_HPTE_R_PRESET | HV_PLAT_CAP_GUEST_STORES_UNSEEN)

/*
 * Runs the quirk self-test (quirks.h; once per process), creates the two
 * host platforms of LP_MEM_BYTES and one CPU per hardware thread of each.
 * NULL with err set when Unicorn does not behave as this engine needs: the
 * message names the quirk that changed.
 */
struct emu_engine *emu_engine_create(char *err, size_t errcap);
void emu_engine_destroy(struct emu_engine *e);

/* Runs p through the Unicorn driver on fresh machines (x is the caller's; its results stay there). */
enum lp_inv emu_engine_run(struct emu_engine *e, struct lp_exec *x, const struct lp_prog *p, bool backdoor);

/*
 * Makes x check as the fuzz targets do: the sweeps skip memory the engine's
 * platforms saw nobody write (the core marks what a guest may write,
 * HV_PLAT_CAP_GUEST_STORES_UNSEEN).
 */
void emu_engine_fast_checks(struct emu_engine *e, struct lp_exec *x);

/* The engine's platform of machine 0 or 1 (what a run's machines were built on). */
struct hv_plat *emu_engine_plat(struct emu_engine *e, unsigned machine);

/* Counters since creation. */
struct emu_stats {
	uint64_t slices;          /* uc_emu_start calls */
	uint64_t hcalls;          /* sc 1 that reached hv_enter */
	uint64_t accesses;        /* loads and stores the guest performed */
	uint64_t faults;          /* of which the MMU refused */
	uint64_t flushes;         /* tlbiel the interpreter ran for the hypervisor */
	uint64_t switches;        /* LPIDR changes */
};
void emu_engine_stats(const struct emu_engine *e, struct emu_stats *out);

/*
 * Bugs the engine's own tests plant to prove that the oracles catch what
 * this engine could get wrong (never set otherwise): the TLB flushes the
 * core asks for are lost (stale translations: I12), or the machines claim
 * to see every partition store (a scrub skips what a guest wrote: I4).
 */
enum emu_plant {
	EMU_PLANT_NONE = 0,
	EMU_PLANT_LOSE_FLUSHES = 1u << 0,
	EMU_PLANT_STORES_SEEN = 1u << 1,
};
void emu_engine_plant(struct emu_engine *e, unsigned plants);

/* The quirk self-test, printed to out (a FILE *); 0 when every quirk behaves as documented. */
int emu_selftest(void *out, char *err, size_t errcap);

#endif /* EMU_EMU_H */
