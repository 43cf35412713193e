/*
 * Machine set-up: checks the configuration, carves the hypervisor region
 * (partition table, LMB table, per-partition HPT/shadow/logical map/save
 * areas, TCE tables) and creates and destroys partitions.
 */
#include "internal.h"

#define HV_RESERVED_LOW  0x10000ull /* firmware image and vectors live below */
#define HV_PART_TABLE_BYTES 4096ull /* PATS = 0: 256 entries of 16 bytes */

void hv_config_default(struct hv_config *cfg)
{
	cfg->lmb_size = 256 * 1024;
	cfg->max_partitions = 4;
	cfg->max_vcpus = 4;
	cfg->threads = 4;
	cfg->hpt_order_max = 18;
	cfg->logical_lmbs_max = 64;
	cfg->max_windows = 8;
	cfg->window_entries_max = 512;
	cfg->mem_size = 0;
}

/* The layout of the hypervisor region; computed the same way by sizing and init. */
struct hv_layout {
	uint64_t part_table, lmb_table, hpt0, meta0, lmap0, save0, tce0, end;
	uint64_t hpt_stride, meta_stride, lmap_stride, save_stride, tce_stride;
};

static bool config_valid(const struct hv_config *c, uint64_t mem_size)
{
	return hv_is_pow2(c->lmb_size) && c->lmb_size >= 0x10000 && c->lmb_size <= (1ull << 30) &&
	       c->max_partitions >= 1 && c->max_partitions <= HV_MAX_PARTITIONS &&
	       c->max_vcpus >= 1 && c->max_vcpus <= HV_MAX_VCPUS &&
	       c->threads >= 1 && c->threads <= HV_MAX_THREADS &&
	       c->hpt_order_max >= HPT_ORDER_MIN && c->hpt_order_max <= 30 &&
	       c->logical_lmbs_max >= 1 && c->logical_lmbs_max <= (1u << 20) &&
	       c->max_windows <= HV_MAX_WINDOWS && c->window_entries_max <= (1u << 24) &&
	       mem_size % c->lmb_size == 0 && mem_size / c->lmb_size < (1ull << 31);
}

static void layout_compute(const struct hv_config *c, uint64_t mem_size, struct hv_layout *l)
{
	uint64_t cur = HV_RESERVED_LOW;
	uint64_t nhpte = 1ull << (c->hpt_order_max - 4);
	uint64_t nparts = c->max_partitions;

	l->part_table = hv_align_up(cur, HV_PART_TABLE_BYTES);
	cur = l->part_table + HV_PART_TABLE_BYTES;
	l->lmb_table = hv_align_up(cur, 64);
	cur = l->lmb_table + (mem_size / c->lmb_size) * sizeof(struct hv_lmb);
	/* HPTs must be naturally aligned to their size. */
	l->hpt_stride = 1ull << c->hpt_order_max;
	l->hpt0 = hv_align_up(cur, l->hpt_stride);
	cur = l->hpt0 + nparts * l->hpt_stride;
	l->meta_stride = nhpte * sizeof(struct hv_hpte_meta);
	l->meta0 = hv_align_up(cur, 64);
	cur = l->meta0 + nparts * l->meta_stride;
	l->lmap_stride = hv_align_up((uint64_t)c->logical_lmbs_max * 4, 64);
	l->lmap0 = cur;
	cur = l->lmap0 + nparts * l->lmap_stride;
	l->save_stride = hv_align_up(HV_SAVE_AREA_BYTES, 128) * c->max_vcpus;
	l->save0 = hv_align_up(cur, 128);
	cur = l->save0 + nparts * l->save_stride;
	/* Table and shadow of a window side by side. */
	l->tce_stride = (uint64_t)c->window_entries_max * 8 * 2;
	l->tce0 = hv_align_up(cur, 4096);
	cur = l->tce0 + (uint64_t)c->max_windows * l->tce_stride;
	l->end = hv_align_up(cur, c->lmb_size);
}

