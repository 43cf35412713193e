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
 * hypervisor entry is counted by cause and every hcall by opcode, and the
 * first LINUX_TRACE_MAX hcalls are recorded -- the registers going in and
 * coming out -- and printed at the end with lparsec.trace as "[trace]"
 * lines (tools/linux/import_trace.py turns them into harness programs).
 */
#include "fw.h"
#include "hv/hcall.h"
#include "hv/introspect.h"

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
#define TIMEBASE_PER_MS     512000ull
#define LINUX_BUDGET_MS     600000ull           /* of the timebase (QEMU's virtual clock) */

_Static_assert(LINUX_RMA_BYTES == 0x8000000, "partition.dts names its second memory node after the RMA's end");
_Static_assert(LINUX_RTAS_LA == 0x4000000 && LINUX_RTAS_BYTES == 0x1000, "partition.dts reserves the RTAS stub's page");
_Static_assert(LINUX_INITRD_LA + LINUX_INITRD_MAX <= LINUX_RMA_BYTES, "the kernel reads its initramfs in real mode");

#define EM_PPC64 21
#define PT_LOAD  1

extern const uint8_t fw_linux_dtb[];
extern const uint64_t fw_linux_dtb_len;

static struct hv_machine machine;
static struct fw_cpu *cpu;
static uint32_t slot;
static uint64_t entries_by_cause[8], hcalls, unknown_hcalls, other_exits;
/* The first hcalls of the partition: r3..r12 going in, r3..r12 coming out. */
#define LINUX_TRACE_MAX 2048
static struct {
	uint64_t in[10], out[10];
} trace[LINUX_TRACE_MAX];
static unsigned traced;

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
	cfg.max_partitions = 2;
	cfg.threads = 1;
	cfg.hpt_order_max = LINUX_HPT_ORDER;
	cfg.logical_lmbs_max = LINUX_PART_LMBS;
	fw_plat_reset(fw_plat(FW_PLAT_LINUX));
	if ((rc = hv_machine_init(&machine, &cfg, fw_plat(FW_PLAT_LINUX))) != HV_OK) {
		return fail("the machine could not be set up", rc);
	}
	fw_cpu_init(machine.part_table.v);
	if ((rc = hv_partition_create(&machine, LINUX_HPT_ORDER, true, &slot)) != HV_OK) {
		return fail("the partition could not be created", rc);
	}
	for (i = 0; i < LINUX_PART_LMBS; i++) {
		if ((rc = hv_dlpar_mem_add(&machine, slot, (uint32_t)i, HV_NIL)) != HV_OK) {
			fw_printf("lparsec-fw: linux: hypervisor region %llu MiB of %u LMBs\n", (unsigned long long)(machine.hv_bytes >> 20), machine.lmb_count);
			return fail("an LMB could not be added", rc);
		}
	}
	if ((rc = hv_dlpar_cpu_add(&machine, slot, 0)) != HV_OK) {
		return fail("the vCPU could not be added", rc);
	}
	for (i = 0; i < fdt_bytes; i++) {
		fdt[i] = fw_linux_dtb[i];
	}
	if (!device_tree(fdt, initrd_bytes)) {
		return fail("the device tree lacks a property the firmware fills", 0);
	}
	if (hv_partition_write(&machine, slot, 0, kernel + seg.offset, seg.filesz) != HV_OK ||
	    hv_partition_write(&machine, slot, LINUX_RTAS_LA, rtas_stub, sizeof(rtas_stub)) != HV_OK ||
	    hv_partition_write(&machine, slot, LINUX_FDT_LA, fdt, fdt_bytes) != HV_OK ||
	    hv_partition_write(&machine, slot, LINUX_INITRD_LA, initrd, initrd_bytes) != HV_OK) {
		return fail("the images do not fit the partition", 0);
	}
	if ((rc = hv_partition_map_rma(&machine, slot, LINUX_RMA_BYTES, LINUX_VRMA_SHIFT)) != HV_OK) {
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
	if ((rc = hv_vcpu_regs_set(&machine, slot, 0, &regs)) != HV_OK) {
		return fail("the vCPU's entry state could not be set", rc);
	}
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

/* An hcall of the partition, recorded while the trace has room. */
static enum hv_exit hcall(uint64_t vector)
{
	const struct hv_regs *r = &machine.thread[0].regs;
	enum hv_exit e;
	unsigned i;

	if (traced < LINUX_TRACE_MAX) {
		for (i = 0; i < 10; i++) {
			trace[traced].in[i] = r->r[HV_REG_GPR + 3 + i];
		}
	}
	e = call(vector);
	if (traced < LINUX_TRACE_MAX) {
		struct hv_regs after;

		/* A call that gave up the thread (H_CEDE, RTAS power-off) left its outputs in the save area. */
		if (e != HV_EXIT_RESUME) {
			hv_vcpu_regs_get(&machine, slot, 0, &after);
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
	const struct hv_regs *r = &machine.thread[0].regs;
	uint64_t opcode = r->r[HV_REG_GPR + 3];
	enum hv_exit e;

	hcalls++;
	if (!hv_hcall_name(opcode)) {
		unknown_hcalls++;
		fw_printf("[hv] linux: hcall 0x%llx (r4 0x%llx r5 0x%llx) is not implemented: H_FUNCTION\n",
			  (unsigned long long)opcode, (unsigned long long)r->r[HV_REG_GPR + 4],
			  (unsigned long long)r->r[HV_REG_GPR + 5]);
		fw_take_interrupt(&machine, 0, vector, &e);
		return e;
	}
	fw_take_interrupt(&machine, 0, vector, &e);
	by_opcode[opcode_slot(opcode)].calls++;
	/* A call that gave up the thread (H_CEDE, RTAS power-off) left its answer in the save area. */
	by_opcode[opcode_slot(opcode)].success += e != HV_EXIT_RESUME || r->r[HV_REG_GPR + 3] == (uint64_t)H_SUCCESS;
	return e;
}

/* What the vector that ended the partition's run means. */
static enum hv_exit take(uint64_t vector)
{
	enum hv_exit e;

	entries_by_cause[cause_index(vector)]++;
	if (vector == HV_CAUSE_SC1) {
		return hcall(vector);
	}
	if (vector == 0xE40) {
		fw_printf("[hv] linux: emulation assist for 0x%08llx at 0x%llx: program interrupt\n",
			  (unsigned long long)fw_mfspr_heir(), (unsigned long long)fw_mfspr_hsrr0());
	}
	if (fw_take_interrupt(&machine, 0, vector, &e)) {
		return e;
	}
	other_exits++;
	fw_printf("[hv] linux: interrupt 0x%llx at 0x%llx (HSRR1 0x%llx, SRR0 0x%llx, SRR1 0x%llx): partition stopped\n",
		  (unsigned long long)vector, (unsigned long long)fw_mfspr_hsrr0(), (unsigned long long)fw_mfspr_hsrr1(),
		  (unsigned long long)fw_mfspr_srr0(), (unsigned long long)fw_mfspr_srr1());
	return HV_EXIT_BAD;
}

/* The trace, a line per hcall: its number, then r3..r12 in and r3..r12 out in hex. */
static void print_trace(void)
{
	unsigned n, i;

	fw_printf("[trace] begin %u of %llu hcalls\n", traced, (unsigned long long)hcalls);
	for (n = 0; n < traced; n++) {
		fw_printf("[trace] %u", n);
		for (i = 0; i < 10; i++) {
			fw_printf(" %llx", (unsigned long long)trace[n].in[i]);
		}
		fw_puts(" ->");
		for (i = 0; i < 10; i++) {
			fw_printf(" %llx", (unsigned long long)trace[n].out[i]);
		}
		fw_putc('\n');
	}
	fw_puts("[trace] end\n");
}

/* Runs the partition until it stops, powers off or the budget is spent; the reason. */
static const char *run(void)
{
	uint64_t deadline = fw_timebase() + LINUX_BUDGET_MS * TIMEBASE_PER_MS;
	struct hv_thread *th = &machine.thread[0];

	for (;;) {
		uint32_t s, v;
		enum hv_exit e;

		if (fw_timebase() > deadline) {
			return "time budget spent";
		}
		if (th->part < 0 && hv_schedule(&machine, 0, &s, &v) != HV_OK) {
			return "no vCPU left to run";
		}
		fw_cpu_set_hdec(LINUX_SLICE);
		do {
			uint64_t vector;

			fw_cpu_load(&th->regs, &machine.part[th->part]);
			vector = fw_enter_guest(cpu, &th->regs);
			fw_cpu_store(&th->regs);
			e = take(vector);
		} while (e == HV_EXIT_RESUME);
		if (e == HV_EXIT_BAD) {
			return "the partition took an interrupt the hypervisor does not serve";
		}
	}
}

bool fw_linux_boot(uint64_t kernel_ra, uint64_t initrd_start, uint64_t initrd_end, bool with_trace)
{
	uint64_t start = fw_timebase();
	const char *why;
	bool ok;

	cpu = fw_boot_cpu();
	if (kernel_ra < FW_LINUX_MACHINE_BYTES || initrd_start < FW_LINUX_MACHINE_BYTES) {
		return fail("the kernel or the initramfs lies inside the Linux machine", 0);
	}
	if (!build((const uint8_t *)(uintptr_t)FW_EA(kernel_ra), (const uint8_t *)(uintptr_t)FW_EA(initrd_start),
		   initrd_end - initrd_start)) {
		return false;
	}
	fw_plat_console_raw(machine.part[slot].lpid);
	fw_printf("lparsec-fw: linux: entering the kernel (%llu ms after the firmware started building)\n",
		  (unsigned long long)((fw_timebase() - start) / TIMEBASE_PER_MS));
	why = run();
	fw_plat_console_raw(0);
	{
		const struct hv_vcpu *v = &machine.part[slot].vcpu[0];
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
	if (with_trace) {
		print_trace();
	}
	return ok;
}
