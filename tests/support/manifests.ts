/*
 * Offline checks of the deployment files: renders deploy/k8s with
 * `kubectl kustomize` (Debian's kubernetes-client) and validates each object
 * against the Kubernetes JSON schemas of the `kubernetes-models` package.
 * Custom resources (KEDA, RabbitMQ Cluster Operator, CloudNativePG) have no
 * schema there; their apiVersion, kind and required fields are checked here.
 */
import { spawnSync } from 'node:child_process'
import { parseAllDocuments } from 'yaml'

export type K8sObject = {
  apiVersion: string
  kind: string
  metadata: { name: string; namespace?: string; [key: string]: any }
  spec?: any
  data?: Record<string, string>
  [key: string]: any
}

export const KUBECTL = '/usr/bin/kubectl'

/* Why kubectl cannot render here, or null when it can. */
export function kubectlMissing(): string | null {
  const probe = spawnSync(KUBECTL, ['version', '--client'], { encoding: 'utf8', timeout: 10_000 })
  if (probe.error || probe.status !== 0) {
    return `kubectl not found at ${KUBECTL} (Debian: apt-get install kubernetes-client); manifests not rendered`
  }
  return null
}

export function renderKustomize(directory: string): K8sObject[] {
  const result = spawnSync(KUBECTL, ['kustomize', directory], {
    encoding: 'utf8',
    timeout: 30_000,
  })
  if (result.status !== 0) throw new Error(`kubectl kustomize ${directory}: ${result.stderr}`)
  return parseAllDocuments(result.stdout).map((document) => {
    if (document.errors.length) throw document.errors[0]
    return document.toJS() as K8sObject
  })
}

/* The kubernetes-models module of each built-in apiVersion the manifests use. */
const BUILT_IN: Record<string, () => Promise<Record<string, unknown>>> = {
  'v1': () => import('kubernetes-models/v1'),
  'apps/v1': () => import('kubernetes-models/apps/v1'),
  'batch/v1': () => import('kubernetes-models/batch/v1'),
  'policy/v1': () => import('kubernetes-models/policy/v1'),
  'autoscaling/v2': () => import('kubernetes-models/autoscaling/v2'),
  'networking.k8s.io/v1': () => import('kubernetes-models/networking.k8s.io/v1'),
}

type Check = (object: K8sObject, all: K8sObject[]) => string[]

const has = (value: unknown) => value !== undefined && value !== null && value !== ''
const named = (all: K8sObject[], kind: string, name: string) =>
  all.some((other) => other.kind === kind && other.metadata.name === name)

/* Required fields of the custom resources, from each operator's CRD. */
const CUSTOM: Record<string, Check> = {
  'keda.sh/v1alpha1 ScaledObject': (o, all) => [
    ...(has(o.spec?.scaleTargetRef?.name) ? [] : ['spec.scaleTargetRef.name is required']),
    ...(named(all, 'Deployment', o.spec?.scaleTargetRef?.name)
      ? []
      : [`scales ${o.spec?.scaleTargetRef?.name}, which is not rendered`]),
    ...(Array.isArray(o.spec?.triggers) && o.spec.triggers.length
      ? []
      : ['spec.triggers needs at least one trigger']),
    ...(o.spec?.triggers ?? []).flatMap((trigger: any) => [
      ...(has(trigger.type) ? [] : ['trigger.type is required']),
      ...(trigger.type === 'rabbitmq'
        ? [
            ...(has(trigger.metadata?.queueName) ? [] : ['rabbitmq trigger needs queueName']),
            ...(['QueueLength', 'MessageRate'].includes(trigger.metadata?.mode)
              ? []
              : ['rabbitmq trigger mode must be QueueLength or MessageRate']),
            ...(typeof trigger.metadata?.value === 'string'
              ? []
              : ['rabbitmq trigger value must be a string']),
            ...(named(all, 'TriggerAuthentication', trigger.authenticationRef?.name)
              ? []
              : [
                  'rabbitmq trigger needs an authenticationRef to a rendered TriggerAuthentication',
                ]),
          ]
        : []),
    ]),
  ],
  'keda.sh/v1alpha1 TriggerAuthentication': (o) =>
    (o.spec?.secretTargetRef ?? []).length
      ? o.spec.secretTargetRef.flatMap((ref: any) =>
          has(ref.parameter) && has(ref.name) && has(ref.key)
            ? []
            : ['secretTargetRef needs parameter, name and key']
        )
      : ['spec.secretTargetRef is required'],
  'rabbitmq.com/v1beta1 RabbitmqCluster': (o) =>
    Number.isInteger(o.spec?.replicas) && o.spec.replicas >= 1
      ? []
      : ['spec.replicas must be a positive integer'],
  'postgresql.cnpg.io/v1 Cluster': (o) => [
    ...(Number.isInteger(o.spec?.instances) && o.spec.instances >= 1
      ? []
      : ['spec.instances must be a positive integer']),
    ...(has(o.spec?.storage?.size) ? [] : ['spec.storage.size is required']),
  ],
  'postgresql.cnpg.io/v1 ScheduledBackup': (o, all) => [
    ...(String(o.spec?.schedule ?? '').split(/\s+/).length === 6
      ? []
      : ['spec.schedule must have six fields (seconds first)']),
    ...(named(all, 'Cluster', o.spec?.cluster?.name) ? [] : ['spec.cluster.name is not rendered']),
  ],
}

/* Every problem of every object, as "<kind>/<name>: <problem>"; empty when all are valid. */
export async function validationErrors(objects: K8sObject[]): Promise<string[]> {
  const errors: string[] = []
  for (const object of objects) {
    const label = `${object.kind}/${object.metadata?.name}`
    if (!has(object.metadata?.name)) errors.push(`${label}: metadata.name is required`)
    const custom = CUSTOM[`${object.apiVersion} ${object.kind}`]
    if (custom) {
      errors.push(...custom(object, objects).map((error) => `${label}: ${error}`))
      continue
    }
    const load = BUILT_IN[object.apiVersion]
    const Model = load ? ((await load())[object.kind] as any) : undefined
    if (!Model) {
      errors.push(`${label}: no schema for ${object.apiVersion} ${object.kind}`)
      continue
    }
    try {
      new Model(object).validate()
    } catch (error) {
      errors.push(`${label}: ${(error as Error).message}`)
    }
  }
  return errors
}

/* The pod spec of a Deployment, Job or CronJob. */
export function podSpecOf(object: K8sObject): any {
  if (object.kind === 'CronJob') return object.spec.jobTemplate.spec.template.spec
  return object.spec.template.spec
}

export function find(objects: K8sObject[], kind: string, name: string) {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name)
  if (!found) throw new Error(`${kind}/${name} is not rendered`)
  return found
}
