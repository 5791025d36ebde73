# index: the Xapian indexer and searcher. No database: the executable is not
# tied to the MariaDB fixture. Each test works in its own directory under
# the build tree (index-tmp/); the remote-shard test starts a real
# xapian-tcpsrv (Debian: xapian-tools) on a free loopback port.
find_program(SCRM_XAPIAN_TCPSRV xapian-tcpsrv REQUIRED)
add_executable(index_tests
  ${CMAKE_CURRENT_LIST_DIR}/fold_test.cc
  ${CMAKE_CURRENT_LIST_DIR}/search_test.cc
  ${CMAKE_CURRENT_LIST_DIR}/query_test.cc
  ${CMAKE_CURRENT_LIST_DIR}/indexer_test.cc
  ${CMAKE_CURRENT_LIST_DIR}/facet_filter_test.cc
  $<TARGET_OBJECTS:scrm_test_main>
)
# identity only for fold_test.cc: search and matching fold alike.
target_link_libraries(index_tests PRIVATE scrm_index scrm_identity Catch2::Catch2 Threads::Threads)
target_include_directories(index_tests PRIVATE ${CMAKE_CURRENT_LIST_DIR})
target_compile_definitions(index_tests PRIVATE
  SCRM_INDEX_TEST_TMP="${CMAKE_BINARY_DIR}/index-tmp"
  SCRM_XAPIAN_TCPSRV="${SCRM_XAPIAN_TCPSRV}")
# Test names start with "index:": `ctest -R index` runs them all.
scrm_discover_tests(index_tests "index:")
