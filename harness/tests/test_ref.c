/*
 * The reference model (harness/portable/ref.c, ref_hpt.c) on its own:
 * exact predictions for every call in scope against a tiny fake
 * environment. test_ref_core.c runs it against the real core.
 */
#include <stdio.h>
#include <string.h>

#include "fixture.h"
#include "hv/machine.h"
#include "hv/papr.h"
#include "lparsec/ref.h"
#include "testlib.h"

#define LMB            LP_LMB_BYTES
#define PTEH(ea)       fx_pteh(0x1000, (ea))
#define VPA_FLAGS(fn)  ((uint64_t)(fn) << H_VPA_FUNC_SHIFT)

/* ---- the model alone, over a fake environment ---- */

#define FAKE_BYTES (2 * LMB)

static struct {
	uint8_t mem[LP_MAX_PARTS][FAKE_BYTES];
	bool contiguous;
	bool entropy;
	unsigned reads;
} fake;

static bool fake_read(void *ctx, unsigned part, uint64_t la, void *buf, unsigned len)
{
	(void)ctx;
	if (part >= LP_MAX_PARTS || la > FAKE_BYTES || len > FAKE_BYTES - la) {
		return false;
	}
	memcpy(buf, fake.mem[part] + la, len);
	fake.reads++;
	return true;
}

static bool fake_contiguous(void *ctx, unsigned part, uint64_t la, uint64_t size)
{
	(void)ctx, (void)part, (void)la, (void)size;
	return fake.contiguous;
}

static bool fake_entropy(void *ctx)
{
	(void)ctx;
	return fake.entropy;
}

static const struct lp_ref_env fake_env = { 0, fake_read, fake_contiguous, fake_entropy };

static struct lp_ref R;
static struct lp_ref_pred P;

static void fake_put64(unsigned part, uint64_t la, uint64_t v)
{
	unsigned i;

	for (i = 0; i < 8; i++) {
		fake.mem[part][la + i] = (uint8_t)(v >> (56 - 8 * i));
	}
}

static void fake_put16(unsigned part, uint64_t la, uint16_t v)
{
	fake.mem[part][la] = (uint8_t)(v >> 8);
	fake.mem[part][la + 1] = (uint8_t)v;
}

static void fake_put32(unsigned part, uint64_t la, uint32_t v)
{
	fake_put16(part, la, (uint16_t)(v >> 16));
	fake_put16(part, la + 2, (uint16_t)v);
}

/* Two partitions: p0 4 LMBs, 2 vCPUs, 2 windows; p1 2 LMBs, 1 vCPU, 1 window. */
static void model_init(void)
{
	struct lp_config cfg = { .nparts = 2, .threads = 2, .lmbs = { 4, 2 }, .vcpus = { 2, 1 }, .windows = { 2, 1 } };

	memset(&fake, 0, sizeof(fake));
	fake.contiguous = true;
	fake.entropy = true;
	lp_ref_init(&R, &cfg);
}

/* Predicts a call of p.v0; the prediction must be made and cover all nine outputs. */
static int64_t ref_call(unsigned part, uint64_t opcode, const uint64_t a[9])
{
	lp_ref_hcall(&R, &fake_env, part, 0, opcode, a, &P);
	CHECK(P.known);
	if (opcode != H_RANDOM) {
		CHECK_EQ(P.out_known, 0x1FF);
	}
	return P.rc;
}
#define REF(part, op, ...) ref_call((part), (op), (const uint64_t[9]){ __VA_ARGS__ })

/* All nine predicted outputs are zero. */
static bool outs_zero(void)
{
	unsigned i;

	for (i = 0; i < 9; i++) {
		if (P.out[i]) {
			return false;
		}
	}
	return true;
}

TEST(unknown_opcodes_are_h_function_with_zero_outputs)
{
	static const uint64_t ops[] = { 0, 2, 0x28, 0x45E, 0x460, 0x500, 0x1000, ~0ull, H_RANDOM + 4 };
	unsigned i;

	model_init();
	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		CHECK_RC(REF(0, ops[i], 1, 2, 3, 4, 5, 6, 7, 8, 9), H_FUNCTION);
		CHECK(outs_zero());
	}
}

TEST(enter_slot_choice_exact_and_full_group)
{
	unsigned i;

	model_init();
	CHECK_RC(REF(0, H_ENTER, 0, 0x42, PTEH(0x1000), fx_ptel(0x3000)), H_SUCCESS);
	CHECK_EQ(P.out[0], 0x40); /* first free slot of the group */
	CHECK_RC(REF(0, H_ENTER, H_EXACT, 0x40, PTEH(0x2000), fx_ptel(0x4000)), H_PTEG_FULL);
	CHECK_RC(REF(0, H_ENTER, H_EXACT, 0x45, PTEH(0x2000), fx_ptel(0x4000)), H_SUCCESS);
	CHECK_EQ(P.out[0], 0x45);
	for (i = 0; i < 6; i++) {
		CHECK_RC(REF(0, H_ENTER, 0, 0x47, PTEH(0x3000), fx_ptel(0x5000)), H_SUCCESS);
	}
	CHECK_RC(REF(0, H_ENTER, 0, 0x40, PTEH(0x3000), fx_ptel(0x5000)), H_PTEG_FULL);
	CHECK(outs_zero());
	/* Another partition's HPT is its own. */
	CHECK_RC(REF(1, H_ENTER, H_EXACT, 0x40, PTEH(0x3000), fx_ptel(0x5000)), H_SUCCESS);
	CHECK_EQ(R.nhptes, 9);
}

