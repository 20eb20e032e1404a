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
#   /usr/bin/odr-hub              the chain's hub (package odr-hub)
#   /usr/share/odr-hub/workdays   its copy of the calendar (the hub needs no kiosk package)
#   /usr/share/odr-hub/hub.toml.example, /etc/odr-hub/hub.toml  its config (a conffile): HTTPS with
#                                 /etc/odr-hub/server.{pem,key}, the local PostgreSQL by its socket
# The state folder /var/lib/odr-kiosk is made by the package (debian/odr-kiosk.postinst).
include(GNUInstallDirs)

# --- the configs as installed: the examples with the FHS paths ----------------------
# odr_installed_config(SRC DST "from|to"...): SRC with each line `from` replaced,
# written to DST; a `from` no longer in SRC stops the configure (the installed
# config would silently keep a demo path). No ";" in either: it splits the list.
function(odr_installed_config src dst)
  file(READ ${src} text)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${src})
  foreach(pair ${ARGN})
    string(REPLACE "|" ";" pair "${pair}")
    list(GET pair 0 from)
    list(GET pair 1 to)
    string(FIND "${text}" "${from}" at)
    if(at EQUAL -1)
      message(FATAL_ERROR "installer/install.cmake: ${src} no longer has the line '${from}'; update the installed config's paths")
    endif()
    string(REPLACE "${from}" "${to}" text "${text}")
  endforeach()
  file(WRITE ${dst} "${text}")
endfunction()

set(ODR_SHARE_DIR ${CMAKE_INSTALL_FULL_DATADIR}/odr-kiosk)
set(ODR_CONF_DIR ${CMAKE_INSTALL_FULL_SYSCONFDIR}/odr-kiosk)
set(ODR_STATE_DIR /var/lib/odr-kiosk)
odr_installed_config(${PROJECT_SOURCE_DIR}/config/kiosk.toml ${PROJECT_BINARY_DIR}/installer/kiosk.toml
    "id = \"demo-kiosk-01\"|id = \"unprovisioned\""
    "data_dir = \"../demo-data/data\"|data_dir = \"${ODR_STATE_DIR}\""
    "workdays_dir = \"workdays\"|workdays_dir = \"${ODR_SHARE_DIR}/workdays\""
    "key_file = \"\"|key_file = \"${ODR_CONF_DIR}/kiosk.key\""
    "control_dir = \"\"|control_dir = \"/run/odr-kiosk-usb\""
    "message naming the key.\n|message naming the key.\n# Installed: set the kiosk id, gateway and key with `kiosk-sync provision`\n# (README.md in /usr/share/doc/odr-kiosk). The example is in /usr/share/odr-kiosk.\n")

# The hub: every interface (kiosks come from the stores), HTTPS with the key
# the unit waits for (debian/odr-hub.service), the local PostgreSQL by its
# socket as the service user (peer authentication, no password in the file).
set(ODR_HUB_CONF_DIR ${CMAKE_INSTALL_FULL_SYSCONFDIR}/odr-hub)
odr_installed_config(${PROJECT_SOURCE_DIR}/config/hub.toml ${PROJECT_BINARY_DIR}/installer/hub.toml
    "host = \"127.0.0.1\" |host = \"0.0.0.0\"   "
    "# tls_cert = \"/etc/odr-hub/server.pem\"|tls_cert = \"${ODR_HUB_CONF_DIR}/server.pem\""
    "# tls_key = \"/etc/odr-hub/server.key\"|tls_key = \"${ODR_HUB_CONF_DIR}/server.key\""
    "calendar_dir = \"workdays\"|calendar_dir = \"${CMAKE_INSTALL_FULL_DATADIR}/odr-hub/workdays\""
    "# Relative paths are relative to this file's folder.\n|# Relative paths are relative to this file's folder.\n# Installed (package odr-hub): odr-hub.service reads /etc/odr-hub/hub.toml and starts\n# once /etc/odr-hub/server.key is there. Setup: hub/README.md in /usr/share/doc/odr-hub.\n")

# --- install rules -------------------------------------------------------------------
install(TARGETS kiosk-sync RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
if(TARGET odr-kiosk)
  install(TARGETS odr-kiosk RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()
install(TARGETS platform-sim RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS odr-hub RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/assets/i18n DESTINATION ${CMAKE_INSTALL_DATADIR}/odr-kiosk/assets
        FILES_MATCHING PATTERN "*.po")
install(DIRECTORY ${PROJECT_SOURCE_DIR}/config/workdays/ DESTINATION ${CMAKE_INSTALL_DATADIR}/odr-kiosk/workdays
        FILES_MATCHING PATTERN "*.json")
install(FILES ${PROJECT_BINARY_DIR}/installer/kiosk.toml DESTINATION ${CMAKE_INSTALL_DATADIR}/odr-kiosk
        RENAME kiosk.toml.example)
install(FILES ${PROJECT_BINARY_DIR}/installer/kiosk.toml DESTINATION ${CMAKE_INSTALL_SYSCONFDIR}/odr-kiosk)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/config/workdays/ DESTINATION ${CMAKE_INSTALL_DATADIR}/odr-hub/workdays
        FILES_MATCHING PATTERN "*.json")
install(FILES ${PROJECT_BINARY_DIR}/installer/hub.toml DESTINATION ${CMAKE_INSTALL_DATADIR}/odr-hub
        RENAME hub.toml.example)
install(FILES ${PROJECT_BINARY_DIR}/installer/hub.toml DESTINATION ${CMAKE_INSTALL_SYSCONFDIR}/odr-hub)

# --- the export stick (installer/usb): udev rule, units, the helper, tmpfiles ---------
install(PROGRAMS ${PROJECT_SOURCE_DIR}/installer/usb/odr-kiosk-usb DESTINATION ${CMAKE_INSTALL_PREFIX}/lib/odr-kiosk)
install(FILES ${PROJECT_SOURCE_DIR}/installer/usb/60-odr-kiosk-usb.rules DESTINATION /lib/udev/rules.d)
install(FILES ${PROJECT_SOURCE_DIR}/installer/usb/odr-kiosk-usb@.service
              ${PROJECT_SOURCE_DIR}/installer/usb/odr-kiosk-usb-eject.path
              ${PROJECT_SOURCE_DIR}/installer/usb/odr-kiosk-usb-eject.service
        DESTINATION /lib/systemd/system)
install(FILES ${PROJECT_SOURCE_DIR}/installer/usb/odr-kiosk-usb.conf DESTINATION ${CMAKE_INSTALL_PREFIX}/lib/tmpfiles.d)
