#include "common/docx/docx_reader.h"

#include <zip.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <pugixml.hpp>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/status/status_macros.h"

namespace ecoplan::common {
namespace {

constexpr absl::string_view kDocumentPart = "word/document.xml";

absl::Status NotDocx(absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat("not a .docx document: ", why));
}

absl::Status OverLimit(absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat("docx: ", why));
}

// ---- the zip container ----

struct ZipCloser {
  void operator()(zip_t* z) const { zip_discard(z); }
};

// word/document.xml unpacked, within the limits: the number of entries, the
// size the archive declares for the part, and the bytes actually unpacked
// (a declared size can lie).
absl::StatusOr<std::string> ReadDocumentPart(absl::string_view bytes, const DocxLimits& limits) {
  if (absl::StartsWith(bytes, absl::string_view("\xD0\xCF\x11\xE0", 4))) {
    return NotDocx(
        "an encrypted document or an old .doc file (OLE); save it as .docx without a password");
  }
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* source = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
  zip_t* raw = source == nullptr ? nullptr : zip_open_from_source(source, ZIP_RDONLY, &error);
  if (raw == nullptr) {
    if (source != nullptr) zip_source_free(source);
    absl::Status s = NotDocx(absl::StrCat("not a zip archive (", zip_error_strerror(&error), ")"));
    zip_error_fini(&error);
    return s;
  }
  zip_error_fini(&error);
  std::unique_ptr<zip_t, ZipCloser> zip(raw);

  const zip_int64_t entries = zip_get_num_entries(zip.get(), 0);
  if (entries < 0 || static_cast<size_t>(entries) > limits.max_entries) {
    return OverLimit(absl::StrCat("the archive has ", entries, " entries, more than ",
                                  limits.max_entries, "; a Word document has a few dozen"));
  }
  const zip_int64_t index =
      zip_name_locate(zip.get(), std::string(kDocumentPart).c_str(), ZIP_FL_NOCASE);
  if (index < 0) return NotDocx("the archive has no word/document.xml");
  zip_stat_t stat;
  zip_stat_init(&stat);
  if (zip_stat_index(zip.get(), static_cast<zip_uint64_t>(index), 0, &stat) == 0 &&
      (stat.valid & ZIP_STAT_SIZE) != 0 && stat.size > limits.max_document_xml_bytes) {
    return OverLimit(absl::StrCat("word/document.xml declares ", stat.size,
                                  " bytes unpacked, more than ", limits.max_document_xml_bytes,
                                  " (", limits.max_document_xml_bytes >> 20, " MiB)"));
  }
  zip_file_t* file = zip_fopen_index(zip.get(), static_cast<zip_uint64_t>(index), 0);
  if (file == nullptr) {
    return NotDocx(absl::StrCat("cannot open word/document.xml (",
                                zip_error_strerror(zip_get_error(zip.get())), ")"));
  }
  std::string out;
  char buffer[64 * 1024];
  absl::Status status;
  for (;;) {
    const zip_int64_t n = zip_fread(file, buffer, sizeof(buffer));
    if (n < 0) {
      status = NotDocx(absl::StrCat("cannot unpack word/document.xml (",
                                    zip_error_strerror(zip_file_get_error(file)), ")"));
      break;
    }
    if (n == 0) break;
    if (out.size() + static_cast<size_t>(n) > limits.max_document_xml_bytes) {
      status = OverLimit(absl::StrCat("word/document.xml unpacks to more than ",
                                      limits.max_document_xml_bytes, " bytes (",
                                      limits.max_document_xml_bytes >> 20, " MiB)"));
      break;
    }
    out.append(buffer, static_cast<size_t>(n));
  }
  zip_fclose(file);
  if (!status.ok()) return status;
  return out;
}

// ---- XML ----

// The local name of an element ("w:p" → "p").
absl::string_view Local(const pugi::xml_node& node) {
  absl::string_view n(node.name());
  const size_t colon = n.find(':');
  return colon == absl::string_view::npos ? n : n.substr(colon + 1);
}

bool Is(const pugi::xml_node& node, absl::string_view local) {
  return node.type() == pugi::node_element && Local(node) == local;
}

pugi::xml_node Child(const pugi::xml_node& node, absl::string_view local) {
  for (pugi::xml_node c : node.children()) {
    if (Is(c, local)) return c;
  }
  return pugi::xml_node();
}

// The w:val attribute (by its local name).
pugi::xml_attribute Val(const pugi::xml_node& node) {
  for (pugi::xml_attribute a : node.attributes()) {
    absl::string_view name(a.name());
    const size_t colon = name.find(':');
    if (colon != absl::string_view::npos) name.remove_prefix(colon + 1);
    if (name == "val") return a;
  }
  return pugi::xml_attribute();
}

