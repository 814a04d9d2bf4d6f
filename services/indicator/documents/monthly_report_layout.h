#pragma once

// The page layout of the 月报 (monthly_report_pdf.h): A4 portrait pages of a
// cairo PDF surface, text set by pango in Noto CJK, a running header and
// footer ("第 N 页 共 M 页"), headings kept with what follows, paragraphs
// wrapped to the text width, and ruled tables whose header row is repeated on
// every page a table runs onto. It knows nothing of the plan: the sections
// (monthly_report_sections.h) feed it words and numbers.
//
// Not thread-safe; one MonthlyReportPager per pass over one surface.

#include <cairo.h>
#include <pango/pangocairo.h>

#include <functional>
#include <string>
#include <vector>

namespace ecoplan::indicator::documents {

// Fonts (fontconfig family names, from fonts-noto-cjk): the title in the
// song-like serif face, as government documents set their titles; headings,
// tables and the running header in the sans face; body text in the serif.
inline constexpr char kMonthlyReportSerifFamily[] = "Noto Serif CJK SC";
inline constexpr char kMonthlyReportSansFamily[] = "Noto Sans CJK SC";

// Horizontal alignment of a cell.
enum class CellAlign { kLeft, kCenter, kRight };

// One column of a table: its header and its share of the text width.
struct TableColumn {
  std::string header;
  double weight = 1;  // widths are proportional to the weights
  CellAlign align = CellAlign::kLeft;
};

// One row of a table: a cell per column (missing cells are empty).
struct TableRow {
  std::vector<std::string> cells;
  // A group or total row: bold on a light shade.
  bool emphasis = false;
  // Cells drawn in red (e.g. a red light, an overdue count), by column index.
  std::vector<int> alert_columns;
};

// The running header and footer of every page.
struct PageChrome {
  std::string header_left;   // e.g. the report's title
  std::string header_right;  // e.g. "2026年5月"
  // Pages in the whole document, for "第 N 页 共 M 页"; 0 = not known yet
  // (the counting pass), then "第 N 页".
  int total_pages = 0;
};

// Draws one document's flow of blocks onto `surface` (a PDF surface of A4
// size in points), starting a page whenever a block would cross the bottom
// margin. `surface` must outlive the pager; Finish() must be called once, last.
class MonthlyReportPager {
 public:
  MonthlyReportPager(cairo_surface_t* surface, PageChrome chrome);
  ~MonthlyReportPager();
  MonthlyReportPager(const MonthlyReportPager&) = delete;
  MonthlyReportPager& operator=(const MonthlyReportPager&) = delete;

  // The document's title (serif, bold, centered; wrapped when long).
  void Title(const std::string& text);
  // A centered line under the title (the period, the as-of day).
  void CenteredLine(const std::string& text, double size_pt, bool bold);
  // A section heading ("一、总体进展"), kept on the page with the next block.
  void Heading(const std::string& text);
  // A sub-heading ("（一）措施进展"), kept with the next block.
  void SubHeading(const std::string& text);
  // A body paragraph with a first-line indent of two characters.
  void Paragraph(const std::string& text);
  // A small note (sources, explanations), not indented.
  void Note(const std::string& text);
  // A ruled table; rows break across pages with the header repeated, each
  // row kept whole. `caption` (may be empty) is set above it as "表N caption",
  // N counting the document's captioned tables, and kept with its first rows.
  void Table(const std::string& caption, const std::vector<TableColumn>& columns,
             const std::vector<TableRow>& rows);
  // A box of the full text width and `height_pt`, moved to the next page if
  // it does not fit; `draw` (may be empty: the space stays blank) gets the
  // cairo context translated to the box's top left corner, with the box's
  // width and height, and restored afterwards.
  void Box(double height_pt, const std::function<void(cairo_t*, double, double)>& draw);
  // Vertical space.
  void Space(double pt);

  // Width of the text area in points.
  double text_width() const;
  // Ends the last page; returns the number of pages drawn.
  int Finish();

 private:
  struct Style;
  // A layout of `text` in `style`, wrapped to `width` points.
  PangoLayout* Layout(const std::string& text, const Style& style, double width) const;
  static double Height(PangoLayout* layout);
  void EnsureRoom(double height);
  void NewPage();
  void DrawChrome();
  double DrawRow(const std::vector<TableColumn>& columns, const std::vector<double>& widths,
                 const TableRow& row, bool header, bool draw);

  cairo_surface_t* surface_;
  PageChrome chrome_;
  cairo_t* cr_ = nullptr;
  PangoContext* pango_ = nullptr;
  int page_ = 0;             // pages begun
  int tables_ = 0;           // captioned tables drawn
  double y_ = 0;             // the next block's top, points from the page's top
  bool page_dirty_ = false;  // a block was drawn on the current page
};

}  // namespace ecoplan::indicator::documents