uint64_t hv_config_hv_bytes(const struct hv_config *cfg, uint64_t mem_size)
{
	struct hv_layout l;

	if (!config_valid(cfg, mem_size)) {
		return 0;
	}
	layout_compute(cfg, mem_size, &l);
	return l.end;
}

/*
 * Zeroes the parts of the machine cfg lets it use. Slots past the configured
 * counts are never read (every loop and every index check is bounded by
 * cfg), and most of the struct is register files of threads a small
 * configuration does not have: a machine is set up once per program run,
 * so its cost is that of the configuration, not of the limits.
 */
static void machine_zero(struct hv_machine *m, const struct hv_config *cfg)
{
	hv_memset(m, 0, offsetof(struct hv_machine, part));
	hv_memset(m->part, 0, cfg->max_partitions * sizeof(m->part[0]));
	hv_memset(m->win, 0, cfg->max_windows * sizeof(m->win[0]));
	hv_memset(m->thread, 0, cfg->threads * sizeof(m->thread[0]));
}

int hv_machine_init(struct hv_machine *m, const struct hv_config *cfg, struct hv_plat *plat)
{
	uint64_t mem_size = plat_mem_size(plat);
	struct hv_layout l;
	uint32_t i, j;

	if (cfg->mem_size > mem_size) {
		hv_memset(m, 0, sizeof(*m));
		return HV_ENOMEM; /* more than the platform has */
	}
	mem_size = cfg->mem_size ? cfg->mem_size : mem_size;
	if (!config_valid(cfg, mem_size)) {
		hv_memset(m, 0, sizeof(*m));
		return HV_EINVAL;
	}
	machine_zero(m, cfg);
	layout_compute(cfg, mem_size, &l);
	if (l.end + cfg->lmb_size > mem_size) {
		return HV_ENOMEM; /* not even one LMB left for partitions */
	}
	m->cfg = *cfg;
	m->plat = plat;
	m->caps = plat_caps(plat);
	m->mem = plat_mem_base(plat);
	m->mem_size = mem_size;
	m->hv_bytes = l.end;
	m->lmb_shift = hv_log2(cfg->lmb_size);
	m->lmb_count = (uint32_t)(mem_size >> m->lmb_shift);
	m->lmb = (struct hv_lmb *)(void *)(m->mem + l.lmb_table);
	m->part_table = hv_ra(l.part_table);
	m->nhpte_max = 1ull << (cfg->hpt_order_max - 4);

	for (i = 0; i < (uint32_t)(l.end >> m->lmb_shift); i++) {
		hv_private_dirty(m, &m->lmb[i], sizeof(m->lmb[i]));
		m->lmb[i].state = HV_LMB_HYP;
	}
	for (i = 0; i < cfg->max_partitions; i++) {
		struct hv_partition *p = &m->part[i];

		p->lpid = i + 1;
		p->hpt = hv_ra(l.hpt0 + i * l.hpt_stride);
		p->meta = (struct hv_hpte_meta *)(void *)(m->mem + l.meta0 + i * l.meta_stride);
		p->lmap = (uint32_t *)(void *)(m->mem + l.lmap0 + i * l.lmap_stride);
		for (j = 0; j < cfg->max_vcpus; j++) {
			p->vcpu[j].save = hv_ra(l.save0 + i * l.save_stride + j * hv_align_up(HV_SAVE_AREA_BYTES, 128));
			p->vcpu[j].thread = -1;
		}
	}
	for (i = 0; i < cfg->max_windows; i++) {
		m->win[i].table = hv_ra(l.tce0 + i * l.tce_stride);
		m->win[i].shadow = hv_ra(l.tce0 + i * l.tce_stride + (uint64_t)cfg->window_entries_max * 8);
	}
	for (i = 0; i < cfg->threads; i++) {
		m->thread[i].part = -1;
		m->thread[i].vcpu = -1;
		m->thread[i].dedicated_to = -1;
	}
	return HV_OK;
}

