// Text as a regular expression that matches exactly that text (RegExp.escape arrives only with
// Node 24, and golive supports 22), for the places that build a pattern around a name or a path.
export const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
