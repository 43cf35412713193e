/*
 * Page sizes: every decoder of an HPTE's page size -- the core's, the
 * reference model's, the checker's, and the harness MMU's, which decodes
 * within a segment -- against the ISA's table (papr-spec §2.5) written out
 * here from the table's own columns, for segments of 4 KiB, 64 KiB and
 * 16 MiB base pages; and programs whose segments have those base pages.
 */
#include <stdio.h>
#include <string.h>

#include <stdlib.h>

#include "hv/host.h"
#include "hv/introspect.h"
#include "hv/papr.h"
#include "lparsec/exec.h"
#include "lparsec/host_hooks.h"
#include "lparsec/inv.h"
#include "lparsec/ref.h"
#include "exec_helpers.h"
#include "testlib.h"

#define L_BIT 0x4ull

/*
 * The ISA's table as papr-spec §2.5 lists it: dword 1 bits 12-15, 16-19 and
 * the bits up to the actual page size that must be zero. Returns the actual
 * page shift (0: not an encoding) and its base page shift in *base.
 */
static unsigned isa_page(bool large, uint64_t dw1, unsigned *base)
{
	unsigned b12 = (unsigned)(dw1 >> 12) & 0xF, b16 = (unsigned)(dw1 >> 16) & 0xF, b20 = (unsigned)(dw1 >> 20) & 0xF;

	*base = 12;
	if (!large) {
		return 12;                                      /* 4K / 4K: the RPN throughout */
	}
	if (b12 == 0x7) {
		return 16;                                      /* 4K / 64K: 0111, RPN from bit 16 */
	}
	if (b12 == 0x8 && b16 == 0x3 && b20 == 0) {
		return 24;                                      /* 4K / 16M: 1000 0011 0000 */
	}
	*base = 16;
	if (b12 == 0x1) {
		return 16;                                      /* 64K / 64K: 0001 */
	}
	if (b12 == 0x8 && b16 == 0 && b20 == 0) {
		return 24;                                      /* 64K / 16M: 1000 0000 0000 */
	}
	*base = 24;
	if (b12 == 0 && b16 == 0 && b20 == 0) {
		return 24;                                      /* 16M / 16M: bits 12-23 all 0 */
	}
	*base = 34;
	if (b12 == 0x3 && ((dw1 >> 16) & 0x3FFFF) == 0) {
		return 34;                                      /* 16G / 16G: 0011, bits 16-33 all 0 */
	}
	*base = 0;
	return 0;
}

/* Dword 1 values to decode: every combination of bits 12-23, under a few page numbers above them. */
static uint64_t dw1_case(unsigned i)
{
	static const uint64_t high[] = { 0, 0x1000000, 0x3000000, 0x12345000000ull, 0x400000000ull };

	return ((uint64_t)(i & 0xFFF) << 12) | high[(i >> 12) % 5] | (i & 0x1F3); /* and low flag bits */
}

