/*
 * Entry, interrupt vectors and the guest entry/exit path of the firmware
 * (fw.h has the memory layout). QEMU enters every CPU at 0x10 in
 * hypervisor real mode (MSR = SF | HV); the first to claim the boot word
 * copies the image to FW_LINK_BASE and runs fw_main, the others park.
 *
 * A guest runs between fw_enter_guest (hrfid) and the next interrupt that
 * reaches the hypervisor. Every vector saves r12/r13, puts its number in
 * r12 and goes to exit_common, which stores the guest's GPRs, CR, LR, CTR
 * and XER into the struct hv_regs the entry came from and returns to
 * fw_enter_guest's caller with the vector. An interrupt while no guest
 * runs is the firmware's own fault: fw_fatal prints it and powers off.
 */
#include "fw.h"

#define SPRN_HSPRG0 304
#define SPRN_HSPRG1 305
#define SPRN_HSRR0  314
#define SPRN_HSRR1  315

/* enum hv_reg indexes (cpu.c asserts them) as byte offsets. */
#define REG_CR   (32 * 8)
#define REG_LR   (33 * 8)
#define REG_CTR  (34 * 8)
#define REG_XER  (35 * 8)
#define REG_MSR  (36 * 8)
#define REG_NIA  (37 * 8)

/* fw_enter_guest's frame: the ELFv1 header, then r13..r31. */
#define FRAME     272
#define FRAME_GPR 112

#define LOAD_IMM64(r, sym)          \
	lis	r, (sym)@highest;   \
	ori	r, r, (sym)@higher; \
	rldicr	r, r, 32, 31;       \
	oris	r, r, (sym)@high;   \
	ori	r, r, (sym)@l

/* A vector: 5 instructions, so it fits the 0x20-byte slots from 0xE00. */
#define VECTOR(v)                       \
	. = v;                          \
	mtspr	SPRN_HSPRG1, %r13;      \
	mfspr	%r13, SPRN_HSPRG0;      \
	std	%r12, FWC_R12(%r13);    \
	li	%r12, v;                \
	b	exit_common

	.machine power9
	.section .head, "ax"
	.globl _head
_head:
	. = 0x10
	b	boot

	VECTOR(0x100)
	VECTOR(0x200)
	VECTOR(0x300)
	VECTOR(0x380)
	VECTOR(0x400)
	VECTOR(0x480)
	VECTOR(0x500)
	VECTOR(0x600)
	VECTOR(0x700)
	VECTOR(0x800)
	VECTOR(0x900)
	VECTOR(0x980)
	VECTOR(0xA00)
	VECTOR(0xB00)
	VECTOR(0xC00)
	VECTOR(0xD00)
	VECTOR(0xE00)
	VECTOR(0xE20)
	VECTOR(0xE40)
	VECTOR(0xE60)
	VECTOR(0xE80)
	VECTOR(0xEA0)
	VECTOR(0xF00)
	VECTOR(0xF20)
	VECTOR(0xF40)
	VECTOR(0xF60)
	VECTOR(0xF80)
	VECTOR(0x1500)
	VECTOR(0x1600)
	VECTOR(0x1700)

	. = 0x1800
boot:
	/* The first CPU to claim the boot word boots; QEMU starts them all here. */
	li	%r4, boot_word
1:	lwarx	%r5, 0, %r4
	cmpwi	%r5, 0
	bne	park
	li	%r5, 1
	stwcx.	%r5, 0, %r4
	bne	1b
	mr	%r31, %r3		/* the device tree */

	/* The image past the head, from where QEMU put it to where it was linked. */
	LOAD_IMM64(%r4, __load_start)
	LOAD_IMM64(%r5, __link_start)
	LOAD_IMM64(%r6, __link_end)
	subf	%r6, %r5, %r6
	addi	%r6, %r6, 7
	srdi	%r6, %r6, 3
	mtctr	%r6
	mr	%r7, %r5
2:	ld	%r0, 0(%r4)
	std	%r0, 0(%r7)
	addi	%r4, %r4, 8
	addi	%r7, %r7, 8
	bdnz	2b
	/* Code was written as data: make the instruction fetches see it. */
	LOAD_IMM64(%r6, __link_end)
3:	dcbst	0, %r5
	sync
	icbi	0, %r5
	addi	%r5, %r5, 128
	cmpld	%r5, %r6
	blt	3b
	sync
	isync

	/* BSS, stack (with a null back chain), TOC. */
	LOAD_IMM64(%r4, __bss_start)
	LOAD_IMM64(%r5, __bss_end)
	li	%r0, 0
