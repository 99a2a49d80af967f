import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { DocBlock } from '../manifest/manifest.js';
import { createJinjaEnvironment } from '../render/jinja-compat/index.js';
import { toRenderError } from '../render/template-error.js';
import { ProjectError } from '../shared/errors.js';
import { readProjectText } from '../shared/text-file.js';
import { discoverFiles } from './discover-files.js';
import { rootRelative, type ProjectRoot } from './project-roots.js';

/** `{% docs name %}` / `{%- enddocs -%}` tags (dbt's block lexer: a docs name is an identifier). */
const DOCS_TAG = /\{%-?\s*(docs|enddocs)\b\s*([^%]*?)\s*-?%\}/g;
const IDENTIFIER = /^[A-Za-z_]\w*$/;

/**
 * The `{% docs %}` blocks of one project (dbt's DocumentationParser): every `.md` file under its
 * docs-paths, each block rendered with an empty context and stripped; two blocks of one name in a
 * package are an error, as in dbt.
 */
export function readDocBlocks(root: ProjectRoot): DocBlock[] {
  const pf = root.projectFile;
  const files = [...new Set(pf.docsPaths.flatMap((p) => discoverFiles(root.dir, p, ['.md'])))];
  const byName = new Map<string, DocBlock>();
  for (const path of files) {
    // A dangling link among the .md files (a README pointing nowhere) is skipped: docs are optional text.
    if (!existsSync(join(root.dir, path))) continue;
    const file = rootRelative(root, path);
    for (const block of docBlocksIn(readProjectText(join(root.dir, path), file), file)) {
      const clash = byName.get(block.name);
      if (clash)
        throw new ProjectError('duplicate_doc', `dbt found two docs with the same name: '${block.name}' in ${clash.originalFilePath}:${clash.line} and ${file}:${block.line}`, {
          file,
          line: block.line,
          hint: 'Rename one of the {% docs %} blocks (doc names are unique within a package).',
        });
      byName.set(block.name, { ...block, uniqueId: `doc.${pf.name}.${block.name}`, packageName: pf.name, path });
    }
  }
  return [...byName.values()];
}

type ParsedBlock = Pick<DocBlock, 'name' | 'line' | 'blockContents' | 'originalFilePath'>;

/** The docs blocks of one file's text; text outside blocks is ignored (dbt reads only the blocks). */
export function docBlocksIn(text: string, file: string): ParsedBlock[] {
  const out: ParsedBlock[] = [];
  const lineAt = (offset: number) => text.slice(0, offset).split('\n').length;
  let open: { name: string; line: number; start: number } | undefined;
  for (const m of text.matchAll(DOCS_TAG)) {
    const [tag, kind, arg] = m as unknown as [string, string, string];
    const line = lineAt(m.index);
    if (kind === 'docs') {
      if (open)
        throw new ProjectError('docs_block', `A {% docs ${arg} %} block starts inside the docs block '${open.name}' (line ${open.line})`, { file, line, hint: 'Close the first block with {% enddocs %} before the next one.' });
      if (!IDENTIFIER.test(arg))
        throw new ProjectError('docs_block', `Invalid docs block name '${arg}': a name is letters, digits and underscores`, { file, line, hint: 'Write e.g. {% docs order_status %}.' });
      open = { name: arg, line, start: m.index + tag.length };
    } else {
      // dbt's block lexer skips an end tag with no block open (fivetran/dbt_servicenow's docs.md has a
      // `{% unverified %}` typo for `{% docs unverified %}` before its {% enddocs %}): so does tsdbt.
      if (!open) continue;
      out.push({ name: open.name, line: open.line, originalFilePath: file, blockContents: renderContents(text.slice(open.start, m.index), file, open.line) });
      open = undefined;
    }
  }
  if (open)
    throw new ProjectError('docs_block', `The docs block '${open.name}' is never closed (reached the end of the file without {% enddocs %})`, { file, line: open.line, hint: 'Add {% enddocs %} after its text.' });
  return out;
}

/** dbt renders a block's text with an empty context (`get_rendered(contents, {})`), then strips it. */
function renderContents(contents: string, file: string, line: number): string {
  if (!/\{[{%]/.test(contents)) return contents.trim();
  try {
    return String(createJinjaEnvironment().renderString(contents, {})).trim();
  } catch (error) {
    const e = toRenderError(error, file);
    throw new ProjectError(e.code, `In the docs block at ${file}:${line}: ${e.message}`, { file, line, hint: e.hint, cause: e });
  }
}