TEST(decoders_agree_with_the_isa_table)
{
	unsigned i, large, checked = 0, valid = 0;

	for (large = 0; large < 2; large++) {
		for (i = 0; i < 5 * 4096; i++) {
			uint64_t dw0 = 0x1000001ull | (large ? L_BIT : 0), dw1 = dw1_case(i);
			unsigned want_base, want = isa_page(large, dw1, &want_base), b_core = 0, b_ref, b_inv;
			unsigned a_core = hv_hpte_actual_shift(dw0, dw1, &b_core);
			bool core_ok = a_core != 0;
			unsigned a_ref = lp_ref_page_shift(dw0, dw1, &b_ref), a_inv = lp_inv_page_shift(dw0, dw1, &b_inv);
			unsigned seg;

			if (core_ok != (want != 0) || (want && (a_core != want || b_core != want_base)) || a_ref != want ||
			    b_ref != (want ? want_base : 0) || a_inv != want || b_inv != (want ? want_base : 0)) {
				fprintf(stderr, "L=%u dw1=0x%llx: ISA %u/%u, core %d %u/%u, model %u/%u, checker %u/%u\n", large,
					(unsigned long long)dw1, want_base, want, core_ok, b_core, a_core, b_ref, a_ref, b_inv,
					a_inv);
				CHECK(0);
			}
			/* Within a segment: only the encodings of its base page translate. */
			for (seg = 12; seg <= 24; seg += seg == 12 ? 4 : 8) {
				unsigned got = lp_mmu_page_shift(dw0, dw1, seg);

				if (got != (want_base == seg ? want : 0)) {
					fprintf(stderr, "L=%u dw1=0x%llx in a 2^%u segment: MMU %u, ISA %u/%u\n", large,
						(unsigned long long)dw1, seg, got, want_base, want);
					CHECK(0);
				}
			}
			checked++;
			valid += want != 0;
		}
	}
	/* 16G / 16G needs bits 16-33 clear: the case list has it (bits 12-23 = 0x003, nothing above). */
	CHECK_EQ(isa_page(true, 0x3000, &i), 34);
	CHECK_EQ(lp_mmu_page_shift(L_BIT, 0x3000, 24), 0); /* no 16 GiB segment here */
	CHECK_EQ(checked, 2 * 5 * 4096);
	CHECK(valid > 5 * 4096); /* every 4 KiB entry, and the large ones */
}

/* The selectors' page-size table is the ISA's too. */
TEST(selector_page_sizes_are_isa_encodings)
{
	unsigned i, base;

	for (i = 0; i < LP_PAGE_SIZES; i++) {
		const struct lp_page_size *ps = &lp_page_sizes[i];
		bool large = ps->base != 12 || ps->actual != 12;

		CHECK_EQ(isa_page(large, (uint64_t)ps->enc << 12, &base), ps->actual);
		CHECK_EQ(base, ps->base);
	}
}

#define V2_64K "lparsec program v2\npart p0 lmbs=2\nsegment esid=1 page=64k\n"
#define ENTER_64K "p0.v0 H_ENTER flags=0x0 ptex=hash(0x10001) pteh=pteh(0x10001) ptel=ptel(0x101a)\n"

/* A 64 KiB page in a 64 KiB segment translates its whole 64 KiB from the page's real base. */
TEST(large_page_translates_its_whole_size)
{
	CHECK_EQ(run_text(V2_64K ENTER_64K "p0.v0 store addr=0x1001fff8 value=0x77\n"
					   "p0.v0 load addr=0x1001fff8\n"
					   "p0.v0 load addr=0x10020000\n",
			  false),
		 LP_INV_NONE);
	CHECK_EQ(X->res[0].rc, H_SUCCESS);
	CHECK_EQ(X->res[0].arg[3], 0x11012);     /* logical 0x10000, LP 0001, M, PP 2 */
	CHECK_EQ(X->res[1].status, LP_RAN);
	CHECK_EQ(X->res[2].status, LP_RAN);
	CHECK_EQ(X->res[2].out[0], 0x77);
	CHECK_EQ(X->res[3].status, LP_FAULT);   /* the next 64 KiB page: no entry */
}

