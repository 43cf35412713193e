/*
 * HPT hypercalls: every return-code path of papr-spec §3.10, the table
 * contents after each call (hardware words in ISA 3.0 format and the guest
 * view), the worked encodings of Appendix B, and the hostile arguments of
 * §7.3 (no state change on failure).
 */
#include <string.h>

#include "../core/internal.h"
#include "fixture.h"
#include "testlib.h"

#define VSID   0x123456ull
#define EA     0x12345000ull
#define LMB    (256ull * 1024)
#define NHPTE  (1ull << (18 - 4))

static uint64_t tlb_flushes(struct fx *f)
{
	struct hv_host_stats s;

	hv_host_plat_stats(f->plat, &s);
	return s.tlb_entry_flushes;
}

/* The whole HPT of a partition, to prove a failing call changed nothing. */
static void hpt_snapshot(struct fx *f, uint32_t slot, uint8_t *buf)
{
	memcpy(buf, f->m.mem + hv_part(&f->m, slot)->hpt.v, NHPTE * HPTE_BYTES);
}

static uint8_t snap_a[NHPTE * HPTE_BYTES], snap_b[NHPTE * HPTE_BYTES];

TEST(enter_stores_isa3_hardware_words_and_guest_view)
{
	struct fx f;
	uint32_t p;
	uint64_t pteh = fx_pteh(VSID, EA), ptel = fx_ptel(0x1000);
	hv_raddr_t ra;

	fx_init(&f, 0, 0);
	p = fx_partition(&f, 4);
	ra = fx_real(&f, p, 0x1000);
	CHECK_RC(HC(&f, p, H_ENTER, 0, 0x40, pteh, ptel), H_SUCCESS);
	CHECK_EQ(f.out[0], 0x40);
	CHECK_EQ(fx_hw0(&f, p, 0x40), pteh & HPTE_V3_COMMON);
	CHECK_EQ(fx_hw1(&f, p, 0x40), ra.v | HPTE_R_M | 0x2);
	CHECK_EQ(hv_part(&f.m, p)->meta[0x40].gdw0, pteh);
	CHECK_EQ(hv_part(&f.m, p)->meta[0x40].gdw1, ptel);
	CHECK_RC(HC(&f, p, H_READ, 0, 0x40), H_SUCCESS);
	CHECK_EQ(f.out[0], pteh);
	CHECK_EQ(f.out[1], ptel);
	fx_fini(&f);
}

TEST(enter_scans_group_for_first_free_slot)
{
	struct fx f;
	uint32_t p;

	fx_init(&f, 0, 0);
	p = fx_partition(&f, 4);
	CHECK_RC(HC(&f, p, H_ENTER, 0, 0x43, fx_pteh(VSID, EA), fx_ptel(0x1000)), H_SUCCESS);
	CHECK_EQ(f.out[0], 0x40);
	CHECK_RC(HC(&f, p, H_ENTER, 0, 0x47, fx_pteh(VSID, EA), fx_ptel(0x2000)), H_SUCCESS);
	CHECK_EQ(f.out[0], 0x41);
	fx_fini(&f);
}

TEST(enter_exact_uses_named_slot_or_fails_when_busy)
{
	struct fx f;
	uint32_t p;

	fx_init(&f, 0, 0);
	p = fx_partition(&f, 4);
	CHECK_RC(HC(&f, p, H_ENTER, H_EXACT, 0x45, fx_pteh(VSID, EA), fx_ptel(0x1000)), H_SUCCESS);
	CHECK_EQ(f.out[0], 0x45);
	hpt_snapshot(&f, p, snap_a);
	CHECK_RC(HC(&f, p, H_ENTER, H_EXACT, 0x45, fx_pteh(VSID, EA), fx_ptel(0x2000)), H_PTEG_FULL);
	CHECK_EQ(f.out[0], 0);
	hpt_snapshot(&f, p, snap_b);
	CHECK(memcmp(snap_a, snap_b, sizeof(snap_a)) == 0);
	fx_fini(&f);
}

TEST(enter_full_group_is_pteg_full)
{
	struct fx f;
	uint32_t p, i;

	fx_init(&f, 0, 0);
	p = fx_partition(&f, 4);
	for (i = 0; i < 8; i++) {
		CHECK_RC(HC(&f, p, H_ENTER, 0, 0x80, fx_pteh(VSID, EA), fx_ptel(0x1000 * i)), H_SUCCESS);
		CHECK_EQ(f.out[0], 0x80 + i);
	}
	hpt_snapshot(&f, p, snap_a);
	CHECK_RC(HC(&f, p, H_ENTER, 0, 0x80, fx_pteh(VSID, EA), fx_ptel(0x9000)), H_PTEG_FULL);
	hpt_snapshot(&f, p, snap_b);
	CHECK(memcmp(snap_a, snap_b, sizeof(snap_a)) == 0);
	fx_fini(&f);
}

