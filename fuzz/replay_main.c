/*
 * The replay build (replay-<target>): runs every input named on the
 * command line (files, or directories: every regular file in them, sorted)
 * through LLVMFuzzerTestOneInput, no engine. Used by the tests: a seed
 * that violates an invariant aborts. Exit 0 when all ran, 2 when an input
 * could not be read or none was found.
 *
 * `--repeat N` is the per-input speed benchmark: the inputs are read into
 * memory first, then run N times over, and the executions per second of
 * the target alone (no engine, no file system) are printed, with the mean
 * number of operations per program (programs differ in length, and the
 * checked operations per second compare across corpora).
 *
 * `--name-inputs` prints "replay: input PATH" on stderr before each input
 * runs: the campaign's sanitizer sweep replays whole corpora in one process
 * and needs to know which input a crash belongs to.
 */
#include <dirent.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "fuzz_common.h"
#include "lparsec/prog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* Programs are at most LP_MAX_BIN bytes; longer inputs are cut there (the decoder stops anyway). */
#define REPLAY_MAX_INPUT (1u << 20)

struct input {
	uint8_t *data;
	size_t len;
	char *path;
};

static struct input *inputs;
static size_t ninputs, cap_inputs;

static int add_input(uint8_t *data, size_t len, const char *path)
{
	if (ninputs == cap_inputs) {
		size_t cap = cap_inputs ? 2 * cap_inputs : 256;
		struct input *more = realloc(inputs, cap * sizeof(*inputs));

		if (!more) {
			fprintf(stderr, "replay: out of memory\n");
			return 2;
		}
		inputs = more;
		cap_inputs = cap;
	}
	inputs[ninputs].data = data;
	inputs[ninputs].len = len;
	inputs[ninputs].path = strdup(path);
	if (!inputs[ninputs].path) {
		fprintf(stderr, "replay: out of memory\n");
		return 2;
	}
	ninputs++;
	return 0;
}

static uint8_t read_buf[REPLAY_MAX_INPUT];

static int read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *copy;
	size_t len;

	if (!f) {
		fprintf(stderr, "replay: %s: cannot open\n", path);
		return 2;
	}
	len = fread(read_buf, 1, sizeof(read_buf), f);
	if (ferror(f)) {
		fclose(f);
		fprintf(stderr, "replay: %s: read error\n", path);
		return 2;
	}
	fclose(f);
	copy = malloc(len ? len : 1);
	if (!copy) {
		fprintf(stderr, "replay: out of memory\n");
		return 2;
	}
	memcpy(copy, read_buf, len);
	if (add_input(copy, len, path) != 0) {
		free(copy);
		return 2;
	}
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every regular file of dir whose name does not start with '.', in name order. */
static int read_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, cap = 0, i;
	int rc = 0;

	if (!d) {
		fprintf(stderr, "replay: %s: cannot open directory\n", dir);
		return 2;
	}
	while ((e = readdir(d)) != NULL) {
		struct stat st;
		char *path;

		if (e->d_name[0] == '.') {
			continue;
		}
		path = malloc(strlen(dir) + strlen(e->d_name) + 2);
		if (!path) {
			rc = 2;
			break;
		}
		sprintf(path, "%s/%s", dir, e->d_name);
		if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
			free(path);
			continue;
		}
		if (n == cap) {
			char **more = realloc(names, (cap = cap ? 2 * cap : 64) * sizeof(*names));

			if (!more) {
				free(path);
				rc = 2;
				break;
			}
			names = more;
		}
		names[n++] = path;
	}
	closedir(d);
	if (n) {
		qsort(names, n, sizeof(*names), by_name);
	}
	for (i = 0; i < n; i++) {
		if (rc == 0) {
			rc = read_file(names[i]);
		}
		free(names[i]);
	}
	free(names);
	return rc;
}

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int usage(FILE *out, const char *argv0, int rc)
{
	fprintf(out, "usage: %s [--repeat N] [--name-inputs] [--thorough] FILE|DIR...\n"
		"Runs each input through the fuzz target without an engine; a violation aborts.\n"
		"--repeat N      run all inputs N times (read into memory first) and print execs/s\n"
		"--name-inputs   print \"replay: input PATH\" on stderr before each input runs\n"
		"--thorough      every input with exhaustive checks (not only memory the platforms saw written)\n",
		argv0);
	return rc;
}

int main(int argc, char **argv)
{
	unsigned long repeat = 0, pass;
	bool name_inputs = false;
	double t0, secs;
	size_t i;
	int a = 1, rc = 0;

	if (argc >= 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		return usage(stdout, argv[0], 0);
	}
	if (argc >= 3 && !strcmp(argv[1], "--repeat")) {
		char *end;

		repeat = strtoul(argv[2], &end, 10);
		if (*argv[2] == '\0' || *end != '\0' || repeat == 0) {
			fprintf(stderr, "replay: --repeat needs a positive integer, not '%s'\n", argv[2]);
			return 2;
		}
		a = 3;
	}
	if (a < argc && !strcmp(argv[a], "--name-inputs")) {
		name_inputs = true;
		a++;
	}
	if (a < argc && !strcmp(argv[a], "--thorough")) {
		lp_fuzz_set_thorough(true);
		a++;
	}
	if (a >= argc) {
		return usage(stderr, argv[0], 2);
	}
	for (; a < argc && rc == 0; a++) {
		struct stat st;

		if (stat(argv[a], &st) == 0 && S_ISDIR(st.st_mode)) {
			rc = read_dir(argv[a]);
		} else {
			rc = read_file(argv[a]);
		}
	}
	if (rc != 0) {
		return rc;
	}
	if (ninputs == 0) {
		fprintf(stderr, "replay: no inputs found\n");
		return 2;
	}
	LLVMFuzzerInitialize(&argc, &argv);
	t0 = now_seconds();
	for (pass = 0; pass < (repeat ? repeat : 1); pass++) {
		for (i = 0; i < ninputs; i++) {
			if (name_inputs) {
				fprintf(stderr, "replay: input %s\n", inputs[i].path);
				fflush(stderr);
			}
			LLVMFuzzerTestOneInput(inputs[i].data, inputs[i].len);
		}
	}
	secs = now_seconds() - t0;
	if (repeat) {
		double execs = (double)ninputs * (double)repeat;

		double ops = (double)lp_fuzz_ops_run();

		printf("replay: %zu inputs x %lu passes in %.3f s: %.0f execs/s (%.2f us/exec, %.1f operations per "
		       "program, %.0f operations/s)\n",
		       ninputs, repeat, secs, execs / secs, secs * 1e6 / execs, ops / execs, ops / secs);
	} else {
		printf("replay: %zu input%s ran clean\n", ninputs, ninputs == 1 ? "" : "s");
	}
	for (i = 0; i < ninputs; i++) {
		free(inputs[i].data);
		free(inputs[i].path);
	}
	free(inputs);
	return 0;
}
