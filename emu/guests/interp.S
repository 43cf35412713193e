/*
 * The program interpreter guest: the partition code through which a
 * harness program's own operations run on an emulated POWER10 (emu/interp.c).
 * The engine enters it at a fixed entry with the operation's registers set
 * and stops it at the next interrupt; nothing here touches memory but the
 * program's own access.
 *
 * Entries (fixed offsets: the engine's INTERP_* constants):
 *   0x00 hcall  r3 = opcode, r4..r12 = the resolved arguments; sc 1. The
 *               engine stops in the hypervisor entry; the results are in
 *               r3..r12 as for any caller.
 *   0x10 load   r5 = effective address: ld r4; the sc 1 after it is the
 *               done marker (the engine knows its address: not an hcall).
 *   0x20 store  r5 = effective address, r4 = value: std r4.
 *   0x30 flush  the hypervisor changed translations since this CPU last ran
 *               partition code: drop every cached one (tlbiel, isync), then
 *               go on to the operation at CTR.
 * A fault of the load or store stops it at its own address + 4.
 */
	.machine power9
	.text
	.globl _start
_start:
	.org 0x00
interp_hcall:
	sc 1
	b .

	.org 0x10
interp_load:
	ld %r4,0(%r5)
	sc 1

	.org 0x20
interp_store:
	std %r4,0(%r5)
	sc 1

	.org 0x30
interp_flush:
	li %r0,0
	tlbiel %r0
	isync
	bctr

	.org 0x40
interp_magic:
	.quad 0x4C50534D494E5450 /* "LPSMINTP": the engine checks it is this image */
