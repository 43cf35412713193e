/*
 * Linux in a partition (issue 17): the firmware boots Debian's stock
 * ppc64el kernel as an LPAR of the core, the way kexec enters a kernel on
 * a PAPR machine -- the ELF image loaded at logical 0, r3 = the flattened
 * device tree (partition.dts), r5 = 0 (no Open Firmware), translation off
 * through the partition's virtual real-mode area, big-endian until the
 * kernel asks for little-endian interrupts with H_SET_MODE.
 *
 * QEMU loads the pieces: -kernel puts the ELF file at real 0x20000000,
 * -initrd the initramfs at 0x28000000 (both past the Linux machine, which
 * is the first FW_LINUX_MACHINE_BYTES of real memory). The partition's
 * logical memory, all of it in the VRMA:
 *
 *   [0, kernel end)             the kernel's PT_LOAD segment (and its BSS)
 *   LINUX_RTAS_LA               the RTAS stub (sc 1 with H_RTAS, blr)
 *   LINUX_FDT_LA                the device tree
 *   LINUX_INITRD_LA             the initramfs
 *   [LINUX_RMA_BYTES, 256 MiB)  the rest of its memory, reached only with translation on
 *
 * The partition's console goes to the UART as it is written; every
 * hypervisor entry is counted by cause and every hcall by opcode, and every
 * hcall is recorded (up to LINUX_TRACE_MAX) -- the registers going in and
 * coming out, and for the calls that read partition memory (H_RTAS's
 * argument block, H_REGISTER_VPA's area) the memory they read -- and
 * printed at the end with lparsec.trace[=N|all] as "[trace]" and
 * "[trace-mem]" lines, the first FW_TRACE_DEFAULT_SHOWN by default
 * (tools/linux/import_trace.py turns them into harness programs).
 *
 * Linux is not alone: attacker guests of emu/guests (lparsec.beside, by
 * default BESIDE_DEFAULT) run as partitions of the same machine, loaded
 * and judged as a scenario (lparsec/scenario.h: their PASS / FAIL lines,
 * canaries and marks found anywhere in memory), on the same hardware
 * thread in turns -- short HDEC slices for them, long ones for Linux. The
 * invariant checker (lparsec/inv_os.h) runs at every dispatch and sweeps
 * the whole machine at the end; the boot passes only when Linux powered
 * off by itself, every attacker passed and no invariant broke.
 */
#include "fw.h"
#include "hv/hcall.h"
#include "hv/introspect.h"
#include "lparsec/inv_os.h"
#include "lparsec/scenario.h"

#define LINUX_LMB_SHIFT     24                  /* 16 MiB LMBs */
#define LINUX_PART_LMBS     16                  /* 256 MiB */
/*
 * The real-mode area: what the kernel reaches with translation off (its
 * image, the device tree, the initramfs, RTAS, and every structure its
 * interrupt entry touches), the first memory node as PowerVM describes it.
 * 4 KiB VRMA pages: QEMU's POWER9 keeps no LPCR[VRMASD] (its LPCR mask
 * drops the field), so its VRMA segment always has 4 KiB pages -- 32768
 * bolted entries, an eighth of the HPT.
 */
#define LINUX_RMA_BYTES     (128ull << 20)
#define LINUX_VRMA_SHIFT    12
#define LINUX_HPT_ORDER     22                  /* 4 MiB: 32768 PTEGs */
#define LINUX_RTAS_LA       0x4000000ull
#define LINUX_RTAS_BYTES    0x1000ull
#define LINUX_FDT_LA        0x4010000ull
#define LINUX_FDT_MAX       0xF0000ull
#define LINUX_INITRD_LA     0x4100000ull
#define LINUX_INITRD_MAX    (32ull << 20)
#define LINUX_SLICE         (512000u * 10)      /* 10 ms of the 512 MHz timebase per HDEC slice */
#define ATTACKER_SLICE      25600u              /* 50 us: attackers are preempted mid-loop, as in the scenarios */
#define ATTACKER_LMBS       1                   /* 16 MiB each */
#define MAX_ATTACKERS       (LP_SCN_MAX_PARTS - 1)
#define BESIDE_DEFAULT      "att_memory,att_regs,att_tce"
#define TIMEBASE_PER_MS     512000ull
#define LINUX_BUDGET_MS     600000ull           /* of the timebase (QEMU's virtual clock) */

