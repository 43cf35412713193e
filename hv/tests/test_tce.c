/*
 * TCE (DMA translation) interface: H_PUT_TCE, H_GET_TCE, H_STUFF_TCE,
 * H_PUT_TCE_INDIRECT, window management, and the DLPAR / mobility paths
 * that revoke or retarget TCEs (papr-spec §4, §7.3; DESIGN.md I2, I3, I6,
 * I7, I8, I9).
 *
 * Every check is against exact values: the real table the adapter walks,
 * the shadow the partition reads back, the hcall outputs, the IOTLB flush
 * counter of the host platform, and hv_dma_translate (what a device does).
 * Failing calls are checked to change nothing: the window's table and
 * shadow bytes are snapshotted before and compared after.
 */
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

static void on_iotlb(void *ctx, struct hv_plat *plat, uint32_t lpid, uint32_t liobn, uint64_t ioba)
{
	(void)ctx, (void)plat, (void)lpid;
	last_flush_liobn = liobn;
	last_flush_ioba = ioba;
}

static struct fx *setup_cfg(const struct hv_config *cfg)
{
	static const struct hv_host_hooks hooks = { 0, 0, on_iotlb };

	if (F.plat) {
		fx_fini(&F);
	}
	fx_init(&F, cfg, 0);
	hv_host_plat_set_hooks(F.plat, &hooks, 0);
	last_flush_liobn = 0xFFFFFFFFu;
	last_flush_ioba = ~0ull;
	return &F;
}

static struct fx *setup(void)
{
	return setup_cfg(0);
}

static void teardown(void)
{
	fx_fini(&F);
}

static uint64_t iotlb(void)
{
	struct hv_host_stats st;

	hv_host_plat_stats(F.plat, &st);
	return st.iotlb_flushes;
}

static struct hv_window *win(uint32_t slot, uint32_t liobn)
{
	struct hv_window *w = hv_window_find(&F.m, slot, liobn);

	CHECK(w);
	return w;
}

static uint64_t real_tce(const struct hv_window *w, uint64_t idx)
{
	return hv_ld_be64(F.m.mem + w->table.v + 8 * idx);
}

static uint64_t shadow_tce(const struct hv_window *w, uint64_t idx)
{
	return hv_ld_be64(F.m.mem + w->shadow.v + 8 * idx);
}

/* Real address of logical la of slot. */
static uint64_t ra_of(uint32_t slot, uint64_t la)
{
	return fx_real(&F, slot, la).v;
}

/* Whether slot owns logical [la, la + 4K). */
static bool owns(uint32_t slot, uint64_t la)
{
	hv_raddr_t ra;

	return hv_translate(&F.m, hv_part(&F.m, slot), hv_la(la), PG, &ra);
}

static bool dma(uint32_t slot, uint32_t liobn, uint64_t bus, bool write, uint64_t *ra)
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

static void snap_take(struct snap *s, const struct hv_window *w)
{
	CHECK(w->entries <= 512);
	s->w = w;
	s->n = (uint64_t)w->entries * 8;
	s->flushes = iotlb();
	memcpy(s->table, F.m.mem + w->table.v, s->n);
	memcpy(s->shadow, F.m.mem + w->shadow.v, s->n);
}

static bool snap_same(const struct snap *s)
{
	return memcmp(s->table, F.m.mem + s->w->table.v, s->n) == 0 &&
	       memcmp(s->shadow, F.m.mem + s->w->shadow.v, s->n) == 0 && iotlb() == s->flushes;
}

/* Writes a TCE list of n entries at logical la of slot. */
static void write_list(uint32_t slot, uint64_t la, const uint64_t *tces, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++) {
		fx_write64(&F, slot, la + 8ull * i, tces[i]);
	}
}

/* ------------------------------------------------------------------ */

/* papr-spec Appendix B.4, with logical page 0x1234_5000 really owned by the partition. */
TEST(b4_worked_example)
{
	struct hv_config cfg;
	struct fx *f;
	uint32_t s;
	struct hv_window *w;
	uint64_t ra, la_page = 0x12345000ull, flushes;

	hv_config_default(&cfg);
	cfg.logical_lmbs_max = 2048; /* 512 MiB of logical space with 256 KiB LMBs */
	f = setup_cfg(&cfg);
	s = fx_partition(f, 1);
	CHECK_EQ(hv_dlpar_mem_add(&f->m, s, (uint32_t)(la_page >> f->m.lmb_shift), HV_NIL), HV_OK);
	CHECK_EQ(hv_window_assign(&f->m, s, LIOBN_PCI, 0, 512), HV_OK);
	w = win(s, LIOBN_PCI);

	CHECK_RC(HC(f, s, H_PUT_TCE, LIOBN_PCI, 0x5000, 0x0000000012345003ull), H_SUCCESS);
	CHECK_EQ(real_tce(w, 5), ra_of(s, la_page) | 3);
	CHECK_EQ(shadow_tce(w, 5), 0x0000000012345003ull);
	CHECK_EQ(real_tce(w, 4), 0);
	CHECK_EQ(real_tce(w, 6), 0);
	CHECK_EQ(iotlb(), 0);

	/* The device access at bus 0x5ABC reaches logical 0x1234_5ABC. */
	CHECK(dma(s, LIOBN_PCI, 0x5ABC, false, &ra));
	CHECK_EQ(ra, ra_of(s, 0x12345ABCull));
	CHECK(dma(s, LIOBN_PCI, 0x5ABC, true, &ra));
	CHECK_EQ(ra, ra_of(s, 0x12345ABCull));
	CHECK(hv_real_owner(&f->m, hv_ra(ra)) == (int)s);
	/* A DMA write through the translation is what the partition then reads at the logical address. */
	plat_mem_dirty(f->plat, hv_ra(ra & ~7ull), 8);
	hv_st_be64(f->m.mem + (ra & ~7ull), 0x1122334455667788ull);
	CHECK_EQ(fx_read64(f, s, 0x12345AB8ull), 0x1122334455667788ull);
	/* Neighbouring bus pages are not mapped. */
	CHECK(!dma(s, LIOBN_PCI, 0x4FFF, false, 0));
	CHECK(!dma(s, LIOBN_PCI, 0x6000, false, 0));

	/* Unmap: the device loses the page and the IOTLB is flushed for exactly that entry. */
	CHECK_RC(HC(f, s, H_PUT_TCE, LIOBN_PCI, 0x5000, 0), H_SUCCESS);
	CHECK_EQ(real_tce(w, 5), 0);
	CHECK_EQ(shadow_tce(w, 5), 0);
	CHECK_EQ(iotlb(), 1);
	CHECK_EQ(last_flush_liobn, LIOBN_PCI);
	CHECK_EQ(last_flush_ioba, 0x5000);
	CHECK(!dma(s, LIOBN_PCI, 0x5ABC, false, 0));
	CHECK(!dma(s, LIOBN_PCI, 0x5ABC, true, 0));

	/* Unmapping an entry that grants nothing has nothing to flush. */
	flushes = iotlb();
	CHECK_RC(HC(f, s, H_PUT_TCE, LIOBN_PCI, 0x5000, 0), H_SUCCESS);
	CHECK_EQ(iotlb(), flushes);
	teardown();
}

