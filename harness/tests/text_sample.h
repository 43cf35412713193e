/*
 * A small program touching most of the text form, and its exact printed
 * text: shared by test_text.c (the printer) and test_text_tools.c
 * (lparsec-fmt).
 */
#ifndef LPARSEC_TESTS_TEXT_SAMPLE_H
#define LPARSEC_TESTS_TEXT_SAMPLE_H

#include <string.h>

#include "hv/papr.h"
#include "hv/regs.h"
#include "lparsec/prog.h"

static inline void small_program(struct lp_prog *p)
{
	struct lp_op *o;

	memset(p, 0, sizeof(*p));
	p->cfg.nparts = 2;
	p->cfg.threads = 2;
	p->cfg.lmbs[0] = 4;
	p->cfg.vcpus[0] = 2;
	p->cfg.windows[0] = 1;
	p->cfg.shared[0] = true;
	p->cfg.lmbs[1] = 1;
	p->cfg.vcpus[1] = 1;
	p->cfg.shared[1] = false;
	p->cfg.lmbs[2] = p->cfg.lmbs[3] = 1;
	p->cfg.vcpus[2] = p->cfg.vcpus[3] = 1;
	p->cfg.shared[2] = true;
	p->cfg.shared[3] = false; /* beyond parts, not the default: printed */

	o = &p->op[p->nops++];
	o->kind = LP_OP_HCALL;
	o->opcode = H_ENTER;
	o->nargs = 4;
	o->arg[1] = (struct lp_arg){ LP_SEL_HASH, 0x10203 };
	o->arg[2] = (struct lp_arg){ LP_SEL_PTEH, 0x10203 };
	o->arg[3] = (struct lp_arg){ LP_SEL_PTEL, 0x1000002 };
	o = &p->op[p->nops++];
	o->kind = LP_OP_MEM_ADD;
	o->part = 1;
	o->a = 3;
	o = &p->op[p->nops++];
	o->kind = LP_OP_DISPATCH;
	o->vcpu = 1;
	o->a = 1;
	o = &p->op[p->nops++];
	o->kind = LP_OP_DMA_WRITE;
	o->nargs = 1;
	o->arg[0] = (struct lp_arg){ LP_SEL_IOBA, 5 };
	o->value = 0x1234;
	o = &p->op[p->nops++];
	o->kind = LP_OP_PLANT;
	o->reg = HV_REG_GPR + 12;
	o->value = 0xdead;
	o = &p->op[p->nops++];
	o->kind = LP_OP_HCALL;
	o->opcode = H_REMOVE;
	o->nargs = 3;
	o->arg[1] = (struct lp_arg){ LP_SEL_PTEX, 0xff };
	o->arg[2] = (struct lp_arg){ LP_SEL_EDGE, LP_EDGE_NHPTE_M1 };
	o = &p->op[p->nops++];
	o->kind = LP_OP_PREEMPT;
	o->a = 1;
	o = &p->op[p->nops++];
	o->kind = LP_OP_MEM_REMOVE;
	o->part = 1;
	o->vcpu = 2;
	o->a = 0x80;
	o = &p->op[p->nops++];
	o->kind = LP_OP_HCALL;
	o->opcode = 0x28;
	o->nargs = 1;
	o->arg[0] = (struct lp_arg){ LP_SEL_LIT, 1 };
	o = &p->op[p->nops++];
	o->kind = LP_OP_BACKDOOR;
	o->a = 3;
	o = &p->op[p->nops++];
	o->kind = LP_OP_LOAD;
	o->vcpu = 1;
	o->nargs = 1;
	o->arg[0] = (struct lp_arg){ LP_SEL_EA, 0x10203 };
}

static const char small_text[] =
	"lparsec program v1\n"
	"config parts=2 threads=2\n"
	"part p0 lmbs=4 vcpus=2 windows=1 shared\n"
	"part p1 lmbs=1 vcpus=1 windows=0 dedicated\n"
	"part p3 lmbs=1 vcpus=1 windows=0 dedicated  # not used (beyond parts)\n"
	"p0.v0 H_ENTER flags=0x0 ptex=hash(0x10203) pteh=pteh(0x10203) ptel=ptel(0x1000002)\n"
	"p1 mem_add lmb=3\n"
	"p0.v1 dispatch thread=1\n"
	"p0 dma_write win=0 addr=ioba(0x5) value=0x1234\n"
	"p0.v0 plant reg=r12 value=0xdead\n"
	"p0.v0 H_REMOVE flags=0x0 ptex=ptex(0xff) avpn=edge(nhpte-1)\n"
	"preempt thread=1\n"
	"p1.v2 mem_remove a=0x80\n"
	"p0.v0 hcall(0x28) a0=0x1\n"
	"backdoor kind=3 value=0x0\n"
	"p0.v1 load addr=ea(0x10203)\n";

#endif /* LPARSEC_TESTS_TEXT_SAMPLE_H */
