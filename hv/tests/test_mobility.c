/*
 * Memory mobility (I11): relocating an LMB to other real memory and
 * migrating a partition to a second machine keep the partition's logical
 * view bit for bit (memory, H_READ, H_GET_TCE, registrations, registers,
 * console) and leave nothing pointing at the old real pages, which end up
 * free and zero. Refusals (spanning large pages, bad targets) change nothing.
 */
#include <stdlib.h>
#include <string.h>

#include "../core/internal.h"
#include "fixture.h"
#include "testlib.h"

#define LMB    (256ull * 1024)
#define NHPTE  (1ull << (18 - 4))
#define LIOBN  0x2001u
#define MiB    (1ull << 20)

/* ---- helpers ---- */

/* Number of hardware-valid HPTEs (any partition) and TCEs (any window) whose real page lies in lmb. */
static unsigned refs_to_lmb(struct fx *f, uint32_t lmb)
{
	unsigned n = 0, i;
	uint64_t x;

	for (i = 0; i < f->m.cfg.max_partitions; i++) {
		if (!f->m.part[i].active) {
			continue;
		}
		for (x = 0; x < f->m.part[i].nhpte; x++) {
			uint64_t w0 = fx_hw0(f, i, x), w1 = fx_hw1(f, i, x);

			if ((w0 & HPTE_V_VALID) && ((w1 & HPTE_R3_RPN) >> f->m.lmb_shift) == lmb) {
				n++;
			}
			if (!(w0 & HPTE_V_VALID) && (w0 || w1)) {
				n++; /* an invalid entry keeps nothing either */
			}
		}
	}
	for (i = 0; i < f->m.cfg.max_windows; i++) {
		const struct hv_window *w = &f->m.win[i];

		for (x = 0; x < f->m.cfg.window_entries_max; x++) {
			uint64_t r = hv_ld_be64(f->m.mem + w->table.v + x * 8);

			if ((r & TCE_RW) && ((r & ~(TCE_PAGE_SIZE - 1)) >> f->m.lmb_shift) == lmb) {
				n++;
			}
		}
	}
	return n;
}

/* A partition with logical LMBs 0..63 on real LMBs 64..127: one 16 MiB page at logical 0. */
static uint32_t big_partition(struct fx *f)
{
	uint32_t s, i;

	CHECK_EQ(hv_partition_create(&f->m, 18, true, &s), HV_OK);
	for (i = 0; i < 64; i++) {
		CHECK_EQ(hv_dlpar_mem_add(&f->m, s, i, 64 + i), HV_OK);
	}
	CHECK_EQ(hv_dlpar_cpu_add(&f->m, s, 0), HV_OK);
	return s;
}

#define PTEL16M (0ull | HPTE_R_M | 0x2)

static uint64_t pattern(uint64_t la)
{
	return (la * 0x9E3779B97F4A7C15ull) ^ 0xC0FFEE;
}

/* ---- LMB relocation ---- */

#define NREL 6

