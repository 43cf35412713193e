/*
 * A guest whose one check fails on purpose: the runner must turn its FAIL
 * line into a failed verdict (exit 1). Only the test suite runs it.
 */
#include "runtime.h"

int main(void)
{
	check("failing: one plus one is three", 1 + 1, 3);
	return 0;
}
