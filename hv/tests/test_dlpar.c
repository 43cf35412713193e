/*
 * DLPAR of memory (papr-spec §5.3 "Hypervisor guarantees", §3.0 reverse map):
 * removing an LMB revokes every HPTE (aliases, primary and secondary slots,
 * larger pages whose base lies in another LMB), TCE and VPA/DTL registration
 * that refers to it, flushes, zeroes and frees it; the management-console
 * errors; partition destroy; hv_real_owner and hv_translate.
 */
#include <stdlib.h>
#include <string.h>

#include "../core/internal.h"
#include "fixture.h"
#include "testlib.h"

#define LMB    (256ull * 1024)
#define NHPTE  (1ull << (18 - 4))
#define LIOBN  0x1001u
#define MiB    (1ull << 20)

/* ---- helpers ---- */

static bool meta_zero(struct fx *f, uint32_t slot, uint64_t ptex)
{
	const struct hv_hpte_meta *e = &f->m.part[slot].meta[ptex];

	return !e->gdw0 && !e->gdw1 && !e->next && !e->prev && !e->lmb;
}

/* Every TLB entry flush, recorded through the platform hooks. */
static unsigned flush_entries, flush_wrong_lpid;
static uint32_t flush_lpid_expected;

static void on_flush_entry(void *ctx, struct hv_plat *p, uint32_t lpid, uint64_t rb)
{
	(void)ctx, (void)p, (void)rb;
	flush_entries++;
	flush_wrong_lpid += lpid != flush_lpid_expected;
}

/*
 * A partition whose logical LMBs 0..63 (its whole logical space) are real
 * LMBs real_first..real_first+63: with real_first = 64, a 16 MiB aligned run
 * for one 16 MiB page at logical 0.
 */
static uint32_t big_partition(struct fx *f, uint32_t real_first)
{
	uint32_t s, i;

	CHECK_EQ(hv_partition_create(&f->m, 18, true, &s), HV_OK);
	for (i = 0; i < 64; i++) {
		CHECK_EQ(hv_dlpar_mem_add(&f->m, s, i, real_first + i), HV_OK);
	}
	CHECK_EQ(hv_dlpar_cpu_add(&f->m, s, 0), HV_OK);
	return s;
}

#define LA16M   0ull /* logical 0, real 16 MiB */
#define PTEL16M (LA16M | HPTE_R_M | 0x2)

/* ---- DLPAR remove ---- */

