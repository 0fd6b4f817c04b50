import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import {
    checkTarball,
    filterIgnoredLines,
    scanTarball,
    sdkHashOfScan,
    spoolReader,
    type ScannedEntry,
} from '../../src/emulator/tarball';
import { execFileSync } from 'node:child_process';
import { compatCasesDir, repoRoot, sharedDir } from '../helpers/paths';
import { CASES, packCase, tmpDir } from './helpers';

const LIMITS = { maxUnpackedBytes: 1e9, maxEntries: 1000 };

/** Scans a tarball held in a buffer; the spool stays open for the test's reads. */
function scan(tar: Buffer): { entries: ScannedEntry[]; read: ReturnType<typeof spoolReader> } {
    const dir = tmpDir();
    fs.writeFileSync(path.join(dir, 'up.tar.gz'), tar);
    const fd = fs.openSync(path.join(dir, 'spool'), 'w+');
    return { entries: scanTarball(path.join(dir, 'up.tar.gz'), fd, LIMITS), read: spoolReader(fd) };
}

const hashOf = (r: { hash: string } | { why: string }): string => ('hash' in r ? r.hash : `unknown: ${r.why}`);

void describe('emulator: SDK hash of an uploaded tarball', () => {
    for (const name of Object.keys(CASES)) {
        void test(`${name}: recomputed file_hash equals the SDK's golden value`, () => {
            const expected = JSON.parse(fs.readFileSync(path.join(compatCasesDir, name, 'expected.json'), 'utf8')) as {
                put: { file_hash: string };
                tar: [string][];
            };
            const packed = packCase(name);
            assert.equal(packed.put.file_hash, expected.put.file_hash, 'the test packer reproduces the SDK');
            const { entries, read } = scan(packed.tar);
            assert.deepEqual(entries.map((e) => e.name).sort(), expected.tar.map((t) => t[0]).sort());
            assert.equal(hashOf(sdkHashOfScan(entries, read)), expected.put.file_hash);
        });
    }

    void test('archive order of a copied folder does not change the hash (os.walk order is rebuilt)', () => {
        const packed = packCase('copies');
        const { entries, read } = scan(packed.tar);
        const inAssets = (n: string): boolean => n === './assets' || n.startsWith('./assets/');
        const assets = entries.filter((e) => inAssets(e.name));
        const tree = [...assets.filter((e) => e.type === 'dir'), ...assets.filter((e) => e.type !== 'dir').reverse()];
        const i = entries.findIndex((e) => inAssets(e.name));
        const others = entries.filter((e) => !inAssets(e.name));
        const dirsFirst = [...others.slice(0, i), ...tree, ...others.slice(i)];
        assert.notDeepEqual(
            dirsFirst.map((e) => e.name),
            entries.map((e) => e.name),
        );
        assert.equal(hashOf(sdkHashOfScan(dirsFirst, read)), packed.put.file_hash);
    });

    void test('a different content gives a different hash', () => {
        const packed = packCase('basic');
        const { entries, read } = scan(packed.tar);
        assert.equal(hashOf(sdkHashOfScan(entries, read)), packed.put.file_hash);
        const module = entries[1]!;
        const edited: typeof read = (e, onChunk) =>
            e === module ? onChunk(Buffer.from('print(1)\n')) : read(e, onChunk);
        assert.notEqual(hashOf(sdkHashOfScan(entries, edited)), packed.put.file_hash);
    });

    void test('filterIgnoredLines drops only real #!VAST_IGNORE_CHANGES comments', () => {
        const src = [
            'a = 1  #!VAST_IGNORE_CHANGES',
            's = "#!VAST_IGNORE_CHANGES"',
            'NOTE = """',
            'x  #!VAST_IGNORE_CHANGES',
            '"""',
            'b = 2  #   !VAST_IGNORE_CHANGES',
            'c = 3  # !VAST_IGNORE_CHANGES more',
        ].join('\n');
        assert.equal(
            filterIgnoredLines(Buffer.from(src)).toString(),
            [
                's = "#!VAST_IGNORE_CHANGES"',
                'NOTE = """',
                'x  #!VAST_IGNORE_CHANGES',
                '"""',
                'c = 3  # !VAST_IGNORE_CHANGES more',
            ].join('\n'),
        );
    });

    void test('a file that is not gzip is refused', () => {
        const dir = tmpDir();
        fs.writeFileSync(path.join(dir, 'x'), 'not a tarball');
        assert.throws(
            () => checkTarball(path.join(dir, 'x'), path.join(dir, 'spool'), LIMITS),
            /not a readable gzip tar archive/,
        );
        assert.equal(fs.existsSync(path.join(dir, 'spool')), false, 'the spool is removed');
    });

    void test("the SDK's own tarballs with symlinks, hard links, non-BMP names and overlapping copies hash as the SDK says", () => {
        const dir = tmpDir('sdk-pack-');
        fs.writeFileSync(path.join(dir, 'app.py'), 'from vastai import Deployment\nx = 1  #!VAST_IGNORE_CHANGES\n');
        const data = path.join(dir, 'data');
        fs.mkdirSync(path.join(data, 'blobs'), { recursive: true });
        fs.mkdirSync(path.join(data, 'snapshots', 's1'), { recursive: true });
        fs.writeFileSync(path.join(data, 'a.txt'), 'alpha');
        fs.linkSync(path.join(data, 'a.txt'), path.join(data, 'b-hard.txt'));
        fs.symlinkSync('a.txt', path.join(data, 'link.txt'));
        fs.writeFileSync(path.join(data, 'blobs', 'x'), 'weights');
        // A Hugging Face cache: snapshot files are relative symlinks into blobs/.
        fs.symlinkSync('../../blobs/x', path.join(data, 'snapshots', 's1', 'model.bin'));
        fs.writeFileSync(path.join(data, '\u{1F600}.txt'), 'emoji'); // outside the BMP
        fs.writeFileSync(path.join(data, '\uFF5A.txt'), 'fullwidth z'); // sorts before it by code point, after in UTF-16
        fs.writeFileSync(path.join(data, 'Z.txt'), 'upper');
        const copies = [
            [data, './data'],
            [path.join(data, 'a.txt'), './data/a.txt'], // overlaps the folder copy
            [path.join(data, '\u{1F600}.txt'), '/opt/\u{1F600}.txt'],
        ];
        const out = path.join(dir, 'sdk.tar.gz');
        const sdk = JSON.parse(
            execFileSync(
                '/usr/bin/python3',
                [
                    path.join(repoRoot, 'test/emulator/sdkPack.py'),
                    path.join(dir, 'app.py'),
                    out,
                    JSON.stringify(copies),
                ],
                { env: { ...process.env, PYTHONPATH: path.join(sharedDir, 'oracle') } },
            ).toString(),
        ) as { file_hash: string };
        const { entries, read } = scan(fs.readFileSync(out));
        const types = new Set(entries.map((e) => e.type));
        assert.ok(
            types.has('symlink') && types.has('hardlink'),
            `the SDK archive holds links: ${[...types].join(', ')}`,
        );
        assert.equal(hashOf(sdkHashOfScan(entries, read)), sdk.file_hash);
    });

    void test('a link out of the archive leaves the hash unknown (a warning later), not an error', () => {
        const dir = tmpDir('sdk-pack-');
        fs.writeFileSync(path.join(dir, 'app.py'), 'x = 1\n');
        fs.mkdirSync(path.join(dir, 'snap'));
        fs.writeFileSync(path.join(dir, 'outside.bin'), 'w');
        fs.symlinkSync('../outside.bin', path.join(dir, 'snap', 'model.bin'));
        const out = path.join(dir, 'sdk.tar.gz');
        execFileSync(
            '/usr/bin/python3',
            [
                path.join(repoRoot, 'test/emulator/sdkPack.py'),
                path.join(dir, 'app.py'),
                out,
                JSON.stringify([[path.join(dir, 'snap'), './snap']]),
            ],
            { env: { ...process.env, PYTHONPATH: path.join(sharedDir, 'oracle') } },
        );
        const { entries, read } = scan(fs.readFileSync(out));
        assert.match(hashOf(sdkHashOfScan(entries, read)), /unknown: \.\/snap\/model\.bin links to \.\.\/outside\.bin/);
    });
});
