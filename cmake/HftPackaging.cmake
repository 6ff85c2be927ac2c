# cpack: a TGZ and a DEB holding the daemons under /opt/hft, the shipped
# configuration under /etc/hft (kept on upgrade: DEB conffiles), and the
# operational scripts.
set(HFT_PACKAGE_PREFIX "/opt/hft" CACHE PATH "Install prefix inside the packages")
set(HFT_PACKAGE_CONFDIR "/etc/hft" CACHE PATH "Configuration folder inside the packages")

set(_hft_configs "${PROJECT_SOURCE_DIR}/config/system_config.json" "${PROJECT_SOURCE_DIR}/config/symbol_config.json"
  "${PROJECT_SOURCE_DIR}/config/venue.json")
install(FILES ${_hft_configs} DESTINATION "${HFT_PACKAGE_CONFDIR}" COMPONENT runtime)
install(PROGRAMS "${PROJECT_SOURCE_DIR}/scripts/bench.sh" DESTINATION share/hft/scripts COMPONENT runtime)
install(FILES "${PROJECT_SOURCE_DIR}/README.md" DESTINATION share/doc/hft COMPONENT runtime)
# The systemd unit (scripts/install.sh renders its own copy into /etc/systemd/system),
# and the install and tuning scripts, so a DEB alone is enough to set a server up.
set(HFT_PACKAGE_UNITDIR "/lib/systemd/system" CACHE PATH "systemd unit folder inside the packages")
install(FILES "${PROJECT_SOURCE_DIR}/config/systemd/hft_system.service" DESTINATION "${HFT_PACKAGE_UNITDIR}"
  COMPONENT runtime)
install(PROGRAMS "${PROJECT_SOURCE_DIR}/scripts/install.sh" "${PROJECT_SOURCE_DIR}/scripts/setup_hugepages.sh"
  "${PROJECT_SOURCE_DIR}/scripts/setup_cpu_performance.sh" "${PROJECT_SOURCE_DIR}/scripts/setup_irq_affinity.sh"
  DESTINATION share/hft/scripts COMPONENT runtime)

set(CPACK_PACKAGE_NAME "hft")
set(CPACK_PACKAGE_VENDOR "hft project")
set(CPACK_PACKAGE_CONTACT "hft maintainers <maintainers@hft.invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_GENERATOR "TGZ;DEB")
set(CPACK_COMPONENTS_ALL runtime)
# Both generators install through DESTDIR, so the absolute /etc/hft lands in
# the package rather than on the build machine.
set(CPACK_SET_DESTDIR ON)
set(CPACK_PACKAGING_INSTALL_PREFIX "${HFT_PACKAGE_PREFIX}")
set(CPACK_INSTALL_PREFIX "${HFT_PACKAGE_PREFIX}")  # the prefix DESTDIR installs use
set(CPACK_PACKAGE_FILE_NAME "hft-${PROJECT_VERSION}-${CMAKE_SYSTEM_PROCESSOR}")

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION "net")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)  # derives the libdpdk/libstdc++ runtime dependencies
set(_hft_conffiles "${CMAKE_CURRENT_BINARY_DIR}/debian/conffiles")
file(WRITE "${_hft_conffiles}"
  "${HFT_PACKAGE_CONFDIR}/system_config.json\n${HFT_PACKAGE_CONFDIR}/symbol_config.json\n${HFT_PACKAGE_CONFDIR}/venue.json\n")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA "${_hft_conffiles}")

if(HFT_NATIVE)
  message(STATUS "HFT_NATIVE is ON: packages from this build run only on CPUs like this one "
                 "(scripts/package.sh builds portable ones)")
endif()

include(CPack)
