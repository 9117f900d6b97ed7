# `make install` (PREFIX, DESTDIR) and the Debian package (cpack -G DEB):
# the program, the importers and their helper under share/attache/importers
# (`attache run icews ...` finds them there, relative to the program), the
# Lua that ships embedded in the program as share/attache/lua for reading,
# the man pages, and the bash and zsh completion.  docs/install.md.

include(GNUInstallDirs)

# The version, once: ATT_VERSION in bindings/cli/cli.h.
file(STRINGS ${CMAKE_SOURCE_DIR}/bindings/cli/cli.h ATT_VERSION_LINE
     REGEX "^#define ATT_VERSION \"[0-9.]+\"")
string(REGEX REPLACE ".*\"([0-9.]+)\".*" "\\1" ATT_VERSION "${ATT_VERSION_LINE}")

# Installing needs the program only, not the tests.
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY ON)

install(TARGETS attache RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
file(GLOB ATT_IMPORTERS ${CMAKE_SOURCE_DIR}/examples/importers/*.lua)
install(FILES ${ATT_IMPORTERS} DESTINATION ${CMAKE_INSTALL_DATADIR}/attache/importers)
file(GLOB ATT_LUA_MODULES ${CMAKE_SOURCE_DIR}/scripts/*.lua)
install(FILES ${ATT_LUA_MODULES} DESTINATION ${CMAKE_INSTALL_DATADIR}/attache/lua)
file(GLOB ATT_MAN1 ${CMAKE_SOURCE_DIR}/man/*.1)
file(GLOB ATT_MAN7 ${CMAKE_SOURCE_DIR}/man/*.7)
install(FILES ${ATT_MAN1} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${ATT_MAN7} DESTINATION ${CMAKE_INSTALL_MANDIR}/man7)
install(FILES ${CMAKE_SOURCE_DIR}/completion/attache.bash
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME attache)
install(FILES ${CMAKE_SOURCE_DIR}/completion/_attache
        DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions)
install(FILES ${CMAKE_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})

# The Debian package: cpack -G DEB in the build folder (make deb).
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME attache)
set(CPACK_PACKAGE_VERSION ${ATT_VERSION})
set(CPACK_PACKAGE_CONTACT "attache maintainers <attache@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "track diplomatic events with dates as precise as the sources")
set(CPACK_PACKAGE_DESCRIPTION
    "attache keeps diplomatic events (meetings, visits, agreements, policies) in a\n store, with fuzzy dates in EDTF, and runs Lua rules, reminders and reports\n over them from a daemon.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON) # dpkg-shlibdeps: liblua5.4-0, libuv1, libcjson1
# libcurl is opened with dlopen (bindings/alerts/curl_dl.h), which
# dpkg-shlibdeps cannot see: named here
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libcurl4 (>= 7.62)")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "iso-codes, tzdata")
include(CPack)
