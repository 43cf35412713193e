/*
 * The measured cases. Set-up that is not the measured operation (filling
 * HPTEs before a DLPAR removal, re-adding the LMB) is outside the timed part.
 */
#include "bench.h"

#define LMB_BYTES (256ull << 10) /* hv_config_default */
#define LMB_PAGES (LMB_BYTES >> 12)
#define PTEX_GROUP1 8u           /* first slot of PTEG 1 */
#define TCE_WINDOW  512

/* H_ENTER into PTEG 1 and H_REMOVE (with AVPN) of the slot it chose, repeated. */
static uint64_t bench_pair(struct bctx *b, const struct bcase *c, uint64_t iters)
{
	uint64_t pteh = bench_pteh(1, 0x10000000ull), ptel = bench_ptel(0x3000), t0, i;
	struct hv_machine *m = &b->m;
	long rc;

	(void)c;
	bench_machine(b, 4, 0);
	t0 = bench_now_ns();
	for (i = 0; i < iters; i++) {
		rc = bench_hcall(m, H_ENTER, 0, PTEX_GROUP1, pteh, ptel);
		bench_check("H_ENTER", rc, H_SUCCESS);
		rc = bench_hcall(m, H_REMOVE, H_AVPN, bench_out(m, 0), pteh & ~0x7Full, 0);
		bench_check("H_REMOVE", rc, H_SUCCESS);
	}
	return bench_now_ns() - t0;
}

/* One valid HPTE at PTEG 1, for the H_PROTECT / H_READ cases; returns its ptex. */
static uint64_t one_hpte(struct bctx *b)
{
	bench_machine(b, 4, 0);
	bench_check("H_ENTER (set-up)", bench_hcall(&b->m, H_ENTER, 0, PTEX_GROUP1, bench_pteh(1, 0), bench_ptel(0x1000)),
		    H_SUCCESS);
	return bench_out(&b->m, 0);
}

/* H_PROTECT alternating PP=01 and PP=10, so every call rewrites (invalidate, tlbie, resume). */
static uint64_t bench_protect(struct bctx *b, const struct bcase *c, uint64_t iters)
{
	uint64_t ptex = one_hpte(b), t0, i;
	long rc;

	(void)c;
	t0 = bench_now_ns();
	for (i = 0; i < iters; i++) {
		rc = bench_hcall(&b->m, H_PROTECT, (i & 1) ? 0x2 : 0x1, ptex, 0, 0);
		bench_check("H_PROTECT", rc, H_SUCCESS);
	}
	t0 = bench_now_ns() - t0;
	/* The last call set PP = (iters - 1) & 1 ? 10 : 01: make sure it really landed. */
	bench_check("H_READ (verify)", bench_hcall(&b->m, H_READ, 0, ptex, 0, 0), H_SUCCESS);
	if ((bench_out(&b->m, 1) & HPTE_R_PP) != (((iters - 1) & 1) ? 0x2u : 0x1u)) {
		bench_die("H_PROTECT did not change the protection (dword 1 = 0x%llx)",
			  (unsigned long long)bench_out(&b->m, 1));
	}
	return t0;
}

static uint64_t bench_read(struct bctx *b, const struct bcase *c, uint64_t iters)
{
	uint64_t ptex = one_hpte(b), t0, i;
	long rc;

	(void)c;
	t0 = bench_now_ns();
	for (i = 0; i < iters; i++) {
		rc = bench_hcall(&b->m, H_READ, 0, ptex, 0, 0);
		bench_check("H_READ", rc, H_SUCCESS);
	}
	t0 = bench_now_ns() - t0;
	if (!(bench_out(&b->m, 0) & HPTE_V_VALID)) {
		bench_die("H_READ returned an invalid entry");
	}
	return t0;
}

