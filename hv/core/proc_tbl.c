/*
 * H_REGISTER_PROC_TBL (0x37C): how an ISA 3.0 partition says which MMU
 * mode it runs in and where its process table is. This core offers one
 * mode, the hashed page table with the SLB (no radix, no segment tables),
 * which is what every partition starts in; the call only confirms it.
 *
 * r4 = flags (0x10 MODIFY, 0x08 REGISTER, 0x04 RADIX, 0x02 HASH_PROC_TBL,
 * 0x01 GTSE), r5 = table base, r6 = page size, r7 = table size. Checks,
 * in QEMU spapr's order (h_register_process_table):
 *   any other flag bit                       -> H_PARAMETER
 *   MODIFY | REGISTER: RADIX                 -> H_PARAMETER (no radix here)
 *                      HASH_PROC_TBL         -> H_PARAMETER (no segment tables)
 *                      base >> 38 != 0       -> H_P2
 *                      page size & ~7        -> H_P3
 *                      table size > 24       -> H_P4
 *   MODIFY alone (deregister)                -> H_SUCCESS
 *   no MODIFY (keep the mode): RADIX         -> H_PARAMETER (not the mode in force)
 * and H_SUCCESS otherwise. Nothing is kept: with the HPT and the SLB the
 * hardware never reads a process table.
 */
#include "internal.h"

#define PROC_TBL_FLAGS        0x1Full
#define PROC_TBL_MODIFY       0x10ull
#define PROC_TBL_REGISTER     0x08ull
#define PROC_TBL_RADIX        0x04ull
#define PROC_TBL_HASH_SEGTAB  0x02ull

long h_register_proc_tbl(struct hv_call *c)
{
	uint64_t flags = c->arg[0], base = c->arg[1], page_size = c->arg[2], table_size = c->arg[3];

	if (flags & ~PROC_TBL_FLAGS) {
		return H_PARAMETER;
	}
	if (!(flags & PROC_TBL_MODIFY)) {
		return flags & PROC_TBL_RADIX ? H_PARAMETER : H_SUCCESS;
	}
	if (!(flags & PROC_TBL_REGISTER)) {
		return H_SUCCESS;
	}
	if (flags & (PROC_TBL_RADIX | PROC_TBL_HASH_SEGTAB)) {
		return H_PARAMETER;
	}
	if (base >> 38) {
		return H_P2;
	}
	if (page_size & ~7ull) {
		return H_P3;
	}
	return table_size > 24 ? H_P4 : H_SUCCESS;
}
