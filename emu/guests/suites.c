/*
 * The guest suites (lparsec/scenario.h): every GUEST and SCENARIO of
 * emu/guests/<suite>.def (basic, conformance, attack: each says its
 * format). Compiled into every driver that runs guests -- the Unicorn
 * engine and the firmware -- each of which embeds the images as
 * lp_guest_<name>_image[] / lp_guest_<name>_image_len; a guest listed here
 * and not built is a link error. Freestanding.
 */
#include "lparsec/scenario.h"

#define SCENARIO(...)
#define GUEST(n, what)                                                          \
	extern const unsigned char lp_guest_##n##_image[];                      \
	extern const unsigned long lp_guest_##n##_image_len;
#include "basic.def"
#include "conformance.def"
#include "attack.def"
#undef GUEST

const struct lp_guest_image lp_guest_images[] = {
#define GUEST(n, what) { #n, lp_guest_##n##_image, 0, what },
#include "basic.def"
#include "conformance.def"
#include "attack.def"
#undef GUEST
	{ 0, 0, 0, 0 },
};

/* The lengths are not constant expressions where the images are defined elsewhere: read at lookup. */
static const unsigned long *const image_lengths[] = {
#define GUEST(n, what) &lp_guest_##n##_image_len,
#include "basic.def"
#include "conformance.def"
#include "attack.def"
#undef GUEST
};
#undef SCENARIO

static bool same(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

const struct lp_guest_image *lp_guest_find(const char *name)
{
	static struct lp_guest_image found;
	unsigned i;

	for (i = 0; lp_guest_images[i].name; i++) {
		if (same(lp_guest_images[i].name, name)) {
			found = lp_guest_images[i];
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
#define EV_REMOVE(after_slice, part, lmb) { after_slice, LP_SCN_EV_MEM_REMOVE, part, lmb, 0 }
#define EV_ADD(after_slice, part, lmb) { after_slice, LP_SCN_EV_MEM_ADD, part, lmb, 0 }
#define EV_REMOVE_AFTER_LINE(line, slices, part, lmb) { slices, LP_SCN_EV_MEM_REMOVE, part, lmb, line }
#define EV_RELOCATE(after_slice, part, lmb) { after_slice, LP_SCN_EV_RELOCATE, part, lmb, 0 }
#define EV_WINDOW_UNASSIGN(after_slice, part) { after_slice, LP_SCN_EV_WINDOW_UNASSIGN, part, 0, 0 }
#define EV_WINDOW_ASSIGN(after_slice, part) { after_slice, LP_SCN_EV_WINDOW_ASSIGN, part, 0, 0 }
#define SCENARIO(n, what, guests, lmbs, threads, events) { n, what, guests, lmbs, threads, events },

const struct lp_scenario lp_scenarios[] = {
#include "basic.def"
#include "conformance.def"
#include "attack.def"
	{ 0, 0, { 0 }, { 0 }, 0, { { 0 } } },
};

const struct lp_scenario *lp_scenario_find(const char *name)
{
	unsigned i;

	for (i = 0; lp_scenarios[i].name; i++) {
		if (same(lp_scenarios[i].name, name)) {
			return &lp_scenarios[i];
		}
	}
	return 0;
}
