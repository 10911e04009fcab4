import { LineageGraphView, LineageNodeView, mermaidText, toMermaid } from '../../src/lineage/lineage.service';

// A lineage graph as a Mermaid flowchart. Names are user input and the chart is rendered in
// browsers, so every character Mermaid would act on is escaped. The HTTP suite checks the chart of
// a real graph, redaction included.

const node = (kind: LineageNodeView['kind'], id: string, name: string | null): LineageNodeView => ({
  kind,
  id,
  name,
  redacted: name === null,
  entity: null,
});

describe('Mermaid label text', () => {
  it('leaves ordinary names alone', () => {
    expect(mermaidText('ml/fraud-detector:v12 (run 2026-11-29_a.b)')).toBe(
      'ml/fraud-detector:v12 (run 2026-11-29_a.b)',
    );
  });

  it('writes each character Mermaid acts on as a decimal entity code', () => {
    expect(mermaidText('#"<>&`%{}')).toBe('#35;#34;#60;#62;#38;#96;#37;#123;#125;');
  });

  it('cannot end the label, open HTML, or start a directive', () => {
    const hostile = '"]; click n0 "javascript:alert(1)" %%{init: {"theme":"dark"}}%% <img src=x onerror=alert(1)>';
    const text = mermaidText(hostile);
    expect(text).not.toMatch(/["<>`{}%]/);
    // Every `#` left is one this function wrote, starting an entity code.
    expect(text.replace(/#\d+;/g, '')).not.toContain('#');
  });

  it('turns control characters, line breaks included, into one space', () => {
    expect(mermaidText('a\nb\r\n\tc\u0000d\u007fe')).toBe('a b c d e');
  });
});

describe('Mermaid chart', () => {
  const run = node('RUN', 'r1', 'train #7');
  const data = node('ARTIFACT', 'a1', 'dataset "clean"');
  const model = node('MODEL_VERSION', 'v1', 'ml/fraud:v3');
  const hidden = node('RUN', 'r0', null);
  const graph: LineageGraphView = {
    root: model,
    nodes: [model, run, data, hidden],
    edges: [
      {
        fromId: 'a1',
        fromKind: 'ARTIFACT',
        toId: 'r1',
        toKind: 'RUN',
        kind: 'USED',
      },
      {
        fromId: 'r1',
        fromKind: 'RUN',
        toId: 'v1',
        toKind: 'MODEL_VERSION',
        kind: 'PRODUCED',
      },
      {
        fromId: 'r0',
        fromKind: 'RUN',
        toId: 'a1',
        toKind: 'ARTIFACT',
        kind: 'PRODUCED',
      },
    ],
    truncated: false,
  };

  it('draws nodes by kind, edges with their meaning, and marks the root', () => {
    expect(toMermaid(graph)).toBe(
      [
        'flowchart LR',
        '  n0[["ml/fraud:v3"]]',
        '  n1(["train #35;7"])',
        '  n2["dataset #34;clean#34;"]',
        '  n3(["run (restricted)"])',
        '  n2 -->|used by| n1',
        '  n1 -->|produced| n0',
        '  n3 -->|produced| n2',
        '  classDef root stroke-width:3px',
        '  class n0 root',
        '',
      ].join('\n'),
    );
  });

  it('keys nodes by position, never by their ids or names', () => {
    const chart = toMermaid(graph);
    for (const id of ['r1', 'a1', 'v1', 'r0']) expect(chart).not.toContain(id);
  });
});
