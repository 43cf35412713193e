/*
 * Fuzz target guest: harness programs through the program interpreter
 * guest on Unicorn's emulated POWER10 CPUs (emu/): hcalls as `sc 1`, loads
 * and stores as `ld` / `std` through the emulated hash MMU walking the
 * core's HPTs. Every access is judged against the harness's own MMU walk,
 * and every program also runs host-direct on machines with the same
 * capabilities: any difference in a result or the verdict is I12.
 *
 * One engine per process, set up once: per input it costs the platforms'
 * reset (what the previous input touched) and, per CPU that runs, one
 * restore of its partition state and one TLB flush -- never a new engine.
 */
#include <stdio.h>
#include <stdlib.h>

#include "emu/emu.h"
#include "fuzz_common.h"

static struct emu_engine *engine;
static struct lp_exec *emu_exec;

static enum lp_inv run_on_unicorn(const struct lp_prog *p, const struct lp_exec *host, const struct lp_exec **x)
{
	emu_engine_run(engine, emu_exec, p, false);
	*x = emu_exec;
	return lp_exec_compare(host, emu_exec);
}

static const struct lp_fuzz_driver unicorn = { EMU_PLAT_CAPS, run_on_unicorn };

static void setup(void)
{
	char err[256];

	engine = emu_engine_create(err, sizeof(err));
	emu_exec = calloc(1, sizeof(*emu_exec));
	if (!engine || !emu_exec) {
		fprintf(stderr, "lparsec-fuzz guest: the Unicorn engine: %s\n", engine ? "out of memory" : err);
		exit(2);
	}
	emu_engine_fast_checks(engine, emu_exec); /* as the other targets' sweeps */
	lp_fuzz_use_driver(&unicorn);
}

/*
 * Machines of 64 MiB in 256 KiB LMBs (version 1's): on this platform a
 * partition's stores are unseen, so the core counts every page it may
 * store to as written when it maps it (plat.h GUEST_STORES_UNSEEN) -- a
 * 16 MiB page is 16 MiB to sweep, copy and reset, and big LMBs make such
 * pages easy to map. Version 2 programs of 256 MiB and 1 GiB machines ran
 * 6-10 ms an input here against 0.3 ms (a 12-minute campaign's corpus), one
 * H_ENTER of a 16 MiB page 1.4 ms; the host targets run them.
 */
static void filter(struct lp_prog *p)
{
	if (p->cfg.version == 2 && (p->cfg.mem_shift > LP_MEM_SHIFT_MIN || p->cfg.lmb_shift > LP_LMB_SHIFT_MIN)) {
		p->cfg.mem_shift = LP_MEM_SHIFT_MIN;
		p->cfg.lmb_shift = LP_LMB_SHIFT_MIN;
		lp_config_normalize(&p->cfg); /* fitted again */
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!engine) {
		setup();
	}
	return lp_fuzz_run(data, size, filter);
}
