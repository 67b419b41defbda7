/*
 * The gRPC message and service definitions this provider speaks, written here from the published
 * definitions (field numbers and types are protocol facts):
 *
 * - tfplugin6: Terraform's plugin protocol version 6 (the tfplugin6.proto published with
 *   Terraform releases). Only what a provider without managed resources needs: schema, provider
 *   configuration, one data source, functions, graceful stop, and the identity-schema call newer
 *   Terraform releases make. Methods left out are answered UNIMPLEMENTED by grpc-js, which is
 *   what Terraform expects from a provider that has none of those resources.
 * - plugin: go-plugin's own services, which Terraform's plugin client (go-plugin) talks to beside
 *   the provider: GRPCController (Shutdown, called when Terraform kills the plugin), GRPCStdio
 *   (StreamStdio: the client opens it at once and copies what arrives into Terraform's log) and
 *   GRPCBroker (StartStream: the client opens it at once; Terraform never brokers extra
 *   connections to a provider).
 * - grpc.health.v1: the standard health service go-plugin's Ping() calls with service "plugin".
 *
 * Kept as text in a TypeScript module (not .proto files) so that `tsc` alone builds the provider
 * and the bundle needs no file beside the compiled JavaScript.
 */

export const TFPLUGIN6 = `
syntax = "proto3";
package tfplugin6;

message DynamicValue {
  bytes msgpack = 1;
  bytes json = 2;
}

message Diagnostic {
  enum Severity {
    INVALID = 0;
    ERROR = 1;
    WARNING = 2;
  }
  Severity severity = 1;
  string summary = 2;
  string detail = 3;
  AttributePath attribute = 4;
}

message FunctionError {
  string text = 1;
  optional int64 function_argument = 2;
}

message AttributePath {
  message Step {
    oneof selector {
      string attribute_name = 1;
      string element_key_string = 2;
      int64 element_key_int = 3;
    }
  }
  repeated Step steps = 1;
}

message StopProvider {
  message Request {}
  message Response {
    string Error = 1;
  }
}

enum StringKind {
  PLAIN = 0;
  MARKDOWN = 1;
}

message Schema {
  message Block {
    int64 version = 1;
    repeated Attribute attributes = 2;
    repeated NestedBlock block_types = 3;
    string description = 4;
    StringKind description_kind = 5;
    bool deprecated = 6;
  }
  message Attribute {
    string name = 1;
    bytes type = 2;
    Object nested_type = 10;
    string description = 3;
    bool required = 4;
    bool optional = 5;
    bool computed = 6;
    bool sensitive = 7;
    StringKind description_kind = 8;
    bool deprecated = 9;
    bool write_only = 11;
  }
  message NestedBlock {
    enum NestingMode {
      INVALID = 0;
      SINGLE = 1;
      LIST = 2;
      SET = 3;
      MAP = 4;
      GROUP = 5;
    }
    string type_name = 1;
    Block block = 2;
    NestingMode nesting = 3;
    int64 min_items = 4;
    int64 max_items = 5;
  }
  message Object {
    enum NestingMode {
      INVALID = 0;
      SINGLE = 1;
      LIST = 2;
      SET = 3;
      MAP = 4;
    }
    repeated Attribute attributes = 1;
    NestingMode nesting = 3;
  }
  int64 version = 1;
  Block block = 2;
}

message ResourceIdentitySchema {
  message IdentityAttribute {
    string name = 1;
    bytes type = 2;
    bool required_for_import = 3;
    bool optional_for_import = 4;
    string description = 5;
  }
  int64 version = 1;
  repeated IdentityAttribute identity_attributes = 2;
}

message Function {
  repeated Parameter parameters = 1;
  Parameter variadic_parameter = 2;
  Return return = 3;
  string summary = 4;
  string description = 5;
  StringKind description_kind = 6;
  string deprecation_message = 7;

  message Parameter {
    string name = 1;
    bytes type = 2;
    bool allow_null_value = 3;
    bool allow_unknown_values = 4;
    string description = 5;
    StringKind description_kind = 6;
  }
  message Return {
    bytes type = 1;
  }
}

message ServerCapabilities {
  bool plan_destroy = 1;
  bool get_provider_schema_optional = 2;
  bool move_resource_state = 3;
}

message ClientCapabilities {
  bool deferral_allowed = 1;
  bool write_only_attributes_allowed = 2;
}

message Deferred {
  enum Reason {
    UNKNOWN = 0;
    RESOURCE_CONFIG_UNKNOWN = 1;
    PROVIDER_CONFIG_UNKNOWN = 2;
    ABSENT_PREREQ = 3;
  }
  Reason reason = 1;
}

message GetMetadata {
  message Request {}
  message Response {
    ServerCapabilities server_capabilities = 1;
    repeated Diagnostic diagnostics = 2;
    repeated DataSourceMetadata data_sources = 3;
    repeated ResourceMetadata resources = 4;
    repeated FunctionMetadata functions = 5;
    repeated EphemeralMetadata ephemeral_resources = 6;
  }
  message EphemeralMetadata {
    string type_name = 1;
  }
  message FunctionMetadata {
    string name = 1;
  }
  message DataSourceMetadata {
    string type_name = 1;
  }
  message ResourceMetadata {
    string type_name = 1;
  }
}

message GetProviderSchema {
  message Request {}
  message Response {
    Schema provider = 1;
    map<string, Schema> resource_schemas = 2;
    map<string, Schema> data_source_schemas = 3;
    map<string, Function> functions = 7;
    map<string, Schema> ephemeral_resource_schemas = 8;
    repeated Diagnostic diagnostics = 4;
    Schema provider_meta = 5;
    ServerCapabilities server_capabilities = 6;
  }
}

message ValidateProviderConfig {
  message Request {
    DynamicValue config = 1;
  }
  message Response {
    repeated Diagnostic diagnostics = 2;
  }
}

message GetResourceIdentitySchemas {
  message Request {}
  message Response {
    map<string, ResourceIdentitySchema> identity_schemas = 1;
    repeated Diagnostic diagnostics = 2;
  }
}

message ValidateDataResourceConfig {
  message Request {
    string type_name = 1;
    DynamicValue config = 2;
  }
  message Response {
    repeated Diagnostic diagnostics = 1;
  }
}

message ConfigureProvider {
  message Request {
    string terraform_version = 1;
    DynamicValue config = 2;
    ClientCapabilities client_capabilities = 3;
  }
  message Response {
    repeated Diagnostic diagnostics = 1;
  }
}

message ReadDataSource {
  message Request {
    string type_name = 1;
    DynamicValue config = 2;
    DynamicValue provider_meta = 3;
    ClientCapabilities client_capabilities = 4;
  }
  message Response {
    DynamicValue state = 1;
    repeated Diagnostic diagnostics = 2;
    Deferred deferred = 3;
  }
}

message GetFunctions {
  message Request {}
  message Response {
    map<string, Function> functions = 1;
    repeated Diagnostic diagnostics = 2;
  }
}

message CallFunction {
  message Request {
    string name = 1;
    repeated DynamicValue arguments = 2;
  }
  message Response {
    DynamicValue result = 1;
    FunctionError error = 2;
  }
}

service Provider {
  rpc GetMetadata(GetMetadata.Request) returns (GetMetadata.Response);
  rpc GetProviderSchema(GetProviderSchema.Request) returns (GetProviderSchema.Response);
  rpc ValidateProviderConfig(ValidateProviderConfig.Request) returns (ValidateProviderConfig.Response);
  rpc ValidateDataResourceConfig(ValidateDataResourceConfig.Request) returns (ValidateDataResourceConfig.Response);
  rpc GetResourceIdentitySchemas(GetResourceIdentitySchemas.Request) returns (GetResourceIdentitySchemas.Response);
  rpc ConfigureProvider(ConfigureProvider.Request) returns (ConfigureProvider.Response);
  rpc ReadDataSource(ReadDataSource.Request) returns (ReadDataSource.Response);
  rpc GetFunctions(GetFunctions.Request) returns (GetFunctions.Response);
  rpc CallFunction(CallFunction.Request) returns (CallFunction.Response);
  rpc StopProvider(StopProvider.Request) returns (StopProvider.Response);
}
`;

