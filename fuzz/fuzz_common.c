/*
 * The shared part of the fuzz targets: the machine set up once per process
 * and the per-input run (fuzz_common.h). A clean input costs a platform
 * reset (what the previous input touched), a decode, the filter and the
 * executor: no allocation, no output.
 */
#include "fuzz_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hv/host.h"
#include "lparsec/exec.h"
#include "lparsec/host_hooks.h"
#include "lparsec/inv.h"
#ifdef LP_FUZZ_HAVE_TEXT
#include "lparsec/text.h"
#endif

static struct hv_plat *plat[2];
static struct lp_exec *exec_state; /* large: allocated once */
static struct lp_prog prog;
/* LPARSEC_FUZZ_PRINT=1 (triage): print each program as it will run, before running it. */
static bool print_programs;
static bool print_census; /* LPARSEC_FUZZ_CENSUS=1: a census line per operation that ran (lp_census_print) */
static uint64_t programs_run, ops_run;
static const struct lp_fuzz_driver *second_driver;
static bool every_input_thorough;
static int baseline = -1; /* LPARSEC_FUZZ_BASELINE, read once */

/*
 * Fast mode trusts the platforms' dirty maps: the sweeps read, and the next
 * reset zeroes, only pages the platform heard were written. A store that
 * skipped plat_mem_dirty would be neither judged nor reset (the next input
 * inherits it; a scrub that skips clean pages hands it on). Two checks that
 * do not trust the maps: a sample of inputs runs thorough, and after every
 * fast run CLEAN_PAGE_SAMPLES pages of each machine the maps call clean --
 * in LMBs the hypervisor or a partition holds, where the core stores --
 * must read zero.
 */
#define CLEAN_PAGE_SAMPLES 4

/*
 * LPARSEC_FUZZ_STATS=1: at a normal exit, how long the programs the engine
 * ran were. An engine's execs/s means little without it: longer programs
 * cost more, and the engine decides how long they grow.
 */
static void print_stats(void)
{
	fprintf(stderr, "lparsec: stat::programs_run: %llu\nlparsec: stat::operations_run: %llu\n",
		(unsigned long long)programs_run, (unsigned long long)ops_run);
	if (programs_run) {
		fprintf(stderr, "lparsec: stat::operations_per_program: %.1f\n", (double)ops_run / (double)programs_run);
	}
}

void lp_fuzz_init(void)
{
	unsigned i;

	if (exec_state) {
		return;
	}
	exec_state = calloc(1, sizeof(*exec_state));
	if (!exec_state) {
		fprintf(stderr, "lparsec-fuzz: cannot allocate the executor (%zu bytes)\n", sizeof(*exec_state));
		abort();
	}
	for (i = 0; i < 2; i++) {
		plat[i] = hv_host_plat_create(LP_MEM_BYTES_MAX);
		if (!plat[i]) {
			fprintf(stderr, "lparsec-fuzz: cannot map a platform of %llu bytes\n",
				(unsigned long long)LP_MEM_BYTES);
			abort();
		}
		hv_host_plat_set_hooks(plat[i], &lp_exec_host_hooks, exec_state);
	}
	exec_state->touched_map_pages = hv_host_plat_dirty_map_pages(plat[0]);
	/* Or: a driver's lp_fuzz_set_thorough(true) before the first input (replay --thorough) stands. */
	every_input_thorough |= getenv("LPARSEC_FUZZ_THOROUGH") && getenv("LPARSEC_FUZZ_THOROUGH")[0] == '1';
	print_programs = getenv("LPARSEC_FUZZ_PRINT") && getenv("LPARSEC_FUZZ_PRINT")[0] == '1';
	print_census = getenv("LPARSEC_FUZZ_CENSUS") && getenv("LPARSEC_FUZZ_CENSUS")[0] == '1';
	if (getenv("LPARSEC_FUZZ_STATS") && getenv("LPARSEC_FUZZ_STATS")[0] == '1') {
		atexit(print_stats);
	}
}

/* libFuzzer calls this once; the other drivers call it if it is there (and lp_fuzz_run would anyway). */
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	lp_fuzz_init();
	return 0;
}

