/**
 * Hand-written deployment files through the official SDK (`sdk.py capture`) and `package --json`, each with the
 * outcome it must have: the shapes diff-sdk found us refusing although the SDK's send works (now sent, byte for byte
 * as compare.ts defines it), and the refusals that stay, with the reason they must give.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import type { OutcomeClass } from './compare';
import { CaptureWorkers, runCase } from './run';

const head = (args: string) =>
    `from vastai import Deployment\napp = Deployment(${args})\n\n\n` +
    '@app.remote(benchmark_dataset=[{"x": 1}])\nasync def f(x):\n    return x\n\n\n';
const TAIL = '\napp.configure_autoscaling()\napp.ensure_ready()\n';

/**
 * [what, the image lines (after `image = `), expected class, a part of our reason when we refuse, the Deployment's
 * arguments (default `name="pinned"`)].
 */
const CASES: [string, string, OutcomeClass, RegExp?, string?][] = [
    ['a whole float storage', 'app.image("img:1", storage=16.0)', 'match'],
    ['a fractional storage', 'app.image("img:1", storage=16.5)', 'match'],
    ['a positional float storage', 'app.image("img:1", 0.5)', 'match'],
    ['a float storage beyond 2**53', 'app.image("img:1", storage=1e16)', 'match'],
    ['a float port equal to the default', 'app.image("img:1", 16)\nimage.publish_port(3000.0)', 'match'],
    ['a float port after its int', 'app.image("img:1", 16)\nimage.publish_port(8000).publish_port(8000.0)', 'match'],
    [
        'a float port',
        'app.image("img:1", 16)\nimage.publish_port(8000.0)',
        'we-refuse',
        /-p 8000\.0:8000\.0\/tcp.*Docker/,
    ],
    [
        'a float worker_port',
        'app.image("img:1", 16, worker_port=(8080.0, "tcp"))',
        'we-refuse',
        /-p 8080\.0:8080\.0\/tcp/,
    ],
    ['an int run_cmd argument', 'app.image("img:1", 16)\nimage.run_cmd("sleep", 5)', 'we-refuse', /TypeError.*not int/],
    ['an empty run_cmd', 'app.image("img:1", 16)\nimage.run_cmd()', 'we-refuse', /subprocess\.run\(\[\]\).*IndexError/],
    ['an int beyond what a double holds', 'app.image("img:1", 10**23)', 'we-refuse', /every digit/],
    [
        'a positional Deployment argument',
        'app.image("img:1", 16)',
        'we-refuse',
        /as your API key.*Failed to lookup registered deployment/,
        '"pinned"',
    ],
    ['a \\N{...} escape', 'app.image("img:1", 16).env(A="\\N{BULLET}")', 'we-refuse', /character-name table/],
];

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'vd-diff-pinned-'));
const workers = new CaptureWorkers(2);
after(() => {
    workers.close();
    fs.rmSync(root, { recursive: true, force: true });
});

void test('pinned files: float storage and ports, run_cmd arguments, big ints, positional names, \\N escapes — sent as the SDK sends, or refused with the reason', async () => {
    const results = await Promise.all(
        CASES.map(([, image, , , args], i) =>
            runCase(
                {
                    seed: i,
                    features: [],
                    stmts: [{ t: 'line', text: `${head(args ?? 'name="pinned"')}image = ${image}${TAIL}` }],
                    tree: [],
                },
                workers,
                root,
            ),
        ),
    );
    const wrong = CASES.flatMap(([what, , cls, reason], i) => {
        const o = results[i]!.outcome;
        const ok = o.cls === cls && (reason === undefined || reason.test(o.reason ?? ''));
        return ok ? [] : [`${what}: want ${cls} ${reason ?? ''}, got ${o.cls} ${o.reason ?? o.sdkError ?? ''}`];
    });
    assert.deepEqual(wrong, []);
});
