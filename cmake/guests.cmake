# The free-running guests of emu/guests, built by Debian's
# gcc-powerpc64-linux-gnu for every driver that runs them: the Unicorn engine
# (emu/CMakeLists.txt embeds them with bin2c) and the firmware
# (hv/plat/ppc64/CMakeLists.txt embeds them with .incbin).
#
# Before including: LP_PPC64_CC, LP_PPC64_OBJCOPY (the cross tools) and
# LP_SOURCE_ROOT (the repository). Defines LP_GUEST_DIR, LP_GUEST_CFLAGS,
# lp_guest_binary() and lp_guest_names().

set(LP_GUEST_DIR ${LP_SOURCE_ROOT}/emu/guests)
# Freestanding big-endian POWER9 code, no libc, no floating point or vectors
# (the drivers do not carry those registers for free-running guests).
# The compiler's own freestanding headers (stdint.h, stdbool.h) and the core's
# PAPR description (hv/papr.h) are all a guest includes besides its runtime.
execute_process(COMMAND ${LP_PPC64_CC} -print-file-name=include OUTPUT_VARIABLE LP_PPC64_CC_INCLUDE
                OUTPUT_STRIP_TRAILING_WHITESPACE)
set(LP_GUEST_CFLAGS -mbig-endian -mcpu=power9 -m64 -O2 -ffreestanding -fno-builtin -nostdlib -nostdinc
    -isystem ${LP_PPC64_CC_INCLUDE} -fno-stack-protector -fno-pic -mno-altivec -mno-vsx -msoft-float
    -mcmodel=medium -Wall -Wextra -Werror -I${LP_GUEST_DIR} -I${LP_SOURCE_ROOT}/hv/include)

# lp_guest_binary(NAME OUTDIR LDSCRIPT SOURCES...): OUTDIR/NAME.bin, the raw
# image, from SOURCES (in emu/guests) linked by LDSCRIPT.
function(lp_guest_binary name out ldscript)
  file(MAKE_DIRECTORY ${out})
  set(objs)
  foreach(src IN LISTS ARGN)
    get_filename_component(stem ${src} NAME_WE)
    set(obj ${out}/${name}-${stem}.o)
    add_custom_command(OUTPUT ${obj}
                       COMMAND ${LP_PPC64_CC} ${LP_GUEST_CFLAGS} -c ${LP_GUEST_DIR}/${src} -o ${obj}
                       DEPENDS ${LP_GUEST_DIR}/${src} ${LP_GUEST_DIR}/runtime.h ${LP_GUEST_DIR}/guest_abi.h
                               ${LP_SOURCE_ROOT}/hv/include/hv/papr.h
                       COMMENT "guest ${name}: ${src}"
                       VERBATIM)
    list(APPEND objs ${obj})
  endforeach()
  add_custom_command(OUTPUT ${out}/${name}.elf
                     COMMAND ${LP_PPC64_CC} ${LP_GUEST_CFLAGS} -static -Wl,--build-id=none -Wl,--no-warn-rwx-segments
                             -T ${LP_GUEST_DIR}/${ldscript} ${objs} -o ${out}/${name}.elf
                     DEPENDS ${objs} ${LP_GUEST_DIR}/${ldscript}
                     COMMENT "guest ${name}: link"
                     VERBATIM)
  add_custom_command(OUTPUT ${out}/${name}.bin
                     COMMAND ${LP_PPC64_OBJCOPY} -O binary ${out}/${name}.elf ${out}/${name}.bin
                     DEPENDS ${out}/${name}.elf
                     VERBATIM)
endfunction()

# lp_guest_names(OUTVAR): every GUEST(name, ...) of the suites emu/guests/*.def,
# in the order of the files; each is built from emu/guests/<name>.c with the runtime.
function(lp_guest_names outvar)
  set(names)
  file(GLOB suites CONFIGURE_DEPENDS ${LP_GUEST_DIR}/*.def)
  foreach(suite IN LISTS suites)
    file(STRINGS ${suite} lines REGEX "^GUEST\\(")
    foreach(line IN LISTS lines)
      string(REGEX REPLACE "^GUEST\\(([a-z0-9_]+),.*$" "\\1" g "${line}")
      list(APPEND names ${g})
    endforeach()
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${suite})
  endforeach()
  set(${outvar} ${names} PARENT_SCOPE)
endfunction()
