const t0 = performance.now();
const m = require('chdb');
const t1 = performance.now();
const args = process.argv[3] ? process.argv[3].split(',') : undefined;
const s = new m.Session(process.argv[2], args ? { connectionArgs: args } : {});
const t2 = performance.now();
s.query('SELECT count() FROM mart.g2_v2_fact_order_products_star', 'CSV');
const t3 = performance.now();
console.log('load', (t1-t0).toFixed(0), 'open', (t2 - t1).toFixed(0), 'first q', (t3 - t2).toFixed(0), process.argv[3] || '');