TEST(enter_ptex_bounds)
{
	struct fx f;
	uint32_t p;

	fx_init(&f, 0, 0);
	p = fx_partition(&f, 4);
	hpt_snapshot(&f, p, snap_a);
	CHECK_RC(HC(&f, p, H_ENTER, 0, NHPTE, fx_pteh(VSID, EA), fx_ptel(0x1000)), H_PARAMETER);
	CHECK_RC(HC(&f, p, H_ENTER, H_EXACT, NHPTE, fx_pteh(VSID, EA), fx_ptel(0x1000)), H_PARAMETER);
	CHECK_RC(HC(&f, p, H_ENTER, 0, 1ull << 63, fx_pteh(VSID, EA), fx_ptel(0x1000)), H_PARAMETER);
	CHECK_RC(HC(&f, p, H_ENTER, 0, ~0ull, fx_pteh(VSID, EA), fx_ptel(0x1000)), H_PARAMETER);
	hpt_snapshot(&f, p, snap_b);
	CHECK(memcmp(snap_a, snap_b, sizeof(snap_a)) == 0);
	CHECK_RC(HC(&f, p, H_ENTER, H_EXACT, NHPTE - 1, fx_pteh(VSID, EA), fx_ptel(0x1000)), H_SUCCESS);
	CHECK_EQ(f.out[0], NHPTE - 1);
	fx_fini(&f);
}

TEST(enter_rejects_reserved_segment_size_and_bad_lp)
{
	struct fx f;
	uint32_t p;
	uint64_t pteh = fx_pteh(VSID, EA);

	fx_init(&f, 0, 0);
	p = fx_partition(&f, 4);
	hpt_snapshot(&f, p, snap_a);
	CHECK_RC(HC(&f, p, H_ENTER, 0, 0, pteh | (2ull << 62), fx_ptel(0x1000)), H_PARAMETER);
	CHECK_RC(HC(&f, p, H_ENTER, 0, 0, pteh | (3ull << 62), fx_ptel(0x1000)), H_PARAMETER);
	/* L=1 with an LP value no POWER page-size table defines. */
	CHECK_RC(HC(&f, p, H_ENTER, 0, 0, pteh | HPTE_V_LARGE, fx_ptel(0x10000) | 0x5000), H_PARAMETER);
	CHECK_RC(HC(&f, p, H_ENTER, 0, 0, pteh | HPTE_V_LARGE, fx_ptel(0x10000) | 0x2000), H_PARAMETER);
	hpt_snapshot(&f, p, snap_b);
	CHECK(memcmp(snap_a, snap_b, sizeof(snap_a)) == 0);
	fx_fini(&f);
}

TEST(enter_rejects_memory_the_partition_does_not_own)
{
	struct fx f;
	uint32_t p0, p1;
	uint64_t pteh = fx_pteh(VSID, EA);

	fx_init(&f, 0, 0);
	p0 = fx_partition(&f, 4);
	p1 = fx_partition(&f, 2);
	hpt_snapshot(&f, p1, snap_a);
	/* Just past p1's last LMB (p0 owns that much logical space, p1 does not). */
	CHECK_RC(HC(&f, p1, H_ENTER, 0, 0, pteh, fx_ptel(2 * LMB)), H_PARAMETER);
	/* A logical address equal to a hypervisor real address, and far beyond. */
	CHECK_RC(HC(&f, p1, H_ENTER, 0, 0, pteh, fx_ptel(f.m.hv_bytes + 2 * LMB)), H_PARAMETER);
	CHECK_RC(HC(&f, p1, H_ENTER, 0, 0, pteh, fx_ptel(0x0FFFFFFFFFFFF000ull)), H_PARAMETER);
	hpt_snapshot(&f, p1, snap_b);
	CHECK(memcmp(snap_a, snap_b, sizeof(snap_a)) == 0);
	CHECK_RC(HC(&f, p0, H_ENTER, 0, 0, pteh, fx_ptel(2 * LMB)), H_SUCCESS);
	fx_fini(&f);
}