/* H_PUT_TCE over the 512 entries of a window, the target page changing each pass. */
static uint64_t bench_put_tce(struct bctx *b, const struct bcase *c, uint64_t iters)
{
	uint64_t t0, i;
	long rc;

	(void)c;
	bench_machine(b, 4, TCE_WINDOW);
	t0 = bench_now_ns();
	for (i = 0; i < iters; i++) {
		uint64_t la = (((i / TCE_WINDOW) & 1) + 1) << 12;

		rc = bench_hcall(&b->m, H_PUT_TCE, BENCH_LIOBN, (i % TCE_WINDOW) << 12, la | TCE_RW, 0);
		bench_check("H_PUT_TCE", rc, H_SUCCESS);
	}
	return bench_now_ns() - t0;
}

/* Writes a 512-entry TCE list at logical list_la: entry k maps page (k + first) % 64 of LMB 0. */
static void write_tce_list(struct bctx *b, uint64_t list_la, uint64_t first)
{
	hv_raddr_t ra;
	uint64_t k;

	if (!hv_translate(&b->m, hv_part(&b->m, b->slot), hv_la(list_la), 4096, &ra)) {
		bench_die("TCE list at logical 0x%llx is not partition memory", (unsigned long long)list_la);
	}
	plat_mem_dirty(b->plat, ra, 4096);
	for (k = 0; k < TCE_INDIRECT_MAX; k++) {
		hv_st_be64(b->m.mem + ra.v + 8 * k, (((k + first) % LMB_PAGES) << 12) | TCE_RW);
	}
}

/* H_PUT_TCE_INDIRECT of 512 entries, alternating two lists (every entry changes). */
static uint64_t bench_put_tce_indirect(struct bctx *b, const struct bcase *c, uint64_t iters)
{
	const uint64_t list_a = LMB_BYTES, list_b = LMB_BYTES + 0x1000;
	uint64_t t0, i;
	long rc;

	(void)c;
	bench_machine(b, 4, TCE_WINDOW);
	write_tce_list(b, list_a, 0);
	write_tce_list(b, list_b, 1);
	t0 = bench_now_ns();
	for (i = 0; i < iters; i++) {
		rc = bench_hcall(&b->m, H_PUT_TCE_INDIRECT, BENCH_LIOBN, 0, (i & 1) ? list_b : list_a,
				 TCE_INDIRECT_MAX);
		bench_check("H_PUT_TCE_INDIRECT", rc, H_SUCCESS);
	}
	return bench_now_ns() - t0;
}

/*
 * hv_dlpar_mem_remove of logical LMB 1 while N HPTEs map its pages (N / 8
 * PTEGs, 8 slots each, several EAs per page); only the removal is timed.
 */
static uint64_t bench_dlpar_remove(struct bctx *b, const struct bcase *c, uint64_t iters)
{
	const uint64_t n = c->param, base_la = LMB_BYTES, base_ptex = 64;
	struct hv_machine *m = &b->m;
	uint64_t total = 0, i, j, t0;
	int rc;

	bench_machine(b, 1, 0);
	for (i = 0; i < iters; i++) {
		if ((rc = hv_dlpar_mem_add(m, b->slot, 1, HV_NIL)) != HV_OK) {
			bench_die("hv_dlpar_mem_add: %d", rc);
		}
		for (j = 0; j < n; j++) {
			uint64_t pteh = bench_pteh(1 + j / 32, (j % 32) << 23);
			uint64_t ptel = bench_ptel(base_la + ((j % LMB_PAGES) << 12));

			bench_check("H_ENTER (set-up)", bench_hcall(m, H_ENTER, H_EXACT, base_ptex + j, pteh, ptel),
				    H_SUCCESS);
		}
		t0 = bench_now_ns();
		rc = hv_dlpar_mem_remove(m, b->slot, 1);
		total += bench_now_ns() - t0;
		if (rc != HV_OK) {
			bench_die("hv_dlpar_mem_remove: %d", rc);
		}
	}
	/* Every mapping must be gone, or the next H_ENTER with H_EXACT would have failed anyway. */
	if (n) {
		bench_check("H_READ (verify)", bench_hcall(m, H_READ, 0, base_ptex + n - 1, 0, 0), H_SUCCESS);
		if (bench_out(m, 0) & HPTE_V_VALID) {
			bench_die("HPTE %llu still valid after DLPAR removal", (unsigned long long)(base_ptex + n - 1));
		}
	}
	return total;
}

