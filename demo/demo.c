/*
 * lparsec-demo: two partitions on one machine. p0 does ordinary work (maps a
 * page, writes its console, puts a TCE); p1 tries to reach p0's memory,
 * HPT and DMA window and must be refused. Then DLPAR moves p0's LMB to p1
 * (p1 must see zeroes) and a dispatch switch must leave no p0 register on
 * the thread. Exits 0 only when every isolation check held.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hv/hcall.h"
#include "hv/introspect.h" /* the demo shows real addresses and what a device sees */
#include "hv/host.h"
#include "hv/machine.h"

#define LMB       (256ull << 10)
#define P0_LIOBN  0x1000u
#define P1_LIOBN  0x2000u
#define SECRET    0x5EC2E7C0FFEE0001ull
#define BAD_PTEX  (1ull << 63)

static struct hv_machine m;
static struct hv_plat *plat;
static unsigned checks, passed;
static uint64_t out[9];

static void die(const char *what, int rc)
{
	fflush(stdout);
	fprintf(stderr, "lparsec-demo: %s failed: %d\n", what, rc);
	exit(1);
}

static bool check(bool ok, const char *fmt, ...)
{
	va_list ap;

	checks++;
	passed += ok;
	printf("  %s ", ok ? "[ok]  " : "[FAIL]");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	return ok;
}

static void ck(int rc, const char *what)
{
	if (rc != HV_OK) {
		die(what, rc);
	}
}

/* The thread (slot)'s vCPU 0 runs on: p0 on thread 0, p1 on thread 1 (until the switch). */
static uint32_t thread_of(uint32_t slot)
{
	const struct hv_vcpu *v = &m.part[slot].vcpu[0];

	if (v->state != HV_VCPU_RUNNING) {
		ck(hv_dispatch(&m, slot, slot, 0), "hv_dispatch");
	}
	return (uint32_t)m.part[slot].vcpu[0].thread;
}

/* Issues an hcall from slot's vCPU 0 and prints it: p<slot>.0 NAME(args) = RC  outputs. */
static long hcall(uint32_t slot, uint64_t op, unsigned nargs, unsigned nouts, const uint64_t *args)
{
	uint32_t t = thread_of(slot);
	uint64_t a[9] = { 0 };
	const char *rcn;
	unsigned i;
	long rc;

	for (i = 0; i < nargs && i < 9; i++) {
		a[i] = args[i];
	}
	printf("p%u.0 %s(", slot, hv_hcall_name(op) ? hv_hcall_name(op) : "?");
	for (i = 0; i < nargs; i++) {
		printf("%s0x%llx", i ? ", " : "", (unsigned long long)args[i]);
	}
	printf(")");
	if (op == H_PUT_TERM_CHAR) {
		printf("\n"); /* the echo of the console bytes comes during the call */
	}
	fflush(stdout);
	rc = hv_hcall(&m, t, op, a, out, 0);
	rcn = hv_rc_name(rc);
	printf("%s= %s", op == H_PUT_TERM_CHAR ? "     " : " ", rcn ? rcn : "?");
	for (i = 0; i < nouts && rc == H_SUCCESS; i++) {
		printf("  r%u=0x%llx", 4 + i, (unsigned long long)out[i]);
	}
	printf("\n");
	fflush(stdout);
	return rc;
}
#define HC(slot, op, nouts, ...) \
	hcall((slot), (op), sizeof((uint64_t[]){ __VA_ARGS__ }) / 8, (nouts), (const uint64_t[]){ __VA_ARGS__ })

static uint64_t pteh(uint64_t vsid, uint64_t ea)
{
	return ((((vsid << 28) | (ea & 0x0FFFFFFFull)) >> 16) & ~0x7Full) | HPTE_V_VALID;
}
static uint64_t ptel(uint64_t la) { return (la & HPTE_R_RPN) | HPTE_R_M | 0x2; }

static hv_raddr_t real_of(uint32_t slot, uint64_t la)
{
	hv_raddr_t ra = hv_ra(~0ull);

	if (!hv_translate(&m, hv_part(&m, slot), hv_la(la), 8, &ra)) {
		fprintf(stderr, "lparsec-demo: p%u logical 0x%llx unmapped\n", slot, (unsigned long long)la);
		exit(1);
	}
	return ra;
}

