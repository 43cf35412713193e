/*
 * Segment assumption (what LOAD/STORE and the PTEH/HASH/EA selectors share):
 * every partition's SLB maps ESID e (EA bits 28..31, e < 16) to a 256 MB
 * segment with VSID 0x1000 + e, 4 KiB base pages and Ks = Kp = 0, so
 * supervisor accesses see the PP table's key-0 column. EAs above 4 GiB have
 * no SLB entry (a segment fault).
 *
 * Programs: what fuzzers mutate and people read (DESIGN.md §5).
 *
 * A program is a machine configuration plus up to LP_MAX_OPS operations.
 * Arguments are selectors, resolved against the machine when the operation
 * runs, so random bytes still name owned pages, live PTEXs, window edges
 * and the like.
 *
 * Binary form (what fuzzers see), all integers little-endian:
 *   "LP" 0x01                     magic and version (optional on input: bytes
 *                                 without it are decoded as a version-1 body)
 *   6 config bytes                see lp_config_decode
 *   operations until the input ends or LP_MAX_OPS were decoded:
 *     kind, actor                 kind % LP_OP_COUNT; actor = part | vcpu << 2 | aux << 4
 *     per kind (lp_op_layout):    hcall: opcode index, nargs, nargs x (selector, value)
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

#define LP_MAX_OPS        64
#define LP_MAX_PARTS      4
#define LP_MAX_VCPUS      4
#define LP_MAX_THREADS    4
#define LP_MAX_WINDOWS    2      /* per partition */
#define LP_WINDOW_ENTRIES 128    /* TCEs per window (512 KiB of bus space) */
#define LP_MAX_BIN        (3 + 6 + LP_MAX_OPS * (4 + 9 * 9) + 16)
#define LP_VERSION        1

/* Machine configuration of a program (the machine itself: see exec.h). */
struct lp_config {
	uint8_t nparts;                 /* 1..4 */
	uint8_t threads;                /* 1..4 */
	uint8_t lmbs[LP_MAX_PARTS];     /* 1..8 LMBs at logical LMB 0..n-1 */
	uint8_t vcpus[LP_MAX_PARTS];    /* 1..4 */
	uint8_t windows[LP_MAX_PARTS];  /* 0..2 DMA windows */
	bool shared[LP_MAX_PARTS];      /* shared-processor (else dedicated, if a thread is free) */
};

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
	LP_OP_COUNT
};

/* Argument selectors (resolved at run time; see lp_resolve in exec.c). */
enum lp_sel {
	LP_SEL_LIT = 0,  /* value as is                                     (8 bytes) */
	LP_SEL_OWN,      /* logical address in the actor's k-th LMB: k = v >> 24, offset = v & 0xFFFFFF (4) */
	LP_SEL_OTHER,    /* REAL address in partition (v >> 24) % n's memory (a leaked address) (4) */
	LP_SEL_HYP,      /* real address in the hypervisor region, v % its size   (4) */
	LP_SEL_PTEX,     /* last PTEX H_ENTER returned to the actor's partition + (int8)v (1) */
	LP_SEL_EDGE,     /* edge value number v (lp_edge_name)                  (1) */
	LP_SEL_LIOBN,    /* LIOBN of window v & 1 of partition ((v >> 1) + actor) % n (1) */
	LP_SEL_PTEH,     /* valid dword 0: VSID 0x1000 + (v >> 16 & 0xF), EA page v & 0xFFFF (4) */
	LP_SEL_PTEL,     /* valid dword 1 for the actor's page (k = v >> 24, page (v >> 8) & 0xFFFF), PP = v & 3, N = v & 4 (4) */
	LP_SEL_TCE,      /* TCE for the actor's page (k = v >> 24, page (v >> 8) & 0xFFFF) with perms v & 3 (4) */
	LP_SEL_IOBA,     /* bus address of entry v & 0xFFF of the actor's window (v >> 12) & 1 (2) */
	LP_SEL_HASH,     /* primary-group PTEX of the PTEH/EA with the same v, slot (v >> 20) & 7 (4) */
	LP_SEL_EA,       /* effective address: ESID (v >> 16) & 0xF, page v & 0xFFFF, offset (v >> 20) & 0xFF8 (4) */
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
	uint16_t reg;    /* LP_OP_PLANT: register index */
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

/* Width in bytes of a selector's value in the binary form. */
unsigned lp_sel_width(unsigned sel);

/* Decodes any byte string; never fails. Entries of p->op past p->nops are left as they were. */
void lp_prog_decode(const uint8_t *data, size_t len, struct lp_prog *p);
/* Canonical binary form into buf (cap >= LP_MAX_BIN is always enough); returns its length. */
size_t lp_prog_encode(const struct lp_prog *p, uint8_t *buf, size_t cap);
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
#define LP_HCALL_RCS_MAX 4
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
