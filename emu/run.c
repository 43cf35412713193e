/*
 * Free-running guests (emu/run.h): the loader -- partitions, images,
 * canaries, bolted mappings, the entry state -- the round robin of slices
 * over the hardware threads on the core's scheduler, the machine events of
 * a scenario, and the checks after the run.
 */
#include "emu/run.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "guests/guest_abi.h"
#include "hv/introspect.h"

#define HV_CANARY_START  0x1000ull     /* real memory below the core's region no partition can own */
#define HV_CANARY_END    0x10000ull
#define LIOBN(i)         (0x80000000u | ((uint32_t)(i) << 8))

struct console {
	char line[256];
	unsigned len;
	bool exited;
	unsigned exit_failures;
};

struct run {
	struct emu_engine *e;
	struct hv_machine m;
	const struct emu_scenario *s;
	const struct emu_run_opts *o;
	struct emu_run_result *r;
	unsigned nparts;
	uint32_t slot[EMU_RUN_MAX_PARTS];
	uint64_t mem[EMU_RUN_MAX_PARTS];  /* bytes of each partition */
	uint64_t image_end[EMU_RUN_MAX_PARTS];
	struct console con[EMU_RUN_MAX_PARTS];
	bool failed;
};

static struct run *active; /* the run the console hook feeds */

__attribute__((format(printf, 2, 3))) static void fail(struct run *run, const char *fmt, ...)
{
	va_list ap;

	if (run->failed) {
		return; /* the first failure is the verdict */
	}
	run->failed = true;
	va_start(ap, fmt);
	vsnprintf(run->r->verdict, sizeof(run->r->verdict), fmt, ap);
	va_end(ap);
}

/* ---- consoles: shown prefixed, parsed for PASS / FAIL / EXIT ---- */

static void console_line(struct run *run, unsigned part, struct console *c)
{
	c->line[c->len] = 0;
	if (!strncmp(c->line, "PASS ", 5)) {
		run->r->passes++;
	} else if (!strncmp(c->line, "FAIL ", 5)) {
		run->r->failures++;
	} else if (!strncmp(c->line, "EXIT ", 5) && !c->exited) {
		c->exited = true;
		c->exit_failures = (unsigned)strtoul(c->line + 5, NULL, 10);
		run->r->exited++;
	}
	if (run->o->console) {
		fprintf(run->o->console, "[p%u] %s\n", part, c->line);
	}
	c->len = 0;
}

void emu_run_console(uint32_t lpid, const uint8_t *bytes, unsigned len)
{
	struct run *run = active;
	unsigned part, i;

	if (!run) {
		return;
	}
	for (part = 0; part < run->nparts && run->m.part[run->slot[part]].lpid != lpid; part++) {
	}
	if (part == run->nparts) {
		return;
	}
	for (i = 0; i < len; i++) {
		struct console *c = &run->con[part];

		if (bytes[i] == '\n' || c->len == sizeof(c->line) - 1) {
			console_line(run, part, c);
		}
		if (bytes[i] != '\n') {
			c->line[c->len++] = (char)bytes[i];
		}
	}
}

/* ---- the loader ---- */

/* Fills [la, end) of a partition with its owner's canaries. */
static void canaries(struct run *run, unsigned part, uint64_t la, uint64_t end)
{
	uint8_t buf[4096];
	uint64_t a;
	unsigned k;

	for (a = la; a < end; a += sizeof(buf)) {
		for (k = 0; k < sizeof(buf); k += 8) {
			hv_st_be64(buf + k, GUEST_CANARY(part, a + k));
		}
		hv_partition_write(&run->m, run->slot[part], a, buf, end - a < sizeof(buf) ? end - a : sizeof(buf));
	}
}

static int load_image(struct run *run, unsigned part, const struct emu_guest_image *img)
{
	uint64_t end;
	long bad;

	if (img->len < GUEST_HEADER || memcmp(img->bytes + 8, GUEST_MAGIC, 8) != 0) {
		fail(run, "guest %s: no \"" GUEST_MAGIC "\" header", img->name);
		return -1;
	}
	end = hv_ld_be64(img->bytes + 16);
	bad = emu_image_bad_word(img->bytes, img->len);
	if (bad >= 0) {
		/* Quirk 6: reading the timebase would crash this process, not the guest. */
		fail(run, "guest %s reads the timebase at word %ld: Unicorn 2.0.1 would crash", img->name, bad);
		return -1;
	}
	if (end < img->len || end > run->mem[part]) {
		fail(run, "guest %s needs %llu bytes, its partition has %llu", img->name, (unsigned long long)end,
		     (unsigned long long)run->mem[part]);
		return -1;
	}
	if (hv_partition_write(&run->m, run->slot[part], 0, img->bytes, img->len) != HV_OK) {
		fail(run, "guest %s: cannot load it", img->name);
		return -1;
	}
	run->image_end[part] = end;
	canaries(run, part, end, run->mem[part]);
	return 0;
}

