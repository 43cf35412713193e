/*
 * lparsec-fmt: converts a program between the binary and the text form.
 * See usage().
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lparsec/runner.h"
#include "lparsec/text.h"

static void usage(FILE *f)
{
	fputs("usage: lparsec-fmt [--to text|bin] [--from text|bin] IN [-o OUT]\n"
	      "\n"
	      "Converts the program IN (- = standard input) between the binary form (what\n"
	      "fuzzers mutate) and the text form (what people read). The input form is\n"
	      "detected from its first bytes unless --from says it; the output form is the\n"
	      "other one unless --to says it (--to text on a text program re-prints it in\n"
	      "canonical form; comments are not kept).\n"
	      "\n"
	      "  -o OUT   write OUT atomically (OUT.tmp.<pid>, fsync, rename) instead of\n"
	      "           standard output; binary output to a terminal needs -o\n"
	      "\n"
	      "Exit status: 0 converted; 2 bad usage, or the input could not be read or\n"
	      "parsed (message on standard error), or the output could not be written.\n",
	      f);
}

static int parse_form(const char *v, enum lp_form *form)
{
	if (v && strcmp(v, "text") == 0) {
		*form = LP_FORM_TEXT;
	} else if (v && (strcmp(v, "bin") == 0 || strcmp(v, "binary") == 0)) {
		*form = LP_FORM_BIN;
	} else {
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	enum lp_form to = LP_FORM_AUTO, from = LP_FORM_AUTO, got;
	const char *in = NULL, *out = "-";
	static struct lp_prog prog;
	char err[320];
	char *text = NULL;
	size_t tlen = 0;
	int i, rc;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			usage(stdout);
			return 0;
		} else if (strcmp(a, "--to") == 0 || strcmp(a, "--from") == 0) {
			const char *v = i + 1 < argc ? argv[++i] : NULL;

			if (parse_form(v, strcmp(a, "--to") == 0 ? &to : &from)) {
				fprintf(stderr, "lparsec-fmt: %s needs 'text' or 'bin'\n", a);
				return 2;
			}
		} else if (strncmp(a, "--to=", 5) == 0 || strncmp(a, "--from=", 7) == 0) {
			bool is_to = a[2] == 't';

			if (parse_form(strchr(a, '=') + 1, is_to ? &to : &from)) {
				fprintf(stderr, "lparsec-fmt: %.*s needs 'text' or 'bin'\n", is_to ? 4 : 6, a);
				return 2;
			}
		} else if (strcmp(a, "-o") == 0) {
			if (i + 1 >= argc) {
				fprintf(stderr, "lparsec-fmt: -o needs a file name\n");
				return 2;
			}
			out = argv[++i];
		} else if (a[0] == '-' && a[1] != 0) {
			fprintf(stderr, "lparsec-fmt: unknown option '%s' (see --help)\n", a);
			return 2;
		} else if (in) {
			fprintf(stderr, "lparsec-fmt: one input only ('%s' and '%s')\n", in, a);
			return 2;
		} else {
			in = a;
		}
	}
	if (!in) {
		usage(stderr);
		return 2;
	}
	if (lp_load_file(in, from, &prog, &got, err, sizeof(err))) {
		fprintf(stderr, "lparsec-fmt: %s: %s\n", in, err);
		return 2;
	}
	if (to == LP_FORM_AUTO) {
		to = got == LP_FORM_TEXT ? LP_FORM_BIN : LP_FORM_TEXT;
	}
	if (to == LP_FORM_BIN) {
		static uint8_t buf[LP_MAX_BIN];
		size_t n = lp_prog_encode(&prog, buf, sizeof(buf));

		if (strcmp(out, "-") == 0 && isatty(STDOUT_FILENO)) {
			fprintf(stderr, "lparsec-fmt: not writing a binary program to a terminal (use -o FILE)\n");
			return 2;
		}
		rc = lp_write_file_atomic(out, buf, n, err, sizeof(err));
	} else {
		FILE *f = open_memstream(&text, &tlen);

		if (!f || lp_text_print(f, &prog, NULL) || fclose(f)) {
			fprintf(stderr, "lparsec-fmt: cannot format the program (out of memory?)\n");
			free(text);
			return 2;
		}
		rc = lp_write_file_atomic(out, text, tlen, err, sizeof(err));
		free(text);
	}
	if (rc) {
		fprintf(stderr, "lparsec-fmt: %s\n", err);
		return 2;
	}
	return 0;
}