TEST(relocate_preserves_logical_view_and_moves_every_reference)
{
	struct fx f;
	const uint64_t la1 = LMB;
	uint32_t s, old, neu, i;
	uint64_t ptex[NREL], r0[NREL], r1[NREL], h0[NREL], h1[NREL], off, tce[4], keep, keep0, keep1;
	uint8_t *saved;
	struct hv_host_stats st0, st1;
	hv_raddr_t ra;

	fx_init(&f, 0, 0);
	s = fx_partition(&f, 4);
	for (off = 0; off < 4 * LMB; off += 8) {
		fx_write64(&f, s, off, pattern(off));
	}
	ptex[0] = fx_enter(&f, s, 0, fx_pteh(0x10, 0x1000), fx_ptel(la1));
	ptex[1] = fx_enter(&f, s, 0, fx_pteh(0x11, 0x1000), fx_ptel(la1)); /* alias */
	ptex[2] = fx_enter(&f, s, 0x40, fx_pteh(0x12, 0) | HPTE_V_SECONDARY, fx_ptel(la1 + 0x5000));
	ptex[3] = fx_enter(&f, s, 0x88, fx_pteh(0x13, 0), fx_ptel(la1 + LMB - 0x1000));
	/* A 64 KiB page (base 64K, LP 0x1) inside the LMB. */
	ptex[4] = fx_enter(&f, s, 0x100, fx_pteh(0x14, 0) | HPTE_V_LARGE, (la1 + 0x10000) | 0x1000 | HPTE_R_M | 0x2);
	ptex[5] = fx_enter(&f, s, 0x3FF0, fx_pteh(0x15, 0) | HPTE_V_SECONDARY, fx_ptel(la1 + 0x5000)); /* alias */
	keep = fx_enter(&f, s, 0x200, fx_pteh(0x16, 0), fx_ptel(0x2000)); /* LMB 0 */
	fx_mmu_set_rc(&f, s, ptex[0], HPTE_R_R | HPTE_R_C);
	fx_mmu_set_rc(&f, s, ptex[4], HPTE_R_R);
	fx_mmu_set_rc(&f, s, ptex[3], HPTE_R_C);
	old = fx_real_lmb_of(&f, s, la1);
	CHECK_EQ(f.m.lmb[old].hpte_count, NREL);

	CHECK_EQ(hv_window_assign(&f.m, s, LIOBN, 0x80000000ull, 16), HV_OK);
	CHECK_RC(HC(&f, s, H_PUT_TCE, LIOBN, 0x80000000ull, la1 | 3), H_SUCCESS);
	CHECK_RC(HC(&f, s, H_PUT_TCE, LIOBN, 0x80001000ull, (la1 + 0x7000) | 1), H_SUCCESS);
	CHECK_RC(HC(&f, s, H_PUT_TCE, LIOBN, 0x80002000ull, 0x1000 | 3), H_SUCCESS);
	CHECK_RC(HC(&f, s, H_PUT_TCE, LIOBN, 0x80003000ull, (la1 + LMB - 0x1000) | 2), H_SUCCESS);
	fx_register_vpa(&f, s, la1 + 0x9000);
	fx_redispatch(&f, s);

	/* Before: the logical view and the old real contents. */
	for (i = 0; i < NREL; i++) {
		CHECK_RC(HC(&f, s, H_READ, 0, ptex[i]), H_SUCCESS);
		r0[i] = f.out[0];
		r1[i] = f.out[1];
		h0[i] = fx_hw0(&f, s, ptex[i]);
		h1[i] = fx_hw1(&f, s, ptex[i]);
		CHECK_EQ((h1[i] & HPTE_R3_RPN) >> f.m.lmb_shift, old);
	}
	CHECK_EQ(r1[0] & HPTE_R_RC, HPTE_R_RC);
	for (i = 0; i < 4; i++) {
		tce[i] = fx_get_tce(&f, s, LIOBN, 0x80000000ull + i * 0x1000);
	}
	keep0 = fx_hw0(&f, s, keep);
	keep1 = fx_hw1(&f, s, keep);
	saved = malloc(LMB);
	CHECK(saved);
	memcpy(saved, f.m.mem + fx_lmb_base(&f, old).v, LMB);

	st0 = fx_stats(&f);
	CHECK_EQ(hv_lmb_relocate(&f.m, s, 1, HV_NIL), HV_OK);
	st1 = fx_stats(&f);
	neu = fx_real_lmb_of(&f, s, la1);
	CHECK(neu != old);

	/* Memory: the same through the logical view, and byte for byte in the new LMB. */
	for (off = 0; off < 4 * LMB; off += 8) {
		if (off >= la1 + 0x9000 && off < la1 + 0x9000 + 640) {
			continue; /* the VPA: compared below as bytes */
		}
		CHECK_EQ(fx_read64(&f, s, off), pattern(off));
	}
	CHECK_EQ(memcmp(f.m.mem + fx_lmb_base(&f, neu).v, saved, LMB), 0);

	/* HPTEs: dword 0 unchanged, dword 1 the same page offset in the new LMB with R/C kept. */
	for (i = 0; i < NREL; i++) {
		uint64_t w1 = fx_hw1(&f, s, ptex[i]), rpn = w1 & HPTE_R3_RPN;
		uint64_t size = i == 4 ? 0x10000 : 0x1000, page = rpn & ~(size - 1);

		CHECK_EQ(fx_hw0(&f, s, ptex[i]), h0[i]);
		CHECK_EQ(rpn >> f.m.lmb_shift, neu);
		CHECK_EQ(rpn - fx_lmb_base(&f, neu).v, (h1[i] & HPTE_R3_RPN) - fx_lmb_base(&f, old).v);
		CHECK_EQ(w1 & ~HPTE_R3_RPN, h1[i] & ~HPTE_R3_RPN);
		CHECK_EQ(memcmp(f.m.mem + page, saved + (page - fx_lmb_base(&f, neu).v), size), 0);
		CHECK_EQ(f.m.part[s].meta[ptex[i]].lmb, neu);
		CHECK_RC(HC(&f, s, H_READ, 0, ptex[i]), H_SUCCESS);
		CHECK_EQ(f.out[0], r0[i]);
		CHECK_EQ(f.out[1], r1[i]);
	}
	CHECK_EQ(f.m.lmb[neu].hpte_count, NREL);
	CHECK(st1.tlb_entry_flushes - st0.tlb_entry_flushes >= NREL);
	CHECK(st1.iotlb_flushes - st0.iotlb_flushes >= 3);
	CHECK(st1.tlb_lpid_flushes - st0.tlb_lpid_flushes >= 1);
	CHECK_EQ(fx_hw0(&f, s, keep), keep0);
	CHECK_EQ(fx_hw1(&f, s, keep), keep1);

	/* TCEs: the same for the partition, the adapter now lands in the new LMB. */
	for (i = 0; i < 4; i++) {
		CHECK_EQ(fx_get_tce(&f, s, LIOBN, 0x80000000ull + i * 0x1000), tce[i]);
	}
	CHECK(hv_dma_translate(&f.m, s, LIOBN, 0x80000010ull, true, &ra));
	CHECK_EQ(ra.v, fx_lmb_base(&f, neu).v + 0x10);
	CHECK(hv_dma_translate(&f.m, s, LIOBN, 0x80001008ull, false, &ra));
	CHECK_EQ(ra.v, fx_lmb_base(&f, neu).v + 0x7008);
	CHECK(!hv_dma_translate(&f.m, s, LIOBN, 0x80001008ull, true, &ra));
	CHECK(hv_dma_translate(&f.m, s, LIOBN, 0x80003000ull, true, &ra));
	CHECK_EQ(ra.v, fx_lmb_base(&f, neu).v + LMB - 0x1000);
	CHECK(!hv_dma_translate(&f.m, s, LIOBN, 0x80003000ull, false, &ra));
	CHECK(hv_dma_translate(&f.m, s, LIOBN, 0x80002000ull, true, &ra));
	CHECK_EQ(ra.v, fx_real(&f, s, 0x1000).v);

	/* The VPA is still registered and the next dispatch writes into the new real page. */
	CHECK(f.m.part[s].vcpu[0].vpa.on);
	fx_redispatch(&f, s);
	CHECK_EQ(hv_ld_be32(f.m.mem + fx_lmb_base(&f, neu).v + 0x9100), f.m.part[s].vcpu[0].yield_count);
	CHECK_EQ(fx_read64(&f, s, la1 + 0x9100) >> 32, f.m.part[s].vcpu[0].yield_count);

	/* Nothing refers to the old LMB; it is free and zero. */
	CHECK_EQ(refs_to_lmb(&f, old), 0);
	CHECK_EQ(f.m.lmb[old].state, HV_LMB_FREE);
	CHECK_EQ(f.m.lmb[old].hpte_count, 0);
	CHECK_EQ(f.m.lmb[old].hpte_head, 0);
	CHECK(fx_real_is_zero(&f, fx_lmb_base(&f, old), LMB));
	CHECK_EQ(hv_real_owner(&f.m, fx_lmb_base(&f, old)), -1);
	CHECK_EQ(f.m.part[s].lmb_count, 4);
	CHECK_EQ(f.m.lmb[neu].state, HV_LMB_ASSIGNED);
	CHECK_EQ(f.m.lmb[neu].owner, s);
	CHECK_EQ(f.m.lmb[neu].logical, 1);
	free(saved);
	fx_fini(&f);
}

