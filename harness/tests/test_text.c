/*
 * The text form of programs (lparsec/text.h): exact binary -> text -> binary
 * round trips, the parser's errors with line and column, and the printer's
 * exact output. The tools (lparsec-repro / lparsec-fmt) are
 * test_text_tools.c.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "hv/papr.h"
#include "hv/regs.h"
#include "lparsec/runner.h"
#include "lparsec/text.h"
#include "testlib.h"

#include "text_sample.h"

/* ---- helpers ---- */

/* Prints p (with x) into a malloc'd string. */
static char *print_str(const struct lp_prog *p, const struct lp_exec *x)
{
	char *s = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&s, &n);

	CHECK(f != NULL);
	CHECK_EQ(lp_text_print(f, p, x), 0);
	CHECK_EQ(fclose(f), 0);
	return s;
}

static struct lp_prog prog_a, prog_b;
static uint8_t bin_a[LP_MAX_BIN], bin_b[LP_MAX_BIN];

/*
 * print(p) parses back to a program with p's exact encoding. Returns false
 * (after printing the text and the error) if not.
 */
static bool round_trips(const struct lp_prog *p)
{
	char err[256];
	char *text = print_str(p, NULL);
	size_t na = lp_prog_encode(p, bin_a, sizeof(bin_a)), nb;
	bool ok;

	if (lp_text_parse(text, strlen(text), &prog_b, err, sizeof(err))) {
		fprintf(stderr, "parse failed: %s\n%s", err, text);
		free(text);
		return false;
	}
	nb = lp_prog_encode(&prog_b, bin_b, sizeof(bin_b));
	ok = na == nb && memcmp(bin_a, bin_b, na) == 0;
	if (!ok) {
		fprintf(stderr, "encodings differ (%zu vs %zu bytes) for:\n%s", na, nb, text);
	}
	free(text);
	return ok;
}

static uint64_t xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Parses text expecting failure with an error that starts with want. */
static bool parse_fails(const char *text, const char *want)
{
	char err[256];
	struct lp_prog *p = &prog_b;

	if (lp_text_parse(text, strlen(text), p, err, sizeof(err)) == 0) {
		fprintf(stderr, "parsed, but expected '%s':\n%s\n", want, text);
		return false;
	}
	if (strncmp(err, want, strlen(want)) != 0) {
		fprintf(stderr, "error '%s'\nexpected '%s...'\n", err, want);
		return false;
	}
	return true;
}

static bool parse_ok(const char *text, struct lp_prog *p)
{
	char err[256];

	if (lp_text_parse(text, strlen(text), p, err, sizeof(err))) {
		fprintf(stderr, "parse error: %s\n", err);
		return false;
	}
	return true;
}

/* ---- round trips ---- */

TEST(roundtrip_random_bytes)
{
	uint8_t buf[600];
	uint64_t s = 0x9e3779b97f4a7c15ull;
	unsigned i, j;

	for (i = 0; i < 1000; i++) {
		size_t len = (size_t)(xorshift(&s) % 601);

		for (j = 0; j < len; j++) {
			buf[j] = (uint8_t)xorshift(&s);
		}
		/* Some inputs with the header, some with long runs of ops. */
		if (i % 3 == 0 && len >= 3) {
			buf[0] = 'L';
			buf[1] = 'P';
			buf[2] = (uint8_t)(i % 2 ? 1 : 2);
		}
		lp_prog_decode(buf, len, &prog_a);
		if (!round_trips(&prog_a)) {
			fprintf(stderr, "input %u (%zu bytes)\n", i, len);
			CHECK(0);
		}
	}
}

/* Small-valued bytes reach every op kind and selector with in-range parameters. */
TEST(roundtrip_small_bytes)
{
	uint8_t buf[400];
	uint64_t s = 12345;
	unsigned i, j;

	for (i = 0; i < 500; i++) {
		size_t len = (size_t)(xorshift(&s) % 400);

		for (j = 0; j < len; j++) {
			buf[j] = (uint8_t)(xorshift(&s) % (i % 2 ? 20 : 4));
		}
		lp_prog_decode(buf, len, &prog_a);
		if (!round_trips(&prog_a)) {
			fprintf(stderr, "input %u (%zu bytes)\n", i, len);
			CHECK(0);
		}
	}
}

