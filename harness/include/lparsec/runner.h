/*
 * Host helpers shared by the command-line tools (lparsec-repro,
 * lparsec-fmt) and the tests: reading a program file in either form,
 * writing a file atomically, and running programs on host platforms.
 */
#ifndef LPARSEC_RUNNER_H
#define LPARSEC_RUNNER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lparsec/exec.h"
#include "lparsec/prog.h"

/* Largest file lp_read_file accepts. */
#define LP_FILE_MAX (16u << 20)

enum lp_form {
	LP_FORM_AUTO = 0,   /* lp_load_*: detect */
	LP_FORM_BIN,
	LP_FORM_TEXT,
};

/*
 * Whether data looks like a text program: its first non-blank bytes are
 * `lparsec program`, `config`, `part `, `#`, or `p<digit>`.
 */
bool lp_looks_like_text(const uint8_t *data, size_t len);

/*
 * Reads a whole file ("-" = standard input) into a malloc'd buffer (*data,
 * NUL-terminated one past *len; free it). Returns 0, or -1 with err = what
 * is wrong (no file name in it).
 */
int lp_read_file(const char *path, uint8_t **data, size_t *len, char *err, size_t errcap);

/*
 * Turns file contents into a program: text if form is LP_FORM_TEXT or (AUTO
 * and) it looks like text, binary otherwise. *got (may be NULL) says which.
 * Errors (-1, err set): an empty input, text that does not parse
 * ("line L, column C: ..."), blank-only input in auto mode.
 */
int lp_load_bytes(const uint8_t *data, size_t len, enum lp_form form, struct lp_prog *p, enum lp_form *got, char *err,
		  size_t errcap);

/* lp_read_file + lp_load_bytes. */
int lp_load_file(const char *path, enum lp_form form, struct lp_prog *p, enum lp_form *got, char *err, size_t errcap);

/*
 * Writes data to path atomically: path.tmp.<pid>, fsync, rename (the
 * temporary file is removed on failure). "-" writes standard output.
 * Returns 0, or -1 with err.
 */
int lp_write_file_atomic(const char *path, const void *data, size_t len, char *err, size_t errcap);

/*
 * A runner: the two host platforms of LP_MEM_BYTES (created once, reset
 * before every run), with their TLB hooks forwarded to the executor, and
 * one struct lp_exec.
 */
struct lp_runner;

/* NULL when memory could not be had. */
struct lp_runner *lp_runner_create(void);
void lp_runner_destroy(struct lp_runner *r);

/*
 * The platform capabilities (enum hv_plat_cap) the next runs' machines
 * report: a host-direct run compared with a driver runs with that
 * driver's (lp_driver.caps). 0 at creation.
 */
void lp_runner_set_caps(struct lp_runner *r, uint32_t caps);
/*
 * Parses a capability list ("r-preset,stores-unseen", "none", or "emu": what
 * the Unicorn engine's machines report) into *caps; -1 on an unknown name.
 */
int lp_caps_parse(const char *list, uint32_t *caps);

/*
 * Checks as the fuzz targets make them: the sweeps skip memory the
 * platforms saw nobody write. A runner starts thorough (every byte, every
 * save area), which is what reproducing wants.
 */
void lp_runner_fast_checks(struct lp_runner *r);

/* Runs p on fresh machines; the results stay in lp_runner_exec(r) until the next run. */
enum lp_inv lp_runner_run(struct lp_runner *r, const struct lp_prog *p, bool backdoor_enabled);
const struct lp_exec *lp_runner_exec(const struct lp_runner *r);

#endif /* LPARSEC_RUNNER_H */
