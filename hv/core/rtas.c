/*
 * RTAS (papr-spec §6.10 H_RTAS): the partition's run-time services. The
 * partition calls them through a five-instruction stub the hypervisor puts
 * in its real-mode area (`mr r4,r3; lis/ori r3,H_RTAS; sc 1; blr`), with
 * r4 = the logical address of the argument block, big-endian:
 *
 *   token, nargs, nret, args[nargs], rets[nret]     (32-bit words)
 *
 * The 76-byte block must be word aligned (its words then never straddle
 * LMBs), every byte of it partition memory (it may straddle two LMBs), and
 * nargs + nret at most 16 (the bound whose absence was CVE-2021-37576);
 * otherwise H_PARAMETER and nothing is written. A token this core does not
 * serve, or a service called with the wrong nargs / nret, answers status -3
 * (parameter error) as QEMU's spapr does; the partition's device tree lists
 * the tokens (hv/plat/ppc64/linux/partition.dts).
 *
 * The time of day is the partition's own clock: what it last set
 * (2026-01-01 00:00:00 at creation), not advancing -- every driver gives
 * the same answer. A processor is named by its vCPU index (the device
 * tree's ibm,ppc-interrupt-server#s): one of another partition, or absent,
 * is -3; the RTAS stopped state is a halted vCPU (stop-self, or stopped by
 * a fault it could not take), which start-cpu starts from the boot state --
 * nothing of what it held survives -- at the address given, in real mode,
 * with r3 as given. There are no interrupt sources yet: the XICS source
 * services answer -3 for every interrupt number.
 */
#include "internal.h"

#define RTAS_ARGS_MAX   16
#define RTAS_BLOCK      (12 + 4 * RTAS_ARGS_MAX)
#define RTAS_SUCCESS    0
#define RTAS_PARAM_ERROR (-3)
#define RTAS_HW_ERROR   (-1)
#define RTAS_CPU_STOPPED 0
#define RTAS_CPU_RUNNING 2
#define RTAS_NO_EVENT   1
#define RTAS_OS_TERM_MAX 256

struct rtas_call {
	struct hv_call *c;
	uint64_t block;        /* logical address of the argument block */
	uint32_t nargs, nret;
};

/* Real address of byte la of the caller's partition (checked owned by h_rtas before any access). */
static hv_raddr_t block_byte(const struct rtas_call *r, uint64_t la)
{
	hv_raddr_t ra = hv_ra(0);

	HV_CHECK(r->c->m, hv_translate(r->c->m, r->c->p, hv_la(la), 1, &ra));
	return ra;
}

/*
 * Big-endian words of the block, a byte at a time: the block need only be
 * memory the partition owns, which may be two LMBs apart in real memory.
 */
static uint32_t block_ld32(const struct rtas_call *r, uint64_t off)
{
	uint32_t v = 0, i;

	for (i = 0; i < 4; i++) {
		v = v << 8 | *hv_real_ptr(r->c->m, block_byte(r, r->block + off + i));
	}
	return v;
}

static void block_st32(const struct rtas_call *r, uint64_t off, uint32_t v)
{
	uint32_t i;

	for (i = 0; i < 4; i++) {
		hv_real_st8(r->c->m, block_byte(r, r->block + off + i), (uint8_t)(v >> (24 - 8 * i)));
	}
}

/* Whether every byte of [la, la + len) is memory p owns (len at most an LMB: two LMBs at most). */
static bool block_owned(struct hv_machine *m, const struct hv_partition *p, uint64_t la, uint64_t len)
{
	hv_raddr_t ra;

	return la + len > la && hv_translate(m, p, hv_la(la), 1, &ra) && hv_translate(m, p, hv_la(la + len - 1), 1, &ra);
}

static uint32_t rtas_arg(const struct rtas_call *r, uint32_t i)
{
	return block_ld32(r, 12 + 4ull * i);
}

static void rtas_ret(const struct rtas_call *r, uint32_t i, int32_t v)
{
	if (i < r->nret) {
		block_st32(r, 12 + 4ull * (r->nargs + i), (uint32_t)v);
	}
}

