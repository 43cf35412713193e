/*
 * The firmware's main: reads its boot arguments, runs the guest scenarios
 * it was asked for (lparsec/scenario.h, the same loader, consoles and
 * verdict as the Unicorn engine) on the core with the real (QEMU-emulated)
 * processor, prints one verdict line per scenario and a final one, and
 * powers off.
 *
 * Boot arguments (/chosen/bootargs, QEMU's -append), space separated:
 *   lparsec.scenarios=NAME,NAME...|all   scenarios to run (default: all)
 *   lparsec.guests=GUEST,GUEST...        these guests together instead
 *   lparsec.slice=TICKS                  timebase ticks per slice (HDEC)
 *   lparsec.hang                         never power off (tests the runner's timeout)
 *   lparsec.plant=stale-load,no-swap,lost-dirty   deliberate bugs of the replay driver and platform (tests)
 *   lparsec.linux                        boot the ELF kernel of -kernel as a partition, with the
 *                                        initramfs of -initrd (linux.c)
 *   lparsec.trace[=N|all]                with lparsec.linux: print its first N hcalls (2048; all of them) at the end
 *   lparsec.beside=GUEST,GUEST...|none   with lparsec.linux: the attacker guests beside it (linux.c)
 *
 * With an initrd (QEMU's -initrd: /chosen/linux,initrd-start and -end) the
 * firmware replays the batch of harness programs it holds instead
 * (replay.c), printing each operation's result and the verdict.
 *
 * Each slice: the core's scheduler picks the vCPU for an idle hardware
 * thread, HDEC is loaded, and the vCPU runs -- hcalls and storage
 * interrupts go through hv_enter and it runs on -- until HDEC preempts it
 * or it gives up the thread. The core's hardware threads take turns on
 * the one processor.
 */
#include "fw.h"
#include "hv/hcall.h"
#include "hv/introspect.h"
#include "lparsec/fmt.h"
#include "lparsec/scenario.h"

#define DEFAULT_SLICE     25600u          /* 50 us of the 512 MHz timebase */
#define TIMEBASE_PER_MS   512000ull
#define BUDGET_MS         20000ull        /* per scenario */
#define QEMU_KERNEL_RA    0x20000000ull   /* where QEMU's powernv puts -kernel */

extern char __fatal_stack_top[];
extern char __load_start[], __link_start[], __link_end[];

static struct hv_machine machine;
static struct lp_scn scn;
static struct fw_cpu cpu;
static char bootargs[512];
static uint32_t slice_ticks = DEFAULT_SLICE;
static uint64_t entries; /* hypervisor entries of the scenario running (sc 1, HDEC, HDSI, ...) */

struct fw_cpu *fw_boot_cpu(void)
{
	return &cpu;
}

/* ---- boot arguments ---- */

static bool starts(const char *s, const char *prefix)
{
	while (*prefix && *s == *prefix) {
		s++;
		prefix++;
	}
	return !*prefix;
}

/* The value of key=... in the boot arguments, up to the next space, copied to out; false if absent. */
static bool arg(const char *key, char *out, unsigned cap)
{
	const char *p = bootargs;
	unsigned n = 0;

	while (*p) {
		if ((p == bootargs || p[-1] == ' ') && starts(p, key)) {
			while (*key) {
				key++;
				p++;
			}
			if (*p == '=') {
				p++;
			}
			while (*p && *p != ' ' && n + 1 < cap) {
				out[n++] = *p++;
			}
			out[n] = 0;
			return true;
		}
		p++;
	}
	return false;
}

static unsigned number(const char *s)
{
	unsigned v = 0;

	for (; *s >= '0' && *s <= '9'; s++) {
		v = v * 10 + (unsigned)(*s - '0');
	}
	return v;
}