TEST(enter_guest_view_strips_hv_sw_drops_ts_forces_valid)
{
	uint64_t dw0, dw1;

	model_init();
	CHECK_RC(REF(0, H_ENTER, 0, 8, (PTEH(0x1000) & ~1ull) | 0x78, fx_ptel(0x3000) | HPTE_R_TS | HPTE_R_R), 0);
	CHECK(lp_ref_hpte_view(&R, 0, 8, &dw0, &dw1));
	CHECK_EQ(dw0, (PTEH(0x1000) & ~0x7Full) | 0x18 | 1);
	CHECK_EQ(dw1, fx_ptel(0x3000) | HPTE_R_R);
	CHECK(!lp_ref_hpte_view(&R, 1, 8, &dw0, &dw1));
	CHECK_RC(REF(0, H_READ, 0, 8), H_SUCCESS);
	CHECK_EQ(P.out[0], dw0);
	CHECK_EQ(P.out[1], dw1);
}

TEST(enter_rejects_bad_inputs)
{
	uint64_t ok0 = PTEH(0x1000), ok1 = fx_ptel(0x3000);

	model_init();
	CHECK_RC(REF(0, H_ENTER, 0, 0, ok0 | (2ull << 62), ok1), H_PARAMETER);         /* B reserved */
	CHECK_RC(REF(0, H_ENTER, 0, 0, ok0 | (3ull << 62), ok1), H_PARAMETER);
	CHECK_RC(REF(0, H_ENTER, 0, 0, ok0 | HPTE_V_LARGE, ok1 | 0x2000), H_PARAMETER); /* bad LP */
	CHECK_RC(REF(0, H_ENTER, 0, 0, ok0, fx_ptel(4 * LMB)), H_PARAMETER);           /* not owned */
	CHECK_RC(REF(1, H_ENTER, 0, 0, ok0, fx_ptel(2 * LMB + 0x1000)), H_PARAMETER);
	CHECK_RC(REF(0, H_ENTER, 0, 0, ok0, fx_ptel(1ull << 59)), H_PARAMETER);
	CHECK_RC(REF(0, H_ENTER, 0, 0, ok0, ok1 | HPTE_R_I), H_PARAMETER);             /* WIMG */
	CHECK_RC(REF(0, H_ENTER, 0, 0, ok0, ok1 & ~HPTE_R_M), H_PARAMETER);
	CHECK_RC(REF(0, H_ENTER, 0, LP_NHPTE, ok0, ok1), H_PARAMETER);                 /* PTEX */
	CHECK_RC(REF(0, H_ENTER, H_EXACT, ~0ull, ok0, ok1), H_PARAMETER);
	CHECK_EQ(R.nhptes, 0);
	CHECK_RC(REF(0, H_ENTER, 0, LP_NHPTE - 1, ok0, ok1), H_SUCCESS);
	CHECK_EQ(P.out[0], LP_NHPTE - 8);
}

TEST(enter_large_pages_check_every_lmb_and_contiguity)
{
	uint64_t pteh = PTEH(0x10000) | HPTE_V_LARGE;
	uint64_t dw0, dw1;
	unsigned i;

	model_init();
	/* 64 KiB (4K base): LP 0111 at bit 12; the LP bits fall out of the page address. */
	CHECK_RC(REF(0, H_ENTER, 0, 16, pteh, 0x30000 | 0x7000 | HPTE_R_M), H_SUCCESS);
	CHECK(lp_ref_hpte_view(&R, 0, 16, &dw0, &dw1));
	CHECK_EQ(dw1, 0x37000 | HPTE_R_M);
	/* 16 MiB spans 64 LMBs: all must be owned, then the machine says whether it is contiguous. */
	CHECK_RC(REF(0, H_ENTER, 0, 24, pteh, 0x38000 | HPTE_R_M), H_PARAMETER);
	for (i = 4; i < 64; i++) {
		struct lp_op add = { .kind = LP_OP_MEM_ADD, .part = 0, .a = (uint8_t)i };

		CHECK_EQ(lp_ref_mgmt(&R, &add), HV_OK);
	}
	fake.contiguous = false;
	CHECK_RC(REF(0, H_ENTER, 0, 24, pteh, 0x38000 | HPTE_R_M), H_PARAMETER);
	fake.contiguous = true;
	CHECK_RC(REF(0, H_ENTER, 0, 24, pteh, 0x38000 | HPTE_R_M), H_SUCCESS);
	CHECK_EQ(P.out[0], 24);
	/* 16 GiB would need LMBs beyond the logical space. */
	CHECK_RC(REF(0, H_ENTER, 0, 32, pteh, 0x3000 | HPTE_R_M), H_PARAMETER);
}

