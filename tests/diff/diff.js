// Differential test of attache's strict EDTF parser against the edtf npm
// package, an independent implementation.
//
//   node tests/diff/diff.js PATH/TO/edtf_probe [--count N] [--seed S]
//
// Strings come from the package's grammar sampler (levels 0, 1, 2 and its
// experimental level 3 seasons), from the examples of the EDTF specification
// and from a list of invalid inputs.  Each string goes through both parsers;
// validity and bounds must agree, except for the differences listed in
// EXPECTED below.  Everything attache accepts must also print a canonical
// form that re-parses to the same bounds and prints itself again.
'use strict'

const { spawnSync } = require('child_process')
const path = require('path')
const fs = require('fs')

const probe = process.argv[2]
let count = 3000
let seed = 20231218
for (let i = 3; i < process.argv.length; i++) {
  if (process.argv[i] === '--count') count = Number(process.argv[++i])
  else if (process.argv[i] === '--seed') seed = Number(process.argv[++i])
}

// The sampler draws from Math.random: make it repeatable (mulberry32), so a
// failure can be reproduced with the seed printed below.
Math.random = (() => {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6D2B79F5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
})()

function fail(msg) {
  console.error(`diff/edtf: ${msg}`)
  process.exit(1)
}

if (!probe || !fs.existsSync(probe))
  fail(`usage: node diff.js PATH/TO/edtf_probe (probe "${probe}" not found)`)
if (!fs.existsSync(path.join(__dirname, 'node_modules', 'edtf')))
  fail('the edtf npm package is missing: run `make deps` or ' +
       '`npm install` in tests/diff (needs network access once)')

// ---- inputs -------------------------------------------------------------

// Examples of the EDTF specification, Level 0 and Level 1, and the Level 2
// sub-year groupings that attache implements.
const SPEC = [
  // Level 0
  '1985-04-12', '1985-04', '1985', '1985-04-12T23:20:30',
  '1985-04-12T23:20:30Z', '1985-04-12T23:20:30-04', '1985-04-12T23:20:30+04:30',
  '1964/2008', '2004-06/2006-08', '2004-02-01/2005-02-08',
  '2004-02-01/2005-02', '2004-02-01/2005', '2005/2006-02',
  // Level 1
  'Y170000002', 'Y-170000002', '2001-21', '2001-22', '2001-23', '2001-24',
  '1984?', '2004-06~', '2004-06-11%', '201X', '20XX', '2004-XX',
  '1985-04-XX', '1985-XX-XX', '1985-04-12/..', '1985-04/..', '1985/..',
  '../1985-04-12', '../1985-04', '../1985', '1985-04-12/', '1985-04/',
  '1985/', '/1985-04-12', '/1985-04', '/1985', '1984~/2004-06',
  '1984/2004-06~', '1984~/2004~', '1984?/2004%', '1984-06?/2004-08?',
  '1984-06-02?/2004-08-08~', '1984-06-02?/', '-1985',
  // Level 2: sub-year groupings
  ...Array.from({ length: 21 }, (_, i) => `2001-${21 + i}`),
  ...Array.from({ length: 21 }, (_, i) => `-0044-${21 + i}`),
  '2001-33/2001-36', '2001-40/2002-41', '2001-37/2001-39', '2001-25/2001-28',
  '2001-33~', '2001-40?', '2001-38%', '2001-33~/2001-34?',
  // The contract's own examples and edge cases of attache's choices.
  '2023-12-17', '2023-12', '2023', '2023-12-17T09:00:00+09:00', '2024/2028',
  '2024/..', '../2024', '2024/', '2024-28', '2024-33', '2024-41',
  '2000-02-29', '1900-02-28', '0000', '0000-01-01', '-0001-12-31', '9999-12-31',
  '2023-12-17T00:00:00Z', '2023-12-17T23:59:59+14:00', '2023-12-17T00:00:00-12:00',
  '2023-12-17T09:00+09:00', '2023-12-17T24:00:00', '2023-12-17T09:00:00.25Z',
  '2023-12-17T09:00:00+0530', '2023-12-17T09:00:00+00:00',
  '-20XX', '-201X', 'XXXX', 'XXXX-XX', 'XXXX-XX-XX', '2024-02-XX',
  '1985-04-12/1985-04-12T10:00:00Z', '2024-33/2024-12', '2024-21/..',
  '../2024-40', '2024-01/2024-41~', '2024/2024',
]

