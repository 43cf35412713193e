/*
 * The host platform hooks an executor needs (ctx = its struct lp_exec):
 * the core's TLB and IOTLB flushes reach the emulated TLB and IOTLB, its
 * stores the write-set oracle. One table for every host program that runs the executor on the
 * host platform (runner, fuzz targets); a driver with CPUs of its own
 * forwards to the same lp_exec_on_* calls from its hooks.
 */
#ifndef LPARSEC_HOST_HOOKS_H
#define LPARSEC_HOST_HOOKS_H

#include "hv/host.h"
#include "lparsec/exec.h"

static inline void lp_hook_flush_entry(void *ctx, struct hv_plat *plat, uint32_t lpid, uint64_t rb)
{
	lp_exec_on_tlb_flush_entry(ctx, plat, lpid, rb);
}

static inline void lp_hook_flush_lpid(void *ctx, struct hv_plat *plat, uint32_t lpid)
{
	lp_exec_on_tlb_flush_lpid(ctx, plat, lpid);
}

static inline void lp_hook_iotlb_flush(void *ctx, struct hv_plat *plat, uint32_t lpid, uint32_t liobn, uint64_t ioba)
{
	lp_exec_on_iotlb_flush(ctx, plat, lpid, liobn, ioba);
}

static inline void lp_hook_mem_write(void *ctx, struct hv_plat *plat, uint64_t ra, uint64_t len)
{
	lp_exec_on_mem_write(ctx, plat, ra, len);
}

static const struct hv_host_hooks lp_exec_host_hooks = {
	.tlb_flush_entry = lp_hook_flush_entry,
	.tlb_flush_lpid = lp_hook_flush_lpid,
	.iotlb_flush = lp_hook_iotlb_flush,
	.mem_write = lp_hook_mem_write,
};

#endif
