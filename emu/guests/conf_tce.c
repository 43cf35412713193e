/*
 * Conformance of the TCE hcalls (papr-spec §4) on the partition's own DMA
 * window (guest.liobn: 512 TCEs of 4 KiB at bus offset 0): what H_PUT_TCE,
 * H_STUFF_TCE and H_PUT_TCE_INDIRECT store is exactly what H_GET_TCE
 * returns (the logical value), and every refusal leaves the window as it
 * was. The core's own rules (README "Decisions"): H_STUFF_TCE only clears
 * or poisons (no permission bits, §7.5 rule 6); H_PUT_TCE_INDIRECT checks
 * the whole list first and applies nothing when one entry is bad; a TCE
 * without permission bits is kept for H_GET_TCE.
 */
#include "runtime.h"

#define TCE_R      0x1ul
#define TCE_W      0x2ul
#define TCE_PAGE   0x1000ul
#define ENTRIES    512ul
#define LAST_IOBA  ((ENTRIES - 1) * TCE_PAGE)
#define UNKNOWN_LIOBN 0x12345678ul

/* The boot registers the guest works from. */
static struct guest_boot boot;

/* A TCE list of its own for H_PUT_TCE_INDIRECT: one 4 KiB page, 4 KiB aligned. */
static u64 tce_list[ENTRIES] __attribute__((aligned(4096)));

static u64 page_a, page_b, page_c; /* logical pages of its own past the image */

static s64 put(u64 liobn, u64 ioba, u64 tce)
{
	return HC(H_PUT_TCE, 0, liobn, ioba, tce, 0, 0, 0, 0, 0);
}

static s64 stuff(u64 liobn, u64 ioba, u64 tce, u64 count)
{
	return HC(H_STUFF_TCE, 0, liobn, ioba, tce, count, 0, 0, 0, 0);
}

static s64 put_indirect(u64 liobn, u64 ioba, u64 list_la, u64 count)
{
	return HC(H_PUT_TCE_INDIRECT, 0, liobn, ioba, list_la, count, 0, 0, 0, 0);
}

/* The TCE at ioba of its own window (an impossible value when the call fails). */
static u64 get(u64 ioba)
{
	u64 out[9];

	if (HC(H_GET_TCE, out, boot.liobn, ioba, 0, 0, 0, 0, 0, 0) != H_SUCCESS) {
		return ~0ul;
	}
	return out[0];
}

static u64 list_la(void)
{
	return (u64)tce_list - GUEST_BASE;
}

static void test_put_get(void)
{
	u64 out[9];

	check("put: ioba 0, read/write -> H_SUCCESS", put(boot.liobn, 0, page_a | TCE_RW), H_SUCCESS);
	check("get: ioba 0 returns the logical TCE put", get(0), page_a | TCE_RW);
	check("put: ioba 0x1000, read-only -> H_SUCCESS", put(boot.liobn, 0x1000, page_b | TCE_R), H_SUCCESS);
	check("get: ioba 0x1000 returns it", get(0x1000), page_b | TCE_R);
	check("put: last entry, write-only -> H_SUCCESS", put(boot.liobn, LAST_IOBA, page_c | TCE_W), H_SUCCESS);
	check("get: last entry returns it", get(LAST_IOBA), page_c | TCE_W);
	check("put: no permission bits -> H_SUCCESS", put(boot.liobn, 0x2000, page_b), H_SUCCESS);
	check("get: the no-access value is kept as put", get(0x2000), page_b);

	check("put: ioba one past the window -> H_PARAMETER", put(boot.liobn, ENTRIES * TCE_PAGE, page_a | TCE_RW),
	      H_PARAMETER);
	check("put: ioba misaligned -> H_PARAMETER", put(boot.liobn, 0x1800, page_a | TCE_RW), H_PARAMETER);
	check("put: ioba near 2^64 -> H_PARAMETER", put(boot.liobn, ~0xFFFul, page_a | TCE_RW), H_PARAMETER);
	check("put: TCE past its memory -> H_PARAMETER", put(boot.liobn, 0x1000, boot.foreign_la | TCE_RW),
	      H_PARAMETER);
	check("put: TCE with a reserved bit (0x800) -> H_PARAMETER", put(boot.liobn, 0x1000, page_a | 0x800 | TCE_R),
	      H_PARAMETER);
	check("put: the refused calls left ioba 0x1000 alone", get(0x1000), page_b | TCE_R);
	check("get: ioba one past the window -> H_PARAMETER",
	      HC(H_GET_TCE, out, boot.liobn, ENTRIES * TCE_PAGE, 0, 0, 0, 0, 0, 0), H_PARAMETER);
	check("get: ioba misaligned -> H_PARAMETER", HC(H_GET_TCE, out, boot.liobn, 0x10, 0, 0, 0, 0, 0, 0),
	      H_PARAMETER);
}

