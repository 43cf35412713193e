/*
 * The machine model: real memory split into logical memory blocks (LMBs),
 * a hypervisor region carved at set-up, partitions with their HPT, vCPUs
 * and save areas, hardware threads, and DMA windows.
 *
 * All variable-size state (HPTs, HPTE shadows, LMB table, logical maps,
 * save areas, TCE tables) lives in the hypervisor region of real memory, so
 * it is carved once and never allocated afterwards; a fresh (zeroed) memory
 * is a valid empty state, which is what makes a reset cost only what the
 * previous run touched. struct hv_machine itself is small and fixed-size.
 */
#ifndef HV_MACHINE_H
#define HV_MACHINE_H

#include "hv/papr.h"
#include "hv/regs.h"
#include "hv/types.h"

struct hv_plat;

#define HV_MAX_PARTITIONS 8
#define HV_MAX_VCPUS      8
#define HV_MAX_THREADS    8
#define HV_MAX_WINDOWS    16
#define HV_TERM_RX_BYTES  64
#define HV_NIL            0xFFFFFFFFu

/* Error codes of the management-console API (never seen by partitions). */
enum hv_err {
	HV_OK = 0,
	HV_EINVAL = -1,  /* argument out of range or inconsistent */
	HV_ENOENT = -2,  /* no such partition / LMB / vCPU / window */
	HV_EBUSY = -3,   /* resource in use (running vCPU, multi-LMB large page) */
	HV_ENOMEM = -4,  /* no free LMB / slot */
	HV_EEXIST = -5,  /* already present */
};

struct hv_config {
	uint64_t lmb_size;           /* power of two, >= 64 KiB */
	uint32_t max_partitions;     /* <= HV_MAX_PARTITIONS */
	uint32_t max_vcpus;          /* per partition, <= HV_MAX_VCPUS */
	uint32_t threads;            /* hardware threads, <= HV_MAX_THREADS */
	uint32_t hpt_order_max;      /* 18..30: the HPT area carved per partition */
	uint32_t logical_lmbs_max;   /* logical address space of a partition, in LMBs */
	uint32_t max_windows;        /* DMA windows, <= HV_MAX_WINDOWS */
	uint32_t window_entries_max; /* TCEs per window table (4 KiB pages) */
	uint64_t mem_size;           /* real memory the machine uses from address 0: 0 = all the platform has */
};

/* Small, fuzzing-sized defaults: 256 KiB LMBs, 256 KiB HPTs. */
void hv_config_default(struct hv_config *cfg);

/* Bytes of hypervisor region cfg needs for a memory of mem_size bytes (LMB multiple). */
uint64_t hv_config_hv_bytes(const struct hv_config *cfg, uint64_t mem_size);

/* The core's internal records, for the oracles and tests: hv/introspect.h. */
struct hv_lmb;
struct hv_hpte_meta;

enum hv_vcpu_state {
	HV_VCPU_ABSENT = 0,  /* not in the partition (DLPAR removed / never added) */
	HV_VCPU_STOPPED,     /* present, waiting to be dispatched */
	HV_VCPU_RUNNING,     /* on a hardware thread */
	HV_VCPU_CEDED,       /* in H_CEDE until prodded */
	HV_VCPU_HALTED,      /* stopped by the core (stop_reason); only DLPAR removal brings it back */
};

/* Why the core stopped a vCPU (struct hv_vcpu.stop_reason). */
enum hv_stop_reason {
	HV_STOP_NONE = 0,
	HV_STOP_UNRECOVERABLE = 1, /* a storage interrupt while MSR[RI] = 0: SRR0/SRR1 would be lost */
	HV_STOP_POWER_OFF = 2,     /* RTAS power-off: the partition turned itself off */
	HV_STOP_REBOOT = 3,        /* RTAS system-reboot: the partition asked to be restarted */
	HV_STOP_OS_TERM = 4,       /* RTAS ibm,os-term: its operating system gave up */
	HV_STOP_SELF = 5,          /* RTAS stop-self: this vCPU went offline */
};

/* A registered shared area (VPA, DTL, SLB shadow): logical, revalidated on use. */
struct hv_area {
	uint64_t la;
	uint32_t len;
	bool on;
};