export const GOOGLE_EMPTY = `
syntax = "proto3";
package google.protobuf;
message Empty {}
`;

export const GO_PLUGIN = `
syntax = "proto3";
package plugin;

message Empty {}

service GRPCController {
  rpc Shutdown(Empty) returns (Empty);
}

message StdioData {
  enum Channel {
    INVALID = 0;
    STDOUT = 1;
    STDERR = 2;
  }
  Channel channel = 1;
  bytes data = 2;
}

service GRPCStdio {
  rpc StreamStdio(google.protobuf.Empty) returns (stream StdioData);
}

message ConnInfo {
  uint32 service_id = 1;
  string network = 2;
  string address = 3;
  message Knock {
    bool knock = 1;
    bool ack = 2;
    string error = 3;
  }
  Knock knock = 4;
}

service GRPCBroker {
  rpc StartStream(stream ConnInfo) returns (stream ConnInfo);
}
`;

export const HEALTH = `
syntax = "proto3";
package grpc.health.v1;

message HealthCheckRequest {
  string service = 1;
}

message HealthCheckResponse {
  enum ServingStatus {
    UNKNOWN = 0;
    SERVING = 1;
    NOT_SERVING = 2;
    SERVICE_UNKNOWN = 3;
  }
  ServingStatus status = 1;
}

service Health {
  rpc Check(HealthCheckRequest) returns (HealthCheckResponse);
}
`;

/** The loader options both the provider and the protocol test use: field names as written, enums as names, int64 as numbers. */
export const LOADER_OPTIONS = { keepCase: true, longs: Number, enums: String, defaults: true, oneofs: true } as const;

/** All definitions as one grpc-js package definition (parsed once per process). */
export function packageDefinition(): import("@grpc/proto-loader").PackageDefinition {
  // Loaded here, not at the top: a module that only needs the texts loads no gRPC code.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const protobuf = require("protobufjs") as typeof import("protobufjs");
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const loader = require("@grpc/proto-loader") as typeof import("@grpc/proto-loader");
  const root = new protobuf.Root();
  for (const text of [GOOGLE_EMPTY, TFPLUGIN6, GO_PLUGIN, HEALTH]) protobuf.parse(text, root, { keepCase: true });
  root.resolveAll();
  return loader.fromJSON(root.toJSON(), LOADER_OPTIONS);
}