TEST(remove_revokes_hptes_tces_vpa_and_scrubs)
{
	struct fx f;
	const uint64_t la1 = LMB; /* logical LMB 1 */
	uint64_t ptex[5], off;
	uint32_t s, s2, real;
	struct hv_host_stats st0, st1;
	unsigned i;

	fx_init(&f, 0, 0);
	s = fx_partition(&f, 4);
	for (off = 0; off < LMB; off += 0x1000) {
		fx_write64(&f, s, la1 + off, 0xA5A5000000000000ull | off);
	}
	/* Two aliases of one page in one group, one in a secondary slot, one more alias there, the last page. */
	ptex[0] = fx_enter(&f, s, 0, fx_pteh(0x100, 0x1000), fx_ptel(la1));
	ptex[1] = fx_enter(&f, s, 0, fx_pteh(0x101, 0x2000), fx_ptel(la1));
	ptex[2] = fx_enter(&f, s, 0x80, fx_pteh(0x102, 0x3000) | HPTE_V_SECONDARY, fx_ptel(la1 + 0x1000));
	ptex[3] = fx_enter(&f, s, 0x80, fx_pteh(0x103, 0x4000) | HPTE_V_SECONDARY, fx_ptel(la1));
	ptex[4] = fx_enter(&f, s, 0x3FF8, fx_pteh(0x104, 0x5000), fx_ptel(la1 + LMB - 0x1000));
	CHECK_EQ(ptex[0], 0);
	CHECK_EQ(ptex[1], 1);
	CHECK_EQ(ptex[2], 0x80);
	CHECK_EQ(ptex[3], 0x81);
	CHECK_EQ(ptex[4], 0x3FF8);
	real = fx_real_lmb_of(&f, s, la1);
	CHECK_EQ(f.m.lmb[real].hpte_count, 5);
	for (i = 0; i < 5; i++) {
		CHECK(fx_hw0(&f, s, ptex[i]) & HPTE_V_VALID);
		CHECK_EQ((fx_hw1(&f, s, ptex[i]) & HPTE_R3_RPN) >> f.m.lmb_shift, real);
	}

	/* TCEs: two into LMB 1 (RW, R), two elsewhere. */
	CHECK_EQ(hv_window_assign(&f.m, s, LIOBN, 0, 16), HV_OK);
	CHECK_RC(HC(&f, s, H_PUT_TCE, LIOBN, 0x0000, la1 | 3), H_SUCCESS);
	CHECK_RC(HC(&f, s, H_PUT_TCE, LIOBN, 0x1000, (la1 + 0x2000) | 1), H_SUCCESS);
	CHECK_RC(HC(&f, s, H_PUT_TCE, LIOBN, 0x2000, 0x3000 | 3), H_SUCCESS);
	CHECK_RC(HC(&f, s, H_PUT_TCE, LIOBN, 0x3000, (2 * LMB + 0x1000) | 2), H_SUCCESS);

	/* A VPA in LMB 1: the hypervisor writes the yield count there on dispatch. */
	fx_register_vpa(&f, s, la1 + 0x3000);
	fx_redispatch(&f, s);
	CHECK(f.m.part[s].vcpu[0].vpa.on);
	CHECK_EQ(fx_read64(&f, s, la1 + 0x3100) >> 32, f.m.part[s].vcpu[0].yield_count);
	CHECK(f.m.part[s].vcpu[0].yield_count != 0);

	st0 = fx_stats(&f);
	CHECK_EQ(hv_dlpar_mem_remove(&f.m, s, 1), HV_OK);
	st1 = fx_stats(&f);

	/* Every HPTE invalid in the hardware HPT and in the shadow; one tlbie each at least. */
	for (i = 0; i < 5; i++) {
		CHECK_EQ(fx_hw0(&f, s, ptex[i]), 0);
		CHECK_EQ(fx_hw1(&f, s, ptex[i]), 0);
		CHECK(meta_zero(&f, s, ptex[i]));
	}
	CHECK(st1.tlb_entry_flushes - st0.tlb_entry_flushes >= 5);
	CHECK(st1.tlb_lpid_flushes - st0.tlb_lpid_flushes >= 1);
	CHECK(st1.iotlb_flushes - st0.iotlb_flushes >= 2);
	CHECK_EQ(f.m.lmb[real].hpte_count, 0);
	CHECK_EQ(f.m.lmb[real].hpte_head, 0);

	/* TCEs into the LMB cleared (guest view and real table), the others untouched. */
	CHECK_EQ(fx_get_tce(&f, s, LIOBN, 0x0000), 0);
	CHECK_EQ(fx_get_tce(&f, s, LIOBN, 0x1000), 0);
	CHECK_EQ(fx_tce_real(&f, s, LIOBN, 0), 0);
	CHECK_EQ(fx_tce_real(&f, s, LIOBN, 1), 0);
	CHECK_EQ(fx_tce_shadow(&f, s, LIOBN, 0), 0);
	CHECK_EQ(fx_tce_shadow(&f, s, LIOBN, 1), 0);
	CHECK_EQ(fx_get_tce(&f, s, LIOBN, 0x2000), 0x3000 | 3);
	CHECK_EQ(fx_tce_real(&f, s, LIOBN, 2), fx_real(&f, s, 0x3000).v | 3);
	CHECK_EQ(fx_get_tce(&f, s, LIOBN, 0x3000), (2 * LMB + 0x1000) | 2);
	CHECK_EQ(fx_tce_real(&f, s, LIOBN, 3), fx_real(&f, s, 2 * LMB + 0x1000).v | 2);

	/* Registration dropped; the LMB is free and zero; the partition no longer maps it. */
	CHECK(!f.m.part[s].vcpu[0].vpa.on);
	CHECK_EQ(f.m.lmb[real].state, HV_LMB_FREE);
	CHECK(fx_real_is_zero(&f, fx_lmb_base(&f, real), LMB));
	CHECK_EQ(f.m.part[s].lmb_count, 3);
	CHECK_EQ(f.m.part[s].lmap[1], 0);
	CHECK_EQ(hv_real_owner(&f.m, fx_lmb_base(&f, real)), -1);
	{
		hv_raddr_t ra;

		CHECK(!hv_translate(&f.m, &f.m.part[s], hv_la(la1), 8, &ra));
	}

	/* Another partition gets exactly that LMB: it reads zero there. */
	CHECK_EQ(hv_partition_create(&f.m, 18, true, &s2), HV_OK);
	CHECK_EQ(hv_dlpar_cpu_add(&f.m, s2, 0), HV_OK);
	CHECK_EQ(hv_dlpar_mem_add(&f.m, s2, 0, real), HV_OK);
	CHECK_EQ(fx_real(&f, s2, 0).v, fx_lmb_base(&f, real).v);
	CHECK(fx_real_is_zero(&f, fx_lmb_base(&f, real), LMB));
	CHECK_EQ(hv_real_owner(&f.m, fx_lmb_base(&f, real)), s2);

	/* The old owner sees nothing and can reach nothing of it. */
	for (i = 0; i < 5; i++) {
		CHECK_RC(HC(&f, s, H_READ, 0, ptex[i]), H_SUCCESS);
		CHECK_EQ(f.out[0], 0);
		CHECK_EQ(f.out[1], 0);
		CHECK_RC(HC(&f, s, H_REMOVE, 0, ptex[i], 0), H_NOT_FOUND);
	}
	CHECK_RC(HC(&f, s, H_ENTER, 0, 0x100, fx_pteh(0x200, 0x1000), fx_ptel(la1)), H_PARAMETER);
	CHECK_RC(HC(&f, s, H_ENTER, 0, 0x100, fx_pteh(0x200, 0x1000), fx_ptel(la1 + LMB - 0x1000)), H_PARAMETER);
	CHECK_EQ(fx_hw0(&f, s, 0x100), 0);
	CHECK_RC(HC(&f, s, H_PUT_TCE, LIOBN, 0x0000, la1 | 3), H_PARAMETER);
	CHECK_RC(HC(&f, s, H_PUT_TCE, LIOBN, 0x0000, (la1 + 0x2000) | 1), H_PARAMETER);
	CHECK_EQ(fx_tce_real(&f, s, LIOBN, 0), 0);
	CHECK_EQ(fx_tce_shadow(&f, s, LIOBN, 0), 0);
	CHECK_RC(HC(&f, s, H_REGISTER_VPA, 1ull << 45, 0, la1 + 0x3000), H_PARAMETER);
	CHECK(!f.m.part[s].vcpu[0].vpa.on);

	/* Dispatching the old owner again writes nothing into the new owner's page. */
	fx_redispatch(&f, s);
	fx_redispatch(&f, s);
	CHECK(fx_real_is_zero(&f, fx_lmb_base(&f, real), LMB));
	fx_fini(&f);
}

