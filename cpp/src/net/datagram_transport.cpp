#include "hft/net/datagram_transport.h"

namespace hft::net {

std::vector<NamedCounter> named(const TransportCounters& c) {
  return {
      {"rx_datagrams", c.rx_datagrams},
      {"rx_bytes", c.rx_bytes},
      {"tx_datagrams", c.tx_datagrams},
      {"tx_bytes", c.tx_bytes},
      {"rx_drop_wrong_protocol", c.rx_wrong_protocol},
      {"rx_drop_wrong_address", c.rx_wrong_address},
      {"rx_drop_bad_frame", c.rx_bad_frame},
      {"rx_drop_truncated", c.rx_truncated},
      {"rx_errors", c.rx_errors},
      {"tx_drop_queue_full", c.tx_queue_full},
      {"tx_drop_no_route", c.tx_no_route},
      {"tx_drop_too_large", c.tx_too_large},
      {"tx_errors", c.tx_errors},
  };
}

}  // namespace hft::net
