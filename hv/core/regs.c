/*
 * Names of the architected registers (for traces and the text program
 * format) and the boot state of a new vCPU.
 */
#include "internal.h"

struct reg_group {
	const char *prefix;
	uint16_t first, count;
};

static const struct reg_group reg_groups[] = {
#define HV_REG_GROUP(name, n, str) { str, HV_REG_##name, n },
	HV_REG_GROUPS(HV_REG_GROUP)
#undef HV_REG_GROUP
};

#define REG_GROUP_COUNT (sizeof(reg_groups) / sizeof(reg_groups[0]))

static char *put_str(char *d, const char *s)
{
	while (*s) {
		*d++ = *s++;
	}
	return d;
}

static char *put_uint(char *d, unsigned v)
{
	char tmp[12];
	int n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n) {
		*d++ = tmp[--n];
	}
	return d;
}

char *hv_reg_name(unsigned i, char *buf)
{
	unsigned g;
	char *d = buf;

	for (g = 0; g < REG_GROUP_COUNT; g++) {
		const struct reg_group *rg = &reg_groups[g];

		if (i < rg->first || i >= rg->first + rg->count) {
			continue;
		}
		d = put_str(d, rg->prefix);
		if (rg->first == HV_REG_VR) {
			/* Two doublewords per vector register: vr3h, vr3l. */
			d = put_uint(d, (i - rg->first) / 2);
			*d++ = ((i - rg->first) & 1) ? 'l' : 'h';
		} else if (rg->count > 1) {
			d = put_uint(d, i - rg->first);
		}
		break;
	}
	*d = 0;
	return buf;
}

static bool str_eq(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

int hv_reg_lookup(const char *name)
{
	char buf[24];
	unsigned i;

	for (i = 0; i < HV_REG_COUNT; i++) {
		if (str_eq(hv_reg_name(i, buf), name)) {
			return (int)i;
		}
	}
	return -1;
}

/* As RTAS start-cpu leaves a thread: 64-bit, machine checks on, relocation off; every other register zero. */
#define BOOT_MSR (MSR_SF | MSR_ME)

void hv_regs_boot_state(struct hv_regs *regs, uint32_t vcpu)
{
	(void)vcpu;
	hv_memset(regs, 0, sizeof(*regs));
	regs->r[HV_REG_MSR] = BOOT_MSR;
}

void hv_regs_boot_store(struct hv_machine *m, hv_raddr_t save, uint32_t vcpu)
{
	(void)vcpu;
	hv_real_st64(m, hv_ra_add(save, 8ull * HV_REG_MSR), BOOT_MSR);
}