static uint32_t new_partition(uint32_t lmbs, uint32_t liobn)
{
	uint32_t slot, i;

	ck(hv_partition_create(&m, 18, true, &slot), "hv_partition_create");
	for (i = 0; i < lmbs; i++) {
		ck(hv_dlpar_mem_add(&m, slot, i, HV_NIL), "hv_dlpar_mem_add");
	}
	ck(hv_dlpar_cpu_add(&m, slot, 0), "hv_dlpar_cpu_add");
	ck(hv_window_assign(&m, slot, liobn, 0, 64), "hv_window_assign");
	ck(hv_dispatch(&m, slot, slot, 0), "hv_dispatch");
	printf("p%u: LPID %u (console prefix [p%u]), logical 0..0x%llx -> real 0x%llx.., LIOBN 0x%x, thread %u\n",
	       slot, m.part[slot].lpid, m.part[slot].lpid, (unsigned long long)(lmbs * LMB - 1),
	       (unsigned long long)real_of(slot, 0).v, liobn, slot);
	return slot;
}

/* The partition's p0 work: map a page, store a secret in it, print, DMA-map it. */
static void p0_work(uint32_t p0)
{
	static const char msg[] = "hello from p0\n";
	uint64_t r6 = 0, r7 = 0;
	unsigned i, len = sizeof(msg) - 1;
	hv_raddr_t ra;

	printf("\n-- p0 works --\n");
	HC(p0, H_ENTER, 1, 0, 0, pteh(1, 0x1000), ptel(0x1000));
	ra = real_of(p0, 0x1000);
	plat_mem_dirty(plat, ra, 8);
	hv_st_be64(m.mem + ra.v, SECRET); /* what p0's store through that mapping would do */
	printf("     (p0 stores 0x%llx at logical 0x1000 = real 0x%llx)\n", (unsigned long long)SECRET,
	       (unsigned long long)ra.v);
	for (i = 0; i < len; i++) {
		uint64_t b = (uint64_t)(uint8_t)msg[i] << (56 - 8 * (i % 8));

		*(i < 8 ? &r6 : &r7) |= b;
	}
	HC(p0, H_PUT_TERM_CHAR, 0, 0, len, r6, r7);
	HC(p0, H_PUT_TCE, 0, P0_LIOBN, 0, 0x1000 | TCE_RW);
}

static void p1_hostile(uint32_t p0, uint32_t p1)
{
	uint64_t p0_real = real_of(p0, 0x1000).v;
	hv_raddr_t ra;

	printf("\n-- p1 attacks (each must be refused with H_PARAMETER) --\n");
	check(HC(p1, H_ENTER, 1, 0, 0, pteh(2, 0), ptel(2 * LMB)) == H_PARAMETER,
	      "H_ENTER of logical 0x%llx, beyond p1's LMBs", (unsigned long long)(2 * LMB));
	check(HC(p1, H_ENTER, 1, 0, 0, pteh(2, 0), ptel(p0_real)) == H_PARAMETER,
	      "H_ENTER of p0's real page address used as a logical address");
	check(HC(p1, H_READ, 2, 0, BAD_PTEX) == H_PARAMETER, "H_READ of PTEX 2^63");
	check(HC(p1, H_REMOVE, 2, 0, BAD_PTEX, 0) == H_PARAMETER, "H_REMOVE of PTEX 2^63");
	check(HC(p1, H_PUT_TCE, 0, P0_LIOBN, 0, 0x1000 | TCE_RW) == H_PARAMETER, "H_PUT_TCE on p0's LIOBN");
	check(HC(p1, H_PUT_TCE, 0, P1_LIOBN, 0, (2 * LMB) | TCE_RW) == H_PARAMETER,
	      "H_PUT_TCE of unowned logical 0x%llx", (unsigned long long)(2 * LMB));
	check(HC(p1, H_READ, 2, 0, 0) == H_SUCCESS && out[0] == 0 && out[1] == 0,
	      "H_READ of PTEX 0 shows p1's own empty HPT, not p0's entry");
	check(!hv_dma_translate(&m, p1, P1_LIOBN, 0, true, &ra), "p1's DMA window still maps nothing");
	check(HC(p0, H_READ, 2, 0, 0) == H_SUCCESS && (out[0] & HPTE_V_VALID) && hv_dma_translate(&m, p0, P0_LIOBN, 0, true, &ra) &&
		      ra.v == p0_real && hv_ld_be64(m.mem + p0_real) == SECRET,
	      "p0's HPTE, TCE and data are untouched");
}

