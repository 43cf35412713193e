/*
 * Conformance of the HPT hcalls (papr-spec §3, decision table §3.10),
 * checked from inside a partition through the emulated MMU: H_ENTER maps
 * second effective addresses (aliases) onto its own logical pages, then
 * H_READ, H_PROTECT, H_CLEAR_MOD/REF, H_REMOVE and H_BULK_REMOVE act on
 * them, and every change is observed by loads and stores through the alias.
 *
 * The only segment with an SLB entry is GUEST_BASE's, so the aliases lie in
 * it, past the partition's memory (1 MiB) and inside the engine's 64 MiB
 * window at GUEST_BASE (an effective address outside every Unicorn region
 * stops the CPU instead of faulting: emu/quirks.h quirk 2). ALIAS_BASE + k
 * pages hashes to PTEG k (page index 0x400 ^ VSID 0xC00 has no bits under
 * the 2047 hash mask), and the loader's bolted mappings use PTEGs 0x400 up
 * to 0x4FF, so PTEGs 0..7 are fresh.
 * Platform rule (plat.h HV_PLAT_CAP_HPTE_R_PRESET, GUEST_CAP_R_PRESET in r8):
 * where R is preset (Unicorn) it reads as 1 for every valid entry and
 * H_CLEAR_REF leaves it set; elsewhere (the firmware on QEMU's MMU) the first
 * access sets it and H_CLEAR_REF clears it. C is recorded by the first store
 * and cleared by H_CLEAR_MOD everywhere.
 */
#include "runtime.h"

#define ALIAS_BASE   (GUEST_BASE + 0x400000ul)
#define GROUP_STRIDE 0x800000ul  /* 2048 pages on: the same PTEG again (8 of them fit below 64 MiB) */
#define NHPTE        16384ul     /* HPT of 256 KiB */

#define R_BIT        0x100ul
#define C_BIT        0x080ul
#define BOLTED       0x10ul
#define HV_SW_BITS   0x60ul
/* R before any access, and after H_CLEAR_REF: what the platform's MMU does (GUEST_CAP_R_PRESET). */
#define R_PRESET     (boot.plat_caps & GUEST_CAP_R_PRESET ? R_BIT : 0)

/* H_BULK_REMOVE TSH words (papr-spec §3.3). */
#define TSH_REQUEST  0x4000000000000000ul
#define TSH_RESPONSE 0x8000000000000000ul
#define TSH_END      0xC000000000000000ul
#define TSH_NOTFOUND 0x1000000000000000ul
#define TSH_PARM     0x2000000000000000ul
#define TSH_R        0x0800000000000000ul
#define TSH_C        0x0400000000000000ul
#define TSH_ANDCOND  0x0100000000000000ul
#define TSH_AVPN     0x0200000000000000ul

/* DSISR of a DSI (ISA): no translation, protection, and the access was a store. */
#define DSISR_NO_PTE 0x40000000ul
#define DSISR_PROT   0x08000000ul
#define DSISR_STORE  0x02000000ul

static u64 page_a, page_b; /* two logical pages of its own past the image (canary area) */

/* The boot registers the guest works from. */
static struct guest_boot boot;

static u64 alias(unsigned k)
{
	return ALIAS_BASE + k * 0x1000ul;
}

static u64 avpn(u64 ea)
{
	return hpte_v(GUEST_VSID, ea) & ~0x7Ful;
}

static s64 enter(u64 flags, u64 ptex, u64 v, u64 r, u64 *out)
{
	return HC(H_ENTER, out, flags, ptex, v, r, 0, 0, 0, 0);
}

/* Dword 0 and 1 of one entry by H_READ. */
static void read_entry(u64 ptex, u64 *dw0, u64 *dw1)
{
	u64 out[9]; /* hcall fills all nine (an initialiser would need memset, which the runtime lacks) */

	HC(H_READ, out, 0, ptex, 0, 0, 0, 0, 0, 0);
	*dw0 = out[0];
	*dw1 = out[1];
}

static u64 read_dw1(u64 ptex)
{
	u64 dw0, dw1;

	read_entry(ptex, &dw0, &dw1);
	return dw1;
}