// Level 2 forms that attache rejects on purpose: they must be rejected.
const LEVEL2_REJECTED = [
  '2004-06-~01', '2004?-06-11', '?2004-06-~01', '2004-06?-11', '1XXX',
  '1XXX-12', '156X-12-25', '15XX-12-XX', 'XXXX-12-XX', '1XXX-XX', '1984-1X',
  '[1667,1668,1670..1672]', '{1667,1668,1670..1672}', '[..1760-12-03]',
  'Y-17E7', 'Y17E7', '1950S2', 'Y171010000S3', 'Y3388E2S3', '201X?', '20XX-21',
  '2004-06-11%/2004-06~-XX',
]

// Strings that are not EDTF at all: both parsers must reject them.
const INVALID = [
  '', ' ', '/', '//', '2023-02-30', '2023-02-29', '1900-02-29', '2023-04-31',
  '2023-00', '2023-13', '2023-20', '2023-42', '2023-99', '2023-12-00',
  '2023-12-32', '2023-1-5', '23-12-17', '2023/12/17', '2023-12-17T25:00:00',
  '2023-12-17T09:60:00', '2023-12-17T09:00:60', '2023-12-17T09:00:00+15:00',
  '2023-12-17T09:00:00-13:00', '2023-12-17T09:00:00-00:00',
  '2023-12-17T09:00:00+09:60', '2023-12-17T09:00:00z', '2023-12-17t09:00:00',
  '2023-12-17T09', '2023-12-17T', '2023x', '2023-12-17 ', ' 2023', '2023-12-17Z',
  '2023-12-17T09:00:00?', '2023??', '2023?~', 'Y1234', 'Y01234', 'y12345',
  'Y12345-01', '2023-12-XX-01', '2023-XX-17', '201X-05', '2X', '2XXX-XX',
  '-0000', '-XXXX', '2005/2004', '2004-06-12/2004-06-11', '../..', '/..',
  '../', '2024-28/2024-27', 'Y12345/2020', '2024-21/2020',
  'December 17, 2023', 'today', '2024–2028', '2024 to 2028', '1985-04-12//',
  '2023-12-17T24:00:01', '2023-12-17T24:30:00', '2023-12-17T09:00:00.',
  '+2023', '02023', '2023-012', '2023-12-017', '2023-12-17T9:00:00',
]

// ---- known differences ----------------------------------------------------
//
// Each entry: a reason and a test on the string (and both results).  A
// difference that matches none of these fails the test.

const L1_X = [
  /^-?\d{3}X$/, /^-?\d{2}XX$/, /^XXXX$/, /^-?\d{4}-XX$/, /^XXXX-XX$/,
  /^-?\d{4}-(0[1-9]|1[0-2])-XX$/, /^-?\d{4}-XX-XX$/, /^XXXX-XX-XX$/,
]

function parts(s) { return s.split('/') }

// Level 2 features outside attache's scope (it rejects them on purpose).
function level2OutOfScope(s) {
  if (/[[\]{}]/.test(s)) return 'sets and lists'
  if (/E/.test(s)) return 'exponential years'
  if (/S\d/.test(s)) return 'significant digits'
  if (/(^|[-/])[?~%]/.test(s) || /[?~%](?![/]|$)/.test(s))
    return 'qualification of single components'
  for (const p of parts(s)) {
    if (!p.includes('X')) continue
    if (/[?~%]$/.test(p)) return 'qualified unspecified dates'
    if (/^-?[\dX]{4}-(2[1-9]|3\d|4[01])/.test(p)) return 'seasons with X digits'
    if (!L1_X.some(re => re.test(p))) return 'unspecified digits beyond Level 1'
  }
  return null
}

