/*
 * TCE (DMA translation) windows: assignment and unassignment, the DLPAR /
 * mobility paths that revoke or retarget TCEs, and the device's view of a
 * window's bounds (papr-spec §4, §7.3; DESIGN.md I4, I9, I11). Helpers:
 * tce_helpers.h.
 */
#include "tce_helpers.h"

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

/*
 * The window walks test 8 entries at a time: entries on both sides of a
 * group boundary, a logical-only (poisoned) entry, an entry that ends a
 * group and the last entry of a window whose size is not a multiple of 8
 * (the tail is tested entry by entry) are all found and cleared.
 */
TEST(window_walks_find_entries_at_group_edges)
{
	struct fx *f = setup();
	uint32_t s = fx_partition(f, 2);
	struct hv_window *w;
	hv_raddr_t table, shadow;
	const uint64_t lmb = f->m.cfg.lmb_size;

	CHECK_EQ(hv_window_assign(&f->m, s, LIOBN_VIO, 0, 43), HV_OK);
	w = win(s, LIOBN_VIO);
	table = w->table;
	shadow = w->shadow;
	CHECK_RC(HC(f, s, H_PUT_TCE, LIOBN_VIO, 15 * PG, (lmb + 0x1000) | TCE_READ), H_SUCCESS);
	CHECK_RC(HC(f, s, H_PUT_TCE, LIOBN_VIO, 16 * PG, (lmb + 0x2000) | TCE_RW), H_SUCCESS);
	CHECK_RC(HC(f, s, H_PUT_TCE, LIOBN_VIO, 33 * PG, lmb + 0x3000), H_SUCCESS); /* poison: logical only */
	CHECK_RC(HC(f, s, H_PUT_TCE, LIOBN_VIO, 39 * PG, 0x4000 | TCE_WRITE), H_SUCCESS);
	CHECK_RC(HC(f, s, H_PUT_TCE, LIOBN_VIO, 42 * PG, 0x5000 | TCE_READ), H_SUCCESS);
	CHECK_EQ(real_tce(w, 33), 0);
	CHECK_EQ(shadow_tce(w, 33), lmb + 0x3000);
	/* Removing logical LMB 1 revokes the two entries into it (15, 16), keeps the rest. */
	CHECK_EQ(hv_dlpar_mem_remove(&f->m, s, 1), HV_OK);
	CHECK_EQ(iotlb(), 2);
	CHECK_EQ(real_tce(w, 15), 0);
	CHECK_EQ(real_tce(w, 16), 0);
	CHECK_EQ(shadow_tce(w, 15), 0);
	CHECK_EQ(shadow_tce(w, 16), 0);
	CHECK_EQ(shadow_tce(w, 33), lmb + 0x3000);
	CHECK_EQ(shadow_tce(w, 39), 0x4000 | TCE_WRITE);
	CHECK_EQ(shadow_tce(w, 42), 0x5000 | TCE_READ);
	/* Unassigning clears the poisoned entry and flushes the two that granted access, the tail one last. */
	CHECK_EQ(hv_window_unassign(&f->m, s, LIOBN_VIO), HV_OK);
	CHECK_EQ(iotlb(), 4);
	CHECK_EQ(last_flush_ioba, 42 * PG);
	CHECK(fx_real_is_zero(f, table, 43 * 8));
	CHECK(fx_real_is_zero(f, shadow, 43 * 8));
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
