/*
 * lparsec-bench: the harness. Each case runs once to warm up and calibrate
 * (iterations for >= 0.2 s), then five times; the table shows the median.
 * Every hcall's return code is checked inside the timed loops: a case that
 * measured failing calls would be worthless, so any surprise exits 1.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>

#include "bench.h"

#define RUNS 5
#define TARGET_NS 200000000ull /* per timed run */
#define PAIR_TARGET_NS 50.0

static bool quick;

_Noreturn void bench_die(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "lparsec-bench: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	exit(1);
}

_Noreturn void bench_fail_rc(const char *what, long rc, long want)
{
	const char *got = hv_rc_name(rc), *exp = hv_rc_name(want);

	bench_die("%s returned %s (%ld), expected %s (%ld)", what, got ? got : "?", rc, exp ? exp : "?", want);
}

uint64_t bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void bench_machine(struct bctx *b, uint32_t lmbs, int window_entries)
{
	struct hv_config cfg;
	uint32_t i;
	int rc;

	hv_config_default(&cfg);
	hv_host_plat_reset(b->plat);
	rc = hv_machine_init(&b->m, &cfg, b->plat);
	if (rc != HV_OK) {
		bench_die("hv_machine_init: %d", rc);
	}
	if ((rc = hv_partition_create(&b->m, 18, true, &b->slot)) != HV_OK) {
		bench_die("hv_partition_create: %d", rc);
	}
	for (i = 0; i < lmbs; i++) {
		if ((rc = hv_dlpar_mem_add(&b->m, b->slot, i, HV_NIL)) != HV_OK) {
			bench_die("hv_dlpar_mem_add(logical %u): %d", i, rc);
		}
	}
	if ((rc = hv_dlpar_cpu_add(&b->m, b->slot, 0)) != HV_OK) {
		bench_die("hv_dlpar_cpu_add: %d", rc);
	}
	if ((rc = hv_dispatch(&b->m, BENCH_THREAD, b->slot, 0)) != HV_OK) {
		bench_die("hv_dispatch: %d", rc);
	}
	if (window_entries > 0 &&
	    (rc = hv_window_assign(&b->m, b->slot, BENCH_LIOBN, 0, (uint32_t)window_entries)) != HV_OK) {
		bench_die("hv_window_assign(%d entries): %d", window_entries, rc);
	}
}

