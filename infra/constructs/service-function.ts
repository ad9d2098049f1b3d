// One Lambda function with the project's defaults, so runtime, bundling, logs and tracing are set once.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { LogLevel, NodejsFunction, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { BUNDLE_EXTERNAL_MODULES, BUNDLE_MAIN_FIELDS, BUNDLE_TARGET, ESM_REQUIRE_BANNER } from '../bundling.js';

/** Where the function sources live: the repository, or a throwaway copy in tests. */
export interface FunctionSources {
  readonly projectRoot: string;
  readonly functionsDir: string;
  readonly lockFile: string;
}

const repositoryRoot = fileURLToPath(new URL('../../', import.meta.url));

export const repositorySources: FunctionSources = {
  projectRoot: repositoryRoot,
  functionsDir: join(repositoryRoot, 'functions'),
  lockFile: join(repositoryRoot, 'package-lock.json'),
};

export function entryFile(sources: FunctionSources, handler: string): string {
  return join(sources.functionsDir, `${handler}.ts`);
}

/** What every function shares: where the code is and how long its logs are kept. */
export interface FunctionDefaults {
  readonly sources: FunctionSources;
  readonly logRetention: RetentionDays;
  readonly logRemovalPolicy: RemovalPolicy;
  readonly logLevel: string;
  /** Names and URLs only (never secret values): every function gets the same, the config module reads what it needs. */
  readonly environment: Readonly<Record<string, string>>;
}

export interface ServiceFunctionProps {
  /** `functions/<handler>.ts`, exporting `handler`. */
  readonly handler: string;
  readonly description: string;
  readonly memorySize: number;
  readonly timeout: Duration;
  /** Concurrency kept for this function alone (and its cap); unset draws on the account's shared pool. */
  readonly reservedConcurrentExecutions?: number;
  readonly defaults: FunctionDefaults;
}

// The runtime the bundles target (infra/bundling.ts).
const RUNTIME = Runtime.NODEJS_22_X;

export class ServiceFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: ServiceFunctionProps) {
    super(scope, id);
    const { defaults } = props;
    const entry = entryFile(defaults.sources, props.handler);
    if (!existsSync(entry)) {
      throw new Error(`${this.node.path}: entry file ${entry} does not exist (functions/${props.handler}.ts must export handler)`);
    }

    // An explicit log group gets a retention; Lambda's implicit one would keep logs forever.
    this.logGroup = new LogGroup(this, 'Logs', {
      retention: defaults.logRetention,
      removalPolicy: defaults.logRemovalPolicy,
    });

    // An own role instead of AWSLambdaBasicExecutionRole: that managed policy may write to any log group.
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs the ${props.handler} function`,
    });
    this.logGroup.grantWrite(this.role);

    this.function = new NodejsFunction(this, 'Function', {
      entry,
      handler: 'handler',
      description: props.description,
      projectRoot: defaults.sources.projectRoot,
      depsLockFilePath: defaults.sources.lockFile,
      runtime: RUNTIME,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: LoggingFormat.JSON,
      tracing: Tracing.ACTIVE,
      environment: {
        ...defaults.environment,
        POWERTOOLS_SERVICE_NAME: 'multi-webhook',
        LOG_LEVEL: defaults.logLevel,
        // Stack traces point at the TypeScript sources through the bundled source map.
        NODE_OPTIONS: '--enable-source-maps',
      },
      bundling: {
        // esbuild's own default is info (a summary per bundle); CDK passes no level unless one is set.
        logLevel: LogLevel.WARNING,
        format: OutputFormat.ESM,
        target: BUNDLE_TARGET,
        mainFields: BUNDLE_MAIN_FIELDS,
        banner: ESM_REQUIRE_BANNER,
        minify: true,
        sourceMap: true,
        sourceMapMode: SourceMapMode.DEFAULT,
        // The map only needs positions; the sources would double the bundle.
        sourcesContent: false,
        externalModules: BUNDLE_EXTERNAL_MODULES,
      },
    });

    // X-Ray's PutTraceSegments/PutTelemetryRecords have no resource-level permissions.
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Only the X-Ray actions (xray:PutTraceSegments, xray:PutTelemetryRecords) use Resource *: X-Ray supports no resource-level permissions. Tests assert no other statement uses *.',
    });
    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Node.js 22 is the runtime the project targets and tests against (the toolchain the README names); the move to a newer runtime is a deliberate change, not a silent one.',
    });
  }
}