void lp_fuzz_keep_kinds(struct lp_prog *p, const uint8_t *kinds, unsigned n)
{
	uint32_t i;
	unsigned j;

	for (i = 0; i < p->nops; i++) {
		uint8_t k = p->op[i].kind;

		if (k == LP_OP_HCALL) {
			continue;
		}
		for (j = 0; j < n && kinds[j] != k; j++) {
		}
		if (j == n) {
			p->op[i].kind = kinds[k % n];
		}
	}
}

void lp_fuzz_keep_opcodes(struct lp_prog *p, const uint64_t *opcodes, unsigned n)
{
	uint32_t i;
	unsigned j;

	for (i = 0; i < p->nops; i++) {
		uint64_t c = p->op[i].opcode;

		if (p->op[i].kind != LP_OP_HCALL) {
			continue;
		}
		for (j = 0; j < n && opcodes[j] != c; j++) {
		}
		if (j == n) {
			p->op[i].opcode = opcodes[(c >> 2) % n];
		}
	}
}

void lp_fuzz_keep_target_calls(struct lp_prog *p, unsigned target)
{
	uint64_t opcodes[64];
	unsigned i, n = 0;

	for (i = 0; i < lp_hcall_opcode_count && n < 64; i++) {
		if (lp_hcalls[i].targets & target) {
			opcodes[n++] = lp_hcalls[i].opcode;
		}
	}
	lp_fuzz_keep_opcodes(p, opcodes, n);
}

void lp_fuzz_use_driver(const struct lp_fuzz_driver *d)
{
	lp_fuzz_init();
	second_driver = d;
	hv_host_plat_set_caps(plat[0], d->caps);
	hv_host_plat_set_caps(plat[1], d->caps);
}

bool lp_fuzz_baseline(void)
{
	if (baseline < 0) {
		baseline = getenv("LPARSEC_FUZZ_BASELINE") && getenv("LPARSEC_FUZZ_BASELINE")[0] == '1';
	}
	return baseline;
}

/* The baseline's programs: what the bytes say, every argument taken literally. */
static void arguments_literal(struct lp_prog *p)
{
	uint32_t i;
	unsigned k;

	for (i = 0; i < p->nops; i++) {
		for (k = 0; k < 9; k++) {
			p->op[i].arg[k].sel = LP_SEL_LIT;
		}
	}
}

void lp_fuzz_set_thorough(bool every_input)
{
	every_input_thorough = every_input;
}

/*
 * A hash of the input, eight bytes a step: which inputs run thorough, and
 * which clean pages are looked at, follow from the bytes (a rerun decides alike).
 */
static uint64_t input_hash(const uint8_t *data, size_t size)
{
	uint64_t h = 0x9E3779B97F4A7C15ull ^ size, w;
	size_t i;

	for (i = 0; i + 8 <= size; i += 8) {
		memcpy(&w, data + i, 8);
		h = (h ^ w) * 0xBF58476D1CE4E5B9ull;
		h ^= h >> 29;
	}
	for (; i < size; i++) {
		h = (h ^ data[i]) * 0x94D049BB133111EBull;
	}
	return h ^ (h >> 31);
}

/* Thorough: the sweeps read all memory (no map) and every check runs after every operation. */
static void set_thorough(bool thorough)
{
	exec_state->inv.thorough = thorough;
	exec_state->touched_map[0] = thorough ? NULL : hv_host_plat_dirty_map(plat[0]);
	exec_state->touched_map[1] = thorough ? NULL : hv_host_plat_dirty_map(plat[1]);
}

/* After a clean fast run: sampled pages the dirty maps call clean must read zero (lparsec/inv.h). */
static enum lp_inv check_clean_pages(uint64_t seed)
{
	enum lp_inv inv = lp_inv_check_unreported(exec_state, 0, hv_host_plat_dirty_map(plat[0]), CLEAN_PAGE_SAMPLES,
						   &seed);

	if (inv == LP_INV_NONE && exec_state->memmap.used1) {
		inv = lp_inv_check_unreported(exec_state, 1, hv_host_plat_dirty_map(plat[1]), CLEAN_PAGE_SAMPLES, &seed);
	}
	return inv;
}

uint64_t lp_fuzz_ops_run(void)
{
	return ops_run;
}

