import { goQuotedEnd, goUnquote } from './go-strings';

describe('goUnquote (strconv.Unquote of a double-quoted body)', () => {
  it.each([
    ['plain', 'plain'],
    ['tab\\tnew\\nline', 'tab\tnew\nline'],
    ['quote \\" backslash \\\\', 'quote " backslash \\'],
    ['\\u00e9t\\U0001F600', 'ét😀'],
    ['\\x41\\101', 'AA'],
  ])('reads %p', (body, text) => {
    expect(goUnquote(body)).toBe(text);
  });

  it.each([
    ['\\q', 'invalid escape \\q'],
    ['\\x4', 'invalid escape \\x4'],
    ['\\xff', 'escape \\xff is a raw byte: write \\u00ff'],
    ['\\ud800', 'escape \\ud800 is not a valid character'],
    ['a\nb', 'a quoted string may not contain a line break: write \\n'],
  ])('refuses %p', (body, error) => {
    expect(goUnquote(body)).toEqual({ error });
  });

  it('reads raw bytes as Latin-1 when asked (printf "%q" of invalid UTF-8)', () => {
    expect(goUnquote('\\xff\\377', { rawBytes: 'latin1' })).toBe('ÿÿ');
  });
});

describe('goQuotedEnd', () => {
  it.each([
    ['"a\\"b" rest', 0, 6],
    ['x "" y', 2, 4],
    ['"never closed \\"', 0, -1],
    ['no quote', 0, -1],
  ])('in %p from %p: %p', (text, start, end) => {
    expect(goQuotedEnd(text, start)).toBe(end);
  });
});
