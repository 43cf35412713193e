/*
 * Just enough of a flattened device tree reader for what QEMU tells the
 * firmware: properties of a node directly under the root (/chosen/bootargs
 * from -append, /chosen/linux,initrd-start and -end from -initrd).
 * Big-endian like the CPU.
 */
#include "fw.h"

#define FDT_MAGIC      0xd00dfeedu
#define FDT_BEGIN_NODE 1u
#define FDT_END_NODE   2u
#define FDT_PROP       3u
#define FDT_NOP        4u
#define FDT_END        9u

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static bool same(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

static unsigned str_words(const char *s)
{
	unsigned n = 0;

	while (s[n]) {
		n++;
	}
	return (n + 1 + 3) / 4;
}

/* The value of property prop of node (depth 1) and its length, or 0. */
static const uint8_t *fdt_prop(const void *fdt, const char *node, const char *prop, uint32_t *len_out)
{
	const uint8_t *base = fdt;
	const uint8_t *p, *strings;
	uint32_t size;
	int depth = 0;
	bool in_node = false;

	if (!fdt || be32(base) != FDT_MAGIC) {
		return 0;
	}
	size = be32(base + 4);
	p = base + be32(base + 8);
	strings = base + be32(base + 12);
	while (p < base + size) {
		uint32_t token = be32(p);

		p += 4;
		if (token == FDT_BEGIN_NODE) {
			const char *name = (const char *)p;

			depth++;
			in_node = depth == 2 && same(name, node);
			p += 4 * str_words(name);
		} else if (token == FDT_END_NODE) {
			depth--;
			in_node = false;
		} else if (token == FDT_PROP) {
			uint32_t len = be32(p), nameoff = be32(p + 4);
			const char *value = (const char *)(p + 8);

			if (in_node && same((const char *)strings + nameoff, prop)) {
				*len_out = len;
				return (const uint8_t *)value;
			}
			p += 8 + ((len + 3) & ~3u);
		} else if (token != FDT_NOP) {
			break; /* FDT_END, or a tree this reader does not understand */
		}
	}
	return 0;
}

const char *fw_fdt_string(const void *fdt, const char *node, const char *prop)
{
	uint32_t len = 0;
	const uint8_t *v = fdt_prop(fdt, node, prop, &len);

	return v && len > 0 && v[len - 1] == 0 ? (const char *)v : 0;
}

bool fw_fdt_number(const void *fdt, const char *node, const char *prop, uint64_t *out)
{
	uint32_t len = 0;
	const uint8_t *v = fdt_prop(fdt, node, prop, &len);

	if (!v || (len != 4 && len != 8)) {
		return false;
	}
	*out = len == 4 ? be32(v) : (uint64_t)be32(v) << 32 | be32(v + 4);
	return true;
}
