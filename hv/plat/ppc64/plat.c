/*
 * hv/plat.h on POWER9/10 under QEMU powernv: real memory is the machine's
 * memory (no arena), the MMU is the processor's own, and the TLB is
 * invalidated with the architected tlbie sequence.
 */
#include "hv/plat.h"

#include "fw.h"
#include "lparsec/scenario.h"

struct hv_plat {
	int unused;
};

static struct hv_plat the_plat;
static struct lp_scn *console_scn;

struct hv_plat *fw_plat(void)
{
	return &the_plat;
}

void fw_plat_console_to(struct lp_scn *scn)
{
	console_scn = scn;
}

/*
 * Real address ra at effective address 0xC000000000000000 + ra: in
 * hypervisor real mode the processor ignores the top four bits of an
 * effective address, and the machine's memory starts at real address 0,
 * which must not be a null pointer to the compiler.
 */
uint8_t *plat_mem_base(struct hv_plat *plat)
{
	(void)plat;
	return (uint8_t *)(uintptr_t)0xC000000000000000ull;
}

uint64_t plat_mem_size(struct hv_plat *plat)
{
	(void)plat;
	return FW_MACHINE_BYTES;
}

/* No dirty tracking: every machine is set up on memory the firmware zeroed whole. */
void plat_mem_dirty(struct hv_plat *plat, hv_raddr_t ra, uint64_t len)
{
	(void)plat;
	(void)ra;
	(void)len;
}

bool plat_mem_maybe_written(struct hv_plat *plat, hv_raddr_t ra, uint64_t len)
{
	(void)plat;
	(void)ra;
	(void)len;
	return true;
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
	(void)plat;
	__asm__ volatile("ptesync; tlbie %0,%1,0,0,0; eieio; tlbsync; ptesync"
			 : : "r"(rb), "r"((uint64_t)lpid) : "memory");
}

/* IS = 2 (RB bits 52:53): every translation of the LPID in RS. */
void plat_tlb_flush_lpid(struct hv_plat *plat, uint32_t lpid)
{
	(void)plat;
	__asm__ volatile("ptesync; tlbie %0,%1,0,0,0; eieio; tlbsync; ptesync"
			 : : "r"(2ull << 10), "r"((uint64_t)lpid) : "memory");
}

/* No I/O adapter translates through the windows here: nothing caches a TCE. */
void plat_iotlb_flush(struct hv_plat *plat, uint32_t lpid, uint32_t liobn, uint64_t ioba)
{
	(void)plat;
	(void)lpid;
	(void)liobn;
	(void)ioba;
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

void plat_console_write(struct hv_plat *plat, uint32_t lpid, const uint8_t *bytes, unsigned len)
{
	unsigned i;

	(void)plat;
	if (console_scn) {
		lp_scn_console(console_scn, lpid, bytes, len);
		return;
	}
	for (i = 0; i < len; i++) {
		fw_putc((char)bytes[i]);
	}
}

/* darn (ISA 3.0), conditioned 64 bits; all ones means the source failed. */
bool plat_random(struct hv_plat *plat, uint64_t *out)
{
	uint64_t v;

	(void)plat;
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
