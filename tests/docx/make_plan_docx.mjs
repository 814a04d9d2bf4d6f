// Builds Word documents (.docx) of action plans with the npm `docx` library,
// as a word processor would save them, for the tests of the .docx import:
//
//   node tests/docx/make_plan_docx.mjs <plan.txt> <out_dir>
//
// writes into <out_dir>:
//   plan.docx          the whole plan text (the seed's format, plan_parser.h)
//                      as a document: each front-matter line a paragraph;
//                      each annex heading and title; each table a Word table
//                      whose cells hold one paragraph per line (several
//                      paragraphs in a cell, blank ones included); in a task
//                      table (first cell 序号) the 序号 and 重点任务 cells of a
//                      task vertically merged (rowSpan) over its measure rows,
//                      and each 一、/（一） heading row one cell spanning the
//                      six columns; ★ marks as text.
//   tracked.docx       the same plan with a tracked change in the first
//                      measure: an inserted word and a deleted word.
// The files differ between runs only in the dates docx writes in
// docProps/core.xml; word/document.xml is the same for the same input.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  Document, Packer, Paragraph, TextRun, Table, TableRow, TableCell, WidthType,
  InsertedTextRun, DeletedTextRun,
} from 'docx';

const [, , planPath, outDir] = process.argv;
if (!planPath || !outDir) {
  console.error('usage: node make_plan_docx.mjs <plan.txt> <out_dir>');
  process.exit(2);
}

const isAnnexHeading = (line) => /^附件\d+\s*$/.test(line);
const isColophon = (line) => /^抄送[:：]/.test(line.trim());
const isHeading = (text) => /^[一二三四五六七八九十]+、/.test(text) ||
  /^（[一二三四五六七八九十]+）/.test(text);

// The plan text as blocks: { kind: 'p', text } and { kind: 'table', cells }
// where each cell is its lines (the TAB removed) and `rowEnd` says a blank
// line followed the cell before the next TAB line.
function blocksOf(text) {
  const lines = text.replace(/\r\n/g, '\n').replace(/\n$/, '').split('\n');
  const blocks = [];
  let i = 0;
  let inAnnex = false;
  while (i < lines.length) {
    const line = lines[i];
    if (isAnnexHeading(line)) inAnnex = true;
    if (!inAnnex || !line.startsWith('\t')) {
      blocks.push({ kind: 'p', text: line });
      i++;
      continue;
    }
    // A table: up to the next annex heading or the colophon.
    const cells = [];
    while (i < lines.length && !isAnnexHeading(lines[i]) && !isColophon(lines[i])) {
      if (lines[i].startsWith('\t') || cells.length === 0) {
        cells.push({ lines: [lines[i].replace(/^\t/, '')], rowEnd: false });
      } else {
        cells[cells.length - 1].lines.push(lines[i]);
      }
      i++;
    }
    let trailing = 0;  // blank lines after the table, kept as paragraphs
    cells.forEach((cell, k) => {
      let blanks = 0;
      while (cell.lines.length > 1 && cell.lines[cell.lines.length - 1].trim() === '') {
        cell.lines.pop();
        blanks++;
      }
      cell.rowEnd = blanks > 0 || k === cells.length - 1;
      if (k === cells.length - 1) trailing = blanks;
    });
    blocks.push({ kind: 'table', cells });
    for (let t = 0; t < trailing; t++) blocks.push({ kind: 'p', text: '' });
  }
  return blocks;
}

// Rows of cells: a task table by six cells (a heading alone), any other
// table by the blank lines between rows.
function rowsOf(cells) {
  const rows = [];
  if (cells[0].lines[0].trim() === '序号') {
    for (let k = 0; k < cells.length;) {
      if (isHeading(cells[k].lines.join('').trim())) {
        rows.push([cells[k]]);
        k++;
      } else {
        rows.push(cells.slice(k, k + 6));
        k += 6;
      }
    }
    return { task: true, rows };
  }
  let row = [];
  for (const cell of cells) {
    row.push(cell);
    if (cell.rowEnd) {
      rows.push(row);
      row = [];
    }
  }
  if (row.length) rows.push(row);
  return { task: false, rows };
}

const paragraphs = (lines, runOf) => lines.map((l, n) => new Paragraph({ children: runOf(l, n) }));
const plainRun = (l) => [new TextRun(l)];

function tableOf(cells, options) {
  const { task, rows } = rowsOf(cells);
  const columns = Math.max(...rows.map((r) => r.length));
  const out = [];
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r];
    const cellOf = (cell, extra = {}) => new TableCell({
      children: paragraphs(cell.lines, options.runOf ?? plainRun),
      ...extra,
    });
    if (task && row.length === 1) {
      out.push(new TableRow({ children: [cellOf(row[0], { columnSpan: 6 })] }));
      continue;
    }
    const isMeasure = (x) => x.length === 6 && x[0].lines.join('').trim() === '' &&
      x[1].lines.join('').trim() === '';
    if (task && isMeasure(row) && r > 0) continue;  // merged into the task row above
    let span = 1;
    if (task && !isMeasure(row)) {
      while (r + span < rows.length && isMeasure(rows[r + span])) span++;
    }
    const children = row.map((cell, c) => cellOf(cell, span > 1 && c < 2 ? { rowSpan: span } : {}));
    out.push(new TableRow({ children }));
    for (let m = 1; m < span; m++) {
      // The measure rows: 工作措施 … 责任单位; docx adds the merged cells.
      out.push(new TableRow({ children: rows[r + m].slice(2).map((cell) => cellOf(cell)) }));
    }
  }
  return new Table({ rows: out, columnWidths: Array(columns).fill(1400),
    width: { size: 100, type: WidthType.PERCENTAGE } });
}

async function write(name, text, options = {}) {
  const children = [];
  for (const block of blocksOf(text)) {
    if (block.kind === 'p') {
      children.push(new Paragraph({ children: [new TextRun(block.text)] }));
    } else {
      children.push(tableOf(block.cells, options));
      // Word needs a paragraph between two tables; the text has the annex heading.
    }
  }
  const doc = new Document({ creator: 'ecoplan tests', sections: [{ children }] });
  writeFileSync(join(outDir, name), await Packer.toBuffer(doc));
}

mkdirSync(outDir, { recursive: true });
const plan = readFileSync(planPath, 'utf8');
await write('plan.docx', plan);

// The first line that reads "PM2.5年均浓度达到…": a tracked insertion of "全区"
// before it and a tracked deletion of "旧文" after it.
let tracked = false;
await write('tracked.docx', plan, {
  runOf: (line) => {
    if (tracked || !line.startsWith('PM2.5年均浓度')) return [new TextRun(line)];
    tracked = true;
    const date = '2026-04-01T00:00:00Z';
    return [
      new InsertedTextRun({ id: 1, author: 'reviewer', date, text: '全区' }),
      new TextRun(line),
      new DeletedTextRun({ id: 2, author: 'reviewer', date, text: '旧文' }),
    ];
  },
});
console.log(`wrote plan.docx and tracked.docx to ${outDir}`);
