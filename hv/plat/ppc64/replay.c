/*
 * Differential replay in the firmware: harness programs run through the
 * executor (lparsec/exec.h) with the "qemu" driver, whose hcalls, loads
 * and stores are real instructions of the program interpreter guest
 * (emu/guests/interp.S, lparsec/interp.h) in the vCPU's partition -- `sc 1`
 * with the resolved arguments, `ld` / `std` at the effective address --
 * through the processor's own hash MMU walking the core's HPTs. Every
 * access is also predicted by the harness's walk (own_mmu: a difference is
 * I12 here); every operation's result and the verdict are printed as
 * lparsec/transcript.h lines, which tools/qemu/replay.py compares with the
 * host-direct run of the same program.
 *
 * The executor's second machine (the migration target) keeps its memory at
 * FW_MACHINE1_RA, but the MMU translates a partition's real addresses
 * as they are, from 0: while machine 1's partition code runs, the pages
 * either machine wrote are swapped between the two places, and swapped back
 * before the core runs again (its pointers name the usual places).
 *
 * Batch format (tools/qemu/replay.py writes it; big-endian): "LPSMBAT1",
 * u32 count, then per program u32 flags (bit 0: backdoor operations on),
 * u32 name length, u32 program length, the name, the binary program.
 */
#include "fw.h"
#include "hv/hcall.h"
#include "hv/introspect.h"
#include "hv/papr.h"
#include "hv/plat.h"
#include "lparsec/exec.h"
#include "lparsec/interp.h"
#include "lparsec/inv.h"
#include "lparsec/transcript.h"

#define BATCH_MAGIC       "LPSMBAT1"
#define BATCH_BACKDOOR    0x1u
#define NAME_MAX_SHOWN    200
#define TIMEBASE_PER_US   512ull
#define VECTOR_SC1        0xC00
#define VECTOR_HDSI       0xE00
#define INTERP_MSR        (MSR_SF | MSR_IR | MSR_DR | MSR_ME | MSR_RI)
#define SLB_ESID_V        (1ull << 27)
#define HDEC_FAR          0x7FFFFFFFu
#define PAGE_BYTES        4096ull

/* The interpreter's image (interp_image.S, from emu/guests/interp.S), page aligned: its real address is its own. */
extern const unsigned char fw_interp_image[];

struct replay {
	struct lp_driver drv;
	unsigned plants;           /* enum fw_replay_plant: deliberate driver bugs (tests) */
	struct lp_interp_slot slot;
	struct hv_regs cpu;        /* what the processor runs during a slice */
	uint64_t ptcr;             /* the partition table the processor was pointed at, + 1 (0: none this program) */
	/* Counts of the batch, for the summary line. */
	unsigned long long slices, hcalls, accesses, faults, swaps, swapped_pages;
};

static struct replay rp;
static struct lp_exec x;
static struct lp_prog prog;

struct lp_exec *fw_replay_exec(struct lp_prog **scratch)
{
	*scratch = &prog;
	return &x;
}

static _Noreturn void driver_failed(const char *what, uint64_t a, uint64_t b)
{
	fw_printf("lparsec-fw: replay: the qemu driver failed: %s (0x%llx, 0x%llx; SRR0 0x%llx SRR1 0x%llx HSRR0 0x%llx "
		  "HSRR1 0x%llx; interpreter at 0x%llx through HPTE 0x%llx)\n", what, (unsigned long long)a,
		  (unsigned long long)b, (unsigned long long)fw_mfspr_srr0(), (unsigned long long)fw_mfspr_srr1(),
		  (unsigned long long)fw_mfspr_hsrr0(), (unsigned long long)fw_mfspr_hsrr1(),
		  (unsigned long long)rp.slot.ea, (unsigned long long)rp.slot.ptex);
	fw_puts("lparsec-fw: VERDICT FAIL (the replay driver failed)\n");
	fw_power_off();
}

/* ---- machine 1's memory at real address 0 while its partitions run ---- */

