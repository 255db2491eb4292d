// The plugins a config names, with their options and grants: the one place both are read, so the
// caller decides which config counts (the trusted policy when golive gates a pull request).
import type { GoliveConfig } from '../config/schema.js';
import type { Grants } from './capabilities.js';

export interface PluginEntry {
  /** The path or package name, as written. */
  use: string;
  /** Options for the plugin, validated against its schema at load; undefined when none are given. */
  options?: Record<string, unknown>;
  /** What the plugin's checks may have golive read and fetch; nothing unless config says so. */
  grants: Grants;
}

export function pluginEntries(config: Pick<GoliveConfig, 'plugins'>): PluginEntry[] {
  return config.plugins.map((p) =>
    typeof p === 'string'
      ? { use: p, grants: { reads: [], fetches: [] } }
      : { use: p.use, ...(p.options ? { options: p.options } : {}), grants: { reads: p.grants?.reads ?? [], fetches: p.grants?.fetches ?? [] } },
  );
}
