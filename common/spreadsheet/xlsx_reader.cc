#include "common/spreadsheet/xlsx_reader.h"

#include <zip.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <pugixml.hpp>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/civil_time.h"

namespace ecoplan::common {
namespace {

constexpr int kMaxSheetRow = 1048576;   // Excel's last row
constexpr int kMaxSheetColumn = 16384;  // XFD

absl::Status NotWorkbook(absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat("not an .xlsx workbook: ", why));
}

// Column letters of a 0-based column index: 0 → A, 26 → AA.
std::string ColumnLetters(size_t index) {
  std::string out;
  for (size_t n = index + 1; n > 0; n = (n - 1) / 26) {
    out.insert(out.begin(), static_cast<char>('A' + (n - 1) % 26));
  }
  return out;
}

// ---- the zip container ----

struct ZipCloser {
  void operator()(zip_t* z) const { zip_discard(z); }
};

// The archive and what has been unpacked from it so far.
class Archive {
 public:
  static absl::StatusOr<std::unique_ptr<Archive>> Open(absl::string_view bytes,
                                                       const XlsxLimits& limits) {
    if (absl::StartsWith(bytes, absl::string_view("\xD0\xCF\x11\xE0", 4))) {
      return NotWorkbook(
          "an encrypted workbook or an old .xls file (OLE); save it as .xlsx without a password");
    }
    zip_error_t error;
    zip_error_init(&error);
    zip_source_t* source = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
    if (source == nullptr) {
      absl::Status s =
          NotWorkbook(absl::StrCat("not a zip archive (", zip_error_strerror(&error), ")"));
      zip_error_fini(&error);
      return s;
    }
    zip_t* zip = zip_open_from_source(source, ZIP_RDONLY, &error);
    if (zip == nullptr) {
      zip_source_free(source);
      absl::Status s =
          NotWorkbook(absl::StrCat("not a zip archive (", zip_error_strerror(&error), ")"));
      zip_error_fini(&error);
      return s;
    }
    zip_error_fini(&error);
    return std::unique_ptr<Archive>(new Archive(zip, limits));
  }

  // The part `name` unpacked, counted against the limit; nullopt when absent.
  absl::StatusOr<std::optional<std::string>> Read(const std::string& name) {
    const zip_int64_t index = zip_name_locate(zip_.get(), name.c_str(), ZIP_FL_NOCASE);
    if (index < 0) return std::optional<std::string>();
    zip_file_t* file = zip_fopen_index(zip_.get(), static_cast<zip_uint64_t>(index), 0);
    if (file == nullptr) {
      return NotWorkbook(absl::StrCat("cannot open ", name, " (",
                                      zip_error_strerror(zip_get_error(zip_.get())), ")"));
    }
    std::string out;
    char buffer[64 * 1024];
    absl::Status status;
    for (;;) {
      const zip_int64_t n = zip_fread(file, buffer, sizeof(buffer));
      if (n < 0) {
        status = NotWorkbook(absl::StrCat("cannot unpack ", name, " (",
                                          zip_error_strerror(zip_file_get_error(file)), ")"));
        break;
      }
      if (n == 0) break;
      unpacked_ += static_cast<size_t>(n);
      if (unpacked_ > limits_.max_unpacked_bytes) {
        status = absl::InvalidArgumentError(absl::StrCat(
            "xlsx: the workbook unpacks to more than ", limits_.max_unpacked_bytes >> 20, " MiB (",
            limits_.max_unpacked_bytes, " bytes); keep only the ledger's sheet"));
        break;
      }
      out.append(buffer, static_cast<size_t>(n));
    }
    zip_fclose(file);
    if (!status.ok()) return status;
    return std::optional<std::string>(std::move(out));
  }

 private:
  Archive(zip_t* zip, const XlsxLimits& limits) : zip_(zip), limits_(limits) {}

