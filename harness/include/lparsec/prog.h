/*
 * Segment assumption (what LOAD/STORE and the PTEH/HASH/EA selectors share):
 * every partition's SLB maps ESID e (EA bits 28..31, e < 16) to the 256 MB
 * segment the program's configuration names (struct lp_segment: a VSID and
 * a base page size of 4 KiB, 64 KiB or 16 MiB; by default, and always in
 * version 1, VSID 0x1000 + e with 4 KiB base pages), Ks = Kp = 0, so
 * supervisor accesses see the PP table's key-0 column. EAs above 4 GiB have
 * no SLB entry (a segment fault).
 *
 * Programs: what fuzzers mutate and people read (DESIGN.md §5).
 *
 * A program is a machine configuration plus up to LP_MAX_OPS operations
 * (version 1: LP_MAX_OPS_V1).
 * Arguments are selectors, resolved against the machine when the operation
 * runs, so random bytes still name owned pages, live PTEXs, window edges
 * and the like.
 *
 * Binary form (what fuzzers see), all integers little-endian:
 *   "LP" 0x01 or "LP" 0x02        magic and version (optional on input: bytes
 *                                 without it are decoded as a version-1 body)
 *   6 config bytes                see config_decode (prog_bin.c)
 *   version 2 only:               machine: memory 64 MiB << 2 * (bits 0-1 mod 3), LMBs 256 KiB <<
 *                                 2 * (bits 2-3) (raised to keep at most 256 LMBs);
 *                                 4 bytes, one per partition: HPT order - 18 (bits 0-2, mod 5; at most
 *                                 20 in 64 MiB), 8 more LMBs per unit of bits 3-5;
 *                                 8 bytes, one per window (partition-major): TCEs
 *                                 lp_window_sizes[bits 0-1], bus offset lp_window_offsets[bits 2-4];
 *                                 a segment count n (mod 17), then n x (ESID & 15,
 *                                 base page 0/1/2/3 = 4K/64K/16M/4K, 3-byte VSID; 0 = the default);
 *                                 then the machine is fitted (config_fit): windows of at most
 *                                 LP_WINDOW_ENTRIES_SMALL in 64 MiB, smaller LMBs until each
 *                                 partition has one, the last partitions' LMBs cut to what the
 *                                 hypervisor region leaves (lp_cfg_hv_bytes_bound)
 *   operations until the input ends or LP_MAX_OPS (version 1: LP_MAX_OPS_V1) were decoded:
 *     kind, actor                 kind % LP_OP_COUNT (version 1: % LP_OP_COUNT_V1);
 *                                 actor = part | vcpu << 2 | problem << 4 (version 2 hcalls)
 *     per kind (lp_kind_has_*):   hcall: opcode index, nargs, nargs x (selector, value)
 *                                 others: fixed little-endian parameters
 * Missing bytes read as zero, so ANY byte string decodes to a valid program.
 * lp_prog_encode writes the canonical form; decode(encode(p)) == p.
 *
 * Portable like hv/core: no libc, no allocation.
 */
#ifndef LPARSEC_PROG_H
#define LPARSEC_PROG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LP_MAX_OPS        128    /* version 2; the fuzzers' mutator keeps to LP_FUZZ_OPS (a program's cost is its length) */
#define LP_MAX_OPS_V1     64
#define LP_FUZZ_OPS       64
#define LP_MAX_PARTS      4
#define LP_MAX_VCPUS      4
#define LP_MAX_THREADS    4
#define LP_MAX_WINDOWS    2      /* per partition */
#define LP_WINDOW_ENTRIES 128    /* TCEs per window in version 1 (512 KiB of bus space) at bus offset 0 */
#define LP_WINDOW_ENTRIES_MAX 262144 /* version 2: lp_window_sizes TCEs (up to 1 GiB), at one of lp_window_offsets */
#define LP_WINDOW_SIZES   4
#define LP_WINDOW_ENTRIES_SMALL 16384 /* the largest window a 64 MiB machine holds (8 tables of 256 KiB + shadows) */
#define LP_WINDOW_OFFSETS 8
/* Magic, config (version 2 with every segment), then per operation at most: kind, actor, raw opcode, nargs, 9 literals. */
#define LP_MAX_BIN        (3 + 6 + 1 + 4 + 8 + 1 + LP_SEGMENTS * 5 + LP_MAX_OPS * (4 + 8 + 9 * 9))
#define LP_VERSION        2      /* the newest; version 1 programs still decode, print and run as before */
#define LP_SEGMENTS       16     /* ESIDs a program can name */
#define LP_HPT_ORDER_MIN  18     /* per-partition HPT of 2^order bytes (version 2) */
/*
 * A machine carves the largest order for each of its 4 partition slots, with
 * 32 bytes of private record per HPTE (12 MiB a slot at 2^22, QEMU's pseries
 * default for 512 MiB): machines of 64 MiB take at most 2^20.
 */
