/*
 * Conformance of the processor and miscellaneous hcalls (papr-spec §1.1,
 * §6): H_REGISTER_VPA, H_SET_SPRG0, H_PROD / H_CEDE / H_CONFER, H_RANDOM,
 * H_PAGE_INIT, H_SET_MODE, H_GET_CPU_CHARACTERISTICS, the XICS calls on its
 * own interrupt presentation, the virtual terminal, RTAS and the dispatch of
 * unknown opcodes, with the exact rules of hv/core/vpa.c, vcpu_hcall.c,
 * xics.c, misc.c, rtas.c and hcall.c.
 */
#include "runtime.h"

/* H_REGISTER_VPA sub-functions, in flags MSB-0 bits 16-18 (papr-spec §1.3). */
#define VPA_REG_VPA    (1ul << 45)
#define VPA_REG_DTL    (2ul << 45)
#define VPA_DEREG_VPA  (5ul << 45)
#define VPA_DEREG_DTL  (6ul << 45)
#define VPA_BYTES      640
#define VPA_YIELD      0x100 /* be32 dispatch (yield) count: odd while preempted */
#define VPA_DTL_INDEX  0x218 /* be64 entries the hypervisor appended to the DTL */
#define DTL_BYTES      (4 * 48)

#define PAGE_WORDS        512
#define ABSENT_VCPU       1
#define UNKNOWN_VTY       0x1234ul

/* The boot registers the guest works from. */
static struct guest_boot boot;

/* Areas it registers; each in a page of its own, so none crosses 4 KiB. */
static volatile u8 vpa_page[4096] __attribute__((aligned(4096)));
static volatile u8 dtl_page[4096] __attribute__((aligned(4096)));

static u64 la_of(const volatile void *p)
{
	return (u64)p - GUEST_BASE;
}

static s64 register_vpa(u64 func, u64 vcpu, u64 la)
{
	return HC(H_REGISTER_VPA, 0, func, vcpu, la, 0, 0, 0, 0, 0);
}

/* Big-endian fields of the shared areas. */
static void put_be16(volatile u8 *p, unsigned v)
{
	p[0] = (u8)(v >> 8);
	p[1] = (u8)v;
}

static void put_be32(volatile u8 *p, u32 v)
{
	put_be16(p, v >> 16);
	put_be16(p + 2, v & 0xFFFF);
}

static u32 get_be32(const volatile u8 *p)
{
	return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3];
}

static u64 get_be64(const volatile u8 *p)
{
	return (u64)get_be32(p) << 32 | get_be32(p + 4);
}

static void yield_once(void)
{
	HC(H_CONFER, 0, ~0ul, 0, 0, 0, 0, 0, 0, 0);
}

static void test_vpa(void)
{
	u64 vpa = la_of(vpa_page), dtl = la_of(dtl_page), yields;

	put_be16(vpa_page + 4, VPA_BYTES);
	put_be16(vpa_page + 0x404, 100);      /* a second candidate, too short */
	put_be16(vpa_page + 0xF04, VPA_BYTES); /* one that would cross the page end */
	put_be32(dtl_page + 4, DTL_BYTES);
	check("vpa: DTL before any VPA -> H_RESOURCE", register_vpa(VPA_REG_DTL, 0, dtl), H_RESOURCE);
	check("vpa: address not 128-aligned -> H_PARAMETER", register_vpa(VPA_REG_VPA, 0, vpa + 8), H_PARAMETER);
	check("vpa: address 0 -> H_PARAMETER", register_vpa(VPA_REG_VPA, 0, 0), H_PARAMETER);
	check("vpa: past its memory -> H_PARAMETER", register_vpa(VPA_REG_VPA, 0, boot.foreign_la), H_PARAMETER);
	check("vpa: length field 100 (< 640) -> H_PARAMETER", register_vpa(VPA_REG_VPA, 0, vpa + 0x400), H_PARAMETER);
	check("vpa: area crossing 4 KiB -> H_PARAMETER", register_vpa(VPA_REG_VPA, 0, vpa + 0xF00), H_PARAMETER);
	check("vpa: vCPU it does not have -> H_PARAMETER", register_vpa(VPA_REG_VPA, ABSENT_VCPU, vpa), H_PARAMETER);
	check("vpa: sub-function 0 -> H_PARAMETER", register_vpa(0, 0, vpa), H_PARAMETER);
	check("vpa: register (length 640, 128-aligned) -> H_SUCCESS", register_vpa(VPA_REG_VPA, 0, vpa), H_SUCCESS);
	check("vpa: then the DTL -> H_SUCCESS", register_vpa(VPA_REG_DTL, 0, dtl), H_SUCCESS);
	yield_once();
	yields = get_be32(vpa_page + VPA_YIELD);
	check_true("vpa: the hypervisor keeps the yield count", yields != 0);
	check("vpa: ... even while the vCPU runs", yields & 1, 0);
	check_true("vpa: a redispatch appended to the DTL", get_be64(vpa_page + VPA_DTL_INDEX) != 0);
	check("vpa: deregister the VPA under a DTL -> H_RESOURCE", register_vpa(VPA_DEREG_VPA, 0, 0), H_RESOURCE);
	check("vpa: deregister the DTL -> H_SUCCESS", register_vpa(VPA_DEREG_DTL, 0, 0), H_SUCCESS);
	check("vpa: deregister the VPA -> H_SUCCESS", register_vpa(VPA_DEREG_VPA, 0, 0), H_SUCCESS);
	yields = get_be32(vpa_page + VPA_YIELD);
	yield_once();
	check("vpa: a deregistered VPA is no longer written", get_be32(vpa_page + VPA_YIELD), yields);
}

