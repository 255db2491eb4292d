// What `golive fix` proposes: each fix names the finding it removes, its tier (safe, suggestion or
// template), and either span edits of files (planned on their current text) or exact lines to
// apply by hand. Pure data: planning, re-checking, rendering and writing live elsewhere.

/** `safe`: applied by `--write`; `suggestion`: applied only when a person picks it; `template`: never applied. */
export type FixTier = 'safe' | 'suggestion' | 'template';
export const FIX_TIERS: readonly FixTier[] = ['safe', 'suggestion', 'template'];

/** One replacement in a file's text, in UTF-16 offsets of the text it was planned on. */
export interface Edit {
  start: number;
  end: number;
  text: string;
  /** Edits sharing a key are made once when fixes are combined (a shared import or helper). */
  key?: string;
}

export interface FileEdits {
  /** Path relative to the target directory, with `/`. */
  file: string;
  /** The text the edits were planned on ('' for a file that does not exist yet). */
  original: string;
  edits: Edit[];
  /** True when the file does not exist yet (a new .gitignore). */
  created?: boolean;
}

/** The finding a fix removes, as reports name it. */
export interface FixTarget {
  checkId: string;
  messageId: string;
  fingerprint?: string;
  file?: string;
  line?: number;
}

export interface Fix {
  /** Stable within a run: `<check id>:<kind>:<file>:<line>`. */
  id: string;
  /** What it does, e.g. `constant-time-compare`, `length-guard`, `gitignore-env-file`, `raw-body`. */
  kind: string;
  tier: FixTier;
  /** One line saying what changes. */
  title: string;
  target: FixTarget;
  /** Span edits (absent for a text suggestion or a template). */
  files: FileEdits[];
  /** Exact lines to apply by hand: text suggestions (no span-exact edit) and templates. */
  text?: string;
  /** Printed with the fix: what is still to do by hand (rotating a key is never a code fix). */
  notes?: string[];
  /** Paths `--write` removes from git's index (kept on disk) so .gitignore can take effect. */
  untrack?: string[];
}

export type { ReportFix, ReportFileChange } from '../engine/types.js';
