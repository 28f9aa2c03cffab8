// The small subset of Kubernetes object shapes the planner writes and reads. Pure code may not
// import client-node (not even its types), so the planner speaks these plain JSON shapes; the
// reconciler hands them to the client unchanged.

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ObjectMeta {
  name?: string;
  namespace?: string;
  uid?: string;
  generation?: number;
  resourceVersion?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  creationTimestamp?: string | Date;
  deletionTimestamp?: string | Date;
}

/** Any Kubernetes object: apiVersion, kind, metadata and kind-specific fields. */
export interface Manifest {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
  [field: string]: unknown;
}

export interface EnvVar {
  name: string;
  value: string;
}

export interface VolumeMount {
  name: string;
  mountPath: string;
  readOnly?: boolean;
}

export interface Container {
  name: string;
  image: string;
  command: string[];
  args: string[];
  env: EnvVar[];
  volumeMounts: VolumeMount[];
  ports?: { name: string; containerPort: number; protocol: 'TCP' }[];
  resources?: {
    requests?: Record<string, string | number>;
    limits?: Record<string, string | number>;
  };
  securityContext?: Record<string, unknown>;
  readinessProbe?: Record<string, unknown>;
}

export interface Volume {
  name: string;
  [source: string]: unknown;
}

export interface PodSpec {
  serviceAccountName: string;
  automountServiceAccountToken: boolean;
  restartPolicy: 'Always' | 'Never' | 'OnFailure';
  containers: Container[];
  volumes: Volume[];
  securityContext?: Record<string, unknown>;
  nodeSelector?: Record<string, string>;
  tolerations?: unknown[];
  affinity?: unknown;
  priorityClassName?: string;
  activeDeadlineSeconds?: number;
}

export interface PodTemplate {
  metadata: { labels: Record<string, string>; annotations: Record<string, string> };
  spec: PodSpec;
}