/* OR of all 16 words of the PTEG holding ptex: 0 when every slot is empty. */
static u64 pteg_words(u64 ptex)
{
	u64 out[9], any = 0;
	unsigned q, i;

	for (q = 0; q < 2; q++) {
		HC(H_READ, out, H_READ_4, (ptex & ~7ul) + 4 * q, 0, 0, 0, 0, 0, 0);
		for (i = 0; i < 8; i++) {
			any |= out[i];
		}
	}
	return any;
}

/* Whether exactly one interrupt came since count n: a DSI at ea with that DSISR. */
static int took_dsi(u64 n, u64 ea, u64 dsisr)
{
	return guest_irq.count == n + 1 && guest_irq.vector == 0x300 && guest_irq.dar == ea && guest_irq.dsisr == dsisr;
}

/* A load through ea that must find no translation. */
static int load_faults(u64 ea)
{
	u64 n = guest_irq.count;

	probe_load(ea);
	return took_dsi(n, ea, DSISR_NO_PTE);
}

static int store_faults(u64 ea, u64 v, u64 dsisr)
{
	u64 n = guest_irq.count;

	probe_store(ea, v);
	return took_dsi(n, ea, dsisr | DSISR_STORE);
}

/* ---- H_ENTER ---- */

static u64 test_enter(void)
{
	u64 ea = alias(1), ptex = hpte_group(GUEST_VSID, ea), v = hpte_v(GUEST_VSID, ea), r = hpte_r(page_a, 2);
	u64 bad_ptex = hpte_group(GUEST_VSID, alias(2)), out[9], dw0, dw1;

	check("enter: the alias PTEG is empty before", pteg_words(ptex), 0);
	*guest_ptr(page_a) = 0x1111222233334444ul;
	check("enter: alias of its own page -> H_SUCCESS", enter(0, ptex, v, r, out), H_SUCCESS);
	check("enter: first free slot of the PTEG is used", out[0], ptex);
	read_entry(ptex, &dw0, &dw1);
	check("read: dword 0 as entered, V set", dw0, v);
	check("read: dword 1 logical RPN, R as the platform presets it, C clear", dw1, r | R_PRESET);
	check("alias load sees the original's store", probe_load(ea), 0x1111222233334444ul);
	check("read: a load leaves C clear", read_dw1(ptex), r | R_BIT);
	probe_store(ea, 0x5555666677778888ul);
	check("original load sees the alias's store", *guest_ptr(page_a), 0x5555666677778888ul);
	check("read: the store recorded C", read_dw1(ptex), r | R_BIT | C_BIT);
	*guest_ptr(page_a) = 0x0123456789ABCDEFul;
	check("alias load sees the original's second store", probe_load(ea), 0x0123456789ABCDEFul);

	check("enter: H_EXACT on an occupied slot -> H_PTEG_FULL", enter(H_EXACT, ptex, v, r, 0), H_PTEG_FULL);
	/* A second alias in the same PTEG (same hash, 2048 pages on) at the exact next slot, over page B. */
	check("enter: H_EXACT on the free next slot -> H_SUCCESS",
	      enter(H_EXACT, ptex + 1, hpte_v(GUEST_VSID, ea + GROUP_STRIDE), hpte_r(page_b, 2), out), H_SUCCESS);
	check("enter: H_EXACT returns the slot asked for", out[0], ptex + 1);

	/* Refusals, all aimed at an empty PTEG, which must stay empty. */
	v = hpte_v(GUEST_VSID, alias(2));
	check("enter: PTEX = nHPTE -> H_PARAMETER", enter(0, NHPTE, v, r, 0), H_PARAMETER);
	check("enter: PTEX = 2^63 -> H_PARAMETER", enter(H_EXACT, 1ul << 63, v, r, 0), H_PARAMETER);
	check("enter: page past its memory -> H_PARAMETER", enter(0, bad_ptex, v, hpte_r(boot.foreign_la, 2), 0),
	      H_PARAMETER);
	check("enter: page at 2^59 -> H_PARAMETER", enter(0, bad_ptex, v, hpte_r(1ul << 59, 2), 0), H_PARAMETER);
	check("enter: WIMG with I set -> H_PARAMETER", enter(0, bad_ptex, v, r | 0x20, 0), H_PARAMETER);
	check("enter: B = 2 (reserved) -> H_PARAMETER", enter(0, bad_ptex, v | (2ul << 62), r, 0), H_PARAMETER);
	check("enter: B = 3 (reserved) -> H_PARAMETER", enter(0, bad_ptex, v | (3ul << 62), r, 0), H_PARAMETER);
	/* L = 1 with LP nibble 0x2: no POWER page-size encoding (papr-spec §2.5). */
	check("enter: undefined large-page encoding -> H_PARAMETER", enter(0, bad_ptex, v | 0x4, 0x2000 | 0x12, 0),
	      H_PARAMETER);
	check("enter: refused calls left their PTEG empty", pteg_words(bad_ptex), 0);

	/*
	 * V is forced on, the hypervisor's SW bits 0x60 dropped, the guest's 0x08
	 * kept (§7.5 rule 2); H_ZERO_PAGE zeroes the target page (§3.1 step 10).
	 */
	*guest_ptr(page_b) = 0x7777777777777777ul;
	check("enter: V clear, SW bits 0x68, H_ZERO_PAGE -> H_SUCCESS",
	      enter(H_ZERO_PAGE, bad_ptex, (v & ~1ul) | 0x68, hpte_r(page_b, 2), out), H_SUCCESS);
	read_entry(out[0], &dw0, &dw1);
	check("read: V forced, 0x60 stripped, 0x08 kept", dw0, v | 0x08);
	check("enter: H_ZERO_PAGE zeroed the page", *guest_ptr(page_b), 0);
	HC(H_REMOVE, 0, 0, out[0], 0, 0, 0, 0, 0, 0);
	return ptex;
}

