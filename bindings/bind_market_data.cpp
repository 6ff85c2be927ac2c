#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include <pybind11/functional.h>
#include <pybind11/stl.h>

#include "hft/engine/feed_files.h"
#include "hft/engine/replay.h"
#include "hft/market_data/synthetic_feed.h"

#include "bindings.h"

namespace py = pybind11;

namespace hft::bindings {
namespace {

// Progress arrives from C++ without the GIL; take it only for the call.
engine::FeedProgress progress_of(const py::object& callback) {
  if (callback.is_none()) return {};
  return [callback](std::uint64_t done) {
    py::gil_scoped_acquire gil;
    callback(done);
  };
}

void write_synthetic(const std::string& path, std::uint64_t seed, std::uint64_t messages, std::uint32_t symbols,
                     std::uint32_t orders_per_symbol, bool pcap, const py::object& progress) {
  market_data::SynthOptions o;
  o.seed = seed;
  o.messages = messages;
  o.symbols = symbols;
  o.orders_per_symbol = orders_per_symbol;
  const engine::FeedProgress cb = progress_of(progress);
  py::gil_scoped_release nogil;
  if (pcap) {
    engine::write_synthetic_pcap(o, path, {}, cb);
  } else {
    engine::write_synthetic_itch(o, path, cb);
  }
}

py::list levels(const market_data::OrderBook& book, core::Side side, std::size_t depth) {
  // Never more room than the side has levels: --depth is user input.
  std::vector<market_data::Level> out(std::min(depth, book.levels(side)));
  depth = out.size();
  const std::size_t n = book.depth(side, depth, out.data());
  py::list rows;
  for (std::size_t i = 0; i < n; ++i) {
    rows.append(py::make_tuple(engine::price_text(out[i].price), out[i].shares, out[i].orders));
  }
  return rows;
}

py::dict replay(const std::string& path, const std::string& format, std::size_t depth, const std::string& symbol,
                bool bbo, std::size_t order_capacity, const py::object& progress) {
  engine::ReplayOptions o;
  o.format = format == "itch50" ? engine::ReplayFormat::Itch50
             : format == "pcap" ? engine::ReplayFormat::Pcap
                                : engine::ReplayFormat::Auto;
  o.books.order_capacity = order_capacity;
  o.bbo_symbol = symbol;
  if (!progress.is_none()) {
    o.progress = [progress](std::uint64_t done, std::uint64_t) {
      py::gil_scoped_acquire gil;
      progress(done);
    };
  }
  // BBO lines go straight to standard output from C++: millions of lines
  // would spend most of their time in Python otherwise.
  std::FILE* out = nullptr;
  if (bbo) {
    out = ::fdopen(::dup(1), "w");
    if (out == nullptr) throw std::runtime_error("cannot write to standard output");
    std::setvbuf(out, nullptr, _IOFBF, 1 << 20);
    o.bbo_out = out;
  }
  engine::ReplayResult r;
  {
    py::gil_scoped_release nogil;
    try {
      r = engine::replay(path, o);
    } catch (...) {
      if (out != nullptr) std::fclose(out);
      throw;
    }
  }
  if (out != nullptr) std::fclose(out);

  py::dict errors;
  for (const auto& [kind, n] : r.errors) errors[py::str(kind)] = n;
  py::dict books;
  for (const auto& [locate, name] : r.names) {
    const market_data::OrderBook* book = r.books->book(locate);
    if (book == nullptr || book->order_count() == 0) continue;
    if (!symbol.empty() && name != symbol) continue;
    py::dict b;
    b["bids"] = levels(*book, core::Side::Buy, depth);
    b["asks"] = levels(*book, core::Side::Sell, depth);
    books[py::str(name)] = b;
  }
  py::dict result;
  result["messages"] = r.messages;
  result["errors"] = errors;
  result["books"] = books;
  result["format"] = r.format;
  return result;
}

}  // namespace

void bind_market_data(py::module_& m) {
  m.def("replay", &replay, py::arg("path"), py::arg("format") = "auto", py::arg("depth") = 10, py::arg("symbol") = "",
        py::arg("bbo") = false, py::arg("order_capacity") = std::size_t{1} << 22, py::arg("progress") = py::none(),
        "Replays a binary ITCH file or a MoldUDP64 pcap through the engine's decoder, feed handler and books. "
        "Returns {'messages', 'errors', 'books': {symbol: {'bids': [(price, shares, orders)], 'asks': [...]}}, "
        "'format'}; with bbo=True writes one JSON line per top-of-book change to standard output.");
  m.def("write_synthetic", &write_synthetic, py::arg("path"), py::arg("seed"), py::arg("messages"), py::arg("symbols"),
        py::arg("orders_per_symbol") = 400, py::arg("pcap") = false, py::arg("progress") = py::none(),
        "Writes a deterministic synthetic ITCH 5.0 feed: a binary ITCH file (gzip for .gz), or with pcap=True "
        "a pcap of MoldUDP64 packets. `progress(messages_written)` is called now and then. Raises ValueError "
        "for impossible options and RuntimeError for I/O failures.");
  m.def("synthetic_ticker", &market_data::synthetic_ticker, py::arg("index"));
}

}  // namespace hft::bindings
