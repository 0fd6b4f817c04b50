// Call function payloads: prefill, binding and flagging, checked against Python's own Signature.bind +
// apply_defaults and the SDK's serialize (the oracle) for the same function and payload.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import { sharedDir } from '../../helpers/paths';
import { analyzePython, initPython } from '../../../src/shared/python/analyze';
import { bindPayload, prefillPayload } from '../../../src/shared/call/payload';
import type { RemoteFunction } from '../../../src/shared/model';

function remoteOf(src: string): RemoteFunction {
    const text = `from vastai import Deployment\napp = Deployment(name="t")\n${src}\n`;
    const r = analyzePython(text).deployments[0]!.remotes[0];
    assert.ok(r, 'no remote read');
    return r;
}

interface Case {
    def: string;
    payload: string;
    /** Expected problem texts (substring match), errors first; empty for a clean bind. */
    errors?: string[];
    warnings?: string[];
}

const CASES: Record<string, Case> = {
    plain: { def: 'async def f(x, y=3):\n    return x', payload: '{"x": 1}' },
    order: { def: 'async def f(a, b=2, *, c="z"):\n    return a', payload: '{"c": "q", "a": [1, {"k": null}]}' },
    bytesAndTuple: {
        def: 'async def f(a, b):\n    return a',
        payload: '{"a": {"$bytes": "aGk="}, "b": {"$tuple": [1, 2.5]}}',
    },
    missing: {
        def: 'async def f(x, y):\n    return x',
        payload: '{"x": 1}',
        errors: ["missing a required argument: 'y'"],
    },
    unexpected: {
        def: 'async def f(x):\n    return x',
        payload: '{"x": 1, "z": 2}',
        errors: ["unexpected keyword argument 'z'"],
    },
    positionalOnly: {
        def: 'async def f(x, /):\n    return x',
        payload: '{"x": 1}',
        errors: ["'x' parameter is positional only", "missing a required argument: 'x'"],
    },
    boolValue: { def: 'async def f(x):\n    return x', payload: '{"x": [1, true]}', errors: ['cannot send a bool'] },
    boolDefault: {
        def: 'async def f(x, flag=False):\n    return x',
        payload: '{"x": 1}',
        errors: ['default flag=False'],
    },
    setDefault: { def: 'async def f(x, s={1, 2}):\n    return x', payload: '{"x": 1}', errors: ['cannot send a set'] },
    varKwargs: { def: 'async def f(x, **kw):\n    return x', payload: '{"x": 1, "extra": "e"}', warnings: ['nested'] },
    notAnObject: { def: 'async def f(x):\n    return x', payload: '[1]', errors: ['must be a JSON object'] },
    notJson: { def: 'async def f(x):\n    return x', payload: '{x: 1}', errors: ['not JSON'] },
};

/** What Python + the SDK send for the case, or the TypeError text. */
function oracle(c: Case): { kwargs?: unknown; error?: string } {
    const script = `
import importlib.util, inspect, json, sys
spec = importlib.util.spec_from_file_location("ser", sys.argv[1])
ser = importlib.util.module_from_spec(spec); spec.loader.exec_module(ser)
ns = {}
exec(sys.argv[2], ns)
def conv(v):
    if isinstance(v, dict):
        if list(v) == ["$bytes"]: import base64; return base64.b64decode(v["$bytes"])
        if list(v) == ["$tuple"]: return tuple(conv(x) for x in v["$tuple"])
        return {k: conv(x) for k, x in v.items()}
    if isinstance(v, list): return [conv(x) for x in v]
    return v
try:
    kwargs = conv(json.loads(sys.argv[3]))
    b = inspect.signature(ns["f"]).bind(**kwargs); b.apply_defaults()
    print(json.dumps({"kwargs": {k: ser.serialize(v, "__main__") for k, v in b.arguments.items()}}))
except Exception as e:
    print(json.dumps({"error": f"{type(e).__name__}: {e}"}))
`;
    const ser = path.join(sharedDir, 'oracle', 'vastai', 'serverless', 'remote', 'serialization.py');
    const out = execFileSync('/usr/bin/python3', ['-c', script, ser, c.def, c.payload], { encoding: 'utf8' });
    return JSON.parse(out) as { kwargs?: unknown; error?: string };
}

void describe('call payload: binding like the SDK', () => {
    before(async () => {
        await initPython();
    });
    for (const [name, c] of Object.entries(CASES)) {
        void test(name, () => {
            const r = bindPayload(remoteOf(`@app.remote()\n${c.def}`).params, c.payload);
            const errors = r.problems.filter((p) => p.severity === 'error').map((p) => p.message);
            const warnings = r.problems.filter((p) => p.severity === 'warning').map((p) => p.message);
            assert.equal(errors.length, (c.errors ?? []).length, errors.join('\n'));
            (c.errors ?? []).forEach((e, i) => assert.ok(errors[i]!.includes(e), `${errors[i]} ⊅ ${e}`));
            (c.warnings ?? []).forEach((w, i) => assert.ok(warnings[i]?.includes(w), `${warnings[i]} ⊅ ${w}`));
            assert.equal(r.kwargs === undefined, errors.length > 0);
            if (name === 'notJson' || name === 'notAnObject') return;
            const o = oracle(c);
            if (errors.length > 0) {
                assert.ok(o.error, `Python accepted what we refuse: ${JSON.stringify(o)}`);
            } else {
                assert.equal(o.error, undefined);
                // Same keys in the same order, same wire values.
                assert.equal(JSON.stringify(r.kwargs), JSON.stringify(o.kwargs));
            }
        });
    }
});

void describe('call payload: prefill', () => {
    before(async () => {
        await initPython();
    });
    void test('from every benchmark item', () => {
        const r = remoteOf('@app.remote(benchmark_dataset=[{"x": 2}, {"x": (1, 2)}])\nasync def f(x):\n    return x');
        const p = prefillPayload(r);
        assert.equal(p.source, 'benchmark');
        assert.deepEqual(
            p.payloads.map((s) => JSON.parse(s)),
            [{ x: 2 }, { x: { $tuple: [1, 2] } }],
        );
    });
    void test('from a literal generator', () => {
        const r = remoteOf(
            '@app.remote(benchmark_generator=lambda: {"text": "hi"})\nasync def f(text):\n    return text',
        );
        assert.deepEqual(JSON.parse(prefillPayload(r).payloads[0]!), { text: 'hi' });
    });
    void test('from parameters: defaults, else a placeholder from the annotation', () => {
        const r = remoteOf(
            '@app.remote()\nasync def f(a: int, b: str, c=[1, "x"], *, d: float = 0.5, e=some_call()):\n    return a',
        );
        const p = prefillPayload(r);
        assert.equal(p.source, 'parameters');
        assert.deepEqual(JSON.parse(p.payloads[0]!), { a: 0, b: '', c: [1, 'x'], d: 0.5, e: null });
    });
    void test('a prefilled payload binds cleanly', () => {
        const r = remoteOf('@app.remote()\nasync def f(a: int, b="q", *, k: dict = {"z": 1}):\n    return a');
        const b = bindPayload(r.params, prefillPayload(r).payloads[0]!);
        assert.deepEqual(b.problems, []);
        assert.deepEqual(Object.keys(b.kwargs!), ['a', 'b', 'k']);
    });
});
