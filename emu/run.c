/*
 * Free-running guests on the Unicorn engine (emu/run.h): the scenario's
 * loader, consoles and verdict are lparsec/scenario.h's (the firmware runs
 * the same); here are the round robin of slices over the emulated CPUs on
 * the core's scheduler, the image check Unicorn needs, and the check of
 * each CPU's hypervisor registers after the run.
 */
#include "emu/run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"

#define HV_CANARY_START  0x1000ull     /* real memory below the core's region no partition can own */
#define HV_CANARY_END    0x10000ull
#define DEFAULT_BUDGET   200000000ull

struct run {
	struct emu_engine *e;
	struct hv_machine m;
	struct lp_scn scn;
	const struct emu_run_opts *o;
	struct emu_run_result *r;
};

static struct run *active; /* the run the console hook feeds */

void emu_run_console(uint32_t lpid, const uint8_t *bytes, unsigned len)
{
	if (active) {
		lp_scn_console(&active->scn, lpid, bytes, len);
	}
}

static void show(void *ctx, const char *line)
{
	fprintf(ctx, "%s\n", line);
}

/* Quirk 6: a guest that reads the timebase would crash this process, not the guest. */
static int images_runnable(struct run *run)
{
	unsigned i;

	for (i = 0; i < LP_SCN_MAX_PARTS && run->scn.s->guests[i]; i++) {
		const struct lp_guest_image *img = lp_guest_find(run->scn.s->guests[i]);
		long bad = img ? emu_image_bad_word(img->bytes, img->len) : -1;

		if (bad >= 0) {
			lp_scn_fail(&run->scn, "guest %s reads the timebase at word %ld: Unicorn 2.0.1 would crash",
				    img->name, bad);
			return -1;
		}
	}
	return 0;
}

static int setup(struct run *run)
{
	struct hv_plat *plat = emu_engine_plat(run->e, 0);
	struct hv_config cfg;

	hv_host_plat_reset(plat);
	hv_config_default(&cfg);
	cfg.mem_size = LP_MEM_BYTES; /* the firmware's machine: a scenario runs alike on both */
	cfg.max_partitions = LP_SCN_MAX_PARTS;
	cfg.threads = lp_scn_threads(run->scn.s, run->e->ncpus);
	if (images_runnable(run)) {
		return -1;
	}
	if (hv_machine_init(&run->m, &cfg, plat) != HV_OK) {
		lp_scn_fail(&run->scn, "machine set-up failed");
		return -1;
	}
	return lp_scn_setup(&run->scn, &run->m);
}

/* ---- running ---- */

/* One slice of thread t: schedules a vCPU if the thread is idle; false when nothing ran. */
static bool slice(struct run *run, unsigned t)
{
	struct emu_cpu *c = &run->e->cpu[0][t];
	struct hv_thread *th = &run->m.thread[t];
	unsigned slice_insns = run->o->slice ? run->o->slice : 20000;
	uint32_t s, v;
	uint64_t pc;
	uc_err u;

	if (th->part < 0) {
		if (hv_schedule(&run->m, t, &s, &v) != HV_OK) {
			return false;
		}
		c->free_running = true;
		emu_guest_load(c, &th->regs, HV_CHANGED_ALL);
	}
	if (c->flush_pending) {
		emu_cpu_flush_now(c); /* a dispatch (another SLB) or a flush the core asked for */
	}
	c->stop = EMU_STOP_NONE;
	uc_reg_read(c->uc, UC_PPC_REG_PC, &pc);
	run->e->stats.slices++;
	/* Unicorn counts the instructions: the slice ends after exactly slice_insns (HDEC), or earlier in a hook. */
	u = uc_emu_start(c->uc, pc, EMU_UNTIL_NEVER, 0, slice_insns);
	run->r->slices++;
	run->r->insns += slice_insns;
	if (u || c->stop == EMU_STOP_ERROR) {
		uc_reg_read(c->uc, UC_PPC_REG_PC, &pc);
		lp_scn_fail(&run->scn, "thread %u: the guest stopped the CPU (%s, interrupt %u, status 0x%x) at 0x%llx",
			    t, u ? uc_strerror(u) : "an interrupt the engine does not handle", c->intno, c->intr_status,
			    (unsigned long long)pc);
		return false;
	}
	if (c->stop != EMU_STOP_IDLE) {
		/* The slice is over: the hypervisor decrementer preempts the vCPU. */
		emu_guest_store(c, &th->regs);
		hv_enter(&run->m, t, HV_CAUSE_HDEC);
	}
	if (c->scrub_pending) {
		emu_guest_scrub(c); /* ceded, conferred, preempted or stopped: the thread is idle again */
	}
	return true;
}

