#pragma once

#include <rocksdb/env.h>

#include <memory>

#include "common/log/log.h"

namespace ecoplan::common {

// RocksDB's own diagnostics (its "info log"), written into the service's
// structured log instead of a LOG file in the database directory. That file
// lives on the data volume: when the volume fills, RocksDB's file writer
// fails one append and aborts the process on the next one (an assertion in
// Debian's librocksdb 7.8, WritableFileWriter::AssertFalseAndGetStatusForPrevError),
// so a full disk became a crash. Warnings and errors only: RocksDB's INFO
// lines (flush and compaction chatter, statistics dumps) are not what an
// operator reads in a service log. Lines have the message "rocksdb" and the
// text in the field "rocksdb".
std::shared_ptr<rocksdb::Logger> NewRocksDbInfoLog(Logger log);

}  // namespace ecoplan::common
