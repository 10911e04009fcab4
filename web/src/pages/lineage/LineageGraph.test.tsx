import { render, screen } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { describe, expect, it } from 'vitest';
import { LineageGraph } from './LineageGraph';
import { LineageList } from './LineageList';
import { layoutLineage } from './lineage-layout';

const nodes = [
  { id: 'v', kind: 'MODEL_VERSION' as const, name: 'reg/m:v1', redacted: false },
  { id: 'r', kind: 'RUN' as const, name: 'train', redacted: false },
  { id: 's', kind: 'ARTIFACT' as const, name: null, redacted: true },
];
const edges = [
  { from: 's', to: 'r', kind: 'USED' as const },
  { from: 'r', to: 'v', kind: 'PRODUCED' as const },
];
const layout = layoutLineage('v', nodes, edges);
const href = (n: { id: string; redacted: boolean }) => (n.redacted ? null : `/to/${n.id}`);

describe('LineageGraph and LineageList', () => {
  it('makes every readable node a named link, and a redacted one a nameless image', () => {
    render(
      <MemoryRouter>
        <LineageGraph layout={layout} rootId="v" href={href} title="Lineage of reg/m:v1" />
      </MemoryRouter>,
    );
    expect(screen.getByRole('link', { name: 'Version (this node) reg/m:v1' }).getAttribute('href')).toBe('/to/v');
    expect(screen.getByRole('link', { name: 'Run train' }).getAttribute('href')).toBe('/to/r');
    const redacted = screen.getByRole('img', { name: 'Artifact Redacted artifact' });
    expect(redacted.closest('a')).toBeNull();
    // Links in column order: upstream first, so Tab walks the graph left to right.
    expect(screen.getAllByRole('link').map((a) => a.getAttribute('href'))).toEqual(['/to/r', '/to/v']);
  });

  it('lists the same graph by distance, with what each node came from and went to', () => {
    render(
      <MemoryRouter>
        <LineageList layout={layout} rootId="v" href={href} details={[{ id: 'r', run: { status: 'FINISHED' } }]} />
      </MemoryRouter>,
    );
    expect(screen.getAllByRole('heading', { level: 3 }).map((h) => h.textContent)).toEqual([
      'Upstream, 2 steps',
      'Upstream, 1 step',
      'This node',
    ]);
    const run = screen.getByRole('link', { name: 'train' }).closest('li')!;
    expect(run.textContent).toContain('finished');
    expect(run.textContent).toContain('from: Redacted artifact');
    expect(run.textContent).toContain('to: reg/m:v1');
  });
});
