/*
 * What partitions and devices do to memory without the hypervisor: a
 * partition's load/store at an effective address, translated through its
 * HPT the way the hash MMU would (segment assumption in prog.h), and an I/O
 * adapter's DMA through a window's TCE table. Translations the MMU used are
 * kept in the emulated TLB so the I9 oracle can tell whether every removal
 * or weakening was flushed.
 *
 * This walk is the harness's own: it reads the raw big-endian hardware
 * words and shares nothing with the core's HPT code.
 */
#include "exec_internal.h"

#define HW_V        0x1ull
#define HW_H        0x2ull
#define HW_L        0x4ull
#define HW_AVPN     0x000FFFFFFFFFFF80ull /* ISA 3.0 dword 0 compare bits */
#define HW_B        0x0C00000000000000ull
#define HW_RPN      0x01FFFFFFFFFFF000ull
#define HW_PP0      0x8000000000000000ull
#define HW_R_BYTE   14
#define HW_C_BYTE   15

static uint64_t ld_be64(const uint8_t *p)
{
	uint64_t v = 0;
	unsigned i;

	for (i = 0; i < 8; i++) {
		v = (v << 8) | p[i];
	}
	return v;
}

static void st_be64(uint8_t *p, uint64_t v)
{
	unsigned i;

	for (i = 0; i < 8; i++) {
		p[i] = (uint8_t)(v >> (56 - 8 * i));
	}
}

/* Key-0 column of the PP table (papr-spec §2.4): 0 none, 1 read, 2 read/write. */
static unsigned pp_access(uint64_t dw1)
{
	unsigned pp = (unsigned)(((dw1 & HW_PP0) ? 4 : 0) | (dw1 & 3));

	if (pp <= 2) {
		return 2;
	}
	return (pp == 3 || pp == 6) ? 1 : 0;
}

struct walk {
	uint64_t ptex;
	uint64_t dw1;
	uint64_t va;
};

/* Hash lookup of a 4 KiB-base, 256 MB-segment VA: primary then secondary group. */
static bool hpt_walk(struct hv_machine *m, const struct hv_partition *p, uint64_t ea, struct walk *w)
{
	uint64_t vsid = 0x1000 + (ea >> 28), page = (ea & 0x0FFFFFFF) >> 12;
	uint64_t va = (vsid << 28) | (ea & 0x0FFFFFFF), want = (va >> 16) & HW_AVPN;
	uint64_t hash = vsid ^ page, mask = p->nhpte / 8 - 1;
	unsigned h, s;

	for (h = 0; h < 2; h++) {
		uint64_t group = (h ? ~hash : hash) & mask;

		for (s = 0; s < 8; s++) {
			uint64_t ptex = group * 8 + s;
			const uint8_t *e = m->mem + p->hpt.v + ptex * 16;
			uint64_t dw0 = ld_be64(e), dw1 = ld_be64(e + 8);

			if (!(dw0 & HW_V) || (dw0 & HW_L) || !!(dw0 & HW_H) != h || (dw1 & HW_B) ||
			    (dw0 & HW_AVPN) != want) {
				continue;
			}
			w->ptex = ptex;
			w->dw1 = dw1;
			w->va = va & ~0xFFFull;
			return true;
		}
	}
	return false;
}

static void tlb_insert(struct lp_exec *x, unsigned part, const struct walk *w, uint64_t ea, bool writable)
{
	/* The lowest free entry; when full, a deterministic eviction. */
	unsigned victim = ~x->tlb_valid ? (unsigned)__builtin_ctz(~x->tlb_valid) : (unsigned)(w->ptex % LP_TLB_ENTRIES);

	x->tlb_valid |= 1u << victim;
	x->tlb[victim].machine = x->loc[part].machine;
	x->tlb[victim].slot = x->loc[part].slot;
	x->tlb[victim].ptex = w->ptex;
	x->tlb[victim].va = w->va;
	x->tlb[victim].ea_page = ea & ~0xFFFull;
	x->tlb[victim].ra_page = w->dw1 & HW_RPN;
	x->tlb[victim].writable = writable;
}

