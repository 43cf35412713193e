/*
 * The invariant checker on hand-built machine state, against the reference
 * model (I6 / I7 / I8) and across relocation and migration (I11): the
 * fixture builds a real machine through the core, the test copies it into
 * a zeroed struct lp_exec, corrupts one thing directly in the raw tables
 * (never through hv/core) and asserts that exactly the expected invariant
 * fires. Set-up: inv_helpers.h.
 */
#include "inv_helpers.h"

/* ---- I6 / I7 / I8 ---- */

TEST(i7_return_code_outside_the_allowed_set)
{
	struct lp_ref_pred pred = { 0 };
	uint32_t i;

	setup();
	i = hcall_op(0, H_ENTER, H_NOT_FOUND, (const uint64_t[9]){ 0 });
	CHECK_EQ(lp_inv_hcall(E.x, i, &pred), LP_INV_I7);
	CHECK(strstr(E.x->viol.msg, "allowed set") != NULL);
	i = hcall_op(0, H_ENTER, 9999, (const uint64_t[9]){ 0 });
	CHECK_EQ(lp_inv_hcall(E.x, i, &pred), LP_INV_I7);
	i = hcall_op(0, H_ENTER, H_PRIVILEGE, (const uint64_t[9]){ 0 });
	CHECK_EQ(lp_inv_hcall(E.x, i, &pred), LP_INV_NONE);
	i = hcall_op(0, 0x28 /* H_SET_DABR: not implemented */, H_FUNCTION, (const uint64_t[9]){ 0 });
	CHECK_EQ(lp_inv_hcall(E.x, i, &pred), LP_INV_NONE);
	i = hcall_op(0, 0x28, H_SUCCESS, (const uint64_t[9]){ 0 });
	CHECK_EQ(lp_inv_hcall(E.x, i, &pred), LP_INV_I7);
	i = hcall_op(0, H_RANDOM, H_HARDWARE, (const uint64_t[9]){ 0 });
	CHECK_EQ(lp_inv_hcall(E.x, i, &pred), LP_INV_NONE);
	i = hcall_op(0, H_REGISTER_VPA, H_RESOURCE, (const uint64_t[9]){ 0 });
	CHECK_EQ(lp_inv_hcall(E.x, i, &pred), LP_INV_NONE);
	/* A skipped call is not judged. */
	i = hcall_op(0, H_ENTER, 9999, (const uint64_t[9]){ 0 });
	E.x->res[i].status = LP_SKIPPED;
	CHECK_EQ(lp_inv_hcall(E.x, i, &pred), LP_INV_NONE);
	teardown();
}

TEST(i7_and_i8_return_code_differs_from_the_model)
{
	struct lp_ref_pred pred = { 0 };
	uint32_t i;

	setup();
	pred.known = true;
	pred.rc = H_PARAMETER;
	i = hcall_op(0, H_PUT_TCE, H_SUCCESS, (const uint64_t[9]){ lp_liobn(0, 0), 0, 0 });
	CHECK_EQ(lp_inv_hcall(E.x, i, &pred), LP_INV_I7);
	/* The same call naming partition 1's window by LIOBN selector: a resource resolved across partitions. */
	E.prog.op[i].nargs = 1;
	E.prog.op[i].arg[0].sel = LP_SEL_LIOBN;
	E.prog.op[i].arg[0].val = 2; /* (2 >> 1) + actor = partition 1 */
	CHECK_EQ(lp_inv_hcall(E.x, i, &pred), LP_INV_I8);
	E.prog.op[i].arg[0].val = 4; /* (4 >> 1) % 2 == 0: its own */
	CHECK_EQ(lp_inv_hcall(E.x, i, &pred), LP_INV_I7);
	E.prog.op[i].arg[0].sel = LP_SEL_OTHER;
	CHECK_EQ(lp_inv_hcall(E.x, i, &pred), LP_INV_I8);
	pred.rc = H_SUCCESS;
	CHECK_EQ(lp_inv_hcall(E.x, i, &pred), LP_INV_NONE);
	teardown();
}

