# Turn one text file into a C file that defines it as a NUL-ended array,
# `const char NAME[]`, and its length, `const size_t NAME_len` (the OpenAPI
# description that the server answers /v1/openapi.json with).
# Run as: cmake -DIN=... -DOUT=... -DNAME=... -P embed_text.cmake
file(READ ${IN} hex HEX)
file(SIZE ${IN} len)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," hex "${hex}")
file(WRITE ${OUT}.tmp
  "/* Generated from ${IN} by cmake/embed_text.cmake: do not edit. */\n"
  "#include <stddef.h>\n\n"
  "extern const char ${NAME}[];\nextern const size_t ${NAME}_len;\n"
  "const char ${NAME}[] = {${hex}0x00};\n"
  "const size_t ${NAME}_len = ${len};\n")
execute_process(COMMAND ${CMAKE_COMMAND} -E copy_if_different ${OUT}.tmp ${OUT})
