#pragma once

// Structured logs: one JSON object per line, on stderr by default.
//
//   common::Logger logger("registry");
//   logger.Info("plan imported", {{"plan", plan_id}, {"measures", 224}});
//   logger.WithRequestId(request_id).Warn("stale etag", {{"measure", id}});
//
// Each line: {"time":"2026-03-31T08:00:00.123456Z","level":"info","service":"registry",
// "message":"plan imported","request_id":"…","plan":"…","measures":224}
// (`request_id` only when set; fields after the fixed keys, in the order given).
// A field may not override a fixed key: such a field is written with a "field."
// prefix instead.
//
// Never log secrets: no bearer tokens, signing keys, webhook secrets, passwords,
// Authorization / cookie metadata, nor whole request messages that may contain
// them. Log ids, names and counts. The logger cannot tell a secret from a name,
// so this is the caller's duty; reviewers check it.
//
// Thread-safe: each line is formatted first and handed to the sink whole, under
// a lock, so lines from different threads never interleave.

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <string>
#include <utility>
#include <variant>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/time/clock.h"

namespace ecoplan::common {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };

// "debug", "info", "warn", "error".
absl::string_view LogLevelName(LogLevel level);

// A field value: text, integer, floating point or boolean.
class LogValue {
 public:
  LogValue(absl::string_view v) : value_(std::string(v)) {}        // NOLINT: implicit by design
  LogValue(const std::string& v) : value_(v) {}                    // NOLINT
  LogValue(const char* v) : value_(std::string(v)) {}              // NOLINT
  LogValue(bool v) : value_(v) {}                                  // NOLINT
  LogValue(int v) : value_(static_cast<int64_t>(v)) {}             // NOLINT
  LogValue(long v) : value_(static_cast<int64_t>(v)) {}            // NOLINT
  LogValue(long long v) : value_(static_cast<int64_t>(v)) {}       // NOLINT
  LogValue(unsigned v) : value_(static_cast<uint64_t>(v)) {}       // NOLINT
  LogValue(unsigned long v) : value_(static_cast<uint64_t>(v)) {}  // NOLINT
  LogValue(unsigned long long v) : value_(static_cast<uint64_t>(v)) {}  // NOLINT
  LogValue(double v) : value_(v) {}                                     // NOLINT

  const std::variant<std::string, int64_t, uint64_t, double, bool>& value() const { return value_; }

 private:
  std::variant<std::string, int64_t, uint64_t, double, bool> value_;
};

using LogField = std::pair<absl::string_view, LogValue>;
using LogFields = std::initializer_list<LogField>;

// Receives complete lines (without the trailing newline). Called under the
// logger's lock, so it needs no locking of its own; it must not log.
using LogSink = std::function<void(absl::string_view line)>;

// Writes `line` and a newline to stderr with one write(2).
void StderrSink(absl::string_view line);

// A logger for one service. Cheap to copy (copies share the sink and its
// lock); WithRequestId() returns a copy that stamps every line with a request id.
class Logger {
 public:
  // Logs to stderr with the system clock, at kInfo and above.
  explicit Logger(std::string service);
  // `sink` receives every line; `clock` (not owned, must outlive the logger and
  // its copies; nullptr = system clock) stamps it. For tests and for
  // redirecting logs.
  Logger(std::string service, LogSink sink, const Clock* clock = nullptr,
         LogLevel min_level = LogLevel::kInfo);

  // A copy that adds "request_id" to every line.
  Logger WithRequestId(absl::string_view request_id) const;

  void Debug(absl::string_view message, LogFields fields = {}) const {
    Log(LogLevel::kDebug, message, fields);
  }
  void Info(absl::string_view message, LogFields fields = {}) const {
    Log(LogLevel::kInfo, message, fields);
  }
  void Warn(absl::string_view message, LogFields fields = {}) const {
    Log(LogLevel::kWarn, message, fields);
  }
  void Error(absl::string_view message, LogFields fields = {}) const {
    Log(LogLevel::kError, message, fields);
  }
  void Log(LogLevel level, absl::string_view message, LogFields fields) const;

  // Formats one line as Log() would write it (exposed for tests).
  std::string Format(absl::Time time, LogLevel level, absl::string_view message,
                     LogFields fields) const;

  const std::string& service() const { return service_; }

 private:
  struct Shared;
  std::string service_;
  std::string request_id_;
  std::shared_ptr<Shared> shared_;
};

}  // namespace ecoplan::common
