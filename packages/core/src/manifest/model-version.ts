/** dbt's UnparsedVersion ordering of model versions: as numbers when both are numbers, else as text. */
export function compareVersions(a: string, b: string): number {
  const x = Number(a);
  const y = Number(b);
  if (a.trim() !== '' && b.trim() !== '' && Number.isFinite(x) && Number.isFinite(y)) return x - y;
  return a < b ? -1 : a > b ? 1 : 0;
}