function isGroup(p) { return /^-?\d{4}-(2[1-9]|3\d|4[01])[?~%]?$/.test(p) }

const EXPECTED = [
  {
    name: 'edtf accepts century and decade forms (19, 193) that the Library ' +
          'of Congress profile does not have; attache rejects them',
    test: (s, ours, lib) => !ours.ok && lib.ok && /^-?\d{2,3}[?~%]?$/.test(s),
  },
  {
    name: 'Level 2 features outside attache (sets, exponents, significant ' +
          'digits, per-component qualifiers, Level 2 X digits): rejected',
    test: (s, ours, lib) => !ours.ok && lib.ok && level2OutOfScope(s) !== null,
  },
  {
    name: 'edtf accepts groupings in an interval only between two groupings ' +
          '(its experimental seasonIntervals); attache also pairs them with ' +
          'dates and open ends',
    test: (s, ours, lib) => ours.ok && !lib.ok && s.includes('/') &&
      parts(s).some(isGroup) && !parts(s).every(isGroup),
  },
  {
    name: 'intervals with seasons 21-32: with different season months the ' +
          'two libraries disagree on which of them run backwards',
    test: (s, ours, lib) => ours.ok !== lib.ok && s.includes('/') &&
      parts(s).some(p => /^-?\d{4}-(2[1-9]|3[0-2])/.test(p)),
  },
  {
    name: 'intervals with a negative year with X digits: edtf\'s broken bounds ' +
          'for those (see below) change which intervals run backwards',
    test: (s, ours, lib) => ours.ok !== lib.ok && s.includes('/') &&
      parts(s).some(p => /^-[\dX]{4}/.test(p) && p.includes('X')),
  },
  {
    name: 'intervals with an end in February or early March of years ' +
          '0000-0099: edtf\'s day-off bounds there (see below) change which ' +
          'intervals run backwards',
    test: (s, ours, lib) => ours.ok !== lib.ok && s.includes('/') &&
      parts(s).some(p => /^00\d\d-0[23]/.test(p)),
  },
  {
    name: 'edtf rejects an interval whose end begins at the same instant as ' +
          'its start (2024/2024, 2024/2024-01); attache accepts it',
    test: (s, ours, lib) => ours.ok && !lib.ok && s.includes('/') &&
      ours.a !== undefined && ours.a === ours.b,
  },
  {
    name: 'edtf fails on an interval with an unknown (empty) start such as ' +
          '/1985-04-12, an example of the specification (it throws a ' +
          'TypeError); attache accepts it',
    test: (s, ours, lib) => ours.ok && !lib.ok && s.startsWith('/'),
  },
  {
    name: 'edtf accepts intervals without any date (../.., ../, /..); ' +
          'attache requires a date on at least one side',
    test: (s, ours, lib) => !ours.ok && lib.ok && /^(\.\.)?\/(\.\.)?$/.test(s),
  },
  {
    name: 'edtf accepts 29 February in common years (2023-02-29 becomes ' +
          '2023-03-01); attache rejects it',
    test: (s, ours, lib) => !ours.ok && lib.ok && /(^|\/)(-?\d{4})-02-29/.test(s) &&
      parts(s).some(p => {
        const m = /^(-?\d{4})-02-29/.exec(p)
        if (!m) return false
        const y = Math.abs(Number(m[1]))
        return !((y % 4 === 0 && y % 100 !== 0) || y % 400 === 0)
      }),
  },
  {
    name: 'Y-years beyond 64-bit seconds: edtf accepts them, attache reports ' +
          'a range error',
    test: (s, ours, lib) => !ours.ok && lib.ok && /^Y-?\d{12,}$/.test(s),
  },
]

