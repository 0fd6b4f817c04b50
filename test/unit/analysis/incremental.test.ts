// PythonDocument (tree.edit + incremental reparse) must give exactly what a fresh parse of the same text gives.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import { compatCasesDir, fixturesDir } from '../../helpers/paths';
import { analyzePython, initPython, PythonDocument, type ContentChange } from '../../../src/shared/python/analyze';
import type { Position } from '../../../src/shared/model';
import { random, type Random } from './random';

/** The LSP position of a string offset (lines split on \n, \r\n or \r; characters are UTF-16 units). */
function positionAt(text: string, offset: number): Position {
    let line = 0;
    let lineStart = 0;
    for (let i = 0; i < offset; i++) {
        const c = text[i];
        if (c === '\n' || (c === '\r' && text[i + 1] !== '\n')) {
            line++;
            lineStart = i + 1;
        }
    }
    return { line, character: offset - lineStart };
}

const SNIPPETS = ['x', ' ', '\n', '(', ')', ',', '"', 'é', '😀', '\r\n', 'app.', '    ', 'storage=', '1_000', '#'];

/** A random edit of `text`, as an LSP change and the text it yields. */
function randomEdit(rnd: Random, text: string): { change: ContentChange; next: string } {
    let start = rnd.int(text.length + 1);
    let end = Math.min(text.length, start + (rnd.int(3) === 0 ? rnd.int(15) : 0));
    // Keep surrogate pairs and CRLF whole: LSP positions cannot point inside them.
    const inside = (at: number): boolean =>
        /[\udc00-\udfff]/.test(text[at] ?? '') || (text[at] === '\n' && text[at - 1] === '\r');
    if (inside(start)) start--;
    if (inside(end)) end++;
    const insert = rnd.int(4) === 0 ? '' : rnd.pick(SNIPPETS);
    const change = { range: { start: positionAt(text, start), end: positionAt(text, end) }, text: insert };
    return { change, next: text.slice(0, start) + insert + text.slice(end) };
}

/** deepEqual, with a short message: node's diff of two large models takes minutes to compute. */
function sameJson(actual: unknown, expected: unknown, what: string): void {
    const a = JSON.stringify(actual, null, 1).split('\n');
    const e = JSON.stringify(expected, null, 1).split('\n');
    const at = a.findIndex((line, k) => line !== e[k]);
    if (at >= 0 || a.length !== e.length) {
        const k = at >= 0 ? at : Math.min(a.length, e.length);
        assert.fail(
            `${what}: incremental and fresh analyses differ at line ${k}:\n${a.slice(k - 8, k + 3).join('\n')}\n---\n${e.slice(k - 8, k + 3).join('\n')}`,
        );
    }
}

const files = [
    path.join(compatCasesDir, 'full-image', 'app.py'),
    path.join(compatCasesDir, 'query-ops', 'app.py'),
    path.join(fixturesDir, 'python', 'multi-deployments.py'),
];

void describe('incremental analysis', () => {
    before(() => initPython());

    for (const file of files) {
        void test(`${path.basename(path.dirname(file))}/${path.basename(file)}: random edits match a fresh parse`, () => {
            const rnd = random(file.length);
            let text = fs.readFileSync(file, 'utf8');
            const doc = new PythonDocument(text);
            try {
                for (let i = 0; i < 300; i++) {
                    // Sometimes several changes in one notification, applied in order as LSP does.
                    const changes: ContentChange[] = [];
                    for (let k = 0; k < 1 + (rnd.int(5) === 0 ? rnd.int(3) : 0); k++) {
                        const edit = randomEdit(rnd, text);
                        changes.push(edit.change);
                        text = edit.next;
                    }
                    // The editor's text after the changes is passed along (adopted when the last change makes
                    // it); now and then a wrong one, which must be ignored.
                    const wrong = rnd.int(4) === 0;
                    doc.update(changes, wrong ? `${text.slice(0, -1)}#` : i % 2 === 0 ? text : undefined);
                    assert.equal(doc.text, text, `text after edit ${i}`);
                    const incremental = doc.analyze();
                    const fresh = analyzePython(text);
                    // tree-sitter may recover from a syntax error differently when it reuses old nodes, so error
                    // ranges can differ; whether there are errors, and everything read from the code, may not.
                    assert.equal(
                        incremental.syntaxErrors.length > 0,
                        fresh.syntaxErrors.length > 0,
                        `errors, edit ${i}`,
                    );
                    sameJson({ ...incremental, syntaxErrors: [] }, { ...fresh, syntaxErrors: [] }, `edit ${i}`);
                }
            } finally {
                doc.dispose();
            }
        });
    }

    void test('a full-text change replaces everything', () => {
        const doc = new PythonDocument('x = 1\n');
        try {
            doc.update([{ text: 'from vastai import Deployment\napp = Deployment(name="n")\n' }]);
            assert.equal(doc.analyze().deployments[0]?.variable, 'app');
            doc.update([{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 3 } }, text: 'svc' }]);
            assert.equal(doc.analyze().deployments[0]?.variable, 'svc');
        } finally {
            doc.dispose();
        }
    });

    void test('positions past the end of a line or file are clamped, CRLF counts as one line break', () => {
        const doc = new PythonDocument('a = 1\r\nb = 2\r\n');
        try {
            assert.equal(doc.offsetAt({ line: 0, character: 99 }), 5);
            assert.equal(doc.offsetAt({ line: 1, character: 0 }), 7);
            assert.equal(doc.offsetAt({ line: 9, character: 0 }), 14);
            doc.update([{ range: { start: { line: 0, character: 99 }, end: { line: 1, character: 0 } }, text: '\n' }]);
            assert.equal(doc.text, 'a = 1\nb = 2\r\n');
        } finally {
            doc.dispose();
        }
    });
});
