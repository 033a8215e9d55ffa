// SPDX-License-Identifier: MIT
// Drives Converse.js in Debian's chromium for test_converse.py, as a person
// would: it types into the page and clicks, and reads back what the page
// shows (the DOM). It decides nothing: the Python test says what to do and
// checks what comes back.
//
// Protocol: one JSON request per line on stdin, {"op": NAME, ...args}; one
// JSON answer per line on stdout, {"ok": true, "result": ...} or
// {"ok": false, "error": TEXT}. Ops: launch, login, commands, open, fill,
// act, fold, panel, room, shot, errors, close (below). Several browsers may be open at
// once, each by a name (alice's, bob's), each a chromium of its own with a
// fresh profile directory.
//
// Environment: CHROMIUM (default /usr/bin/chromium).
import { createInterface } from 'node:readline';
import { chromium } from 'playwright-core';

const EXECUTABLE = process.env.CHROMIUM || '/usr/bin/chromium';
// no network beyond the test's loopback servers, nothing left behind
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
               '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const TIMEOUT = 20000;
const browsers = {};  // name -> { context, page, frames: [text of each WebSocket frame received] }

function browser(name) {
    const b = browsers[name];
    if (!b) throw new Error(`no browser named ${name} (launch it first)`);
    return b;
}

// What the Commands panel shows for one command: the form Converse drew from
// vigil's answer (fields with their labels, values and options, the table of
// a multi-item result, fixed texts, buttons, alerts) and the panel's own
// alert and note. Runs in the page.
function readCommand(node) {
    const panel = document.querySelector('converse-adhoc-commands');
    if (!panel) return null;
    const text = (el) => (el ? el.textContent.replace(/\s+/g, ' ').trim() : null);
    const out = {
        panel_alert: text(panel.querySelector(':scope > .alert')),
        panel_note: text(panel.querySelector(':scope > p.form-help')),
    };
    const link = panel.querySelector(`a[data-command-node="${node}"]`);
    const form = link && link.closest('li').querySelector('form.converse-form');
    out.open = Boolean(form);
    if (!form) return out;
    out.title = text(form.querySelector('h6') || form.querySelector('.alert-info'));
    out.alerts = [...form.querySelectorAll('.alert')].map(text);
    out.instructions = text(form.querySelector('.form-instructions'));
    out.fixed = [...form.querySelectorAll('fieldset > p:not(.form-instructions)')].map(text);
    out.fields = [...form.querySelectorAll('input[name], select[name], textarea[name]')]
        .filter((el) => !['command_jid', 'command_node'].includes(el.name))
        .map((el) => {
            const wrapper = el.closest('.mb-3');
            const field = {
                name: el.name,
                kind: el.tagName.toLowerCase(),
                type: el.getAttribute('type'),
                label: text(wrapper && wrapper.querySelector('label')),
                value: el.value,
                readonly: el.readOnly === true,
                visible: el.offsetParent !== null,
            };
            if (el.tagName === 'SELECT') {
                field.options = [...el.options].map((o) => ({ value: o.value, label: o.text,
                                                              selected: o.selected }));
                field.shown = el.selectedIndex >= 0 ? el.options[el.selectedIndex].text : '';
            }
            return field;
        });
    const table = form.querySelector('table');
    out.table = table && {
        columns: [...table.querySelectorAll('th')].map((th) => ({ var: th.dataset.var, label: text(th) })),
        rows: [...table.querySelectorAll('tbody tr')].map(
            (tr) => Object.fromEntries([...tr.querySelectorAll('td')].map((td) => [td.dataset.var, text(td)]))),
    };
    out.buttons = [...form.querySelectorAll('input[type=button]')].map((b) => b.value);
    out.text = form.innerText;
    return out;
}

// Waits until vigil answers a command (an iq from the component carrying
// <command/> arrives on the WebSocket after `seen` frames) and Converse has
// drawn it; returns that answer's XML, for the test's messages.
async function commandAnswer(b, component, seen) {
    const deadline = Date.now() + TIMEOUT;
    for (;;) {
        const answer = b.frames.slice(seen).find((f) => f.startsWith('<iq') &&
            (f.includes(`from="${component}"`) || f.includes(`from='${component}'`)) &&
            f.includes('http://jabber.org/protocol/commands'));
        if (answer) {
            await settle(b.page);
            return answer;
        }
        if (Date.now() > deadline) throw new Error(`no answer from ${component} within ${TIMEOUT} ms`);
        await b.page.waitForTimeout(50);
    }
}