static u64 read_sprg0(void)
{
	u64 v;

	__asm__ volatile("mfspr %0, 272" : "=r"(v));
	return v;
}

static void test_processor(void)
{
	u64 msr;

	check("sprg0: H_SET_SPRG0 -> H_SUCCESS", HC(H_SET_SPRG0, 0, 0x5EC0DE5A5A5A0001ul, 0, 0, 0, 0, 0, 0, 0),
	      H_SUCCESS);
	check("sprg0: mfsprg0 reads it back", read_sprg0(), 0x5EC0DE5A5A5A0001ul);
	yield_once();
	check("sprg0: it survives giving the thread away", read_sprg0(), 0x5EC0DE5A5A5A0001ul);

	/* A prod is remembered until the next cede: the cede returns at once (else nothing would wake it). */
	check("prod: itself -> H_SUCCESS", HC(H_PROD, 0, 0, 0, 0, 0, 0, 0, 0, 0), H_SUCCESS);
	check("cede: with a prod pending -> H_SUCCESS at once", HC0(H_CEDE), H_SUCCESS);
	__asm__ volatile("mfmsr %0" : "=r"(msr));
	check("cede: returns with MSR[EE] on", msr & MSR_EE, MSR_EE);
	__asm__ volatile("mtmsrd %0, 1" : : "r"(msr & ~MSR_EE)); /* no handler of its own for external interrupts */
	HC(H_PROD, 0, 0, 0, 0, 0, 0, 0, 0, 0);
	check("confer: to itself with a prod pending -> H_SUCCESS at once", HC(H_CONFER, 0, 0, 0, 0, 0, 0, 0, 0, 0),
	      H_SUCCESS);
	check("confer: to anyone (-1) -> H_SUCCESS", HC(H_CONFER, 0, ~0ul, 0, 0, 0, 0, 0, 0, 0), H_SUCCESS);
	check("confer: vCPU it does not have -> H_PARAMETER", HC(H_CONFER, 0, ABSENT_VCPU, 0, 0, 0, 0, 0, 0, 0),
	      H_PARAMETER);
	check("prod: vCPU it does not have -> H_PARAMETER", HC(H_PROD, 0, ABSENT_VCPU, 0, 0, 0, 0, 0, 0, 0),
	      H_PARAMETER);
	check("prod: vCPU -1 -> H_PARAMETER", HC(H_PROD, 0, ~0ul, 0, 0, 0, 0, 0, 0, 0), H_PARAMETER);
}

static s64 set_mode(u64 mflags, u64 resource, u64 value1, u64 value2)
{
	return HC(H_SET_MODE, 0, mflags, resource, value1, value2, 0, 0, 0, 0);
}

/*
 * Only refusals and calls that leave the mode as it is: the guest's
 * vectors are at GUEST_BASE + 0x4000, big-endian (AIL 3, ILE 0), and its
 * debug registers stay off.
 */
