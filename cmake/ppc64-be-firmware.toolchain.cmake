# Toolchain file of the firmware (hv/plat/ppc64): Debian's
# gcc-powerpc64-linux-gnu building freestanding big-endian ppc64 code for a
# machine with no operating system.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR ppc64)
set(CMAKE_C_COMPILER powerpc64-linux-gnu-gcc)
set(CMAKE_ASM_COMPILER powerpc64-linux-gnu-gcc)
find_program(CMAKE_OBJCOPY powerpc64-linux-gnu-objcopy REQUIRED)
# Nothing links against a C library here: check the compiler by compiling only.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
