/*
 * Host helpers of the command-line tools: program files in either form,
 * atomic writes, and a runner owning the two host platforms.
 */
#include "lparsec/runner.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hv/host.h"
#include "lparsec/inv.h"
#include "lparsec/host_hooks.h"
#include "lparsec/text.h"

__attribute__((format(printf, 3, 4))) static int err_set(char *err, size_t errcap, const char *fmt, ...)
{
	va_list ap;

	if (err && errcap) {
		va_start(ap, fmt);
		vsnprintf(err, errcap, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static bool is_blank(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static bool starts(const uint8_t *s, size_t n, const char *prefix)
{
	size_t k = strlen(prefix);

	return n >= k && memcmp(s, prefix, k) == 0;
}

bool lp_looks_like_text(const uint8_t *data, size_t len)
{
	size_t i = 0;

	while (i < len && is_blank(data[i])) {
		i++;
	}
	data += i;
	len -= i;
	if (len == 0) {
		return false;
	}
	return starts(data, len, "lparsec program") || starts(data, len, "config") || starts(data, len, "part ") ||
	       data[0] == '#' || (len >= 2 && data[0] == 'p' && data[1] >= '0' && data[1] <= '9');
}

int lp_read_file(const char *path, uint8_t **data, size_t *len, char *err, size_t errcap)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t cap = 0, n = 0;

	*data = NULL;
	*len = 0;
	if (!f) {
		return err_set(err, errcap, "cannot open: %s", strerror(errno));
	}
	for (;;) {
		size_t got;

		if (n + 1 >= cap) {
			size_t ncap = cap ? cap * 2 : 4096;
			uint8_t *nb;

			if (ncap > (size_t)LP_FILE_MAX + 2) {
				ncap = (size_t)LP_FILE_MAX + 2;
			}
			nb = realloc(buf, ncap);
			if (!nb) {
				free(buf);
				if (f != stdin) {
					fclose(f);
				}
				return err_set(err, errcap, "out of memory");
			}
			buf = nb;
			cap = ncap;
		}
		got = fread(buf + n, 1, cap - 1 - n, f);
		n += got;
		if (n > LP_FILE_MAX) {
			free(buf);
			if (f != stdin) {
				fclose(f);
			}
			return err_set(err, errcap, "file too large (more than %u bytes)", LP_FILE_MAX);
		}
		if (got == 0) {
			break;
		}
	}
	if (ferror(f)) {
		int e = errno;

		free(buf);
		if (f != stdin) {
			fclose(f);
		}
		return err_set(err, errcap, "cannot read: %s", strerror(e ? e : EIO));
	}
	if (f != stdin) {
		fclose(f);
	}
	buf[n] = 0;
	*data = buf;
	*len = n;
	return 0;
}

int lp_load_bytes(const uint8_t *data, size_t len, enum lp_form form, struct lp_prog *p, enum lp_form *got, char *err,
		  size_t errcap)
{
	char perr[256];
	size_t i;

	if (len == 0) {
		return err_set(err, errcap, "empty file (no program)");
	}
	if (form == LP_FORM_AUTO) {
		for (i = 0; i < len && is_blank(data[i]); i++) {
		}
		if (i == len) {
			return err_set(err, errcap, "only white space (no program; --binary reads it as bytes)");
		}
		form = lp_looks_like_text(data, len) ? LP_FORM_TEXT : LP_FORM_BIN;
	}
	if (got) {
		*got = form;
	}
	if (form == LP_FORM_BIN) {
		lp_prog_decode(data, len, p);
		return 0;
	}
	if (lp_text_parse((const char *)data, len, p, perr, sizeof(perr))) {
		return err_set(err, errcap, "%s", perr);
	}
	return 0;
}

int lp_load_file(const char *path, enum lp_form form, struct lp_prog *p, enum lp_form *got, char *err, size_t errcap)
{
	uint8_t *data;
	size_t len;
	int rc;

	if (lp_read_file(path, &data, &len, err, errcap)) {
		return -1;
	}
	rc = lp_load_bytes(data, len, form, p, got, err, errcap);
	free(data);
	return rc;
}

int lp_write_file_atomic(const char *path, const void *data, size_t len, char *err, size_t errcap)
{
	const uint8_t *d = data;
	size_t off = 0;
	char *tmp;
	size_t tlen;
	int fd;

	if (strcmp(path, "-") == 0) {
		if (fwrite(data, 1, len, stdout) != len || fflush(stdout)) {
			return err_set(err, errcap, "cannot write standard output: %s", strerror(errno));
		}
		return 0;
	}
	tlen = strlen(path) + 32;
	tmp = malloc(tlen);
	if (!tmp) {
		return err_set(err, errcap, "out of memory");
	}
	snprintf(tmp, tlen, "%s.tmp.%ld", path, (long)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (fd < 0) {
		err_set(err, errcap, "cannot create %s: %s", tmp, strerror(errno));
		free(tmp);
		return -1;
	}
	while (off < len) {
		ssize_t w = write(fd, d + off, len - off);

		if (w < 0 && errno == EINTR) {
			continue;
		}
		if (w <= 0) {
			err_set(err, errcap, "cannot write %s: %s", tmp, strerror(w < 0 ? errno : EIO));
			goto fail;
		}
		off += (size_t)w;
	}
	if (fsync(fd)) {
		err_set(err, errcap, "cannot fsync %s: %s", tmp, strerror(errno));
		goto fail;
	}
	if (close(fd)) {
		fd = -1;
		err_set(err, errcap, "cannot close %s: %s", tmp, strerror(errno));
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path)) {
		err_set(err, errcap, "cannot rename %s to %s: %s", tmp, path, strerror(errno));
		goto fail;
	}
	free(tmp);
	return 0;
fail:
	if (fd >= 0) {
		close(fd);
	}
	unlink(tmp);
	free(tmp);
	return -1;
}

/* ---- running ---- */

struct lp_runner {
	struct hv_plat *plat[2];
	struct lp_exec *x;
};

struct lp_runner *lp_runner_create(void)
{
	struct lp_runner *r = calloc(1, sizeof(*r));
	unsigned i;

	if (!r) {
		return NULL;
	}
	r->x = calloc(1, sizeof(*r->x));
	if (!r->x) {
		free(r);
		return NULL;
	}
	for (i = 0; i < 2; i++) {
		r->plat[i] = hv_host_plat_create(LP_MEM_BYTES_MAX);
		if (!r->plat[i]) {
			lp_runner_destroy(r);
			return NULL;
		}
		hv_host_plat_set_hooks(r->plat[i], &lp_exec_host_hooks, r->x);
	}
	/*
	 * Reproducing is where precision beats speed: thorough checks trust no
	 * dirty tracking and report a violation at the operation that caused it.
	 */
	r->x->inv.thorough = true;
	return r;
}

void lp_runner_destroy(struct lp_runner *r)
{
	unsigned i;

	if (!r) {
		return;
	}
	for (i = 0; i < 2; i++) {
		if (r->plat[i]) {
			hv_host_plat_destroy(r->plat[i]);
		}
	}
	free(r->x);
	free(r);
}

void lp_runner_fast_checks(struct lp_runner *r)
{
	r->x->inv.thorough = false;
	r->x->touched_map[0] = hv_host_plat_dirty_map(r->plat[0]);
	r->x->touched_map[1] = hv_host_plat_dirty_map(r->plat[1]);
	r->x->touched_map_pages = hv_host_plat_dirty_map_pages(r->plat[0]);
}

void lp_runner_set_caps(struct lp_runner *r, uint32_t caps)
{
	hv_host_plat_set_caps(r->plat[0], caps);
	hv_host_plat_set_caps(r->plat[1], caps);
}

int lp_caps_parse(const char *list, uint32_t *caps)
{
	static const struct {
		const char *name;
		uint32_t caps;
	} names[] = {
		{ "none", 0 },
		{ "r-preset", HV_PLAT_CAP_HPTE_R_PRESET },
		{ "stores-unseen", HV_PLAT_CAP_GUEST_STORES_UNSEEN },
		{ "emu", HV_PLAT_CAP_HPTE_R_PRESET | HV_PLAT_CAP_GUEST_STORES_UNSEEN },
	};
	const char *s = list;

	*caps = 0;
	while (*s) {
		size_t n = strcspn(s, ","), k;

		for (k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
			if (strlen(names[k].name) == n && strncmp(s, names[k].name, n) == 0) {
				*caps |= names[k].caps;
				break;
			}
		}
		if (k == sizeof(names) / sizeof(names[0])) {
			return -1;
		}
		s += n + (s[n] == ',');
	}
	return 0;
}

enum lp_inv lp_runner_run(struct lp_runner *r, const struct lp_prog *p, bool backdoor_enabled)
{
	enum lp_inv inv;
	uint64_t unused = 0;
	unsigned m;

	hv_host_plat_reset(r->plat[0]);
	hv_host_plat_reset(r->plat[1]);
	inv = lp_exec_run(r->x, p, r->plat[0], r->plat[1], backdoor_enabled);
	/* Nothing was stored behind the platforms' backs (every page they call clean, in held LMBs). */
	for (m = 0; m < 2 && inv == LP_INV_NONE && !hv_host_plat_dirty_overflowed(r->plat[m]); m++) {
		if (m == 0 || r->x->memmap.used1) {
			inv = lp_inv_check_unreported(r->x, m, hv_host_plat_dirty_map(r->plat[m]), 0, &unused);
		}
	}
	return inv;
}

const struct lp_exec *lp_runner_exec(const struct lp_runner *r)
{
	return r->x;
}
