# Cross build for a 32-bit big-endian PowerPC G3 (PowerPC 750) with Debian's
# powerpc-linux-gnu toolchain; binaries run under qemu-ppc -cpu 750.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR powerpc)
set(CMAKE_C_COMPILER powerpc-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER powerpc-linux-gnu-g++)
set(CMAKE_C_FLAGS_INIT "-mcpu=750")
set(CMAKE_CXX_FLAGS_INIT "-mcpu=750")
# Static: the emulator needs no guest library path.
set(CMAKE_EXE_LINKER_FLAGS_INIT "-static")
set(MACTLS_PPC_PREFIX "" CACHE PATH "Where the cross-built gmp, nettle and GoogleTest are installed")
set(CMAKE_FIND_ROOT_PATH ${MACTLS_PPC_PREFIX} /usr/powerpc-linux-gnu)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-ppc-static -cpu 750)
