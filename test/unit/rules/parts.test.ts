/** Unit tests of the rules' parts: settings, secrets, placeholders, edits, the code table, workspace matching. */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import { analyzePython, initPython } from '../../../src/shared/python/analyze';
import type { Range } from '../../../src/shared/model';
import {
    ALL_CODES,
    CODES,
    applyEdits,
    applySettings,
    checkFile,
    checkWorkspace,
    isCode,
    type Problem,
} from '../../../src/shared/rules';
import { removeArgsEdits } from '../../../src/shared/rules/edits';
import { sampleFor } from '../../../src/shared/sampleValues';
import { secretReason } from '../../../src/shared/rules/secrets';
import { LineIndex } from '../../../src/shared/rules/text';
import { fixturesDir } from '../../helpers/paths';
import { problemsOf } from './harness';

void before(async () => {
    await initPython();
});

const r = (line: number): Range => ({ start: { line, character: 0 }, end: { line, character: 1 } });
const p = (code: string, line: number): Problem => ({ code, severity: 'error', message: code, range: r(line) });

void describe('code table', () => {
    void test("the issues' 29 codes plus fractional-storage and env-unset-on-worker, each with a severity and a doc", () => {
        assert.equal(ALL_CODES.length, 31);
        for (const code of ALL_CODES) {
            assert.match(CODES[code].severity, /^(error|warning|information)$/);
            assert.ok(CODES[code].doc.length > 10 && !CODES[code].doc.includes('\n'), code);
        }
        assert.equal(CODES['dynamic-value'].severity, 'information');
        assert.equal(CODES['secret-in-package'].severity, 'warning');
        assert.equal(CODES['copy-source-missing'].severity, 'error');
        // A fraction of a GB is sent as the SDK sends it: a warning, never a refusal.
        assert.equal(CODES['fractional-storage'].severity, 'warning');
        assert.equal(CODES['env-unset-on-worker'].severity, 'warning');
        assert.ok(isCode('missing-benchmark'));
        assert.ok(!isCode('toString'));
    });
});

void describe('applySettings', () => {
    const problems = [p('missing-image', 1), p('unnamed-deployment', 2), p('dynamic-value', 3), p('missing-image', 4)];
    const table: {
        name: string;
        severity: Record<string, 'error' | 'warning' | 'hint' | 'off'>;
        ignores: Record<number, string[]>;
        want: string[];
    }[] = [
        {
            name: 'nothing set',
            severity: {},
            ignores: {},
            want: [
                'missing-image:1:error',
                'unnamed-deployment:2:error',
                'dynamic-value:3:error',
                'missing-image:4:error',
            ],
        },
        {
            name: 'off drops a code',
            severity: { 'unnamed-deployment': 'off' },
            ignores: {},
            want: ['missing-image:1:error', 'dynamic-value:3:error', 'missing-image:4:error'],
        },
        {
            name: 'override changes severity',
            severity: { 'missing-image': 'hint' },
            ignores: {},
            want: [
                'missing-image:1:hint',
                'unnamed-deployment:2:error',
                'dynamic-value:3:error',
                'missing-image:4:hint',
            ],
        },
        {
            name: 'ignore[code] on a line',
            severity: {},
            ignores: { 4: ['missing-image'], 2: ['other-code'] },
            want: ['missing-image:1:error', 'unnamed-deployment:2:error', 'dynamic-value:3:error'],
        },
        {
            name: 'bare ignore drops every code on its line',
            severity: {},
            ignores: { 3: [] },
            want: ['missing-image:1:error', 'unnamed-deployment:2:error', 'missing-image:4:error'],
        },
    ];
    for (const row of table) {
        void test(row.name, () => {
            const got = applySettings(problems, row.severity, row.ignores).map(
                (x) => `${x.code}:${x.range.start.line}:${x.severity}`,
            );
            assert.deepEqual(got, row.want);
        });
    }

    void test('with the analysis: # vast: ignore[code] on the line silences it', () => {
        const text = [
            'from vastai import Deployment',
            'app = Deployment()  # vast: ignore[unnamed-deployment, missing-image]',
            '',
        ].join('\n');
        const analysis = analyzePython(text);
        const all = problemsOf(text, 'app.py');
        assert.ok(all.some((x) => x.code === 'unnamed-deployment'));
        const kept = applySettings(all, {}, analysis.ignores).map((x) => x.code);
        assert.ok(!kept.includes('unnamed-deployment') && !kept.includes('missing-image'));
        assert.ok(kept.includes('missing-autoscaling'));
    });
});