TEST(enter_large_page_needs_whole_range_owned)
{
	struct fx f;
	uint32_t p;
	uint64_t pteh = fx_pteh(VSID, EA) | HPTE_V_LARGE;

	fx_init(&f, 0, 0);
	p = fx_partition(&f, 4);
	/* 16 MiB page (16M/16M, LP bits 12-23 zero): base owned, tail not. */
	CHECK_RC(HC(&f, p, H_ENTER, 0, 0, pteh, fx_ptel(0)), H_PARAMETER);
	/* 4K base / 16M actual (enc 0x38): same. */
	CHECK_RC(HC(&f, p, H_ENTER, 0, 0, pteh, fx_ptel(0) | 0x38000), H_PARAMETER);
	/* 64 KiB page (4K base, enc 0x7) inside one owned LMB: fine. */
	CHECK_RC(HC(&f, p, H_ENTER, 0, 0, pteh, fx_ptel(0x10000) | 0x7000), H_SUCCESS);
	CHECK_EQ(fx_hw1(&f, p, 0) & 0xFFFF, 0x7000 | HPTE_R_M | 0x2);
	CHECK_EQ(fx_hw1(&f, p, 0) & HPTE_R3_RPN & ~0xFFFFull, fx_real(&f, p, 0x10000).v);
	/* 64 KiB page in the last 64 KiB of the last LMB is owned; one beyond is not. */
	CHECK_RC(HC(&f, p, H_ENTER, 0, 8, pteh, fx_ptel(4 * LMB - 0x10000) | 0x7000), H_SUCCESS);
	CHECK_RC(HC(&f, p, H_ENTER, 0, 8, pteh, fx_ptel(4 * LMB) | 0x7000), H_PARAMETER);
	fx_fini(&f);
}

TEST(enter_requires_ram_wimg)
{
	struct fx f;
	uint32_t p;
	uint64_t pteh = fx_pteh(VSID, EA), la = 0x3000;

	fx_init(&f, 0, 0);
	p = fx_partition(&f, 4);
	CHECK_RC(HC(&f, p, H_ENTER, 0, 0, pteh, la | 0x2), H_PARAMETER);                        /* M=0 */
	CHECK_RC(HC(&f, p, H_ENTER, 0, 0, pteh, la | HPTE_R_M | HPTE_R_I | 0x2), H_PARAMETER); /* cache-inhibited RAM */
	CHECK_RC(HC(&f, p, H_ENTER, 0, 0, pteh, la | HPTE_R_M | HPTE_R_G | 0x2), H_PARAMETER);
	CHECK_RC(HC(&f, p, H_ENTER, 0, 0, pteh, la | HPTE_R_M | HPTE_R_W | 0x2), H_PARAMETER);
	CHECK_EQ(fx_hw0(&f, p, 0), 0);
	CHECK_RC(HC(&f, p, H_ENTER, 0, 0, pteh, la | HPTE_R_M | 0x2), H_SUCCESS);
	fx_fini(&f);
}

TEST(enter_strips_hypervisor_sw_bits_keeps_guest_sw_and_forces_valid)
{
	struct fx f;
	uint32_t p;
	uint64_t pteh = fx_pteh(VSID, EA) & ~HPTE_V_VALID;

	fx_init(&f, 0, 0);
	p = fx_partition(&f, 4);
	CHECK_RC(HC(&f, p, H_ENTER, 0, 0, pteh | 0x78, fx_ptel(0x1000)), H_SUCCESS);
	CHECK_EQ(hv_part(&f.m, p)->meta[0].gdw0, pteh | 0x18 | HPTE_V_VALID);
	CHECK_EQ(fx_hw0(&f, p, 0), (pteh | 0x18 | HPTE_V_VALID) & HPTE_V3_COMMON);
	CHECK_RC(HC(&f, p, H_READ, 0, 0), H_SUCCESS);
	CHECK_EQ(f.out[0] & HPTE_V_HV_SW, 0);
	CHECK_EQ(f.out[0] & HPTE_V_GUEST_SW, 0x18);
	/* TS (reserved) is dropped from the stored dword 1. */
	CHECK_RC(HC(&f, p, H_ENTER, 0, 8, fx_pteh(VSID, EA), fx_ptel(0x1000) | HPTE_R_TS), H_SUCCESS);
	CHECK_EQ(fx_hw1(&f, p, 8) & HPTE_R_TS, 0);
	CHECK_EQ(hv_part(&f.m, p)->meta[8].gdw1 & HPTE_R_TS, 0);
	fx_fini(&f);
}

TEST(enter_zero_page_flag_zeroes_only_the_target_page)
{
	struct fx f;
	uint32_t p;

	fx_init(&f, 0, 0);
	p = fx_partition(&f, 4);
	fx_write64(&f, p, 0x5008, 0x1122334455667788ull);
	fx_write64(&f, p, 0x6008, 0x99);
	CHECK_RC(HC(&f, p, H_ENTER, 0, 0, fx_pteh(VSID, EA), fx_ptel(0x5000)), H_SUCCESS);
	CHECK_EQ(fx_read64(&f, p, 0x5008), 0x1122334455667788ull);
	CHECK_RC(HC(&f, p, H_ENTER, H_ZERO_PAGE, 0, fx_pteh(VSID, EA), fx_ptel(0x5000)), H_SUCCESS);
	CHECK_EQ(fx_read64(&f, p, 0x5008), 0);
	CHECK_EQ(fx_read64(&f, p, 0x6008), 0x99);
	fx_fini(&f);
}