_Static_assert(LINUX_RMA_BYTES == 0x8000000, "partition.dts names its second memory node after the RMA's end");
_Static_assert(LINUX_RTAS_LA == 0x4000000 && LINUX_RTAS_BYTES == 0x1000, "partition.dts reserves the RTAS stub's page");
_Static_assert(LINUX_INITRD_LA + LINUX_INITRD_MAX <= LINUX_RMA_BYTES, "the kernel reads its initramfs in real mode");

#define EM_PPC64 21
#define PT_LOAD  1

extern const uint8_t fw_linux_dtb[];
extern const uint64_t fw_linux_dtb_len;

static struct hv_machine *mach; /* the checker's machine 0 (replay.c's context, which this boot does not use) */
static struct fw_cpu *cpu;
static uint32_t slot;          /* Linux's */
static uint64_t entries_by_cause[8], hcalls, unknown_hcalls, other_exits, attacker_entries;
/* The attackers, as a scenario on the Linux machine, and the checker watching the whole machine. */
static struct lp_scenario beside = { "linux-box", "attacker guests beside Linux", { 0 }, { 0 }, 1, { { 0 } } };
static struct lp_scn scn;
static struct lp_inv_os watch;
static uint64_t dispatches, check_ticks; /* check_ticks: timebase spent in the dispatch checks */
/* The partition's hcalls: r3..r12 going in, r3..r12 coming out (at FW_TRACE_RA: no BSS to clear). */
struct trace_rec {
	uint64_t in[10], out[10];
};
#define LINUX_TRACE_MAX   (unsigned)(FW_TRACE_BYTES / sizeof(struct trace_rec))
static struct trace_rec *const trace = (struct trace_rec *)(uintptr_t)FW_EA(FW_TRACE_RA);
static unsigned traced;
/* What the memory-reading calls read: TRACE_MEM_WORDS doublewords from la (8-aligned) before call `call`. */
#define TRACE_MEM_WORDS 10
#define TRACE_MEM_MAX   4096
static struct {
	uint32_t call;
	uint64_t la, words[TRACE_MEM_WORDS];
} trace_mem[TRACE_MEM_MAX];
static unsigned traced_mem;

/* Per opcode (index opcode / 4; the last one H_RTAS): calls, and how many answered H_SUCCESS. */
#define OPCODE_SLOTS (H_MAX_OPCODE / 4 + 2)
static struct {
	uint32_t calls, success;
} by_opcode[OPCODE_SLOTS];

static unsigned opcode_slot(uint64_t opcode)
{
	return opcode == H_RTAS ? OPCODE_SLOTS - 1 : (unsigned)(opcode / 4);
}

/* The hcall table of the README: every opcode Linux used, its calls and successes. */
static void print_hcall_counts(void)
{
	unsigned i;

	fw_puts("[hv] linux: hcalls by opcode (calls, H_SUCCESS):");
	for (i = 0; i < OPCODE_SLOTS; i++) {
		uint64_t opcode = i == OPCODE_SLOTS - 1 ? H_RTAS : (uint64_t)i * 4;

		if (by_opcode[i].calls) {
			fw_printf(" %s %u %u,", hv_hcall_name(opcode), by_opcode[i].calls, by_opcode[i].success);
		}
	}
	fw_puts("\n");
}

/* RTAS as the partition calls it (real mode, big-endian, r3 = argument block): hand it to the hypervisor. */
static const uint32_t rtas_stub[] = {
	0x7c641b78, /* mr    r4,r3          the argument block */
	0x3c600000, /* lis   r3,0 */
	0x6063f000, /* ori   r3,r3,0xf000   H_RTAS */
	0x44000022, /* sc    1 */
	0x4e800020, /* blr */
};

/* ---- the ELF image (little-endian fields, read on a big-endian CPU) ---- */

static uint64_t le(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;

	while (n--) {
		v = v << 8 | p[n];
	}
	return v;
}

struct elf_load {
	uint64_t offset, paddr, filesz, memsz;
};

