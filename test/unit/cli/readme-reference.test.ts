import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { expect, it } from 'vitest';
import { buildProgram } from '../../../packages/cli/src/program.js';
import { ROOT } from '../../helpers/cli.js';

/** README's command reference (issue #16) names every command and every flag the CLI has: a new one needs its row. */
it('the README command reference covers every command and flag', async () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const reference = readme.slice(readme.indexOf('### Command reference'));
  const { program } = await buildProgram({ out: () => {}, err: () => {}, isTty: false });
  const missing: string[] = [];
  const visit = (cmd: Command, path: string[]) => {
    for (const sub of cmd.commands) {
      const p = [...path, sub.name()];
      if (sub.commands.length === 0 && !reference.includes(`\`tsdbt ${p.join(' ')}`)) missing.push(`command: tsdbt ${p.join(' ')}`);
      for (const o of sub.options) {
        const flag = o.long!;
        if (!new RegExp(`${flag}(?![\\w-])`).test(reference)) missing.push(`flag: tsdbt ${p.join(' ')} ${flag}`);
      }
      visit(sub, p);
    }
  };
  visit(program, []);
  expect(missing, 'add these to the tables under "### Command reference" in README.md').toEqual([]);
});
