#include "common/storage/rocksdb_info_log.h"

#include <cstdarg>
#include <cstdio>
#include <string>
#include <utility>

namespace ecoplan::common {
namespace {

LogLevel LevelOf(rocksdb::InfoLogLevel level) {
  switch (level) {
    case rocksdb::InfoLogLevel::DEBUG_LEVEL:
      return LogLevel::kDebug;
    case rocksdb::InfoLogLevel::INFO_LEVEL:
    case rocksdb::InfoLogLevel::HEADER_LEVEL:
      return LogLevel::kInfo;
    case rocksdb::InfoLogLevel::WARN_LEVEL:
      return LogLevel::kWarn;
    default:
      return LogLevel::kError;
  }
}

class StructuredInfoLog : public rocksdb::Logger {
 public:
  explicit StructuredInfoLog(common::Logger log)
      : rocksdb::Logger(rocksdb::InfoLogLevel::WARN_LEVEL), log_(std::move(log)) {}

  void Logv(const char* format, va_list ap) override {
    Emit(rocksdb::InfoLogLevel::INFO_LEVEL, format, ap);
  }
  void Logv(const rocksdb::InfoLogLevel level, const char* format, va_list ap) override {
    if (level < GetInfoLogLevel()) return;
    Emit(level, format, ap);
  }

 private:
  void Emit(rocksdb::InfoLogLevel level, const char* format, va_list ap) {
    char buffer[2048];
    va_list copy;
    va_copy(copy, ap);
    const int n = std::vsnprintf(buffer, sizeof(buffer), format, copy);
    va_end(copy);
    // A longer line is cut: RocksDB's warnings fit, its dumps are INFO.
    const std::string text =
        n < 0 ? std::string(format)
              : std::string(buffer, std::min(static_cast<size_t>(n), sizeof(buffer) - 1));
    log_.Log(LevelOf(level), "rocksdb", {{"rocksdb", text}});
  }

  const common::Logger log_;
};

}  // namespace

std::shared_ptr<rocksdb::Logger> NewRocksDbInfoLog(Logger log) {
  return std::make_shared<StructuredInfoLog>(std::move(log));
}

}  // namespace ecoplan::common