/* Partition-table entry for lpid: HTABORG | HTABSIZE (n - 18), HR = 0 (hash). */
static void pate_write(struct hv_machine *m, uint32_t lpid, uint64_t dw0)
{
	hv_real_st64(m, hv_ra_add(m->part_table, (uint64_t)lpid * 16), dw0);
	hv_real_st64(m, hv_ra_add(m->part_table, (uint64_t)lpid * 16 + 8), 0);
}

static const uint32_t partition_epoch[7] = { 2026, 1, 1, 0, 0, 0, 0 };

int hv_partition_create(struct hv_machine *m, uint32_t hpt_order, bool shared_proc, uint32_t *slot)
{
	uint32_t i;

	if (hpt_order < HPT_ORDER_MIN || hpt_order > m->cfg.hpt_order_max) {
		return HV_EINVAL;
	}
	for (i = 0; i < m->cfg.max_partitions; i++) {
		struct hv_partition *p = &m->part[i];

		if (p->active) {
			continue;
		}
		p->active = true;
		p->shared_proc = shared_proc;
		p->hpt_order = hpt_order;
		p->nhpte = 1ull << (hpt_order - 4);
		p->lmb_count = 0;
		p->hpte_valid = 0;
		p->vty = 0x30000000u;
		p->term_rx_head = p->term_rx_len = 0;
		/* No real-mode area until one is mapped; the clock starts at 2026-01-01 00:00:00 (rtas.c). */
		p->rma_bytes = 0;
		p->rma_shift = 0;
		hv_memcpy(p->tod, partition_epoch, sizeof(p->tod));
		/* Interrupts relocated (AIL 3, hcall.h's HV_PART_VECTOR_BASE), big-endian, until H_SET_MODE. */
		p->ail = 3;
		p->ile = false;
		pate_write(m, p->lpid, p->hpt.v | (hpt_order - HPT_ORDER_MIN));
		*slot = i;
		return HV_OK;
	}
	return HV_ENOMEM;
}

int hv_partition_destroy(struct hv_machine *m, uint32_t slot)
{
	struct hv_partition *p = hv_part(m, slot);
	uint32_t i, left, real;
	uint64_t ptex;

	if (!p) {
		return HV_ENOENT;
	}
	for (i = 0; i < m->cfg.threads; i++) {
		if (m->thread[i].part == (int8_t)slot) {
			hv_preempt(m, i);
		}
		if (m->thread[i].dedicated_to == (int8_t)slot) {
			m->thread[i].dedicated_to = -1;
		}
	}
	for (i = 0; i < m->cfg.max_vcpus; i++) {
		if (p->vcpu[i].state != HV_VCPU_ABSENT) {
			hv_dlpar_cpu_remove(m, slot, i);
		}
	}
	for (i = 0; i < m->cfg.max_windows; i++) {
		if (m->win[i].active && m->win[i].owner == slot) {
			hv_window_unassign(m, slot, m->win[i].liobn);
		}
	}
	/*
	 * Memory in bulk, in the DLPAR order (unmap every reference, flush,
	 * zero, free) but with one flush for all of it: with the vCPUs and the
	 * windows gone, HPTEs are the only references left.
	 */
	for (i = 0, left = p->lmb_count; i < m->cfg.logical_lmbs_max && left; i++) {
		real = hv_lmap_get(p, m, i);
		if (real != HV_NIL) {
			hv_lmb_revoke_hptes(m, real);
			left--;
		}
	}
	/*
	 * Every valid HPTE maps owned memory (I1), so the revocations above
	 * emptied the HPT. If the guest-view count says otherwise, sweep the
	 * whole table so the next partition of this slot inherits nothing. (A
	 * hardware word with no guest view at all would be a core bug of its
	 * own: the I1/I2 oracles scan the hardware words.)
	 */
	for (ptex = 0; p->hpte_valid && ptex < p->nhpte; ptex++) {
		if (hv_hpte_hw_dw0(m, p, ptex) || hv_hpte_hw_dw1(m, p, ptex) || p->meta[ptex].gdw0 ||
		    p->meta[ptex].gdw1) {
			hv_hpte_invalidate(m, slot, ptex);
		}
	}
	pate_write(m, p->lpid, 0);
	plat_tlb_flush_lpid(m->plat, p->lpid);
	for (i = 0; i < m->cfg.logical_lmbs_max && p->lmb_count; i++) {
		real = hv_lmap_get(p, m, i);
		if (real != HV_NIL) {
			hv_lmb_release(m, real);
		}
	}
	p->active = false;
	p->hpt_order = 0;
	p->nhpte = 0;
	p->term_rx_head = p->term_rx_len = 0;
	hv_memset(p->term_rx, 0, sizeof(p->term_rx)); /* unread input must not outlive the partition */
	p->ail = 0; /* nor its interrupt mode: the next partition of the slot is created with its own */
	p->ile = false;
	return HV_OK;
}

