#include "common/log/log.h"

#include <unistd.h>

#include <cerrno>
#include <mutex>
#include <nlohmann/json.hpp>

#include "absl/time/clock.h"

namespace ecoplan::common {
namespace {

constexpr const char* kFixedKeys[] = {"time", "level", "service", "message", "request_id"};

bool IsFixedKey(absl::string_view key) {
  for (const char* fixed : kFixedKeys) {
    if (key == fixed) return true;
  }
  return false;
}

nlohmann::ordered_json ToJson(const LogValue& value) {
  return std::visit([](const auto& v) { return nlohmann::ordered_json(v); }, value.value());
}

}  // namespace

absl::string_view LogLevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarn:
      return "warn";
    case LogLevel::kError:
      return "error";
  }
  return "unknown";
}

void StderrSink(absl::string_view line) {
  std::string buffer(line);
  buffer.push_back('\n');
  // One write(2) per line: lines stay whole even if another process (or code
  // outside this logger) writes to the same stderr.
  const char* data = buffer.data();
  size_t left = buffer.size();
  while (left > 0) {
    const ssize_t n = ::write(STDERR_FILENO, data, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return;  // Nowhere to report a failure to log.
    }
    data += n;
    left -= static_cast<size_t>(n);
  }
}

struct Logger::Shared {
  LogSink sink;
  const Clock* clock;
  LogLevel min_level;
  RealClock real_clock;
  std::mutex mu;
};

Logger::Logger(std::string service) : Logger(std::move(service), StderrSink) {}

Logger::Logger(std::string service, LogSink sink, const Clock* clock, LogLevel min_level)
    : service_(std::move(service)), shared_(std::make_shared<Shared>()) {
  shared_->sink = std::move(sink);
  shared_->clock = clock != nullptr ? clock : &shared_->real_clock;
  shared_->min_level = min_level;
}

Logger Logger::WithRequestId(absl::string_view request_id) const {
  Logger copy = *this;
  copy.request_id_ = std::string(request_id);
  return copy;
}

std::string Logger::Format(absl::Time time, LogLevel level, absl::string_view message,
                           LogFields fields) const {
  nlohmann::ordered_json line;
  // RFC 3339 in UTC with microseconds, e.g. 2026-03-31T08:00:00.123456Z.
  line["time"] = absl::FormatTime("%Y-%m-%dT%H:%M:%E6SZ", time, absl::UTCTimeZone());
  line["level"] = std::string(LogLevelName(level));
  line["service"] = service_;
  line["message"] = std::string(message);
  if (!request_id_.empty()) line["request_id"] = request_id_;
  for (const LogField& field : fields) {
    std::string key(field.first);
    if (IsFixedKey(key)) key = "field." + key;
    line[key] = ToJson(field.second);
  }
  // Invalid UTF-8 (e.g. a truncated name) is replaced rather than throwing:
  // a log line must never take the service down.
  return line.dump(-1, ' ', /*ensure_ascii=*/false, nlohmann::json::error_handler_t::replace);
}

void Logger::Log(LogLevel level, absl::string_view message, LogFields fields) const {
  if (level < shared_->min_level) return;
  const std::string line = Format(shared_->clock->Now(), level, message, fields);
  std::lock_guard<std::mutex> lock(shared_->mu);
  shared_->sink(line);
}

}  // namespace ecoplan::common
