import type { TsdbtProject } from '../../packages/core/src/index.js';
import type { Send } from './other-writer.js';

/**
 * The process "dies" right after the first statement `when` matches is answered (`die`: a later statement
 * instead, matched once `when` was): nothing of it reaches the warehouse after. `act` runs right after the
 * `when` statement, as another writer (`send`).
 */
export async function dieAfter(project: TsdbtProject, when: RegExp, act: (sql: string, send: Send) => Promise<void>, die: RegExp = when): Promise<void> {
  const client = (await project.adapter(1)).client as unknown as Record<'command' | 'query', Send>;
  const original = { command: client.command.bind(client), query: client.query.bind(client) };
  let dead = false;
  let acted = false;
  for (const method of ['command', 'query'] as const)
    client[method] = async (sql, o) => {
      if (dead) throw new Error('the process died');
      const answer = await original[method](sql, o);
      if (!acted && when.test(sql)) {
        acted = true;
        await act(sql, (s) => original.command(s));
      }
      if (acted && die.test(sql)) dead = true;
      return answer;
    };
}
