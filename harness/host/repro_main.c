/*
 * lparsec-repro: runs program files (binary or text), prints each as an
 * annotated text program and its first violation. See usage().
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lparsec/runner.h"
#include "lparsec/text.h"
#include "lparsec/transcript.h"
#ifdef LP_HAVE_EMU
#include "emu/emu.h"
#endif

#define RUNS_MAX 100000

/* What is printed of each run. */
enum output {
	OUT_ANNOTATED,   /* the program with every operation's result */
	OUT_TRANSCRIPT,  /* lparsec/transcript.h's lines */
	OUT_CENSUS,      /* a line per operation: what, outcome */
};

static void usage(FILE *f)
{
	fputs("usage: lparsec-repro [--engine host|unicorn] [--runs N] [--backdoor] [--caps LIST] [--binary | --text]\n"
	      "                     [--transcript | --census] FILE...\n"
	      "\n"
	      "Runs each program FILE (binary or text; detected from the first bytes, or\n"
	      "forced with --binary / --text; - reads standard input) on fresh machines,\n"
	      "prints it as a text program with every operation's result as a trailing\n"
	      "comment, and the first invariant violation.\n"
	      "\n"
	      "  --engine E   host (default): the host library, the harness's own MMU walk;\n"
	      "               unicorn: every hcall, load and store as real guest code on emulated\n"
	      "               POWER10 CPUs through their hash MMU, each program also run host-direct\n"
	      "               on machines with the same capabilities: any difference in a result or\n"
	      "               the verdict is I12 (the annotated program is the Unicorn run)\n"
	      "  --runs N     run each program N times (default 1) and say whether the same\n"
	      "               violation fired every time: \"reproduced N/N: I7 ...\" or \"FLAKY: ...\"\n"
	      "  --backdoor   let backdoor operations corrupt machine state (oracle tests only)\n"
	      "  --caps LIST  the platform capabilities the machines report (plat.h), comma-\n"
	      "               separated: r-preset, stores-unseen, or emu (both: what the Unicorn\n"
	      "               engine's machines report); default none\n"
	      "  --transcript print the run as the lines every driver prints the same way\n"
	      "               (lparsec/transcript.h: one per operation, then the verdict)\n"
	      "               instead of the annotated program; ./lparsec repro --engine qemu\n"
	      "               compares the firmware's lines with these\n"
	      "  --census     print one line per operation that ran instead, tab-separated:\n"
	      "               census, the hcall's name or the operation's, its outcome (the\n"
	      "               return code's name, ok, fault, skipped, error-N) -- what the\n"
	      "               report's hcall x return code matrix counts\n"
	      "  --binary     read every FILE as a binary program\n"
	      "  --text       read every FILE as a text program\n"
	      "\n"
	      "Exit status: 0 no violation in any file; 1 a violation was found (its\n"
	      "invariant id printed); 2 an input could not be read or parsed (the message\n"
	      "'lparsec-repro: FILE: what is wrong' goes to standard error; the other files\n"
	      "are still run). When files differ the highest status wins.\n",
	      f);
}

struct outcome {
	uint8_t inv;
	uint16_t op;
	unsigned count;
};

static void describe(char *buf, size_t cap, unsigned inv, unsigned op, uint32_t nops)
{
	if (inv == LP_INV_NONE) {
		snprintf(buf, cap, "no violation");
	} else if (op >= nops) {
		snprintf(buf, cap, "I%u in the final sweep", inv);
	} else {
		snprintf(buf, cap, "I%u after op %u", inv, op);
	}
}

/* How programs run: host-direct, or on the Unicorn engine compared with a host-direct run. */
struct engine {
	struct lp_runner *host;
#ifdef LP_HAVE_EMU
	struct emu_engine *emu;
	struct lp_exec *x;
#endif
};

static enum lp_inv run_program(struct engine *en, const struct lp_prog *p, bool backdoor, const struct lp_exec **x)
{
	enum lp_inv inv = lp_runner_run(en->host, p, backdoor);

	*x = lp_runner_exec(en->host);
#ifdef LP_HAVE_EMU
	if (en->emu) {
		emu_engine_run(en->emu, en->x, p, backdoor);
		inv = lp_exec_compare(lp_runner_exec(en->host), en->x);
		*x = en->x;
	}
#endif
	return inv;
}

