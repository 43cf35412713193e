/* The smallest guest: prints its boot registers and exits. */
#include "runtime.h"

int main(void)
{
	put_str("hello from partition ");
	put_dec(guest.index);
	put_str(", ");
	put_dec(guest.mem_bytes >> 10);
	put_str(" KiB\n");
	check("boot: memory reported", guest.mem_bytes != 0, 1);
	return 0;
}