#define LP_HPT_ORDER_MAX  22
#define LP_HPT_ORDER_MAX_SMALL 20
/* Version 2's machines: 64 MiB, 256 MiB or 1 GiB of real memory, in LMBs of 256 KiB to 16 MiB. */
#define LP_MEM_SHIFT_MIN  26
#define LP_MEM_SHIFT_MAX  30
#define LP_LMB_SHIFT_MIN  18
#define LP_LMB_SHIFT_MAX  24
#define LP_MACHINE_LMBS_MAX 256  /* real LMBs a machine may have (the harness's memory map) */
#define LP_PART_LMBS_MAX  64     /* LMBs a partition may start with (version 1: 8) */

/* Segment ESID e of every partition (version 2): a VSID and a base page size. */
struct lp_segment {
	uint32_t vsid;                  /* 1..2^24-1, never an interpreter alias's VSID */
	uint8_t shift;                  /* base page: 12, 16 or 24 */
};

/* Machine configuration of a program (the machine itself: see exec.h). */
struct lp_config {
	uint8_t version;                /* 1 or 2: what the program was written as (encode keeps it) */
	uint8_t mem_shift;              /* machine memory 2^mem_shift (version 1: 26) */
	uint8_t lmb_shift;              /* LMB size 2^lmb_shift (version 1: 18) */
	uint8_t nparts;                 /* 1..4 */
	uint8_t threads;                /* 1..4 */
	uint8_t lmbs[LP_MAX_PARTS];     /* 1..8 (version 2: ..64, as many as the machine holds) LMBs at logical 0..n-1 */
	uint8_t vcpus[LP_MAX_PARTS];    /* 1..4 */
	uint8_t windows[LP_MAX_PARTS];  /* 0..2 DMA windows */
	bool shared[LP_MAX_PARTS];      /* shared-processor (else dedicated, if a thread is free) */
	/* Version 2 (a version 1 program has the defaults: 18, and lp_segment_default). */
	uint8_t hpt_order[LP_MAX_PARTS]; /* LP_HPT_ORDER_MIN..MAX */
	uint32_t win_entries[LP_MAX_PARTS][LP_MAX_WINDOWS]; /* one of lp_window_sizes */
	uint8_t win_offset[LP_MAX_PARTS][LP_MAX_WINDOWS];   /* index into lp_window_offsets */
	struct lp_segment seg[LP_SEGMENTS];
};

/* Segment e as version 1 has it: VSID 0x1000 + e, 4 KiB base pages. */
static inline struct lp_segment lp_segment_default(unsigned e)
{
	struct lp_segment s = { 0x1000u + (e & 15), 12 };

	return s;
}

static inline bool lp_segment_is_default(const struct lp_config *c, unsigned e)
{
	return c->seg[e].vsid == lp_segment_default(e).vsid && c->seg[e].shift == 12;
}

/* The base page shifts a segment can have, in the order of the binary form's field (4K, 64K, 16M). */
#define LP_SEGMENT_SIZES 3
static const uint8_t lp_segment_shifts[LP_SEGMENT_SIZES] = { 12, 16, 24 };

/* Index of shift in lp_segment_shifts; 0 (4 KiB) for any other. */
static inline unsigned lp_segment_size_index(unsigned shift)
{
	unsigned k;

	for (k = 0; k < LP_SEGMENT_SIZES && lp_segment_shifts[k] != shift; k++) {
	}
	return k < LP_SEGMENT_SIZES ? k : 0;
}