TEST(i6_outputs_differ_and_real_addresses_are_named)
{
	struct lp_ref_pred pred = { 0 };
	uint64_t ra;
	uint32_t i;

	setup();
	ra = real_of(E.s0, 0x7000);
	pred.known = true;
	pred.rc = H_SUCCESS;
	pred.out_known = 0x3;
	pred.out[0] = 0x4000000000001001ull;
	pred.out[1] = 0x7000 | 0x192;
	i = hcall_op(0, H_READ, H_SUCCESS, (const uint64_t[9]){ 0, 0 });
	E.x->res[i].out[0] = pred.out[0];
	E.x->res[i].out[1] = pred.out[1];
	sync();
	CHECK_EQ(lp_inv_hcall(E.x, i, &pred), LP_INV_NONE);
	E.x->res[i].out[1] = ra | 0x192; /* the real page behind logical 0x7000 */
	CHECK_EQ(lp_inv_hcall(E.x, i, &pred), LP_INV_I6);
	CHECK(strstr(E.x->viol.msg, "real address in output r5") != NULL);
	E.x->res[i].out[1] = 0x8000 | 0x192; /* merely wrong */
	CHECK_EQ(lp_inv_hcall(E.x, i, &pred), LP_INV_I6);
	CHECK(strstr(E.x->viol.msg, "output r5 differs") != NULL);
	/* An output the model does not predict is not compared. */
	pred.out_known = 0x1;
	CHECK_EQ(lp_inv_hcall(E.x, i, &pred), LP_INV_NONE);
	teardown();
}

TEST(i7_touched_state_differs_from_the_model)
{
	struct lp_ref_pred pred = { 0 };
	struct hv_window *w;
	uint64_t ptex, dw0, dw1;
	uint32_t i;

	setup();
	lp_ref_init(&E.x->ref, &E.prog.cfg);
	ptex = enter(E.s0, 13, 0x6000);
	dw0 = E.f.m.part[E.s0].meta[ptex].gdw0;
	dw1 = E.f.m.part[E.s0].meta[ptex].gdw1;
	pred.known = true;
	pred.rc = H_SUCCESS;
	i = hcall_op(0, H_ENTER, H_SUCCESS, (const uint64_t[9]){ 0, ptex, dw0, dw1 });
	sync();
	/* The model never heard of the entry: the core's group differs. */
	CHECK_EQ(lp_inv_hcall(E.x, i, &pred), LP_INV_I7);
	E.x->ref.hpte[0].part = 0;
	E.x->ref.hpte[0].ptex = ptex;
	E.x->ref.hpte[0].dw0 = dw0;
	E.x->ref.hpte[0].dw1 = dw1 | HPTE_R_R; /* R/C never count */
	E.x->ref.nhptes = 1;
	CHECK_EQ(lp_inv_hcall(E.x, i, &pred), LP_INV_NONE);
	E.x->ref.hpte[0].dw1 ^= 0x2; /* PP differs */
	CHECK_EQ(lp_inv_hcall(E.x, i, &pred), LP_INV_I7);
	E.x->ref.hpte[0].dw1 ^= 0x2;

	/* TCE calls: the named run of the window's logical shadow. */
	w = window0(E.s0, 0);
	E.x->ref.part[0].win_on[0] = true;
	CHECK_RC(HC(&E.f, E.s0, H_PUT_TCE, w->liobn, 0x3000, 0x1000 | 3), H_SUCCESS);
	i = hcall_op(0, H_PUT_TCE, H_SUCCESS, (const uint64_t[9]){ w->liobn, 0x3000, 0x1003 });
	sync();
	CHECK_EQ(lp_inv_hcall(E.x, i, &pred), LP_INV_I7);
	lp_ref_tce_set(&E.x->ref.part[0], 0, 3, 0x1003);
	CHECK_EQ(lp_inv_hcall(E.x, i, &pred), LP_INV_NONE);
	/* The model is off (overflow): nothing is compared. */
	lp_ref_tce_set(&E.x->ref.part[0], 0, 3, 0);
	E.x->ref.overflow = true;
	CHECK_EQ(lp_inv_hcall(E.x, i, &pred), LP_INV_NONE);
	teardown();
}

