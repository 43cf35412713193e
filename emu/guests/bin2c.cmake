# cmake -DIN=image.bin -DOUT=image.c -DNAME=emu_interp_image -P bin2c.cmake
# Writes the bytes of IN as `const unsigned char NAME[]` and `NAME_len`, so
# the host binaries carry the guest images they run (built from source by
# the cross compiler, never committed).
file(READ ${IN} hex HEX)
string(LENGTH "${hex}" n)
math(EXPR bytes "${n} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," body "${hex}")
string(REGEX REPLACE "((0x[0-9a-f][0-9a-f],){16})" "\\1\n\t" body "${body}")
file(WRITE ${OUT}.tmp "/* Generated from ${IN} by emu/guests/bin2c.cmake: do not edit. */\n"
     "const unsigned char ${NAME}[] = {\n\t${body}\n};\n"
     "const unsigned long ${NAME}_len = ${bytes};\n")
file(RENAME ${OUT}.tmp ${OUT})
