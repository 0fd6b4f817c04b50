import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { PyValue, Range } from '../../src/shared/model';
import {
    deserialize,
    exceptionClassName,
    SerializationError,
    serializeJs,
    serializeKwargs,
    serializePy,
} from '../../src/shared/serialization';

const r: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
const int = (value: number): PyValue => ({ kind: 'int', value, range: r });
const str = (value: string): PyValue => ({ kind: 'str', value, range: r });

void describe('serialization (SDK §1.2)', () => {
    const jsTable: [string, unknown, unknown][] = [
        ['int', 3, 3],
        ['float', 2.5, 2.5],
        ['str', 'héllo', 'héllo'],
        ['None', null, null],
        ['bytes', new Uint8Array([0, 255, 65]), { type: 'bytes', contents: 'AP9B' }],
        ['list', [1, 'a'], { type: 'list', contents: [1, 'a'] }],
        [
            'dict',
            { a: 1, b: [2] },
            {
                type: 'dict',
                contents: [
                    ['a', 1],
                    ['b', { type: 'list', contents: [2] }],
                ],
            },
        ],
        ['nested empty', { x: {} }, { type: 'dict', contents: [['x', { type: 'dict', contents: [] }]] }],
    ];
    for (const [name, input, wire] of jsTable) {
        void test(`js ${name}`, () => assert.deepEqual(serializeJs(input), wire));
    }

    void test('bool raises TypeError like the SDK', () => {
        assert.throws(
            () => serializeJs(true),
            (e: unknown) => e instanceof TypeError && e instanceof SerializationError,
        );
        assert.throws(() => serializeJs({ flag: false }), /Object of type bool is not JSON serializable!/);
        assert.throws(() => serializePy({ kind: 'bool', value: true, range: r }), /bool/);
    });

    void test('other JS objects are refused', () => {
        assert.throws(() => serializeJs(new Date()), /Object of type Date is not JSON serializable!/);
        assert.throws(() => serializeJs(NaN), SerializationError);
    });

    void test('PyValue keeps tuple apart from list', () => {
        assert.deepEqual(serializePy({ kind: 'tuple', items: [int(1), str('x')], range: r }), {
            type: 'tuple',
            contents: [1, 'x'],
        });
        assert.deepEqual(
            serializePy({ kind: 'dict', entries: [{ key: int(1), value: { kind: 'none', range: r } }], range: r }),
            { type: 'dict', contents: [[1, null]] },
        );
        assert.equal(serializePy({ kind: 'float', value: 1, range: r }), 1);
        assert.throws(() => serializePy({ kind: 'dynamic', text: 'x', range: r }), /not a literal: x/);
        assert.throws(() => serializePy({ kind: 'set', items: [], range: r }), /set/);
    });

    void test('kwargs are serialized by name', () => {
        assert.deepEqual(serializeKwargs({ x: 2, b: new Uint8Array([1]) }), {
            x: 2,
            b: { type: 'bytes', contents: 'AQ==' },
        });
    });

    void test('deserialize round trips and objects', () => {
        for (const [, input] of jsTable) {
            const back = deserialize(serializeJs(input));
            if (input instanceof Uint8Array) assert.deepEqual([...(back as Uint8Array)], [...input]);
            else assert.deepEqual(back, input);
        }
        assert.deepEqual(deserialize({ type: 'tuple', contents: [1] }), [1]);
        assert.deepEqual(deserialize({ type: 'dict', contents: [[1, 'a']] }), [[1, 'a']]);
        assert.deepEqual(
            deserialize({
                type: 'obj',
                module: { type: 'absolute', path: ['m', 'n'] },
                class: 'P',
                contents: { x: 1 },
            }),
            { __class__: 'P', __module__: 'm.n', x: 1 },
        );
        assert.throws(() => deserialize({ type: 'weird' }), /Cannot deserialize/);
    });

    void test('exception class names', () => {
        const err = {
            type: 'obj',
            module: { type: 'absolute', path: ['builtins'] },
            class: 'ValueError',
            contents: {},
        };
        assert.equal(exceptionClassName(err), 'ValueError');
        assert.equal(
            exceptionClassName({
                ...err,
                module: { type: 'absolute', path: ['requests', 'exceptions'] },
                class: 'HTTPError',
            }),
            'requests.exceptions.HTTPError',
        );
        assert.equal(exceptionClassName(null), 'an exception');
    });
});
