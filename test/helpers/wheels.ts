/**
 * Offline pip for tests: a pure-Python wheel written with zipfile (no build tools, no network), and pip pointed at
 * its folder only through the environment (PIP_NO_INDEX, PIP_FIND_LINKS), which the emulator passes to pip.
 */
import { execFileSync } from 'node:child_process';

const WHEEL_SCRIPT = `
import os, sys, zipfile
out, name, version = sys.argv[1:4]
mod = name.replace("-", "_")
info = f"{mod}-{version}.dist-info"
files = {
    f"{mod}/__init__.py": f"VALUE = {version!r}\\n",
    f"{info}/METADATA": f"Metadata-Version: 2.1\\nName: {name}\\nVersion: {version}\\n",
    f"{info}/WHEEL": "Wheel-Version: 1.0\\nGenerator: test\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n",
}
files[f"{info}/RECORD"] = "".join(f"{k},,\\n" for k in files) + f"{info}/RECORD,,\\n"
with zipfile.ZipFile(os.path.join(out, f"{mod}-{version}-py3-none-any.whl"), "w") as z:
    for k, v in files.items():
        z.writestr(k, v)
`;

/** Writes `<name>-<version>` into `dir`: module `name` with dashes as underscores, `VALUE` = the version string. */
export function buildWheel(dir: string, name: string, version: string): void {
    execFileSync('/usr/bin/python3', ['-c', WHEEL_SCRIPT, dir, name, version]);
}

/** Points pip at `dir` only (this process's environment); returns the function that puts the old values back. */
export function pipOffline(dir: string): () => void {
    const saved = { PIP_NO_INDEX: process.env.PIP_NO_INDEX, PIP_FIND_LINKS: process.env.PIP_FIND_LINKS };
    process.env.PIP_NO_INDEX = '1';
    process.env.PIP_FIND_LINKS = dir;
    return () => {
        for (const [k, v] of Object.entries(saved)) {
            if (v === undefined) delete process.env[k];
            else process.env[k] = v;
        }
    };
}
