// What a manager tells the catalog about itself: flat fields, so catalog queries read like
// `project.like("cms.*") and tasks_waiting > 0`. The catalog adds `lastheardfrom` (epoch seconds).
export interface CatalogRecord {
  type: 'trellis-manager';
  project: string;
  host: string;
  /** The address workers should use (the host's name or address as the manager sees it). */
  address: string;
  port: number;
  protocol: number;
  tasks_preparing: number;
  tasks_waiting: number;
  tasks_running: number;
  tasks_done: number;
  workers: number;
  cores_inuse: number;
  cores_total: number;
  memory_inuse: number;
  memory_total: number;
  categories: string[];
  /** Epoch seconds when the manager started. */
  starttime: number;
  owner: string;
  /** Set by the catalog: epoch seconds of the last update. */
  lastheardfrom?: number;
  [key: string]: unknown;
}
