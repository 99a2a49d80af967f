/**
 * A model's code as `state:modified.body` compares it: SQL (`--`, `/* *\/`) and Jinja (`{# #}`)
 * comments dropped, whitespace collapsed, and dropped entirely where it separates a word from a
 * symbol (`a , b` = `a,b`). Quoted strings and identifiers stay exactly as written: a change inside
 * a literal is a change of the model.
 */
export function normalizeCode(code: string): string {
  let out = '';
  let pendingSpace = false;
  const emit = (text: string) => {
    if (pendingSpace && out !== '' && spaceMatters(out[out.length - 1]!, text[0]!)) out += ' ';
    pendingSpace = false;
    out += text;
  };
  let i = 0;
  const n = code.length;
  while (i < n) {
    const c = code[i]!;
    const two = code.slice(i, i + 2);
    if (two === '--') {
      const end = code.indexOf('\n', i);
      i = end < 0 ? n : end;
      pendingSpace = true;
    } else if (two === '/*' || two === '{#') {
      const close = two === '/*' ? '*/' : '#}';
      const end = code.indexOf(close, i + 2);
      i = end < 0 ? n : end + 2;
      pendingSpace = true;
    } else if (/\s/.test(c)) {
      i++;
      pendingSpace = true;
    } else if (c === "'" || c === '"' || c === '`') {
      const start = i++;
      while (i < n && code[i] !== c) i += code[i] === '\\' ? 2 : 1;
      i++;
      emit(code.slice(start, Math.min(i, n)));
    } else {
      emit(c);
      i++;
    }
  }
  return out;
}

/** Symbol pairs a space keeps apart: joined they would read as another token (`- -1` is not a comment). */
const JOINED_TOKENS = new Set(['--', '/*', '*/', '{{', '}}', '{%', '%}', '{#', '#}', '||', '<=', '>=', '!=', '<>', '==', '::', '->', "''", '""', '``']);

/** A space matters between two word characters (`select a`) and between symbols that would join. */
function spaceMatters(before: string, after: string): boolean {
  const word = (c: string) => /[\w$]/.test(c);
  if (word(before) || word(after)) return word(before) && word(after);
  return JOINED_TOKENS.has(before + after);
}
