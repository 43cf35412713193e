/*
 * What the core owes a platform (plat.h): HPTEs with R preset for an MMU
 * that cannot record references (and what H_READ / H_CLEAR_REF /
 * H_CLEAR_MOD then report), pages marked dirty when partition stores are
 * unseen, the partition-switch hooks, and plat_panic behind HV_CHECK.
 */
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vcpu_helpers.h"

#define LA 0x3000ull

static uint32_t caps_partition(struct fx *f, uint32_t caps)
{
	fx_init_caps(f, 0, 0, caps);
	return fx_partition(f, 1);
}

TEST(r_preset_reads_referenced_from_enter_on)
{
	struct fx f;
	uint32_t p = caps_partition(&f, HV_PLAT_CAP_HPTE_R_PRESET);
	uint64_t ptex = fx_enter(&f, p, 0, fx_pteh(0x1000, 0x10000000 | LA), fx_ptel(LA));

	CHECK_EQ(fx_hw1(&f, p, ptex) & HPTE_R_RC, HPTE_R_R);
	CHECK_RC(HC(&f, p, H_READ, 0, ptex), H_SUCCESS);
	CHECK_EQ(f.out[1] & HPTE_R_RC, HPTE_R_R);
	/* H_CLEAR_REF returns R = 1 and leaves it: the MMU could not set it again. */
	CHECK_RC(HC(&f, p, H_CLEAR_REF, 0, ptex), H_SUCCESS);
	CHECK_EQ(f.out[0] & HPTE_R_RC, HPTE_R_R);
	CHECK_EQ(fx_hw1(&f, p, ptex) & HPTE_R_R, HPTE_R_R);
	CHECK_RC(HC(&f, p, H_READ, 0, ptex), H_SUCCESS);
	CHECK_EQ(f.out[1] & HPTE_R_RC, HPTE_R_R);
	/* C is the MMU's to record and the partition's to clear, as ever. */
	fx_mmu_set_rc(&f, p, ptex, HPTE_R_C);
	CHECK_RC(HC(&f, p, H_CLEAR_MOD, 0, ptex), H_SUCCESS);
	CHECK_EQ(f.out[0] & HPTE_R_RC, HPTE_R_RC);
	CHECK_EQ(fx_hw1(&f, p, ptex) & HPTE_R_RC, HPTE_R_R);
	/* H_PROTECT rewrites the entry: R stays preset. */
	CHECK_RC(HC(&f, p, H_PROTECT, 1, ptex, 0), H_SUCCESS);
	CHECK_EQ(fx_hw1(&f, p, ptex) & HPTE_R_R, HPTE_R_R);
	CHECK_RC(HC(&f, p, H_REMOVE, 0, ptex, 0), H_SUCCESS);
	CHECK_EQ(f.out[1] & HPTE_R_R, HPTE_R_R);
	fx_fini(&f);
}

TEST(r_preset_survives_relocation)
{
	struct fx f;
	uint32_t p = caps_partition(&f, HV_PLAT_CAP_HPTE_R_PRESET);
	uint64_t ptex = fx_enter(&f, p, 0, fx_pteh(0x1000, 0x10000000 | LA), fx_ptel(LA));

	CHECK_EQ(hv_lmb_relocate(&f.m, p, 0, HV_NIL), HV_OK);
	CHECK_EQ(fx_hw1(&f, p, ptex) & HPTE_R_R, HPTE_R_R);
	fx_fini(&f);
}

TEST(without_the_cap_r_is_the_mmus)
{
	struct fx f;
	uint32_t p = caps_partition(&f, 0);
	uint64_t ptex = fx_enter(&f, p, 0, fx_pteh(0x1000, 0x10000000 | LA), fx_ptel(LA));

	CHECK_EQ(fx_hw1(&f, p, ptex) & HPTE_R_RC, 0);
	fx_mmu_set_rc(&f, p, ptex, HPTE_R_R);
	CHECK_RC(HC(&f, p, H_CLEAR_REF, 0, ptex), H_SUCCESS);
	CHECK_EQ(fx_hw1(&f, p, ptex) & HPTE_R_R, 0);
	fx_fini(&f);
}