4:	cmpld	%r4, %r5
	bge	5f
	std	%r0, 0(%r4)
	addi	%r4, %r4, 8
	b	4b
5:	LOAD_IMM64(%r1, __stack_top)
	li	%r0, 0
	stdu	%r0, -112(%r1)
	LOAD_IMM64(%r2, .TOC.)

	/* fw_main(fdt) through its descriptor (ELFv1): it never returns. */
	mr	%r3, %r31
	LOAD_IMM64(%r12, fw_main)
	ld	%r0, 0(%r12)
	mtctr	%r0
	bctrl
6:	b	6b

park:
	or	%r1, %r1, %r1		/* low thread priority */
	b	park

	.balign 8
boot_word:
	.long	0
	.long	0

/*
 * r13 = struct fw_cpu, r12 = the vector; the guest's r12 is in FWC_R12 and
 * its r13 in HSPRG1.
 */
exit_common:
	std	%r12, FWC_CAUSE(%r13)
	mfcr	%r12			/* before the compare below changes CR0 */
	std	%r12, FWC_CR(%r13)
	ld	%r12, FWC_IN_GUEST(%r13)
	cmpdi	%r12, 0
	beq	fatal_common
	li	%r12, 0
	std	%r12, FWC_IN_GUEST(%r13)
	ld	%r12, FWC_REGS(%r13)
	std	%r0, 0(%r12)
	std	%r1, 8(%r12)
	std	%r2, 16(%r12)
	std	%r3, 24(%r12)
	std	%r4, 32(%r12)
	std	%r5, 40(%r12)
	std	%r6, 48(%r12)
	std	%r7, 56(%r12)
	std	%r8, 64(%r12)
	std	%r9, 72(%r12)
	std	%r10, 80(%r12)
	std	%r11, 88(%r12)
	std	%r14, 112(%r12)
	std	%r15, 120(%r12)
	std	%r16, 128(%r12)
	std	%r17, 136(%r12)
	std	%r18, 144(%r12)
	std	%r19, 152(%r12)
	std	%r20, 160(%r12)
	std	%r21, 168(%r12)
	std	%r22, 176(%r12)
	std	%r23, 184(%r12)
	std	%r24, 192(%r12)
	std	%r25, 200(%r12)
	std	%r26, 208(%r12)
	std	%r27, 216(%r12)
	std	%r28, 224(%r12)
	std	%r29, 232(%r12)
	std	%r30, 240(%r12)
	std	%r31, 248(%r12)
	ld	%r0, FWC_R12(%r13)
	std	%r0, 96(%r12)
	mfspr	%r0, SPRN_HSPRG1
	std	%r0, 104(%r12)
	ld	%r0, FWC_CR(%r13)
	std	%r0, REG_CR(%r12)
	mflr	%r0
	std	%r0, REG_LR(%r12)
	mfctr	%r0
	std	%r0, REG_CTR(%r12)
	mfxer	%r0
	std	%r0, REG_XER(%r12)

	/* Back to fw_enter_guest's caller, with its non-volatile registers. */
	ld	%r3, FWC_CAUSE(%r13)
	ld	%r1, FWC_HV_R1(%r13)
	ld	%r2, FWC_HV_R2(%r13)
	ld	%r13, (FRAME_GPR + 0)(%r1)
	ld	%r14, (FRAME_GPR + 8)(%r1)
	ld	%r15, (FRAME_GPR + 16)(%r1)
	ld	%r16, (FRAME_GPR + 24)(%r1)
	ld	%r17, (FRAME_GPR + 32)(%r1)
	ld	%r18, (FRAME_GPR + 40)(%r1)
	ld	%r19, (FRAME_GPR + 48)(%r1)
	ld	%r20, (FRAME_GPR + 56)(%r1)
	ld	%r21, (FRAME_GPR + 64)(%r1)
	ld	%r22, (FRAME_GPR + 72)(%r1)
	ld	%r23, (FRAME_GPR + 80)(%r1)
	ld	%r24, (FRAME_GPR + 88)(%r1)
	ld	%r25, (FRAME_GPR + 96)(%r1)
	ld	%r26, (FRAME_GPR + 104)(%r1)
	ld	%r27, (FRAME_GPR + 112)(%r1)
	ld	%r28, (FRAME_GPR + 120)(%r1)
	ld	%r29, (FRAME_GPR + 128)(%r1)
	ld	%r30, (FRAME_GPR + 136)(%r1)
	ld	%r31, (FRAME_GPR + 144)(%r1)
	addi	%r1, %r1, FRAME
	ld	%r0, 16(%r1)
	mtlr	%r0
	ld	%r0, 8(%r1)
	mtcrf	0xFF, %r0
	blr

