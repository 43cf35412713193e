/*
 * The reference model against the real core: the same calls (valid and
 * hostile) and management operations go to a fixture machine and to the
 * model; every predicted return code and output register must be equal,
 * and the core must answer what the test expects.
 */
#include <stdio.h>
#include <string.h>

#include "fixture.h"
#include "hv/papr.h"
#include "lparsec/ref.h"
#include "testlib.h"

#define LMB            LP_LMB_BYTES
#define PTEH(ea)       fx_pteh(0x1000, (ea))
#define VPA_FLAGS(fn)  ((uint64_t)(fn) << H_VPA_FUNC_SHIFT)

static struct {
	struct fx f;
	struct lp_ref r;
	struct lp_ref_env env;
	int step;
	long rc;        /* the core's r3 of the last call */
} dx;

static bool core_read(void *ctx, unsigned part, uint64_t la, void *buf, unsigned len)
{
	struct fx *f = ctx;
	hv_raddr_t ra;

	if (!hv_part(&f->m, part) || !hv_translate(&f->m, hv_part(&f->m, part), hv_la(la), len, &ra)) {
		return false;
	}
	memcpy(buf, f->m.mem + ra.v, len);
	return true;
}

static bool core_contiguous(void *ctx, unsigned part, uint64_t la, uint64_t size)
{
	struct fx *f = ctx;
	hv_raddr_t ra;

	return hv_part(&f->m, part) && hv_translate(&f->m, hv_part(&f->m, part), hv_la(la), size, &ra) &&
	       (ra.v & (size - 1)) == 0;
}

static bool core_entropy(void *ctx)
{
	(void)ctx;
	return true;
}

/* The model's configuration built on the core: slots 0 and 1 are program partitions 0 and 1. */
static void diff_init(void)
{
	struct lp_config cfg = { .nparts = 2, .threads = 4, .lmbs = { 4, 2 }, .vcpus = { 2, 1 }, .windows = { 2, 1 } };
	struct lp_ref_machine facts;

	fx_init(&dx.f, 0, 0);
	CHECK_EQ(fx_partition(&dx.f, 4), 0);
	CHECK_EQ(fx_partition(&dx.f, 2), 1);
	CHECK_EQ(hv_dlpar_cpu_add(&dx.f.m, 0, 1), HV_OK);
	CHECK_EQ(hv_window_assign(&dx.f.m, 0, lp_liobn(0, 0), 0, LP_WINDOW_ENTRIES), HV_OK);
	CHECK_EQ(hv_window_assign(&dx.f.m, 0, lp_liobn(0, 1), 0, LP_WINDOW_ENTRIES), HV_OK);
	CHECK_EQ(hv_window_assign(&dx.f.m, 1, lp_liobn(1, 0), 0, LP_WINDOW_ENTRIES), HV_OK);
	lp_ref_init(&dx.r, &cfg);
	facts.pool_lmbs = dx.f.m.lmb_count - (uint32_t)(dx.f.m.hv_bytes >> dx.f.m.lmb_shift);
	facts.threads = (uint8_t)dx.f.m.cfg.threads;
	facts.max_windows = (uint8_t)dx.f.m.cfg.max_windows;
	facts.max_partitions = (uint8_t)dx.f.m.cfg.max_partitions;
	lp_ref_set_machine(&dx.r, 0, &facts);
	dx.env = (struct lp_ref_env){ &dx.f, core_read, core_contiguous, core_entropy };
	dx.step = 0;
}

/* Issues the call to both; false (with a message) when the core and the model disagree. */
static bool diff_call(unsigned part, unsigned vcpu, uint64_t opcode, const uint64_t a[9])
{
	struct lp_ref_pred pred;
	long rc;
	unsigned i;

	dx.step++;
	lp_ref_hcall(&dx.r, &dx.env, part, vcpu, opcode, a, &pred);
	rc = fx_hcall(&dx.f, part, vcpu, opcode, a);
	dx.rc = rc;
	if (!pred.known) {
		fprintf(stderr, "step %d (op 0x%llx): the model made no prediction\n", dx.step, (unsigned long long)opcode);
		return false;
	}
	if (rc != pred.rc) {
		fprintf(stderr, "step %d (op 0x%llx): core rc %ld, model %lld\n", dx.step, (unsigned long long)opcode, rc,
			(long long)pred.rc);
		return false;
	}
	for (i = 0; i < 9; i++) {
		if ((pred.out_known >> i & 1) && dx.f.out[i] != pred.out[i]) {
			fprintf(stderr, "step %d (op 0x%llx): r%u core 0x%llx, model 0x%llx\n", dx.step,
				(unsigned long long)opcode, 4 + i, (unsigned long long)dx.f.out[i],
				(unsigned long long)pred.out[i]);
			return false;
		}
	}
	return true;
}
/* D(part, vcpu, expected rc, opcode, args...): both agree, and the core answered as expected. */
#define D(part, vcpu, expect, op, ...)                                                                  \
	do {                                                                                           \
		CHECK(diff_call((part), (vcpu), (op), (const uint64_t[9]){ __VA_ARGS__ }));            \
		CHECK_RC(dx.rc, (expect));                                                             \
	} while (0)

