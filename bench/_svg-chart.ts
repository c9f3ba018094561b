// A small self-contained SVG line chart for benchmark reports.
export interface Series { name: string; points: [number, number][]; dashed?: boolean }

const COLORS = ['#444', '#d62728', '#1f77b4', '#2ca02c', '#9467bd', '#ff7f0e'];

export function lineChartSvg(o: { title: string; xLabel: string; yLabel: string; series: Series[] }): string {
  const W = 640, H = 400, L = 60, R = 170, T = 40, B = 50;
  const all = o.series.flatMap((s) => s.points);
  const xMax = Math.max(...all.map((p) => p[0]), 1e-9), xMin = Math.min(...all.map((p) => p[0]), 0);
  const yMax = Math.max(...all.map((p) => p[1]), 1e-9) * 1.1;
  const x = (v: number) => L + ((v - xMin) / (xMax - xMin || 1)) * (W - L - R);
  const y = (v: number) => H - B - (v / yMax) * (H - T - B);
  const esc = (s: string) => s.replace(/[<>&]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;' })[c]!);
  const ticks = (max: number, min = 0) => Array.from({ length: 6 }, (_, i) => min + ((max - min) * i) / 5);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="22" text-anchor="middle" font-size="15">${esc(o.title)}</text>`,
    `<line x1="${L}" y1="${H - B}" x2="${W - R}" y2="${H - B}" stroke="black"/>`,
    `<line x1="${L}" y1="${T}" x2="${L}" y2="${H - B}" stroke="black"/>`,
    ...ticks(xMax, xMin).map((v) => `<text x="${x(v)}" y="${H - B + 16}" text-anchor="middle">${+v.toPrecision(3)}</text>`),
    ...ticks(yMax).map((v) => `<text x="${L - 6}" y="${y(v) + 4}" text-anchor="end">${+v.toPrecision(3)}</text>` +
      `<line x1="${L}" y1="${y(v)}" x2="${W - R}" y2="${y(v)}" stroke="#eee"/>`),
    `<text x="${(L + W - R) / 2}" y="${H - 10}" text-anchor="middle">${esc(o.xLabel)}</text>`,
    `<text x="16" y="${(T + H - B) / 2}" text-anchor="middle" transform="rotate(-90 16 ${(T + H - B) / 2})">${esc(o.yLabel)}</text>`,
  ];
  o.series.forEach((s, i) => {
    const c = COLORS[i % COLORS.length];
    const pts = [...s.points].sort((a, b) => a[0] - b[0]);
    parts.push(`<polyline fill="none" stroke="${c}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''} points="${pts.map((p) => `${x(p[0])},${y(p[1])}`).join(' ')}"/>`);
    for (const p of pts) parts.push(`<circle cx="${x(p[0])}" cy="${y(p[1])}" r="3" fill="${c}"/>`);
    parts.push(`<line x1="${W - R + 15}" y1="${T + 10 + i * 20}" x2="${W - R + 40}" y2="${T + 10 + i * 20}" stroke="${c}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`,
      `<text x="${W - R + 46}" y="${T + 14 + i * 20}">${esc(s.name)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}