static void test_set_mode(void)
{
	u64 out[9];

	check("cpu_char: -> H_SUCCESS", HC(H_GET_CPU_CHARACTERISTICS, out, 7, 7, 7, 0, 0, 0, 0, 0), H_SUCCESS);
	check("cpu_char: no hardware assist claimed (r4 0)", out[0], 0);
	check("cpu_char: favour security, L1D flush, bounds-check barrier", out[1], 0xE000000000000000ul);
	check("set_mode: resource 0 -> H_P2", set_mode(0, 0, 0, 0), H_P2);
	check("set_mode: resource 5, bad mflags too -> H_P2", set_mode(1, 5, 1, 1), H_P2);
	check("set_mode: AIL 1 (reserved) -> H_UNSUPPORTED_FLAG", set_mode(1, H_SET_MODE_RESOURCE_ADDR_TRANS_MODE, 0, 0),
	      H_UNSUPPORTED_FLAG);
	check("set_mode: AIL 1 and value1 -> mflags first", set_mode(1, H_SET_MODE_RESOURCE_ADDR_TRANS_MODE, 1, 1),
	      H_UNSUPPORTED_FLAG);
	check("set_mode: AIL value1 != 0 -> H_P3", set_mode(3, H_SET_MODE_RESOURCE_ADDR_TRANS_MODE, 1, 1), H_P3);
	check("set_mode: AIL value2 != 0 -> H_P4", set_mode(3, H_SET_MODE_RESOURCE_ADDR_TRANS_MODE, 0, 1), H_P4);
	check("set_mode: AIL 3 (as it is) -> H_SUCCESS", set_mode(3, H_SET_MODE_RESOURCE_ADDR_TRANS_MODE, 0, 0),
	      H_SUCCESS);
	check("set_mode: LE mflags 2 -> H_UNSUPPORTED_FLAG", set_mode(2, H_SET_MODE_RESOURCE_LE, 0, 0),
	      H_UNSUPPORTED_FLAG);
	check("set_mode: LE value1 != 0 -> H_P3", set_mode(1, H_SET_MODE_RESOURCE_LE, 1, 0), H_P3);
	check("set_mode: big-endian (as it is) -> H_SUCCESS", set_mode(0, H_SET_MODE_RESOURCE_LE, 0, 0), H_SUCCESS);
	check("set_mode: CIABR on the hypervisor -> H_P3", set_mode(0, H_SET_MODE_RESOURCE_SET_CIABR, 0x10003ul, 0),
	      H_P3);
	check("set_mode: CIABR mflags -> H_UNSUPPORTED_FLAG", set_mode(1, H_SET_MODE_RESOURCE_SET_CIABR, 0, 0),
	      H_UNSUPPORTED_FLAG);
	check("set_mode: CIABR value2 -> H_P4", set_mode(0, H_SET_MODE_RESOURCE_SET_CIABR, 0, 1), H_P4);
	check("set_mode: CIABR off -> H_SUCCESS", set_mode(0, H_SET_MODE_RESOURCE_SET_CIABR, 0, 0), H_SUCCESS);
	check("set_mode: DAWRX watching the hypervisor -> H_P4",
	      set_mode(0, H_SET_MODE_RESOURCE_SET_DAWR0, 0x10000ul, DAWRX_HYP | 3), H_P4);
	check("set_mode: DAWR0 off -> H_SUCCESS", set_mode(0, H_SET_MODE_RESOURCE_SET_DAWR0, 0, 0), H_SUCCESS);
}

/*
 * Its own interrupt presentation (server 0, its only vCPU), with MSR[EE]
 * off throughout: an IPI to itself is requested, presented once the CPPR
 * allows, accepted and ended; the CPPR is back at 0 (nothing gets
 * through) at the end, as it was.
 */
