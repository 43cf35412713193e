/*
 * PAPR facts: hcall opcodes, return codes, flag bits, HPTE fields (hcall
 * pre-ISA-3.0 format and POWER9/10 ISA 3.0 hardware format), TCE fields.
 * All values from shared/papr-spec.md (sections named beside each block).
 */
#ifndef HV_PAPR_H
#define HV_PAPR_H

#include "hv/types.h"

/* ---- §1.2 return codes (r3) ---- */
#define H_SUCCESS              0
#define H_BUSY                 1
#define H_CLOSED               2
#define H_NOT_AVAILABLE        3
#define H_CONSTRAINED          4
#define H_PARTIAL              5
#define H_CONTINUE             18
#define H_TOO_HARD             9999 /* KVM-internal; never returned by us */
#define H_HARDWARE             (-1)
#define H_FUNCTION             (-2)
#define H_PRIVILEGE            (-3)
#define H_PARAMETER            (-4)
#define H_BAD_MODE             (-5)
#define H_PTEG_FULL            (-6)
#define H_NOT_FOUND            (-7)
#define H_RESERVED_DABR        (-8)
#define H_NO_MEM               (-9)
#define H_AUTHORITY            (-10)
#define H_PERMISSION           (-11)
#define H_RESOURCE             (-16)
#define H_NOT_ENOUGH_RESOURCES (-44)
#define H_P2                   (-55)
#define H_P3                   (-56)
#define H_P4                   (-57)
#define H_UNSUPPORTED_FLAG     (-256)

/* ---- §1.4 opcodes in scope ---- */
#define H_REMOVE            0x04
#define H_ENTER             0x08
#define H_READ              0x0C
#define H_CLEAR_MOD         0x10
#define H_CLEAR_REF         0x14
#define H_PROTECT           0x18
#define H_GET_TCE           0x1C
#define H_PUT_TCE           0x20
#define H_SET_SPRG0         0x24
#define H_PAGE_INIT         0x2C
#define H_GET_TERM_CHAR     0x54
#define H_PUT_TERM_CHAR     0x58
#define H_EOI               0x64
#define H_CPPR              0x68
#define H_IPI               0x6C
#define H_IPOLL             0x70
#define H_XIRR              0x74
#define H_REGISTER_VPA      0xDC
#define H_CEDE              0xE0
#define H_CONFER            0xE4
#define H_PROD              0xE8
#define H_BULK_REMOVE       0x124
#define H_STUFF_TCE         0x138
#define H_PUT_TCE_INDIRECT  0x13C
#define H_GET_CPU_CHARACTERISTICS 0x1C8
#define H_RANDOM            0x300
#define H_SET_MODE          0x31C
#define H_REGISTER_PROC_TBL 0x37C
/* KVM/QEMU's private call behind RTAS (papr-spec §6.10), past the architected range. */
#define H_RTAS              0xF000
#define H_MAX_OPCODE        0x45C /* H_WATCHDOG, the last architected call */

/* ---- §1.3 flag bits (r4) ---- */
#define H_LARGE_PAGE         HV_PPC_BIT(16)
#define H_EXACT              HV_PPC_BIT(24)
#define H_R_XLATE            HV_PPC_BIT(25)
#define H_READ_4             HV_PPC_BIT(26)
#define H_PAGE_STATE_CHANGE  HV_PPC_BIT(28)
#define H_PAGE_UNUSED        (HV_PPC_BIT(29) | HV_PPC_BIT(30))
#define H_PAGE_SET_UNUSED    (H_PAGE_STATE_CHANGE | H_PAGE_UNUSED)
#define H_PAGE_SET_LOANED    (H_PAGE_SET_UNUSED | HV_PPC_BIT(31))
#define H_PAGE_SET_ACTIVE    H_PAGE_STATE_CHANGE
#define H_AVPN               HV_PPC_BIT(32)
#define H_ANDCOND            HV_PPC_BIT(33)
#define H_LOCAL              HV_PPC_BIT(35)
#define H_ICACHE_INVALIDATE  HV_PPC_BIT(40)
#define H_ICACHE_SYNCHRONIZE HV_PPC_BIT(41)
#define H_COALESCE_CAND      HV_PPC_BIT(42)
#define H_ZERO_PAGE          HV_PPC_BIT(48)
#define H_COPY_PAGE          HV_PPC_BIT(49)
#define H_N                  HV_PPC_BIT(61)
#define H_PP1                HV_PPC_BIT(62)
#define H_PP2                HV_PPC_BIT(63)