TEST(relocate_then_remove_revokes_the_moved_references)
{
	struct fx f;
	uint32_t s, neu;
	uint64_t a, b;

	fx_init(&f, 0, 0);
	s = fx_partition(&f, 2);
	a = fx_enter(&f, s, 0, fx_pteh(1, 0), fx_ptel(LMB + 0x3000));
	b = fx_enter(&f, s, 0, fx_pteh(2, 0), fx_ptel(LMB + 0x3000));
	CHECK_EQ(hv_window_assign(&f.m, s, LIOBN, 0, 4), HV_OK);
	CHECK_RC(HC(&f, s, H_PUT_TCE, LIOBN, 0, (LMB + 0x3000) | 3), H_SUCCESS);
	fx_register_vpa(&f, s, LMB + 0x100);
	CHECK_EQ(hv_lmb_relocate(&f.m, s, 1, 200), HV_OK); /* an explicit target */
	neu = fx_real_lmb_of(&f, s, LMB);
	CHECK_EQ(neu, 200);
	CHECK_EQ(f.m.lmb[200].hpte_count, 2);
	/* And back again to another explicit one. */
	CHECK_EQ(hv_lmb_relocate(&f.m, s, 1, 150), HV_OK);
	CHECK_EQ(fx_real_lmb_of(&f, s, LMB), 150);
	CHECK_EQ(f.m.lmb[200].state, HV_LMB_FREE);
	CHECK(fx_real_is_zero(&f, fx_lmb_base(&f, 200), LMB));
	CHECK_EQ(fx_read64(&f, s, LMB + 0x100), (uint64_t)640 << 16);

	CHECK_EQ(hv_dlpar_mem_remove(&f.m, s, 1), HV_OK);
	CHECK_EQ(fx_hw0(&f, s, a), 0);
	CHECK_EQ(fx_hw1(&f, s, a), 0);
	CHECK_EQ(fx_hw0(&f, s, b), 0);
	CHECK_EQ(f.m.lmb[150].hpte_count, 0);
	CHECK_EQ(fx_get_tce(&f, s, LIOBN, 0), 0);
	CHECK_EQ(fx_tce_real(&f, s, LIOBN, 0), 0);
	CHECK(!f.m.part[s].vcpu[0].vpa.on);
	CHECK_EQ(refs_to_lmb(&f, 150), 0);
	CHECK_EQ(refs_to_lmb(&f, 200), 0);
	CHECK(fx_real_is_zero(&f, fx_lmb_base(&f, 150), LMB));
	fx_fini(&f);
}

TEST(relocate_dtl_writes_follow_to_the_new_page)
{
	struct fx f;
	uint32_t s, old, neu;
	uint64_t idx;

	fx_init(&f, 0, 0);
	s = fx_partition(&f, 2);
	fx_register_vpa(&f, s, 0x1000);                 /* VPA in LMB 0 */
	fx_write64(&f, s, LMB + 0x2000, 480);         /* DTL in LMB 1: be32 length 480 (10 entries) */
	CHECK_RC(HC(&f, s, H_REGISTER_VPA, 2ull << 45, 0, LMB + 0x2000), H_SUCCESS);
	fx_redispatch(&f, s);
	CHECK_EQ(f.m.part[s].vcpu[0].dtl_index, 1);
	CHECK_EQ(fx_read64(&f, s, LMB + 0x2000) >> 56, 1); /* entry 0: dispatch reason */
	old = fx_real_lmb_of(&f, s, LMB);
	CHECK_EQ(hv_lmb_relocate(&f.m, s, 1, HV_NIL), HV_OK);
	neu = fx_real_lmb_of(&f, s, LMB);
	CHECK(neu != old);
	CHECK(f.m.part[s].vcpu[0].dtl.on);
	fx_redispatch(&f, s);
	idx = f.m.part[s].vcpu[0].dtl_index;
	CHECK_EQ(idx, 2);
	/* Entry 1 (dispatch reason 1, processor 0) lands in the new real page; the VPA's DTL index follows. */
	CHECK_EQ(f.m.mem[fx_lmb_base(&f, neu).v + 0x2000 + 48], 1);
	CHECK_EQ(fx_read64(&f, s, 0x1000 + 0x218), idx);
	CHECK(fx_real_is_zero(&f, fx_lmb_base(&f, old), LMB));
	CHECK_EQ(f.m.lmb[old].state, HV_LMB_FREE);
	fx_fini(&f);
}

