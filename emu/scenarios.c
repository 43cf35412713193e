/*
 * The guests built from emu/guests and the scenarios `run-guest --all`
 * runs, from the suites emu/guests/<suite>.def (basic, conformance, attack: each
 * says its format). A guest listed there and not built is a link error.
 */
#include "emu/run.h"

#include <string.h>

#define SCENARIO(...)
#define GUEST(n, what)                                                          \
	extern const unsigned char emu_##n##_image[];                           \
	extern const unsigned long emu_##n##_image_len;
#include "guests/basic.def"
#include "guests/conformance.def"
#include "guests/attack.def"
#undef GUEST

const struct emu_guest_image emu_guest_images[] = {
#define GUEST(n, what) { #n, emu_##n##_image, 0, what },
#include "guests/basic.def"
#include "guests/conformance.def"
#include "guests/attack.def"
#undef GUEST
	{ 0, 0, 0, 0 },
};

static const unsigned long *image_lengths[] = {
#define GUEST(n, what) &emu_##n##_image_len,
#include "guests/basic.def"
#include "guests/conformance.def"
#include "guests/attack.def"
#undef GUEST
};
#undef SCENARIO

const struct emu_guest_image *emu_guest_find(const char *name)
{
	static struct emu_guest_image found;
	unsigned i;

	for (i = 0; emu_guest_images[i].name; i++) {
		if (!strcmp(emu_guest_images[i].name, name)) {
			found = emu_guest_images[i];
			found.len = *image_lengths[i];
			return &found;
		}
	}
	return 0;
}

#define GUEST(n, what)
#define GUESTS(...) { __VA_ARGS__ }
#define LMBS(...) { __VA_ARGS__ }
#define EVENTS(...) { __VA_ARGS__ }
#define EV_REMOVE(after_slice, part, lmb) { after_slice, EMU_EV_MEM_REMOVE, part, lmb }
#define EV_ADD(after_slice, part, lmb) { after_slice, EMU_EV_MEM_ADD, part, lmb }
#define SCENARIO(n, what, guests, lmbs, threads, events) { n, what, guests, lmbs, threads, events },

const struct emu_scenario emu_scenarios[] = {
#include "guests/basic.def"
#include "guests/conformance.def"
#include "guests/attack.def"
	{ 0, 0, { 0 }, { 0 }, 0, { { 0 } } },
};
