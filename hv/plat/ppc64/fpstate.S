/*
 * A vCPU's floating-point, vector and VSX state in and out of the
 * processor (cpu.c calls these at every guest entry and exit): the 64 VSRs
 * (VSR 0-31: the FPRs in their high doublewords, enum hv_reg's VSRL in the
 * low ones; VSR 32-63: the VRs, high and low doublewords), FPSCR, VSCR and
 * VRSAVE. The firmware itself is built without floating point or vectors,
 * so whatever a partition leaves in these registers would otherwise stay for
 * the next partition to read. MSR[FP, VEC, VSX] are switched on only while
 * these run (ISA 3.0: mtvsrdd and mfvsrld move both halves of a VSR through
 * GPRs).
 *
 *   void fw_fp_load(const uint64_t *r);   r = struct hv_regs's r[]
 *   void fw_fp_store(uint64_t *r);
 */
#include "fw.h"

/* enum hv_reg indexes as byte offsets (cpu.c asserts them). */
#define R_FPR    (46 * 8)
#define R_FPSCR  (78 * 8)
#define R_VR     (79 * 8)
#define R_VSCR   (143 * 8)
#define R_VSRL   (144 * 8)
#define R_VRSAVE (176 * 8)
#define SPRN_VRSAVE 256
#define MSR_FP_VEC_VSX 0x2802000 /* FP (bit 50), VEC (bit 38), VSX (bit 40) */

	.machine power9
	.text

/* r7 = the MSR to come back to; the facilities on. */
.macro FACILITIES_ON
	mfmsr	%r7
	lis	%r8, MSR_FP_VEC_VSX@h
	ori	%r8, %r8, MSR_FP_VEC_VSX@l
	or	%r8, %r7, %r8
	mtmsrd	%r8
	isync
.endm

.macro FACILITIES_BACK
	mtmsrd	%r7
	isync
.endm

/* ELFv1: a function descriptor and the code at .name. */
.macro FUNC name
	.section .opd, "aw"
	.balign 8
	.globl \name
\name:
	.quad .\name, .TOC.@tocbase, 0
	.text
	.globl .\name
.\name:
.endm

FUNC fw_fp_load
	FACILITIES_ON
	/* FPSCR and VSCR first: they go through f0 and v0, which are loaded after. */
	ld	%r5, R_FPSCR(%r3)
	mtvsrd	%vs0, %r5
	mtfsf	0xff, %f0, 1, 0
	ld	%r5, R_VSCR(%r3)
	li	%r6, 0
	mtvsrdd	%vs32, %r6, %r5
	mtvscr	%v0
	ld	%r5, R_VRSAVE(%r3)
	mtspr	SPRN_VRSAVE, %r5
	.irp i, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	ld	%r5, R_FPR + 8 * \i(%r3)
	ld	%r6, R_VSRL + 8 * \i(%r3)
	mtvsrdd	\i, %r5, %r6
	ld	%r5, R_VR + 16 * \i(%r3)
	ld	%r6, R_VR + 16 * \i + 8(%r3)
	mtvsrdd	32 + \i, %r5, %r6
	.endr
	FACILITIES_BACK
	blr

FUNC fw_fp_store
	FACILITIES_ON
	.irp i, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	mfvsrd	%r5, \i
	mfvsrld	%r6, \i
	std	%r5, R_FPR + 8 * \i(%r3)
	std	%r6, R_VSRL + 8 * \i(%r3)
	mfvsrd	%r5, 32 + \i
	mfvsrld	%r6, 32 + \i
	std	%r5, R_VR + 16 * \i(%r3)
	std	%r6, R_VR + 16 * \i + 8(%r3)
	.endr
	/* f0 and v0 are saved: now they carry FPSCR and VSCR out. */
	mffs	%f0
	mfvsrd	%r5, %vs0
	std	%r5, R_FPSCR(%r3)
	mfvscr	%v0
	mfvsrld	%r5, %vs32
	clrldi	%r5, %r5, 32
	std	%r5, R_VSCR(%r3)
	mfspr	%r5, SPRN_VRSAVE
	std	%r5, R_VRSAVE(%r3)
	FACILITIES_BACK
	blr
