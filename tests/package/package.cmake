# package: the Debian package of scripts/package-deb installed, started,
# upgraded and purged on this machine (tests/package/run; needs root, else
# skipped with exit 77, said plainly). Plain build only: it packages build/.
if(NOT SCRM_SANITIZE AND NOT SCRM_FUZZ)
  add_test(NAME package:deb COMMAND ${PROJECT_SOURCE_DIR}/tests/package/run)
  set_tests_properties(package:deb PROPERTIES TIMEOUT 600 SKIP_RETURN_CODE 77 LABELS package
    RUN_SERIAL TRUE
    ENVIRONMENT "SCRM_WORK_DIR=${CMAKE_BINARY_DIR}/package-test")
endif()
