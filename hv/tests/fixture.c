#include "fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testlib.h"

void fx_init(struct fx *f, const struct hv_config *cfg, uint64_t mem_size)
{
	fx_init_caps(f, cfg, mem_size, 0);
}

void fx_init_caps(struct fx *f, const struct hv_config *cfg, uint64_t mem_size, uint32_t caps)
{
	struct hv_config def;
	int rc;

	memset(f, 0, sizeof(*f));
	if (!cfg) {
		hv_config_default(&def);
		cfg = &def;
	}
	f->plat = hv_host_plat_create(mem_size ? mem_size : FX_MEM_DEFAULT);
	if (!f->plat) {
		fprintf(stderr, "fixture: cannot create host platform\n");
		abort();
	}
	hv_host_plat_set_caps(f->plat, caps);
	rc = hv_machine_init(&f->m, cfg, f->plat);
	if (rc != HV_OK) {
		fprintf(stderr, "fixture: hv_machine_init failed: %d\n", rc);
		abort();
	}
}

void fx_fini(struct fx *f)
{
	hv_host_plat_destroy(f->plat);
	f->plat = NULL;
}

uint32_t fx_partition(struct fx *f, uint32_t lmbs)
{
	uint32_t slot, i;

	if (hv_partition_create(&f->m, 18, true, &slot) != HV_OK) {
		fprintf(stderr, "fixture: partition_create failed\n");
		abort();
	}
	for (i = 0; i < lmbs; i++) {
		if (hv_dlpar_mem_add(&f->m, slot, i, HV_NIL) != HV_OK) {
			fprintf(stderr, "fixture: mem_add failed\n");
			abort();
		}
	}
	if (hv_dlpar_cpu_add(&f->m, slot, 0) != HV_OK) {
		abort();
	}
	return slot;
}

int fx_running_thread(struct fx *f, uint32_t slot, uint32_t vcpu)
{
	struct hv_machine *m = &f->m;
	struct hv_partition *p = hv_part(m, slot);
	uint32_t t;

	if (!p || vcpu >= m->cfg.max_vcpus) {
		return -1;
	}
	if (p->vcpu[vcpu].state == HV_VCPU_RUNNING) {
		return p->vcpu[vcpu].thread;
	}
	/* Prefer an idle thread of the right pool, else take over one. */
	for (t = 0; t < m->cfg.threads; t++) {
		if (m->thread[t].part < 0 && hv_dispatch(m, t, slot, vcpu) == HV_OK) {
			return (int)t;
		}
	}
	for (t = 0; t < m->cfg.threads; t++) {
		if (hv_dispatch(m, t, slot, vcpu) == HV_OK) {
			return (int)t;
		}
	}
	return -1;
}

long fx_hcall(struct fx *f, uint32_t slot, uint32_t vcpu, uint64_t opcode, const uint64_t args[9])
{
	int t = fx_running_thread(f, slot, vcpu);

	if (t < 0) {
		fprintf(stderr, "fixture: p%u.v%u cannot run\n", slot, vcpu);
		abort();
	}
	return hv_hcall(&f->m, (uint32_t)t, opcode, args, f->out, 0);
}

hv_raddr_t fx_real(struct fx *f, uint32_t slot, uint64_t la)
{
	hv_raddr_t ra;

	if (!hv_translate(&f->m, hv_part(&f->m, slot), hv_la(la), 8, &ra)) {
		fprintf(stderr, "fixture: p%u logical 0x%llx unmapped\n", slot, (unsigned long long)la);
		abort();
	}
	return ra;
}

void fx_write64(struct fx *f, uint32_t slot, uint64_t la, uint64_t v)
{
	hv_raddr_t ra = fx_real(f, slot, la);

	plat_mem_dirty(f->plat, ra, 8);
	hv_st_be64(f->m.mem + ra.v, v);
}

uint64_t fx_read64(struct fx *f, uint32_t slot, uint64_t la)
{
	return hv_ld_be64(f->m.mem + fx_real(f, slot, la).v);
}

bool fx_real_is_zero(struct fx *f, hv_raddr_t ra, uint64_t len)
{
	uint64_t i;

	for (i = 0; i < len; i++) {
		if (f->m.mem[ra.v + i]) {
			return false;
		}
	}
	return true;
}

