#pragma once
// config/venue.json (validated) -> the venue server's options: the venue
// room does not see the configuration format; the program that owns both
// translates.
#include "hft/config/venue_config.h"
#include "hft/venue/venue_server.h"

namespace hft::apps {

venue::VenueServerOptions venue_options(const config::VenueConfig& c);

}  // namespace hft::apps