TEST(remove_keeps_hptes_and_tces_of_other_lmbs_exact)
{
	struct fx f;
	uint32_t s, i;
	uint64_t keep[4], w0[4], w1[4], r[4], off, t0, t1;

	fx_init(&f, 0, 0);
	s = fx_partition(&f, 4);
	for (off = 0; off < 4 * LMB; off += 0x8000) {
		fx_write64(&f, s, off, 0x1111000000000000ull | off);
	}
	keep[0] = fx_enter(&f, s, 0x10, fx_pteh(0x10, 0), fx_ptel(0));                        /* LMB 0 */
	keep[1] = fx_enter(&f, s, 0x10, fx_pteh(0x11, 0), fx_ptel(LMB - 0x1000));             /* LMB 0, last page */
	keep[2] = fx_enter(&f, s, 0x18, fx_pteh(0x12, 0) | HPTE_V_SECONDARY, fx_ptel(2 * LMB)); /* LMB 2, first page */
	keep[3] = fx_enter(&f, s, 0x20, fx_pteh(0x13, 0), fx_ptel(3 * LMB + 0x7000));         /* LMB 3 */
	fx_enter(&f, s, 0x10, fx_pteh(0x14, 0), fx_ptel(LMB));                                 /* LMB 1: goes */
	fx_enter(&f, s, 0x18, fx_pteh(0x15, 0), fx_ptel(2 * LMB - 0x1000));                    /* LMB 1: goes */
	CHECK_EQ(hv_window_assign(&f.m, s, LIOBN, 0x100000, 8), HV_OK);
	CHECK_RC(HC(&f, s, H_PUT_TCE, LIOBN, 0x100000, (LMB - 0x1000) | 3), H_SUCCESS);
	CHECK_RC(HC(&f, s, H_PUT_TCE, LIOBN, 0x101000, (2 * LMB) | 1), H_SUCCESS);
	CHECK_RC(HC(&f, s, H_PUT_TCE, LIOBN, 0x102000, LMB | 3), H_SUCCESS);
	for (i = 0; i < 4; i++) {
		w0[i] = fx_hw0(&f, s, keep[i]);
		w1[i] = fx_hw1(&f, s, keep[i]);
		CHECK_RC(HC(&f, s, H_READ, 0, keep[i]), H_SUCCESS);
		r[i] = f.out[1];
	}
	t0 = fx_tce_real(&f, s, LIOBN, 0);
	t1 = fx_tce_real(&f, s, LIOBN, 1);

	CHECK_EQ(hv_dlpar_mem_remove(&f.m, s, 1), HV_OK);

	for (i = 0; i < 4; i++) {
		CHECK_EQ(fx_hw0(&f, s, keep[i]), w0[i]);
		CHECK_EQ(fx_hw1(&f, s, keep[i]), w1[i]);
		CHECK_RC(HC(&f, s, H_READ, 0, keep[i]), H_SUCCESS);
		CHECK_EQ(f.out[1], r[i]);
		CHECK_EQ(f.out[0] & HPTE_V_VALID, HPTE_V_VALID);
	}
	CHECK_EQ(fx_hw0(&f, s, 0x12), 0);
	CHECK_EQ(fx_hw0(&f, s, 0x19), 0);
	CHECK_EQ(fx_tce_real(&f, s, LIOBN, 0), t0);
	CHECK_EQ(fx_tce_real(&f, s, LIOBN, 1), t1);
	CHECK_EQ(fx_tce_real(&f, s, LIOBN, 2), 0);
	/* Contents of the other LMBs untouched. */
	for (off = 0; off < 4 * LMB; off += 0x8000) {
		if (off >= LMB && off < 2 * LMB) {
			continue;
		}
		CHECK_EQ(fx_read64(&f, s, off), 0x1111000000000000ull | off);
	}
	/* The surviving entries can still be removed normally (reverse map intact). */
	for (i = 0; i < 4; i++) {
		CHECK_RC(HC(&f, s, H_REMOVE, 0, keep[i], 0), H_SUCCESS);
	}
	for (i = 0; i < f.m.lmb_count; i++) {
		CHECK_EQ(f.m.lmb[i].hpte_count, 0);
	}
	fx_fini(&f);
}

TEST(remove_flushes_once_per_hpte_for_the_owner)
{
	struct fx f;
	struct hv_host_hooks hooks = { .tlb_flush_entry = on_flush_entry };
	uint32_t s, other, real;
	uint64_t pg, ptex[64];

	fx_init(&f, 0, 0);
	other = fx_partition(&f, 1);
	fx_enter(&f, other, 0x40, fx_pteh(0x99, 0), fx_ptel(0));
	s = fx_partition(&f, 2);
	for (pg = 0; pg < 64; pg++) {
		ptex[pg] = fx_enter(&f, s, pg * 8 + (pg & 1 ? 3 : 0), fx_pteh(0x200 + pg, pg << 12), fx_ptel(LMB + pg * 0x1000));
	}
	real = fx_real_lmb_of(&f, s, LMB);
	CHECK_EQ(f.m.lmb[real].hpte_count, 64);
	flush_entries = flush_wrong_lpid = 0;
	flush_lpid_expected = f.m.part[s].lpid;
	hv_host_plat_set_hooks(f.plat, &hooks, 0);
	CHECK_EQ(hv_dlpar_mem_remove(&f.m, s, 1), HV_OK);
	hv_host_plat_set_hooks(f.plat, 0, 0);
	CHECK(flush_entries >= 64);
	CHECK_EQ(flush_wrong_lpid, 0);
	for (pg = 0; pg < 64; pg++) {
		CHECK_EQ(fx_hw0(&f, s, ptex[pg]), 0);
		CHECK_EQ(fx_hw1(&f, s, ptex[pg]), 0);
		CHECK(meta_zero(&f, s, ptex[pg]));
	}
	/* The other partition's entry is untouched. */
	CHECK(fx_hw0(&f, other, 0x40) & HPTE_V_VALID);
	CHECK_EQ(fx_hw1(&f, other, 0x40) & HPTE_R3_RPN, fx_real(&f, other, 0).v);
	fx_fini(&f);
}