/* The firmware interrupted itself: fw_fatal(vector) on its own stack; it never returns. */
fatal_common:
	ld	%r3, FWC_CAUSE(%r13)
	ld	%r1, FWC_FATAL_SP(%r13)
	ld	%r12, FWC_FATAL(%r13)
	ld	%r2, 8(%r12)
	ld	%r0, 0(%r12)
	mtctr	%r0
	bctrl
7:	b	7b

/* uint64_t fw_enter_guest(struct fw_cpu *cpu, struct hv_regs *regs) */
	.text
	.globl fw_enter_guest
	.section .opd, "aw"
	.balign 8
fw_enter_guest:
	.quad	.fw_enter_guest, .TOC.@tocbase, 0
	.text
.fw_enter_guest:
	mflr	%r0
	std	%r0, 16(%r1)
	mfcr	%r0
	std	%r0, 8(%r1)
	stdu	%r1, -FRAME(%r1)
	std	%r13, (FRAME_GPR + 0)(%r1)
	std	%r14, (FRAME_GPR + 8)(%r1)
	std	%r15, (FRAME_GPR + 16)(%r1)
	std	%r16, (FRAME_GPR + 24)(%r1)
	std	%r17, (FRAME_GPR + 32)(%r1)
	std	%r18, (FRAME_GPR + 40)(%r1)
	std	%r19, (FRAME_GPR + 48)(%r1)
	std	%r20, (FRAME_GPR + 56)(%r1)
	std	%r21, (FRAME_GPR + 64)(%r1)
	std	%r22, (FRAME_GPR + 72)(%r1)
	std	%r23, (FRAME_GPR + 80)(%r1)
	std	%r24, (FRAME_GPR + 88)(%r1)
	std	%r25, (FRAME_GPR + 96)(%r1)
	std	%r26, (FRAME_GPR + 104)(%r1)
	std	%r27, (FRAME_GPR + 112)(%r1)
	std	%r28, (FRAME_GPR + 120)(%r1)
	std	%r29, (FRAME_GPR + 128)(%r1)
	std	%r30, (FRAME_GPR + 136)(%r1)
	std	%r31, (FRAME_GPR + 144)(%r1)
	std	%r1, FWC_HV_R1(%r3)
	std	%r2, FWC_HV_R2(%r3)
	std	%r4, FWC_REGS(%r3)
	mtspr	SPRN_HSPRG0, %r3
	li	%r0, 1
	std	%r0, FWC_IN_GUEST(%r3)

	ld	%r0, REG_NIA(%r4)
	mtspr	SPRN_HSRR0, %r0
	ld	%r0, REG_MSR(%r4)
	mtspr	SPRN_HSRR1, %r0
	ld	%r0, REG_CR(%r4)
	mtcrf	0xFF, %r0
	ld	%r0, REG_LR(%r4)
	mtlr	%r0
	ld	%r0, REG_CTR(%r4)
	mtctr	%r0
	ld	%r0, REG_XER(%r4)
	mtxer	%r0
	ld	%r0, 0(%r4)
	ld	%r1, 8(%r4)
	ld	%r2, 16(%r4)
	ld	%r3, 24(%r4)
	ld	%r5, 40(%r4)
	ld	%r6, 48(%r4)
	ld	%r7, 56(%r4)
	ld	%r8, 64(%r4)
	ld	%r9, 72(%r4)
	ld	%r10, 80(%r4)
	ld	%r11, 88(%r4)
	ld	%r12, 96(%r4)
	ld	%r13, 104(%r4)
	ld	%r14, 112(%r4)
	ld	%r15, 120(%r4)
	ld	%r16, 128(%r4)
	ld	%r17, 136(%r4)
	ld	%r18, 144(%r4)
	ld	%r19, 152(%r4)
	ld	%r20, 160(%r4)
	ld	%r21, 168(%r4)
	ld	%r22, 176(%r4)
	ld	%r23, 184(%r4)
	ld	%r24, 192(%r4)
	ld	%r25, 200(%r4)
	ld	%r26, 208(%r4)
	ld	%r27, 216(%r4)
	ld	%r28, 224(%r4)
	ld	%r29, 232(%r4)
	ld	%r30, 240(%r4)
	ld	%r31, 248(%r4)
	ld	%r4, 32(%r4)
	hrfid
