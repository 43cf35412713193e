/*
 * Host platform: real memory as an mmap'd arena with dirty-page tracking,
 * counted TLB hooks, per-LPID console logs and a seeded RNG. See hv/host.h.
 */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS, MAP_NORESERVE, madvise under -std=c11 */
#endif

#include "hv/host.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define PAGE_SHIFT 12
#define PAGE_SIZE  (1ull << PAGE_SHIFT)

struct console_log {
	char buf[HV_HOST_CONSOLE_BYTES];
	size_t head;  /* index of the oldest byte */
	size_t len;
	bool midline; /* echo: the last byte echoed was not '\n' */
};

struct hv_plat {
	uint8_t *mem;
	uint64_t mem_size;
	uint64_t map_size;   /* mem_size rounded up to 4 KiB, guard page excluded */
	uint64_t npages;

	uint64_t *dirty_bits;  /* 1 bit per 4 KiB page */
	size_t dirty_words;
	uint32_t *dirty_stack; /* page indices, in marking order */
	size_t dirty_len;
	bool overflow;

	struct hv_host_stats stats;
	struct hv_host_hooks hooks;
	void *hooks_ctx;

	struct console_log con[HV_HOST_CONSOLE_LPIDS];
	FILE *echo;

	uint64_t seed;
	uint64_t rng;
	bool rng_fail;
	uint32_t caps;
};

struct hv_plat *hv_host_plat_create(uint64_t mem_size)
{
	struct hv_plat *p;
	void *mem;

