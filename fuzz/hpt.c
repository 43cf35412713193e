/*
 * Fuzz target hpt: the hashed page table. Hcalls become HPT calls; other
 * operations become what changes or uses a partition's memory view.
 */
#include "fuzz_common.h"

static const uint8_t kinds[] = { LP_OP_LOAD, LP_OP_STORE, LP_OP_MEM_ADD, LP_OP_MEM_REMOVE, LP_OP_RELOCATE,
				 LP_OP_POKE };

static void filter(struct lp_prog *p)
{
	lp_fuzz_keep_target_calls(p, LP_HT_HPT);
	lp_fuzz_keep_kinds(p, kinds, sizeof(kinds));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return lp_fuzz_run(data, size, filter);
}