TEST(unseen_stores_mark_writable_pages_at_publish)
{
	struct fx f;
	uint32_t p = caps_partition(&f, HV_PLAT_CAP_GUEST_STORES_UNSEEN);
	hv_raddr_t rw = fx_real(&f, p, LA), ro = fx_real(&f, p, LA + 0x1000);

	CHECK(!hv_host_plat_range_dirty(f.plat, rw.v, 4096));
	fx_enter(&f, p, 0, fx_pteh(0x1000, 0x10000000 | LA), fx_ptel(LA));
	CHECK(hv_host_plat_range_dirty(f.plat, rw.v, 4096));
	/* A read-only mapping (PP = 3) lets the partition store nothing. */
	fx_enter(&f, p, 0, fx_pteh(0x1000, 0x10000000 | (LA + 0x1000)), fx_ptel(LA + 0x1000) | 3);
	CHECK(!hv_host_plat_range_dirty(f.plat, ro.v, 4096));
	/* A scrub must then zero what the partition may have written unseen. */
	hv_real_ptr(&f.m, rw)[0] = 0x5A;
	CHECK_EQ(hv_dlpar_mem_remove(&f.m, p, 0), HV_OK);
	CHECK_EQ(hv_real_ptr(&f.m, rw)[0], 0);
	fx_fini(&f);
}

TEST(without_the_cap_an_unseen_store_survives_the_scrub)
{
	struct fx f;
	uint32_t p = caps_partition(&f, 0);
	hv_raddr_t rw = fx_real(&f, p, LA);

	/* Why the cap exists: a store nobody reported is skipped by the scrub (an I4 leak). */
	fx_enter(&f, p, 0, fx_pteh(0x1000, 0x10000000 | LA), fx_ptel(LA));
	hv_real_ptr(&f.m, rw)[0] = 0x5A;
	CHECK_EQ(hv_dlpar_mem_remove(&f.m, p, 0), HV_OK);
	CHECK_EQ(hv_real_ptr(&f.m, rw)[0], 0x5A);
	fx_fini(&f);
}

struct switches {
	unsigned runs, idles;
	uint32_t thread, lpid;
};

static void on_run(void *ctx, struct hv_plat *plat, uint32_t thread, uint32_t lpid)
{
	struct switches *s = ctx;

	(void)plat;
	s->runs++;
	s->thread = thread;
	s->lpid = lpid;
}

static void on_idle(void *ctx, struct hv_plat *plat, uint32_t thread)
{
	struct switches *s = ctx;

	(void)plat;
	s->idles++;
	s->thread = thread;
}

TEST(partition_switch_hooks_follow_dispatch_and_idle)
{
	static const struct hv_host_hooks hooks = { .thread_run_partition = on_run, .thread_idle = on_idle };
	struct switches s = { 0, 0, 0, 0 };
	struct fx f;
	uint32_t p0, p1;
	uint64_t a[9] = { 0 };

	fx_init(&f, 0, 0);
	p0 = fx_partition(&f, 1);
	p1 = fx_partition(&f, 1);
	hv_host_plat_set_hooks(f.plat, &hooks, &s);
	CHECK_EQ(hv_dispatch(&f.m, 2, p0, 0), HV_OK);
	CHECK_EQ(s.runs, 1);
	CHECK_EQ(s.thread, 2);
	CHECK_EQ(s.lpid, hv_part(&f.m, p0)->lpid);
	/* Switching the thread to p1: the outgoing vCPU idles first, then p1 runs. */
	CHECK_EQ(hv_dispatch(&f.m, 2, p1, 0), HV_OK);
	CHECK_EQ(s.idles, 1);
	CHECK_EQ(s.runs, 2);
	CHECK_EQ(s.lpid, hv_part(&f.m, p1)->lpid);
	hv_hcall(&f.m, 2, H_CEDE, a, 0, 0);
	CHECK_EQ(s.idles, 2);
	CHECK_EQ(fx_stats(&f).partition_switches, 2);
	hv_host_plat_set_hooks(f.plat, 0, 0);
	fx_fini(&f);
}

TEST(hv_check_panics_through_the_platform)
{
	struct fx f;
	uint32_t p;
	uint64_t ptex;
	int pipefd[2], status;
	char buf[256] = { 0 };
	pid_t pid;

	fx_init(&f, 0, 0);
	p = fx_partition(&f, 1);
	ptex = fx_enter(&f, p, 0, fx_pteh(0x1000, 0x10000000 | LA), fx_ptel(LA));
	CHECK_EQ(pipe(pipefd), 0);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		/* Corrupt the reverse map behind the core's back; H_REMOVE then finds it inconsistent. */
		dup2(pipefd[1], 2);
		f.m.lmb[hv_part(&f.m, p)->meta[ptex].lmb].hpte_count = 0;
		HC(&f, p, H_REMOVE, 0, ptex, 0);
		_exit(0); /* not reached: the check must stop the core */
	}
	close(pipefd[1]);
	CHECK(read(pipefd[0], buf, sizeof(buf) - 1) > 0);
	close(pipefd[0]);
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT);
	CHECK(strstr(buf, "HV_CHECK failed: l->hpte_count > 0 at hv/core/hpt.c:") != 0);
	fx_fini(&f);
}
