// One text order for everything golive sorts (files, ids, notes, timestamps): by UTF-16 code unit,
// the order git lists paths in. Not localeCompare: its order depends on the ICU data and locale
// Node runs with, so one repository could list its findings differently on two machines, and its
// first call costs ~14 ms of ICU start-up on every run.
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
