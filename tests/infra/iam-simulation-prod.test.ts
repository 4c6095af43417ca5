import { describeIamSimulation } from "../support/iam-suite";

describeIamSimulation("prod");
