// The 台账 read back with a real reader: exceljs (npm), not the project's own
// code. ledger_sample_xlsx (services/indicator/documents/testing) writes the
// sample month's workbook and the facts it was drawn from as the API's JSON;
// this compares them cell by cell: the sheets and their headers, every measure
// row, dates as Dates, numbers as numbers under their formats, the colour
// fills, the frozen header row and the autofilter, and one organization's
// ledger holding only its rows.
//
//   ECOPLAN_LEDGER_SAMPLE=build/services/indicator/documents/ledger_sample_xlsx \
//     node --test tests/documents/

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const binary = resolve(process.env.ECOPLAN_LEDGER_SAMPLE ??
  join(root, 'build/services/indicator/documents/ledger_sample_xlsx'));

const workDir = mkdtempSync(join(tmpdir(), 'ecoplan-ledger-'));
let facts;
let book;      // the whole plan's ledger
let orgBook;   // 区水务局's

async function load(file) {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(join(workDir, file));
  return wb;
}

before(async () => {
  execFileSync(binary, [workDir], { stdio: ['ignore', 'inherit', 'inherit'] });
  facts = JSON.parse(readFileSync(join(workDir, 'facts.json'), 'utf8'));
  book = await load('ledger.xlsx');
  orgBook = await load('ledger_o-sw.xlsx');
});

after(() => rmSync(workDir, { recursive: true, force: true }));

// The header row's texts.
function headers(ws) {
  return ws.getRow(1).values.slice(1);
}

// The rows below the header, as arrays of values (index 0 = column A).
function rows(ws) {
  const out = [];
  for (let r = 2; r <= ws.rowCount; r++) out.push(ws.getRow(r).values.slice(1));
  return out;
}

function column(ws, header) {
  const i = headers(ws).indexOf(header);
  assert.ok(i >= 0, `no column ${header} in ${ws.name}`);
  return i + 1;  // 1-based
}

const shortName = (name) => name.slice(name.lastIndexOf('/') + 1);
// A common.v1.Date as the Date exceljs reads (midnight UTC of the day).
const day = (d) => new Date(Date.UTC(d.year, d.month - 1, d.day));

test('the sheets, in order, each with a frozen header row and an autofilter', () => {
  assert.deepEqual(book.worksheets.map((ws) => ws.name), facts.sheets);
  for (const ws of book.worksheets) {
    const view = ws.views[0];
    assert.equal(view.state, 'frozen', ws.name);
    assert.equal(view.ySplit, 1, ws.name);
    const width = headers(ws).length;
    const last = String.fromCharCode('A'.charCodeAt(0) + width - 1);
    assert.equal(String(ws.autoFilter), `A1:${last}${Math.max(ws.rowCount, 1)}`, ws.name);
    assert.ok(ws.getRow(1).getCell(1).font?.bold, `${ws.name}: bold header`);
    assert.ok(ws.getColumn(1).width > 0, `${ws.name}: column width`);
  }
});

test('措施: every measure, cell by cell against ListMeasures and the lights', () => {
  const ws = book.getWorksheet('措施');
  assert.deepEqual(headers(ws).slice(0, 6), ['措施编号', '附件', '章节', '任务', '措施内容', '重点措施']);
  const names = Object.fromEntries(facts.organizations.map((o) => [o.name, o.displayName]));
  const lights = Object.fromEntries(facts.evaluation.measureLights.map((l) => [l.measure, l]));
  const got = rows(ws);
  assert.equal(got.length, facts.measures.length);
  const colourWord = { MEASURE_COLOUR_RED: '红', MEASURE_COLOUR_YELLOW: '黄', MEASURE_COLOUR_GREEN: '绿' };
  const colourFill = { MEASURE_COLOUR_RED: 'FFFF0000', MEASURE_COLOUR_YELLOW: 'FFFFFF00', MEASURE_COLOUR_GREEN: 'FF00B050' };
  facts.measures.forEach((m, i) => {
    const r = i + 2;
    const cell = (h) => ws.getRow(r).getCell(column(ws, h));
    assert.equal(cell('措施编号').value, shortName(m.name));
    assert.equal(cell('附件').value, m.annexNumber);
    assert.equal(typeof cell('附件').value, 'number');
    assert.equal(cell('任务').value, m.taskTitle);
    assert.equal(cell('措施内容').value, m.text);
    assert.equal(cell('重点措施').value ?? '', m.featured ? '★' : '');
    assert.equal(cell('牵头单位').value,
      m.leadOrganizations.map((o) => names[o.organization] ?? o.writtenName).join('、'));
    assert.equal(cell('完成时限').value, m.deadline.raw);
    const light = lights[m.name];
    const due = light.dueDate ?? m.deadline.dueDate;
    if (due) {
      assert.ok(cell('截止日期').value instanceof Date, `${m.name}: 截止日期 is a Date`);
      assert.equal(cell('截止日期').value.getTime(), day(due).getTime());
      assert.equal(cell('截止日期').numFmt, 'yyyy-mm-dd');
    } else {
      assert.equal(cell('截止日期').value, null);
    }
    assert.equal(cell('颜色').value, colourWord[light.colour]);
    assert.equal(cell('颜色').fill.fgColor.argb, colourFill[light.colour]);
    const latest = light.progress?.[0];
    if (latest) {
      assert.equal(cell('最新报告单位').value, latest.organization);
      assert.equal(typeof cell('最新报告完成比例').value, 'number');
      assert.equal(cell('最新报告完成比例').value, latest.percentDone / 100);
      assert.equal(cell('最新报告完成比例').numFmt, '0%');
    }
  });
});

