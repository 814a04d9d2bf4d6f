// MeasureAnswerCache over the seed plan in a registry with a fake store: the
// bytes it answers against the answer built fresh, and its versions.

#include "services/registry/measure_answer_cache.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "common/testing/project_path.h"
#include "common/testing/status_matchers.h"
#include "common/time/clock.h"
#include "services/registry/testing/blocking_registry.h"
#include "services/registry/testing/fake_plan_store.h"

namespace ecoplan::registry {
namespace {

std::string ReadSeed() {
  std::ifstream in(ECOPLAN_SEED_PATH, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

class MeasureAnswerCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK(registry_.Load());
    ASSERT_OK_AND_ASSIGN(ImportResult result,
                         registry_.ImportPlan(ReadSeed(), false, "", {"import-1", "admin"}));
    plan_id_ = result.plan.id;
  }

  MeasurePage List(const MeasureQueryInput& query, PageRequest page) {
    absl::StatusOr<MeasurePage> listed = registry_.ListMeasures(plan_id_, query, page);
    EXPECT_OK(listed);
    return listed.ok() ? *std::move(listed) : MeasurePage{};
  }

  // The page's bytes from `cache`, checked against the answer built fresh.
  std::string EncodeAndCompare(MeasureAnswerCache& cache, const MeasurePage& page) {
    const std::string bytes = cache.Encode(plan_id_, page).ToString();
    EXPECT_EQ(bytes, FreshListMeasuresResponse(plan_id_, page).SerializeAsString());
    return bytes;
  }

  static MeasureQueryInput LedBy(const std::string& organization) {
    MeasureQueryInput query;
    query.organization = organization;
    query.role = OrgRole::kLead;
    return query;
  }

  FakePlanStore store_;
  common::FakeClock clock_;
  BlockingRegistry registry_{&store_, &clock_};
  std::string plan_id_;
};

TEST_F(MeasureAnswerCacheTest, AnswersFromTheCacheAreByteIdenticalToFreshOnes) {
  MeasureAnswerCache cache;
  const MeasurePage first = List(LedBy("区生态环境局"), {20, ""});
  ASSERT_EQ(first.measures.size(), 20u);
  ASSERT_FALSE(first.next_page_token.empty());

  const std::string built = EncodeAndCompare(cache, first);
  EXPECT_EQ(cache.measures_encoded(), 20u);
  const std::string cached = EncodeAndCompare(cache, first);
  EXPECT_EQ(cache.measures_encoded(), 20u);  // every measure from the cache
  EXPECT_EQ(cached, built);

  v1::ListMeasuresResponse parsed;
  ASSERT_TRUE(parsed.ParseFromString(cached));
  ASSERT_EQ(parsed.measures_size(), 20);
  EXPECT_EQ(parsed.measures(0).name(),
            "plans/" + plan_id_ + "/measures/" + first.measures[0].first->id);
  EXPECT_EQ(parsed.measures(0).task_title(), first.measures[0].second->title);
  EXPECT_EQ(parsed.next_page_token(), first.next_page_token);
  EXPECT_EQ(parsed.total_size(), first.total_size);

  // Pages that share measures with the first, by another filter, a later
  // page, an unfiltered page and an empty one: the same bytes as fresh.
  MeasureQueryInput either;
  either.organization = "区生态环境局";
  EncodeAndCompare(cache, List(either, {50, ""}));
  EncodeAndCompare(cache, List(LedBy("区生态环境局"), {20, first.next_page_token}));
  EncodeAndCompare(cache, List({}, {1000, ""}));
  MeasureQueryInput nothing;
  nothing.text_contains = "没有这样的措施文字";
  const MeasurePage empty = List(nothing, {});
  EXPECT_TRUE(empty.measures.empty());
  EXPECT_EQ(EncodeAndCompare(cache, empty), "");  // proto3: no field set, no bytes

  // The whole plan is now kept: listing it again encodes nothing.
  const uint64_t encoded = cache.measures_encoded();
  EncodeAndCompare(cache, List({}, {1000, ""}));
  EXPECT_EQ(cache.measures_encoded(), encoded);
  EXPECT_EQ(cache.plan_count(), 1u);
}

TEST_F(MeasureAnswerCacheTest, ANewPlanVersionIsNeverAnsweredFromTheOldOne) {
  MeasureAnswerCache cache;
  const MeasurePage before = List(LedBy("区生态环境局"), {5, ""});
  ASSERT_EQ(before.measures.size(), 5u);
  const Measure& changed = *before.measures[2].first;
  ASSERT_EQ(changed.revision, 0);
  const std::string old_bytes = EncodeAndCompare(cache, before);

  MeasureUpdate update;
  update.plan_id = plan_id_;
  update.measure_id = changed.id;
  update.checkpoint_phrases = std::vector<std::string>{"按季度"};
  update.etag = "r0";
  update.reason = "调度会调整";
  ASSERT_OK(registry_.UpdateMeasure(update, {"u-1", "admin"}));

  const MeasurePage after = List(LedBy("区生态环境局"), {5, ""});
  ASSERT_EQ(after.measures.size(), 5u);
  ASSERT_NE(after.keep_alive, before.keep_alive);  // a new snapshot, a new version
  const uint64_t encoded = cache.measures_encoded();
  const std::string new_bytes = EncodeAndCompare(cache, after);
  // Every measure of the new version encoded again, the unchanged ones too:
  // nothing of the old version's bytes is reused.
  EXPECT_EQ(cache.measures_encoded(), encoded + 5);
  EXPECT_NE(new_bytes, old_bytes);
  v1::ListMeasuresResponse parsed;
  ASSERT_TRUE(parsed.ParseFromString(new_bytes));
  EXPECT_EQ(parsed.measures(2).revision(), 1);
  EXPECT_EQ(parsed.measures(2).etag(), "r1");
  ASSERT_GT(after.measures[2].first->checkpoints.size(), 0u);
  EXPECT_EQ(parsed.measures(2).checkpoints_size(), after.measures[2].first->checkpoints.size());
  EXPECT_TRUE(parsed.measures(2).checkpoints_corrected());
  EXPECT_EQ(cache.plan_count(), 1u);

  // And the new version is then answered from the cache.
  EncodeAndCompare(cache, after);
  EXPECT_EQ(cache.measures_encoded(), encoded + 5);
}

TEST_F(MeasureAnswerCacheTest, StaysWithinItsBoundsAndStillAnswersTheSameBytes) {
  MeasureAnswerCache::Options options;
  options.max_bytes_per_plan = 4096;  // a few measures
  MeasureAnswerCache small(options);
  const MeasurePage page = List({}, {50, ""});
  ASSERT_EQ(page.measures.size(), 50u);
  EncodeAndCompare(small, page);
  EXPECT_EQ(small.measures_encoded(), 50u);
  EncodeAndCompare(small, page);
  const uint64_t again = small.measures_encoded() - 50;
  EXPECT_GT(again, 40u);  // most did not fit: encoded for the page again
  EXPECT_LT(again, 50u);  // the first few were kept

  MeasureAnswerCache::Options none;
  none.max_plans = 0;
  MeasureAnswerCache off(none);
  EncodeAndCompare(off, page);
  EncodeAndCompare(off, page);
  EXPECT_EQ(off.measures_encoded(), 100u);
  EXPECT_EQ(off.plan_count(), 0u);

  // A page with no version to key on is encoded for itself.
  MeasureAnswerCache cache;
  MeasurePage unversioned;
  unversioned.measures = page.measures;
  unversioned.total_size = page.total_size;
  unversioned.next_page_token = page.next_page_token;
  EncodeAndCompare(cache, unversioned);
  EXPECT_EQ(cache.plan_count(), 0u);
}

// Calls encode pages of two versions of the plan at once (the entry replaced
// back and forth); every answer is the fresh one's bytes.
TEST_F(MeasureAnswerCacheTest, ConcurrentCallsOfTwoVersionsEachGetTheirOwnBytes) {
  MeasureAnswerCache cache;
  const MeasurePage old_page = List({}, {100, ""});
  MeasureUpdate update;
  update.plan_id = plan_id_;
  update.measure_id = old_page.measures[3].first->id;
  update.checkpoint_phrases = std::vector<std::string>{"按季度"};
  update.etag = "r0";
  update.reason = "调度会调整";
  ASSERT_OK(registry_.UpdateMeasure(update, {"u-1", "admin"}));
  const MeasurePage new_page = List({}, {100, ""});
  const std::string old_bytes = FreshListMeasuresResponse(plan_id_, old_page).SerializeAsString();
  const std::string new_bytes = FreshListMeasuresResponse(plan_id_, new_page).SerializeAsString();
  ASSERT_NE(old_bytes, new_bytes);

  std::vector<std::thread> threads;
  std::vector<int> wrong(8, 0);
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i) {
        const bool old_version = (t + i) % 2 == 0;
        const std::string bytes =
            cache.Encode(plan_id_, old_version ? old_page : new_page).ToString();
        if (bytes != (old_version ? old_bytes : new_bytes)) ++wrong[t];
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(wrong, std::vector<int>(8, 0));
  EXPECT_EQ(cache.plan_count(), 1u);
}

}  // namespace
}  // namespace ecoplan::registry
