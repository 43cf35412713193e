/*
 * The host platform: implements hv/plat.h over an mmap'd arena so the core
 * runs as an ordinary library (tests, fuzz targets, benchmarks).
 *
 * - Memory: an anonymous MAP_PRIVATE|MAP_NORESERVE arena that reads as zero,
 *   followed by an inaccessible guard page. Pages the core declares with
 *   plat_mem_dirty are recorded (bitmap + stack of page indices), so
 *   hv_host_plat_reset costs what the previous run touched, not the arena
 *   size. A plat_mem_dirty range outside the arena aborts (core bug).
 * - TLB/IOTLB: every flush is counted and forwarded to optional hooks (the
 *   harness's emulated TLB). Every plat_mem_dirty is forwarded too (the
 *   harness's write-set oracle).
 * - Console: one 4 KiB log per LPID 0..HV_HOST_CONSOLE_LPIDS-1. When a log is
 *   full the OLDEST bytes are dropped (it keeps the most recent 4 KiB).
 *   Writes for larger LPIDs are only counted (console_dropped) and echoed.
 * - Random: deterministic xorshift64*, reseeded on every reset.
 * - Capabilities: none unless set (hv_host_plat_set_caps): a driver that
 *   puts an emulated CPU on the arena sets what that CPU needs.
 * - Partition switches and idle threads are counted and forwarded to
 *   optional hooks (the driver of an emulated CPU).
 * - plat_panic prints "HV_CHECK failed: <check> at <file>:<line>" on stderr
 *   and aborts.
 *
 * Not thread-safe: one machine's platform is driven by one thread.
 */
#ifndef HV_HOST_H
#define HV_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "hv/plat.h"
#include "hv/seeded_random.h"

#define HV_HOST_CONSOLE_LPIDS 16
#define HV_HOST_CONSOLE_BYTES 4096
#define HV_HOST_DIRTY_MAX     65536u /* dirty pages tracked before falling back to madvise */
#define HV_HOST_DEFAULT_SEED  HV_SEEDED_RANDOM_DEFAULT

/* Arena of mem_size bytes (rounded up to 4 KiB for the mapping); NULL on failure. */
struct hv_plat *hv_host_plat_create(uint64_t mem_size);
void hv_host_plat_destroy(struct hv_plat *plat);

/*
 * Back to the state hv_host_plat_create returned: every dirty page zeroed,
 * console logs emptied, TLB counters zeroed, RNG reseeded with the current
 * seed. Configuration survives: hooks, echo stream, seed, rng_fail, caps.
 */
void hv_host_plat_reset(struct hv_plat *plat);

/* 4 KiB pages marked dirty since the last reset (saturates at HV_HOST_DIRTY_MAX on overflow). */
uint64_t hv_host_plat_dirty_pages(const struct hv_plat *plat);
/*
 * Whether any 4 KiB page of [ra, ra + len) was marked dirty since the last
 * reset (true after an overflow). Lets checkers skip memory nobody wrote.
 */
bool hv_host_plat_range_dirty(const struct hv_plat *plat, uint64_t ra, uint64_t len);
/*
 * The dirty-page bitmap itself, kept current until the platform is
 * destroyed: bit n (word n / 64, bit n % 64) set = 4 KiB page n was written
 * since the last reset (after an overflow every bit is set). Covers
 * hv_host_plat_dirty_map_pages() pages.
 */
const uint64_t *hv_host_plat_dirty_map(const struct hv_plat *p);
uint64_t hv_host_plat_dirty_map_pages(const struct hv_plat *p);
/* Whether the dirty stack overflowed since the last reset (the reset then madvises the arena). */
bool hv_host_plat_dirty_overflowed(const struct hv_plat *plat);

struct hv_host_stats {
	uint64_t tlb_entry_flushes;
	uint64_t tlb_lpid_flushes;
	uint64_t iotlb_flushes;
	uint64_t console_bytes;   /* bytes plat_console_write received */
	uint64_t console_dropped; /* bytes not kept: dropped oldest, or LPID without a log */
	uint64_t random_calls;
	uint64_t partition_switches; /* plat_thread_run_partition calls */
};
void hv_host_plat_stats(const struct hv_plat *plat, struct hv_host_stats *out);

/* Callbacks for the flushes and partition switches (any may be NULL); hooks is copied, NULL removes them. */
struct hv_host_hooks {
	void (*tlb_flush_entry)(void *ctx, struct hv_plat *plat, uint32_t lpid, uint64_t rb);
	void (*tlb_flush_lpid)(void *ctx, struct hv_plat *plat, uint32_t lpid);
	void (*iotlb_flush)(void *ctx, struct hv_plat *plat, uint32_t lpid, uint32_t liobn, uint64_t ioba);
	void (*thread_run_partition)(void *ctx, struct hv_plat *plat, uint32_t thread, uint32_t lpid);
	void (*thread_idle)(void *ctx, struct hv_plat *plat, uint32_t thread);
	/*
	 * Every plat_mem_dirty: what the core (or whoever drives the platform)
	 * is about to store to [ra, ra + len). The harness judges each store.
	 */
	void (*mem_write)(void *ctx, struct hv_plat *plat, uint64_t ra, uint64_t len);
	/* Every plat_console_write, before it is logged. */
	void (*console_write)(void *ctx, struct hv_plat *plat, uint32_t lpid, const uint8_t *bytes, unsigned len);
};
void hv_host_plat_set_hooks(struct hv_plat *plat, const struct hv_host_hooks *hooks, void *ctx);

/*
 * Copies up to cap bytes of lpid's console log, oldest first (not
 * NUL-terminated); returns the number copied. 0 for an LPID without a log.
 */
size_t hv_host_plat_console(const struct hv_plat *plat, uint32_t lpid, char *buf, size_t cap);
/* Echo every console write to f, each line prefixed "[p<lpid>] "; NULL = no echo. */
void hv_host_plat_echo(struct hv_plat *plat, FILE *f);

/* Seed of plat_random (0 is replaced by the default seed); takes effect now and on every reset. */
void hv_host_plat_seed(struct hv_plat *plat, uint64_t seed);
/* While fail is true plat_random returns false (no entropy: H_HARDWARE paths). */
void hv_host_plat_set_rng_fail(struct hv_plat *plat, bool fail);

/* What plat_caps reports (enum hv_plat_cap); set before hv_machine_init, which reads it once. */
void hv_host_plat_set_caps(struct hv_plat *plat, uint32_t caps);

#endif /* HV_HOST_H */