test('月度报告: one row per entry, times as dates, percentages as numbers', () => {
  const ws = book.getWorksheet('月度报告');
  const entries = facts.reports.flatMap((r) => r.entries.map((e) => ({ r, e })));
  assert.equal(rows(ws).length, entries.length);
  entries.forEach(({ r, e }, i) => {
    const row = ws.getRow(i + 2);
    const cell = (h) => row.getCell(column(ws, h));
    assert.equal(cell('报告单位').value, r.organizationDisplayName);
    assert.equal(cell('措施编号').value, shortName(e.measure));
    assert.equal(cell('完成比例').value, e.percentDone / 100);
    const submitted = cell('最后报送时间').value;
    assert.ok(submitted instanceof Date);
    // Beijing wall time, stored as Excel stores it (no zone): +8 h of the UTC instant.
    assert.equal(submitted.getTime(), Date.parse(r.lastSubmitTime) + 8 * 3600 * 1000);
    assert.equal(cell('是否按时').value, r.timeliness === 'TIMELINESS_LATE' ? '逾期' : '按时');
  });
});

test('报送情况, 指标, 考核: the API figures as numbers', () => {
  const sub = book.getWorksheet('报送情况');
  assert.equal(rows(sub).length, facts.submissions.organizations.length);
  facts.submissions.organizations.forEach((o, i) => {
    const row = sub.getRow(i + 2);
    assert.equal(row.getCell(column(sub, '单位')).value, o.organizationDisplayName);
    assert.equal(row.getCell(column(sub, '负责措施数')).value, o.ownedMeasureCount);
  });
  const ind = book.getWorksheet('指标');
  facts.evaluation.evaluations.forEach((e, i) => {
    const row = ind.getRow(i + 2);
    assert.equal(row.getCell(column(ind, '指标编号')).value, shortName(e.indicator.name));
    assert.equal(row.getCell(column(ind, '当前值')).value, e.currentValue);
    assert.equal(row.getCell(column(ind, '目标值')).value, e.targetValue);
    assert.equal(row.getCell(column(ind, '预测值')).value ?? undefined, e.projectedValue);
    assert.equal(row.getCell(column(ind, '剩余期间需达到')).value ?? undefined, e.requiredRemainingValue);
  });
  const score = book.getWorksheet('考核');
  facts.evaluation.scorecards.forEach((c, i) => {
    const row = score.getRow(i + 2);
    assert.equal(row.getCell(column(score, '单位')).value, c.organization);
    assert.equal(row.getCell(column(score, '得分')).value, c.score);
  });
});

test('延期 and 完成: those of the month only', () => {
  const ext = book.getWorksheet('延期');
  const may = facts.extensions.filter((e) => e.requestTime.startsWith(facts.month) ||
    (e.decisionTime ?? '').startsWith(facts.month));
  assert.ok(may.length < facts.extensions.length);  // April's is left out
  assert.equal(rows(ext).length, may.length);
  assert.equal(ext.getRow(2).getCell(column(ext, '理由')).value, may[0].reason);
  assert.ok(ext.getRow(2).getCell(column(ext, '申请延至')).value instanceof Date);
  assert.equal(rows(book.getWorksheet('完成')).length, facts.completions.length);
});

test('one organization\'s ledger holds only its rows', () => {
  assert.deepEqual(orgBook.worksheets.map((ws) => ws.name), facts.sheets);
  const ids = rows(orgBook.getWorksheet('措施')).map((r) => r[0]);
  assert.deepEqual(ids, ['a1-t4-m1']);
  const reporters = rows(orgBook.getWorksheet('月度报告')).map((r) => r[0]);
  assert.deepEqual([...new Set(reporters)], ['区水务局']);
  assert.deepEqual(rows(orgBook.getWorksheet('考核')).map((r) => r[0]), ['区水务局']);
});