/* Every kind, every selector, every named opcode, every edge, raw a= values. */
TEST(roundtrip_every_construct)
{
	struct lp_prog *p = &prog_a;
	unsigned k, i, n = 0;

	memset(p, 0, sizeof(*p));
	p->cfg.nparts = 3;
	p->cfg.threads = 4;
	for (i = 0; i < LP_MAX_PARTS; i++) {
		p->cfg.lmbs[i] = (uint8_t)(1 + i * 2);
		p->cfg.vcpus[i] = (uint8_t)(4 - i);
		p->cfg.windows[i] = (uint8_t)(i % 3);
		p->cfg.shared[i] = i % 2;
	}
	for (k = 0; k < LP_OP_COUNT && n < LP_MAX_OPS; k++) {
		for (i = 0; i < 3 && n < LP_MAX_OPS; i++) {
			struct lp_op *o = &p->op[n++];

			o->kind = (uint8_t)k;
			o->part = (uint8_t)(i % 3);
			o->vcpu = (uint8_t)i;
			o->a = (uint8_t)(i == 2 ? 200 : i);
			o->reg = (uint16_t)(i * 100 + 7);
			o->value = 0xfedcba9876543210ull >> i;
			o->opcode = i == 2 ? 0x28 : lp_hcall_opcodes[(k + i) % lp_hcall_opcode_count];
			o->nargs = (uint8_t)(k == LP_OP_HCALL ? 9 : 1);
			o->problem = k == LP_OP_HCALL && i == 1;
			for (unsigned a = 0; a < 9; a++) {
				o->arg[a].sel = (uint8_t)((a + i * 9) % LP_SEL_COUNT);
				o->arg[a].val = 0x123456789abcdef0ull >> (a * 3);
			}
		}
	}
	for (i = 0; i < lp_hcall_opcode_count && n < LP_MAX_OPS; i++) {
		struct lp_op *o = &p->op[n++];

		memset(o, 0, sizeof(*o));
		o->kind = LP_OP_HCALL;
		o->opcode = lp_hcall_opcodes[i];
		o->nargs = (uint8_t)(i % 10);
		for (unsigned a = 0; a < o->nargs; a++) {
			o->arg[a].sel = LP_SEL_EDGE;
			o->arg[a].val = (i * 9 + a) % (LP_EDGE_COUNT + 3);
		}
	}
	p->nops = n;
	/* Version 2's configuration too. */
	p->cfg.version = 2;
	p->cfg.hpt_order[1] = 20;
	p->cfg.seg[5].vsid = 0x3005;
	p->cfg.seg[5].shift = 16;
	p->cfg.seg[15].shift = 24;
	lp_prog_normalize(p);
	CHECK_EQ(p->cfg.version, 2);
	CHECK_EQ(p->cfg.seg[5].vsid, 0x3005);
	CHECK(round_trips(p));
}

/*
 * Every file under corpora/: text programs (*.txt, or what looks like text)
 * parse and round-trip through binary, binary files through text.
 */
static unsigned corpus_files;

static void corpus_walk(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d) {
		return;
	}
	while ((e = readdir(d)) != NULL) {
		char path[1024];
		struct stat st;
		FILE *f;
		char *data;
		size_t len;

		if (e->d_name[0] == '.') {
			continue;
		}
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (stat(path, &st)) {
			continue;
		}
		if (S_ISDIR(st.st_mode)) {
			corpus_walk(path);
			continue;
		}
		if (!S_ISREG(st.st_mode) || st.st_size > (1 << 20) || strstr(e->d_name, ".dict") ||
		    strstr(e->d_name, ".options") || strstr(e->d_name, ".md")) {
			continue;
		}
		f = fopen(path, "rb");
		CHECK(f != NULL);
		data = malloc((size_t)st.st_size + 1);
		CHECK(data != NULL);
		len = fread(data, 1, (size_t)st.st_size, f);
		fclose(f);
		corpus_files++;
		if (strstr(e->d_name, ".txt") || lp_looks_like_text((const uint8_t *)data, len)) {
			char err[256];

			if (lp_text_parse(data, len, &prog_a, err, sizeof(err))) {
				fprintf(stderr, "%s: %s\n", path, err);
				free(data);
				CHECK(0);
			}
		} else {
			lp_prog_decode((const uint8_t *)data, len, &prog_a);
		}
		free(data);
		if (!round_trips(&prog_a)) {
			fprintf(stderr, "corpus file %s\n", path);
			CHECK(0);
		}
	}
	closedir(d);
}

TEST(roundtrip_corpora)
{
	char dir[1024];
	const char *src = __FILE__, *cut = strstr(src, "harness/tests/test_text.c");

	/* The corpora sit at the root of the source tree this file belongs to. */
	if (!cut) {
		fprintf(stderr, "cannot find the source tree from %s; skipped\n", src);
		return;
	}
	snprintf(dir, sizeof(dir), "%.*scorpora", (int)(cut - src), src);
	corpus_files = 0;
	corpus_walk(dir);
	printf("%u corpus files round-trip\n", corpus_files);
}

/* ---- printing ---- */

TEST(print_small_program_exactly)
{
	char *text;

	small_program(&prog_a);
	text = print_str(&prog_a, NULL);
	if (strcmp(text, small_text) != 0) {
		fprintf(stderr, "got:\n%s\nexpected:\n%s", text, small_text);
		free(text);
		CHECK(0);
	}
	free(text);
	CHECK(round_trips(&prog_a));
}

