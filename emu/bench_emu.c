/*
 * lparsec-bench-emu: what the Unicorn engine costs (a benchmark, not a
 * timed test). Each row is the median of 5 runs after a warm-up; --quick
 * runs a tenth (the test suite's smoke run: not a measurement).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "emu/run.h"
#include "engine.h"
#include "lparsec/runner.h"
#include "lparsec/text.h"

#define RUNS 5

static bool quick;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

_Noreturn static void die(const char *what)
{
	fprintf(stderr, "lparsec-bench-emu: %s\n", what);
	exit(1);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void row(const char *name, uint64_t iters, double value, const char *unit)
{
	printf("%-64s | %10llu | %10.1f %s\n", name, (unsigned long long)iters, value, unit);
	fflush(stdout);
}

/* The median of RUNS runs of fn(ctx, n), in ns per iteration. */
static double median(uint64_t (*fn)(void *ctx, uint64_t n), void *ctx, uint64_t n)
{
	double per[RUNS];
	unsigned i;

	fn(ctx, n / 10 ? n / 10 : 1); /* warm-up */
	for (i = 0; i < RUNS; i++) {
		per[i] = (double)fn(ctx, n) / (double)n;
	}
	qsort(per, RUNS, sizeof(per[0]), cmp_double);
	return per[RUNS / 2];
}

/* ---- the interpreter on a machine a program left with p0.v0 running ---- */

struct interp_ctx {
	struct emu_engine *e;
	struct lp_exec *x;
	struct emu_cpu *c;
	uint64_t ea;
	bool flush;
};

static const char SETUP[] = "lparsec program v1\nconfig parts=2 threads=1\n"
			    "part p0 lmbs=2 vcpus=1 windows=0 shared\npart p1 lmbs=1 vcpus=1 windows=0 shared\n"
			    "p1.v0 H_ENTER flags=0x0 ptex=hash(0x10005) pteh=pteh(0x10005) ptel=ptel(0x502)\n"
			    "p0.v0 H_ENTER flags=0x0 ptex=hash(0x10005) pteh=pteh(0x10005) ptel=ptel(0x502)\n"
			    "p0.v0 store addr=ea(0x10005) value=0x1\n";

static uint64_t interp_hcalls(void *ctx, uint64_t n)
{
	struct interp_ctx *k = ctx;
	struct hv_thread *t = &k->x->m[0].thread[k->c->thread];
	uint64_t i, t0 = now_ns();

	for (i = 0; i < n; i++) {
		t->regs.r[HV_REG_GPR + 3] = H_RANDOM;
		k->c->flush_pending = k->flush;
		if (emu_interp_hcall(k->c) != HV_EXIT_RESUME || t->regs.r[HV_REG_GPR + 3] != H_SUCCESS) {
			die("H_RANDOM through the interpreter failed");
		}
	}
	return now_ns() - t0;
}

static uint64_t interp_loads(void *ctx, uint64_t n)
{
	struct interp_ctx *k = ctx;
	uint64_t i, v = 0, t0 = now_ns();

	for (i = 0; i < n; i++) {
		if (emu_interp_access(k->c, k->ea, false, &v) != LP_RAN || v != 1) {
			die("the interpreter's load failed");
		}
	}
	return now_ns() - t0;
}

static uint64_t host_flushes(void *ctx, uint64_t n)
{
	struct interp_ctx *k = ctx;
	uint64_t i, t0 = now_ns();

	for (i = 0; i < n; i++) {
		emu_cpu_flush_now(k->c);
	}
	return now_ns() - t0;
}

/* Two partitions take turns on the thread: a dispatch (LPIDR by the context blob) and one hcall each. */
static uint64_t switches(void *ctx, uint64_t n)
{
	struct interp_ctx *k = ctx;
	struct hv_machine *m = &k->x->m[0];
	uint32_t p0 = k->x->loc[0].slot, p1 = k->x->loc[1].slot;
	uint64_t i, t0 = now_ns();

	for (i = 0; i < n; i++) {
		uint32_t other = m->thread[k->c->thread].part == (int8_t)p0 ? p1 : p0;

		if (hv_dispatch(m, k->c->thread, other, 0) != HV_OK) {
			die("dispatch failed");
		}
		m->thread[k->c->thread].regs.r[HV_REG_GPR + 3] = H_RANDOM;
		emu_interp_hcall(k->c);
	}
	return now_ns() - t0;
}

static void interpreter_rows(struct emu_engine *e, struct lp_exec *x)
{
	static struct lp_prog p;
	struct interp_ctx k = { e, x, 0, 0x10005000, false };
	uint64_t n = quick ? 2000 : 200000;
	char err[200];

	if (lp_text_parse(SETUP, sizeof(SETUP) - 1, &p, err, sizeof(err)) || emu_engine_run(e, x, &p, false)) {
		die("the set-up program did not run clean");
	}
	k.c = &e->cpu[0][x->m[0].part[x->loc[0].slot].vcpu[0].thread];
	row("interpreter: sc 1 round trip (H_RANDOM)", n, median(interp_hcalls, &k, n), "ns");
	k.flush = true;
	row("interpreter: sc 1 round trip after a TLB flush (tlbiel)", n, median(interp_hcalls, &k, n), "ns");
	k.flush = false;
	row("interpreter: ld through the emulated hash MMU", n, median(interp_loads, &k, n), "ns");
	row("host-side TLB flush (a memory-map change)", n / 20, median(host_flushes, &k, n / 20), "ns");
	row("partition switch on a thread (dispatch, LPIDR, flush) + sc 1", n / 4, median(switches, &k, n / 4), "ns");
}