TEST(get_tce_returns_logical_value)
{
	struct fx *f = setup();
	uint32_t s = fx_partition(f, 4);
	struct hv_window *w;
	uint64_t bus = 0x40000000ull, i;

	CHECK_EQ(hv_window_assign(&f->m, s, LIOBN_VIO, bus, 64), HV_OK);
	w = win(s, LIOBN_VIO);

	/* Never written: 0, and every other output register is 0. */
	CHECK_RC(HC(f, s, H_GET_TCE, LIOBN_VIO, bus + 7 * PG, 0xAAAA, 0xBBBB, 1, 2, 3, 4, 5), H_SUCCESS);
	for (i = 0; i < 9; i++) {
		CHECK_EQ(f->out[i], 0);
	}

	CHECK_RC(HC(f, s, H_PUT_TCE, LIOBN_VIO, bus + 7 * PG, 0x31000 | TCE_RW), H_SUCCESS);
	CHECK_RC(HC(f, s, H_GET_TCE, LIOBN_VIO, bus + 7 * PG), H_SUCCESS);
	CHECK_EQ(f->out[0], 0x31000 | TCE_RW);
	for (i = 1; i < 9; i++) {
		CHECK_EQ(f->out[i], 0);
	}
	/* The real table holds the real page, which differs from the logical one (I6: never shown). */
	CHECK_EQ(real_tce(w, 7), ra_of(s, 0x31000) | TCE_RW);
	CHECK(real_tce(w, 7) != f->out[0]);

	/* A value without permission bits is stored as given (poison); the adapter sees nothing. */
	CHECK_RC(HC(f, s, H_PUT_TCE, LIOBN_VIO, bus + 8 * PG, 0x7FFFFFFFF000ull), H_SUCCESS);
	CHECK_EQ(real_tce(w, 8), 0);
	CHECK_EQ(shadow_tce(w, 8), 0x7FFFFFFFF000ull);
	CHECK_RC(HC(f, s, H_GET_TCE, LIOBN_VIO, bus + 8 * PG), H_SUCCESS);
	CHECK_EQ(f->out[0], 0x7FFFFFFFF000ull);
	CHECK(!dma(s, LIOBN_VIO, bus + 8 * PG, false, 0));
	CHECK(!dma(s, LIOBN_VIO, bus + 8 * PG, true, 0));

	/* First and last entries of the window. */
	CHECK_RC(HC(f, s, H_PUT_TCE, LIOBN_VIO, bus, 0x1000 | TCE_READ), H_SUCCESS);
	CHECK_RC(HC(f, s, H_PUT_TCE, LIOBN_VIO, bus + 63 * PG, 0xFF000 | TCE_WRITE), H_SUCCESS);
	CHECK_RC(HC(f, s, H_GET_TCE, LIOBN_VIO, bus), H_SUCCESS);
	CHECK_EQ(f->out[0], 0x1000 | TCE_READ);
	CHECK_RC(HC(f, s, H_GET_TCE, LIOBN_VIO, bus + 63 * PG), H_SUCCESS);
	CHECK_EQ(f->out[0], 0xFF000 | TCE_WRITE);
	CHECK_EQ(real_tce(w, 0), ra_of(s, 0x1000) | TCE_READ);
	CHECK_EQ(real_tce(w, 63), ra_of(s, 0xFF000) | TCE_WRITE);
	CHECK_EQ(iotlb(), 0);
	teardown();
}

/* ioba checks for all four calls: alignment, below the window, at its end, far outside. */
TEST(ioba_out_of_window_rejected)
{
	struct fx *f = setup();
	uint32_t s = fx_partition(f, 2);
	struct hv_window *w;
	struct snap sn;
	const uint64_t bus = 0x100000ull, n = 16;
	const uint64_t bad[] = {
		bus + 8,                 /* misaligned */
		bus + 0x800,             /* misaligned */
		bus + 5 * PG + 1,        /* misaligned */
		bus - PG,                /* just below the window */
		0,                       /* far below */
		bus + n * PG,            /* exactly the window end */
		bus + (n + 1) * PG,      /* past it */
		1ull << 63,
		0xFFFFFFFFFFFFF000ull,   /* the last page of the bus space: no wrap back into the window */
		bus + n * PG - 1,        /* misaligned inside the last entry */
	};
	unsigned i;

	CHECK_EQ(hv_window_assign(&f->m, s, LIOBN_VIO, bus, (uint32_t)n), HV_OK);
	w = win(s, LIOBN_VIO);
	CHECK_RC(HC(f, s, H_PUT_TCE, LIOBN_VIO, bus + 3 * PG, 0x2000 | TCE_RW), H_SUCCESS);
	CHECK_RC(HC(f, s, H_PUT_TCE, LIOBN_VIO, bus + (n - 1) * PG, 0x3000 | TCE_RW), H_SUCCESS);
	fx_write64(f, s, 0x10000, 0x4000 | TCE_RW); /* a valid one-entry list */

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snap_take(&sn, w);
		CHECK_RC(HC(f, s, H_PUT_TCE, LIOBN_VIO, bad[i], 0x5000 | TCE_RW), H_PARAMETER);
		CHECK(snap_same(&sn));
		CHECK_RC(HC(f, s, H_GET_TCE, LIOBN_VIO, bad[i]), H_PARAMETER);
		CHECK_EQ(f->out[0], 0);
		CHECK_RC(HC(f, s, H_STUFF_TCE, LIOBN_VIO, bad[i], 0, 1), H_PARAMETER);
		CHECK(snap_same(&sn));
		CHECK_RC(HC(f, s, H_PUT_TCE_INDIRECT, LIOBN_VIO, bad[i], 0x10000, 1), H_PARAMETER);
		CHECK(snap_same(&sn));
	}
	/* The device view outside the window is empty too. */
	CHECK(!dma(s, LIOBN_VIO, bus - 1, false, 0));
	CHECK(!dma(s, LIOBN_VIO, bus + n * PG, false, 0));
	CHECK(!dma(s, LIOBN_VIO, ~0ull, false, 0));

	/* The last entry is reachable; one past it is not. */
	CHECK_RC(HC(f, s, H_GET_TCE, LIOBN_VIO, bus + (n - 1) * PG), H_SUCCESS);
	CHECK_EQ(f->out[0], 0x3000 | TCE_RW);
	CHECK_EQ(real_tce(w, 3), ra_of(s, 0x2000) | TCE_RW);
	teardown();
}

/* I8: a LIOBN resolves only inside the calling partition. */
TEST(foreign_liobn_rejected)
{
	struct fx *f = setup();
	uint32_t a = fx_partition(f, 2), b = fx_partition(f, 2);
	struct hv_window *wa;
	struct snap sn;
	uint64_t ra;

	CHECK_EQ(hv_window_assign(&f->m, a, LIOBN_PCI, 0, 32), HV_OK);
	CHECK_EQ(hv_window_assign(&f->m, b, LIOBN_VIO, 0, 32), HV_OK);
	wa = win(a, LIOBN_PCI);
	CHECK(hv_window_find(&f->m, b, LIOBN_PCI) == 0);
	CHECK_RC(HC(f, a, H_PUT_TCE, LIOBN_PCI, 2 * PG, 0x3000 | TCE_RW), H_SUCCESS);
	fx_write64(f, b, 0x8000, 0x1000 | TCE_RW);

	snap_take(&sn, wa);
	CHECK_RC(HC(f, b, H_PUT_TCE, LIOBN_PCI, 2 * PG, 0x1000 | TCE_RW), H_PARAMETER);
	CHECK(snap_same(&sn));
	CHECK_RC(HC(f, b, H_PUT_TCE, LIOBN_PCI, 3 * PG, 0), H_PARAMETER);
	CHECK(snap_same(&sn));
	CHECK_RC(HC(f, b, H_GET_TCE, LIOBN_PCI, 2 * PG), H_PARAMETER);
	CHECK_EQ(f->out[0], 0); /* nothing of a leaks */
	CHECK_RC(HC(f, b, H_STUFF_TCE, LIOBN_PCI, 0, 0, 32), H_PARAMETER);
	CHECK(snap_same(&sn));
	CHECK_RC(HC(f, b, H_PUT_TCE_INDIRECT, LIOBN_PCI, 2 * PG, 0x8000, 1), H_PARAMETER);
	CHECK(snap_same(&sn));

	/* a's mapping still works for a's device; b's device cannot use a's LIOBN. */
	CHECK(dma(a, LIOBN_PCI, 2 * PG + 0x10, true, &ra));
	CHECK_EQ(ra, ra_of(a, 0x3010));
	CHECK(!dma(b, LIOBN_PCI, 2 * PG, false, 0));
	/* A LIOBN nobody has. */
	CHECK_RC(HC(f, a, H_PUT_TCE, 0x1234, 0, 0), H_PARAMETER);
	CHECK_RC(HC(f, a, H_GET_TCE, 0xFFFFFFFFull, 0), H_PARAMETER);
	teardown();
}

