# The feed fetcher and poller against a real HTTP server on loopback (port 0),
# with a real database.
scrm_add_test(poller_tests SOURCES ingest/poller_test.cc LIBS scrm_ingest Poco::Net Poco::Util)
