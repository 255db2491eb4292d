import { describe, expect, it } from 'vitest';
import { parseDotenv } from '../../src/evidence/dotenv.js';

describe('parseDotenv', () => {
  it.each([
    ['A=1', 'A', '1', 3],
    ['export A=1', 'A', '1', 10],
    ['  A = 1  ', 'A', '1', 7],
    ['A="x y"', 'A', 'x y', 4],
    ["A='x # y'", 'A', 'x # y', 4],
    ['A=x # comment', 'A', 'x', 3],
    ['A=x#y', 'A', 'x#y', 3],
    ['A="a\\nb \\"q\\""', 'A', 'a\nb "q"', 4],
    ["A='a\\nb'", 'A', 'a\\nb', 4],
    ['A=`t`', 'A', 't', 4],
    ['A=', 'A', '', 3],
    ['my.name-x=v', 'my.name-x', 'v', 11],
  ])('%j', (line, name, value, column) => {
    expect(parseDotenv(line)).toEqual({ entries: [{ name, value, line: 1, column }], problems: [] });
  });

  it('skips comments and blanks, handles CRLF and BOM, reports junk by line number only', () => {
    const r = parseDotenv('\uFEFF# c\r\n\r\nA=1\r\nnot an assignment secret-ish\r\n  # indented comment\r\nB="2"\r\n');
    expect(r.entries.map((e) => [e.name, e.value, e.line])).toEqual([
      ['A', '1', 3],
      ['B', '2', 6],
    ]);
    expect(r.problems).toEqual([{ line: 4, message: 'line 4 is not KEY=value' }]);
  });

  it('joins multi-line quoted values and keeps counting lines', () => {
    const r = parseDotenv('K="line1\nline2"\nN=after');
    expect(r.entries).toEqual([
      { name: 'K', value: 'line1\nline2', line: 1, column: 4 },
      { name: 'N', value: 'after', line: 3, column: 3 },
    ]);
  });

  it('keeps an unterminated quote raw and goes on', () => {
    const r = parseDotenv("K='abc\nN=after");
    expect(r.entries).toEqual([
      { name: 'K', value: "'abc", line: 1, column: 3 },
      { name: 'N', value: 'after', line: 2, column: 3 },
    ]);
    expect(r.problems).toEqual([{ line: 1, message: "line 1: K has an unterminated ' quote" }]);
  });
});