/* The one PT_LOAD segment of a 64-bit little-endian PowerPC ELF at image; false with a reason. */
static bool elf_segment(const uint8_t *image, struct elf_load *seg, uint64_t *entry, const char **why)
{
	uint64_t phoff, i, loads = 0;
	unsigned phentsize, phnum;

	if (!(image[0] == 0x7f && image[1] == 'E' && image[2] == 'L' && image[3] == 'F')) {
		*why = "no ELF file at the -kernel address";
		return false;
	}
	if (image[4] != 2 || image[5] != 1 || le(image + 18, 2) != EM_PPC64) {
		*why = "the kernel is not a 64-bit little-endian PowerPC ELF file";
		return false;
	}
	*entry = le(image + 24, 8);
	phoff = le(image + 32, 8);
	phentsize = (unsigned)le(image + 54, 2);
	phnum = (unsigned)le(image + 56, 2);
	for (i = 0; i < phnum; i++) {
		const uint8_t *ph = image + phoff + i * phentsize;

		if (le(ph, 4) != PT_LOAD) {
			continue;
		}
		seg->offset = le(ph + 8, 8);
		seg->paddr = le(ph + 24, 8);
		seg->filesz = le(ph + 32, 8);
		seg->memsz = le(ph + 40, 8);
		loads++;
	}
	if (loads != 1 || seg->paddr != 0 || seg->filesz > seg->memsz) {
		*why = "the kernel does not have one PT_LOAD segment at physical address 0";
		return false;
	}
	if (seg->memsz > LINUX_RTAS_LA) {
		*why = "the kernel's image reaches past where the RTAS stub goes";
		return false;
	}
	return true;
}

/* ---- the partition ---- */

static bool fail(const char *what, long rc)
{
	fw_printf("lparsec-fw: linux: %s (%ld)\n", what, rc);
	return false;
}

/* The partition's device tree: partition.dts with what was decided at boot filled in. */
static bool device_tree(uint8_t *fdt, uint64_t initrd_bytes)
{
	uint64_t mem = (uint64_t)LINUX_PART_LMBS << LINUX_LMB_SHIFT, end = LINUX_INITRD_LA + initrd_bytes;
	uint64_t rest = mem - LINUX_RMA_BYTES;
	const uint32_t rma[4] = { 0, 0, (uint32_t)(LINUX_RMA_BYTES >> 32), (uint32_t)LINUX_RMA_BYTES };
	const uint32_t memory[4] = { (uint32_t)(LINUX_RMA_BYTES >> 32), (uint32_t)LINUX_RMA_BYTES, (uint32_t)(rest >> 32),
				     (uint32_t)rest };
	const uint32_t start[2] = { 0, (uint32_t)LINUX_INITRD_LA }, stop[2] = { (uint32_t)(end >> 32), (uint32_t)end };
	const uint32_t pft[2] = { 0, LINUX_HPT_ORDER };
	const uint32_t base = (uint32_t)LINUX_RTAS_LA, size = (uint32_t)LINUX_RTAS_BYTES;

	return fw_fdt_set_cells(fdt, "memory@0", "reg", rma, 4) &&
	       fw_fdt_set_cells(fdt, "memory@8000000", "reg", memory, 4) &&
	       fw_fdt_set_cells(fdt, "chosen", "linux,initrd-start", start, 2) &&
	       fw_fdt_set_cells(fdt, "chosen", "linux,initrd-end", stop, 2) &&
	       fw_fdt_set_cells(fdt, "cpus/cpu@0", "ibm,pft-size", pft, 2) &&
	       fw_fdt_set_cells(fdt, "rtas", "linux,rtas-base", &base, 1) &&
	       fw_fdt_set_cells(fdt, "rtas", "linux,rtas-entry", &base, 1) &&
	       fw_fdt_set_cells(fdt, "rtas", "rtas-size", &size, 1);
}

/* ---- the attackers beside it, and the checker ---- */

static void show(void *ctx, const char *line)
{
	(void)ctx;
	fw_printf("%s\n", line);
}

static unsigned scn_parts(void)
{
	unsigned n = 0;

	while (n < MAX_ATTACKERS && beside.guests[n]) {
		n++;
	}
	return n;
}