/* Partition LOAD/STORE: out[0] = value read (load) ; status FAULT when there is no usable translation. */
static void run_load_store(struct lp_exec *x, uint32_t opi, const struct lp_op *op, bool store)
{
	struct lp_op_result *r = &x->res[opi];
	struct hv_partition *p = lp_partition(x, op->part);
	struct hv_machine *m = lp_mach(x, op->part);
	uint64_t ea = r->arg[0] & ~7ull, ra;
	struct walk w;
	unsigned access;
	uint8_t *e;

	if (!p) {
		r->status = LP_SKIPPED;
		return;
	}
	if (ea >> 32 || !hpt_walk(m, p, ea, &w)) {
		r->status = LP_FAULT; /* segment or page fault: the partition's own handler's business */
		return;
	}
	access = pp_access(w.dw1);
	ra = (w.dw1 & HW_RPN) | (ea & 0xFFF);
	if (access == 0 || (store && access < 2) || ra + 8 > m->mem_size) {
		r->status = LP_FAULT;
		return;
	}
	/* The MMU records the reference (and change) in bytes 14/15 of the entry. */
	e = m->mem + p->hpt.v + w.ptex * 16;
	plat_mem_dirty(x->plat[x->loc[op->part].machine], hv_ra(p->hpt.v + w.ptex * 16), 16);
	e[HW_R_BYTE] |= 0x01;
	if (store) {
		e[HW_C_BYTE] |= 0x80;
		plat_mem_dirty(x->plat[x->loc[op->part].machine], hv_ra(ra), 8);
		st_be64(m->mem + ra, op->value);
	}
	r->out[0] = ld_be64(m->mem + ra);
	lp_ref_note_access(&x->ref, op->part, w.ptex, store);
	tlb_insert(x, op->part, &w, ea, access == 2);
}

/* Device DMA through window op->a of the actor: out[0] = value read (or written). */
static void run_dma(struct lp_exec *x, uint32_t opi, const struct lp_op *op, bool write)
{
	struct lp_op_result *r = &x->res[opi];
	struct hv_machine *m = lp_mach(x, op->part);
	uint64_t bus = r->arg[0] & ~7ull;
	hv_raddr_t ra;

	if (!lp_partition(x, op->part)) {
		r->status = LP_SKIPPED;
		return;
	}
	if (!hv_dma_translate(m, x->loc[op->part].slot, lp_liobn(op->part, op->a & 1), bus, write, &ra) ||
	    ra.v + 8 > m->mem_size) {
		r->status = LP_FAULT;
		return;
	}
	if (write) {
		plat_mem_dirty(x->plat[x->loc[op->part].machine], ra, 8);
		st_be64(m->mem + ra.v, op->value);
	}
	r->out[0] = ld_be64(m->mem + ra.v);
}

void lp_run_access(struct lp_exec *x, uint32_t opi, const struct lp_op *op)
{
	x->res[opi].arg[0] = lp_resolve(x, op, 0);
	switch (op->kind) {
	case LP_OP_LOAD:
		run_load_store(x, opi, op, false);
		break;
	case LP_OP_STORE:
		run_load_store(x, opi, op, true);
		break;
	case LP_OP_DMA_READ:
		run_dma(x, opi, op, false);
		break;
	case LP_OP_DMA_WRITE:
		run_dma(x, opi, op, true);
		break;
	}
}

/* Drops the cached translations of partition lpid on plat's machine: those of VA page rb, or all of them. */
static void tlb_drop(struct lp_exec *x, struct hv_plat *plat, uint32_t lpid, uint64_t rb, bool whole_partition)
{
	unsigned machine = plat == x->plat[1] ? 1 : 0;
	uint32_t live;

	for (live = x->tlb_valid; live; live &= live - 1) {
		unsigned i = (unsigned)__builtin_ctz(live);
		const struct lp_tlb_entry *t = &x->tlb[i];

		if (t->machine == machine && x->m[machine].part[t->slot].lpid == lpid &&
		    (whole_partition || ((t->va ^ rb) & 0x0000FFFFFFFFF000ull) == 0)) {
			x->tlb_valid &= ~(1u << i);
		}
	}
}

void lp_exec_on_tlb_flush_entry(struct lp_exec *x, struct hv_plat *plat, uint32_t lpid, uint64_t rb)
{
	/* tlbie RB carries the VA page (bits 12 and up, top bits truncated): drop what matches. */
	tlb_drop(x, plat, lpid, rb, false);
}

void lp_exec_on_tlb_flush_lpid(struct lp_exec *x, struct hv_plat *plat, uint32_t lpid)
{
	tlb_drop(x, plat, lpid, 0, true);
}
