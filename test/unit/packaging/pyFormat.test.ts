/** Python formatting: checked against python3 itself where it runs, plus fixed rows from the SDK's vectors. */
import { spawnSync } from 'node:child_process';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { jsonString, pyFloatRepr, pyIntStr, pyJsonDumps, pyStrRepr } from '../../../src/shared/packaging';
import type { PyValue, Range } from '../../../src/shared/model';

const r: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

function python(code: string, input: string): string {
    const p = spawnSync('python3', ['-c', code], { input, encoding: 'utf8' });
    if (p.status !== 0) throw new Error(p.stderr);
    return p.stdout;
}

void describe('pyFloatRepr', () => {
    const table: [number, string][] = [
        [1000, '1000.0'],
        [500.5, '500.5'],
        [0.98, '0.98'],
        [1e-5, '1e-05'],
        [1e16, '1e+16'],
        [1e15, '1000000000000000.0'],
        [0.0001, '0.0001'],
        [0.00012345, '0.00012345'],
        [1.5e-7, '1.5e-07'],
        [123456789012345680000, '1.2345678901234568e+20'],
        [0.1 + 0.2, '0.30000000000000004'],
        [-2.5, '-2.5'],
        [-0, '-0.0'],
        [0, '0.0'],
        [1e300, '1e+300'],
        [5e-324, '5e-324'],
        [Infinity, 'inf'],
        [NaN, 'nan'],
        [24.576, '24.576'],
        [80.5, '80.5'],
    ];
    for (const [x, want] of table) void test(`${x} -> ${want}`, () => assert.equal(pyFloatRepr(x), want));

    void test('agrees with python3 repr() on 2000 values of every magnitude', () => {
        const xs: number[] = [];
        let s = 12345;
        const rnd = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
        for (let i = 0; i < 2000; i++) {
            const e = Math.floor(rnd() * 60) - 30;
            xs.push((rnd() - 0.3) * 10 ** e);
        }
        // repr() of the exact doubles: JSON carries them losslessly (shortest round-trip digits).
        const out = python('import json,sys\nfor x in json.load(sys.stdin): print(repr(float(x)))', JSON.stringify(xs));
        assert.deepEqual(out.trim().split('\n'), xs.map(pyFloatRepr));
    });
});

void test('pyIntStr prints exact digits beyond 2**53', () => {
    assert.equal(pyIntStr(42), '42');
    assert.equal(pyIntStr(2 ** 64), '18446744073709551616');
    assert.equal(pyIntStr(-3), '-3');
});

void test('pyStrRepr picks quotes like Python', () => {
    assert.equal(pyStrRepr('a b'), "'a b'");
    assert.equal(pyStrRepr("it's"), '"it\'s"');
    assert.equal(pyStrRepr('a\'b"c'), "'a\\'b\"c'");
    assert.equal(pyStrRepr('tab\there\n'), "'tab\\there\\n'");
});

void describe('json.dumps with ensure_ascii', () => {
    const samples = [
        'héllo wörld',
        'emoji 😀 and 𝄞',
        'quote " backslash \\ slash /',
        'ctl \u0001\u001f\u007f\b\f\n\r\t',
        '中文',
        '',
    ];
    void test('strings equal python3 json.dumps, surrogate pairs and control characters included', () => {
        const out = python(
            'import json,sys\nfor s in json.load(sys.stdin): print(json.dumps(s))',
            JSON.stringify(samples),
        );
        assert.deepEqual(out.trim().split('\n'), samples.map(jsonString));
    });
    void test('containers, numbers and None use ", " and ": " separators', () => {
        const v: PyValue = {
            kind: 'dict',
            range: r,
            entries: [
                {
                    key: { kind: 'str', value: 'a', range: r },
                    value: {
                        kind: 'list',
                        range: r,
                        items: [
                            { kind: 'int', value: 1, range: r },
                            { kind: 'float', value: 2, range: r },
                        ],
                    },
                },
                { key: { kind: 'int', value: 3, range: r }, value: { kind: 'none', range: r } },
                {
                    key: { kind: 'bool', value: true, range: r },
                    value: { kind: 'tuple', range: r, items: [{ kind: 'bool', value: false, range: r }] },
                },
            ],
        };
        assert.equal(pyJsonDumps(v), '{"a": [1, 2.0], "3": null, "true": [false]}');
        assert.equal(pyJsonDumps({ kind: 'float', value: Infinity, range: r }), 'Infinity');
        assert.throws(() => pyJsonDumps({ kind: 'set', items: [], range: r }), /not JSON serializable/);
    });
});