/* H_PROTECT flag fields carrying the new protection (§3.4). */
#define H_PROTECT_PP0        0x100ull  /* -> dword 1 PP0, shifted left 55 */
#define H_PROTECT_KEY_LO     0xE00ull  /* -> dword 1 KEY[2:4], same position */
#define H_PROTECT_KEY_HI     0x3000ull /* -> dword 1 KEY[0:1], shifted left 48 */

/* H_REGISTER_VPA sub-functions: (flags >> 45) & 7 (§1.3, §6.5). */
#define H_VPA_FUNC_SHIFT     45
#define H_VPA_FUNC_MASK      7ull
#define H_VPA_REG_VPA        1
#define H_VPA_REG_DTL        2
#define H_VPA_REG_SLB        3
#define H_VPA_DEREG_VPA      5
#define H_VPA_DEREG_DTL      6
#define H_VPA_DEREG_SLB      7

/* H_SET_MODE (§6.6): r5 = resource; r4 = mflags of ADDR_TRANS_MODE (the AIL) and LE. */
#define H_SET_MODE_RESOURCE_SET_CIABR       1
#define H_SET_MODE_RESOURCE_SET_DAWR0       2
#define H_SET_MODE_RESOURCE_ADDR_TRANS_MODE 3
#define H_SET_MODE_RESOURCE_LE              4
#define H_SET_MODE_ENDIAN_BIG               0
#define H_SET_MODE_ENDIAN_LITTLE            1
#define H_SET_MODE_AIL_RESERVED             1 /* AIL = 1 is not architected */
#define CIABR_PRIV_MASK      0x3ull /* CIABR bits 62:63: 0 off, 1 problem, 2 privileged, 3 hypervisor */
#define CIABR_PRIV_HYPER     0x3ull
#define DAWRX_HYP            0x4ull /* DAWRX privilege bits as DABRX's (§1.3): hypervisor */

/*
 * H_GET_CPU_CHARACTERISTICS (§6.10) behaviour bits of r5, as Linux's
 * asm/hvcall.h and QEMU's spapr.h name them (MSB-0 bits 0..2).
 */
#define H_CPU_BEHAV_FAVOUR_SECURITY   HV_PPC_BIT(0)
#define H_CPU_BEHAV_L1D_FLUSH_PR      HV_PPC_BIT(1)
#define H_CPU_BEHAV_BNDS_CHK_SPEC_BAR HV_PPC_BIT(2)

/* XICS presentation (§6.10): the XIRR word, the IPI's source number, priorities. */
#define XICS_XIRR_CPPR_SHIFT 24
#define XICS_XISR_MASK       0x00FFFFFFull
#define XICS_IPI             2      /* the source number of an inter-processor interrupt */
#define XICS_PRIO_NONE       0xFF   /* least favoured: nothing requested / nothing pending */

/* ---- §2.2 HPTE dword 0, hcall (pre-ISA-3.0) format ---- */
#define HPTE_V_SSIZE_MASK    0xC000000000000000ull /* B */
#define HPTE_V_SSIZE_SHIFT   62
#define HPTE_V_AVPN          0x3FFFFFFFFFFFFF80ull
#define HPTE_V_SW_MASK       0x0000000000000078ull
#define HPTE_V_GUEST_SW      0x0000000000000018ull /* Linux bolted 0x10, lock 0x08 */
#define HPTE_V_HV_SW         0x0000000000000060ull /* reserved to the hypervisor */
#define HPTE_V_LARGE         0x4ull
#define HPTE_V_SECONDARY     0x2ull
#define HPTE_V_VALID         0x1ull
#define HPTE_V_COMPARE_MASK  (~0x7Full)            /* AVPN compare: B + AVPN */

/* ---- §2.2 ISA 3.0 (POWER9/10) hardware format ---- */
#define HPTE_V3_COMMON       0x000FFFFFFFFFFFFFull /* dword 0 keeps MSB-0 bits 12..63 */
#define HPTE_R3_SSIZE_MASK   0x0C00000000000000ull /* B moves to dword 1 bits 4..5 */
#define HPTE_R3_SSIZE_SHIFT  58

