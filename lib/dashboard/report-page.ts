// The report page: one self-contained HTML file (ECharts, the page script and the data inline, no network),
// written by `trellis plot` and served, with live updates, by the dashboard.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { reportPageScript } from './page-script.js';
import type { ReportData } from './report-data.js';

let echartsSource: string | null = null;

function echartsCode(): string {
  // The full build: the worker timeline needs custom series, and charts render as SVG.
  echartsSource ??= readFileSync(createRequire(import.meta.url).resolve('echarts/dist/echarts.min.js'), 'utf8');
  return echartsSource.replace(/<\/script/gi, '<\\/script');
}

/** Embeds JSON in a script element without letting "</script>" or "<!--" end it early. */
function inlineJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** `liveUrl`: where the page fetches fresh data every 2 s (the dashboard); absent for a static report. */
export function reportPage(data: ReportData, liveUrl?: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>Trellis: ${escapeHtml(data.title)}</title>
<style>
  body { font: 14px system-ui, sans-serif; margin: 0; padding: 12px 20px; color: #212529; background: #f8f9fa; }
  h1 { font-size: 20px; margin: 4px 0; }
  #summary, #live { color: #495057; margin: 2px 0; }
  #notes { color: #b35c00; margin: 2px 0 8px; }
  .grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(560px, 1fr)); gap: 12px; }
  .chart { background: #fff; border: 1px solid #dee2e6; border-radius: 6px; height: 320px; }
  .wide { grid-column: 1 / -1; }
</style>
</head>
<body${liveUrl ? ` data-live="${escapeHtml(liveUrl)}"` : ''}>
<h1 id="title"></h1>
<p id="summary"></p>
${liveUrl ? '<p id="live">live</p>' : ''}
<p id="notes"></p>
<div class="grid">
  <div class="chart" id="chart-tasks"></div>
  <div class="chart" id="chart-workers"></div>
  <div class="chart" id="chart-memory"></div>
  <div class="chart" id="chart-walltime"></div>
  <div class="chart wide" id="chart-timeline"></div>
  <div class="chart wide" id="chart-timespent"></div>
</div>
<script type="application/json" id="trellis-data">${inlineJson(data)}</script>
<script>${echartsCode()}</script>
<script>(${reportPageScript.toString()})(echarts, document, window);</script>
</body>
</html>
`;
}
