#pragma once

// IngestObservations ↔ the evaluator's chunks (IndicatorEvaluator::Ingest):
// one request message becomes one IngestChunk, and what the evaluator says of
// it goes into the stream's one response (counts, rejections and quality
// flags, each named by its position "<chunk>:<index>", values "<chunk>:v<index>").

#include <cstddef>
#include <string>
#include <vector>

#include "ecoplan/indicator/v1/indicator_service.pb.h"
#include "services/indicator/domain/indicator_evaluator.h"

namespace ecoplan::indicator {

// Rejections and quality flags listed in a response at most (all are counted).
inline constexpr size_t kMaxIngestListed = 1000;

// One request message as the evaluator takes it.
struct ChunkInput {
  IngestChunk chunk;
  // For each reading of `chunk`, its index in the request.
  std::vector<size_t> reading_index;
  // Readings of the request without a pollutant (their indexes), rejected before the evaluator.
  std::vector<size_t> without_pollutant;
  // Readings whose verification is MIXED or unknown (their indexes), rejected likewise.
  std::vector<size_t> bad_verification;
};

// The chunk of `request`; a value's unset or impossible date is left unset
// (the evaluator rejects it with its reason).
ChunkInput ChunkFromProto(const ecoplan::indicator::v1::IngestObservationsRequest& request);

// Counts one rejection in `response` and lists it (up to kMaxIngestListed).
void AddRejection(std::string position, std::string series, std::string timestamp,
                  std::string reason, ecoplan::indicator::v1::IngestObservationsResponse* response);

// Adds to `response` what the evaluator decided on chunk number `batch`:
// the counts, each rejected reading and value, and the quality flags.
void AddChunkOutcome(int batch, const ChunkInput& in, const ChunkOutcome& outcome,
                     ecoplan::indicator::v1::IngestObservationsResponse* response);

}  // namespace ecoplan::indicator
