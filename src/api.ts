// The public API of mintcash-golive (`import { defineCheck } from 'mintcash-golive'`): everything a
// plugin needs to write a check. The built-in checks use exactly this API. Versioned by
// PLUGIN_API_VERSION: a plugin declares the version it was written for.
import { callerFile, markModule, PLUGIN_MODULE, type Check, type EvidenceKey } from './engine/types.js';
import type { SeveritySetting } from './config/schema.js';

export { defineCheck, SECTIONS, SEVERITIES, STATUSES } from './engine/types.js';
export type {
  Check,
  CheckContext,
  CheckKind,
  CheckMeta,
  CheckOutcome,
  CheckResult,
  EvidenceKey,
  Finding,
  FindingInput,
  RunOptions,
  RunReport,
  Section,
  Severity,
  Status,
} from './engine/types.js';
export type * from './evidence/types.js';
export type { Grants } from './plugins/capabilities.js';
export type { GoliveConfig, SeveritySetting } from './config/schema.js';
export { maskSecret, redactText } from './engine/mask.js';
export { PLUGIN_API_VERSION } from './plugins/api-version.js';

export interface PluginDefinition {
  /** The plugin API version the plugin was written for (PLUGIN_API_VERSION). */
  apiVersion: number;
  /** Prefix of every check id (`acme` → `acme/order-fulfilment`); defaults from the package name. */
  namespace?: string;
  checks: Check<EvidenceKey>[] | Check<EvidenceKey>;
  /** Suggested severities (`{ "order-fulfilment": "warning" }`); the user's config wins. */
  preset?: Record<string, SeveritySetting>;
  /** The title of the plugin's own checklist section (checks with `section` set to the namespace). */
  title?: string;
  /**
   * JSON Schema of the options a plugin entry in config may give (ESLint's style): validated at
   * load with every problem named by its path, defaults filled in, passed to checks as `pluginOptions`.
   */
  schema?: Record<string, unknown>;
}

/** Type helper for a plugin module's default export. */
export function definePlugin(plugin: PluginDefinition): PluginDefinition {
  markModule(plugin, PLUGIN_MODULE, callerFile(definePlugin));
  return plugin;
}