TEST(remove_middle_lmb_of_16m_page_invalidates_it)
{
	struct fx f;
	uint32_t s;
	uint64_t big, small_in, small_out, w0, w1;

	fx_init(&f, 0, 0);
	CHECK(f.m.hv_bytes <= 64 * LMB);
	s = big_partition(&f, 64);
	big = fx_enter(&f, s, 0x200, fx_pteh(0x77, 0) | HPTE_V_LARGE, PTEL16M);
	CHECK_EQ(big, 0x200);
	CHECK_EQ(fx_hw1(&f, s, big) & HPTE_R3_RPN, 16 * MiB);
	CHECK(fx_hw0(&f, s, big) & HPTE_V_LARGE);
	CHECK_EQ(f.m.lmb[64].hpte_count, 1); /* linked on its base LMB only */
	CHECK_EQ(f.m.lmb[100].hpte_count, 0);
	small_in = fx_enter(&f, s, 0x300, fx_pteh(0x78, 0), fx_ptel(36 * LMB + 0x5000)); /* real LMB 100 */
	small_out = fx_enter(&f, s, 0x308, fx_pteh(0x79, 0), fx_ptel(26 * LMB));         /* real LMB 90 */
	w0 = fx_hw0(&f, s, small_out);
	w1 = fx_hw1(&f, s, small_out);

	CHECK_EQ(hv_dlpar_mem_remove(&f.m, s, 36), HV_OK); /* real LMB 100 */

	CHECK_EQ(fx_hw0(&f, s, big), 0);
	CHECK_EQ(fx_hw1(&f, s, big), 0);
	CHECK(meta_zero(&f, s, big));
	CHECK_EQ(fx_hw0(&f, s, small_in), 0);
	CHECK(meta_zero(&f, s, small_in));
	CHECK_EQ(fx_hw0(&f, s, small_out), w0);
	CHECK_EQ(fx_hw1(&f, s, small_out), w1);
	CHECK_EQ(f.m.lmb[64].hpte_count, 0);
	CHECK_EQ(f.m.lmb[64].hpte_head, 0);
	CHECK_EQ(f.m.lmb[100].state, HV_LMB_FREE);
	CHECK_RC(HC(&f, s, H_READ, 0, big), H_SUCCESS);
	CHECK_EQ(f.out[0], 0);
	CHECK_EQ(f.out[1], 0);
	/* With a hole in it, the 16 MiB page can no longer be entered. */
	CHECK_RC(HC(&f, s, H_ENTER, 0, 0x200, fx_pteh(0x77, 0) | HPTE_V_LARGE, PTEL16M), H_PARAMETER);
	CHECK_EQ(fx_hw0(&f, s, 0x200), 0);
	fx_fini(&f);
}

TEST(remove_base_or_last_lmb_of_16m_page_invalidates_it)
{
	static const uint32_t victims[2] = { 0, 63 }; /* real LMBs 64 (base) and 127 */
	unsigned k;

	for (k = 0; k < 2; k++) {
		struct fx f;
		uint32_t s;
		uint64_t big;

		fx_init(&f, 0, 0);
		s = big_partition(&f, 64);
		big = fx_enter(&f, s, 0x1000, fx_pteh(0x55, 0) | HPTE_V_LARGE, PTEL16M);
		CHECK_EQ(hv_dlpar_mem_remove(&f.m, s, victims[k]), HV_OK);
		CHECK_EQ(fx_hw0(&f, s, big), 0);
		CHECK_EQ(fx_hw1(&f, s, big), 0);
		CHECK(meta_zero(&f, s, big));
		CHECK_EQ(f.m.lmb[64].hpte_count, 0);
		CHECK(fx_real_is_zero(&f, fx_lmb_base(&f, 64 + victims[k]), LMB));
		CHECK_EQ(f.m.lmb[64 + victims[k]].state, HV_LMB_FREE);
		fx_fini(&f);
	}
}

TEST(remove_drops_only_registrations_inside_the_lmb)
{
	struct fx f;
	uint32_t s, y;

	fx_init(&f, 0, 0);
	s = fx_partition(&f, 2);
	/* VPA in LMB 0, DTL (480 bytes = 10 entries) in LMB 1. */
	fx_register_vpa(&f, s, 0x2000);
	fx_write64(&f, s, LMB + 0x1000, 480); /* be32 length at offset 4 */
	CHECK_RC(HC(&f, s, H_REGISTER_VPA, 2ull << 45, 0, LMB + 0x1000), H_SUCCESS);
	CHECK(f.m.part[s].vcpu[0].dtl.on);
	CHECK_EQ(hv_dlpar_mem_remove(&f.m, s, 1), HV_OK);
	CHECK(!f.m.part[s].vcpu[0].dtl.on);
	CHECK(f.m.part[s].vcpu[0].vpa.on);
	/* The VPA still works: the next dispatch writes the yield count into it. */
	fx_redispatch(&f, s);
	y = f.m.part[s].vcpu[0].yield_count;
	CHECK_EQ(fx_read64(&f, s, 0x2100) >> 32, y);
	/* The DTL is gone, so the VPA can be deregistered. */
	CHECK_RC(HC(&f, s, H_REGISTER_VPA, 5ull << 45, 0, 0), H_SUCCESS);
	fx_fini(&f);
}