  std::unique_ptr<zip_t, ZipCloser> zip_;
  const XlsxLimits& limits_;
  size_t unpacked_ = 0;
};

// ---- XML parts ----

// The local name of an element or attribute ("x:row" → "row").
absl::string_view Local(const char* name) {
  absl::string_view n(name);
  const size_t colon = n.find(':');
  return colon == absl::string_view::npos ? n : n.substr(colon + 1);
}

bool Is(const pugi::xml_node& node, absl::string_view local) {
  return node.type() == pugi::node_element && Local(node.name()) == local;
}

pugi::xml_node Child(const pugi::xml_node& node, absl::string_view local) {
  for (pugi::xml_node c : node.children()) {
    if (Is(c, local)) return c;
  }
  return pugi::xml_node();
}

// An attribute by its local name, with or without a prefix.
pugi::xml_attribute Attribute(const pugi::xml_node& node, absl::string_view local,
                              bool prefixed = false) {
  for (pugi::xml_attribute a : node.attributes()) {
    const absl::string_view name(a.name());
    if (Local(a.name()) == local && (!prefixed || name.size() > local.size())) return a;
  }
  return pugi::xml_attribute();
}

// A parsed XML part (the document keeps the text it was parsed from).
struct Part {
  std::string text;
  pugi::xml_document doc;
};

// Parses `name`; nullptr when the archive lacks it.
absl::StatusOr<std::unique_ptr<Part>> ParsePart(Archive& archive, const std::string& name,
                                                const XlsxLimits& limits) {
  absl::StatusOr<std::optional<std::string>> text = archive.Read(name);
  if (!text.ok()) return text.status();
  if (!text->has_value()) return std::unique_ptr<Part>();
  auto part = std::make_unique<Part>();
  part->text = **std::move(text);
  if (static_cast<size_t>(std::count(part->text.begin(), part->text.end(), '<')) >
      limits.max_markup) {
    return absl::InvalidArgumentError(absl::StrCat("xlsx: ", name, " has more than ",
                                                   limits.max_markup,
                                                   " XML tags; keep only the ledger's sheet"));
  }
  const pugi::xml_parse_result parsed = part->doc.load_buffer_inplace(
      part->text.data(), part->text.size(), pugi::parse_default | pugi::parse_ws_pcdata,
      pugi::encoding_auto);
  if (!parsed) {
    return NotWorkbook(
        absl::StrCat(name, " is not XML (", parsed.description(), " at byte ", parsed.offset, ")"));
  }
  return part;
}

// "xl/workbook.xml" → "xl/".
std::string DirectoryOf(absl::string_view part) {
  const size_t slash = part.rfind('/');
  return slash == absl::string_view::npos ? "" : std::string(part.substr(0, slash + 1));
}

// The part a relationship's Target names, from the part in `directory`.
std::string ResolveTarget(const std::string& directory, absl::string_view target) {
  std::string path = absl::StartsWith(target, "/") ? std::string(target.substr(1))
                                                   : absl::StrCat(directory, target);
  std::vector<std::string> out;
  for (absl::string_view segment : absl::StrSplit(path, '/')) {
    if (segment.empty() || segment == ".") continue;
    if (segment == "..") {
      if (!out.empty()) out.pop_back();
      continue;
    }
    out.emplace_back(segment);
  }
  return absl::StrJoin(out, "/");
}

struct Relationship {
  std::string type;  // the last segment of its Type URI: "worksheet", "sharedStrings" …
  std::string target;
};

// The relationships of `part` (from its _rels/<name>.rels), by Id.
absl::StatusOr<std::map<std::string, Relationship>> RelationshipsOf(Archive& archive,
                                                                    const std::string& part,
                                                                    const XlsxLimits& limits) {
  const std::string directory = DirectoryOf(part);
  const std::string rels =
      absl::StrCat(directory, "_rels/", absl::string_view(part).substr(directory.size()), ".rels");
  std::map<std::string, Relationship> out;
  absl::StatusOr<std::unique_ptr<Part>> xml = ParsePart(archive, rels, limits);
  if (!xml.ok()) return xml.status();
  if (*xml == nullptr) return out;
  for (pugi::xml_node r : Child((*xml)->doc, "Relationships").children()) {
    if (!Is(r, "Relationship")) continue;
    if (absl::string_view(r.attribute("TargetMode").value()) == "External") continue;
    absl::string_view type = r.attribute("Type").value();
    const size_t slash = type.rfind('/');
    if (slash != absl::string_view::npos) type.remove_prefix(slash + 1);
    out[r.attribute("Id").value()] =
        Relationship{std::string(type), ResolveTarget(directory, r.attribute("Target").value())};
  }
  return out;
}

// Decodes the _xHHHH_ escapes of OOXML strings.
std::string Unescape(std::string text) {
  if (text.find("_x") == std::string::npos) return text;
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    uint32_t code = 0;
    if (text.compare(i, 2, "_x") == 0 && i + 7 <= text.size() && text[i + 6] == '_' &&
        absl::SimpleHexAtoi(absl::string_view(text).substr(i + 2, 4), &code) &&
        std::all_of(text.begin() + i + 2, text.begin() + i + 6,
                    [](char c) { return absl::ascii_isxdigit(static_cast<unsigned char>(c)); }) &&
        (code < 0xD800 || code > 0xDFFF)) {
      if (code < 0x80) {
        out.push_back(static_cast<char>(code));
      } else if (code < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (code >> 6)));
        out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
      } else {
        out.push_back(static_cast<char>(0xE0 | (code >> 12)));
        out.push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
      }
      i += 7;
      continue;
    }
    out.push_back(text[i++]);
  }
  return out;
}

