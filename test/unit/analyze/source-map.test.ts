import { describe, expect, it } from 'vitest';
import { alignPositions, markTemplate, marker, stripMarkers } from '../../../packages/core/src/analyze/source-map.js';

const m = (line: number) => marker(0, line);

describe('source map markers', () => {
  it('marks the first output of each line: text, or a {{ }} expression, never inside tags', () => {
    expect(markTemplate("select a,\n  {{ ref('x') }} as b\n{% if y %}\n  c\n{% endif %}", 0)).toBe(
      `${m(1)}select a,\n  ${m(2)}{{ ref('x') }} as b\n{% if y %}\n  ${m(4)}c\n{% endif %}`,
    );
  });

  it('leaves whitespace control intact: no marker before {{- or inside blanks a trim removes', () => {
    expect(markTemplate('a\n  {{- x }}\n{%- if y -%}\n   b', 0)).toBe(`${m(1)}a\n  {{- x }}\n{%- if y -%}\n   ${m(4)}b`);
  });

  it('skips comments and strings in tags that look like tag ends', () => {
    expect(markTemplate("{# a %} #}x {{ '}}' }} y\n{% set s = '%}' %}z", 0)).toBe(`{# a %} #}${m(1)}x {{ '}}' }} y\n{% set s = '%}' %}${m(2)}z`);
  });

  it('marks raw blocks as text', () => {
    expect(markTemplate('{% raw %}\n{{ not a tag }}\n{% endraw %}', 0)).toBe(`{% raw %}\n${m(2)}{{ not a tag }}\n{% endraw %}`);
  });

  it('strips markers into per-character lines and aligns with the real text, blanks aside', () => {
    const stripped = stripMarkers(`${m(1)}select a,\n${m(3)}b`);
    expect(stripped.text).toBe('select a,\nb');
    expect([...stripped.line]).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 3]);
    const aligned = alignPositions('select  a,\n\n  b', stripped)!;
    expect(aligned.line[14]).toBe(3);
    expect(aligned.line[0]).toBe(1);
    expect(alignPositions('select a, c', stripped)).toBeUndefined();
  });
});