/* ---- H_READ ---- */

static void test_read(u64 ptex)
{
	u64 out[9], dw0, dw1, la = boot.mem_bytes - 0x1000, i, lptex = NHPTE;

	check("read_4: PTEX rounded down, -> H_SUCCESS", HC(H_READ, out, H_READ_4, ptex + 2, 0, 0, 0, 0, 0, 0),
	      H_SUCCESS);
	check("read_4: entry 0 dword 0", out[0], hpte_v(GUEST_VSID, alias(1)));
	check("read_4: entry 0 dword 1", out[1], hpte_r(page_a, 2) | R_BIT | C_BIT);
	check("read_4: entry 1 dword 0", out[2], hpte_v(GUEST_VSID, alias(1) + GROUP_STRIDE));
	check("read_4: entry 1 dword 1 (never stored: no C)", out[3], hpte_r(page_b, 2) | R_PRESET);
	check("read_4: entries 2 and 3 empty", out[4] | out[5] | out[6] | out[7], 0);
	check("read: PTEX = nHPTE -> H_PARAMETER", HC(H_READ, 0, 0, NHPTE, 0, 0, 0, 0, 0, 0), H_PARAMETER);
	check("read_4: PTEX = nHPTE-1 -> H_SUCCESS", HC(H_READ, 0, H_READ_4, NHPTE - 1, 0, 0, 0, 0, 0, 0), H_SUCCESS);
	/* The loader's bolted mapping of its last page: logical page number, guest SW bit 0x10. */
	for (i = 0; i < 8; i++) {
		u64 g = hpte_group(GUEST_VSID, GUEST_BASE + la) + i;

		read_entry(g, &dw0, &dw1);
		if (dw0 == (hpte_v(GUEST_VSID, GUEST_BASE + la) | BOLTED)) {
			lptex = g;
		}
	}
	check_true("read: the loader's bolted entry of its last page is found", lptex != NHPTE);
	check("read: its dword 1 holds the logical page number", read_dw1(lptex) & ~0xFFFul, la);
	/* Linux's eviction call never removes a bolted entry. */
	check("remove: H_ANDCOND 0x10 on a bolted entry -> H_NOT_FOUND",
	      HC(H_REMOVE, 0, H_ANDCOND, lptex, BOLTED, 0, 0, 0, 0, 0), H_NOT_FOUND);
}

