/*
 * The AFL++ driver: persistent mode with shared-memory input, calling the
 * same LLVMFuzzerTestOneInput as libFuzzer and the replay build. Built
 * with afl-clang-fast (afl-<target>). Without afl-fuzz (no shared memory)
 * the macros read the input from stdin, so `afl-<target> < FILE` replays.
 */
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

__AFL_FUZZ_INIT();

int main(int argc, char **argv)
{
	unsigned char *buf;

	LLVMFuzzerInitialize(&argc, &argv); /* set-up before the fork server starts: children share it */
	__AFL_INIT();
	buf = __AFL_FUZZ_TESTCASE_BUF;
	while (__AFL_LOOP(10000)) {
		int len = __AFL_FUZZ_TESTCASE_LEN;

		LLVMFuzzerTestOneInput(buf, (size_t)len);
	}
	return 0;
}
