/** Safety checks before any request, symlinks the SDK's way, secrets, cancel, and flat memory on a big file. */
import { createHash } from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
    buildPackage,
    hashPackage,
    loadSpecs,
    looksSecret,
    PackagePlanError,
    PackagingAbortedError,
    planPackage,
    SecretFilesError,
    type DeploymentSpec,
} from '../../../src/pipeline/packaging';
import { repoRoot } from '../../helpers/paths';
import { readWithPython } from '../../compat/pythonTar';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'vast-plan-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));

function project(name: string, copies: [string, string][]): string {
    const dir = path.join(root, name);
    fs.mkdirSync(dir, { recursive: true });
    const lines = [
        'from vastai import Deployment',
        'app = Deployment(name="p")',
        '@app.remote()',
        'async def f(x):',
        '    return x',
        'image = app.image("img", storage=10)',
        ...copies.map(([s, d]) => `image.copy(${JSON.stringify(s)}, ${JSON.stringify(d)})`),
        'app.configure_autoscaling()',
        '',
    ];
    fs.writeFileSync(path.join(dir, 'app.py'), lines.join('\n'));
    return path.join(dir, 'app.py');
}

async function specOf(file: string): Promise<DeploymentSpec> {
    const r = (await loadSpecs(file))[0]?.result;
    assert.ok(r?.ok);
    return r.value;
}

