/**
 * ClickHouse's `EXPLAIN QUERY TREE` text as a tree. Each line is either a node (`COLUMN id: 4,
 * column_name: user_id, result_type: UInt32, source_id: 5`), a section label (`PROJECTION`,
 * `JOIN TREE`, `ARGUMENTS`…), or plain text (the `name type` lines of `PROJECTION COLUMNS`);
 * nesting is by indentation (two spaces a level).
 */
export interface TreeNode {
  /** `COLUMN`, `QUERY`… for nodes; the label (`PROJECTION COLUMNS`, `WHERE`…) for sections; '' for text. */
  readonly kind: string;
  readonly id?: number;
  readonly attrs: Readonly<Record<string, string>>;
  readonly text: string;
  readonly children: TreeNode[];
}

const NODE = /^([A-Z][A-Z_]*) id: (\d+)(?:, (.*))?$/;
const SECTION = /^[A-Z][A-Z_]*(?: [A-Z][A-Z_]*)*(?: .*)?$/;

/** `k: v, k2: v2` → attributes (a value may hold ", " as long as no `word: ` follows it). */
function parseAttrs(text: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!text) return out;
  for (const part of text.split(/, (?=[a-z_]+: )/)) {
    const colon = part.indexOf(': ');
    if (colon > 0) out[part.slice(0, colon)] = part.slice(colon + 2);
  }
  return out;
}

export function parseQueryTree(text: string): TreeNode {
  const root: TreeNode = { kind: 'ROOT', attrs: {}, text: '', children: [] };
  const stack: { indent: number; node: TreeNode }[] = [{ indent: -1, node: root }];
  for (const raw of text.split('\n')) {
    if (!raw.trim()) continue;
    const indent = raw.length - raw.trimStart().length;
    const line = raw.trim();
    while (stack.length > 1 && stack[stack.length - 1]!.indent >= indent) stack.pop();
    const parent = stack[stack.length - 1]!.node;
    const m = NODE.exec(line);
    let node: TreeNode;
    if (m) node = { kind: m[1]!, id: Number(m[2]), attrs: parseAttrs(m[3]), text: line, children: [] };
    else if (parent.kind === 'PROJECTION COLUMNS' || !SECTION.test(line)) node = { kind: '', attrs: {}, text: line, children: [] };
    else node = { kind: /^[A-Z_ ]+$/.test(line) ? line : line.split(' ')[0]!, attrs: {}, text: line, children: [] };
    parent.children.push(node);
    stack.push({ indent, node });
  }
  return root.children[0] ?? root;
}

/** The child section `label` of a node (e.g. `PROJECTION`, `JOIN TREE`). */
export function section(node: TreeNode, label: string): TreeNode | undefined {
  return node.children.find((c) => c.kind === label && c.id === undefined);
}

/** The nodes under a section, unwrapping the LIST node ClickHouse puts around lists. */
export function sectionItems(node: TreeNode, label: string): TreeNode[] {
  const s = section(node, label);
  if (!s) return [];
  return s.children.flatMap((c) => (c.kind === 'LIST' ? c.children : [c]));
}

/** Every node by id, its first (fullest) occurrence kept: later ones are references without children. */
export function indexNodes(root: TreeNode): Map<number, TreeNode> {
  const byId = new Map<number, TreeNode>();
  const visit = (n: TreeNode) => {
    if (n.id !== undefined) {
      const seen = byId.get(n.id);
      if (!seen || (seen.children.length === 0 && n.children.length > 0)) byId.set(n.id, n);
    }
    for (const c of n.children) visit(c);
  };
  visit(root);
  return byId;
}