TEST(full_sweep_compares_the_model_view)
{
	struct hv_window *w;
	uint64_t ptex;

	setup();
	lp_ref_init(&E.x->ref, &E.prog.cfg);
	ptex = enter(E.s0, 21, 0x5000);
	CHECK_EQ(full(), LP_INV_I7); /* the core has an entry the model does not */
	E.x->ref.hpte[0].part = 0;
	E.x->ref.hpte[0].ptex = ptex;
	E.x->ref.hpte[0].dw0 = E.f.m.part[E.s0].meta[ptex].gdw0;
	E.x->ref.hpte[0].dw1 = E.f.m.part[E.s0].meta[ptex].gdw1;
	E.x->ref.nhptes = 1;
	CHECK_EQ(full(), LP_INV_NONE);
	/* A real page number in the guest view: H_READ would leak it (I6). */
	E.f.m.part[E.s0].meta[ptex].gdw1 = (E.f.m.part[E.s0].meta[ptex].gdw1 & 0xFFF) | real_of(E.s0, 0);
	CHECK_EQ(full(), LP_INV_I6);
	E.f.m.part[E.s0].meta[ptex].gdw1 = E.x->ref.hpte[0].dw1;
	/* The guest view silently dropped. */
	E.f.m.part[E.s0].meta[ptex].gdw0 = 0;
	CHECK_EQ(full(), LP_INV_I7);
	E.f.m.part[E.s0].meta[ptex].gdw0 = E.x->ref.hpte[0].dw0;
	CHECK_EQ(full(), LP_INV_NONE);
	/* Partition 0's window handed to partition 1 under the same LIOBN. */
	w = window0(E.s0, 0);
	E.x->ref.part[0].win_on[0] = true;
	CHECK_EQ(full(), LP_INV_NONE);
	/* Logical TCEs: one only the model has, then both agree, then one only the core has. */
	lp_ref_tce_set(&E.x->ref.part[0], 0, 77, 0x9001);
	CHECK_EQ(full(), LP_INV_I7);
	CHECK(strstr(E.x->viol.msg, "differs from the model") != NULL);
	hv_st_be64(E.f.m.mem + w->shadow.v + 8 * 77, 0x9001);
	CHECK_EQ(full(), LP_INV_NONE);
	hv_st_be64(E.f.m.mem + w->shadow.v + 8 * (LP_WINDOW_ENTRIES - 1), 0xA001);
	CHECK_EQ(full(), LP_INV_I7);
	hv_st_be64(E.f.m.mem + w->shadow.v + 8 * (LP_WINDOW_ENTRIES - 1), 0);
	CHECK_EQ(full(), LP_INV_NONE);
	w->owner = (uint8_t)E.s1;
	CHECK_EQ(full(), LP_INV_I8);
	teardown();
}

/* ---- I11 ---- */

/* Appends an operation on program partition 0 and takes its snapshot, as the executor does before running it. */
static uint32_t snapshot_op(unsigned kind, unsigned a)
{
	uint32_t i = op(kind, 0, a, HV_OK);

	sync();
	lp_inv_before(E.x, i);
	return i;
}

static uint32_t relocate_op(void)
{
	return snapshot_op(LP_OP_RELOCATE, 1);
}

/* Machine 1 for migrations. */
static void with_second_machine(void)
{
	fx_init(&E.f1, NULL, 0);
	E.have1 = true;
}

