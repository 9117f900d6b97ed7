# Turn the Lua files that ship with the engine (scripts/*.lua, the reports
# of scripts/reports/ and the rules of scripts/extract/) into a C file
# of byte arrays, so that the binary needs no Lua files installed beside it.
# Run as: cmake -DSRC_DIR=... -DOUT=... -P embed.cmake
file(GLOB files ${SRC_DIR}/*.lua)
list(SORT files)
set(body "")
set(table "")
# A file of a folder is named by both: the reports that ship
# (scripts/reports/NAME.lua) "reports/NAME", the extraction rules
# (scripts/extract/NAME.lua) "extract/NAME" (module attache.extract.NAME),
# the scripts of commands written in Lua (scripts/cli/NAME.lua) "cli/NAME".
foreach(sub reports extract cli)
  file(GLOB more ${SRC_DIR}/${sub}/*.lua)
  list(SORT more)
  list(APPEND files ${more})
endforeach()
foreach(f ${files})
  get_filename_component(stem ${f} NAME_WE)
  get_filename_component(dir ${f} DIRECTORY)
  if(NOT dir STREQUAL SRC_DIR)
    get_filename_component(sub ${dir} NAME)
    set(stem "${sub}/${stem}")
  endif()
  string(MAKE_C_IDENTIFIER ${stem} id)
  file(READ ${f} hex HEX)
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," hex "${hex}")
  string(APPEND body "static const unsigned char s_${id}[] = {${hex}0x00};\n")
  string(APPEND table "  {\"${stem}\", s_${id}, sizeof s_${id} - 1},\n")
endforeach()
file(WRITE ${OUT}.tmp
  "/* Generated from the Lua files of scripts/ by cmake/embed.cmake: do not edit. */\n"
  "#include \"embedded.h\"\n\n${body}\n"
  "const att_embedded att_embedded_scripts[] = {\n${table}  {0, 0, 0}};\n")
execute_process(COMMAND ${CMAKE_COMMAND} -E copy_if_different ${OUT}.tmp ${OUT})