/* The ISA's rule: an entry of another base page size is not a match (in either direction). */
TEST(entry_of_another_base_page_size_does_not_translate)
{
	/* A 4 KiB entry (L = 0) with the AVPN and group of the 64 KiB segment's page 2. */
	CHECK_EQ(run_text(V2_64K "p0.v0 H_ENTER flags=0x0 ptex=hash(0x10002) pteh=0x1001001 ptel=ptel(0x2002)\n"
				 "p0.v0 load addr=ea(0x10002)\n",
			  false),
		 LP_INV_NONE);
	CHECK_EQ(X->res[0].rc, H_SUCCESS);
	CHECK_EQ(X->res[1].status, LP_FAULT);
	/* The same entry in a 4 KiB segment of that VSID translates. */
	CHECK_EQ(run_text("lparsec program v2\nsegment esid=1 vsid=0x1001 page=4k\n"
			  "p0.v0 H_ENTER flags=0x0 ptex=hash(0x10020) pteh=0x1001001 ptel=ptel(0x2002)\n"
			  "p0.v0 load addr=0x10020000\n",
			  false),
		 LP_INV_NONE);
	CHECK_EQ(X->res[1].status, LP_RAN);
	/* A 64 KiB-base entry (LP 0001) in a 4 KiB segment: not a match. */
	CHECK_EQ(run_text("lparsec program v2\npart p0 lmbs=2\n"
			  "p0.v0 H_ENTER flags=0x0 ptex=hash(0x10001) pteh=pteh(0x80010001) ptel=ptel(0x101a)\n"
			  "p0.v0 load addr=ea(0x10001)\n",
			  false),
		 LP_INV_NONE);
	CHECK_EQ(X->res[0].rc, H_SUCCESS);
	CHECK_EQ(X->res[1].status, LP_FAULT);
}

/* I9 with a large page: its cached translation must go with the entry (the old walk never cached one). */
TEST(large_page_stale_translation_is_i9)
{
	CHECK_EQ(run_text(V2_64K ENTER_64K "p0.v0 load addr=0x10019008\n"
					   "backdoor kind=9\n",
			  true),
		 LP_INV_I9);
	CHECK_EQ(X->res[1].status, LP_RAN);
	CHECK_EQ(X->viol.op, 2);
	/* With the tlbie the core sends (H_REMOVE), the translation goes and nothing fires. */
	CHECK_EQ(run_text(V2_64K ENTER_64K "p0.v0 load addr=0x10019008\n"
					   "p0.v0 H_REMOVE flags=0x0 ptex=ptex(0x0)\n"
					   "p0.v0 load addr=0x10019008\n",
			  false),
		 LP_INV_NONE);
	CHECK_EQ(X->res[3].status, LP_FAULT);
}

/* A partition's own HPT order (version 2): the PTEX range follows it, in the core and in the model. */
TEST(hpt_order_per_partition)
{
	CHECK_EQ(run_text("lparsec program v2\nconfig parts=2\npart p0 hpt=20\n"
			  "p0.v0 H_ENTER flags=0x0 ptex=edge(nhpte-1) pteh=pteh(0x10) ptel=ptel(0x1002)\n"
			  "p0.v0 H_ENTER flags=0x0 ptex=edge(nhpte) pteh=pteh(0x10) ptel=ptel(0x1002)\n"
			  "p1.v0 H_ENTER flags=0x0 ptex=0xfff8 pteh=pteh(0x10) ptel=ptel(0x1002)\n"
			  "p0.v0 H_ENTER flags=0x0 ptex=hash(0x10) pteh=pteh(0x10) ptel=ptel(0x1002)\n"
			  "p0.v0 load addr=ea(0x10)\n",
			  false),
		 LP_INV_NONE);
	CHECK_EQ(X->res[0].rc, H_SUCCESS);
	CHECK_EQ(X->res[0].out[0], 65535 & ~7ull); /* the group's first free slot */
	CHECK_EQ(X->res[1].arg[1], 65536);
	CHECK_EQ(X->res[1].rc, H_PARAMETER);
	CHECK_EQ(X->res[2].rc, H_PARAMETER);      /* p1 keeps 2^18: 16384 entries */
	CHECK_EQ(X->res[3].rc, H_SUCCESS);
	CHECK_EQ(X->res[3].arg[1] >> 3, (0x1000 ^ 0x10) & 8191); /* hashed into 8192 groups */
	CHECK_EQ(X->res[4].status, LP_RAN);
	CHECK_EQ(X->m[0].part[X->loc[0].slot].nhpte, 65536);
	CHECK_EQ(X->m[0].part[X->loc[1].slot].nhpte, 16384);
}