/* The partition firmware's part: every page of the partition mapped, bolted, at GUEST_BASE + la. */
static int map_guest(struct run *run, unsigned part)
{
	uint64_t la, args[9] = { 0 };
	long rc;

	if (hv_dispatch(&run->m, 0, run->slot[part], 0) != HV_OK) {
		fail(run, "p%u: cannot dispatch its vCPU to map it", part);
		return -1;
	}
	for (la = 0; la < run->mem[part]; la += 4096) {
		uint64_t ea = GUEST_BASE + la;

		args[0] = 0;
		args[1] = ((GUEST_VSID ^ ((ea & 0x0FFFFFFFull) >> 12)) & 2047) * 8;
		args[2] = ((((GUEST_VSID << 28) | (ea & 0x0FFFFFFFull)) >> 16) & ~0x7Full) | 0x10 /* bolted */ | 1;
		args[3] = la | 0x10 /* M */ | 0x2 /* PP: read/write */;
		rc = hv_hcall(&run->m, 0, H_ENTER, args, NULL, NULL);
		if (rc != H_SUCCESS) {
			fail(run, "p%u: H_ENTER of its page 0x%llx failed (%ld)", part, (unsigned long long)la, rc);
			return -1;
		}
	}
	return hv_preempt(&run->m, 0) == HV_OK ? 0 : -1;
}

static int entry_state(struct run *run, unsigned part)
{
	struct hv_regs r;
	unsigned other = (part + 1) % run->nparts;

	hv_regs_boot_state(&r, 0);
	r.r[HV_REG_NIA] = GUEST_BASE;
	r.r[HV_REG_MSR] = GUEST_MSR;
	r.r[HV_REG_GPR + 3] = part;
	r.r[HV_REG_GPR + 4] = run->mem[part];
	r.r[HV_REG_GPR + 5] = LIOBN(part);
	r.r[HV_REG_GPR + 6] = run->nparts > 1 ? LIOBN(other) : 0;
	r.r[HV_REG_GPR + 7] = run->mem[part];
	r.r[HV_REG_SLBE] = (GUEST_BASE & 0xFFFFFFFFF0000000ull) | (1ull << 27);
	r.r[HV_REG_SLBV] = GUEST_VSID << 12;
	return hv_vcpu_regs_set(&run->m, run->slot[part], 0, &r) == HV_OK ? 0 : -1;
}

static int setup(struct run *run)
{
	struct hv_plat *plat = emu_engine_plat(run->e, 0);
	struct hv_config cfg;
	uint64_t a;
	unsigned i;

	for (run->nparts = 0; run->nparts < EMU_RUN_MAX_PARTS && run->s->guests[run->nparts]; run->nparts++) {
	}
	hv_host_plat_reset(plat);
	hv_config_default(&cfg);
	cfg.max_partitions = EMU_RUN_MAX_PARTS;
	cfg.threads = run->s->threads ? run->s->threads : run->nparts;
	cfg.threads = cfg.threads > run->e->ncpus ? run->e->ncpus : cfg.threads;
	if (hv_machine_init(&run->m, &cfg, plat) != HV_OK) {
		fail(run, "machine set-up failed");
		return -1;
	}
	/* The hypervisor's canaries, where no partition mapping can ever reach. */
	for (a = HV_CANARY_START; a < HV_CANARY_END; a += 8) {
		plat_mem_dirty(plat, hv_ra(a), 8);
		hv_st_be64(run->m.mem + a, GUEST_CANARY(GUEST_HV_OWNER, a));
	}
	for (i = 0; i < run->nparts; i++) {
		const struct emu_guest_image *img = emu_guest_find(run->s->guests[i]);
		unsigned lmbs = run->s->lmbs[i] ? run->s->lmbs[i] : 4, k;

		if (!img) {
			fail(run, "no guest named '%s'", run->s->guests[i]);
			return -1;
		}
		if (hv_partition_create(&run->m, 18, true, &run->slot[i]) != HV_OK) {
			fail(run, "cannot create partition %u", i);
			return -1;
		}
		for (k = 0; k < lmbs; k++) {
			hv_dlpar_mem_add(&run->m, run->slot[i], k, HV_NIL);
		}
		run->mem[i] = (uint64_t)lmbs * cfg.lmb_size;
		hv_dlpar_cpu_add(&run->m, run->slot[i], 0);
		hv_window_assign(&run->m, run->slot[i], LIOBN(i), 0, 512);
		if (load_image(run, i, img) || map_guest(run, i)) {
			return -1;
		}
	}
	for (i = 0; i < run->nparts; i++) {
		if (entry_state(run, i)) {
			fail(run, "p%u: cannot set its entry state", i);
			return -1;
		}
	}
	return 0;
}

