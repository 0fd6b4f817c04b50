/** search_params: unparse_query's value formatting, unit division and Query.extend merging. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { buildQuery, unparseValue } from '../../../src/shared/packaging';
import type { PyValue, QueryOp, Range } from '../../../src/shared/model';

const r: Range = { start: { line: 3, character: 4 }, end: { line: 3, character: 9 } };
const int = (value: number): PyValue => ({ kind: 'int', value, range: r });
const float = (value: number): PyValue => ({ kind: 'float', value, range: r });
const str = (value: string): PyValue => ({ kind: 'str', value, range: r });
const term = (column: string, op: QueryOp, value: PyValue) => ({ column, op, value, range: r });

void describe('value formatting', () => {
    const table: [string, PyValue, string][] = [
        ['gpu_ram', int(48000), '48'],
        ['gpu_ram', int(24576), '24.576'],
        ['gpu_ram', float(80500), '80.5'],
        ['gpu_ram', float(24000.0), '24'],
        ['gpu_ram', int(48), '0.048'],
        ['cpu_ram', int(64000), '64'],
        ['gpu_total_ram', int(1), '0.001'],
        ['duration', int(86400 * 3), '3'],
        ['duration', int(3600), '0.041666666666666664'],
        ['duration', int(43200), '0.5'],
        ['gpu_ram', { kind: 'bool', value: true, range: r }, '0.001'],
        ['reliability', float(0.98), '0.98'],
        ['inet_down', float(500.5), '500.5'],
        ['dph_total', float(2), '2.0'],
        ['dph_total', float(1e3), '1000.0'],
        ['dph_total', float(1e-5), '1e-05'],
        ['dph_total', float(1e16), '1e+16'],
        ['compute_cap', int(800), '800'],
        ['num_gpus', int(2 ** 60), '1152921504606846976'],
        ['verified', { kind: 'bool', value: false, range: r }, 'false'],
        ['gpu_name', str('RTX PRO 6000 Max-Q'), 'RTX_PRO_6000_Max-Q'],
        ['gpu_name', { kind: 'none', range: r }, 'None'],
        ['gpu_name', { kind: 'list', range: r, items: [str('RTX 4090'), str('H100 SXM')] }, 'RTX_4090,H100_SXM'],
        [
            'num_gpus',
            { kind: 'list', range: r, items: [int(1), float(2), { kind: 'bool', value: true, range: r }] },
            '1,2.0,True',
        ],
        ['gpu_name', { kind: 'tuple', range: r, items: [str('A'), str('B')] }, "('A', 'B')"],
    ];
    for (const [col, v, want] of table) {
        void test(`${col} ${JSON.stringify(v)} -> ${want}`, () => assert.equal(unparseValue(col, v), want));
    }

    void test('a list in a divided column is the TypeError Python raises', () => {
        assert.throws(() => unparseValue('gpu_ram', { kind: 'list', items: [], range: r }), /unsupported operand type/);
    });
});

void describe('merging like Query.extend', () => {
    void test('defaults first, columns keep their first position, ops of a column stay together', () => {
        const q = buildQuery([
            term('gpu_name', 'notin', { kind: 'list', range: r, items: [str('RTX 3090')] }),
            term('gpu_ram', 'gte', int(48000)),
            term('gpu_name', 'neq', str('RTX A6000')),
            term('gpu_ram', 'lt', int(80500)),
        ]);
        assert.ok('searchParams' in q);
        assert.equal(
            q.searchParams,
            'verified=true rentable=true rented=false gpu_name notin RTX_3090 gpu_name!=RTX_A6000 gpu_ram>=48 gpu_ram<80.5',
        );
    });
    void test('redefining an op is the SDK error, with the term range', () => {
        const q = buildQuery([term('verified', 'eq', { kind: 'bool', value: false, range: r })]);
        assert.deepEqual(q, { error: { message: "Cannot redefine op(s) {'eq'} for column 'verified'", range: r } });
    });
    void test('a dynamic value is refused with its range', () => {
        const q = buildQuery([term('gpu_ram', 'gte', { kind: 'dynamic', text: 'MIN_RAM', range: r })]);
        assert.ok('error' in q);
        assert.match(q.error.message, /MIN_RAM/);
        assert.deepEqual(q.error.range, r);
    });
});

void test('the server column names the token (id_ -> id)', () => {
    const q = buildQuery([{ column: 'id_', serverColumn: 'id', op: 'eq', value: int(7), range: r }]);
    assert.ok('searchParams' in q);
    assert.equal(q.searchParams, 'verified=true rentable=true rented=false id=7');
});
