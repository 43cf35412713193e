/*
 * Free-running guests on the Unicorn engine: conformance and attacker
 * guests (emu/guests/) as partitions of one machine, each on the core's
 * scheduler (hv_schedule), preempted by instruction-count slices
 * (HV_CAUSE_HDEC), their hcalls and storage faults through hv_enter, their
 * consoles shown prefixed by partition. A run ends when every partition
 * printed "EXIT <failures>" (runtime.h), or when nothing can run or the
 * instruction budget is spent; then the runner checks what no guest can
 * see from inside: the hypervisor's canaries, every partition's memory for
 * another owner's canaries or an attacker's marks, free memory zero, and
 * each CPU's hypervisor registers as the engine set them.
 */
#ifndef EMU_RUN_H
#define EMU_RUN_H

#include <stdbool.h>
#include <stdio.h>

#include "emu/emu.h"

/* A guest image built from emu/guests (runtime.h's header at offset 0). */
struct emu_guest_image {
	const char *name;
	const unsigned char *bytes;
	unsigned long len;
	const char *what;
};
const struct emu_guest_image *emu_guest_find(const char *name);
/* Every guest, NULL-terminated by name. */
extern const struct emu_guest_image emu_guest_images[];

/* A machine event between two slices (DLPAR while guests run). */
struct emu_event {
	unsigned slice;      /* after this many slices of the whole machine */
	enum { EMU_EV_NONE = 0, EMU_EV_MEM_REMOVE, EMU_EV_MEM_ADD } kind;
	unsigned part, lmb;
};

#define EMU_RUN_MAX_PARTS 4
#define EMU_RUN_MAX_EVENTS 4

struct emu_scenario {
	const char *name;
	const char *what;                          /* one line: what it proves */
	const char *guests[EMU_RUN_MAX_PARTS];     /* one partition each (NULL ends) */
	unsigned lmbs[EMU_RUN_MAX_PARTS];          /* 256 KiB LMBs (0: 4) */
	unsigned threads;                          /* hardware threads (0: one per partition) */
	struct emu_event events[EMU_RUN_MAX_EVENTS];
};

/* The suites `run-guest --all` runs: conformance first, then the attackers with their victims. */
extern const struct emu_scenario emu_scenarios[];

struct emu_run_opts {
	FILE *console;           /* the partitions' consoles, "[p<n>] " per line; NULL: quiet */
	unsigned slice;          /* instructions per slice before HDEC (0: 20000) */
	uint64_t budget;         /* instructions for the whole run (0: 200 million) */
};

struct emu_run_result {
	unsigned partitions, exited;
	unsigned passes, failures;   /* PASS / FAIL lines of every console */
	uint64_t slices, insns;
	bool ok;                     /* everything exited with 0 failures and every check held */
	char verdict[400];           /* one line */
};

/* Runs s on the engine's machine 0. Returns 0, or -1 when it could not start (r->verdict says why). */
int emu_run_scenario(struct emu_engine *e, const struct emu_scenario *s, const struct emu_run_opts *o,
		     struct emu_run_result *r);

#endif /* EMU_RUN_H */
