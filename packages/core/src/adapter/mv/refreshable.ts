import type { ModelNode } from '../../manifest/nodes.js';
import type { MaterializeContext, MaterializeResult } from '../materializations/types.js';
export const isRefreshable = (n: ModelNode) => n.config.refresh !== undefined && n.config.refresh !== null;
export async function materializeRefreshable(_ctx: MaterializeContext): Promise<MaterializeResult> { throw new Error('todo'); }
