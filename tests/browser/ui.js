// The daemon's web UI (attache serve --listen, pages under /ui/) driven
// in headless Chromium through puppeteer-core, as a person uses it: the
// redirect to the login page and the login by keyboard, the event form
// with its live date echo, the event page (a title full of markup shown
// as text), the edit form, the agenda and the timeline, a change made by
// another process appearing on the open agenda without a reload, a phone
// viewport, the logout.  Along the way no console error (a CSP violation
// is one) and no JavaScript dialog.  It writes the screenshots the docs
// show.  Run by tests/cli/ui_browser.sh, which starts the daemon:
//
//   node ui.js BASE_URL TOKEN ATTACHE STORE SHOT_DIR
//
// BASE_URL is the daemon's (http://127.0.0.1:PORT), TOKEN an editor's
// API token of the user "ana", ATTACHE the program and STORE the store
// the daemon serves (for the change made from "another shell").
// ATT_CHROMIUM is the browser (default /usr/bin/chromium), ATT_UI_WAIT_S
// the deadline of each wait in seconds (default 10); ATT_UI_DEBUG=1 logs
// every request the pages make.  Each check that passes prints a line
// "ok N - WHAT"; the first that fails prints "FAIL ..." with the page it
// was on, and the exit status is 1.
'use strict';

const { execFileSync } = require('child_process');
const path = require('path');
const puppeteer = require('puppeteer-core');

const [BASE, TOKEN, ATTACHE, STORE, SHOTS] = process.argv.slice(2);
if (!SHOTS) {
  console.error('usage: node ui.js BASE_URL TOKEN ATTACHE STORE SHOT_DIR');
  process.exit(2);
}
const CHROMIUM = process.env.ATT_CHROMIUM || '/usr/bin/chromium';
const WAIT_MS = 1000 * Number(process.env.ATT_UI_WAIT_S || 10);
const DEBUG = process.env.ATT_UI_DEBUG === '1';  // log every request of the pages
const USER = 'ana';
const LAPTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };

// What the form gets: markup, quotes and an ampersand in the title, an
// event handler in the notes; the pages must show both as text.
const TITLE = '<b>Talks & "tea"</b> at the CDC\'s';
const NOTES = 'Agenda: <img src=x onerror="alert(1)"> & more';
const OTHER = 'From another shell';

// Today in the process's time zone, which is the daemon's: as EDTF and as
// a person writes it.  The agenda's week holds it whatever the weekday.
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July',
  'August', 'September', 'October', 'November', 'December'];
