/*
 * Attacker: DMA translation. From inside its partition it tries to make
 * its own window's TCEs point at memory that is not its own, to reach the
 * victim's window by its LIOBN, to run past the end of its own window
 * (into the hypervisor's neighbouring tables), and to slip one foreign
 * entry into an H_PUT_TCE_INDIRECT list. Every attempt must be
 * H_PARAMETER with nothing applied (H_GET_TCE shows the old values); what
 * it may do (TCEs to its own pages) must read back exactly as it stored
 * them: logical, never a real address (papr-spec §4, §7.2 G3 G4 G5 G10).
 */
#include "runtime.h"

#define TCE_RESERVED_BIT 0x800ul
#define TCE_PAGE         0x1000ul
#define WINDOW_ENTRIES   512ul   /* what the runner assigned: 512 TCEs at bus 0 */
#define LIST_ENTRIES     4ul
#define LIST_IOBA        (8 * TCE_PAGE)

/* The boot information the guest works from. */
static u64 my_mem, my_liobn, victim_liobn;
/* A 4 KiB-aligned page of its own free memory for H_PUT_TCE_INDIRECT lists (logical address). */
static u64 list_la;

static s64 put_tce(u64 liobn, u64 ioba, u64 tce)
{
	return HC(H_PUT_TCE, 0, liobn, ioba, tce, 0, 0, 0, 0, 0);
}

/* H_GET_TCE's r3, and the entry in *tce. */
static s64 get_tce(u64 liobn, u64 ioba, u64 *tce)
{
	u64 out[9];
	s64 rc = HC(H_GET_TCE, out, liobn, ioba, 0, 0, 0, 0, 0, 0);

	*tce = out[0];
	return rc;
}

/* The entry at ioba of its own window (~0 when H_GET_TCE itself fails). */
static u64 own_tce(u64 ioba)
{
	u64 tce;

	return get_tce(my_liobn, ioba, &tce) == H_SUCCESS ? tce : ~0ul;
}

static s64 stuff_tce(u64 liobn, u64 ioba, u64 value, u64 count)
{
	return HC(H_STUFF_TCE, 0, liobn, ioba, value, count, 0, 0, 0, 0);
}

static s64 put_indirect(u64 liobn, u64 ioba, u64 list, u64 count)
{
	return HC(H_PUT_TCE_INDIRECT, 0, liobn, ioba, list, count, 0, 0, 0, 0);
}

/* Entries LIST_IOBA.. of its window, as they should read. */
static int list_entries_are(const u64 *want)
{
	unsigned i;

	for (i = 0; i < LIST_ENTRIES; i++) {
		if (own_tce(LIST_IOBA + i * TCE_PAGE) != want[i]) {
			return 0;
		}
	}
	return 1;
}

/* TCEs of its own window naming memory past its own: refused, the entry keeps its old value. */
static void foreign_pages(void)
{
	const u64 beyond[] = { my_mem | TCE_RW, (my_mem + 0x100000) | TCE_RW, my_mem | TCE_READ,
			       0x10000000000ul | TCE_RW, 0xFFFFFFFFFFFFF000ul | TCE_RW };
	unsigned i;

	check("att_tce: H_PUT_TCE of its own page (control)", (u64)put_tce(my_liobn, 0, 0x40000 | TCE_RW), H_SUCCESS);
	check("att_tce: ... reads back as stored: logical, not real", own_tce(0), 0x40000 | TCE_RW);
	for (i = 0; i < sizeof(beyond) / sizeof(beyond[0]); i++) {
		check("att_tce: H_PUT_TCE naming memory past its own", (u64)put_tce(my_liobn, 0, beyond[i]),
		      (u64)H_PARAMETER);
		check("att_tce: ... the entry keeps its old value", own_tce(0), 0x40000 | TCE_RW);
	}
	check("att_tce: H_PUT_TCE with a reserved bit set", (u64)put_tce(my_liobn, 0, 0x40000 | TCE_RESERVED_BIT | TCE_RW),
	      (u64)H_PARAMETER);
}