TEST(relocate_errors_change_nothing)
{
	struct fx f;
	uint32_t s, s2, nfree = 0, i, r1;
	uint64_t nlmb, w1;
	uint8_t *snap;

	fx_init(&f, 0, 8 * MiB);
	s = fx_partition(&f, 2);
	s2 = fx_partition(&f, 1);
	fx_enter(&f, s, 0, fx_pteh(1, 0), fx_ptel(LMB));
	w1 = fx_hw1(&f, s, 0);
	r1 = fx_real_lmb_of(&f, s, LMB);
	nlmb = f.m.lmb_count;
	snap = malloc(nlmb * sizeof(struct hv_lmb));
	CHECK(snap);
	memcpy(snap, f.m.lmb, nlmb * sizeof(struct hv_lmb));

	CHECK_EQ(hv_lmb_relocate(&f.m, 3, 0, HV_NIL), HV_ENOENT);                    /* no partition */
	CHECK_EQ(hv_lmb_relocate(&f.m, s, 5, HV_NIL), HV_ENOENT);                    /* unmapped logical */
	CHECK_EQ(hv_lmb_relocate(&f.m, s, 64, HV_NIL), HV_ENOENT);
	CHECK_EQ(hv_lmb_relocate(&f.m, s, 1, (uint32_t)nlmb), HV_EINVAL);            /* real out of range */
	CHECK_EQ(hv_lmb_relocate(&f.m, s, 1, fx_real_lmb_of(&f, s2, 0)), HV_EBUSY);     /* owned by another */
	CHECK_EQ(hv_lmb_relocate(&f.m, s, 1, fx_real_lmb_of(&f, s, 0)), HV_EBUSY);      /* owned by itself */
	CHECK_EQ(hv_lmb_relocate(&f.m, s, 1, r1), HV_EBUSY);                         /* onto itself */
	CHECK_EQ(hv_lmb_relocate(&f.m, s, 1, 0), HV_EBUSY);                          /* hypervisor */
	CHECK_EQ(memcmp(snap, f.m.lmb, nlmb * sizeof(struct hv_lmb)), 0);
	CHECK_EQ(fx_hw1(&f, s, 0), w1);

	/* Pool exhausted. */
	for (i = 0; i < f.m.lmb_count; i++) {
		nfree += f.m.lmb[i].state == HV_LMB_FREE;
	}
	for (i = 0; i < nfree; i++) {
		CHECK_EQ(hv_dlpar_mem_add(&f.m, s2, 1 + i, HV_NIL), HV_OK);
	}
	memcpy(snap, f.m.lmb, nlmb * sizeof(struct hv_lmb));
	CHECK_EQ(hv_lmb_relocate(&f.m, s, 1, HV_NIL), HV_ENOMEM);
	CHECK_EQ(memcmp(snap, f.m.lmb, nlmb * sizeof(struct hv_lmb)), 0);
	CHECK_EQ(fx_hw1(&f, s, 0), w1);
	CHECK_EQ(fx_real_lmb_of(&f, s, LMB), r1);
	free(snap);
	fx_fini(&f);
}

TEST(relocate_refused_when_a_16m_page_spans_the_lmb)
{
	struct fx f;
	uint32_t s, victims[3] = { 36, 0, 63 }, k;
	uint64_t big, w0, w1;

	fx_init(&f, 0, 0);
	s = big_partition(&f);
	big = fx_enter(&f, s, 0x500, fx_pteh(0x66, 0) | HPTE_V_LARGE, PTEL16M);
	w0 = fx_hw0(&f, s, big);
	w1 = fx_hw1(&f, s, big);
	CHECK_EQ(w1 & HPTE_R3_RPN, 16 * MiB);
	for (k = 0; k < 3; k++) {
		CHECK_EQ(hv_lmb_relocate(&f.m, s, victims[k], HV_NIL), HV_EBUSY);
		CHECK_EQ(fx_real_lmb_of(&f, s, (uint64_t)victims[k] * LMB), 64 + victims[k]);
	}
	CHECK_EQ(fx_hw0(&f, s, big), w0);
	CHECK_EQ(fx_hw1(&f, s, big), w1);
	CHECK_EQ(f.m.lmb[64].hpte_count, 1);
	/* Once the large page is gone, the LMB may move. */
	CHECK_RC(HC(&f, s, H_REMOVE, 0, big, 0), H_SUCCESS);
	CHECK_EQ(hv_lmb_relocate(&f.m, s, 36, HV_NIL), HV_OK);
	CHECK(fx_real_lmb_of(&f, s, 36 * LMB) != 100);
	CHECK(fx_real_is_zero(&f, fx_lmb_base(&f, 100), LMB));
	/* ... and now a 16 MiB page cannot be entered there any more (not contiguous). */
	CHECK_RC(HC(&f, s, H_ENTER, 0, 0x500, fx_pteh(0x66, 0) | HPTE_V_LARGE, PTEL16M), H_PARAMETER);
	fx_fini(&f);
}

/* ---- live partition mobility ---- */

#define MIG_LMBS 4

struct mig_before {
	uint64_t hread[NHPTE][2];
	uint64_t tce[16];
	uint8_t *mem[MIG_LMBS];
	struct hv_regs regs;
	uint32_t reals[MIG_LMBS];
	uint32_t yield;
};

static struct mig_before before;