TEST(remove_returns_old_words_invalidates_and_flushes)
{
	struct fx f;
	uint32_t p;
	uint64_t pteh = fx_pteh(VSID, EA), ptel = fx_ptel(0x1000), before;

	fx_init(&f, 0, 0);
	p = fx_partition(&f, 4);
	CHECK_RC(HC(&f, p, H_ENTER, 0, 0x40, pteh, ptel), H_SUCCESS);
	fx_mmu_set_rc(&f, p, 0x40, HPTE_R_C);
	before = tlb_flushes(&f);
	CHECK_RC(HC(&f, p, H_REMOVE, 0, 0x40, 0), H_SUCCESS);
	CHECK_EQ(f.out[0], pteh);
	CHECK_EQ(f.out[1], ptel | HPTE_R_C);
	CHECK_EQ(f.out[2], 0);
	CHECK_EQ(tlb_flushes(&f), before + 1);
	CHECK_EQ(fx_hw0(&f, p, 0x40), 0);
	CHECK_EQ(fx_hw1(&f, p, 0x40), 0);
	CHECK_EQ(hv_part(&f.m, p)->meta[0x40].gdw0, 0);
	CHECK_EQ(f.m.lmb[hv_lmb_of(&f.m, fx_real(&f, p, 0x1000))].hpte_count, 0);
	fx_fini(&f);
}

TEST(remove_not_found_paths_leave_entry_intact)
{
	struct fx f;
	uint32_t p;
	uint64_t pteh = fx_pteh(VSID, EA) | 0x10 /* bolted */, ptel = fx_ptel(0x1000);

	fx_init(&f, 0, 0);
	p = fx_partition(&f, 4);
	CHECK_RC(HC(&f, p, H_REMOVE, 0, 0x40, 0), H_NOT_FOUND); /* empty slot */
	CHECK_RC(HC(&f, p, H_ENTER, 0, 0x40, pteh, ptel), H_SUCCESS);
	hpt_snapshot(&f, p, snap_a);
	CHECK_RC(HC(&f, p, H_REMOVE, H_AVPN, 0x40, (pteh & ~0x7Full) ^ 0x80), H_NOT_FOUND);
	CHECK_RC(HC(&f, p, H_REMOVE, H_ANDCOND, 0x40, 0x10), H_NOT_FOUND);
	CHECK_RC(HC(&f, p, H_REMOVE, H_AVPN | H_ANDCOND, 0x40, pteh & ~0x7Full), H_NOT_FOUND);
	hpt_snapshot(&f, p, snap_b);
	CHECK(memcmp(snap_a, snap_b, sizeof(snap_a)) == 0);
	CHECK_EQ(f.out[0], 0);
	CHECK_RC(HC(&f, p, H_REMOVE, H_AVPN, 0x40, pteh & ~0x7Full), H_SUCCESS);
	CHECK_EQ(f.out[0], pteh);
	fx_fini(&f);
}

TEST(remove_and_read_ptex_bounds)
{
	struct fx f;
	uint32_t p;

	fx_init(&f, 0, 0);
	p = fx_partition(&f, 4);
	CHECK_RC(HC(&f, p, H_REMOVE, 0, NHPTE, 0), H_PARAMETER);
	CHECK_RC(HC(&f, p, H_REMOVE, 0, 1ull << 63, 0), H_PARAMETER);
	CHECK_RC(HC(&f, p, H_READ, 0, NHPTE), H_PARAMETER);
	CHECK_RC(HC(&f, p, H_READ, H_READ_4, NHPTE), H_PARAMETER);
	CHECK_RC(HC(&f, p, H_READ, 0, 1ull << 63), H_PARAMETER);
	CHECK_RC(HC(&f, p, H_READ, H_READ_4, NHPTE - 1), H_SUCCESS);
	CHECK_RC(HC(&f, p, H_PROTECT, 0, NHPTE, 0), H_PARAMETER);
	CHECK_RC(HC(&f, p, H_CLEAR_REF, 0, NHPTE), H_PARAMETER);
	CHECK_RC(HC(&f, p, H_CLEAR_MOD, 0, ~0ull), H_PARAMETER);
	fx_fini(&f);
}

