import { UsageError } from '../shared/errors.js';

/** Glob characters of Python's fnmatch, which dbt uses for names, tags and fqn parts. */
export function hasGlob(value: string): boolean {
  return /[*?[\]]/.test(value);
}

const fnmatchCache = new Map<string, RegExp>();
const pathCache = new Map<string, RegExp>();

/** Python `fnmatch.fnmatchcase`: `*` and `?` match any character, `.` and `/` included. */
export function fnmatch(name: string, pattern: string): boolean {
  if (!hasGlob(pattern)) return name === pattern;
  let re = fnmatchCache.get(pattern);
  if (!re) {
    re = compile(pattern, `^${translate(pattern, '.*', '.')}$`);
    fnmatchCache.set(pattern, re);
  }
  return re.test(name);
}

/**
 * `pathlib.Path.glob` semantics on a relative POSIX path: `*` and `?` stay within one
 * segment, a `**` segment matches any number of directories.
 */
export function pathMatch(path: string, pattern: string): boolean {
  if (!hasGlob(pattern)) return path === pattern;
  let re = pathCache.get(pattern);
  if (!re) {
    re = compile(pattern, `^${translatePath(pattern)}$`);
    pathCache.set(pattern, re);
  }
  return re.test(path);
}

function translatePath(pattern: string): string {
  const segments = pattern.split('/');
  let out = '';
  let needSep = false;
  segments.forEach((seg, i) => {
    const last = i === segments.length - 1;
    if (seg === '**') {
      if (last) out += needSep ? '(?:/.*)?' : '.*';
      else out += needSep ? '(?:/[^/]+)*/' : '(?:[^/]+/)*';
      needSep = false;
    } else {
      out += (needSep ? '/' : '') + translate(seg, '[^/]*', '[^/]');
      needSep = true;
    }
  });
  return out;
}

/** Python's `fnmatch.translate`, with the `*` and `?` expansions given. */
function translate(pattern: string, star: string, any: string): string {
  let out = '';
  let i = 0;
  const n = pattern.length;
  while (i < n) {
    const c = pattern[i++]!;
    if (c === '*') {
      while (pattern[i] === '*') i++;
      out += star;
    } else if (c === '?') {
      out += any;
    } else if (c === '[') {
      let j = i;
      if (pattern[j] === '!') j++;
      if (pattern[j] === ']') j++;
      while (j < n && pattern[j] !== ']') j++;
      if (j >= n) {
        out += '\\[';
      } else {
        let body = pattern.slice(i, j);
        i = j + 1;
        const negate = body.startsWith('!');
        if (negate) body = body.slice(1);
        // Inside a JS class `\`, `]`, `[` and a leading `^` need escaping.
        body = body.replace(/[\\\]\[]/g, '\\$&');
        if (body.startsWith('^')) body = `\\${body}`;
        out += `[${negate ? '^' : ''}${body}]`;
      }
    } else {
      out += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    }
  }
  return out;
}

function compile(pattern: string, source: string): RegExp {
  try {
    return new RegExp(source, 's');
  } catch (cause) {
    throw new UsageError('selector-invalid-glob', `Invalid glob pattern "${pattern}" in a selector.`, {
      cause,
      hint: 'Check the character ranges in [...]; use [a-z], not [z-a].',
    });
  }
}
