/*
 * The small hcalls: virtual terminal (H_PUT_TERM_CHAR, H_GET_TERM_CHAR),
 * H_RANDOM and H_PAGE_INIT (papr-spec §6.7-§6.9).
 */
#include "internal.h"

/* Terminal number 0 means the partition's default terminal (QEMU's early-debug rule). */
static bool term_arg_ok(const struct hv_call *c, uint64_t term)
{
	return term == 0 || term == c->p->vty;
}

long h_put_term_char(struct hv_call *c)
{
	uint64_t len = c->arg[1];
	uint8_t bytes[HV_TERM_MAX_BYTES];
	unsigned i;

	if (!term_arg_ok(c, c->arg[0]) || len > HV_TERM_MAX_BYTES) {
		return H_PARAMETER;
	}
	/* Byte 0 is the most significant byte of r6, byte 8 of r7. */
	for (i = 0; i < len; i++) {
		bytes[i] = (uint8_t)(c->arg[2 + i / 8] >> (56 - 8 * (i % 8)));
	}
	plat_console_write(c->m->plat, c->p->lpid, bytes, (unsigned)len);
	return H_SUCCESS;
}

long h_get_term_char(struct hv_call *c)
{
	struct hv_partition *p = c->p;
	unsigned n = 0;

	if (!term_arg_ok(c, c->arg[0])) {
		return H_PARAMETER;
	}
	/* Outputs start zeroed, so unused bytes are zero, never stale. */
	while (n < HV_TERM_MAX_BYTES && p->term_rx_len) {
		uint8_t b = p->term_rx[p->term_rx_head];

		p->term_rx_head = (p->term_rx_head + 1) % HV_TERM_RX_BYTES;
		p->term_rx_len--;
		c->out[1 + n / 8] |= (uint64_t)b << (56 - 8 * (n % 8));
		n++;
	}
	c->out[0] = n;
	return H_SUCCESS;
}

long h_random(struct hv_call *c)
{
	uint64_t v;

	if (!plat_random(c->m->plat, &v)) {
		return H_HARDWARE;
	}
	c->out[0] = v;
	return H_SUCCESS;
}

#define PAGE_INIT_FLAGS (H_ZERO_PAGE | H_COPY_PAGE | H_ICACHE_INVALIDATE | H_ICACHE_SYNCHRONIZE | H_PAGE_SET_LOANED)

long h_page_init(struct hv_call *c)
{
	uint64_t flags = c->arg[0], dest = c->arg[1], src = c->arg[2];
	bool copy = (flags & H_COPY_PAGE) != 0;
	hv_raddr_t dra, sra;

	/* CMO page-state hints are accepted and ignored (§7.5 rule 7); anything else is refused. */
	if (flags & ~PAGE_INIT_FLAGS) {
		return H_PARAMETER;
	}
	if ((dest & (HV_PAGE_SIZE - 1)) || (copy && (src & (HV_PAGE_SIZE - 1)))) {
		return H_PARAMETER;
	}
	if (!hv_translate(c->m, c->p, hv_la(dest), HV_PAGE_SIZE, &dra)) {
		return H_PARAMETER;
	}
	if (copy && !hv_translate(c->m, c->p, hv_la(src), HV_PAGE_SIZE, &sra)) {
		return H_PARAMETER;
	}
	if (copy) {
		if (sra.v != dra.v) {
			hv_real_copy(c->m, dra, sra, HV_PAGE_SIZE);
		}
	} else if (flags & H_ZERO_PAGE) {
		hv_real_zero(c->m, dra, HV_PAGE_SIZE);
	}
	/* H_ICACHE_*: the host has no incoherent instruction cache to flush. */
	return H_SUCCESS;
}