TEST(remove_avpn_andcond_and_not_found)
{
	uint64_t pteh = PTEH(0x5000) | 0x10, ptel = fx_ptel(0x6000);

	model_init();
	CHECK_RC(REF(0, H_ENTER, 0, 0x80, pteh, ptel), H_SUCCESS);
	CHECK_RC(REF(0, H_REMOVE, 0, LP_NHPTE, 0), H_PARAMETER);
	CHECK_RC(REF(0, H_REMOVE, 0, 0x81, 0), H_NOT_FOUND);
	CHECK_RC(REF(0, H_REMOVE, H_AVPN, 0x80, (pteh & ~0x7Full) ^ 0x80), H_NOT_FOUND);
	CHECK_RC(REF(0, H_REMOVE, H_ANDCOND, 0x80, 0x10), H_NOT_FOUND);
	CHECK_RC(REF(0, H_REMOVE, H_AVPN | H_ANDCOND, 0x80, pteh & ~0x7Full), H_NOT_FOUND); /* AND of both */
	CHECK_RC(REF(1, H_REMOVE, 0, 0x80, 0), H_NOT_FOUND);
	lp_ref_note_access(&R, 0, 0x80, true);
	CHECK_RC(REF(0, H_REMOVE, H_AVPN | H_ANDCOND, 0x80, pteh & ~0x7Full & ~0x10ull), H_NOT_FOUND);
	CHECK_RC(REF(0, H_REMOVE, H_AVPN, 0x80, pteh & ~0x7Full), H_SUCCESS);
	CHECK_EQ(P.out[0], pteh);
	CHECK_EQ(P.out[1], ptel | HPTE_R_R | HPTE_R_C);
	CHECK_RC(REF(0, H_REMOVE, 0, 0x80, 0), H_NOT_FOUND);
	CHECK_EQ(R.nhptes, 0);
}

TEST(read_one_and_four_with_range_before_rounding)
{
	model_init();
	CHECK_RC(REF(0, H_ENTER, H_EXACT, 0x101, PTEH(0x1000), fx_ptel(0x1000)), H_SUCCESS);
	CHECK_RC(REF(0, H_ENTER, H_EXACT, 0x103, PTEH(0x2000), fx_ptel(0x2000)), H_SUCCESS);
	CHECK_RC(REF(0, H_READ, H_READ_4, 0x102), H_SUCCESS);
	CHECK_EQ(P.out[0], 0);
	CHECK_EQ(P.out[2], PTEH(0x1000));
	CHECK_EQ(P.out[3], fx_ptel(0x1000));
	CHECK_EQ(P.out[4], 0);
	CHECK_EQ(P.out[6], PTEH(0x2000));
	CHECK_EQ(P.out[7], fx_ptel(0x2000));
	CHECK_EQ(P.out[8], 0);
	CHECK_RC(REF(0, H_READ, 0, 0x102), H_SUCCESS);
	CHECK(outs_zero());
	CHECK_RC(REF(0, H_READ, H_READ_4, LP_NHPTE), H_PARAMETER);
	CHECK_RC(REF(0, H_READ, H_READ_4, LP_NHPTE - 1), H_SUCCESS);
}

TEST(protect_rewrites_only_protection_bits)
{
	uint64_t pteh = PTEH(0x7000), ptel = fx_ptel(0x7000) | 0x0800 /* KEY bit */, dw0, dw1;
	uint64_t flags = H_AVPN | 0x100 | 0x3000 | 0x600 | 0x5;

	model_init();
	CHECK_RC(REF(0, H_ENTER, 0, 0x200, pteh, ptel), H_SUCCESS);
	lp_ref_note_access(&R, 0, 0x200, false);
	CHECK_RC(REF(0, H_PROTECT, 0, LP_NHPTE, 0), H_PARAMETER);
	CHECK_RC(REF(0, H_PROTECT, 0, 0x201, 0), H_NOT_FOUND);
	CHECK_RC(REF(0, H_PROTECT, H_AVPN, 0x200, 0x80), H_NOT_FOUND);
	CHECK_RC(REF(0, H_PROTECT, flags, 0x200, pteh & ~0x7Full), H_SUCCESS);
	CHECK(outs_zero());
	CHECK(lp_ref_hpte_view(&R, 0, 0x200, &dw0, &dw1));
	CHECK_EQ(dw0, pteh);
	CHECK_EQ(dw1, HPTE_R_PP0 | HPTE_R_KEY_HI | 0x7000 | 0x600 | HPTE_R_R | HPTE_R_M | 0x5);
	/* ANDCOND means nothing to H_PROTECT. */
	CHECK_RC(REF(0, H_PROTECT, H_ANDCOND | 2, 0x200, ~0ull), H_SUCCESS);
	CHECK(lp_ref_hpte_view(&R, 0, 0x200, &dw0, &dw1));
	CHECK_EQ(dw1, 0x7000 | HPTE_R_R | HPTE_R_M | 2);
}