// Walks <w:body> with bounded recursion (depth checked at every level).
class Walker {
 public:
  explicit Walker(const DocxLimits& limits) : limits_(limits) {}

  absl::StatusOr<DocxDocument> Body(const pugi::xml_node& body) {
    ECOPLAN_RETURN_IF_ERROR(Blocks(body, 1, nullptr));
    if (tracked_changes_ > 0) {
      Note(first_change_, "docx-tracked-changes",
           absl::StrCat(tracked_changes_,
                        " tracked changes (inserted or deleted text); read as the document "
                        "prints with all changes accepted"));
    }
    if (dropped_notes_ > 0) {
      out_.notes.push_back(
          DocxNote{"", "docx-more-notes", absl::StrCat(dropped_notes_, " more notes left out")});
    }
    return std::move(out_);
  }

 private:
  absl::Status Deeper(int depth) const {
    if (depth > limits_.max_depth) {
      return OverLimit(absl::StrCat("word/document.xml nests elements deeper than ",
                                    limits_.max_depth, " levels"));
    }
    return absl::OkStatus();
  }

  void Note(const std::string& position, absl::string_view code, std::string message) {
    if (out_.notes.size() >= limits_.max_notes) {
      ++dropped_notes_;
      return;
    }
    out_.notes.push_back(DocxNote{position, std::string(code), std::move(message)});
  }

  void TrackedChange(const std::string& position) {
    if (tracked_changes_++ == 0) first_change_ = position;
  }

  // One paragraph read; counted against the limits.
  absl::StatusOr<std::string> Paragraph(const pugi::xml_node& p, int depth,
                                        const std::string& position) {
    if (++paragraphs_ > limits_.max_paragraphs) {
      return OverLimit(absl::StrCat("more than ", limits_.max_paragraphs, " paragraphs"));
    }
    std::string text;
    ECOPLAN_RETURN_IF_ERROR(Inline(p, depth, position, &text));
    text_bytes_ += text.size();
    if (text_bytes_ > limits_.max_text_bytes) {
      return OverLimit(absl::StrCat("more than ", limits_.max_text_bytes, " bytes of text"));
    }
    return text;
  }

  // Whether `node` holds a text box within `depth` levels.
  absl::StatusOr<bool> HasTextBox(const pugi::xml_node& node, int depth) const {
    ECOPLAN_RETURN_IF_ERROR(Deeper(depth));
    for (pugi::xml_node c : node.children()) {
      if (c.type() != pugi::node_element) continue;
      if (Local(c) == "txbxContent") return true;
      absl::StatusOr<bool> inner = HasTextBox(c, depth + 1);
      if (!inner.ok() || *inner) return inner;
    }
    return false;
  }

  // The text of the inline content of `node` (a paragraph, a run, …).
  absl::Status Inline(const pugi::xml_node& node, int depth, const std::string& position,
                      std::string* text) {
    ECOPLAN_RETURN_IF_ERROR(Deeper(depth));
    for (pugi::xml_node c : node.children()) {
      if (c.type() != pugi::node_element) continue;
      const absl::string_view name = Local(c);
      if (name == "t") {
        for (pugi::xml_node data : c.children()) {
          if (data.type() == pugi::node_pcdata || data.type() == pugi::node_cdata) {
            *text += data.value();
          }
        }
      } else if (name == "tab") {
        *text += ' ';
      } else if (name == "br" || name == "cr") {
        *text += '\n';
      } else if (name == "noBreakHyphen") {
        *text += '-';
      } else if (name == "del" || name == "moveFrom") {
        TrackedChange(position);
      } else if (name == "ins" || name == "moveTo") {
        TrackedChange(position);
        ECOPLAN_RETURN_IF_ERROR(Inline(c, depth + 1, position, text));
      } else if (name == "txbxContent") {
        Note(position, "docx-text-box", "a text box; its text is left out");
      } else if (name == "drawing" || name == "pict" || name == "object") {
        absl::StatusOr<bool> box = HasTextBox(c, depth + 1);
        if (!box.ok()) return box.status();
        if (*box) {
          Note(position, "docx-text-box", "a text box; its text is left out");
        } else {
          Note(position, "docx-image", "an image or drawing; only text is read");
        }
      } else if (name == "AlternateContent") {
        // Markup compatibility: the first choice is what Word shows.
        pugi::xml_node choice = Child(c, "Choice");
        if (!choice) choice = Child(c, "Fallback");
        if (choice) ECOPLAN_RETURN_IF_ERROR(Inline(choice, depth + 1, position, text));
      } else if (name == "pPr" || name == "rPr" || name == "sdtPr" || name == "sdtEndPr" ||
                 name == "instrText" || name == "delText" || name == "fldChar" ||
                 name == "delInstrText") {
        // Properties and field codes: no printed text.
      } else {
        // Runs, hyperlinks, content controls, smart tags, simple fields …
        ECOPLAN_RETURN_IF_ERROR(Inline(c, depth + 1, position, text));
      }
    }
    return absl::OkStatus();
  }