/* TCEs a window can have (version 2): 512 KiB, 2 MiB, 64 MiB and 1 GiB of bus space (QEMU's default DDW). */
static const uint32_t lp_window_sizes[LP_WINDOW_SIZES] = { 128, 512, 16384, 262144 };

/* Bus offsets a window can have (version 2): 0, 256 MiB steps, 2 GiB, 4 GiB, 1 TiB, 2^59 (a 64-bit DDW's). */
static const uint64_t lp_window_offsets[LP_WINDOW_OFFSETS] = {
	0, 1ull << 28, 2ull << 28, 3ull << 28, 1ull << 31, 1ull << 32, 1ull << 40, 1ull << 59,
};

/* Geometry of window w of partition part: its TCE count and first bus address. */
static inline uint64_t lp_cfg_win_entries(const struct lp_config *c, unsigned part, unsigned w)
{
	return c->win_entries[part & 3][w & 1];
}

static inline uint64_t lp_cfg_win_offset(const struct lp_config *c, unsigned part, unsigned w)
{
	return lp_window_offsets[c->win_offset[part & 3][w & 1] & (LP_WINDOW_OFFSETS - 1)];
}

static inline uint64_t lp_cfg_mem_bytes(const struct lp_config *c)
{
	return 1ull << c->mem_shift;
}

static inline uint64_t lp_cfg_lmb_bytes(const struct lp_config *c)
{
	return 1ull << c->lmb_shift;
}

/* HPTEs in partition part's HPT. */
static inline uint64_t lp_cfg_nhpte(const struct lp_config *c, unsigned part)
{
	return 1ull << (c->hpt_order[part & 3] - 4);
}

/* The largest HPT order of the configuration (what the machine carves per partition). */
static inline unsigned lp_cfg_hpt_order_max(const struct lp_config *c)
{
	unsigned i, o = LP_HPT_ORDER_MIN;

	for (i = 0; i < c->nparts && i < LP_MAX_PARTS; i++) {
		o = c->hpt_order[i] > o ? c->hpt_order[i] : o;
	}
	return o;
}

enum lp_op_kind {
	LP_OP_HCALL = 0,   /* actor p.v: opcode + up to 9 argument selectors */
	LP_OP_MEM_ADD,     /* p: a free LMB at logical LMB index a */
	LP_OP_MEM_REMOVE,  /* p: logical LMB a */
	LP_OP_CPU_ADD,     /* p.v */
	LP_OP_CPU_REMOVE,  /* p.v */
	LP_OP_WIN_ASSIGN,  /* p: window a (0..1) */
	LP_OP_WIN_UNASSIGN,
	LP_OP_RELOCATE,    /* p: logical LMB a to another real LMB */
	LP_OP_MIGRATE,     /* p: to the other machine instance */
	LP_OP_DISPATCH,    /* p.v on thread a */
	LP_OP_PREEMPT,     /* thread a (hypervisor decrementer) */
	LP_OP_DMA_READ,    /* device of p's window a at bus-offset selector b */
	LP_OP_DMA_WRITE,   /* same, storing value */
	LP_OP_LOAD,        /* p.v loads at effective address b (translated through p's HPT) */
	LP_OP_STORE,       /* p.v stores value at effective address b */
	LP_OP_PLANT,       /* p.v: register a := value (what the vCPU itself could do) */
	LP_OP_BACKDOOR,    /* tests only: corrupt machine state, kind a (exec.h); a no-op unless enabled */
	/* Version 2 only (a version 1 kind byte is taken mod LP_OP_COUNT_V1): */
	LP_OP_POKE,        /* p stores value (big-endian) at logical address b, as it could itself: its own memory only */
	LP_OP_FILL,        /* p fills a (<= LP_FILL_PAGES_MAX) 4 KiB pages from logical address b (aligned down) with
			      value, repeated; own memory only */
	LP_OP_REGS,        /* p.v: its registers reg .. reg + 8 as it would see them now (out[0..8]) */
	LP_OP_COUNT
};
#define LP_OP_COUNT_V1 (LP_OP_BACKDOOR + 1)
#define LP_FILL_PAGES_MAX 16   /* a 64 KiB page; a fill costs what it stores, per fuzz input */