/* ---- whole programs: what the guest fuzz target runs per input ---- */

struct program_ctx {
	struct emu_engine *e;
	struct lp_exec *x;
	struct lp_runner *host;
	struct lp_prog p;
	int which; /* 0 host-direct, 1 Unicorn, 2 both and compared */
};

static uint64_t programs(void *ctx, uint64_t n)
{
	struct program_ctx *k = ctx;
	uint64_t i, t0 = now_ns();

	for (i = 0; i < n; i++) {
		if (k->which != 1 && lp_runner_run(k->host, &k->p, false) != LP_INV_NONE) {
			die("the program violated an invariant host-direct");
		}
		if (k->which != 0 && emu_engine_run(k->e, k->x, &k->p, false) != LP_INV_NONE) {
			die("the program violated an invariant on Unicorn");
		}
		if (k->which == 2 && lp_exec_compare(lp_runner_exec(k->host), k->x) != LP_INV_NONE) {
			die("the drivers disagree");
		}
	}
	return now_ns() - t0;
}

static void program_rows(struct emu_engine *e, struct lp_exec *x, const char *path)
{
	static struct program_ctx k;
	uint64_t n = quick ? 50 : 5000;
	char err[256], name[120];

	k.e = e;
	k.x = x;
	k.host = lp_runner_create();
	if (!k.host || lp_load_file(path, LP_FORM_AUTO, &k.p, NULL, err, sizeof(err))) {
		die("cannot load the benchmark program");
	}
	lp_runner_set_caps(k.host, EMU_PLAT_CAPS);
	lp_runner_fast_checks(k.host);
	emu_engine_fast_checks(e, x);
	snprintf(name, sizeof(name), "program, host-direct (%u operations)", k.p.nops);
	k.which = 0;
	row(name, n, median(programs, &k, n) / 1000.0, "us");
	snprintf(name, sizeof(name), "program, Unicorn driver (%u operations)", k.p.nops);
	k.which = 1;
	row(name, n, median(programs, &k, n) / 1000.0, "us");
	k.which = 2;
	row("program, both and compared (the guest target's input)", n, median(programs, &k, n) / 1000.0, "us");
	lp_runner_destroy(k.host);
}

/* ---- free-running guests ---- */

/* Runs guest alone on one thread; returns the wall time in ns and the hcalls it made. */
static uint64_t run_guest(struct emu_engine *e, const char *guest, uint64_t *hcalls)
{
	struct lp_scenario s = { guest, "", { guest }, { 0 }, 1, { { 0 } } };
	struct emu_run_opts o = { NULL, 1000000, 0 };
	struct emu_run_result r;
	struct emu_stats s0, s1;
	uint64_t t0, t1;

	emu_engine_stats(e, &s0);
	t0 = now_ns();
	if (emu_run_scenario(e, &s, &o, &r) || !r.ok) {
		die(r.verdict);
	}
	t1 = now_ns();
	emu_engine_stats(e, &s1);
	*hcalls = s1.hcalls - s0.hcalls;
	return t1 - t0;
}

static void guest_rows(struct emu_engine *e)
{
	double spin[RUNS], sc[RUNS];
	uint64_t hcalls = 0;
	unsigned i, runs = quick ? 1 : RUNS;

	for (i = 0; i < runs; i++) {
		/* 4 M iterations of ld, addi, std, addi, bdnz (plus a boot of ~1 000 instructions). */
		spin[i] = 20e6 / ((double)run_guest(e, "spin", &hcalls) / 1e9) / 1e6;
		sc[i] = (double)run_guest(e, "hcalls", &hcalls) / (double)(hcalls ? hcalls : 1);
	}
	qsort(spin, runs, sizeof(spin[0]), cmp_double);
	qsort(sc, runs, sizeof(sc[0]), cmp_double);
	row("free-running guest: instructions per second (ld/add/std loop)", 20000000, spin[runs / 2], "M/s");
	row("free-running guest: sc 1 round trip (registers both ways)", hcalls, sc[runs / 2], "ns");
}

int main(int argc, char **argv)
{
	struct emu_engine *e;
	struct lp_exec *x = calloc(1, sizeof(*x));
	const char *program = NULL;
	char err[256];
	int a;

	for (a = 1; a < argc; a++) {
		if (!strcmp(argv[a], "--quick")) {
			quick = true;
		} else if (!strcmp(argv[a], "--program") && a + 1 < argc) {
			program = argv[++a];
		} else {
			fprintf(stderr, "usage: lparsec-bench-emu [--quick] [--program FILE]\n");
			return 2;
		}
	}
	e = emu_engine_create(err, sizeof(err));
	if (!e || !x) {
		fprintf(stderr, "lparsec-bench-emu: %s\n", e ? "out of memory" : err);
		return 2;
	}
	printf("\n%-64s | %10s | %s\n", "Unicorn engine (lparsec-bench-emu)", "iterations", "median of 5");
	interpreter_rows(e, x);
	if (program) {
		program_rows(e, x, program);
	}
	guest_rows(e);
	emu_engine_destroy(e);
	free(x);
	return 0;
}
