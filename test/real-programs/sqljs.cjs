/**
 * sql.js (SQLite compiled by Emscripten) driven through its own JS glue:
 * tables with REAL/INTEGER/TEXT/BLOB columns, float arithmetic and
 * formatting, aggregates, a recursive CTE, JSON, sorting, window functions,
 * date arithmetic on fixed dates, and the exported database bytes.
 */
'use strict';
const { log, done } = require('./setup.cjs');
const initSqlJs = require('sql.js');

initSqlJs().then((SQL) => {
  const db = new SQL.Database();
  const q = (sql, params) => {
    try {
      const r = db.exec(sql, params);
      log(sql.slice(0, 60), r.map((t) => ({ columns: t.columns, values: t.values })));
    } catch (e) {
      log(sql.slice(0, 60), 'error', String(e.message));
    }
  };
  q('CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, price REAL, qty INTEGER, data BLOB)');
  const ins = db.prepare('INSERT INTO t (name, price, qty, data) VALUES (?, ?, ?, ?)');
  for (let i = 0; i < 200; i++) ins.run([`item ${i % 17}`, (i * 37 % 101) / 7, (i * 13) % 29 - 5, new Uint8Array([i, i * 3 & 255])]);
  ins.free();
  q('SELECT count(*), sum(price), avg(price), min(price), max(price), total(qty) FROM t');
  q('SELECT name, round(avg(price), 4), sum(qty * price), group_concat(id) FROM t GROUP BY name ORDER BY 2 DESC LIMIT 8');
  q("SELECT printf('%.3f|%e|%g|%10.2f', price, price * 1e10, price / 3, -price) FROM t WHERE id % 41 = 0");
  q('SELECT 1.0 / 3, 2.0 / 3 * 3, 0.1 + 0.2, 1e308 * 10, -1e308 * 10, 9007199254740993, 1 / 0.0, round(2.5), round(-2.5), round(1.005, 2)');
  q("SELECT CAST('3.14159' AS REAL), CAST(2.99 AS INTEGER), CAST(-2.99 AS INTEGER), '1e3' + 0, abs(-0.0), typeof(1e3), 7 % 3, -7 / 2");
  q('WITH RECURSIVE f(n, a, b) AS (SELECT 0, 0, 1 UNION ALL SELECT n + 1, b, a + b FROM f WHERE n < 80) SELECT n, a, a * 1.0 / (b + 0.5) FROM f WHERE n % 10 = 0');
  q("SELECT json_object('p', price, 'q', qty, 'n', name), json_array(price * 1.5, id) FROM t WHERE id < 4");
  q("SELECT id, price, rank() OVER (ORDER BY price DESC), avg(price) OVER (ORDER BY id ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) FROM t WHERE id <= 12");
  q("SELECT date('2024-01-31', '+1 month'), julianday('2024-03-01') - julianday('2024-02-01'), strftime('%Y-%m-%d %H:%M:%f', 2460000.25)");
  q("SELECT hex(data), length(data), upper(name), substr(name, 3), replace(name, 'item', 'x'), instr(name, '1') FROM t WHERE id IN (1, 100, 200)");
  q('SELECT id FROM t ORDER BY price * qty, id LIMIT 10');
  q('CREATE INDEX ip ON t (price)');
  q('SELECT count(*) FROM t WHERE price BETWEEN 3.5 AND 7.25');
  q('UPDATE t SET price = price * 1.1 WHERE qty < 0');
  q('SELECT sum(price), max(price) FROM t');
  q('DELETE FROM t WHERE id % 3 = 0');
  q('SELECT count(*), avg(qty) FROM t');
  q('SELECT nosuchfunction(1)');
  const stmt = db.prepare('SELECT name, price FROM t WHERE price > :p ORDER BY price LIMIT 3');
  stmt.bind({ ':p': 10.5 });
  while (stmt.step()) log('row', stmt.getAsObject());
  stmt.free();
  const bytes = db.export();
  let h = 0x811c9dc5;
  for (const b of bytes) h = Math.imul(h ^ b, 0x01000193);
  log('export', bytes.length, (h >>> 0).toString(16));
  db.close();
  done();
}).catch((e) => {
  log('failed', String(e && e.message));
  done();
});
