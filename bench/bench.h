/*
 * lparsec-bench: shared declarations of the harness (bench.c) and the
 * measured cases (cases.c). Public API only: hcalls go through a thread's
 * register file and hv_enter, like every driver.
 */
#ifndef LPARSEC_BENCH_H
#define LPARSEC_BENCH_H

#include <stdint.h>

#include "hv/hcall.h"
#include "hv/host.h"
#include "hv/introspect.h" /* set-up writes partition memory and tables directly */
#include "hv/machine.h"

#define BENCH_THREAD 0u
#define BENCH_LIOBN  0x1000u
#define BENCH_MIB    (1ull << 20)
#define BENCH_GIB    (1ull << 30)

/* State a case may use: one machine over a platform of the case's arena size. */
struct bctx {
	struct hv_plat *plat;
	struct hv_machine m;
	uint32_t slot;              /* the partition bench_machine created */
	uint64_t dirty_per_reset;   /* reset cases: pages the last input dirtied */
};

struct bcase;
/* Runs `iters` operations of a case; returns the nanoseconds of the timed part only. */
typedef uint64_t (*bench_fn)(struct bctx *b, const struct bcase *c, uint64_t iters);

struct bcase {
	const char *name;
	bench_fn fn;
	uint64_t param;     /* case-specific (mappings for DLPAR) */
	uint64_t mem_size;  /* arena size */
	int id;             /* BENCH_ID_* for the target checks, else 0 */
};

enum { BENCH_ID_NONE = 0, BENCH_ID_PAIR, BENCH_ID_RESET_SMALL, BENCH_ID_RESET_LARGE };

extern const struct bcase bench_cases[];
extern const unsigned bench_case_count;

/* ---- harness services (bench.c) ---- */
_Noreturn void bench_die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
uint64_t bench_now_ns(void);
/* Empties the arena and builds a machine with one partition of `lmbs` LMBs, vCPU 0 dispatched. */
void bench_machine(struct bctx *b, uint32_t lmbs, int window_entries);
_Noreturn void bench_fail_rc(const char *what, long rc, long want);
/* Exits with a message unless rc == want (cheap in the timed loops). */
static inline void bench_check(const char *what, long rc, long want)
{
	if (__builtin_expect(rc != want, 0)) {
		bench_fail_rc(what, rc, want);
	}
}

/* Issues an hcall on BENCH_THREAD with up to four arguments; returns r3. */
static inline long bench_hcall(struct hv_machine *m, uint64_t op, uint64_t a0, uint64_t a1, uint64_t a2,
			       uint64_t a3)
{
	const uint64_t args[9] = { a0, a1, a2, a3 };

	return hv_hcall(m, BENCH_THREAD, op, args, 0, 0);
}

static inline uint64_t bench_out(const struct hv_machine *m, unsigned i)
{
	return m->thread[BENCH_THREAD].regs.r[HV_REG_GPR + 4 + i];
}

/* A valid 4 KiB HPTE pair (B = 256 MB) for effective address ea of vsid, logical address la. */
static inline uint64_t bench_pteh(uint64_t vsid, uint64_t ea)
{
	return ((((vsid << 28) | (ea & 0x0FFFFFFFull)) >> 16) & ~0x7Full) | HPTE_V_VALID;
}
static inline uint64_t bench_ptel(uint64_t la)
{
	return (la & HPTE_R_RPN) | HPTE_R_M | 0x2;
}

#endif