/* Two partitions may use the same LIOBN number: each names its own window. */
TEST(same_liobn_in_two_partitions_is_separate)
{
	struct fx *f = setup();
	uint32_t a = fx_partition(f, 2), b = fx_partition(f, 2);
	struct hv_window *wa, *wb;
	uint64_t ra;

	CHECK_EQ(hv_window_assign(&f->m, a, LIOBN_VIO, 0, 16), HV_OK);
	CHECK_EQ(hv_window_assign(&f->m, b, LIOBN_VIO, 0, 16), HV_OK);
	wa = win(a, LIOBN_VIO);
	wb = win(b, LIOBN_VIO);
	CHECK(wa != wb);
	CHECK(wa->table.v != wb->table.v);

	CHECK_RC(HC(f, a, H_PUT_TCE, LIOBN_VIO, PG, 0x5000 | TCE_RW), H_SUCCESS);
	CHECK_RC(HC(f, b, H_PUT_TCE, LIOBN_VIO, PG, 0x6000 | TCE_READ), H_SUCCESS);
	CHECK_EQ(real_tce(wa, 1), ra_of(a, 0x5000) | TCE_RW);
	CHECK_EQ(real_tce(wb, 1), ra_of(b, 0x6000) | TCE_READ);
	CHECK_RC(HC(f, a, H_GET_TCE, LIOBN_VIO, PG), H_SUCCESS);
	CHECK_EQ(f->out[0], 0x5000 | TCE_RW);
	CHECK_RC(HC(f, b, H_GET_TCE, LIOBN_VIO, PG), H_SUCCESS);
	CHECK_EQ(f->out[0], 0x6000 | TCE_READ);
	CHECK(dma(a, LIOBN_VIO, PG, true, &ra));
	CHECK_EQ(ra, ra_of(a, 0x5000));
	CHECK(!dma(b, LIOBN_VIO, PG, true, 0));
	CHECK(dma(b, LIOBN_VIO, PG, false, &ra));
	CHECK_EQ(ra, ra_of(b, 0x6000));

	/* b clearing its window leaves a's alone. */
	CHECK_RC(HC(f, b, H_STUFF_TCE, LIOBN_VIO, 0, 0, 16), H_SUCCESS);
	CHECK_EQ(real_tce(wb, 1), 0);
	CHECK_EQ(real_tce(wa, 1), ra_of(a, 0x5000) | TCE_RW);
	CHECK_EQ(shadow_tce(wa, 1), 0x5000 | TCE_RW);
	teardown();
}

/* A LIOBN argument with bits above 31 must not be truncated onto a real LIOBN. */
TEST(liobn_high_bits_rejected)
{
	struct fx *f = setup();
	uint32_t s = fx_partition(f, 2);
	struct hv_window *w;
	struct snap sn;
	const uint64_t bad[] = { 0x180000000ull, 0xFFFFFFFF80000000ull, (1ull << 63) | LIOBN_PCI, (1ull << 32) | LIOBN_PCI };
	unsigned i;

	CHECK_EQ(hv_window_assign(&f->m, s, LIOBN_PCI, 0, 16), HV_OK);
	w = win(s, LIOBN_PCI);
	CHECK_RC(HC(f, s, H_PUT_TCE, LIOBN_PCI, 0, 0x1000 | TCE_RW), H_SUCCESS);
	fx_write64(f, s, 0x8000, 0x2000 | TCE_RW);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snap_take(&sn, w);
		CHECK_RC(HC(f, s, H_PUT_TCE, bad[i], PG, 0x2000 | TCE_RW), H_PARAMETER);
		CHECK_RC(HC(f, s, H_PUT_TCE, bad[i], 0, 0), H_PARAMETER);
		CHECK_RC(HC(f, s, H_GET_TCE, bad[i], 0), H_PARAMETER);
		CHECK_EQ(f->out[0], 0);
		CHECK_RC(HC(f, s, H_STUFF_TCE, bad[i], 0, 0, 16), H_PARAMETER);
		CHECK_RC(HC(f, s, H_PUT_TCE_INDIRECT, bad[i], PG, 0x8000, 1), H_PARAMETER);
		CHECK(snap_same(&sn));
	}
	CHECK_RC(HC(f, s, H_GET_TCE, LIOBN_PCI, 0), H_SUCCESS);
	CHECK_EQ(f->out[0], 0x1000 | TCE_RW);
	teardown();
}

/* I2/I3: a TCE granting access must name a page the caller owns, never hypervisor memory. */
TEST(tce_to_hypervisor_memory_rejected)
{
	struct fx *f = setup();
	uint32_t s = fx_partition(f, 0);
	struct hv_window *w;
	struct snap sn;
	uint64_t perms[] = { TCE_READ, TCE_WRITE, TCE_RW };
	uint64_t targets[4];
	unsigned i, j;

	/* Logical LMBs 1 and 2 only: logical 0 .. 256 KiB (where the real hypervisor lives) is not ours. */
	CHECK_EQ(hv_dlpar_mem_add(&f->m, s, 1, HV_NIL), HV_OK);
	CHECK_EQ(hv_dlpar_mem_add(&f->m, s, 2, HV_NIL), HV_OK);
	CHECK_EQ(hv_window_assign(&f->m, s, LIOBN_VIO, 0, 32), HV_OK);
	w = win(s, LIOBN_VIO);
	CHECK(w->table.v < f->m.hv_bytes); /* the table lies in the hypervisor region */
	CHECK(hv_real_owner(&f->m, hv_ra(0x10000)) == -2);
	CHECK(hv_real_owner(&f->m, w->table) == -2);

	targets[0] = 0x10000;                     /* the real hypervisor region's start, as a logical address */
	targets[1] = 0;                           /* logical page 0 */
	targets[2] = w->table.v & ~(PG - 1);      /* the TCE table's own real address */
	targets[3] = f->m.part_table.v;           /* the partition table's real address */
	for (i = 0; i < 4; i++) {
		CHECK(!owns(s, targets[i]));
	}
	for (i = 0; i < 4; i++) {
		for (j = 0; j < 3; j++) {
			snap_take(&sn, w);
			CHECK_RC(HC(f, s, H_PUT_TCE, LIOBN_VIO, 4 * PG, targets[i] | perms[j]), H_PARAMETER);
			CHECK(snap_same(&sn));
		}
	}
	CHECK(!dma(s, LIOBN_VIO, 4 * PG, false, 0));

	/* Logical 0x50000 is ours: the real page behind it belongs to the partition, not the hypervisor. */
	CHECK_RC(HC(f, s, H_PUT_TCE, LIOBN_VIO, 4 * PG, 0x50000 | TCE_RW), H_SUCCESS);
	CHECK_EQ(real_tce(w, 4), ra_of(s, 0x50000) | TCE_RW);
	CHECK(ra_of(s, 0x50000) >= f->m.hv_bytes);
	CHECK(hv_real_owner(&f->m, hv_ra(ra_of(s, 0x50000))) == (int)s);
	teardown();
}

TEST(tce_beyond_partition_memory_rejected)
{
	struct fx *f = setup();
	uint32_t s = fx_partition(f, 2), other = fx_partition(f, 2);
	struct hv_window *w;
	struct snap sn;
	const uint64_t lmb = f->m.cfg.lmb_size;
	const uint64_t bad[] = {
		2 * lmb,                                    /* first page after its LMBs */
		2 * lmb + 0x3000,
		(uint64_t)f->m.cfg.logical_lmbs_max * lmb,  /* beyond the logical space */
		(uint64_t)f->m.cfg.logical_lmbs_max * lmb - PG,
		0x0000FFFFFFFFF000ull,
		0xFFFFFFFFFFFFF000ull,                      /* [la, la + 4K) wraps */
		0x8000000000000000ull,
		0, /* filled in: the real address of the other partition's page, as a logical address */
	};
	uint64_t bad2[sizeof(bad) / sizeof(bad[0])];
	unsigned i;

	memcpy(bad2, bad, sizeof(bad));
	bad2[7] = ra_of(other, 0x1000);
	CHECK_EQ(hv_window_assign(&f->m, s, LIOBN_VIO, 0, 32), HV_OK);
	w = win(s, LIOBN_VIO);
	for (i = 0; i < sizeof(bad2) / sizeof(bad2[0]); i++) {
		CHECK(!owns(s, bad2[i]));
		snap_take(&sn, w);
		CHECK_RC(HC(f, s, H_PUT_TCE, LIOBN_VIO, PG, bad2[i] | TCE_READ), H_PARAMETER);
		CHECK_RC(HC(f, s, H_PUT_TCE, LIOBN_VIO, PG, bad2[i] | TCE_WRITE), H_PARAMETER);
		CHECK_RC(HC(f, s, H_PUT_TCE, LIOBN_VIO, PG, bad2[i] | TCE_RW), H_PARAMETER);
		CHECK(snap_same(&sn));
	}
	/* The last page it owns is fine. */
	CHECK_RC(HC(f, s, H_PUT_TCE, LIOBN_VIO, PG, (2 * lmb - PG) | TCE_RW), H_SUCCESS);
	CHECK_EQ(real_tce(w, 1), ra_of(s, 2 * lmb - PG) | TCE_RW);
	/* Without permission bits nothing is translated: an unowned address is stored as poison. */
	CHECK_RC(HC(f, s, H_PUT_TCE, LIOBN_VIO, 2 * PG, 0xFFFFFFFFFFFFF000ull), H_SUCCESS);
	CHECK_EQ(real_tce(w, 2), 0);
	CHECK_EQ(shadow_tce(w, 2), 0xFFFFFFFFFFFFF000ull);
	CHECK(!dma(s, LIOBN_VIO, 2 * PG, false, 0));
	teardown();
}

