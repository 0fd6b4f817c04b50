// The "launcher" pass of test:vscode: VS Code started exactly as `npm start` starts it (startVscode, no smoke-test
// driver), the workbench in headless Chromium, driven from the page as a user would. It checks what only the page
// shows: a notification toast appears after Deploy (the smoke-test driver's flag hides every toast, so the suite's own
// passes cannot see them). Prints mocha-style "N passing"/"N failing" lines for `npm test`'s count.
/* global window, document, MutationObserver -- page.evaluate callbacks run in the browser */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_PATH, repoRoot } from './install.mjs';
import { copyWorkspace, passSettings } from './passes.mjs';
import { CHROMIUM_ARGS, startVscode } from './runSuite.mjs';

const artifacts = join(repoRoot, 'artifacts', 'vscode');

/** Runs the command `title` from the command palette (F1), as a user types it. */
async function runFromPalette(page, title) {
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: 15_000 });
    await input.fill(`>${title}`);
    await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor({ timeout: 15_000 });
    await page.keyboard.press('Enter');
}

const tests = [
    {
        name: 'npm start shows notification toasts: Deploy puts its progress in a visible toast',
        async run(page, log) {
            // The extension is there once its view container is in the activity bar.
            await page.locator('.activitybar [aria-label^="Vast.ai"]').first().waitFor({ timeout: 40_000 });
            log('workbench up, Vast.ai view container present');
            await runFromPalette(page, 'Vast.ai: Deploy');
            // Several deployments: Deploy asks which one (wait for that pick, not the palette still closing).
            const pick = page.locator('.quick-input-widget .quick-input-list .monaco-list-row', {
                hasText: 'vscode-hello',
            });
            await pick.first().waitFor({ timeout: 30_000 });
            // Every toast text the page shows from the click on, in order (the steps go by faster than polling).
            await page.evaluate(() => {
                const seen = (window.__vastToasts = []);
                const record = () => {
                    for (const t of document.querySelectorAll('.notifications-toasts .notification-toast')) {
                        const text = t.innerText.replace(/\s+/g, ' ').trim();
                        if (text && seen[seen.length - 1] !== text) seen.push(text);
                    }
                };
                new MutationObserver(record).observe(document.body, {
                    subtree: true,
                    childList: true,
                    characterData: true,
                });
            });
            await pick.first().click();
            const toast = page.locator('.notifications-toasts .notification-toast', { hasText: /Deploy/ }).first();
            await toast.waitFor({ state: 'visible', timeout: 60_000 });
            const text = (await toast.innerText()).replace(/\s+/g, ' ').trim();
            log(`toast: ${text}`);
            await page.screenshot({ path: join(artifacts, 'launcher-toast.png') });
            if (!(await toast.isVisible())) throw new Error('the toast is not visible');
            // No silent wait: before packaging starts (the emulator's start, reading the file), the toast says so.
            await page
                .locator('.notifications-toasts .notification-toast', { hasText: /ready\.|failed at/ })
                .first()
                .waitFor({ timeout: 60_000 });
            const seen = await page.evaluate(() => window.__vastToasts);
            log(`toasts in order: ${seen.join(' | ')}`);
            const beforePackaging = seen.slice(
                0,
                Math.max(
                    0,
                    seen.findIndex((t) => /Packaging/.test(t)),
                ),
            );
            if (!beforePackaging.some((t) => /Starting the local emulator|Checking \S+\.py/.test(t))) {
                throw new Error(`no step shown before packaging: ${seen.join(' | ')}`);
            }
        },
    },
    {
        name: 'tree rows read whole at the default sidebar width: no description is cut off',
        async run(page, log) {
            await page.locator('.activitybar [aria-label^="Vast.ai"]').first().click({ timeout: 40_000 });
            const rows = page.locator('.pane-body .monaco-list-row');
            await rows.filter({ hasText: 'vscode-hello' }).first().waitFor({ timeout: 60_000 });
            // Wait for the status (the descriptions say "not deployed" once it is known), then open every row.
            await page
                .locator('.pane-body .monaco-list-row', { hasText: 'not deployed' })
                .first()
                .waitFor({ timeout: 60_000 });
            for (let pass = 0; pass < 3; pass++) {
                const collapsed = page.locator('.pane-body .monaco-list-row[aria-expanded="false"]');
                for (let i = (await collapsed.count()) - 1; i >= 0; i--) {
                    await collapsed.nth(i).locator('.monaco-tl-twistie').click();
                }
                await page.waitForTimeout(800);
            }
            const seen = await rows.evaluateAll((els) =>
                els.map((e) => {
                    const box = e.querySelector('.monaco-icon-label-container');
                    return {
                        text: e.getAttribute('aria-label') ?? '',
                        cut: box ? box.scrollWidth > box.clientWidth + 1 : false,
                        width: e.getBoundingClientRect().width,
                    };
                }),
            );
            log(`sidebar ${Math.round(seen[0]?.width ?? 0)} px wide, ${seen.length} rows`);
            await page.screenshot({ path: join(artifacts, 'launcher-tree-width.png') });
            if (seen.length < 10)
                throw new Error(`expected the deployments and their children: ${seen.map((r) => r.text).join('; ')}`);
            const cut = seen.filter((r) => r.cut).map((r) => r.text);
            if (cut.length) throw new Error(`cut off at the default width: ${cut.join('; ')}`);
        },
    },
];

/** Runs every launcher test; resolves to the number of failures. */
export async function runLauncherPass({ log = (l) => console.log(l), grep } = {}) {
    mkdirSync(artifacts, { recursive: true });
    const selected = tests.filter((t) => !grep || t.name.includes(grep));
    let passed = 0;
    let failed = 0;
    for (const t of selected) {
        const workspace = copyWorkspace('launcher');
        let vscode;
        let browser;
        let page;
        try {
            vscode = await startVscode({
                workspace: workspace.dir,
                settings: { ...passSettings('trusted'), 'vastDeployments.target': 'local' },
            });
            browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
            page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
            await page.goto(vscode.url, { waitUntil: 'domcontentloaded' });
            await t.run(page, (m) => log(`    ${m}`));
            passed++;
            log(`  ✔ ${t.name}`);
        } catch (err) {
            failed++;
            const shot = join(artifacts, 'launcher-failure.png');
            await page?.screenshot({ path: shot }).catch(() => {});
            log(`  ✘ ${t.name}\n    ${err?.stack ?? err}\n    screenshot: ${shot}`);
        } finally {
            await browser?.close().catch(() => {});
            await vscode?.stop();
            workspace.remove();
        }
    }
    log(`  ${passed} passing`);
    if (failed) log(`  ${failed} failing`);
    return failed;
}
