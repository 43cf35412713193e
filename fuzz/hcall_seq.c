/* Fuzz target hcall_seq: everything; programs run as decoded (backdoor ops are no-ops). */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return lp_fuzz_run(data, size, NULL);
}
