/*
 * Declarations shared between the files of the core. Not part of the
 * public API.
 */
#ifndef HV_CORE_INTERNAL_H
#define HV_CORE_INTERNAL_H

#include "hv/hcall.h"
#include "hv/introspect.h"
#include "hv/machine.h"
#include "hv/plat.h"

/*
 * The core's own consistency checks (be liberal with them: they cost a
 * branch). A failed check is a core bug, never a partition's doing: the
 * platform reports it and stops (plat_panic).
 */
#define HV_CHECK(m, cond)                                                      \
	do {                                                                   \
		if (__builtin_expect(!(cond), 0)) {                            \
			plat_panic((m)->plat, __FILE__, __LINE__, #cond);      \
		}                                                              \
	} while (0)

/* Whether the platform reports capability cap (enum hv_plat_cap); read once at set-up. */
static inline bool hv_cap(const struct hv_machine *m, uint32_t cap) { return (m->caps & cap) != 0; }

/* An hcall in flight: who called, the nine argument registers, the nine outputs. */
struct hv_call {
	struct hv_machine *m;
	struct hv_partition *p;
	uint32_t slot;
	uint32_t vcpu;
	uint32_t thread;
	const uint64_t *arg; /* r4..r12 of the calling thread (read-only) */
	uint64_t out[9];  /* r4..r12 on return; zero unless the call defines them */
	enum hv_exit exit; /* what the thread does after the call */
	uint8_t idle_state; /* with HV_EXIT_IDLE: the vCPU's state once saved */
};

typedef long (*hv_hcall_fn)(struct hv_call *c);

/* ---- freestanding memory helpers (mem.c) ---- */
void hv_memset(void *dst, int c, uint64_t n);
void hv_memcpy(void *dst, const void *src, uint64_t n);

/* Writes through these keep the platform's dirty tracking exact. */
void hv_real_zero(struct hv_machine *m, hv_raddr_t ra, uint64_t len);
void hv_real_copy(struct hv_machine *m, hv_raddr_t dst, hv_raddr_t src, uint64_t len);
/* Zeroes [ra, ra + len) page by page, skipping pages the platform knows are unwritten (len: whole pages). */
void hv_real_scrub(struct hv_machine *m, hv_raddr_t ra, uint64_t len);
/* Copies whole pages of src_m into zeroed memory of dst_m, skipping pages known to be unwritten. */
void hv_real_copy_to_zeroed(struct hv_machine *dst_m, hv_raddr_t dst, struct hv_machine *src_m, hv_raddr_t src,
			    uint64_t len);
void hv_real_st64(struct hv_machine *m, hv_raddr_t ra, uint64_t v);
void hv_real_st32(struct hv_machine *m, hv_raddr_t ra, uint32_t v);
/* Loads need no dirty tracking: inline (the TCE and HPT walks read every entry through these). */
static inline uint64_t hv_real_ld64(struct hv_machine *m, hv_raddr_t ra) { return hv_ld_be64(hv_real_ptr(m, ra)); }
static inline uint32_t hv_real_ld32(struct hv_machine *m, hv_raddr_t ra) { return hv_ld_be32(hv_real_ptr(m, ra)); }
void hv_real_st8(struct hv_machine *m, hv_raddr_t ra, uint8_t v);
/* Marks a hypervisor-private structure about to be written (pointer into real memory). */
void hv_private_dirty(struct hv_machine *m, const void *p, uint64_t len);

/* ---- LMBs (lmb.c) ---- */
static inline uint32_t hv_lmb_of(const struct hv_machine *m, hv_raddr_t ra) { return (uint32_t)(ra.v >> m->lmb_shift); }
static inline hv_raddr_t hv_lmb_base(const struct hv_machine *m, uint32_t lmb) { return hv_ra((uint64_t)lmb << m->lmb_shift); }
/* The first LMB a partition can own: those below hold the hypervisor's own tables from set-up on. */
static inline uint32_t hv_lmb_first_pool(const struct hv_machine *m) { return hv_lmb_of(m, hv_ra(m->hv_bytes)); }
struct hv_lmb *hv_lmb_get(struct hv_machine *m, uint32_t lmb);
/* Real LMB behind logical LMB index of p, or HV_NIL. */
uint32_t hv_lmap_get(const struct hv_partition *p, const struct hv_machine *m, uint32_t logical);
void hv_lmap_set(struct hv_machine *m, struct hv_partition *p, uint32_t logical, uint32_t real);
/* First free LMB, or HV_NIL. */
uint32_t hv_lmb_find_free(struct hv_machine *m);
/* *real_lmb: HV_NIL picks the first free LMB (HV_ENOMEM if none), else it must be free (HV_EBUSY / HV_EINVAL). */
int hv_lmb_pick_free(struct hv_machine *m, uint32_t *real_lmb);
/* Revokes every reference slot holds to real LMB (HPTEs, TCEs, registrations). */
void hv_lmb_revoke_refs(struct hv_machine *m, uint32_t slot, uint32_t real);
/* Only the HPTEs mapping real LMB (each invalidated with its tlbie). */
void hv_lmb_revoke_hptes(struct hv_machine *m, uint32_t real);
/* Zeroes a real LMB and marks it free (its owner's logical map is the caller's business). */
void hv_lmb_scrub_free(struct hv_machine *m, uint32_t real);
/* Writes a new vCPU's boot state (hv_regs_boot_state) into its save area, which must read zero. */
void hv_regs_boot_store(struct hv_machine *m, hv_raddr_t save, uint32_t vcpu);
/* Makes free real LMB `real` slot's logical LMB `logical`. */
void hv_lmb_assign(struct hv_machine *m, uint32_t slot, uint32_t logical, uint32_t real);
/* Scrubs a real LMB, unmaps it from its owner and returns it to the free pool. */
void hv_lmb_release(struct hv_machine *m, uint32_t real);
static inline uint32_t hv_part_slot(const struct hv_machine *m, const struct hv_partition *p)
{
	return (uint32_t)(p - m->part);
}

/* ---- HPT (hpt.c) ---- */
/* Reverse-map node of an HPTE; 0 is "none" so that zeroed memory is an empty map. */
static inline uint32_t hv_hpte_node(const struct hv_machine *m, uint32_t slot, uint64_t ptex)
{
	return (uint32_t)(slot * m->nhpte_max + ptex + 1);
}
/* Decodes the page sizes of a guest-view HPTE; false on a bad encoding. */
bool hv_hpte_decode_size(uint64_t dw0, uint64_t dw1, unsigned *base_shift, unsigned *actual_shift);
bool hv_hpte_valid(struct hv_machine *m, const struct hv_partition *p, uint64_t ptex);
/* Hardware doublewords (host order). */
uint64_t hv_hpte_hw_dw0(struct hv_machine *m, const struct hv_partition *p, uint64_t ptex);
uint64_t hv_hpte_hw_dw1(struct hv_machine *m, const struct hv_partition *p, uint64_t ptex);
/* Publishes a validated entry: writes hardware words and shadow, links the reverse map. */
void hv_hpte_install(struct hv_machine *m, uint32_t slot, uint64_t ptex, uint64_t gdw0, uint64_t gdw1,
		     hv_raddr_t ra);
/*
 * Invalidates a valid entry (V off, tlbie through the platform, final R/C
 * harvested), unlinks it and zeroes it. Returns the final guest-view dword 1.
 */
uint64_t hv_hpte_invalidate(struct hv_machine *m, uint32_t slot, uint64_t ptex);
/* Makes the hardware entry invalid and flushes its translation, keeping the record. Returns live R/C. */
uint64_t hv_hpte_suspend(struct hv_machine *m, uint32_t slot, uint64_t ptex);
/* Revalidates a suspended entry with a new hardware dword 1. */
void hv_hpte_resume(struct hv_machine *m, uint32_t slot, uint64_t ptex, uint64_t hw_dw1);
/* Moves an entry's real page from its LMB to new_lmb (same offset), keeping R/C (mobility). */
void hv_hpte_move(struct hv_machine *m, uint32_t slot, uint64_t ptex, uint32_t new_lmb);
/* tlbie RB operand for an entry (from its guest view and index). */
uint64_t hv_hpte_tlbie_rb(uint64_t gdw0, uint64_t gdw1, uint64_t ptex);
/* Every HPTE referring to real LMB lmb (including larger pages starting before it) is passed to fn. */
typedef void (*hv_hpte_visit_fn)(struct hv_machine *m, uint32_t slot, uint64_t ptex, void *ctx);
void hv_rmap_visit_lmb(struct hv_machine *m, uint32_t lmb, hv_hpte_visit_fn fn, void *ctx);
/* Only the HPTEs linked on lmb (whose real base lies in it): each valid HPTE is linked exactly once. */
void hv_rmap_visit_linked(struct hv_machine *m, uint32_t lmb, hv_hpte_visit_fn fn, void *ctx);

/* ---- TCE (tce_window.c) ---- */
hv_raddr_t hv_tce_real_slot(const struct hv_window *w, uint64_t idx);
hv_raddr_t hv_tce_shadow_slot(const struct hv_window *w, uint64_t idx);
bool hv_tce_tables_maybe_written(struct hv_machine *m, const struct hv_window *w);
/* First entry at or after idx whose real or logical value is not zero, or w->entries. */
uint64_t hv_tce_next_used(struct hv_machine *m, const struct hv_window *w, uint64_t idx);
/* Writes TCE idx of w: real value for the adapter, logical for the partition; flushes the IOTLB. */
void hv_tce_store(struct hv_machine *m, struct hv_window *w, uint64_t idx, uint64_t real, uint64_t logical);
/* Clears every TCE of slot's windows pointing into real LMB lmb (flushing the IOTLB). */
void hv_tce_revoke_lmb(struct hv_machine *m, uint32_t slot, uint32_t lmb);
/* Points every TCE of slot into real LMB old_lmb at the same offset of new_lmb. */
void hv_tce_retarget_lmb(struct hv_machine *m, uint32_t slot, uint32_t old_lmb, uint32_t new_lmb);

/* ---- VPA (vpa.c) ---- */
/* Drops every registration of slot's vCPUs that touches real LMB lmb. */
void hv_vpa_revoke_lmb(struct hv_machine *m, uint32_t slot, uint32_t lmb);
/* Dispatch bookkeeping in the VPA/DTL of a vCPU of a shared-processor partition. */
void hv_vpa_note_dispatch(struct hv_machine *m, uint32_t slot, uint32_t vcpu, bool preempted);

/* ---- hcall handlers ---- */
long h_enter(struct hv_call *c);
long h_remove(struct hv_call *c);
long h_read(struct hv_call *c);
long h_protect(struct hv_call *c);
long h_bulk_remove(struct hv_call *c);
long h_clear_ref(struct hv_call *c);
long h_clear_mod(struct hv_call *c);
long h_put_tce(struct hv_call *c);
long h_get_tce(struct hv_call *c);
long h_stuff_tce(struct hv_call *c);
long h_put_tce_indirect(struct hv_call *c);
long h_page_init(struct hv_call *c);
long h_register_vpa(struct hv_call *c);
long h_cede(struct hv_call *c);
long h_confer(struct hv_call *c);
long h_prod(struct hv_call *c);
long h_put_term_char(struct hv_call *c);
long h_get_term_char(struct hv_call *c);
long h_set_sprg0(struct hv_call *c);
long h_random(struct hv_call *c);
long h_set_mode(struct hv_call *c);
long h_register_proc_tbl(struct hv_call *c);
long h_rtas(struct hv_call *c);
long h_get_cpu_characteristics(struct hv_call *c);
long h_cppr(struct hv_call *c);
long h_ipi(struct hv_call *c);
long h_xirr(struct hv_call *c);
long h_eoi(struct hv_call *c);
long h_ipoll(struct hv_call *c);

/* ---- XICS presentation (xics.c) ---- */
/* A vCPU's ICP as DLPAR adds it: CPPR 0, no IPI requested, nothing pending. */
void hv_icp_reset(struct hv_icp *icp);
/* Is a source presented more favoured than the CPPR (what interrupts the vCPU)? */
static inline bool hv_icp_signalled(const struct hv_icp *icp) { return icp->xisr && icp->pending < icp->cppr; }

/* ---- vCPUs (vcpu.c) ---- */
/* Saves the vCPU running on thread (if any) into its save area and idles the thread. */
void hv_vcpu_save_and_idle(struct hv_machine *m, uint32_t thread, uint8_t new_state);
/*
 * Halted vCPU `vcpu` of p starts again (RTAS start-cpu): its save area
 * becomes the boot state with NIA = nia and r3 = r3 -- nothing of what it
 * held before survives -- and it is runnable.
 */
void hv_vcpu_start(struct hv_machine *m, struct hv_partition *p, uint32_t vcpu, uint64_t nia, uint64_t r3);

#endif /* HV_CORE_INTERNAL_H */