TEST(migrate_preserves_partition_and_clears_source)
{
	struct fx src, dst;
	uint32_t s, other, dother, dslot, i;
	uint64_t ptex, e, p[6];
	int t, dt;
	struct hv_regs *r;
	hv_raddr_t ra;
	static const uint8_t junk[] = "ab", hello[] = "hello";

	fx_init(&src, 0, 0);
	fx_init(&dst, 0, 0);
	other = fx_partition(&src, 2); /* so that s's real LMBs are not the first ones */
	s = fx_partition(&src, MIG_LMBS);
	dother = fx_partition(&dst, 5); /* dst real layout differs from src's */
	fx_write64(&dst, dother, 0x40, 0x0DD0);
	fx_write64(&src, other, 0x40, 0x0DD1);
	for (i = 0; i < MIG_LMBS; i++) {
		uint64_t off;

		for (off = 0; off < LMB; off += 8) {
			fx_write64(&src, s, i * LMB + off, pattern(i * LMB + off));
		}
	}
	p[0] = fx_enter(&src, s, 0, fx_pteh(0x10, 0), fx_ptel(0x3000));
	p[1] = fx_enter(&src, s, 0, fx_pteh(0x11, 0), fx_ptel(0x3000)); /* alias */
	p[2] = fx_enter(&src, s, 0x123, fx_pteh(0x12, 0) | HPTE_V_SECONDARY, fx_ptel(LMB + 0x1000));
	p[3] = fx_enter(&src, s, 0x3FFF, fx_pteh(0x13, 0), fx_ptel(3 * LMB + LMB - 0x1000));
	p[4] = fx_enter(&src, s, 0x800, fx_pteh(0x14, 0) | HPTE_V_LARGE, (2 * LMB + 0x20000) | 0x1000 | HPTE_R_M | 0x2);
	p[5] = fx_enter(&src, s, 0x808, fx_pteh(0x15, 0), fx_ptel(2 * LMB));
	fx_mmu_set_rc(&src, s, p[0], HPTE_R_R | HPTE_R_C);
	fx_mmu_set_rc(&src, s, p[4], HPTE_R_C);
	CHECK_EQ(hv_window_assign(&src.m, s, LIOBN, 0x10000000ull, 16), HV_OK);
	CHECK_RC(HC(&src, s, H_PUT_TCE, LIOBN, 0x10000000ull, 0x5000 | 3), H_SUCCESS);
	CHECK_RC(HC(&src, s, H_PUT_TCE, LIOBN, 0x10001000ull, (LMB + 0x2000) | 1), H_SUCCESS);
	CHECK_RC(HC(&src, s, H_PUT_TCE, LIOBN, 0x10002000ull, (3 * LMB) | 2), H_SUCCESS);
	CHECK_RC(HC(&src, s, H_STUFF_TCE, LIOBN, 0x10004000ull, 0x7000, 2), H_SUCCESS);
	fx_register_vpa(&src, s, 2 * LMB + 0x1000);
	fx_redispatch(&src, s);
	CHECK(src.m.part[s].vcpu[0].vpa.on);
	CHECK_EQ(hv_console_feed(&src.m, s, junk, 2), 2);
	CHECK_RC(HC(&src, s, H_GET_TERM_CHAR, 0), H_SUCCESS); /* consumes "ab": head moves */
	CHECK_EQ(src.out[0], 2);
	CHECK_EQ(hv_console_feed(&src.m, s, hello, 5), 5);

	/* Before: the whole guest view. */
	for (ptex = 0; ptex < NHPTE; ptex += 4) {
		CHECK_RC(HC(&src, s, H_READ, H_READ_4, ptex), H_SUCCESS);
		for (e = 0; e < 4; e++) {
			before.hread[ptex + e][0] = src.out[2 * e];
			before.hread[ptex + e][1] = src.out[2 * e + 1];
		}
	}
	CHECK_EQ(before.hread[p[0]][1] & HPTE_R_RC, HPTE_R_RC);
	for (e = 0; e < 16; e++) {
		before.tce[e] = fx_get_tce(&src, s, LIOBN, 0x10000000ull + e * 0x1000);
	}
	CHECK_EQ(before.tce[4], 0x7000);
	for (i = 0; i < MIG_LMBS; i++) {
		before.reals[i] = fx_real_lmb_of(&src, s, i * LMB);
	}
	/* Plant registers in the running vCPU. */
	t = fx_running_thread(&src, s, 0);
	CHECK(t >= 0);
	r = &src.m.thread[t].regs;
	r->r[HV_REG_GPR + 14] = 0x5EC2E7000000000Eull;
	r->r[HV_REG_GPR + 31] = 0xFEEDFACECAFEBEEFull;
	r->r[HV_REG_VR + 7] = 0x0707070707070707ull;
	r->r[HV_REG_SPRG + 2] = 0x2222;
	r->r[HV_REG_NIA] = 0x4000;
	r->r[HV_REG_SLBE + 3] = 0x0800000000000000ull | 3;
	before.regs = *r;
	/* Memory as it will be after migrate's preemption: the yield count goes up by one. */
	for (i = 0; i < MIG_LMBS; i++) {
		before.mem[i] = malloc(LMB);
		CHECK(before.mem[i]);
		memcpy(before.mem[i], src.m.mem + fx_lmb_base(&src, before.reals[i]).v, LMB);
	}
	before.yield = src.m.part[s].vcpu[0].yield_count;

	CHECK_EQ(hv_partition_migrate(&src.m, s, &dst.m, &dslot), HV_OK);

	/* ---- destination ---- */
	CHECK(hv_part(&dst.m, dslot));
	CHECK(dslot != dother);
	CHECK_EQ(dst.m.part[dslot].lmb_count, MIG_LMBS);
	/* Dispatch first: registers identical bit for bit. */
	dt = fx_running_thread(&dst, dslot, 0);
	CHECK(dt >= 0);
	for (i = 0; i < HV_REG_COUNT; i++) {
		CHECK_EQ(dst.m.thread[dt].regs.r[i], before.regs.r[i]);
	}
	/* The VPA followed: preempt + dispatch = two more, written into dst's real page. */
	CHECK(dst.m.part[dslot].vcpu[0].vpa.on);
	CHECK_EQ(dst.m.part[dslot].vcpu[0].yield_count, before.yield + 2);
	CHECK_EQ(fx_read64(&dst, dslot, 2 * LMB + 0x1100) >> 32, before.yield + 2);
	/* Every logical page reads the same (apart from the yield count the hypervisor maintains). */
	for (i = 0; i < MIG_LMBS; i++) {
		uint64_t off;

		for (off = 0; off < LMB; off += 8) {
			uint64_t la = i * LMB + off;

			if (la == 2 * LMB + 0x1100) {
				continue;
			}
			CHECK_EQ(fx_read64(&dst, dslot, la), hv_ld_be64(before.mem[i] + off));
		}
		CHECK_EQ(hv_real_owner(&dst.m, fx_real(&dst, dslot, i * LMB)), dslot);
	}
	/* H_READ identical at every PTEX; every valid entry maps dst memory of dslot with the same content. */
	for (ptex = 0; ptex < NHPTE; ptex += 4) {
		CHECK_RC(HC(&dst, dslot, H_READ, H_READ_4, ptex), H_SUCCESS);
		for (e = 0; e < 4; e++) {
			CHECK_EQ(dst.out[2 * e], before.hread[ptex + e][0]);
			CHECK_EQ(dst.out[2 * e + 1], before.hread[ptex + e][1]);
		}
	}
	for (i = 0; i < 6; i++) {
		uint64_t w1 = fx_hw1(&dst, dslot, p[i]), rpn = w1 & HPTE_R3_RPN;
		uint64_t la = before.hread[p[i]][1] & HPTE_R_RPN & ~0xFFFull;
		uint64_t size = i == 4 ? 0x10000 : 0x1000;

		CHECK(fx_hw0(&dst, dslot, p[i]) & HPTE_V_VALID);
		CHECK_EQ(hv_real_owner(&dst.m, hv_ra(rpn)), dslot);
		if (i == 4) {
			la &= ~0xFFFFull;
			rpn &= ~0xFFFFull;
		}
		CHECK_EQ(rpn, fx_real(&dst, dslot, la).v);
		CHECK_EQ(memcmp(dst.m.mem + rpn, before.mem[la / LMB] + la % LMB, size), 0);
	}
	/* TCEs identical for the partition; the adapter lands in dst memory of dslot. */
	for (e = 0; e < 16; e++) {
		CHECK_EQ(fx_get_tce(&dst, dslot, LIOBN, 0x10000000ull + e * 0x1000), before.tce[e]);
	}
	CHECK(hv_dma_translate(&dst.m, dslot, LIOBN, 0x10000008ull, true, &ra));
	CHECK_EQ(ra.v, fx_real(&dst, dslot, 0x5008).v);
	CHECK(hv_dma_translate(&dst.m, dslot, LIOBN, 0x10001000ull, false, &ra));
	CHECK_EQ(ra.v, fx_real(&dst, dslot, LMB + 0x2000).v);
	CHECK(!hv_dma_translate(&dst.m, dslot, LIOBN, 0x10001000ull, true, &ra));
	CHECK(hv_dma_translate(&dst.m, dslot, LIOBN, 0x10002000ull, true, &ra));
	CHECK_EQ(ra.v, fx_real(&dst, dslot, 3 * LMB).v);
	CHECK(!hv_dma_translate(&dst.m, dslot, LIOBN, 0x10004000ull, false, &ra));
	/* Console input: the pending "hello" and nothing else. */
	CHECK_RC(HC(&dst, dslot, H_GET_TERM_CHAR, 0), H_SUCCESS);
	CHECK_EQ(dst.out[0], 5);
	CHECK_EQ(dst.out[1], 0x68656C6C6F000000ull);
	CHECK_EQ(dst.out[2], 0);
	/* The partition already on dst is untouched. */
	CHECK_EQ(fx_read64(&dst, dother, 0x40), 0x0DD0);
	CHECK_EQ(dst.m.part[dother].lmb_count, 5);

	/* ---- source: nothing refers to the old pages, all free and zero ---- */
	CHECK(!hv_part(&src.m, s));
	for (i = 0; i < MIG_LMBS; i++) {
		CHECK_EQ(src.m.lmb[before.reals[i]].state, HV_LMB_FREE);
		CHECK_EQ(src.m.lmb[before.reals[i]].hpte_count, 0);
		CHECK(fx_real_is_zero(&src, fx_lmb_base(&src, before.reals[i]), LMB));
		CHECK_EQ(refs_to_lmb(&src, before.reals[i]), 0);
	}
	CHECK(fx_real_is_zero(&src, src.m.part[s].hpt, 1ull << 18));
	CHECK(fx_real_is_zero(&src, hv_ra_add(src.m.part_table, (uint64_t)src.m.part[s].lpid * 16), 16));
	CHECK(!hv_window_find(&src.m, s, LIOBN));
	for (i = 0; i < src.m.cfg.max_vcpus; i++) {
		CHECK(fx_real_is_zero(&src, src.m.part[s].vcpu[i].save, HV_SAVE_AREA_BYTES));
	}
	for (i = 0; i < src.m.cfg.threads; i++) {
		CHECK(src.m.thread[i].part != (int8_t)s);
	}
	CHECK_EQ(fx_read64(&src, other, 0x40), 0x0DD1);

	for (i = 0; i < MIG_LMBS; i++) {
		free(before.mem[i]);
	}
	fx_fini(&src);
	fx_fini(&dst);
}