/*
 * ---- H_PROTECT, H_CLEAR_MOD, H_CLEAR_REF, H_REMOVE, H_BULK_REMOVE ----
 * A call that removes or weakens a translation comes right after a store
 * through it (so the CPU holds the writable translation) and right before
 * the access it must now stop, with no console output in between: the old
 * translation must be gone when the call returns (papr-spec G7), not only
 * after the next preemption.
 */

static void test_protect(u64 ptex)
{
	u64 ea = alias(1), r = hpte_r(page_a, 2), empty = hpte_group(GUEST_VSID, alias(3));
	s64 rc;
	int store_refused;

	probe_store(ea, 0x0123456789ABCDEFul);
	rc = HC(H_PROTECT, 0, 3, ptex, 0, 0, 0, 0, 0, 0);
	store_refused = store_faults(ea, 0xBAD, DSISR_PROT);

	check("protect: PP = 3 (read-only) -> H_SUCCESS", rc, H_SUCCESS);
	check_true("protect: the next store through it takes a DSI", store_refused);
	check("protect: the refused store changed nothing", *guest_ptr(page_a), 0x0123456789ABCDEFul);
	check("protect: a load through it still works", probe_load(ea), 0x0123456789ABCDEFul);
	check("read: PP now 3, R and C kept", read_dw1(ptex), (r & ~3ul) | 3 | R_BIT | C_BIT);
	check("protect: wrong AVPN -> H_NOT_FOUND", HC(H_PROTECT, 0, H_AVPN | 2, ptex, avpn(ea) ^ 0x80, 0, 0, 0, 0, 0),
	      H_NOT_FOUND);
	check("protect: ... and PP stays 3", read_dw1(ptex) & 3, 3);
	check("protect: right AVPN, PP = 2 -> H_SUCCESS", HC(H_PROTECT, 0, H_AVPN | 2, ptex, avpn(ea), 0, 0, 0, 0, 0),
	      H_SUCCESS);
	probe_store(ea, 0xFEEDFACE00000001ul);
	check("protect: writable again: the store lands", *guest_ptr(page_a), 0xFEEDFACE00000001ul);
	check("protect: empty slot -> H_NOT_FOUND", HC(H_PROTECT, 0, 3, empty, 0, 0, 0, 0, 0, 0), H_NOT_FOUND);
	check("protect: PTEX = nHPTE -> H_PARAMETER", HC(H_PROTECT, 0, 3, NHPTE, 0, 0, 0, 0, 0, 0), H_PARAMETER);
}

static void test_clear(u64 ptex)
{
	u64 ea = alias(1), r = hpte_r(page_a, 2), empty = hpte_group(GUEST_VSID, alias(3)), out[9];
	u64 returned, cleared, again, after_load, after_store;
	s64 rc;

	/* A store sets C; clear it, then a load must leave it clear and a store set it again. */
	probe_store(ea, 0xFEEDFACE00000001ul);
	rc = HC(H_CLEAR_MOD, out, 0, ptex, 0, 0, 0, 0, 0, 0);
	returned = out[0];
	cleared = read_dw1(ptex);
	HC(H_CLEAR_MOD, out, 0, ptex, 0, 0, 0, 0, 0, 0);
	again = out[0];
	probe_load(ea);
	after_load = read_dw1(ptex);
	probe_store(ea, 0xFEEDFACE00000002ul);
	after_store = read_dw1(ptex);
	check("clear_mod: -> H_SUCCESS", rc, H_SUCCESS);
	check("clear_mod: returns dword 1 with C before clearing", returned, r | R_BIT | C_BIT);
	check("clear_mod: H_READ shows C clear", cleared, r | R_BIT);
	check("clear_mod: again: C was already clear", again, r | R_BIT);
	check("clear_mod: a load does not set C", after_load, r | R_BIT);
	check("clear_mod: the next store sets C again", after_store, r | R_BIT | C_BIT);
	check("clear_ref: -> H_SUCCESS", HC(H_CLEAR_REF, out, 0, ptex, 0, 0, 0, 0, 0, 0), H_SUCCESS);
	check("clear_ref: returns dword 1 with R and C", out[0], r | R_BIT | C_BIT);
	check("clear_ref: R cleared unless the platform presets it", read_dw1(ptex), r | R_PRESET | C_BIT);
	check("clear_mod: empty slot -> H_NOT_FOUND", HC(H_CLEAR_MOD, 0, 0, empty, 0, 0, 0, 0, 0, 0), H_NOT_FOUND);
	check("clear_ref: PTEX = nHPTE -> H_PARAMETER", HC(H_CLEAR_REF, 0, 0, NHPTE, 0, 0, 0, 0, 0, 0), H_PARAMETER);
}

