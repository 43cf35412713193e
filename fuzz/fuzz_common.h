/*
 * What every fuzz target shares (fuzz/fuzz_common.c): the machine set up
 * once per process, and the per-input run.
 *
 * A target is one small file: a FILTER that deterministically remaps a
 * decoded program's operations onto the target's subject, and
 * LLVMFuzzerTestOneInput calling lp_fuzz_run with it. Filters are
 * idempotent (filtering a filtered program changes nothing), so the
 * program that ran is a fixed point: re-encoded, it reproduces under the
 * same target and under `./lparsec repro` alike.
 *
 * The same LLVMFuzzerTestOneInput serves libFuzzer (fuzz-<target>), AFL++
 * persistent mode (afl_driver.c: afl-<target>) and the plain replay build
 * (replay_main.c: replay-<target>).
 */
#ifndef LPARSEC_FUZZ_COMMON_H
#define LPARSEC_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include "lparsec/exec.h"
#include "lparsec/prog.h"

/* Remaps p in place (p is decoded, hence normalized; the filter keeps it so). */
typedef void (*lp_fuzz_filter)(struct lp_prog *p);

/*
 * Process-wide set-up (two host platforms of LP_MEM_BYTES with the TLB hooks,
 * the executor's state): done on the first call, nothing afterwards.
 */
void lp_fuzz_init(void);

/*
 * Decodes data, applies filter (NULL: none) and the common rule (BACKDOOR
 * operations become no-ops: kind LP_BD_NONE, no value; the backdoor is
 * never enabled while fuzzing), runs the program on freshly reset
 * platforms. Clean: returns 0, having allocated and printed nothing. A
 * violation prints "lparsec: VIOLATION <I-id> after op N: <msg>" (and the
 * program that ran, as text) to stderr and aborts.
 */
int lp_fuzz_run(const uint8_t *data, size_t size, lp_fuzz_filter filter);

/*
 * A second driver every input also runs through (the guest target's
 * Unicorn engine): the host-direct run then happens on machines with the
 * driver's capabilities, and `run` runs the same program through the
 * driver and compares it with that run (lp_exec_compare: I12), returning
 * the verdict and the driver's run in *x. Set before the first input.
 */
struct lp_fuzz_driver {
	uint32_t caps;
	enum lp_inv (*run)(const struct lp_prog *p, const struct lp_exec *host, const struct lp_exec **x);
};
void lp_fuzz_use_driver(const struct lp_fuzz_driver *d);

/*
 * Every input with thorough checks (exhaustive sweeps that do not trust the
 * platforms' dirty maps): the replay build's --thorough or
 * LPARSEC_FUZZ_THOROUGH=1. Otherwise one input in LP_FUZZ_THOROUGH_ONE_IN,
 * chosen by its bytes, runs so if its machines have at most
 * LP_FUZZ_THOROUGH_MEM_MAX of memory: a thorough run reads every page, about
 * 8 ms per MiB under ASan (a 1 GiB machine of the Linux-trace seeds: 8-11 s,
 * past libFuzzer's 10 s timeout on a loaded machine, and 2.3 GB resident).
 * Larger machines keep the fast mode's sampled clean pages.
 */
#define LP_FUZZ_THOROUGH_ONE_IN 1024
#define LP_FUZZ_THOROUGH_MEM_MAX (64ull << 20)
void lp_fuzz_set_thorough(bool every_input);

/*
 * LPARSEC_FUZZ_BASELINE=1: the byte-level baseline of the planted-bug
 * benchmark (bench mutants --baseline). No structure: libFuzzer's own
 * mutations instead of the program mutator, and every argument a literal
 * register value (no selector resolves it against the machine).
 */
bool lp_fuzz_baseline(void);

/* Operations the programs run so far (the replay build's speed figures). */
uint64_t lp_fuzz_ops_run(void);

/*
 * Filter helpers. Each is idempotent: a member of set[0..n) is kept, any
 * other value v becomes set[v % n] (opcodes: set[(opcode >> 2) % n]).
 */
void lp_fuzz_keep_kinds(struct lp_prog *p, const uint8_t *kinds, unsigned n);
void lp_fuzz_keep_opcodes(struct lp_prog *p, const uint64_t *opcodes, unsigned n);
/* lp_fuzz_keep_opcodes with the calls lparsec/hcalls.def gives target (enum lp_hcall_target). */
void lp_fuzz_keep_target_calls(struct lp_prog *p, unsigned target);

#endif /* LPARSEC_FUZZ_COMMON_H */
