# cmake -DLOG=<doxygen warnings file> -DINDEX=<index.html> -P HftDocsWarnings.cmake
# Prints how many warnings Doxygen wrote (they never fail the build) and
# where the reference is.
set(_count 0)
if(EXISTS "${LOG}")
  file(STRINGS "${LOG}" _lines REGEX "warning:")
  list(LENGTH _lines _count)
endif()
message(STATUS "doxygen: ${_count} warning(s) (${LOG}); open ${INDEX}")