TEST(migrate_keeps_every_vcpu_and_its_state)
{
	struct fx src, dst;
	uint32_t s, dslot, i;
	struct hv_regs r1;
	int t;

	fx_init(&src, 0, 0);
	fx_init(&dst, 0, 0);
	s = fx_partition(&src, 1);
	CHECK_EQ(hv_dlpar_cpu_add(&src.m, s, 2), HV_OK);
	/* vCPU 2 runs once, gets a planted value and is preempted (state in its save area). */
	t = fx_running_thread(&src, s, 2);
	CHECK(t >= 0);
	src.m.thread[t].regs.r[HV_REG_GPR + 5] = 0xABCDEF;
	src.m.thread[t].regs.r[HV_REG_FPR + 1] = 0x3FF0000000000000ull;
	r1 = src.m.thread[t].regs;
	CHECK_EQ(hv_preempt(&src.m, (uint32_t)t), HV_OK);
	/* vCPU 0 cedes. */
	CHECK_RC(HC(&src, s, H_CEDE, 0), H_SUCCESS);
	CHECK_EQ(src.m.part[s].vcpu[0].state, HV_VCPU_CEDED);

	CHECK_EQ(hv_partition_migrate(&src.m, s, &dst.m, &dslot), HV_OK);
	CHECK_EQ(dst.m.part[dslot].vcpu[0].state, HV_VCPU_CEDED);
	CHECK_EQ(dst.m.part[dslot].vcpu[2].state, HV_VCPU_STOPPED);
	CHECK_EQ(dst.m.part[dslot].vcpu[1].state, HV_VCPU_ABSENT);
	CHECK_EQ(dst.m.part[dslot].vcpu[3].state, HV_VCPU_ABSENT);
	t = fx_running_thread(&dst, dslot, 2);
	CHECK(t >= 0);
	for (i = 0; i < HV_REG_COUNT; i++) {
		CHECK_EQ(dst.m.thread[t].regs.r[i], r1.r[i]);
	}
	/* A ceded vCPU stays ceded until prodded. */
	CHECK_EQ(hv_dispatch(&dst.m, (uint32_t)((t + 1) % 4), dslot, 0), HV_EBUSY);
	CHECK_RC(HCV(&dst, dslot, 2, H_PROD, 0), H_SUCCESS);
	CHECK_EQ(dst.m.part[dslot].vcpu[0].state, HV_VCPU_STOPPED);
	fx_fini(&src);
	fx_fini(&dst);
}