// The text of a string item (<si> or <is>): its <t>, or its runs' <t> joined;
// phonetic runs (<rPh>) are not part of the text.
std::string ItemText(const pugi::xml_node& item) {
  std::string out;
  for (pugi::xml_node c : item.children()) {
    if (Is(c, "t")) {
      out += c.text().get();
    } else if (Is(c, "r")) {
      out += Child(c, "t").text().get();
    }
  }
  return Unescape(std::move(out));
}

// ---- numbers and dates ----

bool IsBuiltInDate(int id) {
  return (id >= 14 && id <= 17) || (id >= 27 && id <= 31) || id == 36 || (id >= 50 && id <= 54) ||
         id == 57 || id == 58;
}

bool IsBuiltInTime(int id) {
  return (id >= 18 && id <= 21) || (id >= 32 && id <= 35) || (id >= 45 && id <= 47) || id == 55 ||
         id == 56;
}

// The civil day of `days` in the date system.
std::optional<absl::CivilDay> DayOf(int64_t days, bool date1904) {
  if (date1904) {
    if (days < 0) return std::nullopt;
    return absl::CivilDay(1904, 1, 1) + days;
  }
  if (days < 1) return std::nullopt;
  // Excel counts a 1900-02-29 that did not exist (serial 60): from serial 61
  // on, day 0 is 1899-12-30; before it, 1899-12-31. Serial 60 reads as 03-01.
  return days >= 61 ? absl::CivilDay(1899, 12, 30) + days : absl::CivilDay(1899, 12, 31) + days;
}

// Formats a number cell's value `raw` through `kind`.
std::string NumberText(absl::string_view raw, NumberFormatKind kind, bool date1904) {
  double value = 0;
  const absl::string_view trimmed = absl::StripAsciiWhitespace(raw);
  if (!absl::SimpleAtod(trimmed, &value) || !std::isfinite(value)) return std::string(trimmed);
  return FormatSerial(value, kind, date1904);
}

// ---- the workbook ----

class WorkbookReader {
 public:
  WorkbookReader(Archive& archive, const XlsxLimits& limits) : archive_(archive), limits_(limits) {}

