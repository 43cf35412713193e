/*
 * I12 by replay: a program's run through a driver against its host-direct
 * run on machines with the same capabilities. Both must give the same
 * per-operation results (status, resolved arguments, return code, outputs)
 * and the same verdict; the first difference is the finding. Portable: the
 * firmware compares its own run with the host's transcript the same way.
 */
#include "exec_internal.h"

/* The first of status, arguments, rc and outputs in which the two results of op differ (a, b: the values). */
static const char *result_diff(const struct lp_op_result *h, const struct lp_op_result *d, uint64_t *a, uint64_t *b)
{
	static const char *const args[9] = { "argument 0 differs between drivers", "argument 1 differs between drivers",
					     "argument 2 differs between drivers", "argument 3 differs between drivers",
					     "argument 4 differs between drivers", "argument 5 differs between drivers",
					     "argument 6 differs between drivers", "argument 7 differs between drivers",
					     "argument 8 differs between drivers" };
	static const char *const outs[9] = { "output r4 differs between drivers",  "output r5 differs between drivers",
					     "output r6 differs between drivers",  "output r7 differs between drivers",
					     "output r8 differs between drivers",  "output r9 differs between drivers",
					     "output r10 differs between drivers", "output r11 differs between drivers",
					     "output r12 differs between drivers" };
	unsigned i;

	if (h->status != d->status) {
		*a = h->status;
		*b = d->status;
		return "operation status (ran / skipped / fault) differs between drivers";
	}
	if (h->rc != d->rc) {
		*a = (uint64_t)h->rc;
		*b = (uint64_t)d->rc;
		return "return code differs between drivers";
	}
	for (i = 0; i < 9; i++) {
		if (h->arg[i] != d->arg[i]) {
			*a = h->arg[i];
			*b = d->arg[i];
			return args[i];
		}
	}
	for (i = 0; i < 9; i++) {
		if (h->out[i] != d->out[i]) {
			*a = h->out[i];
			*b = d->out[i];
			return outs[i];
		}
	}
	return 0;
}

enum lp_inv lp_exec_compare(const struct lp_exec *host, struct lp_exec *x)
{
	uint32_t n = host->ops_run < x->ops_run ? host->ops_run : x->ops_run, i;
	uint64_t a, b;

	for (i = 0; i < n; i++) {
		const char *what = result_diff(&host->res[i], &x->res[i], &a, &b);

		lp_inv_count(&x->inv.counts, LP_INV_I12, host->res[i].status == LP_RAN);
		if (what) {
			return lp_violate(x, LP_INV_I12, i, what, a, b);
		}
	}
	if (x->viol.inv == LP_INV_I12) {
		return LP_INV_I12; /* the driver's own access already disagreed with the harness's MMU */
	}
	if (host->viol.inv == LP_INV_NONE && x->viol.inv != LP_INV_NONE) {
		/* An oracle fired on this driver's machines only: its own id says more than "differs". */
		return (enum lp_inv)x->viol.inv;
	}
	if (host->viol.inv != x->viol.inv || (host->viol.inv != LP_INV_NONE && host->viol.op != x->viol.op)) {
		return lp_violate(x, LP_INV_I12, n < x->prog->nops ? n : x->prog->nops,
				  "verdicts differ between drivers (a: host-direct invariant, b: this driver's)",
				  host->viol.inv, x->viol.inv);
	}
	return (enum lp_inv)x->viol.inv;
}