static const char *run_slices(struct run *run)
{
	uint64_t budget = run->o->budget ? run->o->budget : DEFAULT_BUDGET;
	unsigned n = 0, t;

	while (!lp_scn_over(&run->scn)) {
		bool ran = false;

		if (run->r->insns >= budget) {
			return "instruction budget spent";
		}
		lp_scn_events(&run->scn, n);
		for (t = 0; t < run->m.cfg.threads && !run->scn.failed; t++) {
			ran |= slice(run, t);
		}
		n++;
		if (!ran) {
			return "nothing left to run"; /* every vCPU ceded or stopped */
		}
	}
	return "stopped";
}

/* What no guest can reach: each CPU's PTCR and MSR[HV] as the engine set them. */
static void check_cpus(struct run *run)
{
	unsigned t;

	for (t = 0; t < run->m.cfg.threads; t++) {
		struct emu_cpu *c = &run->e->cpu[0][t];

		if (uc_context_save(c->uc, c->scratch)) {
			continue;
		}
		if (*emu_ctx_spr(c->scratch, 0x1D0) != run->m.part_table.v || (*emu_ctx_msr(c->scratch) >> 60 & 1)) {
			lp_scn_fail(&run->scn, "thread %u: PTCR 0x%llx or MSR[HV] changed under a guest", t,
				    (unsigned long long)*emu_ctx_spr(c->scratch, 0x1D0));
		}
	}
}

static void result(struct run *run)
{
	struct emu_run_result *r = run->r;

	r->partitions = run->scn.nparts;
	r->exited = run->scn.exited;
	r->passes = run->scn.passes;
	r->failures = run->scn.failures;
	r->ok = run->scn.ok;
	snprintf(r->verdict, sizeof(r->verdict), "%s", run->scn.verdict);
}

int emu_run_scenario(struct emu_engine *e, const struct lp_scenario *s, const struct emu_run_opts *o,
		     struct emu_run_result *r)
{
	struct run *run = calloc(1, sizeof(*run));
	unsigned t;
	int rc = 0;

	memset(r, 0, sizeof(*r));
	if (!run) {
		snprintf(r->verdict, sizeof(r->verdict), "out of memory");
		return -1;
	}
	run->e = e;
	run->o = o;
	run->r = r;
	run->scn.s = s;
	run->scn.out = o->console ? show : NULL;
	run->scn.out_ctx = o->console;
	run->scn.hv_canary_start = HV_CANARY_START;
	run->scn.hv_canary_end = HV_CANARY_END;
	e->x = NULL;
	e->m[0] = &run->m;
	for (t = 0; t < e->ncpus; t++) {
		e->cpu[0][t].want_lpid = 0;
		e->cpu[0][t].flush_pending = true;
		/* The loader writes code where an earlier run's guest had code. */
		emu_cpu_forget_code(&e->cpu[0][t]);
	}
	active = run;
	if (setup(run)) {
		rc = -1;
		lp_scn_verdict(&run->scn, "it could not start", 0);
	} else {
		const char *why = run_slices(run);

		if (!run->scn.failed) {
			check_cpus(run);
		}
		lp_scn_verdict(&run->scn, why, (unsigned long long)r->slices);
	}
	result(run);
	for (t = 0; t < e->ncpus; t++) {
		e->cpu[0][t].free_running = false;
	}
	active = NULL;
	e->m[0] = NULL;
	free(run);
	return rc;
}