/* The attackers lparsec.beside names (comma separated; "none": Linux alone), at most MAX_ATTACKERS. */
static bool attackers_named(const char *list)
{
	static char names[128];
	unsigned n = 0, i = 0;

	while (list[i] && i + 1 < sizeof(names)) {
		names[i] = list[i];
		i++;
	}
	names[i] = 0;
	if (list[i]) {
		return fail("lparsec.beside is too long", (long)i);
	}
	if (names[0] == 'n' && names[1] == 'o' && names[2] == 'n' && names[3] == 'e' && !names[4]) {
		return true;
	}
	for (i = 0; names[i];) {
		if (n == MAX_ATTACKERS) {
			return fail("lparsec.beside names more attackers than fit beside Linux", MAX_ATTACKERS);
		}
		beside.guests[n] = &names[i];
		beside.lmbs[n++] = ATTACKER_LMBS;
		while (names[i] && names[i] != ',') {
			i++;
		}
		if (names[i]) {
			names[i++] = 0;
		}
	}
	for (i = 0; i < n; i++) {
		if (!lp_guest_find(beside.guests[i])) {
			fw_printf("lparsec-fw: linux: no guest named '%s' (lparsec.beside)\n", beside.guests[i]);
			return false;
		}
	}
	return true;
}

/* The attackers' partitions, before Linux's: loaded, mapped and started as every scenario's guests are. */
static bool attackers_setup(void)
{
	__builtin_memset(&scn, 0, sizeof(scn));
	scn.s = &beside;
	scn.out = show;
	scn.hv_canary_start = FW_HV_CANARY_START;
	scn.hv_canary_end = FW_HV_CANARY_END;
	fw_plat_console_to(&scn);
	if (lp_scn_setup(&scn, mach)) {
		lp_scn_verdict(&scn, "it could not start", 0);
		fw_printf("[hv] verdict: %s\n", scn.verdict);
		return fail("the attackers could not be set up", 0);
	}
	return true;
}

/*
 * The checker starts from the machine as built: every vCPU's first
 * dispatch must give it the entry state it was set up with (Linux's as
 * set here, the attackers' as the loader left it).
 */
static void watch_begin(const struct hv_regs *linux_entry)
{
	struct lp_prog *scratch;
	struct lp_exec *x = fw_replay_exec(&scratch);
	struct hv_regs r;
	unsigned i;

	lp_inv_os_begin(&watch, x, scratch, fw_plat_recent_map(fw_plat(FW_PLAT_LINUX)),
			FW_LINUX_MACHINE_BYTES >> 12);
	lp_inv_os_trapped(&watch, slot, 0, linux_entry, linux_entry->r[HV_REG_NIA], linux_entry->r[HV_REG_MSR],
			  LP_INV_OS_PREEMPTED, 0);
	for (i = 0; i < scn.nparts; i++) {
		if (hv_vcpu_regs_get(mach, scn.slot[i], 0, &r) == HV_OK) {
			lp_inv_os_trapped(&watch, scn.slot[i], 0, &r, r.r[HV_REG_NIA], r.r[HV_REG_MSR], LP_INV_OS_PREEMPTED,
					  0);
		}
	}
}

