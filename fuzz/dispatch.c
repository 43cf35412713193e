/*
 * Fuzz target dispatch: vCPU state across threads (I5) and what the
 * hypervisor stores when vCPUs come and go (the VPA dispatch count, the
 * dispatch trace log). Other operations become dispatch, preemption,
 * register plants, processor add/remove and stores (a partition writes the
 * length of the area it registers, as Linux does); hcalls become the ones
 * that give up, wake or name a vCPU, register areas, or map the page a
 * store needs.
 */
#include "fuzz_common.h"

static const uint8_t kinds[] = { LP_OP_DISPATCH, LP_OP_PREEMPT, LP_OP_PLANT, LP_OP_CPU_ADD, LP_OP_CPU_REMOVE,
				 LP_OP_STORE, LP_OP_REGS };

static void filter(struct lp_prog *p)
{
	lp_fuzz_keep_target_calls(p, LP_HT_DISPATCH);
	lp_fuzz_keep_kinds(p, kinds, sizeof(kinds));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return lp_fuzz_run(data, size, filter);
}