/*
 * A vCPU's XICS interrupt presentation controller (ICP; PAPR "hcall-xics",
 * QEMU hw/intc/xics.c), driven by H_CPPR / H_IPI / H_XIRR / H_EOI /
 * H_IPOLL (xics.c). Priorities: 0 most favoured, 0xFF least. An interrupt
 * is signalled to the vCPU while xisr != 0 and pending < cppr
 * (hv_vcpu_external_pending). At DLPAR add: cppr 0 (QEMU's icp_reset, KVM's
 * kvmppc_xics_create_icp: nothing interrupts until the OS lowers its
 * priority, as Linux's xics_setup_cpu does with 0xFF), mfrr and pending
 * 0xFF, xisr 0. Migration carries it with the vCPU.
 */
struct hv_icp {
	uint8_t cppr;         /* current processor priority */
	uint8_t mfrr;         /* most favoured request: an IPI wanted at this priority (0xFF: none) */
	uint8_t pending;      /* priority of the source in xisr (0xFF while xisr is 0) */
	uint32_t xisr;        /* 24-bit source presented and not yet accepted: 0 none, XICS_IPI */
};

struct hv_vcpu {
	uint8_t state;        /* enum hv_vcpu_state */
	bool prodded;
	int8_t thread;        /* thread it runs on, or -1 */
	hv_raddr_t save;      /* save area in hypervisor memory */
	struct hv_area vpa, dtl, slb;
	uint32_t yield_count; /* dispatch counter, odd while preempted */
	uint64_t dtl_index;
	uint8_t stop_reason;  /* enum hv_stop_reason, with HV_VCPU_HALTED */
	struct hv_icp icp;    /* its interrupt presentation (XICS) */
};

struct hv_partition {
	bool active;
	bool shared_proc;       /* shared-processor pool vs dedicated threads */
	uint32_t lpid;          /* slot + 1; LPID 0 is the hypervisor */
	uint32_t hpt_order;
	uint64_t nhpte;
	hv_raddr_t hpt;         /* big-endian ISA 3.0 hardware format */
	struct hv_hpte_meta *meta;
	uint32_t *lmap;         /* logical LMB -> real LMB + 1 (0 = none) */
	uint32_t lmb_count;     /* LMBs assigned */
	uint32_t hpte_valid;    /* entries valid in the guest view (shadow) */
	uint64_t rma_bytes;     /* its virtual real-mode area: logical [0, rma_bytes), 0 = none */
	uint8_t rma_shift;      /* page size of the VRMA's entries (LPCR[VRMASD]) */
	uint32_t tod[7];        /* its time-of-day clock (RTAS): year, month, day, hour, minute, second, ns */
	struct hv_vcpu vcpu[HV_MAX_VCPUS];
	/*
	 * The interrupt mode the partition chose with H_SET_MODE (papr-spec
	 * §6.6), the same for all its vCPUs; created as AIL 3, big-endian
	 * (hcall.h's HV_PART_VECTOR_BASE), carried by migration.
	 */
	uint8_t ail;  /* LPCR[AIL] the partition asked for (H_SET_MODE): 0, 2 or 3 */
	bool ile;  /* LPCR[ILE]: its interrupts are taken little-endian */
	uint32_t vty;           /* unit address of its virtual terminal */
	uint8_t term_rx[HV_TERM_RX_BYTES];
	uint32_t term_rx_head, term_rx_len;
};

struct hv_window {
	bool active;
	uint8_t owner;          /* partition slot */
	uint32_t liobn;
	uint64_t bus_offset;    /* first bus address of the window */
	uint32_t entries;       /* 4 KiB TCE pages */
	hv_raddr_t table;       /* TCEs the I/O adapter walks: real, big-endian */
	hv_raddr_t shadow;      /* TCEs as the partition stored them: logical */
};

/* What a hypervisor storage interrupt reports beside the register file (hcall.h). */
struct hv_fault {
	uint64_t addr;          /* HDAR: the effective address of a data access */
	uint64_t dsisr;         /* HDSISR, or the ISI status bits of HSRR1 */
};

struct hv_thread {
	struct hv_regs regs;    /* the live register file */
	int8_t part;            /* running partition slot or -1 (idle / hypervisor) */
	int8_t vcpu;
	int8_t dedicated_to;    /* partition slot owning it, or -1 (shared pool) */
	uint16_t sched_next;    /* hv_schedule: the (slot, vCPU) index to look at first */
	uint32_t changed;       /* enum hv_changed: what the last hv_enter / dispatch wrote */
	struct hv_fault fault;  /* set by the driver before HV_CAUSE_HDSI / HV_CAUSE_HISI */
};