/* The run as lparsec/transcript.h's lines; nonzero on an output error. */
static int print_transcript(const struct lp_exec *x)
{
	char line[LP_TRANSCRIPT_LINE];
	uint32_t i;

	for (i = 0; i < x->ops_run; i++) {
		lp_transcript_op(x, i, line, sizeof(line));
		printf("%s\n", line);
	}
	lp_transcript_verdict(x, line, sizeof(line));
	printf("%s\n", line);
	if (x->viol.inv != LP_INV_NONE) {
		lp_transcript_message(x, line, sizeof(line));
		printf("%s\n", line);
	}
	return ferror(stdout);
}

/* Returns the file's exit status (0, 1, 2). */
static int repro_file(struct engine *en, const char *path, enum lp_form form, unsigned runs, bool backdoor,
		      enum output out)
{
	static struct lp_prog prog;
	struct outcome seen[16];
	unsigned nseen = 0, i, k, violated = 0;
	enum lp_form got;
	char err[320], what[64];
	const struct lp_exec *x;
	enum lp_inv first;

	if (lp_load_file(path, form, &prog, &got, err, sizeof(err))) {
		fflush(stdout);
		fprintf(stderr, "lparsec-repro: %s: %s\n", path, err);
		return 2;
	}
	printf("# == %s (%s, %u operation%s)\n", path, got == LP_FORM_TEXT ? "text" : "binary", prog.nops,
	       prog.nops == 1 ? "" : "s");
	first = run_program(en, &prog, backdoor, &x);
	if (out == OUT_TRANSCRIPT ? print_transcript(x) : out == OUT_CENSUS ? lp_census_print(stdout, &prog, x)
							  : lp_text_print(stdout, &prog, x)) {
		fprintf(stderr, "lparsec-repro: %s: cannot write the program: output error\n", path);
		return 2;
	}
	describe(what, sizeof(what), first, first ? x->viol.op : 0, prog.nops);
	if (first != LP_INV_NONE) {
		printf("%s: VIOLATION %s: %.*s\n", path, what, (int)sizeof(x->viol.msg), x->viol.msg);
		violated++;
	} else {
		printf("%s: no violation (%u operation%s ran)\n", path, x->ops_run, x->ops_run == 1 ? "" : "s");
	}
	seen[0].inv = (uint8_t)first;
	seen[0].op = first ? x->viol.op : 0;
	seen[0].count = 1;
	nseen = 1;
	for (i = 1; i < runs; i++) {
		enum lp_inv inv = run_program(en, &prog, backdoor, &x);
		uint16_t op = inv ? x->viol.op : 0;

		violated += inv != LP_INV_NONE;
		for (k = 0; k < nseen; k++) {
			if (seen[k].inv == inv && seen[k].op == op) {
				seen[k].count++;
				break;
			}
		}
		if (k == nseen && nseen < sizeof(seen) / sizeof(seen[0])) {
			seen[nseen].inv = (uint8_t)inv;
			seen[nseen].op = op;
			seen[nseen].count = 1;
			nseen++;
		}
	}
	if (runs > 1) {
		if (nseen == 1 && seen[0].count == runs) {
			if (first != LP_INV_NONE) {
				printf("%s: reproduced %u/%u: %s\n", path, runs, runs, what);
			} else {
				printf("%s: no violation in %u/%u runs\n", path, runs, runs);
			}
		} else {
			printf("%s: FLAKY: %s in %u/%u runs", path, what, seen[0].count, runs);
			for (k = 1; k < nseen; k++) {
				describe(what, sizeof(what), seen[k].inv, seen[k].op, prog.nops);
				printf("; %s in %u", what, seen[k].count);
			}
			printf("\n");
		}
	}
	fflush(stdout);
	return violated ? 1 : 0;
}

