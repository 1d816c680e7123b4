"""Generated gRPC code for proto/worldstream/v1 (scripts/gen_proto.py). Never edit by hand."""
