/*
 * Shared by the vCPU tests (test_dispatch.c, test_vcpu.c, test_vpa.c):
 * vCPU and save-area access, planted register values, register-file
 * predicates, and the length field of a registered area.
 */
#ifndef HV_TESTS_VCPU_HELPERS_H
#define HV_TESTS_VCPU_HELPERS_H

#include <string.h>

#include "fixture.h"
#include "testlib.h"

#define VPA_FN(n)      ((uint64_t)(n) << H_VPA_FUNC_SHIFT)

static inline struct hv_vcpu *vc(struct fx *f, uint32_t slot, uint32_t v)
{
	return &hv_part(&f->m, slot)->vcpu[v];
}

/* Register i of (slot, v)'s save area (big-endian in hypervisor memory). */
static inline uint64_t saved(struct fx *f, uint32_t slot, uint32_t v, unsigned i)
{
	return hv_ld_be64(f->m.mem + vc(f, slot, v)->save.v + 8 * (uint64_t)i);
}

/* A distinct value for every register; MSR keeps PR=0 and HV=0. */
#define PLANT_MSR (MSR_SF | MSR_VEC | MSR_VSX | MSR_EE | MSR_FP | MSR_ME | MSR_IR | MSR_DR | MSR_RI | MSR_LE)
static inline uint64_t plant(unsigned i)
{
	return i == HV_REG_MSR ? PLANT_MSR : (0xA000000000000000ull | i);
}

static inline void plant_all(struct fx *f, int t)
{
	unsigned i;

	for (i = 0; i < HV_REG_COUNT; i++) {
		f->m.thread[t].regs.r[i] = plant(i);
	}
}

/* Sets the length field (offset 4) of an area: be16 for a VPA. */
static inline void set_len16(struct fx *f, uint32_t slot, uint64_t la, uint16_t len)
{
	uint64_t d = fx_read64(f, slot, la);

	fx_write64(f, slot, la, (d & ~0xFFFF0000ull) | ((uint64_t)len << 16));
}

static inline bool regs_are_boot(struct fx *f, int t)
{
	struct hv_regs boot;
	unsigned i;

	hv_regs_boot_state(&boot, 0);
	for (i = 0; i < HV_REG_COUNT; i++) {
		if (f->m.thread[t].regs.r[i] != boot.r[i]) {
			return false;
		}
	}
	return true;
}

static inline bool regs_all_zero(struct fx *f, int t)
{
	unsigned i;

	for (i = 0; i < HV_REG_COUNT; i++) {
		if (f->m.thread[t].regs.r[i]) {
			return false;
		}
	}
	return true;
}

#endif /* HV_TESTS_VCPU_HELPERS_H */