static void test_xics(void)
{
	u64 out[9];

	check("xics: IPI to itself at 5 -> H_SUCCESS", HC(H_IPI, 0, 0, 5, 0, 0, 0, 0, 0, 0), H_SUCCESS);
	check("xics: IPOLL -> H_SUCCESS", HC(H_IPOLL, out, 0, 0, 0, 0, 0, 0, 0, 0), H_SUCCESS);
	check("xics: ... CPPR 0 keeps it out (XIRR 0)", out[0], 0);
	check("xics: ... MFRR 5", out[1], 5);
	check("xics: CPPR 0xFF -> H_SUCCESS", HC(H_CPPR, 0, 0xFF, 0, 0, 0, 0, 0, 0, 0), H_SUCCESS);
	HC(H_IPOLL, out, 0, 0, 0, 0, 0, 0, 0, 0);
	check("xics: ... now presented (XIRR 0xFF000002)", out[0], 0xFF000002ul);
	check("xics: XIRR accepts -> H_SUCCESS", HC(H_XIRR, out, 0, 0, 0, 0, 0, 0, 0, 0), H_SUCCESS);
	check("xics: ... the IPI, under the old CPPR", out[0], 0xFF000002ul);
	HC(H_XIRR, out, 0, 0, 0, 0, 0, 0, 0, 0);
	check("xics: XIRR again: nothing, CPPR 5", out[0], 0x05000000ul);
	check("xics: EOI of source 3 -> H_PARAMETER", HC(H_EOI, 0, 0xFF000003ul, 0, 0, 0, 0, 0, 0, 0), H_PARAMETER);
	check("xics: clear MFRR -> H_SUCCESS", HC(H_IPI, 0, 0, 0xFF, 0, 0, 0, 0, 0, 0), H_SUCCESS);
	check("xics: EOI of the IPI -> H_SUCCESS", HC(H_EOI, 0, 0xFF000002ul, 0, 0, 0, 0, 0, 0, 0), H_SUCCESS);
	HC(H_IPOLL, out, 0, 0, 0, 0, 0, 0, 0, 0);
	check("xics: ... quiet: nothing presented, CPPR 0xFF", out[0], 0xFF000000ul);
	check("xics: ... and no IPI requested (MFRR 0xFF)", out[1], 0xFF);
	check("xics: server it does not have -> H_PARAMETER", HC(H_IPI, 0, ABSENT_VCPU, 5, 0, 0, 0, 0, 0, 0),
	      H_PARAMETER);
	check("xics: IPOLL of server -1 -> H_PARAMETER", HC(H_IPOLL, 0, ~0ul, 0, 0, 0, 0, 0, 0, 0), H_PARAMETER);
	check("xics: CPPR back to 0 -> H_SUCCESS", HC(H_CPPR, 0, 0, 0, 0, 0, 0, 0, 0, 0), H_SUCCESS);
}

static void test_random(void)
{
	u64 a[9], b[9];

	check("random: first -> H_SUCCESS", HC(H_RANDOM, a, 0, 0, 0, 0, 0, 0, 0, 0), H_SUCCESS);
	check("random: second -> H_SUCCESS", HC(H_RANDOM, b, 0, 0, 0, 0, 0, 0, 0, 0), H_SUCCESS);
	check_true("random: two different values", a[0] != b[0]);
}

static s64 page_init(u64 flags, u64 dest, u64 src)
{
	return HC(H_PAGE_INIT, 0, flags, dest, src, 0, 0, 0, 0, 0);
}

/* Words of logical page la that differ from pattern seed (seed 0: words that are not 0). */
static u64 page_differs(u64 la, u64 seed)
{
	u64 i, n = 0;

	for (i = 0; i < PAGE_WORDS; i++) {
		n += guest_ptr(la)[i] != (seed ? seed + i : 0);
	}
	return n;
}

static void fill_page(u64 la, u64 seed)
{
	u64 i;

	for (i = 0; i < PAGE_WORDS; i++) {
		guest_ptr(la)[i] = seed + i;
	}
}

static void test_page_init(u64 src, u64 dest)
{
	fill_page(src, 0x1234000000000000ul);
	fill_page(dest, 0x5678000000000000ul);
	check("page_init: copy its page to another -> H_SUCCESS", page_init(H_COPY_PAGE, dest, src), H_SUCCESS);
	check("page_init: the destination is an exact copy", page_differs(dest, 0x1234000000000000ul), 0);
	check("page_init: zero its page -> H_SUCCESS", page_init(H_ZERO_PAGE, src, 0), H_SUCCESS);
	check("page_init: every word of it is 0", page_differs(src, 0), 0);
	check("page_init: the next page is untouched", page_differs(dest, 0x1234000000000000ul), 0);
	fill_page(src, 0x9ABC000000000000ul);
	check("page_init: copy and zero together -> H_SUCCESS", page_init(H_COPY_PAGE | H_ZERO_PAGE, dest, src),
	      H_SUCCESS);
	check("page_init: ... the copy wins over zeroing", page_differs(dest, 0x9ABC000000000000ul), 0);
	check("page_init: CMO hint only -> H_SUCCESS", page_init(H_PAGE_SET_UNUSED, dest, 0), H_SUCCESS);
	check("page_init: ... and the page is left as it was", page_differs(dest, 0x9ABC000000000000ul), 0);
	check("page_init: destination past its memory -> H_PARAMETER", page_init(H_ZERO_PAGE, boot.foreign_la, 0),
	      H_PARAMETER);
	check("page_init: source past its memory -> H_PARAMETER", page_init(H_COPY_PAGE, dest, boot.foreign_la),
	      H_PARAMETER);
	check("page_init: destination misaligned -> H_PARAMETER", page_init(H_ZERO_PAGE, dest + 8, 0), H_PARAMETER);
	check("page_init: source misaligned -> H_PARAMETER", page_init(H_COPY_PAGE, dest, src + 8), H_PARAMETER);
	check("page_init: unknown flag bit 63 -> H_PARAMETER", page_init(H_ZERO_PAGE | 1, dest, 0), H_PARAMETER);
	check("page_init: the refused calls left it as it was", page_differs(dest, 0x9ABC000000000000ul), 0);
}

