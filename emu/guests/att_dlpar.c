/*
 * Attacker: DLPAR. The hypervisor takes LMB 3 (logical 0xC0000..0xFFFFF)
 * away between two slices while the partition is busy using it: stores of
 * its mark through aliases of the LMB, H_ENTER and H_PUT_TCE of its pages
 * in a loop. The partition sees the removal as the first refusal and
 * stops soon after. From then on nothing of the LMB may be reachable: no
 * H_ENTER or H_PUT_TCE naming it succeeds (H_PARAMETER), every alias and
 * the loader's own mapping of it fault (DSI), H_READ shows no valid HPTE
 * into it anywhere in its HPT, and the TCEs that pointed into it read as
 * cleared (papr-spec §5.3 rules 2, 3, 6; §7.2 G12). The runner then checks
 * the freed LMB reads zero and holds none of its marks. Its code and stack
 * stay in LMB 0.
 */
#include "runtime.h"

#define HPT_ENTRIES     16384ul                 /* 256 KiB HPT */
#define LMB_SIZE        0x40000ul
#define LMB3_LA         (3 * LMB_SIZE)          /* the LMB the scenario removes */
#define LMB3_PAGES      (LMB_SIZE / 0x1000)
#define ALIASES         8
#define TCES_USED       8
#define LOOP_MAX        50000                   /* the removal comes after a few slices: far sooner */
#define LOOPS_AFTER     2                       /* iterations run on once it was seen */
/* Alias EAs past its memory, inside the 64 MiB the engine backs at GUEST_BASE. */
#define ALIAS_EA(k)     (GUEST_BASE + 0x800000ul + (u64)(k) * 0x1000ul)
#define SCRATCH_EA      (GUEST_BASE + 0x900000ul)

/* The boot information the guest works from. */
static u64 my_index, my_mem, my_liobn;
static u64 alias_slot[ALIASES];

static s64 enter_4k(u64 ea, u64 la, u64 *slot)
{
	u64 out[9];
	s64 rc = HC(H_ENTER, out, 0, hpte_group(GUEST_VSID, ea), hpte_v(GUEST_VSID, ea), hpte_r(la, 2), 0, 0, 0, 0);

	*slot = out[0];
	return rc;
}

static s64 remove(u64 slot)
{
	return HC(H_REMOVE, 0, 0, slot, 0, 0, 0, 0, 0, 0);
}

static s64 put_tce(u64 ioba, u64 tce)
{
	return HC(H_PUT_TCE, 0, my_liobn, ioba, tce, 0, 0, 0, 0, 0);
}

/* What the loop saw: hcalls naming LMB 3 before and after the first refusal. */
struct loop_record {
	u64 iterations, successes, seen_at, refusals, late_successes, other_codes;
	int seen;
};

static void record(struct loop_record *r, s64 rc)
{
	if (rc == H_SUCCESS) {
		r->successes++;
		r->late_successes += r->seen; /* the LMB does not come back: never again after a refusal */
	} else if (rc == H_PARAMETER) {
		r->refusals++;
		if (!r->seen) {
			r->seen = 1;
			r->seen_at = r->iterations;
		}
	} else {
		r->other_codes++;
	}
}

/* Uses LMB 3 every way it can until the hypervisor takes it. */
static void race_the_removal(struct loop_record *r)
{
	u64 i, k, slot;

	for (i = 0; i < LOOP_MAX && !(r->seen && i >= r->seen_at + LOOPS_AFTER); i++) {
		u64 la = LMB3_LA + (i % LMB3_PAGES) * 0x1000;
		s64 rc;

		r->iterations = i;
		for (k = 0; k < ALIASES; k++) {
			probe_store(ALIAS_EA(k), GUEST_ATTACK_MARK(my_index)); /* faults once it is gone */
		}
		rc = enter_4k(SCRATCH_EA, la, &slot);
		record(r, rc);
		if (r->successes == 1 && rc == H_SUCCESS) {
			/* The scenario removes LMB 3 at the end of the slice this line is printed in. */
			put_str("att_dlpar: racing: LMB 3 answered its first hcall\n");
		}
		if (rc == H_SUCCESS) {
			remove(slot);
		}
		record(r, put_tce((i % TCES_USED) * 0x1000, la | TCE_RW));
	}
}

/* Valid HPTEs of its whole HPT: how many, and how many name a page of LMB 3. */
static void scan_hpt(u64 *valid, u64 *into_lmb3)
{
	u64 ptex, out[9];
	unsigned j;

	*valid = *into_lmb3 = 0;
	for (ptex = 0; ptex < HPT_ENTRIES; ptex += 4) {
		if (HC(H_READ, out, H_READ_4, ptex, 0, 0, 0, 0, 0, 0) != H_SUCCESS) {
			continue;
		}
		for (j = 0; j < 4; j++) {
			u64 la = out[2 * j + 1] & HPTE_R_RPN;

			if (out[2 * j] & HPTE_V_VALID) {
				(*valid)++;
				*into_lmb3 += la >= LMB3_LA && la < LMB3_LA + LMB_SIZE;
			}
		}
	}
}