/* The MMU set R/C on an entry: the core's hardware bits and the model's note. */
static void diff_access(unsigned part, uint64_t ptex, bool write)
{
	fx_mmu_set_rc(&dx.f, part, ptex, HPTE_R_R | (write ? HPTE_R_C : 0));
	lp_ref_note_access(&dx.r, part, ptex, write);
}

/* A management operation on the core, told to the model with its result. */
static void diff_mgmt(uint8_t kind, unsigned part, unsigned vcpu, unsigned a)
{
	struct lp_op op = { .kind = kind, .part = (uint8_t)part, .vcpu = (uint8_t)vcpu, .a = (uint8_t)a };
	int rc = HV_EINVAL;

	switch (kind) {
	case LP_OP_MEM_ADD: rc = hv_dlpar_mem_add(&dx.f.m, part, a, HV_NIL); break;
	case LP_OP_MEM_REMOVE: rc = hv_dlpar_mem_remove(&dx.f.m, part, a); break;
	case LP_OP_CPU_ADD: rc = hv_dlpar_cpu_add(&dx.f.m, part, vcpu); break;
	case LP_OP_CPU_REMOVE: rc = hv_dlpar_cpu_remove(&dx.f.m, part, vcpu); break;
	case LP_OP_WIN_ASSIGN: rc = hv_window_assign(&dx.f.m, part, lp_liobn(part, a), 0, LP_WINDOW_ENTRIES); break;
	case LP_OP_WIN_UNASSIGN: rc = hv_window_unassign(&dx.f.m, part, lp_liobn(part, a)); break;
	case LP_OP_RELOCATE: rc = hv_lmb_relocate(&dx.f.m, part, a, HV_NIL); break;
	}
	CHECK_EQ(lp_ref_mgmt(&dx.r, &op), rc);
}

