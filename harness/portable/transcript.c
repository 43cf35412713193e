/*
 * Program runs as comparable text lines (lparsec/transcript.h).
 */
#include "lparsec/transcript.h"

#include "lparsec/fmt.h"

static const char *status_name(unsigned status)
{
	switch (status) {
	case LP_RAN:
		return "ran";
	case LP_SKIPPED:
		return "skipped";
	case LP_FAULT:
		return "fault";
	}
	return "status?";
}

/* Appends ",v" (or " v" for the first) to buf at *len: zeroes as "0", others in hex. */
static void put_values(char *buf, size_t cap, size_t *len, const char *label, const uint64_t *v, unsigned n)
{
	unsigned i;

	for (i = 0; i < n && *len < cap; i++) {
		const char *sep = i ? "," : label;

		*len += (size_t)(v[i] ? lp_snprintf(buf + *len, cap - *len, "%s0x%llx", sep, (unsigned long long)v[i])
				      : lp_snprintf(buf + *len, cap - *len, "%s0", sep));
	}
}

void lp_transcript_op(const struct lp_exec *x, unsigned i, char *buf, size_t cap)
{
	const struct lp_op_result *r = &x->res[i];
	size_t len = (size_t)lp_snprintf(buf, cap, "op %u: %s rc %lld", i, status_name(r->status), (long long)r->rc);

	put_values(buf, cap, &len, " args ", r->arg, 9);
	put_values(buf, cap, &len, " outs ", r->out, 9);
}

void lp_transcript_verdict(const struct lp_exec *x, char *buf, size_t cap)
{
	if (x->viol.inv == LP_INV_NONE) {
		lp_snprintf(buf, cap, "verdict: clean");
	} else if (x->viol.op >= x->prog->nops) {
		lp_snprintf(buf, cap, "verdict: %s in the final sweep", lp_inv_name(x->viol.inv));
	} else {
		lp_snprintf(buf, cap, "verdict: %s after op %u", lp_inv_name(x->viol.inv), x->viol.op);
	}
}

void lp_transcript_message(const struct lp_exec *x, char *buf, size_t cap)
{
	lp_snprintf(buf, cap, "message: %s", x->viol.msg);
}