TEST(print_annotated_results)
{
	struct lp_exec *x = calloc(1, sizeof(*x));
	char *text;
	const char *want =
		"p0.v0 H_ENTER flags=0x0 ptex=hash(0x10203) pteh=pteh(0x10203) ptel=ptel(0x1000002)"
		"  # H_SUCCESS r4=0x3898 | ptex=0x3898 pteh=0x4000010203001 ptel=0x100192\n"
		"p1 mem_add lmb=3  # HV error -3\n"
		"p0.v1 dispatch thread=1  # skipped\n"
		"p0 dma_write win=0 addr=ioba(0x5) value=0x1234  # fault | addr=0x5000\n"
		"p0.v0 plant reg=r12 value=0xdead  # ok\n"
		"p0.v0 H_REMOVE flags=0x0 ptex=ptex(0xff) avpn=edge(nhpte-1)  # H_NOT_FOUND | ptex=0x3897 avpn=0x3fff\n"
		"preempt thread=1  # ok\n"
		"p1.v2 mem_remove a=0x80  # HV error -2\n"
		"p0.v0 hcall(0x28) a0=0x1  # H_FUNCTION\n"
		"# VIOLATION I7 after op 8: failing hcall changed state\n"
		"backdoor kind=3 value=0x0\n"
		"p0.v1 load addr=ea(0x10203)\n";

	CHECK(x != NULL);
	small_program(&prog_a);
	x->ops_run = 9;
	x->res[0].rc = H_SUCCESS;
	x->res[0].out[0] = 0x3898;
	x->res[0].arg[1] = 0x3898;
	x->res[0].arg[2] = 0x4000010203001ull;
	x->res[0].arg[3] = 0x100192;
	x->res[1].rc = -3;
	x->res[2].status = LP_SKIPPED;
	x->res[3].status = LP_FAULT;
	x->res[3].arg[0] = 0x5000;
	x->res[5].rc = H_NOT_FOUND;
	x->res[5].arg[1] = 0x3897;
	x->res[5].arg[2] = 0x3fff;
	x->res[7].rc = -2;
	x->res[8].rc = H_FUNCTION;
	x->viol.inv = LP_INV_I7;
	x->viol.op = 8;
	snprintf(x->viol.msg, sizeof(x->viol.msg), "failing hcall changed state");
	text = print_str(&prog_a, x);
	/* Skip the configuration lines. */
	{
		const char *ops = strstr(text, "p0.v0 H_ENTER");

		CHECK(ops != NULL);
		if (strcmp(ops, want) != 0) {
			fprintf(stderr, "got:\n%s\nexpected:\n%s", ops, want);
			free(text);
			free(x);
			CHECK(0);
		}
	}
	/* The annotated text parses back to the same program. */
	CHECK(parse_ok(text, &prog_b));
	CHECK_EQ(lp_prog_encode(&prog_a, bin_a, sizeof(bin_a)), lp_prog_encode(&prog_b, bin_b, sizeof(bin_b)));
	CHECK(memcmp(bin_a, bin_b, lp_prog_encode(&prog_a, bin_a, sizeof(bin_a))) == 0);
	free(text);

	/* A violation found by the final sweep goes after the last operation; a LOAD shows what it read. */
	x->ops_run = prog_a.nops;
	x->res[9].rc = 0;
	x->res[10].rc = 0;
	x->res[10].out[0] = 0x55;
	x->res[10].arg[0] = 0x10203000;
	x->viol.op = (uint16_t)prog_a.nops;
	x->viol.inv = LP_INV_I1;
	text = print_str(&prog_a, x);
	CHECK(strstr(text, "p0.v1 load addr=ea(0x10203)  # read 0x55 | addr=0x10203000\n"
			   "# VIOLATION I1 in the final sweep: failing hcall changed state\n") != NULL);
	free(text);
	free(x);
}

/* ---- parsing ---- */