TEST(tce_reserved_bits_rejected)
{
	struct fx *f = setup();
	uint32_t s = fx_partition(f, 2);
	struct hv_window *w;
	struct snap sn;
	const uint64_t res[] = { 0x004, 0x008, 0x010, 0x100, 0x400, 0x800, 0xFFC };
	const uint64_t perms[] = { 0, TCE_READ, TCE_WRITE, TCE_RW };
	unsigned i, j;

	CHECK_EQ(hv_window_assign(&f->m, s, LIOBN_VIO, 0, 8), HV_OK);
	w = win(s, LIOBN_VIO);
	CHECK_RC(HC(f, s, H_PUT_TCE, LIOBN_VIO, 3 * PG, 0x7000 | TCE_RW), H_SUCCESS);
	for (i = 0; i < sizeof(res) / sizeof(res[0]); i++) {
		for (j = 0; j < 4; j++) {
			snap_take(&sn, w);
			CHECK_RC(HC(f, s, H_PUT_TCE, LIOBN_VIO, 3 * PG, 0x8000 | res[i] | perms[j]), H_PARAMETER);
			CHECK(snap_same(&sn));
		}
		/* H_STUFF_TCE refuses them too (it only clears or poisons with a valid value). */
		CHECK_RC(HC(f, s, H_STUFF_TCE, LIOBN_VIO, 0, 0x8000 | res[i], 8), H_PARAMETER);
		CHECK(snap_same(&sn));
	}
	CHECK_EQ(real_tce(w, 3), ra_of(s, 0x7000) | TCE_RW);
	CHECK_EQ(shadow_tce(w, 3), 0x7000 | TCE_RW);
	teardown();
}

/* hv_dma_translate honours the direction bits; weakening a mapping flushes the IOTLB (I9). */
TEST(direction_honoured_by_device)
{
	struct fx *f = setup();
	uint32_t s = fx_partition(f, 2);
	struct hv_window *w;
	const uint64_t bus = 0x2000000ull;
	uint64_t ra;

	CHECK_EQ(hv_window_assign(&f->m, s, LIOBN_PCI, bus, 8), HV_OK);
	w = win(s, LIOBN_PCI);
	CHECK_RC(HC(f, s, H_PUT_TCE, LIOBN_PCI, bus + 0 * PG, 0x1000 | TCE_READ), H_SUCCESS);
	CHECK_RC(HC(f, s, H_PUT_TCE, LIOBN_PCI, bus + 1 * PG, 0x2000 | TCE_WRITE), H_SUCCESS);
	CHECK_RC(HC(f, s, H_PUT_TCE, LIOBN_PCI, bus + 2 * PG, 0x3000 | TCE_RW), H_SUCCESS);
	CHECK_EQ(real_tce(w, 0), ra_of(s, 0x1000) | TCE_READ);
	CHECK_EQ(real_tce(w, 1), ra_of(s, 0x2000) | TCE_WRITE);
	CHECK_EQ(real_tce(w, 2), ra_of(s, 0x3000) | TCE_RW);

	/* Read-only: the device may read memory (DMA to device), not write it. */
	CHECK(dma(s, LIOBN_PCI, bus + 0x123, false, &ra));
	CHECK_EQ(ra, ra_of(s, 0x1123));
	CHECK(!dma(s, LIOBN_PCI, bus + 0x123, true, 0));
	/* Write-only. */
	CHECK(dma(s, LIOBN_PCI, bus + PG + 0xFF8, true, &ra));
	CHECK_EQ(ra, ra_of(s, 0x2FF8));
	CHECK(!dma(s, LIOBN_PCI, bus + PG + 0xFF8, false, 0));
	/* Both. */
	CHECK(dma(s, LIOBN_PCI, bus + 2 * PG, true, &ra));
	CHECK_EQ(ra, ra_of(s, 0x3000));
	CHECK(dma(s, LIOBN_PCI, bus + 3 * PG - 1, false, &ra));
	CHECK_EQ(ra, ra_of(s, 0x3FFF));
	CHECK_EQ(iotlb(), 0);

	/* RW -> read-only: the write permission must not survive in an IOTLB. */
	CHECK_RC(HC(f, s, H_PUT_TCE, LIOBN_PCI, bus + 2 * PG, 0x3000 | TCE_READ), H_SUCCESS);
	CHECK_EQ(iotlb(), 1);
	CHECK_EQ(last_flush_liobn, LIOBN_PCI);
	CHECK_EQ(last_flush_ioba, bus + 2 * PG);
	CHECK(!dma(s, LIOBN_PCI, bus + 2 * PG, true, 0));
	CHECK(dma(s, LIOBN_PCI, bus + 2 * PG, false, 0));
	/* Retarget a read-only entry to another page: flushed too. */
	CHECK_RC(HC(f, s, H_PUT_TCE, LIOBN_PCI, bus, 0x9000 | TCE_READ), H_SUCCESS);
	CHECK_EQ(iotlb(), 2);
	CHECK_EQ(last_flush_ioba, bus);
	CHECK(dma(s, LIOBN_PCI, bus + 8, false, &ra));
	CHECK_EQ(ra, ra_of(s, 0x9008));
	/* Poisoning a write-only entry: flushed. */
	CHECK_RC(HC(f, s, H_PUT_TCE, LIOBN_PCI, bus + PG, 0xABC000), H_SUCCESS);
	CHECK_EQ(iotlb(), 3);
	CHECK_EQ(last_flush_ioba, bus + PG);
	CHECK(!dma(s, LIOBN_PCI, bus + PG, true, 0));
	/* Mapping over an empty / poisoned entry: nothing to flush. */
	CHECK_RC(HC(f, s, H_PUT_TCE, LIOBN_PCI, bus + PG, 0x2000 | TCE_RW), H_SUCCESS);
	CHECK_RC(HC(f, s, H_PUT_TCE, LIOBN_PCI, bus + 5 * PG, 0x2000 | TCE_RW), H_SUCCESS);
	CHECK_EQ(iotlb(), 3);
	teardown();
}

TEST(stuff_tce_clears_run)
{
	struct fx *f = setup();
	uint32_t s = fx_partition(f, 2);
	struct hv_window *w;
	const uint64_t bus = 0x10000ull;
	uint64_t i;

	CHECK_EQ(hv_window_assign(&f->m, s, LIOBN_VIO, bus, 16), HV_OK);
	w = win(s, LIOBN_VIO);
	/* Entries 0..9: even ones RW, odd ones poisoned. */
	for (i = 0; i < 10; i++) {
		uint64_t v = (i & 1) ? (0xF00000 + i * PG) : ((0x1000 + i * PG) | TCE_RW);

		CHECK_RC(HC(f, s, H_PUT_TCE, LIOBN_VIO, bus + i * PG, v), H_SUCCESS);
	}
	CHECK_EQ(iotlb(), 0);

	/* Clear entries 3..7: RW ones among them are 4 and 6. */
	CHECK_RC(HC(f, s, H_STUFF_TCE, LIOBN_VIO, bus + 3 * PG, 0, 5), H_SUCCESS);
	CHECK_EQ(iotlb(), 2);
	for (i = 0; i < 16; i++) {
		if (i >= 3 && i <= 7) {
			CHECK_EQ(real_tce(w, i), 0);
			CHECK_EQ(shadow_tce(w, i), 0);
			CHECK(!dma(s, LIOBN_VIO, bus + i * PG, false, 0));
		} else if (i < 10) {
			uint64_t v = (i & 1) ? (0xF00000 + i * PG) : ((0x1000 + i * PG) | TCE_RW);

			CHECK_EQ(shadow_tce(w, i), v);
			CHECK_EQ(real_tce(w, i), (i & 1) ? 0 : (ra_of(s, 0x1000 + i * PG) | TCE_RW));
		} else {
			CHECK_EQ(real_tce(w, i), 0);
			CHECK_EQ(shadow_tce(w, i), 0);
		}
	}

	/* Poison the whole window with a value without permission bits: stored, never reachable. */
	CHECK_RC(HC(f, s, H_STUFF_TCE, LIOBN_VIO, bus, 0x7777000, 16), H_SUCCESS);
	CHECK_EQ(iotlb(), 5); /* entries 0, 2, 8 still had RW */
	for (i = 0; i < 16; i++) {
		CHECK_EQ(real_tce(w, i), 0);
		CHECK_EQ(shadow_tce(w, i), 0x7777000);
	}
	CHECK_RC(HC(f, s, H_GET_TCE, LIOBN_VIO, bus + 15 * PG), H_SUCCESS);
	CHECK_EQ(f->out[0], 0x7777000);

	/* The last entry alone. */
	CHECK_RC(HC(f, s, H_STUFF_TCE, LIOBN_VIO, bus + 15 * PG, 0, 1), H_SUCCESS);
	CHECK_EQ(shadow_tce(w, 15), 0);
	CHECK_EQ(shadow_tce(w, 14), 0x7777000);
	CHECK_EQ(iotlb(), 5);
	teardown();
}

