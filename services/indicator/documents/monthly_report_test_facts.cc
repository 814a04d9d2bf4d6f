#include "services/indicator/documents/monthly_report_test_facts.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "services/indicator/documents/monthly_report_test_facts_internal.h"

namespace ecoplan::indicator::documents::testing {
namespace {

namespace iv1 = ::ecoplan::indicator::v1;
namespace pv1 = ::ecoplan::progress::v1;
namespace rv1 = ::ecoplan::registry::v1;
using ::ecoplan::common::v1::Date;
using internal::At;
using internal::D;
using internal::OrgName;

const std::string kPlan = kTestPlan;

std::string OrgId(int i) { return absl::StrCat("organizations/o-", 1000 + i); }

const std::vector<std::string>& Departments() {
  static const auto* names = new std::vector<std::string>{
      "区生态环境局",         "区交通局",     "区发展改革委",       "区经济和信息化局",
      "区城市管理委",         "区商务局",     "区国资委",           "区住房城乡建设委",
      "区公安交通支队",       "区环卫中心",   "区机关事务服务中心", "区教委",
      "区规划自然资源分局",   "区水务局",     "区园林绿化局",       "区农业农村局",
      "中关村门头沟园管委会", "区市场监管局", "区卫生健康委",       "区文化和旅游局"};
  return *names;
}

// The 13 towns and streets of annex 5 with their 2026 PM2.5 targets, in the
// ranking order of these facts (PM2.5 to date, cleanest first).
struct Town {
  const char* name;
  double target;
  double pm25;
  double last_year;
};
const std::vector<Town>& Towns() {
  static const auto* towns = new std::vector<Town>{
      {"清水镇", 19, 18, 20},    {"斋堂镇", 22, 21, 23},   {"雁翅镇", 26, 24, 26},
      {"大台街道", 26, 25, 27},  {"王平镇", 27, 26, 28},   {"妙峰山镇", 27, 27, 29},
      {"军庄镇", 27, 28, 30},    {"潭柘寺镇", 27, 29, 30}, {"龙泉镇", 27, 30, 32},
      {"永定镇", 27, 31, 32},    {"大峪街道", 27, 31, 33}, {"城子街道", 27, 32, 33},
      {"东辛房街道", 27, 33, 34}};
  return *towns;
}

void AddPlan(MonthFacts& f) {
  f.plan_name = kPlan;
  rv1::Plan& p = f.plan;
  p.set_name(kPlan);
  p.set_title("美丽门头沟建设2026年行动计划");
  p.set_document_number("门政办发〔2026〕1号");
  p.set_issuer("北京市门头沟区人民政府办公室");
  p.set_district("门头沟区");
  *p.mutable_issue_date() = D(2026, 3, 31);
  p.set_year(2026);
  p.set_reporting_due_day(25);
  p.set_reporting_recipient("区生态环境局");
  p.set_time_zone("Asia/Shanghai");
  struct AnnexDef {
    const char* title;
    std::vector<std::pair<const char*, const char*>> sections;
  };
  const std::vector<AnnexDef> annexes = {
      {"持续污染防治攻坚2026年行动计划",
       {{"一", "共筑美丽蓝天"}, {"二", "美丽河湖建设"}, {"三", "健康土壤保障"}}},
      {"加快绿色低碳转型2026年行动计划",
       {{"一", "应对气候变化"}, {"二", "“无废城市”建设"}, {"三", "加强生态保护"}}},
      {"深化协同多元共治2026年行动计划",
       {{"一", "区域协同推动京津冀美丽中国先行区建设"},
        {"二", "多元共治加快形成绿色生产生活方式"}}}};
  int number = 0;
  for (const AnnexDef& def : annexes) {
    rv1::Annex* a = p.add_annexes();
    a->set_number(++number);
    a->set_title(def.title);
    a->set_kind(rv1::ANNEX_KIND_TASK_TABLE);
    int s = 0;
    for (const auto& [num, title] : def.sections) {
      rv1::Section* section = a->add_sections();
      section->set_id(absl::StrCat("s", ++s));
      section->set_number(num);
      section->set_title(title);
    }
  }
  rv1::Annex* a4 = p.add_annexes();
  a4->set_number(4);
  a4->set_title("2026年市级下达各区生态环境保护有关指标和重点任务计划");
  a4->set_kind(rv1::ANNEX_KIND_INDICATOR_TABLE);
  rv1::Annex* a5 = p.add_annexes();
  a5->set_number(5);
  a5->set_title("北京市门头沟区2026年各镇街生态环境保护有关指标");
  a5->set_kind(rv1::ANNEX_KIND_INDICATOR_TABLE);
}

void AddOrganizations(MonthFacts& f) {
  int i = 0;
  for (const std::string& name : Departments()) {
    rv1::Organization o;
    o.set_name(OrgId(++i));
    o.set_display_name(name);
    o.set_kind(name.find("管委会") != std::string::npos ? rv1::ORGANIZATION_KIND_MANAGEMENT_BODY
                                                        : rv1::ORGANIZATION_KIND_DEPARTMENT);
    f.organizations.push_back(o);
  }
  for (const Town& t : Towns()) {
    rv1::Organization o;
    o.set_name(OrgId(++i));
    o.set_display_name(t.name);
    o.set_kind(std::string(t.name).find("街道") != std::string::npos ? rv1::ORGANIZATION_KIND_STREET
                                                                     : rv1::ORGANIZATION_KIND_TOWN);
    f.organizations.push_back(o);
  }
}

// Measures with texts from the seed plan, spread over the annexes' sections,
// and their lights.
void AddMeasures(MonthFacts& f) {
  struct Def {
    int annex;
    const char* section;
    const char* task;
    const char* text;
    const char* lead;
    const char* responsible;
  };
  const std::vector<Def> defs = {
      {1, "s1", "推动机动车结构优化升级",
       "提升新能源车保有量。优化新能源车推广应用政策。2026年注册登记汽车中新能源车比例达50%以上。",
       "区发展改革委", "区交通局"},
      {1, "s1", "推动机动车结构优化升级",
       "落实交通运输结构调整工作方案。聚焦全区建材、商品车、生活必需品等重点货类绿色运输，提升全区"
       "货物到发绿色运输比例。",
       "区交通局", "区住房城乡建设委"},
      {1, "s1", "推动机动车结构优化升级",
       "推动货车新能源化。加快推动老旧营运货车淘汰更新为新能源货车，2026年新注册登记货车新能源化率"
       "不低于30%。",
       "区生态环境局", "区交通局"},
      {1, "s1", "推动机动车结构优化升级",
       "落实新能源货车优先通行政策，引导昼间进入重点区域行驶的营运货车基本为新能源货车，5月底前完成"
       "通行政策宣传。",
       "区交通局", "区公安交通支队"},
      {1, "s1", "推进非道路移动机械结构优化升级",
       "推动工业园区新增或更新的且有对应新能源产品的内部车辆和非道路移动机械，采用新能源。",
       "中关村门头沟园管委会", ""},
      {1, "s1", "强化扬尘精细化管控",
       "加强施工扬尘管控，落实“六个百分百”要求，道路尘土残存量保持在市级考核要求以内。",
       "区住房城乡建设委", "区城市管理委"},
      {1, "s2", "水资源保护", "加强供水管网更新改造，公共供水管网漏损率控制在8%以下。", "区水务局",
       ""},
      {1, "s2", "水环境治理", "开展入河排污口排查整治，建立排污口问题清单，动态清零。",
       "区生态环境局", "区水务局"},
      {1, "s2", "汛期污染防治", "汛期前完成沿河排水管网和雨水口清掏，汛期加强巡查。", "区水务局",
       "区城市管理委"},
      {1, "s3", "守护净土沃壤", "重点建设用地安全利用率保持100%。", "区规划自然资源分局",
       "区生态环境局"},
      {1, "s3", "强化农用地安全利用", "受污染耕地安全利用率达到市级要求。", "区农业农村局", ""},
      {2, "s1", "完善应对气候变化综合管理体系", "编制年度温室气体排放清单，6月底前报送市级。",
       "区生态环境局", "区发展改革委"},
      {2, "s1", "深入推进重点领域温室气体排放控制",
       "推动公共机构节能降碳，新建公共建筑全面执行绿色建筑二星级以上标准。", "区机关事务服务中心",
       "区住房城乡建设委"},
      {2, "s2", "加强固体废物综合治理", "生活垃圾回收利用率达到38%以上，按季度开展分类检查。",
       "区城市管理委", "区环卫中心"},
      {2, "s2", "加强固体废物综合治理",
       "危险废物规范化环境管理评估，年底前完成不少于2家企业清洁生产审核。", "区生态环境局",
       "区经济和信息化局"},
      {2, "s3", "强化生物多样性保护", "开展百花山生物多样性观测，形成年度观测报告。",
       "区园林绿化局", ""},
      {2, "s3", "维护生态空间格局稳定性", "完成新一轮森林资源调查，森林覆盖率稳中有升。",
       "区园林绿化局", "区规划自然资源分局"},
      {3, "s1", "建设环境质量改善先行区", "与房山区、昌平区及河北涿州、怀来建立联防联控机制。",
       "区生态环境局", ""},
      {3, "s1", "建设生态保护修复先行区", "推进永定河流域生态保护修复，完成生态补水2300万立方米。",
       "区水务局", "区园林绿化局"},
      {3, "s2", "多元共治加快形成绿色生产生活方式",
       "开展绿色出行宣传月活动，推动绿色学校、绿色社区创建。", "区教委", "区商务局"},
  };
  int task = 0;
  std::string last_task;
  int ordinal = 0;
  int annex = 0;
  int index = 0;
  for (const Def& d : defs) {
    if (d.annex != annex) {
      annex = d.annex;
      task = 0;
      last_task.clear();
    }
    if (d.task != last_task) {
      ++task;
      ordinal = 0;
      last_task = d.task;
    }
    ++ordinal;
    rv1::Measure m;
    const std::string id = absl::StrCat("a", d.annex, "-t", task + 2, "-m", ordinal);
    m.set_name(absl::StrCat(kPlan, "/measures/", id));
    m.set_task(absl::StrCat(kPlan, "/tasks/a", d.annex, "-t", task + 2));
    m.set_ordinal(ordinal);
    m.set_text(d.text);
    m.set_task_title(d.task);
    m.set_annex_number(d.annex);
    m.set_section_id(d.section);
    m.mutable_deadline()->set_raw("年底前");
    *m.mutable_deadline()->mutable_due_date() = D(2026, 12, 31);
    rv1::OrgRef* lead = m.add_lead_organizations();
    lead->set_written_name(d.lead);
    lead->set_organization(OrgName(f, d.lead));
    if (*d.responsible != '\0') {
      rv1::OrgRef* resp = m.add_responsible_organizations();
      resp->set_written_name(d.responsible);
      resp->set_organization(OrgName(f, d.responsible));
    }
    f.measures.push_back(m);

    iv1::MeasureLight* light = f.evaluation.add_measure_lights();
    light->set_measure(m.name());
    light->add_owners(d.lead);
    if (*d.responsible != '\0') light->add_responsible_organizations(d.responsible);
    *light->mutable_due_date() = D(2026, 12, 31);
    light->set_completion_state(iv1::MEASURE_COMPLETION_STATE_NONE);
    ++index;
    // The lead's latest report: delayed on the red one, missing on every
    // fifth, else in progress (a responsible unit's report does not count).
    if (index % 5 != 0) {
      iv1::MeasureOwnerProgress* p = light->add_progress();
      p->set_organization(d.lead);
      p->set_lead(true);
      p->set_period("2026-05");
      p->set_status(id == "a1-t3-m4" ? "delayed" : "in_progress");
      p->set_percent_done(40);
      p->set_on_time(true);
    }
    if (*d.responsible != '\0') {
      iv1::MeasureOwnerProgress* p = light->add_progress();
      p->set_organization(d.responsible);
      p->set_period("2026-05");
      p->set_status("completed");
      p->set_percent_done(100);
    }
    if (id == "a1-t3-m4") {
      light->set_colour(iv1::MEASURE_COLOUR_RED);
      light->add_reasons(
          "checkpoint «5月底前» of the measure text due 2026-05-31 missed: no report of an owner "
          "states it met");
      light->add_reasons("区交通局 did not report for 2026-04 and 2026-05");
      light->add_reasons_zh(
          "措施原文节点「5月底前」（2026年5月31日）已过，责任单位报告均未说明完成");
      light->add_reasons_zh(
          "区交通局最近2期未按时报送（未报送）：2026年4月未报送、2026年5月未报送");
    } else if (id == "a1-t7-m1") {
      light->set_colour(iv1::MEASURE_COLOUR_RED);
      light->add_reasons(
          "问题清单: 3 of 5 items unresolved (PWK-0002, PWK-0003, PWK-0005), 1 overdue: PWK-0003 "
          "(due 2026-05-20, 区水务局)");
      light->add_reasons_zh(
          "问题清单：5项中3项未销号（PWK-0002、PWK-0003、PWK-0005），1项逾期：PWK-0003"
          "（2026年5月20日到期，区水务局）");
    } else if (index % 4 == 0) {
      light->set_colour(iv1::MEASURE_COLOUR_YELLOW);
      light->add_reasons("an owner missed the last period (2026-05)");
      light->add_reasons_zh("区交通局2026年5月未按时报送（未报送）");
    } else {
      light->set_colour(iv1::MEASURE_COLOUR_GREEN);
      light->add_reasons("on schedule");
      light->add_reasons_zh("按计划推进");
    }
    if (id == "a2-t5-m1") {
      light->set_completion_state(iv1::MEASURE_COMPLETION_STATE_CONFIRMED);
      light->set_completion_confirmed(true);
      light->set_counted_completed(true);
    }
    if (id == "a1-t4-m1") light->set_completion_state(iv1::MEASURE_COMPLETION_STATE_DECLARED);
  }
}

iv1::Evaluation* AddEvaluation(MonthFacts& f, const std::string& id, const std::string& name,
                               const std::string& unit, iv1::Comparator comparator,
                               std::optional<double> target, const std::string& target_text,
                               iv1::IndicatorStatus status) {
  iv1::Evaluation* e = f.evaluation.add_evaluations();
  iv1::Indicator* i = e->mutable_indicator();
  i->set_name(absl::StrCat(kPlan, "/indicators/", id));
  i->set_display_name(name);
  i->set_unit(unit);
  i->set_comparator(comparator);
  if (target) {
    i->set_target_value(*target);
    e->set_target_value(*target);
  }
  i->set_target_text(target_text);
  *i->mutable_period_start() = D(2026, 1, 1);
  *i->mutable_period_end() = D(2026, 12, 31);
  *e->mutable_as_of() = D(2026, 5, 31);
  e->set_status(status);
  e->set_remaining_days(214);
  return e;
}

void AddCaliber(iv1::Evaluation* e, const std::string& caliber, double value, double projected,
                iv1::IndicatorStatus status, int days) {
  iv1::CaliberResult* c = e->add_calibers();
  c->set_caliber(caliber);
  c->set_current_value(value);
  c->set_projected_value(projected);
  c->set_status(status);
  c->set_days(days);
}

void AddIndicators(MonthFacts& f) {
  // Annex 4, the district.
  iv1::Evaluation* pm25 =
      AddEvaluation(f, "a4-pm25", "PM2.5年均浓度", "微克/立方米", iv1::COMPARATOR_AT_MOST, 27, "27",
                    iv1::INDICATOR_STATUS_OFF_TRACK);
  for (iv1::Evaluation* e : {pm25}) {
    iv1::Indicator* i = e->mutable_indicator();
    i->set_source(iv1::SOURCE_KIND_AIR_QUALITY);
    i->set_scope_kind(iv1::SCOPE_KIND_DISTRICT);
    i->set_air_quality_item(iv1::AIR_QUALITY_ITEM_PM25);
    i->set_aggregation(iv1::AGGREGATION_MEAN_OF_DAILY);
    i->add_owners("区生态环境局");
    i->set_origin(iv1::ORIGIN_ANNEX_4);
  }
  pm25->set_current_value(31);
  pm25->set_projected_value(28.4);
  pm25->set_projected_low(27.6);
  pm25->set_projected_high(29.3);
  pm25->set_required_remaining_value(24.6);
  pm25->set_observed_days(151);
  pm25->set_standards_used("HJ 633-2012: 59 days, HJ 633—2026: 92 days");
  pm25->set_standards_used_zh("HJ 633-2012：59天；HJ 633—2026：92天");
  pm25->set_status_reason(
      "projected 28.4 misses the target 27 by more than the at-risk margin of 1");
  pm25->set_status_reason_zh("预计期末28.4微克/立方米，未达到目标≤27，差距超过5%");
  for (const char* c : {"in force", "HJ 633-2012", "HJ 633—2026"}) {
    AddCaliber(pm25, c, 31, 28.4, iv1::INDICATOR_STATUS_OFF_TRACK, 151);
  }

  iv1::Evaluation* good =
      AddEvaluation(f, "a4-good-days", "优良天数比率", "%", iv1::COMPARATOR_AT_LEAST, 78, "78",
                    iv1::INDICATOR_STATUS_AT_RISK);
  iv1::Evaluation* heavy =
      AddEvaluation(f, "a4-heavy-days", "重污染天数", "天", iv1::COMPARATOR_AT_MOST, 3, "3",
                    iv1::INDICATOR_STATUS_ON_TRACK);
  for (iv1::Evaluation* e : {good, heavy}) {
    iv1::Indicator* i = e->mutable_indicator();
    i->set_source(iv1::SOURCE_KIND_AIR_QUALITY);
    i->set_scope_kind(iv1::SCOPE_KIND_DISTRICT);
    i->set_air_quality_item(iv1::AIR_QUALITY_ITEM_AQI);
    i->add_owners("区生态环境局");
    e->set_observed_days(151);
    e->set_standards_used("HJ 633-2012: 59, HJ 633—2026: 92");
  }
  good->set_current_value(72.8);
  good->set_projected_value(76.9);
  good->set_required_remaining_value(81.8);
  good->set_status_reason("projected 76.9 is within the at-risk margin of the target 78");
  good->set_status_reason_zh("预计期末76.9%，与目标78相差在5%以内");
  AddCaliber(good, "in force", 72.8, 76.9, iv1::INDICATOR_STATUS_AT_RISK, 151);
  AddCaliber(good, "HJ 633-2012", 75.5, 78.2, iv1::INDICATOR_STATUS_ON_TRACK, 151);
  AddCaliber(good, "HJ 633—2026", 71.5, 76.1, iv1::INDICATOR_STATUS_OFF_TRACK, 151);
  heavy->set_current_value(2);
  heavy->set_projected_value(3);
  heavy->set_required_remaining_value(1);
  for (const char* c : {"in force", "HJ 633-2012", "HJ 633—2026"}) {
    AddCaliber(heavy, c, 2, 3, iv1::INDICATOR_STATUS_ON_TRACK, 151);
  }

  iv1::Evaluation* water =
      AddEvaluation(f, "a4-water-sections", "考核断面优良水体比例", "%", iv1::COMPARATOR_AT_LEAST,
                    std::nullopt, "达到市级要求", iv1::INDICATOR_STATUS_INSUFFICIENT_DATA);
  water->mutable_indicator()->add_owners("区水务局");
  water->set_status_reason("no value yet");
  water->set_status_reason_zh("本期尚未报送数值");
  iv1::Evaluation* land =
      AddEvaluation(f, "a4-land-safe-use", "重点建设用地安全利用率", "%", iv1::COMPARATOR_AT_LEAST,
                    100, "100", iv1::INDICATOR_STATUS_ACHIEVED);
  land->set_current_value(100);
  land->mutable_indicator()->add_owners("区规划自然资源分局");

  // Annex 5: each town's PM2.5 and TSP.
  for (const Town& t : Towns()) {
    const bool over = t.pm25 > t.target;
    iv1::Evaluation* e = AddEvaluation(
        f, absl::StrCat("a5-", t.name, "-pm25"), absl::StrCat(t.name, "PM2.5年均浓度"),
        "微克/立方米", iv1::COMPARATOR_AT_MOST, t.target, absl::StrCat(t.target),
        over ? iv1::INDICATOR_STATUS_OFF_TRACK : iv1::INDICATOR_STATUS_ON_TRACK);
    e->mutable_indicator()->set_scope_kind(iv1::SCOPE_KIND_TOWN);
    e->mutable_indicator()->set_scope_name(t.name);
    e->mutable_indicator()->add_owners(t.name);
    e->mutable_indicator()->set_source(iv1::SOURCE_KIND_AIR_QUALITY);
    e->set_current_value(t.pm25);
    e->set_projected_value(t.pm25 - 2.5);
    e->set_required_remaining_value(t.target - 2.9);
    if (over) {
      e->set_status_reason(absl::StrCat("projected ", t.pm25 - 2.5, " misses ", t.target));
      e->set_status_reason_zh(
          absl::StrCat("预计期末", t.pm25 - 2.5, "微克/立方米，未达到目标≤", t.target));
    }
    iv1::Evaluation* tsp = AddEvaluation(
        f, absl::StrCat("a5-", t.name, "-tsp"), absl::StrCat(t.name, "TSP同比变化"), "%",
        iv1::COMPARATOR_IMPROVES, std::nullopt, "同比改善", iv1::INDICATOR_STATUS_ON_TRACK);
    tsp->mutable_indicator()->set_scope_kind(iv1::SCOPE_KIND_TOWN);
    tsp->mutable_indicator()->set_scope_name(t.name);
    tsp->mutable_indicator()->add_owners(t.name);
    tsp->set_current_value(-4.2);
  }

  // Targets from measure texts.
  iv1::Evaluation* nev =
      AddEvaluation(f, "m-a1-t3-m1-1", "注册登记汽车中新能源车比例", "%", iv1::COMPARATOR_AT_LEAST,
                    50, "达50%以上", iv1::INDICATOR_STATUS_ON_TRACK);
  nev->mutable_indicator()->add_owners("区发展改革委");
  nev->set_current_value(46.2);
  nev->set_projected_value(51);
  iv1::Evaluation* truck =
      AddEvaluation(f, "m-a1-t3-m3-1", "新注册登记货车新能源化率", "%", iv1::COMPARATOR_AT_LEAST,
                    30, "不低于30%", iv1::INDICATOR_STATUS_AT_RISK);
  truck->mutable_indicator()->add_owners("区生态环境局");
  truck->set_current_value(26);
  truck->set_projected_value(29.5);
  truck->set_status_reason("projected 29.5 is within the at-risk margin of 30");
  truck->set_status_reason_zh("预计期末29.5%，与目标30相差在5%以内");
  iv1::Evaluation* leak =
      AddEvaluation(f, "m-a1-t6-m1-1", "公共供水管网漏损率", "%", iv1::COMPARATOR_AT_MOST, 8,
                    "8%以下", iv1::INDICATOR_STATUS_OFF_TRACK);
  leak->mutable_indicator()->add_owners("区水务局");
  leak->set_current_value(9.1);
  leak->set_projected_value(8.9);
  leak->set_status_reason("latest value 9.1 (2026-05-25) carried forward misses 8");
  leak->set_status_reason_zh("沿用最新数值9.1（2026年5月25日），未达到目标≤8");
  iv1::Evaluation* audit =
      AddEvaluation(f, "m-a2-t5-m2-1", "清洁生产审核企业", "家", iv1::COMPARATOR_AT_LEAST, 2,
                    "不少于2家", iv1::INDICATOR_STATUS_ACHIEVED);
  audit->mutable_indicator()->add_owners("区生态环境局");
  audit->set_current_value(2);
  iv1::Evaluation* water_supply =
      AddEvaluation(f, "m-a3-t3-m1-1", "永定河生态补水量", "万立方米", iv1::COMPARATOR_AT_LEAST,
                    2300, "2300万立方米", iv1::INDICATOR_STATUS_ON_TRACK);
  water_supply->mutable_indicator()->add_owners("区水务局");
  water_supply->set_current_value(960);
  water_supply->set_projected_value(2410);
  water_supply->set_required_remaining_value(191.4);
  iv1::Evaluation* recycle =
      AddEvaluation(f, "m-a2-t5-m1-1", "生活垃圾回收利用率", "%", iv1::COMPARATOR_AT_LEAST, 38,
                    "达到38%以上", iv1::INDICATOR_STATUS_ON_TRACK);
  recycle->mutable_indicator()->add_owners("区城市管理委");
  recycle->mutable_indicator()->set_stretch(false);
  recycle->set_current_value(38.5);
  recycle->set_projected_value(39.1);

  (*f.evaluation.mutable_status_counts())["off_track"] = 0;
  for (const iv1::Evaluation& e : f.evaluation.evaluations()) {
    static const char* const kNames[] = {"unspecified", "achieved",  "on_track",
                                         "at_risk",     "off_track", "insufficient_data"};
    ++(*f.evaluation.mutable_status_counts())[kNames[e.status()]];
  }
  f.evaluation.set_reports_source("progress service: 61 entries of 29 monthly reports");
  f.evaluation.set_reports_source_zh("进度服务：29份月报中的61条填报");

  // The town ranking.
  int rank = 0;
  for (const Town& t : Towns()) {
    iv1::TownRank* r = f.evaluation.add_town_ranking();
    r->set_rank(++rank);
    r->set_town(t.name);
    r->set_pm25(t.pm25);
    r->set_target(t.target);
    r->set_gap(t.pm25 - t.target);
    r->set_status(t.pm25 > t.target ? iv1::INDICATOR_STATUS_OFF_TRACK
                                    : iv1::INDICATOR_STATUS_ON_TRACK);
    r->set_pm25_last_year(t.last_year);
    r->set_year_on_year_percent(std::string(t.name) == "龙泉镇"                   ? -6.3
                                : (t.pm25 - t.last_year) / t.last_year * 100 > -5 ? -3.4
                                                                                  : -7.1);
    r->set_days(151);
  }
}

}  // namespace

MonthFacts MayFacts() {
  MonthFacts f;
  AddPlan(f);
  f.month = "2026-05";
  f.as_of = absl::CivilDay(2026, 5, 31);
  f.month_closed = false;
  AddOrganizations(f);
  AddMeasures(f);
  AddIndicators(f);
  internal::AddReporting(f);
  internal::AddDecisions(f);
  internal::AddSupervision(f);
  internal::AddDays(f);
  return f;
}

}  // namespace ecoplan::indicator::documents::testing
