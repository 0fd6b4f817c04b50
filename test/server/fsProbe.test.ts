// The folder-listing cache behind the rules' `listFiles`: served from memory until a watched-file event touches
// the folder, bounded, and never throwing for a folder that is gone.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { FileSystemProbe } from '../../src/language-server/fsProbe';
import { makeWorkspace } from './helpers';

void test('listings are cached until an event under (or above) the folder', () => {
    const ws = makeWorkspace({ 'config/a.txt': 'a', 'config/sub/b.txt': 'b', 'other/c.txt': 'c' });
    try {
        const probe = new FileSystemProbe();
        probe.cacheEnabled = true;
        const dir = path.join(ws.dir, 'config');
        assert.deepEqual(probe.listFiles(dir, 100).sort(), ['a.txt', 'sub/b.txt']);
        assert.deepEqual(probe.listFiles(dir, 100).sort(), ['a.txt', 'sub/b.txt']);
        assert.equal(probe.walks, 1, 'the second call is served from the cache');
        // An event elsewhere keeps it.
        probe.invalidate(path.join(ws.dir, 'other', 'c.txt'));
        probe.listFiles(dir, 100);
        assert.equal(probe.walks, 1);
        // A file created deep inside drops it.
        fs.writeFileSync(path.join(dir, 'sub', 'new.txt'), 'n');
        probe.invalidate(path.join(dir, 'sub', 'new.txt'));
        assert.deepEqual(probe.listFiles(dir, 100).sort(), ['a.txt', 'sub/b.txt', 'sub/new.txt']);
        assert.equal(probe.walks, 2);
        // The parent folder deleted: dropped too, and a missing folder lists as empty instead of throwing.
        fs.rmSync(ws.dir, { recursive: true });
        probe.invalidate(ws.dir);
        assert.deepEqual(probe.listFiles(dir, 100), []);
        assert.equal(probe.statPath(dir), 'missing');
        assert.equal(probe.walks, 3);
    } finally {
        ws.cleanup();
    }
});

void test('a cut-short listing is walked again for a larger limit; a smaller one is served', () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 10; i++) files[`d/f${i}.txt`] = String(i);
    const ws = makeWorkspace(files);
    try {
        const probe = new FileSystemProbe();
        probe.cacheEnabled = true;
        const dir = path.join(ws.dir, 'd');
        assert.equal(probe.listFiles(dir, 4).length, 4);
        assert.equal(probe.listFiles(dir, 3).length, 3);
        assert.equal(probe.walks, 1);
        assert.equal(probe.listFiles(dir, 50).length, 10);
        assert.equal(probe.walks, 2);
        // Complete listing: any limit is served from it.
        assert.equal(probe.listFiles(dir, 500).length, 10);
        assert.equal(probe.walks, 2);
    } finally {
        ws.cleanup();
    }
});

void test('the cache is bounded and off without file watching', () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 70; i++) files[`d${i}/x.txt`] = 'x';
    const ws = makeWorkspace(files);
    try {
        const probe = new FileSystemProbe();
        probe.cacheEnabled = true;
        for (let i = 0; i < 70; i++) probe.listFiles(path.join(ws.dir, `d${i}`), 10);
        assert.equal(probe.walks, 70);
        // The most recent ones are kept, the oldest were dropped.
        probe.listFiles(path.join(ws.dir, 'd69'), 10);
        assert.equal(probe.walks, 70);
        probe.listFiles(path.join(ws.dir, 'd0'), 10);
        assert.equal(probe.walks, 71);

        const plain = new FileSystemProbe();
        plain.listFiles(path.join(ws.dir, 'd1'), 10);
        plain.listFiles(path.join(ws.dir, 'd1'), 10);
        assert.equal(plain.walks, 2, 'no events would tell it the folder changed');
    } finally {
        ws.cleanup();
    }
});