  // Paragraphs and tables below `node` (the body, a cell, a content control).
  // In a cell (`cell` set) paragraphs go to the cell, and a nested table's
  // paragraphs too.
  absl::Status Blocks(const pugi::xml_node& node, int depth, DocxCell* cell) {
    ECOPLAN_RETURN_IF_ERROR(Deeper(depth));
    for (pugi::xml_node c : node.children()) {
      if (c.type() != pugi::node_element) continue;
      const absl::string_view name = Local(c);
      if (name == "p") {
        std::string position;
        if (cell != nullptr) {
          position = cell->paragraphs.empty()
                         ? cell->position
                         : absl::StrCat(cell->position, " paragraph ", cell->paragraphs.size() + 1);
        } else {
          position = absl::StrCat("paragraph ", ++body_paragraphs_);
        }
        absl::StatusOr<std::string> text = Paragraph(c, depth + 1, position);
        if (!text.ok()) return text.status();
        if (cell != nullptr) {
          cell->paragraphs.push_back(*std::move(text));
        } else {
          DocxBlock block;
          block.text = *std::move(text);
          block.position = std::move(position);
          out_.blocks.push_back(std::move(block));
        }
      } else if (name == "tbl") {
        if (cell != nullptr) {
          Note(cell->position, "docx-nested-table",
               "a table inside this cell; its cells are read as paragraphs of the cell");
          DocxTable nested;
          ECOPLAN_RETURN_IF_ERROR(Table(c, depth + 1, cell->position + " nested table", &nested));
          for (DocxRow& row : nested.rows) {
            for (DocxCell& inner : row.cells) {
              for (std::string& p : inner.paragraphs) cell->paragraphs.push_back(std::move(p));
            }
          }
        } else {
          DocxBlock block;
          block.is_table = true;
          block.position = absl::StrCat("table ", ++body_tables_);
          ECOPLAN_RETURN_IF_ERROR(Table(c, depth + 1, block.position, &block.table));
          out_.blocks.push_back(std::move(block));
        }
      } else if (name == "sdt") {
        pugi::xml_node content = Child(c, "sdtContent");
        if (content) ECOPLAN_RETURN_IF_ERROR(Blocks(content, depth + 2, cell));
      } else if (name == "customXml" || name == "ins" || name == "moveTo") {
        if (name != "customXml") TrackedChange(cell ? cell->position : "paragraph");
        ECOPLAN_RETURN_IF_ERROR(Blocks(c, depth + 1, cell));
      } else if (name == "del" || name == "moveFrom") {
        TrackedChange(cell ? cell->position : absl::StrCat("paragraph ", body_paragraphs_ + 1));
      }
      // sectPr, bookmarks, permissions …: no text.
    }
    return absl::OkStatus();
  }

  // Rows below `node` (the table, or a content control around rows).
  absl::Status Rows(const pugi::xml_node& node, int depth, const std::string& position,
                    DocxTable* table) {
    ECOPLAN_RETURN_IF_ERROR(Deeper(depth));
    for (pugi::xml_node c : node.children()) {
      if (c.type() != pugi::node_element) continue;
      const absl::string_view name = Local(c);
      if (name == "sdt") {
        pugi::xml_node content = Child(c, "sdtContent");
        if (content) ECOPLAN_RETURN_IF_ERROR(Rows(content, depth + 2, position, table));
        continue;
      }
      if (name == "customXml") {
        ECOPLAN_RETURN_IF_ERROR(Rows(c, depth + 1, position, table));
        continue;
      }
      if (name != "tr") continue;
      DocxRow row;
      row.position = absl::StrCat(position, " row ", table->rows.size() + 1);
      pugi::xml_node properties = Child(c, "trPr");
      if (Child(properties, "del")) {
        TrackedChange(row.position);
        continue;  // a deleted row: accepted, it is gone
      }
      if (Child(properties, "ins")) TrackedChange(row.position);
      ECOPLAN_RETURN_IF_ERROR(Cells(c, depth + 1, &row));
      table->rows.push_back(std::move(row));
    }
    return absl::OkStatus();
  }

