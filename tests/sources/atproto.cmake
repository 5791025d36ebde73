# The AT Protocol client (sources/atproto.h): its parsers from recorded
# answers in tests/data/atproto, and its reading of an account (handle, DID
# document, profile, paged posts, state between rounds) against a fake
# Fetcher. The real servers are tests/atproto/.
scrm_add_test(atproto_tests SOURCES ${CMAKE_CURRENT_LIST_DIR}/atproto_test.cc LIBS scrm_sources)
