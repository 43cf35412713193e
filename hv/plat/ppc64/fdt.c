/*
 * Just enough of a flattened device tree reader for the firmware's boot
 * arguments: a string property of a node directly under the root
 * (/chosen/bootargs, which QEMU fills from -append). Big-endian like the CPU.
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

const char *fw_fdt_string(const void *fdt, const char *node, const char *prop)
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

			if (in_node && same((const char *)strings + nameoff, prop) && len > 0 && value[len - 1] == 0) {
				return value;
			}
			p += 8 + ((len + 3) & ~3u);
		} else if (token != FDT_NOP) {
			break; /* FDT_END, or a tree this reader does not understand */
		}
	}
	return 0;
}
