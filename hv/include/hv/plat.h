/*
 * The platform interface: everything the core needs from the machine it
 * runs on, written for three implementations -- the host library
 * (hv/plat/host: an mmap'd arena, emulated TLB hooks), the Unicorn engine
 * (emu/: the host arena shared with emulated ppc64 CPUs) and the firmware
 * (hv/plat/ppc64: real POWER9/10 under QEMU powernv). What the core may
 * assume of each function is written beside it.
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
 * outside [0, size). Real address 0 is ordinary memory (the firmware's own
 * image lives there): the core never treats a zero address as "none".
 */
uint8_t *plat_mem_base(struct hv_plat *plat);
uint64_t plat_mem_size(struct hv_plat *plat);

/*
 * Tells the platform that [ra, ra + len) is about to be written. The host
 * records the touched pages so that a reset costs what was touched; the
 * core also calls it for pages it lets a partition write when the platform
 * cannot see partition stores (HV_PLAT_CAP_GUEST_STORES_UNSEEN).
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
 * What the platform's processors can and cannot do; the core honours every
 * bit it is given, the same way on every platform that reports it.
 */
enum hv_plat_cap {
	/*
	 * The MMU cannot be trusted to record references: every valid HPTE is
	 * published with R set, so the MMU never stores R. (Unicorn 2.0.1 stores
	 * the R byte into the next HPTE.) Consequences the partition sees: the
	 * R bit of every valid entry reads 1 in every output (H_READ, H_REMOVE,
	 * H_BULK_REMOVE, H_CLEAR_REF, H_CLEAR_MOD), and H_CLEAR_REF returns the
	 * entry with R = 1 and leaves it 1: "referenced" is the answer that never
	 * loses a page (PAPR's R is a replacement hint). C is unaffected: the MMU
	 * records changes and H_CLEAR_MOD clears them as usual.
	 */
	HV_PLAT_CAP_HPTE_R_PRESET = 1u << 0,
	/*
	 * Partition stores do not reach plat_mem_dirty (an emulated or real CPU
	 * writes memory directly). The core then marks every page dirty when it
	 * publishes a mapping that lets a partition store to it, so resets,
	 * scrubs and copies that skip unwritten pages never skip one a partition
	 * may have written.
	 */
	HV_PLAT_CAP_GUEST_STORES_UNSEEN = 1u << 1,
};
/* The hv_plat_cap bits of this platform; constant for the life of a machine. */
uint32_t plat_caps(struct hv_plat *plat);

/*
 * Orders page-table stores for the MMU: every store before it is visible to
 * a table walk before any store after it (eieio/ptesync on POWER). The host
 * platform is driven by one thread, so a compiler barrier is enough there.
 */
void plat_hpte_sync(struct hv_plat *plat);

/*
 * Translation invalidation (the tlbie sequence): one HPTE's translation,
 * given as the RB operand of tlbie, of partition lpid; or everything of lpid.
 * Returns only once no thread can use the old translation. A platform may
 * defer the work until a thread next runs partition code, as long as no
 * partition instruction can use the old translation.
 */
void plat_tlb_flush_entry(struct hv_plat *plat, uint32_t lpid, uint64_t rb);
void plat_tlb_flush_lpid(struct hv_plat *plat, uint32_t lpid);

/* I/O translation invalidation of one TCE of window liobn of partition lpid (IOTLB). */
void plat_iotlb_flush(struct hv_plat *plat, uint32_t lpid, uint32_t liobn, uint64_t ioba);

/*
 * Partition switch. The core calls plat_thread_run_partition once it has
 * overlaid every register of a vCPU of partition lpid on thread's register
 * file (dispatch): the platform points the thread's MMU at lpid (LPIDR; the
 * partition table is fixed at set-up) and flushes what its MMU caches
 * without an LPID tag (translations, segment lookaside) before the vCPU's
 * first instruction. plat_thread_idle follows once the outgoing vCPU was
 * saved and the register file scrubbed: the platform drops whatever it
 * still holds of that vCPU (its copy of the registers, its translations).
 * Neither may call back into the core.
 */
void plat_thread_run_partition(struct hv_plat *plat, uint32_t thread, uint32_t lpid);
void plat_thread_idle(struct hv_plat *plat, uint32_t thread);

/* Bytes a partition's virtual terminal wrote. */
void plat_console_write(struct hv_plat *plat, uint32_t lpid, const uint8_t *bytes, unsigned len);

/* 64 random bits; false when the platform has no entropy source. */
bool plat_random(struct hv_plat *plat, uint64_t *out);

/*
 * The core found its own state inconsistent (HV_CHECK): never returns. The
 * host prints the check and aborts, which the fuzzers report as a finding;
 * the firmware prints it on the console and powers off.
 */
_Noreturn void plat_panic(struct hv_plat *plat, const char *file, int line, const char *check);

#endif /* HV_PLAT_H */
