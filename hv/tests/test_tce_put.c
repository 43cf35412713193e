/*
 * TCE (DMA translation) interface: H_PUT_TCE, H_GET_TCE and H_STUFF_TCE,
 * LIOBN and ioba checks, what a TCE may grant, and the direction a device
 * is held to (papr-spec §4; DESIGN.md I2, I3, I6, I7, I8, I9). Helpers and
 * the snapshot of a window: tce_helpers.h.
 */
#include "tce_helpers.h"

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