TEST(stuff_tce_bad_count_and_value_rejected)
{
	struct fx *f = setup();
	uint32_t s = fx_partition(f, 2);
	struct hv_window *w;
	struct snap sn;
	const uint64_t bus = 0x10000ull, n = 16;
	struct {
		uint64_t ioba, value, count;
	} bad[] = {
		{ bus, 0, 1ull << 63 },
		{ bus, 0, ~0ull },
		{ bus + PG, 0, ~0ull },                   /* idx + count wraps to 0 */
		{ bus + 5 * PG, 0, (~0ull) - 4 },         /* idx + count wraps to a small number */
		{ bus, 0, n + 1 },
		{ bus + (n - 1) * PG, 0, 2 },              /* ioba + count past the end */
		{ bus + 8 * PG, 0, 9 },
		{ bus + n * PG, 0, 1 },
		{ bus, TCE_READ, 1 },                     /* values with permission bits */
		{ bus, TCE_WRITE, 1 },
		{ bus, 0x5000 | TCE_RW, 4 },
		{ bus, 0x5000 | TCE_READ, 4 },
		{ bus, 0x5000 | 0x800, 4 },               /* reserved bit */
	};
	unsigned i;

	CHECK_EQ(hv_window_assign(&f->m, s, LIOBN_VIO, bus, (uint32_t)n), HV_OK);
	w = win(s, LIOBN_VIO);
	CHECK_RC(HC(f, s, H_PUT_TCE, LIOBN_VIO, bus, 0x1000 | TCE_RW), H_SUCCESS);
	CHECK_RC(HC(f, s, H_PUT_TCE, LIOBN_VIO, bus + (n - 1) * PG, 0x2000 | TCE_RW), H_SUCCESS);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snap_take(&sn, w);
		CHECK_RC(HC(f, s, H_STUFF_TCE, LIOBN_VIO, bad[i].ioba, bad[i].value, bad[i].count), H_PARAMETER);
		CHECK(snap_same(&sn));
	}
	CHECK_EQ(real_tce(w, 0), ra_of(s, 0x1000) | TCE_RW);
	CHECK_EQ(real_tce(w, n - 1), ra_of(s, 0x2000) | TCE_RW);

	/* The whole window exactly, and count 0 (an empty run: succeeds, changes nothing). */
	snap_take(&sn, w);
	CHECK_RC(HC(f, s, H_STUFF_TCE, LIOBN_VIO, bus + 4 * PG, 0, 0), H_SUCCESS);
	CHECK(snap_same(&sn));
	CHECK_RC(HC(f, s, H_STUFF_TCE, LIOBN_VIO, bus, 0, n), H_SUCCESS);
	CHECK_EQ(iotlb(), sn.flushes + 2);
	CHECK_EQ(real_tce(w, 0), 0);
	CHECK_EQ(real_tce(w, n - 1), 0);
	teardown();
}

/* A partition with 16 LMBs (4 MiB) and a 512-entry window: a full list page. */
TEST(put_tce_indirect_512_entries)
{
	struct fx *f = setup();
	uint32_t s = fx_partition(f, 16);
	struct hv_window *w;
	const uint64_t bus = 0x80000000ull, list = 0x3000;
	static uint64_t tces[512];
	uint64_t i, ra;

	CHECK_EQ(hv_window_assign(&f->m, s, LIOBN_PCI, bus, 512), HV_OK);
	w = win(s, LIOBN_PCI);
	for (i = 0; i < 512; i++) {
		tces[i] = (0x100000 + i * PG) | (i % 4); /* none, R, W, RW in turn */
	}
	tces[100] = 0xDEAD0000ull; /* poison */
	write_list(s, list, tces, 512);

	CHECK_RC(HC(f, s, H_PUT_TCE_INDIRECT, LIOBN_PCI, bus, list, 512), H_SUCCESS);
	for (i = 0; i < 9; i++) {
		CHECK_EQ(f->out[i], 0);
	}
	CHECK_EQ(iotlb(), 0);
	for (i = 0; i < 512; i++) {
		CHECK_EQ(shadow_tce(w, i), tces[i]);
		CHECK_EQ(real_tce(w, i), (tces[i] & TCE_RW) ? (ra_of(s, tces[i] & ~(PG - 1)) | (tces[i] & TCE_RW)) : 0);
		/* The list itself is untouched. */
		CHECK_EQ(fx_read64(f, s, list + 8 * i), tces[i]);
	}
	CHECK(dma(s, LIOBN_PCI, bus + 511 * PG + 0x10, true, &ra));
	CHECK_EQ(ra, ra_of(s, 0x100000 + 511 * PG + 0x10));
	CHECK(!dma(s, LIOBN_PCI, bus + 100 * PG, false, 0));
	CHECK(!dma(s, LIOBN_PCI, bus + 101 * PG, true, 0)); /* i % 4 == 1: read-only */
	CHECK(dma(s, LIOBN_PCI, bus + 101 * PG, false, 0));

	/* Again over the same range with everything cleared: one flush per entry that had R or W. */
	for (i = 0; i < 512; i++) {
		tces[i] = 0;
	}
	write_list(s, list, tces, 512);
	CHECK_RC(HC(f, s, H_PUT_TCE_INDIRECT, LIOBN_PCI, bus, list, 512), H_SUCCESS);
	CHECK_EQ(iotlb(), 384);
	for (i = 0; i < 512; i++) {
		CHECK_EQ(real_tce(w, i), 0);
		CHECK_EQ(shadow_tce(w, i), 0);
	}
	teardown();
}

TEST(put_tce_indirect_bad_list_rejected)
{
	struct fx *f = setup();
	uint32_t s = fx_partition(f, 4), other = fx_partition(f, 2);
	struct hv_window *w;
	struct snap sn;
	const uint64_t bus = 0x100000ull;
	uint64_t tces[4] = { 0x1000 | TCE_RW, 0x2000 | TCE_RW, 0x3000 | TCE_RW, 0x4000 | TCE_RW };
	uint64_t foreign_la = 0x2000, foreign_ra;
	struct {
		uint64_t ioba, list, count;
	} bad[] = {
		{ bus, 0x8000, 513 },
		{ bus, 0x8000, 1ull << 63 },
		{ bus, 0x8000, ~0ull },
		{ bus, 0x8008, 4 },                      /* list misaligned */
		{ bus, 0x8800, 1 },
		{ bus, 0x8FF8, 1 },
		{ bus, 4 * 256 * KiB, 4 },               /* list past the partition's LMBs */
		{ bus, 0xFFFFFFFFFFFFF000ull, 4 },
		{ bus, 0, 4 },                           /* filled in: the other partition's list page */
		{ bus + 15 * PG, 0x8000, 2 },            /* ioba + count past the end */
		{ bus + 16 * PG, 0x8000, 1 },
		{ bus - PG, 0x8000, 1 },
		{ bus + 0x10, 0x8000, 1 },
	};
	unsigned i;

	CHECK_EQ(hv_window_assign(&f->m, s, LIOBN_PCI, bus, 16), HV_OK);
	w = win(s, LIOBN_PCI);
	CHECK_RC(HC(f, s, H_PUT_TCE, LIOBN_PCI, bus, 0x9000 | TCE_RW), H_SUCCESS);
	write_list(s, 0x8000, tces, 4);
	/* The other partition holds a valid-looking list; s names it by its real address. */
	write_list(other, foreign_la, tces, 4);
	foreign_ra = ra_of(other, foreign_la);
	CHECK(!owns(s, foreign_ra));
	bad[8].list = foreign_ra;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snap_take(&sn, w);
		CHECK_RC(HC(f, s, H_PUT_TCE_INDIRECT, LIOBN_PCI, bad[i].ioba, bad[i].list, bad[i].count), H_PARAMETER);
		CHECK(snap_same(&sn));
	}
	/* The other partition's page is untouched. */
	for (i = 0; i < 4; i++) {
		CHECK_EQ(fx_read64(f, other, foreign_la + 8 * i), tces[i]);
	}
	CHECK_EQ(real_tce(w, 0), ra_of(s, 0x9000) | TCE_RW);
	/* The same list from the right place works. */
	CHECK_RC(HC(f, s, H_PUT_TCE_INDIRECT, LIOBN_PCI, bus + 12 * PG, 0x8000, 4), H_SUCCESS);
	CHECK_EQ(real_tce(w, 12), ra_of(s, 0x1000) | TCE_RW);
	CHECK_EQ(real_tce(w, 15), ra_of(s, 0x4000) | TCE_RW);
	teardown();
}

