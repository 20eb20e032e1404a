# Install rules (FHS, for the Debian package in debian/) and the few build
# additions the installed programs need. Included by one line from the
# top-level CMakeLists.txt, after every target exists; targets are named,
# never their folders, so the tree can be rearranged around this file.
#
#   /usr/bin                      odr-kiosk, kiosk-sync, platform-sim
#   /usr/share/odr-kiosk/assets   i18n catalogs (find_assets_dir: ../share/odr-kiosk/assets from the binary)
#   /usr/share/odr-kiosk/workdays China's working-day calendar
#   /usr/share/odr-kiosk/kiosk.toml.example  the config as shipped
#   /etc/odr-kiosk/kiosk.toml     the config (a conffile), pointing at the paths above
# The state folder /var/lib/odr-kiosk is made by the package (debian/odr-kiosk.postinst).
include(GNUInstallDirs)

# --- the config as installed: the example with the FHS paths -------------------------
set(ODR_SHARE_DIR ${CMAKE_INSTALL_FULL_DATADIR}/odr-kiosk)
set(ODR_CONF_DIR ${CMAKE_INSTALL_FULL_SYSCONFDIR}/odr-kiosk)
set(ODR_STATE_DIR /var/lib/odr-kiosk)
file(READ ${PROJECT_SOURCE_DIR}/config/kiosk.toml ODR_TOML)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/config/kiosk.toml)
foreach(pair
    "id = \"demo-kiosk-01\"|id = \"unprovisioned\""
    "data_dir = \"../demo-data/data\"|data_dir = \"${ODR_STATE_DIR}\""
    "workdays_dir = \"workdays\"|workdays_dir = \"${ODR_SHARE_DIR}/workdays\""
    "key_file = \"\"|key_file = \"${ODR_CONF_DIR}/kiosk.key\""
    "control_dir = \"\"|control_dir = \"/run/odr-kiosk-usb\"")
  string(REPLACE "|" ";" pair "${pair}")
  list(GET pair 0 from)
  list(GET pair 1 to)
  string(FIND "${ODR_TOML}" "${from}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "installer/install.cmake: config/kiosk.toml no longer has the line '${from}'; update the installed config's paths")
  endif()
  string(REPLACE "${from}" "${to}" ODR_TOML "${ODR_TOML}")
endforeach()
string(REPLACE "message naming the key.\n" "message naming the key.\n# Installed: set the kiosk id, gateway and key with `kiosk-sync provision`\n# (README.md in /usr/share/doc/odr-kiosk); the example is in /usr/share/odr-kiosk.\n" ODR_TOML "${ODR_TOML}")
file(WRITE ${PROJECT_BINARY_DIR}/installer/kiosk.toml "${ODR_TOML}")

# --- install rules -------------------------------------------------------------------
install(TARGETS kiosk-sync RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
if(TARGET odr-kiosk)
  install(TARGETS odr-kiosk RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()
install(TARGETS platform-sim RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/assets/i18n DESTINATION ${CMAKE_INSTALL_DATADIR}/odr-kiosk/assets
        FILES_MATCHING PATTERN "*.po")
install(DIRECTORY ${PROJECT_SOURCE_DIR}/config/workdays/ DESTINATION ${CMAKE_INSTALL_DATADIR}/odr-kiosk/workdays
        FILES_MATCHING PATTERN "*.json")
install(FILES ${PROJECT_BINARY_DIR}/installer/kiosk.toml DESTINATION ${CMAKE_INSTALL_DATADIR}/odr-kiosk
        RENAME kiosk.toml.example)
install(FILES ${PROJECT_BINARY_DIR}/installer/kiosk.toml DESTINATION ${CMAKE_INSTALL_SYSCONFDIR}/odr-kiosk)

# --- the export stick (installer/usb): udev rule, units, the helper, tmpfiles ---------
install(PROGRAMS ${PROJECT_SOURCE_DIR}/installer/usb/odr-kiosk-usb DESTINATION ${CMAKE_INSTALL_PREFIX}/lib/odr-kiosk)
install(FILES ${PROJECT_SOURCE_DIR}/installer/usb/60-odr-kiosk-usb.rules DESTINATION /lib/udev/rules.d)
install(FILES ${PROJECT_SOURCE_DIR}/installer/usb/odr-kiosk-usb@.service
              ${PROJECT_SOURCE_DIR}/installer/usb/odr-kiosk-usb-eject.path
              ${PROJECT_SOURCE_DIR}/installer/usb/odr-kiosk-usb-eject.service
        DESTINATION /lib/systemd/system)
install(FILES ${PROJECT_SOURCE_DIR}/installer/usb/odr-kiosk-usb.conf DESTINATION ${CMAKE_INSTALL_PREFIX}/lib/tmpfiles.d)