TEST(bulk_remove_responses_partial_progress_and_end_marker)
{
	uint64_t p0 = PTEH(0x1000), p1 = PTEH(0x2000);

	model_init();
	CHECK_RC(REF(0, H_ENTER, H_EXACT, 8, p0, fx_ptel(0x1000) | HPTE_R_C), H_SUCCESS);
	CHECK_RC(REF(0, H_ENTER, H_EXACT, 9, p1, fx_ptel(0x2000)), H_SUCCESS);
	CHECK_RC(REF(0, H_ENTER, H_EXACT, 10, p1, fx_ptel(0x2000)), H_SUCCESS);
	lp_ref_note_access(&R, 0, 8, false);
	CHECK_RC(REF(0, H_BULK_REMOVE, HBR_REQUEST | HBR_AVPN | 8, p0 & ~0x7Full, HBR_REQUEST | 11, 0,
		     HBR_REQUEST | HBR_ANDCOND | 9, 1, HBR_END, 77, 0x99),
		 H_SUCCESS);
	CHECK_EQ(P.out[0], HBR_RESPONSE | HBR_AVPN | 8 | (HPTE_R_RC << HBR_RC_SHIFT));
	CHECK_EQ(P.out[1], p0 & ~0x7Full);
	CHECK_EQ(P.out[2], HBR_RESPONSE | HBR_RESULT_NOT_FOUND | 11);
	CHECK_EQ(P.out[4], HBR_RESPONSE | HBR_ANDCOND | HBR_RESULT_NOT_FOUND | 9); /* V is set */
	CHECK_EQ(P.out[6], HBR_END);
	CHECK_EQ(P.out[7], 77);
	CHECK_EQ(P.out[8], 0); /* r12 is not part of the list */
	/* A bad pair stops the call after the earlier ones were done. */
	CHECK_RC(REF(0, H_BULK_REMOVE, HBR_REQUEST | 9, 0, HBR_REQUEST | HBR_AVPN | HBR_ANDCOND | 10, 0,
		     HBR_REQUEST | 10, 0),
		 H_PARAMETER);
	CHECK_EQ(P.out[0], HBR_RESPONSE | 9);
	CHECK_EQ(P.out[2], HBR_RESPONSE | HBR_RESULT_PARM | HBR_AVPN | HBR_ANDCOND | 10);
	CHECK_EQ(P.out[4], HBR_REQUEST | 10); /* untouched echo */
	CHECK_EQ(R.nhptes, 1);
	CHECK_RC(REF(0, H_BULK_REMOVE, 0x10), H_PARAMETER); /* type 00 */
	CHECK_EQ(P.out[0], HBR_RESPONSE | HBR_RESULT_PARM | 0x10);
	CHECK_RC(REF(0, H_BULK_REMOVE, HBR_REQUEST | LP_NHPTE), H_PARAMETER);
	CHECK_RC(REF(0, H_BULK_REMOVE, HBR_END), H_SUCCESS);
	CHECK_EQ(R.nhptes, 1);
}

TEST(clear_ref_and_clear_mod_return_then_clear)
{
	uint64_t dw0, dw1;

	model_init();
	CHECK_RC(REF(0, H_CLEAR_REF, 0, 5), H_NOT_FOUND);
	CHECK_RC(REF(0, H_CLEAR_MOD, 0, LP_NHPTE), H_PARAMETER);
	CHECK_RC(REF(0, H_ENTER, H_EXACT, 5, PTEH(0x1000), fx_ptel(0x1000)), H_SUCCESS);
	lp_ref_note_access(&R, 0, 4, true); /* no entry there: no effect */
	lp_ref_note_access(&R, 1, 5, true);
	CHECK_RC(REF(0, H_CLEAR_REF, 0, 5), H_SUCCESS);
	CHECK_EQ(P.out[0], fx_ptel(0x1000));
	lp_ref_note_access(&R, 0, 5, true);
	CHECK_RC(REF(0, H_CLEAR_REF, 0, 5), H_SUCCESS);
	CHECK_EQ(P.out[0], fx_ptel(0x1000) | HPTE_R_R | HPTE_R_C);
	CHECK_RC(REF(0, H_CLEAR_REF, 0, 5), H_SUCCESS);
	CHECK_EQ(P.out[0], fx_ptel(0x1000) | HPTE_R_C);
	CHECK_RC(REF(0, H_CLEAR_MOD, 0, 5), H_SUCCESS);
	CHECK_EQ(P.out[0], fx_ptel(0x1000) | HPTE_R_C);
	CHECK(lp_ref_hpte_view(&R, 0, 5, &dw0, &dw1));
	CHECK_EQ(dw1, fx_ptel(0x1000));
	CHECK_RC(REF(1, H_CLEAR_MOD, 0, 5), H_NOT_FOUND);
}