uint64_t fx_pteh(uint64_t vsid, uint64_t ea)
{
	uint64_t va = (vsid << 28) | (ea & 0x0FFFFFFFull);

	return ((va >> 16) & ~0x7Full) | HPTE_V_VALID;
}

uint64_t fx_ptel(uint64_t la)
{
	return (la & HPTE_R_RPN) | HPTE_R_M | 0x2;
}

uint64_t fx_hw0(struct fx *f, uint32_t slot, uint64_t ptex)
{
	return hv_ld_be64(f->m.mem + hv_hpte_addr(&f->m.part[slot], ptex).v);
}

uint64_t fx_hw1(struct fx *f, uint32_t slot, uint64_t ptex)
{
	return hv_ld_be64(f->m.mem + hv_hpte_addr(&f->m.part[slot], ptex).v + 8);
}

void fx_mmu_set_rc(struct fx *f, uint32_t slot, uint64_t ptex, uint64_t rc)
{
	hv_raddr_t a = hv_hpte_addr(&f->m.part[slot], ptex);
	uint8_t *e = f->m.mem + a.v;

	plat_mem_dirty(f->plat, a, HPTE_BYTES);
	e[HPTE_R_R_BYTE] |= (rc & HPTE_R_R) ? 1 : 0;
	e[HPTE_R_C_BYTE] |= (rc & HPTE_R_C) ? 0x80 : 0;
}

uint64_t fx_enter(struct fx *f, uint32_t slot, uint64_t ptex, uint64_t pteh, uint64_t ptel)
{
	CHECK_RC(HC(f, slot, H_ENTER, 0, ptex, pteh, ptel), H_SUCCESS);
	return f->out[0];
}

uint32_t fx_real_lmb_of(struct fx *f, uint32_t slot, uint64_t la)
{
	return (uint32_t)(fx_real(f, slot, la).v >> f->m.lmb_shift);
}

hv_raddr_t fx_lmb_base(struct fx *f, uint32_t lmb)
{
	return hv_ra((uint64_t)lmb << f->m.lmb_shift);
}

static struct hv_window *fx_window(struct fx *f, uint32_t slot, uint32_t liobn)
{
	struct hv_window *w = hv_window_find(&f->m, slot, liobn);

	CHECK(w);
	return w;
}

uint64_t fx_tce_real(struct fx *f, uint32_t slot, uint32_t liobn, uint64_t idx)
{
	return hv_ld_be64(f->m.mem + fx_window(f, slot, liobn)->table.v + idx * 8);
}

uint64_t fx_tce_shadow(struct fx *f, uint32_t slot, uint32_t liobn, uint64_t idx)
{
	return hv_ld_be64(f->m.mem + fx_window(f, slot, liobn)->shadow.v + idx * 8);
}

uint64_t fx_get_tce(struct fx *f, uint32_t slot, uint32_t liobn, uint64_t ioba)
{
	CHECK_RC(HC(f, slot, H_GET_TCE, liobn, ioba), H_SUCCESS);
	return f->out[0];
}

void fx_register_vpa(struct fx *f, uint32_t slot, uint64_t la)
{
	fx_write64(f, slot, la, (uint64_t)640 << 16); /* be16 length at offset 4 */
	CHECK_RC(HC(f, slot, H_REGISTER_VPA, 1ull << 45, 0, la), H_SUCCESS);
}

void fx_redispatch(struct fx *f, uint32_t slot)
{
	int t = fx_running_thread(f, slot, 0);

	CHECK(t >= 0);
	CHECK_EQ(hv_preempt(&f->m, (uint32_t)t), HV_OK);
	CHECK(fx_running_thread(f, slot, 0) >= 0);
}

struct hv_host_stats fx_stats(struct fx *f)
{
	struct hv_host_stats s;

	hv_host_plat_stats(f->plat, &s);
	return s;
}

bool fx_outs_zero(struct fx *f)
{
	unsigned i;

	for (i = 0; i < 9; i++) {
		if (f->out[i]) {
			return false;
		}
	}
	return true;
}
