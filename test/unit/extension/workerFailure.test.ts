// Worker failures in the words the tree, the CodeLens and the benchmark view use: the exception, the traceback mapped
// to the user's file, the latest failed call's traceback found in an interleaved worker log, the view's error links.
import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { benchmarkStats } from '../../../src/shared/benchmarkStats';
import { deriveStatus } from '../../../src/extension/statusModel';
import type { BenchmarkRecord, WorkerInfo } from '../../../src/extension/types';
import { renderBenchmarkHtml } from '../../../src/extension/views/benchmarkHtml';
import {
    callTracebackRef,
    exceptionClassOf,
    failureLensTitle,
    failureMarkdown,
    failureRowLabel,
    findCallTraceback,
    workerFailure,
} from '../../../src/extension/workerFailure';

const USER = '/home/u/proj/svc/app.py';
const IMPORT_FAILURE = [
    'Traceback (most recent call last):',
    '  File "/opt/vastai/serverless/remote/serve_deployment.py", line 40, in main',
    '    spec.loader.exec_module(module)',
    '  File "/tmp/w/1/deployment.py", line 3, in <module>',
    '    import not_a_real_module',
    "ModuleNotFoundError: No module named 'not_a_real_module'",
].join('\n');

const status = (workers: WorkerInfo[]) =>
    deriveStatus({ remote: { id: 1, name: 'svc', tag: 'default' }, workers, loaded: true });

void describe('a deployment whose workers failed', () => {
    void test('the exception, where it raised (app.py:3) and the mapped traceback', () => {
        const f = workerFailure(
            status([
                { id: 7, status: 'error', statusMsg: IMPORT_FAILURE },
                { id: 8, status: 'error' },
            ]),
            USER,
        );
        assert.ok(f);
        assert.equal(f.exception, "ModuleNotFoundError: No module named 'not_a_real_module'");
        assert.equal(f.where, 'app.py:3');
        assert.deepEqual(f.location, { file: USER, line: 3 });
        assert.equal(f.failed, 2);
        assert.match(f.traceback, /File "\/home\/u\/proj\/svc\/app\.py", line 3, in <module>/);
        assert.equal(
            failureLensTitle(f),
            "$(error) Worker failed: ModuleNotFoundError: No module named 'not_a_real_module' (app.py:3)",
        );
        assert.equal(failureRowLabel(f), "ModuleNotFoundError: No module named 'not_a_rea…");
        assert.ok(failureRowLabel(f).length <= 48);
        const md = failureMarkdown(f);
        assert.match(md, /^\*\*2 workers failed\*\*: `ModuleNotFoundError: [^`]+` at app\.py:3/);
        assert.match(md, /```text\n[\s\S]*app\.py", line 3[\s\S]*\n```$/);
    });

    void test('none while a worker is ready, starting or the deployment is fine', () => {
        const ready = status([
            { id: 7, status: 'error', statusMsg: IMPORT_FAILURE },
            { id: 9, status: 'idle' },
        ]);
        assert.equal(workerFailure(ready, USER), undefined);
        assert.equal(workerFailure(status([{ id: 9, status: 'loading' }]), USER), undefined);
    });

    void test('a worker message that is not a traceback: its first line, no location', () => {
        const f = workerFailure(
            status([{ id: 7, status: 'error', statusMsg: 'benchmark failed: no call succeeded\nmore' }]),
            USER,
        );
        assert.equal(f?.exception, 'benchmark failed: no call succeeded');
        assert.equal(f?.where, undefined);
        assert.equal(failureLensTitle(f!), '$(error) Worker failed: benchmark failed: no call succeeded');
        assert.equal(
            workerFailure(status([{ id: 7, status: 'error' }]), USER)?.exception,
            'no message from the worker',
        );
    });
});

