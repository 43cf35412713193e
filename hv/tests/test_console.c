/*
 * The console hcalls: H_PUT_TERM_CHAR and H_GET_TERM_CHAR, the partition's
 * own log and input, argument checks and isolation.
 */
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "testlib.h"

static size_t console(struct fx *f, uint32_t slot, char *buf, size_t cap)
{
	return hv_host_plat_console(f->plat, hv_part(&f->m, slot)->lpid, buf, cap);
}

/* ---------------------------------------------------------------- console */

TEST(console_put_bytes)
{
	struct fx f;
	uint32_t p;
	char buf[64];
	size_t n;

	fx_init(&f, 0, 0);
	p = fx_partition(&f, 1);
	CHECK_RC(HC(&f, p, H_PUT_TERM_CHAR, 0, 5, 0x48656C6C6FFFFFFFull, 0xFFFFFFFFFFFFFFFFull), H_SUCCESS);
	n = console(&f, p, buf, sizeof(buf));
	CHECK_EQ(n, 5);
	CHECK(memcmp(buf, "Hello", 5) == 0);
	/* The partition's vty by its unit address; all 16 bytes, r6 then r7. */
	CHECK_RC(HC(&f, p, H_PUT_TERM_CHAR, 0x30000000, 16, 0x2C20776F726C6421ull, 0x0A303132333435FFull), H_SUCCESS);
	n = console(&f, p, buf, sizeof(buf));
	CHECK_EQ(n, 21);
	CHECK(memcmp(buf, "Hello, world!\n012345\xFF", 21) == 0);
	/* Length 0 writes nothing. */
	CHECK_RC(HC(&f, p, H_PUT_TERM_CHAR, 0, 0, 0x4141414141414141ull), H_SUCCESS);
	CHECK_EQ(console(&f, p, buf, sizeof(buf)), 21);
	/* 9 bytes: one from r7. */
	CHECK_RC(HC(&f, p, H_PUT_TERM_CHAR, 0, 9, 0x3132333435363738ull, 0x39FFFFFFFFFFFFFFull), H_SUCCESS);
	n = console(&f, p, buf, sizeof(buf));
	CHECK_EQ(n, 30);
	CHECK(memcmp(buf + 21, "123456789", 9) == 0);
	fx_fini(&f);
}

TEST(console_put_bad_args)
{
	struct fx f;
	struct hv_host_stats st;
	uint32_t p;
	char buf[16];

	fx_init(&f, 0, 0);
	p = fx_partition(&f, 1);
	CHECK_RC(HC(&f, p, H_PUT_TERM_CHAR, 1, 1, 0x4100000000000000ull), H_PARAMETER);
	CHECK_RC(HC(&f, p, H_PUT_TERM_CHAR, 0x30000001, 1, 0x4100000000000000ull), H_PARAMETER);
	CHECK_RC(HC(&f, p, H_PUT_TERM_CHAR, 0x1030000000ull, 1, 0x4100000000000000ull), H_PARAMETER);
	CHECK_RC(HC(&f, p, H_PUT_TERM_CHAR, ~0ull, 1, 0x4100000000000000ull), H_PARAMETER);
	CHECK_RC(HC(&f, p, H_PUT_TERM_CHAR, 0, 17, 0x4141414141414141ull, 0x4141414141414141ull), H_PARAMETER);
	CHECK_RC(HC(&f, p, H_PUT_TERM_CHAR, 0, 1ull << 63, 0x41ull), H_PARAMETER);
	CHECK_RC(HC(&f, p, H_PUT_TERM_CHAR, 0, ~0ull, 0x41ull), H_PARAMETER);
	CHECK(fx_outs_zero(&f));
	CHECK_EQ(console(&f, p, buf, sizeof(buf)), 0);
	hv_host_plat_stats(f.plat, &st);
	CHECK_EQ(st.console_bytes, 0);
	fx_fini(&f);
}

TEST(console_put_goes_to_own_log_only)
{
	struct fx f;
	uint32_t p0, p1;
	char buf[16];

	fx_init(&f, 0, 0);
	p0 = fx_partition(&f, 1);
	p1 = fx_partition(&f, 1);
	CHECK_RC(HC(&f, p1, H_PUT_TERM_CHAR, 0x30000000, 2, 0x7031000000000000ull), H_SUCCESS);
	CHECK_EQ(console(&f, p0, buf, sizeof(buf)), 0);
	CHECK_EQ(console(&f, p1, buf, sizeof(buf)), 2);
	CHECK(memcmp(buf, "p1", 2) == 0);
	fx_fini(&f);
}

TEST(console_get_round_trip)
{
	struct fx f;
	uint32_t p;
	char buf[16];
	uint64_t n, hi, lo;

	fx_init(&f, 0, 0);
	p = fx_partition(&f, 1);
	CHECK_EQ(hv_console_feed(&f.m, p, (const uint8_t *)"echo me\r\n", 9), 9);
	CHECK_RC(HC(&f, p, H_GET_TERM_CHAR, 0x30000000), H_SUCCESS);
	CHECK_EQ(f.out[0], 9);
	CHECK_EQ(f.out[1], 0x6563686F206D650Dull);
	CHECK_EQ(f.out[2], 0x0A00000000000000ull);
	n = f.out[0];
	hi = f.out[1];
	lo = f.out[2];
	CHECK_RC(HC(&f, p, H_PUT_TERM_CHAR, 0, n, hi, lo), H_SUCCESS);
	CHECK_EQ(console(&f, p, buf, sizeof(buf)), 9);
	CHECK(memcmp(buf, "echo me\r\n", 9) == 0);
	/* Consumed: the next read is empty. */
	CHECK_RC(HC(&f, p, H_GET_TERM_CHAR, 0), H_SUCCESS);
	CHECK(fx_outs_zero(&f));
	fx_fini(&f);
}