const now = new Date();
const pad = (n) => String(n).padStart(2, '0');
const TODAY_ISO = `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
const TODAY_WORDS = `${now.getDate()} ${MONTHS[now.getMonth()]} ${now.getFullYear()}`;

class Failure extends Error {}
let nchecks = 0;
let step = 'start';
let current = null;       // the page a failure is reported with
const problems = [];      // console errors, page errors, dialogs
const pending = new Map(); // page -> its fetches not yet answered

// A check: WHAT is printed when it passes; DETAIL (what was found) is
// added when it fails.
function check(cond, what, detail) {
  if (!cond) throw new Failure(detail ? `${what}: ${detail}` : what);
  nchecks += 1;
  console.log(`ok ${nchecks} - ${what}`);
}

function url(p) { return new URL(p, BASE).href; }

// Chromium logs every 4xx answer as a console error.  Two are expected:
// the 401 of the wrong token, and the 400 of /ui/dates for a date that
// cannot be read.  Any other console error counts, a CSP violation too.
let expect401 = false;
function expected(msg) {
  const m = /^Failed to load resource: the server responded with a status of (\d+)/.exec(msg.text());
  if (!m) return false;
  const where = msg.location() && msg.location().url ? new URL(msg.location().url) : null;
  if (!where) return false;
  if (m[1] === '400' && where.pathname === '/ui/dates') return true;
  if (m[1] === '401' && where.pathname === '/ui/login' && expect401) return true;
  return false;
}

async function newPage(browser, viewport, name) {
  const page = await browser.newPage();
  page.setDefaultTimeout(WAIT_MS);
  page.setDefaultNavigationTimeout(WAIT_MS);
  await page.setViewport(viewport);
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !expected(msg)) {
      const loc = msg.location() && msg.location().url ? ` (${msg.location().url})` : '';
      problems.push(`${name}, step ${step}: console error: ${msg.text()}${loc}`);
    }
  });
  // The page's own fetches not yet answered, to say why a live update
  // did not come.
  const fetching = new Set();
  pending.set(page, fetching);
  page.on('request', (r) => { if (r.resourceType() === 'fetch') fetching.add(r); });
  page.on('response', (r) => fetching.delete(r.request()));
  page.on('requestfailed', (r) => fetching.delete(r));
  if (DEBUG) {
    page.on('request', (r) => console.error(`[${name}] ${r.method()} ${r.url()}`));
    page.on('response', (r) => console.error(`[${name}] ${r.status()} ${r.url()}`));
    page.on('requestfailed', (r) => console.error(`[${name}] failed ${r.url()}: ${r.failure() && r.failure().errorText}`));
  }
  page.on('pageerror', (err) => problems.push(`${name}, step ${step}: uncaught: ${err.message}`));
  page.on('dialog', async (d) => {
    problems.push(`${name}, step ${step}: a ${d.type()} dialog opened: ${d.message()}`);
    await d.dismiss().catch(() => {});
  });
  current = page;
  return page;
}

// Every /ui page: the header with its navigation, the user and the
// logout form; the content in main#main; the page's script and style
// from /ui/static; a CSP without inline script or style.
async function checkChrome(page, resp, what) {
  const csp = resp.headers()['content-security-policy'] || '';
  check(csp !== '' && !csp.includes('unsafe-inline'),
    `${what}: a Content-Security-Policy without 'unsafe-inline'`, `got "${csp}"`);
  const c = await page.evaluate(() => {
    const header = document.querySelector('header');
    const nav = header && header.querySelector('nav');
    const links = nav ? [...nav.querySelectorAll('a')].map((a) => [a.textContent.trim(), a.getAttribute('href')]) : [];
    const out = header && header.querySelector('form[action="/ui/logout"]');
    return {
      header: !!header, links,
      headerText: header ? header.textContent : '',
      logout: out ? (out.getAttribute('method') || '').toLowerCase() : null,
      main: !!document.querySelector('main#main'),
      script: !!document.querySelector('script[src="/ui/static/app.js"]'),
      style: !!document.querySelector('link[rel="stylesheet"][href="/ui/static/app.css"]'),
    };
  });
  const want = [['Agenda', '/ui/agenda'], ['Timeline', '/ui/events'], ['Add', '/ui/new'], ['Alerts', '/ui/alerts']];
  const lacks = want.filter(([t, h]) => !c.links.some(([t2, h2]) => t2 === t && h2 === h));
  check(c.header && lacks.length === 0,
    `${what}: <header><nav> links Agenda, Timeline, Add, Alerts`, `lacks ${JSON.stringify(lacks)}; has ${JSON.stringify(c.links)}`);
  check(c.headerText.includes(USER) && c.logout === 'post',
    `${what}: the header names the user ${USER} and has a logout form posting to /ui/logout`,
    `header text ${JSON.stringify(c.headerText.trim().replace(/\s+/g, ' '))}, logout form method ${c.logout}`);
  check(c.main && c.script && c.style,
    `${what}: <main id="main">, /ui/static/app.js and /ui/static/app.css`,
    `main#main ${c.main}, app.js ${c.script}, app.css ${c.style}`);
}

// A page of the UI, with a session: 200, and the chrome above.
async function open(page, p, what) {
  const resp = await page.goto(url(p));
  const here = new URL(page.url());
  check(resp && resp.status() === 200 && here.pathname === new URL(url(p)).pathname,
    `${what}: GET ${p} answers 200`, `got ${resp && resp.status()} at ${page.url()}`);
  await checkChrome(page, resp, what);
  return resp;
}

// Submit by running ACTION (a click, a key), and wait for the page it
// leads to; the first answer of the chain is the POST's.
async function submit(page, action) {
  const [resp] = await Promise.all([page.waitForNavigation(), action()]);
  const chain = resp.request().redirectChain();
  const first = chain.length ? chain[0].response() : resp;
  return { resp, firstStatus: first ? first.status() : 0 };
}

// Press Tab until the focused element passes TEST (run in the page).
async function tabTo(page, test, what) {
  for (let i = 1; i <= 40; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate(test)) return i;
  }
  throw new Failure(`${what} is not reached by Tab (40 presses)`);
}