/* ---- §2.3 HPTE dword 1 ---- */
#define HPTE_R_PP0           0x8000000000000000ull
#define HPTE_R_TS            0x4000000000000000ull
#define HPTE_R_KEY_HI        0x3000000000000000ull
#define HPTE_R_RPN           0x0FFFFFFFFFFFF000ull
#define HPTE_R3_RPN          0x01FFFFFFFFFFF000ull
#define HPTE_R_KEY_LO        0x0000000000000E00ull
#define HPTE_R_R             0x100ull
#define HPTE_R_C             0x080ull
#define HPTE_R_W             0x040ull
#define HPTE_R_I             0x020ull
#define HPTE_R_M             0x010ull
#define HPTE_R_G             0x008ull
#define HPTE_R_N             0x004ull
#define HPTE_R_PP            0x003ull
#define HPTE_R_WIMG          (HPTE_R_W | HPTE_R_I | HPTE_R_M | HPTE_R_G)
#define HPTE_R_RC            (HPTE_R_R | HPTE_R_C)
#define HPTE_R_PROT_MASK     (HPTE_R_PP0 | HPTE_R_PP | HPTE_R_N | HPTE_R_KEY_HI | HPTE_R_KEY_LO)
#define HPTE_R_R_BYTE        14 /* byte offset of R inside the 16-byte HPTE */
#define HPTE_R_C_BYTE        15

#define HPTE_BYTES           16
#define HPTES_PER_GROUP      8
#define HPT_ORDER_MIN        18
#define HPT_ORDER_MAX        46

/* Segment sizes (B). */
#define HPTE_B_256M          0
#define HPTE_B_1T            1

/* ---- §3.3 H_BULK_REMOVE translation specifier high word ---- */
#define HBR_TYPE_MASK        0xC000000000000000ull
#define HBR_REQUEST          0x4000000000000000ull
#define HBR_RESPONSE         0x8000000000000000ull
#define HBR_END              0xC000000000000000ull
#define HBR_RESULT_MASK      0x3000000000000000ull
#define HBR_RESULT_SUCCESS   0x0000000000000000ull
#define HBR_RESULT_NOT_FOUND 0x1000000000000000ull
#define HBR_RESULT_PARM      0x2000000000000000ull
#define HBR_RESULT_HW        0x3000000000000000ull
#define HBR_RC_MASK          0x0C00000000000000ull
#define HBR_RC_SHIFT         51 /* (dword1 R|C) << 51 lands R at MSB-0 bit 4 */
#define HBR_FLAGS_MASK       0x0300000000000000ull
#define HBR_ABSOLUTE         0x0000000000000000ull
#define HBR_ANDCOND          0x0100000000000000ull
#define HBR_AVPN             0x0200000000000000ull
#define HBR_PTEX_MASK        0x00FFFFFFFFFFFFFFull
#define HBR_MAX_PAIRS        4

/* ---- §4.2 TCE ---- */
#define TCE_READ             0x1ull
#define TCE_WRITE            0x2ull
#define TCE_RW               (TCE_READ | TCE_WRITE)
#define TCE_SHIFT            12
#define TCE_PAGE_SIZE        (1ull << TCE_SHIFT)
#define TCE_INDIRECT_MAX     512

/* ---- §6.7 console ---- */
#define HV_TERM_MAX_BYTES    16

/* ---- MSR bits the core looks at ---- */
#define MSR_SF               HV_PPC_BIT(0)
#define MSR_HV               HV_PPC_BIT(3)
#define MSR_VEC              HV_PPC_BIT(38)
#define MSR_VSX              HV_PPC_BIT(40)
#define MSR_EE               HV_PPC_BIT(48)
#define MSR_PR               HV_PPC_BIT(49)
#define MSR_FP               HV_PPC_BIT(50)
#define MSR_ME               HV_PPC_BIT(51)
#define MSR_IR               HV_PPC_BIT(58)
#define MSR_DR               HV_PPC_BIT(59)
#define MSR_RI               HV_PPC_BIT(62)
#define MSR_LE               HV_PPC_BIT(63)

/*
 * The RTAS services this core serves (hv/core/rtas.c) and their tokens, as
 * a partition's device tree names them (/rtas, hv/plat/ppc64/linux).
 */
#define HV_RTAS_GET_TIME_OF_DAY   1
#define HV_RTAS_SET_TIME_OF_DAY   2
#define HV_RTAS_EVENT_SCAN        3
#define HV_RTAS_POWER_OFF         4
#define HV_RTAS_SYSTEM_REBOOT     5
#define HV_RTAS_QUERY_CPU_STOPPED_STATE 6
#define HV_RTAS_START_CPU         7
#define HV_RTAS_SET_XIVE          8
#define HV_RTAS_GET_XIVE          9
#define HV_RTAS_INT_ON            10
#define HV_RTAS_INT_OFF           11
#define HV_RTAS_OS_TERM           12
#define HV_RTAS_STOP_SELF         13
#define HV_RTAS_DISPLAY_CHARACTER 14

#endif /* HV_PAPR_H */
