#include "services/indicator/documents/monthly_report_layout.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"

namespace ecoplan::indicator::documents {
namespace {

// A4 portrait in points, and margins close to GB/T 9704's for official
// documents (left 28 mm, right 26 mm), with room for the running header.
constexpr double kMm = 72.0 / 25.4;
constexpr double kPageWidth = 210 * kMm;
constexpr double kPageHeight = 297 * kMm;
constexpr double kLeft = 28 * kMm;
constexpr double kRight = 26 * kMm;
constexpr double kTop = 30 * kMm;
constexpr double kBottom = 25 * kMm;
constexpr double kHeaderRuleY = 20 * kMm;
constexpr double kFooterRuleY = kPageHeight - 17 * kMm;

constexpr double kCellPadX = 3.0;
constexpr double kCellPadY = 2.5;
constexpr double kRuleWidth = 0.5;

void SetRgb(cairo_t* cr, double grey) { cairo_set_source_rgb(cr, grey, grey, grey); }

}  // namespace

struct MonthlyReportPager::Style {
  const char* family = kMonthlyReportSansFamily;
  double size = 10.5;
  bool bold = false;
  PangoAlignment align = PANGO_ALIGN_LEFT;
  double indent_chars = 0;  // first-line indent, in characters of `size`
  double line_spacing = 0;  // factor of the font's line height; 0 = the font's own
};

MonthlyReportPager::MonthlyReportPager(cairo_surface_t* surface, PageChrome chrome)
    : surface_(surface), chrome_(std::move(chrome)) {}

MonthlyReportPager::~MonthlyReportPager() {
  if (pango_ != nullptr) g_object_unref(pango_);
  if (cr_ != nullptr) cairo_destroy(cr_);
}

double MonthlyReportPager::text_width() const { return kPageWidth - kLeft - kRight; }

PangoLayout* MonthlyReportPager::Layout(const std::string& text, const Style& style,
                                        double width) const {
  PangoLayout* layout = pango_layout_new(pango_);
  PangoFontDescription* font = pango_font_description_new();
  pango_font_description_set_family(font, style.family);
  pango_font_description_set_absolute_size(font, style.size * PANGO_SCALE);
  pango_font_description_set_weight(font, style.bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
  pango_layout_set_font_description(layout, font);
  pango_font_description_free(font);
  pango_layout_set_width(layout, static_cast<int>(width * PANGO_SCALE));
  // Chinese breaks between any two characters; Latin words (ids, URLs) break
  // at spaces, or anywhere when a word is wider than the line.
  pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_alignment(layout, style.align);
  if (style.indent_chars > 0) {
    pango_layout_set_indent(layout,
                            static_cast<int>(style.indent_chars * style.size * PANGO_SCALE));
  }
  if (style.line_spacing > 0) pango_layout_set_line_spacing(layout, style.line_spacing);
  pango_layout_set_text(layout, text.data(), static_cast<int>(text.size()));
  return layout;
}

double MonthlyReportPager::Height(PangoLayout* layout) {
  int width = 0;
  int height = 0;
  pango_layout_get_size(layout, &width, &height);
  return static_cast<double>(height) / PANGO_SCALE;
}

void MonthlyReportPager::NewPage() {
  if (cr_ == nullptr) {
    cr_ = cairo_create(surface_);
    pango_ = pango_cairo_create_context(cr_);
    // Points are the surface's units: a 10.5 pt font is 10.5 units high.
    pango_cairo_context_set_resolution(pango_, 72);
    // Unhinted metrics: the same line breaks at any resolution.
    cairo_font_options_t* options = cairo_font_options_create();
    cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_NONE);
    pango_cairo_context_set_font_options(pango_, options);
    cairo_font_options_destroy(options);
  } else {
    cairo_show_page(cr_);
  }
  ++page_;
  y_ = kTop;
  page_dirty_ = false;
  DrawChrome();
}

void MonthlyReportPager::DrawChrome() {
  Style small;
  small.size = 8.5;
  const double width = text_width();
  SetRgb(cr_, 0.25);
  PangoLayout* left = Layout(chrome_.header_left, small, width);
  cairo_move_to(cr_, kLeft, kHeaderRuleY - 2 - Height(left));
  pango_cairo_show_layout(cr_, left);
  g_object_unref(left);
  Style right_style = small;
  right_style.align = PANGO_ALIGN_RIGHT;
  PangoLayout* right = Layout(chrome_.header_right, right_style, width);
  cairo_move_to(cr_, kLeft, kHeaderRuleY - 2 - Height(right));
  pango_cairo_show_layout(cr_, right);
  g_object_unref(right);

  cairo_set_line_width(cr_, 0.75);
  for (double y : {kHeaderRuleY, kFooterRuleY}) {
    cairo_move_to(cr_, kLeft, y);
    cairo_line_to(cr_, kLeft + width, y);
  }
  cairo_stroke(cr_);

  Style footer = small;
  footer.size = 9;
  footer.align = PANGO_ALIGN_CENTER;
  const std::string number = chrome_.total_pages > 0
                                 ? absl::StrCat("第 ", page_, " 页 共 ", chrome_.total_pages, " 页")
                                 : absl::StrCat("第 ", page_, " 页");
  PangoLayout* foot = Layout(number, footer, width);
  cairo_move_to(cr_, kLeft, kFooterRuleY + 3);
  pango_cairo_show_layout(cr_, foot);
  g_object_unref(foot);
  SetRgb(cr_, 0);
}

void MonthlyReportPager::EnsureRoom(double height) {
  if (cr_ == nullptr || (page_dirty_ && y_ + height > kPageHeight - kBottom)) NewPage();
  page_dirty_ = true;
}

void MonthlyReportPager::Title(const std::string& text) {
  if (cr_ == nullptr) NewPage();
  Style style;
  style.family = kMonthlyReportSerifFamily;
  style.size = 20;
  style.bold = true;
  style.align = PANGO_ALIGN_CENTER;
  style.line_spacing = 1.25;
  PangoLayout* layout = Layout(text, style, text_width());
  const double h = Height(layout);
  EnsureRoom(h + 8);
  y_ += 8;
  cairo_move_to(cr_, kLeft, y_);
  pango_cairo_show_layout(cr_, layout);
  g_object_unref(layout);
  y_ += h + 10;
}

void MonthlyReportPager::CenteredLine(const std::string& text, double size_pt, bool bold) {
  Style style;
  style.family = kMonthlyReportSerifFamily;
  style.size = size_pt;
  style.bold = bold;
  style.align = PANGO_ALIGN_CENTER;
  if (cr_ == nullptr) NewPage();
  PangoLayout* layout = Layout(text, style, text_width());
  const double h = Height(layout);
  EnsureRoom(h);
  cairo_move_to(cr_, kLeft, y_);
  pango_cairo_show_layout(cr_, layout);
  g_object_unref(layout);
  y_ += h + 3;
}

void MonthlyReportPager::Heading(const std::string& text) {
  if (cr_ == nullptr) NewPage();
  Style style;
  style.size = 14;
  style.bold = true;
  PangoLayout* layout = Layout(text, style, text_width());
  const double h = Height(layout);
  // Kept with about four lines of what follows.
  EnsureRoom(12 + h + 6 + 60);
  if (y_ > kTop) y_ += 12;
  cairo_move_to(cr_, kLeft, y_);
  pango_cairo_show_layout(cr_, layout);
  g_object_unref(layout);
  y_ += h + 6;
}

void MonthlyReportPager::SubHeading(const std::string& text) {
  if (cr_ == nullptr) NewPage();
  Style style;
  style.size = 11.5;
  style.bold = true;
  PangoLayout* layout = Layout(text, style, text_width());
  const double h = Height(layout);
  EnsureRoom(6 + h + 4 + 50);
  if (y_ > kTop) y_ += 6;
  cairo_move_to(cr_, kLeft, y_);
  pango_cairo_show_layout(cr_, layout);
  g_object_unref(layout);
  y_ += h + 4;
}

void MonthlyReportPager::Paragraph(const std::string& text) {
  if (cr_ == nullptr) NewPage();
  Style style;
  style.family = kMonthlyReportSerifFamily;
  style.size = 11;
  style.indent_chars = 2;
  style.line_spacing = 1.15;
  PangoLayout* layout = Layout(text, style, text_width());
  // A paragraph longer than the room left goes on line by line: break it
  // between lines rather than moving it whole.
  PangoLayoutIter* iter = pango_layout_get_iter(layout);
  EnsureRoom(0);
  const double top = y_;
  double shift = 0;  // how far later lines moved down by page breaks
  do {
    PangoRectangle logical;
    pango_layout_iter_get_line_extents(iter, nullptr, &logical);
    const double line_top = top + shift + static_cast<double>(logical.y) / PANGO_SCALE;
    const double line_h = static_cast<double>(logical.height) / PANGO_SCALE;
    if (line_top + line_h > kPageHeight - kBottom) {
      NewPage();
      page_dirty_ = true;
      shift = kTop - (top + static_cast<double>(logical.y) / PANGO_SCALE);
    }
    const int baseline = pango_layout_iter_get_baseline(iter);
    PangoLayoutLine* line = pango_layout_iter_get_line_readonly(iter);
    cairo_move_to(cr_, kLeft + static_cast<double>(logical.x) / PANGO_SCALE,
                  top + shift + static_cast<double>(baseline) / PANGO_SCALE);
    pango_cairo_show_layout_line(cr_, line);
    y_ = top + shift + static_cast<double>(logical.y + logical.height) / PANGO_SCALE;
  } while (pango_layout_iter_next_line(iter));
  pango_layout_iter_free(iter);
  g_object_unref(layout);
  y_ += 5;
}

void MonthlyReportPager::Note(const std::string& text) {
  if (cr_ == nullptr) NewPage();
  Style style;
  style.size = 8.5;
  PangoLayout* layout = Layout(text, style, text_width());
  const double h = Height(layout);
  EnsureRoom(h);
  SetRgb(cr_, 0.3);
  cairo_move_to(cr_, kLeft, y_);
  pango_cairo_show_layout(cr_, layout);
  SetRgb(cr_, 0);
  g_object_unref(layout);
  y_ += h + 4;
}

double MonthlyReportPager::DrawRow(const std::vector<TableColumn>& columns,
                                   const std::vector<double>& widths, const TableRow& row,
                                   bool header, bool draw) {
  Style style;
  style.size = 9;
  style.bold = header || row.emphasis;
  std::vector<PangoLayout*> layouts;
  double height = 0;
  for (size_t c = 0; c < columns.size(); ++c) {
    Style cell = style;
    const CellAlign align = header ? CellAlign::kCenter : columns[c].align;
    cell.align = align == CellAlign::kCenter  ? PANGO_ALIGN_CENTER
                 : align == CellAlign::kRight ? PANGO_ALIGN_RIGHT
                                              : PANGO_ALIGN_LEFT;
    const std::string& text = c < row.cells.size() ? row.cells[c] : std::string();
    layouts.push_back(Layout(text, cell, widths[c] - 2 * kCellPadX));
    height = std::max(height, Height(layouts.back()));
  }
  height += 2 * kCellPadY;
  if (draw) {
    double x = kLeft;
    for (size_t c = 0; c < columns.size(); ++c) {
      if (header || row.emphasis) {
        SetRgb(cr_, header ? 0.86 : 0.94);
        cairo_rectangle(cr_, x, y_, widths[c], height);
        cairo_fill(cr_);
      }
      SetRgb(cr_, 0);
      cairo_set_line_width(cr_, kRuleWidth);
      cairo_rectangle(cr_, x, y_, widths[c], height);
      cairo_stroke(cr_);
      const bool alert = std::find(row.alert_columns.begin(), row.alert_columns.end(),
                                   static_cast<int>(c)) != row.alert_columns.end();
      if (alert) cairo_set_source_rgb(cr_, 0.75, 0, 0);
      const double text_h = Height(layouts[c]);
      cairo_move_to(cr_, x + kCellPadX, y_ + (height - text_h) / 2);
      pango_cairo_show_layout(cr_, layouts[c]);
      SetRgb(cr_, 0);
      x += widths[c];
    }
  }
  for (PangoLayout* layout : layouts) g_object_unref(layout);
  return height;
}

void MonthlyReportPager::Table(const std::string& caption, const std::vector<TableColumn>& columns,
                               const std::vector<TableRow>& rows) {
  if (cr_ == nullptr) NewPage();
  double total_weight = 0;
  for (const TableColumn& c : columns) total_weight += c.weight;
  std::vector<double> widths;
  for (const TableColumn& c : columns) widths.push_back(text_width() * c.weight / total_weight);
  TableRow header;
  for (const TableColumn& c : columns) header.cells.push_back(c.header);

  PangoLayout* caption_layout = nullptr;
  double caption_h = 0;
  if (!caption.empty()) {
    Style style;
    style.size = 10;
    style.bold = true;
    style.align = PANGO_ALIGN_CENTER;
    caption_layout = Layout(absl::StrCat("表", ++tables_, " ", caption), style, text_width());
    caption_h = Height(caption_layout) + 3;
  }
  const double header_h = DrawRow(columns, widths, header, true, false);
  const double first_h = rows.empty() ? 0 : DrawRow(columns, widths, rows[0], false, false);
  EnsureRoom(caption_h + header_h + first_h);
  if (caption_layout != nullptr) {
    cairo_move_to(cr_, kLeft, y_);
    pango_cairo_show_layout(cr_, caption_layout);
    g_object_unref(caption_layout);
    y_ += caption_h;
  }
  y_ += DrawRow(columns, widths, header, true, true);
  for (const TableRow& row : rows) {
    const double h = DrawRow(columns, widths, row, false, false);
    if (y_ + h > kPageHeight - kBottom) {
      NewPage();
      page_dirty_ = true;
      y_ += DrawRow(columns, widths, header, true, true);
    }
    y_ += DrawRow(columns, widths, row, false, true);
  }
  y_ += 8;
}

void MonthlyReportPager::Box(double height_pt,
                             const std::function<void(cairo_t*, double, double)>& draw) {
  EnsureRoom(height_pt);
  if (draw) {
    cairo_save(cr_);
    cairo_translate(cr_, kLeft, y_);
    cairo_rectangle(cr_, 0, 0, text_width(), height_pt);
    cairo_clip(cr_);
    draw(cr_, text_width(), height_pt);
    cairo_restore(cr_);
    SetRgb(cr_, 0);
  }
  y_ += height_pt + 6;
}

void MonthlyReportPager::Space(double pt) {
  if (cr_ != nullptr) y_ += pt;
}

int MonthlyReportPager::Finish() {
  if (cr_ == nullptr) NewPage();
  cairo_show_page(cr_);
  g_object_unref(pango_);
  pango_ = nullptr;
  cairo_destroy(cr_);
  cr_ = nullptr;
  return page_;
}

}  // namespace ecoplan::indicator::documents
