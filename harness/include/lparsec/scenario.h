/*
 * Scenarios of free-running guests (emu/guests): conformance and attacker
 * guests as partitions of one machine. What every driver that runs real
 * guest code shares -- the Unicorn engine (emu/run.c) and the firmware
 * (hv/plat/ppc64) -- is here, freestanding: the loader (partitions, images,
 * canaries, bolted mappings, the entry state of runtime.h), the consoles
 * parsed for PASS / FAIL / EXIT lines, the machine events between slices,
 * and the verdict with the checks no guest can make from inside (the
 * hypervisor's canaries, every partition's memory for another owner's
 * canaries or an attacker's marks, free memory zero). How the guests'
 * instructions run -- slices, preemption, the CPU's registers -- is the
 * driver's.
 */
#ifndef LPARSEC_SCENARIO_H
#define LPARSEC_SCENARIO_H

#include <stdbool.h>
#include <stdint.h>

#include "hv/machine.h"

#define LP_SCN_MAX_PARTS 4
#define LP_SCN_MAX_EVENTS 4

/* A guest image built from emu/guests (runtime.h's header at offset 0). */
struct lp_guest_image {
	const char *name;
	const unsigned char *bytes;
	unsigned long len;
	const char *what;
};

/*
 * A machine event between two slices (DLPAR, relocation, DMA windows while
 * guests run; a refusal fails the run): after
 * `slice` slices of the whole machine, counted from the start or, with
 * `line`, from the slice in which partition `part` printed a console line
 * beginning with it (so the event meets the guest at the same point of its
 * program on every driver, whatever a slice is worth there).
 */
struct lp_scn_event {
	unsigned slice;
	enum {
		LP_SCN_EV_NONE = 0,
		LP_SCN_EV_MEM_REMOVE,       /* DLPAR: logical LMB `lmb` leaves partition `part` */
		LP_SCN_EV_MEM_ADD,
		LP_SCN_EV_RELOCATE,         /* logical LMB `lmb` moves to another real LMB */
		LP_SCN_EV_WINDOW_UNASSIGN,  /* the partition's DMA window leaves it (`lmb` unused) */
		LP_SCN_EV_WINDOW_ASSIGN,    /* ... and comes back, empty */
	} kind;
	unsigned part, lmb;
	const char *line;
};

struct lp_scenario {
	const char *name;
	const char *what;                          /* one line: what it proves */
	const char *guests[LP_SCN_MAX_PARTS];      /* one partition each (NULL ends) */
	unsigned lmbs[LP_SCN_MAX_PARTS];           /* 256 KiB LMBs (0: 4) */
	unsigned threads;                          /* hardware threads (0: one per partition) */
	struct lp_scn_event events[LP_SCN_MAX_EVENTS];
};

/*
 * The suites (emu/guests/suites.c, from basic.def, conformance.def and
 * attack.def), each NULL-terminated by name; built into every driver that
 * runs guests, with the images it embeds as lp_guest_<name>_image[].
 */
extern const struct lp_guest_image lp_guest_images[];
extern const struct lp_scenario lp_scenarios[];
const struct lp_guest_image *lp_guest_find(const char *name);
const struct lp_scenario *lp_scenario_find(const char *name);

struct lp_scn_console {
	char line[256];
	unsigned len;
	bool exited;
	unsigned exit_failures;
};

/* One run of a scenario on one machine. */
struct lp_scn {
	/* Set by the driver before lp_scn_setup. */
	const struct lp_scenario *s;
	/* Every console line ("[p0] ...") and event line ("[hv] ..."), without the newline; may be NULL. */
	void (*out)(void *ctx, const char *line);
	void *out_ctx;
	/* Real memory [hv_canary_start, hv_canary_end) below the core's region: the hypervisor's canaries. */
	uint64_t hv_canary_start, hv_canary_end;

	/* The run. */
	struct hv_machine *m;
	unsigned nparts;
	uint32_t slot[LP_SCN_MAX_PARTS];
	uint64_t mem[LP_SCN_MAX_PARTS];        /* bytes of each partition */
	uint64_t image_end[LP_SCN_MAX_PARTS];
	struct lp_scn_console con[LP_SCN_MAX_PARTS];
	unsigned passes, failures, exited;     /* PASS / FAIL / EXIT lines of every console */
	unsigned now;                          /* the slice lp_scn_events was last called for */
	unsigned ev_from[LP_SCN_MAX_EVENTS];   /* slice an event counts from, + 1 (0: not yet) */
	bool ev_done[LP_SCN_MAX_EVENTS];
	bool failed;                           /* the first failure is the verdict */
	bool ok;                               /* after lp_scn_verdict */
	char verdict[400];
};

/* Hardware threads the scenario asks for (one per partition when it says 0), at most max. */
unsigned lp_scn_threads(const struct lp_scenario *s, unsigned max);

/*
 * Builds the scenario on m, a machine initialised on zeroed memory: the
 * hypervisor's canaries, one partition per guest with its LMBs, vCPU 0 and
 * DMA window, the image at logical 0 and canaries past it, every page
 * mapped bolted at GUEST_BASE through H_ENTER on thread 0, and each vCPU's
 * entry state. 0, or -1 after lp_scn_fail: the driver still calls
 * lp_scn_verdict, which it does for every run that started or failed.
 */
int lp_scn_setup(struct lp_scn *r, struct hv_machine *m);

/* Bytes partition lpid wrote to its terminal (plat_console_write). */
void lp_scn_console(struct lp_scn *r, uint32_t lpid, const uint8_t *bytes, unsigned len);

/* Applies the events due after slice n of the whole machine. */
void lp_scn_events(struct lp_scn *r, unsigned n);

/* True once every partition printed its EXIT line, or the run failed. */
bool lp_scn_over(const struct lp_scn *r);

/* Records a failure found by the driver (the first one is the verdict). */
__attribute__((format(printf, 2, 3))) void lp_scn_fail(struct lp_scn *r, const char *fmt, ...);

/*
 * The verdict of every run, also one that failed before or during
 * lp_scn_setup: every partition exited with no failed check, then the
 * memory checks. why_stopped says why the driver stopped if a partition
 * did not exit ("instruction budget spent"). Sets ok and a one-line verdict
 * "<name>: PASS (...)" or "<name>: FAIL: <reason>".
 */
void lp_scn_verdict(struct lp_scn *r, const char *why_stopped, unsigned long long slices);

#endif /* LPARSEC_SCENARIO_H */
