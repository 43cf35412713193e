/*
 * Attacker: memory. From inside its partition it tries to map memory that
 * is not its own (logical pages past its memory, far beyond it, large
 * pages whose tail runs past it, HPTE slots past its HPT), to read through
 * addresses that have no translation, and to keep using a translation
 * after H_REMOVE. Every attempt must be refused (H_PARAMETER) or fault in
 * its own partition (DSI); what it may map (its own pages, by logical
 * address) must show its own data, never the hypervisor's or the victim's.
 * Last it fills its own free memory with its mark, so the runner can prove
 * no store of it ever landed elsewhere.
 */
#include "runtime.h"

#define HPT_ENTRIES      16384ul                /* 256 KiB HPT: 2048 PTEGs of 8 */
#define PP_READ_ONLY     3ul                    /* H_PROTECT flags: PP = 011, read-only to every key */
/* Large-page LP encodings in dword 1 bits 12.. (papr-spec §2.5, hv/core/hpt.c hpte_sizes). */
#define LP_4K_BASE_64K   (0x7ul << 12)
#define LP_4K_BASE_16M   (0x38ul << 12)
#define LP_16M_BASE_16M  0ul
#define LP_16G_BASE_16G  (0x3ul << 12)
/*
 * Effective addresses for aliases: in its own segment, past its memory
 * (no bolted mapping there: ALIAS_FLOOR bounds the memory it may have --
 * 1 MiB in the scenarios, one 16 MiB LMB beside Linux), inside the 64 MiB
 * the engine backs at GUEST_BASE (an EA outside it stops the emulated CPU,
 * not the guest).
 */
#define ALIAS_FLOOR      0x2000000ul
#define ALIAS_EA(k)      (GUEST_BASE + ALIAS_FLOOR + (u64)(k) * 0x1000ul)
#define ALIAS_64K_EA     (GUEST_BASE + ALIAS_FLOOR + 0xA00000ul)   /* 64 KiB aligned */
#define LARGE_ALIAS_EA   (GUEST_BASE + ALIAS_FLOOR + 0x1000000ul)  /* 16 MiB aligned; the page ends at 64 MiB */

/* The boot information the guest works from. */
static u64 my_index, my_mem, my_foreign_la;

static s64 enter(u64 flags, u64 ptex, u64 pteh, u64 ptel, u64 *slot)
{
	u64 out[9];
	s64 rc = HC(H_ENTER, out, flags, ptex, pteh, ptel, 0, 0, 0, 0);

	*slot = out[0];
	return rc;
}

/* H_ENTER of a 4 KiB read/write page: alias ea of its segment -> logical la. */
static s64 enter_4k(u64 ea, u64 la, u64 *slot)
{
	return enter(0, hpte_group(GUEST_VSID, ea), hpte_v(GUEST_VSID, ea), hpte_r(la, 2), slot);
}

/* H_ENTER of a large page at ea: L = 1 and the LP encoding in dword 1. */
static s64 enter_large(u64 ea, u64 la, u64 lp)
{
	u64 slot;

	return enter(0, hpte_group(GUEST_VSID, ea), hpte_v(GUEST_VSID, ea) | HPTE_V_LARGE, hpte_r(la, 2) | lp, &slot);
}

static s64 remove(u64 slot)
{
	return HC(H_REMOVE, 0, 0, slot, 0, 0, 0, 0, 0, 0);
}

