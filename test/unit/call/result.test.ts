// Call results: formatting, tracebacks found in worker logs, and the payload history.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { findTraceback, formatResult, formatSize, userFrame } from '../../../src/shared/call/result';
import { HISTORY_LIMIT, parseHistory, pushHistory } from '../../../src/shared/call/history';

void describe('call result', () => {
    void test('bytes show as their size, anywhere in the value', () => {
        assert.equal(formatSize(512), '512 B');
        assert.equal(formatSize(1536), '1.5 KB');
        assert.equal(formatSize(5 * 1024 * 1024), '5.0 MB');
        const text = formatResult({ img: new Uint8Array(2048), n: [1, 2] });
        assert.deepEqual(JSON.parse(text), { img: '<bytes: 2.0 KB>', n: [1, 2] });
        assert.equal(formatResult(null), 'null');
    });

    const log = [
        '12:00:01 [w1] Traceback (most recent call last):',
        '12:00:01 [w1]   File "/srv/x/app.py", line 3, in old',
        '12:00:01 [w1] KeyError: 1',
        'other line',
        '12:00:02 [w1] Traceback (most recent call last):',
        '12:00:02 [w1]   File "/usr/lib/python3.11/asyncio/tasks.py", line 10, in run',
        '12:00:02 [w1]   File "/tmp/worker-3/app/app.py", line 14, in boom',
        '12:00:02 [w1]     raise ValueError("bad")',
        '12:00:02 [w1]   File "/tmp/worker-3/app/lib/util.py", line 2, in helper',
        '12:00:02 [w1] ValueError: bad input: 3',
        'after',
    ];

    void test('the last traceback of the raised class, with prefixes stripped', () => {
        const tb = findTraceback(log, 'ValueError')!;
        assert.equal(tb.summary, 'ValueError: bad input: 3');
        assert.equal(tb.message, 'bad input: 3');
        assert.equal(tb.startIndex, 4);
        assert.deepEqual(
            tb.frames.map((f) => `${f.file}:${f.line}:${f.fn}`),
            [
                '/usr/lib/python3.11/asyncio/tasks.py:10:run',
                '/tmp/worker-3/app/app.py:14:boom',
                '/tmp/worker-3/app/lib/util.py:2:helper',
            ],
        );
        assert.equal(tb.lines.length, 6);
        assert.equal(findTraceback(log, 'KeyError')!.message, '1');
        assert.equal(findTraceback(log, 'mod.KeyError')!.summary, 'KeyError: 1');
        assert.equal(findTraceback(log, 'TypeError'), undefined);
        assert.equal(findTraceback([], 'ValueError'), undefined);
    });

    void test('the link goes to the deepest frame in a user file', () => {
        const tb = findTraceback(log, 'ValueError')!;
        assert.equal(userFrame(tb, (f) => f.endsWith('/app.py'))!.line, 14);
        assert.equal(userFrame(tb, () => false)!.file, '/tmp/worker-3/app/lib/util.py');
    });
});

void describe('payload history', () => {
    void test('newest first, a re-sent payload moves up, capped at 20', () => {
        let h = pushHistory([], '{"x": 1}', new Date(0));
        h = pushHistory(h, '{"x": 2}', new Date(1));
        h = pushHistory(h, '{ "x":1 }', new Date(2));
        assert.deepEqual(
            h.map((e) => e.payload),
            ['{ "x":1 }', '{"x": 2}'],
        );
        for (let i = 0; i < 30; i++) h = pushHistory(h, `{"i": ${i}}`, new Date(3));
        assert.equal(h.length, HISTORY_LIMIT);
        assert.equal(h[0]!.payload, '{"i": 29}');
    });
    void test('a malformed history file is dropped, not fatal', () => {
        assert.deepEqual(parseHistory('nope'), {});
        assert.deepEqual(parseHistory('{"k": [{"payload": 1}, {"payload": "{}", "at": "t"}], "j": 3}'), {
            k: [{ payload: '{}', at: 't' }],
        });
    });
});
