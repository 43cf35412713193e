/*
 * The platform interface: everything the core needs from the machine it
 * runs on. The host library implements it in hv/plat/host (an mmap'd arena
 * with dirty-page tracking, emulated TLB hooks, a console buffer and a seeded
 * random source); the firmware will implement it for POWER9/10.
 *
 * Every function takes the platform context the machine was initialised
 * with, so several machines (e.g. a migration source and target) can live
 * in one process.
 */
#ifndef HV_PLAT_H
#define HV_PLAT_H

#include "hv/types.h"

struct hv_plat;

/*
 * Host pointer of real address 0 of this machine's memory and its size in
 * bytes. Real address ra lives at base + ra. The core never touches memory
 * outside [0, size).
 */
uint8_t *plat_mem_base(struct hv_plat *plat);
uint64_t plat_mem_size(struct hv_plat *plat);

/*
 * Tells the platform that the core is about to write [ra, ra + len). The host
 * records the touched pages so that a reset costs what was touched.
 */
void plat_mem_dirty(struct hv_plat *plat, hv_raddr_t ra, uint64_t len);

/*
 * False only if the platform knows [ra, ra + len) still reads zero because
 * nothing wrote it since the memory was last cleared (the host's dirty
 * tracking). Lets scrubs and copies skip pages nobody used; a platform
 * that cannot tell returns true.
 */
bool plat_mem_maybe_written(struct hv_plat *plat, hv_raddr_t ra, uint64_t len);

/*
 * Orders page-table stores for the MMU: every store before it is visible to
 * a table walk before any store after it (eieio/ptesync on POWER). The host
 * platform is driven by one thread, so a compiler barrier is enough there.
 */
void plat_hpte_sync(struct hv_plat *plat);

/*
 * Translation invalidation (the tlbie sequence): one HPTE's translation,
 * given as the RB operand of tlbie, of partition lpid; or everything of lpid.
 * Returns only once no thread can use the old translation.
 */
void plat_tlb_flush_entry(struct hv_plat *plat, uint32_t lpid, uint64_t rb);
void plat_tlb_flush_lpid(struct hv_plat *plat, uint32_t lpid);

/* I/O translation invalidation of one TCE of window liobn of partition lpid (IOTLB). */
void plat_iotlb_flush(struct hv_plat *plat, uint32_t lpid, uint32_t liobn, uint64_t ioba);

/* Bytes a partition's virtual terminal wrote. */
void plat_console_write(struct hv_plat *plat, uint32_t lpid, const uint8_t *bytes, unsigned len);

/* 64 random bits; false when the platform has no entropy source. */
bool plat_random(struct hv_plat *plat, uint64_t *out);

#endif /* HV_PLAT_H */