TEST(parse_comments_defaults_and_aliases)
{
	struct lp_prog *p = &prog_a;
	const char *text = "# a comment line\n"
			   "\n"
			   "   config threads=3   # parts stays 1\n"
			   "part p0 vcpus=2\r\n"
			   "p0.v1 H_ENTER a0=5 ptex=-1 a2=pteh(7) ptel=lit(0x10)\n"
			   "\tp0 H_PROD\n"
			   "p0.v3 hcall(0x8) a0=edge(2^63) a1=edge(0x20) a2=ptex(-128)\n"
			   "backdoor value=18446744073709551615\n"
			   "p0.v0 plant reg=vr3l\n"
			   "p0 mem_add\n";

	CHECK(parse_ok(text, p));
	CHECK_EQ(p->cfg.nparts, 1);
	CHECK_EQ(p->cfg.threads, 3);
	CHECK_EQ(p->cfg.vcpus[0], 2);
	CHECK_EQ(p->cfg.lmbs[0], 1);
	CHECK_EQ(p->cfg.windows[0], 0);
	CHECK(p->cfg.shared[0]);
	CHECK(p->cfg.shared[3]);
	CHECK_EQ(p->nops, 6);
	CHECK_EQ(p->op[0].kind, LP_OP_HCALL);
	CHECK_EQ(p->op[0].opcode, H_ENTER);
	CHECK_EQ(p->op[0].vcpu, 1);
	CHECK_EQ(p->op[0].nargs, 4);
	CHECK_EQ(p->op[0].arg[0].val, 5);
	CHECK_EQ(p->op[0].arg[1].sel, LP_SEL_LIT);
	CHECK_EQ(p->op[0].arg[1].val, ~0ull);
	CHECK_EQ(p->op[0].arg[2].sel, LP_SEL_PTEH);
	CHECK_EQ(p->op[0].arg[2].val, 7);
	CHECK_EQ(p->op[0].arg[3].sel, LP_SEL_LIT);
	CHECK_EQ(p->op[1].opcode, H_PROD);
	CHECK_EQ(p->op[1].nargs, 0);
	CHECK_EQ(p->op[2].opcode, H_ENTER);
	CHECK_EQ(p->op[2].vcpu, 3);
	CHECK_EQ(p->op[2].arg[0].sel, LP_SEL_EDGE);
	CHECK_EQ(p->op[2].arg[0].val, LP_EDGE_2_63);
	CHECK_EQ(p->op[2].arg[1].val, 0x20);
	CHECK_EQ(p->op[2].arg[2].sel, LP_SEL_PTEX);
	CHECK_EQ(p->op[2].arg[2].val, 0x80);
	CHECK_EQ(p->op[3].kind, LP_OP_BACKDOOR);
	CHECK_EQ(p->op[3].value, ~0ull);
	CHECK_EQ(p->op[4].reg, hv_reg_lookup("vr3l"));
	CHECK_EQ(p->op[5].kind, LP_OP_MEM_ADD);
	CHECK_EQ(p->op[5].a, 0);
	/* Empty text: the default program. */
	CHECK(parse_ok("", p));
	CHECK_EQ(p->nops, 0);
	CHECK_EQ(p->cfg.nparts, 1);
}

TEST(parse_header_rules)
{
	CHECK(parse_ok("# first\nlparsec program v1\nconfig parts=1\n", &prog_a));
	CHECK(parse_fails("config parts=1\nlparsec program v1\n",
			  "line 2, column 1: 'lparsec program' header must be the first line"));
	CHECK(parse_fails("lparsec program v3\n", "line 1, column 17: unsupported version 'v3' (this build reads v1 and v2)"));
	CHECK(parse_fails("lparsec prog v1\n", "line 1, column 9: expected 'lparsec program v2'"));
	CHECK(parse_fails("lparsec program v1 extra\n", "line 1, column 20: unexpected 'extra'"));
}

/* Version 2 programs have up to 128 operations; version 1 keeps its 64, in text and binary. */
TEST(operation_caps_by_version)
{
	static char text[20 + 16 * (LP_MAX_OPS + 1)];
	static uint8_t bin[3 + 6 + 1 + 4 + 8 + 1 + 2 * 200];
	size_t n = (size_t)sprintf(text, "lparsec program v2\n");
	unsigned i;

	for (i = 0; i < LP_MAX_OPS + 1; i++) {
		n += (size_t)sprintf(text + n, "p0 migrate\n");
	}
	CHECK(parse_fails(text, "line 130, column 1: too many operations (at most 128)"));
	text[n - 11] = 0;
	CHECK(parse_ok(text, &prog_a));
	CHECK_EQ(prog_a.nops, LP_MAX_OPS);
	CHECK(round_trips(&prog_a));
	/* Binary: 200 operations of two bytes each (kind migrate, actor 0) after each version's header. */
	memcpy(bin, "LP\x02", 3);
	memset(bin + 3, 0, sizeof(bin) - 3);
	for (i = 0; i < 200; i++) {
		bin[3 + 6 + 1 + 4 + 8 + 1 + 2 * i] = LP_OP_MIGRATE;
	}
	lp_prog_decode(bin, sizeof(bin), &prog_a);
	CHECK_EQ(prog_a.nops, LP_MAX_OPS);
	bin[2] = 1; /* version 1: its configuration is 14 bytes shorter, its cap 64 */
	lp_prog_decode(bin, sizeof(bin), &prog_a);
	CHECK_EQ(prog_a.nops, LP_MAX_OPS_V1);
}

