#include <cstring>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include "hft/core/clock.h"
#include "hft/trading/audit_format.h"
#include "hft/trading/audit_log.h"
#include "hft/trading/audit_reader.h"
#include "hft/trading/audit_record.h"
#include "hft/trading/kill_switch.h"
#include "hft/trading/order.h"
#include "hft/trading/reason.h"
#include "hft/trading/trading_core.h"

#include "bindings.h"

namespace py = pybind11;
using namespace hft::trading;

namespace hft::bindings {
namespace {

namespace fmt = audit_format;

/// numpy dtype with AuditRecord's exact layout (little-endian, 64 bytes).
py::dtype record_dtype() {
  static const char* const kFields[][2] = {
      {"crc", "<u4"},   {"type", "u1"}, {"side", "u1"},     {"state", "u1"},     {"flags", "u1"},
      {"seq", "<u8"},   {"tsc", "<u8"}, {"wall_ns", "<i8"}, {"order_id", "<u8"}, {"ref_id", "<u8"},
      {"price", "<i8"}, {"qty", "<i4"}, {"symbol", "<u2"},  {"reason", "<u2"},
  };
  static const std::size_t kOffsets[] = {
      offsetof(AuditRecord, crc),    offsetof(AuditRecord, type),    offsetof(AuditRecord, side),
      offsetof(AuditRecord, state),  offsetof(AuditRecord, flags),   offsetof(AuditRecord, seq),
      offsetof(AuditRecord, tsc),    offsetof(AuditRecord, wall_ns), offsetof(AuditRecord, order_id),
      offsetof(AuditRecord, ref_id), offsetof(AuditRecord, price),   offsetof(AuditRecord, qty),
      offsetof(AuditRecord, symbol), offsetof(AuditRecord, reason),
  };
  py::list names;
  py::list formats;
  py::list offsets;
  for (std::size_t i = 0; i < std::size(kFields); ++i) {
    names.append(kFields[i][0]);
    formats.append(kFields[i][1]);
    offsets.append(kOffsets[i]);
  }
  return py::dtype(names, formats, offsets, sizeof(AuditRecord));
}

py::array to_array(const std::vector<AuditRecord>& records) {
  py::array out(record_dtype(), std::vector<py::ssize_t>{static_cast<py::ssize_t>(records.size())});
  if (!records.empty()) std::memcpy(out.mutable_data(), records.data(), records.size() * sizeof(AuditRecord));
  return out;
}

std::vector<AuditRecord> from_array(const py::array& a) {
  if (a.ndim() != 1 || a.itemsize() != static_cast<py::ssize_t>(sizeof(AuditRecord)) ||
      !(a.flags() & py::array::c_style)) {
    throw py::value_error("expected a contiguous 1-D array of audit records (dtype record_dtype())");
  }
  std::vector<AuditRecord> out(static_cast<std::size_t>(a.shape(0)));
  if (!out.empty()) std::memcpy(out.data(), a.data(), out.size() * sizeof(AuditRecord));
  return out;
}

py::dict header_dict(const fmt::SegmentHeader& h) {
  py::dict d;
  d["format_version"] = h.format_version;
  d["segment_index"] = h.segment_index;
  d["created_wall_ns"] = h.created_wall_ns;
  d["first_seq"] = h.first_seq;
  d["tsc_hz"] = h.tsc_hz;
  d["anchor_tsc"] = h.anchor_tsc;
  d["anchor_wall_ns"] = h.anchor_wall_ns;
  d["instance"] = std::string(h.instance, strnlen(h.instance, sizeof(h.instance)));
  return d;
}

py::dict report_dict(const AuditReport& r) {
  py::dict d;
  d["records"] = r.records;
  d["corrupt_records"] = r.corrupt_records;
  d["torn_tail_bytes"] = r.torn_tail_bytes;
  d["missing_records"] = r.missing_records;
  d["out_of_order"] = r.out_of_order;
  d["runs"] = r.runs;
  d["ring_dropped"] = r.ring_dropped;
  d["clean"] = r.clean();
  py::list corrupt;
  for (const AuditCorruptRecord& c : r.corrupt)
    corrupt.append(py::dict(py::arg("file") = c.file, py::arg("offset") = c.offset));
  d["corrupt"] = corrupt;
  py::list torn;
  for (const AuditTornTail& t : r.torn)
    torn.append(py::dict(py::arg("file") = t.file, py::arg("offset") = t.offset, py::arg("bytes") = t.bytes));
  d["torn"] = torn;
  py::list gaps;
  for (const AuditSeqGap& g : r.gaps) {
    gaps.append(py::dict(py::arg("file") = g.file, py::arg("offset") = g.offset, py::arg("after_seq") = g.after_seq,
                         py::arg("missing") = g.missing));
  }
  d["gaps"] = gaps;
  py::list bad;
  for (const AuditBadSegment& b : r.bad_segments)
    bad.append(py::dict(py::arg("file") = b.file, py::arg("reason") = b.reason));
  d["bad_segments"] = bad;
  py::list segments;
  for (const AuditSegmentInfo& s : r.segments) {
    py::dict seg = header_dict(s.header);
    seg["file"] = s.file;
    seg["records"] = s.records;
    segments.append(seg);
  }
  d["segments"] = segments;
  return d;
}

py::dict stats_dict(const AuditLogStats& s) {
  py::dict d;
  d["appended"] = s.appended;
  d["dropped"] = s.dropped;
  d["block_events"] = s.block_events;
  d["records_written"] = s.records_written;
  d["overflow_records"] = s.overflow_records;
  d["bytes_written"] = s.bytes_written;
  d["segments"] = s.segments;
  d["segment_index"] = s.segment_index;
  d["fsyncs"] = s.fsyncs;
  d["last_fsync_wall_ns"] = s.last_fsync_wall_ns;
  d["write_errors"] = s.write_errors;
  d["last_errno"] = s.last_errno;
  d["lost_on_error"] = s.lost_on_error;
  return d;
}

template <typename Enum, typename Count>
py::list name_table(Count count) {
  py::list out;
  for (Count i = 0; i < count; ++i) out.append(std::string(to_string(static_cast<Enum>(i))));
  return out;
}

py::dict names() {
  py::dict d;
  d["types"] = name_table<AuditType>(kAuditTypeCount);
  d["reject_reasons"] = name_table<RejectReason>(kRejectReasonCount);
  d["anomalies"] = name_table<Anomaly>(kAnomalyCount);
  d["kill_triggers"] = name_table<KillTrigger>(kKillTriggerCount);
  d["order_states"] = name_table<OrderState>(kOrderStateCount);
  d["kill_states"] = name_table<KillState>(std::uint8_t{3});
  py::dict order_types;
  for (const OrderType t : {OrderType::Market, OrderType::Limit, OrderType::Stop, OrderType::StopLimit})
    order_types[py::int_(static_cast<int>(t))] = std::string(to_string(t));
  d["order_types"] = order_types;
  py::dict tifs;
  for (const TimeInForce t : {TimeInForce::Day, TimeInForce::Gtc, TimeInForce::Ioc, TimeInForce::Fok})
    tifs[py::int_(static_cast<int>(t))] = std::string(to_string(t));
  d["time_in_force"] = tifs;
  // KillStepKind has no to_string; the words follow its enumerator names.
  py::dict steps;
  steps[py::int_(static_cast<int>(KillStepKind::NoOrderPasses))] = "no_order_passes";
  steps[py::int_(static_cast<int>(KillStepKind::CancelAllIssued))] = "cancel_all_issued";
  steps[py::int_(static_cast<int>(KillStepKind::FlattenSent))] = "flatten_sent";
  steps[py::int_(static_cast<int>(KillStepKind::ReduceCancelsIssued))] = "reduce_cancels_issued";
  d["kill_steps"] = steps;
  return d;
}

const core::TscCalibration& process_calibration() {
  static const core::TscCalibration cal = [] {
    py::gil_scoped_release release;
    return core::calibrate_tsc(std::chrono::milliseconds(50));
  }();
  return cal;
}

AuditLogOptions make_options(const std::string& fsync, std::int64_t fsync_interval_ms, double segment_size_mb,
                             const std::string& on_ring_full, const std::string& instance) {
  AuditLogOptions o;
  if (fsync == "never") {
    o.fsync = AuditLogOptions::Fsync::Never;
  } else if (fsync == "interval") {
    o.fsync = AuditLogOptions::Fsync::Interval;
  } else if (fsync == "every_batch") {
    o.fsync = AuditLogOptions::Fsync::EveryBatch;
  } else {
    throw py::value_error("fsync must be never, interval or every_batch, not '" + fsync + "'");
  }
  if (on_ring_full != "block" && on_ring_full != "drop") {
    throw py::value_error("on_ring_full must be block or drop, not '" + on_ring_full + "'");
  }
  if (!(segment_size_mb > 0)) throw py::value_error("segment_size_mb must be positive");
  o.on_ring_full = on_ring_full == "drop" ? AuditLogOptions::RingFull::Drop : AuditLogOptions::RingFull::Block;
  o.fsync_interval = std::chrono::milliseconds(fsync_interval_ms);
  o.segment_bytes = static_cast<std::uint64_t>(segment_size_mb * 1024.0 * 1024.0);
  o.instance_name = instance;
  return o;
}

}  // namespace

void bind_audit(py::module_& m) {
  // Reading errors keep their meaning across the boundary: a wrong path is
  // FileNotFoundError, an I/O failure OSError with its errno.
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const AuditInputError& e) {
      PyErr_SetString(PyExc_FileNotFoundError, e.what());
    } catch (const std::system_error& e) {
      py::object err =
          py::reinterpret_steal<py::object>(PyObject_CallFunction(PyExc_OSError, "is", e.code().value(), e.what()));
      PyErr_SetObject(PyExc_OSError, err.ptr());
    }
  });

  m.attr("FORMAT_VERSION") = kAuditFormatVersion;
  m.attr("RECORD_SIZE") = fmt::kRecordSize;
  m.attr("HEADER_SIZE") = fmt::kSegmentHeaderSize;
  m.attr("MAGIC") = py::bytes(fmt::kMagic, sizeof(fmt::kMagic));
  m.attr("RING_CAPACITY") = kAuditRingCapacity;
  m.attr("WRITER_SEQ") = fmt::kWriterSeq;

  m.def("record_dtype", &record_dtype, "numpy dtype with the exact layout of one 64-byte audit record.");
  m.def("names", &names,
        "Name tables: lists indexed by value (types, reject_reasons, anomalies, kill_triggers, order_states, "
        "kill_states) and dicts by value (order_types, time_in_force, kill_steps).");
  m.def("expand", &expand_audit_inputs, py::arg("paths"),
        "Segment files named by files, directories or configured log paths, in reading order.");
  m.def(
      "read",
      [](const std::vector<std::string>& paths) {
        AuditReport report;
        std::vector<AuditRecord> records;
        {
          py::gil_scoped_release release;
          records = read_audit(paths, report);
        }
        return py::make_tuple(to_array(records), report_dict(report));
      },
      py::arg("paths"), "Read segments to the end: (records array, report dict). Only CRC-valid records return.");

  py::class_<AuditReader>(m, "Reader", "Incremental reader: each read() returns what was appended since the last.")
      .def(py::init<std::vector<std::string>>(), py::arg("paths"))
      .def(
          "read",
          [](AuditReader& r, bool at_end) {
            std::vector<AuditRecord> records;
            {
              py::gil_scoped_release release;
              r.read(records, at_end);
            }
            return to_array(records);
          },
          py::arg("at_end") = false,
          "New valid records. With at_end=False a partial record at the end of the newest segment waits for the "
          "next call instead of being reported as a torn tail.")
      .def_property_readonly("report", [](const AuditReader& r) { return report_dict(r.report()); })
      .def_property_readonly("files", &AuditReader::files);

  py::class_<AuditLog>(m, "Writer",
                       "The audit log writer (ring + writer thread), for tools and tests; the engine owns its own.")
      .def(py::init([](const std::string& path, const std::string& fsync, std::int64_t fsync_interval_ms,
                       double segment_size_mb, const std::string& on_ring_full, const std::string& instance) {
             return std::make_unique<AuditLog>(
                 path, make_options(fsync, fsync_interval_ms, segment_size_mb, on_ring_full, instance),
                 process_calibration());
           }),
           py::arg("path"), py::arg("fsync") = "interval", py::arg("fsync_interval_ms") = 100,
           py::arg("segment_size_mb") = 64.0, py::arg("on_ring_full") = "block", py::arg("instance") = "")
      .def("start", &AuditLog::start)
      .def("stop", &AuditLog::stop, py::call_guard<py::gil_scoped_release>())
      .def(
          "record",
          [](AuditLog& log, int type, std::uint64_t order_id, std::uint64_t ref_id, std::int64_t price,
             std::int32_t qty, std::uint8_t side, std::uint8_t state, std::uint8_t flags, std::uint16_t symbol,
             std::uint16_t reason, std::uint64_t tsc) {
            if (type <= 0 || type >= kAuditTypeCount) throw py::value_error("unknown audit record type");
            AuditRecord r;
            r.type = static_cast<AuditType>(type);
            r.order_id = order_id;
            r.ref_id = ref_id;
            r.price = price;
            r.qty = qty;
            r.side = side;
            r.state = state;
            r.flags = flags;
            r.symbol = symbol;
            r.reason = reason;
            r.tsc = tsc;
            log.record(r);
          },
          py::arg("type"), py::kw_only(), py::arg("order_id") = 0, py::arg("ref_id") = 0, py::arg("price") = 0,
          py::arg("qty") = 0, py::arg("side") = 0, py::arg("state") = 0, py::arg("flags") = 0, py::arg("symbol") = 0,
          py::arg("reason") = 0, py::arg("tsc") = 0,
          "Append one record (tsc 0: stamped now). Fields are the raw on-disk values.")
      .def(
          "record_array",
          [](AuditLog& log, const py::array& records) {
            const std::vector<AuditRecord> rs = from_array(records);
            py::gil_scoped_release release;
            for (const AuditRecord& r : rs) log.record(r);
          },
          py::arg("records"), "Append every record of an array of record_dtype() (seq, crc and wall_ns are replaced).")
      .def_property_readonly("stats", [](const AuditLog& log) { return stats_dict(log.stats()); })
      .def_property_readonly("running", &AuditLog::running)
      .def_property_readonly("path", &AuditLog::path)
      .def("segment_path", &AuditLog::segment_path, py::arg("index"))
      .def(
          "__enter__",
          [](AuditLog& log) -> AuditLog& {
            log.start();
            return log;
          },
          py::return_value_policy::reference_internal)
      .def("__exit__", [](AuditLog& log, const py::args&) {
        py::gil_scoped_release release;
        log.stop();
      });
}

}  // namespace hft::bindings