/* The victim's window, by its LIOBN (and by LIOBNs that truncate to it or to its own). */
static void foreign_window(void)
{
	u64 tce = 0x5A5A;

	check("att_tce: H_PUT_TCE on the victim's LIOBN", (u64)put_tce(victim_liobn, 0, 0x40000 | TCE_RW),
	      (u64)H_PARAMETER);
	check("att_tce: H_GET_TCE on the victim's LIOBN", (u64)get_tce(victim_liobn, 0, &tce), (u64)H_PARAMETER);
	check("att_tce: ... and no entry of it comes back", tce, 0);
	check("att_tce: H_STUFF_TCE clearing the victim's window", (u64)stuff_tce(victim_liobn, 0, 0, WINDOW_ENTRIES),
	      (u64)H_PARAMETER);
	check("att_tce: H_PUT_TCE on the victim's LIOBN + 2^32", (u64)put_tce(victim_liobn | (1ul << 32), 0, 0x40000 | TCE_RW),
	      (u64)H_PARAMETER);
	check("att_tce: H_PUT_TCE on its own LIOBN + 2^32", (u64)put_tce(my_liobn | (1ul << 32), 0, 0x40000 | TCE_RW),
	      (u64)H_PARAMETER);
	*guest_ptr(list_la) = 0x40000 | TCE_RW;
	check("att_tce: H_PUT_TCE_INDIRECT on the victim's LIOBN", (u64)put_indirect(victim_liobn, 0, list_la, 1),
	      (u64)H_PARAMETER);
}

/* Entries past the end of its window (the next table in hypervisor memory) or wrapping around. */
static void window_bounds(void)
{
	u64 tce;

	check("att_tce: H_PUT_TCE one entry past its window",
	      (u64)put_tce(my_liobn, WINDOW_ENTRIES * TCE_PAGE, 0x40000 | TCE_RW), (u64)H_PARAMETER);
	check("att_tce: H_PUT_TCE at ioba -4096", (u64)put_tce(my_liobn, -TCE_PAGE, 0x40000 | TCE_RW), (u64)H_PARAMETER);
	check("att_tce: H_GET_TCE one entry past its window", (u64)get_tce(my_liobn, WINDOW_ENTRIES * TCE_PAGE, &tce),
	      (u64)H_PARAMETER);
	check("att_tce: H_STUFF_TCE over the window's end", (u64)stuff_tce(my_liobn, (WINDOW_ENTRIES - 1) * TCE_PAGE, 0, 2),
	      (u64)H_PARAMETER);
	check("att_tce: H_STUFF_TCE of 2^63 entries", (u64)stuff_tce(my_liobn, 0, 0, 1ul << 63), (u64)H_PARAMETER);
	check("att_tce: H_STUFF_TCE whose count wraps the index", (u64)stuff_tce(my_liobn, TCE_PAGE, 0, ~0ul),
	      (u64)H_PARAMETER);
	check("att_tce: H_PUT_TCE_INDIRECT of 513 entries", (u64)put_indirect(my_liobn, 0, list_la, 513),
	      (u64)H_PARAMETER);
	check("att_tce: H_PUT_TCE_INDIRECT over the window's end",
	      (u64)put_indirect(my_liobn, (WINDOW_ENTRIES - 1) * TCE_PAGE, list_la, 2), (u64)H_PARAMETER);
	check("att_tce: ... its first entry is untouched", own_tce((WINDOW_ENTRIES - 1) * TCE_PAGE), 0);
}