/*
 * A typical fuzz input and the reset before it: hv_host_plat_reset,
 * hv_machine_init, one partition with 4 LMBs and a vCPU, 16 H_ENTERs.
 */
static uint64_t bench_reset(struct bctx *b, const struct bcase *c, uint64_t iters)
{
	struct hv_config cfg;
	struct hv_machine *m = &b->m;
	uint64_t t0, i, k;
	uint32_t slot;
	int rc;

	(void)c;
	hv_config_default(&cfg);
	t0 = bench_now_ns();
	for (i = 0; i < iters; i++) {
		b->dirty_per_reset = hv_host_plat_dirty_pages(b->plat);
		hv_host_plat_reset(b->plat);
		rc = hv_machine_init(m, &cfg, b->plat);
		rc = rc ? rc : hv_partition_create(m, 18, true, &slot);
		for (k = 0; k < 4 && !rc; k++) {
			rc = hv_dlpar_mem_add(m, slot, (uint32_t)k, HV_NIL);
		}
		rc = rc ? rc : hv_dlpar_cpu_add(m, slot, 0);
		rc = rc ? rc : hv_dispatch(m, BENCH_THREAD, slot, 0);
		if (rc != HV_OK) {
			bench_die("machine set-up after reset: %d", rc);
		}
		for (k = 0; k < 16; k++) {
			uint64_t la = (k % 4) * LMB_BYTES + ((k / 4) << 12);

			bench_check("H_ENTER", bench_hcall(m, H_ENTER, 0, k * 8 * 37 % 16384, bench_pteh(k + 1, k << 12), bench_ptel(la)),
				    H_SUCCESS);
		}
	}
	t0 = bench_now_ns() - t0;
	b->dirty_per_reset = hv_host_plat_dirty_pages(b->plat);
	return t0;
}

/*
 * Live partition mobility back and forth between two machines: one
 * partition of 4 LMBs (8 pages of them written), 4 vCPUs, 16 HPTEs and 8
 * TCEs of a 512-entry window. Each iteration is one hv_partition_migrate
 * (copy, rewrite, flush, destroy the source); the partition's view is
 * checked once at the end.
 */