/* Whether the comma-separated list names item. */
static bool list_has(const char *list, const char *item)
{
	while (*list) {
		const char *i = item;

		while (*i && *list == *i) {
			list++;
			i++;
		}
		if (!*i && (!*list || *list == ',')) {
			return true;
		}
		while (*list && *list != ',') {
			list++;
		}
		if (*list) {
			list++;
		}
	}
	return false;
}

/* Splits a comma-separated list in place; returns how many items (at most max). */
static unsigned split(char *list, const char **items, unsigned max)
{
	unsigned n = 0;

	while (*list && n < max) {
		items[n++] = list;
		while (*list && *list != ',') {
			list++;
		}
		if (*list) {
			*list++ = 0;
		}
	}
	return n;
}

/* ---- running a scenario ---- */

static void show(void *ctx, const char *line)
{
	(void)ctx;
	fw_printf("%s\n", line);
}

/* What may be non-zero past the head at boot: the image QEMU loaded and its device tree (QEMU zeroes the rest). */
static void boot_dirty(const uint8_t *fdt)
{
	uint64_t image_end = (uint64_t)(uintptr_t)__load_start + (uint64_t)(__link_end - __link_start);
	uint64_t fdt_end = fdt ? (uint64_t)(uintptr_t)fdt + ((uint64_t)fdt[4] << 24 | (uint64_t)fdt[5] << 16 |
							   (uint64_t)fdt[6] << 8 | fdt[7]) : 0;
	uint64_t end = image_end > fdt_end ? image_end : fdt_end;

	fw_plat_mark(fw_plat(0), FW_HEAD_BYTES, end - FW_HEAD_BYTES);
	fw_plat_mark(fw_plat(FW_PLAT_LINUX), FW_HEAD_BYTES, end - FW_HEAD_BYTES);
}

/* What the vector that ended the guest's run means for the core (hcall.h's contract). */
static enum hv_exit take(uint32_t t, uint64_t vector)
{
	struct hv_thread *th = &machine.thread[t];
	enum hv_exit e;

	if (fw_take_interrupt(&machine, t, vector, &e)) {
		return e;
	}
	lp_scn_fail(&scn, "thread %u: interrupt 0x%llx from partition %d at 0x%llx (HSRR1 0x%llx, SRR1 0x%llx)", t,
		    (unsigned long long)vector, th->part, (unsigned long long)fw_mfspr_hsrr0(),
		    (unsigned long long)fw_mfspr_hsrr1(), (unsigned long long)fw_mfspr_srr1());
	return HV_EXIT_BAD;
}

/* One slice of thread t: schedules a vCPU if the thread is idle; false when nothing ran. */
static bool slice(uint32_t t)
{
	struct hv_thread *th = &machine.thread[t];
	uint32_t s, v;

	if (th->part < 0 && hv_schedule(&machine, t, &s, &v) != HV_OK) {
		return false;
	}
	fw_cpu_set_hdec(slice_ticks);
	for (;;) {
		uint64_t vector;

		fw_cpu_load(&th->regs, &machine.part[th->part]);
		vector = fw_enter_guest(&cpu, &th->regs);
		fw_cpu_store(&th->regs);
		entries++;
		if (take(t, vector) != HV_EXIT_RESUME || scn.failed) {
			return true;
		}
	}
}

static const char *run_slices(unsigned long long *slices)
{
	uint64_t deadline = fw_timebase() + BUDGET_MS * TIMEBASE_PER_MS;
	unsigned n = 0, t;

	while (!lp_scn_over(&scn)) {
		bool ran = false;

		if (fw_timebase() > deadline) {
			return "time budget spent";
		}
		lp_scn_events(&scn, n);
		for (t = 0; t < machine.cfg.threads && !scn.failed; t++) {
			bool ran_here = slice(t);

			ran |= ran_here;
			*slices += ran_here;
		}
		n++;
		if (!ran) {
			return "nothing left to run";
		}
	}
	return "stopped";
}