/* Migrates program partition 0 from machine 0 to machine 1 through the core; returns the operation. */
static uint32_t migrate_to_machine_1(uint32_t *dslot)
{
	uint32_t i = snapshot_op(LP_OP_MIGRATE, 0);

	CHECK_EQ(hv_partition_migrate(&E.f.m, E.s0, &E.f1.m, dslot), HV_OK);
	E.x->loc[0].machine = 1;
	E.x->loc[0].slot = (uint8_t)*dslot;
	return i;
}

TEST(i11_relocation_preserves_the_view_or_is_caught)
{
	struct hv_window *w;
	uint32_t i, old, now;
	uint64_t ptex, la = (1ull << 18) + 0x6000;

	setup();
	ptex = enter(E.s0, 0x21, la);
	w = window0(E.s0, 0);
	CHECK_RC(HC(&E.f, E.s0, H_PUT_TCE, w->liobn, 0x1000, la | 3), H_SUCCESS);
	fx_write64(&E.f, E.s0, la + 0x10, 0x0123456789ABCDEFull);

	/* A correct relocation. */
	old = fx_real_lmb_of(&E.f, E.s0, la);
	i = relocate_op();
	CHECK_EQ(hv_lmb_relocate(&E.f.m, E.s0, 1, HV_NIL), HV_OK);
	CHECK_EQ(after(i), LP_INV_NONE);
	now = fx_real_lmb_of(&E.f, E.s0, la);
	CHECK(now != old);

	/* A byte of logical memory lost in the copy. */
	i = relocate_op();
	CHECK_EQ(hv_lmb_relocate(&E.f.m, E.s0, 1, HV_NIL), HV_OK);
	E.f.m.mem[fx_real(&E.f, E.s0, la + 0x10).v] ^= 0xFF;
	CHECK_EQ(after(i), LP_INV_I11);
	CHECK(strstr(E.x->viol.msg, "contents") != NULL);
	E.f.m.mem[fx_real(&E.f, E.s0, la + 0x10).v] ^= 0xFF;

	/* An HPTE left on the old page. */
	old = fx_real_lmb_of(&E.f, E.s0, la);
	i = relocate_op();
	CHECK_EQ(hv_lmb_relocate(&E.f.m, E.s0, 1, HV_NIL), HV_OK);
	{
		uint64_t hw1 = hv_ld_be64(hw(E.s0, ptex) + 8);
		uint64_t ra = (uint64_t)old << E.f.m.lmb_shift | (la & 0x3FFFF);

		hv_st_be64(hw(E.s0, ptex) + 8, (hw1 & ~HPTE_R3_RPN) | ra);
		CHECK_EQ(after(i), LP_INV_I11);
		CHECK(strstr(E.x->viol.msg, "left the partition") != NULL);
		hv_st_be64(hw(E.s0, ptex) + 8, hw1);
	}
	/* ...or moved to the wrong page inside the partition's own memory. */
	i = relocate_op();
	CHECK_EQ(hv_lmb_relocate(&E.f.m, E.s0, 1, HV_NIL), HV_OK);
	{
		uint64_t hw1 = hv_ld_be64(hw(E.s0, ptex) + 8);

		hv_st_be64(hw(E.s0, ptex) + 8, (hw1 & ~HPTE_R3_RPN) | real_of(E.s0, 0x2000));
		CHECK_EQ(after(i), LP_INV_I11);
		CHECK(strstr(E.x->viol.msg, "retargeted") != NULL);
		hv_st_be64(hw(E.s0, ptex) + 8, hw1);
	}
	/* A TCE left on the old page. */
	i = relocate_op();
	old = fx_real_lmb_of(&E.f, E.s0, la);
	CHECK_EQ(hv_lmb_relocate(&E.f.m, E.s0, 1, HV_NIL), HV_OK);
	hv_st_be64(E.f.m.mem + w->table.v + 8, ((uint64_t)old << E.f.m.lmb_shift | 0x6000) | 3);
	CHECK_EQ(after(i), LP_INV_I11);
	teardown();
}