// Bounds are compared only where both libraries mean the same thing.
const BOUNDS_SKIPPED = [
  {
    name: 'negative years with X digits: edtf computes bounds whose earliest ' +
          'is after the latest (-1060-XX); attache covers the whole range',
    test: s => parts(s).some(p => /^-[\dX]{4}/.test(p) && p.includes('X')),
  },
  {
    name: 'groupings of negative years: edtf puts the end in a wrong year ' +
          '(-0044-33 ends in 0118)',
    test: s => parts(s).some(p => /^-\d{4}-(2[1-9]|3\d|4[01])/.test(p)),
  },
  {
    name: 'February of years 0000-0099: edtf computes these years through ' +
          '1900 (not a leap year) and is a day off around 29 February (also ' +
          'when a time zone offset crosses it from 1 March)',
    test: s => parts(s).some(p => /^00\d\d-0[23]/.test(p)),
  },
  {
    name: 'seasons 21-32: edtf gives them the months of the quarters; attache ' +
          'uses meteorological seasons (docs/dates.md)',
    test: s => parts(s).some(p => /^-?\d{4}-(2[1-9]|3[0-2])/.test(p)),
  },
  {
    name: 'quadrimesters 37 and 38: edtf makes them five months long ' +
          '(January-May, May-September); attache uses four (Jan-Apr, May-Aug)',
    test: s => parts(s).some(p => /^-?\d{4}-3[78]/.test(p)),
  },
]

// ---- the two parsers -------------------------------------------------------

function runProbe(strings) {
  const r = spawnSync(probe, [], {
    input: strings.join('\n') + '\n', encoding: 'utf8', maxBuffer: 1 << 28,
  })
  if (r.status !== 0) fail(`the probe failed (${r.status}): ${r.stderr}`)
  const lines = r.stdout.split('\n')
  return strings.map((s, i) => {
    const f = lines[i].split(' ')
    if (f[0] !== 'valid') return { ok: false }
    return {
      ok: true,
      earliest: f[1] === '..' ? null : BigInt(f[1]),
      latest: f[2] === '..' ? null : BigInt(f[2]),
      canon: f.slice(3).join(' '),
    }
  })
}

