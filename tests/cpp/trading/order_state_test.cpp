// Every (state, report) pair of the order state machine: what the OMS does
// with each kind of execution report in each state, allowed or refused.
#include <string>

#include <gtest/gtest.h>

#include "trading/oms_fixture.h"

namespace hft::trading::test {
namespace {

using S = OrderState;
using K = ExecKind;
using A = Anomaly;

struct Case {
  S from;
  K kind;
  S to;  ///< state of the original order afterwards
  A anomaly;
};

std::string name(const ::testing::TestParamInfo<Case>& info) {
  return std::string(to_string(info.param.from)) + "_on_" + std::to_string(static_cast<int>(info.param.kind)) + "_" +
         std::to_string(info.index);
}

class OrderStateTest : public OmsTest, public ::testing::WithParamInterface<Case> {
 protected:
  /// A fresh 100-share buy driven into `s`.
  OrderId reach(S s) {
    const OrderId id = submit();
    if (s == S::PendingNew) return id;
    if (s == S::Rejected) {
      oms.apply(report(K::Rejected, id));
      return id;
    }
    ack(id);
    switch (s) {
      case S::New:
        break;
      case S::PartiallyFilled:
        fill(id, 40);
        break;
      case S::PendingCancel:
        oms.cancel(id, ++clock);
        break;
      case S::PendingReplace:
        oms.replace(id, kPx, Qty{150}, kPx, ++clock);
        break;
      case S::Filled:
        fill(id, 100);
        break;
      case S::Canceled:
        oms.cancel(id, ++clock);
        answer(K::Canceled, id);
        break;
      case S::Replaced:
        oms.replace(id, kPx, Qty{150}, kPx, ++clock);
        answer(K::Replaced, id);
        break;
      case S::Expired:
        oms.apply(report(K::Expired, id));
        break;
      default:
        ADD_FAILURE() << "no path to " << to_string(s);
    }
    EXPECT_EQ(state(id), s);
    return id;
  }
};

TEST_P(OrderStateTest, ReportIsAppliedOnlyWhereTheStateAllowsIt) {
  const Case c = GetParam();
  const OrderId id = reach(c.from);
  const std::uint64_t anomalies_before = oms.counters().anomalies[static_cast<std::size_t>(c.anomaly)];
  const std::size_t audit_before = audit.records.size();

  ApplyResult r;
  switch (c.kind) {
    case K::Trade:
      r = fill(id, 10);
      break;
    case K::Canceled:
    case K::CancelRejected:
    case K::Replaced:
    case K::ReplaceRejected:
      r = answer(c.kind, id);
      break;
    default:
      r = oms.apply(report(c.kind, id));
      break;
  }

  EXPECT_EQ(r.anomaly, c.anomaly);
  EXPECT_EQ(state(id), c.to) << "now " << to_string(state(id));
  if (c.anomaly != A::None) {
    EXPECT_EQ(oms.counters().anomalies[static_cast<std::size_t>(c.anomaly)], anomalies_before + 1);
    ASSERT_NE(audit.last(AuditType::ExecAnomaly), nullptr);
    EXPECT_EQ(audit.last(AuditType::ExecAnomaly)->reason, static_cast<std::uint16_t>(c.anomaly));
  }
  EXPECT_GT(audit.records.size(), audit_before) << "every report is audited, applied or not";
  // A fill always reaches positions, even one the order refuses: the venue executed it.
  EXPECT_EQ(r.fill.valid, c.kind == K::Trade);
}

constexpr Case kCases[] = {
    // From PendingNew: the venue's first answer.
    {S::PendingNew, K::New, S::New, A::None},
    {S::PendingNew, K::Rejected, S::Rejected, A::None},
    {S::PendingNew, K::Trade, S::PartiallyFilled, A::None},  // fill before ack: allowed
    {S::PendingNew, K::Canceled, S::Canceled, A::None},      // unsolicited (IOC remainder)
    {S::PendingNew, K::CancelRejected, S::PendingNew, A::InvalidTransition},
    {S::PendingNew, K::Replaced, S::PendingNew, A::InvalidTransition},
    {S::PendingNew, K::ReplaceRejected, S::PendingNew, A::InvalidTransition},
    {S::PendingNew, K::Expired, S::Expired, A::None},
    // New.
    {S::New, K::New, S::New, A::InvalidTransition},
    {S::New, K::Rejected, S::New, A::InvalidTransition},
    {S::New, K::Trade, S::PartiallyFilled, A::None},
    {S::New, K::Canceled, S::Canceled, A::None},
    {S::New, K::CancelRejected, S::New, A::InvalidTransition},
    {S::New, K::Replaced, S::New, A::InvalidTransition},
    {S::New, K::ReplaceRejected, S::New, A::InvalidTransition},
    {S::New, K::Expired, S::Expired, A::None},
    // PartiallyFilled.
    {S::PartiallyFilled, K::New, S::PartiallyFilled, A::InvalidTransition},
    {S::PartiallyFilled, K::Rejected, S::PartiallyFilled, A::InvalidTransition},
    {S::PartiallyFilled, K::Trade, S::PartiallyFilled, A::None},
    {S::PartiallyFilled, K::Canceled, S::Canceled, A::None},
    {S::PartiallyFilled, K::CancelRejected, S::PartiallyFilled, A::InvalidTransition},
    {S::PartiallyFilled, K::Replaced, S::PartiallyFilled, A::InvalidTransition},
    {S::PartiallyFilled, K::ReplaceRejected, S::PartiallyFilled, A::InvalidTransition},
    {S::PartiallyFilled, K::Expired, S::Expired, A::None},
    // PendingCancel: still live at the venue until the answer.
    {S::PendingCancel, K::New, S::PendingCancel, A::InvalidTransition},
    {S::PendingCancel, K::Rejected, S::PendingCancel, A::InvalidTransition},
    {S::PendingCancel, K::Trade, S::PendingCancel, A::None},
    {S::PendingCancel, K::Canceled, S::Canceled, A::None},
    {S::PendingCancel, K::CancelRejected, S::New, A::None},
    {S::PendingCancel, K::Replaced, S::PendingCancel, A::InvalidTransition},
    {S::PendingCancel, K::ReplaceRejected, S::PendingCancel, A::InvalidTransition},
    {S::PendingCancel, K::Expired, S::Expired, A::None},
    // PendingReplace.
    {S::PendingReplace, K::New, S::PendingReplace, A::InvalidTransition},
    {S::PendingReplace, K::Rejected, S::PendingReplace, A::InvalidTransition},
    {S::PendingReplace, K::Trade, S::PendingReplace, A::None},
    {S::PendingReplace, K::Canceled, S::Canceled, A::None},
    {S::PendingReplace, K::CancelRejected, S::PendingReplace, A::InvalidTransition},
    {S::PendingReplace, K::Replaced, S::Replaced, A::None},
    {S::PendingReplace, K::ReplaceRejected, S::New, A::None},
    {S::PendingReplace, K::Expired, S::Expired, A::None},
    // Terminal states: a late fill is an anomaly (but still a trade); a late
    // cancel/replace reject is the venue's "too late", expected and harmless.
    {S::Filled, K::New, S::Filled, A::InvalidTransition},
    {S::Filled, K::Rejected, S::Filled, A::InvalidTransition},
    {S::Filled, K::Trade, S::Filled, A::FillAfterDone},
    {S::Filled, K::Canceled, S::Filled, A::InvalidTransition},
    {S::Filled, K::CancelRejected, S::Filled, A::None},
    {S::Filled, K::Replaced, S::Filled, A::InvalidTransition},
    {S::Filled, K::ReplaceRejected, S::Filled, A::None},
    {S::Filled, K::Expired, S::Filled, A::InvalidTransition},
    {S::Canceled, K::New, S::Canceled, A::InvalidTransition},
    {S::Canceled, K::Trade, S::Canceled, A::FillAfterDone},
    {S::Canceled, K::Canceled, S::Canceled, A::InvalidTransition},
    {S::Canceled, K::CancelRejected, S::Canceled, A::None},
    {S::Canceled, K::Expired, S::Canceled, A::InvalidTransition},
    {S::Replaced, K::Trade, S::Replaced, A::FillAfterDone},
    {S::Replaced, K::Replaced, S::Replaced, A::InvalidTransition},
    {S::Replaced, K::Canceled, S::Replaced, A::InvalidTransition},
    {S::Rejected, K::New, S::Rejected, A::InvalidTransition},
    {S::Rejected, K::Rejected, S::Rejected, A::InvalidTransition},
    {S::Rejected, K::Trade, S::Rejected, A::FillAfterDone},
    {S::Expired, K::Trade, S::Expired, A::FillAfterDone},
    {S::Expired, K::Expired, S::Expired, A::InvalidTransition},
};

INSTANTIATE_TEST_SUITE_P(AllPairs, OrderStateTest, ::testing::ValuesIn(kCases), name);

}  // namespace
}  // namespace hft::trading::test
