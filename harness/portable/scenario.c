/*
 * Scenarios of free-running guests: the loader, the consoles, the events
 * and the verdict every guest-running driver shares (lparsec/scenario.h).
 * The facts the guests and their loader agree on are emu/guests/guest_abi.h.
 */
#include "lparsec/scenario.h"

#include <stdarg.h>

#include "../../emu/guests/guest_abi.h"
#include "hv/hcall.h"
#include "hv/introspect.h"
#include "hv/plat.h"
#include "lparsec/fmt.h"

_Static_assert(GUEST_CAP_R_PRESET == HV_PLAT_CAP_HPTE_R_PRESET, "the guests' capability bits are the platform's");

#define LIOBN(i) (0x80000000u | ((uint32_t)(i) << 8))
#define SCN_WINDOW_ENTRIES 512

void lp_scn_fail(struct lp_scn *r, const char *fmt, ...)
{
	va_list ap;

	if (r->failed) {
		return; /* the first failure is the verdict */
	}
	r->failed = true;
	va_start(ap, fmt);
	lp_vsnprintf(r->verdict, sizeof(r->verdict), fmt, ap);
	va_end(ap);
}

static void out_line(struct lp_scn *r, const char *line)
{
	if (r->out) {
		r->out(r->out_ctx, line);
	}
}

unsigned lp_scn_threads(const struct lp_scenario *s, unsigned max)
{
	unsigned n = s->threads, parts;

	for (parts = 0; parts < LP_SCN_MAX_PARTS && s->guests[parts]; parts++) {
	}
	if (!n) {
		n = parts;
	}
	return n > max ? max : n;
}

/* ---- consoles: shown prefixed, parsed for PASS / FAIL / EXIT ---- */

static bool starts(const char *s, const char *prefix)
{
	while (*prefix && *s == *prefix) {
		s++;
		prefix++;
	}
	return !*prefix;
}

static unsigned decimal(const char *s)
{
	unsigned v = 0;

	for (; *s >= '0' && *s <= '9'; s++) {
		v = v * 10 + (unsigned)(*s - '0');
	}
	return v;
}

static void console_line(struct lp_scn *r, unsigned part, struct lp_scn_console *c)
{
	char shown[sizeof(c->line) + 8];
	unsigned k;

	c->line[c->len] = 0;
	for (k = 0; k < LP_SCN_MAX_EVENTS; k++) {
		const struct lp_scn_event *ev = &r->s->events[k];

		if (ev->kind != LP_SCN_EV_NONE && ev->line && ev->part == part && !r->ev_from[k] &&
		    starts(c->line, ev->line)) {
			r->ev_from[k] = r->now + 1;
		}
	}
	if (starts(c->line, "PASS ")) {
		r->passes++;
	} else if (starts(c->line, "FAIL ")) {
		r->failures++;
	} else if (starts(c->line, "EXIT ") && !c->exited) {
		c->exited = true;
		c->exit_failures = decimal(c->line + 5);
		r->exited++;
	}
	lp_snprintf(shown, sizeof(shown), "[p%u] %s", part, c->line);
	out_line(r, shown);
	c->len = 0;
}

void lp_scn_console(struct lp_scn *r, uint32_t lpid, const uint8_t *bytes, unsigned len)
{
	unsigned part, i;

	for (part = 0; part < r->nparts && r->m->part[r->slot[part]].lpid != lpid; part++) {
	}
	if (part == r->nparts) {
		return;
	}
	for (i = 0; i < len; i++) {
		struct lp_scn_console *c = &r->con[part];

		if (bytes[i] == '\n' || c->len == sizeof(c->line) - 1) {
			console_line(r, part, c);
		}
		if (bytes[i] != '\n') {
			c->line[c->len++] = (char)bytes[i];
		}
	}
}

/* ---- the loader ---- */

/* Fills [la, end) of a partition with its owner's canaries. */
static void canaries(struct lp_scn *r, unsigned part, uint64_t la, uint64_t end)
{
	uint8_t buf[4096];
	uint64_t a;
	unsigned k;

	for (a = la; a < end; a += sizeof(buf)) {
		for (k = 0; k < sizeof(buf); k += 8) {
			hv_st_be64(buf + k, GUEST_CANARY(part, a + k));
		}
		hv_partition_write(r->m, r->slot[part], a, buf, end - a < sizeof(buf) ? end - a : sizeof(buf));
	}
}

