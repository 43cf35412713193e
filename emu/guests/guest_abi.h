/*
 * What a free-running guest and its loader (emu/run.c) agree on: where the
 * guest lives, its header, its canaries and an attacker's mark. Included
 * by the guests' runtime (cross-compiled) and by the host-side loader, so
 * the facts are written once. Constants only.
 */
#ifndef GUEST_ABI_H
#define GUEST_ABI_H

/* The guest's segment: the image at logical 0 is mapped at GUEST_BASE + la, 4 KiB pages, VSID GUEST_VSID. */
#define GUEST_BASE  0xC000000000000000ull
#define GUEST_VSID  0x0C00ull
/* The unit address of every partition's virtual terminal (the core's). */
#define GUEST_VTY   0x30000000ull
/* The image's header: a branch, then the magic at 8 and its bytes in memory at 16 (start.S). */
#define GUEST_MAGIC      "LPSGUEST"
#define GUEST_HEADER     24
/*
 * Capabilities of the platform the guest runs on (r8 at entry): the bits
 * of hv/plat.h's enum hv_plat_cap a partition can observe.
 * GUEST_CAP_R_PRESET: every valid HPTE reads R = 1 (the MMU never records
 * references); without it, R is set by the first access and H_CLEAR_REF clears it.
 */
#define GUEST_CAP_R_PRESET 0x1ull
/* The MSR a guest starts with: SF, ME, IR, DR, RI (HV and PR off). */
#define GUEST_MSR        0x8000000000001032ull

/* The word at logical (or, for the hypervisor, real) address a of owner's memory. */
#define GUEST_CANARY(owner, a) \
	(0xCA9A21E500000000ull | ((unsigned long long)(owner) << 24) | (((a) >> 3) & 0xFFFFFFull))
#define GUEST_CANARY_OWNER(v) ((unsigned)(((v) >> 24) & 0xFF))
#define GUEST_IS_CANARY(v) (((v) >> 32) == 0xCA9A21E5ull)
#define GUEST_HV_OWNER 0xFFu  /* the hypervisor's canaries, in real memory no partition can own */

/* What an attacker stores wherever it can: the loader looks for it everywhere else. */
#define GUEST_ATTACK_MARK(index) (0xA77AC4ED00000000ull | (unsigned long long)(index))
#define GUEST_IS_ATTACK_MARK(v) (((v) >> 32) == 0xA77AC4EDull)

#endif /* GUEST_ABI_H */
