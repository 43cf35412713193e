/*
 * The Unicorn engine as the executor's driver: its platforms (the host
 * arena with the capabilities an emulated CPU needs, and hooks that reach
 * its CPUs), the lp_driver ops, and running a program.
 */
#include "engine.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "ppc_insn.h"

static unsigned machine_of(struct emu_engine *e, struct hv_plat *plat)
{
	return plat == e->plat[1] ? 1 : 0;
}

/* ---- platform hooks: the core's flushes and partition switches reach the CPUs ---- */

static void flush_lpid_cpus(struct emu_engine *e, unsigned machine, uint32_t lpid)
{
	unsigned t;

	if (e->plants & EMU_PLANT_LOSE_FLUSHES) {
		return;
	}
	/* A CPU's translations are those of the LPID it last ran (a switch flushes). */
	for (t = 0; t < e->ncpus; t++) {
		if (e->cpu[machine][t].lpid == lpid) {
			e->cpu[machine][t].flush_pending = true;
		}
	}
}

static void hook_flush_entry(void *ctx, struct hv_plat *plat, uint32_t lpid, uint64_t rb)
{
	struct emu_engine *e = ctx;

	if (e->x) {
		lp_exec_on_tlb_flush_entry(e->x, plat, lpid, rb);
	}
	flush_lpid_cpus(e, machine_of(e, plat), lpid);
}

static void hook_flush_lpid(void *ctx, struct hv_plat *plat, uint32_t lpid)
{
	struct emu_engine *e = ctx;

	if (e->x) {
		lp_exec_on_tlb_flush_lpid(e->x, plat, lpid);
	}
	flush_lpid_cpus(e, machine_of(e, plat), lpid);
}

static void hook_iotlb_flush(void *ctx, struct hv_plat *plat, uint32_t lpid, uint32_t liobn, uint64_t ioba)
{
	struct emu_engine *e = ctx;

	if (e->x) {
		lp_exec_on_iotlb_flush(e->x, plat, lpid, liobn, ioba);
	}
}

static void hook_mem_write(void *ctx, struct hv_plat *plat, uint64_t ra, uint64_t len)
{
	struct emu_engine *e = ctx;

	if (e->x) {
		lp_exec_on_mem_write(e->x, plat, ra, len);
	}
}

static void hook_run_partition(void *ctx, struct hv_plat *plat, uint32_t thread, uint32_t lpid)
{
	struct emu_engine *e = ctx;

	if (thread < e->ncpus) {
		e->cpu[machine_of(e, plat)][thread].want_lpid = lpid;
	}
}

static void hook_thread_idle(void *ctx, struct hv_plat *plat, uint32_t thread)
{
	static const struct hv_regs zero;
	struct emu_engine *e = ctx;
	struct emu_cpu *c;

	if (thread >= e->ncpus) {
		return;
	}
	c = &e->cpu[machine_of(e, plat)][thread];
	if (!c->uc) {
		return;
	}
	if (c->free_running) {
		/*
		 * Nothing of the outgoing vCPU may stay in the CPU. The entry that
		 * idled it runs inside Unicorn's interrupt hook, where MSR and the
		 * blob must not change under the CPU: the run scrubs when it stops.
		 */
		c->scrub_pending = true;
		return;
	}
	/* The interpreter's CPU held only the registers its last call went through. */
	emu_guest_load(c, &zero, HV_CHANGED_R3_R12);
}

static void hook_console(void *ctx, struct hv_plat *plat, uint32_t lpid, const uint8_t *bytes, unsigned len)
{
	(void)ctx;
	(void)plat;
	emu_run_console(lpid, bytes, len);
}

/* ---- the driver ops ---- */

static struct emu_cpu *cpu_of(struct lp_exec *x, unsigned machine, uint32_t thread)
{
	struct emu_engine *e = x->drv->ctx;

	if (thread >= e->ncpus) {
		emu_fatal("thread %u has no emulated CPU (%u per machine)", thread, e->ncpus);
	}
	return &e->cpu[machine & 1][thread];
}

static enum hv_exit emu_hcall(struct lp_exec *x, unsigned machine, uint32_t thread)
{
	return emu_interp_hcall(cpu_of(x, machine, thread));
}

static uint8_t emu_access(struct lp_exec *x, unsigned machine, uint32_t thread, unsigned part, uint64_t ea,
			  bool store, uint64_t *value)
{
	(void)part;
	return emu_interp_access(cpu_of(x, machine, thread), ea, store, value);
}

/* ---- the engine ---- */

struct hv_plat *emu_engine_plat(struct emu_engine *e, unsigned machine)
{
	return e->plat[machine & 1];
}

void emu_engine_fast_checks(struct emu_engine *e, struct lp_exec *x)
{
	x->inv.thorough = false;
	x->touched_map[0] = hv_host_plat_dirty_map(e->plat[0]);
	x->touched_map[1] = hv_host_plat_dirty_map(e->plat[1]);
	x->touched_map_pages = hv_host_plat_dirty_map_pages(e->plat[0]);
}