/* H_PUT_TCE_INDIRECT: a list the hypervisor must not read, and a list with one foreign entry. */
static void indirect_lists(void)
{
	const u64 old[LIST_ENTRIES] = { 0x50000 | TCE_READ, 0x51000 | TCE_READ, 0x52000 | TCE_READ, 0x53000 | TCE_READ };
	const u64 own[LIST_ENTRIES] = { 0x60000 | TCE_RW, 0x61000 | TCE_RW, 0x62000 | TCE_RW, 0x63000 | TCE_RW };
	volatile u64 *list = guest_ptr(list_la);
	unsigned i;

	for (i = 0; i < LIST_ENTRIES; i++) {
		put_tce(my_liobn, LIST_IOBA + i * TCE_PAGE, old[i]);
	}
	check_true("att_tce: the entries the lists aim at hold their old values", list_entries_are(old));
	check("att_tce: H_PUT_TCE_INDIRECT with the list past its memory",
	      (u64)put_indirect(my_liobn, LIST_IOBA, my_mem, LIST_ENTRIES), (u64)H_PARAMETER);
	check("att_tce: H_PUT_TCE_INDIRECT with the list at logical 1 TiB",
	      (u64)put_indirect(my_liobn, LIST_IOBA, 0x10000000000ul, LIST_ENTRIES), (u64)H_PARAMETER);
	check("att_tce: H_PUT_TCE_INDIRECT with a list not 4 KiB aligned",
	      (u64)put_indirect(my_liobn, LIST_IOBA, list_la + 8, LIST_ENTRIES), (u64)H_PARAMETER);
	check_true("att_tce: ... nothing applied", list_entries_are(old));

	for (i = 0; i < LIST_ENTRIES; i++) {
		list[i] = own[i];
	}
	list[2] = my_mem | TCE_RW;
	check("att_tce: H_PUT_TCE_INDIRECT with one foreign entry in its own list",
	      (u64)put_indirect(my_liobn, LIST_IOBA, list_la, LIST_ENTRIES), (u64)H_PARAMETER);
	check_true("att_tce: ... nothing applied (H_GET_TCE shows the old values)", list_entries_are(old));

	list[2] = own[2];
	check("att_tce: H_PUT_TCE_INDIRECT with its own pages (control)",
	      (u64)put_indirect(my_liobn, LIST_IOBA, list_la, LIST_ENTRIES), H_SUCCESS);
	check_true("att_tce: ... every entry applied as listed", list_entries_are(own));
}

/*
 * H_STUFF_TCE: the core only lets it clear or poison (papr-spec §7.5 rule
 * 6): a value with R or W is H_PARAMETER whatever it names; a value
 * without them grants the adapter nothing (the real entry is 0) and is
 * kept as the partition's logical value.
 */
static void stuff(void)
{
	const u64 own[LIST_ENTRIES] = { 0x60000 | TCE_RW, 0x61000 | TCE_RW, 0x62000 | TCE_RW, 0x63000 | TCE_RW };
	const u64 poisoned[LIST_ENTRIES] = { my_mem, my_mem, my_mem, my_mem };

	check("att_tce: H_STUFF_TCE with a foreign TCE granting access",
	      (u64)stuff_tce(my_liobn, LIST_IOBA, my_mem | TCE_RW, LIST_ENTRIES), (u64)H_PARAMETER);
	check("att_tce: H_STUFF_TCE with its own TCE granting access (stuffing only clears)",
	      (u64)stuff_tce(my_liobn, LIST_IOBA, 0x40000 | TCE_RW, LIST_ENTRIES), (u64)H_PARAMETER);
	check("att_tce: H_STUFF_TCE with a reserved bit", (u64)stuff_tce(my_liobn, LIST_IOBA, TCE_RESERVED_BIT, 1),
	      (u64)H_PARAMETER);
	check_true("att_tce: ... nothing applied", list_entries_are(own));
	check("att_tce: H_STUFF_TCE poisoning with a foreign address and no access",
	      (u64)stuff_tce(my_liobn, LIST_IOBA, my_mem, LIST_ENTRIES), H_SUCCESS);
	check_true("att_tce: ... kept as its logical value, granting nothing", list_entries_are(poisoned));
	check("att_tce: H_STUFF_TCE clearing its whole window", (u64)stuff_tce(my_liobn, 0, 0, WINDOW_ENTRIES), H_SUCCESS);
	check("att_tce: ... cleared", own_tce(0) | own_tce(LIST_IOBA), 0);
}

int main(void)
{
	extern char _end[];

	my_mem = guest.mem_bytes;
	my_liobn = guest.liobn;
	victim_liobn = guest.foreign_liobn;
	list_la = ((u64)_end - GUEST_BASE + 0xFFF) & ~0xFFFul;
	check_true("att_tce: it has a window and sees another partition's", my_liobn != 0 && victim_liobn != 0);
	foreign_pages();
	foreign_window();
	window_bounds();
	indirect_lists();
	stuff();
	return 0;
}