/* LIOBNs that are not its own: nothing of them is reachable (papr-spec §4.1, G10). */
static void test_liobns(void)
{
	u64 out[9];

	check("put: unknown LIOBN -> H_PARAMETER", put(UNKNOWN_LIOBN, 0, page_a | TCE_RW), H_PARAMETER);
	check("get: unknown LIOBN -> H_PARAMETER", HC(H_GET_TCE, out, UNKNOWN_LIOBN, 0, 0, 0, 0, 0, 0, 0), H_PARAMETER);
	check("put: its LIOBN with bit 32 set -> H_PARAMETER", put(boot.liobn | (1ul << 32), 0, page_a | TCE_RW),
	      H_PARAMETER);
	if (!boot.foreign_liobn) {
		put_str("NOTE no other partition: the foreign-LIOBN checks are skipped\n");
		return;
	}
	check("put: the other partition's LIOBN -> H_PARAMETER", put(boot.foreign_liobn, 0, page_a | TCE_RW),
	      H_PARAMETER);
	check("get: the other partition's LIOBN -> H_PARAMETER",
	      HC(H_GET_TCE, out, boot.foreign_liobn, 0, 0, 0, 0, 0, 0, 0), H_PARAMETER);
	check("stuff: the other partition's LIOBN -> H_PARAMETER", stuff(boot.foreign_liobn, 0, 0, 1), H_PARAMETER);
	tce_list[0] = page_a | TCE_RW;
	check("indirect: the other partition's LIOBN -> H_PARAMETER", put_indirect(boot.foreign_liobn, 0, list_la(), 1),
	      H_PARAMETER);
}

static void test_stuff(void)
{
	check("stuff: clear ioba 0 and 0x1000 -> H_SUCCESS", stuff(boot.liobn, 0, 0, 2), H_SUCCESS);
	check("stuff: both entries read 0", get(0) | get(0x1000), 0);
	check("stuff: the last entry is untouched", get(LAST_IOBA), page_c | TCE_W);
	check("stuff: a value with R/W -> H_PARAMETER", stuff(boot.liobn, 0, page_a | TCE_RW, 1), H_PARAMETER);
	check("stuff: ... and ioba 0 stays clear", get(0), 0);
	check("stuff: poison (no-access value) x3 -> H_SUCCESS", stuff(boot.liobn, 0x3000, page_b, 3), H_SUCCESS);
	check_true("stuff: all three entries hold the poison", get(0x3000) == page_b && get(0x4000) == page_b &&
								     get(0x5000) == page_b);
	check("stuff: run past the window end -> H_PARAMETER", stuff(boot.liobn, LAST_IOBA, 0, 2), H_PARAMETER);
	check("stuff: ... nothing of it applied", get(LAST_IOBA), page_c | TCE_W);
	check("stuff: count 2^63 -> H_PARAMETER", stuff(boot.liobn, 0, 0, 1ul << 63), H_PARAMETER);
}

static void test_indirect(void)
{
	tce_list[0] = page_a | TCE_RW;
	tce_list[1] = page_b | TCE_R;
	tce_list[2] = page_c | TCE_W;
	tce_list[3] = 0;
	check("indirect: four entries from its own list -> H_SUCCESS", put_indirect(boot.liobn, 0x10000, list_la(), 4),
	      H_SUCCESS);
	check("indirect: entry 0 as listed", get(0x10000), page_a | TCE_RW);
	check("indirect: entry 1 as listed", get(0x11000), page_b | TCE_R);
	check("indirect: entry 2 as listed", get(0x12000), page_c | TCE_W);
	check("indirect: entry 3 as listed (cleared)", get(0x13000), 0);

	check("indirect: list past its memory -> H_PARAMETER", put_indirect(boot.liobn, 0x20000, boot.foreign_la, 1),
	      H_PARAMETER);
	check("indirect: list not 4 KiB aligned -> H_PARAMETER", put_indirect(boot.liobn, 0x20000, list_la() + 8, 1),
	      H_PARAMETER);
	check("indirect: count 513 -> H_PARAMETER", put_indirect(boot.liobn, 0, list_la(), ENTRIES + 1), H_PARAMETER);
	check("indirect: run past the window end -> H_PARAMETER", put_indirect(boot.liobn, LAST_IOBA - TCE_PAGE,
									       list_la(), 4), H_PARAMETER);

	/* One bad entry in the middle: nothing is applied, before or after it. */
	put(boot.liobn, 0x20000, page_c | TCE_R);
	tce_list[0] = page_a | TCE_RW;
	tce_list[1] = boot.foreign_la | TCE_RW;
	tce_list[2] = page_b | TCE_RW;
	check("indirect: one entry past its memory -> H_PARAMETER", put_indirect(boot.liobn, 0x20000, list_la(), 3),
	      H_PARAMETER);
	check("indirect: ... the entry before it is not applied", get(0x20000), page_c | TCE_R);
	check("indirect: ... nor the ones after it", get(0x21000) | get(0x22000), 0);
}

int main(void)
{
	extern char _end[];

	boot = guest;
	page_a = (((u64)_end - GUEST_BASE) + 0xFFF) & ~0xFFFul;
	page_b = page_a + 0x1000;
	page_c = boot.mem_bytes - 0x1000; /* its last page */
	test_put_get();
	test_liobns();
	test_stuff();
	test_indirect();
	check("stuff: clearing the whole window -> H_SUCCESS", stuff(boot.liobn, 0, 0, ENTRIES), H_SUCCESS);
	check("stuff: ... the entries set before all read 0",
	      get(0x10000) | get(0x3000) | get(0x20000) | get(LAST_IOBA), 0);
	return 0;
}
