// readSyntaxErrors asks each child `hasError` before `isError`/`isMissing` (fewer calls into wasm per keystroke in a
// long file): it must still find exactly the outermost ERROR and MISSING nodes a walk of every node finds.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import type { Node } from 'web-tree-sitter';
import type { Range } from '../../../src/shared/model';
import { readSyntaxErrors } from '../../../src/shared/python/ignores';
import { rangeOf } from '../../../src/shared/python/nodes';
import { initPython, parsePython } from '../../../src/shared/python/parser';
import { random } from './random';

/** Every node visited, errors or not: the outermost ERROR/MISSING nodes in order, at most 100. */
function everyNode(root: Node): Range[] {
    const out: Range[] = [];
    const visit = (node: Node): void => {
        if (out.length >= 100) return;
        if (node.isError || node.isMissing) {
            out.push(rangeOf(node));
            return;
        }
        for (const child of node.children) if (child) visit(child);
    };
    visit(root);
    return out;
}

const broken = [
    'x = (1,\n',
    'def f(:\n    pass\n',
    'print(items.)\n',
    'if x\n    y = 1\n',
    'class A:\ndef g(): pass\n',
    'a = [1, 2\nb = 3\n',
    '@app.remote(\nasync def f(): ...\n',
    'x = "unterminated\ny = 1\n',
    '$ % ^ &\n',
    'for in range(3): pass\n',
    'lambda: (yield\n',
    'x = 1 +\n' + 'def ok():\n    return 1\n'.repeat(50) + 'y = )\n',
];

void describe('readSyntaxErrors', () => {
    before(() => initPython());

    void test('finds what a walk of every node finds (hand-written and random broken code)', () => {
        const gen = random(10);
        const texts = [...broken];
        for (let i = 0; i < 300; i++) {
            const base = broken[gen.int(broken.length)] ?? '';
            const at = gen.int(base.length + 1);
            texts.push(base.slice(0, at) + gen.garbage(1 + gen.int(12)) + base.slice(at));
        }
        let withErrors = 0;
        for (const text of texts) {
            const tree = parsePython(text);
            try {
                const expected = everyNode(tree.rootNode);
                if (expected.length > 0) withErrors++;
                assert.deepEqual(readSyntaxErrors(tree.rootNode), expected, JSON.stringify(text));
            } finally {
                tree.delete();
            }
        }
        // The inputs do exercise errors.
        assert.ok(withErrors > 250, `${withErrors} texts with errors`);
    });
});