static void test_terminal_and_dispatch(void)
{
	u64 out[9], leaks = 0, i;

	/* Junk in r5/r6 on entry: the unused output bytes must come back zero (§6.7). */
	check("get_term_char: nothing pending -> H_SUCCESS",
	      HC(H_GET_TERM_CHAR, out, GUEST_VTY, 0xDEADBEEFul, 0xDEADBEEFul, 0, 0, 0, 0, 0), H_SUCCESS);
	check("get_term_char: 0 bytes, r5/r6 zero", out[0] | out[1] | out[2], 0);
	check("get_term_char: unknown terminal -> H_PARAMETER",
	      HC(H_GET_TERM_CHAR, out, UNKNOWN_VTY, 0, 0, 0, 0, 0, 0, 0), H_PARAMETER);
	check("put_term_char: 17 bytes -> H_PARAMETER", HC(H_PUT_TERM_CHAR, 0, GUEST_VTY, 17, 0, 0, 0, 0, 0, 0),
	      H_PARAMETER);
	check("put_term_char: 2^63 bytes -> H_PARAMETER",
	      HC(H_PUT_TERM_CHAR, 0, GUEST_VTY, 1ul << 63, 0, 0, 0, 0, 0, 0), H_PARAMETER);
	check("put_term_char: 0 bytes -> H_SUCCESS", HC(H_PUT_TERM_CHAR, 0, GUEST_VTY, 0, 0, 0, 0, 0, 0, 0), H_SUCCESS);
	check("put_term_char: unknown terminal -> H_PARAMETER",
	      HC(H_PUT_TERM_CHAR, 0, UNKNOWN_VTY, 1, 0x2100000000000000ul, 0, 0, 0, 0, 0), H_PARAMETER);

	check("dispatch: opcode 0x2FC (H_XIRR_X, not implemented) -> H_FUNCTION",
	      HC(0x2FC, out, 11, 12, 13, 14, 15, 16, 17, 18), H_FUNCTION);
	/* r4..r12 after a refused call: the caller's value or zero, never hypervisor data (§1.1). */
	for (i = 0; i < 8; i++) {
		leaks += out[i] != 0 && out[i] != 11 + i;
	}
	check("dispatch: ... r4..r12 hold nothing of the hypervisor", leaks + (out[8] != 0), 0);
	check("dispatch: opcode 0x09 (not a multiple of 4) -> H_FUNCTION", HC0(0x09), H_FUNCTION);
	check("dispatch: opcode 0 -> H_FUNCTION", HC0(0), H_FUNCTION);
	check("dispatch: opcode 0x460 (past H_WATCHDOG) -> H_FUNCTION", HC0(0x460), H_FUNCTION);
	check("dispatch: opcode 0xF004 (past H_RTAS) -> H_FUNCTION", HC0(0xF004), H_FUNCTION);
}

/* ---- RTAS through H_RTAS (hv/core/rtas.c): the argument block in a page of its own ---- */

#define H_RTAS_OP          0xF000
#define RTAS_GET_TOD       1 /* the tokens of hv/include/hv/papr.h HV_RTAS_* */
#define RTAS_SET_TOD       2
#define RTAS_EVENT_SCAN    3
#define RTAS_QUERY_CPU     6
#define RTAS_START_CPU     7