/* Both machines, byte for byte: every field and all of real memory. */
struct machine_snap {
	struct hv_machine m;
	uint8_t *mem;
	struct hv_host_stats st;
	uint64_t dirty;
};

static void snap_take(struct fx *f, struct machine_snap *sn)
{
	sn->m = f->m;
	sn->mem = malloc(f->m.mem_size);
	CHECK(sn->mem);
	memcpy(sn->mem, f->m.mem, f->m.mem_size);
	hv_host_plat_stats(f->plat, &sn->st);
	sn->dirty = hv_host_plat_dirty_pages(f->plat);
}

static bool snap_same(struct fx *f, struct machine_snap *sn)
{
	struct hv_host_stats st;
	bool same;

	hv_host_plat_stats(f->plat, &st);
	same = !memcmp(&sn->m, &f->m, sizeof(f->m)) && !memcmp(sn->mem, f->m.mem, f->m.mem_size) &&
	       !memcmp(&st, &sn->st, sizeof(st)) && sn->dirty == hv_host_plat_dirty_pages(f->plat);
	free(sn->mem);
	sn->mem = 0;
	return same;
}

/* A source with a running vCPU, HPTEs, a TCE and a VPA on a 16 MiB machine. */
static uint32_t busy_source(struct fx *src, uint32_t lmbs)
{
	uint32_t s = fx_partition(src, lmbs);

	fx_write64(src, s, 0x10, 0x1234);
	fx_enter(src, s, 0, fx_pteh(1, 0), fx_ptel(0));
	CHECK_EQ(hv_window_assign(&src->m, s, LIOBN, 0, 4), HV_OK);
	CHECK_RC(HC(src, s, H_PUT_TCE, LIOBN, 0, 0x1000 | 3), H_SUCCESS);
	fx_register_vpa(src, s, 0x2000);
	CHECK(fx_running_thread(src, s, 0) >= 0);
	return s;
}

