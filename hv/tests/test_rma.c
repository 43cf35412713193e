/*
 * The virtual real-mode area (hv/core/rma.c, papr-spec §2.9) and the
 * interrupt mode it starts: the VRMA's entries in the partition's HPT
 * (where the hardware's real-mode lookup finds them, bolted, visible to
 * H_READ, revoked with their LMB), and storage interrupts reflected in
 * real mode and in the partition's endianness (hcall.h).
 */
#include "vcpu_helpers.h"

#define VRMA_V (0x4000000000000000ull | (0x1FFFFFFull << 24)) /* B = 1 TB, VSID 0x1FFFFFF */
#define MIB    (1ull << 20)

/* The PTEG (primary) the hardware searches for real address la with 4 KiB VRMA pages. */
static uint64_t vrma_group(const struct hv_partition *p, uint64_t la)
{
	uint64_t vsid = 0x1FFFFFFull, hash = vsid ^ (vsid << 25) ^ (la >> 12);

	return hash & (p->nhpte / 8 - 1);
}

/* The guest-view entry of the VRMA page at la, or ~0 when there is none in its primary group. */
static uint64_t vrma_ptex(const struct hv_partition *p, uint64_t la)
{
	uint64_t g = vrma_group(p, la), i;

	for (i = g * 8; i < g * 8 + 8; i++) {
		if ((p->meta[i].gdw0 & ~0x7Full) == (VRMA_V | ((la >> 16) & ~0x7Full)) && (p->meta[i].gdw0 & 1)) {
			return i;
		}
	}
	return ~0ull;
}

TEST(rma_maps_every_page_bolted_where_the_hardware_looks)
{
	struct fx f;
	uint32_t p;
	struct hv_partition *part;
	uint64_t la;

	fx_init(&f, 0, 0);
	p = fx_partition(&f, 4); /* 1 MiB */
	part = hv_part(&f.m, p);
	CHECK_EQ(hv_partition_map_rma(&f.m, p, MIB, 12), HV_OK);
	CHECK_EQ(part->hpte_valid, 256);
	CHECK_EQ(part->rma_bytes, MIB);
	CHECK_EQ(part->rma_shift, 12);
	CHECK_EQ(part->ail, 0);
	for (la = 0; la < MIB; la += 4096) {
		uint64_t ptex = vrma_ptex(part, la);

		CHECK(ptex != ~0ull);
		CHECK_EQ(part->meta[ptex].gdw0 & 0x10, 0x10); /* bolted: Linux never evicts it */
		CHECK_EQ(part->meta[ptex].gdw1 & HPTE_R_RPN, la); /* logical, as H_READ shows it */
		/* The hardware entry points at the real page behind la. */
		CHECK_EQ(hv_ld_be64(f.m.mem + hv_hpte_addr(part, ptex).v + 8) & 0x01FFFFFFFFFFF000ull, fx_real(&f, p, la).v);
	}
	CHECK_RC(HC(&f, p, H_READ, 0, vrma_ptex(part, 0)), H_SUCCESS);
	CHECK_EQ(f.out[0], hv_part(&f.m, p)->meta[vrma_ptex(part, 0)].gdw0);
	fx_fini(&f);
}

TEST(rma_refuses_memory_the_partition_does_not_own_and_changes_nothing)
{
	struct fx f;
	uint32_t p;

	fx_init(&f, 0, 0);
	p = fx_partition(&f, 1);
	CHECK_EQ(hv_partition_map_rma(&f.m, p, MIB, 12), HV_EINVAL);
	CHECK_EQ(hv_partition_map_rma(&f.m, p, 4096 + 1, 12), HV_EINVAL);
	CHECK_EQ(hv_partition_map_rma(&f.m, p, 64 * 1024, 13), HV_EINVAL);
	CHECK_EQ(hv_partition_map_rma(&f.m, p + 1, 4096, 12), HV_ENOENT);
	CHECK_EQ(hv_part(&f.m, p)->hpte_valid, 0);
	CHECK_EQ(hv_part(&f.m, p)->rma_bytes, 0);
	CHECK_EQ(hv_part(&f.m, p)->ail, 3);
	fx_fini(&f);
}

