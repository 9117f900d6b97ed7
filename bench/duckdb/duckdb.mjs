// DuckDB, the peer for scans and aggregates (issue 17), on the events the
// SQLite peer holds: `node bench/duckdb/duckdb.mjs EVENTS.csv REPS` (`make bench-deps` installs
// the package here with npm; its binary is inside it), the CSV written by
// bench/run.sh from the SQLite database (id, start, end, kind, status,
// actors as JSON).  Loads it into an in-memory table with the actors as a
// list, then runs each workload of bench/counts.lua REPS times and prints
// its name, the median wall time in ms and its answer (a count, or
// groups:total), then the load time.
import { DuckDBInstance } from '@duckdb/node-api';

const [, , csv, repsArg] = process.argv;
const reps = Number(repsArg || 5);
const T2019 = [1546300800, 1577836799];
const T2010 = [1262304000, 1577836799];

const db = await DuckDBInstance.create(':memory:');
const con = await db.connect();
let t = performance.now();
await con.run(`CREATE TABLE ev AS SELECT id, start, "end", kind, status,
  from_json(actors, '["VARCHAR"]') AS actors
  FROM read_csv('${csv}', header = false, columns = {'id': 'BIGINT', 'start': 'BIGINT',
    'end': 'BIGINT', 'kind': 'VARCHAR', 'status': 'VARCHAR', 'actors': 'VARCHAR'})`);
const load = performance.now() - t;

const count = (sql) => async () => String((await con.runAndReadAll(sql)).getRows()[0][0]);
const groups = (sql) => async () => {
  const rows = (await con.runAndReadAll(sql)).getRows();
  let total = 0;
  for (const r of rows) total += Number(r[r.length - 1]);
  return `${rows.length}:${total}`;
};
const work = [
  ['kind', count(`SELECT count(*) FROM ev WHERE kind = 'visit'`)],
  ['kind_actor', count(`SELECT count(*) FROM ev WHERE kind = 'visit' AND list_contains(actors, 'Japan')`)],
  ['window_status', count(`SELECT count(*) FROM ev WHERE status = 'held'
    AND start <= ${T2019[1]} AND "end" >= ${T2019[0]}`)],
  ['per_actor', groups(`SELECT a, count(*) FROM (SELECT unnest(actors) AS a FROM ev) GROUP BY a`)],
  ['kind_year_window', groups(`SELECT kind, year(to_timestamp(start)) AS y, count(*) FROM ev
    WHERE start <= ${T2010[1]} AND "end" >= ${T2010[0]} GROUP BY ALL`)],
];
for (const [name, f] of work) {
  const times = [];
  let v;
  for (let r = 0; r < reps; r++) {
    t = performance.now();
    v = await f();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  console.log(`${name} ${times[(reps - 1) >> 1].toFixed(3)} ${v}`);
}
console.log(`load ${load.toFixed(1)}`);