static bool build(const uint8_t *kernel, const uint8_t *initrd, uint64_t initrd_bytes)
{
	static uint8_t fdt[LINUX_FDT_MAX];
	struct hv_config cfg;
	struct hv_regs regs;
	struct elf_load seg = { 0, 0, 0, 0 };
	uint64_t entry, fdt_bytes = fw_linux_dtb_len, i;
	const char *why;
	long rc;

	if (!elf_segment(kernel, &seg, &entry, &why)) {
		return fail(why, 0);
	}
	if (initrd_bytes > LINUX_INITRD_MAX || fdt_bytes > LINUX_FDT_MAX) {
		return fail("the initramfs or the device tree is too large", (long)initrd_bytes);
	}
	hv_config_default(&cfg);
	cfg.lmb_size = 1ull << LINUX_LMB_SHIFT;
	cfg.mem_size = FW_LINUX_MACHINE_BYTES;
	cfg.max_partitions = 1 + scn_parts();
	cfg.threads = 1;
	cfg.hpt_order_max = LINUX_HPT_ORDER;
	cfg.logical_lmbs_max = LINUX_PART_LMBS;
	fw_plat_reset(fw_plat(FW_PLAT_LINUX));
	if ((rc = hv_machine_init(mach, &cfg, fw_plat(FW_PLAT_LINUX))) != HV_OK) {
		return fail("the machine could not be set up", rc);
	}
	fw_cpu_init(mach->part_table.v);
	if (!attackers_setup()) {
		return false;
	}
	if ((rc = hv_partition_create(mach, LINUX_HPT_ORDER, true, &slot)) != HV_OK) {
		return fail("the partition could not be created", rc);
	}
	for (i = 0; i < LINUX_PART_LMBS; i++) {
		if ((rc = hv_dlpar_mem_add(mach, slot, (uint32_t)i, HV_NIL)) != HV_OK) {
			fw_printf("lparsec-fw: linux: hypervisor region %llu MiB of %u LMBs\n",
				  (unsigned long long)(mach->hv_bytes >> 20), mach->lmb_count);
			return fail("an LMB could not be added", rc);
		}
	}
	if ((rc = hv_dlpar_cpu_add(mach, slot, 0)) != HV_OK) {
		return fail("the vCPU could not be added", rc);
	}
	for (i = 0; i < fdt_bytes; i++) {
		fdt[i] = fw_linux_dtb[i];
	}
	if (!device_tree(fdt, initrd_bytes)) {
		return fail("the device tree lacks a property the firmware fills", 0);
	}
	if (hv_partition_write(mach, slot, 0, kernel + seg.offset, seg.filesz) != HV_OK ||
	    hv_partition_write(mach, slot, LINUX_RTAS_LA, rtas_stub, sizeof(rtas_stub)) != HV_OK ||
	    hv_partition_write(mach, slot, LINUX_FDT_LA, fdt, fdt_bytes) != HV_OK ||
	    hv_partition_write(mach, slot, LINUX_INITRD_LA, initrd, initrd_bytes) != HV_OK) {
		return fail("the images do not fit the partition", 0);
	}
	if ((rc = hv_partition_map_rma(mach, slot, LINUX_RMA_BYTES, LINUX_VRMA_SHIFT)) != HV_OK) {
		return fail("the real-mode area could not be mapped", rc);
	}
	/* The kexec entry: translation off, big-endian, r3 = the device tree, r4 = where the kernel is, r5 = 0. */
	hv_regs_boot_state(&regs, 0);
	regs.r[HV_REG_NIA] = entry & 0x0FFFFFFFFFFFFFFFull;
	regs.r[HV_REG_MSR] = MSR_SF | MSR_ME;
	regs.r[HV_REG_GPR + 3] = LINUX_FDT_LA;
	regs.r[HV_REG_GPR + 4] = 0;
	regs.r[HV_REG_GPR + 5] = 0;
	regs.r[HV_REG_DEC] = 0x7FFFFFFF;
	if ((rc = hv_vcpu_regs_set(mach, slot, 0, &regs)) != HV_OK) {
		return fail("the vCPU's entry state could not be set", rc);
	}
	watch_begin(&regs);
	fw_printf("lparsec-fw: linux: kernel %llu KiB (entry 0x%llx), initramfs %llu KiB, device tree %llu bytes, "
		  "%u MiB partition (%llu MiB real-mode area), HPT 2^%u\n",
		  (unsigned long long)(seg.memsz >> 10), (unsigned long long)entry,
		  (unsigned long long)(initrd_bytes >> 10), (unsigned long long)fdt_bytes,
		  (unsigned)(((uint64_t)LINUX_PART_LMBS << LINUX_LMB_SHIFT) >> 20),
		  (unsigned long long)(LINUX_RMA_BYTES >> 20), LINUX_HPT_ORDER);
	return true;
}

/* ---- running it ---- */

static unsigned cause_index(uint64_t vector)
{
	switch (vector) {
	case HV_CAUSE_SC1: return 0;
	case HV_CAUSE_HDEC: return 1;
	case HV_CAUSE_HDSI: return 2;
	case HV_CAUSE_HISI: return 3;
	case 0xE40: return 4;
	}
	return 5;
}

static enum hv_exit call(uint64_t vector);

/*
 * The memory call n is about to read, when it reads any: H_RTAS's argument
 * block (r4), H_REGISTER_VPA's area (r6) -- through the partition's
 * logical map (a doubleword it does not own is recorded as zero).
 */
static void trace_memory(unsigned n, const struct hv_regs *r)
{
	uint64_t opcode = r->r[HV_REG_GPR + 3], la, i;
	const struct hv_partition *p = &mach->part[slot];

	if ((opcode != H_RTAS && opcode != H_REGISTER_VPA) || traced_mem == TRACE_MEM_MAX) {
		return;
	}
	la = (opcode == H_RTAS ? r->r[HV_REG_GPR + 4] : r->r[HV_REG_GPR + 6]) & ~7ull;
	trace_mem[traced_mem].call = n;
	trace_mem[traced_mem].la = la;
	for (i = 0; i < TRACE_MEM_WORDS; i++) {
		uint64_t a = la + 8 * i, l = a >> LINUX_LMB_SHIFT;
		uint32_t real = l < LINUX_PART_LMBS ? p->lmap[l] : 0;

		trace_mem[traced_mem].words[i] =
			real ? hv_ld_be64(mach->mem + ((uint64_t)(real - 1) << LINUX_LMB_SHIFT) +
					  (a & ((1ull << LINUX_LMB_SHIFT) - 1)))
			     : 0;
	}
	traced_mem++;
}

