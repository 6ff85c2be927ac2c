#include "hft/core/version.h"

namespace hft::core {

const char* version() noexcept { return HFT_VERSION_STRING; }

std::string build_description() {
  std::string out = "gcc ";
#if defined(__clang__)
  out = "clang " __clang_version__;
#elif defined(__GNUC__)
  out += __VERSION__;
#endif
  out += ", " HFT_BUILD_TYPE;
  out += HFT_BUILD_NATIVE ? ", -march=native" : ", portable x86-64";
  if (*HFT_BUILD_SANITIZE != '\0') out += ", sanitize=" HFT_BUILD_SANITIZE;
  return out;
}

}  // namespace hft::core
