import { datetimeModule } from './datetime.js';
import { pytzModule } from './pytz.js';
import { reModule } from './re.js';

/** dbt's `modules` context member: the Python modules templates may use. */
export const pythonModules: Readonly<Record<string, unknown>> = Object.freeze({
  datetime: datetimeModule,
  re: reModule,
  pytz: pytzModule,
});

export { DateTime, PyDate, TimeDelta, UTC } from './datetime.js';