/* Swaps every page either machine may have written between machine 0's place and machine 1's. */
static void swap_machines(void)
{
	const uint64_t *d0 = fw_plat_dirty_map(fw_plat(0)), *d1 = fw_plat_dirty_map(fw_plat(1));
	uint64_t pg;

	for (pg = FW_HEAD_BYTES / PAGE_BYTES; pg < FW_MACHINE_BYTES / PAGE_BYTES; pg++) {
		if ((d0[pg >> 6] | d1[pg >> 6]) >> (pg & 63) & 1) {
			uint64_t *a = (uint64_t *)(uintptr_t)FW_EA(pg * PAGE_BYTES);
			uint64_t *b = (uint64_t *)(uintptr_t)FW_EA(FW_MACHINE1_RA + pg * PAGE_BYTES);
			unsigned i;

			for (i = 0; i < PAGE_BYTES / 8; i++) {
				uint64_t t = a[i];

				a[i] = b[i];
				b[i] = t;
			}
			rp.swapped_pages++;
		}
	}
	rp.swaps++;
	/*
	 * The two machines use the same LPIDs: nothing translated for one may be
	 * used for the other (every TLB set; QEMU drops its whole TLB at the first).
	 */
	for (pg = 0; pg < 256; pg++) {
		__asm__ volatile("tlbiel %0,%1,0,0,0" : : "r"((pg << 12) | (3ull << 10)), "r"(0ull) : "memory");
	}
	__asm__ volatile("ptesync; isync" : : : "memory");
}

/* ---- the interpreter's slices ---- */

/*
 * Runs the interpreter's entry on the processor for the vCPU the core runs
 * on thread t of machine mi, with r3..r12 from in; returns the vector that
 * ended it and the address after the instruction that did (*pc), the
 * processor's registers in rp.cpu.
 */
static uint64_t interp_slice(unsigned mi, uint32_t t, unsigned entry, const uint64_t *in, uint64_t *pc)
{
	struct hv_machine *m = &x.m[mi];
	struct hv_partition *p = &m->part[m->thread[t].part];
	struct hv_regs *r = &rp.cpu;
	uint64_t vector;
	unsigned i;

	if (!lp_interp_borrow(&rp.slot, m, p, (uint64_t)(uintptr_t)fw_interp_image)) {
		driver_failed("no free HPTE slot for the interpreter (LPID, HPT entries)", p->lpid, p->nhpte);
	}
	fw_plat_mark(fw_plat(mi), p->hpt.v + rp.slot.ptex * 16, 16); /* so that a swap carries it */
	/* Only what the program model assumes (prog.h): no register of the vCPU's reaches the MMU. */
	__builtin_memset(r, 0, sizeof(*r));
	for (i = 0; i < 10; i++) {
		r->r[HV_REG_GPR + 3 + i] = in[i];
	}
	r->r[HV_REG_NIA] = rp.slot.ea + entry;
	r->r[HV_REG_MSR] = INTERP_MSR;
	for (i = 0; i < LP_PROGRAM_ESIDS; i++) {
		r->r[HV_REG_SLBE + i] = ((uint64_t)i << 28) | SLB_ESID_V;
		/* The program's segment: VSID, and L || LP for its base page (papr-spec §2.5: 64K 0x110, 16M 0x100). */
		r->r[HV_REG_SLBV + i] = (uint64_t)prog.cfg.seg[i].vsid << 12 |
					(prog.cfg.seg[i].shift == 16 ? 0x110 : prog.cfg.seg[i].shift == 24 ? 0x100 : 0);
	}
	for (i = 0; i < LP_INTERP_ALIASES; i++) {
		r->r[HV_REG_SLBE + LP_PROGRAM_ESIDS + i] = LP_INTERP_EA(i) | SLB_ESID_V;
		r->r[HV_REG_SLBV + LP_PROGRAM_ESIDS + i] = LP_INTERP_VSID(i) << 12;
	}
	if (mi && !(rp.plants & FW_PLANT_NO_SWAP)) {
		swap_machines();
	}
	if (rp.ptcr != m->part_table.v + 1) {
		fw_cpu_init(m->part_table.v);
		rp.ptcr = m->part_table.v + 1;
	}
	fw_cpu_set_hdec(HDEC_FAR);
	fw_cpu_load(r, p);
	vector = fw_enter_guest(fw_boot_cpu(), r);
	fw_cpu_store(r);
	*pc = vector == VECTOR_SC1 ? fw_mfspr_srr0() : fw_mfspr_hsrr0();
	if (mi && !(rp.plants & FW_PLANT_NO_SWAP)) {
		swap_machines();
	}
	lp_interp_return(&rp.slot);
	rp.slices++;
	return vector;
}

