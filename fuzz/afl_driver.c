/*
 * The AFL++ driver: persistent mode with shared-memory input, calling the
 * same LLVMFuzzerTestOneInput as libFuzzer and the replay build. Built
 * with afl-clang-fast (afl-<target>). Without afl-fuzz (no shared memory)
 * the macros read the input from stdin, so `afl-<target> < FILE` replays.
 */
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

__AFL_FUZZ_INIT();

int main(int argc, char **argv)
{
	unsigned char *buf;

	pid_t server = getpid(); /* under afl-fuzz, the fork server; __AFL_INIT returns in its children */

	LLVMFuzzerInitialize(&argc, &argv); /* set-up before the fork server starts: children share it */
	__AFL_INIT();
	/*
	 * A persistent child stops itself between inputs until the fork server
	 * resumes it. When afl-fuzz and the fork server die (a campaign killed
	 * with -9), nobody would resume or kill it: it would stay stopped for
	 * good. So it dies with the fork server (or right away, if that one is
	 * already gone).
	 */
	(void)prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getpid() != server && getppid() != server) {
		_exit(1);
	}
	buf = __AFL_FUZZ_TESTCASE_BUF;
	while (__AFL_LOOP(10000)) {
		int len = __AFL_FUZZ_TESTCASE_LEN;

		LLVMFuzzerTestOneInput(buf, (size_t)len);
	}
	return 0;
}