int hv_thread_assign(struct hv_machine *m, uint32_t thread, int slot)
{
	struct hv_thread *t;

	if (thread >= m->cfg.threads) {
		return HV_ENOENT;
	}
	t = &m->thread[thread];
	/* -1 (the shared pool) or a dedicated-processor partition: nothing else could ever run there. */
	if (slot < -1 || (slot >= 0 && !hv_part(m, (uint32_t)slot))) {
		return HV_ENOENT;
	}
	if (slot >= 0 && m->part[slot].shared_proc) {
		return HV_EINVAL;
	}
	if (t->part >= 0) {
		return HV_EBUSY;
	}
	t->dedicated_to = (int8_t)slot;
	return HV_OK;
}

/* Copies [la, la + len) of slot's logical memory from bytes, LMB by LMB (logically contiguous is not really contiguous); with bytes null, only checks. */
static bool partition_copy_in(struct hv_machine *m, struct hv_partition *p, uint64_t la, const uint8_t *bytes,
			      uint64_t len)
{
	while (len) {
		uint64_t chunk = m->cfg.lmb_size - (la & (m->cfg.lmb_size - 1));
		hv_raddr_t ra;

		chunk = chunk < len ? chunk : len;
		if (la + chunk < la || !hv_translate(m, p, hv_la(la), chunk, &ra)) {
			return false;
		}
		if (bytes) {
			plat_mem_dirty(m->plat, ra, chunk);
			hv_memcpy(hv_real_ptr(m, ra), bytes, chunk);
			bytes += chunk;
		}
		la += chunk;
		len -= chunk;
	}
	return true;
}

int hv_partition_write(struct hv_machine *m, uint32_t slot, uint64_t la, const void *bytes, uint64_t len)
{
	struct hv_partition *p = hv_part(m, slot);

	if (!p) {
		return HV_ENOENT;
	}
	/* All or nothing: a loader that names memory the partition lacks writes none of it. */
	if (!partition_copy_in(m, p, la, 0, len)) {
		return HV_EINVAL;
	}
	partition_copy_in(m, p, la, bytes, len);
	return HV_OK;
}

unsigned hv_console_feed(struct hv_machine *m, uint32_t slot, const uint8_t *bytes, unsigned len)
{
	struct hv_partition *p = hv_part(m, slot);
	unsigned n = 0;

	if (!p) {
		return 0;
	}
	while (n < len && p->term_rx_len < HV_TERM_RX_BYTES) {
		p->term_rx[(p->term_rx_head + p->term_rx_len) % HV_TERM_RX_BYTES] = bytes[n++];
		p->term_rx_len++;
	}
	return n;
}

struct hv_window *hv_window_find(struct hv_machine *m, uint32_t slot, uint32_t liobn)
{
	uint32_t i;

	for (i = 0; i < m->cfg.max_windows; i++) {
		struct hv_window *w = &m->win[i];

		if (w->active && w->owner == slot && w->liobn == liobn) {
			return w;
		}
	}
	return 0;
}