static bool header_ok(const struct lp_guest_image *img)
{
	static const char magic[] = GUEST_MAGIC;
	unsigned i;

	if (img->len < GUEST_HEADER) {
		return false;
	}
	for (i = 0; i < 8; i++) {
		if (img->bytes[8 + i] != (unsigned char)magic[i]) {
			return false;
		}
	}
	return true;
}

static int load_image(struct lp_scn *r, unsigned part, const struct lp_guest_image *img)
{
	uint64_t end;

	if (!header_ok(img)) {
		lp_scn_fail(r, "guest %s: no \"" GUEST_MAGIC "\" header", img->name);
		return -1;
	}
	end = hv_ld_be64(img->bytes + 16);
	if (end < img->len || end > r->mem[part]) {
		lp_scn_fail(r, "guest %s needs %llu bytes, its partition has %llu", img->name, (unsigned long long)end,
			    (unsigned long long)r->mem[part]);
		return -1;
	}
	if (hv_partition_write(r->m, r->slot[part], 0, img->bytes, img->len) != HV_OK) {
		lp_scn_fail(r, "guest %s: cannot load it", img->name);
		return -1;
	}
	r->image_end[part] = end;
	canaries(r, part, end, r->mem[part]);
	return 0;
}

/* The partition firmware's part: every page of the partition mapped, bolted, at GUEST_BASE + la. */
static int map_guest(struct lp_scn *r, unsigned part)
{
	uint64_t la, args[9] = { 0 };
	long rc;

	if (hv_dispatch(r->m, 0, r->slot[part], 0) != HV_OK) {
		lp_scn_fail(r, "p%u: cannot dispatch its vCPU to map it", part);
		return -1;
	}
	for (la = 0; la < r->mem[part]; la += 4096) {
		uint64_t ea = GUEST_BASE + la;

		args[0] = 0;
		args[1] = ((GUEST_VSID ^ ((ea & 0x0FFFFFFFull) >> 12)) & 2047) * 8;
		args[2] = ((((GUEST_VSID << 28) | (ea & 0x0FFFFFFFull)) >> 16) & ~0x7Full) | 0x10 /* bolted */ | 1;
		args[3] = la | 0x10 /* M */ | 0x2 /* PP: read/write */;
		rc = hv_hcall(r->m, 0, H_ENTER, args, 0, 0);
		if (rc != H_SUCCESS) {
			lp_scn_fail(r, "p%u: H_ENTER of its page 0x%llx failed (%ld)", part, (unsigned long long)la, rc);
			return -1;
		}
	}
	return hv_preempt(r->m, 0) == HV_OK ? 0 : -1;
}

static int entry_state(struct lp_scn *r, unsigned part)
{
	struct hv_regs regs;
	unsigned other = (part + 1) % r->nparts;

	hv_regs_boot_state(&regs, 0);
	regs.r[HV_REG_NIA] = GUEST_BASE;
	regs.r[HV_REG_MSR] = GUEST_MSR;
	regs.r[HV_REG_GPR + 3] = part;
	regs.r[HV_REG_GPR + 4] = r->mem[part];
	regs.r[HV_REG_GPR + 5] = LIOBN(part);
	regs.r[HV_REG_GPR + 6] = r->nparts > 1 ? LIOBN(other) : 0;
	regs.r[HV_REG_GPR + 7] = r->mem[part];
	regs.r[HV_REG_GPR + 8] = r->m->caps & HV_PLAT_CAP_HPTE_R_PRESET ? GUEST_CAP_R_PRESET : 0;
	regs.r[HV_REG_SLBE] = (GUEST_BASE & 0xFFFFFFFFF0000000ull) | (1ull << 27);
	regs.r[HV_REG_SLBV] = GUEST_VSID << 12;
	return hv_vcpu_regs_set(r->m, r->slot[part], 0, &regs) == HV_OK ? 0 : -1;
}

