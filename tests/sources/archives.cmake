# Account archives and exports (Twitter/X, LinkedIn), scrm's JSON Lines and
# language detection. Pure: no database, but the executable goes through
# scrm_add_test like every other. The Twitter cases read the real archive
# samples of ../shared/conformance/archives (SCRM_CONFORMANCE_DIR); without
# them those cases say "skipped" and pass. The 10 MB lines are built in
# memory by the tests.
scrm_add_test(archives_tests SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/twitter_archive_test.cc
  ${CMAKE_CURRENT_LIST_DIR}/linkedin_test.cc
  ${CMAKE_CURRENT_LIST_DIR}/jsonl_test.cc
  ${CMAKE_CURRENT_LIST_DIR}/language_test.cc
  LIBS scrm_sources Threads::Threads)