TEST(differential_hpt_calls_agree_with_core)
{
	/* EAs 8 MiB apart: distinct AVPNs. */
	uint64_t h1 = PTEH(1 << 23), h2 = PTEH(2 << 23) | 0x10, h3 = PTEH(3 << 23) | HPTE_V_LARGE;

	diff_init();
	D(0, 0, H_SUCCESS, H_ENTER, 0, 0x40, h1, fx_ptel(0x3000));                      /* -> 0x40 */
	D(0, 0, H_SUCCESS, H_ENTER, 0, 0x40, h2 | 0x60, fx_ptel(0x4000) | HPTE_R_TS | HPTE_R_C); /* -> 0x41, bolted */
	D(0, 0, H_PTEG_FULL, H_ENTER, H_EXACT, 0x41, h1, fx_ptel(0x5000));
	D(0, 0, H_SUCCESS, H_ENTER, H_EXACT | H_ZERO_PAGE, 0x47, h1 & ~1ull, fx_ptel(0x5000));
	D(0, 0, H_SUCCESS, H_ENTER, 0, 0x48, h3, (LMB + 0x30000) | 0x7000 | HPTE_R_M | 2); /* 64 KiB -> 0x48 */
	D(0, 0, H_PARAMETER, H_ENTER, 0, 0x48, h3, (LMB + 0x30000) | 0x2000 | HPTE_R_M);    /* bad LP */
	D(0, 0, H_PARAMETER, H_ENTER, 0, 0x48, h3, 0x38000 | HPTE_R_M);                     /* 16 MiB, not all owned */
	D(0, 0, H_PARAMETER, H_ENTER, 0, 0x48, h1 | (2ull << 62), fx_ptel(0x3000));
	D(0, 0, H_PARAMETER, H_ENTER, 0, 0x48, h1, fx_ptel(4 * LMB));
	D(1, 0, H_PARAMETER, H_ENTER, 0, 0x48, h1, fx_ptel(3 * LMB));                       /* p0's size, not p1's */
	D(0, 0, H_PARAMETER, H_ENTER, 0, 0x48, h1, fx_ptel(0x3000) | HPTE_R_I | HPTE_R_G);
	D(0, 0, H_PARAMETER, H_ENTER, 0, LP_NHPTE, h1, fx_ptel(0x3000));
	D(0, 0, H_PARAMETER, H_ENTER, 0, ~0ull, h1, fx_ptel(0x3000));
	D(0, 0, H_SUCCESS, H_ENTER, 0, LP_NHPTE - 1, h1, fx_ptel(0x3000));                /* -> LP_NHPTE - 8 */
	D(1, 0, H_SUCCESS, H_ENTER, H_EXACT, 0x40, h1, fx_ptel(0x1000));
	diff_access(0, 0x40, false);
	diff_access(0, 0x41, true);
	D(0, 0, H_SUCCESS, H_READ, 0, 0x40);
	D(0, 0, H_SUCCESS, H_READ, H_READ_4, 0x43);
	D(0, 0, H_SUCCESS, H_READ, H_READ_4, 0x47);
	D(1, 0, H_SUCCESS, H_READ, H_READ_4, 0x41);
	D(0, 0, H_PARAMETER, H_READ, H_READ_4, LP_NHPTE);
	D(0, 0, H_SUCCESS, H_READ, 0, LP_NHPTE - 8);
	D(0, 0, H_SUCCESS, H_CLEAR_REF, 0, 0x40);
	D(0, 0, H_SUCCESS, H_CLEAR_REF, 0, 0x40);
	D(0, 0, H_SUCCESS, H_CLEAR_MOD, 0, 0x41);
	D(0, 0, H_SUCCESS, H_CLEAR_MOD, 0, 0x41);
	D(0, 0, H_NOT_FOUND, H_CLEAR_MOD, 0, 0x43);
	D(0, 0, H_PARAMETER, H_CLEAR_REF, 0, ~0ull);
	D(0, 0, H_SUCCESS, H_PROTECT, H_AVPN | 0x3107, 0x41, h2 & ~0x7Full);
	D(0, 0, H_NOT_FOUND, H_PROTECT, H_AVPN | 1, 0x41, h1 & ~0x7Full);
	D(0, 0, H_SUCCESS, H_PROTECT, 0xE00, 0x48, 0);
	D(0, 0, H_NOT_FOUND, H_PROTECT, 0, 0x44, 0);
	D(0, 0, H_PARAMETER, H_PROTECT, 0, LP_NHPTE, 0);
	D(0, 0, H_SUCCESS, H_READ, H_READ_4, 0x40);
	D(0, 0, H_SUCCESS, H_READ, H_READ_4, 0x48);
	D(0, 0, H_NOT_FOUND, H_REMOVE, H_ANDCOND, 0x41, 0x10);
	D(0, 0, H_NOT_FOUND, H_REMOVE, H_AVPN | H_ANDCOND, 0x41, h2 & ~0x7Full);
	D(0, 0, H_NOT_FOUND, H_REMOVE, H_AVPN, 0x40, h2 & ~0x7Full);
	D(0, 0, H_SUCCESS, H_REMOVE, H_AVPN, 0x41, h2 & ~0x7Full);
	D(0, 0, H_NOT_FOUND, H_REMOVE, 0, 0x41, 0);
	D(0, 0, H_PARAMETER, H_REMOVE, 0, LP_NHPTE, 0);
	D(1, 0, H_NOT_FOUND, H_REMOVE, 0, 0x47, 0);
	diff_access(0, 0x47, true);
	D(0, 0, H_SUCCESS, H_BULK_REMOVE, HBR_REQUEST | HBR_AVPN | 0x47, h1 & ~0x7Full, HBR_REQUEST | 0x42, 0,
	  HBR_REQUEST | HBR_ANDCOND | 0x40, 1, HBR_REQUEST | 0x48, 0, 0x5555);
	D(0, 0, H_PARAMETER, H_BULK_REMOVE, HBR_REQUEST | 0x40, 0, HBR_RESPONSE | 0x47, 0, HBR_REQUEST | 0x48, 0);
	D(0, 0, H_PARAMETER, H_BULK_REMOVE, HBR_REQUEST | HBR_AVPN | HBR_ANDCOND | 0x47, 0);
	D(0, 0, H_PARAMETER, H_BULK_REMOVE, HBR_REQUEST | LP_NHPTE, 0);
	D(0, 0, H_SUCCESS, H_BULK_REMOVE, HBR_REQUEST | 0x47, 0, HBR_END, 0, HBR_REQUEST | (LP_NHPTE - 8), 0);
	D(0, 0, H_SUCCESS, H_READ, H_READ_4, 0x44);
	D(0, 0, H_SUCCESS, H_READ, 0, LP_NHPTE - 8);
	D(1, 0, H_SUCCESS, H_READ, 0, 0x40);
	fx_fini(&dx.f);
}