/* Version 2's machines of the size users run: memory, LMB size, partitions of many LMBs, HPTs of 2^22. */
TEST(parse_v2_large_machine)
{
	uint8_t bin[LP_MAX_BIN];

	CHECK(parse_ok("lparsec program v2\nconfig parts=2 memory=1g lmb=16m\n"
		       "part p0 lmbs=32 vcpus=2 hpt=22\npart p1 lmbs=20\n",
		       &prog_a));
	CHECK_EQ(lp_cfg_mem_bytes(&prog_a.cfg), 1ull << 30);
	CHECK_EQ(lp_cfg_lmb_bytes(&prog_a.cfg), 16ull << 20);
	CHECK_EQ(prog_a.cfg.lmbs[0], 32);         /* 512 MiB */
	CHECK_EQ(prog_a.cfg.hpt_order[0], 22);
	/* 64 LMBs, 4 of them the hypervisor's (4 HPT slots of 4 MiB + 8 MiB of records): 60 for partitions. */
	CHECK_EQ(prog_a.cfg.lmbs[1], 20);
	CHECK(round_trips(&prog_a));
	CHECK_EQ(lp_prog_encode(&prog_a, bin, sizeof(bin)) > 9, true);
	CHECK_EQ(bin[9], 2 | 3 << 2);
	CHECK_EQ(bin[10], 4 | 3 << 3);            /* order 22, 24 more LMBs than the version 1 byte's 8 */
	/* In binary, what does not fit is cut down to what does: the last partition gives LMBs back. */
	prog_a.cfg.lmbs[0] = prog_a.cfg.lmbs[1] = 64;
	prog_a.cfg.hpt_order[0] = LP_HPT_ORDER_MIN;
	lp_prog_decode(bin, lp_prog_encode(&prog_a, bin, sizeof(bin)), &prog_b);
	CHECK_EQ(prog_b.cfg.lmbs[0], 62); /* 64 LMBs, 1 the hypervisor's with HPTs of 2^18 */
	CHECK_EQ(prog_b.cfg.lmbs[1], 1);
	/* In text, a machine that cannot be built is an error. */
	CHECK(parse_fails("lparsec program v2\nconfig parts=2 memory=1g lmb=16m\npart p0 lmbs=64\npart p1 lmbs=64\n",
			  "line 4, column 1: the partitions' LMBs do not fit: the machine leaves them 63"));
	CHECK(parse_fails("lparsec program v2\nconfig memory=1g lmb=256k\n",
			  "line 2, column 1: lmb=256k does not fit memory=1024m (at most 256 LMBs, one for each partition beside "
			  "the hypervisor's): lmb=4096k does"));
	CHECK(parse_fails("lparsec program v2\nconfig parts=4 memory=64m lmb=16m\n",
			  "line 2, column 1: lmb=16384k does not fit memory=64m"));
	/* The binary form of that: 4 MiB LMBs, one each and 12 to spare. */
	prog_a.cfg.nparts = 4;
	prog_a.cfg.mem_shift = 26;
	prog_a.cfg.lmb_shift = 24;
	prog_a.cfg.lmbs[0] = prog_a.cfg.lmbs[1] = prog_a.cfg.lmbs[2] = prog_a.cfg.lmbs[3] = 1;
	lp_prog_decode(bin, lp_prog_encode(&prog_a, bin, sizeof(bin)), &prog_b);
	CHECK_EQ(lp_cfg_lmb_bytes(&prog_b.cfg), 4ull << 20);
	CHECK(parse_fails("lparsec program v2\npart p0 hpt=22\n",
			  "line 2, column 1: p0: hpt=22 needs memory=256m or more (64 MiB machines take at most 20)"));
	CHECK(parse_fails("lparsec program v1\nconfig memory=1g\n", "line 2, column 8: 'memory' needs 'lparsec program v2'"));
	CHECK(parse_fails("lparsec program v2\nconfig memory=2g\n", "line 2, column 15: memory=2g: a machine has 64m, 256m or 1g"));
	CHECK(parse_fails("lparsec program v2\nconfig lmb=8m\n", "line 2, column 12: lmb=8m: LMBs are 256k, 1m, 4m or 16m"));
	CHECK(parse_fails("lparsec program v1\npart p0 lmbs=9\n", "line 2, column 14: lmbs=9 out of range 1..8"));
}