TEST(i11_migration_preserves_the_view_and_frees_the_source)
{
	struct hv_window *w;
	uint32_t i, dslot, real0;
	uint64_t la = 0x9000;

	setup();
	with_second_machine();
	enter(E.s0, 0x33, la);
	w = window0(E.s0, 0);
	CHECK_RC(HC(&E.f, E.s0, H_PUT_TCE, w->liobn, 0, la | 1), H_SUCCESS);
	fx_register_vpa(&E.f, E.s0, 0x2000); /* the yield count moves while it is preempted */
	fx_write64(&E.f, E.s0, la, 0xABCDEF);
	real0 = fx_real_lmb_of(&E.f, E.s0, 0);

	i = migrate_to_machine_1(&dslot);
	CHECK_EQ(after(i), LP_INV_NONE);
	CHECK(fx_real_is_zero(&E.f, fx_lmb_base(&E.f, real0), 1ull << 18));
	CHECK_EQ(full(), LP_INV_NONE);

	/* Back again, but the source keeps a dirty page (thorough: found at the migration). */
	E.x->inv.thorough = true;
	i = snapshot_op(LP_OP_MIGRATE, 0);
	real0 = (uint32_t)(fx_real(&E.f1, dslot, 0).v >> E.f1.m.lmb_shift);
	CHECK_EQ(hv_partition_migrate(&E.f1.m, dslot, &E.f.m, &dslot), HV_OK);
	E.x->loc[0].machine = 0;
	E.x->loc[0].slot = (uint8_t)dslot;
	E.f1.m.mem[((uint64_t)real0 << E.f1.m.lmb_shift) + 0x1000] = 3;
	CHECK_EQ(after(i), LP_INV_I11);
	CHECK(strstr(E.x->viol.msg, "scrubbed") != NULL);
	teardown();
}

/*
 * I11 over the logical TCEs: after a clean migration, the destination's
 * shadow table says something the source's did not. Three corruptions: the
 * entry the partition set, an entry nobody set in the middle of a run of 8
 * (the scan tests 8 words at once), and the window's last entry.
 */
TEST(i11_migration_catches_a_changed_logical_tce)
{
	static const struct {
		uint32_t idx;
		uint64_t value;
	} cases[] = { { 3, 0x9000 | 3 }, { 77, 0x9000 | 1 }, { LP_WINDOW_ENTRIES - 1, 0xA000 | 2 } };
	unsigned k;

	for (k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		struct hv_window *w, *dw;
		uint32_t i, dslot;

		setup();
		with_second_machine();
		w = window0(E.s0, 0);
		CHECK_RC(HC(&E.f, E.s0, H_PUT_TCE, w->liobn, 3ull << 12, 0x9000 | 1), H_SUCCESS);
		i = migrate_to_machine_1(&dslot);
		dw = hv_window_find(&E.f1.m, dslot, lp_liobn(0, 0));
		CHECK(dw);
		/* Untouched, the move is clean; then one logical TCE differs. */
		CHECK_EQ(after(i), LP_INV_NONE);
		i = snapshot_op(LP_OP_MIGRATE, 0);
		hv_st_be64(E.f1.m.mem + dw->shadow.v + 8ull * cases[k].idx, cases[k].value);
		CHECK_EQ(after(i), LP_INV_I11);
		CHECK(strstr(E.x->viol.msg, "logical TCEs changed") != NULL);
		teardown();
	}
}

/* I11 over the vCPUs: one appears, a VPA registration moves, a DTL registration appears. */
TEST(i11_migration_catches_changed_vcpus_and_registrations)
{
	unsigned k;

	for (k = 0; k < 3; k++) {
		struct hv_vcpu *v;
		uint32_t i, dslot;

		setup();
		with_second_machine();
		fx_register_vpa(&E.f, E.s0, 0x2000);
		i = migrate_to_machine_1(&dslot);
		CHECK_EQ(after(i), LP_INV_NONE);
		i = snapshot_op(LP_OP_MIGRATE, 0);
		v = &E.f1.m.part[dslot].vcpu[k == 0 ? 1 : 0];
		if (k == 0) {
			v->state = HV_VCPU_STOPPED;
		} else if (k == 1) {
			v->vpa.la += 0x1000;
		} else {
			v->dtl.on = true;
			v->dtl.la = 0x3000;
			v->dtl.len = 0x100;
		}
		CHECK_EQ(after(i), LP_INV_I11);
		CHECK(strstr(E.x->viol.msg, "vCPUs or their registrations changed") != NULL);
		teardown();
	}
}