  absl::StatusOr<std::vector<SheetRow>> Read() {
    absl::StatusOr<std::string> workbook = WorkbookPart();
    if (!workbook.ok()) return workbook.status();
    absl::StatusOr<std::unique_ptr<Part>> book = ParsePart(archive_, *workbook, limits_);
    if (!book.ok()) return book.status();
    if (*book == nullptr) return NotWorkbook(absl::StrCat("it has no ", *workbook));
    const pugi::xml_node root = Child((*book)->doc, "workbook");
    if (!root) return NotWorkbook(absl::StrCat(*workbook, " holds no <workbook>"));
    const absl::string_view date1904 = Attribute(Child(root, "workbookPr"), "date1904").value();
    date1904_ = date1904 == "1" || date1904 == "true";
    absl::StatusOr<std::map<std::string, Relationship>> rels =
        RelationshipsOf(archive_, *workbook, limits_);
    if (!rels.ok()) return rels.status();
    const std::string directory = DirectoryOf(*workbook);

    std::string sheet;
    for (pugi::xml_node s : Child(root, "sheets").children()) {
      if (!Is(s, "sheet")) continue;
      auto it = rels->find(Attribute(s, "id", /*prefixed=*/true).value());
      if (it != rels->end() && it->second.type == "worksheet") {
        sheet = it->second.target;
        break;
      }
    }
    if (sheet.empty()) return NotWorkbook(absl::StrCat(*workbook, " names no worksheet"));

    std::string shared = absl::StrCat(directory, "sharedStrings.xml");
    std::string styles = absl::StrCat(directory, "styles.xml");
    for (const auto& [id, rel] : *rels) {
      if (rel.type == "sharedStrings") shared = rel.target;
      if (rel.type == "styles") styles = rel.target;
    }
    if (absl::Status s = ReadSharedStrings(shared); !s.ok()) return s;
    if (absl::Status s = ReadStyles(styles); !s.ok()) return s;
    return ReadSheet(sheet);
  }

 private:
  // The workbook part: the package's officeDocument, else xl/workbook.xml.
  absl::StatusOr<std::string> WorkbookPart() {
    absl::StatusOr<std::map<std::string, Relationship>> package =
        RelationshipsOf(archive_, "", limits_);
    if (!package.ok()) return package.status();
    for (const auto& [id, rel] : *package) {
      if (rel.type == "officeDocument") return rel.target;
    }
    return std::string("xl/workbook.xml");
  }

  absl::Status ReadSharedStrings(const std::string& name) {
    absl::StatusOr<std::unique_ptr<Part>> part = ParsePart(archive_, name, limits_);
    if (!part.ok()) return part.status();
    if (*part == nullptr) return absl::OkStatus();
    for (pugi::xml_node si : Child((*part)->doc, "sst").children()) {
      if (Is(si, "si")) shared_.push_back(ItemText(si));
    }
    return absl::OkStatus();
  }

  absl::Status ReadStyles(const std::string& name) {
    absl::StatusOr<std::unique_ptr<Part>> part = ParsePart(archive_, name, limits_);
    if (!part.ok()) return part.status();
    if (*part == nullptr) return absl::OkStatus();
    const pugi::xml_node root = Child((*part)->doc, "styleSheet");
    std::map<int, std::string> codes;
    for (pugi::xml_node f : Child(root, "numFmts").children()) {
      if (Is(f, "numFmt"))
        codes[f.attribute("numFmtId").as_int(-1)] = f.attribute("formatCode").value();
    }
    for (pugi::xml_node xf : Child(root, "cellXfs").children()) {
      if (!Is(xf, "xf")) continue;
      const int id = xf.attribute("numFmtId").as_int(0);
      auto code = codes.find(id);
      xf_kinds_.push_back(
          ClassifyNumberFormat(id, code == codes.end() ? absl::string_view() : code->second));
    }
    return absl::OkStatus();
  }

  NumberFormatKind KindOfStyle(const pugi::xml_node& cell) const {
    const int s = cell.attribute("s").as_int(0);
    if (s < 0 || static_cast<size_t>(s) >= xf_kinds_.size()) return NumberFormatKind::kNumber;
    return xf_kinds_[static_cast<size_t>(s)];
  }