TEST(tce_put_get_stuff_checks)
{
	uint32_t l0 = lp_liobn(0, 0), l1 = lp_liobn(0, 1);

	model_init();
	CHECK_RC(REF(0, H_PUT_TCE, l0, 0x5000, 0x3000 | TCE_RW), H_SUCCESS);
	CHECK_RC(REF(0, H_GET_TCE, l0, 0x5000), H_SUCCESS);
	CHECK_EQ(P.out[0], 0x3000 | TCE_RW);
	CHECK_EQ(lp_ref_tce_view(&R, 0, 0, 5), 0x3000 | TCE_RW);
	CHECK_RC(REF(0, H_PUT_TCE, lp_liobn(1, 0), 0, 0), H_PARAMETER);       /* foreign */
	CHECK_RC(REF(1, H_PUT_TCE, lp_liobn(1, 1), 0, 0), H_PARAMETER);       /* not assigned */
	CHECK_RC(REF(0, H_PUT_TCE, (1ull << 32) | l0, 0, 0), H_PARAMETER);    /* > 32 bits */
	CHECK_RC(REF(0, H_PUT_TCE, l0, 0x5008, 0), H_PARAMETER);              /* misaligned */
	CHECK_RC(REF(0, H_PUT_TCE, l0, LP_WINDOW_ENTRIES * 4096ull, 0), H_PARAMETER);
	CHECK_RC(REF(0, H_PUT_TCE, l0, 0, 0x3000 | 0x800), H_PARAMETER);      /* reserved */
	CHECK_RC(REF(0, H_PUT_TCE, l0, 0, 4 * LMB | TCE_READ), H_PARAMETER);  /* not owned */
	CHECK_RC(REF(0, H_PUT_TCE, l0, 0, 4 * LMB), H_SUCCESS);               /* poison, no access */
	CHECK_RC(REF(0, H_GET_TCE, l1, (LP_WINDOW_ENTRIES - 1) * 4096ull), H_SUCCESS);
	CHECK_EQ(P.out[0], 0);
	/* Stuff: only clears or poisons; count 0 is fine; the run must fit. */
	CHECK_RC(REF(0, H_STUFF_TCE, l0, 0x4000, 0, 3), H_SUCCESS);
	CHECK_EQ(lp_ref_tce_view(&R, 0, 0, 5), 0);
	CHECK_RC(REF(0, H_STUFF_TCE, l0, 0x4000, 0x3000 | TCE_READ, 1), H_PARAMETER);
	CHECK_RC(REF(0, H_STUFF_TCE, l0, 0x4000, 0x3004, 1), H_PARAMETER);
	CHECK_RC(REF(0, H_STUFF_TCE, l0, 0, 0x9000, LP_WINDOW_ENTRIES), H_SUCCESS);
	CHECK_EQ(lp_ref_tce_view(&R, 0, 0, LP_WINDOW_ENTRIES - 1), 0x9000);
	CHECK_RC(REF(0, H_STUFF_TCE, l0, 0x1000, 0, LP_WINDOW_ENTRIES), H_PARAMETER);
	CHECK_RC(REF(0, H_STUFF_TCE, l0, LP_WINDOW_ENTRIES * 4096ull, 0, 0), H_SUCCESS);
	CHECK_RC(REF(0, H_STUFF_TCE, l0, 0x1000, 0, ~0ull), H_PARAMETER);
}

TEST(tce_indirect_reads_list_validates_all_first)
{
	uint32_t l0 = lp_liobn(0, 0);

	model_init();
	fake_put64(0, 0x2000, 0x1000 | TCE_READ);
	fake_put64(0, 0x2008, 0x2000 | TCE_RW);
	fake_put64(0, 0x2010, 0);
	fake_put64(0, 0x2018, 8 * LMB | TCE_WRITE); /* not owned */
	CHECK_RC(REF(0, H_PUT_TCE_INDIRECT, l0, 0x3000, 0x2000, 4), H_PARAMETER);
	CHECK_EQ(lp_ref_tce_view(&R, 0, 0, 3), 0); /* nothing applied */
	CHECK_RC(REF(0, H_PUT_TCE_INDIRECT, l0, 0x3000, 0x2000, 3), H_SUCCESS);
	CHECK_EQ(lp_ref_tce_view(&R, 0, 0, 3), 0x1000 | TCE_READ);
	CHECK_EQ(lp_ref_tce_view(&R, 0, 0, 4), 0x2000 | TCE_RW);
	CHECK_RC(REF(0, H_PUT_TCE_INDIRECT, l0, 0, 0x2000, 513), H_PARAMETER);
	CHECK_RC(REF(0, H_PUT_TCE_INDIRECT, l0, 0, 0x2008, 1), H_PARAMETER);        /* list misaligned */
	CHECK_RC(REF(0, H_PUT_TCE_INDIRECT, l0, 0, 4 * LMB, 1), H_PARAMETER);       /* list not owned */
	CHECK_RC(REF(0, H_PUT_TCE_INDIRECT, l0, 0x1000, 0x2000, LP_WINDOW_ENTRIES), H_PARAMETER);
	fake.reads = 0;
	CHECK_RC(REF(0, H_PUT_TCE_INDIRECT, l0, 0, 0x2000, 0), H_SUCCESS);
	CHECK_EQ(fake.reads, 0);
	CHECK_RC(REF(0, H_PUT_TCE_INDIRECT, lp_liobn(1, 0), 0, 0x2000, 1), H_PARAMETER);
}

