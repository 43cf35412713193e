/*
 * The text form of a program: the printer (optionally annotated with a
 * run's results). See lparsec/text.h; the parser is prog_text_parse.c.
 */
#include "prog_text_internal.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "hv/hcall.h"
#include "hv/regs.h"

/* Name of argument i as printed: the per-call name, else a<i>. */
static const char *arg_label(uint64_t opcode, unsigned i, char buf[4])
{
	const char *n = hcall_arg_name(opcode, i);

	if (n) {
		return n;
	}
	buf[0] = 'a';
	buf[1] = (char)('0' + i % 10);
	buf[2] = 0;
	return buf;
}

/* How an operation's actor is written. */
enum actor_style { ACTOR_VCPU, ACTOR_PART, ACTOR_NONE };

static enum actor_style actor_style(unsigned kind)
{
	switch (kind) {
	case LP_OP_HCALL:
	case LP_OP_CPU_ADD:
	case LP_OP_CPU_REMOVE:
	case LP_OP_DISPATCH:
	case LP_OP_LOAD:
	case LP_OP_STORE:
	case LP_OP_PLANT:
	case LP_OP_REGS:
		return ACTOR_VCPU;
	case LP_OP_PREEMPT:
	case LP_OP_BACKDOOR:
		return ACTOR_NONE;
	default:
		return ACTOR_PART;
	}
}

/* ---- printing ---- */

static void print_arg(FILE *f, const struct lp_arg *a)
{
	if (a->sel == LP_SEL_LIT) {
		fprintf(f, "0x%" PRIx64, a->val);
	} else if (a->sel == LP_SEL_EDGE && a->val < LP_EDGE_COUNT) {
		fprintf(f, "edge(%s)", lp_edge_name((unsigned)a->val));
	} else {
		fprintf(f, "%s(0x%" PRIx64 ")", lp_sel_name(a->sel), a->val);
	}
}

static void print_op(FILE *f, const struct lp_op *o)
{
	enum actor_style st = actor_style(o->kind);
	char buf[24];
	unsigned i;

	if (st == ACTOR_VCPU || o->vcpu != 0) {
		fprintf(f, "p%u.v%u ", o->part, o->vcpu);
	} else if (st == ACTOR_PART || o->part != 0) {
		fprintf(f, "p%u ", o->part);
	}
	if (o->kind == LP_OP_HCALL) {
		const char *name = hv_hcall_name(o->opcode);

		if (o->problem) {
			fputs("problem ", f);
		}
		if (name) {
			fputs(name, f);
		} else {
			fprintf(f, "hcall(0x%" PRIx64 ")", o->opcode);
		}
		for (i = 0; i < o->nargs && i < 9; i++) {
			fprintf(f, " %s=", arg_label(o->opcode, i, buf));
			print_arg(f, &o->arg[i]);
		}
		return;
	}
	fputs(lp_op_name(o->kind), f);
	for (i = 0; i < op_fields[o->kind].n; i++) {
		const struct op_field *fl = &op_fields[o->kind].f[i];

		switch (fl->what) {
		case FLD_A:
			if (o->a <= fl->max) {
				fprintf(f, " %s=%u", fl->name, o->a);
			} else {
				fprintf(f, " a=0x%x", o->a);
			}
			break;
		case FLD_ADDR:
			fputs(" addr=", f);
			print_arg(f, &o->arg[0]);
			break;
		case FLD_VALUE:
			fprintf(f, " value=0x%" PRIx64, o->value);
			break;
		case FLD_REG:
			fprintf(f, " reg=%s", hv_reg_name(o->reg < HV_REG_COUNT ? o->reg : 0, buf));
			break;
		}
	}
}

static void print_result(FILE *f, const struct lp_op *o, const struct lp_op_result *r)
{
	const char *sep = " | ";
	char buf[4];
	unsigned i;

	fputs("  # ", f);
	if (r->status == LP_SKIPPED) {
		fputs("skipped", f);
		return;
	}
	if (r->status == LP_FAULT) {
		fputs("fault", f);
	} else if (o->kind == LP_OP_HCALL) {
		const char *name = hv_rc_name((long)r->rc);

		if (name) {
			fputs(name, f);
		} else {
			fprintf(f, "rc=%" PRId64, r->rc);
		}
		for (i = 0; i < 9; i++) {
			if (r->out[i]) {
				fprintf(f, " r%u=0x%" PRIx64, 4 + i, r->out[i]);
			}
		}
	} else if (r->rc != 0) {
		fprintf(f, "HV error %" PRId64, r->rc);
	} else if (o->kind == LP_OP_LOAD || o->kind == LP_OP_DMA_READ) {
		fprintf(f, "read 0x%" PRIx64, r->out[0]);
	} else if (o->kind == LP_OP_REGS) {
		char name[24];

		/* Every register read, zero or not: what a test writer asked to see. */
		for (i = 0; i < 9 && o->reg + i < HV_REG_COUNT; i++) {
			fprintf(f, "%s%s=0x%" PRIx64, i ? " " : "", hv_reg_name(o->reg + i, name), r->out[i]);
		}
	} else {
		fputs("ok", f);
	}
	for (i = 0; i < o->nargs && i < 9; i++) {
		if (o->arg[i].sel == LP_SEL_LIT) {
			continue;
		}
		fprintf(f, "%s%s=0x%" PRIx64, sep, o->kind == LP_OP_HCALL ? arg_label(o->opcode, i, buf) : "addr",
			r->arg[i]);
		sep = " ";
	}
}