static volatile u8 rtas_page[4096] __attribute__((aligned(4096)));

/* Calls RTAS with token, nargs arguments and nret return words; r3 of the hcall. */
static s64 rtas(u32 token, u32 nargs, u32 nret, const u32 *args)
{
	u32 i;

	put_be32(rtas_page, token);
	put_be32(rtas_page + 4, nargs);
	put_be32(rtas_page + 8, nret);
	for (i = 0; i < 16; i++) {
		put_be32(rtas_page + 12 + 4 * i, args && i < nargs ? args[i] : 0xEEEEEEEEu);
	}
	return HC(H_RTAS_OP, 0, la_of(rtas_page), 0, 0, 0, 0, 0, 0, 0);
}

static s64 rtas_ret(u32 nargs, u32 i)
{
	return (s64)(int)get_be32(rtas_page + 12 + 4 * (nargs + i));
}

static void test_rtas(void)
{
	static const u32 when[7] = { 2030, 6, 15, 12, 30, 45, 500 };
	static const u32 bad_month[7] = { 2030, 13, 15, 12, 30, 45, 500 };
	unsigned i, same = 0;

	check("rtas: argument block outside the partition -> H_PARAMETER",
	      HC(H_RTAS_OP, 0, 1ul << 40, 0, 0, 0, 0, 0, 0, 0), H_PARAMETER);
	check("rtas: nargs + nret = 17 -> H_PARAMETER", rtas(RTAS_GET_TOD, 9, 8, 0), H_PARAMETER);
	check("rtas: ... and nothing written", get_be32(rtas_page + 12 + 4 * 9), 0xEEEEEEEEu);
	check("rtas: get-time-of-day -> H_SUCCESS", rtas(RTAS_GET_TOD, 0, 8, 0), H_SUCCESS);
	check("rtas: ... status 0", rtas_ret(0, 0), 0);
	check("rtas: ... the partition's clock starts in 2026", rtas_ret(0, 1), 2026);
	check("rtas: set-time-of-day -> status 0", (rtas(RTAS_SET_TOD, 7, 1, when), rtas_ret(7, 0)), 0);
	rtas(RTAS_GET_TOD, 0, 8, 0);
	for (i = 0; i < 7; i++) {
		same += rtas_ret(0, i + 1) == (s64)when[i];
	}
	check("rtas: ... get-time-of-day reads back all seven fields", same, 7);
	check("rtas: set-time-of-day with month 13 -> status -3", (rtas(RTAS_SET_TOD, 7, 1, bad_month), rtas_ret(7, 0)), -3);
	check("rtas: get-time-of-day with nret 1 (wrong arity) -> status -3", (rtas(RTAS_GET_TOD, 0, 1, 0), rtas_ret(0, 0)), -3);
	check("rtas: unknown token 0x77 -> status -3", (rtas(0x77, 0, 1, 0), rtas_ret(0, 0)), -3);
	check("rtas: event-scan -> status 1 (no event)",
	      (rtas(RTAS_EVENT_SCAN, 4, 1, (const u32[]){ 0, 0, 0, 0 }), rtas_ret(4, 0)), 1);
	/* Processors are named by the partition's own vCPU index: it runs on 0 and has no 7. */
	check("rtas: query-cpu-stopped-state of itself -> status 0",
	      (rtas(RTAS_QUERY_CPU, 1, 2, (const u32[]){ 0 }), rtas_ret(1, 0)), 0);
	check("rtas: ... state 2 (not stopped)", rtas_ret(1, 1), 2);
	check("rtas: query-cpu-stopped-state of vCPU 7 (absent) -> status -3",
	      (rtas(RTAS_QUERY_CPU, 1, 2, (const u32[]){ 7 }), rtas_ret(1, 0)), -3);
	check("rtas: start-cpu of itself (running) -> status -1",
	      (rtas(RTAS_START_CPU, 3, 1, (const u32[]){ 0, 0x4000, 0 }), rtas_ret(3, 0)), -1);
}

int main(void)
{
	extern char _end[];
	u64 first_free;

	boot = guest;
	first_free = (((u64)_end - GUEST_BASE) + 0xFFF) & ~0xFFFul;
	test_vpa();
	test_processor();
	test_random();
	test_set_mode();
	test_xics();
	test_page_init(first_free, first_free + 0x1000);
	test_terminal_and_dispatch();
	test_rtas();
	return 0;
}