TEST(register_vpa_order_of_checks)
{
	model_init();
	fake_put16(0, 0x1004, 640);
	fake_put32(0, 0x2004, 100);   /* DTL: rounded down to 96 */
	fake_put32(0, 0x2084, 40);    /* DTL too short */
	fake_put32(0, 0x3F84, 0x80);  /* SLB that exactly fits the page */
	fake_put32(0, 0x3F04, 0x101); /* crosses the page */
	fake_put16(0, 0x4004, 639);
	CHECK_RC(REF(0, H_REGISTER_VPA, VPA_FLAGS(1), 2, 0x1000), H_PARAMETER); /* absent vCPU */
	CHECK_RC(REF(0, H_REGISTER_VPA, VPA_FLAGS(1), 4, 0x1000), H_PARAMETER);
	CHECK_RC(REF(0, H_REGISTER_VPA, VPA_FLAGS(2), 1, 0x2000), H_RESOURCE);
	CHECK_RC(REF(0, H_REGISTER_VPA, VPA_FLAGS(2), 1, 0x2080), H_PARAMETER); /* length first */
	CHECK_RC(REF(0, H_REGISTER_VPA, VPA_FLAGS(3), 1, 0x3F80), H_RESOURCE);
	CHECK_RC(REF(0, H_REGISTER_VPA, VPA_FLAGS(1), 1, 0), H_PARAMETER);
	CHECK_RC(REF(0, H_REGISTER_VPA, VPA_FLAGS(1), 1, 0x1040), H_PARAMETER);
	CHECK_RC(REF(0, H_REGISTER_VPA, VPA_FLAGS(1), 1, 4 * LMB), H_PARAMETER);
	CHECK_RC(REF(0, H_REGISTER_VPA, VPA_FLAGS(1), 1, 0x4000), H_PARAMETER);
	CHECK_RC(REF(0, H_REGISTER_VPA, VPA_FLAGS(1), 1, 0x1000), H_SUCCESS);
	CHECK_RC(REF(0, H_REGISTER_VPA, VPA_FLAGS(2), 1, 0x2000), H_SUCCESS);
	CHECK_EQ(R.part[0].vcpu[1].dtl.len, 96);
	CHECK_RC(REF(0, H_REGISTER_VPA, VPA_FLAGS(3), 1, 0x3F00), H_PARAMETER);
	CHECK_RC(REF(0, H_REGISTER_VPA, VPA_FLAGS(3), 1, 0x3F80), H_SUCCESS);
	CHECK_RC(REF(0, H_REGISTER_VPA, VPA_FLAGS(5), 1, 0), H_RESOURCE);
	CHECK_RC(REF(0, H_REGISTER_VPA, VPA_FLAGS(6), 1, 0), H_SUCCESS);
	CHECK_RC(REF(0, H_REGISTER_VPA, VPA_FLAGS(5), 1, 0), H_RESOURCE);
	CHECK_RC(REF(0, H_REGISTER_VPA, VPA_FLAGS(7), 1, 0), H_SUCCESS);
	CHECK_RC(REF(0, H_REGISTER_VPA, VPA_FLAGS(5), 1, 0), H_SUCCESS);
	CHECK(!R.part[0].vcpu[1].vpa.on);
	CHECK_RC(REF(0, H_REGISTER_VPA, VPA_FLAGS(0), 1, 0x1000), H_PARAMETER);
	CHECK_RC(REF(0, H_REGISTER_VPA, VPA_FLAGS(4), 1, 0x1000), H_PARAMETER);
	CHECK(outs_zero());
}

