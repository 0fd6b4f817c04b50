// Files too large or too slow for the server's event loop are analysed in the worker thread (issue 12 item 9): the
// answer is the same analysis the event loop would have made, edits made meanwhile are not lost, and the host says
// when an analysis arrived so the file is re-diagnosed.
import * as assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { AnalysisHost } from '../../src/language-server/analysisHost';
import { FileEntry } from '../../src/language-server/files';
import { analyzeBounded, initPython } from '../../src/shared/python/analyze';
import { goodApp } from './helpers';

/** A deployment file, then `levels` nested `Deployment(...)` calls that take the analysis a while. */
function slowApp(levels: number): string {
    return `${goodApp('slow')}\nx = ${'Deployment(name='.repeat(levels)}"x"${')'.repeat(levels)}\n`;
}

const hosts: AnalysisHost[] = [];
function hostWith(inline: { budgetMs: number; maxChars: number }): { host: AnalysisHost; analysed: string[] } {
    const host = new AnalysisHost(() => undefined, 10_000, inline);
    const analysed: string[] = [];
    host.onAnalysed = (key) => analysed.push(key);
    hosts.push(host);
    return { host, analysed };
}

before(() => initPython());
after(() => hosts.forEach((h) => h.dispose()));

for (const open of [true, false]) {
    void test(`${open ? 'an open document' : 'an indexed file'} over the inline budget: analysed in the worker, the same analysis`, async () => {
        const { host, analysed } = hostWith({ budgetMs: 1, maxChars: 1_000_000 });
        const text = slowApp(3000);
        const uri = 'file:///tmp/slow.py';
        const doc = open ? host.openDocument(text, uri) : undefined;
        const e = new FileEntry('slow', uri, '/tmp/slow.py', undefined, text, host, doc);
        // Meanwhile: a stand-in, and nothing to publish.
        assert.deepEqual(e.analysis().deployments, []);
        assert.equal(e.analysing, true);
        await e.whenAnalysed();
        assert.equal(e.analysing, false);
        assert.deepEqual(analysed, ['slow']);
        const expected = analyzeBounded(text, 10_000);
        assert.ok(expected.deployments.length > 1 && expected.notAnalysed === undefined);
        assert.deepEqual(e.analysis(), expected);
    });
}

void test('a file over the inline size goes to the worker at once; an edit made meanwhile gets its own analysis', async () => {
    const { host, analysed } = hostWith({ budgetMs: 10_000, maxChars: 100 });
    const text = goodApp('big');
    const uri = 'file:///tmp/big.py';
    const e = new FileEntry('big', uri, '/tmp/big.py', undefined, text, host, host.openDocument(text, uri));
    assert.equal((e.analysis(), e.analysing), true);
    const edited = text.replace('"big"', '"bigger"');
    const at = text.indexOf('big');
    const line = text.slice(0, at).split('\n').length - 1;
    const character = at - text.lastIndexOf('\n', at) - 1;
    e.update(edited, [
        { range: { start: { line, character }, end: { line, character: character + 3 } }, text: 'bigger' },
    ]);
    await e.whenAnalysed();
    // The first text's analysis arrived after the edit: dropped, and the host asked for the file again.
    assert.deepEqual(analysed, ['big']);
    assert.equal(e.analysing, true);
    await e.whenAnalysed();
    assert.deepEqual(analysed, ['big', 'big']);
    assert.match(JSON.stringify(e.analysis().deployments[0]?.name), /"bigger"/);
    assert.deepEqual(e.analysis(), analyzeBounded(edited, 10_000));
});
