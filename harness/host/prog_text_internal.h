/*
 * Private to the text form (prog_text_print.c, prog_text_parse.c): what the
 * printer and the parser share, the per-hcall argument names and the fields
 * of the other operations. Host only.
 */
#ifndef LPARSEC_PROG_TEXT_INTERNAL_H
#define LPARSEC_PROG_TEXT_INTERNAL_H

#include "lparsec/text.h"

#include <stddef.h>
#include <stdint.h>

#include "hv/hcall.h"
#include "hv/papr.h"

/* ---- what the two directions share ---- */

/* The per-call name of argument i (lparsec/hcalls.def), or 0 (then it is a<i>). */
static inline const char *hcall_arg_name(uint64_t opcode, unsigned i)
{
	const struct lp_hcall_desc *d = lp_hcall_find(opcode);

	return d && i < 9 ? d->args[i] : 0;
}

/* Version 2's sizes as written: a machine's memory and LMBs ("256k" .. "1g", by shift from 18), a segment's base page. */
static const char *const size_names[] = { "256k", "512k", "1m", "2m", "4m", "8m", "16m", "32m", "64m", "128m",
					  "256m", "512m", "1g" };
#define SIZE_NAME_SHIFT0 18
static const char *const segment_page_names[LP_SEGMENT_SIZES] = { "4k", "64k", "16m" };

/* Fields of the operations other than hcalls. */
enum fld { FLD_A, FLD_ADDR, FLD_VALUE, FLD_REG };

struct op_field {
	const char *name;
	uint8_t what;  /* enum fld */
	uint8_t max;   /* FLD_A: largest value printed under this name (beyond: a=0x..) */
};

struct op_fields {
	uint8_t n;
	struct op_field f[3];
};

#define F_LMB    { "lmb", FLD_A, LP_LOGICAL_LMBS - 1 }
#define F_WIN    { "win", FLD_A, LP_MAX_WINDOWS - 1 }
#define F_THREAD { "thread", FLD_A, LP_MAX_THREADS - 1 }
#define F_KIND   { "kind", FLD_A, LP_BD_COUNT - 1 }
#define F_ADDR   { "addr", FLD_ADDR, 0 }
#define F_VALUE  { "value", FLD_VALUE, 0 }
#define F_REG    { "reg", FLD_REG, 0 }
#define F_PAGES  { "pages", FLD_A, LP_FILL_PAGES_MAX }

static const struct op_fields op_fields[LP_OP_COUNT] = {
	[LP_OP_MEM_ADD] = { 1, { F_LMB } },
	[LP_OP_MEM_REMOVE] = { 1, { F_LMB } },
	[LP_OP_WIN_ASSIGN] = { 1, { F_WIN } },
	[LP_OP_WIN_UNASSIGN] = { 1, { F_WIN } },
	[LP_OP_RELOCATE] = { 1, { F_LMB } },
	[LP_OP_DISPATCH] = { 1, { F_THREAD } },
	[LP_OP_PREEMPT] = { 1, { F_THREAD } },
	[LP_OP_DMA_READ] = { 2, { F_WIN, F_ADDR } },
	[LP_OP_DMA_WRITE] = { 3, { F_WIN, F_ADDR, F_VALUE } },
	[LP_OP_LOAD] = { 1, { F_ADDR } },
	[LP_OP_STORE] = { 2, { F_ADDR, F_VALUE } },
	[LP_OP_PLANT] = { 2, { F_REG, F_VALUE } },
	[LP_OP_BACKDOOR] = { 2, { F_KIND, F_VALUE } },
	[LP_OP_POKE] = { 2, { F_ADDR, F_VALUE } },
	[LP_OP_FILL] = { 3, { F_PAGES, F_ADDR, F_VALUE } },
	[LP_OP_REGS] = { 1, { F_REG } },
};

#endif /* LPARSEC_PROG_TEXT_INTERNAL_H */
