# Warning, optimisation and sanitizer flags shared by every target through the
# hft_options interface library.
add_library(hft_options INTERFACE)
add_library(hft::options ALIAS hft_options)

target_compile_options(hft_options INTERFACE -Wall -Wextra -Wpedantic -Wshadow
  -Wnon-virtual-dtor -Wold-style-cast -Wcast-align -Woverloaded-virtual
  -Wconversion -Wsign-conversion -Wdouble-promotion
  -Wformat=2 -Wimplicit-fallthrough
  # GCC's null-dereference analysis fires inside gtest and libstdc++ stream
  # code once -O3 inlines it into a test body; test targets set
  # HFT_TEST_TARGET to keep that noise out, everything else keeps the warning.
  $<$<NOT:$<BOOL:$<TARGET_PROPERTY:HFT_TEST_TARGET>>>:-Wnull-dereference>)
if(HFT_WERROR)
  target_compile_options(hft_options INTERFACE -Werror)
endif()
if(HFT_NATIVE)
  target_compile_options(hft_options INTERFACE -march=native)
endif()
# Frame pointers keep perf and the sanitizers' stacks readable at ~no cost.
target_compile_options(hft_options INTERFACE -fno-omit-frame-pointer)

if(HFT_SANITIZE)
  string(REPLACE ";" "," _hft_san "${HFT_SANITIZE}")
  if(_hft_san MATCHES "thread" AND _hft_san MATCHES "address")
    message(FATAL_ERROR "HFT_SANITIZE: 'thread' cannot be combined with 'address'")
  endif()
  target_compile_options(hft_options INTERFACE -fsanitize=${_hft_san} -fno-sanitize-recover=all)
  target_link_options(hft_options INTERFACE -fsanitize=${_hft_san})
  # GCC's instrumentation makes -Wmaybe-uninitialized report false positives
  # (GCC 12 inside <regex>, for one), which -Werror would turn into a broken
  # sanitizer build. The sanitizers check the real thing at run time.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    target_compile_options(hft_options INTERFACE -Wno-maybe-uninitialized)
  endif()
endif()
