import { readFileSync, readlinkSync } from 'node:fs';
import { isUtf8 } from 'node:buffer';
import { ProjectError } from './errors.js';

/*
 * Every project file tsdbt reads (models, macros, tests, YAML, seeds) goes through here, so bad
 * input is reported the same way everywhere: a file that cannot be read names the reason (a
 * dangling or looping symlink, permissions, a folder), and text that is not UTF-8 names the byte
 * and where it is — never a silent U+FFFD in a model or a table.
 */

/** Where a byte offset is in a file: 1-based line and column (characters of the valid text before it). */
function position(bytes: Buffer, offset: number): { line: number; column: number } {
  const before = bytes.subarray(0, offset);
  let line = 1;
  let start = 0;
  for (let i = 0; i < before.length; i++) if (before[i] === 0x0a) (line++, (start = i + 1));
  return { line, column: before.subarray(start).toString('utf8').length + 1 };
}

/** Offset of the first byte that does not start or continue a valid UTF-8 sequence. */
function firstInvalidUtf8(bytes: Buffer): number {
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i]!;
    const need = b < 0x80 ? 0 : b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
    if (need < 0) return i;
    if (need > 0 && !isUtf8(bytes.subarray(i, i + need + 1))) return i;
    i += need + 1;
  }
  return -1;
}

/**
 * The text of a project file, decoded as UTF-8 (a UTF-8 byte order mark is dropped). `display` is
 * how errors name it (project-relative). Throws a ProjectError (exit 2) for a file that cannot be
 * read or is not UTF-8 text.
 */
export function readProjectText(path: string, display: string): string {
  return decodeProjectText(readProjectBytes(path, display), display);
}

/** The bytes of a project file; unreadable files are ProjectErrors that say why. */
export function readProjectBytes(path: string, display: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw unreadable(error as NodeJS.ErrnoException, path, display);
  }
}

/** `bytes` as UTF-8 text, or a ProjectError naming the first byte that is not (see readProjectText). */
export function decodeProjectText(bytes: Buffer, display: string): string {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))
    throw new ProjectError('encoding', `${display} is UTF-16 (it starts with a UTF-16 byte order mark); tsdbt reads UTF-8`, {
      file: display,
      line: 1,
      hint: 'Save the file as UTF-8 (in most editors: "Save with encoding" → UTF-8).',
    });
  const nul = bytes.indexOf(0);
  if (nul >= 0) {
    const at = position(bytes, nul);
    throw new ProjectError('encoding', `${display} holds a NUL byte at offset ${nul} (line ${at.line}): it is not a text file (or is UTF-16 without a byte order mark)`, {
      file: display,
      line: at.line,
      column: at.column,
      hint: 'Save it as UTF-8 text, or move it out of the project folders.',
    });
  }
  if (!isUtf8(bytes)) {
    const offset = firstInvalidUtf8(bytes);
    const at = position(bytes, offset);
    const byte = `0x${bytes[offset]!.toString(16).toUpperCase().padStart(2, '0')}`;
    const latin = bytes[offset]! >= 0xa0 ? ` ('${Buffer.from([bytes[offset]!]).toString('latin1')}' in Latin-1 / Windows-1252)` : '';
    throw new ProjectError('encoding', `${display} is not UTF-8: byte ${byte} at offset ${offset} (line ${at.line}, column ${at.column})${latin}`, {
      file: display,
      line: at.line,
      column: at.column,
      hint: 'Save the file as UTF-8; tsdbt does not guess encodings, so no character is silently replaced.',
    });
  }
  const text = bytes.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** A file that cannot be read, said plainly (the errno code stays in parentheses for searches). */
export function unreadable(error: NodeJS.ErrnoException, path: string, display: string): ProjectError {
  const link = (() => {
    try {
      return readlinkSync(path);
    } catch {
      return undefined;
    }
  })();
  const why =
    error.code === 'ENOENT' && link !== undefined ? `is a symbolic link to '${link}', which does not exist`
    : error.code === 'ELOOP' ? `is a symbolic link that loops (it leads back to itself${link !== undefined ? ` through '${link}'` : ''})`
    : error.code === 'ENOENT' ? 'does not exist'
    : error.code === 'EACCES' || error.code === 'EPERM' ? 'cannot be read: permission denied'
    : error.code === 'EISDIR' ? 'is a folder, not a file'
    : `cannot be read (${error.code ?? error.message})`;
  return new ProjectError('file_unreadable', `${display} ${why}`, {
    file: display,
    hint: link !== undefined ? 'Point the link at an existing file, or remove it.' : 'Fix the file (or its permissions), or remove it from the project.',
    cause: error,
  });
}