  // Parses "C7" into a 0-based column and the row. Errors: InvalidArgument.
  absl::Status ParseReference(absl::string_view ref, const std::string& sheet, size_t* column,
                              int* row) const {
    size_t i = 0;
    size_t col = 0;
    while (i < ref.size() && absl::ascii_isalpha(static_cast<unsigned char>(ref[i])) && i < 3) {
      col = col * 26 +
            static_cast<size_t>(absl::ascii_toupper(static_cast<unsigned char>(ref[i])) - 'A' + 1);
      ++i;
    }
    int r = 0;
    if (i == 0 || col > kMaxSheetColumn || !absl::SimpleAtoi(ref.substr(i), &r) || r < 1 ||
        r > kMaxSheetRow ||
        !absl::ascii_isdigit(static_cast<unsigned char>(ref.substr(i).empty() ? 'x' : ref[i]))) {
      return NotWorkbook(absl::StrCat(sheet, ": bad cell reference \"", ref, "\""));
    }
    *column = col - 1;
    *row = r;
    return absl::OkStatus();
  }

  // The text of one cell.
  absl::StatusOr<std::string> CellText(const pugi::xml_node& c, const std::string& sheet,
                                       absl::string_view ref) const {
    const absl::string_view type = c.attribute("t").value();
    if (type == "inlineStr") return ItemText(Child(c, "is"));
    const pugi::xml_node v = Child(c, "v");
    const std::string value = v.text().get();
    if (value.empty()) return std::string();  // a styled cell without a value
    if (type == "s") {
      size_t index = 0;
      if (!absl::SimpleAtoi(absl::StripAsciiWhitespace(value), &index) || index >= shared_.size()) {
        return NotWorkbook(absl::StrCat(sheet, ": cell ", ref, " names shared string \"", value,
                                        "\" of ", shared_.size()));
      }
      return shared_[index];
    }
    if (type == "str") return Unescape(value);
    if (type == "e") return value;
    if (type == "b") {
      const absl::string_view b = absl::StripAsciiWhitespace(value);
      if (b.empty()) return std::string();
      return std::string(b == "1" || b == "true" ? "TRUE" : "FALSE");
    }
    if (type == "d") {
      // ISO 8601: the date, and the time when it is not midnight.
      absl::string_view d = absl::StripAsciiWhitespace(value);
      const size_t t = d.find('T');
      if (t != absl::string_view::npos) {
        absl::string_view time = d.substr(t + 1);
        if (absl::StartsWith(time, "00:00:00") || time.empty()) d = d.substr(0, t);
      }
      return std::string(d);
    }
    return NumberText(value, KindOfStyle(c), date1904_);
  }