/* Migrates program partition part between the machines through the core, as the executor would; returns the operation. */
static uint32_t migrate_op(unsigned part)
{
	struct lp_part_loc *loc = &E.x->loc[part];
	struct fx *from = loc->machine ? &E.f1 : &E.f, *to = loc->machine ? &E.f : &E.f1;
	uint32_t i = op(LP_OP_MIGRATE, part, 0, HV_OK), dslot;

	sync();
	lp_inv_before(E.x, i);
	CHECK_EQ(hv_partition_migrate(&from->m, loc->slot, &to->m, &dslot), HV_OK);
	loc->machine ^= 1;
	loc->slot = (uint8_t)dslot;
	return i;
}

/*
 * A move right after a move of the same partition starts from the hashes
 * the last check made: nothing runs in between. Each of these would be a
 * false I11 if the carried-over hashes served beyond that: memory the last
 * check did not hash (a relocation hashes its one LMB), an operation in
 * between, another partition. And a word lost in a move that did start from
 * carried-over hashes is still caught.
 */
TEST(i11_consecutive_moves_carry_over_only_what_the_last_check_hashed)
{
	uint32_t i;
	uint64_t la = (1ull << 18) + 0x6000;

	setup();
	with_second_machine();
	fx_write64(&E.f, E.s0, 0x100, 0x1111); /* LMB 0: outside the relocation's hash */
	fx_write64(&E.f, E.s0, la, 0x2222);
	fx_write64(&E.f, E.s1, la, 0x4444);
	i = relocate_op();
	CHECK_EQ(hv_lmb_relocate(&E.f.m, E.s0, 1, HV_NIL), HV_OK);
	CHECK_EQ(after(i), LP_INV_NONE);
	i = migrate_op(0);
	CHECK_EQ(after(i), LP_INV_NONE);
	/* A store of partition 0 in between, then it moves back. */
	i = op(LP_OP_STORE, 0, 0, 0);
	fx_write64(&E.f1, E.x->loc[0].slot, la + 8, 0x3333);
	CHECK_EQ(after(i), LP_INV_NONE);
	i = migrate_op(0);
	CHECK_EQ(after(i), LP_INV_NONE);
	/* Partition 1 moves next: its own view, not partition 0's. */
	i = migrate_op(1);
	CHECK_EQ(after(i), LP_INV_NONE);
	/* Straight back, from the carried-over hashes, losing a byte on the way. */
	i = migrate_op(1);
	E.f.m.mem[fx_real(&E.f, E.x->loc[1].slot, la).v] ^= 0xFF;
	CHECK_EQ(after(i), LP_INV_I11);
	CHECK(strstr(E.x->viol.msg, "contents") != NULL);
	teardown();
}

TEST(snapshot_serves_only_its_own_operation)
{
	uint32_t i, j;

	setup();
	i = snapshot_op(LP_OP_MEM_REMOVE, 1);
	CHECK(E.x->inv.snap.valid);
	/* Another operation runs first (the snapshot is dropped), then the removal is not judged stale. */
	j = op(LP_OP_LOAD, 0, 0, 0);
	CHECK_EQ(after(j), LP_INV_NONE);
	CHECK(!E.x->inv.snap.valid);
	CHECK_EQ(hv_dlpar_mem_remove(&E.f.m, E.s0, 1), HV_OK);
	CHECK_EQ(after(i), LP_INV_NONE);
	teardown();
}