TEST(readd_after_remove_is_zero_and_registration_stays_dropped)
{
	struct fx f;
	uint32_t s, old, neu;
	uint64_t off;

	fx_init(&f, 0, 0);
	s = fx_partition(&f, 2);
	for (off = 0; off < LMB; off += 8) {
		fx_write64(&f, s, LMB + off, ~off);
	}
	fx_register_vpa(&f, s, LMB + 0x800);
	old = fx_real_lmb_of(&f, s, LMB);
	CHECK_EQ(hv_dlpar_mem_remove(&f.m, s, 1), HV_OK);
	CHECK_EQ(hv_dlpar_mem_add(&f.m, s, 1, HV_NIL), HV_OK);
	neu = fx_real_lmb_of(&f, s, LMB);
	CHECK_EQ(neu, old); /* first free LMB: the scrubbed one comes back */
	CHECK(fx_real_is_zero(&f, fx_lmb_base(&f, neu), LMB));
	CHECK(!f.m.part[s].vcpu[0].vpa.on);
	fx_redispatch(&f, s);
	CHECK(fx_real_is_zero(&f, fx_lmb_base(&f, neu), LMB));
	CHECK_EQ(f.m.part[s].lmb_count, 2);
	fx_fini(&f);
}

/* ---- management-console errors ---- */

TEST(mem_add_errors_change_nothing)
{
	struct fx f;
	uint32_t s, s2, r0;
	uint64_t nlmb;
	uint8_t *snap;

	fx_init(&f, 0, 0);
	s = fx_partition(&f, 2);
	s2 = fx_partition(&f, 1);
	r0 = fx_real_lmb_of(&f, s, 0);
	nlmb = f.m.lmb_count;
	snap = malloc(nlmb * sizeof(struct hv_lmb));
	CHECK(snap);
	memcpy(snap, f.m.lmb, nlmb * sizeof(struct hv_lmb));

	CHECK_EQ(hv_dlpar_mem_add(&f.m, s, 0, HV_NIL), HV_EEXIST);          /* logical index taken */
	CHECK_EQ(hv_dlpar_mem_add(&f.m, s, 1, 200), HV_EEXIST);             /* ... even with a free real */
	CHECK_EQ(hv_dlpar_mem_add(&f.m, s, 64, HV_NIL), HV_EINVAL);         /* logical out of range */
	CHECK_EQ(hv_dlpar_mem_add(&f.m, s, 0xFFFFFFFFu, 200), HV_EINVAL);
	CHECK_EQ(hv_dlpar_mem_add(&f.m, s, 5, (uint32_t)nlmb), HV_EINVAL);  /* real out of range */
	CHECK_EQ(hv_dlpar_mem_add(&f.m, s, 5, r0), HV_EBUSY);               /* real owned by s itself */
	CHECK_EQ(hv_dlpar_mem_add(&f.m, s2, 5, r0), HV_EBUSY);              /* real owned by another */
	CHECK_EQ(hv_dlpar_mem_add(&f.m, s, 5, 0), HV_EBUSY);                /* hypervisor LMB */
	CHECK_EQ(hv_dlpar_mem_add(&f.m, s, 5, (uint32_t)(f.m.hv_bytes / LMB) - 1), HV_EBUSY);
	CHECK_EQ(hv_dlpar_mem_add(&f.m, 3, 0, HV_NIL), HV_ENOENT);          /* no such partition */
	CHECK_EQ(hv_dlpar_mem_add(&f.m, 99, 0, HV_NIL), HV_ENOENT);
	CHECK_EQ(memcmp(snap, f.m.lmb, nlmb * sizeof(struct hv_lmb)), 0);
	CHECK_EQ(f.m.part[s].lmb_count, 2);
	CHECK_EQ(f.m.part[s].lmap[5], 0);
	CHECK_EQ(f.m.part[s2].lmb_count, 1);
	free(snap);
	fx_fini(&f);
}

TEST(mem_add_pool_exhausted)
{
	struct fx f;
	uint32_t s, i, nfree = 0, before;

	fx_init(&f, 0, 8 * MiB);
	for (i = 0; i < f.m.lmb_count; i++) {
		nfree += f.m.lmb[i].state == HV_LMB_FREE;
	}
	CHECK(nfree > 1 && nfree < 64);
	s = fx_partition(&f, 0);
	/* The pool is every LMB past the hypervisor's, handed out lowest first. */
	CHECK_EQ(f.m.lmb_count - nfree, (uint32_t)(f.m.hv_bytes / LMB));
	for (i = 0; i < nfree; i++) {
		CHECK_EQ(hv_dlpar_mem_add(&f.m, s, i, HV_NIL), HV_OK);
		CHECK_EQ(f.m.part[s].lmap[i], (uint32_t)(f.m.hv_bytes / LMB) + i + 1);
	}
	before = f.m.part[s].lmb_count;
	CHECK_EQ(hv_dlpar_mem_add(&f.m, s, nfree, HV_NIL), HV_ENOMEM);
	CHECK_EQ(f.m.part[s].lmb_count, before);
	CHECK_EQ(f.m.part[s].lmap[nfree], 0);
	/* Freeing one makes exactly that one available again. */
	CHECK_EQ(hv_dlpar_mem_remove(&f.m, s, 3), HV_OK);
	CHECK_EQ(hv_dlpar_mem_add(&f.m, s, nfree, HV_NIL), HV_OK);
	CHECK_EQ(f.m.part[s].lmap[nfree], (uint32_t)(f.m.hv_bytes / LMB) + 3 + 1);
	CHECK_EQ(hv_dlpar_mem_add(&f.m, s, nfree + 1, HV_NIL), HV_ENOMEM);
	fx_fini(&f);
}

