import type { Workflow } from "./schema";

/** Source node name -> the set of node names its `main` outputs lead to. */
export function mainAdjacency(workflow: Pick<Workflow, "connections">): Map<string, Set<string>> {
  const adjacency = new Map<string, Set<string>>();
  for (const [source, byKind] of Object.entries(workflow.connections)) {
    const targets = new Set<string>();
    for (const port of byKind?.main ?? []) for (const target of port ?? []) targets.add(target.node);
    adjacency.set(source, targets);
  }
  return adjacency;
}

/** Tarjan's algorithm, iterative (a 10,000-node chain must not overflow the stack). Components in reverse topological order. */
export function stronglyConnectedComponents(nodes: string[], adjacency: Map<string, Set<string>>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const lowLink = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];

  for (const root of nodes) {
    if (index.has(root)) continue;
    const work: Array<{ node: string; targets: Iterator<string> }> = [];
    const visit = (node: string) => {
      index.set(node, counter);
      lowLink.set(node, counter);
      counter += 1;
      stack.push(node);
      onStack.add(node);
      work.push({ node, targets: (adjacency.get(node) ?? new Set<string>()).values() });
    };
    visit(root);
    while (work.length > 0) {
      const frame = work[work.length - 1];
      const next = frame.targets.next();
      if (!next.done) {
        const target = next.value;
        if (!index.has(target)) visit(target);
        else if (onStack.has(target)) lowLink.set(frame.node, Math.min(lowLink.get(frame.node)!, index.get(target)!));
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1].node;
        lowLink.set(parent, Math.min(lowLink.get(parent)!, lowLink.get(frame.node)!));
      }
      if (lowLink.get(frame.node) === index.get(frame.node)) {
        const component: string[] = [];
        let member: string | undefined;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          component.push(member);
        } while (member !== frame.node);
        components.push(component.reverse());
      }
    }
  }
  return components;
}
