/** The `#!VAST_IGNORE_CHANGES` filter on tricky inputs (expected = what the SDK's tokenizer does, quirks included). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { filterIgnoredLines } from '../../../src/shared/packaging';

const run = (lines: string[]) => Buffer.from(filterIgnoredLines(Buffer.from(lines.join('\n')))).toString('utf8');

const table: [string, string[], string[]][] = [
    ['trailing comment drops the line', ['a = 1', 'x = 1  #!VAST_IGNORE_CHANGES', 'b = 2'], ['a = 1', 'b = 2']],
    ['spaces after # are stripped', ['x = 1  #   !VAST_IGNORE_CHANGES  '], []],
    [
        'extra words keep the line',
        ['y = 2  # !VAST_IGNORE_CHANGES extra words'],
        ['y = 2  # !VAST_IGNORE_CHANGES extra words'],
    ],
    ['whole-line comment', ['#!VAST_IGNORE_CHANGES', 'k = 0'], ['k = 0']],
    ['inside a string is not a comment', ['s = "#!VAST_IGNORE_CHANGES"'], ['s = "#!VAST_IGNORE_CHANGES"']],
    ['single-quoted string then the comment', ["s = '#x'  #!VAST_IGNORE_CHANGES"], []],
    ['escaped quote inside a string', ['s = "a\\"#!VAST_IGNORE_CHANGES"'], ['s = "a\\"#!VAST_IGNORE_CHANGES"']],
    ['two adjacent strings then the comment', ["s = 'it''s'  #!VAST_IGNORE_CHANGES"], []],
    ['one-line triple-quoted string then the comment', ["d = '''x'''  #!VAST_IGNORE_CHANGES"], []],
    [
        'inside a multi-line string is kept; the closing line with the comment is dropped (SDK quirk)',
        ['A = """', '#!VAST_IGNORE_CHANGES', '"""  #!VAST_IGNORE_CHANGES', 'z = 1'],
        ['A = """', '#!VAST_IGNORE_CHANGES', 'z = 1'],
    ],
    [
        '\'\'\' strings ignore """ inside them',
        ["B = '''", '"""  #!VAST_IGNORE_CHANGES', "'''", 'c = 3  #!VAST_IGNORE_CHANGES'],
        ["B = '''", '"""  #!VAST_IGNORE_CHANGES', "'''"],
    ],
    [
        'escaped triple quote does not close the string',
        ['C = """a \\"""', '#!VAST_IGNORE_CHANGES', '"""'],
        ['C = """a \\"""', '#!VAST_IGNORE_CHANGES', '"""'],
    ],
    ['an unclosed single quote does not hide the comment (SDK quirk)', ['s = "abc  #!VAST_IGNORE_CHANGES'], []],
    ['CRLF: the \\r is stripped with the comment', ['x = 1  #!VAST_IGNORE_CHANGES\r', 'y = 2\r'], ['y = 2\r']],
    ['non-ASCII text before the comment', ['name = "héllo"  #!VAST_IGNORE_CHANGES', 'ok = "wörld"'], ['ok = "wörld"']],
    [
        'a no-break space is not stripped (bytes.strip is ASCII only)',
        ['x = 1  #!VAST_IGNORE_CHANGES\u00a0'],
        ['x = 1  #!VAST_IGNORE_CHANGES\u00a0'],
    ],
    ['lowercase does not count', ['x = 1  #!vast_ignore_changes'], ['x = 1  #!vast_ignore_changes']],
    ['trailing newline is kept', ['a = 1', ''], ['a = 1', '']],
];

for (const [name, input, want] of table) void test(name, () => assert.equal(run(input), want.join('\n')));

void test('unchanged input returns the same bytes', () => {
    const b = Buffer.from('print(1)\n');
    assert.equal(filterIgnoredLines(b), b);
});
