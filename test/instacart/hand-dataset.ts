import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './instacart-project.js';

/**
 * A small hand-written Instacart data set whose model outputs are computed by hand in hand-computed.test.ts
 * (and loaded from Kaggle-format CSV files in source-load.test.ts).
 *
 * 4 departments, 7 aisles (aisle 7 has no product), 10 products (product 10 is never bought),
 * 4 users, 23 orders (21 with line items: user 2's and user 4's last order is eval_set 'test', no lines),
 * 54 order lines (47 prior + 7 train).
 *
 * Product pair (1 Banana, 5 Whole Milk) is bought together in 11 orders: the market-basket model keeps only
 * pairs in >= 10 orders ("minimum support threshold", `run_length >= 10`) and with lift >= 1, so user 1 has
 * 11 orders and the pair is in 8 of them (+2 of user 2, +1 of user 3). No other pair reaches 10 orders
 * (the next one, Banana + Strawberries, is in 4), so the model returns exactly one row.
 */

export const DEPARTMENTS: [number, string][] = [
  [1, 'produce'], // category 'Fresh'
  [2, 'dairy eggs'], // 'Fresh'
  [3, 'snacks'], // 'Consumables'
  [4, 'frozen'], // 'Packaged'
];

export const AISLES: [number, string][] = [
  [1, 'fresh fruits'],
  [2, 'fresh vegetables'],
  [3, 'milk'],
  [4, 'yogurt'],
  [5, 'chips pretzels'],
  [6, 'ice cream ice'],
  [7, 'bulk dried fruits vegetables'], // no product: department_id NULL, has_invalid_department_fk = 1
];

/** product_id, product_name, aisle_id, department_id */
export const PRODUCTS: [number, string, number, number][] = [
  [1, 'Banana', 1, 1],
  [2, 'Organic Strawberries', 1, 1],
  [3, 'Organic Baby Spinach', 2, 1],
  [4, 'Carrots', 2, 1],
  [5, 'Whole Milk', 3, 2],
  [6, 'Organic Greek Yogurt', 4, 2],
  [7, 'Gluten Free Pretzels', 5, 3],
  [8, 'Tortilla Chips, Sea Salt', 5, 3], // a comma: quoted in products.csv as in the Kaggle file
  [9, 'Vanilla Ice Cream', 6, 4],
  [10, 'Frozen Peas', 6, 4], // never bought
];

/** order_id, user_id, eval_set, order_number, order_dow, order_hour_of_day, days_since_prior_order */
export type OrderRow = [number, number, 'prior' | 'train' | 'test', number, number, number, number | null];

export const ORDERS: OrderRow[] = [
  // user 1: 11 orders (10 prior + train), buys Banana + Milk most of the time
  [101, 1, 'prior', 1, 0, 9, null],
  [102, 1, 'prior', 2, 1, 10, 7],
  [103, 1, 'prior', 3, 2, 8, 14],
  [104, 1, 'prior', 4, 3, 9, 7],
  [105, 1, 'prior', 5, 4, 12, 10],
  [106, 1, 'prior', 6, 5, 13, 7],
  [107, 1, 'prior', 7, 6, 15, 14],
  [108, 1, 'prior', 8, 0, 16, 7],
  [109, 1, 'prior', 9, 1, 9, 3],
  [110, 1, 'prior', 10, 2, 10, 7],
  [111, 1, 'train', 11, 3, 11, 14],
  // user 2: 3 prior + a test order (no line items published)
  [201, 2, 'prior', 1, 5, 11, null],
  [202, 2, 'prior', 2, 6, 12, 10],
  [203, 2, 'prior', 3, 0, 23, 6],
  [204, 2, 'test', 4, 1, 9, 5],
  // user 3: 3 prior + train
  [301, 3, 'prior', 1, 3, 16, null],
  [302, 3, 'prior', 2, 4, 17, 30],
  [303, 3, 'prior', 3, 2, 3, 0],
  [304, 3, 'train', 4, 6, 19, 25],
  // user 4: 3 prior + test, never reorders
  [401, 4, 'prior', 1, 2, 7, null],
  [402, 4, 'prior', 2, 3, 13, 20],
  [403, 4, 'prior', 3, 4, 18, 15],
  [404, 4, 'test', 4, 5, 10, 8],
];

/** Lines per order, in cart order (add_to_cart_order = position): [product_id, reordered]. */
export const LINES: Record<number, [number, number][]> = {
  101: [[1, 0], [5, 0]],
  102: [[1, 1], [5, 1], [2, 0]],
  103: [[1, 1], [5, 1]],
  104: [[1, 1], [5, 1], [2, 1]],
  105: [[1, 1], [6, 0]],
  106: [[1, 1], [5, 1], [6, 1]],
  107: [[1, 1], [5, 1]],
  108: [[1, 1], [5, 1]],
  109: [[1, 1], [2, 1]],
  110: [[5, 1], [6, 1]],
  111: [[1, 1], [5, 1], [2, 1]],
  201: [[1, 0], [5, 0], [8, 0]],
  202: [[1, 1], [5, 1], [8, 1], [7, 0]],
  203: [[5, 1], [8, 1]],
  301: [[3, 0], [4, 0], [9, 0]],
  302: [[3, 1], [9, 1], [1, 0]],
  303: [[9, 1], [7, 0]],
  304: [[4, 1], [1, 1], [5, 0], [6, 0]],
  401: [[8, 0], [7, 0]],
  402: [[9, 0], [6, 0], [1, 0]],
  403: [[3, 0], [2, 0]],
};