static int build(struct lp_scn *r)
{
	uint64_t a;
	unsigned i;

	/* The hypervisor's canaries, where no partition mapping can ever reach. */
	for (a = r->hv_canary_start; a < r->hv_canary_end; a += 8) {
		plat_mem_dirty(r->m->plat, hv_ra(a), 8);
		hv_st_be64(r->m->mem + a, GUEST_CANARY(GUEST_HV_OWNER, a));
	}
	for (i = 0; i < r->nparts; i++) {
		const struct lp_guest_image *img = lp_guest_find(r->s->guests[i]);
		unsigned lmbs = r->s->lmbs[i] ? r->s->lmbs[i] : 4, k;

		if (!img) {
			lp_scn_fail(r, "no guest named '%s'", r->s->guests[i]);
			return -1;
		}
		if (hv_partition_create(r->m, 18, true, &r->slot[i]) != HV_OK) {
			lp_scn_fail(r, "cannot create partition %u", i);
			return -1;
		}
		for (k = 0; k < lmbs; k++) {
			hv_dlpar_mem_add(r->m, r->slot[i], k, HV_NIL);
		}
		r->mem[i] = (uint64_t)lmbs * r->m->cfg.lmb_size;
		hv_dlpar_cpu_add(r->m, r->slot[i], 0);
		hv_window_assign(r->m, r->slot[i], LIOBN(i), 0, SCN_WINDOW_ENTRIES);
		if (load_image(r, i, img) || map_guest(r, i)) {
			return -1;
		}
	}
	for (i = 0; i < r->nparts; i++) {
		if (entry_state(r, i)) {
			lp_scn_fail(r, "p%u: cannot set its entry state", i);
			return -1;
		}
	}
	return 0;
}

/* "<name>: FAIL: <the first failure>". */
static void verdict_fail(struct lp_scn *r)
{
	char what[sizeof(r->verdict)];
	unsigned i;

	for (i = 0; i < sizeof(what) && (what[i] = r->verdict[i]) != 0; i++) {
	}
	what[sizeof(what) - 1] = 0;
	lp_snprintf(r->verdict, sizeof(r->verdict), "%s: FAIL: %s", r->s->name, what);
}

int lp_scn_setup(struct lp_scn *r, struct hv_machine *m)
{
	r->m = m;
	for (r->nparts = 0; r->nparts < LP_SCN_MAX_PARTS && r->s->guests[r->nparts]; r->nparts++) {
	}
	return build(r);
}

/* ---- events between slices ---- */

/* "[hv] slice N: what: done" -- or refused, which fails the run: the scenario's premise did not happen. */
static void event_line(struct lp_scn *r, unsigned n, const char *what, int rc)
{
	char line[200];

	lp_snprintf(line, sizeof(line), "[hv] slice %u: %s: %s", n, what, rc == HV_OK ? "done" : "refused");
	out_line(r, line);
	if (rc != HV_OK) {
		lp_scn_fail(r, "slice %u: %s was refused (%d)", n, what, rc);
	}
}

void lp_scn_events(struct lp_scn *r, unsigned n)
{
	char line[160];
	unsigned k;

	r->now = n;
	for (k = 0; k < LP_SCN_MAX_EVENTS; k++) {
		const struct lp_scn_event *ev = &r->s->events[k];
		unsigned from = ev->line ? r->ev_from[k] : 1; /* without a line: from the start */
		int rc = HV_EINVAL;

		if (ev->kind == LP_SCN_EV_NONE || r->ev_done[k] || !from || n < from - 1 + ev->slice ||
		    ev->part >= r->nparts) {
			continue;
		}
		r->ev_done[k] = true;
		switch (ev->kind) {
		case LP_SCN_EV_MEM_REMOVE:
			rc = hv_dlpar_mem_remove(r->m, r->slot[ev->part], ev->lmb);
			lp_snprintf(line, sizeof(line), "DLPAR remove of p%u's LMB %u", ev->part, ev->lmb);
			break;
		case LP_SCN_EV_MEM_ADD:
			rc = hv_dlpar_mem_add(r->m, r->slot[ev->part], ev->lmb, HV_NIL);
			lp_snprintf(line, sizeof(line), "DLPAR add of p%u's LMB %u", ev->part, ev->lmb);
			break;
		case LP_SCN_EV_RELOCATE:
			rc = hv_lmb_relocate(r->m, r->slot[ev->part], ev->lmb, HV_NIL);
			lp_snprintf(line, sizeof(line), "relocation of p%u's LMB %u", ev->part, ev->lmb);
			break;
		case LP_SCN_EV_WINDOW_UNASSIGN:
			rc = hv_window_unassign(r->m, r->slot[ev->part], LIOBN(ev->part));
			lp_snprintf(line, sizeof(line), "p%u's DMA window unassigned", ev->part);
			break;
		case LP_SCN_EV_WINDOW_ASSIGN:
			rc = hv_window_assign(r->m, r->slot[ev->part], LIOBN(ev->part), 0, SCN_WINDOW_ENTRIES);
			lp_snprintf(line, sizeof(line), "p%u's DMA window assigned", ev->part);
			break;
		case LP_SCN_EV_NONE:
			continue; /* skipped above; here for -Wswitch */
		}
		event_line(r, n, line, rc);
	}
}