/* Version 2's configuration: per-partition HPT orders and segments, in text and binary, and its errors. */
TEST(parse_v2_configuration)
{
	static const char text[] = "lparsec program v2\n"
				   "config parts=2 threads=1\n"
				   "part p0 lmbs=2 vcpus=1 windows=0 shared hpt=20\n"
				   "part p1 lmbs=1 vcpus=1 windows=0 shared\n"
				   "window p0.w1 entries=512 offset=0x800000000000000\n"
				   "segment esid=1 vsid=0x2001 page=64k\n"
				   "segment esid=3 page=16m\n"
				   "p0.v0 load addr=ea(0x10001)\n";
	uint8_t bin[LP_MAX_BIN];
	size_t len;

	CHECK(parse_ok(text, &prog_a));
	CHECK_EQ(prog_a.cfg.version, 2);
	CHECK_EQ(prog_a.cfg.hpt_order[0], 20);
	CHECK_EQ(prog_a.cfg.hpt_order[1], LP_HPT_ORDER_MIN);
	CHECK_EQ(lp_cfg_nhpte(&prog_a.cfg, 0), 65536);
	CHECK_EQ(prog_a.cfg.seg[1].vsid, 0x2001);
	CHECK_EQ(prog_a.cfg.seg[1].shift, 16);
	CHECK_EQ(prog_a.cfg.seg[3].vsid, 0x1003); /* the default VSID, another page size */
	CHECK_EQ(prog_a.cfg.seg[3].shift, 24);
	CHECK_EQ(prog_a.cfg.seg[2].vsid, 0x1002);
	CHECK_EQ(prog_a.cfg.seg[2].shift, 12);
	CHECK_EQ(lp_cfg_win_entries(&prog_a.cfg, 0, 1), 512);
	CHECK_EQ(lp_cfg_win_offset(&prog_a.cfg, 0, 1), 1ull << 59);
	CHECK_EQ(lp_cfg_win_entries(&prog_a.cfg, 0, 0), LP_WINDOW_ENTRIES);
	CHECK_EQ(lp_cfg_win_offset(&prog_a.cfg, 0, 0), 0);
	CHECK(round_trips(&prog_a));
	/* Binary: "LP" 2, 6 bytes, the machine, 4 HPT orders, 8 windows, 2 segments of 5 bytes, then the load. */
	len = lp_prog_encode(&prog_a, bin, sizeof(bin));
	CHECK_EQ(bin[2], 2);
	CHECK_EQ(bin[9], 0);  /* 64 MiB of 256 KiB LMBs */
	CHECK_EQ(bin[10], 2); /* p0: order 20 */
	CHECK_EQ(bin[15], 1 | 7 << 2); /* p0.w1: 512 entries (lp_window_sizes[1]) at offset 2^59 */
	CHECK_EQ(bin[22], 2); /* segments listed */
	CHECK_EQ(bin[23], 1);
	CHECK_EQ(bin[24], 1); /* 64k */
	CHECK_EQ(bin[25] | bin[26] << 8 | bin[27] << 16, 0x2001);
	CHECK_EQ(len, 3 + 6 + 1 + 4 + 8 + 1 + 10 + 2 + 5);
	/* A version 1 program keeps version 1's form byte for byte. */
	CHECK(parse_ok("lparsec program v1\np0.v0 load addr=ea(0x10001)\n", &prog_b));
	len = lp_prog_encode(&prog_b, bin, sizeof(bin));
	CHECK_EQ(bin[2], 1);
	CHECK_EQ(len, 3 + 6 + 2 + 5);
	CHECK_EQ(prog_b.cfg.seg[1].vsid, 0x1001);
	/* A version 2 header with nothing after it: version 1's machine. */
	lp_prog_decode((const uint8_t *)"LP\x02", 3, &prog_b);
	CHECK_EQ(prog_b.cfg.version, 2);
	CHECK_EQ(prog_b.cfg.hpt_order[0], LP_HPT_ORDER_MIN);
	CHECK_EQ(prog_b.cfg.seg[0].vsid, 0x1000);
	CHECK_EQ(prog_b.cfg.seg[0].shift, 12);
	/* Errors. */
	CHECK(parse_fails("lparsec program v1\nsegment esid=1 page=64k\n",
			  "line 2, column 1: 'segment' needs 'lparsec program v2'"));
	CHECK(parse_fails("lparsec program v1\npart p0 hpt=20\n", "line 2, column 9: 'hpt' needs 'lparsec program v2'"));
	CHECK(parse_fails("lparsec program v2\npart p0 hpt=23\n", "line 2, column 13: hpt=23 out of range 18..22"));
	CHECK(parse_fails("lparsec program v2\nsegment esid=1 page=1m\n",
			  "line 2, column 21: page size '1m' is not a segment base page size (4k, 64k, 16m)"));
	CHECK(parse_fails("lparsec program v2\nsegment esid=1 vsid=0x7f101\n",
			  "line 2, column 21: VSIDs 0x7f000..0x7fffff belong to the interpreter's alias segments"));
	CHECK(parse_fails("lparsec program v2\nsegment esid=16\n", "line 2, column 14: esid=16 out of range 0..15"));
	CHECK(parse_fails("lparsec program v2\nsegment page=64k\n", "line 2, column 8: missing esid="));
	CHECK(parse_fails("lparsec program v2\nsegment esid=2\nsegment esid=2 page=64k\n",
			  "line 3, column 1: segment esid=2 configured twice"));
	CHECK(parse_fails("lparsec program v1\nwindow p0.w0 entries=512\n", "line 2, column 1: 'window' needs 'lparsec program v2'"));
	CHECK(parse_fails("lparsec program v2\nwindow p0.w2 entries=512\n", "line 2, column 8: expected a window p0.w0 .. p3.w1"));
	CHECK(parse_fails("lparsec program v2\nwindow p0.w0 entries=1024\n",
			  "line 2, column 22: entries=1024: a window has 128, 512, 16384 or 262144 TCEs"));
	CHECK(parse_fails("lparsec program v2\nwindow p1.w1 entries=262144\n",
			  "line 2, column 1: p1.w1: entries=262144 needs memory=256m or more (64 MiB machines take windows of "
			  "at most 16384 TCEs)"));
	CHECK(parse_ok("lparsec program v2\nconfig memory=256m lmb=1m\nwindow p1.w1 entries=262144\n", &prog_b));
	CHECK_EQ(lp_cfg_win_entries(&prog_b.cfg, 1, 1), 262144);
	CHECK(parse_fails("lparsec program v2\nwindow p1.w0 offset=0x1000\n",
			  "line 2, column 21: offset=0x1000 is not a window bus offset"));
	CHECK(parse_fails("lparsec program v2\np0 cpu_add\nsegment esid=2\n",
			  "line 3, column 1: segment after the first operation"));
	/* Version 2's operations. */
	CHECK(parse_fails("lparsec program v1\np0 poke addr=0x0 value=0x1\n", "line 2, column 4: 'poke' needs 'lparsec program v2'"));
	CHECK(parse_fails("lparsec program v1\np0.v0 problem H_RANDOM\n", "line 2, column 7: 'problem' needs 'lparsec program v2'"));
	CHECK(parse_fails("lparsec program v2\np0.v0 problem load addr=0x0\n",
			  "line 2, column 15: 'problem' goes with an hcall, not 'load'"));
	CHECK(parse_fails("lparsec program v2\np0.v0 problem\n", "line 2, column 14: missing hcall after 'problem'"));
	CHECK(parse_ok("lparsec program v2\np0 fill pages=16 addr=own(0x1000) value=0x5\np0.v2 regs reg=r3\n"
		       "p0.v1 problem H_CEDE\n",
		       &prog_a));
	CHECK_EQ(prog_a.op[0].kind, LP_OP_FILL);
	CHECK_EQ(prog_a.op[0].a, 16);
	CHECK_EQ(prog_a.op[0].arg[0].sel, LP_SEL_OWN);
	CHECK_EQ(prog_a.op[1].kind, LP_OP_REGS);
	CHECK_EQ(prog_a.op[1].vcpu, 2);
	CHECK_EQ(prog_a.op[2].problem, true);
	CHECK(round_trips(&prog_a));
	len = lp_prog_encode(&prog_a, bin, sizeof(bin));
	CHECK_EQ(bin[3 + 6 + 1 + 4 + 8 + 1 + 0], LP_OP_FILL);
	CHECK_EQ(bin[3 + 6 + 1 + 4 + 8 + 1 + 16 + 4 + 1] & 0x10, 0x10); /* the third op's actor: problem state */
}

