// The message catalogues are complete: the six UN languages have a file each
// with exactly the keys of the English one, none empty, the same {vars}, and
// every key the console's code names exists.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const web = join(dirname(fileURLToPath(import.meta.url)), '..');
const load = (lang) => JSON.parse(readFileSync(join(web, 'i18n', `${lang}.json`), 'utf8'));
const en = load('en');
const vars = (s) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort().join(',');

for (const lang of ['fr', 'es', 'ru', 'zh', 'ar']) {
  test(`${lang}.json has every key of en.json, and no other, each translated with the same {vars}`, () => {
    const cat = load(lang);
    assert.deepEqual(Object.keys(cat).sort(), Object.keys(en).sort());
    for (const [k, v] of Object.entries(cat)) {
      assert.ok(typeof v === 'string' && v.trim() !== '', `${lang}: ${k} is empty`);
      assert.equal(vars(v), vars(en[k]), `${lang}: ${k} names other {vars} than en`);
    }
  });
}

test('every key the console names in t("...") is in en.json', () => {
  const files = [];
  const walk = (d) => {
    for (const f of readdirSync(d, { withFileTypes: true })) {
      if (f.isDirectory()) walk(join(d, f.name));
      else if (f.name.endsWith('.js')) files.push(join(d, f.name));
    }
  };
  walk(join(web, 'src'));
  const missing = [];
  for (const f of files)
    for (const m of readFileSync(f, 'utf8').matchAll(/\bt\(\s*['"]([\w.-]+)['"]\s*[,)]/g))
      if (!(m[1] in en)) missing.push(`${m[1]} (${f.slice(web.length + 1)})`);
  assert.deepEqual(missing, []);
});

test('every error code of the API (docs/api.md, "Errors") has its err.<code> message', () => {
  const doc = readFileSync(join(web, '..', 'docs', 'api.md'), 'utf8');
  const codes = new Set();
  for (const row of doc.matchAll(/^\| [1-5]\d\d \| ([^|]*)\|/gm))
    for (const c of row[1].matchAll(/`([a-z_]+)`/g)) codes.add(c[1]);
  assert.ok(codes.size > 10, 'the error table of docs/api.md was found');
  assert.deepEqual([...codes].filter((c) => !(`err.${c}` in en)), []);
});