static void test_remove(u64 ptex)
{
	u64 ea = alias(1), v = hpte_v(GUEST_VSID, ea), r = hpte_r(page_a, 2), out[9], dw0, dw1;
	s64 rc;
	int load_refused, store_refused;

	check("remove: wrong AVPN -> H_NOT_FOUND", HC(H_REMOVE, 0, H_AVPN, ptex, avpn(ea) ^ 0x80, 0, 0, 0, 0, 0),
	      H_NOT_FOUND);
	read_entry(ptex, &dw0, &dw1);
	check("remove: ... and the entry stays", dw0, v);
	probe_store(ea, 0xFEEDFACE00000002ul);
	rc = HC(H_REMOVE, out, H_AVPN, ptex, avpn(ea), 0, 0, 0, 0, 0);
	load_refused = load_faults(ea);
	store_refused = store_faults(ea, 0xBAD, DSISR_NO_PTE);
	check("remove: right AVPN -> H_SUCCESS", rc, H_SUCCESS);
	check_true("remove: the next load through the alias faults", load_refused);
	check_true("remove: ... and so does a store", store_refused);
	check("remove: the original page is untouched", *guest_ptr(page_a), 0xFEEDFACE00000002ul);
	check("remove: returns dword 0", out[0], v);
	check("remove: returns dword 1 with final R/C", out[1], r | R_BIT | C_BIT);
	read_entry(ptex, &dw0, &dw1);
	check("read: the slot is empty", dw0 | dw1, 0);
	check("remove: empty slot -> H_NOT_FOUND", HC(H_REMOVE, 0, 0, ptex, 0, 0, 0, 0, 0, 0), H_NOT_FOUND);
	check("remove: PTEX = nHPTE -> H_PARAMETER", HC(H_REMOVE, 0, 0, NHPTE, 0, 0, 0, 0, 0, 0), H_PARAMETER);
}

static void test_bulk(u64 ptex)
{
	u64 ea_b = alias(1) + GROUP_STRIDE, ea_d = alias(4), pd = hpte_group(GUEST_VSID, ea_d), out[9];
	u64 empty = hpte_group(GUEST_VSID, alias(3));
	int d_refused, b_refused;
	s64 rc;

	/* Entry D over page A, stored through (R and C); entry B at ptex + 1 only loaded through (R). */
	enter(0, pd, hpte_v(GUEST_VSID, ea_d), hpte_r(page_a, 2), out);
	pd = out[0];
	probe_store(ea_d, 0xFEEDFACE00000003ul);
	probe_load(ea_b);
	rc = HC(H_BULK_REMOVE, out, TSH_REQUEST | TSH_AVPN | pd, avpn(ea_d), TSH_REQUEST | (ptex + 1), 0,
		TSH_REQUEST | TSH_AVPN | empty, avpn(alias(3)), TSH_END, 0);
	d_refused = load_faults(ea_d);
	b_refused = load_faults(ea_b);
	check("bulk: AVPN + absolute + missing entry -> H_SUCCESS", rc, H_SUCCESS);
	check_true("bulk: entry D's alias faults at once", d_refused);
	check_true("bulk: entry B's alias faults at once", b_refused);
	check("bulk: response 0: success with R and C", out[0], TSH_RESPONSE | TSH_R | TSH_C | TSH_AVPN | pd);
	check("bulk: response 1: success with R only", out[2], TSH_RESPONSE | TSH_R | (ptex + 1));
	check("bulk: response 2: not found", out[4], TSH_RESPONSE | TSH_NOTFOUND | TSH_AVPN | empty);
	check("bulk: the end marker is left as it was", out[6], TSH_END);
	check("bulk: ANDCOND + AVPN together -> H_PARAMETER",
	      HC(H_BULK_REMOVE, out, TSH_REQUEST | TSH_ANDCOND | TSH_AVPN | empty, 0, TSH_END, 0, 0, 0, 0, 0),
	      H_PARAMETER);
	check("bulk: ... marked as a parameter error", out[0],
	      TSH_RESPONSE | TSH_PARM | TSH_ANDCOND | TSH_AVPN | empty);
	check("bulk: PTEX = nHPTE -> H_PARAMETER",
	      HC(H_BULK_REMOVE, out, TSH_REQUEST | NHPTE, 0, TSH_END, 0, 0, 0, 0, 0), H_PARAMETER);
	check("bulk: ... marked as a parameter error", out[0], TSH_RESPONSE | TSH_PARM | NHPTE);
	check("bulk: a TSH of type 00 -> H_PARAMETER", HC(H_BULK_REMOVE, 0, empty, 0, TSH_END, 0, 0, 0, 0, 0),
	      H_PARAMETER);
}