TEST(differential_tce_vpa_console_and_misc_agree_with_core)
{
	uint32_t l0 = lp_liobn(0, 0), l1 = lp_liobn(0, 1), f0 = lp_liobn(1, 0);

	diff_init();
	fx_write64(&dx.f, 0, 0x2000, 0x1000 | TCE_READ);
	fx_write64(&dx.f, 0, 0x2008, 3 * LMB + 0x5000 | TCE_RW);
	fx_write64(&dx.f, 0, 0x2010, 0xABC000);                  /* poison */
	fx_write64(&dx.f, 0, 0x2018, 5 * LMB | TCE_WRITE);       /* not owned */
	fx_write64(&dx.f, 0, 0x3000, 640ull << 16);              /* VPA length at offset 4 (be16) */
	fx_write64(&dx.f, 0, 0x4000, 100);                       /* DTL length (be32) */
	fx_write64(&dx.f, 0, 0x4F80, 0x80);                      /* SLB length: fits the page exactly */
	fx_write64(&dx.f, 0, 0x4F00, 0x101);                     /* one byte too long */
	fx_write64(&dx.f, 0, 0x5000, 639ull << 16);
	D(0, 0, H_SUCCESS, H_PUT_TCE, l0, 0x1000, 0x1000 | TCE_RW);
	D(0, 0, H_SUCCESS, H_GET_TCE, l0, 0x1000);
	D(0, 0, H_PARAMETER, H_PUT_TCE, f0, 0, 0);
	D(0, 0, H_PARAMETER, H_PUT_TCE, (1ull << 32) | l0, 0, 0);
	D(0, 0, H_PARAMETER, H_PUT_TCE, l0, 0x1001, 0);
	D(0, 0, H_PARAMETER, H_PUT_TCE, l0, LP_WINDOW_ENTRIES * 4096ull, 0);
	D(0, 0, H_PARAMETER, H_PUT_TCE, l0, 0, 0x1000 | 0x400 | TCE_READ);
	D(0, 0, H_PARAMETER, H_PUT_TCE, l0, 0, 4 * LMB | TCE_READ);
	D(0, 0, H_SUCCESS, H_PUT_TCE, l1, (LP_WINDOW_ENTRIES - 1) * 4096ull, 4 * LMB);
	D(0, 0, H_SUCCESS, H_GET_TCE, l1, (LP_WINDOW_ENTRIES - 1) * 4096ull);
	D(1, 0, H_PARAMETER, H_GET_TCE, l1, 0);
	D(1, 0, H_SUCCESS, H_PUT_TCE, f0, 0x2000, 0x1000 | TCE_WRITE);
	D(0, 0, H_SUCCESS, H_STUFF_TCE, l0, 0, 0, 4);
	D(0, 0, H_SUCCESS, H_GET_TCE, l0, 0x1000);
	D(0, 0, H_PARAMETER, H_STUFF_TCE, l0, 0, 0x7000, LP_WINDOW_ENTRIES + 1);
	D(0, 0, H_PARAMETER, H_STUFF_TCE, l0, 0, 0x7000 | TCE_READ, 1);
	D(0, 0, H_SUCCESS, H_STUFF_TCE, l0, 0x5000, 0x7000, 0);
	D(0, 0, H_PARAMETER, H_PUT_TCE_INDIRECT, l0, 0x10000, 0x2000, 4);
	D(0, 0, H_SUCCESS, H_GET_TCE, l0, 0x10000);
	D(0, 0, H_SUCCESS, H_PUT_TCE_INDIRECT, l0, 0x10000, 0x2000, 3);
	D(0, 0, H_SUCCESS, H_GET_TCE, l0, 0x11000);
	D(0, 0, H_SUCCESS, H_GET_TCE, l0, 0x12000);
	D(0, 0, H_PARAMETER, H_PUT_TCE_INDIRECT, l0, 0, 0x2000, 513);
	D(0, 0, H_PARAMETER, H_PUT_TCE_INDIRECT, l0, 0, 0x2008, 1);
	D(0, 0, H_PARAMETER, H_PUT_TCE_INDIRECT, l0, 0, 4 * LMB, 1);
	D(0, 0, H_PARAMETER, H_PUT_TCE_INDIRECT, l0, 0x7F000, 0x2000, 2);
	D(0, 0, H_RESOURCE, H_REGISTER_VPA, VPA_FLAGS(2), 1, 0x4000);
	D(0, 0, H_PARAMETER, H_REGISTER_VPA, VPA_FLAGS(1), 2, 0x3000);
	D(0, 0, H_PARAMETER, H_REGISTER_VPA, VPA_FLAGS(1), 1, 0x5000);
	D(0, 0, H_PARAMETER, H_REGISTER_VPA, VPA_FLAGS(1), 1, 0x3040);
	D(0, 0, H_SUCCESS, H_REGISTER_VPA, VPA_FLAGS(1), 1, 0x3000);
	D(0, 0, H_SUCCESS, H_REGISTER_VPA, VPA_FLAGS(2), 1, 0x4000);
	D(0, 0, H_SUCCESS, H_REGISTER_VPA, VPA_FLAGS(3), 1, 0x4F80);
	D(0, 0, H_PARAMETER, H_REGISTER_VPA, VPA_FLAGS(3), 1, 0x4F00);
	D(0, 0, H_RESOURCE, H_REGISTER_VPA, VPA_FLAGS(5), 1, 0);
	D(0, 0, H_PARAMETER, H_REGISTER_VPA, VPA_FLAGS(4), 1, 0);
	D(1, 0, H_PARAMETER, H_REGISTER_VPA, VPA_FLAGS(1), 1, 0x3000);
	D(0, 0, H_SUCCESS, H_CONFER, 1, 3);
	D(0, 0, H_PARAMETER, H_CONFER, 2, 3);
	D(0, 0, H_SUCCESS, H_CONFER, ~0ull, 0);
	D(0, 0, H_SUCCESS, H_PROD, 0);
	D(0, 0, H_SUCCESS, H_CEDE);
	D(0, 1, H_PARAMETER, H_PROD, 5);
	D(0, 0, H_SUCCESS, H_PUT_TERM_CHAR, 0, 5, 0x48656C6C6F000000ull);
	D(0, 0, H_PARAMETER, H_PUT_TERM_CHAR, 0x30000000, 17);
	D(1, 0, H_PARAMETER, H_PUT_TERM_CHAR, 7, 1);
	D(1, 0, H_SUCCESS, H_GET_TERM_CHAR, 0);
	D(1, 0, H_PARAMETER, H_GET_TERM_CHAR, 0x30000001);
	D(0, 1, H_SUCCESS, H_SET_SPRG0, 0x1234);
	D(0, 0, H_SUCCESS, H_RANDOM);
	D(0, 0, H_SUCCESS, H_PAGE_INIT, H_COPY_PAGE, 0x6000, 3 * LMB);
	D(0, 0, H_PARAMETER, H_PAGE_INIT, H_ZERO_PAGE | H_LOCAL, 0x6000);
	D(1, 0, H_PARAMETER, H_PAGE_INIT, H_ZERO_PAGE, 2 * LMB);
	D(0, 0, H_FUNCTION, 0x28);
	D(0, 0, H_FUNCTION, 0x301);
	D(0, 0, H_FUNCTION, 0x460);
	fx_fini(&dx.f);
}

