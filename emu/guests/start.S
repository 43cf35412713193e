/*
 * Entry, interrupt vectors and the hcall wrapper of the free-running guests
 * (runtime.h says how they are entered). The image begins with a header
 * the loader reads: a branch, the magic "LPSGUEST" and the bytes the image
 * occupies in memory (code, data, bss and stack: past them lie canaries).
 */
	.machine power9

	.section .text.start, "ax"
	.globl _start
_start:
	b	1f
	.balign 8
	.quad	0x4C50534755455354	/* "LPSGUEST" */
	.quad	_end - _start
1:	lis	%r2, .TOC.@highest
	ori	%r2, %r2, .TOC.@higher
	rldicr	%r2, %r2, 32, 31
	oris	%r2, %r2, .TOC.@high
	ori	%r2, %r2, .TOC.@l
	lis	%r1, _stack_top@highest
	ori	%r1, %r1, _stack_top@higher
	rldicr	%r1, %r1, 32, 31
	oris	%r1, %r1, _stack_top@high
	ori	%r1, %r1, _stack_top@l
	addi	%r1, %r1, -256
	li	%r0, 0
	std	%r0, 0(%r1)
	addis	%r9, %r2, guest@toc@ha
	addi	%r9, %r9, guest@toc@l
	std	%r3, 0(%r9)
	std	%r4, 8(%r9)
	std	%r5, 16(%r9)
	std	%r6, 24(%r9)
	std	%r7, 32(%r9)
	std	%r8, 40(%r9)
	bl	main
	nop
	bl	guest_exit
	nop

/*
 * s64 hcall(u64 opcode, u64 *out, u64 a0 .. a7): r3 = opcode, r4..r11 =
 * a0..a7 (a6, a7 from the caller's parameter area), sc 1, the nine
 * outputs to out.
 */
	.text
	.globl hcall
	.section .opd, "aw"
	.balign 8
hcall:	.quad	.hcall, .TOC.@tocbase, 0
	.text
.hcall:
	std	%r4, -8(%r1)
	mr	%r4, %r5
	mr	%r5, %r6
	mr	%r6, %r7
	mr	%r7, %r8
	mr	%r8, %r9
	mr	%r9, %r10
	ld	%r10, 112(%r1)
	ld	%r11, 120(%r1)
	li	%r12, 0
	sc	1
	std	%r3, -16(%r1)
	ld	%r3, -8(%r1)
	cmpdi	%r3, 0
	beq	1f
	std	%r4, 0(%r3)
	std	%r5, 8(%r3)
	std	%r6, 16(%r3)
	std	%r7, 24(%r3)
	std	%r8, 32(%r3)
	std	%r9, 40(%r3)
	std	%r10, 48(%r3)
	std	%r11, 56(%r3)
	std	%r12, 64(%r3)
1:	ld	%r3, -16(%r1)
	blr

/* u64 probe_load(u64 ea) / void probe_store(u64 ea, u64 v): a fault is skipped by the vector. */
	.globl probe_load
	.section .opd, "aw"
	.balign 8
probe_load:	.quad	.probe_load, .TOC.@tocbase, 0
	.text
.probe_load:
	ld	%r3, 0(%r3)
	blr

	.globl probe_store
	.section .opd, "aw"
	.balign 8
probe_store:	.quad	.probe_store, .TOC.@tocbase, 0
	.text
.probe_store:
	std	%r4, 0(%r3)
	blr

/*
 * Interrupt vectors at GUEST_BASE + 0x4000 (LPCR[AIL] = 3). SPRG2 / SPRG3
 * are the runtime's scratch (SPRG0 is a register the hcall tests use).
 * Every interrupt is recorded in guest_irq; DSI and program interrupts
 * resume after the instruction, ISI at the caller (LR), sc after the sc.
 */
	.section .text.vectors, "ax"
vectors:
	.org	vectors + 0x300
	mtsprg	2, %r3
	li	%r3, 0x300
	b	irq_common
	.org	vectors + 0x380
	mtsprg	2, %r3
	li	%r3, 0x380
	b	irq_common
	.org	vectors + 0x400
	mtsprg	2, %r3
	li	%r3, 0x400
	b	irq_common
	.org	vectors + 0x480
	mtsprg	2, %r3
	li	%r3, 0x480
	b	irq_common
	.org	vectors + 0x700
	mtsprg	2, %r3
	li	%r3, 0x700
	b	irq_common
	.org	vectors + 0xC00
	mtsprg	2, %r3
	li	%r3, 0xC00
	b	irq_common
	.org	vectors + 0x1000
irq_common:
	mtsprg	3, %r4
	addis	%r4, %r2, guest_irq@toc@ha
	addi	%r4, %r4, guest_irq@toc@l
	std	%r3, 8(%r4)
	mfcr	%r3
	std	%r3, 48(%r4)
	mfsrr0	%r3
	std	%r3, 16(%r4)
	mfsrr1	%r3
	std	%r3, 24(%r4)
	mfdar	%r3
	std	%r3, 32(%r4)
	mfdsisr	%r3
	std	%r3, 40(%r4)
	ld	%r3, 0(%r4)
	addi	%r3, %r3, 1
	std	%r3, 0(%r4)
	ld	%r3, 8(%r4)
	cmpdi	%r3, 0xC00
	beq	2f
	andi.	%r3, %r3, 0x700
	cmpdi	%r3, 0x400
	beq	1f
	mfsrr0	%r3
	addi	%r3, %r3, 4
	mtsrr0	%r3
	b	2f
1:	mflr	%r3
	mtsrr0	%r3
2:	ld	%r3, 48(%r4)
	mtcrf	0xFF, %r3
	mfsprg	%r4, 3
	mfsprg	%r3, 2
	rfid
