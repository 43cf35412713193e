/*
 * Shared by the TCE tests (test_tce_put.c, test_tce_indirect.c,
 * test_tce_window.c): the fixture, window and TCE accessors, the device's
 * view, and the snapshot that checks a failing call changed nothing.
 *
 * Every check is against exact values: the real table the adapter walks,
 * the shadow the partition reads back, the hcall outputs, the IOTLB flush
 * counter of the host platform, and hv_dma_translate (what a device does).
 * Failing calls are checked to change nothing: the window's table and
 * shadow bytes are snapshotted before and compared after.
 */
#ifndef HV_TESTS_TCE_HELPERS_H
#define HV_TESTS_TCE_HELPERS_H

#include "fixture.h"
#include "testlib.h"

#include <string.h>

#define LIOBN_PCI 0x80000000u /* PCI PHB 0, window 0 */
#define LIOBN_VIO 0x00001000u
#define KiB       (1ull << 10)
#define PG        TCE_PAGE_SIZE

/* One fixture per process; a failed test leaves it behind and the next set-up frees it. */
static struct fx F;

/* Last IOTLB flush the platform saw. */
static uint32_t last_flush_liobn;
static uint64_t last_flush_ioba;

static inline void on_iotlb(void *ctx, struct hv_plat *plat, uint32_t lpid, uint32_t liobn, uint64_t ioba)
{
	(void)ctx, (void)plat, (void)lpid;
	last_flush_liobn = liobn;
	last_flush_ioba = ioba;
}

static inline struct fx *setup_cfg(const struct hv_config *cfg)
{
	static const struct hv_host_hooks hooks = { .iotlb_flush = on_iotlb };

	if (F.plat) {
		fx_fini(&F);
	}
	fx_init(&F, cfg, 0);
	hv_host_plat_set_hooks(F.plat, &hooks, 0);
	last_flush_liobn = 0xFFFFFFFFu;
	last_flush_ioba = ~0ull;
	return &F;
}

static inline struct fx *setup(void)
{
	return setup_cfg(0);
}

static inline void teardown(void)
{
	fx_fini(&F);
}

static inline uint64_t iotlb(void)
{
	struct hv_host_stats st;

	hv_host_plat_stats(F.plat, &st);
	return st.iotlb_flushes;
}

static inline struct hv_window *win(uint32_t slot, uint32_t liobn)
{
	struct hv_window *w = hv_window_find(&F.m, slot, liobn);

	CHECK(w);
	return w;
}

static inline uint64_t real_tce(const struct hv_window *w, uint64_t idx)
{
	return hv_ld_be64(F.m.mem + w->table.v + 8 * idx);
}

static inline uint64_t shadow_tce(const struct hv_window *w, uint64_t idx)
{
	return hv_ld_be64(F.m.mem + w->shadow.v + 8 * idx);
}

/* Real address of logical la of slot. */
static inline uint64_t ra_of(uint32_t slot, uint64_t la)
{
	return fx_real(&F, slot, la).v;
}

/* Whether slot owns logical [la, la + 4K). */
static inline bool owns(uint32_t slot, uint64_t la)
{
	hv_raddr_t ra;

	return hv_translate(&F.m, hv_part(&F.m, slot), hv_la(la), PG, &ra);
}

static inline bool dma(uint32_t slot, uint32_t liobn, uint64_t bus, bool write, uint64_t *ra)
{
	hv_raddr_t r = hv_ra(0xDEADBEEFull);
	bool ok = hv_dma_translate(&F.m, slot, liobn, bus, write, &r);

	if (ra) {
		*ra = r.v;
	}
	return ok;
}

/* Table + shadow bytes of a window, and the flush count, before a call that must change nothing. */
struct snap {
	const struct hv_window *w;
	uint64_t n;
	uint64_t flushes;
	uint8_t table[512 * 8];
	uint8_t shadow[512 * 8];
};

static inline void snap_take(struct snap *s, const struct hv_window *w)
{
	CHECK(w->entries <= 512);
	s->w = w;
	s->n = (uint64_t)w->entries * 8;
	s->flushes = iotlb();
	memcpy(s->table, F.m.mem + w->table.v, s->n);
	memcpy(s->shadow, F.m.mem + w->shadow.v, s->n);
}

static inline bool snap_same(const struct snap *s)
{
	return memcmp(s->table, F.m.mem + s->w->table.v, s->n) == 0 &&
	       memcmp(s->shadow, F.m.mem + s->w->shadow.v, s->n) == 0 && iotlb() == s->flushes;
}

/* Writes a TCE list of n entries at logical la of slot. */
static inline void write_list(uint32_t slot, uint64_t la, const uint64_t *tces, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++) {
		fx_write64(&F, slot, la + 8ull * i, tces[i]);
	}
}

#endif /* HV_TESTS_TCE_HELPERS_H */