TEST(parse_errors_names)
{
	/* Unknown operation / hcall name. */
	CHECK(parse_fails("lparsec program v1\np0.v0 H_FROB flags=0\n", "line 2, column 7: unknown operation 'H_FROB'"));
	CHECK(parse_fails("p0 mem_ad lmb=1\n", "line 1, column 4: unknown operation 'mem_ad'"));
	CHECK(parse_fails("frobnicate\n", "line 1, column 1: unknown operation 'frobnicate'"));
	/* Bad actor. */
	CHECK(parse_fails("p0.x1 cpu_add\n", "line 1, column 4: bad actor 'p0.x1'"));
	CHECK(parse_fails("pz cpu_add\n", "line 1, column 1: unknown operation 'pz'"));
	CHECK(parse_fails("p0.v cpu_add\n", "line 1, column 4: bad actor 'p0.v'"));
	CHECK(parse_fails("p0.v0\n", "line 1, column 6: missing operation after the actor"));
	/* Unknown field / argument name. */
	CHECK(parse_fails("p0 mem_add lmbb=1\n", "line 1, column 12: unknown field 'lmbb' for mem_add (lmb)"));
	CHECK(parse_fails("p0 migrate win=1\n", "line 1, column 12: unknown field 'win' for migrate (it takes none)"));
	CHECK(parse_fails("config parts=1 cpus=2\n", "line 1, column 16: unknown config field 'cpus'"));
	CHECK(parse_fails("part p0 lmbs=1 foo=2\n", "line 1, column 16: unknown partition field 'foo'"));
	CHECK(parse_fails("p0.v0 H_ENTER flags=0 pteh=0\n",
			  "line 1, column 23: argument 'pteh' out of order: argument 1 is ptex or a1"));
	CHECK(parse_fails("p0.v0 H_ENTER flags=0 zap=0\n", "line 1, column 23: unknown argument 'zap' for H_ENTER"));
	/* Bad selector / register / edge names. */
	CHECK(parse_fails("p0.v0 H_READ flags=0 ptex=hsh(0x1)\n", "line 1, column 27: unknown selector 'hsh'"));
	CHECK(parse_fails("p0.v0 plant reg=r32 value=1\n", "line 1, column 17: unknown register 'r32'"));
	CHECK(parse_fails("p0.v0 H_READ flags=edge(nhpte-2)\n", "line 1, column 25: unknown edge 'nhpte-2'"));
	/* Field syntax. */
	CHECK(parse_fails("p0 mem_add 3\n", "line 1, column 12: expected name=value, got '3'"));
	CHECK(parse_fails("p0 mem_add lmb=1 lmb=2\n", "line 1, column 18: field 'lmb' given twice"));
	CHECK(parse_fails("p0 mem_add lmb=1 a=2\n", "line 1, column 18: field 'a' given twice"));
}

