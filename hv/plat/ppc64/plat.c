/*
 * hv/plat.h on POWER9/10 under QEMU powernv: real memory is the machines'
 * memory (no arena), the MMU is the processor's own, and the TLB is
 * invalidated with the architected tlbie sequence. Two machines, as a
 * program run needs (the second is the migration target): machine 0 at
 * real address 0, machine 1 at FW_MACHINE1_RA (replay.c swaps it in for
 * the instructions its partitions run). A program run in flight hears of
 * every store, TLB and IOTLB flush of the core (its oracles' hooks).
 */
#include "hv/plat.h"
#include "hv/seeded_random.h"

#include "fw.h"
#include "lparsec/exec.h"
#include "lparsec/scenario.h"

#define PAGE_SHIFT 12
#define FW_PAGES   (FW_MACHINE_BYTES >> PAGE_SHIFT)
#define LINUX_PAGES (FW_LINUX_MACHINE_BYTES >> PAGE_SHIFT)

_Static_assert(FW_MACHINE_BYTES == LP_MEM_BYTES, "the firmware's machines are the size programs are written for");
_Static_assert(FW_MACHINE1_RA >= FW_MACHINE_BYTES, "the second machine's memory lies past the first's");

struct hv_plat {
	uint64_t ra;                     /* real address of the machine's memory while it is not the CPU's */
	uint64_t bytes;                  /* its size */
	uint64_t *dirty;                 /* bit n: 4 KiB page n may have been written since the last reset */
	uint64_t *recent;                /* the same since the checker last looked (the Linux machine; lparsec/inv_os.h) */
	struct lp_exec *x;               /* the program run the core's stores and flushes are reported to */
	uint64_t rng;                    /* the seeded random source of a program run */
};

static uint64_t dirty0[FW_PAGES / 64], dirty1[FW_PAGES / 64], dirty_linux[LINUX_PAGES / 64];
static uint64_t recent_linux[LINUX_PAGES / 64];
static struct hv_plat plats[3] = {
	{ .ra = 0, .bytes = FW_MACHINE_BYTES, .dirty = dirty0 },
	{ .ra = FW_MACHINE1_RA, .bytes = FW_MACHINE_BYTES, .dirty = dirty1 },
	{ .ra = 0, .bytes = FW_LINUX_MACHINE_BYTES, .dirty = dirty_linux, .recent = recent_linux },
};
static bool plant_lost_dirty; /* FW_PLANT_LOST_DIRTY */

void fw_plat_plant_lost_dirty(bool on)
{
	plant_lost_dirty = on;
}
static struct lp_scn *console_scn;
static uint32_t raw_console_lpid; /* 0: none */

struct hv_plat *fw_plat(unsigned machine)
{
	return &plats[machine < 3 ? machine : 0];
}

void fw_plat_console_to(struct lp_scn *scn)
{
	console_scn = scn;
}

void fw_plat_console_raw(uint32_t lpid)
{
	raw_console_lpid = lpid;
}

void fw_plat_report_to(struct hv_plat *plat, struct lp_exec *x)
{
	plat->x = x;
}

const uint64_t *fw_plat_dirty_map(const struct hv_plat *plat)
{
	return plat->dirty;
}

uint64_t *fw_plat_recent_map(struct hv_plat *plat)
{
	return plat->recent;
}

void fw_plat_mark(struct hv_plat *plat, uint64_t ra, uint64_t len)
{
	uint64_t pg, last;

	if (!len || ra >= plat->bytes) {
		return;
	}
	last = ra + len - 1 < plat->bytes ? (ra + len - 1) >> PAGE_SHIFT : (plat->bytes >> PAGE_SHIFT) - 1;
	for (pg = ra >> PAGE_SHIFT; pg <= last; pg++) {
		plat->dirty[pg >> 6] |= 1ull << (pg & 63);
		if (plat->recent) {
			plat->recent[pg >> 6] |= 1ull << (pg & 63);
		}
	}
}

/* Zeroes every page written since the last reset (past the head, which holds the vectors) and forgets them. */
void fw_plat_reset(struct hv_plat *plat)
{
	uint64_t pg, pages = plat->bytes >> PAGE_SHIFT;

	for (pg = FW_HEAD_BYTES >> PAGE_SHIFT; pg < pages; pg++) {
		if (plat->dirty[pg >> 6] >> (pg & 63) & 1) {
			uint64_t a, ea = FW_EA(plat->ra + (pg << PAGE_SHIFT));

			for (a = 0; a < (1ull << PAGE_SHIFT); a += 128) {
				__asm__ volatile("dcbz 0,%0" : : "r"(ea + a) : "memory");
			}
		}
	}
	for (pg = 0; pg < pages / 64; pg++) {
		plat->dirty[pg] = 0;
		if (plat->recent) {
			plat->recent[pg] = 0;
		}
	}
	plat->rng = HV_SEEDED_RANDOM_DEFAULT;
}

/*
 * Real address ra of the machine at effective address FW_EA(base + ra): in
 * hypervisor real mode the processor ignores the top four bits of an
 * effective address, and machine 0's memory starts at real address 0,
 * which must not be a null pointer to the compiler.
 */
uint8_t *plat_mem_base(struct hv_plat *plat)
{
	return (uint8_t *)(uintptr_t)FW_EA(plat->ra);
}