TEST(mem_remove_errors)
{
	struct fx f;
	uint32_t s, s2;
	uint64_t w0, w1;

	fx_init(&f, 0, 0);
	s = fx_partition(&f, 2);
	s2 = fx_partition(&f, 1);
	fx_enter(&f, s, 0, fx_pteh(1, 0), fx_ptel(0));
	w0 = fx_hw0(&f, s, 0);
	w1 = fx_hw1(&f, s, 0);
	CHECK_EQ(hv_dlpar_mem_remove(&f.m, s, 2), HV_ENOENT);           /* unmapped logical LMB */
	CHECK_EQ(hv_dlpar_mem_remove(&f.m, s, 63), HV_ENOENT);
	CHECK_EQ(hv_dlpar_mem_remove(&f.m, s, 64), HV_ENOENT);          /* beyond the logical space */
	CHECK_EQ(hv_dlpar_mem_remove(&f.m, s, 0xFFFFFFFFu), HV_ENOENT);
	CHECK_EQ(hv_dlpar_mem_remove(&f.m, s2, 1), HV_ENOENT);          /* s's index 1, not s2's */
	CHECK_EQ(hv_dlpar_mem_remove(&f.m, 3, 0), HV_ENOENT);           /* inactive slot */
	CHECK_EQ(hv_dlpar_mem_remove(&f.m, 77, 0), HV_ENOENT);
	CHECK_EQ(f.m.part[s].lmb_count, 2);
	CHECK_EQ(f.m.part[s2].lmb_count, 1);
	CHECK_EQ(fx_hw0(&f, s, 0), w0);
	CHECK_EQ(fx_hw1(&f, s, 0), w1);
	/* Removing twice: the second time there is nothing. */
	CHECK_EQ(hv_dlpar_mem_remove(&f.m, s, 1), HV_OK);
	CHECK_EQ(hv_dlpar_mem_remove(&f.m, s, 1), HV_ENOENT);
	CHECK_EQ(f.m.part[s].lmb_count, 1);
	fx_fini(&f);
}

/* ---- partition destroy ---- */

TEST(destroy_frees_and_zeroes_everything_and_slot_inherits_nothing)
{
	struct fx f;
	uint32_t s, s2, again, reals[4], i, lpid;
	uint64_t other_w0, other_w1, ptex, idx;
	struct hv_regs boot;
	int t;
	static const uint8_t text[] = "secret";

	fx_init(&f, 0, 0);
	s = fx_partition(&f, 4);
	s2 = fx_partition(&f, 1);
	fx_write64(&f, s2, 0x100, 0x0123456789ABCDEFull);
	fx_enter(&f, s2, 0x30, fx_pteh(0x30, 0), fx_ptel(0x1000));
	other_w0 = fx_hw0(&f, s2, 0x30);
	other_w1 = fx_hw1(&f, s2, 0x30);
	CHECK_EQ(hv_window_assign(&f.m, s2, 0x2002, 0, 4), HV_OK);
	CHECK_RC(HC(&f, s2, H_PUT_TCE, 0x2002, 0, 0x1000 | 3), H_SUCCESS);

	for (i = 0; i < 4; i++) {
		reals[i] = fx_real_lmb_of(&f, s, i * LMB);
		fx_write64(&f, s, i * LMB + 0x10, 0xDEAD0000 + i);
		fx_enter(&f, s, i * 0x100, fx_pteh(0x40 + i, 0), fx_ptel(i * LMB + 0x1000));
	}
	fx_enter(&f, s, 0x3FFF, fx_pteh(0x50, 0) | HPTE_V_SECONDARY, fx_ptel(3 * LMB));
	CHECK_EQ(hv_window_assign(&f.m, s, LIOBN, 0, 8), HV_OK);
	CHECK_RC(HC(&f, s, H_PUT_TCE, LIOBN, 0x1000, LMB | 3), H_SUCCESS);
	CHECK_RC(HC(&f, s, H_STUFF_TCE, LIOBN, 0x4000, 0xABC000, 2), H_SUCCESS);
	fx_register_vpa(&f, s, 2 * LMB);
	CHECK_EQ(hv_dlpar_cpu_add(&f.m, s, 1), HV_OK);
	CHECK_EQ(hv_console_feed(&f.m, s, text, 6), 6);
	for (i = 0; i < 4; i++) {
		fx_redispatch(&f, s);
	}
	CHECK(f.m.part[s].vcpu[0].yield_count > 6);
	t = fx_running_thread(&f, s, 0);
	CHECK(t >= 0);
	f.m.thread[t].regs.r[HV_REG_GPR + 20] = 0x5EC2E75EC2E7ull;
	lpid = f.m.part[s].lpid;

	CHECK_EQ(hv_partition_destroy(&f.m, s), HV_OK);

	CHECK(!hv_part(&f.m, s));
	CHECK(f.m.thread[t].part != (int8_t)s);
	for (i = 0; i < 4; i++) {
		CHECK_EQ(f.m.lmb[reals[i]].state, HV_LMB_FREE);
		CHECK_EQ(f.m.lmb[reals[i]].hpte_count, 0);
		CHECK(fx_real_is_zero(&f, fx_lmb_base(&f, reals[i]), LMB));
		CHECK_EQ(hv_real_owner(&f.m, fx_lmb_base(&f, reals[i])), -1);
	}
	CHECK(fx_real_is_zero(&f, f.m.part[s].hpt, 1ull << 18));
	CHECK(fx_real_is_zero(&f, hv_ra((uint64_t)((uint8_t *)f.m.part[s].meta - f.m.mem)),
			      NHPTE * sizeof(struct hv_hpte_meta)));
	CHECK(fx_real_is_zero(&f, hv_ra((uint64_t)((uint8_t *)f.m.part[s].lmap - f.m.mem)), 64 * 4));
	CHECK(fx_real_is_zero(&f, hv_ra_add(f.m.part_table, (uint64_t)lpid * 16), 16));
	for (i = 0; i < f.m.cfg.max_vcpus; i++) {
		CHECK(fx_real_is_zero(&f, f.m.part[s].vcpu[i].save, HV_SAVE_AREA_BYTES));
		CHECK_EQ(f.m.part[s].vcpu[i].state, HV_VCPU_ABSENT);
		CHECK(!f.m.part[s].vcpu[i].vpa.on);
	}
	CHECK(!hv_window_find(&f.m, s, LIOBN));
	for (i = 0; i < f.m.cfg.max_windows; i++) {
		if (!f.m.win[i].active) {
			CHECK(fx_real_is_zero(&f, f.m.win[i].table, (uint64_t)f.m.cfg.window_entries_max * 8));
			CHECK(fx_real_is_zero(&f, f.m.win[i].shadow, (uint64_t)f.m.cfg.window_entries_max * 8));
		}
	}
	CHECK_EQ(f.m.part[s].lmb_count, 0);
	CHECK_EQ(f.m.part[s].term_rx_len, 0);
	for (i = 0; i < HV_TERM_RX_BYTES; i++) {
		CHECK_EQ(f.m.part[s].term_rx[i], 0);
	}
	/* The other partition is untouched. */
	CHECK_EQ(fx_read64(&f, s2, 0x100), 0x0123456789ABCDEFull);
	CHECK_EQ(fx_hw0(&f, s2, 0x30), other_w0);
	CHECK_EQ(fx_hw1(&f, s2, 0x30), other_w1);
	CHECK_EQ(fx_get_tce(&f, s2, 0x2002, 0), 0x1000 | 3);
	CHECK_EQ(hv_partition_destroy(&f.m, s), HV_ENOENT);

	/* A new partition in the same slot starts from nothing. */
	CHECK_EQ(hv_partition_create(&f.m, 18, true, &again), HV_OK);
	CHECK_EQ(again, s);
	CHECK_EQ(f.m.part[again].lmb_count, 0);
	CHECK(!fx_real_is_zero(&f, hv_ra_add(f.m.part_table, (uint64_t)lpid * 16), 8));
	CHECK_EQ(hv_dlpar_cpu_add(&f.m, again, 0), HV_OK);
	t = fx_running_thread(&f, again, 0);
	CHECK(t >= 0);
	hv_regs_boot_state(&boot, 0);
	CHECK_EQ(memcmp(&f.m.thread[t].regs, &boot, sizeof(boot)), 0);
	for (ptex = 0; ptex < NHPTE; ptex += 4) {
		CHECK_RC(HC(&f, again, H_READ, H_READ_4, ptex), H_SUCCESS);
		for (i = 0; i < 8; i++) {
			CHECK_EQ(f.out[i], 0);
		}
	}
	CHECK_RC(HC(&f, again, H_GET_TERM_CHAR, 0), H_SUCCESS);
	CHECK_EQ(f.out[0], 0);
	CHECK_EQ(f.out[1], 0);
	CHECK_RC(HC(&f, again, H_GET_TCE, LIOBN, 0x1000), H_PARAMETER);
	CHECK_RC(HC(&f, again, H_PROD, 1), H_PARAMETER); /* vCPU 1 went with the old partition */
	CHECK(!f.m.part[again].vcpu[0].vpa.on);
	/* Running after its first dispatch: even and small, nothing carried over from the old vCPU 0. */
	CHECK_EQ(f.m.part[again].vcpu[0].yield_count & 1, 0);
	CHECK(f.m.part[again].vcpu[0].yield_count <= 2);
	CHECK_EQ(hv_window_assign(&f.m, again, LIOBN, 0, 8), HV_OK);
	for (idx = 0; idx < 8; idx++) {
		CHECK_EQ(fx_get_tce(&f, again, LIOBN, idx << 12), 0);
	}
	CHECK_EQ(hv_dlpar_mem_add(&f.m, again, 0, HV_NIL), HV_OK);
	CHECK(fx_real_is_zero(&f, fx_real(&f, again, 0), LMB));
	fx_fini(&f);
}