// Lets Converse handle what arrived and its Lit elements render.
async function settle(page) {
    await page.waitForTimeout(150);
    await page.evaluate(async () => {
        for (const el of document.querySelectorAll('converse-adhoc-commands')) await el.updateComplete;
        await new Promise((resolve) => requestAnimationFrame(() => resolve()));
    });
}

function commandForm(page, node) {
    return page.locator(`converse-adhoc-commands li:has(a[data-command-node="${node}"]) form.converse-form`);
}

const ops = {
    // A chromium with a fresh profile (dir), on the test page (url).
    async launch({ name, url, profile }) {
        const context = await chromium.launchPersistentContext(profile, {
            executablePath: EXECUTABLE, headless: true, args: FLAGS,
            viewport: { width: 1280, height: 1000 }, timeout: 60000,
        });
        context.setDefaultTimeout(TIMEOUT);
        const b = { context, frames: [], console: [], blocked: [] };
        // the page may reach the test's loopback servers only (Converse's
        // stylesheet names fonts elsewhere): anything else is refused here
        await context.route((url) => !['127.0.0.1', 'localhost'].includes(url.hostname), (route) => {
            b.blocked.push(route.request().url());
            return route.abort();
        });
        const page = b.page = context.pages()[0] || await context.newPage();
        browsers[name] = b;
        page.on('websocket', (ws) => ws.on('framereceived', (f) => b.frames.push(String(f.payload))));
        page.on('console', (m) => { if (m.type() === 'error') b.console.push(m.text()); });
        page.on('pageerror', (e) => b.console.push(String(e)));
        await page.goto(url);
        await page.locator('#converse-login-jid').waitFor();
        return { version: context.browser() ? context.browser().version() : null };
    },

    // The login form, filled and submitted; done when Converse shows the
    // connected user's controls and the room it joins.
    async login({ name, jid, password, room }) {
        const { page } = browser(name);
        await page.fill('#converse-login-jid', jid);
        await page.fill('#converse-login-password', password);
        await page.click('#converse-login button[type=submit]');
        await page.locator('.show-client-info').waitFor();
        const out = { profile: (await page.locator('converse-user-profile, #controlbox').first().innerText()) };
        if (room) {
            await page.locator(`converse-muc[jid="${room}"] converse-muc-chatarea`).waitFor();
            out.room = await page.locator(`converse-muc[jid="${room}"] .chatbox-title`).first().innerText();
        }
        return out;
    },

    // Settings (the cog) → Commands → the entity's address → "List
    // available commands"; returns the commands listed: [{node, name}].
    async commands({ name, jid }) {
        const { page } = browser(name);
        if (!(await page.locator('converse-user-settings-modal #commands-tab').isVisible())) {
            await page.click('.show-client-info');
        }
        await page.click('converse-user-settings-modal #commands-tab');
        const panel = page.locator('converse-adhoc-commands');
        await panel.locator('input[name=jid]').fill(jid);
        await panel.locator('input[type=submit]').click();
        await panel.locator('li.list-group-item.active').waitFor();
        return panel.locator('a[data-command-node]').evaluateAll(
            (links) => links.map((a) => ({ node: a.dataset.commandNode, name: a.textContent.trim(),
                                           jid: a.dataset.commandJid })));
    },

    // Clicks a command's name: Converse executes it and draws the first
    // answer. A form of that command still shown (a result) is folded away
    // first: a click on its name only does that.
    async open({ name, node, component }) {
        const b = browser(name);
        const link = b.page.locator(`converse-adhoc-commands a[data-command-node="${node}"]`);
        if (await commandForm(b.page, node).count()) {
            await link.click();
            await settle(b.page);
        }
        const seen = b.frames.length;
        await link.click();
        const xml = await commandAnswer(b, component, seen);
        return { xml, form: await b.page.evaluate(readCommand, node) };
    },

    // Sets fields of the open form, by var: a text field or text area is
    // typed into (lines joined by newlines), a drop-down set to the option
    // with that value.
    async fill({ name, node, values }) {
        const { page } = browser(name);
        const form = commandForm(page, node);
        for (const [field, value] of Object.entries(values)) {
            const control = form.locator(`[name="${field}"]`).first();
            const tag = await control.evaluate((el) => el.tagName);
            if (tag === 'SELECT') await control.selectOption(value);
            else await control.fill(Array.isArray(value) ? value.join('\n') : value);
        }
        return page.evaluate(readCommand, node);
    },

    // Clicks one of the form's buttons by its label ("Execute", "Next",
    // "Complete", "Cancel"...) and waits for vigil's answer to be drawn.
    async act({ name, node, button, component }) {
        const b = browser(name);
        const seen = b.frames.length;
        await commandForm(b.page, node).locator(`input[type=button][value="${button}"]`).click();
        const xml = await commandAnswer(b, component, seen);
        return { xml, form: await b.page.evaluate(readCommand, node) };
    },

    // Clicks an open command's name again: Converse folds its form away.
    async fold({ name, node }) {
        const { page } = browser(name);
        await page.locator(`converse-adhoc-commands a[data-command-node="${node}"]`).click();
        await settle(page);
        return page.evaluate(readCommand, node);
    },

    // What the Commands panel shows now for a command.
    async panel({ name, node }) {
        return browser(name).page.evaluate(readCommand, node);
    },

    // Closes the settings dialog if open and reads the room's messages as
    // shown: [{author, text}]. With `until` (a regex), waits for a message
    // matching it first.
    async room({ name, jid, until, timeout }) {
        const { page } = browser(name);
        const modal = page.locator('converse-user-settings-modal');
        if (await modal.isVisible()) {
            await modal.locator('.modal-header button[data-bs-dismiss="modal"]').click();
            await modal.waitFor({ state: 'hidden' });
        }
        const muc = page.locator(`converse-muc[jid="${jid}"]`);
        // a follow-up (the same author again soon after) is drawn without
        // the author's name: it is the one above
        const read = () => muc.locator('.chat-msg').evaluateAll((msgs) => {
            let author = '';
            return msgs.map((m) => {
                const named = m.querySelector('.chat-msg__author');
                author = named ? named.textContent.trim()
                    : m.classList.contains('chat-msg--followup') ? author : '';
                return { author, text: (m.querySelector('.chat-msg__text')?.textContent || '').trim() };
            });
        });
        const deadline = Date.now() + (timeout || TIMEOUT);
        let messages = await read();
        const pattern = until && new RegExp(until);
        while (pattern && !messages.some((m) => pattern.test(m.text))) {
            if (Date.now() > deadline) {
                throw new Error(`no message matching ${until} in the room; it shows ${JSON.stringify(messages)}`);
            }
            await page.waitForTimeout(100);
            messages = await read();
        }
        return messages;
    },

    // A screenshot of the whole page; with `node`, the command's form scrolled
    // into view first.
    async shot({ name, path, node }) {
        const { page } = browser(name);
        if (node) {
            const form = commandForm(page, node);
            if (await form.count()) await form.first().scrollIntoViewIfNeeded();
        }
        await page.screenshot({ path });
        return path;
    },

    // The page's JavaScript errors and the requests refused, for a failure's
    // diagnostics.
    async errors({ name }) {
        const b = browser(name);
        return b.console.concat(b.blocked.map((url) => `refused: ${url}`));
    },

    async close({ name }) {
        const b = browsers[name];
        if (b) {
            delete browsers[name];
            await b.context.close();
        }
        return null;
    },
};

const input = createInterface({ input: process.stdin });
for await (const line of input) {
    if (!line.trim()) continue;
    let answer;
    try {
        const request = JSON.parse(line);
        const op = ops[request.op];
        if (!op) throw new Error(`unknown op ${request.op}`);
        answer = { ok: true, result: await op(request) };
    } catch (e) {
        answer = { ok: false, error: String(e && e.stack || e) };
    }
    process.stdout.write(JSON.stringify(answer) + '\n');
}
for (const name of Object.keys(browsers)) await ops.close({ name });
