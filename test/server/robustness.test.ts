// The analysis host contains failures: before the parser loads, and when the rules meet a malformed model, it logs
// and answers with empty results instead of throwing. (Runs in its own process: the parser is never loaded here.)
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { AnalysisHost } from '../../src/language-server/analysisHost';
import type { FileAnalysis } from '../../src/shared/model';
import { goodApp } from './helpers';

void test('analysis before the parser is loaded: empty results and a log line, no exception', () => {
    const logs: string[] = [];
    const host = new AnalysisHost((m) => logs.push(m));
    const a = host.analyze(goodApp(), 'file:///x.py');
    assert.deepEqual(a.deployments, []);
    const doc = host.openDocument(goodApp(), 'file:///y.py');
    doc.update([{ text: 'x = 1' }], 'x = 1');
    assert.deepEqual(doc.analysisInline()?.deployments, []);
    doc.dispose();
    assert.ok(
        logs.some((l) => l.includes('initPython')),
        logs.join('\n'),
    );
});

void test('rules over a malformed model: logged, empty problems', () => {
    const logs: string[] = [];
    const host = new AnalysisHost((m) => logs.push(m));
    const broken = { deployments: [null], imports: null, ignores: {} } as unknown as FileAnalysis;
    assert.deepEqual(host.checkFile(broken, { uri: 'file:///z.py', path: '/z.py', relDir: '', text: '' }), []);
    assert.equal(host.checkWorkspace([{ uri: 'file:///z.py', analysis: broken }]).size, 0);
    assert.equal(logs.filter((l) => l.includes('failed')).length, 2, logs.join('\n'));
});