/* ---- running ---- */

static void event(struct run *run, const struct emu_event *ev)
{
	int rc = HV_EINVAL;

	if (ev->part >= run->nparts) {
		return;
	}
	if (ev->kind == EMU_EV_MEM_REMOVE) {
		rc = hv_dlpar_mem_remove(&run->m, run->slot[ev->part], ev->lmb);
	} else if (ev->kind == EMU_EV_MEM_ADD) {
		rc = hv_dlpar_mem_add(&run->m, run->slot[ev->part], ev->lmb, HV_NIL);
	}
	if (run->o->console) {
		fprintf(run->o->console, "[hv] after slice %u: %s of p%u's LMB %u: %s\n", ev->slice,
			ev->kind == EMU_EV_MEM_REMOVE ? "DLPAR remove" : "DLPAR add", ev->part, ev->lmb,
			rc == HV_OK ? "done" : "refused");
	}
}

/* One slice of thread t: schedules a vCPU if the thread is idle; false when nothing ran. */
static bool slice(struct run *run, unsigned t)
{
	struct emu_cpu *c = &run->e->cpu[0][t];
	struct hv_thread *th = &run->m.thread[t];
	unsigned slice_insns = run->o->slice ? run->o->slice : 20000;
	uint32_t s, v;
	uint64_t pc;
	uc_err u;

	if (th->part < 0) {
		if (hv_schedule(&run->m, t, &s, &v) != HV_OK) {
			return false;
		}
		c->free_running = true;
		emu_guest_load(c, &th->regs, HV_CHANGED_ALL);
	}
	if (c->flush_pending) {
		emu_cpu_flush_now(c); /* a dispatch (another SLB) or a flush the core asked for */
	}
	c->stop = EMU_STOP_NONE;
	uc_reg_read(c->uc, UC_PPC_REG_PC, &pc);
	run->e->stats.slices++;
	/* Unicorn counts the instructions: the slice ends after exactly slice_insns (HDEC), or earlier in a hook. */
	u = uc_emu_start(c->uc, pc, EMU_UNTIL_NEVER, 0, slice_insns);
	run->r->slices++;
	run->r->insns += slice_insns;
	if (u || c->stop == EMU_STOP_ERROR) {
		uc_reg_read(c->uc, UC_PPC_REG_PC, &pc);
		fail(run, "thread %u: the guest stopped the CPU (%s, interrupt %u, status 0x%x) at 0x%llx", t,
		     u ? uc_strerror(u) : "an interrupt the engine does not handle", c->intno, c->intr_status,
		     (unsigned long long)pc);
		return false;
	}
	if (c->stop != EMU_STOP_IDLE) {
		/* The slice is over: the hypervisor decrementer preempts the vCPU. */
		emu_guest_store(c, &th->regs);
		hv_enter(&run->m, t, HV_CAUSE_HDEC);
	}
	if (c->scrub_pending) {
		emu_guest_scrub(c); /* ceded, conferred, preempted or stopped: the thread is idle again */
	}
	return true;
}

static void run_slices(struct run *run)
{
	uint64_t budget = run->o->budget ? run->o->budget : 200000000ull;
	unsigned n = 0, t, k;

	while (!run->failed && run->r->exited < run->nparts && run->r->insns < budget) {
		bool ran = false;

		for (k = 0; k < EMU_RUN_MAX_EVENTS; k++) {
			if (run->s->events[k].kind != EMU_EV_NONE && run->s->events[k].slice == n) {
				event(run, &run->s->events[k]);
			}
		}
		for (t = 0; t < run->m.cfg.threads && !run->failed; t++) {
			ran |= slice(run, t);
		}
		n++;
		if (!ran) {
			break; /* nothing can run: every vCPU ceded or stopped */
		}
	}
}

/* ---- the checks after the run ---- */

