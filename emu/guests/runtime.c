/*
 * The guests' runtime (runtime.h): console, checks, exit.
 */
#include "runtime.h"

struct guest_boot guest;
volatile struct guest_irq guest_irq;
unsigned guest_failures;

void *memset(void *d, int c, unsigned long n)
{
	volatile u8 *p = d; /* volatile: the compiler must not turn this loop into a call to itself */

	while (n--) {
		*p++ = (u8)c;
	}
	return d;
}

void *memcpy(void *d, const void *s, unsigned long n)
{
	volatile u8 *p = d;
	const u8 *q = s;

	while (n--) {
		*p++ = *q++;
	}
	return d;
}

/* H_PUT_TERM_CHAR takes up to 16 bytes in r6/r7, big-endian. */
static void put_bytes(const char *s, unsigned n)
{
	u64 w[2] = { 0, 0 };
	unsigned i;

	for (i = 0; i < n; i++) {
		w[i / 8] |= (u64)(u8)s[i] << (56 - 8 * (i % 8));
	}
	hcall(H_PUT_TERM_CHAR, 0, GUEST_VTY, n, w[0], w[1], 0, 0, 0, 0);
}

void put_str(const char *s)
{
	unsigned n = 0;

	while (s[n]) {
		if (n == 16) {
			put_bytes(s, 16);
			s += 16;
			n = 0;
			continue;
		}
		n++;
	}
	if (n) {
		put_bytes(s, n);
	}
}

void put_hex(u64 v)
{
	char b[19];
	int i;

	b[0] = '0';
	b[1] = 'x';
	for (i = 0; i < 16; i++) {
		unsigned d = (unsigned)(v >> (60 - 4 * i)) & 0xF;

		b[2 + i] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
	}
	b[18] = 0;
	put_str(b);
}

void put_dec(u64 v)
{
	char b[21];
	int i = 20;

	b[i] = 0;
	do {
		b[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	put_str(b + i);
}

void check(const char *name, u64 got, u64 expected)
{
	if (got == expected) {
		put_str("PASS ");
		put_str(name);
		put_str("\n");
		return;
	}
	guest_failures++;
	put_str("FAIL ");
	put_str(name);
	put_str(": got ");
	put_hex(got);
	put_str(" expected ");
	put_hex(expected);
	put_str("\n");
}

void check_true(const char *name, int cond)
{
	check(name, cond ? 1 : 0, 1);
}

int guest_load_faults(u64 ea)
{
	u64 n = guest_irq.count, v = probe_load(ea); /* a skipped load leaves its argument */

	return guest_irq.count == n + 1 && guest_irq.vector == 0x300 && guest_irq.dar == ea && v == ea;
}

int guest_store_faults(u64 ea, u64 v)
{
	u64 n = guest_irq.count;

	probe_store(ea, v);
	return guest_irq.count == n + 1 && guest_irq.vector == 0x300 && guest_irq.dar == ea &&
	       (guest_irq.dsisr & GUEST_DSISR_STORE);
}

u64 guest_foreign_canaries(u64 start, u64 end, u64 self)
{
	u64 la, n = 0;

	for (la = start; la < end; la += 8) {
		u64 v = *guest_ptr(la);

		n += GUEST_IS_CANARY(v) && GUEST_CANARY_OWNER(v) != self;
	}
	return n;
}

u64 guest_own_canaries_lost(u64 start, u64 end, u64 self)
{
	u64 la, n = 0;

	for (la = start; la < end; la += 8) {
		n += *guest_ptr(la) != GUEST_CANARY(self, la);
	}
	return n;
}

u64 guest_mark(u64 start, u64 end, u64 self)
{
	u64 la, n = 0;

	for (la = start; la < end; la += 8) {
		*guest_ptr(la) = GUEST_ATTACK_MARK(self);
		n += *guest_ptr(la) == GUEST_ATTACK_MARK(self);
	}
	return n;
}

void guest_exit(void)
{
	put_str("EXIT ");
	put_dec(guest_failures);
	put_str("\n");
	for (;;) {
		HC0(H_CEDE);
	}
}