TEST(read_4_rounds_down_and_returns_four_entries)
{
	struct fx f;
	uint32_t p, i;

	fx_init(&f, 0, 0);
	p = fx_partition(&f, 4);
	for (i = 0; i < 3; i++) {
		CHECK_RC(HC(&f, p, H_ENTER, H_EXACT, 0x40 + i, fx_pteh(VSID, EA), fx_ptel(0x1000 * (i + 1))), H_SUCCESS);
	}
	CHECK_RC(HC(&f, p, H_READ, H_READ_4, 0x43), H_SUCCESS);
	for (i = 0; i < 3; i++) {
		CHECK_EQ(f.out[2 * i], fx_pteh(VSID, EA));
		CHECK_EQ(f.out[2 * i + 1], fx_ptel(0x1000 * (i + 1)));
	}
	CHECK_EQ(f.out[6], 0); /* slot 0x43 empty */
	CHECK_EQ(f.out[7], 0);
	CHECK_EQ(f.out[8], 0); /* r12 is not an output */
	CHECK_RC(HC(&f, p, H_READ, 0, 0x41), H_SUCCESS);
	CHECK_EQ(f.out[1], fx_ptel(0x2000));
	CHECK_EQ(f.out[2], 0);
	fx_fini(&f);
}

TEST(read_outputs_logical_page_and_live_rc_never_real)
{
	struct fx f;
	uint32_t p;
	hv_raddr_t ra;

	fx_init(&f, 0, 0);
	p = fx_partition(&f, 4);
	ra = fx_real(&f, p, 0x2000);
	CHECK(ra.v != 0x2000);
	CHECK_RC(HC(&f, p, H_ENTER, 0, 0, fx_pteh(VSID, EA), fx_ptel(0x2000)), H_SUCCESS);
	fx_mmu_set_rc(&f, p, 0, HPTE_R_R | HPTE_R_C);
	CHECK_RC(HC(&f, p, H_READ, 0, 0), H_SUCCESS);
	CHECK_EQ(f.out[1], fx_ptel(0x2000) | HPTE_R_R | HPTE_R_C);
	CHECK_EQ(f.out[1] & HPTE_R_RPN, 0x2000);
	fx_fini(&f);
}

TEST(protect_rewrites_prot_bits_flushes_and_keeps_hardware_rc)
{
	struct fx f;
	uint32_t p;
	uint64_t pteh = fx_pteh(VSID, EA), before, flags;

	fx_init(&f, 0, 0);
	p = fx_partition(&f, 4);
	CHECK_RC(HC(&f, p, H_ENTER, 0, 0, pteh, fx_ptel(0x1000)), H_SUCCESS);
	fx_mmu_set_rc(&f, p, 0, HPTE_R_R | HPTE_R_C);
	before = tlb_flushes(&f);
	/* PP=11 (read-only), N, PP0, key 0x1F across both key fields. */
	flags = 0x3 | H_N | H_PROTECT_PP0 | H_PROTECT_KEY_LO | H_PROTECT_KEY_HI;
	CHECK_RC(HC(&f, p, H_PROTECT, flags | H_AVPN, 0, pteh & ~0x7Full), H_SUCCESS);
	CHECK_EQ(tlb_flushes(&f), before + 1);
	CHECK_EQ(hv_part(&f.m, p)->meta[0].gdw1,
		 0x1000 | HPTE_R_M | 0x3 | HPTE_R_N | HPTE_R_PP0 | HPTE_R_KEY_LO | HPTE_R_KEY_HI);
	CHECK_EQ(fx_hw1(&f, p, 0), fx_real(&f, p, 0x1000).v | HPTE_R_M | 0x3 | HPTE_R_N | HPTE_R_PP0 | HPTE_R_KEY_LO |
					  HPTE_R_KEY_HI | HPTE_R_R | HPTE_R_C);
	CHECK_EQ(fx_hw0(&f, p, 0), pteh & HPTE_V3_COMMON);
	/* Same protection again: nothing to rewrite, no flush. */
	before = tlb_flushes(&f);
	CHECK_RC(HC(&f, p, H_PROTECT, flags, 0, 0), H_SUCCESS);
	CHECK_EQ(tlb_flushes(&f), before);
	fx_fini(&f);
}

TEST(protect_not_found_paths)
{
	struct fx f;
	uint32_t p;
	uint64_t pteh = fx_pteh(VSID, EA);

	fx_init(&f, 0, 0);
	p = fx_partition(&f, 4);
	CHECK_RC(HC(&f, p, H_PROTECT, 0x3, 0, 0), H_NOT_FOUND);
	CHECK_RC(HC(&f, p, H_ENTER, 0, 0, pteh, fx_ptel(0x1000)), H_SUCCESS);
	hpt_snapshot(&f, p, snap_a);
	CHECK_RC(HC(&f, p, H_PROTECT, 0x3 | H_AVPN, 0, (pteh & ~0x7Full) + 0x80), H_NOT_FOUND);
	hpt_snapshot(&f, p, snap_b);
	CHECK(memcmp(snap_a, snap_b, sizeof(snap_a)) == 0);
	CHECK_EQ(hv_part(&f.m, p)->meta[0].gdw1, fx_ptel(0x1000));
	fx_fini(&f);
}