TEST(console_and_small_calls)
{
	model_init();
	CHECK_RC(REF(0, H_PUT_TERM_CHAR, 0, 16, 1, 2), H_SUCCESS);
	CHECK_RC(REF(0, H_PUT_TERM_CHAR, 0x30000000, 0), H_SUCCESS);
	CHECK_RC(REF(0, H_PUT_TERM_CHAR, 0, 17), H_PARAMETER);
	CHECK_RC(REF(0, H_PUT_TERM_CHAR, 0x30000001, 1), H_PARAMETER);
	CHECK_RC(REF(1, H_GET_TERM_CHAR, 0x30000000), H_SUCCESS);
	CHECK(outs_zero());
	CHECK_RC(REF(1, H_GET_TERM_CHAR, 1), H_PARAMETER);
	CHECK_RC(REF(0, H_SET_SPRG0, ~0ull), H_SUCCESS);
	CHECK_RC(REF(0, H_RANDOM), H_SUCCESS);
	CHECK_EQ(P.out_known, 0x1FE);
	fake.entropy = false;
	CHECK_RC(REF(0, H_RANDOM), H_HARDWARE);
	CHECK_EQ(P.out_known, 0x1FF);
	CHECK_RC(REF(0, H_PROD, 1), H_SUCCESS);
	CHECK_RC(REF(1, H_PROD, 1), H_PARAMETER);
	CHECK_RC(REF(0, H_PROD, ~0ull), H_PARAMETER);
	CHECK_RC(REF(0, H_CEDE), H_SUCCESS);
	CHECK_RC(REF(0, H_CONFER, ~0ull, 5), H_SUCCESS);
	CHECK_RC(REF(0, H_CONFER, 1, 5), H_SUCCESS);
	CHECK_RC(REF(0, H_CONFER, 3, 5), H_PARAMETER);
	CHECK_RC(REF(0, H_PAGE_INIT, H_ZERO_PAGE | H_PAGE_SET_LOANED, 0x1000), H_SUCCESS);
	CHECK_RC(REF(0, H_PAGE_INIT, H_COPY_PAGE | H_ICACHE_SYNCHRONIZE, 0x1000, 3 * LMB), H_SUCCESS);
	CHECK_RC(REF(0, H_PAGE_INIT, H_ZERO_PAGE | H_EXACT, 0x1000), H_PARAMETER);
	CHECK_RC(REF(0, H_PAGE_INIT, 0, 0x1008), H_PARAMETER);
	CHECK_RC(REF(0, H_PAGE_INIT, H_COPY_PAGE, 0x1000, 0x2008), H_PARAMETER);
	CHECK_RC(REF(0, H_PAGE_INIT, H_ZERO_PAGE, 0x1000, 0x2008), H_SUCCESS); /* src ignored without copy */
	CHECK_RC(REF(0, H_PAGE_INIT, 0, 4 * LMB), H_PARAMETER);
	CHECK_RC(REF(0, H_PAGE_INIT, H_COPY_PAGE, 0x1000, 4 * LMB), H_PARAMETER);
	CHECK(outs_zero());
}

TEST(mem_remove_drops_every_reference_into_the_lmb)
{
	struct lp_op add = { .kind = LP_OP_MEM_ADD, .part = 0, .a = 9 };
	struct lp_op rm = { .kind = LP_OP_MEM_REMOVE, .part = 0, .a = 1 };
	struct lp_ref_machine facts = { .threads = 2, .max_windows = 8, .max_partitions = 4 };
	uint64_t dw0, dw1;

	model_init();
	fake_put16(0, LMB + 4, 640);
	fake_put32(0, 4, 48);
	CHECK_RC(REF(0, H_ENTER, 0, 0, PTEH(0x1000), fx_ptel(LMB + 0x1000)), H_SUCCESS);
	CHECK_RC(REF(0, H_ENTER, 0, 0, PTEH(0x2000), fx_ptel(2 * LMB)), H_SUCCESS);
	CHECK_RC(REF(0, H_ENTER, 0, 0, PTEH(0x10000) | HPTE_V_LARGE, LMB + 0x30000 | 0x7000 | HPTE_R_M), 0);
	CHECK_RC(REF(1, H_ENTER, 0, 0, PTEH(0x1000), fx_ptel(LMB + 0x1000)), H_SUCCESS); /* p1's own LMB 1 */
	CHECK_RC(REF(0, H_PUT_TCE, lp_liobn(0, 0), 0, LMB | TCE_WRITE), H_SUCCESS);
	CHECK_RC(REF(0, H_PUT_TCE, lp_liobn(0, 1), 0, LMB), H_SUCCESS); /* poison: stays */
	CHECK_RC(REF(0, H_PUT_TCE, lp_liobn(0, 0), 0x1000, TCE_READ), H_SUCCESS);
	CHECK_RC(REF(0, H_REGISTER_VPA, VPA_FLAGS(1), 0, LMB), H_SUCCESS);
	CHECK_RC(REF(0, H_REGISTER_VPA, VPA_FLAGS(2), 0, 0), H_PARAMETER); /* address 0 */
	CHECK_EQ(lp_ref_mgmt(&R, &rm), HV_OK);
	CHECK(!lp_ref_hpte_view(&R, 0, 0, &dw0, &dw1));
	CHECK(lp_ref_hpte_view(&R, 0, 1, &dw0, &dw1));
	CHECK_EQ(dw1, fx_ptel(2 * LMB));
	CHECK(!lp_ref_hpte_view(&R, 0, 2, &dw0, &dw1));
	CHECK(lp_ref_hpte_view(&R, 1, 0, &dw0, &dw1));
	CHECK_EQ(lp_ref_tce_view(&R, 0, 0, 0), 0);
	CHECK_EQ(lp_ref_tce_view(&R, 0, 1, 0), LMB);
	CHECK_EQ(lp_ref_tce_view(&R, 0, 0, 1), TCE_READ);
	CHECK(!R.part[0].vcpu[0].vpa.on);
	CHECK_RC(REF(0, H_PAGE_INIT, 0, LMB), H_PARAMETER);
	/* An add the machine has no memory for fails and changes nothing; one it has memory for succeeds. */
	facts.pool_lmbs = 3 + 2; /* what the two partitions own now */
	lp_ref_set_machine(&R, 0, &facts);
	CHECK_EQ(lp_ref_mgmt(&R, &add), HV_ENOMEM);
	CHECK_RC(REF(0, H_PAGE_INIT, 0, 9 * LMB), H_PARAMETER);
	facts.pool_lmbs++;
	lp_ref_set_machine(&R, 0, &facts);
	CHECK_EQ(lp_ref_mgmt(&R, &add), HV_OK);
	CHECK_RC(REF(0, H_PAGE_INIT, 0, 9 * LMB), H_SUCCESS);
	CHECK_EQ(lp_ref_mgmt(&R, &add), HV_EEXIST);
	CHECK_EQ(lp_ref_mgmt(&R, &rm), HV_ENOENT);
}

