// Packaging speed: package + hash a deployment that copies a 300 MB directory of mixed files (incompressible weights
// and compressible text, 4 KB to 64 MB), compared in the same run, on the same files, with (a) the SDK's own
// packaging (compute_deployment_hash + create_deployment_tarball from ../shared/oracle, Python's tarfile "w:gz"),
// (b) `tar cf - DIR | pigz -p 2` and (c) `tar czf`. Also hash-only vs Python's hashlib.sha256.
// Prints one JSON object per line (with the load average, the machine may be shared); progress on stderr.
// Env BENCH_PACKAGING_MB changes the data size (default 300).
import { spawnSync } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const totalMb = Number(process.env.BENCH_PACKAGING_MB ?? 300);
const oracle = path.resolve(repo, '../shared/oracle');
const MB = 1 << 20;
const log = (...a) => console.error('[bench packaging]', ...a);

// Deterministic PRNG so every run packages the same bytes.
let seed = 0x9e3779b9;
const rnd = () => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) / 4294967296;
};

function textPool(bytes) {
    const words = (
        'the of and to in is you that it was for on are as with they at be this from have or one had by ' +
        'word but not what all were we when your can said there use an each which do how their if will up other about ' +
        'out many then them these so some would make like into time has look two more write go see number no way could ' +
        'people than first water been call who now find long down day did get come made may part model layer weight ' +
        'tensor config token prompt value return import def class self async await request response batch'
    ).split(' ');
    const lines = [];
    let n = 0;
    while (n < bytes) {
        let line = '    '.repeat(Math.floor(rnd() * 3));
        const k = 3 + Math.floor(rnd() * 10);
        for (let i = 0; i < k; i++) line += words[Math.floor(rnd() * words.length)] + (rnd() < 0.1 ? ', ' : ' ');
        if (rnd() < 0.3) line += `= ${Math.floor(rnd() * 1000)}`;
        line += '\n';
        lines.push(line);
        n += line.length;
    }
    return Buffer.from(lines.join(''));
}

function generate(dir) {
    const data = path.join(dir, 'data');
    fs.mkdirSync(path.join(data, 'weights'), { recursive: true });
    fs.mkdirSync(path.join(data, 'text', 'docs'), { recursive: true });
    const pool = textPool(8 * MB);
    const budget = totalMb * MB;
    const weightBudget = Math.floor(budget * 0.62);
    const chunk = Buffer.allocUnsafe(4 * MB);
    let used = 0;
    let i = 0;
    // Weights: incompressible, 8-64 MB each.
    while (used < weightBudget) {
        const size = Math.min(weightBudget - used, Math.floor((8 + rnd() * 56) * MB));
        const fd = fs.openSync(path.join(data, 'weights', `shard-${String(i++).padStart(3, '0')}.safetensors`), 'w');
        for (let left = size; left > 0; left -= chunk.length)
            fs.writeSync(fd, randomFillSync(chunk), 0, Math.min(left, chunk.length));
        fs.closeSync(fd);
        used += size;
    }
    // Text: 4 KB - 8 MB (many small ones), slices of the pool.
    i = 0;
    while (used < budget) {
        const r = rnd();
        const want =
            r < 0.7 ? 4096 + Math.floor(rnd() * 60 * 1024) : r < 0.95 ? Math.floor((0.1 + rnd()) * MB) : 8 * MB;
        const size = Math.min(budget - used, want);
        const fd = fs.openSync(path.join(data, 'text', i % 3 === 0 ? 'docs' : '', `file-${i++}.txt`), 'w');
        for (let left = size; left > 0;) {
            const at = Math.floor(rnd() * (pool.length - 1));
            const n = Math.min(left, pool.length - at);
            fs.writeSync(fd, pool, at, n);
            left -= n;
        }
        fs.closeSync(fd);
        used += size;
    }
    fs.writeFileSync(
        path.join(dir, 'app.py'),
        [
            'from vastai import Deployment',
            'app = Deployment(name="bench")',
            '@app.remote(benchmark_dataset=[{"x": 1}])',
            'async def f(x):',
            '    return x',
            'image = app.image("vastai/base-image:@vastai-automatic-tag", storage=32)',
            'image.copy("data", "./data")',
            'app.configure_autoscaling()',
            '',
        ].join('\n'),
    );
    return { files: i, bytes: used };
}

