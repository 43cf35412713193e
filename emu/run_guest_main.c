/*
 * lparsec-run-guest: conformance and attacker guests on the Unicorn engine
 * (emu/run.h). See usage().
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emu/run.h"

static void usage(FILE *f)
{
	fputs("usage: lparsec-run-guest [--quiet] [--slice N] GUEST...\n"
	      "       lparsec-run-guest [--quiet] [--slice N] --all | --scenario NAME...\n"
	      "       lparsec-run-guest --list | --selftest\n"
	      "\n"
	      "Runs ppc64 guests (emu/guests) as partitions of one machine on Unicorn's\n"
	      "emulated POWER10 CPUs: translated through the emulated hash MMU walking the\n"
	      "hypervisor core's HPTs, hcalls by sc 1, preempted every N instructions. The\n"
	      "partitions' consoles are shown prefixed \"[p<n>]\", then one verdict line.\n"
	      "\n"
	      "  GUEST...         these guests together, one partition each\n"
	      "  --all            every scenario: the conformance guests, then each attacker\n"
	      "                   beside its victim\n"
	      "  --scenario NAME  one scenario (see --list)\n"
	      "  --slice N        instructions per slice before the hypervisor decrementer\n"
	      "                   preempts (default 20000)\n"
	      "  --quiet          verdicts only, no consoles\n"
	      "  --list           the guests and the scenarios\n"
	      "  --selftest       check that Unicorn's quirks behave as the engine assumes\n"
	      "\n"
	      "Exit status: 0 every run passed; 1 a guest reported FAIL, did not exit, or a\n"
	      "check after the run failed; 2 bad usage, an unknown guest, or an engine that\n"
	      "cannot start.\n",
	      f);
}

static void list(void)
{
	unsigned i;

	printf("guests:\n");
	for (i = 0; lp_guest_images[i].name; i++) {
		printf("  %-16s %s\n", lp_guest_images[i].name, lp_guest_images[i].what);
	}
	printf("scenarios (--all runs them in this order):\n");
	for (i = 0; lp_scenarios[i].name; i++) {
		printf("  %-16s %s\n", lp_scenarios[i].name, lp_scenarios[i].what);
	}
}

/* Runs one scenario and prints its verdict; 0 pass, 1 fail, 2 could not start. */
static int run_one(struct emu_engine *e, const struct lp_scenario *s, const struct emu_run_opts *o)
{
	struct emu_run_result r;
	int rc = emu_run_scenario(e, s, o, &r);

	printf("verdict: %s\n", r.verdict);
	fflush(stdout);
	return rc ? 2 : r.ok ? 0 : 1;
}

int main(int argc, char **argv)
{
	struct emu_run_opts o = { stdout, 0, 0 };
	const char *guests[LP_SCN_MAX_PARTS + 1] = { 0 };
	const char *scenarios[64];
	unsigned nguests = 0, nscen = 0, i;
	bool all = false;
	struct emu_engine *e;
	char err[256];
	int status = 0;

	for (i = 1; i < (unsigned)argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(a, "--list")) {
			list();
			return 0;
		} else if (!strcmp(a, "--selftest")) {
			if (emu_selftest(stdout, err, sizeof(err))) {
				printf("quirk self-test: FAIL: %s\n", err);
				return 1;
			}
			printf("quirk self-test: every quirk behaves as the engine assumes\n");
			return 0;
		} else if (!strcmp(a, "--all")) {
			all = true;
		} else if (!strcmp(a, "--quiet")) {
			o.console = NULL;
		} else if (!strcmp(a, "--slice") || !strcmp(a, "--scenario")) {
			char *end;

			if (i + 1 >= (unsigned)argc) {
				fprintf(stderr, "lparsec-run-guest: %s needs a value\n", a);
				return 2;
			}
			if (!strcmp(a, "--scenario")) {
				if (!lp_scenario_find(argv[i + 1]) || nscen == 64) {
					fprintf(stderr, "lparsec-run-guest: no scenario '%s' (see --list)\n", argv[i + 1]);
					return 2;
				}
				scenarios[nscen++] = argv[++i];
				continue;
			}
			o.slice = (unsigned)strtoul(argv[++i], &end, 10);
			if (*end || o.slice < 100 || o.slice > 100000000) {
				fprintf(stderr, "lparsec-run-guest: --slice: '%s' is not a number in 100..100000000\n", argv[i]);
				return 2;
			}
		} else if (a[0] == '-') {
			fprintf(stderr, "lparsec-run-guest: unknown option '%s' (see --help)\n", a);
			return 2;
		} else if (!lp_guest_find(a)) {
			fprintf(stderr, "lparsec-run-guest: no guest named '%s' (see --list)\n", a);
			return 2;
		} else if (nguests == LP_SCN_MAX_PARTS) {
			fprintf(stderr, "lparsec-run-guest: at most %u guests run together\n", LP_SCN_MAX_PARTS);
			return 2;
		} else {
			guests[nguests++] = a;
		}
	}
	if (!all && !nguests && !nscen) {
		usage(stderr);
		return 2;
	}
	e = emu_engine_create(err, sizeof(err));
	if (!e) {
		fprintf(stderr, "lparsec-run-guest: the Unicorn engine: %s\n", err);
		return 2;
	}
	if (nguests) {
		struct lp_scenario s;

		memset(&s, 0, sizeof(s));
		s.name = "guests";
		s.what = "the guests named on the command line";
		memcpy(s.guests, guests, sizeof(s.guests));
		status = run_one(e, &s, &o);
	}
	for (i = 0; i < nscen; i++) {
		int st = run_one(e, lp_scenario_find(scenarios[i]), &o);

		status = st > status ? st : status;
	}
	for (i = 0; all && lp_scenarios[i].name; i++) {
		int st = run_one(e, &lp_scenarios[i], &o);

		status = st > status ? st : status;
	}
	emu_engine_destroy(e);
	return status;
}