/* An hcall of the partition, recorded while the trace has room. */
static enum hv_exit hcall(uint64_t vector)
{
	const struct hv_regs *r = &mach->thread[0].regs;
	enum hv_exit e;
	unsigned i;

	if (traced < LINUX_TRACE_MAX) {
		for (i = 0; i < 10; i++) {
			trace[traced].in[i] = r->r[HV_REG_GPR + 3 + i];
		}
		trace_memory(traced, r);
	}
	e = call(vector);
	if (traced < LINUX_TRACE_MAX) {
		struct hv_regs after;

		/* A call that gave up the thread (H_CEDE, RTAS power-off) left its outputs in the save area. */
		if (e != HV_EXIT_RESUME) {
			hv_vcpu_regs_get(mach, slot, 0, &after);
		}
		for (i = 0; i < 10; i++) {
			trace[traced].out[i] = (e == HV_EXIT_RESUME ? r : &after)->r[HV_REG_GPR + 3 + i];
		}
		traced++;
	}
	return e;
}

/* The hcall itself: counted by opcode, an unknown one said. */
static enum hv_exit call(uint64_t vector)
{
	const struct hv_regs *r = &mach->thread[0].regs;
	uint64_t opcode = r->r[HV_REG_GPR + 3];
	enum hv_exit e;

	hcalls++;
	if (!hv_hcall_name(opcode)) {
		unknown_hcalls++;
		fw_printf("[hv] linux: hcall 0x%llx (r4 0x%llx r5 0x%llx) is not implemented: H_FUNCTION\n",
			  (unsigned long long)opcode, (unsigned long long)r->r[HV_REG_GPR + 4],
			  (unsigned long long)r->r[HV_REG_GPR + 5]);
		fw_take_interrupt(mach, 0, vector, &e);
		return e;
	}
	fw_take_interrupt(mach, 0, vector, &e);
	by_opcode[opcode_slot(opcode)].calls++;
	/* A call that gave up the thread (H_CEDE, RTAS power-off) left its answer in the save area. */
	by_opcode[opcode_slot(opcode)].success += e != HV_EXIT_RESUME || r->r[HV_REG_GPR + 3] == (uint64_t)H_SUCCESS;
	return e;
}

/*
 * What the vCPU trapping now must get back at its next dispatch, should
 * this exit give up the thread: the checker's record, taken before the
 * core sees the registers.
 */
static void record_trap(uint64_t vector)
{
	const struct hv_thread *th = &mach->thread[0];
	bool sc1 = vector == HV_CAUSE_SC1;
	uint64_t nia = sc1 ? fw_mfspr_srr0() : fw_mfspr_hsrr0();
	uint64_t msr = (sc1 ? fw_mfspr_srr1() : fw_mfspr_hsrr1()) & ~FW_MSR_INTERRUPT_BITS;

	lp_inv_os_trapped(&watch, (unsigned)th->part, (unsigned)th->vcpu, &th->regs, nia, msr,
			  sc1 ? LP_INV_OS_HCALL : LP_INV_OS_PREEMPTED, th->regs.r[HV_REG_GPR + 3]);
}

/* An attacker's exit: served as in the scenarios; one the firmware does not serve fails the box. */
static enum hv_exit attacker_take(uint64_t vector)
{
	enum hv_exit e;

	attacker_entries++;
	if (fw_take_interrupt(mach, 0, vector, &e)) {
		return e;
	}
	lp_scn_fail(&scn, "interrupt 0x%llx from partition %d at 0x%llx (HSRR1 0x%llx, SRR1 0x%llx)",
		    (unsigned long long)vector, mach->thread[0].part, (unsigned long long)fw_mfspr_hsrr0(),
		    (unsigned long long)fw_mfspr_hsrr1(), (unsigned long long)fw_mfspr_srr1());
	return HV_EXIT_BAD;
}

/* What the vector that ended a partition's run means. */
static enum hv_exit take(uint64_t vector)
{
	enum hv_exit e;