TEST(console_get_zero_padding)
{
	struct fx f;
	uint32_t p;
	unsigned i;

	fx_init(&f, 0, 0);
	p = fx_partition(&f, 1);
	/* Nothing buffered: zero bytes, r5/r6 zero, even with junk in the registers. */
	CHECK_RC(HC(&f, p, H_GET_TERM_CHAR, 0, ~0ull, ~0ull, ~0ull, ~0ull, ~0ull, ~0ull, ~0ull, ~0ull), H_SUCCESS);
	CHECK(fx_outs_zero(&f));
	CHECK_EQ(hv_console_feed(&f.m, p, (const uint8_t *)"xyz", 3), 3);
	CHECK_RC(HC(&f, p, H_GET_TERM_CHAR, 0, ~0ull, ~0ull, ~0ull, ~0ull, ~0ull, ~0ull, ~0ull, ~0ull), H_SUCCESS);
	CHECK_EQ(f.out[0], 3);
	CHECK_EQ(f.out[1], 0x78797A0000000000ull);
	for (i = 2; i < 9; i++) {
		CHECK_EQ(f.out[i], 0);
	}
	/* Exactly 8: r6 stays zero. */
	CHECK_EQ(hv_console_feed(&f.m, p, (const uint8_t *)"01234567", 8), 8);
	CHECK_RC(HC(&f, p, H_GET_TERM_CHAR, 0, 0, ~0ull, ~0ull), H_SUCCESS);
	CHECK_EQ(f.out[0], 8);
	CHECK_EQ(f.out[1], 0x3031323334353637ull);
	CHECK_EQ(f.out[2], 0);
	fx_fini(&f);
}

TEST(console_get_sixteen_at_most)
{
	struct fx f;
	uint32_t p;
	uint8_t in[70];
	unsigned i;

	fx_init(&f, 0, 0);
	p = fx_partition(&f, 1);
	for (i = 0; i < sizeof(in); i++) {
		in[i] = (uint8_t)('A' + i % 26);
	}
	CHECK_EQ(hv_console_feed(&f.m, p, in, 20), 20);
	CHECK_RC(HC(&f, p, H_GET_TERM_CHAR, 0), H_SUCCESS);
	CHECK_EQ(f.out[0], 16);
	CHECK_EQ(f.out[1], 0x4142434445464748ull);
	CHECK_EQ(f.out[2], 0x494A4B4C4D4E4F50ull);
	CHECK_EQ(f.out[3], 0);
	CHECK_RC(HC(&f, p, H_GET_TERM_CHAR, 0), H_SUCCESS);
	CHECK_EQ(f.out[0], 4);
	CHECK_EQ(f.out[1], 0x5152535400000000ull);
	CHECK_EQ(f.out[2], 0);
	CHECK_RC(HC(&f, p, H_GET_TERM_CHAR, 0), H_SUCCESS);
	CHECK(fx_outs_zero(&f));
	/* The input buffer holds HV_TERM_RX_BYTES. */
	CHECK_EQ(hv_console_feed(&f.m, p, in, 70), HV_TERM_RX_BYTES);
	for (i = 0; i < HV_TERM_RX_BYTES / 16; i++) {
		CHECK_RC(HC(&f, p, H_GET_TERM_CHAR, 0), H_SUCCESS);
		CHECK_EQ(f.out[0], 16);
	}
	CHECK_RC(HC(&f, p, H_GET_TERM_CHAR, 0), H_SUCCESS);
	CHECK_EQ(f.out[0], 0);
	fx_fini(&f);
}

TEST(console_get_bad_term_and_isolation)
{
	struct fx f;
	uint32_t p0, p1;

	fx_init(&f, 0, 0);
	p0 = fx_partition(&f, 1);
	p1 = fx_partition(&f, 1);
	CHECK_EQ(hv_console_feed(&f.m, p1, (const uint8_t *)"secret", 6), 6);
	CHECK_EQ(hv_console_feed(&f.m, p0, (const uint8_t *)"x", 1), 1);
	CHECK_RC(HC(&f, p0, H_GET_TERM_CHAR, 5), H_PARAMETER);
	CHECK(fx_outs_zero(&f));
	CHECK_RC(HC(&f, p0, H_GET_TERM_CHAR, 0x30000001), H_PARAMETER);
	CHECK(fx_outs_zero(&f));
	/* Not consumed by the failed calls; p1's input never shows in p0. */
	CHECK_RC(HC(&f, p0, H_GET_TERM_CHAR, 0), H_SUCCESS);
	CHECK_EQ(f.out[0], 1);
	CHECK_EQ(f.out[1], 0x7800000000000000ull);
	CHECK_RC(HC(&f, p0, H_GET_TERM_CHAR, 0), H_SUCCESS);
	CHECK(fx_outs_zero(&f));
	CHECK_RC(HC(&f, p1, H_GET_TERM_CHAR, 0x30000000), H_SUCCESS);
	CHECK_EQ(f.out[0], 6);
	CHECK_EQ(f.out[1], 0x7365637265740000ull);
	CHECK_EQ(hv_console_feed(&f.m, 3, (const uint8_t *)"z", 1), 0); /* no such partition */
	fx_fini(&f);
}