/* Appendix B.1: VSID 0x123456, EA 0x1234_5000, HPT of 256 KiB. */
TEST(appendix_b1_encoding_and_tlbie_rb)
{
	struct fx f;
	uint32_t p;
	uint64_t pteh = fx_pteh(VSID, EA), rb;
	uint64_t hash = VSID ^ ((EA & 0x0FFFFFFF) >> 12);

	CHECK_EQ(pteh, 0x0000000123456201ull);
	CHECK_EQ(hash, 0x121713);
	CHECK_EQ(hash & 0x7FF, 0x713);
	CHECK_EQ((~hash) & 0x7FF, 0x0EC);
	fx_init(&f, 0, 0);
	p = fx_partition(&f, 4);
	CHECK_RC(HC(&f, p, H_ENTER, 0, (hash & 0x7FF) * 8, pteh, 0x0000000000001012ull), H_SUCCESS);
	CHECK_EQ(f.out[0], 0x3898);
	/* tlbie RB: AVA from dword 0, the low page-index bits recovered from the PTEG. */
	rb = hv_hpte_tlbie_rb(pteh, 0x1012, 0x3898);
	CHECK_EQ((rb >> 12) & 0x7FF, 0x2345 & 0x7FF);
	CHECK_EQ(rb & ~0xFFFFFFull, (pteh & ~0x7Full) << 16 & ~0xFFFFFFull);
	/* The same page placed through the secondary hash (H=1) gives the same RB page bits. */
	rb = hv_hpte_tlbie_rb(pteh | HPTE_V_SECONDARY, 0x1012, 0x0EC * 8);
	CHECK_EQ((rb >> 12) & 0x7FF, 0x345);
	fx_fini(&f);
}

/* Appendix B.2: 64 KiB page in a 1 TB segment; B moves to dword 1 in the ISA 3.0 format. */
TEST(appendix_b2_64k_page_1t_segment)
{
	struct fx f;
	uint32_t p;
	unsigned base, actual;
	uint64_t pteh = 0x4000001234123405ull, ptel = 0x20000 | 0x1000 | HPTE_R_M | 0x2;

	CHECK(hv_hpte_decode_size(pteh, ptel, &base, &actual));
	CHECK_EQ(base, 16);
	CHECK_EQ(actual, 16);
	fx_init(&f, 0, 0);
	p = fx_partition(&f, 4);
	CHECK_RC(HC(&f, p, H_ENTER, 0, 0x662 * 8, pteh, ptel), H_SUCCESS);
	CHECK_EQ(fx_hw0(&f, p, 0x662 * 8), pteh & HPTE_V3_COMMON);
	CHECK_EQ(fx_hw1(&f, p, 0x662 * 8), fx_real(&f, p, 0x20000).v | 0x1000 | HPTE_R_M | 0x2 | (1ull << HPTE_R3_SSIZE_SHIFT));
	CHECK_RC(HC(&f, p, H_READ, 0, 0x662 * 8), H_SUCCESS);
	CHECK_EQ(f.out[0], pteh);
	CHECK_EQ(f.out[1], ptel);
	fx_fini(&f);
}

TEST(page_size_decode_table)
{
	unsigned b, a;

	CHECK(hv_hpte_decode_size(0, 0x1000, &b, &a) && b == 12 && a == 12);
	CHECK(hv_hpte_decode_size(HPTE_V_LARGE, 0x7000, &b, &a) && b == 12 && a == 16);
	CHECK(hv_hpte_decode_size(HPTE_V_LARGE, 0x38000, &b, &a) && b == 12 && a == 24);
	CHECK(hv_hpte_decode_size(HPTE_V_LARGE, 0x1000, &b, &a) && b == 16 && a == 16);
	CHECK(hv_hpte_decode_size(HPTE_V_LARGE, 0x8000, &b, &a) && b == 16 && a == 24);
	CHECK(hv_hpte_decode_size(HPTE_V_LARGE, 0x1000000, &b, &a) && b == 24 && a == 24);
	CHECK(hv_hpte_decode_size(HPTE_V_LARGE, 0x3000, &b, &a) && b == 34 && a == 34);
	CHECK(!hv_hpte_decode_size(HPTE_V_LARGE, 0x5000, &b, &a));
	CHECK(!hv_hpte_decode_size(HPTE_V_LARGE, 0x138000, &b, &a)); /* bits 20-23 set under 16M */
}

