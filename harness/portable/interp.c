/*
 * The HPTE slot the program interpreter borrows (lparsec/interp.h).
 */
#include "lparsec/interp.h"

#include "hv/papr.h"
#include "hv/types.h"

/* Referenced and changed already (the MMU never stores to the borrowed slot), coherent, read-only. */
#define INTERP_DW1_BITS (HPTE_R_RC | HPTE_R_M | HPTE_R_PP)

/* An invalid slot of alias k's primary or secondary PTEG, or false. */
static bool free_slot(const struct hv_machine *m, const struct hv_partition *p, unsigned k, uint64_t *ptex,
		      bool *secondary)
{
	uint64_t mask = p->nhpte / 8 - 1, hash = LP_INTERP_VSID(k); /* the alias is page 0 of its segment */
	unsigned h, s;

	for (h = 0; h < 2; h++) {
		uint64_t group = (h ? ~hash : hash) & mask;

		for (s = 0; s < 8; s++) {
			const uint8_t *e = m->mem + p->hpt.v + (group * 8 + s) * 16;

			if (!(hv_ld_be64(e) & HPTE_V_VALID)) {
				*ptex = group * 8 + s;
				*secondary = h;
				return true;
			}
		}
	}
	return false;
}

bool lp_interp_borrow(struct lp_interp_slot *s, struct hv_machine *m, const struct hv_partition *p, uint64_t image_pa)
{
	bool secondary = false;
	uint64_t ptex = 0, va;
	uint8_t *e;
	unsigned k, i;

	for (k = 0; k < LP_INTERP_ALIASES; k++) {
		if (free_slot(m, p, k, &ptex, &secondary)) {
			break;
		}
	}
	if (k == LP_INTERP_ALIASES) {
		return false;
	}
	e = m->mem + p->hpt.v + ptex * 16;
	for (i = 0; i < 16; i++) {
		s->saved[i] = e[i];
	}
	va = LP_INTERP_VSID(k) << 28;
	hv_st_be64(e + 8, image_pa | INTERP_DW1_BITS);
	hv_st_be64(e, ((va >> 16) & ~0x7Full) | (secondary ? HPTE_V_SECONDARY : 0) | HPTE_V_VALID);
	s->m = m;
	s->p = p;
	s->ptex = ptex;
	s->ea = LP_INTERP_EA(k);
	return true;
}

void lp_interp_return(struct lp_interp_slot *s)
{
	uint8_t *e;
	unsigned i;

	if (s->ptex == ~0ull) {
		return;
	}
	e = s->m->mem + s->p->hpt.v + s->ptex * 16;
	for (i = 0; i < 16; i++) {
		e[i] = s->saved[i];
	}
	s->ptex = ~0ull;
}
