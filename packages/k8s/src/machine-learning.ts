import { type ImmichFamilySpec, PORTS, type Resources } from "@family/immich-spec";
import { Construct } from "constructs";
import { deployment, service, workload } from "./_deployment.js";
import { inScope, type InstallContext } from "./_names.js";
import { containerResources, httpProbe, POD_SECURITY, ROOT_IMAGE_SECURITY } from "./_pod.js";

type Acceleration = ImmichFamilySpec["machineLearning"]["acceleration"];

/** Extended resources the accelerations that use a device plugin ask for. */
const DEVICE_LIMITS: Partial<Record<Acceleration, Record<string, string>>> = {
  cuda: { "nvidia.com/gpu": "1" },
  rocm: { "amd.com/gpu": "1" },
};

/** Props of `MachineLearning`: the install's names and labels, the image, the acceleration and the resources. */
export interface MachineLearningProps {
  /** Names and labels of the install: `installContext(spec, target)`. */
  readonly install: InstallContext;
  /** The immich-machine-learning image, suffixed for the acceleration: `machineLearningImage(spec)`. */
  readonly image: string;
  /** The acceleration (`machineLearning.acceleration`): `cuda` and `rocm` request a GPU. @default cpu */
  readonly acceleration?: Acceleration | undefined;
  /** Requests and limits of the container (`machineLearning.resources`). @default none */
  readonly resources?: Resources | undefined;
}

/** Immich's machine-learning service: a Deployment with a writable model cache, and its Service. */
export class MachineLearning extends Construct {
  constructor(scope: Construct, id: string, props: MachineLearningProps) {
    super(scope, id);
    const install = inScope(this, props.install);
    const ml = workload(install, install.names.machineLearning, "machine-learning", "immich-machine-learning");

    deployment(this, ml, {
      securityContext: POD_SECURITY,
      containers: [
        {
          name: "machine-learning",
          image: props.image,
          env: [{ name: "MACHINE_LEARNING_CACHE_FOLDER", value: "/cache" }],
          ports: [{ name: "http", containerPort: PORTS.machineLearning }],
          startupProbe: httpProbe("/ping", "http", 10, 30),
          readinessProbe: httpProbe("/ping", "http", 10, 3),
          livenessProbe: httpProbe("/ping", "http", 20, 6),
          ...containerResources(props.resources, DEVICE_LIMITS[props.acceleration ?? "cpu"]),
          securityContext: ROOT_IMAGE_SECURITY,
          volumeMounts: [{ name: "cache", mountPath: "/cache" }],
        },
      ],
      volumes: [{ name: "cache", emptyDir: {} }],
    });
    service(this, ml, { name: "http", port: PORTS.machineLearning });
  }
}