/* ---- ownership and translation ---- */

TEST(real_owner_classification)
{
	struct fx f;
	uint32_t s, s2;
	hv_raddr_t a, b;

	fx_init(&f, 0, 0);
	s = fx_partition(&f, 1);
	s2 = fx_partition(&f, 2);
	a = fx_real(&f, s, 0);
	b = fx_real(&f, s2, LMB);
	CHECK_EQ(hv_real_owner(&f.m, hv_ra(0)), -2);
	CHECK_EQ(hv_real_owner(&f.m, f.m.part[s].hpt), -2);
	CHECK_EQ(hv_real_owner(&f.m, f.m.part_table), -2);
	CHECK_EQ(hv_real_owner(&f.m, f.m.part[s].vcpu[0].save), -2);
	CHECK_EQ(hv_real_owner(&f.m, f.m.win[0].table), -2);
	CHECK_EQ(hv_real_owner(&f.m, hv_ra(f.m.hv_bytes - 1)), -2);
	CHECK_EQ(hv_real_owner(&f.m, a), s);
	CHECK_EQ(hv_real_owner(&f.m, hv_ra_add(a, LMB - 1)), s);
	CHECK_EQ(hv_real_owner(&f.m, b), s2);
	CHECK_EQ(hv_real_owner(&f.m, hv_ra(f.m.mem_size - 1)), -1);
	CHECK_EQ(hv_real_owner(&f.m, hv_ra(f.m.mem_size)), -3);
	CHECK_EQ(hv_real_owner(&f.m, hv_ra(~0ull)), -3);
	CHECK_EQ(hv_dlpar_mem_remove(&f.m, s2, 1), HV_OK);
	CHECK_EQ(hv_real_owner(&f.m, b), -1);
	CHECK_EQ(hv_dlpar_mem_add(&f.m, s, 7, (uint32_t)(b.v >> f.m.lmb_shift)), HV_OK);
	CHECK_EQ(hv_real_owner(&f.m, b), s);
	fx_fini(&f);
}