/* Appendix B.3: bulk-remove request and response words. */
TEST(appendix_b3_bulk_remove_responses)
{
	struct fx f;
	uint32_t p;
	uint64_t pteh = fx_pteh(VSID, EA), tsl = pteh & ~0x7Full;

	fx_init(&f, 0, 0);
	p = fx_partition(&f, 4);
	CHECK_RC(HC(&f, p, H_ENTER, H_EXACT, 0x3898, pteh, 0x1012), H_SUCCESS);
	fx_mmu_set_rc(&f, p, 0x3898, HPTE_R_R);
	CHECK_RC(HC(&f, p, H_BULK_REMOVE, 0x4200000000003898ull, tsl, 0x4200000000003898ull, tsl, HBR_END, 0, 0, 0),
		 H_SUCCESS);
	CHECK_EQ(f.out[0], 0x8A00000000003898ull);
	CHECK_EQ(f.out[1], tsl);
	CHECK_EQ(f.out[2], 0x9200000000003898ull); /* already removed: not found */
	CHECK_EQ(f.out[4], HBR_END);
	CHECK_EQ(fx_hw0(&f, p, 0x3898), 0);
	/* Both ANDCOND and AVPN: parameter error, the call fails. */
	CHECK_RC(HC(&f, p, H_BULK_REMOVE, 0x4300000000003898ull, tsl, HBR_END, 0, 0, 0, 0, 0), H_PARAMETER);
	CHECK_EQ(f.out[0], 0xA300000000003898ull);
	CHECK_RC(HC(&f, p, H_BULK_REMOVE, 0x4200000000000000ull | NHPTE, tsl, HBR_END, 0, 0, 0, 0, 0), H_PARAMETER);
	CHECK_EQ(f.out[0], 0xA200000000000000ull | NHPTE);
	fx_fini(&f);
}

TEST(bulk_remove_partial_progress_stops_at_bad_type)
{
	struct fx f;
	uint32_t p;

	fx_init(&f, 0, 0);
	p = fx_partition(&f, 4);
	CHECK_RC(HC(&f, p, H_ENTER, H_EXACT, 0x10, fx_pteh(VSID, EA), fx_ptel(0x1000)), H_SUCCESS);
	CHECK_RC(HC(&f, p, H_ENTER, H_EXACT, 0x20, fx_pteh(VSID, EA), fx_ptel(0x2000)), H_SUCCESS);
	/* Pair 0 removes 0x10 (absolute), pair 1 has type 00: error, pair 2 never runs. */
	CHECK_RC(HC(&f, p, H_BULK_REMOVE, HBR_REQUEST | 0x10, 0, 0x20, 0, HBR_REQUEST | 0x20, 0, HBR_END, 0),
		 H_PARAMETER);
	CHECK_EQ(f.out[0], HBR_RESPONSE | 0x10);
	CHECK_EQ(f.out[2], HBR_RESPONSE | HBR_RESULT_PARM | 0x20);
	CHECK_EQ(f.out[4], HBR_REQUEST | 0x20);
	CHECK_EQ(fx_hw0(&f, p, 0x10), 0);
	CHECK(fx_hw0(&f, p, 0x20) & HPTE_V_VALID);
	/* ANDCOND request honours the mask. */
	CHECK_RC(HC(&f, p, H_BULK_REMOVE, HBR_REQUEST | HBR_ANDCOND | 0x20, 0x1, HBR_END, 0, 0, 0, 0, 0), H_SUCCESS);
	CHECK_EQ(f.out[0], HBR_RESPONSE | HBR_RESULT_NOT_FOUND | HBR_ANDCOND | 0x20);
	CHECK_RC(HC(&f, p, H_BULK_REMOVE, HBR_REQUEST | HBR_ANDCOND | 0x20, 0x10, 0, 0, 0, 0, 0, 0), H_PARAMETER);
	CHECK_EQ(f.out[0], HBR_RESPONSE | HBR_ANDCOND | 0x20);
	CHECK_EQ(fx_hw0(&f, p, 0x20), 0);
	fx_fini(&f);
}

