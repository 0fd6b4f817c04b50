/**
 * Loads the heavy half of the extension (./heavy, typed here as its services, ./heavyServices) on first use. Activation only parses the small dist/extension.js;
 * the require path is computed so esbuild leaves it alone and dist/extensionHeavy.js stays a separate bundle.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as HeavyModule from './heavyServices';

export type Heavy = typeof HeavyModule;

let loaded: Heavy | undefined;

/** The heavy module, loaded (synchronously, once) now if it was not yet. */
export function heavy(): Heavy {
    if (!loaded) {
        const bundled = path.join(__dirname, 'extensionHeavy.js');
        // From tsc's output (out/src/extension/) the module is heavy.js next to this file, not a bundle.
        const file = fs.existsSync(bundled) ? bundled : path.join(__dirname, 'heavy.js');
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        loaded = require(file) as Heavy;
    }
    return loaded;
}

/** The heavy module if something already loaded it; nothing it defines can exist before that. */
export function heavyIfLoaded(): Heavy | undefined {
    return loaded;
}
