# Turn the Lua files that ship with the engine (scripts/*.lua, the reports
# of scripts/reports/ and the rules of scripts/extract/) into a C file
# of byte arrays, so that the binary needs no Lua files installed beside it.
# Run as: cmake -DSRC_DIR=... -DOUT=... -P embed.cmake
file(GLOB files ${SRC_DIR}/*.lua)
list(SORT files)
set(body "")
set(table "")
# The reports that ship (scripts/reports/NAME.lua) are named "reports/NAME",
# the extraction rules (scripts/extract/NAME.lua) "extract/NAME" (module
# attache.extract.NAME).
file(GLOB reports ${SRC_DIR}/reports/*.lua)
list(SORT reports)
list(APPEND files ${reports})
file(GLOB rules ${SRC_DIR}/extract/*.lua)
list(SORT rules)
list(APPEND files ${rules})
# The scripts of commands written in Lua (scripts/cli/NAME.lua): "cli/NAME".
file(GLOB commands ${SRC_DIR}/cli/*.lua)
list(SORT commands)
list(APPEND files ${commands})
foreach(f ${files})
  get_filename_component(stem ${f} NAME_WE)
  get_filename_component(dir ${f} DIRECTORY)
  if(dir MATCHES "/reports$")
    set(stem "reports/${stem}")
  elseif(dir MATCHES "/extract$")
    set(stem "extract/${stem}")
  elseif(dir MATCHES "/cli$")
    set(stem "cli/${stem}")
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