/*
 * Stops every vCPU of the caller's partition for reason: the caller gives up
 * its thread, a vCPU running on another thread is taken off it (its
 * registers saved, that thread idle: drivers run one thread at a time, so
 * it is not executing), the others are halted where they stand.
 */
static void partition_stop(struct hv_call *c, uint8_t reason)
{
	uint32_t i;

	for (i = 0; i < c->m->cfg.max_vcpus; i++) {
		struct hv_vcpu *v = &c->p->vcpu[i];

		if (v->state == HV_VCPU_ABSENT || v->state == HV_VCPU_HALTED) {
			continue;
		}
		v->stop_reason = reason;
		if (i == c->vcpu) {
			continue;
		}
		if (v->state == HV_VCPU_RUNNING) {
			hv_vcpu_save_and_idle(c->m, (uint32_t)v->thread, HV_VCPU_HALTED);
		} else {
			v->state = HV_VCPU_HALTED;
		}
	}
	c->exit = HV_EXIT_IDLE;
	c->idle_state = HV_VCPU_HALTED;
}

static int32_t time_of_day(struct rtas_call *r)
{
	const struct hv_partition *p = r->c->p;
	uint32_t i;

	for (i = 0; i < 7; i++) {
		rtas_ret(r, i + 1, (int32_t)p->tod[i]);
	}
	return RTAS_SUCCESS;
}

static int32_t set_time_of_day(struct rtas_call *r)
{
	static const uint32_t max[7] = { 9999, 12, 31, 23, 59, 59, 999999999 };
	static const uint32_t min[7] = { 1970, 1, 1, 0, 0, 0, 0 };
	uint32_t v[7], i;

	for (i = 0; i < 7; i++) {
		v[i] = rtas_arg(r, i);
		if (v[i] < min[i] || v[i] > max[i]) {
			return RTAS_PARAM_ERROR;
		}
	}
	for (i = 0; i < 7; i++) {
		r->c->p->tod[i] = v[i];
	}
	return RTAS_SUCCESS;
}

/* ibm,os-term: the partition's last words (a string in its memory), then it stops. */
static int32_t os_term(struct rtas_call *r)
{
	uint8_t text[RTAS_OS_TERM_MAX];
	uint64_t la = rtas_arg(r, 0);
	unsigned n = 0;
	hv_raddr_t ra;

	while (n < sizeof(text) && hv_translate(r->c->m, r->c->p, hv_la(la + n), 1, &ra)) {
		text[n] = *hv_real_ptr(r->c->m, ra);
		if (!text[n]) {
			break;
		}
		n++;
	}
	plat_console_write(r->c->m->plat, r->c->p->lpid, text, n);
	partition_stop(r->c, HV_STOP_OS_TERM);
	return RTAS_SUCCESS;
}

/* The caller's vCPU a processor argument names, or NULL (out of range, absent). */
static struct hv_vcpu *cpu_arg(const struct rtas_call *r, uint32_t id)
{
	if (id >= r->c->m->cfg.max_vcpus || id >= HV_MAX_VCPUS || r->c->p->vcpu[id].state == HV_VCPU_ABSENT) {
		return 0;
	}
	return &r->c->p->vcpu[id];
}

static int32_t query_cpu_stopped_state(struct rtas_call *r)
{
	const struct hv_vcpu *v = cpu_arg(r, rtas_arg(r, 0));

	if (!v) {
		return RTAS_PARAM_ERROR;
	}
	rtas_ret(r, 1, v->state == HV_VCPU_HALTED ? RTAS_CPU_STOPPED : RTAS_CPU_RUNNING);
	return RTAS_SUCCESS;
}

static int32_t start_cpu(struct rtas_call *r)
{
	uint32_t id = rtas_arg(r, 0);
	const struct hv_vcpu *v = cpu_arg(r, id);

	if (!v) {
		return RTAS_PARAM_ERROR;
	}
	if (v->state != HV_VCPU_HALTED) {
		return RTAS_HW_ERROR; /* it is not stopped: starting it twice is the caller's error */
	}
	hv_vcpu_start(r->c->m, r->c->p, id, rtas_arg(r, 1), rtas_arg(r, 2));
	return RTAS_SUCCESS;
}