static void dlpar_move(uint32_t p0, uint32_t p1)
{
	uint64_t real = real_of(p0, 0).v, i;
	uint32_t lmb = (uint32_t)(real / LMB);
	hv_raddr_t ra;
	bool zero = true;

	printf("\n-- DLPAR: p0's logical LMB 0 (real LMB %u) moves to p1 as logical LMB 2 --\n", lmb);
	ck(hv_dlpar_mem_remove(&m, p0, 0), "hv_dlpar_mem_remove");
	printf("hv_dlpar_mem_remove(p0, 0) = OK\n");
	check(HC(p0, H_READ, 2, 0, 0) == H_SUCCESS && !(out[0] & HPTE_V_VALID), "p0's HPTE into the LMB is revoked");
	check(HC(p0, H_GET_TCE, 1, P0_LIOBN, 0) == H_SUCCESS && out[0] == 0 &&
		      !hv_dma_translate(&m, p0, P0_LIOBN, 0, true, &ra),
	      "p0's TCE into the LMB is revoked");
	ck(hv_dlpar_mem_add(&m, p1, 2, lmb), "hv_dlpar_mem_add");
	printf("hv_dlpar_mem_add(p1, 2, real LMB %u) = OK\n", lmb);
	check(HC(p1, H_ENTER, 1, 0, 0, pteh(2, 0x1000), ptel(2 * LMB + 0x1000)) == H_SUCCESS,
	      "p1 may now map logical 0x%llx", (unsigned long long)(2 * LMB + 0x1000));
	ra = real_of(p1, 2 * LMB + 0x1000);
	printf("     p1 reads logical 0x%llx (real 0x%llx): 0x%llx\n", (unsigned long long)(2 * LMB + 0x1000),
	       (unsigned long long)ra.v, (unsigned long long)hv_ld_be64(m.mem + ra.v));
	for (i = 0; i < LMB; i++) {
		zero &= m.mem[(uint64_t)lmb * LMB + i] == 0;
	}
	check(ra.v == real + 0x1000 && zero, "p1 sees zeroes where p0's secret was (whole LMB scrubbed)");
}

static uint64_t planted(unsigned i) { return 0xB0B0000000000000ull | ((uint64_t)i << 16) | 0xA5; }

static void dispatch_leak(uint32_t p0, uint32_t p1)
{
	struct hv_regs *r = &m.thread[0].regs;
	unsigned i, j, leaks = 0, kept = 0;

	printf("\n-- dispatch: p0's registers must not reach p1 on the same thread --\n");
	for (i = 0; i < HV_REG_COUNT; i++) {
		r->r[i] = planted(i);
	}
	printf("planted %u distinct values in every register of thread 0 (p0.0)\n", HV_REG_COUNT);
	ck(hv_preempt(&m, 1), "hv_preempt");
	ck(hv_dispatch(&m, 0, p1, 0), "hv_dispatch");
	printf("hv_preempt(thread 1); hv_dispatch(thread 0, p1.0) = OK\n");
	for (i = 0; i < HV_REG_COUNT; i++) {
		for (j = 0; j < HV_REG_COUNT; j++) {
			leaks += r->r[i] == planted(j);
		}
	}
	check(leaks == 0, "p1.0 on thread 0: %u of %u registers hold a p0 value", leaks, HV_REG_COUNT);
	ck(hv_dispatch(&m, 1, p0, 0), "hv_dispatch");
	for (i = 0; i < HV_REG_COUNT; i++) {
		kept += m.thread[1].regs.r[i] == (i == HV_REG_MSR ? planted(i) & ~MSR_HV : planted(i));
	}
	check(kept == HV_REG_COUNT, "p0.0 resumes on thread 1 with %u/%u registers intact", kept, HV_REG_COUNT);
}

int main(void)
{
	struct hv_config cfg;
	uint32_t p0, p1;

	hv_config_default(&cfg);
	plat = hv_host_plat_create(64ull << 20);
	if (!plat) {
		die("hv_host_plat_create", -1);
	}
	hv_host_plat_echo(plat, stdout);
	ck(hv_machine_init(&m, &cfg, plat), "hv_machine_init");
	printf("lparsec demo: 64 MiB machine, 256 KiB LMBs, two shared-processor partitions\n");
	p0 = new_partition(2, P0_LIOBN);
	p1 = new_partition(2, P1_LIOBN);

	p0_work(p0);
	p1_hostile(p0, p1);
	dlpar_move(p0, p1);
	dispatch_leak(p0, p1);

	printf("\n== verdict ==\n");
	printf("checks passed %u/%u: %s\n", passed, checks,
	       passed == checks ? "isolation HELD" : "isolation BROKEN");
	hv_host_plat_destroy(plat);
	return passed == checks ? 0 : 1;
}
