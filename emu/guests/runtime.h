/*
 * The tiny runtime of the free-running guests (conformance and attacker
 * guests): hcall wrappers, a console through H_PUT_TERM_CHAR, PASS/FAIL
 * lines, the record of the last interrupt the guest took, and exit.
 *
 * How a guest starts (emu/run.c is the loader; the way a kernel is
 * entered once partition firmware has set up translation):
 *  - its image is loaded at logical address 0 and mapped, bolted, at
 *    effective address GUEST_BASE onward through 4 KiB pages of a 256 MB
 *    segment (VSID GUEST_VSID), for all of the partition's memory;
 *  - it runs translated (MSR = SF | IR | DR | ME | RI) from _start with
 *    r3 = its partition index, r4 = its memory in bytes, r5 = its DMA
 *    window's LIOBN (0: none), r6 = a LIOBN of another partition, r7 = the
 *    first logical address past its memory that another partition owns,
 *    r8 = the platform's capabilities (GUEST_CAP_*: what the architecture
 *    leaves to the platform, e.g. whether the MMU records references);
 *  - every word of its memory past its image holds the canary of its owner
 *    (GUEST_CANARY(owner, logical address)); a canary of another owner
 *    seen by a guest is an isolation failure;
 *  - its interrupts arrive at GUEST_BASE + 0x4000 + vector (LPCR[AIL] = 3,
 *    hcall.h): the runtime records them (guest_irq) and resumes after the
 *    instruction (DSI, program) or at the caller (ISI).
 * A guest ends with guest_exit: "EXIT <status>" on the console, then it
 * cedes for good. Builds freestanding, big-endian, no floating point.
 */
#ifndef GUEST_RUNTIME_H
#define GUEST_RUNTIME_H

typedef unsigned long u64;
typedef unsigned int u32;
typedef unsigned char u8;
typedef long s64;

#include "guest_abi.h"

/* The opcodes, return codes, flags and HPTE/TCE fields: the core's own description of PAPR. */
#include "hv/papr.h"

/* What the loader passed in r3..r8. */
struct guest_boot {
	u64 index, mem_bytes, liobn, foreign_liobn, foreign_la, plat_caps;
};
extern struct guest_boot guest;

/* The last interrupts the guest took (vectors.S fills it). */
struct guest_irq {
	u64 count;
	u64 vector, srr0, srr1, dar, dsisr;
	u64 cr; /* the vector's scratch: CR while it compares */
};
extern volatile struct guest_irq guest_irq;

/* sc 1: r3 = opcode, r4.. = args; returns r3, out (if not null) receives r4..r12. */
s64 hcall(u64 opcode, u64 *out, u64 a0, u64 a1, u64 a2, u64 a3, u64 a4, u64 a5, u64 a6, u64 a7);
#define HC0(op) hcall((op), 0, 0, 0, 0, 0, 0, 0, 0, 0)
#define HC(op, out, ...) hcall((op), (out), __VA_ARGS__)

/* Console. */
void put_str(const char *s);
void put_hex(u64 v);
void put_dec(u64 v);

/* One check: "PASS name" or "FAIL name: got 0x.. expected 0x.."; counts failures. */
void check(const char *name, u64 got, u64 expected);
void check_true(const char *name, int cond);
extern unsigned guest_failures;

/* Ends the guest: "EXIT <failures>" and cedes for ever. */
void guest_exit(void) __attribute__((noreturn));

/* Memory the guest reaches by effective address (its own mapping of logical la). */
static inline volatile u64 *guest_ptr(u64 la)
{
	return (volatile u64 *)(GUEST_BASE + la);
}

/* HPTE words for effective address ea of segment vsid (4 KiB page, 256 MB segment) over logical la. */
static inline u64 hpte_v(u64 vsid, u64 ea)
{
	return ((((vsid << 28) | (ea & 0x0FFFFFFFul)) >> 16) & ~0x7Ful) | 1;
}
static inline u64 hpte_r(u64 la, unsigned pp)
{
	return (la & ~0xFFFul) | 0x10 /* M */ | pp;
}
static inline u64 hpte_group(u64 vsid, u64 ea)
{
	return ((vsid ^ ((ea & 0x0FFFFFFFul) >> 12)) & 2047) * 8; /* HPT of 256 KiB */
}

/* Words of logical [start, end) holding a canary of an owner other than self. */
u64 guest_foreign_canaries(u64 start, u64 end, u64 self);
/* Words of logical [start, end) that no longer hold the canary the loader put there for self. */
u64 guest_own_canaries_lost(u64 start, u64 end, u64 self);
/* Stores self's attack mark into every word of logical [start, end); returns the words that kept it. */
u64 guest_mark(u64 start, u64 end, u64 self);

/* Loads / stores that may fault: the vector skips them and guest_irq.count moves. */
u64 probe_load(u64 ea);
void probe_store(u64 ea, u64 v);
#define GUEST_DSISR_STORE 0x02000000ul
/* Whether a load at ea took exactly one DSI at ea and loaded nothing. */
int guest_load_faults(u64 ea);
/* Whether a store of v at ea took exactly one DSI at ea, marked as a store. */
int guest_store_faults(u64 ea, u64 v);

/* What the compiler may call for struct copies and initialisers (freestanding: no libc). */
void *memset(void *d, int c, unsigned long n);
void *memcpy(void *d, const void *s, unsigned long n);

/* Timer-free spin (the timebase is off limits on Unicorn 2.0.1). */
static inline void spin(unsigned n)
{
	volatile unsigned i;

	for (i = 0; i < n; i++) {
	}
}

int main(void);

#endif /* GUEST_RUNTIME_H */
