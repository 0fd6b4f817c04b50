/** The parallel gzip writer and the tar header writer, read back by zlib and by Python's gzip/tarfile. */
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import * as zlib from 'node:zlib';
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { crc32Combine } from '../../../src/pipeline/packaging/crc32';
import { ParallelGzipWriter, PackagingAbortedError } from '../../../src/pipeline/packaging/parallelGzip';
import { tarHeader, tarTrailer, padding } from '../../../src/pipeline/packaging/tarHeader';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vast-gz-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

function mixed(size: number): Buffer {
    const text = Buffer.from(
        'def handler(request):\n    return {"ok": True, "value": 42}\n'.repeat(Math.ceil(size / 120)),
    );
    const out = Buffer.alloc(size);
    for (let off = 0, k = 0; off < size; k++) {
        const n = Math.min(size - off, 300_000 + ((k * 7919) % 200_000));
        (k % 2 === 0 ? randomBytes(n) : text.subarray(0, n)).copy(out, off);
        off += n;
    }
    return out;
}

async function gzipFile(
    data: Buffer,
    threads: number,
    chunkSize: number,
    level = 1,
): Promise<{ file: string; size: number }> {
    const file = path.join(tmp, `t-${threads}-${chunkSize}-${level}.gz`);
    const fd = fs.openSync(file, 'w');
    const gz = new ParallelGzipWriter(fd, { threads, chunkSize, level });
    // Odd-sized writes so chunk boundaries fall everywhere.
    for (let off = 0; off < data.length; off += 77_777) await gz.write(data.subarray(off, off + 77_777));
    const r = await gz.end();
    fs.closeSync(fd);
    return { file, size: r.outputBytes };
}

void test('crc32Combine equals the CRC of the concatenation', () => {
    const a = randomBytes(1000);
    for (const n of [0, 1, 7, 4096, 65537, 1 << 20]) {
        const b = randomBytes(n);
        assert.equal(crc32Combine(zlib.crc32(a), zlib.crc32(b), n), zlib.crc32(Buffer.concat([a, b])));
    }
});

void describe('ParallelGzipWriter', () => {
    const data = mixed(3_000_000);
    for (const [threads, chunk] of [
        [0, 1 << 20],
        [2, 64 << 10],
        [3, 100_003],
    ] as const) {
        void test(`threads=${threads} chunk=${chunk}: one valid gzip stream with the right bytes and CRC`, async () => {
            const { file, size } = await gzipFile(data, threads, chunk);
            assert.equal(fs.statSync(file).size, size);
            assert.ok(zlib.gunzipSync(fs.readFileSync(file)).equals(data));
            // Python's gzip reads it too.
            const py = spawnSync(
                'python3',
                [
                    '-c',
                    'import gzip,hashlib,sys; print(hashlib.sha256(gzip.open(sys.argv[1]).read()).hexdigest())',
                    file,
                ],
                { encoding: 'utf8' },
            );
            assert.equal(py.stdout.trim(), createHash('sha256').update(data).digest('hex'));
        });
    }
    void test('incompressible data is stored (no bigger than the input plus block headers), text is deflated', async () => {
        const rnd = randomBytes(2_000_000);
        const stored = await gzipFile(rnd, 2, 256 << 10);
        assert.ok(stored.size <= rnd.length + 5 * Math.ceil(rnd.length / 65535) + 64, String(stored.size));
        const text = Buffer.from('hello world, hello deployments\n'.repeat(60_000));
        const small = await gzipFile(text, 2, 256 << 10);
        assert.ok(small.size < text.length / 20, String(small.size));
        assert.ok(zlib.gunzipSync(fs.readFileSync(small.file)).equals(text));
    });
    void test('an aborted signal stops the writer with PackagingAbortedError', async () => {
        const ac = new AbortController();
        const fd = fs.openSync(path.join(tmp, 'abort.gz'), 'w');
        const gz = new ParallelGzipWriter(fd, { threads: 1, chunkSize: 1 << 16, signal: ac.signal });
        await gz.write(randomBytes(100_000));
        ac.abort();
        await assert.rejects(gz.write(randomBytes(100_000)), PackagingAbortedError);
        await gz.close();
        fs.closeSync(fd);
    });
});

