/*
 * Basic types of the hypervisor core: distinct real and logical addresses
 * (so the compiler rejects mixing them), page numbers, and big-endian
 * accessors. Freestanding: only compiler-provided headers.
 */
#ifndef HV_TYPES_H
#define HV_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A machine (real) address: only the hypervisor ever sees these. */
typedef struct { uint64_t v; } hv_raddr_t;
/* A partition's logical address ("guest physical"). */
typedef struct { uint64_t v; } hv_laddr_t;
/* Page numbers at 4 KiB granularity. */
typedef struct { uint64_t v; } hv_rpn_t;
typedef struct { uint64_t v; } hv_lpn_t;

static inline hv_raddr_t hv_ra(uint64_t v) { hv_raddr_t a = { v }; return a; }
static inline hv_laddr_t hv_la(uint64_t v) { hv_laddr_t a = { v }; return a; }
static inline hv_raddr_t hv_ra_add(hv_raddr_t a, uint64_t off) { return hv_ra(a.v + off); }
static inline hv_laddr_t hv_la_add(hv_laddr_t a, uint64_t off) { return hv_la(a.v + off); }
static inline hv_rpn_t hv_ra_to_rpn(hv_raddr_t a) { hv_rpn_t p = { a.v >> 12 }; return p; }
static inline hv_lpn_t hv_la_to_lpn(hv_laddr_t a) { hv_lpn_t p = { a.v >> 12 }; return p; }
static inline hv_raddr_t hv_rpn_to_ra(hv_rpn_t p) { return hv_ra(p.v << 12); }
static inline hv_laddr_t hv_lpn_to_la(hv_lpn_t p) { return hv_la(p.v << 12); }

#define HV_PAGE_SHIFT 12
#define HV_PAGE_SIZE (1ull << HV_PAGE_SHIFT)

/* MSB-0 bit n of a doubleword (IBM numbering) as an LSB-0 mask. */
#define HV_PPC_BIT(n) (1ull << (63 - (n)))

static inline uint64_t hv_bswap64(uint64_t x) { return __builtin_bswap64(x); }
static inline uint32_t hv_bswap32(uint32_t x) { return __builtin_bswap32(x); }
static inline uint16_t hv_bswap16(uint16_t x) { return __builtin_bswap16(x); }

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define HV_HOST_BIG_ENDIAN 1
#else
#define HV_HOST_BIG_ENDIAN 0
#endif

/*
 * Big-endian loads and stores of hypervisor memory. Tables the MMU or an
 * I/O adapter walks (HPT, partition table, TCE tables) and every buffer
 * shared with a partition are big-endian whatever the host is.
 */
static inline uint64_t hv_ld_be64(const void *p)
{
	uint64_t v;
	__builtin_memcpy(&v, p, 8);
	return HV_HOST_BIG_ENDIAN ? v : hv_bswap64(v);
}
static inline void hv_st_be64(void *p, uint64_t v)
{
	v = HV_HOST_BIG_ENDIAN ? v : hv_bswap64(v);
	__builtin_memcpy(p, &v, 8);
}
static inline uint32_t hv_ld_be32(const void *p)
{
	uint32_t v;
	__builtin_memcpy(&v, p, 4);
	return HV_HOST_BIG_ENDIAN ? v : hv_bswap32(v);
}
static inline void hv_st_be32(void *p, uint32_t v)
{
	v = HV_HOST_BIG_ENDIAN ? v : hv_bswap32(v);
	__builtin_memcpy(p, &v, 4);
}
static inline uint16_t hv_ld_be16(const void *p)
{
	uint16_t v;
	__builtin_memcpy(&v, p, 2);
	return HV_HOST_BIG_ENDIAN ? v : hv_bswap16(v);
}
static inline void hv_st_be16(void *p, uint16_t v)
{
	v = HV_HOST_BIG_ENDIAN ? v : hv_bswap16(v);
	__builtin_memcpy(p, &v, 2);
}

static inline bool hv_is_pow2(uint64_t x) { return x && !(x & (x - 1)); }
static inline uint64_t hv_align_down(uint64_t x, uint64_t a) { return x & ~(a - 1); }
static inline uint64_t hv_align_up(uint64_t x, uint64_t a) { return (x + a - 1) & ~(a - 1); }
static inline unsigned hv_log2(uint64_t x) { return 63u - (unsigned)__builtin_clzll(x); }

#endif /* HV_TYPES_H */
