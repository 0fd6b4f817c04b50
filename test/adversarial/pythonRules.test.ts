// Issue 12 items 9 and 11, in process: Python's own line rules (a lone CR ends a line), the time budget of one
// analysis, and the bytes Python refuses (NUL, invalid UTF-8 without a coding cookie).
import * as assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { analyzeBounded, analyzePython, initPython, PythonDocument } from '../../src/shared/python/analyze';
import { sourceBytesProblem } from '../../src/shared/rules/source';
import { goodApp } from '../server/helpers';

void before(() => initPython());

void test('a lone CR ends a line: the deployment is found, on the right line', () => {
    const text = goodApp('old-mac').replace(/\n/g, '\r');
    const a = analyzePython(text);
    assert.deepEqual(
        a.deployments.map((d) => [d.variable, d.call.range.start.line]),
        [['app', 3]],
    );
    // The same through an open document, after an edit that adds lines at the top.
    const doc = new PythonDocument(text);
    try {
        doc.update([{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '#\r#\r' }]);
        assert.deepEqual(
            doc.analyze().deployments.map((d) => d.call.range.start.line),
            [5],
        );
    } finally {
        doc.dispose();
    }
});

void test('an analysis over its time budget stops and says why', () => {
    const levels = 6000;
    const text = `from vastai import Deployment\napp = ${'Deployment(name='.repeat(levels)}"x"${')'.repeat(levels)}\n`;
    const started = performance.now();
    const a = analyzeBounded(text, 1);
    assert.match(a.notAnalysed ?? '', /longer than 1 ms/);
    assert.ok(performance.now() - started < 5000);
    // Within a generous budget the same file is analysed (linear walk).
    assert.equal(analyzeBounded(text, 60000).deployments.length, 1);
});

void test('bytes Python refuses: NUL anywhere, invalid UTF-8 unless a coding cookie names another encoding', () => {
    const app = Buffer.from(goodApp('bytes'));
    assert.equal(sourceBytesProblem(app), undefined);
    const nul = sourceBytesProblem(Buffer.concat([app, Buffer.from([0])]));
    assert.match(nul?.message ?? '', /NUL byte/);
    assert.equal(nul?.position.line, goodApp('bytes').split('\n').length - 1);
    const latin = Buffer.concat([app, Buffer.from('# caf\xe9\n', 'latin1')]);
    assert.match(sourceBytesProblem(latin)?.message ?? '', /not valid UTF-8 \(byte 0xe9\)/);
    const declared = Buffer.concat([Buffer.from('# -*- coding: latin-1 -*-\n'), latin]);
    assert.equal(sourceBytesProblem(declared), undefined);
    assert.equal(sourceBytesProblem(Buffer.from('# coding: utf-8\nx = "\xc3\xa9"\n', 'latin1')), undefined);
    assert.ok(sourceBytesProblem(Buffer.from([0xed, 0xa0, 0x80])), 'an encoded surrogate is invalid');
});
