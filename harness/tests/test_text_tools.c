/*
 * The exit codes and output of the text-form tools, lparsec-repro and
 * lparsec-fmt, run as child processes from the build directory.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lparsec/prog.h"
#include "testlib.h"
#include "text_sample.h"

static struct lp_prog prog_a;
static uint8_t bin_a[LP_MAX_BIN];

/* ---- the tools ---- */

/* Directory of the running test binary (the tools are built beside it). */
static void bin_dir(char *buf, size_t cap)
{
	ssize_t n = readlink("/proc/self/exe", buf, cap - 1);
	char *slash;

	CHECK(n > 0);
	buf[n] = 0;
	slash = strrchr(buf, '/');
	CHECK(slash != NULL);
	*slash = 0;
}

struct tmpdir {
	char path[64];
};

static void tmp_make(struct tmpdir *t)
{
	snprintf(t->path, sizeof(t->path), "/tmp/lparsec-text-XXXXXX");
	CHECK(mkdtemp(t->path) != NULL);
}

static void tmp_remove(struct tmpdir *t)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", t->path);
	CHECK_EQ(system(cmd), 0);
}

static void write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	CHECK(f != NULL);
	CHECK_EQ(fwrite(data, 1, len, f), len);
	CHECK_EQ(fclose(f), 0);
}

/* Reads a whole small file into buf (NUL-terminated); returns its length. */
static size_t read_file(const char *path, char *buf, size_t cap)
{
	FILE *f = fopen(path, "rb");
	size_t n;

	CHECK(f != NULL);
	n = fread(buf, 1, cap - 1, f);
	fclose(f);
	buf[n] = 0;
	return n;
}

/*
 * Runs build-dir tool `tool` with args (NULL-terminated), stdout and stderr
 * into out (NUL-terminated). Returns the exit status (-1: died by a signal).
 */
static int run_tool(struct tmpdir *t, const char *tool, const char *const *args, char *out, size_t cap)
{
	char dir[1024], exe[1100], log[128];
	const char *argv[16];
	unsigned n = 0;
	pid_t pid;
	int st;

	bin_dir(dir, sizeof(dir));
	snprintf(exe, sizeof(exe), "%s/%s", dir, tool);
	if (access(exe, X_OK) != 0) {
		fprintf(stderr, "%s is not built\n", exe);
		CHECK(0);
	}
	snprintf(log, sizeof(log), "%s/out.log", t->path);
	argv[n++] = exe;
	while (*args && n < 15) {
		argv[n++] = *args++;
	}
	argv[n] = NULL;
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		if (fd < 0) {
			_exit(127);
		}
		dup2(fd, 1);
		dup2(fd, 2);
		close(fd);
		execv(exe, (char *const *)argv);
		_exit(127);
	}
	CHECK_EQ(waitpid(pid, &st, 0), pid);
	read_file(log, out, cap);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static char tool_out[1 << 16];

static const char clean_text[] = "lparsec program v1\n"
				 "config parts=2 threads=2\n"
				 "part p0 lmbs=2 vcpus=2 windows=1 shared\n"
				 "part p1 lmbs=1 vcpus=1 windows=0 shared\n"
				 "p0.v0 H_ENTER flags=0x0 ptex=hash(0x10203) pteh=pteh(0x10203) ptel=ptel(0x2)\n"
				 "p0.v0 load addr=ea(0x10203)\n"
				 "p0.v0 store addr=ea(0x10203) value=0x55\n"
				 "p1.v0 H_READ flags=0x0 ptex=0x0\n"
				 "p0.v0 H_REMOVE flags=0x0 ptex=ptex(0x0)\n";

TEST(repro_clean_program_exits_0)
{
	struct tmpdir t;
	char path[128];
	const char *args[4] = { "--runs", "3", path, NULL };
	int rc;

	tmp_make(&t);
	snprintf(path, sizeof(path), "%s/clean.txt", t.path);
	write_file(path, clean_text, strlen(clean_text));
	rc = run_tool(&t, "lparsec-repro", args, tool_out, sizeof(tool_out));
	if (rc != 0) {
		fprintf(stderr, "%s", tool_out);
	}
	CHECK_EQ(rc, 0);
	CHECK(strstr(tool_out, "p0.v0 H_ENTER") != NULL);
	CHECK(strstr(tool_out, "# H_SUCCESS") != NULL);
	CHECK(strstr(tool_out, "no violation in 3/3 runs") != NULL);
	tmp_remove(&t);
}

