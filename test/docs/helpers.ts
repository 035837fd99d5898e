import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The section numbers docs/model.md defines: `## 3. ...` gives 3, `### 3.2 ...` gives 3.2. */
export function modelSections(text: string): Set<string> {
  const out = new Set<string>();
  for (const line of text.split('\n')) {
    const m = /^(##|###) (\d+(?:\.\d+)?)\.? /.exec(line);
    if (m) out.add(m[2]!);
  }
  return out;
}
