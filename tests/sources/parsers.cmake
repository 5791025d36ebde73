# Parsers of sources/ (ActivityStreams, RSS/Atom/JSON Feed, format detection,
# HTML to text). Pure: no database is touched, but the executable goes
# through scrm_add_test like every other. The conformance cases come from
# ../shared/conformance (SCRM_CONFORMANCE_DIR); without it those cases say
# "skipped" and pass. The [slow] streaming test writes a ~200 MB outbox in
# the temp directory and deletes it.
scrm_add_test(parsers_tests SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/html_text_test.cc
  ${CMAKE_CURRENT_LIST_DIR}/dates_test.cc
  ${CMAKE_CURRENT_LIST_DIR}/activitystreams_test.cc
  ${CMAKE_CURRENT_LIST_DIR}/activitypub_test.cc
  ${CMAKE_CURRENT_LIST_DIR}/feeds_test.cc
  ${CMAKE_CURRENT_LIST_DIR}/gofeed_conformance_test.cc
  ${CMAKE_CURRENT_LIST_DIR}/format_detect_test.cc
  ${CMAKE_CURRENT_LIST_DIR}/bad_inputs_test.cc
  ${CMAKE_CURRENT_LIST_DIR}/streaming_test.cc
  ${CMAKE_CURRENT_LIST_DIR}/json_stream_test.cc
  LIBS scrm_sources nlohmann_json::nlohmann_json)
