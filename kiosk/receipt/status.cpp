#include "receipt/status.h"

namespace odr::kiosk {

const char* to_string(PrinterHealth h) {
  switch (h) {
    case PrinterHealth::ready: return "ready";
    case PrinterHealth::paper_low: return "paper_low";
    case PrinterHealth::paper_out: return "paper_out";
    case PrinterHealth::cover_open: return "cover_open";
    case PrinterHealth::error: return "error";
    case PrinterHealth::offline: return "offline";
    case PrinterHealth::not_answering: return "not_answering";
    default: return "unknown";
  }
}

bool can_print(PrinterHealth h) {
  return h == PrinterHealth::ready || h == PrinterHealth::paper_low || h == PrinterHealth::unknown;
}

std::string_view status_query() {
  static const char q[] = {0x10, 0x04, 1, 0x10, 0x04, 2, 0x10, 0x04, 4};
  return std::string_view(q, sizeof q);
}

namespace {

// Every DLE EOT answer has bit 0 = 0, bit 1 = 1, bit 4 = 1, bit 7 = 0.
bool is_status_byte(unsigned char b) { return (b & 0x93) == 0x12; }

}  // namespace

PrinterHealth health_from_status(std::string_view reply) {
  if (reply.size() < kStatusReplyBytes) return PrinterHealth::not_answering;
  const auto printer = static_cast<unsigned char>(reply[0]), offline = static_cast<unsigned char>(reply[1]),
             paper = static_cast<unsigned char>(reply[2]);
  if (!is_status_byte(printer) || !is_status_byte(offline) || !is_status_byte(paper))
    return PrinterHealth::not_answering;
  // The roll sensor first: paper out is what staff can fix, and it also sets
  // "offline" with "stopped by paper end".
  if ((paper & 0x60) == 0x60 || (offline & 0x20)) return PrinterHealth::paper_out;
  if (offline & 0x04) return PrinterHealth::cover_open;
  if (offline & 0x40) return PrinterHealth::error;
  if (printer & 0x08) return PrinterHealth::offline;
  if ((paper & 0x0C) == 0x0C) return PrinterHealth::paper_low;
  return PrinterHealth::ready;
}

}  // namespace odr::kiosk