static void check_memory(struct run *run)
{
	uint64_t a;
	unsigned i, k;

	for (a = HV_CANARY_START; a < HV_CANARY_END; a += 8) {
		if (hv_ld_be64(run->m.mem + a) != GUEST_CANARY(GUEST_HV_OWNER, a)) {
			fail(run, "the hypervisor's memory at 0x%llx changed (0x%llx)", (unsigned long long)a,
			     (unsigned long long)hv_ld_be64(run->m.mem + a));
			return;
		}
	}
	for (k = (unsigned)(run->m.hv_bytes >> run->m.lmb_shift); k < run->m.lmb_count; k++) {
		const struct hv_lmb *l = &run->m.lmb[k];
		uint64_t base = (uint64_t)k << run->m.lmb_shift;

		for (a = 0; a < run->m.cfg.lmb_size; a += 8) {
			uint64_t v = hv_ld_be64(run->m.mem + base + a);
			int owner = l->state == HV_LMB_ASSIGNED ? (int)l->owner : -1;

			for (i = 0; i < run->nparts && owner >= 0 && run->slot[i] != (uint32_t)owner; i++) {
			}
			if (owner < 0 ? v != 0 : (GUEST_IS_CANARY(v) && GUEST_CANARY_OWNER(v) != i)) {
				fail(run, "real 0x%llx (%s) holds 0x%llx", (unsigned long long)(base + a),
				     owner < 0 ? "free: must read zero" : "another owner's canary", (unsigned long long)v);
				return;
			}
			if (GUEST_IS_ATTACK_MARK(v) && (owner < 0 || (v & 0xFF) != i)) {
				fail(run, "real 0x%llx: attacker p%u's mark outside its own memory", (unsigned long long)(base + a),
				     (unsigned)(v & 0xFF));
				return;
			}
		}
	}
}

static void check_cpus(struct run *run)
{
	unsigned t;

	for (t = 0; t < run->m.cfg.threads; t++) {
		struct emu_cpu *c = &run->e->cpu[0][t];

		if (uc_context_save(c->uc, c->scratch)) {
			continue;
		}
		if (*emu_ctx_spr(c->scratch, 0x1D0) != run->m.part_table.v || (*emu_ctx_msr(c->scratch) >> 60 & 1)) {
			fail(run, "thread %u: PTCR 0x%llx or MSR[HV] changed under a guest", t,
			     (unsigned long long)*emu_ctx_spr(c->scratch, 0x1D0));
		}
	}
}

static void verdict(struct run *run)
{
	unsigned i;

	for (i = 0; i < run->nparts; i++) {
		if (!run->con[i].exited) {
			fail(run, "p%u (%s) did not exit (%s)", i, run->s->guests[i],
			     run->r->insns >= (run->o->budget ? run->o->budget : 200000000ull) ? "instruction budget spent"
											      : "nothing left to run");
		} else if (run->con[i].exit_failures) {
			fail(run, "p%u (%s) reported %u failed check(s)", i, run->s->guests[i], run->con[i].exit_failures);
		}
	}
	if (!run->failed) {
		check_memory(run);
		check_cpus(run);
	}
	run->r->ok = !run->failed && run->r->failures == 0;
	if (run->r->ok) {
		snprintf(run->r->verdict, sizeof(run->r->verdict),
			 "%s: PASS (%u partitions exited, %u checks passed, %llu slices)", run->s->name, run->nparts,
			 run->r->passes, (unsigned long long)run->r->slices);
	}
}

int emu_run_scenario(struct emu_engine *e, const struct emu_scenario *s, const struct emu_run_opts *o,
		     struct emu_run_result *r)
{
	struct run *run = calloc(1, sizeof(*run));
	unsigned t;
	int rc = 0;

	memset(r, 0, sizeof(*r));
	if (!run) {
		snprintf(r->verdict, sizeof(r->verdict), "out of memory");
		return -1;
	}
	run->e = e;
	run->s = s;
	run->o = o;
	run->r = r;
	e->x = NULL;
	e->m[0] = &run->m;
	for (t = 0; t < e->ncpus; t++) {
		e->cpu[0][t].want_lpid = 0;
		e->cpu[0][t].flush_pending = true;
		/* The loader writes code where an earlier run's guest had code. */
		emu_cpu_forget_code(&e->cpu[0][t]);
	}
	active = run;
	if (setup(run)) {
		rc = -1;
	} else {
		r->partitions = run->nparts;
		run_slices(run);
		verdict(run);
	}
	if (run->failed) {
		char what[sizeof(r->verdict)];

		snprintf(what, sizeof(what), "%s", r->verdict);
		snprintf(r->verdict, sizeof(r->verdict), "%s: FAIL: %s", s->name, what);
	}
	for (t = 0; t < e->ncpus; t++) {
		e->cpu[0][t].free_running = false;
	}
	active = NULL;
	e->m[0] = NULL;
	free(run);
	return rc;
}