/* Validate everything first: one bad entry anywhere and nothing is applied (no flush either). */
TEST(put_tce_indirect_bad_entry_applies_nothing)
{
	struct fx *f = setup();
	uint32_t s = fx_partition(f, 2);
	struct hv_window *w;
	struct snap sn;
	const uint64_t list = 0x20000;
	const uint64_t poison[] = {
		0x5000 | 0x004 | TCE_RW,     /* reserved bit */
		0x5000 | 0x800,              /* reserved bit without permissions */
		0x80000 | TCE_READ,          /* beyond its LMBs */
		0x10000000 | TCE_WRITE,      /* beyond the logical space */
		0xFFFFFFFFFFFFF000ull | TCE_RW,
	};
	const unsigned where[] = { 0, 3, 4, 7 };
	uint64_t tces[8];
	unsigned i, j, k;

	CHECK_EQ(hv_window_assign(&f->m, s, LIOBN_VIO, 0, 16), HV_OK);
	w = win(s, LIOBN_VIO);
	/* Entries 2..9 are mapped RW now: a partial apply would both change them and flush. */
	for (i = 2; i < 10; i++) {
		CHECK_RC(HC(f, s, H_PUT_TCE, LIOBN_VIO, i * PG, (0x30000 + i * PG) | TCE_RW), H_SUCCESS);
	}
	for (j = 0; j < sizeof(poison) / sizeof(poison[0]); j++) {
		for (k = 0; k < sizeof(where) / sizeof(where[0]); k++) {
			for (i = 0; i < 8; i++) {
				tces[i] = (0x1000 + i * PG) | TCE_RW;
			}
			tces[where[k]] = poison[j];
			write_list(s, list, tces, 8);
			snap_take(&sn, w);
			CHECK_RC(HC(f, s, H_PUT_TCE_INDIRECT, LIOBN_VIO, 2 * PG, list, 8), H_PARAMETER);
			CHECK(snap_same(&sn));
		}
	}
	for (i = 2; i < 10; i++) {
		CHECK_EQ(shadow_tce(w, i), (0x30000 + i * PG) | TCE_RW);
		CHECK_EQ(real_tce(w, i), ra_of(s, 0x30000 + i * PG) | TCE_RW);
	}
	/* Fixing the entry makes the same call succeed, with one flush per replaced RW entry. */
	for (i = 0; i < 8; i++) {
		tces[i] = (0x1000 + i * PG) | TCE_RW;
	}
	write_list(s, list, tces, 8);
	CHECK_RC(HC(f, s, H_PUT_TCE_INDIRECT, LIOBN_VIO, 2 * PG, list, 8), H_SUCCESS);
	CHECK_EQ(iotlb(), 8);
	for (i = 0; i < 8; i++) {
		CHECK_EQ(real_tce(w, 2 + i), ra_of(s, 0x1000 + i * PG) | TCE_RW);
	}
	teardown();
}

TEST(put_tce_indirect_count_zero)
{
	struct fx *f = setup();
	uint32_t s = fx_partition(f, 2);
	struct hv_window *w;
	struct snap sn;

	CHECK_EQ(hv_window_assign(&f->m, s, LIOBN_VIO, 0, 8), HV_OK);
	w = win(s, LIOBN_VIO);
	CHECK_RC(HC(f, s, H_PUT_TCE, LIOBN_VIO, 0, 0x1000 | TCE_RW), H_SUCCESS);
	fx_write64(f, s, 0x4000, 0x2000 | TCE_RW);
	snap_take(&sn, w);
	/* An empty run over a valid list succeeds and changes nothing. */
	CHECK_RC(HC(f, s, H_PUT_TCE_INDIRECT, LIOBN_VIO, 0, 0x4000, 0), H_SUCCESS);
	CHECK(snap_same(&sn));
	CHECK_RC(HC(f, s, H_PUT_TCE_INDIRECT, LIOBN_VIO, 7 * PG, 0x4000, 0), H_SUCCESS);
	CHECK(snap_same(&sn));
	/* The list checks still apply. */
	CHECK_RC(HC(f, s, H_PUT_TCE_INDIRECT, LIOBN_VIO, 0, 0x4008, 0), H_PARAMETER);
	CHECK_RC(HC(f, s, H_PUT_TCE_INDIRECT, LIOBN_VIO, 0, 0x80000, 0), H_PARAMETER);
	CHECK_RC(HC(f, s, H_PUT_TCE_INDIRECT, LIOBN_VIO, 1, 0x4000, 0), H_PARAMETER);
	CHECK_RC(HC(f, s, H_PUT_TCE_INDIRECT, 0x1FFFF, 0, 0x4000, 0), H_PARAMETER);
	CHECK(snap_same(&sn));
	CHECK_EQ(real_tce(w, 0), ra_of(s, 0x1000) | TCE_RW);
	teardown();
}

/* The list may be one of the pages it maps (the copy is taken before anything is applied). */
TEST(put_tce_indirect_list_maps_itself)
{
	struct fx *f = setup();
	uint32_t s = fx_partition(f, 2);
	struct hv_window *w;
	uint64_t tces[3] = { 0x6000 | TCE_RW, 0x7000 | TCE_READ, 0x6000 | TCE_WRITE };
	uint64_t ra;

	CHECK_EQ(hv_window_assign(&f->m, s, LIOBN_VIO, 0, 8), HV_OK);
	w = win(s, LIOBN_VIO);
	write_list(s, 0x6000, tces, 3);
	CHECK_RC(HC(f, s, H_PUT_TCE_INDIRECT, LIOBN_VIO, 5 * PG, 0x6000, 3), H_SUCCESS);
	CHECK_EQ(shadow_tce(w, 5), 0x6000 | TCE_RW);
	CHECK_EQ(shadow_tce(w, 6), 0x7000 | TCE_READ);
	CHECK_EQ(shadow_tce(w, 7), 0x6000 | TCE_WRITE);
	CHECK_EQ(real_tce(w, 7), ra_of(s, 0x6000) | TCE_WRITE);
	CHECK(dma(s, LIOBN_VIO, 7 * PG + 8, true, &ra));
	CHECK_EQ(ra, ra_of(s, 0x6008));
	teardown();
}

TEST(window_assign_errors)
{
	struct fx *f = setup();
	uint32_t a = fx_partition(f, 1), b = fx_partition(f, 1);
	const uint32_t max = f->m.cfg.window_entries_max;
	uint32_t i, used = 0;

	CHECK_EQ(hv_window_assign(&f->m, a, 0x10, 0, 4), HV_OK);
	used++;
	/* Same LIOBN again for the same partition, even with other geometry. */
	CHECK_EQ(hv_window_assign(&f->m, a, 0x10, 0, 4), HV_EEXIST);
	CHECK_EQ(hv_window_assign(&f->m, a, 0x10, 0x100000, 8), HV_EEXIST);
	CHECK_EQ(win(a, 0x10)->entries, 4);
	CHECK_EQ(win(a, 0x10)->bus_offset, 0);
	/* The same number in another partition is another window. */
	CHECK_EQ(hv_window_assign(&f->m, b, 0x10, 0, 4), HV_OK);
	used++;
	/* Sizes. */
	CHECK_EQ(hv_window_assign(&f->m, a, 0x11, 0, 0), HV_EINVAL);
	CHECK_EQ(hv_window_assign(&f->m, a, 0x11, 0, max + 1), HV_EINVAL);
	CHECK_EQ(hv_window_assign(&f->m, a, 0x11, 0, 0xFFFFFFFFu), HV_EINVAL);
	CHECK(hv_window_find(&f->m, a, 0x11) == 0);
	/* Bus offset misaligned, or window wrapping the bus space. */
	CHECK_EQ(hv_window_assign(&f->m, a, 0x11, 0x800, 4), HV_EINVAL);
	CHECK_EQ(hv_window_assign(&f->m, a, 0x11, 1, 4), HV_EINVAL);
	CHECK_EQ(hv_window_assign(&f->m, a, 0x11, 0xFFFFFFFFFFFFF000ull, 2), HV_EINVAL);
	CHECK_EQ(hv_window_assign(&f->m, a, 0x11, 0xFFFFFFFFFFF00000ull, max), HV_EINVAL);
	CHECK(hv_window_find(&f->m, a, 0x11) == 0);
	/* No such partition. */
	CHECK_EQ(hv_window_assign(&f->m, 3, 0x11, 0, 4), HV_ENOENT);
	CHECK_EQ(hv_window_assign(&f->m, 99, 0x11, 0, 4), HV_ENOENT);
	/* The largest window. */
	CHECK_EQ(hv_window_assign(&f->m, a, 0x11, 0x1000, max), HV_OK);
	used++;
	CHECK_EQ(win(a, 0x11)->entries, max);
	CHECK_EQ(win(a, 0x11)->owner, a);
	/* Until the windows run out. */
	for (i = 0; used < f->m.cfg.max_windows; i++, used++) {
		CHECK_EQ(hv_window_assign(&f->m, a, 0x100 + i, 0, 1), HV_OK);
	}
	CHECK_EQ(hv_window_assign(&f->m, a, 0x200, 0, 1), HV_ENOMEM);
	/* Unassign: unknown, or someone else's. */
	CHECK_EQ(hv_window_unassign(&f->m, a, 0x12345), HV_ENOENT);
	CHECK_EQ(hv_window_unassign(&f->m, b, 0x11), HV_ENOENT);
	CHECK(hv_window_find(&f->m, a, 0x11) != 0);
	CHECK_EQ(hv_window_unassign(&f->m, b, 0x10), HV_OK);
	CHECK(hv_window_find(&f->m, a, 0x10) != 0);
	CHECK(hv_window_find(&f->m, b, 0x10) == 0);
	CHECK_EQ(hv_window_unassign(&f->m, b, 0x10), HV_ENOENT);
	/* A freed window is reusable. */
	CHECK_EQ(hv_window_assign(&f->m, a, 0x200, 0, 1), HV_OK);
	teardown();
}

