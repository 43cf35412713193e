/*
 * Fuzz target tce: DMA windows. Hcalls become TCE calls; other operations
 * become device DMA, window assignment and the memory operations that
 * change what a TCE may point at.
 */
#include "fuzz_common.h"

static const uint8_t kinds[] = { LP_OP_DMA_READ,   LP_OP_DMA_WRITE,  LP_OP_WIN_ASSIGN, LP_OP_WIN_UNASSIGN,
				 LP_OP_MEM_ADD,    LP_OP_MEM_REMOVE, LP_OP_RELOCATE, LP_OP_POKE };

static void filter(struct lp_prog *p)
{
	lp_fuzz_keep_target_calls(p, LP_HT_TCE);
	lp_fuzz_keep_kinds(p, kinds, sizeof(kinds));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return lp_fuzz_run(data, size, filter);
}
