// The data behind every chart, as plain JSON: built from a log by `trellis plot` and from live events by the
// dashboard, drawn by the same page script. Times are epoch milliseconds (what the charts' time axes use).

export interface CategoryReport {
  name: string;
  tasksDone: number;
  /** Highest measured memory (MB) per interval; null where no task of the category finished. */
  memoryMax: (number | null)[];
  /** The category's memory allocation (MB) over time; null before it was known. */
  memoryAllocation: (number | null)[];
  /** Mean measured wall time (s) per interval. */
  wallTimeMean: (number | null)[];
}

export interface WorkerRow {
  name: string;
  host: string;
  cores: number;
  connectedAt: number | null;
  disconnectedAt: number | null;
  reason: string | null;
  tasksDone: number;
  /** [startMs, endMs, tasks running] while connected, equal neighbours merged. */
  segments: [number, number, number][];
}

export interface ReportData {
  title: string;
  /** 'transactions', 'performance', 'transactions+performance' or 'live'. */
  source: string;
  start: number;
  end: number;
  binSeconds: number;
  times: number[];
  tasks: { waiting: (number | null)[]; running: (number | null)[]; done: (number | null)[] };
  workers: { connected: (number | null)[]; cores: (number | null)[]; coresInUse: (number | null)[] };
  categories: CategoryReport[];
  hiddenCategories: number;
  workerRows: WorkerRow[];
  hiddenWorkers: number;
  timeSpent: { name: string; values: (number | null)[] }[];
  totals: { tasksDone: number; results: Record<string, number>; workersSeen: number; events: number };
  notes: string[];
}