static void machine_info(void)
{
	char line[512], model[256] = "unknown";
	struct utsname u;
	FILE *f = fopen("/proc/cpuinfo", "r");

	if (f) {
		while (fgets(line, sizeof(line), f)) {
			/* x86: "model name"; POWER: "cpu"; Arm: none (kept "unknown"). */
			if (!strncmp(line, "model name", 10) || !strncmp(line, "cpu\t", 4)) {
				char *v = strchr(line, ':');

				if (v) {
					v += 1 + (v[1] == ' ');
					v[strcspn(v, "\n")] = 0;
					snprintf(model, sizeof(model), "%s", v);
					break;
				}
			}
		}
		fclose(f);
	}
	if (uname(&u) != 0) {
		strcpy(u.release, "unknown");
		strcpy(u.machine, "?");
	}
	printf("machine: cpu \"%s\", kernel %s (%s), %s%s\n", model, u.release, u.machine,
	       quick ? "--quick (10x fewer iterations; not a measurement)" : "full run",
#ifdef __OPTIMIZE__
	       ""
#else
	       ", UNOPTIMIZED build"
#endif
	);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Calibrates, runs RUNS times, returns the median ns/op; *iters receives the per-run count. */
static double run_case(struct bctx *b, const struct bcase *c, uint64_t *iters)
{
	uint64_t n = 1, t, cal_ns = quick ? TARGET_NS / 100 : TARGET_NS / 10;
	double per[RUNS];
	unsigned i;

	/* Warm-up doubling as calibration: grow until one run is long enough to scale from. */
	for (;;) {
		t = c->fn(b, c, n);
		if (t >= cal_ns || n >= (1ull << 40)) {
			break;
		}
		n *= t < cal_ns / 64 ? 16 : 4;
	}
	n = (uint64_t)((double)n * (double)TARGET_NS / (double)(t ? t : 1)) + 1;
	if (quick) {
		n = n / 10 ? n / 10 : 1;
	}
	for (i = 0; i < RUNS; i++) {
		per[i] = (double)c->fn(b, c, n) / (double)n;
	}
	qsort(per, RUNS, sizeof(per[0]), cmp_double);
	*iters = n;
	return per[RUNS / 2];
}

static void usage(FILE *f)
{
	fprintf(f, "usage: lparsec-bench [--quick] [--help]\n"
		   "\n"
		   "Measures hcalls, DLPAR memory removal and machine reset on the host library.\n"
		   "Each row: warm-up + calibration to >= 0.2 s per run, median of %d runs.\n"
		   "  --quick  10x fewer iterations (smoke test; numbers are not a measurement)\n"
		   "  --help   this text\n"
		   "Exits 1 if any hcall or management operation returns an unexpected code.\n",
		RUNS);
}

int main(int argc, char **argv)
{
	static struct bctx b; /* struct hv_machine is large: not on the stack */
	double pair = -1, reset_small = -1, reset_large = -1;
	uint64_t cur_mem = 0;
	unsigned i;
	int a;

	for (a = 1; a < argc; a++) {
		if (!strcmp(argv[a], "--quick")) {
			quick = true;
		} else if (!strcmp(argv[a], "--help") || !strcmp(argv[a], "-h")) {
			usage(stdout);
			return 0;
		} else {
			fprintf(stderr, "lparsec-bench: unknown option '%s'\n", argv[a]);
			usage(stderr);
			return 2;
		}
	}
	machine_info();
	printf("\n%-44s | %12s | %12s\n", "benchmark", "iterations", "ns/op");
	printf("%.44s-+-%.12s-+-%.12s\n", "--------------------------------------------------",
	       "--------------", "--------------");
	fflush(stdout);
	for (i = 0; i < bench_case_count; i++) {
		const struct bcase *c = &bench_cases[i];
		char name[96];
		uint64_t iters;
		double ns;

		if (c->mem_size != cur_mem) {
			hv_host_plat_destroy(b.plat);
			b.plat = hv_host_plat_create(c->mem_size);
			if (!b.plat) {
				bench_die("cannot create a %llu MiB arena", (unsigned long long)(c->mem_size >> 20));
			}
			cur_mem = c->mem_size;
		}
		b.dirty_per_reset = 0;
		ns = run_case(&b, c, &iters);
		if (b.dirty_per_reset) { /* only the reset cases set it */
			snprintf(name, sizeof(name), "%s [%llu dirty pages]", c->name,
				 (unsigned long long)b.dirty_per_reset);
		} else {
			snprintf(name, sizeof(name), "%s", c->name);
		}
		printf("%-44s | %12llu | %12.1f\n", name, (unsigned long long)iters, ns);
		fflush(stdout);
		if (c->id == BENCH_ID_PAIR) {
			pair = ns;
		} else if (c->id == BENCH_ID_RESET_SMALL) {
			reset_small = ns;
		} else if (c->id == BENCH_ID_RESET_LARGE) {
			reset_large = ns;
		}
	}
	hv_host_plat_destroy(b.plat);

	printf("\ntargets%s:\n", quick ? " (--quick: indicative only)" : "");
	printf("  H_ENTER+H_REMOVE pair <= %.0f ns: %.1f ns -> %s\n", PAIR_TARGET_NS, pair,
	       pair <= PAIR_TARGET_NS ? "HOLDS" : "MISSED");
	printf("  reset 4 GiB within 2x of reset 64 MiB: %.1f vs %.1f ns (%.2fx) -> %s\n", reset_large,
	       reset_small, reset_large / reset_small, reset_large <= 2 * reset_small ? "HOLDS" : "MISSED");
	return 0;
}
