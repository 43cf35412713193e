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

struct hcall_args {
	uint64_t opcode;
	const char *name[9];
};

static const struct hcall_args hcall_args[] = {
	{ H_ENTER, { "flags", "ptex", "pteh", "ptel" } },
	{ H_REMOVE, { "flags", "ptex", "avpn" } },
	{ H_READ, { "flags", "ptex" } },
	{ H_PROTECT, { "flags", "ptex", "avpn" } },
	{ H_BULK_REMOVE, { "tsh0", "tsl0", "tsh1", "tsl1", "tsh2", "tsl2", "tsh3", "tsl3" } },
	{ H_CLEAR_REF, { "flags", "ptex" } },
	{ H_CLEAR_MOD, { "flags", "ptex" } },
	{ H_PUT_TCE, { "liobn", "ioba", "tce" } },
	{ H_GET_TCE, { "liobn", "ioba" } },
	{ H_STUFF_TCE, { "liobn", "ioba", "value", "count" } },
	{ H_PUT_TCE_INDIRECT, { "liobn", "ioba", "list", "count" } },
	{ H_REGISTER_VPA, { "flags", "proc", "addr" } },
	{ H_PROD, { "proc" } },
	{ H_CONFER, { "proc", "count" } },
	{ H_PUT_TERM_CHAR, { "term", "len", "chars0", "chars1" } },
	{ H_GET_TERM_CHAR, { "term" } },
	{ H_SET_SPRG0, { "value" } },
	{ H_PAGE_INIT, { "flags", "dest", "src" } },
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* The per-call name of argument i, or 0 (then it is a<i>). */
static inline const char *hcall_arg_name(uint64_t opcode, unsigned i)
{
	size_t k;

	for (k = 0; k < COUNT(hcall_args); k++) {
		if (hcall_args[k].opcode == opcode) {
			return i < 9 ? hcall_args[k].name[i] : 0;
		}
	}
	return 0;
}

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
};

#endif /* LPARSEC_PROG_TEXT_INTERNAL_H */
