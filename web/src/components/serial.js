// A serial key with the characters that differ from the query in <mark>.
// The matcher's edit positions count bytes of the UTF-8 keys, so they are
// mapped to characters first (most keys are ASCII, where the two agree).
import { html } from '../html.js';
import { label } from '../i18n.js';

const encoder = new TextEncoder();

function byteToChar(chars) {
  const map = [];
  let b = 0;
  chars.forEach((ch, i) => {
    for (let n = encoder.encode(ch).length; n > 0; n--) map[b++] = i;
  });
  map[b] = chars.length;
  return map;
}

export function MarkedKey({ text, edits = [] }) {
  const chars = Array.from(text || '');
  const at = byteToChar(chars);
  const marked = new Set();
  const gaps = new Set(); // a character of the query the serial lacks goes before this one
  for (const e of edits) {
    const i = at[e.serial_pos];
    if (i === undefined) continue;
    if (e.op === 'delete') gaps.add(i);
    else if (e.op === 'transpose') marked.add(i).add(i + 1);
    else marked.add(i);
  }
  return html`<span class="key" dir="ltr">${chars.map((ch, i) => {
    const gap = gaps.has(i) ? 'gap' : undefined;
    return marked.has(i) ? html`<mark class=${gap}>${ch}</mark>` : gap ? html`<span class="gap">${ch}</span>` : ch;
  })}${gaps.has(chars.length) ? html`<span class="gap end"></span>` : ''}</span>`;
}

// Each edit in words: what was read, what the serial has, and the kind.
export function EditList({ edits }) {
  if (!edits?.length) return null;
  return html`<ul class="edits">
    ${edits.map((e, i) => html`<li key=${i}>
      <span class="key" dir="ltr">${e.query || '∅'} → ${e.serial || '∅'}</span> ${label('edit', e.op)}
    </li>`)}
  </ul>`;
}
