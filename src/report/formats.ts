// The report formats and their file extensions: a leaf module, so the CLI can validate --format
// without loading the renderers at start-up.
export const FORMATS = ['pretty', 'json', 'markdown', 'html', 'sarif', 'junit', 'codequality'] as const;
export type Format = (typeof FORMATS)[number];

export const EXTENSIONS: Record<Format, string> = {
  pretty: 'txt',
  json: 'json',
  markdown: 'md',
  html: 'html',
  sarif: 'sarif',
  junit: 'xml',
  codequality: 'json',
};
