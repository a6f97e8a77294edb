import { type ImmichFamilySpec, machineLearningImage, PORTS } from "@family/immich-spec";
import { Construct } from "constructs";
import { deployment, service } from "./_deployment.js";
import { recommendedLabels, selectorLabels } from "./_labels.js";
import type { Names } from "./_names.js";
import { containerResources, httpProbe, POD_SECURITY, ROOT_IMAGE_SECURITY } from "./_pod.js";

type Acceleration = ImmichFamilySpec["machineLearning"]["acceleration"];

/** Extended resources the accelerations that use a device plugin ask for. */
const DEVICE_LIMITS: Partial<Record<Acceleration, Record<string, string>>> = {
  cuda: { "nvidia.com/gpu": "1" },
  rocm: { "amd.com/gpu": "1" },
};

/** Props of `MachineLearning`: the spec (version, acceleration, resources) and the object names. */
export interface MachineLearningProps {
  /** The parsed spec. */
  readonly spec: ImmichFamilySpec;
  /** Object names: `objectNames(spec, target)`. */
  readonly names: Names;
}

/** Immich's machine-learning service: a Deployment with a writable model cache, and its Service. */
export class MachineLearning extends Construct {
  constructor(scope: Construct, id: string, props: MachineLearningProps) {
    super(scope, id);
    const { spec, names } = props;
    const workload = {
      name: names.machineLearning,
      namespace: names.namespace,
      labels: recommendedLabels(spec, "machine-learning", "immich-machine-learning"),
      selector: selectorLabels(spec, "machine-learning", "immich-machine-learning"),
    };
    const ml = spec.machineLearning;

    deployment(this, workload, {
      securityContext: POD_SECURITY,
      containers: [
        {
          name: "machine-learning",
          image: machineLearningImage(spec),
          env: [{ name: "MACHINE_LEARNING_CACHE_FOLDER", value: "/cache" }],
          ports: [{ name: "http", containerPort: PORTS.machineLearning }],
          startupProbe: httpProbe("/ping", "http", 10, 30),
          readinessProbe: httpProbe("/ping", "http", 10, 3),
          livenessProbe: httpProbe("/ping", "http", 20, 6),
          ...containerResources(ml.resources, DEVICE_LIMITS[ml.acceleration]),
          securityContext: ROOT_IMAGE_SECURITY,
          volumeMounts: [{ name: "cache", mountPath: "/cache" }],
        },
      ],
      volumes: [{ name: "cache", emptyDir: {} }],
    });
    service(this, workload, { name: "http", port: PORTS.machineLearning });
  }
}