const ts = (s: number) => `2026-11-30T18:00:${String(s).padStart(2, '0')}.000Z`;
const LOG = [
    `${ts(1)} [worker 1] starting the SDK's worker`,
    `${ts(2)} [worker 1] Error in remote function work:`,
    `${ts(2)} [worker 1] Traceback (most recent call last):`,
    `${ts(2)} [worker 2] Error in remote function work:`,
    `${ts(2)} [worker 1]   File "/tmp/w/1/deployment.py", line 12, in work`,
    `${ts(2)} [worker 2] Traceback (most recent call last):`,
    `${ts(2)} [worker 1]     raise KeyError(x)`,
    `${ts(2)} [worker 2]   File "/tmp/w/2/deployment.py", line 14, in work`,
    `${ts(2)} [worker 1] KeyError: 3`,
    `${ts(2)} [worker 2]     raise ValueError("bad")`,
    `${ts(2)} [worker 2] ValueError: bad`,
    `${ts(3)} [worker 1] POST /work 500`,
    `${ts(4)} [worker 1] Error in remote function other:`,
    `${ts(4)} [worker 1] Traceback (most recent call last):`,
    `${ts(4)} [worker 1]   File "/tmp/w/1/deployment.py", line 20, in other`,
    `${ts(4)} [worker 1] RuntimeError: no`,
];

void describe("a failed call's traceback in the worker log", () => {
    void test("the latest of the function's, its worker's lines only, mapped", () => {
        const tb = findCallTraceback(LOG, 'work', USER);
        assert.ok(tb);
        assert.equal(tb.lineIndex, 3);
        assert.equal(tb.exception, 'ValueError: bad');
        assert.equal(tb.where, 'app.py:14');
        assert.equal(
            tb.text,
            [
                'Traceback (most recent call last):',
                `  File "${USER}", line 14, in work`,
                '    raise ValueError("bad")',
                'ValueError: bad',
            ].join('\n'),
        );
    });

    void test('the exception class named by the error picks the matching one; unknown class: the latest', () => {
        assert.equal(findCallTraceback(LOG, 'work', USER, 'KeyError')?.where, 'app.py:12');
        assert.equal(findCallTraceback(LOG, 'work', USER, 'TypeError')?.where, 'app.py:14');
        assert.equal(findCallTraceback(LOG, 'other', USER)?.exception, 'RuntimeError: no');
        assert.equal(findCallTraceback(LOG, 'missing', USER), undefined);
        assert.equal(exceptionClassOf('remote function raised KeyError'), 'KeyError');
        assert.equal(exceptionClassOf('HTTP 500'), undefined);
    });
});

void describe('benchmark view links', () => {
    const samples = [
        { ok: true, totalMs: 10, routeMs: 1, workerMs: 9 },
        { ok: false, totalMs: 5, routeMs: 0, workerMs: 0, error: 'remote function raised ValueError' },
        { ok: false, totalMs: 5, routeMs: 0, workerMs: 0, error: 'remote function raised KeyError' },
    ];
    const rec: BenchmarkRecord = {
        name: 'svc',
        tag: 'canary',
        target: 'local',
        function: 'work',
        at: '2026-11-30T18:00:00Z',
        stats: benchmarkStats(samples, 100),
        calls: [],
    };

    void test('each error has a traceback link; the link opens the call traceback of that error', () => {
        const html = renderBenchmarkHtml(rec, undefined, 'N', 'c:');
        const links = [...html.matchAll(/<a href="#" class="traceback" data-error="(\d+)"/g)].map((m) => m[1]);
        assert.deepEqual(links, ['0', '1']);
        assert.match(html, /vscode\.postMessage\(\{ type: 'openTraceback', error: Number\(a\.dataset\.error\) \}\)/);
        const i = rec.stats.errorCounts.findIndex((e) => e.message.includes('KeyError'));
        assert.deepEqual(callTracebackRef(rec, i), {
            name: 'svc',
            tag: 'canary',
            function: 'work',
            error: 'remote function raised KeyError',
        });
        assert.equal(callTracebackRef(rec, 5), undefined);
        // Every call failed: the failure table's rows carry the link too.
        const allFailed = renderBenchmarkHtml(
            { ...rec, stats: benchmarkStats(samples.slice(1), 10) },
            undefined,
            'N',
            'c:',
        );
        assert.match(allFailed, /<td class="error"><pre>[^<]*<\/pre><a href="#" class="traceback" data-error="1"/);
    });
});
