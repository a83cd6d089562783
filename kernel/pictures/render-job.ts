/** What the renderer thread is asked to draw. */
export type RenderJob =
  | { kind: 'dot'; source: string; engine?: 'dot' | 'neato' }
  | { kind: 'vega-lite'; spec: object };

export type RenderReply = { id: number; svg: string } | { id: number; error: string };
