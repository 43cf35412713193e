/*
 * The text form of a program (DESIGN.md §5): what people read and edit.
 * Host only (uses libc).
 *
 *   lparsec program v1
 *   config parts=2 threads=2
 *   part p0 lmbs=4 vcpus=2 windows=1 shared
 *   part p1 lmbs=1 vcpus=1 windows=0 dedicated
 *   p0.v0 H_ENTER flags=0x0 ptex=hash(0x10203) pteh=pteh(0x10203) ptel=ptel(0x1000002)
 *   p1 mem_add lmb=3
 *   p0.v1 dispatch thread=2
 *   p0 dma_write win=0 addr=ioba(0x5) value=0x1234
 *   p0.v0 plant reg=r12 value=0xdead
 *
 * One item a line; `#` starts a comment; blank lines are ignored.
 * - `lparsec program v1`: optional for the parser, always printed; must be the first item.
 * - `config parts=N threads=N` and `part pN lmbs=N vcpus=N windows=N shared|dedicated`
 *   come before the first operation; whatever is omitted takes the default of
 *   an all-zero binary configuration (parts=1 threads=1; lmbs=1 vcpus=1 windows=0 shared).
 *   Partitions beyond `parts` keep a configuration too (the binary form
 *   carries it); the printer writes their line only when it is not the default.
 * - Operations: an actor `pN` or `pN.vM` (default p0.v0; the printer omits
 *   `.v0` for partition operations and the whole actor p0.v0 for preempt and
 *   backdoor), the operation (lp_op_name, an hcall name as hv_hcall_name
 *   gives it, or `hcall(0xOPCODE)`), then name=value fields. Hcall
 *   arguments are positional: the i-th must be called by its per-call name
 *   or a<i>; their count is the call's nargs. Other operations' fields may
 *   come in any order; an omitted one is 0.
 * - Values: a number (0x hex or decimal; a leading - means two's
 *   complement) is a literal; `sel(0xHEX)` is selector sel (lp_sel_name) with
 *   that raw value, which must fit lp_sel_width(sel) bytes; `edge(name)`
 *   takes lp_edge_name names (or a number). Registers by name (hv_reg_name).
 *
 * print(decode(bytes)) parses back to a program with the same canonical
 * encoding (lp_prog_encode), byte for byte.
 */
#ifndef LPARSEC_TEXT_H
#define LPARSEC_TEXT_H

#include <stddef.h>
#include <stdio.h>

#include "lparsec/exec.h"
#include "lparsec/prog.h"

/*
 * Writes p as text. With x (the results of running p: lp_exec_run) every
 * operation that ran gets its result as a trailing comment, followed by the
 * concrete values its selectors resolved to (`| name=0x...`), and the first
 * violation a `# VIOLATION In after op K: ...` line (operations are
 * numbered from 0); operations after it are printed bare.
 * Returns 0, or -1 when writing failed.
 */
int lp_text_print(FILE *f, const struct lp_prog *p, const struct lp_exec *x);

/*
 * A line per operation of the run x that ran, tab-separated: "census", the
 * hcall's name (hcall(0x...) for one the core does not know) or the
 * operation's text-form name, and its outcome -- the return code's name
 * (rc=N when it has none), ok, fault, skipped or errorN (a management
 * operation's HV_* code); then "inv", an invariant id, how often its oracle
 * looked and how often at a state where its bug could live
 * (struct lp_inv_counts). What the report's hcall x return code matrix and
 * per-invariant counts count (reports/matrix.py). Nonzero on an
 * output error.
 */
int lp_census_print(FILE *f, const struct lp_prog *p, const struct lp_exec *x);

/* Only the "inv" lines, of invariant inv (an enum lp_inv id) or of all when inv < 0: a second driver's I12. */
int lp_census_print_looks(FILE *f, const struct lp_exec *x, int inv);

/*
 * Parses text (len bytes; NUL bytes are an error) into p, normalized
 * (lp_prog_normalize). Returns 0, or -1 with err = "line L, column C: what
 * is wrong" (lines and columns from 1; err may be NULL).
 */
int lp_text_parse(const char *text, size_t len, struct lp_prog *p, char *err, size_t errcap);

#endif /* LPARSEC_TEXT_H */