static bool run_scenario(const struct lp_scenario *s)
{
	struct hv_config cfg;
	unsigned long long slices = 0;
	uint64_t start = fw_timebase(), ticks;

	fw_plat_reset(fw_plat(0));
	entries = 0;
	__builtin_memset(&scn, 0, sizeof(scn));
	scn.s = s;
	scn.out = show;
	scn.hv_canary_start = FW_HV_CANARY_START;
	scn.hv_canary_end = FW_HV_CANARY_END;
	hv_config_default(&cfg);
	cfg.max_partitions = LP_SCN_MAX_PARTS;
	cfg.threads = lp_scn_threads(s, HV_MAX_THREADS);
	if (hv_machine_init(&machine, &cfg, fw_plat(0)) != HV_OK) {
		lp_scn_fail(&scn, "machine set-up failed");
		lp_scn_verdict(&scn, "it could not start", 0);
	} else {
		fw_cpu_init(machine.part_table.v);
		fw_plat_console_to(&scn);
		const char *why = lp_scn_setup(&scn, &machine) ? "it could not start" : run_slices(&slices);

		lp_scn_verdict(&scn, why, slices);
		fw_plat_console_to(0);
	}
	if (!scn.ok) {
		/* A guest that broke out may have written anywhere: the next scenario starts on all-zero memory. */
		fw_plat_mark(fw_plat(0), 0, FW_MACHINE_BYTES);
	}
	ticks = fw_timebase() - start;
	/* The time per entry is the whole scenario's (set-up included) over its entries: an upper bound. */
	fw_printf("[hv] verdict: %s (%llu ms, %llu hypervisor entries, %llu ns per entry)\n", scn.verdict,
		  (unsigned long long)(ticks / TIMEBASE_PER_MS), (unsigned long long)entries,
		  (unsigned long long)(entries ? ticks * 1000 / 512 / entries : 0));
	return scn.ok;
}

/* An interrupt of the firmware itself (head.S): nothing can be trusted any more. */
_Noreturn void fw_fatal(uint64_t vector);
_Noreturn void fw_fatal(uint64_t vector)
{
	fw_printf("lparsec-fw: interrupt 0x%llx in the hypervisor at 0x%llx / 0x%llx (SRR1 0x%llx, HSRR1 0x%llx)\n",
		  (unsigned long long)vector, (unsigned long long)fw_mfspr_srr0(), (unsigned long long)fw_mfspr_hsrr0(),
		  (unsigned long long)fw_mfspr_srr1(), (unsigned long long)fw_mfspr_hsrr1());
	fw_puts("lparsec-fw: VERDICT FAIL (the firmware faulted)\n");
	fw_power_off();
}