function run(cmd, args, opts = {}) {
    const t = process.hrtime.bigint();
    const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * MB, ...opts });
    const ms = Number(process.hrtime.bigint() - t) / 1e6;
    if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr}`);
    return { ms, stdout: r.stdout };
}

// Ours runs in a child process so its peak RSS is its own.
const OURS = `
const P = require(${JSON.stringify(path.join(repo, 'out/src/pipeline/packaging/index.js'))});
(async () => {
    const [file, out, mode] = process.argv.slice(1);
    const spec = (await P.loadSpecs(file))[0].result.value;
    const t = process.hrtime.bigint();
    let r;
    if (mode === 'hash') r = { fileHash: await P.hashPackage(spec) };
    else r = await P.buildPackage(spec, { outFile: out });
    const ms = Number(process.hrtime.bigint() - t) / 1e6;
    console.log(JSON.stringify({ ms, hash: r.fileHash, size: r.fileSize, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
})().catch((e) => { console.error(e); process.exit(1); });
`;

// The SDK's own packaging functions, as ensure_ready() calls them.
const PY_SDK = `
import sys, time
sys.path.insert(0, sys.argv[3])
from vastai.serverless.remote.base import Config
from vastai.serverless.remote.utils import compute_deployment_hash, create_deployment_tarball
app, out = sys.argv[1], sys.argv[2]
copies = [(sys.argv[4], "./data")]
config = Config("bench", [], [], [], [])
t = time.time()
compute_deployment_hash(config, app, copies)
create_deployment_tarball(out, config, app, copies)
print((time.time() - t) * 1000)
`;

const PY_SHA = `
import hashlib, os, sys, time
t = time.time()
h = hashlib.sha256()
for root, dirs, files in os.walk(sys.argv[1]):
    dirs.sort()
    for f in sorted(files):
        with open(os.path.join(root, f), 'rb') as fh:
            while True:
                b = fh.read(1 << 20)
                if not b:
                    break
                h.update(b)
print((time.time() - t) * 1000)
`;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vast-bench-packaging-'));
try {
    log(`generating ${totalMb} MB in ${dir}`);
    const gen = generate(dir);
    const app = path.join(dir, 'app.py');
    const data = path.join(dir, 'data');
    const mb = gen.bytes / MB;
    // Warm the page cache equally for everyone.
    run('sh', ['-c', `cat "${data}"/*/* "${data}"/text/docs/* > /dev/null 2>&1; true`]);

    log('ours: package + hash');
    const ours = JSON.parse(run(process.execPath, ['-e', OURS, app, path.join(dir, 'ours.tar.gz'), 'build']).stdout);
    // Hash-only runs are short and noisy: best of 3, interleaved with Python's, on both sides.
    let oursHash;
    let pySha = Infinity;
    for (let i = 0; i < 3; i++) {
        log(`ours: hash only (${i + 1}/3), python hashlib.sha256 (${i + 1}/3)`);
        const h = JSON.parse(run(process.execPath, ['-e', OURS, app, '', 'hash']).stdout);
        if (!oursHash || h.ms < oursHash.ms) oursHash = h;
        pySha = Math.min(pySha, Number(run('python3', ['-c', PY_SHA, data]).stdout));
    }
    if (oursHash.hash !== ours.hash) throw new Error('hash-only and build disagree');
    log("the SDK's packaging (compute_deployment_hash + create_deployment_tarball)");
    const py = Number(run('/usr/bin/python3', ['-c', PY_SDK, app, path.join(dir, 'py.tar.gz'), oracle, data]).stdout);
    log('tar cf - | pigz -p 2');
    const pigz = run('sh', ['-c', `tar cf - -C "${dir}" data | pigz -p 2 > "${path.join(dir, 'pigz.tar.gz')}"`]).ms;
    log('tar czf');
    const tar = run('tar', ['czf', path.join(dir, 'tar.tar.gz'), '-C', dir, 'data']).ms;
    // The archive must be a standard .tar.gz: list it with Python's tarfile.
    const listed = Number(
        run('python3', [
            '-c',
            'import sys,tarfile; print(len(tarfile.open(sys.argv[1]).getmembers()))',
            path.join(dir, 'ours.tar.gz'),
        ]).stdout,
    );
    const sizeOf = (f) => fs.statSync(path.join(dir, f)).size / MB;
    console.log(
        JSON.stringify({
            bench: `package-${totalMb}mb`,
            mb: Math.round(mb),
            files: gen.files,
            ms: Math.round(ours.ms),
            mb_per_s: Math.round(mb / (ours.ms / 1000)),
            sdk_ms: Math.round(py),
            pigz_p2_ms: Math.round(pigz),
            tar_czf_ms: Math.round(tar),
            vs_sdk_x: +(py / ours.ms).toFixed(2),
            target_vs_sdk_x: 3,
            vs_pigz_p2_x: +(pigz / ours.ms).toFixed(2),
            target_vs_pigz_p2_x: 2,
            vs_tar_x: +(tar / ours.ms).toFixed(2),
            peak_rss_mb: Math.round(ours.maxRssMb),
            target_peak_rss_mb: 200,
            out_mb: +sizeOf('ours.tar.gz').toFixed(1),
            sdk_out_mb: +sizeOf('py.tar.gz').toFixed(1),
            pigz_out_mb: +sizeOf('pigz.tar.gz').toFixed(1),
            tar_out_mb: +sizeOf('tar.tar.gz').toFixed(1),
            python_tarfile_entries: listed,
            cores: os.availableParallelism(),
            loadavg_1m: +os.loadavg()[0].toFixed(2),
        }),
    );
    console.log(
        JSON.stringify({
            bench: `hash-only-${totalMb}mb`,
            ms: Math.round(oursHash.ms),
            mb_per_s: Math.round(mb / (oursHash.ms / 1000)),
            python_sha256_ms: Math.round(pySha),
            python_sha256_mb_per_s: Math.round(mb / (pySha / 1000)),
            vs_python_sha256_x: +(pySha / oursHash.ms).toFixed(2),
            target_vs_python_sha256_x: 1,
            peak_rss_mb: Math.round(oursHash.maxRssMb),
            loadavg_1m: +os.loadavg()[0].toFixed(2),
        }),
    );
} finally {
    fs.rmSync(dir, { recursive: true, force: true });
}