  absl::StatusOr<std::vector<SheetRow>> ReadSheet(const std::string& name) {
    absl::StatusOr<std::unique_ptr<Part>> part = ParsePart(archive_, name, limits_);
    if (!part.ok()) return part.status();
    if (*part == nullptr) return NotWorkbook(absl::StrCat("it has no ", name));
    const pugi::xml_node data = Child(Child((*part)->doc, "worksheet"), "sheetData");
    if (!data) return NotWorkbook(absl::StrCat(name, " holds no <sheetData>"));
    std::vector<SheetRow> rows;
    size_t text_bytes = 0;
    int previous_row = 0;
    for (pugi::xml_node row : data.children()) {
      if (!Is(row, "row")) continue;
      int number = previous_row + 1;
      if (pugi::xml_attribute r = row.attribute("r"); r) {
        if (!absl::SimpleAtoi(r.value(), &number) || number < 1 || number > kMaxSheetRow) {
          return NotWorkbook(absl::StrCat(name, ": bad row number \"", r.value(), "\""));
        }
      }
      if (number <= previous_row || number > kMaxSheetRow) {
        return NotWorkbook(absl::StrCat(name, ": row ", number, " comes after row ", previous_row));
      }
      previous_row = number;
      SheetRow out;
      out.number = number;
      size_t next_column = 0;
      for (pugi::xml_node c : row.children()) {
        if (!Is(c, "c")) continue;
        size_t column = next_column;
        std::string ref;
        if (pugi::xml_attribute r = c.attribute("r"); r) {
          ref = r.value();
          int cell_row = 0;
          if (absl::Status s = ParseReference(ref, name, &column, &cell_row); !s.ok()) return s;
          if (cell_row != number) {
            return NotWorkbook(
                absl::StrCat(name, ": cell ", ref, " is in row ", number, ", not ", cell_row));
          }
        } else {
          ref = absl::StrCat(ColumnLetters(column), number);
        }
        next_column = column + 1;
        absl::StatusOr<std::string> text = CellText(c, name, ref);
        if (!text.ok()) return text.status();
        if (text->empty()) continue;
        if (column >= limits_.max_columns) {
          return absl::InvalidArgumentError(absl::StrCat(
              "xlsx: cell ", ref, " is beyond column ", ColumnLetters(limits_.max_columns - 1),
              "; at most ", limits_.max_columns, " columns are read"));
        }
        text_bytes += text->size();
        if (text_bytes > limits_.max_unpacked_bytes) {
          return absl::InvalidArgumentError(absl::StrCat(
              "xlsx: the cells hold more than ", limits_.max_unpacked_bytes >> 20, " MiB of text"));
        }
        if (out.cells.size() <= column) out.cells.resize(column + 1);
        out.cells[column] = *std::move(text);
      }
      if (out.cells.empty()) continue;
      if (rows.size() >= limits_.max_rows) {
        return absl::InvalidArgumentError(
            absl::StrCat("xlsx: more than ", limits_.max_rows, " rows"));
      }
      rows.push_back(std::move(out));
    }
    return rows;
  }

  Archive& archive_;
  const XlsxLimits& limits_;
  bool date1904_ = false;
  std::vector<std::string> shared_;
  std::vector<NumberFormatKind> xf_kinds_;
};

}  // namespace

bool LooksLikeZip(absl::string_view bytes) {
  return absl::StartsWith(bytes, absl::string_view("PK\x03\x04", 4));
}

std::string ShortestDecimal(double value) {
  if (value == 0) return "0";
  if (!std::isfinite(value)) return absl::StrFormat("%g", value);
  if (std::fabs(value) < 1e15 && value == std::floor(value)) return absl::StrFormat("%.0f", value);
  // The fewest significant digits that read back as the value.
  std::string e;
  for (int digits = 1; digits <= 17; ++digits) {
    e = absl::StrFormat("%.*e", digits - 1, value);
    double back = 0;
    if (absl::SimpleAtod(e, &back) && back == value) break;
  }
  const double magnitude = std::fabs(value);
  if (magnitude < 1e-7 || magnitude >= 1e21) {
    double back = 0;
    std::string g = absl::StrFormat("%.17g", value);
    for (int digits = 1; digits <= 17; ++digits) {
      g = absl::StrFormat("%.*g", digits, value);
      if (absl::SimpleAtod(g, &back) && back == value) break;
    }
    return g;
  }
  // "-1.2345e+02" → sign, digits "12345", exponent 2 → "-123.45".
  const bool negative = e[0] == '-';
  const size_t e_at = e.find('e');
  std::string digits;
  for (size_t i = negative ? 1 : 0; i < e_at; ++i) {
    if (e[i] != '.') digits.push_back(e[i]);
  }
  int exponent = 0;
  (void)absl::SimpleAtoi(absl::string_view(e).substr(e_at + 1), &exponent);
  std::string out = negative ? "-" : "";
  if (exponent >= 0) {
    const size_t whole = static_cast<size_t>(exponent) + 1;
    if (digits.size() <= whole) {
      out += digits + std::string(whole - digits.size(), '0');
    } else {
      out += digits.substr(0, whole) + "." + digits.substr(whole);
    }
  } else {
    out += "0." + std::string(static_cast<size_t>(-exponent - 1), '0') + digits;
  }
  return out;
}

