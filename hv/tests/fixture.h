/*
 * Test fixture: a host machine with partitions, and hcalls issued the way
 * every driver issues them (registers of a hardware thread + hv_enter).
 */
#ifndef HV_TESTS_FIXTURE_H
#define HV_TESTS_FIXTURE_H

#include "hv/hcall.h"
#include "hv/host.h"
#include "hv/introspect.h" /* tests look behind the API: shadows, reverse map, real tables */
#include "hv/machine.h"

#define FX_MEM_DEFAULT (64ull << 20)

struct fx {
	struct hv_plat *plat;
	struct hv_machine m;
	uint64_t out[9];   /* outputs (r4..r12) of the last fx_hcall */
};

/* A machine over mem_size bytes (0 = 64 MiB) with cfg (0 = hv_config_default). */
void fx_init(struct fx *f, const struct hv_config *cfg, uint64_t mem_size);
/* The same over a platform reporting caps (enum hv_plat_cap). */
void fx_init_caps(struct fx *f, const struct hv_config *cfg, uint64_t mem_size, uint32_t caps);
void fx_fini(struct fx *f);

/*
 * A shared-processor partition with HPT order 18, `lmbs` LMBs at logical
 * LMB indices 0..lmbs-1 and vCPU 0 present. Returns its slot.
 */
uint32_t fx_partition(struct fx *f, uint32_t lmbs);

/*
 * Issues hcall `opcode` from vCPU `vcpu` of `slot` with args (r4..r12),
 * dispatching the vCPU on a thread first if it is not running. The outputs
 * land in f->out. Returns r3.
 */
long fx_hcall(struct fx *f, uint32_t slot, uint32_t vcpu, uint64_t opcode, const uint64_t args[9]);
#define HC(f, slot, op, ...) fx_hcall((f), (slot), 0, (op), (const uint64_t[9]){ __VA_ARGS__ })
#define HCV(f, slot, vcpu, op, ...) fx_hcall((f), (slot), (vcpu), (op), (const uint64_t[9]){ __VA_ARGS__ })

/* The thread vCPU (slot, vcpu) runs on, dispatching it if needed; -1 when it cannot run. */
int fx_running_thread(struct fx *f, uint32_t slot, uint32_t vcpu);

/* Partition memory at logical address la (big-endian doublewords), as the partition sees it. */
void fx_write64(struct fx *f, uint32_t slot, uint64_t la, uint64_t v);
uint64_t fx_read64(struct fx *f, uint32_t slot, uint64_t la);
/* Real address behind logical la of slot (fails the test when unmapped). */
hv_raddr_t fx_real(struct fx *f, uint32_t slot, uint64_t la);
/* True when [ra, ra + len) reads as zero. */
bool fx_real_is_zero(struct fx *f, hv_raddr_t ra, uint64_t len);

/* A valid 4 KiB-page HPTE pair for logical address la (B = 256 MB, AVPN from vsid/ea). */
uint64_t fx_pteh(uint64_t vsid, uint64_t ea);
uint64_t fx_ptel(uint64_t la); /* M + PP=10 */

/* ---- shared assertions-backed helpers (fail the current test on a bad return code) ---- */

/* Hardware doublewords of HPTE ptex of slot, as the MMU reads them. */
uint64_t fx_hw0(struct fx *f, uint32_t slot, uint64_t ptex);
uint64_t fx_hw1(struct fx *f, uint32_t slot, uint64_t ptex);
/* Sets hardware R/C as the MMU would (single-byte stores to bytes 14 and 15 of the HPTE). */
void fx_mmu_set_rc(struct fx *f, uint32_t slot, uint64_t ptex, uint64_t rc);
/* H_ENTER (flags 0) that must succeed; returns the PTEX used. */
uint64_t fx_enter(struct fx *f, uint32_t slot, uint64_t ptex, uint64_t pteh, uint64_t ptel);
/* Real LMB behind logical la of slot, and the real base of an LMB. */
uint32_t fx_real_lmb_of(struct fx *f, uint32_t slot, uint64_t la);
hv_raddr_t fx_lmb_base(struct fx *f, uint32_t lmb);
/* Real (adapter) and shadow (partition) TCE idx of slot's window liobn. */
uint64_t fx_tce_real(struct fx *f, uint32_t slot, uint32_t liobn, uint64_t idx);
uint64_t fx_tce_shadow(struct fx *f, uint32_t slot, uint32_t liobn, uint64_t idx);
/* H_GET_TCE that must succeed. */
uint64_t fx_get_tce(struct fx *f, uint32_t slot, uint32_t liobn, uint64_t ioba);
/* Registers a 640-byte VPA for vCPU 0 of slot at la. */
void fx_register_vpa(struct fx *f, uint32_t slot, uint64_t la);
/* Preempts vCPU 0 of slot and dispatches it again. */
void fx_redispatch(struct fx *f, uint32_t slot);
/* The platform's counters. */
struct hv_host_stats fx_stats(struct fx *f);
/* True when every output (r4..r12) of the last fx_hcall is zero. */
bool fx_outs_zero(struct fx *f);

#endif