	if (vector == HV_CAUSE_SC1 || vector == HV_CAUSE_HDEC) {
		record_trap(vector);
	}
	if ((uint32_t)mach->thread[0].part != slot) {
		return attacker_take(vector);
	}
	entries_by_cause[cause_index(vector)]++;
	if (vector == HV_CAUSE_SC1) {
		return hcall(vector);
	}
	if (vector == 0xE40) {
		fw_printf("[hv] linux: emulation assist for 0x%08llx at 0x%llx: program interrupt\n",
			  (unsigned long long)fw_mfspr_heir(), (unsigned long long)fw_mfspr_hsrr0());
	}
	if (fw_take_interrupt(mach, 0, vector, &e)) {
		return e;
	}
	other_exits++;
	fw_printf("[hv] linux: interrupt 0x%llx at 0x%llx (HSRR1 0x%llx, SRR0 0x%llx, SRR1 0x%llx): partition stopped\n",
		  (unsigned long long)vector, (unsigned long long)fw_mfspr_hsrr0(), (unsigned long long)fw_mfspr_hsrr1(),
		  (unsigned long long)fw_mfspr_srr0(), (unsigned long long)fw_mfspr_srr1());
	return HV_EXIT_BAD;
}

/*
 * The first `shown` calls of the trace, a line per hcall: its number, then
 * r3..r12 in and r3..r12 out in hex; after a call that read memory, a
 * "[trace-mem]" line: its number, the address, the doublewords.
 */
static void print_trace(unsigned shown)
{
	unsigned n, i, k = 0;

	if (shown > traced) {
		shown = traced;
	}
	fw_printf("[trace] begin %u of %llu hcalls\n", shown, (unsigned long long)hcalls);
	for (n = 0; n < shown; n++) {
		fw_printf("[trace] %u", n);
		for (i = 0; i < 10; i++) {
			fw_printf(" %llx", (unsigned long long)trace[n].in[i]);
		}
		fw_puts(" ->");
		for (i = 0; i < 10; i++) {
			fw_printf(" %llx", (unsigned long long)trace[n].out[i]);
		}
		fw_putc('\n');
		for (; k < traced_mem && trace_mem[k].call == n; k++) {
			fw_printf("[trace-mem] %u %llx", n, (unsigned long long)trace_mem[k].la);
			for (i = 0; i < TRACE_MEM_WORDS; i++) {
				fw_printf(" %llx", (unsigned long long)trace_mem[k].words[i]);
			}
			fw_putc('\n');
		}
	}
	fw_puts("[trace] end\n");
}

/* The vCPU on thread 0 runs until it leaves the thread; how it left. */
static enum hv_exit run_slice(struct hv_thread *th)
{
	enum hv_exit e;

	do {
		uint64_t vector;

		fw_cpu_load(&th->regs, &mach->part[th->part]);
		vector = fw_enter_guest(cpu, &th->regs);
		fw_cpu_store(&th->regs);
		e = take(vector);
	} while (e == HV_EXIT_RESUME);
	return e;
}

/*
 * Runs the partitions until none is left to run (Linux powered off, the
 * attackers ceded for good), an invariant breaks or the budget is spent;
 * the reason.
 */
static const char *run(void)
{
	uint64_t deadline = fw_timebase() + LINUX_BUDGET_MS * TIMEBASE_PER_MS;
	struct hv_thread *th = &mach->thread[0];

	for (;;) {
		uint32_t s, v;
		enum hv_exit e;

		if (fw_timebase() > deadline) {
			return "time budget spent";
		}
		if (th->part < 0) {
			uint64_t t0;
			enum lp_inv inv;

			if (hv_schedule(mach, 0, &s, &v) != HV_OK) {
				return "nothing left to run";
			}
			dispatches++;
			t0 = fw_timebase();
			inv = lp_inv_os_dispatched(&watch, 0);
			check_ticks += fw_timebase() - t0;
			if (inv != LP_INV_NONE) {
				return "an invariant broke";
			}
		}
		fw_cpu_set_hdec((uint32_t)th->part == slot ? LINUX_SLICE : ATTACKER_SLICE);
		e = run_slice(th);
		if (e == HV_EXIT_BAD) {
			return "a partition took an interrupt the hypervisor does not serve";
		}
	}
}