TEST(differential_after_management_operations)
{
	uint64_t h1 = PTEH(0x1000);

	diff_init();
	fx_write64(&dx.f, 0, LMB + 0x3000, 640ull << 16);
	fx_write64(&dx.f, 0, 0x4000, 48);
	D(0, 0, H_SUCCESS, H_ENTER, 0, 0x10, h1, fx_ptel(LMB + 0x2000));
	D(0, 0, H_SUCCESS, H_ENTER, 0, 0x10, h1, fx_ptel(2 * LMB));
	D(0, 0, H_SUCCESS, H_ENTER, 0, 0x10, PTEH(0x10000) | HPTE_V_LARGE, LMB + 0x10000 | 0x7000 | HPTE_R_M);
	D(0, 0, H_SUCCESS, H_PUT_TCE, lp_liobn(0, 0), 0, LMB + 0x1000 | TCE_RW);
	D(0, 0, H_SUCCESS, H_PUT_TCE, lp_liobn(0, 0), 0x1000, 2 * LMB | TCE_READ);
	D(0, 0, H_SUCCESS, H_REGISTER_VPA, VPA_FLAGS(1), 0, LMB + 0x3000);
	D(0, 0, H_SUCCESS, H_REGISTER_VPA, VPA_FLAGS(2), 0, 0x4000);
	diff_access(0, 0x11, true);
	diff_mgmt(LP_OP_RELOCATE, 0, 0, 2);
	D(0, 0, H_SUCCESS, H_READ, H_READ_4, 0x10);
	diff_mgmt(LP_OP_MEM_REMOVE, 0, 0, 1);
	diff_mgmt(LP_OP_MEM_REMOVE, 0, 0, 7); /* not owned: fails, nothing changes */
	D(0, 0, H_SUCCESS, H_READ, H_READ_4, 0x10);
	D(0, 0, H_SUCCESS, H_GET_TCE, lp_liobn(0, 0), 0);
	D(0, 0, H_SUCCESS, H_GET_TCE, lp_liobn(0, 0), 0x1000);
	D(0, 0, H_SUCCESS, H_REGISTER_VPA, VPA_FLAGS(5), 0, 0);  /* DTL went with its VPA */
	D(0, 0, H_PARAMETER, H_ENTER, 0, 0x10, h1, fx_ptel(LMB));
	diff_mgmt(LP_OP_MEM_ADD, 0, 0, 1);
	D(0, 0, H_SUCCESS, H_ENTER, 0, 0x10, h1, fx_ptel(LMB));
	D(0, 0, H_SUCCESS, H_PAGE_INIT, H_ZERO_PAGE, LMB);
	diff_mgmt(LP_OP_WIN_UNASSIGN, 0, 0, 0);
	D(0, 0, H_PARAMETER, H_GET_TCE, lp_liobn(0, 0), 0x1000);
	diff_mgmt(LP_OP_WIN_ASSIGN, 0, 0, 0);
	D(0, 0, H_SUCCESS, H_GET_TCE, lp_liobn(0, 0), 0x1000);
	diff_mgmt(LP_OP_WIN_ASSIGN, 1, 0, 1);
	D(1, 0, H_SUCCESS, H_PUT_TCE, lp_liobn(1, 1), 0, 0x1000 | TCE_READ);
	D(0, 0, H_PARAMETER, H_PUT_TCE, lp_liobn(1, 1), 0, 0x1000 | TCE_READ);
	diff_mgmt(LP_OP_CPU_ADD, 1, 2, 0);
	D(1, 0, H_SUCCESS, H_PROD, 2);
	D(1, 2, H_SUCCESS, H_PROD, 0);
	diff_mgmt(LP_OP_CPU_REMOVE, 0, 1, 0);
	D(0, 0, H_PARAMETER, H_PROD, 1);
	D(0, 0, H_PARAMETER, H_REGISTER_VPA, VPA_FLAGS(1), 1, LMB + 0x3000);
	D(0, 0, H_SUCCESS, H_READ, H_READ_4, 0x10);
	D(0, 0, H_SUCCESS, H_READ, H_READ_4, 0x14);
	fx_fini(&dx.f);
}

