/*
 * A program run as text lines every driver prints the same way: one line
 * per operation (status, return code, resolved arguments, outputs) and the
 * verdict. Drivers in other processes -- the firmware under QEMU -- are
 * compared with the host-direct run line by line (tools/qemu/replay.py):
 * the lines hold everything lp_exec_compare compares. Portable.
 */
#ifndef LPARSEC_TRANSCRIPT_H
#define LPARSEC_TRANSCRIPT_H

#include <stddef.h>

#include "lparsec/exec.h"

/* Room for any line below. */
#define LP_TRANSCRIPT_LINE 512

/* "op 3: ran rc -4 args 0x..,.. outs 0x..,.." (zero fields printed as 0). */
void lp_transcript_op(const struct lp_exec *x, unsigned i, char *buf, size_t cap);
/* "verdict: clean" or "verdict: I7 after op 3" / "verdict: I7 in the final sweep". */
void lp_transcript_verdict(const struct lp_exec *x, char *buf, size_t cap);
/* "message: ..." : the violation's own words (not compared: drivers may word an I12 differently). */
void lp_transcript_message(const struct lp_exec *x, char *buf, size_t cap);

#endif /* LPARSEC_TRANSCRIPT_H */
