// Regenerates the extension page's screenshots (media/screenshots/, shown by docs/marketplace/README.md) from the ones
// the VS Code suite takes of the current build, at the workbench's default layout (1600×1000, default sidebar width):
//
//   npm run test:vscode -- --pass trusted --grep '/diagnostics for a broken|deploy → ready/'
//   node docs/marketplace/screenshots.mjs
//
// The window's title bar is cut off: in the suite it reads "[Extension Development Host] …", which users never see.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const artifacts = join(root, 'artifacts', 'vscode');
const out = join(root, 'media', 'screenshots');
/** Height of the suite workbench's title bar, in pixels (its bottom border included). */
const TITLE_BAR = 31;
const WIDTH = 1600;
const HEIGHT = 1000;

/** The page's image ← the suite's screenshot (test/vscode/extension.test.ts, takeScreenshot names). */
const SHOTS = {
    'tree.png': 'trusted-tree-deployed.png',
    'editor.png': 'trusted-diagnostics.png',
    'benchmark.png': 'trusted-benchmark.png',
};

const missing = Object.values(SHOTS).filter((f) => !existsSync(join(artifacts, f)));
if (missing.length) {
    console.error(
        `missing in artifacts/vscode/: ${missing.join(', ')}. Run the suite first (see the top of this file).`,
    );
    process.exit(1);
}
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
try {
    const page = await browser.newPage({ viewport: { width: WIDTH, height: HEIGHT } });
    for (const [name, from] of Object.entries(SHOTS)) {
        const png = readFileSync(join(artifacts, from)).toString('base64');
        await page.setContent(
            `<body style="margin:0"><img style="display:block" src="data:image/png;base64,${png}"></body>`,
        );
        await page.locator('img').evaluate((img) => img.decode());
        const shot = await page.screenshot({ clip: { x: 0, y: TITLE_BAR, width: WIDTH, height: HEIGHT - TITLE_BAR } });
        writeFileSync(join(out, name), shot);
        console.log(`${relative(root, join(out, name))} ← artifacts/vscode/${from}`);
    }
} finally {
    await browser.close();
}
