/*
 * Free-running guests on the Unicorn engine: conformance and attacker
 * guests (emu/guests/) as partitions of one machine (the loader, consoles
 * and verdict are lparsec/scenario.h's, shared with the firmware), each on the core's
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
#include "lparsec/scenario.h"

/* The guests, the scenarios and what a run of one shares with the firmware: lparsec/scenario.h. */

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
int emu_run_scenario(struct emu_engine *e, const struct lp_scenario *s, const struct emu_run_opts *o,
		     struct emu_run_result *r);

#endif /* EMU_RUN_H */