_Noreturn void fw_main(const void *fdt);
_Noreturn void fw_main(const void *fdt)
{
	const char *args = fw_fdt_string(fdt, "chosen", "bootargs");
	const char *names[16];
	char list[256], value[32];
	unsigned i, n, run = 0, failed = 0;
	uint64_t start = fw_timebase(), initrd_start = 0, initrd_end = 0;

	boot_dirty(fdt);
	cpu.fatal = (const void *)fw_fatal;
	cpu.fatal_sp = (uint64_t)(uintptr_t)__fatal_stack_top - 112;
	/* The device tree lies in the machine's memory: keep what is needed of it before the first machine. */
	for (i = 0; args && args[i] && i + 1 < sizeof(bootargs); i++) {
		bootargs[i] = args[i];
	}
	fw_printf("lparsec-fw: POWER (PVR 0x%08llx), %llu MiB machine, boot arguments \"%s\"\n",
		  (unsigned long long)fw_mfspr_pvr(), (unsigned long long)(FW_MACHINE_BYTES >> 20), bootargs);
	if (!fw_switch_selftest()) {
		fw_puts("lparsec-fw: VERDICT FAIL (a register does not survive a partition switch)\n");
		fw_power_off();
	}
	if (fw_fdt_number(fdt, "chosen", "linux,initrd-start", &initrd_start) &&
	    fw_fdt_number(fdt, "chosen", "linux,initrd-end", &initrd_end) && initrd_end > initrd_start &&
	    arg("lparsec.linux", value, sizeof(value))) {
		unsigned shown = 0;
		bool ok;

		if (arg("lparsec.trace", value, sizeof(value))) {
			shown = !value[0] ? FW_TRACE_DEFAULT_SHOWN : starts(value, "all") ? FW_TRACE_ALL : number(value);
		}
		ok = fw_linux_boot(QEMU_KERNEL_RA, initrd_start, initrd_end, shown,
				   arg("lparsec.beside", list, sizeof(list)) ? list : 0);

		fw_printf("lparsec-fw: VERDICT %s (%llu ms in the firmware)\n", ok ? "PASS" : "FAIL",
			  (unsigned long long)((fw_timebase() - start) / TIMEBASE_PER_MS));
		fw_power_off();
	}
	if (initrd_end > initrd_start) {
		/* An initrd is a batch of harness programs to replay (replay.c), instead of the scenarios. */
		unsigned plants = 0;
		bool ok;

		if (arg("lparsec.plant", list, sizeof(list))) {
			plants |= list_has(list, "stale-load") ? FW_PLANT_STALE_LOAD : 0;
			plants |= list_has(list, "no-swap") ? FW_PLANT_NO_SWAP : 0;
			plants |= list_has(list, "lost-dirty") ? FW_PLANT_LOST_DIRTY : 0;
		}
		if (initrd_start < FW_MACHINE1_RA + FW_MACHINE_BYTES) {
			fw_printf("lparsec-fw: VERDICT FAIL (the initrd at 0x%llx overlaps the machines' memory)\n",
				  (unsigned long long)initrd_start);
			fw_power_off();
		}
		ok = fw_replay((const uint8_t *)(uintptr_t)FW_EA(initrd_start), (const uint8_t *)(uintptr_t)FW_EA(initrd_end),
			       plants);
		fw_printf("lparsec-fw: VERDICT %s (%llu ms in the firmware)\n", ok ? "PASS" : "FAIL",
			  (unsigned long long)((fw_timebase() - start) / TIMEBASE_PER_MS));
		fw_power_off();
	}
	if (arg("lparsec.slice", value, sizeof(value)) && number(value) >= 1000) {
		slice_ticks = number(value);
	}
	if (arg("lparsec.guests", list, sizeof(list))) {
		static struct lp_scenario together = { "guests", "the guests named at boot", { 0 }, { 0 }, 0, { { 0 } } };

		n = split(list, together.guests, LP_SCN_MAX_PARTS);
		run = 1;
		failed = (n == 0 || !run_scenario(&together)) ? 1 : 0;
	} else if (arg("lparsec.scenarios", list, sizeof(list)) && !starts(list, "all")) {
		n = split(list, names, 16);
		for (i = 0; i < n; i++) {
			const struct lp_scenario *s = lp_scenario_find(names[i]);

			run++;
			if (!s) {
				fw_printf("[hv] verdict: %s: FAIL: no such scenario\n", names[i]);
				failed++;
			} else if (!run_scenario(s)) {
				failed++;
			}
		}
	} else {
		for (i = 0; lp_scenarios[i].name; i++) {
			run++;
			failed += run_scenario(&lp_scenarios[i]) ? 0 : 1;
		}
	}
	if (arg("lparsec.hang", value, sizeof(value))) {
		fw_puts("lparsec-fw: hanging on purpose (lparsec.hang)\n");
		for (;;) {
		}
	}
	fw_printf("lparsec-fw: VERDICT %s (%u of %u scenarios passed, %llu ms in the firmware)\n",
		  failed ? "FAIL" : "PASS", run - failed, run,
		  (unsigned long long)((fw_timebase() - start) / TIMEBASE_PER_MS));
	fw_power_off();
}
