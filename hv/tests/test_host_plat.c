/* The host platform (hv/plat/host): dirty tracking, reset, console, RNG, TLB hooks. */
#include "testlib.h"

#include <string.h>

#include "hv/host.h"

#define MiB (1ull << 20)

TEST(host_mem_zero_and_size)
{
	struct hv_plat *p = hv_host_plat_create(64 * MiB + 100);
	uint8_t *m;

	CHECK(p);
	m = plat_mem_base(p);
	CHECK_EQ(plat_mem_size(p), 64 * MiB + 100);
	CHECK_EQ(m[0], 0);
	CHECK_EQ(m[64 * MiB + 99], 0);
	CHECK_EQ(hv_host_plat_dirty_pages(p), 0);
	hv_host_plat_destroy(p);
}

TEST(host_dirty_reset_zeroes_touched_pages)
{
	struct hv_plat *p = hv_host_plat_create(16 * MiB);
	uint8_t *m = plat_mem_base(p);

	/* 8 bytes straddling a page boundary, twice: two pages, counted once. */
	plat_mem_dirty(p, hv_ra(0x1ffc), 8);
	plat_mem_dirty(p, hv_ra(0x1ffc), 8);
	memset(m + 0x1ffc, 0xab, 8);
	plat_mem_dirty(p, hv_ra(16 * MiB - 1), 1);
	m[16 * MiB - 1] = 7;
	CHECK_EQ(hv_host_plat_dirty_pages(p), 3);
	CHECK(!hv_host_plat_dirty_overflowed(p));
	hv_host_plat_reset(p);
	CHECK_EQ(hv_host_plat_dirty_pages(p), 0);
	CHECK_EQ(m[0x1ffc], 0);
	CHECK_EQ(m[0x2003], 0);
	CHECK_EQ(m[16 * MiB - 1], 0);
	/* The bits were cleared: the same pages count again. */
	plat_mem_dirty(p, hv_ra(0x1000), 1);
	CHECK_EQ(hv_host_plat_dirty_pages(p), 1);
	plat_mem_dirty(p, hv_ra(0), 0);
	CHECK_EQ(hv_host_plat_dirty_pages(p), 1);
	hv_host_plat_destroy(p);
}

TEST(host_dirty_overflow_falls_back_to_madvise)
{
	uint64_t size = (uint64_t)(HV_HOST_DIRTY_MAX + 16) * 4096;
	struct hv_plat *p = hv_host_plat_create(size);
	uint8_t *m = plat_mem_base(p);

	plat_mem_dirty(p, hv_ra(0), size);
	CHECK(hv_host_plat_dirty_overflowed(p));
	m[0] = 1;
	m[size - 1] = 2;
	hv_host_plat_reset(p);
	CHECK(!hv_host_plat_dirty_overflowed(p));
	CHECK_EQ(m[0], 0);
	CHECK_EQ(m[size - 1], 0);
	plat_mem_dirty(p, hv_ra(size - 1), 1);
	CHECK_EQ(hv_host_plat_dirty_pages(p), 1);
	hv_host_plat_destroy(p);
}

/* The bitmap the checker reads inline says what range_dirty says, also after an overflow. */
TEST(host_dirty_map_matches_range_queries)
{
	uint64_t size = (uint64_t)(HV_HOST_DIRTY_MAX + 64) * 4096;
	struct hv_plat *p = hv_host_plat_create(size);
	const uint64_t *map = hv_host_plat_dirty_map(p);

	CHECK_EQ(hv_host_plat_dirty_map_pages(p), HV_HOST_DIRTY_MAX + 64);
	plat_mem_dirty(p, hv_ra(0x41ff8), 16); /* pages 0x41 and 0x42 */
	CHECK_EQ(map[1], 3ull << 1);           /* bits 65 and 66 */
	CHECK_EQ(map[0], 0);
	CHECK(hv_host_plat_range_dirty(p, 0x42000, 1));
	CHECK(!hv_host_plat_range_dirty(p, 0x43000, 0x100000));
	CHECK(!hv_host_plat_range_dirty(p, 0, 0x41000));
	hv_host_plat_reset(p);
	CHECK_EQ(map[1], 0);
	plat_mem_dirty(p, hv_ra(0), size); /* overflow: every page counts as dirty until the reset */
	CHECK(hv_host_plat_dirty_overflowed(p));
	CHECK_EQ(map[0], ~0ull);
	CHECK_EQ(map[(HV_HOST_DIRTY_MAX + 63) / 64], ~0ull);
	CHECK(hv_host_plat_range_dirty(p, size - 4096, 4096));
	hv_host_plat_reset(p);
	CHECK_EQ(map[0], 0);
	CHECK(!hv_host_plat_range_dirty(p, 0, size));
	hv_host_plat_destroy(p);
}

static unsigned entry_hits, lpid_hits, io_hits;
static uint64_t last_rb;

static void on_entry(void *ctx, struct hv_plat *p, uint32_t lpid, uint64_t rb)
{
	(void)p;
	entry_hits += *(unsigned *)ctx + lpid;
	last_rb = rb;
}
static void on_lpid(void *ctx, struct hv_plat *p, uint32_t lpid)
{
	(void)ctx, (void)p, (void)lpid;
	lpid_hits++;
}
static void on_io(void *ctx, struct hv_plat *p, uint32_t lpid, uint32_t liobn, uint64_t ioba)
{
	(void)ctx, (void)p, (void)lpid, (void)liobn, (void)ioba;
	io_hits++;
}