bool lp_scn_over(const struct lp_scn *r)
{
	return r->failed || r->exited >= r->nparts;
}

/* ---- the checks after the run ---- */

static void check_memory(struct lp_scn *r)
{
	struct hv_machine *m = r->m;
	uint64_t a;
	unsigned i, k;

	for (a = r->hv_canary_start; a < r->hv_canary_end; a += 8) {
		if (hv_ld_be64(m->mem + a) != GUEST_CANARY(GUEST_HV_OWNER, a)) {
			lp_scn_fail(r, "the hypervisor's memory at 0x%llx changed (0x%llx)", (unsigned long long)a,
				    (unsigned long long)hv_ld_be64(m->mem + a));
			return;
		}
	}
	for (k = (unsigned)(m->hv_bytes >> m->lmb_shift); k < m->lmb_count; k++) {
		const struct hv_lmb *l = &m->lmb[k];
		uint64_t base = (uint64_t)k << m->lmb_shift;
		int owner = l->state == HV_LMB_ASSIGNED ? (int)l->owner : -1;

		for (i = 0; i < r->nparts && owner >= 0 && r->slot[i] != (uint32_t)owner; i++) {
		}
		for (a = 0; a < m->cfg.lmb_size; a += 8) {
			uint64_t v = hv_ld_be64(m->mem + base + a);

			if (owner < 0 ? v != 0 : (GUEST_IS_CANARY(v) && GUEST_CANARY_OWNER(v) != i)) {
				lp_scn_fail(r, "real 0x%llx (%s) holds 0x%llx", (unsigned long long)(base + a),
					    owner < 0 ? "free: must read zero" : "another owner's canary",
					    (unsigned long long)v);
				return;
			}
			if (GUEST_IS_ATTACK_MARK(v) && (owner < 0 || (v & 0xFF) != i)) {
				lp_scn_fail(r, "real 0x%llx: attacker p%u's mark outside its own memory",
					    (unsigned long long)(base + a), (unsigned)(v & 0xFF));
				return;
			}
		}
	}
}

void lp_scn_verdict(struct lp_scn *r, const char *why_stopped, unsigned long long slices)
{
	unsigned i;

	for (i = 0; i < r->nparts; i++) {
		if (!r->con[i].exited) {
			lp_scn_fail(r, "p%u (%s) did not exit (%s)", i, r->s->guests[i], why_stopped);
		} else if (r->con[i].exit_failures) {
			lp_scn_fail(r, "p%u (%s) reported %u failed check(s)", i, r->s->guests[i],
				    r->con[i].exit_failures);
		}
	}
	if (!r->failed) {
		check_memory(r);
	}
	r->ok = !r->failed && r->failures == 0;
	if (r->ok) {
		lp_snprintf(r->verdict, sizeof(r->verdict), "%s: PASS (%u partitions exited, %u checks passed, %llu slices)",
			    r->s->name, r->nparts, r->passes, slices);
	} else if (r->failed) {
		verdict_fail(r);
	} else {
		lp_snprintf(r->verdict, sizeof(r->verdict), "%s: FAIL: %u FAIL line(s) on the consoles", r->s->name,
			    r->failures);
	}
}
