/** Reads a .tar.gz with Python's own `tarfile` (the reader the workers use) and extracts it with filter='data'. */
import { spawnSync } from 'node:child_process';

const SCRIPT = `
import hashlib, json, os, sys, tarfile
entries = []
with tarfile.open(sys.argv[1], 'r:gz') as tf:
    for m in tf.getmembers():
        data = tf.extractfile(m).read() if m.isfile() else b''
        entries.append([m.name, oct(m.mode), m.uid, m.gid, m.uname, m.gname, m.size,
                        hashlib.sha256(data).hexdigest(), m.type.decode(), m.linkname])
    if sys.argv[2]:
        tf.extractall(sys.argv[2], filter='data')
extracted = {}
for root, dirs, files in os.walk(sys.argv[2]) if sys.argv[2] else []:
    for f in files:
        p = os.path.join(root, f)
        with open(p, 'rb') as fh:
            extracted[os.path.relpath(p, sys.argv[2])] = hashlib.sha256(fh.read()).hexdigest()
print(json.dumps({'entries': entries, 'extracted': extracted}))
`;

/** `[name, mode, uid, gid, uname, gname, size, sha256, type, linkname]`, as in expected.json plus type/linkname. */
export type PyTarEntry = [string, string, number, number, string, string, number, string, string, string];

/** `extractTo` '' lists the entries without extracting. */
export function readWithPython(
    tarball: string,
    extractTo: string,
): { entries: PyTarEntry[]; extracted: Record<string, string> } {
    const r = spawnSync('python3', ['-c', SCRIPT, tarball, extractTo], { encoding: 'utf8', maxBuffer: 64 << 20 });
    if (r.status !== 0) throw new Error(`python3 tarfile failed: ${r.stderr}`);
    return JSON.parse(r.stdout) as { entries: PyTarEntry[]; extracted: Record<string, string> };
}