TEST(window_unassign_clears_and_flushes)
{
	struct fx *f = setup();
	uint32_t s = fx_partition(f, 2);
	struct hv_window *w;
	hv_raddr_t table, shadow;
	uint64_t i;

	CHECK_EQ(hv_window_assign(&f->m, s, LIOBN_PCI, 0x1000000, 32), HV_OK);
	w = win(s, LIOBN_PCI);
	table = w->table;
	shadow = w->shadow;
	CHECK_RC(HC(f, s, H_PUT_TCE, LIOBN_PCI, 0x1000000, 0x1000 | TCE_READ), H_SUCCESS);
	CHECK_RC(HC(f, s, H_PUT_TCE, LIOBN_PCI, 0x1000000 + 5 * PG, 0x2000 | TCE_WRITE), H_SUCCESS);
	CHECK_RC(HC(f, s, H_PUT_TCE, LIOBN_PCI, 0x1000000 + 31 * PG, 0x3000 | TCE_RW), H_SUCCESS);
	CHECK_RC(HC(f, s, H_PUT_TCE, LIOBN_PCI, 0x1000000 + 7 * PG, 0xBAD000), H_SUCCESS); /* poison */
	CHECK_EQ(iotlb(), 0);

	CHECK_EQ(hv_window_unassign(&f->m, s, LIOBN_PCI), HV_OK);
	CHECK_EQ(iotlb(), 3); /* one per entry that granted access */
	CHECK(hv_window_find(&f->m, s, LIOBN_PCI) == 0);
	CHECK(fx_real_is_zero(f, table, 32 * 8));
	CHECK(fx_real_is_zero(f, shadow, 32 * 8));
	CHECK(!dma(s, LIOBN_PCI, 0x1000000, false, 0));
	CHECK(!dma(s, LIOBN_PCI, 0x1000000 + 31 * PG, true, 0));
	CHECK_RC(HC(f, s, H_GET_TCE, LIOBN_PCI, 0x1000000), H_PARAMETER);
	CHECK_RC(HC(f, s, H_PUT_TCE, LIOBN_PCI, 0x1000000, 0x1000 | TCE_RW), H_PARAMETER);

	/* Re-assigned (same LIOBN, or a new partition in the same slot): starts empty. */
	CHECK_EQ(hv_window_assign(&f->m, s, LIOBN_PCI, 0x1000000, 32), HV_OK);
	for (i = 0; i < 32; i++) {
		CHECK_RC(HC(f, s, H_GET_TCE, LIOBN_PCI, 0x1000000 + i * PG), H_SUCCESS);
		CHECK_EQ(f->out[0], 0);
	}
	CHECK_RC(HC(f, s, H_PUT_TCE, LIOBN_PCI, 0x1000000 + 31 * PG, 0x3000 | TCE_RW), H_SUCCESS);
	CHECK_EQ(hv_partition_destroy(&f->m, s), HV_OK);
	CHECK_EQ(iotlb(), 4);
	CHECK(hv_window_find(&f->m, s, LIOBN_PCI) == 0);
	for (i = 0; i < f->m.cfg.max_windows; i++) {
		CHECK(!f->m.win[i].active);
		CHECK(fx_real_is_zero(f, f->m.win[i].table, 8ull * f->m.cfg.window_entries_max));
		CHECK(fx_real_is_zero(f, f->m.win[i].shadow, 8ull * f->m.cfg.window_entries_max));
	}
	teardown();
}

/* I4: after the LMB a TCE points into leaves the partition, the TCE is gone and the device cannot reach it. */
TEST(dlpar_remove_revokes_tces)
{
	struct fx *f = setup();
	uint32_t s = fx_partition(f, 4);
	struct hv_window *w;
	const uint64_t lmb = f->m.cfg.lmb_size;
	uint64_t old_ra, ra;

	CHECK_EQ(hv_window_assign(&f->m, s, LIOBN_VIO, 0, 16), HV_OK);
	w = win(s, LIOBN_VIO);
	CHECK_RC(HC(f, s, H_PUT_TCE, LIOBN_VIO, 1 * PG, (2 * lmb + 0x1000) | TCE_RW), H_SUCCESS);
	CHECK_RC(HC(f, s, H_PUT_TCE, LIOBN_VIO, 2 * PG, (3 * lmb - PG) | TCE_READ), H_SUCCESS);
	CHECK_RC(HC(f, s, H_PUT_TCE, LIOBN_VIO, 3 * PG, (1 * lmb + 0x5000) | TCE_RW), H_SUCCESS);
	CHECK_RC(HC(f, s, H_PUT_TCE, LIOBN_VIO, 4 * PG, (3 * lmb + 0x0000) | TCE_WRITE), H_SUCCESS);
	CHECK_RC(HC(f, s, H_PUT_TCE, LIOBN_VIO, 5 * PG, 2 * lmb + 0x2000), H_SUCCESS); /* poison into LMB 2 */
	old_ra = ra_of(s, 2 * lmb + 0x1000);
	CHECK_EQ(iotlb(), 0);

	CHECK_EQ(hv_dlpar_mem_remove(&f->m, s, 2), HV_OK);
	CHECK_EQ(iotlb(), 2); /* the two live TCEs into logical LMB 2 */
	CHECK_RC(HC(f, s, H_GET_TCE, LIOBN_VIO, 1 * PG), H_SUCCESS);
	CHECK_EQ(f->out[0], 0);
	CHECK_RC(HC(f, s, H_GET_TCE, LIOBN_VIO, 2 * PG), H_SUCCESS);
	CHECK_EQ(f->out[0], 0);
	CHECK_EQ(real_tce(w, 1), 0);
	CHECK_EQ(real_tce(w, 2), 0);
	CHECK(!dma(s, LIOBN_VIO, 1 * PG, true, 0));
	CHECK(!dma(s, LIOBN_VIO, 1 * PG, false, 0));
	CHECK(!dma(s, LIOBN_VIO, 2 * PG, false, 0));
	/* The LMB is free and zero. */
	CHECK(hv_real_owner(&f->m, hv_ra(old_ra)) == -1);
	/* TCEs into other LMBs survive. */
	CHECK_RC(HC(f, s, H_GET_TCE, LIOBN_VIO, 3 * PG), H_SUCCESS);
	CHECK_EQ(f->out[0], (1 * lmb + 0x5000) | TCE_RW);
	CHECK(dma(s, LIOBN_VIO, 3 * PG + 4, true, &ra));
	CHECK_EQ(ra, ra_of(s, lmb + 0x5004));
	CHECK(dma(s, LIOBN_VIO, 4 * PG, true, &ra));
	CHECK_EQ(ra, ra_of(s, 3 * lmb));
	/* A poisoned entry references nothing: kept as the partition stored it. */
	CHECK_EQ(shadow_tce(w, 5), 2 * lmb + 0x2000);
	CHECK_EQ(real_tce(w, 5), 0);
	/* The removed LMB cannot be mapped again. */
	CHECK_RC(HC(f, s, H_PUT_TCE, LIOBN_VIO, 1 * PG, (2 * lmb + 0x1000) | TCE_RW), H_PARAMETER);
	CHECK_EQ(real_tce(w, 1), 0);
	teardown();
}