static enum hv_exit qemu_hcall(struct lp_exec *xp, unsigned machine, uint32_t thread)
{
	struct hv_machine *m = &xp->m[machine & 1];
	struct hv_thread *th = &m->thread[thread];
	uint64_t pc, vector;
	unsigned i;

	vector = interp_slice(machine & 1, thread, LP_INTERP_HCALL, &th->regs.r[HV_REG_GPR + 3], &pc);
	if (vector != VECTOR_SC1 || pc != rp.slot.ea + LP_INTERP_HCALL + 4) {
		driver_failed("the interpreter's sc 1 did not reach the hypervisor (vector, address)", vector, pc);
	}
	/* What the hypervisor entry stub does: the caller's r3..r12 into the register file, then hv_enter. */
	for (i = 0; i < 10; i++) {
		th->regs.r[HV_REG_GPR + 3 + i] = rp.cpu.r[HV_REG_GPR + 3 + i];
	}
	rp.hcalls++;
	return hv_enter(m, thread, HV_CAUSE_SC1);
}

static uint8_t qemu_access(struct lp_exec *xp, unsigned machine, uint32_t thread, unsigned part, uint64_t ea,
			   bool store, uint64_t *value)
{
	uint64_t in[10] = { 0 }, pc, vector;
	unsigned entry = store ? LP_INTERP_STORE : LP_INTERP_LOAD;

	(void)xp;
	(void)part;
	rp.accesses++;
	if (ea >> 32) {
		/* The program's SLB ends at ESID 15 (prog.h): a segment fault; the interpreter's aliases live up there. */
		rp.faults++;
		return LP_FAULT;
	}
	in[1] = store ? *value : 0; /* r4 */
	in[2] = ea;                 /* r5 */
	vector = interp_slice(machine & 1, thread, entry, in, &pc);
	if (vector == VECTOR_HDSI && pc == rp.slot.ea + entry) {
		rp.faults++; /* LPCR[VPM1]: a translation or permission fault of the partition is the hypervisor's */
		return LP_FAULT;
	}
	if (vector != VECTOR_SC1 || pc != rp.slot.ea + entry + 8) {
		driver_failed("the interpreter's access ended elsewhere (vector, address)", vector, pc);
	}
	if (!store) {
		/* The planted bug reads the register file the slice started from, not the processor's. */
		*value = rp.plants & FW_PLANT_STALE_LOAD ? in[1] : rp.cpu.r[HV_REG_GPR + 4];
	}
	return LP_RAN;
}

/* ---- the batch ---- */

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void print_run(void)
{
	char line[LP_TRANSCRIPT_LINE];
	uint32_t i;

	for (i = 0; i < x.ops_run; i++) {
		lp_transcript_op(&x, i, line, sizeof(line));
		fw_printf("[replay] %s\n", line);
	}
	lp_transcript_verdict(&x, line, sizeof(line));
	fw_printf("[replay] %s\n", line);
	if (x.viol.inv != LP_INV_NONE) {
		lp_transcript_message(&x, line, sizeof(line));
		fw_printf("[replay] %s\n", line);
	}
}

