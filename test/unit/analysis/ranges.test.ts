// Ranges are LSP positions: 0-based lines, characters in UTF-16 code units (not UTF-8 bytes, not code points).
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { analyzePython, initPython } from '../../../src/shared/python/analyze';
import type { Range } from '../../../src/shared/model';

function slice(text: string, r: Range): string {
    const lines = text.split('\n');
    if (r.start.line === r.end.line) return lines[r.start.line]!.slice(r.start.character, r.end.character);
    return [
        lines[r.start.line]!.slice(r.start.character),
        ...lines.slice(r.start.line + 1, r.end.line),
        lines[r.end.line]!.slice(0, r.end.character),
    ].join('\n');
}

const prefixes = ['', 'é', 'héllo wörld ', '中文 ', '😀 ', '𝔘𝔫𝔦 😀😀 '];

void describe('ranges', () => {
    before(() => initPython());

    for (const prefix of prefixes) {
        void test(`after ${JSON.stringify(prefix)} the ranges still select the right text`, () => {
            const text = [
                'from vastai import Deployment',
                `app = Deployment(name="${prefix}x", tag="t")  # ${prefix}`,
                `img = app.image("${prefix}img", storage=16)`,
                `img.env(K="${prefix}")`,
                '',
            ].join('\n');
            const d = analyzePython(text).deployments[0]!;
            assert.equal(slice(text, d.name!.range), `"${prefix}x"`);
            assert.equal(slice(text, d.tag!.range), '"t"');
            assert.equal(slice(text, d.call.argsRange), `(name="${prefix}x", tag="t")`);
            const storage = d.image!.call.args[1]!;
            assert.equal(slice(text, storage.range), 'storage=16');
            assert.equal(slice(text, storage.nameRange!), 'storage');
            const env = d.image!.calls[0]!;
            assert.equal(slice(text, env.methodRange), 'env');
            assert.equal(slice(text, env.range), `img.env(K="${prefix}")`);
            assert.equal(
                d.image!.call.args[0]!.value.kind === 'str' && d.image!.call.args[0]!.value.value,
                `${prefix}img`,
            );
        });
    }

    void test('multi-line ranges: the deployment statement and a chained image', () => {
        const text =
            'import vastai\napp = vastai.Deployment(\n    name="é",\n)\nimage = (\n    app.image("x")\n    .pip_install("a")\n)\n';
        const d = analyzePython(text).deployments[0]!;
        assert.equal(slice(text, d.range), 'app = vastai.Deployment(\n    name="é",\n)');
        assert.equal(slice(text, d.call.methodRange), 'Deployment');
        assert.equal(slice(text, d.image!.calls[0]!.range), 'app.image("x")\n    .pip_install("a")');
    });
});