TEST(repro_bad_inputs_exit_2)
{
	struct tmpdir t;
	char garbage[128], empty[128], missing[128], good[128];
	const char *args[2] = { NULL, NULL };
	const char *all[5] = { garbage, good, missing, empty, NULL };

	tmp_make(&t);
	snprintf(garbage, sizeof(garbage), "%s/garbage.txt", t.path);
	snprintf(empty, sizeof(empty), "%s/empty", t.path);
	snprintf(missing, sizeof(missing), "%s/missing.txt", t.path);
	snprintf(good, sizeof(good), "%s/good.txt", t.path);
	write_file(garbage, "# a text program\np0.v0 H_ENTER flags=0 bogus\n", 45);
	write_file(empty, "", 0);
	write_file(good, clean_text, strlen(clean_text));

	args[0] = garbage;
	CHECK_EQ(run_tool(&t, "lparsec-repro", args, tool_out, sizeof(tool_out)), 2);
	CHECK(strstr(tool_out, "lparsec-repro: ") != NULL);
	CHECK(strstr(tool_out, "garbage.txt: line 2, column 23: expected name=value, got 'bogus'") != NULL);
	args[0] = empty;
	CHECK_EQ(run_tool(&t, "lparsec-repro", args, tool_out, sizeof(tool_out)), 2);
	CHECK(strstr(tool_out, "empty: empty file") != NULL);
	args[0] = missing;
	CHECK_EQ(run_tool(&t, "lparsec-repro", args, tool_out, sizeof(tool_out)), 2);
	CHECK(strstr(tool_out, "missing.txt: cannot open: No such file or directory") != NULL);
	/* Bad files do not stop the good one from running. */
	CHECK_EQ(run_tool(&t, "lparsec-repro", all, tool_out, sizeof(tool_out)), 2);
	CHECK(strstr(tool_out, "good.txt: no violation") != NULL);
	tmp_remove(&t);
}

TEST(repro_backdoor_violation_exits_1)
{
	static const char text[] = "lparsec program v1\n"
				   "config parts=2 threads=2\n"
				   "part p0 lmbs=2 vcpus=1 windows=1 shared\n"
				   "part p1 lmbs=2 vcpus=1 windows=1 shared\n"
				   "p0.v0 H_ENTER flags=0x0 ptex=hash(0x10203) pteh=pteh(0x10203) ptel=ptel(0x2)\n"
				   "backdoor kind=1 value=0x0\n";
	struct tmpdir t;
	char path[128];
	const char *with[5] = { "--backdoor", "--runs", "2", path, NULL };
	const char *without[2] = { path, NULL };
	int rc;

	tmp_make(&t);
	snprintf(path, sizeof(path), "%s/bd.txt", t.path);
	write_file(path, text, strlen(text));
	rc = run_tool(&t, "lparsec-repro", with, tool_out, sizeof(tool_out));
	if (rc != 1) {
		fprintf(stderr, "%s", tool_out);
	}
	CHECK_EQ(rc, 1);
	CHECK(strstr(tool_out, "# VIOLATION I1 ") != NULL);
	CHECK(strstr(tool_out, "bd.txt: VIOLATION I1 ") != NULL);
	CHECK(strstr(tool_out, "reproduced 2/2: I1") != NULL);
	/* Without --backdoor the operation does nothing. */
	CHECK_EQ(run_tool(&t, "lparsec-repro", without, tool_out, sizeof(tool_out)), 0);
	tmp_remove(&t);
}

TEST(fmt_converts_both_ways)
{
	struct tmpdir t;
	char txt[128], bin[128], back[128], junk[128];
	static char buf[1 << 16];
	const char *to_bin[4] = { txt, "-o", bin, NULL };
	const char *to_text[4] = { bin, "-o", back, NULL };
	const char *bad[4] = { junk, "-o", bin, NULL };
	size_t n, m;

	tmp_make(&t);
	snprintf(txt, sizeof(txt), "%s/p.txt", t.path);
	snprintf(bin, sizeof(bin), "%s/p.bin", t.path);
	snprintf(back, sizeof(back), "%s/back.txt", t.path);
	snprintf(junk, sizeof(junk), "%s/junk.txt", t.path);
	write_file(txt, small_text, strlen(small_text));
	CHECK_EQ(run_tool(&t, "lparsec-fmt", to_bin, tool_out, sizeof(tool_out)), 0);
	n = read_file(bin, buf, sizeof(buf));
	small_program(&prog_a);
	m = lp_prog_encode(&prog_a, bin_a, sizeof(bin_a));
	CHECK_EQ(n, m);
	CHECK(memcmp(buf, bin_a, n) == 0);
	CHECK_EQ(run_tool(&t, "lparsec-fmt", to_text, tool_out, sizeof(tool_out)), 0);
	read_file(back, buf, sizeof(buf));
	CHECK(strcmp(buf, small_text) == 0);
	/* Bad input: exit 2, the output left alone, no temporary file behind. */
	write_file(junk, "config parts=9\n", 15);
	CHECK_EQ(run_tool(&t, "lparsec-fmt", bad, tool_out, sizeof(tool_out)), 2);
	CHECK(strstr(tool_out, "junk.txt: line 1, column 14: parts=9 out of range 1..4") != NULL);
	n = read_file(bin, buf, sizeof(buf));
	CHECK_EQ(n, m);
	tmp_remove(&t);
}
