// SPDX-License-Identifier: MIT
// Opens vigil's published site in Debian's chromium for test_site.py and
// reports what a reader gets: for each page, the HTTP status, console errors
// and page errors, dialogs (alert() from injected text would open one),
// every request and those outside the site (all are refused), what the DOM
// holds (scripts, handlers, javascript: links, headings, the drawn tree's
// nodes and the cheapest path, the risk matrix's counts), axe-core's
// violations, and how the page prints (print media: navigation hidden, the
// drawing within the page's width, a PDF). Screenshots (screen and print)
// go to the directory given. It decides nothing: the Python test checks.
//
// Input: one JSON object on stdin {base, pages: [name...], shots: DIR,
// profile: DIR}; output: one JSON object on stdout {pages: {name: report}}.
// Environment: CHROMIUM (default /usr/bin/chromium).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const EXECUTABLE = process.env.CHROMIUM || '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
               '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

// What the page's DOM holds; runs in the page, before axe is added.
function inspect() {
    const text = (el) => (el ? el.textContent.replace(/\s+/g, ' ').trim() : null);
    const handlers = [...document.querySelectorAll('*')].filter(
        (el) => [...el.attributes].some((a) => a.name.toLowerCase().startsWith('on'))).length;
    const matrix = {};
    for (const td of document.querySelectorAll('table.matrix td')) {
        const key = td.dataset.likelihood + (td.dataset.damage ? '/' + td.dataset.damage : '');
        matrix[key] = { count: Number(td.dataset.count), shown: text(td.querySelector('.count')),
                        priority: td.className, links: [...td.querySelectorAll('a')].map((a) => a.getAttribute('href')) };
    }
    const svg = document.querySelector('svg');
    return {
        title: document.title,
        scripts: document.querySelectorAll('script').length,
        styles: document.querySelectorAll('body style, svg style').length,
        iframes: document.querySelectorAll('iframe, object, embed, img').length,
        handlers,
        javascript_links: [...document.querySelectorAll('[href], [src], [action]')].filter(
            (el) => /^\s*javascript:/i.test(el.getAttribute('href') || el.getAttribute('src') || el.getAttribute('action') || '')).length,
        h1: [...document.querySelectorAll('h1')].map(text),
        sections: [...document.querySelectorAll('section > h2')].map((h) => h.id),
        svgs: document.querySelectorAll('svg').length,
        nodes: [...document.querySelectorAll('svg g.node')].map((g) => ({
            id: g.id, classes: [...g.classList], title: text(g.querySelector('title')),
            label: [...g.querySelectorAll('text')].map(text) })),
        cheapest: [...document.querySelectorAll('svg g.node.cheapest')].map((g) => text(g.querySelector('title'))),
        cheapest_edges: document.querySelectorAll('svg g.edge.cheapest').length,
        svg_label: svg ? svg.getAttribute('aria-label') : null,
        matrix,
        summary_rows: document.querySelectorAll('#summary-table tr').length - 1,
        links: [...document.querySelectorAll('a[href]')].map((a) => a.getAttribute('href')),
        body_children: document.body ? document.body.children.length : 0,
        footer: Boolean(document.querySelector('body > footer')),
    };
}

// How the page looks in print media.
function printed() {
    const nav = document.querySelector('nav');
    const svg = document.querySelector('svg');
    const body = document.body.getBoundingClientRect();
    return {
        nav_hidden: nav ? getComputedStyle(nav).display === 'none' : true,
        svg_fits: svg ? svg.getBoundingClientRect().width <= body.width + 1 : true,
        details_hidden: [...document.querySelectorAll('details')].every((d) => getComputedStyle(d).display === 'none'),
    };
}

async function main() {
    const req = JSON.parse(readFileSync(0, 'utf8'));
    const base = new URL(req.base);
    const context = await chromium.launchPersistentContext(req.profile, {
        executablePath: EXECUTABLE, headless: true, args: FLAGS,
        viewport: { width: 1200, height: 900 }, timeout: 60000,
    });
    context.setDefaultTimeout(20000);
    const out = { pages: {} };
    for (const name of req.pages) {
        const page = await context.newPage();
        const report = { console: [], dialogs: [], requests: [], outside: [] };
        page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') report.console.push(`${m.type()}: ${m.text()}`); });
        page.on('pageerror', (e) => report.console.push(`pageerror: ${e.message}`));
        page.on('dialog', (d) => { report.dialogs.push(d.message()); d.dismiss().catch(() => {}); });
        // the site alone: anything else is recorded and refused
        await page.route('**/*', (route) => {
            const url = new URL(route.request().url());
            report.requests.push(url.href);
            if (url.origin !== base.origin || !url.pathname.startsWith(base.pathname)) {
                report.outside.push(url.href);
                return route.abort();
            }
            return route.continue();
        });
        if (!name.endsWith('.html')) {
            // a document, fetched as a reader's browser would (a feed reader,
            // a download): its status and type
            const response = await context.request.get(new URL(name, base).href);
            report.status = response.status();
            report.content_type = response.headers()['content-type'];
            report.bytes = (await response.body()).length;
            out.pages[name] = report;
            await page.close();
            continue;
        }
        const response = await page.goto(new URL(name, base).href, { waitUntil: 'load' });
        report.status = response ? response.status() : 0;
        report.content_type = response ? response.headers()['content-type'] : null;
        await page.waitForTimeout(200); // a late script or dialog would show by now
        report.dom = await page.evaluate(inspect);
        const stem = name.replace(/[^A-Za-z0-9-]/g, '_');
        if (req.shots) {
            await page.screenshot({ path: join(req.shots, `${stem}.png`), fullPage: true });
            const svg = await page.$('figure.diagram');
            if (svg) await svg.screenshot({ path: join(req.shots, `${stem}-tree.png`) });
        }
        await page.addScriptTag({ content: AXE });
        const axe = await page.evaluate(async () => {
            const r = await window.axe.run(document, { resultTypes: ['violations'] });
            return { violations: r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,
                                                           nodes: v.nodes.length,
                                                           targets: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) })),
                     passes: r.passes.length };
        });
        report.axe = axe;
        await page.emulateMedia({ media: 'print' });
        report.print = await page.evaluate(printed);
        if (req.shots) {
            await page.screenshot({ path: join(req.shots, `${stem}-print.png`), fullPage: true });
            await page.pdf({ path: join(req.shots, `${stem}.pdf`), format: 'A4', printBackground: true });
        }
        out.pages[name] = report;
        await page.close();
    }
    await context.close();
    process.stdout.write(JSON.stringify(out) + '\n');
}

main().catch((e) => {
    process.stdout.write(JSON.stringify({ error: String(e && e.stack || e) }) + '\n');
    process.exit(1);
});
