/*
 * The census of a run (lparsec/text.h lp_census_print): what each
 * operation that ran was and how it came out, and what the oracles looked
 * at, for the report's matrix and per-invariant counts.
 */
#include <inttypes.h>
#include <stdio.h>

#include "hv/hcall.h"
#include "lparsec/text.h"

int lp_census_print(FILE *f, const struct lp_prog *p, const struct lp_exec *x)
{
	uint32_t i;

	for (i = 0; i < x->ops_run && i < p->nops; i++) {
		const struct lp_op *o = &p->op[i];
		const struct lp_op_result *r = &x->res[i];
		const char *what = o->kind == LP_OP_HCALL ? hv_hcall_name(o->opcode) : lp_op_name(o->kind);
		const char *rc = o->kind == LP_OP_HCALL ? hv_rc_name((long)r->rc) : NULL;

		fputs("census\t", f);
		if (what) {
			fputs(what, f);
		} else {
			fprintf(f, "hcall(0x%" PRIx64 ")", o->opcode);
		}
		if (r->status == LP_SKIPPED) {
			fputs("\tskipped\n", f);
		} else if (r->status == LP_FAULT) {
			fputs("\tfault\n", f);
		} else if (o->kind == LP_OP_HCALL && rc) {
			fprintf(f, "\t%s\n", rc);
		} else if (o->kind == LP_OP_HCALL) {
			fprintf(f, "\trc=%" PRId64 "\n", r->rc);
		} else if (r->rc != 0) {
			fprintf(f, "\terror%" PRId64 "\n", r->rc);
		} else {
			fputs("\tok\n", f);
		}
	}
	return lp_census_print_looks(f, x, -1);
}

int lp_census_print_looks(FILE *f, const struct lp_exec *x, int inv)
{
	unsigned i;

	/* How often each oracle looked, and how often at a state where its bug could live. */
	for (i = 0; i < LP_INV_IDS; i++) {
		if (x->inv.counts.checks[i] && (inv < 0 || (unsigned)inv == i)) {
			fprintf(f, "inv\t%s\t%u\t%u\n", lp_inv_name(i), x->inv.counts.checks[i], x->inv.counts.rich[i]);
		}
	}
	return ferror(f);
}