/*
 * The box's verdict beside Linux's: the attackers' (every one exited
 * without a failed check; no canary or mark out of place anywhere in
 * memory), then the invariants -- the first violation a dispatch check
 * found, else the final sweep's.
 */
static bool box_verdict(const char *why)
{
	const struct lp_exec *x = watch.x;
	enum lp_inv inv = (enum lp_inv)x->viol.inv;
	bool at_dispatch = inv != LP_INV_NONE;
	uint64_t start = fw_timebase();

	if (scn.nparts) {
		lp_scn_verdict(&scn, why, (unsigned long long)dispatches);
		fw_printf("[hv] verdict: %s (%llu hypervisor entries)\n", scn.verdict, (unsigned long long)attacker_entries);
	}
	fw_plat_console_to(0);
	if (!at_dispatch) {
		inv = lp_inv_os_final(&watch);
	}
	fw_printf("[hv] invariants: checked at %llu dispatches (%llu HPTEs in %llu HPT pages, %llu pages of free memory, "
		  "%llu ms) %s\n",
		  watch.dispatches, watch.hptes, watch.hpt_pages, watch.free_pages,
		  (unsigned long long)(check_ticks / TIMEBASE_PER_MS),
		  at_dispatch ? "until one broke" : inv == LP_INV_NONE ? "and by a final sweep: no violation"
								: "and by a final sweep, which found one");
	if (inv != LP_INV_NONE) {
		fw_printf("[hv] VIOLATION %s %s %llu: %s\n", lp_inv_name(inv),
			  at_dispatch ? "at dispatch" : "in the final sweep, after dispatch", watch.dispatches,
			  x->viol.msg);
	} else {
		fw_printf("[hv] invariants: the final sweep read the whole machine in %llu ms\n",
			  (unsigned long long)((fw_timebase() - start) / TIMEBASE_PER_MS));
	}
	return (!scn.nparts || scn.ok) && inv == LP_INV_NONE;
}

bool fw_linux_boot(uint64_t kernel_ra, uint64_t initrd_start, uint64_t initrd_end, unsigned trace_shown,
		   const char *attackers)
{
	uint64_t start = fw_timebase();
	struct lp_prog *scratch;
	const char *why;
	bool ok;

	cpu = fw_boot_cpu();
	mach = &fw_replay_exec(&scratch)->m[0];
	if (kernel_ra < FW_LINUX_MACHINE_BYTES || initrd_start < FW_LINUX_MACHINE_BYTES) {
		return fail("the kernel or the initramfs lies inside the Linux machine", 0);
	}
	if (!attackers_named(attackers ? attackers : BESIDE_DEFAULT) ||
	    !build((const uint8_t *)(uintptr_t)FW_EA(kernel_ra), (const uint8_t *)(uintptr_t)FW_EA(initrd_start),
		   initrd_end - initrd_start)) {
		return false;
	}
	fw_plat_console_raw(mach->part[slot].lpid);
	fw_printf("lparsec-fw: linux: entering the kernel beside %u attacker partition(s) (%llu ms after the firmware "
		  "started building)\n",
		  scn.nparts, (unsigned long long)((fw_timebase() - start) / TIMEBASE_PER_MS));
	why = run();
	fw_plat_console_raw(0);
	{
		const struct hv_vcpu *v = &mach->part[slot].vcpu[0];
		const char *reason = hv_stop_reason_name(v->stop_reason);

		fw_printf("\n[hv] linux: vCPU 0 %s\n", v->state == HV_VCPU_HALTED && reason ? reason : "did not stop by itself");
		ok = v->state == HV_VCPU_HALTED && v->stop_reason == HV_STOP_POWER_OFF;
	}
	fw_printf("[hv] linux: %s after %llu ms: %llu hcalls (%llu not implemented), %llu HDEC, %llu HDSI, %llu HISI, "
		  "%llu emulation assists, %llu other\n",
		  why, (unsigned long long)((fw_timebase() - start) / TIMEBASE_PER_MS), (unsigned long long)hcalls,
		  (unsigned long long)unknown_hcalls, (unsigned long long)entries_by_cause[1],
		  (unsigned long long)entries_by_cause[2], (unsigned long long)entries_by_cause[3],
		  (unsigned long long)entries_by_cause[4], (unsigned long long)other_exits);
	print_hcall_counts();
	ok = box_verdict(why) && ok;
	if (trace_shown) {
		print_trace(trace_shown);
	}
	return ok;
}
