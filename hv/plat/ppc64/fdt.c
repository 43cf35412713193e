/*
 * Just enough of a flattened device tree reader for what QEMU tells the
 * firmware: properties of a node named by its path below the root
 * (/chosen/bootargs from -append, /chosen/linux,initrd-start and -end from
 * -initrd), and the in-place writer the Linux partition's tree needs (a
 * value replaced by one of the same size). Big-endian like the CPU.
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

/* Whether the path component at *path (up to '/' or its end) is name; *next: the component after it. */
static bool component_is(const char *path, const char *name, const char **next)
{
	while (*path && *path != '/' && *path == *name) {
		path++;
		name++;
	}
	if ((*path && *path != '/') || *name) {
		return false;
	}
	*next = *path == '/' ? path + 1 : path;
	return true;
}

static unsigned components(const char *path)
{
	unsigned n = *path ? 1 : 0;

	for (; *path; path++) {
		n += *path == '/';
	}
	return n;
}

/* The value of property prop of the node at path ("chosen", "cpus/cpu@0") and its length, or 0. */
static uint8_t *fdt_prop(const void *fdt, const char *path, const char *prop, uint32_t *len_out)
{
	const uint8_t *base = fdt;
	const uint8_t *p, *strings;
	const char *want = path, *stack[16];
	uint32_t size;
	unsigned depth = 0, matched = 0, n = components(path);

	if (!fdt || be32(base) != FDT_MAGIC || n > 15) {
		return 0;
	}
	size = be32(base + 4);
	p = base + be32(base + 8);
	strings = base + be32(base + 12);
	while (p < base + size) {
		uint32_t token = be32(p);

		p += 4;
		if (token == FDT_BEGIN_NODE) {
			const char *name = (const char *)p, *next;

			depth++; /* the root is depth 1 */
			if (depth >= 2 && matched == depth - 2 && matched < n && component_is(want, name, &next)) {
				stack[matched++] = want;
				want = next;
			}
			p += 4 * str_words(name);
		} else if (token == FDT_END_NODE) {
			if (depth >= 2 && matched == depth - 1) {
				want = stack[--matched];
			}
			depth--;
		} else if (token == FDT_PROP) {
			uint32_t len = be32(p), nameoff = be32(p + 4);
			uint8_t *value = (uint8_t *)(uintptr_t)(p + 8);

			if (matched == n && depth == n + 1 && same((const char *)strings + nameoff, prop)) {
				*len_out = len;
				return value;
			}
			p += 8 + ((len + 3) & ~3u);
		} else if (token != FDT_NOP) {
			break; /* FDT_END, or a tree this reader does not understand */
		}
	}
	return 0;
}

bool fw_fdt_set_cells(void *fdt, const char *path, const char *prop, const uint32_t *cells, unsigned n)
{
	uint32_t len = 0;
	uint8_t *v = fdt_prop(fdt, path, prop, &len);
	unsigned i;

	if (!v || len != 4 * n) {
		return false;
	}
	for (i = 0; i < n; i++) {
		v[4 * i] = (uint8_t)(cells[i] >> 24);
		v[4 * i + 1] = (uint8_t)(cells[i] >> 16);
		v[4 * i + 2] = (uint8_t)(cells[i] >> 8);
		v[4 * i + 3] = (uint8_t)cells[i];
	}
	return true;
}

uint32_t fw_fdt_size(const void *fdt)
{
	return fdt && be32(fdt) == FDT_MAGIC ? be32((const uint8_t *)fdt + 4) : 0;
}

const char *fw_fdt_string(const void *fdt, const char *path, const char *prop)
{
	uint32_t len = 0;
	const uint8_t *v = fdt_prop(fdt, path, prop, &len);

	return v && len > 0 && v[len - 1] == 0 ? (const char *)v : 0;
}

bool fw_fdt_number(const void *fdt, const char *path, const char *prop, uint64_t *out)
{
	uint32_t len = 0;
	const uint8_t *v = fdt_prop(fdt, path, prop, &len);

	if (!v || (len != 4 && len != 8)) {
		return false;
	}
	*out = len == 4 ? be32(v) : (uint64_t)be32(v) << 32 | be32(v + 4);
	return true;
}