TEST(translate_refuses_unowned_or_noncontiguous_ranges)
{
	struct fx f;
	uint32_t s, r;
	hv_raddr_t ra;
	const struct hv_partition *p;

	fx_init(&f, 0, 0);
	CHECK_EQ(hv_partition_create(&f.m, 18, true, &s), HV_OK);
	p = &f.m.part[s];
	r = 40;
	CHECK_EQ(hv_dlpar_mem_add(&f.m, s, 0, r), HV_OK);
	CHECK_EQ(hv_dlpar_mem_add(&f.m, s, 1, r + 2), HV_OK);  /* not contiguous with logical 0 */
	/* logical 2 unmapped */
	CHECK_EQ(hv_dlpar_mem_add(&f.m, s, 3, r + 5), HV_OK);
	CHECK_EQ(hv_dlpar_mem_add(&f.m, s, 4, r + 6), HV_OK);  /* contiguous with logical 3 */
	CHECK_EQ(hv_dlpar_mem_add(&f.m, s, 63, r + 7), HV_OK); /* last logical LMB */

	CHECK(hv_translate(&f.m, p, hv_la(LMB - 8), 8, &ra));
	CHECK_EQ(ra.v, (uint64_t)r * LMB + LMB - 8);
	CHECK(!hv_translate(&f.m, p, hv_la(LMB - 8), 16, &ra));      /* into a non-contiguous LMB */
	CHECK(hv_translate(&f.m, p, hv_la(LMB), LMB, &ra));           /* the whole of logical 1 */
	CHECK_EQ(ra.v, (uint64_t)(r + 2) * LMB);
	CHECK(!hv_translate(&f.m, p, hv_la(LMB), LMB + 1, &ra));      /* one byte into unmapped 2 */
	CHECK(!hv_translate(&f.m, p, hv_la(2 * LMB), 8, &ra));        /* unmapped */
	CHECK(!hv_translate(&f.m, p, hv_la(3 * LMB - 8), 16, &ra));   /* unmapped into owned */
	CHECK(hv_translate(&f.m, p, hv_la(4 * LMB - 16), 32, &ra));   /* contiguous pair */
	CHECK_EQ(ra.v, (uint64_t)(r + 5) * LMB + LMB - 16);
	CHECK(hv_translate(&f.m, p, hv_la(3 * LMB), 2 * LMB, &ra));
	CHECK(!hv_translate(&f.m, p, hv_la(3 * LMB), 2 * LMB + 1, &ra)); /* into unmapped 5 */
	CHECK(hv_translate(&f.m, p, hv_la(64 * LMB - 8), 8, &ra));
	CHECK(!hv_translate(&f.m, p, hv_la(64 * LMB - 8), 16, &ra)); /* past the logical space */
	CHECK(!hv_translate(&f.m, p, hv_la(64 * LMB), 8, &ra));
	CHECK(!hv_translate(&f.m, p, hv_la(0), 0, &ra));              /* empty range */
	CHECK(!hv_translate(&f.m, p, hv_la(~0ull - 7), 16, &ra));     /* wraps */
	CHECK(!hv_translate(&f.m, p, hv_la(~0ull - 7), 8, &ra));

	/* Removing r+6 (logical 4) breaks the pair. */
	CHECK_EQ(hv_dlpar_mem_remove(&f.m, s, 4), HV_OK);
	CHECK(!hv_translate(&f.m, p, hv_la(4 * LMB - 16), 32, &ra));
	CHECK(!hv_translate(&f.m, p, hv_la(4 * LMB), 8, &ra));
	/* Another partition never translates into s's memory. */
	{
		uint32_t s2 = fx_partition(&f, 1);

		CHECK(hv_translate(&f.m, &f.m.part[s2], hv_la(0), 8, &ra));
		CHECK_EQ(hv_real_owner(&f.m, ra), s2);
		CHECK(!hv_translate(&f.m, &f.m.part[s2], hv_la(LMB), 8, &ra));
	}
	fx_fini(&f);
}

TEST(large_page_enter_needs_contiguous_aligned_owned_lmbs)
{
	struct fx f;
	uint32_t s, i;

	/* Logical 0..63 real 65..128: contiguous but not 16 MiB aligned. */
	fx_init(&f, 0, 0);
	s = big_partition(&f, 65);
	CHECK_RC(HC(&f, s, H_ENTER, 0, 0, fx_pteh(1, 0) | HPTE_V_LARGE, PTEL16M), H_PARAMETER);
	fx_fini(&f);

	/* Logical 63 on a real LMB elsewhere: not contiguous. */
	fx_init(&f, 0, 0);
	CHECK_EQ(hv_partition_create(&f.m, 18, true, &s), HV_OK);
	for (i = 0; i < 63; i++) {
		CHECK_EQ(hv_dlpar_mem_add(&f.m, s, i, 64 + i), HV_OK);
	}
	CHECK_EQ(hv_dlpar_mem_add(&f.m, s, 63, 200), HV_OK);
	CHECK_EQ(hv_dlpar_cpu_add(&f.m, s, 0), HV_OK);
	CHECK_RC(HC(&f, s, H_ENTER, 0, 0, fx_pteh(1, 0) | HPTE_V_LARGE, PTEL16M), H_PARAMETER);
	CHECK_EQ(fx_hw0(&f, s, 0), 0);
	/* Fix the last one up: now it works. */
	CHECK_EQ(hv_dlpar_mem_remove(&f.m, s, 63), HV_OK);
	CHECK_EQ(hv_dlpar_mem_add(&f.m, s, 63, 127), HV_OK);
	CHECK_RC(HC(&f, s, H_ENTER, 0, 0, fx_pteh(1, 0) | HPTE_V_LARGE, PTEL16M), H_SUCCESS);
	CHECK_EQ(fx_hw1(&f, s, 0) & HPTE_R3_RPN, 16 * MiB);
	fx_fini(&f);
}
