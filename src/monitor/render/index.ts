// The monitor's formats, one pure renderer each.
import type { MonitorReport } from '../types.js';
import { renderMonitorHtml } from './html.js';
import { renderMonitorMarkdown } from './markdown.js';
import { renderOpenMetrics } from './openmetrics.js';
import { renderMonitorPretty } from './pretty.js';

export type MonitorFormat = 'pretty' | 'json' | 'markdown' | 'html' | 'openmetrics';

export function renderMonitor(report: MonitorReport, format: MonitorFormat, opts: { color?: boolean; width?: number } = {}): string {
  switch (format) {
    case 'pretty':
      return renderMonitorPretty(report, opts);
    case 'json':
      return `${JSON.stringify(report, null, 2)}\n`;
    case 'markdown':
      return renderMonitorMarkdown(report);
    case 'html':
      return renderMonitorHtml(report);
    case 'openmetrics':
      return renderOpenMetrics(report);
  }
}