TEST(rma_entries_go_with_their_lmb)
{
	struct fx f;
	uint32_t p;
	struct hv_partition *part;

	fx_init(&f, 0, 0);
	p = fx_partition(&f, 4);
	part = hv_part(&f.m, p);
	CHECK_EQ(hv_partition_map_rma(&f.m, p, MIB, 12), HV_OK);
	CHECK_EQ(hv_dlpar_mem_remove(&f.m, p, 1), HV_OK); /* logical [256 KiB, 512 KiB) */
	CHECK_EQ(part->hpte_valid, 192);
	CHECK(vrma_ptex(part, 0x40000) == ~0ull);
	CHECK(vrma_ptex(part, 0x80000) != ~0ull);
	fx_fini(&f);
}

/* A running vCPU of a partition with a real-mode area, every register planted; its thread. */
static int real_mode_vcpu(struct fx *f, uint32_t *slot)
{
	int t;

	*slot = fx_partition(f, 4);
	CHECK_EQ(hv_partition_map_rma(&f->m, *slot, MIB, 12), HV_OK);
	t = fx_running_thread(f, *slot, 0);
	CHECK(t >= 0);
	plant_all(f, t);
	f->m.thread[t].regs.r[HV_REG_NIA] = 0x123450;
	return t;
}

TEST(storage_interrupt_of_a_real_mode_partition_goes_to_the_real_vector)
{
	struct fx f;
	uint32_t p;
	int t;

	fx_init(&f, 0, 0);
	t = real_mode_vcpu(&f, &p);
	hv_part(&f.m, p)->ile = false;
	f.m.thread[t].fault.addr = 0x5008;
	f.m.thread[t].fault.dsisr = 0x40000000;
	CHECK_EQ(hv_enter(&f.m, (uint32_t)t, HV_CAUSE_HDSI), HV_EXIT_RESUME);
	CHECK_EQ(f.m.thread[t].regs.r[HV_REG_NIA], HV_VECTOR_DSI);
	CHECK_EQ(f.m.thread[t].regs.r[HV_REG_MSR], MSR_SF | MSR_ME);
	CHECK_EQ(f.m.thread[t].regs.r[HV_REG_SRR0], 0x123450);
	CHECK_EQ(f.m.thread[t].regs.r[HV_REG_SRR1], PLANT_MSR);
	fx_fini(&f);
}

TEST(storage_interrupt_follows_the_partitions_endianness_and_relocation)
{
	struct fx f;
	uint32_t p;
	int t;

	fx_init(&f, 0, 0);
	t = real_mode_vcpu(&f, &p);
	/* What Linux asks for (H_SET_MODE): little-endian, relocated interrupts. */
	CHECK_RC(HC(&f, p, H_SET_MODE, H_SET_MODE_ENDIAN_LITTLE, H_SET_MODE_RESOURCE_LE, 0, 0), H_SUCCESS);
	CHECK_RC(HC(&f, p, H_SET_MODE, 3, H_SET_MODE_RESOURCE_ADDR_TRANS_MODE, 0, 0), H_SUCCESS);
	plant_all(&f, t);
	f.m.thread[t].regs.r[HV_REG_NIA] = 0x123450;
	f.m.thread[t].fault.dsisr = 0x40000000;
	CHECK_EQ(hv_enter(&f.m, (uint32_t)t, HV_CAUSE_HISI), HV_EXIT_RESUME);
	CHECK_EQ(f.m.thread[t].regs.r[HV_REG_NIA], HV_PART_VECTOR_BASE + HV_VECTOR_ISI);
	CHECK_EQ(f.m.thread[t].regs.r[HV_REG_MSR], MSR_SF | MSR_ME | MSR_IR | MSR_DR | MSR_LE);
	/* A fault in real mode stays in real mode even with AIL 3. */
	plant_all(&f, t);
	f.m.thread[t].regs.r[HV_REG_MSR] = MSR_SF | MSR_ME | MSR_RI | MSR_LE;
	CHECK_EQ(hv_enter(&f.m, (uint32_t)t, HV_CAUSE_HDSI), HV_EXIT_RESUME);
	CHECK_EQ(f.m.thread[t].regs.r[HV_REG_NIA], HV_VECTOR_DSI);
	CHECK_EQ(f.m.thread[t].regs.r[HV_REG_MSR], MSR_SF | MSR_ME | MSR_LE);
	fx_fini(&f);
}