TEST(mgmt_cpu_and_window_changes)
{
	struct lp_op op = { .kind = LP_OP_CPU_REMOVE, .part = 0, .vcpu = 1 };

	model_init();
	fake_put16(0, 0x1004, 640);
	CHECK_RC(REF(0, H_REGISTER_VPA, VPA_FLAGS(1), 1, 0x1000), H_SUCCESS);
	CHECK_EQ(lp_ref_mgmt(&R, &op), HV_OK);
	CHECK_RC(REF(0, H_PROD, 1), H_PARAMETER);
	op.kind = LP_OP_CPU_ADD;
	CHECK_EQ(lp_ref_mgmt(&R, &op), HV_OK);
	CHECK_RC(REF(0, H_PROD, 1), H_SUCCESS);
	CHECK(!R.part[0].vcpu[1].vpa.on);
	op = (struct lp_op){ .kind = LP_OP_WIN_ASSIGN, .part = 1, .a = 1 };
	CHECK_EQ(lp_ref_mgmt(&R, &op), HV_OK);
	CHECK_RC(REF(1, H_PUT_TCE, lp_liobn(1, 1), 0, 0x1000 | TCE_READ), H_SUCCESS);
	op.kind = LP_OP_RELOCATE;
	CHECK_EQ(lp_ref_mgmt(&R, &op), HV_OK);
	op.kind = LP_OP_MIGRATE;
	CHECK_EQ(lp_ref_mgmt(&R, &op), HV_OK);
	CHECK_EQ(lp_ref_tce_view(&R, 1, 1, 0), 0x1000 | TCE_READ);
	op.kind = LP_OP_WIN_UNASSIGN;
	op.a = 3; /* the executor names window a % 2 */
	CHECK_EQ(lp_ref_mgmt(&R, &op), HV_OK);
	CHECK_EQ(lp_ref_tce_view(&R, 1, 1, 0), 0);
	CHECK_RC(REF(1, H_GET_TCE, lp_liobn(1, 1), 0), H_PARAMETER);
	op.kind = LP_OP_WIN_ASSIGN;
	CHECK_EQ(lp_ref_mgmt(&R, &op), HV_OK);
	CHECK_RC(REF(1, H_GET_TCE, lp_liobn(1, 1), 0), H_SUCCESS);
	CHECK_EQ(P.out[0], 0);
}

TEST(overflow_stops_predictions_and_init_resets_cheaply)
{
	struct lp_config cfg = { .nparts = 1, .threads = 1, .lmbs = { 8 }, .vcpus = { 1 }, .windows = { 0 } };
	uint64_t a[9] = { 0 };
	unsigned i;

	lp_ref_init(&R, &cfg);
	for (i = 0; i < LP_REF_HPTES; i++) {
		CHECK_RC(REF(0, H_ENTER, 0, 8 * i, PTEH(0x1000), fx_ptel(0x1000)), H_SUCCESS);
	}
	CHECK(!R.overflow);
	a[1] = 8 * LP_REF_HPTES;
	a[2] = PTEH(0x1000);
	a[3] = fx_ptel(0x1000);
	lp_ref_hcall(&R, &fake_env, 0, 0, H_ENTER, a, &P);
	CHECK(!P.known);
	CHECK(R.overflow);
	lp_ref_hcall(&R, &fake_env, 0, 0, H_SET_SPRG0, a, &P);
	CHECK(!P.known);
	/* Partitions that do not exist get no predictions either. */
	lp_ref_init(&R, &cfg);
	CHECK(!R.overflow);
	CHECK_EQ(R.nhptes, 0);
	lp_ref_hcall(&R, &fake_env, 1, 0, H_SET_SPRG0, a, &P);
	CHECK(!P.known);
	CHECK_RC(REF(0, H_READ, 0, 0), H_SUCCESS);
	CHECK(outs_zero());
	CHECK_RC(REF(0, H_GET_TCE, lp_liobn(0, 0), 0), H_PARAMETER); /* no windows configured */
}