static void print_violation(FILE *f, const struct lp_exec *x, uint32_t nops)
{
	/* Invariant ids are I<number> (enum lp_inv). */
	if (x->viol.op >= nops) {
		fprintf(f, "# VIOLATION I%u in the final sweep: %.*s\n", x->viol.inv, (int)sizeof(x->viol.msg),
			x->viol.msg);
	} else {
		fprintf(f, "# VIOLATION I%u after op %u: %.*s\n", x->viol.inv, x->viol.op, (int)sizeof(x->viol.msg),
			x->viol.msg);
	}
}

/* "256k", "16m", "1g": the sizes of a version 2 machine. */
static const char *size_name(unsigned shift)
{
	unsigned i = shift - SIZE_NAME_SHIFT0;

	return shift >= SIZE_NAME_SHIFT0 && i < sizeof(size_names) / sizeof(size_names[0]) ? size_names[i] : "?";
}

int lp_text_print(FILE *f, const struct lp_prog *p, const struct lp_exec *x)
{
	const struct lp_config *c = &p->cfg;
	uint32_t i, nops = p->nops > LP_MAX_OPS ? LP_MAX_OPS : p->nops;
	bool annotate = x != NULL;
	unsigned j;

	fprintf(f, "lparsec program v%u\n", c->version == 2 ? 2 : 1);
	fprintf(f, "config parts=%u threads=%u", c->nparts, c->threads);
	if (c->version == 2 && (c->mem_shift != LP_MEM_SHIFT_MIN || c->lmb_shift != LP_LMB_SHIFT_MIN)) {
		fprintf(f, " memory=%s lmb=%s", size_name(c->mem_shift), size_name(c->lmb_shift));
	}
	fputc('\n', f);
	for (j = 0; j < LP_MAX_PARTS; j++) {
		bool unused = j >= c->nparts;

		if (unused && c->lmbs[j] == 1 && c->vcpus[j] == 1 && c->windows[j] == 0 && c->shared[j] &&
		    (c->version != 2 || c->hpt_order[j] == LP_HPT_ORDER_MIN)) {
			continue;
		}
		fprintf(f, "part p%u lmbs=%u vcpus=%u windows=%u %s", j, c->lmbs[j], c->vcpus[j], c->windows[j],
			c->shared[j] ? "shared" : "dedicated");
		if (c->version == 2 && c->hpt_order[j] != LP_HPT_ORDER_MIN) {
			fprintf(f, " hpt=%u", c->hpt_order[j]);
		}
		fprintf(f, "%s\n", unused ? "  # not used (beyond parts)" : "");
	}
	for (j = 0; c->version == 2 && j < LP_MAX_PARTS * LP_MAX_WINDOWS; j++) {
		unsigned p = j / LP_MAX_WINDOWS, w = j % LP_MAX_WINDOWS;

		if (lp_cfg_win_entries(c, p, w) != LP_WINDOW_ENTRIES || lp_cfg_win_offset(c, p, w) != 0) {
			fprintf(f, "window p%u.w%u entries=%u offset=0x%" PRIx64 "\n", p, w,
				(unsigned)lp_cfg_win_entries(c, p, w), lp_cfg_win_offset(c, p, w));
		}
	}
	for (j = 0; c->version == 2 && j < LP_SEGMENTS; j++) {
		if (!lp_segment_is_default(c, j)) {
			fprintf(f, "segment esid=%u vsid=0x%" PRIx32 " page=%s\n", j, c->seg[j].vsid,
				segment_page_names[lp_segment_size_index(c->seg[j].shift)]);
		}
	}
	for (i = 0; i < nops; i++) {
		print_op(f, &p->op[i]);
		if (annotate && i < x->ops_run) {
			print_result(f, &p->op[i], &x->res[i]);
		}
		fputc('\n', f);
		if (annotate && x->viol.inv != LP_INV_NONE && x->viol.op == i) {
			print_violation(f, x, nops);
			annotate = false;
		}
	}
	if (annotate && x->viol.inv != LP_INV_NONE) {
		print_violation(f, x, nops);
	}
	fflush(f);
	return ferror(f) ? -1 : 0;
}