TEST(migrate_errors_leave_both_machines_unchanged)
{
	struct fx src, dst;
	struct machine_snap a, b;
	struct hv_config cfg;
	uint32_t s, dslot = 0xAA, i, filler;

	/* dst too small: 8 MiB has 18 free LMBs, 14 of them taken. */
	fx_init(&src, 0, 16 * MiB);
	fx_init(&dst, 0, 8 * MiB);
	s = busy_source(&src, 6);
	filler = fx_partition(&dst, 14);
	(void)filler;
	snap_take(&src, &a);
	snap_take(&dst, &b);
	CHECK_EQ(hv_partition_migrate(&src.m, s, &dst.m, &dslot), HV_ENOMEM);
	CHECK(snap_same(&src, &a));
	CHECK(snap_same(&dst, &b));
	CHECK_EQ(dslot, 0xAA);

	/* dst == src. */
	snap_take(&src, &a);
	CHECK_EQ(hv_partition_migrate(&src.m, s, &src.m, &dslot), HV_EINVAL);
	CHECK(snap_same(&src, &a));

	/* No such partition. */
	snap_take(&src, &a);
	snap_take(&dst, &b);
	CHECK_EQ(hv_partition_migrate(&src.m, 3, &dst.m, &dslot), HV_ENOENT);
	CHECK(snap_same(&src, &a));
	CHECK(snap_same(&dst, &b));
	fx_fini(&dst);

	/* Different LMB size. */
	hv_config_default(&cfg);
	cfg.lmb_size = 512 * 1024;
	fx_init(&dst, &cfg, 16 * MiB);
	snap_take(&src, &a);
	snap_take(&dst, &b);
	CHECK_EQ(hv_partition_migrate(&src.m, s, &dst.m, &dslot), HV_EINVAL);
	CHECK(snap_same(&src, &a));
	CHECK(snap_same(&dst, &b));
	fx_fini(&dst);

	/* dst allows fewer vCPUs per partition. */
	hv_config_default(&cfg);
	cfg.max_vcpus = 2;
	fx_init(&dst, &cfg, 16 * MiB);
	snap_take(&src, &a);
	snap_take(&dst, &b);
	CHECK_EQ(hv_partition_migrate(&src.m, s, &dst.m, &dslot), HV_EINVAL);
	CHECK(snap_same(&src, &a));
	CHECK(snap_same(&dst, &b));
	fx_fini(&dst);

	/* dst has no DMA window left for the partition's one. */
	hv_config_default(&cfg);
	cfg.max_windows = 0;
	fx_init(&dst, &cfg, 16 * MiB);
	snap_take(&src, &a);
	snap_take(&dst, &b);
	CHECK_EQ(hv_partition_migrate(&src.m, s, &dst.m, &dslot), HV_ENOMEM);
	CHECK(snap_same(&src, &a));
	CHECK(snap_same(&dst, &b));
	fx_fini(&dst);

	/* No free partition slot on dst. */
	fx_init(&dst, 0, 16 * MiB);
	for (i = 0; i < dst.m.cfg.max_partitions; i++) {
		fx_partition(&dst, 1);
	}
	snap_take(&src, &a);
	snap_take(&dst, &b);
	CHECK_EQ(hv_partition_migrate(&src.m, s, &dst.m, &dslot), HV_ENOMEM);
	CHECK(snap_same(&src, &a));
	CHECK(snap_same(&dst, &b));
	fx_fini(&dst);

	/* After all that the source still works and a good migration succeeds. */
	CHECK_EQ(fx_read64(&src, s, 0x10), 0x1234);
	fx_init(&dst, 0, 16 * MiB);
	CHECK_EQ(hv_partition_migrate(&src.m, s, &dst.m, &dslot), HV_OK);
	CHECK_EQ(fx_read64(&dst, dslot, 0x10), 0x1234);
	CHECK_EQ(fx_get_tce(&dst, dslot, LIOBN, 0), 0x1000 | 3);
	fx_fini(&dst);
	fx_fini(&src);
}

TEST(migrate_with_a_16m_page_is_refused_or_keeps_it)
{
	struct fx src, dst;
	struct machine_snap a, b;
	uint32_t s, dslot, dother;
	uint64_t big;
	int rc;

	fx_init(&src, 0, 0);
	fx_init(&dst, 0, 0);
	dother = fx_partition(&dst, 3); /* dst's free LMBs start off any 16 MiB boundary */
	(void)dother;
	s = big_partition(&src);
	big = fx_enter(&src, s, 0x700, fx_pteh(0x42, 0) | HPTE_V_LARGE, PTEL16M);
	fx_write64(&src, s, 0x123458, 0xBEEF);
	CHECK_RC(HC(&src, s, H_READ, 0, big), H_SUCCESS);
	snap_take(&src, &a);
	snap_take(&dst, &b);
	rc = hv_partition_migrate(&src.m, s, &dst.m, &dslot);
	if (rc != HV_OK) {
		/* Refused: then before anything changed. */
		CHECK_EQ(rc, HV_EBUSY);
		CHECK(snap_same(&src, &a));
		CHECK(snap_same(&dst, &b));
		/* Without the large page it goes. */
		CHECK_RC(HC(&src, s, H_REMOVE, 0, big, 0), H_SUCCESS);
		CHECK_EQ(hv_partition_migrate(&src.m, s, &dst.m, &dslot), HV_OK);
		CHECK_EQ(fx_read64(&dst, dslot, 0x123458), 0xBEEF);
		CHECK_EQ(dst.m.part[dslot].lmb_count, 64);
	} else {
		/* Accepted: the 16 MiB page must survive exactly (I11) and map 16 MiB of aligned dst memory of dslot. */
		uint64_t w1 = fx_hw1(&dst, dslot, big), rpn = w1 & HPTE_R3_RPN;
		uint32_t k;

		free(a.mem);
		free(b.mem);
		CHECK(fx_hw0(&dst, dslot, big) & HPTE_V_VALID);
		CHECK_EQ(rpn & (16 * MiB - 1), 0);
		for (k = 0; k < 64; k++) {
			CHECK_EQ(hv_real_owner(&dst.m, hv_ra(rpn + k * LMB)), dslot);
			CHECK_EQ(fx_real(&dst, dslot, k * LMB).v, rpn + k * LMB);
		}
		CHECK_EQ(fx_read64(&dst, dslot, 0x123458), 0xBEEF);
	}
	fx_fini(&src);
	fx_fini(&dst);
}