static uint64_t bench_migrate(struct bctx *b, const struct bcase *c, uint64_t iters)
{
	static struct hv_machine second; /* large: not on the stack */
	struct hv_plat *plat2 = hv_host_plat_create(c->mem_size);
	struct hv_machine *from = &b->m, *to = &second, *swap;
	struct hv_config cfg;
	uint32_t slot, k;
	uint64_t t0, i;
	hv_raddr_t ra;

	if (!plat2) {
		bench_die("cannot map a second platform of %llu bytes", (unsigned long long)c->mem_size);
	}
	bench_machine(b, 4, TCE_WINDOW);
	hv_config_default(&cfg);
	if (hv_machine_init(&second, &cfg, plat2) != HV_OK) {
		bench_die("hv_machine_init (second machine)");
	}
	for (k = 1; k < 4; k++) {
		bench_check("hv_dlpar_cpu_add", hv_dlpar_cpu_add(from, b->slot, k), HV_OK);
	}
	for (k = 0; k < 16; k++) {
		uint64_t la = (k % 4) * LMB_BYTES + ((k / 4) << 12);

		bench_check("H_ENTER", bench_hcall(from, H_ENTER, 0, k * 8 * 37 % 16384, bench_pteh(k + 1, k << 12), bench_ptel(la)),
			    H_SUCCESS);
		if (k < 8) {
			bench_check("H_PUT_TCE", bench_hcall(from, H_PUT_TCE, BENCH_LIOBN, k << 12, la | TCE_RW, 0), H_SUCCESS);
			if (!hv_translate(from, hv_part(from, b->slot), hv_la(la), 4096, &ra)) {
				bench_die("logical 0x%llx is not partition memory", (unsigned long long)la);
			}
			plat_mem_dirty(b->plat, ra, 4096);
			for (i = 0; i < 4096; i += 8) {
				hv_st_be64(from->mem + ra.v + i, la + i + 1);
			}
		}
	}
	slot = b->slot;
	t0 = bench_now_ns();
	for (i = 0; i < iters; i++) {
		bench_check("hv_partition_migrate", hv_partition_migrate(from, slot, to, &slot), HV_OK);
		swap = from;
		from = to;
		to = swap;
	}
	t0 = bench_now_ns() - t0;
	/* Still the same partition: 16 HPTEs, TCE 3 as set, page 1 of LMB 1 as written. */
	bench_check("hv_dispatch (verify)", hv_dispatch(from, BENCH_THREAD, slot, 0), HV_OK);
	bench_check("H_GET_TCE (verify)", bench_hcall(from, H_GET_TCE, BENCH_LIOBN, 3ull << 12, 0, 0), H_SUCCESS);
	if (hv_part(from, slot)->hpte_valid != 16 || bench_out(from, 0) != ((3 * LMB_BYTES) | TCE_RW) ||
	    !hv_translate(from, hv_part(from, slot), hv_la(LMB_BYTES + 4096), 8, &ra) ||
	    hv_ld_be64(from->mem + ra.v) != LMB_BYTES + 4096 + 1) {
		bench_die("the migrated partition changed (%llu valid HPTEs, TCE 3 = 0x%llx)",
			  (unsigned long long)hv_part(from, slot)->hpte_valid, (unsigned long long)bench_out(from, 0));
	}
	hv_host_plat_destroy(plat2);
	return t0;
}

#define MEM64M (64 * BENCH_MIB)

const struct bcase bench_cases[] = {
	{ "H_ENTER+H_REMOVE pair (same PTEG)", bench_pair, 0, MEM64M, BENCH_ID_PAIR },
	{ "H_PROTECT (alternating PP)", bench_protect, 0, MEM64M, BENCH_ID_NONE },
	{ "H_READ", bench_read, 0, MEM64M, BENCH_ID_NONE },
	{ "H_PUT_TCE", bench_put_tce, 0, MEM64M, BENCH_ID_NONE },
	{ "H_PUT_TCE_INDIRECT, 512 entries (per call)", bench_put_tce_indirect, 0, MEM64M, BENCH_ID_NONE },
	{ "DLPAR remove LMB, 0 mappings", bench_dlpar_remove, 0, MEM64M, BENCH_ID_NONE },
	{ "DLPAR remove LMB, 64 mappings", bench_dlpar_remove, 64, MEM64M, BENCH_ID_NONE },
	{ "DLPAR remove LMB, 512 mappings", bench_dlpar_remove, 512, MEM64M, BENCH_ID_NONE },
	{ "LPM migrate (4 LMB, 4 vCPU, 16 HPTE, 8 TCE)", bench_migrate, 0, MEM64M, BENCH_ID_NONE },
	{ "reset + input, 64 MiB", bench_reset, 0, MEM64M, BENCH_ID_RESET_SMALL },
	{ "reset + input, 1 GiB", bench_reset, 0, 1 * BENCH_GIB, BENCH_ID_NONE },
	{ "reset + input, 4 GiB", bench_reset, 0, 4 * BENCH_GIB, BENCH_ID_RESET_LARGE },
};
const unsigned bench_case_count = sizeof(bench_cases) / sizeof(bench_cases[0]);