NumberFormatKind ClassifyNumberFormat(int id, absl::string_view code) {
  if (code.empty()) {
    if (IsBuiltInDate(id)) return NumberFormatKind::kDate;
    if (id == 22) return NumberFormatKind::kDateTime;
    if (IsBuiltInTime(id)) return NumberFormatKind::kTime;
    return NumberFormatKind::kNumber;
  }
  // The first section, without literals ("…", \x), fills and paddings (*x,
  // _x) and [..] (colours, locales, conditions; [h] [m] [s] are elapsed time).
  bool date = false, time = false, month = false;
  bool in_quote = false;
  for (size_t i = 0; i < code.size(); ++i) {
    const char c = code[i];
    if (in_quote) {
      in_quote = c != '"';
      continue;
    }
    if (c == '"') {
      in_quote = true;
    } else if (c == ';') {
      break;
    } else if (c == '\\' || c == '*' || c == '_') {
      ++i;
    } else if (c == '[') {
      const size_t end = code.find(']', i);
      if (end == absl::string_view::npos) break;
      const std::string inside = absl::AsciiStrToLower(code.substr(i + 1, end - i - 1));
      if (!inside.empty() && inside.find_first_not_of("hms") == std::string::npos) time = true;
      i = end;
    } else {
      const char l = absl::ascii_tolower(static_cast<unsigned char>(c));
      if ((l == 'a' || l == 'p') && i + 1 < code.size()) {
        // AM/PM and A/P are not months or minutes.
        const absl::string_view rest = code.substr(i);
        if (absl::StartsWithIgnoreCase(rest, "am/pm")) {
          time = true;
          i += 4;
          continue;
        }
        if (absl::StartsWithIgnoreCase(rest, "a/p")) {
          time = true;
          i += 2;
          continue;
        }
      }
      if (l == 'y' || l == 'd') date = true;
      if (l == 'h' || l == 's') time = true;
      if (l == 'm') month = true;
    }
  }
  // m is minutes next to h or s, a month otherwise.
  if (month && !time) date = true;
  if (date && time) return NumberFormatKind::kDateTime;
  if (date) return NumberFormatKind::kDate;
  if (time) return NumberFormatKind::kTime;
  return NumberFormatKind::kNumber;
}

std::string FormatSerial(double serial, NumberFormatKind kind, bool date1904) {
  if (kind == NumberFormatKind::kNumber || !std::isfinite(serial) || serial < 0 ||
      serial >= 2958466) {
    return ShortestDecimal(serial);
  }
  int64_t days = static_cast<int64_t>(std::floor(serial));
  int64_t seconds = std::llround((serial - static_cast<double>(days)) * 86400.0);
  if (seconds >= 86400) {
    ++days;
    seconds -= 86400;
  }
  const std::string clock =
      absl::StrFormat("%02d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60);
  if (kind == NumberFormatKind::kTime) {
    if (days == 0) return clock;
    return absl::StrFormat("%02d:%02d:%02d", days * 24 + seconds / 3600, seconds / 60 % 60,
                           seconds % 60);
  }
  const std::optional<absl::CivilDay> day = DayOf(days, date1904);
  if (!day.has_value() || day->year() > 9999) return ShortestDecimal(serial);
  std::string out = absl::FormatCivilTime(*day);
  if (kind == NumberFormatKind::kDateTime && seconds != 0) absl::StrAppend(&out, " ", clock);
  return out;
}

absl::StatusOr<std::vector<SheetRow>> ReadFirstWorksheet(absl::string_view xlsx,
                                                         const XlsxLimits& limits) {
  absl::StatusOr<std::unique_ptr<Archive>> archive = Archive::Open(xlsx, limits);
  if (!archive.ok()) return archive.status();
  WorkbookReader reader(**archive, limits);
  return reader.Read();
}

}  // namespace ecoplan::common
