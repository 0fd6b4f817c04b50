/** Copies a read-only compat case into a temp dir with normal modes (files 0644, dirs 0755), as the SDK saw it. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export function copyCase(src: string): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vast-compat-'));
    fs.cpSync(src, dir, { recursive: true });
    const fix = (p: string) => {
        if (fs.statSync(p).isDirectory()) {
            fs.chmodSync(p, 0o755);
            for (const n of fs.readdirSync(p)) fix(path.join(p, n));
        } else fs.chmodSync(p, 0o644);
    };
    fix(dir);
    return dir;
}
