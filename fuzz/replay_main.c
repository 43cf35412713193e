/*
 * The replay build (replay-<target>): runs every input named on the
 * command line (files, or directories: every regular file in them, sorted)
 * through LLVMFuzzerTestOneInput, no engine. Used by the tests: a seed
 * that violates an invariant aborts. Exit 0 when all ran, 2 when an input
 * could not be read or none was found.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lparsec/prog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* Programs are at most LP_MAX_BIN bytes; longer inputs are read whole anyway (the decoder stops). */
static uint8_t input[1 << 20];

static int run_file(const char *path, unsigned *count)
{
	FILE *f = fopen(path, "rb");
	size_t len;

	if (!f) {
		fprintf(stderr, "replay: %s: cannot open\n", path);
		return 2;
	}
	len = fread(input, 1, sizeof(input), f);
	if (ferror(f)) {
		fclose(f);
		fprintf(stderr, "replay: %s: read error\n", path);
		return 2;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(input, len);
	(*count)++;
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int run_dir(const char *dir, unsigned *count)
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
			rc = run_file(names[i], count);
		}
		free(names[i]);
	}
	free(names);
	return rc;
}

int main(int argc, char **argv)
{
	unsigned count = 0;
	int i, rc = 0;

	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		fprintf(argc < 2 ? stderr : stdout, "usage: %s FILE|DIR...\n"
			"Runs each input through the fuzz target without an engine; a violation aborts.\n", argv[0]);
		return argc < 2 ? 2 : 0;
	}
	LLVMFuzzerInitialize(&argc, &argv);
	for (i = 1; i < argc && rc == 0; i++) {
		struct stat st;

		if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
			rc = run_dir(argv[i], &count);
		} else {
			rc = run_file(argv[i], &count);
		}
	}
	if (rc == 0 && count == 0) {
		fprintf(stderr, "replay: no inputs found\n");
		return 2;
	}
	if (rc == 0) {
		printf("replay: %u input%s ran clean\n", count, count == 1 ? "" : "s");
	}
	return rc;
}