/* Mobility: relocating an LMB moves the TCE's real target; the partition's view is unchanged (I11). */
TEST(lmb_relocate_retargets_tces)
{
	struct fx *f = setup();
	uint32_t s = fx_partition(f, 2);
	struct hv_window *w;
	const uint64_t lmb = f->m.cfg.lmb_size;
	uint64_t old_ra, new_ra, ra;

	CHECK_EQ(hv_window_assign(&f->m, s, LIOBN_VIO, 0, 8), HV_OK);
	w = win(s, LIOBN_VIO);
	CHECK_RC(HC(f, s, H_PUT_TCE, LIOBN_VIO, 1 * PG, (lmb + 0x3000) | TCE_READ), H_SUCCESS);
	CHECK_RC(HC(f, s, H_PUT_TCE, LIOBN_VIO, 2 * PG, 0x3000 | TCE_RW), H_SUCCESS);
	fx_write64(f, s, lmb + 0x3010, 0xC0FFEEull);
	old_ra = ra_of(s, lmb + 0x3000);

	CHECK_EQ(hv_lmb_relocate(&f->m, s, 1, HV_NIL), HV_OK);
	new_ra = ra_of(s, lmb + 0x3000);
	CHECK(new_ra != old_ra);
	CHECK_EQ(iotlb(), 1); /* the one entry into the moved LMB */
	CHECK_EQ(real_tce(w, 1), new_ra | TCE_READ);
	CHECK_EQ(shadow_tce(w, 1), (lmb + 0x3000) | TCE_READ);
	CHECK_RC(HC(f, s, H_GET_TCE, LIOBN_VIO, 1 * PG), H_SUCCESS);
	CHECK_EQ(f->out[0], (lmb + 0x3000) | TCE_READ);
	CHECK(dma(s, LIOBN_VIO, 1 * PG + 0x10, false, &ra));
	CHECK_EQ(ra, new_ra + 0x10);
	CHECK_EQ(hv_ld_be64(f->m.mem + ra), 0xC0FFEEull);
	CHECK(!dma(s, LIOBN_VIO, 1 * PG, true, 0));
	CHECK(fx_real_is_zero(f, hv_ra(old_ra), PG));
	/* The entry into the LMB that did not move is untouched. */
	CHECK_EQ(real_tce(w, 2), ra_of(s, 0x3000) | TCE_RW);
	teardown();
}

/* A device's view: unknown LIOBN, another partition's slot, outside the window. */
TEST(dma_translate_bounds)
{
	struct fx *f = setup();
	uint32_t a = fx_partition(f, 2), b = fx_partition(f, 2);
	const uint64_t bus = 0x7000000ull;
	uint64_t ra;

	CHECK_EQ(hv_window_assign(&f->m, a, LIOBN_PCI, bus, 4), HV_OK);
	CHECK_RC(HC(f, a, H_STUFF_TCE, LIOBN_PCI, bus, 0, 4), H_SUCCESS);
	CHECK_RC(HC(f, a, H_PUT_TCE, LIOBN_PCI, bus + 3 * PG, 0x4000 | TCE_RW), H_SUCCESS);
	CHECK(dma(a, LIOBN_PCI, bus + 4 * PG - 1, true, &ra));
	CHECK_EQ(ra, ra_of(a, 0x4FFF));
	CHECK(!dma(a, LIOBN_PCI, bus + 4 * PG, true, 0));
	CHECK(!dma(a, LIOBN_PCI, bus + 3 * PG + (1ull << 63), true, 0));
	CHECK(!dma(a, LIOBN_PCI, bus + 3 * PG - 4 * PG, true, 0));
	CHECK(!dma(a, LIOBN_PCI, 3 * PG, true, 0));
	CHECK(!dma(a, LIOBN_PCI + 1, bus + 3 * PG, true, 0));
	CHECK(!dma(b, LIOBN_PCI, bus + 3 * PG, true, 0));
	CHECK(!dma(99, LIOBN_PCI, bus + 3 * PG, true, 0));
	CHECK(!dma(a, LIOBN_PCI, bus, false, 0));
	teardown();
}

/* count > 512 is refused on its own, even when the window could hold the run. */
TEST(put_tce_indirect_513_in_large_window)
{
	struct hv_config cfg;
	struct fx *f;
	uint32_t s;
	struct hv_window *w;
	static uint64_t tces[1024];
	uint64_t i, flushes;

	hv_config_default(&cfg);
	cfg.window_entries_max = 1024;
	f = setup_cfg(&cfg);
	s = fx_partition(f, 16);
	CHECK_EQ(hv_window_assign(&f->m, s, LIOBN_PCI, 0, 1024), HV_OK);
	w = win(s, LIOBN_PCI);
	/* Two consecutive list pages full of valid entries. */
	for (i = 0; i < 1024; i++) {
		tces[i] = (0x100000 + (i % 512) * PG) | TCE_RW;
	}
	write_list(s, 0x10000, tces, 1024);
	flushes = iotlb();
	CHECK_RC(HC(f, s, H_PUT_TCE_INDIRECT, LIOBN_PCI, 0, 0x10000, 513), H_PARAMETER);
	CHECK_RC(HC(f, s, H_PUT_TCE_INDIRECT, LIOBN_PCI, 0, 0x10000, 1024), H_PARAMETER);
	CHECK(fx_real_is_zero(f, w->table, 1024 * 8));
	CHECK(fx_real_is_zero(f, w->shadow, 1024 * 8));
	CHECK_EQ(iotlb(), flushes);
	/* Two calls of 512 fill it. */
	CHECK_RC(HC(f, s, H_PUT_TCE_INDIRECT, LIOBN_PCI, 0, 0x10000, 512), H_SUCCESS);
	CHECK_RC(HC(f, s, H_PUT_TCE_INDIRECT, LIOBN_PCI, 512 * PG, 0x11000, 512), H_SUCCESS);
	for (i = 0; i < 1024; i++) {
		CHECK_EQ(shadow_tce(w, i), tces[i]);
		CHECK_EQ(real_tce(w, i), ra_of(s, 0x100000 + (i % 512) * PG) | TCE_RW);
	}
	teardown();
}

/*
 * A window of window_entries_max entries: its table is immediately followed
 * by its shadow (logical values). Nothing one past the end may be read as a
 * real TCE, by a device or by a call.
 */
TEST(full_size_window_end)
{
	struct fx *f = setup();
	uint32_t s = fx_partition(f, 2);
	struct hv_window *w;
	const uint32_t n = f->m.cfg.window_entries_max;
	const uint64_t bus = 0x200000ull;
	struct snap sn;
	uint64_t ra;

	CHECK_EQ(hv_window_assign(&f->m, s, LIOBN_VIO, bus, n), HV_OK);
	w = win(s, LIOBN_VIO);
	CHECK_EQ(w->table.v + 8ull * n, w->shadow.v);
	CHECK_RC(HC(f, s, H_PUT_TCE, LIOBN_VIO, bus, 0x1000 | TCE_RW), H_SUCCESS);
	CHECK_RC(HC(f, s, H_PUT_TCE, LIOBN_VIO, bus + (n - 1) * PG, 0x2000 | TCE_READ), H_SUCCESS);
	CHECK(dma(s, LIOBN_VIO, bus + (uint64_t)n * PG - 1, false, &ra));
	CHECK_EQ(ra, ra_of(s, 0x2FFF));
	/* One past the end would land on shadow[0] = 0x1003 (a logical address with R|W). */
	CHECK(!dma(s, LIOBN_VIO, bus + (uint64_t)n * PG, false, 0));
	CHECK(!dma(s, LIOBN_VIO, bus + (uint64_t)n * PG, true, 0));
	CHECK(!dma(s, LIOBN_VIO, bus + (uint64_t)n * PG + 0x800, false, 0));
	snap_take(&sn, w);
	CHECK_RC(HC(f, s, H_PUT_TCE, LIOBN_VIO, bus + (uint64_t)n * PG, 0), H_PARAMETER);
	CHECK_RC(HC(f, s, H_GET_TCE, LIOBN_VIO, bus + (uint64_t)n * PG), H_PARAMETER);
	CHECK_EQ(f->out[0], 0);
	CHECK_RC(HC(f, s, H_STUFF_TCE, LIOBN_VIO, bus, 0, (uint64_t)n + 1), H_PARAMETER);
	CHECK(snap_same(&sn));
	CHECK_RC(HC(f, s, H_STUFF_TCE, LIOBN_VIO, bus, 0, n), H_SUCCESS);
	CHECK_EQ(iotlb(), sn.flushes + 2);
	teardown();
}
