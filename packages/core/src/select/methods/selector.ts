import type { SelectorMethod } from './types.js';

/** `selector:nightly`: the nodes of a named selector from selectors.yml, to compose with others. */
export const selectorMethod: SelectorMethod = {
  name: 'selector',
  search(ctx, value) {
    return ctx.namedSelector(value);
  },
};