TEST(parse_errors_ranges)
{
	CHECK(parse_fails("config parts=5\n", "line 1, column 14: parts=5 out of range 1..4"));
	CHECK(parse_fails("config threads=0\n", "line 1, column 16: threads=0 out of range 1..4"));
	CHECK(parse_fails("\npart p0 lmbs=9\n", "line 2, column 14: lmbs=9 out of range 1..8"));
	CHECK(parse_fails("part p0 windows=3\n", "line 1, column 17: windows=3 out of range 0..2"));
	CHECK(parse_fails("part p4 lmbs=1\n", "line 1, column 6: partition 'p4' out of range p0..p3"));
	CHECK(parse_fails("config parts=2 threads=2\np0.v0 dispatch thread=9\n",
			  "line 2, column 23: thread=9 out of range 0..3"));
	CHECK(parse_fails("p0.v0 dispatch a=256\n", "line 1, column 18: a=256 out of range 0..255"));
	CHECK(parse_fails("p0 win_assign win=2\n", "line 1, column 19: win=2 out of range 0..1"));
	CHECK(parse_fails("config parts=2\np2 migrate\n", "line 2, column 1: partition p2 does not exist (config parts=2)"));
	CHECK(parse_fails("p0.v4 cpu_add\n", "line 1, column 4: vCPU v4 out of range v0..v3"));
	/* Selector values wider than the selector. */
	CHECK(parse_fails("p0.v0 H_READ flags=0 ptex=ptex(0x100)\n", "line 1, column 32: ptex '0x100' wider than 1 byte"));
	CHECK(parse_fails("p0.v0 H_READ flags=0 ptex=hash(0x100000000)\n",
			  "line 1, column 32: hash '0x100000000' wider than 4 bytes"));
	CHECK(parse_fails("p0 dma_read addr=ioba(70000)\n", "line 1, column 23: ioba '70000' wider than 2 bytes"));
	CHECK(parse_fails("p0.v0 H_READ flags=0x10000000000000000\n",
			  "line 1, column 20: value '0x10000000000000000' does not fit 64 bits"));
	CHECK(parse_fails("p0.v0 store value=18446744073709551616\n",
			  "line 1, column 19: value '18446744073709551616' does not fit 64 bits"));
	/* Too many operations / arguments. */
	{
		char *text = malloc(70 * 16);
		size_t n = 0;
		unsigned i;

		CHECK(text != NULL);
		for (i = 0; i < LP_MAX_OPS_V1 + 1; i++) {
			n += (size_t)sprintf(text + n, "  p0 migrate\n");
		}
		if (!parse_fails(text, "line 65, column 3: too many operations (at most 64 in version 1, 128 in version 2)")) {
			free(text);
			CHECK(0);
		}
		text[n - 13] = 0; /* exactly 64 parse */
		CHECK(parse_ok(text, &prog_a));
		CHECK_EQ(prog_a.nops, LP_MAX_OPS_V1);
		free(text);
	}
	CHECK(parse_fails("p0.v0 H_CEDE a0=0 a1=0 a2=0 a3=0 a4=0 a5=0 a6=0 a7=0 a8=0 a9=0\n",
			  "line 1, column 59: too many arguments (at most 9)"));
}

TEST(parse_errors_garbage)
{
	static const char nul[] = "p0 migrate\np0 mi\0grate\n";
	char err[256];

	CHECK(parse_fails("p0 migrate\n\x01\x02garbage\n", "line 2, column 1: unexpected byte 0x01"));
	CHECK(parse_fails("p0 migrate \xff\n", "line 1, column 12: unexpected byte 0xff"));
	CHECK(lp_text_parse(nul, sizeof(nul) - 1, &prog_a, err, sizeof(err)) == -1);
	CHECK(strncmp(err, "line 2, column 6: unexpected NUL byte", 37) == 0);
	CHECK(parse_fails("p0.v0 H_READ flags=0x1g\n", "line 1, column 20: bad number '0x1g' for value"));
	CHECK(parse_fails("p0.v0 H_READ flags=\n", "line 1, column 20: missing value for flags"));
	CHECK(parse_fails("p0.v0 H_READ flags=own(0x1\n", "line 1, column 27: missing ')'"));
	CHECK(parse_fails("p0.v0 H_READ flags=own()\n", "line 1, column 24: missing selector value inside own()"));
	CHECK(parse_fails("p0 migrate\nconfig parts=2\n", "line 2, column 1: config after the first operation"));
	CHECK(parse_fails("p0 migrate\npart p0 lmbs=2\n", "line 2, column 1: part after the first operation"));
	CHECK(parse_fails("part p1 lmbs=2\npart p1 lmbs=3\n", "line 2, column 6: partition p1 configured twice"));
	CHECK(parse_fails("config parts=1\nconfig parts=1\n", "line 2, column 1: second config line"));
	/* Comments may hold any byte but NUL. */
	CHECK(parse_ok("p0 migrate # \xc3\xa9t\xe9 \x01\n", &prog_a));
}