/* Logical pages that are not its own: every H_ENTER naming one is H_PARAMETER. */
static void map_foreign(void)
{
	const struct {
		const char *name;
		u64 la;
	} beyond[] = {
		{ "att_memory: H_ENTER of foreign_la, the first page past its memory", my_foreign_la },
		{ "att_memory: H_ENTER of a page 1 MiB past its memory", my_mem + 0x100000 },
		{ "att_memory: H_ENTER of logical 16 MiB (past the 64 LMBs a partition can have)", 0x1000000 },
		{ "att_memory: H_ENTER of logical 1 TiB", 0x10000000000ul },
		{ "att_memory: H_ENTER of the highest page a dword 1 can name", 0x0FFFFFFFFFFFF000ul },
	};
	u64 slot;
	unsigned i;

	for (i = 0; i < sizeof(beyond) / sizeof(beyond[0]); i++) {
		check(beyond[i].name, (u64)enter_4k(ALIAS_EA(i), beyond[i].la, &slot), (u64)H_PARAMETER);
		check_true("att_memory: ... and its alias still faults", guest_load_faults(ALIAS_EA(i)));
	}
	check("att_memory: H_ENTER with H_ZERO_PAGE of foreign_la (zeroing someone else's page)",
	      (u64)enter(H_ZERO_PAGE, hpte_group(GUEST_VSID, ALIAS_EA(8)), hpte_v(GUEST_VSID, ALIAS_EA(8)),
			 hpte_r(my_foreign_la, 2), &slot),
	      (u64)H_PARAMETER);
	/*
	 * Large pages at the last 16 MiB boundary of its memory: one based in
	 * its memory whose tail runs past it (logical 0 of a partition smaller
	 * than 16 MiB), or one past its end (a partition of whole 16 MiB LMBs).
	 * The whole page must be its own.
	 */
	check("att_memory: 16 MiB page (4 KiB base) reaching past its memory",
	      (u64)enter_large(LARGE_ALIAS_EA, my_mem & ~0xFFFFFFul, LP_4K_BASE_16M), (u64)H_PARAMETER);
	check("att_memory: 16 MiB page (16 MiB base) reaching past its memory",
	      (u64)enter_large(LARGE_ALIAS_EA, my_mem & ~0xFFFFFFul, LP_16M_BASE_16M), (u64)H_PARAMETER);
	check("att_memory: 16 GiB page at logical 0", (u64)enter_large(LARGE_ALIAS_EA, 0, LP_16G_BASE_16G),
	      (u64)H_PARAMETER);
	check("att_memory: 64 KiB page at its memory end", (u64)enter_large(ALIAS_64K_EA, my_mem, LP_4K_BASE_64K),
	      (u64)H_PARAMETER);
	/*
	 * A 64 KiB page is 64 KiB aligned and its LP bits sit in the low RPN
	 * bits: one starting 32 KiB before the end decodes to no page size.
	 */
	check("att_memory: 64 KiB page straddling its memory end", (u64)enter_large(ALIAS_64K_EA, my_mem - 0x8000, 0),
	      (u64)H_PARAMETER);
	/* Slots past its own HPT would be another partition's HPT or hypervisor memory. */
	check("att_memory: H_ENTER H_EXACT at PTEX = entries of its HPT",
	      (u64)enter(H_EXACT, HPT_ENTRIES, hpte_v(GUEST_VSID, ALIAS_EA(8)), hpte_r(0x40000, 2), &slot),
	      (u64)H_PARAMETER);
	check("att_memory: H_ENTER at PTEX 2^63",
	      (u64)enter(0, 1ul << 63, hpte_v(GUEST_VSID, ALIAS_EA(8)), hpte_r(0x40000, 2), &slot), (u64)H_PARAMETER);
	check("att_memory: H_READ of PTEX = entries of its HPT", (u64)HC(H_READ, 0, 0, HPT_ENTRIES, 0, 0, 0, 0, 0, 0),
	      (u64)H_PARAMETER);
	check("att_memory: H_READ_4 of PTEX = entries of its HPT",
	      (u64)HC(H_READ, 0, H_READ_4, HPT_ENTRIES, 0, 0, 0, 0, 0, 0), (u64)H_PARAMETER);
	check("att_memory: H_REMOVE of PTEX = entries of its HPT", (u64)remove(HPT_ENTRIES), (u64)H_PARAMETER);
}

/*
 * Logical addresses that are real addresses of the hypervisor's memory
 * (its canaries at 0x1000.., its tables at 0x40000..) name the partition's
 * own pages: the mapping succeeds and shows its own data, never the
 * hypervisor's. The 64 KiB page ending at its memory end is its own too.
 */
static void map_own(void)
{
	static const struct {
		const char *name;
		u64 la;
	} own[] = {
		{ "att_memory: H_ENTER of its own logical 0 (real 0 is the hypervisor's)", 0 },
		{ "att_memory: H_ENTER of its own logical 0x1000 (real 0x1000.. holds the hypervisor's canaries)", 0x1000 },
		{ "att_memory: H_ENTER of its own logical 0x40000 (real 0x40000.. is the hypervisor's: the HPTs)", 0x40000 },
	};
	u64 slot, v;
	unsigned i;

	for (i = 0; i < sizeof(own) / sizeof(own[0]); i++) {
		u64 ea = ALIAS_EA(16 + i);

		check(own[i].name, (u64)enter_4k(ea, own[i].la, &slot), H_SUCCESS);
		v = probe_load(ea);
		check("att_memory: ... shows its own word, not the hypervisor's", v, *guest_ptr(own[i].la));
		check_true("att_memory: ... and no canary of another owner",
			   !GUEST_IS_CANARY(v) || GUEST_CANARY_OWNER(v) == my_index);
		check("att_memory: ... H_REMOVE", (u64)remove(slot), H_SUCCESS);
	}
	check("att_memory: 64 KiB page ending at its memory end (its own)",
	      (u64)enter(0, hpte_group(GUEST_VSID, ALIAS_64K_EA), hpte_v(GUEST_VSID, ALIAS_64K_EA) | HPTE_V_LARGE,
			 hpte_r(my_mem - 0x10000, 2) | LP_4K_BASE_64K, &slot),
	      H_SUCCESS);
	check("att_memory: ... maps the aligned page: its own canary", probe_load(ALIAS_64K_EA),
	      GUEST_CANARY(my_index, my_mem - 0x10000));
	check("att_memory: ... H_REMOVE", (u64)remove(slot), H_SUCCESS);
}