void describe('secretReason', () => {
    const secret = [
        '.env',
        'conf/.env.production',
        'id_rsa',
        'a/b/id_ed25519',
        'tls/server.pem',
        'x.KEY',
        'store.p12',
        '.netrc',
        '.npmrc',
        '.pypirc',
        'home/.aws/credentials',
        '.docker/config.json',
        '.git-credentials',
        'credentials.json',
    ];
    const fine = [
        '.env.example',
        '.env.sample',
        'id_rsa.pub',
        'README.md',
        'keyboard.py',
        'model.bin',
        'credentials.py',
        'aws/credentials.md',
        'config.json',
        'env',
        'monkey',
    ];
    for (const s of secret) void test(`secret: ${s}`, () => assert.ok(secretReason(s), s));
    for (const s of fine) void test(`not secret: ${s}`, () => assert.equal(secretReason(s), undefined, s));
});

void describe('sampleFor: a value per annotation the SDK can send (never bool, never a set)', () => {
    const table: [string | undefined, string][] = [
        ['str', '"hello"'],
        ['int', '1'],
        ['float', '1.0'],
        ['list[str]', '["hello"]'],
        ['List[int]', '[1]'],
        ['typing.Sequence[float]', '[1.0]'],
        ['list[dict[str, int]]', '[{}]'],
        ['tuple[int, str]', '[1]'],
        ['set[str]', '["hello"]'],
        ['Optional[str]', '"hello"'],
        ['int | None', '1'],
        ['None | int', '1'],
        ['dict[str, int]', '{}'],
        ['bytes', 'b"hello"'],
        ['bool', '1'],
        ['Literal["fast", "slow"]', '"fast"'],
        ['MyModel', '"hello"'],
        [undefined, '"hello"'],
    ];
    for (const [annotation, want] of table) {
        void test(`${annotation ?? '(none)'} -> ${want}`, () => assert.equal(sampleFor(annotation), want));
    }
});

void describe('removeArgsEdits', () => {
    const table: [string, string[], string][] = [
        ['f(a=1, b=2, c=3)', ['b'], 'f(a=1, c=3)'],
        ['f(a=1, b=2, c=3)', ['c'], 'f(a=1, b=2)'],
        ['f(a=1, b=2, c=3)', ['a'], 'f(b=2, c=3)'],
        ['f(a=1, b=2, c=3)', ['b', 'c'], 'f(a=1)'],
        ['f(a=1, b=2, c=3)', ['a', 'c'], 'f(b=2)'],
        ['f(a=1, b=2,)', ['a', 'b'], 'f()'],
        ['f(\n    a=1,\n    b=2,\n)', ['a'], 'f(\n    b=2,\n)'],
    ];
    for (const [src, names, want] of table) {
        void test(`${JSON.stringify(src)} without ${names.join(',')}`, () => {
            const text = `from vastai import Deployment\napp = Deployment(name="x")\n\n@app.remote${src.slice(1)}\nasync def g():\n    pass\n`;
            const call = analyzePython(text).deployments[0]?.remotes[0]?.decorator;
            assert.ok(call);
            const edits = removeArgsEdits(
                call,
                call.args.filter((a) => names.includes(a.name ?? '')),
                new LineIndex(text),
            );
            assert.ok(applyEdits(text, edits).includes(`@app.remote${want.slice(1)}\n`), applyEdits(text, edits));
        });
    }
});

void describe('LineIndex', () => {
    void test('positions and offsets round-trip, CRLF and UTF-16 included', () => {
        const text = 'a\r\nbé😀c\nlast';
        const li = new LineIndex(text);
        for (let o = 0; o <= text.length; o++) {
            if (text[o - 1] === '\r') continue;
            assert.equal(li.offsetAt(li.positionAt(o)), o);
        }
        assert.equal(li.lineText(0), 'a');
        assert.equal(li.eol, '\r\n');
        assert.deepEqual(li.positionAt(text.indexOf('c')), { line: 1, character: 4 });
    });

    void test('insideFunction tells a def body from an if block', () => {
        const li = new LineIndex('def f():\n    if x:\n        y()\nif z:\n    w()\n');
        assert.equal(li.insideFunction(2), true);
        assert.equal(li.insideFunction(4), false);
        assert.equal(li.insideFunction(0), false);
    });
});