/* Eight EAs of one PTEG fill it; a ninth finds no slot; two bulk removals empty it again. */
static void test_full_group(void)
{
	u64 g = hpte_group(GUEST_VSID, alias(0)), out[9], ok = 0, tsh[8], tsl[8];
	unsigned j;

	for (j = 0; j < 8; j++) {
		u64 ea = alias(0) + j * GROUP_STRIDE;

		ok += enter(0, g, hpte_v(GUEST_VSID, ea), hpte_r(page_b, 3), out) == H_SUCCESS && out[0] == g + j;
		tsh[j] = TSH_REQUEST | TSH_AVPN | (g + j);
		tsl[j] = avpn(ea);
	}
	check("full: eight entries fill slots 0..7 in order", ok, 8);
	check("full: a ninth -> H_PTEG_FULL",
	      enter(0, g, hpte_v(GUEST_VSID, alias(0) + 8 * GROUP_STRIDE), hpte_r(page_b, 3), 0), H_PTEG_FULL);
	for (j = 0, ok = 0; j < 8; j += 4) {
		ok += HC(H_BULK_REMOVE, out, tsh[j], tsl[j], tsh[j + 1], tsl[j + 1], tsh[j + 2], tsl[j + 2], tsh[j + 3],
			 tsl[j + 3]) == H_SUCCESS &&
		      ((out[0] | out[2] | out[4] | out[6]) & (TSH_NOTFOUND | TSH_PARM)) == 0;
	}
	check("full: two bulk removals of four -> all succeed", ok, 2);
	check("full: the PTEG is empty again", pteg_words(g), 0);
}

/* ---- isolation ---- */

static void test_isolation(void)
{
	extern char _end[];
	u64 out[9], q, i, valid = 0, bad = 0;

	check_true("isolation: no mapping past its memory", load_faults(GUEST_BASE + boot.mem_bytes));
	/* Every entry of its HPT, by H_READ_4: only its own logical pages, no hypervisor SW bits. */
	for (q = 0; q < NHPTE; q += 4) {
		HC(H_READ, out, H_READ_4, q, 0, 0, 0, 0, 0, 0);
		for (i = 0; i < 4; i++) {
			u64 dw0 = out[2 * i], rpn = out[2 * i + 1] & 0x0FFFFFFFFFFFF000ul;

			valid += dw0 & 1;
			bad += (dw0 & 1) && ((dw0 & HV_SW_BITS) || rpn >= boot.mem_bytes);
		}
	}
	check("isolation: valid entries left = the loader's, one per page", valid, boot.mem_bytes / 0x1000);
	check("isolation: every entry names its own logical page", bad, 0);
	check("isolation: no other owner's canary in its memory",
	      guest_foreign_canaries((u64)_end - GUEST_BASE, boot.mem_bytes, boot.index), 0);
}

int main(void)
{
	extern char _end[];
	u64 ptex;

	boot = guest;
	page_a = (((u64)_end - GUEST_BASE) + 0xFFF) & ~0xFFFul;
	page_b = page_a + 0x1000;
	ptex = test_enter();
	test_read(ptex);
	test_protect(ptex);
	test_clear(ptex);
	test_remove(ptex);
	test_bulk(ptex);
	test_full_group();
	test_isolation();
	return 0;
}