/* Argument selectors (resolved at run time; see lp_resolve in exec.c). */
enum lp_sel {
	LP_SEL_LIT = 0,  /* value as is                                     (8 bytes) */
	LP_SEL_OWN,      /* logical address in the actor's k-th LMB: k = v >> 24, offset = v & 0xFFFFFF (4) */
	LP_SEL_OTHER,    /* REAL address in partition (v >> 24) % n's memory (a leaked address) (4) */
	LP_SEL_HYP,      /* real address in the hypervisor region, v % its size   (4) */
	LP_SEL_PTEX,     /* last PTEX H_ENTER returned to the actor's partition + (int8)v (1) */
	LP_SEL_EDGE,     /* edge value number v (lp_edge_name)                  (1) */
	LP_SEL_LIOBN,    /* LIOBN of window v & 1 of partition ((v >> 1) + actor) % n (1) */
	LP_SEL_PTEH,     /* valid dword 0 for the segment of ESID (v >> 16) & 0xF, its page v & 0xFFFF
			    (in the segment's base pages); L when the base page is larger than 4 KiB, or
			    (version 2) when v & 0x80000000 asks for a larger page in a 4 KiB segment (4) */
	LP_SEL_PTEL,     /* valid dword 1 for the actor's page (k = v >> 24, page (v >> 8) & 0xFFFF), PP = v & 3, N = v & 4;
			    version 2: page size (v >> 3) & 7 (lp_page_sizes), the LP bits encoded (4) */
	LP_SEL_TCE,      /* TCE for the actor's page (k = v >> 24, page (v >> 8) & 0xFFFF) with perms v & 3 (4) */
	LP_SEL_IOBA,     /* bus address of entry v & 0xFFF of the actor's window (v >> 12) & 1 (its bus offset added) (2) */
	LP_SEL_HASH,     /* primary-group PTEX of the PTEH/EA with the same v, slot (v >> 20) & 7 (4) */
	LP_SEL_EA,       /* effective address: ESID (v >> 16) & 0xF, page v & 0xFFFF (in the segment's base pages),
			    offset (v >> 20) & 0xFF8 (4) */
	LP_SEL_COUNT
};

/* Edge values for LP_SEL_EDGE, in this order. */
enum lp_edge {
	LP_EDGE_ZERO, LP_EDGE_NHPTE_M1, LP_EDGE_NHPTE, LP_EDGE_NHPTE_P8, LP_EDGE_2_63, LP_EDGE_ALL_ONES,
	LP_EDGE_2_32, LP_EDGE_LOGICAL_END, LP_EDGE_LOGICAL_END_M4K, LP_EDGE_WIN_END, LP_EDGE_WIN_END_M4K,
	LP_EDGE_WIN_START_M4K, LP_EDGE_512, LP_EDGE_513, LP_EDGE_INT64_MAX, LP_EDGE_2_60,
	/*
	 * Registered areas in the last bytes of memory: a VPA (640 bytes) or a
	 * trace-log entry (48) ending at the end of the partition's first LMB
	 * (the next LMB may be far away in real memory), a VPA ending at the end
	 * of its memory -- where a store past the area lands in someone else's.
	 */
	LP_EDGE_LMB_END_M640, LP_EDGE_LMB_END_M48, LP_EDGE_LOGICAL_END_M640,
	LP_EDGE_COUNT
};

struct lp_arg {
	uint8_t sel;     /* enum lp_sel */
	uint64_t val;    /* selector value (truncated to the selector's width) */
};

struct lp_op {
	uint8_t kind;    /* enum lp_op_kind */
	uint8_t part;    /* 0..3 */
	uint8_t vcpu;    /* 0..3 */
	uint8_t a;       /* kind-specific small parameter (LMB index, window, thread, register...) */
	uint16_t reg;    /* LP_OP_PLANT, LP_OP_REGS: register index */
	bool problem;    /* LP_OP_HCALL (version 2): issued from problem state (MSR[PR] set for this call only) */
	uint64_t opcode; /* LP_OP_HCALL */
	uint8_t nargs;   /* LP_OP_HCALL: 0..9 */
	struct lp_arg arg[9]; /* hcall arguments; arg[0] is the address/bus selector of DMA and LOAD/STORE */
	uint64_t value;  /* DMA_WRITE, STORE, PLANT, BACKDOOR */
};