void describe('checkWorkspace module matching', () => {
    const dep = (name: string) =>
        `from vastai import Deployment\napp = Deployment(name="${name}")\n\n@app.remote(benchmark_dataset=[{}])\nasync def f():\n    pass\n`;
    const user = (mod: string) => `from ${mod} import app\n\n@app.remote()\nasync def g():\n    pass\n`;
    const run = (files: Record<string, string>) =>
        checkWorkspace(
            Object.entries(files).map(([p, t]) => ({
                uri: `file:///ws/${p}`,
                path: `/ws/${p}`,
                analysis: analyzePython(t),
            })),
        );
    const codes = (m: Map<string, Problem[]>, file: string) =>
        (m.get(`file:///ws/${file}`) ?? []).map((x) => x.code).sort();

    void test('a relative import resolves against the importer', () => {
        const m = run({ 'pkg/svc.py': dep('a'), 'pkg/extra.py': user('.svc'), 'other/svc.py': dep('b') });
        assert.deepEqual(codes(m, 'pkg/extra.py'), ['remote-in-multiple-files']);
        assert.deepEqual(codes(m, 'pkg/svc.py'), ['remote-in-multiple-files']);
        assert.deepEqual(codes(m, 'other/svc.py'), []);
        const related = m.get('file:///ws/pkg/extra.py')?.[0]?.related?.[0];
        assert.equal(related?.uri, 'file:///ws/pkg/svc.py');
    });

    void test('a dotted module matches its path; the next-door module wins', () => {
        const m = run({ 'a/pkg/svc.py': dep('a'), 'b/pkg/svc.py': dep('b'), 'b/main.py': user('pkg.svc') });
        assert.deepEqual(codes(m, 'b/pkg/svc.py'), ['remote-in-multiple-files']);
        assert.deepEqual(codes(m, 'a/pkg/svc.py'), []);
    });

    void test('a module without that deployment variable is not reported', () => {
        const m = run({ 'svc.py': dep('a').replace(/\bapp\b/g, 'service'), 'main.py': user('svc') });
        assert.deepEqual(codes(m, 'main.py'), []);
    });

    void test('duplicate-deployment uses the tag and skips dynamic names', () => {
        const m = run({
            'x.py': 'from vastai import Deployment\na = Deployment(name="n", tag="t")\nb = Deployment(name=N)\n',
            'y.py': 'from vastai import Deployment\na = Deployment(name="n", tag="t")\nb = Deployment(name=N)\n',
            'z.py': 'from vastai import Deployment\na = Deployment(name="n")\n',
        });
        assert.deepEqual(codes(m, 'x.py'), ['duplicate-deployment']);
        assert.deepEqual(codes(m, 'z.py'), []);
        assert.equal(m.get('file:///ws/x.py')?.[0]?.related?.[0]?.uri, 'file:///ws/y.py');
    });
});

void test('secret-in-package searches copied folders through listFiles, bounded', () => {
    const dir = path.join(fixturesDir, 'rules', 'secret-in-package');
    const text = fs.readFileSync(path.join(dir, 'fire.py'), 'utf8');
    const analysis = analyzePython(text);
    let limitSeen = 0;
    const problems = checkFile(analysis, {
        uri: 'file:///fire.py',
        path: 'fire.py',
        relDir: '',
        text,
        statPath: (s) => (s === 'bundle' ? 'dir' : 'file'),
        listFiles: (_d, limit) => {
            limitSeen = limit;
            return ['ok.txt', 'deep/keys/id_rsa'];
        },
    });
    const bundle = problems.find((x) => x.code === 'secret-in-package' && x.message.includes('"bundle"'));
    assert.ok(bundle?.message.includes('deep/keys/id_rsa'));
    assert.ok(limitSeen > 0 && limitSeen <= 10000);
});