TEST(host_tlb_hooks_and_counters)
{
	struct hv_plat *p = hv_host_plat_create(MiB);
	struct hv_host_hooks hooks = { .tlb_flush_entry = on_entry, .tlb_flush_lpid = on_lpid, .iotlb_flush = on_io };
	struct hv_host_stats st;
	unsigned one = 1;

	plat_tlb_flush_entry(p, 1, 0x10);
	hv_host_plat_set_hooks(p, &hooks, &one);
	plat_tlb_flush_entry(p, 2, 0x1234);
	plat_tlb_flush_lpid(p, 2);
	plat_iotlb_flush(p, 1, 0x100, 0);
	plat_iotlb_flush(p, 1, 0x100, 0x1000);
	hv_host_plat_stats(p, &st);
	CHECK_EQ(st.tlb_entry_flushes, 2);
	CHECK_EQ(st.tlb_lpid_flushes, 1);
	CHECK_EQ(st.iotlb_flushes, 2);
	CHECK_EQ(entry_hits, 3);
	CHECK_EQ(last_rb, 0x1234);
	CHECK_EQ(lpid_hits, 1);
	CHECK_EQ(io_hits, 2);
	hv_host_plat_reset(p);
	hv_host_plat_stats(p, &st);
	CHECK_EQ(st.tlb_entry_flushes + st.tlb_lpid_flushes + st.iotlb_flushes, 0);
	hv_host_plat_set_hooks(p, NULL, NULL);
	plat_tlb_flush_lpid(p, 2);
	CHECK_EQ(lpid_hits, 1);
	hv_host_plat_destroy(p);
}

TEST(host_console_log_keeps_newest)
{
	struct hv_plat *p = hv_host_plat_create(MiB);
	char buf[HV_HOST_CONSOLE_BYTES + 16];
	uint8_t big[HV_HOST_CONSOLE_BYTES];
	struct hv_host_stats st;
	size_t n;

	plat_console_write(p, 1, (const uint8_t *)"hello\n", 6);
	n = hv_host_plat_console(p, 1, buf, sizeof(buf));
	CHECK_EQ(n, 6);
	CHECK(memcmp(buf, "hello\n", 6) == 0);
	CHECK_EQ(hv_host_plat_console(p, 2, buf, sizeof(buf)), 0);
	CHECK_EQ(hv_host_plat_console(p, 1, buf, 3), 3);

	memset(big, 'x', sizeof(big));
	plat_console_write(p, 1, big, sizeof(big));
	n = hv_host_plat_console(p, 1, buf, sizeof(buf));
	CHECK_EQ(n, HV_HOST_CONSOLE_BYTES);
	CHECK_EQ(buf[0], 'x');
	plat_console_write(p, 1, (const uint8_t *)"END", 3);
	n = hv_host_plat_console(p, 1, buf, sizeof(buf));
	CHECK(memcmp(buf + n - 3, "END", 3) == 0);
	plat_console_write(p, 99, (const uint8_t *)"z", 1);
	hv_host_plat_stats(p, &st);
	CHECK_EQ(st.console_bytes, 6 + HV_HOST_CONSOLE_BYTES + 3 + 1);
	CHECK_EQ(st.console_dropped, 6 + 3 + 1);
	hv_host_plat_reset(p);
	CHECK_EQ(hv_host_plat_console(p, 1, buf, sizeof(buf)), 0);
	hv_host_plat_destroy(p);
}

TEST(host_console_echo_prefixes_lines)
{
	struct hv_plat *p = hv_host_plat_create(MiB);
	char out[256] = { 0 };
	FILE *f = fmemopen(out, sizeof(out) - 1, "w");

	CHECK(f);
	hv_host_plat_echo(p, f);
	plat_console_write(p, 1, (const uint8_t *)"ab\nc", 4);
	plat_console_write(p, 2, (const uint8_t *)"x\n", 2);
	plat_console_write(p, 1, (const uint8_t *)"d\n", 2);
	hv_host_plat_echo(p, NULL);
	plat_console_write(p, 1, (const uint8_t *)"quiet\n", 6);
	fclose(f);
	CHECK(strcmp(out, "[p1] ab\n[p1] c[p2] x\nd\n") == 0);
	hv_host_plat_destroy(p);
}

TEST(host_random_deterministic_and_fail)
{
	struct hv_plat *p = hv_host_plat_create(MiB);
	uint64_t a, b, c;

	CHECK(plat_random(p, &a));
	CHECK(plat_random(p, &b));
	CHECK(a != b);
	hv_host_plat_reset(p);
	CHECK(plat_random(p, &c));
	CHECK_EQ(c, a);
	hv_host_plat_seed(p, 42);
	CHECK(plat_random(p, &c));
	CHECK(c != a);
	hv_host_plat_set_rng_fail(p, true);
	CHECK(!plat_random(p, &c));
	hv_host_plat_set_rng_fail(p, false);
	CHECK(plat_random(p, &c));
	hv_host_plat_destroy(p);
}