TEST(clear_ref_clears_r_only_and_returns_previous_view)
{
	struct fx f;
	uint32_t p;
	uint64_t ptel = fx_ptel(0x1000), before;

	fx_init(&f, 0, 0);
	p = fx_partition(&f, 4);
	CHECK_RC(HC(&f, p, H_CLEAR_REF, 0, 0), H_NOT_FOUND);
	CHECK_RC(HC(&f, p, H_ENTER, 0, 0, fx_pteh(VSID, EA), ptel), H_SUCCESS);
	fx_mmu_set_rc(&f, p, 0, HPTE_R_R | HPTE_R_C);
	before = tlb_flushes(&f);
	CHECK_RC(HC(&f, p, H_CLEAR_REF, 0, 0), H_SUCCESS);
	CHECK_EQ(f.out[0], ptel | HPTE_R_R | HPTE_R_C);
	CHECK_EQ(tlb_flushes(&f), before + 1);
	CHECK_EQ(fx_hw1(&f, p, 0) & HPTE_R_RC, HPTE_R_C);
	CHECK_RC(HC(&f, p, H_READ, 0, 0), H_SUCCESS);
	CHECK_EQ(f.out[1], ptel | HPTE_R_C);
	fx_fini(&f);
}

TEST(clear_mod_clears_c_only_after_invalidation)
{
	struct fx f;
	uint32_t p;
	uint64_t ptel = fx_ptel(0x1000), before;

	fx_init(&f, 0, 0);
	p = fx_partition(&f, 4);
	CHECK_RC(HC(&f, p, H_CLEAR_MOD, 0, 0), H_NOT_FOUND);
	CHECK_RC(HC(&f, p, H_ENTER, 0, 0, fx_pteh(VSID, EA), ptel | HPTE_R_C), H_SUCCESS);
	fx_mmu_set_rc(&f, p, 0, HPTE_R_R);
	before = tlb_flushes(&f);
	CHECK_RC(HC(&f, p, H_CLEAR_MOD, 0, 0), H_SUCCESS);
	CHECK_EQ(f.out[0], ptel | HPTE_R_R | HPTE_R_C);
	CHECK_EQ(tlb_flushes(&f), before + 1);
	CHECK_EQ(fx_hw1(&f, p, 0) & HPTE_R_RC, HPTE_R_R);
	CHECK(fx_hw0(&f, p, 0) & HPTE_V_VALID);
	CHECK_RC(HC(&f, p, H_READ, 0, 0), H_SUCCESS);
	CHECK_EQ(f.out[1], ptel | HPTE_R_R);
	fx_fini(&f);
}

TEST(ptex_of_another_partition_resolves_in_own_hpt_only)
{
	struct fx f;
	uint32_t p0, p1;

	fx_init(&f, 0, 0);
	p0 = fx_partition(&f, 4);
	p1 = fx_partition(&f, 4);
	CHECK_RC(HC(&f, p0, H_ENTER, 0, 0x40, fx_pteh(VSID, EA), fx_ptel(0x1000)), H_SUCCESS);
	/* The same PTEX from p1 names p1's empty slot: nothing of p0 is visible or removable. */
	CHECK_RC(HC(&f, p1, H_READ, 0, 0x40), H_SUCCESS);
	CHECK_EQ(f.out[0], 0);
	CHECK_EQ(f.out[1], 0);
	CHECK_RC(HC(&f, p1, H_REMOVE, 0, 0x40, 0), H_NOT_FOUND);
	CHECK_RC(HC(&f, p1, H_PROTECT, 0, 0x40, 0), H_NOT_FOUND);
	CHECK(fx_hw0(&f, p0, 0x40) & HPTE_V_VALID);
	fx_fini(&f);
}

TEST(reverse_map_tracks_entries_per_lmb)
{
	struct fx f;
	uint32_t p, lmb;
	uint64_t i;

	fx_init(&f, 0, 0);
	p = fx_partition(&f, 4);
	lmb = hv_lmb_of(&f.m, fx_real(&f, p, 0));
	for (i = 0; i < 5; i++) {
		CHECK_RC(HC(&f, p, H_ENTER, 0, i * 8, fx_pteh(VSID, EA), fx_ptel(0x1000)), H_SUCCESS);
	}
	CHECK_EQ(f.m.lmb[lmb].hpte_count, 5);
	CHECK_RC(HC(&f, p, H_REMOVE, 0, 16, 0), H_SUCCESS); /* unlink from the middle */
	CHECK_EQ(f.m.lmb[lmb].hpte_count, 4);
	CHECK_RC(HC(&f, p, H_REMOVE, 0, 32, 0), H_SUCCESS); /* the head (last inserted) */
	CHECK_RC(HC(&f, p, H_REMOVE, 0, 0, 0), H_SUCCESS);  /* the tail */
	CHECK_EQ(f.m.lmb[lmb].hpte_count, 2);
	CHECK_EQ(f.m.lmb[lmb].hpte_head, hv_hpte_node(&f.m, p, 24));
	CHECK_EQ(hv_part(&f.m, p)->meta[24].next, hv_hpte_node(&f.m, p, 8));
	CHECK_EQ(hv_part(&f.m, p)->meta[8].next, 0);
	fx_fini(&f);
}