void describe('tar headers', () => {
    void test('long, non-ASCII and absolute names, directories and symlinks read back with Python tarfile', () => {
        const long = './' + 'd'.repeat(120) + '/file-with-a-long-name.txt';
        const entries = [
            { name: './dir', type: 'dir' as const, mode: 0o755, size: 0, mtime: 1_700_000_000 },
            { name: long, type: 'file' as const, mode: 0o600, size: 5, mtime: 1_700_000_000, data: 'hello' },
            { name: './héllo wörld.txt', type: 'file' as const, mode: 0o644, size: 3, mtime: 1, data: 'abc' },
            { name: '/opt/abs.bin', type: 'file' as const, mode: 0o755, size: 0, mtime: 2, data: '' },
            { name: './link', type: 'symlink' as const, mode: 0o777, size: 0, mtime: 3, linkname: 'x'.repeat(150) },
            {
                name: './' + 'h'.repeat(98),
                type: 'hardlink' as const,
                mode: 0o4755,
                size: 0,
                mtime: 4,
                linkname: 'opt/abs.bin',
            },
            {
                name: './ü/' + 'é'.repeat(60),
                type: 'hardlink' as const,
                mode: 0o644,
                size: 0,
                mtime: 5,
                linkname: long,
            },
        ];
        const parts: Buffer[] = [];
        let n = 0;
        for (const e of entries) {
            const h = tarHeader(e);
            const body = Buffer.from('data' in e ? (e.data as string) : '');
            parts.push(h, body, Buffer.alloc(padding(body.length)));
            n += h.length + body.length + padding(body.length);
        }
        parts.push(tarTrailer(n));
        const file = path.join(tmp, 'h.tar');
        fs.writeFileSync(file, Buffer.concat(parts));
        assert.equal(fs.statSync(file).size % 10240, 0);
        const py = spawnSync(
            'python3',
            [
                '-c',
                'import json,sys,tarfile\ntf=tarfile.open(sys.argv[1])\nprint(json.dumps([[m.name,oct(m.mode),m.type.decode(),m.size,m.uid,m.gid,m.uname,m.gname,m.linkname,(tf.extractfile(m).read().decode() if m.isfile() else "")] for m in tf.getmembers()]))',
                file,
            ],
            { encoding: 'utf8' },
        );
        assert.equal(py.status, 0, py.stderr);
        assert.deepEqual(JSON.parse(py.stdout), [
            ['./dir', '0o755', '5', 0, 0, 0, 'root', 'root', '', ''],
            [long, '0o600', '0', 5, 0, 0, 'root', 'root', '', 'hello'],
            ['./héllo wörld.txt', '0o644', '0', 3, 0, 0, 'root', 'root', '', 'abc'],
            ['/opt/abs.bin', '0o755', '0', 0, 0, 0, 'root', 'root', '', ''],
            ['./link', '0o777', '2', 0, 0, 0, 'root', 'root', 'x'.repeat(150), ''],
            ['./' + 'h'.repeat(98), '0o4755', '1', 0, 0, 0, 'root', 'root', 'opt/abs.bin', ''],
            ['./ü/' + 'é'.repeat(60), '0o644', '1', 0, 0, 0, 'root', 'root', long, ''],
        ]);
    });

    void test('a size past 8 GiB goes in a pax record that Python reads', () => {
        const size = 9 * 2 ** 30 + 7;
        const file = path.join(tmp, 'big.tar');
        fs.writeFileSync(file, tarHeader({ name: './big.bin', type: 'file', mode: 0o644, size, mtime: 0 }));
        const py = spawnSync(
            'python3',
            ['-c', 'import sys,tarfile\nm=tarfile.open(sys.argv[1]).firstmember\nprint(m.name, m.size)', file],
            { encoding: 'utf8' },
        );
        assert.equal(py.status, 0, py.stderr);
        assert.equal(py.stdout.trim(), `./big.bin ${size}`);
    });
});