	if (mem_size == 0 || mem_size > (1ull << 46)) {
		return NULL;
	}
	p = calloc(1, sizeof(*p));
	if (!p) {
		return NULL;
	}
	p->mem_size = mem_size;
	p->map_size = (mem_size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	p->npages = p->map_size >> PAGE_SHIFT;
	if (p->npages > UINT32_MAX) {
		free(p);
		return NULL;
	}
	/* Arena + one guard page so a store just past the end faults. */
	mem = mmap(NULL, p->map_size + PAGE_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (mem == MAP_FAILED) {
		free(p);
		return NULL;
	}
	p->mem = mem;
	mprotect(p->mem + p->map_size, PAGE_SIZE, PROT_NONE);
	p->dirty_words = (size_t)((p->npages + 63) / 64);
	p->dirty_bits = calloc(p->dirty_words, sizeof(uint64_t));
	p->dirty_stack = calloc(HV_HOST_DIRTY_MAX, sizeof(uint32_t));
	if (!p->dirty_bits || !p->dirty_stack) {
		hv_host_plat_destroy(p);
		return NULL;
	}
	hv_host_plat_seed(p, HV_HOST_DEFAULT_SEED);
	return p;
}

void hv_host_plat_destroy(struct hv_plat *p)
{
	if (!p) {
		return;
	}
	if (p->mem) {
		munmap(p->mem, p->map_size + PAGE_SIZE);
	}
	free(p->dirty_bits);
	free(p->dirty_stack);
	free(p);
}

void hv_host_plat_reset(struct hv_plat *p)
{
	size_t i;

	if (p->overflow) {
		/* Too many pages to list: drop the whole arena (the kernel frees only what is
		 * resident) and clear the bitmap, 1/32768 of the arena. */
		madvise(p->mem, p->map_size, MADV_DONTNEED);
		memset(p->dirty_bits, 0, p->dirty_words * sizeof(uint64_t));
	} else {
		for (i = 0; i < p->dirty_len; i++) {
			uint32_t pg = p->dirty_stack[i];

			memset(p->mem + ((uint64_t)pg << PAGE_SHIFT), 0, PAGE_SIZE);
			p->dirty_bits[pg / 64] = 0; /* every set bit of this word is on the stack */
		}
	}
	p->dirty_len = 0;
	p->overflow = false;
	for (i = 0; i < HV_HOST_CONSOLE_LPIDS; i++) {
		p->con[i].head = 0;
		p->con[i].len = 0;
		p->con[i].midline = false;
	}
	memset(&p->stats, 0, sizeof(p->stats));
	p->rng = p->seed;
}

uint64_t hv_host_plat_dirty_pages(const struct hv_plat *p)
{
	return p->dirty_len;
}

const uint64_t *hv_host_plat_dirty_map(const struct hv_plat *p)
{
	return p->dirty_bits;
}

uint64_t hv_host_plat_dirty_map_pages(const struct hv_plat *p)
{
	return p->npages;
}

bool hv_host_plat_dirty_overflowed(const struct hv_plat *p)
{
	return p->overflow;
}

void hv_host_plat_stats(const struct hv_plat *p, struct hv_host_stats *out)
{
	*out = p->stats;
}

void hv_host_plat_set_hooks(struct hv_plat *p, const struct hv_host_hooks *hooks, void *ctx)
{
	if (hooks) {
		p->hooks = *hooks;
	} else {
		memset(&p->hooks, 0, sizeof(p->hooks));
	}
	p->hooks_ctx = ctx;
}

size_t hv_host_plat_console(const struct hv_plat *p, uint32_t lpid, char *buf, size_t cap)
{
	const struct console_log *c;
	size_t n, first;

	if (lpid >= HV_HOST_CONSOLE_LPIDS) {
		return 0;
	}
	c = &p->con[lpid];
	n = c->len < cap ? c->len : cap;
	first = HV_HOST_CONSOLE_BYTES - c->head;
	if (first > n) {
		first = n;
	}
	memcpy(buf, c->buf + c->head, first);
	memcpy(buf + first, c->buf, n - first);
	return n;
}

void hv_host_plat_echo(struct hv_plat *p, FILE *f)
{
	p->echo = f;
}

void hv_host_plat_seed(struct hv_plat *p, uint64_t seed)
{
	p->seed = seed ? seed : HV_HOST_DEFAULT_SEED; /* xorshift state must be non-zero */
	p->rng = p->seed;
}

void hv_host_plat_set_rng_fail(struct hv_plat *p, bool fail)
{
	p->rng_fail = fail;
}

void hv_host_plat_set_caps(struct hv_plat *p, uint32_t caps)
{
	p->caps = caps;
}

/* ---- hv/plat.h ---- */

uint8_t *plat_mem_base(struct hv_plat *p)
{
	return p->mem;
}

uint64_t plat_mem_size(struct hv_plat *p)
{
	return p->mem_size;
}

void plat_mem_dirty(struct hv_plat *p, hv_raddr_t ra, uint64_t len)
{
	uint64_t pg, last;

	if (len == 0) {
		return;
	}
	if (ra.v >= p->mem_size || len > p->mem_size - ra.v) {
		fprintf(stderr, "hv host plat: plat_mem_dirty(0x%llx, 0x%llx) outside memory of 0x%llx bytes\n",
			(unsigned long long)ra.v, (unsigned long long)len, (unsigned long long)p->mem_size);
		abort();
	}
	if (p->hooks.mem_write) {
		p->hooks.mem_write(p->hooks_ctx, p, ra.v, len);
	}
	last = (ra.v + len - 1) >> PAGE_SHIFT;
	for (pg = ra.v >> PAGE_SHIFT; pg <= last; pg++) {
		uint64_t bit = 1ull << (pg & 63);
		uint64_t *w = &p->dirty_bits[pg >> 6];

		if (*w & bit) {
			continue;
		}
		if (p->dirty_len == HV_HOST_DIRTY_MAX) {
			/* The reset will madvise the arena; until then every page counts as dirty. */
			p->overflow = true;
			memset(p->dirty_bits, 0xff, p->dirty_words * sizeof(uint64_t));
			return;
		}
		*w |= bit;
		p->dirty_stack[p->dirty_len++] = (uint32_t)pg;
	}
}

bool hv_host_plat_range_dirty(const struct hv_plat *p, uint64_t ra, uint64_t len)
{
	uint64_t pg, last;

	if (p->overflow) {
		return true;
	}
	if (len == 0 || ra >= p->mem_size) {
		return false;
	}
	if (len > p->mem_size - ra) {
		len = p->mem_size - ra;
	}
	last = (ra + len - 1) >> PAGE_SHIFT;
	for (pg = ra >> PAGE_SHIFT; pg <= last;) {
		uint64_t word = p->dirty_bits[pg >> 6] >> (pg & 63);

		if (word & 1) {
			return true;
		}
		/* Skip the clear bits of this word at once. */
		pg += word ? (uint64_t)__builtin_ctzll(word) : 64 - (pg & 63);
	}
	return false;
}

bool plat_mem_maybe_written(struct hv_plat *p, hv_raddr_t ra, uint64_t len)
{
	return hv_host_plat_range_dirty(p, ra.v, len);
}

uint32_t plat_caps(struct hv_plat *p)
{
	return p->caps;
}

void plat_hpte_sync(struct hv_plat *p)
{
	(void)p;
	__asm__ volatile("" ::: "memory");
}

void plat_tlb_flush_entry(struct hv_plat *p, uint32_t lpid, uint64_t rb)
{
	p->stats.tlb_entry_flushes++;
	if (p->hooks.tlb_flush_entry) {
		p->hooks.tlb_flush_entry(p->hooks_ctx, p, lpid, rb);
	}
}

void plat_tlb_flush_lpid(struct hv_plat *p, uint32_t lpid)
{
	p->stats.tlb_lpid_flushes++;
	if (p->hooks.tlb_flush_lpid) {
		p->hooks.tlb_flush_lpid(p->hooks_ctx, p, lpid);
	}
}

void plat_iotlb_flush(struct hv_plat *p, uint32_t lpid, uint32_t liobn, uint64_t ioba)
{
	p->stats.iotlb_flushes++;
	if (p->hooks.iotlb_flush) {
		p->hooks.iotlb_flush(p->hooks_ctx, p, lpid, liobn, ioba);
	}
}

void plat_thread_run_partition(struct hv_plat *p, uint32_t thread, uint32_t lpid)
{
	p->stats.partition_switches++;
	if (p->hooks.thread_run_partition) {
		p->hooks.thread_run_partition(p->hooks_ctx, p, thread, lpid);
	}
}

void plat_thread_idle(struct hv_plat *p, uint32_t thread)
{
	if (p->hooks.thread_idle) {
		p->hooks.thread_idle(p->hooks_ctx, p, thread);
	}
}

/* The check's file from the project's root on ("hv/core/hpt.c"), however the build named it. */
static const char *project_path(const char *file)
{
	const char *s = strstr(file, "hv/core/");

	return s ? s : file;
}

_Noreturn void plat_panic(struct hv_plat *p, const char *file, int line, const char *check)
{
	(void)p;
	fprintf(stderr, "HV_CHECK failed: %s at %s:%d\n", check, project_path(file), line);
	fflush(stderr);
	abort();
}

static void console_echo(struct hv_plat *p, struct console_log *c, uint32_t lpid, const uint8_t *bytes,
			 unsigned len)
{
	bool midline = c ? c->midline : false;
	unsigned i;

	for (i = 0; i < len; i++) {
		if (!midline) {
			fprintf(p->echo, "[p%u] ", (unsigned)lpid);
		}
		fputc(bytes[i], p->echo);
		midline = bytes[i] != '\n';
	}
	if (c) {
		c->midline = midline;
	} else if (midline) {
		fputc('\n', p->echo); /* no state to continue the line with */
	}
	fflush(p->echo);
}

void plat_console_write(struct hv_plat *p, uint32_t lpid, const uint8_t *bytes, unsigned len)
{
	struct console_log *c = lpid < HV_HOST_CONSOLE_LPIDS ? &p->con[lpid] : NULL;
	unsigned i;

	p->stats.console_bytes += len;
	if (p->hooks.console_write) {
		p->hooks.console_write(p->hooks_ctx, p, lpid, bytes, len);
	}
	if (p->echo) {
		console_echo(p, c, lpid, bytes, len);
	}
	if (!c) {
		p->stats.console_dropped += len;
		return;
	}
	for (i = 0; i < len; i++) {
		if (c->len == HV_HOST_CONSOLE_BYTES) {
			/* Full: drop the oldest byte. */
			c->head = (c->head + 1) % HV_HOST_CONSOLE_BYTES;
			c->len--;
			p->stats.console_dropped++;
		}
		c->buf[(c->head + c->len) % HV_HOST_CONSOLE_BYTES] = (char)bytes[i];
		c->len++;
	}
}

bool plat_random(struct hv_plat *p, uint64_t *out)
{
	p->stats.random_calls++;
	if (p->rng_fail) {
		return false;
	}
	*out = hv_seeded_random(&p->rng);
	return true;
}