// Replace the value of a field as a person does: select it all, delete,
// type.
async function retype(page, sel, text) {
  await page.focus(sel);
  await page.$eval(sel, (el) => el.select());
  await page.keyboard.press('Backspace');
  await page.type(sel, text, { delay: 10 });
}

// Wait until the date's echo shows WANT: 'error', or a text (the EDTF)
// it must contain, without an error.
function echoIs(page, want) {
  return page.waitForFunction((w) => {
    const o = document.querySelector('#when-echo');
    if (!o) return false;
    const err = o.classList.contains('error') || !!o.querySelector('.error');
    const t = o.textContent.trim();
    if (w === 'error') return err && t !== '';
    return !err && /[0-9]/.test(t) && t.includes(w);
  }, { timeout: WAIT_MS }, want).catch(async () => {
    const o = await page.$eval('#when-echo', (e) => `"${e.textContent.trim()}" class="${e.className}"`)
      .catch(() => 'no #when-echo');
    throw new Failure(`#when-echo did not show ${want === 'error' ? 'an error' : `"${want}" without an error`} within ${WAIT_MS / 1000} s (it shows ${o})`);
  });
}

async function main(browser) {
  // -- 0. redirects, without a browser session
  step = '0 (redirects)';
  for (const [p, to] of [['/', '/ui/agenda'], ['/ui/events', '/ui/login?next=%2Fui%2Fevents'],
    ['/ui/new', '/ui/login?next=%2Fui%2Fnew']]) {
    const r = await fetch(url(p), { redirect: 'manual', signal: AbortSignal.timeout(WAIT_MS) });
    const loc = r.headers.get('location');
    const got = loc ? new URL(loc, BASE) : null;
    const want = new URL(to, BASE);
    check(r.status === 303 && got && got.pathname === want.pathname &&
      got.searchParams.get('next') === want.searchParams.get('next'),
    `GET ${p} without a session: 303 to ${to}`, `got ${r.status} to ${loc}`);
  }

  // -- 1. the login, by keyboard
  step = '1 (login)';
  const page = await newPage(browser, LAPTOP, 'laptop');
  let resp = await page.goto(url('/ui/agenda'));
  let chain = resp.request().redirectChain();
  check(chain.length >= 1 && chain[0].response() && chain[0].response().status() === 303,
    'GET /ui/agenda without a session is redirected with 303');
  let here = new URL(page.url());
  check(resp.status() === 200 && here.pathname === '/ui/login' && here.searchParams.get('next') === '/ui/agenda',
    `... to /ui/login?next=/ui/agenda`, `got ${resp.status()} ${page.url()}`);
  const login = await page.evaluate(() => {
    const f = document.querySelector('form[action="/ui/login"]');
    const lab = document.querySelector('label[for="token"]');
    const t = document.querySelector('#token');
    const n = f && f.querySelector('input[type="hidden"][name="next"]');
    const b = f && f.querySelector('button[type="submit"]');
    return {
      form: f ? (f.getAttribute('method') || '').toLowerCase() : null,
      label: lab ? lab.textContent.trim() : null,
      token: t ? [t.tagName, t.getAttribute('name'), t.getAttribute('type'), !!(f && f.contains(t))] : null,
      next: n ? n.value : null,
      button: b ? b.textContent.trim() : null,
    };
  });
  check(login.form === 'post', 'the login page has <form method="post" action="/ui/login">');
  check(login.label === 'API token', `the token field is labelled "API token"`, `got ${login.label}`);
  check(JSON.stringify(login.token) === JSON.stringify(['INPUT', 'token', 'password', true]),
    `#token is <input name="token" type="password"> in the form`, `got ${JSON.stringify(login.token)}`);
  check(login.next === '/ui/agenda', `the hidden next is /ui/agenda`, `got ${login.next}`);
  check(login.button === 'Log in', `the form has a submit button "Log in"`, `got ${login.button}`);

  const onToken = () => document.activeElement && document.activeElement.id === 'token';
  const onButton = () => {
    const e = document.activeElement;
    return !!e && e.matches('form[action="/ui/login"] button[type="submit"]');
  };
  let n = await tabTo(page, onToken, 'the token field');
  check(true, `Tab reaches the token field (${n} presses)`);
  await page.keyboard.type('att_not-a-token', { delay: 5 });
  n = await tabTo(page, onButton, 'the "Log in" button');
  check(true, `Tab reaches the "Log in" button (${n} more)`);
  expect401 = true;
  let sub = await submit(page, () => page.keyboard.press('Enter'));
  expect401 = false;
  check(sub.firstStatus === 401, `a wrong token: 401`, `got ${sub.firstStatus}`);
  const alert = await page.$eval('p.error[role="alert"]', (e) => e.textContent.trim()).catch(() => null);
  check(alert, `a wrong token: the page says why in <p class="error" role="alert">`, `got ${alert}`);
  check((await browser.cookies()).length === 0, 'a wrong token sets no cookie');

  resp = await page.goto(url('/ui/agenda'));
  check(new URL(page.url()).pathname === '/ui/login', 'after a wrong token, /ui/agenda still asks to log in');
  await tabTo(page, onToken, 'the token field');
  await page.keyboard.type(TOKEN, { delay: 2 });
  await tabTo(page, onButton, 'the "Log in" button');
  sub = await submit(page, () => page.keyboard.press('Enter'));
  here = new URL(page.url());
  check(sub.firstStatus === 303 && sub.resp.status() === 200 && here.pathname === '/ui/agenda',
    `the right token: 303 to /ui/agenda`, `got ${sub.firstStatus}, then ${sub.resp.status()} at ${page.url()}`);
  const cookies = await browser.cookies();
  check(cookies.some((c) => c.httpOnly && c.sameSite === 'Strict'),
    `the session cookie is HttpOnly and SameSite=Strict`, `cookies: ${JSON.stringify(cookies.map((c) =>
      ({ name: c.name, httpOnly: c.httpOnly, sameSite: c.sameSite })))}`);
  const seen = await page.evaluate(() => document.cookie);
  check(!cookies.some((c) => c.httpOnly && seen.includes(c.value)), 'the page script cannot read the session cookie');
  await checkChrome(page, sub.resp, 'the agenda after the login');

  // -- 2. the event form, its date echo, the event page, the edit form
  step = '2 (the event form)';
  await open(page, '/ui/new', 'the event form');
  const form = await page.evaluate(() => {
    const f = document.querySelector('form#event-form');
    const field = (id) => {
      const e = document.getElementById(id);
      return e ? { tag: e.tagName, name: e.getAttribute('name'), labelled: e.labels ? e.labels.length > 0 : false, inForm: !!f && f.contains(e) } : null;
    };
    const csrf = f && f.querySelector('input[type="hidden"][name="csrf"]');
    const b = f && f.querySelector('button[type="submit"]');
    const o = document.querySelector('output#when-echo');
    return {
      method: f ? (f.getAttribute('method') || '').toLowerCase() : null,
      action: f ? f.getAttribute('action') : null,
      fields: Object.fromEntries(['f-title', 'f-when', 'f-kind', 'f-status', 'f-actors', 'f-tags', 'f-where', 'f-notes']
        .map((id) => [id, field(id)])),
      csrf: csrf ? csrf.value.length : 0,
      button: b ? b.textContent.trim() : null,
      echo: o ? o.getAttribute('aria-live') : null,
    };
  });
  check(form.method === 'post' && form.action === '/ui/events',
    `<form id="event-form" method="post" action="/ui/events">`, `got ${form.method} ${form.action}`);
  const tags = { 'f-notes': 'TEXTAREA' }; // (kind and status: typed, the documented words offered)
  for (const [id, f] of Object.entries(form.fields)) {
    check(f && f.inForm && f.labelled && f.tag === (tags[id] || 'INPUT'),
      `#${id} is a labelled ${(tags[id] || 'INPUT').toLowerCase()} of the form`, `got ${JSON.stringify(f)}`);
  }
  check(form.fields['f-title'].name === 'title' && form.fields['f-when'].name === 'when',
    'the title and date fields are named title and when');
  check(form.csrf > 0, 'the form has a hidden csrf value');
  check(form.button === 'Save', `the form has a submit button "Save"`, `got ${form.button}`);
  check(form.echo === 'polite', `<output id="when-echo" aria-live="polite">`, `got aria-live=${form.echo}`);

  await page.type('#f-title', TITLE, { delay: 5 });
  const kinds = await page.$$eval('#f-kind', (els) => {
    const l = els[0] && els[0].list;
    return l ? [...l.options].map((o) => o.value) : [];
  });
  check(kinds.includes('talks') && kinds.includes('meeting'), 'the kind field offers the documented kinds',
    `options: ${kinds.join(', ')}`);
  await page.type('#f-kind', 'talks', { delay: 5 });
  const statuses = await page.$$eval('#f-status', (els) => {
    const l = els[0] && els[0].list;
    return l ? [...l.options].map((o) => o.value) : [];
  });
  check(statuses.includes('planned'), 'the status field offers the documented statuses', `options: ${statuses.join(', ')}`);
  await page.type('#f-status', 'planned', { delay: 5 });
  await page.type('#f-actors', 'KHM, JPN', { delay: 5 });
  await page.type('#f-tags', 'trade', { delay: 5 });
  await page.type('#f-where', 'Phnom Penh', { delay: 5 });
  await page.type('#f-notes', NOTES, { delay: 2 });

  await retype(page, '#f-when', '31 Foo 2024');
  await echoIs(page, 'error');
  const bad = await page.$eval('#when-echo', (o) => o.textContent.trim());
  check(true, `a date that cannot be read: the echo shows an error ("${bad.slice(0, 60)}...")`);
  await retype(page, '#f-when', 'mid March 2024');
  await echoIs(page, '2024-03');
  const mid = await page.$eval('#when-echo', (o) => o.textContent.trim());
  check(true, `"mid March 2024": the echo shows "${mid}"`);
  await retype(page, '#f-when', TODAY_WORDS);
  await echoIs(page, TODAY_ISO);
  const today = await page.$eval('#when-echo', (o) => o.textContent.trim());
  check(true, `"${TODAY_WORDS}": the echo shows "${today}"`);
  await page.screenshot({ path: path.join(SHOTS, 'ui-form.png') });

  sub = await submit(page, () => page.click('#event-form button[type="submit"]'));
  const m = /^\/ui\/events\/(\d+)$/.exec(new URL(page.url()).pathname);
  check(sub.firstStatus === 303 && sub.resp.status() === 200 && m,
    `Save: 303 to /ui/events/ID`, `got ${sub.firstStatus}, then ${sub.resp.status()} at ${page.url()}`);
  const id = m[1];

  step = '2 (the event page)';
  await checkChrome(page, sub.resp, 'the event page');
  const ev = await page.evaluate((ID) => {
    const main = document.querySelector('#main');
    const h1 = main.querySelector('h1');
    const dl = main.querySelector('dl');
    const h = main.querySelector('section#history');
    return {
      h1: h1 ? h1.textContent.trim() : null,
      b: [...main.querySelectorAll('b')].filter((e) => e.textContent.includes('Talks')).length,
      img: main.querySelectorAll('img[onerror], img[src="x"]').length,
      dl: dl ? dl.textContent : '',
      main: main.textContent,
      edit: !!main.querySelector(`a[href="/ui/events/${ID}/edit"]`) ||
        !!document.querySelector(`a[href="/ui/events/${ID}/edit"]`),
      history: h ? h.textContent : null,
    };
  }, id);
  check(ev.h1 === TITLE, `the <h1> shows the title as typed`, `got ${JSON.stringify(ev.h1)}`);
  check(ev.b === 0, 'the title\'s markup made no <b> element');
  check(ev.img === 0 && ev.main.includes(NOTES), 'the notes are shown as text, and made no <img>');
  check(/KHM|Cambodia/.test(ev.dl) && /JPN|Japan/.test(ev.dl), 'the <dl> of fields names both actors');
  check(ev.dl.includes('Phnom Penh') && ev.dl.includes('trade'), 'the <dl> has the place and the tag');
  check(ev.edit, `an Edit link to /ui/events/${id}/edit`);
  check(ev.history !== null && ev.history.includes(USER),
    `<section id="history"> names ${USER} as the author`, `got ${JSON.stringify(ev.history && ev.history.trim().slice(0, 200))}`);

  step = '2 (the edit form)';
  await open(page, `/ui/events/${id}/edit`, 'the edit form');
  const ed = await page.evaluate(() => {
    const f = document.querySelector('form#event-form') || document.querySelector('form[method="post"][action^="/ui/events/"]');
    const rev = f && f.querySelector('input[type="hidden"][name="rev"]');
    const t = document.querySelector('#f-title');
    return { action: f ? f.getAttribute('action') : null, rev: rev ? rev.value : null, title: t ? t.value : null };
  });
  check(ed.action === `/ui/events/${id}`, `the edit form posts to /ui/events/${id}`, `got ${ed.action}`);
  check(ed.rev, 'the edit form has a hidden rev');
  check(ed.title === TITLE, `the edit form holds the title as typed`, `got ${JSON.stringify(ed.title)}`);
  await page.$eval('#f-status', (el) => { el.value = ''; });
  await page.type('#f-status', 'confirmed', { delay: 5 });
  sub = await submit(page, () => page.click('form[action^="/ui/events/"] button[type="submit"]'));
  check(sub.firstStatus === 303 && new URL(page.url()).pathname === `/ui/events/${id}`,
    `Save of the edit: 303 to /ui/events/${id}`, `got ${sub.firstStatus} at ${page.url()}`);
  const after = await page.evaluate(() => ({
    dl: (document.querySelector('#main dl') || {}).textContent || '',
    h1: (document.querySelector('#main h1') || {}).textContent || '',
  }));
  check(after.dl.includes('confirmed') && after.h1.trim() === TITLE, 'the event page shows the new status, and the title unchanged');
  await page.screenshot({ path: path.join(SHOTS, 'ui-event.png') });

  // -- the timeline and its search form; the alert log
  step = '2 (the timeline)';
  await open(page, '/ui/events', 'the timeline');
  const tl = await page.evaluate(() => {
    const f = document.querySelector('form#search');
    const names = ['actor', 'tag', 'kind', 'status', 'from', 'to', 'text'];
    return {
      method: f ? (f.getAttribute('method') || '').toLowerCase() : null,
      fields: names.filter((n) => { const e = f && f.querySelector(`[name="${n}"]`); return e && e.labels && e.labels.length > 0; }),
      items: [...document.querySelectorAll('ol.timeline > li[data-id]')].map((li) => ({
        id: li.dataset.id,
        time: !!li.querySelector('time'),
        link: li.querySelector('a') ? li.querySelector('a').getAttribute('href') : null,
      })),
    };
  });
  check(tl.method === 'get', '<form id="search" method="get">');
  check(tl.fields.length === 7, `the search form has labelled fields actor, tag, kind, status, from, to, text`, `labelled: ${tl.fields.join(', ')}`);
  const item = tl.items.find((i) => i.id === id);
  check(item && item.time && item.link === `/ui/events/${id}`,
    `<ol class="timeline"> has <li data-id="${id}"> with a <time> and a link to the event`, `items: ${JSON.stringify(tl.items)}`);

  step = '2 (the alert log)';
  await open(page, '/ui/alerts', 'the alert log');

  // -- 3. this week's agenda
  step = '3 (the agenda)';
  await open(page, '/ui/agenda', 'the agenda');
  const ag = await page.evaluate((ID) => {
    const main = document.querySelector('#main');
    const h1 = main.querySelector('h1');
    const days = [...main.querySelectorAll('section.day')];
    const li = main.querySelector(`section.day ul li.occ[data-id="${ID}"]`);
    const a = li && li.querySelector(`a[href="/ui/events/${ID}"]`);
    return {
      h1: h1 ? h1.textContent.trim() : null,
      days: days.length,
      h2: days.every((d) => d.querySelector('h2')),
      title: a ? a.textContent.trim() : null,
      month: !!document.querySelector('#main a[href*="span=month"]'),
      from: document.querySelectorAll('#main a[href*="from="]').length,
    };
  }, id);
  check(ag.h1 && ag.h1.startsWith('Agenda'), `the agenda's <h1> is Agenda`, `got ${ag.h1}`);
  check(ag.days >= 1 && ag.h2, `a <section class="day"> with its <h2> per day (${ag.days})`);
  check(ag.title === TITLE, `this week's agenda has <li class="occ" data-id="${id}"> linking to the event under its title`, `got ${JSON.stringify(ag.title)}`);
  check(ag.month && ag.from >= 2, 'the agenda links to the month, and to the previous and next periods');

  // -- 4. a change made by another process, seen without a reload
  step = '4 (live update)';
  await page.evaluate(() => { window.__noReload = 1; });
  const before = await page.evaluate(() => Number(document.body.dataset.updates || 0));
  let navigated = false;
  const onNav = (f) => { if (f === page.mainFrame()) navigated = true; };
  page.on('framenavigated', onNav);
  const added = execFileSync(ATTACHE, ['--store', STORE, 'add', '--title', OTHER, '--when', TODAY_ISO],
    { encoding: 'utf8', timeout: WAIT_MS, stdio: ['ignore', 'pipe', 'pipe'] });
  const other = /^added (\d+) /.exec(added);
  check(other, `attache add from another process: ${added.trim().split('\n')[0]}`);
  await page.waitForFunction((b, t) => Number(document.body.dataset.updates || 0) > b &&
    document.querySelector('#main').textContent.includes(t), { timeout: WAIT_MS }, before, OTHER)
    .catch(async () => {
      const st = await page.evaluate(() => [window.__noReload, document.body.dataset.updates]).catch(() => '?');
      const stuck = [...pending.get(page)].map((r) => `${r.method()} ${r.url()}`);
      throw new Failure(`the open agenda did not show "${OTHER}" within ${WAIT_MS / 1000} s ` +
        `(navigated: ${navigated}; window.__noReload, body.dataset.updates: ${JSON.stringify(st)})` +
        (stuck.length ? `; the page's fetch ${stuck.join(', ')} got no answer: are all of Chromium's ` +
          '6 connections to the server taken, e.g. by the event streams of pages left and kept in ' +
          'the back/forward cache?' : ''));
    });
  page.off('framenavigated', onNav);
  const live = await page.evaluate((ID, OID) => ({
    mark: window.__noReload,
    updates: document.body.dataset.updates,
    both: !!document.querySelector(`#main li.occ[data-id="${ID}"]`) && !!document.querySelector(`#main li.occ[data-id="${OID}"]`),
  }), id, other[1]);
  check(!navigated && live.mark === 1, `the agenda shows "${OTHER}" without a reload (body.dataset.updates = ${live.updates})`);
  check(live.both, 'both events are in the updated agenda, as li.occ');
  await page.screenshot({ path: path.join(SHOTS, 'ui-agenda.png') });

  // -- 5. the agenda on a phone
  step = '5 (phone)';
  const phone = await newPage(browser, PHONE, 'phone');
  await open(phone, '/ui/agenda', 'the agenda on a phone');
  const wide = await phone.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  check(wide[0] <= wide[1], `on a phone the agenda fits the width (${wide[0]} px in ${wide[1]})`);
  const both = await phone.evaluate((ID, OID) => !!document.querySelector(`#main li.occ[data-id="${ID}"]`) &&
    !!document.querySelector(`#main li.occ[data-id="${OID}"]`), id, other[1]);
  check(both, 'on a phone the agenda has both events');
  await phone.screenshot({ path: path.join(SHOTS, 'ui-agenda-phone.png') });
  await phone.close();
  current = page;

  // -- the logout
  step = 'logout';
  sub = await submit(page, () => page.click('header form[action="/ui/logout"] button, header form[action="/ui/logout"] [type="submit"]'));
  check(sub.firstStatus === 303, `the logout answers 303`, `got ${sub.firstStatus}`);
  resp = await page.goto(url('/ui/agenda'));
  check(new URL(page.url()).pathname === '/ui/login', `after the logout, /ui/agenda asks to log in (at ${page.url()})`);

  // -- 6. nothing went wrong in the pages
  step = '6 (console)';
  check(problems.length === 0, 'no console error, uncaught exception or dialog', `\n  ${problems.join('\n  ')}`);
}

(async () => {
  let browser = null;
  let rc = 0;
  try {
    browser = await puppeteer.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox'],
      timeout: WAIT_MS * 3,
    });
    await main(browser);
    console.log(`ui.js: all ${nchecks} checks passed`);
  } catch (e) {
    rc = 1;
    const what = e instanceof Failure ? e.message : (e && e.stack) || String(e);
    console.error(`FAIL ui.js, step ${step}: ${what}`);
    if (current && !step.startsWith('6')) {
      try {
        console.error(`  at ${current.url()}`);
        const html = await current.evaluate(() => (document.querySelector('main') || document.body || {}).outerHTML || '');
        console.error(`  its <main>: ${html.slice(0, 2000)}`);
      } catch (_) { /* the page is gone */ }
    }
    if (problems.length && !step.startsWith('6')) console.error(`  and before that:\n  ${problems.join('\n  ')}`);
  } finally {
    // A browser that does not close in time is killed at exit.
    if (browser) {
      await Promise.race([browser.close().catch(() => {}),
        new Promise((ok) => setTimeout(ok, WAIT_MS).unref())]);
    }
  }
  process.exit(rc);
})();
