/*
 * Fuzz target dlpar: reconfiguration under load. Every hcall stays; other
 * operations become DLPAR memory/processor add and remove, window
 * assignment, LMB relocation and migration.
 */
#include "fuzz_common.h"

static const uint8_t kinds[] = { LP_OP_MEM_ADD,    LP_OP_MEM_REMOVE,   LP_OP_CPU_ADD,  LP_OP_CPU_REMOVE,
				 LP_OP_WIN_ASSIGN, LP_OP_WIN_UNASSIGN, LP_OP_RELOCATE, LP_OP_MIGRATE,
				 LP_OP_POKE, LP_OP_FILL };

static void filter(struct lp_prog *p)
{
	lp_fuzz_keep_kinds(p, kinds, sizeof(kinds));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return lp_fuzz_run(data, size, filter);
}