struct lp_prog {
	struct lp_config cfg;
	uint32_t nops;
	struct lp_op op[LP_MAX_OPS];
};

/*
 * The page sizes of ISA 3.0 (papr-spec §2.5) a PTEL selector can ask for, in
 * the order of its size field: base and actual page shift, and the LP bits
 * that encode them at bit 12 of dword 1 (L = 1 unless both are 12).
 */
struct lp_page_size {
	uint8_t base, actual, enc;
};
#define LP_PAGE_SIZES 6
extern const struct lp_page_size lp_page_sizes[LP_PAGE_SIZES];

/* The fixed fields of an operation kind in the binary form (lp_op_layout): a, an address selector, value, reg. */
bool lp_kind_has_a(unsigned kind);
bool lp_kind_has_addr(unsigned kind);
bool lp_kind_has_value(unsigned kind);
bool lp_kind_has_reg(unsigned kind);
/*
 * An upper bound of the hypervisor region of c's machine, in whole LMBs (the
 * decoder's: it keeps a version 2 machine one the core can build; checked
 * against the core's own hv_config_hv_bytes by test_text.c).
 */
uint64_t lp_cfg_hv_bytes_bound(const struct lp_config *c);
/* Operations a program of this version may have. */
static inline uint32_t lp_cfg_max_ops(const struct lp_config *c)
{
	return c->version == 2 ? LP_MAX_OPS : LP_MAX_OPS_V1;
}
/* Whether op needs version 2 (a kind or flag version 1 cannot say). */
bool lp_op_needs_v2(const struct lp_op *op);

/* Width in bytes of a selector's value in the binary form. */
unsigned lp_sel_width(unsigned sel);

/* Decodes any byte string; never fails. Entries of p->op past p->nops are left as they were. */
void lp_prog_decode(const uint8_t *data, size_t len, struct lp_prog *p);
/* Canonical binary form into buf (cap >= LP_MAX_BIN is always enough); returns its length. */
size_t lp_prog_encode(const struct lp_prog *p, uint8_t *buf, size_t cap);
/* What version 1 does not say, as version 1 has it (HPTs, windows, segments, the machine's sizes). */
void lp_config_defaults(struct lp_config *c);
/* Brings every field into range (what decode would produce); used by the text parser and mutator. */
void lp_prog_normalize(struct lp_prog *p);
/* The same for the configuration alone and for one operation (the mutator: what it changed). */
void lp_config_normalize(struct lp_config *c);
void lp_op_normalize(struct lp_op *o);

/* The hcall opcodes the binary form names by index (others are encoded raw). */
extern const uint64_t lp_hcall_opcodes[];
extern const unsigned lp_hcall_opcode_count;

/*
 * What the harness knows of each of those calls, from its one description
 * (lparsec/hcalls.def), in the same order.
 */
enum lp_hcall_target { LP_HT_HPT = 1u << 0, LP_HT_TCE = 1u << 1, LP_HT_DISPATCH = 1u << 2 };
#define LP_HCALL_RCS_MAX 5
#define LP_RC_END INT64_MAX   /* ends lp_hcall_desc.rcs */
struct lp_hcall_desc {
	uint64_t opcode;
	int64_t rcs[LP_HCALL_RCS_MAX + 1];  /* the return codes it may give (supervisor state), then LP_RC_END */
	const char *args[9];                /* the text form's argument names, NULL past the last */
	unsigned targets;                   /* enum lp_hcall_target: fuzz targets that keep it besides the all-call ones */
};
extern const struct lp_hcall_desc lp_hcalls[];
/* The description of opcode, or NULL (not a call the harness issues). */
const struct lp_hcall_desc *lp_hcall_find(uint64_t opcode);

/* Names for the text form and traces. */
const char *lp_op_name(unsigned kind);
const char *lp_sel_name(unsigned sel);
const char *lp_edge_name(unsigned edge);

#endif /* LPARSEC_PROG_H */
