/*
 * Running programs on the real core from tests (test_exec.c,
 * test_pagesize.c): two host platforms of LP_MEM_BYTES_MAX with the
 * harness's hooks, created once and reset per run, in the fuzz targets'
 * fast mode (sweeps skip memory the platforms saw nobody write).
 */
#ifndef LPARSEC_TESTS_EXEC_HELPERS_H
#define LPARSEC_TESTS_EXEC_HELPERS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hv/host.h"
#include "lparsec/exec.h"
#include "lparsec/host_hooks.h"
#include "lparsec/text.h"

static struct hv_plat *plats[2];
static struct lp_exec *X;
static struct lp_prog text_prog;

static bool touched(void *ctx, unsigned machine, uint64_t ra, uint64_t len)
{
	(void)ctx;
	return hv_host_plat_range_dirty(plats[machine & 1], ra, len);
}

static enum lp_inv run(const struct lp_prog *p, bool backdoor)
{
	unsigned i;

	if (!X) {
		X = calloc(1, sizeof(*X));
		for (i = 0; i < 2; i++) {
			plats[i] = hv_host_plat_create(LP_MEM_BYTES_MAX);
			hv_host_plat_set_hooks(plats[i], &lp_exec_host_hooks, X);
		}
		X->touched = touched;
	}
	for (i = 0; i < 2; i++) {
		hv_host_plat_reset(plats[i]);
	}
	return lp_exec_run(X, p, plats[0], plats[1], backdoor);
}

/* A text program (99: it does not parse). */
static enum lp_inv run_text(const char *text, bool backdoor)
{
	char err[200];

	if (lp_text_parse(text, strlen(text), &text_prog, err, sizeof(err))) {
		fprintf(stderr, "parse: %s\n", err);
		return (enum lp_inv)99;
	}
	return run(&text_prog, backdoor);
}

#endif /* LPARSEC_TESTS_EXEC_HELPERS_H */
