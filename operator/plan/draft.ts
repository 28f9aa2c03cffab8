// The children under construction. Kind parts add objects (and the pod templates inside them);
// every later part edits what is there through the visitors. Apply order is the order of roles.
import type { Container, Manifest, PodSpec, PodTemplate } from './manifest.ts';

/** Why a child exists; also the `syncflow.io/component` label of its pods. */
export type ChildRole = 'service-account' | 'initial-sync' | 'config' | 'workload' | 'sweep';

const applyOrder: readonly ChildRole[] = [
  'service-account',
  'initial-sync',
  'config',
  'workload',
  'sweep',
];

export interface DraftChild {
  role: ChildRole;
  object: Manifest;
  /** The pod template inside `object`, for objects that run pods. */
  podTemplate?: PodTemplate;
}

export class Draft {
  private readonly children: DraftChild[] = [];

  add(role: ChildRole, object: Manifest, podTemplate?: PodTemplate): void {
    this.children.push(podTemplate ? { role, object, podTemplate } : { role, object });
  }

  /** The child of `role`, if a part created it. */
  child(role: ChildRole): DraftChild | undefined {
    return this.children.find((c) => c.role === role);
  }

  /** Every object, in apply order. */
  objects(): Manifest[] {
    return applyOrder.flatMap((role) =>
      this.children.filter((c) => c.role === role).map((c) => c.object),
    );
  }

  /** Calls `visit` for every pod template with the role of the object holding it. */
  eachPodTemplate(visit: (template: PodTemplate, role: ChildRole) => void): void {
    for (const child of this.children) if (child.podTemplate) visit(child.podTemplate, child.role);
  }

  eachPodSpec(visit: (spec: PodSpec, role: ChildRole) => void): void {
    this.eachPodTemplate((template, role) => visit(template.spec, role));
  }

  /** The runtime container of every pod (each pod has exactly one). */
  eachContainer(visit: (container: Container, role: ChildRole) => void): void {
    this.eachPodSpec((spec, role) => {
      for (const container of spec.containers) visit(container, role);
    });
  }
}