/* ---- seeded random sequences: hostile and valid arguments mixed ---- */

static uint64_t rng = 0x9E3779B97F4A7C15ull;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static uint64_t pick(const uint64_t *v, unsigned n)
{
	return v[rnd() % n];
}
#define PICK(...) pick((const uint64_t[]){ __VA_ARGS__ }, sizeof((const uint64_t[]){ __VA_ARGS__ }) / 8)

/* Mostly two busy groups, sometimes the edges or anything. */
static uint64_t rnd_ptex(void)
{
	switch (rnd() % 8) {
	case 6: return PICK(0, LP_NHPTE - 1, LP_NHPTE, LP_NHPTE + 8, 1ull << 63, ~0ull);
	case 7: return rnd();
	}
	return 0x40 + rnd() % 16;
}

/* A logical address: mostly in LMBs 0..5 (owned or not), sometimes anywhere. */
static uint64_t rnd_la(void)
{
	if (rnd() % 8 == 0) {
		return rnd() & ~0xFFFull;
	}
	return (rnd() % 6) * LMB + (rnd() % 64) * 4096;
}

static uint64_t rnd_pteh(void)
{
	uint64_t h = PTEH((rnd() % 4) << 23) | (rnd() % 4 == 0 ? 0x10 : 0);

	switch (rnd() % 10) {
	case 0: return h | HPTE_V_LARGE;
	case 1: return h | (PICK(1, 2, 3) << 62);
	case 2: return rnd();
	}
	return h;
}

static uint64_t rnd_ptel(uint64_t la)
{
	uint64_t l = la | HPTE_R_M | (rnd() % 4);

	switch (rnd() % 10) {
	case 0: return (la & ~0xFFFFull) | 0x7000 | HPTE_R_M;           /* 64 KiB */
	case 1: return l | PICK(HPTE_R_R, HPTE_R_C, HPTE_R_TS, HPTE_R_N, 0x800, HPTE_R_PP0);
	case 2: return l ^ PICK(HPTE_R_I, HPTE_R_W, HPTE_R_G, HPTE_R_M);
	case 3: return rnd();
	}
	return l;
}

static uint64_t rnd_tsh(void)
{
	uint64_t type = PICK(HBR_REQUEST, HBR_REQUEST, HBR_REQUEST, HBR_REQUEST, HBR_END, HBR_RESPONSE, 0);

	return type | ((rnd() % 4) << 56) | (rnd_ptex() & HBR_PTEX_MASK);
}