void emu_engine_plant(struct emu_engine *e, unsigned plants)
{
	unsigned m;

	e->plants = plants;
	for (m = 0; m < 2; m++) {
		hv_host_plat_set_caps(e->plat[m],
				      plants & EMU_PLANT_STORES_SEEN ? HV_PLAT_CAP_HPTE_R_PRESET : EMU_PLAT_CAPS);
	}
}

void emu_engine_stats(const struct emu_engine *e, struct emu_stats *out)
{
	*out = e->stats;
}

int emu_selftest(void *out, char *err, size_t errcap)
{
	return emu_quirks_selftest(out, err, errcap);
}

static int load_image(struct emu_engine *e, char *err, size_t cap)
{
	long bad;

	e->image = mmap(NULL, EMU_IMAGE_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (e->image == MAP_FAILED) {
		e->image = NULL;
		snprintf(err, cap, "out of memory for the interpreter image");
		return -1;
	}
	if (emu_interp_image_len > EMU_IMAGE_BYTES / 2 || emu_interp_image_len < LP_INTERP_MAGIC + 8) {
		snprintf(err, cap, "the interpreter image is %lu bytes", emu_interp_image_len);
		return -1;
	}
	memcpy(e->image, emu_interp_image, emu_interp_image_len);
	if (memcmp(e->image + LP_INTERP_MAGIC, LP_INTERP_MAGIC_BYTES, 8) != 0) {
		snprintf(err, cap, "the interpreter image does not carry its magic at 0x%x", LP_INTERP_MAGIC);
		return -1;
	}
	bad = emu_image_bad_word(e->image, LP_INTERP_MAGIC);
	if (bad >= 0) {
		snprintf(err, cap, "the interpreter image reads the timebase at word %ld (it would crash Unicorn)", bad);
		return -1;
	}
	return 0;
}

struct emu_engine *emu_engine_create(char *err, size_t errcap)
{
	static const struct hv_host_hooks hooks = {
		.tlb_flush_entry = hook_flush_entry,
		.tlb_flush_lpid = hook_flush_lpid,
		.iotlb_flush = hook_iotlb_flush,
		.mem_write = hook_mem_write,
		.thread_run_partition = hook_run_partition,
		.thread_idle = hook_thread_idle,
		.console_write = hook_console,
	};
	struct emu_engine *e;
	unsigned m, t;

	/* Every quirk this engine works around must still behave as it assumes (quirks.h). */
	if (emu_quirks_selftest(NULL, err, errcap)) {
		return NULL;
	}
	e = calloc(1, sizeof(*e));
	if (!e) {
		snprintf(err, errcap, "out of memory");
		return NULL;
	}
	if (load_image(e, err, errcap)) {
		emu_engine_destroy(e);
		return NULL;
	}
	e->ncpus = LP_MAX_THREADS;
	for (m = 0; m < LP_SEGMENTS; m++) {
		e->seg[m] = lp_segment_default(m);
	}
	for (m = 0; m < 2; m++) {
		e->plat[m] = hv_host_plat_create(LP_MEM_BYTES_MAX);
		if (!e->plat[m]) {
			snprintf(err, errcap, "out of memory for machine %u", m);
			emu_engine_destroy(e);
			return NULL;
		}
		hv_host_plat_set_caps(e->plat[m], EMU_PLAT_CAPS);
		hv_host_plat_set_hooks(e->plat[m], &hooks, e);
		for (t = 0; t < e->ncpus; t++) {
			if (emu_cpu_open(e, &e->cpu[m][t], m, t, err, errcap)) {
				emu_engine_destroy(e);
				return NULL;
			}
		}
	}
	e->drv = lp_driver_host;
	e->drv.name = "unicorn";
	e->drv.ctx = e;
	e->drv.caps = EMU_PLAT_CAPS;
	e->drv.own_mmu = true;
	e->drv.hcall = emu_hcall;
	e->drv.access = emu_access;
	return e;
}

void emu_engine_destroy(struct emu_engine *e)
{
	unsigned m, t;

	if (!e) {
		return;
	}
	for (m = 0; m < 2; m++) {
		for (t = 0; t < HV_MAX_THREADS; t++) {
			if (e->cpu[m][t].uc) {
				emu_cpu_close(&e->cpu[m][t]);
			}
		}
		if (e->plat[m]) {
			hv_host_plat_destroy(e->plat[m]);
		}
	}
	if (e->image) {
		munmap(e->image, EMU_IMAGE_BYTES);
	}
	free(e);
}

enum lp_inv emu_engine_run(struct emu_engine *e, struct lp_exec *x, const struct lp_prog *p, bool backdoor)
{
	unsigned m, t;

	e->x = x;
	e->m[0] = &x->m[0];
	e->m[1] = &x->m[1];
	x->drv = &e->drv;
	memcpy(e->seg, p->cfg.seg, sizeof(e->seg));
	for (m = 0; m < 2; m++) {
		hv_host_plat_reset(e->plat[m]);
		for (t = 0; t < e->ncpus; t++) {
			emu_cpu_set_segments(&e->cpu[m][t]);
			/* Fresh machines: whatever a CPU cached belongs to the previous run. */
			e->cpu[m][t].want_lpid = 0;
			e->cpu[m][t].flush_pending = true;
			e->cpu[m][t].free_running = false;
		}
	}
	return lp_exec_run(x, p, e->plat[0], e->plat[1], backdoor);
}
