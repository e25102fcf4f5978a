import { test } from '@japa/runner'
import {
  find,
  kubectlMissing,
  podSpecOf,
  renderKustomize,
  validationErrors,
  type K8sObject,
} from '#tests/support/manifests'

const OVERLAYS = ['deploy/k8s/overlays/dev', 'deploy/k8s/overlays/prod']
const missing = kubectlMissing()
const WORKLOADS = ['Deployment', 'Job', 'CronJob']

function appWorkloads(objects: K8sObject[]) {
  return objects.filter(
    (o) => WORKLOADS.includes(o.kind) && o.metadata.name !== 'payouts-provider-mock'
  )
}

function probePath(probe: any) {
  return probe?.httpGet?.path
}

test.group('Kubernetes manifests (kubectl kustomize, validated offline)', (group) => {
  group.each.timeout(30_000)

  for (const overlay of OVERLAYS) {
    test(`${overlay} renders and every object validates`, async ({ assert }) => {
      const objects = renderKustomize(overlay)
      assert.isAbove(objects.length, 10)
      assert.deepEqual(await validationErrors(objects), [])
    }).skip(missing !== null, missing ?? '')

    test(`${overlay}: every app pod runs the released image as non-root, with config and secrets by reference`, ({
      assert,
    }) => {
      const objects = renderKustomize(overlay)
      // Secrets are created outside the repository, never rendered with values.
      assert.notInclude(
        objects.map((o) => o.kind),
        'Secret'
      )
      const workloads = appWorkloads(objects)
      assert.isAtLeast(workloads.length, 5)
      for (const workload of workloads) {
        const pod = podSpecOf(workload)
        assert.isTrue(pod.securityContext.runAsNonRoot, workload.metadata.name)
        assert.equal(pod.automountServiceAccountToken, false, workload.metadata.name)
        for (const container of pod.containers) {
          assert.match(container.image, /^registry\.example\.com\/payouts:/)
          assert.deepEqual(
            container.envFrom,
            [
              { configMapRef: { name: 'payouts-config' } },
              { secretRef: { name: 'payouts-secrets' } },
            ],
            workload.metadata.name
          )
          assert.isTrue(container.securityContext.readOnlyRootFilesystem)
          assert.exists(container.resources.requests, workload.metadata.name)
        }
      }
    }).skip(missing !== null, missing ?? '')

    test(`${overlay}: web has probes, PDB, HPA, spread, Service and Ingress; worker drains within its grace under KEDA`, ({
      assert,
    }) => {
      const objects = renderKustomize(overlay)
      const config = find(objects, 'ConfigMap', 'payouts-config').data!
      const web = find(objects, 'Deployment', 'payouts-web')
      const webContainer = web.spec.template.spec.containers[0]
      assert.deepEqual(webContainer.args, ['web'])
      assert.equal(probePath(webContainer.startupProbe), '/health/live')
      assert.equal(probePath(webContainer.livenessProbe), '/health/live')
      assert.equal(probePath(webContainer.readinessProbe), '/health/ready')
      assert.isAtLeast(web.spec.template.spec.topologySpreadConstraints.length, 1)
      // The preStop pause and the app's own grace fit in the termination period.
      const preStopSeconds = Number(webContainer.lifecycle.preStop.exec.command[1])
      assert.isAbove(
        web.spec.template.spec.terminationGracePeriodSeconds,
        preStopSeconds + Number(config.WEB_SHUTDOWN_GRACE_MS) / 1000
      )
      assert.equal(
        find(objects, 'HorizontalPodAutoscaler', 'payouts-web').spec.scaleTargetRef.name,
        'payouts-web'
      )
      const pdb = find(objects, 'PodDisruptionBudget', 'payouts-web')
      assert.deepEqual(pdb.spec.selector.matchLabels, web.spec.selector.matchLabels)
      const service = find(objects, 'Service', 'payouts-web')
      assert.deepEqual(service.spec.selector, web.spec.selector.matchLabels)
      const ingress = find(objects, 'Ingress', 'payouts-web')
      assert.equal(ingress.spec.rules[0].http.paths[0].backend.service.name, 'payouts-web')

      const worker = find(objects, 'Deployment', 'payouts-worker')
      const workerContainer = worker.spec.template.spec.containers[0]
      assert.deepEqual(workerContainer.args, ['worker'])
      assert.equal(probePath(workerContainer.livenessProbe), '/health/live')
      assert.equal(probePath(workerContainer.readinessProbe), '/health/ready')
      assert.equal(workerContainer.readinessProbe.httpGet.port, 'probes')
      assert.equal(workerContainer.ports[0].containerPort, Number(config.WORKER_METRICS_PORT))
      // The probes must be reachable from outside the pod.
      assert.equal(config.WORKER_METRICS_HOST, '0.0.0.0')
      assert.isAbove(
        worker.spec.template.spec.terminationGracePeriodSeconds,
        Number(config.WORKER_SHUTDOWN_GRACE_MS) / 1000 + 3
      )
      // KEDA owns the worker's replica count.
      assert.notProperty(worker.spec, 'replicas')
      const scaled = find(objects, 'ScaledObject', 'payouts-worker')
      assert.equal(scaled.spec.scaleTargetRef.name, 'payouts-worker')
      assert.equal(scaled.spec.triggers[0].type, 'rabbitmq')
      assert.equal(scaled.spec.triggers[0].metadata.queueName, 'payouts.process')
    }).skip(missing !== null, missing ?? '')

    test(`${overlay}: migrations run as a hook-ordered Job; both prune commands are scheduled`, ({
      assert,
    }) => {
      const objects = renderKustomize(overlay)
      const migrate = find(objects, 'Job', 'payouts-migrate')
      assert.deepEqual(podSpecOf(migrate).containers[0].args, ['migrate'])
      assert.equal(migrate.metadata.annotations['argocd.argoproj.io/hook'], 'PreSync')
      const scheduled = objects
        .filter((o) => o.kind === 'CronJob')
        .map((o) => podSpecOf(o).containers[0].args)
      assert.sameDeepMembers(scheduled, [
        ['ace', 'idempotency:prune'],
        ['ace', 'messages:prune'],
      ])
      for (const cron of objects.filter((o) => o.kind === 'CronJob')) {
        assert.equal(cron.spec.concurrencyPolicy, 'Forbid')
      }
    }).skip(missing !== null, missing ?? '')
  }

  test('prod: operators run PostgreSQL (3 instances, app on -rw) and RabbitMQ (3 replicas); only app pods reach them', ({
    assert,
  }) => {
    const objects = renderKustomize('deploy/k8s/overlays/prod')
    for (const workload of appWorkloads(objects)) {
      const [image] = podSpecOf(workload).containers.map((c: any) => c.image)
      assert.notMatch(image, /:latest$/, `${workload.metadata.name} runs a pinned release`)
    }
    assert.isAtLeast(find(objects, 'Deployment', 'payouts-web').spec.replicas, 2)
    assert.isAtLeast(find(objects, 'HorizontalPodAutoscaler', 'payouts-web').spec.minReplicas, 2)
    const postgres = find(objects, 'Cluster', 'payouts-pg')
    assert.equal(postgres.spec.instances, 3)
    assert.equal(find(objects, 'ConfigMap', 'payouts-config').data!.DB_HOST, 'payouts-pg-rw')
    assert.equal(find(objects, 'RabbitmqCluster', 'payouts-rabbitmq').spec.replicas, 3)
    assert.notInclude(
      objects.map((o) => o.kind),
      'StatefulSet'
    )

    const appOnly = (policy: K8sObject, port: number) => {
      const rules = policy.spec.ingress.filter((rule: any) =>
        rule.ports.some((p: any) => p.port === port)
      )
      const peers = rules.flatMap((rule: any) => rule.from)
      return peers.map((peer: any) => peer.podSelector?.matchLabels ?? peer.namespaceSelector)
    }
    const pgPolicy = find(objects, 'NetworkPolicy', 'payouts-postgres')
    assert.deepEqual(pgPolicy.spec.podSelector.matchLabels, { 'cnpg.io/cluster': 'payouts-pg' })
    assert.deepEqual(appOnly(pgPolicy, 5432), [
      { 'app.kubernetes.io/name': 'payouts' },
      { 'cnpg.io/cluster': 'payouts-pg' },
    ])
    const mqPolicy = find(objects, 'NetworkPolicy', 'payouts-rabbitmq')
    assert.deepEqual(appOnly(mqPolicy, 5672), [
      { 'app.kubernetes.io/name': 'payouts' },
      { matchLabels: { 'kubernetes.io/metadata.name': 'keda' } },
    ])
    // Every pod that needs the database carries the label the policies admit.
    for (const workload of appWorkloads(objects)) {
      const labels =
        workload.kind === 'CronJob'
          ? workload.spec.jobTemplate.spec.template.metadata.labels
          : workload.spec.template.metadata.labels
      assert.equal(labels['app.kubernetes.io/name'], 'payouts', workload.metadata.name)
    }
  }).skip(missing !== null, missing ?? '')

  test('the validation catches a broken manifest', async ({ assert }) => {
    const objects = renderKustomize('deploy/k8s/overlays/prod')
    const broken = objects.map((object) => structuredClone(object))
    find(broken, 'Deployment', 'payouts-web').spec.replicas = 'two'
    delete find(broken, 'ScaledObject', 'payouts-worker').spec.triggers[0].metadata.queueName
    delete find(broken, 'Cluster', 'payouts-pg').spec.instances
    broken.push({ apiVersion: 'example.com/v1', kind: 'Thing', metadata: { name: 'x' } })
    const errors = await validationErrors(broken)
    assert.isTrue(
      errors.some((e) => e.startsWith('Deployment/payouts-web:')),
      errors.join('\n')
    )
    assert.include(errors, 'ScaledObject/payouts-worker: rabbitmq trigger needs queueName')
    assert.include(errors, 'Cluster/payouts-pg: spec.instances must be a positive integer')
    assert.include(errors, 'Thing/x: no schema for example.com/v1 Thing')
  }).skip(missing !== null, missing ?? '')
})