/* Arguments for opcode from partition part. */
static void rnd_args(uint64_t op, unsigned part, uint64_t a[9])
{
	uint64_t liobn = PICK(lp_liobn(part, 0), lp_liobn(part, 1), lp_liobn(part ^ 1, 0), rnd());
	uint64_t ioba = (rnd() % 130) * 4096 + (rnd() % 10 == 0 ? 8 : 0);
	unsigned i;

	memset(a, 0, 9 * sizeof(a[0]));
	switch (op) {
	case H_ENTER:
		a[0] = PICK(0, H_EXACT, H_ZERO_PAGE, H_EXACT | H_ZERO_PAGE, rnd());
		a[1] = rnd_ptex(), a[2] = rnd_pteh(), a[3] = rnd_ptel(rnd_la());
		break;
	case H_REMOVE: case H_PROTECT: case H_READ: case H_CLEAR_REF: case H_CLEAR_MOD:
		a[0] = PICK(0, H_AVPN, H_ANDCOND, H_AVPN | H_ANDCOND, H_READ_4) | (rnd() & 0x3F07);
		a[1] = rnd_ptex();
		a[2] = PICK(rnd_pteh() & ~0x7Full, 0x10, 0, 1, rnd());
		break;
	case H_BULK_REMOVE:
		for (i = 0; i < 4; i++) {
			a[2 * i] = rnd_tsh();
			a[2 * i + 1] = PICK(rnd_pteh() & ~0x7Full, 0x10, 0, 1);
		}
		break;
	case H_PUT_TCE: case H_GET_TCE:
		a[0] = liobn, a[1] = ioba, a[2] = rnd_la() | (rnd() % 4) | (rnd() % 8 == 0 ? 0x800 : 0);
		break;
	case H_STUFF_TCE:
		a[0] = liobn, a[1] = ioba, a[2] = PICK(0, rnd_la(), rnd_la() | 1, 0x10), a[3] = PICK(0, 1, 3, 128, 129, ~0ull);
		break;
	case H_PUT_TCE_INDIRECT:
		a[0] = liobn, a[1] = ioba, a[2] = PICK(0x2000, 0x3000, 0x2008, 4 * LMB, rnd_la());
		a[3] = PICK(0, 1, 2, 3, 4, 512, 513);
		break;
	case H_REGISTER_VPA:
		a[0] = (rnd() % 8) << H_VPA_FUNC_SHIFT, a[1] = rnd() % 5;
		a[2] = PICK(0x4000, 0x4100, 0x4200, 0x4300, 0x4040, 0, LMB + 0x4000, rnd_la());
		break;
	case H_PUT_TERM_CHAR: case H_GET_TERM_CHAR:
		a[0] = PICK(0, 0x30000000, 1), a[1] = rnd() % 18, a[2] = rnd();
		break;
	case H_PAGE_INIT:
		a[0] = PICK(0, H_ZERO_PAGE, H_COPY_PAGE, H_ICACHE_INVALIDATE, H_PAGE_SET_LOANED, H_EXACT, rnd());
		a[1] = rnd_la() + (rnd() % 10 == 0 ? 8 : 0), a[2] = rnd_la();
		break;
	case H_SET_MODE:
		a[0] = PICK(0, 0, 1, 2, 3, 4, rnd()), a[1] = PICK(0, 1, 2, 3, 3, 4, 4, 5, rnd());
		a[2] = PICK(0, 0, 0, 1, 3, 0x1002, rnd()), a[3] = PICK(0, 0, 0, 3, 4, 7, rnd());
		break;
	case H_CPPR:
		a[0] = PICK(0, 1, 4, 5, 6, 0xFF, rnd());
		break;
	case H_IPI: case H_IPOLL:
		a[0] = PICK(0, 0, 1, 1, 2, 4, rnd()), a[1] = PICK(0, 3, 4, 5, 0xFF, rnd());
		break;
	case H_EOI:
		a[0] = PICK(0, 4, 5, 6, 0xFF) << 24 | PICK(0, 2, 2, 2, 3, rnd() & 0xFFFFFF) | (rnd() % 8 ? 0 : rnd() << 32);
		break;
	default:
		for (i = 0; i < 9; i++) {
			a[i] = rnd() % 4 ? rnd() % 5 : rnd();
		}
	}
}

/* A management operation or an MMU access instead of an hcall. */
static void rnd_event(void)
{
	unsigned part = (unsigned)(rnd() % 2);

	switch (rnd() % 6) {
	case 0: diff_mgmt(LP_OP_MEM_ADD, part, 0, (unsigned)(rnd() % 6)); break;
	case 1: diff_mgmt(LP_OP_MEM_REMOVE, part, 0, (unsigned)(rnd() % 6)); break;
	case 2: diff_mgmt(PICK(LP_OP_WIN_ASSIGN, LP_OP_WIN_UNASSIGN), part, 0, (unsigned)(rnd() % 2)); break;
	case 3: diff_mgmt(LP_OP_RELOCATE, part, 0, (unsigned)(rnd() % 6)); break;
	default:
		if (dx.r.nhptes) {
			const struct lp_ref_hpte *h = &dx.r.hpte[rnd() % dx.r.nhptes];

			diff_access(h->part, h->ptex, rnd() % 2);
		}
	}
}

TEST(differential_random_sequences_agree_with_core)
{
	static unsigned ok[H_MAX_OPCODE / 4 + 1];
	unsigned n;

	diff_init();
	fx_write64(&dx.f, 0, 0x2000, 0x1000 | TCE_READ);
	fx_write64(&dx.f, 0, 0x2008, 0x5000 | TCE_RW);
	fx_write64(&dx.f, 0, 0x2010, 2 * LMB | TCE_WRITE);
	fx_write64(&dx.f, 0, 0x3000, 0x6000 | TCE_RW);
	fx_write64(&dx.f, 0, 0x3008, 0x1000 | 0x800);
	fx_write64(&dx.f, 0, 0x4000, 640ull << 16);
	fx_write64(&dx.f, 0, 0x4100, 100);
	fx_write64(&dx.f, 0, 0x4200, 64);
	fx_write64(&dx.f, 0, 0x4300, 0xFFFF);
	fx_write64(&dx.f, 1, 0x4000, 640ull << 16);
	for (n = 0; n < 6000; n++) {
		unsigned part = (unsigned)(rnd() % 2), vcpu = part == 0 ? (unsigned)(rnd() % 2) : 0;
		uint64_t op = rnd() % 16 ? lp_hcall_opcodes[rnd() % lp_hcall_opcode_count] : PICK(0x28, 0x301, rnd());
		uint64_t a[9];

		if (rnd() % 12 == 0) {
			rnd_event();
			continue;
		}
		if (op == H_CEDE || op == H_CONFER) {
			/* A pending prod makes both return at once (else the fixture's vCPU would sleep). */
			CHECK(diff_call(part, vcpu, H_PROD, (const uint64_t[9]){ vcpu }));
		}
		rnd_args(op, part, a);
		if (!diff_call(part, vcpu, op, a)) {
			fprintf(stderr, "random step %u: p%u.v%u op 0x%llx args 0x%llx 0x%llx 0x%llx 0x%llx\n", n, part, vcpu,
				(unsigned long long)op, (unsigned long long)a[0], (unsigned long long)a[1],
				(unsigned long long)a[2], (unsigned long long)a[3]);
			CHECK(false);
		}
		if (dx.rc == H_SUCCESS && op <= H_MAX_OPCODE && !(op & 3)) {
			ok[op / 4]++;
		}
	}
	/* The sequence reached the success paths, not only the refusals. */
	CHECK(ok[H_ENTER / 4] > 20 && ok[H_REMOVE / 4] > 3 && ok[H_BULK_REMOVE / 4] > 10 && ok[H_PROTECT / 4] > 3);
	CHECK(ok[H_PUT_TCE / 4] > 10 && ok[H_PUT_TCE_INDIRECT / 4] > 3 && ok[H_REGISTER_VPA / 4] > 10);
	CHECK(ok[H_CLEAR_MOD / 4] > 5 && ok[H_CLEAR_REF / 4] > 5 && ok[H_READ / 4] > 50);
	fx_fini(&dx.f);
}