  absl::Status Cells(const pugi::xml_node& node, int depth, DocxRow* row) {
    ECOPLAN_RETURN_IF_ERROR(Deeper(depth));
    for (pugi::xml_node c : node.children()) {
      if (c.type() != pugi::node_element) continue;
      const absl::string_view name = Local(c);
      if (name == "sdt") {
        pugi::xml_node content = Child(c, "sdtContent");
        if (content) ECOPLAN_RETURN_IF_ERROR(Cells(content, depth + 2, row));
        continue;
      }
      if (name == "customXml") {
        ECOPLAN_RETURN_IF_ERROR(Cells(c, depth + 1, row));
        continue;
      }
      if (name != "tc") continue;
      DocxCell cell;
      cell.position = absl::StrCat(row->position, " cell ", row->cells.size() + 1);
      pugi::xml_node properties = Child(c, "tcPr");
      int span = 1;
      if (pugi::xml_node grid_span = Child(properties, "gridSpan")) {
        if (!absl::SimpleAtoi(Val(grid_span).value(), &span) || span < 1) span = 1;
        cell.grid_span = std::min(span, 1000);
      }
      if (pugi::xml_node merge = Child(properties, "vMerge")) {
        cell.vertical_merge = absl::string_view(Val(merge).value()) == "restart"
                                  ? DocxCell::VerticalMerge::kRestart
                                  : DocxCell::VerticalMerge::kContinue;
      }
      ECOPLAN_RETURN_IF_ERROR(Blocks(c, depth + 1, &cell));
      if (pugi::xml_node merge = Child(properties, "hMerge");
          merge && absl::string_view(Val(merge).value()) != "restart" && !row->cells.empty()) {
        // The legacy horizontal merge: this cell widens the one before it.
        row->cells.back().grid_span += cell.grid_span;
        continue;
      }
      if (cell.vertical_merge == DocxCell::VerticalMerge::kContinue) {
        bool has_text = false;
        for (const std::string& p : cell.paragraphs) {
          if (!absl::StripAsciiWhitespace(p).empty()) has_text = true;
        }
        if (has_text) {
          Note(cell.position, "docx-merged-cell-text",
               "text in a cell merged with the cell above; Word hides it, so it is left out");
        }
        cell.paragraphs.clear();
      }
      row->cells.push_back(std::move(cell));
    }
    return absl::OkStatus();
  }

  absl::Status Table(const pugi::xml_node& tbl, int depth, const std::string& position,
                     DocxTable* table) {
    ECOPLAN_RETURN_IF_ERROR(Deeper(depth));
    table->position = position;
    for (pugi::xml_node col : Child(tbl, "tblGrid").children()) {
      if (Is(col, "gridCol")) ++table->grid_columns;
    }
    return Rows(tbl, depth, position, table);
  }

  const DocxLimits& limits_;
  DocxDocument out_;
  int body_paragraphs_ = 0;
  int body_tables_ = 0;
  size_t paragraphs_ = 0;
  size_t text_bytes_ = 0;
  int tracked_changes_ = 0;
  std::string first_change_;
  size_t dropped_notes_ = 0;
};

}  // namespace

absl::StatusOr<DocxDocument> ReadDocx(absl::string_view bytes, const DocxLimits& limits) {
  absl::StatusOr<std::string> xml = ReadDocumentPart(bytes, limits);
  if (!xml.ok()) return xml.status();
  // A DOCTYPE could declare entities; a Word document never has one.
  static constexpr absl::string_view kDoctype = "<!DOCTYPE";
  for (size_t at = xml->find("<!"); at != std::string::npos; at = xml->find("<!", at + 2)) {
    if (absl::StartsWithIgnoreCase(absl::string_view(*xml).substr(at), kDoctype) ||
        absl::StartsWithIgnoreCase(absl::string_view(*xml).substr(at), "<!ENTITY")) {
      return OverLimit("word/document.xml has a DOCTYPE (entity declarations are refused)");
    }
  }
  const size_t markup = static_cast<size_t>(std::count(xml->begin(), xml->end(), '<'));
  if (markup > limits.max_markup) {
    return OverLimit(
        absl::StrCat("word/document.xml has more than ", limits.max_markup, " XML tags"));
  }
  pugi::xml_document doc;
  // No parse_doctype: pugixml never expands entities beyond the five of XML.
  const pugi::xml_parse_result parsed = doc.load_buffer_inplace(
      xml->data(), xml->size(), pugi::parse_default | pugi::parse_ws_pcdata, pugi::encoding_utf8);
  if (!parsed) {
    return NotDocx(absl::StrCat("word/document.xml is not XML (", parsed.description(), " at byte ",
                                parsed.offset, ")"));
  }
  pugi::xml_node body = Child(Child(doc, "document"), "body");
  if (!body) return NotDocx("word/document.xml has no <w:document><w:body>");
  Walker walker(limits);
  return walker.Body(body);
}

}  // namespace ecoplan::common