struct hv_machine {
	struct hv_config cfg;
	struct hv_plat *plat;
	uint32_t caps;          /* plat_caps(plat): enum hv_plat_cap */
	uint8_t *mem;           /* host pointer of real address 0 */
	uint64_t mem_size;
	uint64_t hv_bytes;      /* hypervisor region [0, hv_bytes) */
	uint32_t lmb_count;
	uint32_t lmb_shift;
	struct hv_lmb *lmb;
	hv_raddr_t part_table;  /* partition table (PATE per LPID), 4 KiB */
	uint64_t nhpte_max;
	struct hv_partition part[HV_MAX_PARTITIONS];
	struct hv_window win[HV_MAX_WINDOWS];
	struct hv_thread thread[HV_MAX_THREADS];
};

/*
 * Builds an empty machine over zeroed real memory of plat. Checks cfg
 * against the memory size. No allocation happens after this.
 */
int hv_machine_init(struct hv_machine *m, const struct hv_config *cfg, struct hv_plat *plat);

/* ---- management-console operations ---- */

/* Creates a partition with an HPT of 2^hpt_order bytes; *slot receives its slot. */
int hv_partition_create(struct hv_machine *m, uint32_t hpt_order, bool shared_proc, uint32_t *slot);
/* Destroys it: every vCPU stopped, every LMB removed and zeroed, windows unassigned. */
int hv_partition_destroy(struct hv_machine *m, uint32_t slot);

/* DLPAR memory: a free real LMB (or real_lmb, if not HV_NIL) to slot at logical LMB index. */
int hv_dlpar_mem_add(struct hv_machine *m, uint32_t slot, uint32_t logical_lmb, uint32_t real_lmb);
/* Revokes every reference (HPTEs, TCEs, VPA/DTL/SLB), flushes, zeroes and frees. */
int hv_dlpar_mem_remove(struct hv_machine *m, uint32_t slot, uint32_t logical_lmb);

/* DLPAR processor (only while not running); a new vCPU starts from the boot state. */
int hv_dlpar_cpu_add(struct hv_machine *m, uint32_t slot, uint32_t vcpu);
int hv_dlpar_cpu_remove(struct hv_machine *m, uint32_t slot, uint32_t vcpu);

/* Dedicates a hardware thread to a partition (or back to the shared pool with slot -1). */
int hv_thread_assign(struct hv_machine *m, uint32_t thread, int slot);

/* DMA windows: assign a window of `entries` 4 KiB TCE pages at bus_offset. */
int hv_window_assign(struct hv_machine *m, uint32_t slot, uint32_t liobn, uint64_t bus_offset,
		     uint32_t entries);
int hv_window_unassign(struct hv_machine *m, uint32_t slot, uint32_t liobn);

/* Memory mobility: moves logical LMB to another free real LMB (or real_lmb). */
int hv_lmb_relocate(struct hv_machine *m, uint32_t slot, uint32_t logical_lmb, uint32_t real_lmb);
/* Live partition mobility: moves partition slot of src to dst; *dst_slot receives its new slot. */
int hv_partition_migrate(struct hv_machine *src, uint32_t slot, struct hv_machine *dst, uint32_t *dst_slot);

/*
 * Loads len bytes into partition slot's logical memory at la (a kernel image,
 * a device tree): HV_EINVAL unless every byte is memory the partition owns.
 */
int hv_partition_write(struct hv_machine *m, uint32_t slot, uint64_t la, const void *bytes, uint64_t len);

/*
 * Gives partition slot a virtual real-mode area (papr-spec §2.9): logical
 * [0, bytes) reachable with translation off, through bolted HPTEs of the
 * VRMA VSID with pages of 2^page_shift (12, 16 or 24) the hypervisor puts
 * in the partition's HPT. The partition then takes its interrupts in real
 * mode (AIL 0) until it asks otherwise. HV_EINVAL unless every page is
 * memory it owns, aligned in real memory; HV_ENOMEM if its HPT is full.
 */
int hv_partition_map_rma(struct hv_machine *m, uint32_t slot, uint64_t bytes, unsigned page_shift);
/* Feeds bytes to a partition's virtual terminal input (what H_GET_TERM_CHAR returns). */
unsigned hv_console_feed(struct hv_machine *m, uint32_t slot, const uint8_t *bytes, unsigned len);

/* ---- lookups ---- */

static inline struct hv_partition *hv_part(struct hv_machine *m, uint32_t slot)
{
	return (slot < m->cfg.max_partitions && m->part[slot].active) ? &m->part[slot] : 0;
}

#endif /* HV_MACHINE_H */