async function main() {
  const edtf = (await import('edtf')).default
  const { sample } = await import('edtf/sample')
  const OPTS = { seasonIntervals: true, seasonUncertainty: true }

  function lib(s) {
    try {
      const v = edtf(s, OPTS)
      return { ok: true, min: v.min, max: v.max, type: v.type }
    } catch (e) {
      return { ok: false }
    }
  }

  const strings = new Set([...SPEC, ...LEVEL2_REJECTED, ...INVALID])
  for (const level of [0, 1, 2])
    for (const s of sample({ count, level })) strings.add(s)
  for (const s of sample({ count })) strings.add(s)   // includes level 3
  for (const s of sample({ count, level: 1, type: 'Season' })) strings.add(s)
  for (const s of sample({ count: count / 2, level: 2, type: 'Season' })) strings.add(s)
  for (const s of sample({ count, level: 1, type: 'Interval' })) strings.add(s)
  for (const s of sample({ count, level: 0, type: 'Interval' })) strings.add(s)
  // The sampler does not make groupings in intervals: build some.
  for (const s of sample({ count: 300, level: 2, type: 'Season' })) {
    const m = /^(-?\d{4})-(\d\d)$/.exec(s)
    if (!m) continue
    const y = Number(m[1]), g = Number(m[2])
    const base = g <= 36 ? g - (g - 21) % 4 : g <= 39 ? 37 : 40
    const size = g <= 36 ? 4 : g <= 39 ? 3 : 2
    const ng = base + (g - base + 1) % size
    const ny = ng < g ? y + 1 : y
    if (ny > 9999) continue
    const sign = ny < 0 ? '-' : ''
    strings.add(`${s}/${sign}${String(Math.abs(ny)).padStart(4, '0')}-${ng}`)
  }

  const list = [...strings]
  const ours = runProbe(list)
  const failures = []
  const seen = new Map()   // expected difference name -> examples
  const skipped = new Map()
  let compared = 0, boundsCompared = 0, agreedValid = 0, agreedInvalid = 0

  function note(map, name, s) {
    if (!map.has(name)) map.set(name, [])
    map.get(name).push(s)
  }

  // Start of each interval end, for the "same instant" difference.
  const ends = new Set()
  list.forEach((s, i) => {
    if (ours[i].ok && s.includes('/'))
      for (const p of parts(s)) if (p && p !== '..') ends.add(p)
  })
  const endList = [...ends], endRes = runProbe(endList)
  const endStart = new Map(endList.map((p, i) => [p, endRes[i].ok ? String(endRes[i].earliest) : undefined]))

  for (let i = 0; i < list.length; i++) {
    const s = list[i], o = ours[i], l = lib(s)
    compared++
    if (o.ok && s.includes('/')) {
      const [pa, pb] = parts(s)
      o.a = endStart.get(pa)
      o.b = endStart.get(pb)
    }
    if (o.ok !== l.ok) {
      const exp = EXPECTED.find(e => e.test(s, o, l))
      if (exp) note(seen, exp.name, s)
      else failures.push(`${JSON.stringify(s)}: attache says ${o.ok ? 'valid' : 'invalid'}, edtf says ${l.ok ? 'valid' : 'invalid'}`)
      continue
    }
    if (!o.ok) { agreedInvalid++; continue }
    agreedValid++
    if (LEVEL2_REJECTED.includes(s) || INVALID.includes(s))
      failures.push(`${JSON.stringify(s)}: accepted by both but listed as invalid`)

    const skip = BOUNDS_SKIPPED.find(e => e.test(s))
    if (skip) { note(skipped, skip.name, s); continue }
    if (Number.isNaN(l.min) || Number.isNaN(l.max)) {
      note(skipped, 'beyond the range of JavaScript dates (edtf gives NaN)', s)
      continue
    }
    // edtf counts milliseconds (a date-time is one millisecond), attache
    // seconds; an open end is -Infinity/Infinity there and an unknown end
    // null, both ATT_TIME_MIN/MAX here.
    const sec = v => (v === null || v === Infinity || v === -Infinity) ? null
      : BigInt(Math.floor(v / 1000))
    const wantMin = sec(l.min), wantMax = sec(l.max)
    boundsCompared++
    if (o.earliest !== wantMin || o.latest !== wantMax)
      failures.push(`${JSON.stringify(s)}: bounds differ: attache [${o.earliest}, ${o.latest}], edtf [${wantMin}, ${wantMax}] (seconds)`)
  }

  // Canonical forms: re-parse, same bounds, and printing is idempotent.
  const valid = list.filter((s, i) => ours[i].ok)
  const canon = valid.map(s => ours[list.indexOf(s)].canon)
  const again = runProbe(canon)
  let canonChecked = 0
  for (let i = 0; i < canon.length; i++) {
    const o = ours[list.indexOf(valid[i])], r = again[i]
    canonChecked++
    if (!r.ok) { failures.push(`canonical ${JSON.stringify(canon[i])} of ${JSON.stringify(valid[i])} does not parse`); continue }
    if (r.canon !== canon[i]) failures.push(`canonical of ${JSON.stringify(valid[i])} is not stable: ${canon[i]} -> ${r.canon}`)
    if (r.earliest !== o.earliest || r.latest !== o.latest)
      failures.push(`canonical ${JSON.stringify(canon[i])} changes the bounds of ${JSON.stringify(valid[i])}`)
  }

  console.log(`# seed ${seed}`)
  console.log(`# strings compared: ${compared} (both valid ${agreedValid}, both invalid ${agreedInvalid})`)
  console.log(`# bounds compared: ${boundsCompared}; canonical forms re-parsed: ${canonChecked}`)
  for (const [name, ex] of seen)
    console.log(`# expected difference (${ex.length}): ${name}\n#   e.g. ${ex.slice(0, 5).map(x => JSON.stringify(x)).join(' ')}`)
  for (const [name, ex] of skipped)
    console.log(`# bounds not compared (${ex.length}): ${name}\n#   e.g. ${ex.slice(0, 5).map(x => JSON.stringify(x)).join(' ')}`)
  if (failures.length) {
    console.log(`# ${failures.length} unexpected difference(s):`)
    for (const f of failures.slice(0, 200)) console.log(`not ok - ${f}`)
    process.exit(1)
  }
  console.log('ok - attache and edtf agree, apart from the differences listed')
}

main().catch(e => fail(e.stack || String(e)))
