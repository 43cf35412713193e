/*
 * TCE (DMA translation) interface: H_PUT_TCE_INDIRECT, its list page and
 * count limits, and validation before anything is applied (papr-spec §4;
 * DESIGN.md I2, I3, I9). Helpers: tce_helpers.h.
 */
#include "tce_helpers.h"

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