static void report(const struct lp_exec *x, enum lp_inv inv)
{
	fprintf(stderr, "lparsec: VIOLATION %s after op %u: %s\n", lp_inv_name(inv), (unsigned)x->viol.op, x->viol.msg);
#ifdef LP_FUZZ_HAVE_TEXT
	fprintf(stderr, "lparsec: the program that ran (after the target's filter):\n");
	lp_text_print(stderr, &prog, x);
#endif
	fflush(stderr);
}

/*
 * The structure-aware mutator's (mutator.h), in the builds that link it
 * (libFuzzer's fuzz-<target>); weak, so the replay and AFL++ builds, whose
 * mutator lives in another process or nowhere, see a null pointer.
 */
const struct lp_prog *lp_mutator_last_program(const uint8_t *data, size_t size) __attribute__((weak));

/*
 * prog := the program data[0..size) encodes. Under libFuzzer most inputs
 * are what the custom mutator has just encoded from a program it still
 * holds: copying that program's operations skips a decode (half the
 * decoding of a libFuzzer run; mutator-check proves the two equal).
 */
static void load_program(const uint8_t *data, size_t size)
{
	const struct lp_prog *known = lp_mutator_last_program ? lp_mutator_last_program(data, size) : NULL;

	if (!known) {
		lp_prog_decode(data, size, &prog);
		return;
	}
	prog.cfg = known->cfg;
	prog.nops = known->nops;
	memcpy(prog.op, known->op, known->nops * sizeof(prog.op[0]));
}

int lp_fuzz_run(const uint8_t *data, size_t size, lp_fuzz_filter filter)
{
	enum lp_inv inv;
	uint32_t i;
	uint64_t seed;
	bool thorough;

	if (!exec_state) {
		lp_fuzz_init();
	}
	load_program(data, size);
	if (lp_fuzz_baseline()) {
		arguments_literal(&prog);
	}
	if (filter) {
		filter(&prog);
		lp_prog_normalize(&prog); /* a changed kind keeps fields the new kind does not have */
	}
	/* Decoded programs are normalized already; this keeps them so. */
	for (i = 0; i < prog.nops; i++) {
		if (prog.op[i].kind == LP_OP_BACKDOOR) {
			prog.op[i].a = LP_BD_NONE;
			prog.op[i].value = 0;
		}
	}
#ifdef LP_FUZZ_HAVE_TEXT
	if (print_programs) {
		/* Before running: a sanitizer crash mid-program must still leave the program behind. */
		fprintf(stderr, "lparsec: the program that runs (after the target's filter):\n");
		lp_text_print(stderr, &prog, NULL);
		fprintf(stderr, "lparsec: end of program\n");
		fflush(stderr);
	}
#endif
	hv_host_plat_reset(plat[0]);
	hv_host_plat_reset(plat[1]);
	seed = input_hash(data, size);
	thorough = every_input_thorough ||
		   (seed % LP_FUZZ_THOROUGH_ONE_IN == 0 && lp_cfg_mem_bytes(&prog.cfg) <= LP_FUZZ_THOROUGH_MEM_MAX);
	set_thorough(thorough);
	inv = lp_exec_run(exec_state, &prog, plat[0], plat[1], false);
#ifdef LP_FUZZ_HAVE_TEXT
	if (print_census) {
		lp_census_print(stdout, &prog, exec_state); /* what the program did: the report's matrix */
	}
#endif
	if (inv == LP_INV_NONE && !thorough) {
		inv = check_clean_pages(seed);
	}
	ops_run += exec_state->ops_run;
	programs_run++;
	if (second_driver && inv == LP_INV_NONE) {
		const struct lp_exec *x;

		/* A finding of the host-direct run is reported as it is; otherwise the driver must agree. */
		inv = second_driver->run(&prog, exec_state, &x);
#ifdef LP_FUZZ_HAVE_TEXT
		if (print_census) {
			lp_census_print_looks(stdout, x, LP_INV_I12); /* the other oracles: the host-direct run's */
		}
#endif
		if (inv != LP_INV_NONE) {
			report(x, inv);
			abort();
		}
	}
	if (inv != LP_INV_NONE) {
		report(exec_state, inv);
		abort();
	}
	return 0;
}