/* One program of the batch on fresh machines. */
static void replay_one(const uint8_t *name, uint32_t name_len, const uint8_t *bin, uint32_t len, bool backdoor)
{
	uint64_t start = fw_timebase();
	unsigned i;

	fw_puts("[replay] program ");
	for (i = 0; i < name_len && i < NAME_MAX_SHOWN; i++) {
		fw_putc(name[i] >= 0x20 && name[i] < 0x7F ? (char)name[i] : '?');
	}
	__builtin_memset(&prog, 0, sizeof(prog));
	lp_prog_decode(bin, len, &prog);
	fw_printf(" (%u operation%s)\n", prog.nops, prog.nops == 1 ? "" : "s");
	if (lp_cfg_mem_bytes(&prog.cfg) > FW_MACHINE_BYTES) {
		/* Version 2 machines larger than the firmware's: said, not run (replay.py reports it). */
		fw_printf("[replay] unsupported: the program's machines have %llu MiB of memory, the firmware's %llu MiB\n",
			  (unsigned long long)(lp_cfg_mem_bytes(&prog.cfg) >> 20), (unsigned long long)(FW_MACHINE_BYTES >> 20));
		return;
	}
	fw_plat_reset(fw_plat(0));
	fw_plat_reset(fw_plat(1));
	rp.ptcr = 0;
	fw_plat_report_to(fw_plat(0), &x);
	fw_plat_report_to(fw_plat(1), &x);
	if (lp_exec_run(&x, &prog, fw_plat(0), fw_plat(1), backdoor) == LP_INV_NONE) {
		uint64_t unused = 0;
		unsigned m;

		/* As repro does after a clean run: nothing stored behind the platforms' backs (every page they call clean). */
		for (m = 0; m < 2 && x.viol.inv == LP_INV_NONE; m++) {
			if (m == 0 || x.memmap.used1) {
				lp_inv_check_unreported(&x, m, fw_plat_dirty_map(fw_plat(m)), 0, &unused);
			}
		}
	}
	fw_plat_report_to(fw_plat(0), 0);
	fw_plat_report_to(fw_plat(1), 0);
	print_run();
	fw_printf("[replay] time: %llu us\n", (unsigned long long)((fw_timebase() - start) / TIMEBASE_PER_US));
}

static void driver_init(unsigned plants)
{
	rp.plants = plants;
	fw_plat_plant_lost_dirty((plants & FW_PLANT_LOST_DIRTY) != 0);
	rp.drv = lp_driver_host;
	rp.drv.name = "qemu";
	rp.drv.caps = HV_PLAT_CAP_GUEST_STORES_UNSEEN;
	rp.drv.own_mmu = true;
	rp.drv.hcall = qemu_hcall;
	rp.drv.access = qemu_access;
	rp.slot.ptex = ~0ull;
	x.drv = &rp.drv;
	x.inv.thorough = true; /* every check after every operation, as the host-direct repro it is compared with */
}

bool fw_replay(const uint8_t *start, const uint8_t *end, unsigned plants)
{
	static const char magic[] = BATCH_MAGIC;
	const uint8_t *p = start + 12;
	uint32_t count, n, i;
	uint64_t t0 = fw_timebase();

	if (end - start < 12) {
		fw_printf("lparsec-fw: replay: the program batch is %lld bytes, shorter than its header\n",
			  (long long)(end - start));
		return false;
	}
	for (i = 0; i < 8; i++) {
		if (start[i] != (uint8_t)magic[i]) {
			fw_puts("lparsec-fw: replay: the initrd is not a program batch (no LPSMBAT1 magic)\n");
			return false;
		}
	}
	count = be32(start + 8);
	driver_init(plants);
	fw_printf("[replay] batch of %u program%s (%lld bytes)\n", count, count == 1 ? "" : "s", (long long)(end - start));
	for (n = 0; n < count; n++) {
		uint32_t flags, name_len, len;

		if (end - p < 12) {
			fw_printf("lparsec-fw: replay: the batch ends inside the header of program %u of %u\n", n + 1, count);
			return false;
		}
		flags = be32(p);
		name_len = be32(p + 4);
		len = be32(p + 8);
		p += 12;
		if ((uint64_t)(end - p) < (uint64_t)name_len + len) {
			fw_printf("lparsec-fw: replay: the batch ends inside program %u of %u (%u + %u bytes announced)\n",
				  n + 1, count, name_len, len);
			return false;
		}
		replay_one(p, name_len, p + name_len, len, (flags & BATCH_BACKDOOR) != 0);
		p += name_len + len;
	}
	fw_printf("[replay] done: %u program%s in %llu ms; %llu interpreter slices (%llu hcalls, %llu accesses, "
		  "%llu faults), %llu machine swaps (%llu pages)\n",
		  count, count == 1 ? "" : "s", (unsigned long long)((fw_timebase() - t0) / TIMEBASE_PER_US / 1000),
		  rp.slices, rp.hcalls, rp.accesses, rp.faults, rp.swaps, rp.swapped_pages);
	return true;
}
