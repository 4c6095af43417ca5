import * as aws from "@pulumi/aws";
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { existsSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import { contentTag } from "./content-tag";
import { checkPackMatchesEngine } from "./game-pack";

export interface GameImageArgs {
  /**
   * The image's build context: the folder with its Dockerfile, relative to the project (the
   * program's working directory), so that every checkout gives the image the same inputs.
   */
  readonly context: string;
  /** The Godot version the image downloads (build arg GODOT_VERSION), e.g. "4.6". */
  readonly godotVersion: string;
  /** How many images the repository keeps. Default: 10. */
  readonly imagesToKeep?: number;
  /** Whether `pulumi destroy` may delete a repository that still holds images. Default: true. */
  readonly forceDelete?: boolean;
}

/** The Godot server image: an ECR repository, and the image built from `context` and pushed to it. */
export class GameImage extends pulumi.ComponentResource {
  public readonly repositoryUrl: pulumi.Output<string>;
  public readonly repositoryArn: pulumi.Output<string>;
  /** The pushed image, by content tag. */
  public readonly imageRef: pulumi.Output<string>;

  constructor(name: string, args: GameImageArgs, opts?: pulumi.ComponentResourceOptions) {
    super("godot-rooms:index:GameImage", name, {}, opts);
    const imagesToKeep = args.imagesToKeep ?? 10;
    const forceDelete = args.forceDelete ?? true;
    if (!Number.isInteger(imagesToKeep) || imagesToKeep < 1)
      throw new Error("imagesToKeep must be a whole number of at least 1.");
    if (isAbsolute(args.context))
      throw new Error(
        `The image build context must be relative to the project, not ${args.context}: an absolute path differs between checkouts and would rebuild and re-push the same tag.`,
      );
    // A game pack baked into the image must be one this engine can load.
    const pack = join(args.context, "game", "game.pck");
    if (existsSync(pack)) checkPackMatchesEngine(pack, args.godotVersion);
    const buildArgs = { GODOT_VERSION: args.godotVersion };
    const tag = contentTag(args.context, buildArgs);

    const repository = new aws.ecr.Repository(
      name,
      {
        imageTagMutability: "IMMUTABLE",
        imageScanningConfiguration: { scanOnPush: true },
        forceDelete,
      },
      { parent: this },
    );
    new aws.ecr.LifecyclePolicy(
      `${name}-lifecycle`,
      { repository: repository.name, policy: JSON.stringify(keepLastImagesPolicy(imagesToKeep)) },
      { parent: this },
    );
    const credentials = aws.ecr.getAuthorizationTokenOutput(
      { registryId: repository.registryId },
      { parent: this },
    );
    const image = new docker.Image(
      name,
      {
        imageName: pulumi.interpolate`${repository.repositoryUrl}:${tag}`,
        build: { context: args.context, platform: "linux/amd64", args: buildArgs },
        registry: {
          server: repository.repositoryUrl,
          username: credentials.userName,
          password: pulumi.secret(credentials.password),
        },
        // `pulumi preview` needs no Docker daemon: the image is built and pushed by `pulumi up` only.
        buildOnPreview: false,
      },
      { parent: this },
    );
    this.repositoryUrl = repository.repositoryUrl;
    this.repositoryArn = repository.arn;
    this.imageRef = image.imageName;
    this.registerOutputs({
      repositoryUrl: this.repositoryUrl,
      repositoryArn: this.repositoryArn,
      imageRef: this.imageRef,
    });
  }
}

/** ECR lifecycle rules: expire all but the newest `count` images. */
export function keepLastImagesPolicy(count: number) {
  return {
    rules: [
      {
        rulePriority: 1,
        description: `Keep the last ${count} images`,
        selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: count },
        action: { type: "expire" },
      },
    ],
  };
}