int main(int argc, char **argv)
{
	enum lp_form form = LP_FORM_AUTO;
	bool backdoor = false, opts = true;
	enum output out = OUT_ANNOTATED;
	unsigned long runs = 1;
	uint32_t caps = 0;
	const char *engine = "host";
	struct engine en = { 0 };
	int i, nfiles = 0, status = 0;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!opts || a[0] != '-' || strcmp(a, "-") == 0) {
			nfiles++;
			continue;
		}
		if (strcmp(a, "--") == 0) {
			opts = false;
		} else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			usage(stdout);
			return 0;
		} else if (strcmp(a, "--backdoor") == 0) {
			backdoor = true;
		} else if (strcmp(a, "--transcript") == 0) {
			out = OUT_TRANSCRIPT;
		} else if (strcmp(a, "--census") == 0) {
			out = OUT_CENSUS;
		} else if (strcmp(a, "--binary") == 0) {
			form = LP_FORM_BIN;
		} else if (strcmp(a, "--text") == 0) {
			form = LP_FORM_TEXT;
		} else if (strcmp(a, "--engine") == 0 || strncmp(a, "--engine=", 9) == 0) {
			engine = a[8] == '=' ? a + 9 : (i + 1 < argc ? argv[++i] : "");
			if (strcmp(engine, "host") != 0 && strcmp(engine, "unicorn") != 0) {
				fprintf(stderr, "lparsec-repro: --engine: '%s' is not host or unicorn\n", engine);
				return 2;
			}
		} else if (strcmp(a, "--caps") == 0 || strncmp(a, "--caps=", 7) == 0) {
			const char *v = a[6] == '=' ? a + 7 : (i + 1 < argc ? argv[++i] : NULL);

			if (!v || lp_caps_parse(v, &caps)) {
				fprintf(stderr, "lparsec-repro: --caps: '%s' is not a list of r-preset, stores-unseen, emu, none\n",
					v ? v : "");
				return 2;
			}
		} else if (strcmp(a, "--runs") == 0 || strncmp(a, "--runs=", 7) == 0) {
			const char *v = a[6] == '=' ? a + 7 : (i + 1 < argc ? argv[++i] : NULL);
			char *end;

			if (!v) {
				fprintf(stderr, "lparsec-repro: --runs needs a number\n");
				return 2;
			}
			runs = strtoul(v, &end, 10);
			if (*v < '0' || *v > '9' || *end || runs < 1 || runs > RUNS_MAX) {
				fprintf(stderr, "lparsec-repro: --runs: '%s' is not a number in 1..%u\n", v, RUNS_MAX);
				return 2;
			}
		} else {
			fprintf(stderr, "lparsec-repro: unknown option '%s' (see --help)\n", a);
			return 2;
		}
	}
	if (nfiles == 0) {
		usage(stderr);
		return 2;
	}
	en.host = lp_runner_create();
	if (!en.host) {
		fprintf(stderr, "lparsec-repro: cannot create the machines (out of memory?)\n");
		return 2;
	}
	if (strcmp(engine, "unicorn") == 0) {
#ifdef LP_HAVE_EMU
		char err[256];

		en.emu = emu_engine_create(err, sizeof(err));
		en.x = calloc(1, sizeof(*en.x));
		if (!en.emu || !en.x) {
			fprintf(stderr, "lparsec-repro: the Unicorn engine: %s\n", en.emu ? "out of memory" : err);
			return 2;
		}
		en.x->inv.thorough = true;
		caps = EMU_PLAT_CAPS; /* the host-direct run it is compared with runs as its machines do */
#else
		fprintf(stderr, "lparsec-repro: this build has no Unicorn engine (libunicorn-dev and "
				"gcc-powerpc64-linux-gnu were missing when it was configured)\n");
		return 2;
#endif
	}
	lp_runner_set_caps(en.host, caps);
	opts = true;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		int st;

		if (opts && a[0] == '-' && strcmp(a, "-") != 0) {
			if (strcmp(a, "--") == 0) {
				opts = false;
			} else if (strcmp(a, "--runs") == 0 || strcmp(a, "--caps") == 0 || strcmp(a, "--engine") == 0) {
				i++;
			}
			continue;
		}
		st = repro_file(&en, a, form, (unsigned)runs, backdoor, out);
		if (st > status) {
			status = st;
		}
	}
	lp_runner_destroy(en.host);
#ifdef LP_HAVE_EMU
	emu_engine_destroy(en.emu);
	free(en.x);
#endif
	return status;
}