/* After the removal: nothing of LMB 3 reachable, the rest of its memory as before. */
static void after_removal(void)
{
	u64 p, k, slot, out[9], refused_enter = 0, refused_tce = 0, faulting = 0, invalid = 0, cleared = 0;
	u64 valid, into_lmb3;

	for (p = 0; p < LMB3_PAGES; p++) {
		u64 la = LMB3_LA + p * 0x1000;

		refused_enter += enter_4k(SCRATCH_EA, la, &slot) == H_PARAMETER;
		refused_tce += put_tce(0, la | TCE_RW) == H_PARAMETER;
		faulting += guest_load_faults(GUEST_BASE + la) &&
			    guest_store_faults(GUEST_BASE + la, GUEST_ATTACK_MARK(my_index));
	}
	check("att_dlpar: H_ENTER of every page of LMB 3 is H_PARAMETER", refused_enter, LMB3_PAGES);
	check("att_dlpar: H_PUT_TCE of every page of LMB 3 is H_PARAMETER", refused_tce, LMB3_PAGES);
	check("att_dlpar: the loader's bolted mapping of every page of LMB 3 faults", faulting, LMB3_PAGES);
	for (k = 0; k < ALIASES; k++) {
		faulting = guest_load_faults(ALIAS_EA(k)) &&
			   guest_store_faults(ALIAS_EA(k), GUEST_ATTACK_MARK(my_index));
		invalid += HC(H_READ, out, 0, alias_slot[k], 0, 0, 0, 0, 0, 0) == H_SUCCESS && !(out[0] & HPTE_V_VALID);
		check_true("att_dlpar: its alias of LMB 3 faults, load and store", faulting);
	}
	check("att_dlpar: H_READ shows every alias slot invalid", invalid, ALIASES);
	for (k = 0; k < TCES_USED; k++) {
		cleared += HC(H_GET_TCE, out, my_liobn, k * 0x1000, 0, 0, 0, 0, 0, 0) == H_SUCCESS && out[0] == 0;
	}
	check("att_dlpar: every TCE it pointed into LMB 3 reads as cleared", cleared, TCES_USED);
	scan_hpt(&valid, &into_lmb3);
	check("att_dlpar: no valid HPTE in its HPT names a page of LMB 3", into_lmb3, 0);
	check("att_dlpar: the loader's mappings of LMBs 0..2 are all still there", valid, (my_mem - LMB_SIZE) / 0x1000);

	/* Control: the LMBs it keeps still map and DMA as before. */
	check("att_dlpar: H_ENTER of a page of LMB 2 (control)", (u64)enter_4k(SCRATCH_EA, 2 * LMB_SIZE, &slot), H_SUCCESS);
	check("att_dlpar: ... reads its own canary", probe_load(SCRATCH_EA), GUEST_CANARY(my_index, 2 * LMB_SIZE));
	check("att_dlpar: ... H_REMOVE", (u64)remove(slot), H_SUCCESS);
	check("att_dlpar: H_PUT_TCE of a page of LMB 2 (control)", (u64)put_tce(0, (2 * LMB_SIZE) | TCE_RW), H_SUCCESS);
	check("att_dlpar: ... and cleared again", (u64)put_tce(0, 0), H_SUCCESS);
}

int main(void)
{
	extern char _end[];
	struct loop_record r = { 0, 0, 0, 0, 0, 0, 0 };
	u64 image_end = (u64)_end - GUEST_BASE, k;

	my_index = guest.index;
	my_mem = guest.mem_bytes;
	my_liobn = guest.liobn;
	check_true("att_dlpar: its code and stack lie in LMB 0", image_end <= LMB_SIZE);
	check("att_dlpar: it starts with 4 LMBs", my_mem, 4 * LMB_SIZE);
	for (k = 0; k < ALIASES; k++) {
		check("att_dlpar: H_ENTER of an alias of LMB 3",
		      (u64)enter_4k(ALIAS_EA(k), LMB3_LA + k * (LMB_SIZE / ALIASES), &alias_slot[k]), H_SUCCESS);
	}

	race_the_removal(&r);
	put_str("att_dlpar: the removal showed at iteration ");
	put_dec(r.seen_at);
	put_str(" of the loop\n");
	check_true("att_dlpar: the removal was seen from inside (a refusal)", r.seen);
	check_true("att_dlpar: it came mid-loop (hcalls on LMB 3 had succeeded before)", r.successes > 0);
	check("att_dlpar: no hcall on LMB 3 succeeded after the first refusal", r.late_successes, 0);
	check("att_dlpar: every hcall on LMB 3 answered H_SUCCESS or H_PARAMETER", r.other_codes, 0);

	after_removal();
	check("att_dlpar: its mark stored in all of its remaining free memory", guest_mark(image_end, LMB3_LA, my_index),
	      (LMB3_LA - image_end) / 8);
	return 0;
}