/* The core's interrupt state of every vCPU and partition equals the model's. */
static bool interrupt_state_agrees(void)
{
	unsigned part, v;

	for (part = 0; part < 2; part++) {
		const struct hv_partition *p = hv_part(&dx.f.m, part);
		const struct lp_ref_part *mp = &dx.r.part[part];

		if (p->ail != mp->ail || p->ile != mp->ile) {
			fprintf(stderr, "step %d: p%u mode core %u/%d, model %u/%d\n", dx.step, part, p->ail, p->ile, mp->ail,
				mp->ile);
			return false;
		}
		for (v = 0; v < LP_MAX_VCPUS; v++) {
			const struct hv_vcpu *cv = &p->vcpu[v];
			const struct lp_ref_vcpu *mv = &mp->vcpu[v];

			if (mv->state == LP_V_ABSENT) {
				continue;
			}
			if (cv->icp.cppr != mv->cppr || cv->icp.mfrr != mv->mfrr || cv->icp.pending != mv->xisr_prio ||
			    cv->icp.xisr != mv->xisr || (cv->state == HV_VCPU_CEDED) != (mv->state == LP_V_CEDED)) {
				fprintf(stderr, "step %d: p%u.v%u core %x/%x/%x/%x ceded %d, model %x/%x/%x/%x ceded %d\n", dx.step,
					part, v, cv->icp.cppr, cv->icp.mfrr, cv->icp.pending, cv->icp.xisr,
					cv->state == HV_VCPU_CEDED, mv->cppr, mv->mfrr, mv->xisr_prio, mv->xisr,
					mv->state == LP_V_CEDED);
				return false;
			}
		}
	}
	return true;
}

TEST(differential_interrupt_calls_agree_with_core)
{
	static const uint64_t ops[] = { H_CPPR, H_CPPR, H_IPI, H_IPI, H_IPI, H_XIRR, H_XIRR, H_EOI, H_EOI,
					H_IPOLL, H_SET_MODE, H_CEDE, H_GET_CPU_CHARACTERISTICS };
	unsigned n, woken = 0, accepted = 0;

	diff_init();
	for (n = 0; n < 6000; n++) {
		unsigned part = (unsigned)(rnd() % 2), vcpu = part == 0 ? (unsigned)(rnd() % 2) : 0;
		uint64_t op = ops[rnd() % (sizeof(ops) / sizeof(ops[0]))];
		uint64_t a[9];

		if (hv_part(&dx.f.m, part)->vcpu[vcpu].state == HV_VCPU_CEDED) {
			/* Asleep (only p0's vCPUs cede): its sibling prods it or sends it an IPI. */
			bool ipi = rnd() % 2;

			CHECK(diff_call(0, vcpu ^ 1, ipi ? H_IPI : H_PROD, (const uint64_t[9]){ vcpu, PICK(0, 3, 0xFF) }));
			CHECK(interrupt_state_agrees());
			woken += ipi && hv_part(&dx.f.m, 0)->vcpu[vcpu].state != HV_VCPU_CEDED;
			continue;
		}
		if (op == H_CEDE && (part != 0 || hv_part(&dx.f.m, 0)->vcpu[vcpu ^ 1].state == HV_VCPU_CEDED)) {
			op = H_XIRR; /* someone must stay awake to wake it */
		}
		rnd_args(op, part, a);
		CHECK(diff_call(part, vcpu, op, a));
		CHECK(interrupt_state_agrees());
		accepted += op == H_XIRR && (dx.f.out[0] & 0xFFFFFF) == XICS_IPI;
	}
	/* The sequence reached the interesting paths: IPIs accepted, ceded vCPUs woken by one. */
	CHECK(accepted > 50);
	CHECK(woken > 5);
	fx_fini(&dx.f);
}