uint64_t plat_mem_size(struct hv_plat *plat)
{
	return plat->bytes;
}

/* Dirty tracking makes a reset cost what the last machine touched; a program run judges every store. */
void plat_mem_dirty(struct hv_plat *plat, hv_raddr_t ra, uint64_t len)
{
	if (plat->x) {
		lp_exec_on_mem_write(plat->x, plat, ra.v, len);
		if (plant_lost_dirty && ra.v >= plat->x->memmap.hyp_end[plat == &plats[1]]) {
			return; /* the planted bug: the dirty map misses the core's stores into partition memory */
		}
	}
	fw_plat_mark(plat, ra.v, len);
}

bool plat_mem_maybe_written(struct hv_plat *plat, hv_raddr_t ra, uint64_t len)
{
	uint64_t pg;

	if (!len) {
		return false;
	}
	for (pg = ra.v >> PAGE_SHIFT; pg <= (ra.v + len - 1) >> PAGE_SHIFT; pg++) {
		if (pg >= (plat->bytes >> PAGE_SHIFT) || (plat->dirty[pg >> 6] >> (pg & 63) & 1)) {
			return true;
		}
	}
	return false;
}

/* The processor records R and C itself; partitions store to memory without the platform seeing it. */
uint32_t plat_caps(struct hv_plat *plat)
{
	(void)plat;
	return HV_PLAT_CAP_GUEST_STORES_UNSEEN;
}

void plat_hpte_sync(struct hv_plat *plat)
{
	(void)plat;
	__asm__ volatile("ptesync" : : : "memory");
}

/* tlbie RB, RS = LPID with RIC = PRS = R = 0 (hash), then the sequence that waits for every thread. */
void plat_tlb_flush_entry(struct hv_plat *plat, uint32_t lpid, uint64_t rb)
{
	__asm__ volatile("ptesync; tlbie %0,%1,0,0,0; eieio; tlbsync; ptesync"
			 : : "r"(rb), "r"((uint64_t)lpid) : "memory");
	if (plat->x) {
		lp_exec_on_tlb_flush_entry(plat->x, plat, lpid, rb);
	}
}

/* IS = 2 (RB bits 52:53): every translation of the LPID in RS. */
void plat_tlb_flush_lpid(struct hv_plat *plat, uint32_t lpid)
{
	__asm__ volatile("ptesync; tlbie %0,%1,0,0,0; eieio; tlbsync; ptesync"
			 : : "r"(2ull << 10), "r"((uint64_t)lpid) : "memory");
	if (plat->x) {
		lp_exec_on_tlb_flush_lpid(plat->x, plat, lpid);
	}
}

/*
 * No I/O adapter of QEMU's translates through the windows: the device of a
 * program run is the harness's, whose IOTLB this invalidates.
 */
void plat_iotlb_flush(struct hv_plat *plat, uint32_t lpid, uint32_t liobn, uint64_t ioba)
{
	if (plat->x) {
		lp_exec_on_iotlb_flush(plat->x, plat, lpid, liobn, ioba);
	}
}

/*
 * The partition switch happens at every guest entry instead (cpu.c loads
 * LPIDR and all 32 SLB entries from the register file each time), so
 * there is nothing to remember here.
 */
void plat_thread_run_partition(struct hv_plat *plat, uint32_t thread, uint32_t lpid)
{
	(void)plat;
	(void)thread;
	(void)lpid;
}

void plat_thread_idle(struct hv_plat *plat, uint32_t thread)
{
	(void)plat;
	(void)thread;
}

/* A scenario parses its partitions' consoles; a program run's writes are shown on a line each, apart from its results. */
void plat_console_write(struct hv_plat *plat, uint32_t lpid, const uint8_t *bytes, unsigned len)
{
	unsigned i;

	(void)plat;
	if (lpid && lpid == raw_console_lpid) {
		for (i = 0; i < len; i++) {
			fw_putc((char)bytes[i]);
		}
		return;
	}
	if (console_scn) {
		lp_scn_console(console_scn, lpid, bytes, len);
		return;
	}
	fw_printf("[console] LPID %u: ", lpid);
	for (i = 0; i < len; i++) {
		fw_putc(bytes[i] >= 0x20 && bytes[i] < 0x7F ? (char)bytes[i] : '.');
	}
	fw_putc('\n');
}

/*
 * darn (ISA 3.0), conditioned 64 bits; all ones means the source failed. A
 * program run takes the host library's seeded source instead: its H_RANDOM
 * answers are compared with the host-direct run's.
 */
bool plat_random(struct hv_plat *plat, uint64_t *out)
{
	uint64_t v;

	if (plat->x) {
		*out = hv_seeded_random(&plat->rng);
		return true;
	}
	__asm__ volatile("darn %0,1" : "=r"(v));
	if (v == ~0ull) {
		return false;
	}
	*out = v;
	return true;
}

_Noreturn void plat_panic(struct hv_plat *plat, const char *file, int line, const char *check)
{
	(void)plat;
	fw_printf("HV_CHECK failed: %s at %s:%d\n", check, file, line);
	fw_puts("lparsec-fw: VERDICT FAIL (the core found its own state inconsistent)\n");
	fw_power_off();
}
