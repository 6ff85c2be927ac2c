# Every dependency comes from the distribution or from PyPI; nothing is
# fetched at build time.
find_package(Threads REQUIRED)
find_package(PkgConfig REQUIRED)
find_package(nlohmann_json 3.10 REQUIRED)
# gzip input for market data replay, and the reference the audit log's own
# CRC-32 is tested against (zlib's is slower for 60-byte records).
find_package(ZLIB REQUIRED)

pkg_check_modules(DPDK REQUIRED IMPORTED_TARGET libdpdk)
if(NOT DPDK_FOUND)
  message(FATAL_ERROR "DPDK not found: install libdpdk-dev (scripts/bootstrap.sh does)")
endif()

if(HFT_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()
if(HFT_BUILD_BENCH)
  find_package(benchmark REQUIRED)
endif()
if(HFT_BUILD_PYTHON)
  find_package(Python 3.9 REQUIRED COMPONENTS Interpreter Development.Module)
  if(NOT pybind11_DIR)
    execute_process(COMMAND "${Python_EXECUTABLE}" -m pybind11 --cmakedir
                    OUTPUT_VARIABLE pybind11_DIR OUTPUT_STRIP_TRAILING_WHITESPACE
                    RESULT_VARIABLE _hft_pybind_rc ERROR_QUIET)
  endif()
  find_package(pybind11 2.10 CONFIG REQUIRED)
endif()
