// The script the report page runs in the browser. It is shipped as this function's source text
// (Function.prototype.toString), so it must use nothing from outside its own body: no imports, no helpers.

export function reportPageScript(echarts: any, doc: any, win: any): void {
  const palette = ['#3b6fb6', '#d9822b', '#2f9e44', '#c92a2a', '#7048e8', '#0c8599', '#e64980', '#5c940d', '#862e9c', '#495057', '#f08c00', '#1971c2'];
  const charts: Record<string, any> = {};

  function pairs(times: number[], values: (number | null)[]): [number, number | null][] {
    return times.map((t, i) => [t, values[i] ?? null]);
  }

  function chart(id: string): any {
    if (!charts[id]) {
      const el = doc.getElementById(id);
      charts[id] = echarts.init(el, null, { renderer: 'svg' });
    }
    return charts[id];
  }

  function base(title: string, yName: string, y2Name?: string): any {
    const yAxis: any[] = [{ type: 'value', name: yName, minInterval: 1 }];
    if (y2Name) yAxis.push({ type: 'value', name: y2Name, splitLine: { show: false } });
    return {
      animation: false,
      title: { text: title, left: 8, top: 4, textStyle: { fontSize: 14 } },
      tooltip: { trigger: 'axis' },
      legend: { top: 26, left: 8, right: 8, type: 'scroll' },
      grid: { left: 60, right: y2Name ? 60 : 24, top: 76, bottom: 56 },
      xAxis: { type: 'time' },
      yAxis,
      dataZoom: [{ type: 'inside' }, { type: 'slider', height: 18, bottom: 8 }],
    };
  }

  function line(name: string, data: any[], extra?: any): any {
    return Object.assign({ name, type: 'line', data, showSymbol: false, step: 'end', connectNulls: false }, extra || {});
  }

  function fmtTime(ms: number): string {
    return new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
  }

  function render(d: any): void {
    doc.getElementById('title').textContent = `Trellis: ${d.title}`;
    const counted = Object.values(d.totals.results as Record<string, number>).reduce((a, b) => a + b, 0);
    const listed = Object.entries(d.totals.results).map(([k, v]) => `${k} ${v}`).join(', ');
    // Attached to a running manager, the page has seen the results of the tasks done since it started only.
    const results = counted === d.totals.tasksDone ? listed : listed ? `since this page started: ${listed}` : '';
    const secs = Math.round((d.end - d.start) / 1000);
    doc.getElementById('summary').textContent =
      `${d.source} · ${fmtTime(d.start)} to ${fmtTime(d.end)} (${secs} s) · ${d.totals.tasksDone} tasks done` +
      `${results ? ` (${results})` : ''} · ${d.totals.workersSeen} workers seen · interval ${d.binSeconds} s`;
    doc.getElementById('notes').textContent = d.notes.join(' ');
    const t = d.times;

    const tasks = base('Tasks by state', 'tasks', 'done (total)');
    tasks.series = [
      line('waiting', pairs(t, d.tasks.waiting), { areaStyle: { opacity: 0.15 } }),
      line('running', pairs(t, d.tasks.running), { areaStyle: { opacity: 0.15 } }),
      line('done', pairs(t, d.tasks.done), { yAxisIndex: 1 }),
    ];
    chart('chart-tasks').setOption(tasks, { notMerge: true });

    const workers = base('Workers', 'workers', 'cores');
    workers.series = [
      line('workers', pairs(t, d.workers.connected)),
      line('cores offered', pairs(t, d.workers.cores), { yAxisIndex: 1, lineStyle: { type: 'dashed' } }),
      line('cores in use', pairs(t, d.workers.coresInUse), { yAxisIndex: 1, areaStyle: { opacity: 0.15 } }),
    ];
    chart('chart-workers').setOption(workers, { notMerge: true });

    // One legend entry per category (its dots and its dashed line toggle together), every entry shown: a
    // paginated legend hid categories.
    const mem = base('Memory per category: measured maximum (dots) and allocation (dashed)', 'MB');
    mem.yAxis[0].minInterval = undefined;
    mem.legend = { top: 26, left: 8, right: 8, type: 'plain', data: d.categories.map((c: any) => c.name) };
    const legendRows = Math.ceil(d.categories.length / 5);
    mem.grid.top = 56 + 20 * Math.max(1, legendRows);
    doc.getElementById('chart-memory').style.height = `${320 + 20 * Math.max(0, legendRows - 1)}px`;
    mem.series = [];
    d.categories.forEach((c: any, i: number) => {
      const color = palette[i % palette.length];
      mem.series.push(line(c.name, pairs(t, c.memoryMax), { type: 'scatter', symbolSize: 5, color }));
      mem.series.push(line(c.name, pairs(t, c.memoryAllocation), { color, lineStyle: { type: 'dashed', color } }));
    });
    chart('chart-memory').setOption(mem, { notMerge: true });

    const wall = base('Wall time per category (mean per interval)', 's');
    wall.yAxis[0].minInterval = undefined;
    wall.series = d.categories.map((c: any, i: number) =>
      line(c.name, pairs(t, c.wallTimeMean), { type: 'scatter', symbolSize: 5, color: palette[i % palette.length] }));
    chart('chart-walltime').setOption(wall, { notMerge: true });

    // One row per worker; a bar per stretch of time with the same number of tasks running, darker when busier.
    const rows = d.workerRows;
    const el = doc.getElementById('chart-timeline');
    el.style.height = `${Math.max(160, 90 + rows.length * 18)}px`;
    const segs: any[] = [];
    rows.forEach((r: any, y: number) => r.segments.forEach((s: number[]) => segs.push([s[0], s[1], y, s[2], r.cores])));
    const timeline = base(`Worker timeline (tasks running)${d.hiddenWorkers ? `, ${d.hiddenWorkers} more workers not shown` : ''}`, '');
    timeline.yAxis = [{ type: 'category', data: rows.map((r: any) => r.name), inverse: true, axisLabel: { fontSize: 10 } }];
    timeline.grid.left = 150;
    timeline.tooltip = { trigger: 'item', formatter: (p: any) => `${rows[p.value[2]].name}: ${p.value[3]} running<br>${fmtTime(p.value[0])}` };
    timeline.legend = { show: false };
    timeline.series = [{
      type: 'custom', name: 'running', data: segs, encode: { x: [0, 1], y: 2 },
      renderItem: (params: any, api: any) => {
        const a = api.coord([api.value(0), api.value(2)]);
        const b = api.coord([api.value(1), api.value(2)]);
        const h = api.size([0, 1])[1] * 0.7;
        const cores = api.value(4) || 1;
        const load = Math.min(1, api.value(3) / cores);
        const shape = echarts.graphic.clipRectByRect(
          { x: a[0], y: a[1] - h / 2, width: Math.max(1, b[0] - a[0]), height: h },
          { x: params.coordSys.x, y: params.coordSys.y, width: params.coordSys.width, height: params.coordSys.height });
        const fill = api.value(3) > 0 ? `rgba(59, 111, 182, ${0.25 + 0.75 * load})` : '#dee2e6';
        return shape && { type: 'rect', shape, style: { fill } };
      },
    }];
    chart('chart-timeline').setOption(timeline, { notMerge: true });
    charts['chart-timeline'].resize();

    const spent = doc.getElementById('chart-timespent');
    spent.style.display = d.timeSpent.length ? '' : 'none';
    if (d.timeSpent.length) {
      const ts = base('Where the manager\'s time went (cumulative)', 's');
      ts.yAxis[0].minInterval = undefined;
      ts.series = d.timeSpent.map((s: any) => line(s.name, pairs(t, s.values)));
      chart('chart-timespent').setOption(ts, { notMerge: true });
    }
    doc.body.setAttribute('data-rendered', String(Date.now()));
  }

  const embedded = doc.getElementById('trellis-data');
  render(JSON.parse(embedded.textContent));
  win.addEventListener('resize', () => Object.values(charts).forEach((c: any) => c.resize()));
  const live = doc.body.getAttribute('data-live');
  if (live) {
    const refresh = async () => {
      try {
        const res = await win.fetch(live, { cache: 'no-store' });
        if (res.ok) render(await res.json());
        doc.getElementById('live').textContent = `live · updated ${new Date().toLocaleTimeString()}`;
      } catch (err: any) {
        doc.getElementById('live').textContent = `live · cannot reach the manager (${err.message}); retrying`;
      }
      win.setTimeout(refresh, 2000);
    };
    win.setTimeout(refresh, 2000);
  }
}