const evalSetOf = new Map(ORDERS.map((o) => [o[0], o[2]]));

/** [order_id, product_id, add_to_cart_order, reordered] of the prior or train lines. */
export function lineRows(evalSet: 'prior' | 'train'): [number, number, number, number][] {
  return Object.entries(LINES)
    .filter(([oid]) => evalSetOf.get(Number(oid)) === evalSet)
    .flatMap(([oid, lines]) => lines.map(([pid, re], i) => [Number(oid), pid, i + 1, re] as [number, number, number, number]));
}

/**
 * The CREATE TABLE statements of the six raw tables, taken from macros/generate_instacart.sql so the
 * columns and types are exactly the generator's.
 */
export function rawTableDdl(): string[] {
  const macro = readFileSync(join(ROOT, 'macros/generate_instacart.sql'), 'utf8');
  const ddl = [...macro.matchAll(/CREATE TABLE raw\.raw___insta_\w+ \(.*?\) ENGINE = MergeTree ORDER BY [^"]+/g)].map((m) => m[0]);
  if (ddl.length !== 6) throw new Error(`expected 6 CREATE TABLE raw.raw___insta_* in generate_instacart.sql, found ${ddl.length}`);
  return ddl;
}

const sqlValue = (v: string | number | null): string => (v === null ? 'NULL' : typeof v === 'number' ? String(v) : `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`);
const values = (rows: readonly (readonly (string | number | null)[])[]): string => rows.map((r) => `(${r.map(sqlValue).join(', ')})`).join(', ');

/** Statements that create database raw and the six raw tables and fill them with this data set. */
export function rawInsertStatements(): string[] {
  return [
    'CREATE DATABASE IF NOT EXISTS raw',
    ...['departments', 'aisles', 'products', 'orders', 'order_products_prior', 'order_products_train'].map((t) => `DROP TABLE IF EXISTS raw.raw___insta_${t}`),
    ...rawTableDdl(),
    `INSERT INTO raw.raw___insta_departments VALUES ${values(DEPARTMENTS)}`,
    `INSERT INTO raw.raw___insta_aisles VALUES ${values(AISLES)}`,
    `INSERT INTO raw.raw___insta_products VALUES ${values(PRODUCTS)}`,
    `INSERT INTO raw.raw___insta_orders VALUES ${values(ORDERS)}`,
    `INSERT INTO raw.raw___insta_order_products_prior VALUES ${values(lineRows('prior'))}`,
    `INSERT INTO raw.raw___insta_order_products_train VALUES ${values(lineRows('train'))}`,
  ];
}

/** A CSV field as in the Kaggle files: quoted only when it holds a comma, a quote or a line break. */
const csvField = (v: string | number | null): string => {
  if (v === null) return '';
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};
const csv = (header: string, rows: readonly (readonly (string | number | null)[])[]): string => [header, ...rows.map((r) => r.map(csvField).join(','))].join('\n') + '\n';

/** The Kaggle file names and their exact header lines. */
export const KAGGLE_FILES = {
  'aisles.csv': 'aisle_id,aisle',
  'departments.csv': 'department_id,department',
  'products.csv': 'product_id,product_name,aisle_id,department_id',
  'orders.csv': 'order_id,user_id,eval_set,order_number,order_dow,order_hour_of_day,days_since_prior_order',
  'order_products__prior.csv': 'order_id,product_id,add_to_cart_order,reordered',
  'order_products__train.csv': 'order_id,product_id,add_to_cart_order,reordered',
} as const;

/**
 * Writes the data set as the six Kaggle CSV files into dir. As in the real orders.csv, days_since_prior_order
 * is written as a float ("7.0") and left empty on first orders.
 */
export function writeKaggleCsvs(dir: string): void {
  const orders = ORDERS.map((o) => [...o.slice(0, 6), o[6] === null ? null : o[6].toFixed(1)] as (string | number | null)[]);
  const files: Record<keyof typeof KAGGLE_FILES, (readonly (string | number | null)[])[]> = {
    'aisles.csv': AISLES,
    'departments.csv': DEPARTMENTS,
    'products.csv': PRODUCTS,
    'orders.csv': orders,
    'order_products__prior.csv': lineRows('prior'),
    'order_products__train.csv': lineRows('train'),
  };
  for (const [name, rows] of Object.entries(files)) writeFileSync(join(dir, name), csv(KAGGLE_FILES[name as keyof typeof KAGGLE_FILES], rows));
}