static int32_t display_character(struct rtas_call *r)
{
	uint8_t ch = (uint8_t)rtas_arg(r, 0);

	plat_console_write(r->c->m->plat, r->c->p->lpid, &ch, 1);
	return RTAS_SUCCESS;
}

/* The services: token (partition.dts), nargs, nret, handler (NULL: the answer is fixed in `status`). */
static const struct {
	uint32_t token, nargs, nret;
	int32_t (*fn)(struct rtas_call *r);
	int32_t status;
	uint8_t stop; /* with no handler: the partition (stop-self: the caller) stops for this reason; 0: it goes on */
} services[] = {
	{ HV_RTAS_GET_TIME_OF_DAY, 0, 8, time_of_day, 0, 0 },
	{ HV_RTAS_SET_TIME_OF_DAY, 7, 1, set_time_of_day, 0, 0 },
	{ HV_RTAS_EVENT_SCAN, 4, 1, 0, RTAS_NO_EVENT, 0 },
	{ HV_RTAS_POWER_OFF, 2, 1, 0, RTAS_SUCCESS, HV_STOP_POWER_OFF },
	{ HV_RTAS_SYSTEM_REBOOT, 0, 1, 0, RTAS_SUCCESS, HV_STOP_REBOOT },
	{ HV_RTAS_QUERY_CPU_STOPPED_STATE, 1, 2, query_cpu_stopped_state, 0, 0 },
	{ HV_RTAS_START_CPU, 3, 1, start_cpu, 0, 0 },
	{ HV_RTAS_SET_XIVE, 3, 1, 0, RTAS_PARAM_ERROR, 0 },
	{ HV_RTAS_GET_XIVE, 1, 3, 0, RTAS_PARAM_ERROR, 0 },
	{ HV_RTAS_INT_ON, 1, 1, 0, RTAS_PARAM_ERROR, 0 },
	{ HV_RTAS_INT_OFF, 1, 1, 0, RTAS_PARAM_ERROR, 0 },
	{ HV_RTAS_OS_TERM, 1, 1, os_term, 0, 0 },
	{ HV_RTAS_STOP_SELF, 0, 1, 0, RTAS_SUCCESS, HV_STOP_SELF },
	{ HV_RTAS_DISPLAY_CHARACTER, 1, 1, display_character, 0, 0 },
};

long h_rtas(struct hv_call *c)
{
	struct rtas_call r = { c, c->arg[0], 0, 0 };
	uint32_t token, i;
	int32_t status = RTAS_PARAM_ERROR;

	if ((r.block & 3) || !block_owned(c->m, c->p, r.block, RTAS_BLOCK)) {
		return H_PARAMETER;
	}
	token = block_ld32(&r, 0);
	r.nargs = block_ld32(&r, 4);
	r.nret = block_ld32(&r, 8);
	if (r.nargs > RTAS_ARGS_MAX || r.nret > RTAS_ARGS_MAX - r.nargs) {
		return H_PARAMETER;
	}
	if (r.nret == 0) {
		return H_SUCCESS; /* nowhere to put even a status: nothing is done */
	}
	for (i = 0; i < sizeof(services) / sizeof(services[0]); i++) {
		if (services[i].token != token) {
			continue;
		}
		if (services[i].nargs != r.nargs || services[i].nret != r.nret) {
			break;
		}
		status = services[i].fn ? services[i].fn(&r) : services[i].status;
		if (services[i].stop == HV_STOP_SELF) {
			/* stop-self: only the caller, which another vCPU may start again (start-cpu). */
			c->p->vcpu[c->vcpu].stop_reason = HV_STOP_SELF;
			c->exit = HV_EXIT_IDLE;
			c->idle_state = HV_VCPU_HALTED;
		} else if (services[i].stop) {
			partition_stop(c, services[i].stop);
		}
		break;
	}
	rtas_ret(&r, 0, status);
	return H_SUCCESS;
}