void describe('planPackage', () => {
    let outside: string;
    before(() => {
        outside = path.join(root, 'outside.txt');
        fs.writeFileSync(outside, 'secret stuff');
    });

    void test('a missing source is the SDK text with the copy call range', async () => {
        const spec = await specOf(project('missing', [['nope.txt', './nope.txt']]));
        const r = planPackage(spec);
        assert.ok(!r.ok);
        assert.equal(r.problems[0]?.message, 'Source path does not exist: nope.txt');
        assert.equal(r.problems[0]?.range?.start.line, 6);
        await assert.rejects(buildPackage(spec), PackagePlanError);
    });

    void test('what the SDK calls a missing source says what the path really is', async () => {
        const file = project('odd-sources', [
            ['/dev/null', './null'],
            ['loop', './loop'],
            ['dangling', './dangling'],
            ['app.py/x', './x'],
        ]);
        const dir = path.dirname(file);
        fs.symlinkSync('loop', path.join(dir, 'loop'));
        fs.symlinkSync('gone.bin', path.join(dir, 'dangling'));
        const r = planPackage(await specOf(file));
        assert.ok(!r.ok);
        assert.deepEqual(
            r.problems.map((p) => p.message),
            [
                'Source path does not exist: /dev/null (it is a character device: only files and folders can be copied)',
                'Source path does not exist: loop (a symbolic link loop)',
                'Source path does not exist: dangling (a symbolic link to gone.bin, which does not exist)',
                'Source path does not exist: app.py/x (a part of the path is a file, not a folder)',
            ],
        );
    });

    void test('symlinks leaving the workspace are refused; inside ones are archived as links and hashed by content', async () => {
        const file = project('links', [['assets', './assets']]);
        const assets = path.join(path.dirname(file), 'assets');
        fs.mkdirSync(path.join(assets, 'real'), { recursive: true });
        fs.writeFileSync(path.join(assets, 'real', 'w.bin'), 'weights');
        fs.symlinkSync('real/w.bin', path.join(assets, 'alias.bin'));
        fs.symlinkSync('real', path.join(assets, 'dirlink'));
        const spec = await specOf(file);
        const r = planPackage(spec);
        assert.ok(r.ok);
        assert.deepEqual(
            r.plan.entries.map((e) => [e.kind, e.arcname]),
            [
                ['dir', './assets'],
                ['symlink', './assets/alias.bin'],
                ['dir', './assets/real'],
                ['file', './assets/real/w.bin'],
            ],
        );
        assert.equal(r.plan.notes.length, 1, 'the symlinked directory is left out, as os.walk does');
        // The SDK's hash: config, ./deployment.py + file, then name + target content for the link.
        const h = createHash('sha256')
            .update(spec.configJson)
            .update('./deployment.py')
            .update(fs.readFileSync(file))
            .update('./assets/alias.bin')
            .update('weights')
            .update('./assets/real/w.bin')
            .update('weights')
            .digest('hex');
        assert.equal(await hashPackage(spec), h);
        const built = await buildPackage(spec, { outFile: path.join(root, 'links.tar.gz') });
        assert.equal(built.fileHash, h);
        const py = readWithPython(built.filePath, path.join(root, 'links-x'));
        assert.deepEqual(py.entries.find((e) => e[0] === './assets/alias.bin')?.slice(8), ['2', 'real/w.bin']);

        fs.symlinkSync(outside, path.join(assets, 'leak.txt'));
        const bad = planPackage(spec);
        assert.ok(!bad.ok);
        assert.equal(bad.problems[0]?.code, 'symlink-outside');
        fs.rmSync(path.join(assets, 'leak.txt'));
    });

    void test('special files are refused', async () => {
        const file = project('fifo', [['d', './d']]);
        fs.mkdirSync(path.join(path.dirname(file), 'd'));
        execFileSync('mkfifo', [path.join(path.dirname(file), 'd', 'pipe')]);
        const r = planPackage(await specOf(file));
        assert.ok(!r.ok);
        assert.equal(r.problems[0]?.code, 'special-file');
    });

    void test('files that look like secrets need allowSecrets', async () => {
        const file = project('secrets', [['cfg', './cfg']]);
        const cfg = path.join(path.dirname(file), 'cfg');
        fs.mkdirSync(cfg);
        for (const n of ['.env', 'server.pem', 'id_rsa', 'ok.txt', '.env.example']) {
            fs.writeFileSync(path.join(cfg, n), n);
        }
        const spec = await specOf(file);
        const r = planPackage(spec);
        assert.ok(r.ok);
        assert.deepEqual(r.plan.secrets.map((p) => path.basename(p)).sort(), ['.env', 'id_rsa', 'server.pem']);
        await assert.rejects(buildPackage(spec), SecretFilesError);
        const built = await buildPackage(spec, { allowSecrets: true, outFile: path.join(root, 's.tar.gz') });
        assert.equal(built.secrets.length, 3);
        assert.ok(looksSecret('credentials.json') && looksSecret('key.key') && !looksSecret('keys.txt'));
    });

    void test('cancel removes the partial tarball', async () => {
        const file = project('cancel', [['big.bin', './big.bin']]);
        fs.writeFileSync(path.join(path.dirname(file), 'big.bin'), Buffer.alloc(64 << 20, 1));
        const ac = new AbortController();
        const out = path.join(root, 'cancel.tar.gz');
        const p = buildPackage(await specOf(file), {
            outFile: out,
            signal: ac.signal,
            threads: 1,
            onProgress: () => ac.abort(),
        });
        await assert.rejects(p, PackagingAbortedError);
        assert.equal(fs.existsSync(out), false);
    });
});

void test('a 512 MB sparse file packages with flat memory (child process peak RSS)', async () => {
    const file = project('sparse', [['big.bin', '/opt/big.bin']]);
    const big = path.join(path.dirname(file), 'big.bin');
    fs.closeSync(fs.openSync(big, 'w'));
    fs.truncateSync(big, 512 << 20);
    const script = `
const P = require(${JSON.stringify(path.join(repoRoot, 'out/src/pipeline/packaging/index.js'))});
(async () => {
    const spec = (await P.loadSpecs(process.argv[1]))[0].result.value;
    const before = process.memoryUsage().rss;
    const r = await P.buildPackage(spec, { outFile: process.argv[2] });
    console.log(JSON.stringify({ before, peak: process.resourceUsage().maxRSS * 1024, size: r.fileSize }));
})();`;
    const out = path.join(root, 'sparse.tar.gz');
    const r = spawnSync(process.execPath, ['-e', script, file, out], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const m = JSON.parse(r.stdout) as { before: number; peak: number; size: number };
    // Holding the file would need 512 MB; the stream keeps a few MiB of chunks (+ worker threads).
    assert.ok(m.peak - m.before < 160 << 20, `grew ${(m.peak - m.before) >> 20} MB`);
    assert.ok(m.size < 4 << 20, 'zeros compress');
    fs.rmSync(big);
});