/* Effective addresses of its segment with no HPTE: loads and stores fault, nothing is read. */
static void unmapped_access(void)
{
	const u64 eas[] = { GUEST_BASE + my_mem, GUEST_BASE + my_mem + 0x100000, GUEST_BASE + 0x3FFF000 };
	unsigned i;

	for (i = 0; i < sizeof(eas) / sizeof(eas[0]); i++) {
		check_true("att_memory: load at an EA without HPTE faults (DSI, nothing read)", guest_load_faults(eas[i]));
		check_true("att_memory: store at an EA without HPTE faults (DSI)",
			   guest_store_faults(eas[i], GUEST_ATTACK_MARK(my_index)));
	}
}

/* How many interrupts an access took (0 or 1), and what it read when it took none. */
static u64 faults_of_load(u64 ea, u64 *read)
{
	u64 n = guest_irq.count;

	*read = probe_load(ea);
	return guest_irq.count - n;
}

static u64 faults_of_store(u64 ea, u64 v)
{
	u64 n = guest_irq.count;

	probe_store(ea, v);
	return guest_irq.count - n;
}

static void evidence(const char *what, u64 v)
{
	put_str("att_memory: evidence: ");
	put_str(what);
	put_hex(v);
	put_str("\n");
}

/*
 * A translation the CPU cached must not outlive the hcall that withdrew it
 * (papr-spec §7.2 G7): H_PROTECT to read-only, then H_REMOVE. The alias is
 * used for a store first: the MMU hands out write access only once C is
 * set, so a store caches the translation for loads and stores alike. The
 * engine drops cached translations between slices, so each sequence starts
 * on a fresh slice (H_CONFER to anyone) and runs in a few hundred
 * instructions, wherever the slices fall. What went through a withdrawn
 * translation is printed as evidence.
 */
static void stale_translation(void)
{
	u64 ea = ALIAS_EA(32), la = my_mem - 0x1000, mark = GUEST_ATTACK_MARK(my_index), canary = GUEST_CANARY(my_index, la);
	u64 slot, stored, protect_faults, after_protect, load_faults_n, read, store_faults_n, after_remove;
	s64 rc_enter, rc_protect, rc_remove;

	*guest_ptr(la) = canary;
	HC(H_CONFER, 0, -1ul, 0, 0, 0, 0, 0, 0, 0);
	rc_enter = enter_4k(ea, la, &slot);
	probe_store(ea, mark); /* cached, writable */
	stored = *guest_ptr(la);
	*guest_ptr(la) = canary;
	rc_protect = HC(H_PROTECT, 0, PP_READ_ONLY, slot, 0, 0, 0, 0, 0, 0);
	protect_faults = faults_of_store(ea, mark);
	after_protect = *guest_ptr(la);
	*guest_ptr(la) = canary;
	rc_remove = remove(slot);
	check("att_memory: H_ENTER of an alias of its last page", (u64)rc_enter, H_SUCCESS);
	check("att_memory: ... a store through it reaches its page", stored, mark);
	check("att_memory: ... H_PROTECT to read-only", (u64)rc_protect, H_SUCCESS);
	check("att_memory: store through the alias made read-only faults (interrupts taken)", protect_faults, 1);
	check("att_memory: ... and its page was not written", after_protect, canary);
	check("att_memory: ... H_REMOVE", (u64)rc_remove, H_SUCCESS);

	HC(H_CONFER, 0, -1ul, 0, 0, 0, 0, 0, 0, 0);
	rc_enter = enter_4k(ea, la, &slot);
	probe_store(ea, canary); /* cached, writable */
	rc_remove = remove(slot);
	load_faults_n = faults_of_load(ea, &read);
	store_faults_n = faults_of_store(ea, mark);
	after_remove = *guest_ptr(la);
	*guest_ptr(la) = canary;
	check("att_memory: H_ENTER of the alias again", (u64)rc_enter, H_SUCCESS);
	check("att_memory: ... H_REMOVE", (u64)rc_remove, H_SUCCESS);
	check("att_memory: load through the removed alias faults (interrupts taken)", load_faults_n, 1);
	if (!load_faults_n) {
		evidence("the load through the removed translation read ", read);
	}
	check("att_memory: store through the removed alias faults (interrupts taken)", store_faults_n, 1);
	check("att_memory: ... and its page was not written", after_remove, canary);
}

int main(void)
{
	extern char _end[];
	u64 start = (u64)_end - GUEST_BASE;

	my_index = guest.index;
	my_mem = guest.mem_bytes;
	my_foreign_la = guest.foreign_la;
	check("att_memory: foreign_la is where its memory ends", my_foreign_la, my_mem);
	if (my_mem > ALIAS_FLOOR) {
		check("att_memory: its memory ends below its alias addresses", my_mem, ALIAS_FLOOR);
		return 0;
	}
	map_foreign();
	map_own();
	unmapped_access();
	stale_translation();
	check("att_memory: no canary of another owner in its memory", guest_foreign_canaries(start, my_mem, my_index), 0);
	check("att_memory: its mark stored in all of its free memory", guest_mark(start, my_mem, my_index),
	      (my_mem - start) / 8);
	return 0;
}
